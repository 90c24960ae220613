"""The contract pages (issue 12 items 1, 2, 4, 6): who sees what, the forms, the workflow buttons, and a signed
contract that no page can change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.contracts import services
from kinerja.contracts.models import CascadeLink, CascadeMode, Contract, ContractKpi, ContractState
from kinerja.planning.models import Kpi
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _contracts(office):
    year = office.map.plan_year
    head = services.create_contract(employee=office.head, plan_year=year, by=office.manager)
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    return head, kasi


def _iki(contract, office, code="IKI-1", by=None):
    return services.add_individual_kpi(
        contract=contract,
        objective=office.kpi_sum.objective,
        code=code,
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
        by=by or office.manager,
    )


def _ready(kasi, office):
    """The head of section's contract with a direct-full KPI and an IKI, weights 60 + 40."""
    services.cascade_to(parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager)
    _iki(kasi, office)
    first, second = kasi.kpis.order_by("order")
    services.update_contract_kpi(entry=first, fields={"weight": D(60)}, by=office.manager)
    services.update_contract_kpi(entry=second, fields={"weight": D(40)}, by=office.manager)


def _state(contract) -> tuple:
    contract.refresh_from_db()
    return (
        contract.state,
        contract.revision,
        contract.commitment,
        contract.end,
        sorted(
            ContractKpi.objects.filter(contract=contract).values_list("kpi_id", "weight", "target", "kind")
        ),
        Contract.objects.count(),
        Kpi.all_kpis.count(),
        CascadeLink.objects.count(),
        sorted(CascadeLink.objects.values_list("pk", "share")),
    )


# --------------------------------------------------------------------------- who sees what


