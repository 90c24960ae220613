"""The monthly report pages: who may ask for a report and fetch its file, the job's progress, the batch."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.dashboards.models import ReportJob, ReportJobState, ReportKind
from kinerja.dashboards.tasks import start_report


def _post(client, unit, period, **extra):
    """POST the report form; the job runs after its transaction commits (here: as the request ends)."""
    data = {"periode": period.pk, "format": "pdf", "jenis": "unit", **extra}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(reverse("dashboards:monthly", args=[unit.pk]), data)


def _start(**kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return start_report(**kwargs)


def test_an_employee_makes_the_unit_report_and_downloads_it(client, world, org):
    client.force_login(world.employee)
    page = client.get(reverse("dashboards:monthly", args=[org.kpp_a.pk]))
    assert page.status_code == 200
    assert "jenis" in page.content.decode() and 'value="batch"' not in page.content.decode()
    response = _post(client, org.kpp_a, world.period("2026-03"))
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "dashboards:report-job", args=[job.pk]
    )
    assert job.state == ReportJobState.DONE and job.created_by == world.employee
    status = client.get(reverse("dashboards:report-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert status.status_code == 200 and b'data-state="done"' in status.content
    download = client.get(reverse("dashboards:report-download", args=[job.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    assert "laporan-kinerja-bulanan-kpp-a-2026-03.pdf" in download["Content-Disposition"]


def test_excel_format(client, world, org):
    from openpyxl import load_workbook

    client.force_login(world.leader)
    _post(client, org.kpp_a, world.period("2026-Q1"), format="xlsx")
    job = ReportJob.objects.get()
    book = load_workbook(io.BytesIO(job.file.read()))
    assert "IKU" in book.sheetnames and job.file_name.endswith(".xlsx")


def test_outside_the_reach_nothing_exists(client, world, org):
    job = _start(unit=org.kpp_a, period=world.period("2026-03"), by=world.employee)
    client.force_login(world.outsider)  # a manager of KPP-B
    assert client.get(reverse("dashboards:monthly", args=[org.kpp_a.pk])).status_code == 404
    assert _post(client, org.kpp_a, world.period("2026-03")).status_code == 404
    assert client.get(reverse("dashboards:report-job", args=[job.pk])).status_code == 404
    assert client.get(reverse("dashboards:report-download", args=[job.pk])).status_code == 404
    assert ReportJob.objects.count() == 1


def test_the_batch_is_for_managers(client, world, org, kanwil_map, make_user):
    period = world.period("2026-03")
    leader = make_user(org.kanwil, Role.LEADER)
    client.force_login(leader)
    assert _post(client, org.kanwil, period, jenis="batch").status_code in (200, 403)
    assert not ReportJob.objects.filter(kind=ReportKind.BATCH).exists()
    manager = make_user(org.kanwil, Role.MANAGER)
    client.force_login(manager)
    page = client.get(reverse("dashboards:monthly", args=[org.kanwil.pk]))
    assert 'value="batch"' in page.content.decode()
    response = _post(client, org.kanwil, period, jenis="batch")
    job = ReportJob.objects.get(kind=ReportKind.BATCH)
    assert response.status_code == 302 and job.state == ReportJobState.DONE
    assert (job.processed, job.total) == (3, 3)
    with zipfile.ZipFile(io.BytesIO(job.file.read())) as archive:
        names = sorted(archive.namelist())
    assert names == [
        "laporan-kinerja-bulanan-kanwil-2026-03.pdf",
        "laporan-kinerja-bulanan-kpp-a-2026-03.pdf",
        "laporan-kinerja-bulanan-kpp-b-2026-03.pdf",
    ]
    # a user reaching only KPP-A does not reach the KANWIL's batch
    client.force_login(world.manager)
    assert client.get(reverse("dashboards:report-download", args=[job.pk])).status_code == 404


def test_a_unit_without_a_map_is_refused_with_the_field_named(client, world, org, make_user):
    manager = make_user(org.section_a, Role.MANAGER)
    client.force_login(manager)
    with translation.override("id"):
        response = _post(client, org.section_a, world.period("2026-03"))
    assert response.status_code == 200
    assert "tidak memiliki peta strategi yang disetujui" in response.content.decode()
    assert not ReportJob.objects.exists()


def test_bad_period_and_format_are_named(client, world, org):
    client.force_login(world.employee)
    with translation.override("id"):
        response = _post(client, org.kpp_a, world.period("2026-03"), format="docx", periode="999999")
    body = response.content.decode()
    assert response.status_code == 200 and "Format harus PDF atau Excel" in body
    assert "Periode itu tidak ada" in body
    assert not ReportJob.objects.exists()


def test_the_index_lists_units_with_their_newest_report(client, world, org, django_assert_max_num_queries):
    _start(unit=org.kpp_a, period=world.period("2026-03"), by=world.mko)
    client.force_login(world.mko)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("dashboards:monthly-index"))
    body = page.content.decode()
    assert page.status_code == 200 and "KPP Pratama A" in body and "KPP Pratama B" in body
    assert reverse("dashboards:report-download", args=[ReportJob.objects.get().pk]) in body


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.AUDITOR, Role.LEADER])
def test_every_role_on_the_unit_reads_the_page(client, world, org, make_user, role):
    client.force_login(make_user(org.kpp_a, role))
    assert client.get(reverse("dashboards:monthly", args=[org.kpp_a.pk])).status_code == 200


def test_the_index_is_searched_by_unit_and_paged(
    client, world, org, monkeypatch, django_assert_max_num_queries
):
    from kinerja.dashboards import views_monthly

    client.force_login(world.mko)
    found = client.get(reverse("dashboards:monthly-index"), {"q": "pratama a"})
    body = found.content.decode()
    assert "KPP Pratama A" in body and "KPP Pratama B" not in body
    nothing = client.get(reverse("dashboards:monthly-index"), {"q": "zzz"}).content.decode()
    assert "Tidak ada unit yang cocok dengan pencarian." in nothing
    monkeypatch.setattr(views_monthly, "PAGE_SIZE", 1)
    with django_assert_max_num_queries(15):
        first = client.get(reverse("dashboards:monthly-index"))
    rows = first.context["rows"]
    assert len(rows) == 1 and first.context["page"].paginator.count > 1
    second = client.get(reverse("dashboards:monthly-index"), {"page": 2}).context["rows"]
    assert len(second) == 1 and second[0][0] != rows[0][0]
    assert 'rel="next"' in first.content.decode()
