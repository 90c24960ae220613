"""Contracts, their KPIs, cascades and workflow through the services (rules 6, 13, 14, 16, 18, 19, 20)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.contracts import services
from kinerja.contracts.checks import findings, k3_rows
from kinerja.contracts.models import CascadeMode, ContractKpiSource, ContractState
from kinerja.planning.models import Kpi, PeriodTarget
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def _contracts(office):
    year = office.map.plan_year
    head = services.create_contract(employee=office.head, plan_year=year, by=office.manager)
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    return head, kasi


def _signed(contract, office, weights=None):
    entries = list(contract.kpis.order_by("order"))
    weights = weights or [D(100) / len(entries)] * len(entries)
    for entry, weight in zip(entries, weights, strict=True):
        services.update_contract_kpi(entry=entry, fields={"weight": weight}, by=office.manager)
    services.propose(contract=contract, by=office.manager)
    services.agree(contract=contract, by=office.user(contract.superior))
    services.sign(contract=contract, by=office.user(contract.employee))
    contract.refresh_from_db()
    return contract


def test_head_of_a_map_owner_gets_the_map_kpis_and_the_superior_is_found(office):
    head, kasi = _contracts(office)
    assert [e.kpi.code for e in head.kpis.order_by("order")] == ["S1.1", "S1.2"]
    assert {e.source for e in head.kpis.all()} == {ContractKpiSource.MAP}
    assert kasi.kpis.count() == 0
    assert kasi.superior == office.head
    assert head.superior is None
    assert (head.start, head.end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def test_overlapping_contracts_are_refused(office):
    services.create_contract(
        employee=office.kasi, plan_year=office.map.plan_year, by=office.manager, end=dt.date(2026, 6, 30)
    )
    with pytest.raises(ValidationError) as error:
        services.create_contract(
            employee=office.kasi,
            plan_year=office.map.plan_year,
            by=office.manager,
            start=dt.date(2026, 6, 30),
        )
    assert error.value.code == "contract_overlap"
    services.create_contract(
        employee=office.kasi, plan_year=office.map.plan_year, by=office.manager, start=dt.date(2026, 7, 1)
    )


def test_an_employee_cannot_create_a_contract_for_someone_else(office):
    with pytest.raises(PermissionDenied):
        services.create_contract(
            employee=office.kasi, plan_year=office.map.plan_year, by=office.user(office.staff[0])
        )


def test_direct_full_cascade_copies_manual_target_and_trajectory_and_locks_them(office):
    _, kasi = _contracts(office)
    entry = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    child = entry.kpi
    assert child.holder == office.kasi.position and child.code == "S1.1" and child.target == D(1200)
    assert list(child.period_targets.values_list("target", flat=True)) == [D(100)] * 12
    assert Kpi.objects.filter(pk=child.pk).count() == 0  # not a map KPI
    office.kpi_sum.refresh_from_db()
    assert office.kpi_sum.rolled_up
    with pytest.raises(ValidationError) as error:
        services.update_contract_kpi(entry=entry, fields={"target": D(1000)}, by=office.manager)
    assert "langsung penuh" in error.value.message_dict["target"][0]
    with pytest.raises(ValidationError):
        services.update_individual_kpi(
            entry=entry, fields={"formula": "lain"}, trajectory=None, by=office.manager
        )


def test_direct_shared_cascade_scales_the_trajectory(office):
    _, kasi = _contracts(office)
    kasi_entry = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    shares = [D(500), D(400), D(300)]
    for person, share in zip(office.staff, shares, strict=True):
        contract = services.create_contract(
            employee=person, plan_year=office.map.plan_year, by=office.manager
        )
        entry = services.cascade_to(
            parent=kasi_entry.kpi,
            contract=contract,
            mode=CascadeMode.DIRECT_SHARED,
            share=share,
            by=office.manager,
        )
        assert entry.kpi.target == share
        assert sum(PeriodTarget.objects.filter(kpi=entry.kpi).values_list("target", flat=True)) == share
    with pytest.raises(ValidationError) as error:
        services.cascade_to(
            parent=kasi_entry.kpi,
            contract=contract,
            mode=CascadeMode.DIRECT_SHARED,
            share=D(1),
            by=office.manager,
        )
    assert error.value.code == "already_cascaded"


def test_cascade_must_go_down_the_branch(office, org, employee_in):
    head, kasi = _contracts(office)
    with pytest.raises(ValidationError) as error:
        services.cascade_to(
            parent=office.kpi_sum, contract=head, mode=CascadeMode.DIRECT_FULL, by=office.manager
        )
    assert error.value.code == "cascade_outside_branch"
    entry = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    with pytest.raises(ValidationError) as error:
        services.link_child(parent=entry.kpi, child=office.kpi_sum, mode=CascadeMode.DIRECT_FULL, by=None)
    assert error.value.code in {"cascade_outside_branch", "cascade_cycle"}
    with pytest.raises(ValidationError) as error:
        services.cascade_to(parent=office.kpi_pct, contract=kasi, mode=CascadeMode.NONE, by=office.manager)
    assert error.value.code == "non_cascading_child"


def test_workflow_blocks_weights_not_100_then_superior_agrees_and_holder_signs(office):
    _, kasi = _contracts(office)
    services.cascade_to(parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager)
    services.add_individual_kpi(
        contract=kasi,
        objective=office.kpi_sum.objective,
        code="IKI-1",
        fields={
            "name_id": "Persentase berkas selesai tepat waktu",
            "polarity": "max",
            "validity": "proxy",
            "controllability": "high",
            "consolidation": "last",
            "frequency": "quarterly",
            "target": D(95),
            **b.MANUAL,
        },
        trajectory=[D(95)] * 4,
        by=office.user(office.kasi),
    )
    entries = list(kasi.kpis.order_by("order"))
    services.update_contract_kpi(entry=entries[0], fields={"weight": D(60)}, by=office.manager)
    services.update_contract_kpi(entry=entries[1], fields={"weight": D(30)}, by=office.manager)
    assert "weights_not_100" in {f.code for f in findings(kasi)}
    with pytest.raises(ValidationError):
        services.propose(contract=kasi, by=office.manager)
    services.update_contract_kpi(entry=entries[1], fields={"weight": D(40)}, by=office.manager)
    services.propose(contract=kasi, by=office.user(office.kasi))
    with pytest.raises(PermissionDenied):
        services.agree(contract=kasi, by=office.manager)  # only the superior agrees (rule 18)
    services.agree(contract=kasi, by=office.user(office.head))
    with pytest.raises(PermissionDenied):
        services.sign(contract=kasi, by=office.user(office.head))  # only the holder signs
    services.sign(contract=kasi, by=office.user(office.kasi))
    kasi.refresh_from_db()
    assert kasi.state == ContractState.SIGNED
    signed = kasi.kpis.get(kpi__code="IKI-1")
    assert signed.trajectory == {"1": "95.000000", "2": "95.000000", "3": "95.000000", "4": "95.000000"}
    assert Kpi.all_kpis.get(pk=signed.kpi_id).contract_signed
    # rule 19: a signed contract changes only through a revision with a reason
    with pytest.raises(ValidationError):
        services.update_contract_kpi(entry=signed, fields={"weight": D(50)}, by=office.manager)
    with pytest.raises(ValidationError):
        services.revise(contract=kasi, by=office.manager, reason="  ")
    services.revise(contract=kasi, by=office.manager, reason="Perubahan target penerimaan")
    kasi.refresh_from_db()
    assert (kasi.state, kasi.revision) == (ContractState.DRAFT, 1)
    assert [e.to_state for e in kasi.events.all()] == ["proposed", "agreed", "signed", "draft"]


def test_replacement_ends_the_old_contract_and_covers_the_rest_of_the_year(office):
    _, kasi = _contracts(office)
    new = services.replace_contract(contract=kasi, change_date=dt.date(2026, 7, 1), by=office.manager)
    kasi.refresh_from_db()
    assert kasi.state == ContractState.ENDED and kasi.end == dt.date(2026, 6, 30)
    assert (new.start, new.end, new.replaces) == (dt.date(2026, 7, 1), dt.date(2026, 12, 31), kasi)
    assert kasi.days + new.days == 365
    assert kasi.days == 181 and new.days == 184


def test_k3_preview_matches_the_spec_example(office):
    _, kasi = _contracts(office)
    entry = services.cascade_to(
        parent=office.kpi_pct,
        contract=kasi,
        mode=CascadeMode.INDIRECT,
        by=office.manager,
        code="IKI-9",
        trajectory=[D(96)] * 4,
        fields={
            "name_id": "Indeks kepuasan",
            "polarity": "max",
            "validity": "exact",
            "controllability": "moderate",
            "consolidation": "last",
            "frequency": "quarterly",
            "target": D(96),
            **b.MANUAL,
        },
    )
    services.update_contract_kpi(
        entry=entry, fields={"target_prev": D(90), "realization_prev": D(94)}, by=office.manager
    )
    rows = {r.entry.pk: r for r in k3_rows(kasi)}
    row = rows[entry.pk]
    assert (row.q_kpi, row.q_target, row.k3) == (D("1.15"), D("1.20"), D("1.175"))
    assert [(o.condition, o.q_target) for o in row.options] == [
        ("T < 90", D("0.80")),
        ("T = 90", D("0.90")),
        ("90 < T < 94", D("1.00")),
        ("T = 94", D("1.10")),
        ("T > 94", D("1.20")),
    ]


def test_the_top_of_the_line_commits_without_a_superior_and_nobody_else_lacks_one(office, org):
    from kinerja.organisations.models import PositionType
    from tests.contracts.conftest import _person
    from tests.factories import PositionFactory

    year = office.map.plan_year
    minister_post = PositionFactory(unit=org.ministry, type=PositionType.STRUCTURAL, is_head=True)
    minister = _person(org.ministry, minister_post, None, office.users)
    top = services.create_contract(employee=minister, plan_year=year, by=None)
    iki = services.add_individual_kpi(
        contract=top,
        objective=office.kpi_sum.objective,
        code="KK-1",
        fields={
            "name_id": "Indeks kepuasan pengguna layanan",
            "polarity": "max",
            "validity": "proxy",
            "controllability": "moderate",
            "consolidation": "last",
            "frequency": "yearly",
            "target": D(4),
            **b.MANUAL,
        },
        trajectory=[D(4)],
        by=None,
    )
    services.update_contract_kpi(entry=iki, fields={"weight": D(100)}, by=None)
    assert top.superior is None and top.is_top
    assert "no_superior" not in {f.code for f in findings(top)}
    services.propose(contract=top, by=office.user(minister))
    services.agree(contract=top, by=office.user(minister))  # nobody above: the holder commits
    services.sign(contract=top, by=office.user(minister))
    # the head of KPP-A has no superior in the fixture but is not the top: rule 18 blocks
    head = services.create_contract(employee=office.head, plan_year=year, by=office.manager)
    assert not head.is_top and "no_superior" in {f.code for f in findings(head)}
    assert not office.user(office.head).has_perm("contracts.agree_contract", head)


def test_k3_target_options_when_last_year_fell_short_name_only_last_years_target(office):
    _, kasi = _contracts(office)
    entry = services.cascade_to(
        parent=office.kpi_pct,
        contract=kasi,
        mode=CascadeMode.INDIRECT,
        by=office.manager,
        code="IKI-8",
        trajectory=[D(95)] * 4,
        fields={
            "name_id": "Persentase lelang tepat waktu",
            "polarity": "max",
            "validity": "proxy",
            "controllability": "moderate",
            "consolidation": "last",
            "frequency": "quarterly",
            "target": D(95),
            **b.MANUAL,
        },
    )
    services.update_contract_kpi(
        entry=entry, fields={"target_prev": D(95), "realization_prev": D("93.1")}, by=office.manager
    )
    row = {r.entry.pk: r for r in k3_rows(kasi)}[entry.pk]
    assert [(o.condition, o.q_target) for o in row.options] == [
        ("T < 95", D("0.80")),
        ("T = 95", D("1.00")),
        ("T > 95", D("1.20")),
    ]


def test_an_individual_kpi_whose_trajectory_misses_its_target_blocks_the_proposal(office):
    _, kasi = _contracts(office)
    entry = services.add_individual_kpi(
        contract=kasi,
        objective=office.kpi_sum.objective,
        code="IKI-7",
        fields={
            "name_id": "Jumlah berkas diproses",
            "polarity": "max",
            "validity": "proxy",
            "controllability": "moderate",
            "consolidation": "sum",
            "frequency": "quarterly",
            "target": D(100),
            **b.MANUAL,
        },
        trajectory=[D(25)] * 4,
        by=office.manager,
    )
    services.update_contract_kpi(entry=entry, fields={"weight": D(100)}, by=office.manager)
    assert not [f for f in findings(kasi) if f.blocks]
    # a write around the services (an old import, a carry-over) leaves a trajectory that no longer reaches it
    PeriodTarget.objects.filter(kpi=entry.kpi, period=4).update(target=D(5))
    kasi = type(kasi).objects.get(pk=kasi.pk)
    assert "trajectory_target" in {f.code for f in findings(kasi) if f.blocks}
    with pytest.raises(ValidationError):
        services.propose(contract=kasi, by=office.manager)
