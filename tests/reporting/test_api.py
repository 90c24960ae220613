"""The reporting API: realizations, evidence upload (multipart), workflow actions, periods, scorecards."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kinerja.reporting import services
from kinerja.reporting.models import Evidence, Realization

from .conftest import PDF, approved, enter, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    def _as(user) -> APIClient:
        api = APIClient()
        api.force_login(user)
        return api

    return _as


def test_anonymous_gets_nothing():
    assert APIClient().get("/api/realizations/").status_code in (401, 403)


def test_create_update_list_and_scope(world, as_user):
    api = as_user(world.employee)
    created = api.post(
        "/api/realizations/",
        {
            "kpi": world.quarterly.pk,
            "period": world.period("2026-Q1").pk,
            "value": "88.5",
            "analysis": "awal",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["kpi_code"], body["period_label"], body["value"], body["state"]) == (
        "S1.1",
        "2026-Q1",
        "88.500000",
        "draft",
    )
    patched = api.patch(f"/api/realizations/{body['id']}/", {"value": "90"}, format="json")
    assert patched.status_code == 200 and patched.json()["value"] == "90.000000"
    assert patched.json()["analysis"] == "awal"
    assert [r["id"] for r in api.get("/api/realizations/").json()["results"]] == [body["id"]]
    assert as_user(world.auditor).get(f"/api/realizations/{body['id']}/").status_code == 200
    outsider = as_user(world.outsider)
    assert outsider.get("/api/realizations/").json()["results"] == []
    assert outsider.get(f"/api/realizations/{body['id']}/").status_code == 404
    assert (
        outsider.patch(f"/api/realizations/{body['id']}/", {"value": "1"}, format="json").status_code == 404
    )
    assert outsider.post(f"/api/realizations/{body['id']}/submit/").status_code == 404
    # a KPI out of reach does not exist for the user
    denied = outsider.post(
        "/api/realizations/",
        {"kpi": world.quarterly.pk, "period": world.period("2026-Q1").pk, "value": "1"},
        format="json",
    )
    assert denied.status_code == 400 and "kpi" in denied.json()
    # an auditor reads but does not write
    assert (
        as_user(world.auditor)
        .patch(f"/api/realizations/{body['id']}/", {"value": "1"}, format="json")
        .status_code
        == 403
    )


def test_rules_become_400s_naming_the_problem(world, as_user):
    api = as_user(world.employee)
    wrong = api.post(
        "/api/realizations/",
        {"kpi": world.quarterly.pk, "period": world.period("2026-01").pk, "value": "1"},
        format="json",
    )
    assert wrong.status_code == 400 and "bukan periode pelaporannya" in str(wrong.json())
    services.close_period(period=world.period("2026-Q1"), by=world.mko)
    closed = api.post(
        "/api/realizations/",
        {"kpi": world.quarterly.pk, "period": world.period("2026-Q1").pk, "value": "1"},
        format="json",
    )
    assert closed.status_code == 400 and "sudah ditutup" in str(closed.json())


def test_evidence_upload_and_the_workflow(world, as_user):
    realization = enter(world, world.quarterly, "2026-Q1", "95")
    url = f"/api/realizations/{realization.pk}"
    employee, manager, leader = as_user(world.employee), as_user(world.manager), as_user(world.leader)
    assert employee.post(f"{url}/submit/").status_code == 400  # evidence first
    bad = employee.post(
        f"{url}/evidence/", {"file": pdf("virus.pdf", b"MZ" + b"\x00" * 40)}, format="multipart"
    )
    assert bad.status_code == 400 and "ditolak" in str(bad.json())
    uploaded = employee.post(f"{url}/evidence/", {"file": pdf(), "description": "rekap"}, format="multipart")
    assert uploaded.status_code == 201, uploaded.content
    item = uploaded.json()
    assert item["file_type"] == "pdf" and item["size"] == len(PDF) and item["current"] is True
    replaced = employee.post(f"{url}/evidence/", {"file": pdf(), "replaces": item["id"]}, format="multipart")
    assert replaced.status_code == 201
    listed = employee.get(f"{url}/evidence/").json()
    assert [(e["id"], e["current"]) for e in listed] == [(item["id"], False), (replaced.json()["id"], True)]
    assert Evidence.objects.count() == 2
    assert employee.post(f"{url}/submit/").json()["state"] == "submitted"
    assert employee.post(f"{url}/verify/").status_code == 403
    assert leader.post(f"{url}/approve/").status_code == 400  # not verified yet
    assert manager.post(f"{url}/return/", {"reason": ""}, format="json").status_code == 400
    returned = manager.post(f"{url}/return/", {"reason": "Cek ulang angka."}, format="json")
    assert returned.json()["state"] == "draft" and returned.json()["return_reason"] == "Cek ulang angka."
    employee.post(f"{url}/submit/")
    assert manager.post(f"{url}/verify/").json()["state"] == "verified"
    assert leader.post(f"{url}/approve/").json()["state"] == "approved"


def test_the_submitter_cannot_verify_through_the_api(world, as_user):
    realization = enter(world, world.quarterly, "2026-Q1", "95", by=world.manager)
    services.add_evidence(realization=realization, upload=pdf(), by=world.manager)
    services.submit_realization(realization=realization, by=world.manager)
    response = as_user(world.manager).post(f"/api/realizations/{realization.pk}/verify/")
    assert response.status_code == 400 and "Verifikator" in str(response.json())


def test_bulk_actions_report_each_item(world, as_user):
    first = enter(world, world.quarterly, "2026-Q1", "95")
    second = enter(world, world.quarterly, "2026-Q2", "96")
    for r in (first, second):
        services.add_evidence(realization=r, upload=pdf(), by=world.employee)
    services.submit_realization(realization=first, by=world.employee)
    foreign = enter(world, world.other_kpi, "2026-Q1", "5", by=world.outsider)
    response = as_user(world.manager).post(
        "/api/realizations/bulk-verify/", {"ids": [first.pk, second.pk, foreign.pk]}, format="json"
    )
    assert response.status_code == 200
    assert [(r["id"], r["ok"]) for r in response.json()] == [
        (first.pk, True),
        (second.pk, False),
        (foreign.pk, False),
    ]
    approve = as_user(world.leader).post(
        "/api/realizations/bulk-approve/", {"ids": [first.pk]}, format="json"
    )
    assert approve.json() == [{"id": first.pk, "ok": True, "message": ""}]
    assert Realization.objects.get(pk=first.pk).state == "approved"


def test_periods_close_and_reopen(world, as_user):
    listed = as_user(world.employee).get("/api/reporting-periods/", {"year": 2026, "frequency": "quarterly"})
    assert [p["label"] for p in listed.json()["results"]] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    q1 = world.period("2026-Q1")
    assert as_user(world.manager).post(f"/api/reporting-periods/{q1.pk}/close/").status_code == 403
    closed = as_user(world.mko).post(f"/api/reporting-periods/{q1.pk}/close/")
    assert closed.status_code == 200 and closed.json()["period_state"] == "closed"
    assert (
        as_user(world.mko).post(f"/api/reporting-periods/{q1.pk}/reopen/", {}, format="json").status_code
        == 400
    )
    reopened = as_user(world.mko).post(
        f"/api/reporting-periods/{q1.pk}/reopen/", {"reason": "Koreksi."}, format="json"
    )
    assert reopened.status_code == 200 and reopened.json()["reason"] == "Koreksi."
    assert as_user(world.employee).get(f"/api/reporting-periods/{q1.pk}/").json()["period_state"] == "open"


def test_scorecards_latest_and_list(world, as_user):
    approved(world, world.quarterly, "2026-Q1", "90")
    api = as_user(world.auditor)
    pending = api.get("/api/scorecards/latest/", {"map": world.map.pk, "period": "2026-Q1"})
    assert (
        pending.status_code == 404 and "belum dihitung" in pending.json()["detail"]
    )  # a GET computes nothing
    services.compute_scorecard(
        strategy_map=world.map, period=world.period("2026-Q1")
    )  # the recompute task's work
    latest = api.get("/api/scorecards/latest/", {"map": world.map.pk, "period": "2026-Q1"})
    assert latest.status_code == 200
    body = latest.json()
    assert (
        body["nko_display"] == "90.00" and body["unit"] == "KPP-A" and body["result"]["missing"] == ["C1.1"]
    )
    by_id = api.get("/api/scorecards/latest/", {"map": world.map.pk, "period": world.period("2026-Q1").pk})
    assert by_id.json()["id"] == body["id"]
    assert api.get("/api/scorecards/", {"map": world.map.pk}).json()["count"] == 1
    assert api.get(f"/api/scorecards/{body['id']}/").status_code == 200
    outsider = as_user(world.outsider)
    assert (
        outsider.get("/api/scorecards/latest/", {"map": world.map.pk, "period": "2026-Q1"}).status_code == 404
    )
    assert outsider.get(f"/api/scorecards/{body['id']}/").status_code == 404
    assert api.get("/api/scorecards/latest/", {"map": world.map.pk, "period": "2027-Q1"}).status_code == 404
