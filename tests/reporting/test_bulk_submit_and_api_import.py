"""Bulk submission (service, page, API) and importing realizations through the API."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from rest_framework.test import APIClient

from kinerja.reporting import services
from kinerja.reporting.models import Realization

from .conftest import enter, pdf

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def as_user():
    def _as(user) -> APIClient:
        api = APIClient()
        api.force_login(user)
        return api

    return _as


def evidenced(world, label: str, value: str = "90", kpi=None, by=None):
    realization = enter(world, kpi or world.quarterly, label, value, by=by)
    services.add_evidence(realization=realization, upload=pdf(), by=by or world.employee)
    return realization


def xlsx_upload(
    rows: list[list[object]], name: str = "realisasi.xlsx", title: str = "Isian"
) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type=XLSX)


def csv_upload(text: str, name: str = "realisasi.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def states() -> list[tuple[int, str, str]]:
    return list(Realization.objects.order_by("pk").values_list("pk", "value", "state"))


# ---------------------------------------------------------------- bulk submit


def test_bulk_submit_reports_each_item_and_submits_the_others(world):
    first = evidenced(world, "2026-Q1")
    bare = enter(world, world.quarterly, "2026-Q2", "91")  # no evidence (rule 21)
    third = evidenced(world, "2026-Q3", by=world.manager)
    results = services.bulk_submit(realizations=[first, bare, third], by=world.employee)
    assert [(r.realization_id, r.ok) for r in results] == [
        (first.pk, True),
        (bare.pk, False),
        (third.pk, True),
    ]
    assert "Lampirkan data dukung sebelum mengajukan realisasi S1.1" in results[1].message
    assert dict(Realization.objects.values_list("pk", "state")) == {
        first.pk: "submitted",
        bare.pk: "draft",
        third.pk: "submitted",
    }
    first.refresh_from_db()
    assert first.submitted_by == world.employee and first.events.count() == 1


def test_bulk_submit_checks_each_items_permission_state_and_period(world):
    mine = evidenced(world, "2026-Q1")
    foreign = evidenced(world, "2026-Q1", kpi=world.other_kpi, by=world.outsider)
    already = evidenced(world, "2026-Q2")
    services.submit_realization(realization=already, by=world.employee)
    closed = evidenced(world, "2026-Q3")
    services.close_period(period=world.period("2026-Q3"), by=world.mko)
    results = services.bulk_submit(realizations=[mine, foreign, already, closed], by=world.employee)
    assert [r.ok for r in results] == [True, False, False, False]
    assert results[1].message == "Anda tidak berwenang atas realisasi ini."
    assert "berstatus Diajukan" in results[2].message
    assert "sudah ditutup" in results[3].message
    foreign.refresh_from_db()
    assert foreign.state == "draft"
    # an auditor reads but does not submit
    other = evidenced(world, "2026-Q4")
    assert not services.bulk_submit(realizations=[other], by=world.auditor)[0].ok
    other.refresh_from_db()
    assert other.state == "draft"


def test_bulk_submit_on_the_map_page(world, client):
    first = evidenced(world, "2026-Q1")
    bare = enter(world, world.monthly, "2026-03", "10")
    client.force_login(world.employee)
    page = client.get(reverse("reporting:map", args=[world.map.pk]), {"periode": world.period("2026-03").pk})
    html = page.content.decode()
    assert page.context["can_submit"] and '<option value="submit">Ajukan</option>' in html
    assert f'name="ids" value="{first.pk}"' in html and f'name="ids" value="{bare.pk}"' in html
    response = client.post(
        reverse("reporting:bulk", args=[world.map.pk]),
        {"action": "submit", "ids": [first.pk, bare.pk]},
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    assert "1 dari 2 realisasi diproses." in shown
    assert any(m.startswith("C1.1 Maret 2026: Lampirkan data dukung") for m in shown), shown
    assert dict(Realization.objects.values_list("pk", "state")) == {first.pk: "submitted", bare.pk: "draft"}


def test_bulk_submit_page_of_another_unit_is_404_and_an_auditor_changes_nothing(world, client):
    first = evidenced(world, "2026-Q1")
    url = reverse("reporting:bulk", args=[world.map.pk])
    client.force_login(world.outsider)
    assert client.post(url, {"action": "submit", "ids": [first.pk]}).status_code == 404
    client.force_login(world.auditor)
    page = client.get(reverse("reporting:map", args=[world.map.pk]))
    assert not page.context["can_submit"] and 'value="submit"' not in page.content.decode()
    assert client.post(url, {"action": "submit", "ids": [first.pk]}).status_code == 302
    first.refresh_from_db()
    assert first.state == "draft"


def test_bulk_submit_through_the_api(world, as_user):
    first = evidenced(world, "2026-Q1")
    bare = enter(world, world.quarterly, "2026-Q2", "91")
    foreign = evidenced(world, "2026-Q1", kpi=world.other_kpi, by=world.outsider)
    response = as_user(world.employee).post(
        "/api/realizations/bulk-submit/", {"ids": [first.pk, bare.pk, foreign.pk]}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(r["id"], r["ok"]) for r in body] == [(first.pk, True), (bare.pk, False), (foreign.pk, False)]
    assert "Lampirkan data dukung" in body[1]["message"]
    assert body[2]["message"] == "Tidak ditemukan."  # another unit's realization does not exist for them
    assert dict(Realization.objects.values_list("pk", "state")) == {
        first.pk: "submitted",
        bare.pk: "draft",
        foreign.pk: "draft",
    }
    # an auditor of the unit sees the realization but may not submit it
    denied = as_user(world.auditor).post("/api/realizations/bulk-submit/", {"ids": [bare.pk]}, format="json")
    assert denied.json() == [
        {"id": bare.pk, "ok": False, "message": "Anda tidak berwenang atas realisasi ini."}
    ]
    assert APIClient().post(
        "/api/realizations/bulk-submit/", {"ids": [bare.pk]}, format="json"
    ).status_code in (
        401,
        403,
    )
    assert (
        as_user(world.employee).post("/api/realizations/bulk-submit/", {"ids": []}, format="json").status_code
        == 400
    )


# ---------------------------------------------------------------- importing through the API

URL = "/api/realization-imports/"


def test_api_import_dry_run_lists_every_error_and_writes_nothing(world, as_user):
    submitted = evidenced(world, "2026-Q3")
    services.submit_realization(realization=submitted, by=world.employee)
    before = states()
    upload = xlsx_upload(
        [
            ["Kode IKU", "Periode", "Realisasi"],
            ["S1.1", "2026-Q1", "8o"],
            ["X9", "2026-Q1", 5],
            ["C1.1", "2026-01", 10],
            ["S1.1", "2026-Q3", 91],
        ]
    )
    response = as_user(world.employee).post(URL, {"file": upload, "map": world.map.pk}, format="multipart")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["dry_run"] is True and body["written"] is False and body["map"] == world.map.pk
    assert [(e["sheet"], e["row"], e["column"]) for e in body["errors"]] == [
        ("Isian", 2, "Realisasi"),
        ("Isian", 3, "Kode IKU"),
        ("Isian", 5, "Realisasi"),
    ]
    assert body["errors"][0]["message"] == '"8o" bukan angka'
    assert "IKU X9 tidak ada pada peta" in body["errors"][1]["message"]
    assert "sudah berstatus Diajukan" in body["errors"][2]["message"]
    assert states() == before
    # the same file for real: still all or nothing
    upload.seek(0)
    real = as_user(world.employee).post(
        URL, {"file": upload, "map": world.map.pk, "dry_run": "false"}, format="multipart"
    )
    assert real.status_code == 400 and real.json()["dry_run"] is False and len(real.json()["errors"]) == 3
    assert states() == before


def test_api_import_dry_run_of_a_good_file_writes_nothing_then_the_real_run_writes(
    world, as_user, django_capture_on_commit_callbacks
):
    rows = [
        ["kpi_code", "period", "realization", "analysis"],
        ["S1.1", "2026-Q1", 90, "Sesuai"],
        ["C1.1", "2026-01", 10.5, ""],
        ["C1.1", "2026-02", None, ""],
    ]
    api = as_user(world.employee)
    dry = api.post(URL, {"file": xlsx_upload(rows), "map": world.map.pk}, format="multipart")
    assert dry.status_code == 200, dry.content
    assert dry.json() == {
        "map": world.map.pk,
        "dry_run": True,
        "written": False,
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    assert not Realization.objects.exists()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        real = api.post(
            URL, {"file": xlsx_upload(rows), "map": world.map.pk, "dry_run": "false"}, format="multipart"
        )
    assert real.status_code == 200, real.content
    assert (real.json()["written"], real.json()["created"], real.json()["updated"]) == (True, 2, 0)
    q1 = Realization.objects.get(kpi=world.quarterly)
    assert (q1.state, str(q1.value), q1.analysis, q1.created_by) == (
        "draft",
        "90.000000",
        "Sesuai",
        world.employee,
    )
    assert callbacks
    # a CSV correcting one draft
    again = api.post(
        URL,
        {
            "file": csv_upload("kpi_code,period,realization\nS1.1,2026-Q1,92\n"),
            "map": world.map.pk,
            "dry_run": False,
        },
        format="multipart",
    )
    assert again.status_code == 200 and (again.json()["updated"], again.json()["created"]) == (1, 0)
    q1.refresh_from_db()
    assert str(q1.value) == "92.000000"


def test_api_import_of_a_closed_period_is_refused_with_the_page_message(world, as_user, client):
    services.close_period(period=world.period("2026-Q1"), by=world.mko)
    text = "kpi_code,period,realization\nS1.1,2026-Q1,90\n"
    response = as_user(world.employee).post(
        URL, {"file": csv_upload(text), "map": world.map.pk, "dry_run": "false"}, format="multipart"
    )
    assert response.status_code == 400
    message = "periode Triwulan I 2026 (2026-Q1) sudah ditutup; realisasinya tidak dapat diimpor"
    assert response.json()["errors"] == [{"sheet": None, "row": 2, "column": "period", "message": message}]
    client.force_login(world.employee)
    page = client.post(reverse("reporting:import", args=[world.map.pk]), {"file": csv_upload(text)})
    assert [p.message for p in page.context["result"].problems] == [message]
    assert not Realization.objects.exists()


def test_api_import_permissions_like_the_page(world, as_user):
    text = "kpi_code,period,realization\nS1.1,2026-Q1,90\n"

    def post(user, map_pk=world.map.pk):
        return as_user(user).post(
            URL, {"file": csv_upload(text), "map": map_pk, "dry_run": "false"}, format="multipart"
        )

    assert post(world.outsider).status_code == 404  # another unit's map does not exist for them
    assert post(world.auditor).status_code == 403  # a reader may not import
    assert post(world.leader).status_code == 403
    assert post(world.employee, map_pk=999999).status_code == 404
    assert APIClient().post(
        URL, {"file": csv_upload(text), "map": world.map.pk}, format="multipart"
    ).status_code in (
        401,
        403,
    )
    assert not Realization.objects.exists()
    missing = as_user(world.employee).post(URL, {"map": world.map.pk}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
    assert post(world.manager).status_code == 200
    assert Realization.objects.count() == 1
