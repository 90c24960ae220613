"""Reporting reaches every contract KPI (issue 12 item 5): individual KPIs (IKI) take periods, realizations,
evidence and the same workflow and locks as map KPIs; rule 20 (a signed contract; a rolled-up KPI is never
typed in) holds on the pages, the API and the import; a map's score never counts an IKI."""

from __future__ import annotations

import io
import json
import tarfile
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kinerja.common import backup as backups
from kinerja.contracts import services as contracts
from kinerja.contracts.models import CascadeMode
from kinerja.organisations.models import Position
from kinerja.planning.models import Kpi
from kinerja.reporting import selectors, services
from kinerja.reporting.models import Realization, RealizationState
from tests.contracts.builders import add_iki, period, sign
from tests.contracts.conftest import office  # noqa: F401  (the fixture)

from .conftest import pdf
from .test_import import csv_file

D = Decimal
pytestmark = pytest.mark.django_db


def _signed_iki(office, person=None, **overrides):  # noqa: F811
    person = person or office.staff[0]
    contract = contracts.create_contract(employee=person, plan_year=office.map.plan_year, by=office.manager)
    kpi = add_iki(contract, office, **overrides)
    sign(contract, office)
    return Kpi.all_kpis.get(pk=kpi.pk), contract


def _client(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_an_executor_enters_an_iki_realization_and_it_goes_through_the_workflow(office, make_user, client):  # noqa: F811
    kpi, _contract = _signed_iki(office, evidence_required=None)  # evidence first (rule 21), as on a map
    executor = office.user(office.staff[0])
    leader = make_user(office.org.kpp_a, "leader")
    q1 = period(office, "2026-Q1")
    assert [(i.kpi.pk, i.period.pk) for i in selectors.due_items(executor, include_future=True)][:1] == [
        (kpi.pk, q1.pk)
    ]

    client.force_login(executor)
    page = client.get(reverse("reporting:entry", args=[kpi.pk, q1.pk]))
    assert page.status_code == 200 and "IKI jabatan" in page.content.decode()
    response = client.post(
        reverse("reporting:entry", args=[kpi.pk, q1.pk]), {"value": "96,5", "analysis": "Sesuai rencana"}
    )
    realization = Realization.objects.get(kpi=kpi, period=q1)
    assert response.status_code == 302 and realization.value == D("96.5") and realization.is_draft
    # evidence first, then submit, through the pages
    refused = client.post(reverse("reporting:realization-action", args=[realization.pk, "ajukan"]))
    assert refused.status_code == 400 and "data dukung" in refused.content.decode()
    uploaded = client.post(reverse("reporting:evidence-upload", args=[realization.pk]), {"file": pdf()})
    assert uploaded.status_code == 302
    client.post(reverse("reporting:realization-action", args=[realization.pk, "ajukan"]))
    realization.refresh_from_db()
    assert realization.state == RealizationState.SUBMITTED

    # the performance manager above the section finds it in the work queue and verifies it; the leader approves
    assert [r.pk for r in selectors.awaiting(office.manager, "verify")] == [realization.pk]
    client.force_login(office.manager)
    assert (
        client.post(reverse("reporting:realization-action", args=[realization.pk, "verifikasi"])).status_code
        == 302
    )
    assert [r.pk for r in selectors.awaiting(leader, "approve")] == [realization.pk]
    realization.refresh_from_db()
    services.approve_realization(realization=realization, by=leader)
    realization.refresh_from_db()
    assert realization.state == RealizationState.APPROVED
    assert [e.to_state for e in realization.events.order_by("pk")] == ["submitted", "verified", "approved"]

    # a closed period locks it like any realization (rule 23)
    services.close_period(period=q1, by=None)
    client.force_login(executor)
    locked = client.get(reverse("reporting:entry", args=[kpi.pk, q1.pk]))
    assert "sudah ditutup" in locked.content.decode()

    # outside the holder's unit it does not exist
    outsider = make_user(office.org.kpp_b, "employee")
    assert selectors.realization_for(outsider, realization.pk) is None
    client.force_login(outsider)
    assert client.get(reverse("reporting:realization", args=[realization.pk])).status_code == 404
    assert client.get(reverse("reporting:entry", args=[kpi.pk, q1.pk])).status_code == 404


def test_an_iki_of_an_unsigned_contract_is_refused_on_page_api_and_service(office, client):  # noqa: F811
    contract = contracts.create_contract(
        employee=office.staff[1], plan_year=office.map.plan_year, by=office.manager
    )
    kpi = add_iki(contract, office, code="IKI-7")
    executor = office.user(office.staff[1])
    q1 = period(office, "2026-Q1")

    with pytest.raises(Exception) as error:
        services.save_realization(kpi=kpi, period=q1, value=90, by=executor)
    assert getattr(error.value, "code", "") == "contract_not_signed"
    client.force_login(executor)
    page = client.post(reverse("reporting:entry", args=[kpi.pk, q1.pk]), {"value": "90", "analysis": ""})
    assert "IKI IKI-7 belum termasuk kontrak kinerja yang ditandatangani" in page.content.decode()
    response = _client(executor).post(
        "/api/realizations/", {"kpi": kpi.pk, "period": q1.pk, "value": "90"}, format="json"
    )
    assert response.status_code == 400 and "IKI-7" in json.dumps(response.json())
    assert not Realization.objects.filter(kpi=kpi).exists()


def test_a_rolled_up_kpi_cannot_be_typed_in_on_page_api_or_import(office, client):  # noqa: F811
    kasi = contracts.create_contract(employee=office.kasi, plan_year=office.map.plan_year, by=office.manager)
    contracts.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    )
    parent = Kpi.objects.get(pk=office.kpi_sum.pk)
    assert parent.rolled_up
    january = period(office, "2026-01")
    user = office.user(office.head)  # an employee of KPP-A, who may enter the map's realizations

    client.force_login(user)
    page = client.post(reverse("reporting:entry", args=[parent.pk, january.pk]), {"value": "100"})
    assert "IKU S1.1 diturunkan langsung ke bawahan" in page.content.decode()
    response = _client(user).post(
        "/api/realizations/", {"kpi": parent.pk, "period": january.pk, "value": "100"}, format="json"
    )
    assert response.status_code == 400 and "roll-up" in json.dumps(response.json())
    result = services.import_realizations(
        source=csv_file("kpi_code,period,realization\nS1.1,2026-01,100\nS1.2,2026-Q1,88\n"),
        name="r.csv",
        strategy_map=office.map,
        by=user,
    )
    assert not result.written
    assert [(p.row, p.message) for p in result.problems] == [
        (
            2,
            "IKU S1.1 diturunkan langsung ke bawahan: realisasinya dihitung dari IKU turunannya (roll-up) "
            "dan tidak dapat diimpor",
        )
    ]
    assert not Realization.objects.exists()
    # the map's page offers no entry for it
    grid = client.get(reverse("reporting:map", args=[office.map.pk]) + f"?periode={january.pk}")
    assert reverse("reporting:entry", args=[parent.pk, january.pk]) not in grid.content.decode()


