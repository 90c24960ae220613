"""The alignment panel: each finding appears for a crafted case and goes away once fixed; the page shows counts
by kind and links to fix; the subtree is read in a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.contracts import services, support
from kinerja.contracts.alignment import build_panel
from kinerja.contracts.models import CascadeMode, SupportKind
from kinerja.planning.models import MapState
from tests.contracts.cascading import build
from tests.factories import EmployeeFactory, PositionFactory
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db
BEFORE_DEADLINE = dt.date(2026, 1, 15)


def _panel(office, today=BEFORE_DEADLINE):
    return build_panel(office.org.kpp_a, office.map.plan_year, today=today)


def _messages(panel, kind):
    return [i.finding.message for i in panel.of_kind(kind)]


def test_shares_not_adding_up_then_fixed(office):
    world = build(office)
    found = _panel(office).of_kind("shares_not_adding_up")
    assert len(found) == 1
    item = found[0]
    assert item.finding.rule == 15 and "Σ 1.100 ≠ 1.200" in item.finding.message
    assert item.finding.object == world.kasi_sum.kpi
    urls = [url for _, url in item.links]
    assert reverse("contracts:detail", args=[world.kasi.pk]) + f"#kpi-{world.kasi_sum.pk}" in urls
    assert reverse("contracts:matrix", args=[office.org.kpp_a.pk, 2026]) in urls
    services.set_share(link=world.shares[2].kpi.cascaded_from, share=D(300), by=office.manager)
    assert not _panel(office).of_kind("shares_not_adding_up")


def test_map_kpi_in_no_contract_then_added(office):
    world = build(office)
    s1_3 = b.kpi(office.map.objectives.get(code="S1"), "S1.3", target=D(4))
    found = _panel(office).of_kind("map_kpi_uncontracted")
    assert [i.finding.object for i in found] == [s1_3]
    assert reverse("kpis:kpi", args=[s1_3.pk]) in [url for _, url in found[0].links]
    services.add_map_kpi(contract=world.head, kpi=s1_3, by=office.manager)
    assert not _panel(office).of_kind("map_kpi_uncontracted")


def test_cascade_without_children_then_linked(office):
    world = build(office)
    s1_3 = b.kpi(office.map.objectives.get(code="S1"), "S1.3", target=D(4))
    services.add_map_kpi(contract=world.head, kpi=s1_3, by=office.manager)
    services.set_cascade_mode(parent=s1_3, mode=CascadeMode.INDIRECT, by=office.manager)
    found = _panel(office).of_kind("cascade_without_children")
    assert [i.finding.object for i in found] == [s1_3]
    assert found[0].finding.rule == 15
    services.link_child(parent=s1_3, child=world.lower_kpi, mode=CascadeMode.INDIRECT, by=office.manager)
    assert not _panel(office).of_kind("cascade_without_children")


def test_parent_of_another_year_then_relinked(office):
    world = build(office)
    old_map = b.bare_map(office.org.kpp_a, 2025, MapState.APPROVED)
    old = b.kpi(b.objective(old_map, "stakeholder", "S1"), "S1.9", target=D(4))
    link = services.link_child(parent=old, child=world.lower_kpi, mode=CascadeMode.INDIRECT, by=None)
    found = _panel(office).of_kind("parent_other_year")
    assert [i.finding.object for i in found] == [world.lower_kpi]
    assert "2025" in found[0].finding.message
    services.unlink_child(link=link, by=office.manager)
    s1_3 = b.kpi(office.map.objectives.get(code="S1"), "S1.3", target=D(4))
    services.link_child(parent=s1_3, child=world.lower_kpi, mode=CascadeMode.INDIRECT, by=None)
    assert not _panel(office).of_kind("parent_other_year")


def test_peers_differing_in_unit_of_measure_then_aligned(office):
    world = build(office)
    odd = world.shares[1]
    services.update_individual_kpi(entry=odd, fields={"unit_of_measure": "rupiah"}, trajectory=None, by=None)
    found = _panel(office).of_kind("peers_differ")
    assert len(found) == 1 and "satuan pengukuran" in found[0].finding.message
    services.update_individual_kpi(entry=odd, fields={"unit_of_measure": "%"}, trajectory=None, by=None)
    assert not _panel(office).of_kind("peers_differ")


def test_weights_not_at_100_then_set(office):
    world = build(office)
    flagged = {i.finding.object for i in _panel(office).of_kind("weights")}
    assert world.kasi in flagged and all(i.finding.rule == 13 for i in _panel(office).of_kind("weights"))
    for entry in world.kasi.kpis.all():
        services.update_contract_kpi(entry=entry, fields={"weight": D(50)}, by=office.manager)
    assert world.kasi not in {i.finding.object for i in _panel(office).of_kind("weights")}


def test_too_many_kpis_for_the_level(office, monkeypatch):
    world = build(office)
    assert not _panel(office).of_kind("contract_kpi_cap")
    monkeypatch.setattr("kinerja.planning.scoring_bridge.contract_kpi_cap", lambda code, level, owns: 1)
    flagged = {i.finding.object for i in _panel(office).of_kind("contract_kpi_cap")}
    assert flagged == {world.head, world.kasi}  # two KPIs each; the others hold one


def test_unsigned_after_the_deadline(office):
    world = build(office)
    assert not _panel(office).of_kind("contract_late")
    late = _panel(office, today=dt.date(2026, 3, 1)).of_kind("contract_late")
    assert world.staff[0] in {i.finding.object for i in late}
    assert all(i.finding.rule == 17 and i.finding.code == "unsigned_after_deadline" for i in late)


def test_lower_ss_supporting_nothing_then_supporting(office):
    world = build(office)
    found = _panel(office).of_kind("objective_supports_nothing")
    assert {i.finding.object for i in found} == {world.lower_s1, world.lower_l1}
    assert found[0].links[0][1] == reverse("contracts:supports", args=[world.lower_map.pk])
    support.add_support(world.lower_s1, office.map.objectives.get(code="S1"), SupportKind.DIRECT, None)
    assert {i.finding.object for i in _panel(office).of_kind("objective_supports_nothing")} == {
        world.lower_l1
    }


def test_the_page_counts_and_links(client, office):
    world = build(office)
    client.force_login(office.manager)
    page = client.get(reverse("contracts:alignment", args=[office.org.kpp_a.pk, 2026]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="counts"' in html and 'href="#kind-shares_not_adding_up"' in html
    assert 'data-code="shares_not_adding_up"' in html and "aturan 15" in html
    assert reverse("contracts:detail", args=[world.kasi.pk]) in html


def test_queries_stay_bounded_with_many_contracts(office, django_assert_max_num_queries):
    world = build(office)
    year = office.map.plan_year
    for _i in range(30):
        employee = EmployeeFactory(
            unit=office.org.section_a,
            position=PositionFactory(unit=office.org.section_a, superior=office.kasi.position),
            superior=office.kasi,
        )
        contract = services.create_contract(employee=employee, plan_year=year, by=None)
        services.cascade_to(
            parent=world.kasi_pct.kpi, contract=contract, mode=CascadeMode.DIRECT_FULL, by=None
        )
    with django_assert_max_num_queries(16):
        panel = build_panel(office.org.kpp_a, year, today=dt.date(2026, 3, 1))
        kinds = [(g.kind, g.count) for g in panel.groups]
    assert ("weights", 36) in kinds and ("contract_late", 36) in kinds