def test_the_list_shows_own_contract_first_then_the_ones_agreed_and_counts_states(office):
    head, kasi = _contracts(office)
    staff = services.create_contract(employee=office.staff[0], plan_year=head.plan_year, by=office.manager)
    page = _client(office.user(office.kasi)).get(reverse("contracts:index"))
    assert page.status_code == 200
    names = [c.employee for c in page.context["page"].object_list]
    assert names == [office.kasi, office.staff[0]]  # own first, then the one agreed; not the superior's
    assert page.context["total"] == 2
    assert "Buat kontrak" in page.content.decode()
    manager = _client(office.manager).get(reverse("contracts:index"), {"q": office.staff[0].nip})
    assert [c.pk for c in manager.context["page"].object_list] == [staff.pk]
    by_state = _client(office.manager).get(reverse("contracts:index"), {"state": "signed"})
    assert list(by_state.context["page"].object_list) == []
    assert dict((v, n) for v, _label, n in by_state.context["states"])["draft"] == 3
    unit = _client(office.manager).get(reverse("contracts:index"), {"unit": "SEKSI-A", "year": 2026})
    assert {c.pk for c in unit.context["page"].object_list} == {kasi.pk, staff.pk}
    htmx = _client(office.manager).get(
        reverse("contracts:index"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contract-results"
    )
    assert htmx.templates[0].name == "contracts/_results.html"


def test_pages_render_for_the_right_people_and_hide_from_others(office, org, make_user):
    head, kasi = _contracts(office)
    entry = kasi.kpis.first() or services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    outsider = make_user(org.kpp_b, Role.MANAGER)
    reader = make_user(org.kpp_a, Role.AUDITOR)
    detail = reverse("contracts:detail", args=[kasi.pk])
    for user in (office.user(office.kasi), office.user(office.head), office.manager, reader):
        assert _client(user).get(detail).status_code == 200
    assert _client(outsider).get(detail).status_code == 404
    assert _client(make_user(org.kpp_b, Role.EMPLOYEE)).get(detail).status_code == 404
    # drafting pages: the holder and the unit's performance manager; readers get 403, outsiders 404
    for name, arg in (
        ("contracts:kpi-add-map", kasi.pk),
        ("contracts:kpi-add-individual", kasi.pk),
        ("contracts:kpi-edit", entry.pk),
    ):
        url = reverse(name, args=[arg])
        assert _client(office.manager).get(url).status_code in (200, 302), name
        assert _client(office.user(office.kasi)).get(url).status_code in (200, 302), name
        assert _client(reader).get(url).status_code == 403, name
        assert _client(office.user(office.head)).get(url).status_code == 403, name  # the superior reads only
        assert _client(outsider).get(url).status_code == 404, name
    replace = reverse("contracts:replace", args=[kasi.pk])
    assert _client(office.manager).get(replace).status_code == 200
    assert _client(office.user(office.head)).get(replace).status_code == 200  # the superior may
    assert _client(office.user(office.kasi)).get(replace).status_code == 403
    assert _client(reader).get(reverse("contracts:create")).status_code == 403
    cascade = reverse("contracts:cascade", args=[head.kpis.first().pk])
    assert _client(office.manager).get(cascade).status_code == 200
    assert _client(reader).get(cascade).status_code == 403
    assert _client(outsider).get(cascade).status_code == 404


def test_the_detail_shows_k3_columns_findings_and_the_history(office):
    _, kasi = _contracts(office)
    kasi.plan_year.rule_set = "kmk-127-2026"
    kasi.plan_year.save()
    _ready(kasi, office)
    entry = kasi.kpis.get(kpi__code="IKI-1")
    services.update_contract_kpi(
        entry=entry, fields={"target_prev": D(90), "realization_prev": D(94)}, by=office.manager
    )
    page = _client(office.manager).get(reverse("contracts:detail", args=[kasi.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "K3" in html and "T &lt; 90" in html  # the target options from checks.k3_rows
    assert "Jumlah bobot: 100%" in html
    assert page.context["weights_ok"] is True
    document = reverse("contracts:document", args=[kasi.pk])
    assert page.context["document_url"] == document and document in html


# --------------------------------------------------------------------------- forms


def test_a_person_starts_their_own_contract_and_a_manager_one_for_staff(office):
    client = _client(office.user(office.staff[1]))
    page = client.get(reverse("contracts:create"))
    assert page.context["form"].initial["nip"] == office.staff[1].nip
    response = client.post(
        reverse("contracts:create"), {"nip": office.staff[1].nip, "plan_year": office.map.plan_year.pk}
    )
    created = Contract.objects.get(employee=office.staff[1])
    assert response.status_code == 302 and response["Location"] == reverse(
        "contracts:detail", args=[created.pk]
    )
    refused = client.post(
        reverse("contracts:create"), {"nip": office.staff[2].nip, "plan_year": office.map.plan_year.pk}
    )
    assert refused.status_code == 400
    assert "tidak ditemukan" in refused.content.decode()
    assert not Contract.objects.filter(employee=office.staff[2]).exists()
    again = client.post(
        reverse("contracts:create"), {"nip": office.staff[1].nip, "plan_year": office.map.plan_year.pk}
    )
    assert again.status_code == 400 and "tumpang tindih" in again.content.decode()
    ok = _client(office.manager).post(
        reverse("contracts:create"), {"nip": office.staff[2].nip, "plan_year": office.map.plan_year.pk}
    )
    assert ok.status_code == 302 and Contract.objects.filter(employee=office.staff[2]).exists()


def test_individual_kpi_weights_inline_and_removal_through_the_pages(office):
    _, kasi = _contracts(office)
    client = _client(office.user(office.kasi))
    data = {
        "supports": office.kpi_sum.objective_id,
        "code": "IKI-7",
        "name_id": "Jumlah penyuluhan",
        "contract_weight": "30",
        "polarity": "max",
        "validity": "proxy",
        "controllability": "high",
        "lead_lag": "lead",
        "consolidation": "sum",
        "frequency": "quarterly",
        "target": "40",
        "period_1": "10",
        "period_2": "10",
        "period_3": "10",
        "period_4": "10",
        **{k: v for k, v in b.MANUAL.items() if isinstance(v, str)},
    }
    url = reverse("contracts:kpi-add-individual", args=[kasi.pk])
    bad = client.post(url, {**data, "period_4": "5"})
    assert bad.status_code == 400 and not kasi.kpis.exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = kasi.kpis.get()
    assert (entry.kpi.code, entry.weight, entry.kpi.holder_id) == ("IKI-7", D(30), office.kasi.position_id)
    # the weight typed in the table (htmx): the table comes back with the total
    table = client.post(
        reverse("contracts:kpi-edit", args=[entry.pk]),
        {"part": "weight", "weight": "100"},
        HTTP_HX_REQUEST="true",
    )
    assert table.status_code == 200 and "Jumlah bobot: 100%" in table.content.decode()
    refused = client.post(
        reverse("contracts:kpi-edit", args=[entry.pk]),
        {"part": "weight", "weight": "120"},
        HTTP_HX_REQUEST="true",
    )
    assert refused["HX-Retarget"] == f"#weight-error-{entry.pk}"
    entry.refresh_from_db()
    assert entry.weight == D(100)
    # K3 inputs
    client.post(
        reverse("contracts:kpi-edit", args=[entry.pk]),
        {"part": "entry", "weight": "100", "kind": "existing", "target_prev": "35", "realization_prev": "38"},
    )
    entry.refresh_from_db()
    assert (entry.target_prev, entry.realization_prev) == (D(35), D(38))
    removed = client.post(reverse("contracts:kpi-remove", args=[entry.pk]))
    assert removed.status_code == 302
    assert not kasi.kpis.exists() and not Kpi.all_kpis.filter(code="IKI-7").exists()


def test_cascade_from_the_parent_to_several_subordinates_with_shares(office):
    head, kasi = _contracts(office)
    year = head.plan_year
    staff = [
        services.create_contract(employee=e, plan_year=year, by=office.manager) for e in office.staff[:2]
    ]
    _iki(kasi, office, code="IKI-K")
    parent_entry = kasi.kpis.get(kpi__code="IKI-K")
    url = reverse("contracts:cascade", args=[parent_entry.pk])
    page = _client(office.manager).get(url)
    assert {r["contract"] for r in page.context["form"].rows()} == set(staff)
    missing = _client(office.manager).post(
        url,
        {
            "mode": "direct_shared",
            f"to_{staff[0].pk}": "on",
            f"to_{staff[1].pk}": "on",
            f"share_{staff[0].pk}": "50",
        },
    )
    assert missing.status_code == 400 and "wajib diisi" in missing.content.decode()
    assert not CascadeLink.objects.exists()
    done = _client(office.manager).post(
        url,
        {
            "mode": "direct_shared",
            f"to_{staff[0].pk}": "on",
            f"to_{staff[1].pk}": "on",
            f"share_{staff[0].pk}": "50",
            f"share_{staff[1].pk}": "45",
        },
    )
    assert done.status_code == 302
    assert sorted(CascadeLink.objects.values_list("share", flat=True)) == [D(45), D(50)]
    second = CascadeLink.objects.get(child__holder=office.staff[1].position)
    assert second.share == D(45)
    # the holder of the parent KPI may not write into the subordinates' contracts (only their holders and the
    # unit's performance manager may): refused, nothing written
    assert CascadeLink.objects.count() == 2
    # the share edited from the parent's page
    response = _client(office.manager).post(
        reverse("contracts:share", args=[second.pk]), {"share": "50", "next": kasi.pk}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.share == D(50)
    assert staff[1].kpis.get().target == D(50)
    # from the child's side: the superior's KPI down to this contract only
    map_entry = head.kpis.get(kpi=office.kpi_pct)
    child_page = _client(office.manager).get(
        url.replace(str(parent_entry.pk), str(map_entry.pk)), {"ke": kasi.pk}
    )
    assert [r["contract"] for r in child_page.context["form"].rows()] == [kasi]


def test_replacement_page_warns_about_rule_17_and_creates_the_replacement(office):
    _, kasi = _contracts(office)
    url = reverse("contracts:replace", args=[kasi.pk])
    page = _client(office.manager).get(url)
    assert "Aturan 16–17" in page.content.decode()
    bad = _client(office.manager).post(url, {"change_date": "2025-05-01"})
    assert bad.status_code == 400 and "Tanggal perpindahan" in bad.content.decode()
    assert Contract.objects.filter(employee=office.kasi).count() == 1
    done = _client(office.manager).post(url, {"change_date": "2026-07-01"})
    new = Contract.objects.get(employee=office.kasi, replaces=kasi)
    assert done.status_code == 302 and new.start == dt.date(2026, 7, 1)
    kasi.refresh_from_db()
    assert kasi.state == ContractState.ENDED
    detail = _client(office.manager).get(reverse("contracts:detail", args=[kasi.pk]))
    assert detail.context["replaced_by"] == new and detail.context["can_replace"] is False


# --------------------------------------------------------------------------- the workflow


def test_weights_not_100_block_the_proposal_with_the_message_on_the_page(office):
    _, kasi = _contracts(office)
    _ready(kasi, office)
    services.update_contract_kpi(
        entry=kasi.kpis.order_by("order").last(), fields={"weight": D(30)}, by=office.manager
    )
    response = _client(office.user(office.kasi)).post(reverse("contracts:action", args=[kasi.pk, "propose"]))
    html = response.content.decode()
    assert response.status_code == 400
    assert "Jumlah bobot IKU kontrak 90%, harus 100%." in html
    assert "harus 100%" in html
    kasi.refresh_from_db()
    assert kasi.state == ContractState.DRAFT and not kasi.events.exists()


def test_the_superior_agrees_and_the_holder_signs_through_the_buttons(office):
    _, kasi = _contracts(office)
    _ready(kasi, office)
    holder, superior = _client(office.user(office.kasi)), _client(office.user(office.head))
    detail = reverse("contracts:detail", args=[kasi.pk])
    assert holder.get(detail).context["allowed"]["propose"] is True
    assert superior.get(detail).context["allowed"]["propose"] is False
    assert holder.post(reverse("contracts:action", args=[kasi.pk, "propose"])).status_code == 302
    assert holder.post(reverse("contracts:action", args=[kasi.pk, "agree"])).status_code == 403
    assert (
        _client(office.manager).post(reverse("contracts:action", args=[kasi.pk, "agree"])).status_code == 403
    )
    page = superior.get(detail)
    assert page.context["allowed"]["agree"] and "Setujui" in page.content.decode()
    no_reason = superior.post(reverse("contracts:action", args=[kasi.pk, "return"]), {"reason": " "})
    assert no_reason.status_code == 400 and no_reason.context["open_reason"] == "return"
    assert superior.post(reverse("contracts:action", args=[kasi.pk, "agree"])).status_code == 302
    assert superior.post(reverse("contracts:action", args=[kasi.pk, "sign"])).status_code == 403
    assert holder.post(reverse("contracts:action", args=[kasi.pk, "sign"])).status_code == 302
    kasi.refresh_from_db()
    assert kasi.state == ContractState.SIGNED
    assert [e.to_state for e in kasi.events.all()] == ["proposed", "agreed", "signed"]
    assert "Riwayat alur kerja" in holder.get(detail).content.decode()
    assert (
        superior.post(
            reverse("contracts:action", args=[kasi.pk, "revise"]), {"reason": "Target berubah"}
        ).status_code
        == 302
    )
    kasi.refresh_from_db()
    assert (kasi.state, kasi.revision) == (ContractState.DRAFT, 1)


def test_a_signed_contract_cannot_be_changed_through_any_page(office):
    head, kasi = _contracts(office)
    year = head.plan_year
    staff = services.create_contract(employee=office.staff[0], plan_year=year, by=office.manager)
    _iki(kasi, office, code="IKI-P")
    parent = kasi.kpis.get(kpi__code="IKI-P")
    services.cascade_to(
        parent=parent.kpi, contract=staff, mode=CascadeMode.DIRECT_SHARED, share=D(95), by=office.manager
    )
    services.update_contract_kpi(entry=parent, fields={"weight": D(100)}, by=office.manager)
    services.update_contract_kpi(entry=staff.kpis.get(), fields={"weight": D(100)}, by=office.manager)
    for contract in (kasi, staff):
        services.propose(contract=contract, by=office.manager)
        services.agree(contract=contract, by=office.user(contract.superior))
        services.sign(contract=contract, by=office.user(contract.employee))
    link = CascadeLink.objects.get()
    child_entry = staff.kpis.get()
    before = (_state(kasi), _state(staff))
    posts = [
        (reverse("contracts:detail", args=[kasi.pk]), {"commitment": "Diubah"}),
        (reverse("contracts:kpi-add-map", args=[kasi.pk]), {"kpi": office.kpi_pct.pk, "weight": "5"}),
        (
            reverse("contracts:kpi-add-individual", args=[kasi.pk]),
            {"supports": office.kpi_sum.objective_id, "code": "X"},
        ),
        (reverse("contracts:kpi-edit", args=[parent.pk]), {"part": "weight", "weight": "50"}),
        (reverse("contracts:kpi-edit", args=[parent.pk]), {"part": "entry", "weight": "50", "kind": "new"}),
        (reverse("contracts:kpi-edit", args=[parent.pk]), {"part": "manual", "name_id": "Lain"}),
        (reverse("contracts:kpi-edit", args=[child_entry.pk]), {"part": "weight", "weight": "10"}),
        (reverse("contracts:kpi-remove", args=[parent.pk]), {}),
        (reverse("contracts:kpi-remove", args=[child_entry.pk]), {}),
        (
            reverse("contracts:cascade", args=[parent.pk]),
            {"mode": "direct_shared", f"to_{staff.pk}": "on", f"share_{staff.pk}": "1"},
        ),
        (reverse("contracts:share", args=[link.pk]), {"share": "10"}),
        (reverse("contracts:action", args=[kasi.pk, "propose"]), {}),
        (reverse("contracts:action", args=[kasi.pk, "agree"]), {}),
        (reverse("contracts:action", args=[kasi.pk, "return"]), {"reason": "x"}),
        (reverse("contracts:action", args=[kasi.pk, "sign"]), {}),
    ]
    for user in (office.manager, office.user(office.kasi), office.user(office.head)):
        client = _client(user)
        for url, data in posts:
            response = client.post(url, data)
            assert response.status_code in (302, 400, 403, 404), (url, response.status_code)
            assert (_state(kasi), _state(staff)) == before, (url, user)
    page = _client(office.user(office.kasi)).get(reverse("contracts:detail", args=[kasi.pk]))
    assert page.context["can_change"] is False and page.context["commitment_form"] is None
    assert 'name="weight"' not in page.content.decode()


def test_the_replacement_picks_the_new_position_by_search_among_the_units_subtree(office):
    """The new position is a search-as-you-type picker: the page holds no option per position (the same page
    with 40 more positions), the options list matches of the contract's unit subtree only, a position of
    another unit is refused, and a search without JavaScript lists its matches and saves nothing."""
    import re

    from kinerja.organisations.models import Position
    from tests.factories import PositionFactory

    _, kasi = _contracts(office)
    url = reverse("contracts:replace", args=[kasi.pk])
    manager = _client(office.manager)

    def options_on_page() -> int:
        html = manager.get(url).content.decode()
        select = re.search(r'<select name="position"[^>]*>(.*?)</select>', html, re.S)
        assert select is not None
        return select.group(1).count("<option")

    before = options_on_page()
    for i in range(40):
        PositionFactory(unit=kasi.unit, title_id=f"Pelaksana Tambahan {i:02d}")
    assert options_on_page() == before <= 1
    options = reverse("organisations:position-picker-options")
    query = {"field": "contracts.replace.position", "scope": kasi.pk, "name": "position"}
    listed = manager.get(options, {**query, "position_cari": "Tambahan 0"}).content.decode()
    assert listed.count("Pelaksana Tambahan 0") == 10  # 00–09, within the subtree
    outside = PositionFactory(unit=office.org.kpp_b, title_id="Pelaksana Tambahan 99")
    assert (
        "Tambahan 99" not in manager.get(options, {**query, "position_cari": "Tambahan 99"}).content.decode()
    )
    # someone who may not revise the contract gets nothing; an unknown field is a 404
    stranger = _client(office.user(office.staff[0]))
    assert "Tambahan" not in stranger.get(options, {**query, "position_cari": "Tambahan"}).content.decode()
    assert manager.get(options, {**query, "field": "nope"}).status_code == 404
    # the form refuses a position outside the subtree; a search button saves nothing
    refused = manager.post(url, {"change_date": "2026-07-01", "position": outside.pk})
    assert refused.status_code == 400 and not Contract.objects.filter(replaces=kasi).exists()
    searched = manager.post(
        url, {"change_date": "2026-07-01", "position_cari": "Tambahan 01", "_cari_pilihan": "1"}
    )
    assert not Contract.objects.filter(replaces=kasi).exists()
    assert "Pelaksana Tambahan 01" in searched.content.decode()
    chosen = Position.objects.get(title_id="Pelaksana Tambahan 01")
    done = manager.post(url, {"change_date": "2026-07-01", "position": chosen.pk})
    assert done.status_code == 302
    assert Contract.objects.get(replaces=kasi).position == chosen