def _approved_map_value(office, kpi, label, value):  # noqa: F811
    realization = services.save_realization(kpi=kpi, period=period(office, label), value=value, by=None)
    for step in (services.submit_realization, services.verify_realization, services.approve_realization):
        step(realization=realization, by=None)
    return realization


def test_the_map_nko_is_unchanged_by_adding_ikis(office):  # noqa: F811
    Kpi.objects.filter(objective__map=office.map).update(evidence_required=False)
    office.kpi_pct.refresh_from_db()
    _approved_map_value(office, office.kpi_pct, "2026-Q1", 81)
    q1 = period(office, "2026-Q1")
    before = services.compute_scorecard(strategy_map=office.map, period=q1)

    iki, _contract = _signed_iki(office, code="S1.2")  # even with a map KPI's code, on the same SS
    _approved_map_value(office, iki, "2026-Q1", 10)
    assert not selectors.staleness(before).stale
    after = services.compute_scorecard(strategy_map=office.map, period=q1)
    assert after.pk == before.pk and after.nko == before.nko  # the same result: no new snapshot
    assert [k["id"] for k in after.result["kpis"]] == [office.kpi_sum.pk, office.kpi_pct.pk]
    completeness = selectors.map_completeness([office.map], q1)[office.map.pk][0]
    assert iki.pk not in {k.pk for k in completeness}


def test_a_backup_keeps_the_individual_kpis(office, tmp_path):  # noqa: F811
    iki, _contract = _signed_iki(office)
    path = tmp_path / "kinerja.tar.gz"
    backups.backup(path)
    with tarfile.open(path) as archive:
        data = archive.extractfile(backups.DATA)
        assert data is not None
        rows = [json.loads(line) for line in io.TextIOWrapper(data, encoding="utf-8") if line.strip()]
    kpis = {row["pk"] for row in rows if row["model"] == "planning.kpi"}
    assert {office.kpi_sum.pk, office.kpi_pct.pk, iki.pk} <= kpis


def _due_live(user):
    """What is due for `user`, straight from the database (no kept figure): (KPI id, period id) in order."""
    rows = selectors.due_rows(user, include_future=True).order_by(*selectors.DUE_ORDER)
    return list(rows.values_list("pk", "due_period"))


