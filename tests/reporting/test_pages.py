"""The reporting pages: what is due, a map's realizations, entering, the workflow buttons, periods, scorecard."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.reporting import services
from kinerja.reporting.models import Evidence, Realization
from tests.planning import builders as b

from .conftest import PDF, approved, enter, pdf

pytestmark = pytest.mark.django_db


def test_navigation_points_here(world, client):
    client.force_login(world.employee)
    response = client.get(reverse("home:home"))
    assert reverse("reporting:index").encode() in response.content


def test_what_is_due_lists_missing_realizations_by_due_date(world, client):
    enter(world, world.quarterly, "2026-Q1", "90")
    client.force_login(world.employee)
    response = client.get(reverse("reporting:index"))
    assert response.status_code == 200
    due = response.context["due"]
    assert due == sorted(due, key=lambda item: item.period.due_date)
    assert {(i.kpi.code, i.period.label) for i in due} >= {("S1.1", "2026-Q1"), ("C1.1", "2026-01")}
    assert all(i.kpi.objective.map.unit.code == "KPP-A" for i in due)  # the subtree only


def test_enter_a_realization_through_the_page(world, client):
    client.force_login(world.employee)
    url = reverse("reporting:entry", args=[world.quarterly.pk, world.period("2026-Q1").pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"value": "8o", "analysis": ""})
    assert bad.status_code == 200 and "harus berupa angka" in bad.content.decode()
    response = client.post(url, {"value": "85,5", "analysis": "Sesuai"})
    realization = Realization.objects.get()
    assert response.status_code == 302 and str(realization.value) == "85.500000"


def test_the_workflow_through_the_pages(world, client):
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    client.force_login(world.employee)
    detail = reverse("reporting:realization", args=[realization.pk])
    page = client.get(detail)
    assert page.status_code == 200 and page.context["steps"]["submit"] is False  # no evidence yet
    refused = client.post(
        reverse("reporting:evidence-upload", args=[realization.pk]),
        {"file": pdf("virus.pdf", b"MZ" + b"\x00" * 40)},
    )
    assert refused.status_code == 400 and "ditolak" in refused.content.decode()
    upload = client.post(reverse("reporting:evidence-upload", args=[realization.pk]), {"file": pdf()})
    assert upload.status_code == 302
    assert client.get(detail).context["steps"]["submit"] is True
    client.post(reverse("reporting:realization-action", args=[realization.pk, "ajukan"]))
    client.force_login(world.manager)
    no_reason = client.post(
        reverse("reporting:realization-action", args=[realization.pk, "kembalikan"]), {"reason": ""}
    )
    assert no_reason.status_code == 400
    client.post(
        reverse("reporting:realization-action", args=[realization.pk, "kembalikan"]), {"reason": "Cek ulang."}
    )
    client.force_login(world.employee)
    page = client.get(detail)
    assert "Cek ulang." in page.content.decode()  # the submitter sees the reason
    client.post(reverse("reporting:realization-action", args=[realization.pk, "ajukan"]))
    client.force_login(world.manager)
    client.post(reverse("reporting:realization-action", args=[realization.pk, "verifikasi"]))
    client.force_login(world.leader)
    client.post(reverse("reporting:realization-action", args=[realization.pk, "setujui"]))
    realization.refresh_from_db()
    assert realization.state == "approved"
    item = Evidence.objects.get()
    download = client.get(reverse("reporting:evidence", args=[item.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_another_units_user_gets_404_everywhere(world, client):
    realization = approved(world, world.quarterly, "2026-Q1", "90")
    item = Evidence.objects.get()
    snapshot = services.compute_scorecard(strategy_map=world.map, period=world.period("2026-Q1"))
    client.force_login(world.outsider)
    for url in (
        reverse("reporting:realization", args=[realization.pk]),
        reverse("reporting:evidence", args=[item.pk]),
        reverse("reporting:map", args=[world.map.pk]),
        reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk]),
        reverse("reporting:snapshot", args=[snapshot.pk]),
        reverse("reporting:entry", args=[world.quarterly.pk, world.period("2026-Q2").pk]),
        reverse("reporting:export", args=[world.map.pk, world.period("2026-Q1").pk, "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("reporting:realization-action", args=[realization.pk, "kembalikan"])).status_code
        == 404
    )


def test_map_page_and_bulk_verify(world, client):
    first = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=first, upload=pdf(), by=world.employee)
    services.submit_realization(realization=first, by=world.employee)
    client.force_login(world.manager)
    page = client.get(reverse("reporting:map", args=[world.map.pk]), {"periode": world.period("2026-03").pk})
    assert page.status_code == 200
    rows = {row.kpi.code: row for row in page.context["rows"]}
    assert rows["S1.1"].realization == first and rows["C1.1"].period.label == "2026-03"
    response = client.post(
        reverse("reporting:bulk", args=[world.map.pk]), {"action": "verify", "ids": [first.pk]}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.state == "verified"


def test_scorecard_page_na_is_spelled_out_and_figures_explain_themselves(world, client):
    approved(world, world.quarterly, "2026-Q1", "90")
    services.compute_scorecard(
        strategy_map=world.map, period=world.period("2026-Q1")
    )  # the recompute task's work
    client.force_login(world.auditor)
    response = client.get(reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "belum dilaporkan" in html and "90,00" in html
    assert "status-na" in html and "status-yellow" in html
    snapshot = response.context["snapshot"]
    explain = reverse("reporting:explanation", args=[snapshot.pk])
    partial = client.get(explain, {"jenis": "kpi", "kode": "S1.1"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "R / T × 100" in partial.content.decode()
    assert "<html" not in partial.content.decode()
    full = client.get(explain, {"jenis": "nko"})
    assert (
        full.status_code == 200
        and "<html" in full.content.decode()
        and "Indeks IKU S1.1" in full.content.decode()
    )
    assert client.get(explain, {"jenis": "kpi", "kode": "nope"}).status_code == 404
    assert (
        client.post(
            reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk])
        ).status_code
        == 403
    )


def test_scorecard_page_lists_what_is_not_yet_due_apart_from_what_is_missing(world, client):
    b.kpi(b.objective(world.map, "learning_growth", "L1"), "L1.1", target=Decimal(100), frequency="yearly")
    approved(world, world.quarterly, "2026-Q1", "90")
    services.compute_scorecard(
        strategy_map=world.map, period=world.period("2026-Q1")
    )  # the recompute task's work
    client.force_login(world.auditor)
    html = client.get(
        reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk])
    ).content.decode()
    assert "Belum jatuh tempo: L1.1" in html
    assert "Belum dilaporkan: C1.1" in html and "belum lengkap" in html


def test_periods_page_close_and_reopen(world, client):
    client.force_login(world.mko)
    page = client.get(reverse("reporting:periods"), {"tahun": 2026})
    assert page.status_code == 200 and page.context["can_close"]
    q1 = world.period("2026-Q1")
    client.post(reverse("reporting:period-close", args=[q1.pk]))
    q1.refresh_from_db()
    assert q1.is_closed
    client.post(reverse("reporting:period-reopen", args=[q1.pk]), {"reason": ""})
    q1.refresh_from_db()
    assert q1.is_closed
    client.post(reverse("reporting:period-reopen", args=[q1.pk]), {"reason": "Koreksi."})
    q1.refresh_from_db()
    assert not q1.is_closed
    client.force_login(world.manager)
    assert client.post(reverse("reporting:period-close", args=[q1.pk])).status_code == 403


def test_import_page_dry_run_then_import(world, client):
    client.force_login(world.employee)
    url = reverse("reporting:import", args=[world.map.pk])
    assert client.get(url).status_code == 200
    bad = io.BytesIO(b"kpi_code,period,realization\nS1.1,2026-Q1,8o\nX,2026-Q1,1\n")
    bad.name = "r.csv"
    response = client.post(url, {"file": bad, "dry_run": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "2 kesalahan ditemukan" in html and "&quot;8o&quot; bukan angka" in html
    good = io.BytesIO(b"kpi_code,period,realization\nS1.1,2026-Q1,90\n")
    good.name = "r.csv"
    assert client.post(url, {"file": good, "dry_run": "on"}).status_code == 200
    assert not Realization.objects.exists()
    good.seek(0)
    assert client.post(url, {"file": good}).status_code == 302
    assert Realization.objects.count() == 1
    template = client.get(reverse("reporting:template", args=[world.map.pk, "csv"]))
    assert template.status_code == 200 and template.content.startswith(
        b"\xef\xbb\xbfunit,period,perspective"
    )  # UTF-8 BOM for Excel
    client.force_login(world.auditor)
    assert client.get(url).status_code == 403


def test_the_entry_page_of_a_closed_period_is_read_only(client, world):
    realization = enter(world, world.quarterly, "2026-Q1", "85")
    services.close_period(period=world.period("2026-Q1"))
    client.force_login(world.employee)
    url = f"/capaian/iku/{world.quarterly.pk}/periode/{world.period('2026-Q1').pk}/"
    page = client.get(url)
    assert "sudah ditutup" in page.text and "Simpan sebagai konsep" not in page.text
    answer = client.post(url, {"value": "99", "analysis": "x"})
    assert "sudah ditutup" in answer.text
    realization.refresh_from_db()
    assert realization.value == 85


def test_the_entry_form_shows_the_value_as_typed(client, world):
    enter(world, world.quarterly, "2026-Q2", "85")
    client.force_login(world.employee)
    page = client.get(f"/capaian/iku/{world.quarterly.pk}/periode/{world.period('2026-Q2').pk}/")
    assert 'value="85"' in page.text


@pytest.mark.parametrize("who", ["auditor", "leader"])
def test_readers_see_the_entry_page_read_only(client, world, who):
    """Issue 10 item 10: an auditor (or a leader) sees no entry form, and a save changes nothing."""
    client.force_login(getattr(world, who))
    url = reverse("reporting:entry", args=[world.quarterly.pk, world.period("2026-Q2").pk])
    page = client.get(url).content.decode()
    assert "hanya dapat membaca" in page and 'name="value"' not in page
    response = client.post(url, {"value": "95"})
    assert response.status_code == 200 and "hanya dapat membaca" in response.content.decode()
    assert not Realization.objects.filter(kpi=world.quarterly).exists()


def test_the_employee_still_gets_the_entry_form(client, world):
    client.force_login(world.employee)
    url = reverse("reporting:entry", args=[world.quarterly.pk, world.period("2026-Q2").pk])
    assert 'name="value"' in client.get(url).content.decode()
