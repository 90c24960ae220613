"""Imports that would eat the server (issue 11 item 5): size, unpacked size, compression ratio and rows are
limited before or while the file is read, the rows are streamed, and a large import runs as a background job
whose progress is shown."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from openpyxl import Workbook

from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import Limits, check_zip, count_rows, read_csv
from kinerja.reporting import services
from kinerja.reporting.models import ImportJob, ImportJobState, Realization

D = Decimal
pytestmark = pytest.mark.django_db


def zip_bomb(unpacked: int = 300 * 1024 * 1024) -> bytes:
    """A small .xlsx whose sheet XML unpacks to `unpacked` bytes (zeros compress ~1000 times)."""
    book = Workbook()
    book.active.append(["kode_iku", "periode", "realisasi"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as member:
                    chunk = b" " * (1024 * 1024)
                    for _ in range(unpacked // len(chunk)):
                        member.write(chunk)
            else:
                dst.writestr(item, src.read(item.filename))
    return out.getvalue()


def csv_rows(n: int, kpi: str = "S1.1", period: str = "2026-Q1") -> bytes:
    return ("kode_iku,periode,realisasi\n" + f"{kpi},{period},90\n" * n).encode()


def upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def messages_of(result) -> str:
    return " ".join(p.message for p in result.problems)


def test_a_zip_bomb_is_refused_from_its_directory_quickly_and_with_little_memory(world):
    bomb = zip_bomb()
    assert len(bomb) < 1024 * 1024  # under a megabyte packed, 300 MB unpacked
    tracemalloc.start()
    started = time.perf_counter()
    result = services.import_realizations(
        source=io.BytesIO(bomb), name="bom.xlsx", strategy_map=world.map, by=world.employee
    )
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert not result.ok and not result.written
    assert "KINERJA_IMPORT_MAX_UNZIPPED_BYTES" in messages_of(result)
    assert elapsed < 2 and peak < 20 * 1024 * 1024
    assert not Realization.objects.exists()


def test_a_workbook_compressed_beyond_the_ratio_is_refused_even_under_the_unpacked_limit(world):
    with override_settings(KINERJA_IMPORT_MAX_UNZIPPED_BYTES=10**12):
        result = services.import_realizations(
            source=io.BytesIO(zip_bomb(50 * 1024 * 1024)),
            name="bom.xlsx",
            strategy_map=world.map,
            by=world.employee,
        )
    assert "KINERJA_IMPORT_MAX_RATIO" in messages_of(result)
    assert not Realization.objects.exists()


def test_check_zip_passes_an_ordinary_workbook_and_leaves_the_stream_where_it_was():
    book = Workbook()
    book.active.append(["a"])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(3)
    check_zip(stream, "ok.xlsx", Limits(max_unzipped=10**6, max_ratio=100))
    assert stream.tell() == 3


@override_settings(KINERJA_IMPORT_MAX_ROWS=100)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_over_the_row_limit_is_refused_and_nothing_is_written(world, fmt):
    if fmt == "csv":
        source = io.BytesIO(csv_rows(101))
    else:
        book = Workbook()
        book.active.append(["kode_iku", "periode", "realisasi"])
        for _ in range(101):
            book.active.append(["S1.1", "2026-Q1", 90])
        source = io.BytesIO()
        book.save(source)
        source.seek(0)
    result = services.import_realizations(
        source=source, name=f"banyak.{fmt}", strategy_map=world.map, by=world.employee
    )
    assert not result.ok
    assert "KINERJA_IMPORT_MAX_ROWS" in messages_of(result) and "100" in messages_of(result)
    assert not Realization.objects.exists()


def test_the_row_limit_stops_reading_at_the_first_row_beyond_it():
    sheet = read_csv(io.BytesIO(csv_rows(1000)), "x.csv", limits=Limits(max_rows=10))
    seen = 0
    with pytest.raises(InvalidFileError):
        for _ in sheet.records:
            seen += 1
    assert seen == 10


@override_settings(KINERJA_IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_byte_limit_is_refused_on_the_page_and_through_the_api(world, client):
    content = csv_rows(100)
    assert len(content) > 1000
    client.force_login(world.employee)
    response = client.post(
        reverse("reporting:import", args=[world.map.pk]),
        {"file": upload(content, "besar.csv"), "dry_run": ""},
    )
    assert response.status_code == 400
    assert "KINERJA_IMPORT_MAX_BYTES" in response.content.decode()
    response = client.post(
        "/api/realization-imports/",
        {"map": world.map.pk, "file": upload(content, "besar.csv"), "dry_run": "false"},
    )
    assert response.status_code == 400
    assert "KINERJA_IMPORT_MAX_BYTES" in response.content.decode()
    assert not Realization.objects.exists()


def test_the_planning_workbook_import_is_limited_too(org):
    from kinerja.planning import workbook
    from kinerja.planning.models import MapState
    from tests.planning import builders as b

    b.plan_year(2026, "kmk-467-2014")
    draft = b.bare_map(org.kpp_a, 2026, MapState.DRAFT)
    report = workbook.import_map(strategy_map=draft, content=zip_bomb(), by=None)
    assert not report.ok
    assert "KINERJA_IMPORT_MAX_UNZIPPED_BYTES" in " ".join(str(i) for i in report.issues)
    with override_settings(KINERJA_IMPORT_MAX_BYTES=100):
        report = workbook.import_map(strategy_map=draft, content=b"x" * 200, by=None)
    assert "KINERJA_IMPORT_MAX_BYTES" in " ".join(str(i) for i in report.issues)
    book = Workbook()
    book.active.title = "tema"
    book.active.append(["kode", "nama"])
    for n in range(20):
        book.active.append([f"T{n}", "Tema"])
    content = io.BytesIO()
    book.save(content)
    with override_settings(KINERJA_IMPORT_MAX_ROWS=10):
        report = workbook.import_map(strategy_map=draft, content=content.getvalue(), by=None)
    assert "KINERJA_IMPORT_MAX_ROWS" in " ".join(str(i) for i in report.issues)


def test_count_rows_is_cheap_and_close():
    assert count_rows(io.BytesIO(csv_rows(7)), "x.csv") == 7
    assert count_rows(io.BytesIO(csv_rows(7).rstrip(b"\n")), "x.csv") == 7


@override_settings(KINERJA_IMPORT_BACKGROUND_ROWS=2)
def test_a_large_import_runs_as_a_job_with_its_progress_shown(
    world, client, django_capture_on_commit_callbacks
):
    content = b"kode_iku,periode,realisasi\nS1.1,2026-Q1,90\nS1.1,2026-Q2,91\nS1.1,2026-Q3,92\n"
    client.force_login(world.employee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:import", args=[world.map.pk]),
            {"file": upload(content, "besar.csv"), "dry_run": ""},
        )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "reporting:import-job", args=[job.pk]
    )
    assert job.state == ImportJobState.DONE and job.processed == 3 and job.total == 3
    assert job.result["created"] == 3 and job.result["written"] and job.content == b""
    assert Realization.objects.count() == 3
    page = client.get(reverse("reporting:import-job", args=[job.pk]))
    assert page.status_code == 200 and "3 realisasi baru" in page.content.decode()
    assert 'hx-trigger="every 2s"' not in page.content.decode()  # finished: no more polling
    api = client.get(f"/api/import-jobs/{job.pk}/")
    assert api.status_code == 200 and api.json()["state"] == "done" and api.json()["percent"] == 100
    # another unit's manager sees nothing of it
    client.force_login(world.outsider)
    assert client.get(reverse("reporting:import-job", args=[job.pk])).status_code == 404
    assert client.get(f"/api/import-jobs/{job.pk}/").status_code == 404


@override_settings(KINERJA_IMPORT_BACKGROUND_ROWS=2)
def test_a_queued_job_polls_and_the_api_answers_202(world, client):
    content = b"kode_iku,periode,realisasi\nS1.1,2026-Q1,90\nS1.1,2026-Q2,91\nS1.1,2026-Q3,92\n"
    client.force_login(world.employee)
    # without running the on-commit callbacks the job stays queued, as under the database backend
    response = client.post(
        "/api/realization-imports/",
        {"map": world.map.pk, "file": upload(content, "besar.csv"), "dry_run": "false"},
    )
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "queued" and body["total"] == 3
    page = client.get(reverse("reporting:import-job", args=[body["id"]]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert not Realization.objects.exists()
    assert services.run_import_job.call(body["id"]) == "done"
    assert Realization.objects.count() == 3