def _due_kept(user):
    due = selectors.due_list(user, include_future=True)
    return due.count(), [(i.kpi.pk, i.period.pk) for i in due.items(0, None)]


def test_the_ikis_due_are_kept_per_map_and_follow_every_change(office, make_user):  # noqa: F811
    """The IKIs due are counted per map under its data version (not live over every contract) and by the
    unit they answer to: a section's executor finds the IKIs of the section's people on the office's map
    above their reach; a realization submitted and a position moved out of the section change what the
    pages read, through the cache, exactly as a recount straight from the database says."""
    from django.core.cache import cache

    kpi, _contract = _signed_iki(office)
    other, _other_contract = _signed_iki(office, office.staff[1], code="IKI-2")
    executor = office.user(office.staff[0])  # a role on the section, below the map's unit
    users = (executor, office.manager)
    for user in users:
        live = _due_live(user)
        assert {kpi.pk, other.pk} <= {pk for pk, _period in live}
        assert _due_kept(user) == (len(live), live)

    def submitted() -> None:
        Realization.objects.create(
            kpi=kpi,
            period=period(office, "2026-Q1"),
            value=D(5),
            state=RealizationState.SUBMITTED,
            created_by=executor,
        )

    def moved() -> None:  # the second holder's position leaves the section for the office above it
        Position.objects.filter(pk=other.holder_id).update(unit=office.org.kpp_a)

    for write in (moved, submitted):
        for user in users:
            _due_kept(user)  # kept in the cache
        write()
        for user in users:
            live = _due_live(user)
            assert _due_kept(user) == (len(live), live)  # read through the kept figures
            cache.clear()
            assert _due_kept(user) == (len(live), live)  # and counted afresh
    assert (kpi.pk, period(office, "2026-Q1").pk) not in _due_live(executor)
    assert other.pk not in {pk for pk, _period in _due_live(executor)}  # out of the section's reach now
    assert other.pk in {pk for pk, _period in _due_live(office.manager)}  # still the office's


def _waiting_live(user):
    return {step: [r.pk for r in selectors.awaiting_rows(user, step)] for step in ("verify", "approve")}


def _waiting_kept(user):
    lists = selectors.waiting_lists(user, ("verify", "approve"))
    return {step: [r.pk for r in found[0:None]] for step, found in lists.items()}, {
        step: found.count() for step, found in lists.items()
    }


def test_the_ikis_waiting_are_kept_per_map_and_follow_every_change(office, make_user):  # noqa: F811
    """The IKI realizations waiting for verification or approval are counted per map under its data
    version by the unit they answer to, less the user's own: the lists read through the cache equal the
    workflow's query after a submission, a verification and a position moved out of the section."""
    from django.core.cache import cache

    kpi, _contract = _signed_iki(office)
    other, _other_contract = _signed_iki(office, office.staff[1], code="IKI-2")
    verifier = make_user(office.org.section_a, "manager")  # verifies the section's reports
    users = (verifier, office.manager)
    q1, q2 = period(office, "2026-Q1"), period(office, "2026-Q2")
    for item, when in ((kpi, q1), (other, q1), (other, q2)):
        Realization.objects.create(
            kpi=item, period=when, value=D(5), state=RealizationState.SUBMITTED, created_by=verifier
        )
    Realization.objects.create(  # a map KPI's realization beside them
        kpi=office.kpi_pct, period=q1, value=D(5), state=RealizationState.SUBMITTED, created_by=verifier
    )

    def check() -> None:
        for user in users:
            live = _waiting_live(user)
            expected = (live, {step: len(rows) for step, rows in live.items()})
            assert _waiting_kept(user) == expected  # through the kept figures
            cache.clear()
            assert _waiting_kept(user) == expected  # counted afresh

    check()
    assert len(_waiting_live(verifier)["verify"]) == 3  # the IKIs of the section, not the office's map KPI

    def verified() -> None:
        Realization.objects.filter(kpi=kpi).update(
            state=RealizationState.VERIFIED, verified_by=office.manager
        )

    def own() -> None:  # the verifier's own submission is kept from them (separation of duties)
        Realization.objects.filter(kpi=other, period=q2).update(submitted_by=verifier)

    def moved() -> None:
        Position.objects.filter(pk=other.holder_id).update(unit=office.org.kpp_a)

    for write in (verified, own, moved):
        for user in users:
            _waiting_kept(user)  # kept in the cache
        write()
        check()
    assert _waiting_live(verifier)["verify"] == []  # the second holder left the section
