"""The organisation import page (issue 15 item 1): upload, preview of every error or the differences, apply."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from kinerja.organisations.importing import import_organisation
from kinerja.organisations.models import (
    Assignment,
    Employee,
    OrganisationImport,
    OrganisationImportState,
    Unit,
)
from tests.factories import UserFactory, grant
from tests.interchange.test_organisation_file import (
    Tables,
    cell,
    org_tables,
    row_number,
    write_folder,
    write_workbook,
)

pytestmark = pytest.mark.django_db
MALANG = "DJP-KPP-MADYA-MALANG"


# ---------------------------------------------------------------- helpers shared with test_import_api.py


def workbook_bytes(tmp_path: Path, tables: Tables, name: str = "organisasi.xlsx") -> bytes:
    return write_workbook(tmp_path / name, tables).read_bytes()


def zip_bytes(tmp_path: Path, tables: Tables) -> bytes:
    folder = write_folder(tmp_path / "csv", tables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for sheet in ("unit", "jabatan", "pegawai"):
            archive.write(folder / f"{sheet}.csv", f"ekspor/{sheet}.csv")
    return buffer.getvalue()


def load(tmp_path: Path, tables: Tables) -> None:
    """The organisation of `tables` in the database, as the command line loads it."""
    result = import_organisation(write_folder(tmp_path / "loaded", tables), apply=True)
    assert result.valid, result.problems


def changed_tables(tables: Tables) -> Tables:
    """Next month's export: a new section under the Malang office, an employee moved there, one departed,
    a unit renamed."""
    new = copy.deepcopy(tables)
    units, positions, employees = new["unit"][1], new["jabatan"][1], new["pegawai"][1]
    units.append(
        [f"{MALANG}-SEKSI-1", MALANG, "four", "section", "tidak", "Seksi Pelayanan", "Service Section", "ya"]
    )
    positions.append(
        [
            f"{MALANG}-SEKSI-1-PELAKSANA",
            f"{MALANG}-SEKSI-1",
            "Pelaksana Seksi Pelayanan",
            "",
            "pelaksana",
            "7",
            "",
        ]
    )
    mover = next(r for r in employees if r[3] == f"{MALANG}-PELAKSANA")
    mover[3], mover[5] = f"{MALANG}-SEKSI-1-PELAKSANA", "2026-04-01"
    leaver = next(r for r in employees if r[3] == "DJKN-KPKNL-MALANG-PELAKSANA")
    employees.remove(leaver)
    row, col = cell(new, "unit", "DJA", "nama")
    row[col] = "Direktorat Jenderal Anggaran (baru)"
    return new


@pytest.fixture
def tables() -> Tables:
    return org_tables()


@pytest.fixture
def loaded(tmp_path: Path, tables: Tables) -> Tables:
    load(tmp_path, tables)
    return tables


@pytest.fixture
def admin(loaded: Tables) -> Any:
    user = UserFactory(username="admin.pusat")
    grant(user, Unit.objects.get(code="KEMENKEU"), "admin")
    return user


def upload(client: Any, content: bytes, name: str = "organisasi.xlsx", partial: bool = False) -> Any:
    data: dict[str, Any] = {"file": _file(content, name)}
    if partial:
        data["partial"] = "on"
    return client.post(reverse("organisations:import"), data)


def _file(content: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def in_english(client: Any) -> Any:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def latest() -> OrganisationImport:
    return OrganisationImport.objects.latest("pk")


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# ---------------------------------------------------------------- errors


def test_every_error_is_shown_with_its_file_sheet_row_and_column(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    bad = copy.deepcopy(tables)
    unit_row, col = cell(bad, "unit", "DJP-KANWIL-JATIM3", "kode_induk")
    unit_row[col] = "TIDAK-ADA"
    employee = bad["pegawai"][1][4]
    employee[0] = "19800101200501100"  # 17 digits
    before = Employee.objects.count(), Unit.objects.get(code="DJP-KANWIL-JATIM3").path
    client.force_login(admin)
    with translation.override("id"):
        response = upload(client, workbook_bytes(tmp_path, bad), "salah.xlsx")
        assert response.status_code == 302
        job = latest()
        assert response["Location"] == reverse("organisations:import-detail", args=[job.pk])
        page = client.get(response["Location"])
    body = text(page)
    assert "2 kesalahan ditemukan" in body
    rows = re.findall(
        r"<tr><td>(.*?)</td><td>(.*?)</td><td class=\"num\">(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", body
    )
    where = {(r[1], int(r[2]), r[3]) for r in rows}
    assert ("unit", row_number(bad, "unit", "DJP-KANWIL-JATIM3"), "kode_induk") in where
    assert ("pegawai", 6, "nip") in where
    assert all(r[0] == "salah.xlsx" for r in rows), rows
    assert "TIDAK-ADA" in body
    assert "Terapkan perubahan" not in body  # nothing to apply
    assert (Employee.objects.count(), Unit.objects.get(code="DJP-KANWIL-JATIM3").path) == before
    # the same errors in English for an English reader
    english = text(in_english(client).get(reverse("organisations:import-detail", args=[job.pk])))
    messages = {e["message"]["en"] for e in job.preview["errors"]}
    assert len(messages) == 2 and all(m in english for m in messages)
    assert "unit induk TIDAK-ADA" not in english
    assert job.state == OrganisationImportState.PREVIEWED and job.fingerprint == ""
    # and apply is refused
    response = client.post(reverse("organisations:import-apply", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == OrganisationImportState.PREVIEWED


def test_a_file_that_is_not_an_organisation_file_is_refused_on_the_form(client: Any, admin: Any) -> None:
    client.force_login(admin)
    with translation.override("id"):
        response = upload(client, b"a,b\n1,2\n", "data.csv")
    assert response.status_code == 200
    assert "harus .xlsx atau .zip" in text(response)
    assert not OrganisationImport.objects.exists()


@override_settings(KINERJA_IMPORT_MAX_BYTES=1000)
def test_the_upload_limits_apply(client: Any, admin: Any, tmp_path: Path, tables: Tables) -> None:
    client.force_login(admin)
    response = upload(in_english(client), workbook_bytes(tmp_path, tables))
    page = client.get(response["Location"])
    job = latest()
    assert job.preview["errors"] and "1000" in job.preview["errors"][0]["message"]["en"]
    assert "1000" in text(page)


# ---------------------------------------------------------------- preview and apply


def test_preview_shows_the_differences_then_apply_writes_them(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    new = changed_tables(tables)
    mover_nip = next(r for r in new["pegawai"][1] if r[3] == f"{MALANG}-SEKSI-1-PELAKSANA")[0]
    (leaver_nip,) = {r[0] for r in tables["pegawai"][1]} - {r[0] for r in new["pegawai"][1]}
    client.force_login(admin)
    with translation.override("id"):
        response = upload(client, workbook_bytes(tmp_path, new))
        job = latest()
        page = client.get(response["Location"])
    body = text(page)
    assert job.preview["units"] == {"new": 1, "changed": 1, "closed": 0, "unchanged": 19}
    assert job.preview["positions"]["new"] == 1
    assert job.preview["employees"] == {"new": 0, "changed": 0, "moved": 1, "deactivated": 1, "unchanged": 58}
    assert "Pratinjau perubahan" in body and "Terapkan perubahan" in body
    counts = re.search(r'<tr data-sheet="employees">(.*?)</tr>', body)
    assert counts is not None
    assert re.findall(r'<td class="num">(.*?)</td>', counts.group(1)) == ["0", "0", "1", "1", "58"]
    assert f"{MALANG}-SEKSI-1" in body and "Seksi Pelayanan" in body
    assert mover_nip in body and f"{MALANG} → {MALANG}-SEKSI-1" in body
    assert leaver_nip in body and "dinonaktifkan" in body
    assert not Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()  # a preview writes nothing

    with translation.override("id"):
        response = client.post(reverse("organisations:import-apply", args=[job.pk]))
        assert response.status_code == 302
        page = client.get(response["Location"])
    job.refresh_from_db()
    assert job.state == OrganisationImportState.APPLIED and job.content == b"" and job.applied_by == admin
    assert job.result["applied"] is True
    assert "Impor organisasi diterapkan" in text(page)
    section = Unit.objects.get(code=f"{MALANG}-SEKSI-1")
    assert Unit.objects.get_parent(section).code == MALANG
    mover = Employee.objects.get(nip=mover_nip)
    assert mover.unit == section
    assert [a.unit.code for a in Assignment.objects.filter(employee=mover).order_by("start")] == [
        MALANG,
        f"{MALANG}-SEKSI-1",
    ]
    assert not Employee.objects.get(nip=leaver_nip).is_active
    assert Unit.objects.get(code="DJA").name_id == "Direktorat Jenderal Anggaran (baru)"
    assert Unit.history.filter(code=f"{MALANG}-SEKSI-1", history_user=admin).exists()
    # applying twice is refused
    response = client.post(reverse("organisations:import-apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == OrganisationImportState.APPLIED


def test_a_zip_of_the_three_csv_files_imports_like_the_workbook(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    client.force_login(admin)
    upload(client, zip_bytes(tmp_path, changed_tables(tables)), "ekspor.zip")
    job = latest()
    assert job.preview["errors"] == []
    assert job.preview["employees"]["moved"] == 1
    client.post(reverse("organisations:import-apply", args=[job.pk]))
    assert Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()


def test_a_zip_missing_a_csv_file_says_which(client: Any, admin: Any, tmp_path: Path, tables: Tables) -> None:
    folder = write_folder(tmp_path / "csv", tables)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(folder / "unit.csv", "unit.csv")
        archive.write(folder / "pegawai.csv", "pegawai.csv")
    client.force_login(admin)
    upload(client, buffer.getvalue(), "ekspor.zip")
    errors = latest().preview["errors"]
    assert len(errors) == 1 and "jabatan.csv" in errors[0]["message"]["en"]


def test_importing_the_same_file_twice_changes_nothing_and_says_so(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    client.force_login(admin)
    with translation.override("id"):
        response = upload(client, workbook_bytes(tmp_path, tables))
        body = text(client.get(response["Location"]))
    job = latest()
    assert job.preview["changes"] == 0
    assert job.preview["employees"]["unchanged"] == 60
    assert 'id="no-changes"' in body and "Tidak ada perubahan" in body
    assert "Terapkan perubahan" not in body


def test_apply_is_refused_when_the_database_changed_since_the_preview(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    new = changed_tables(tables)
    client.force_login(admin)
    upload(client, workbook_bytes(tmp_path, new))
    job = latest()
    previewed = job.fingerprint
    # meanwhile somebody renames another unit (outside the file's differences): the plan changes
    Unit.objects.filter(code="ITJEN").update(name_id="Inspektorat Jenderal Lama")
    with translation.override("id"):
        response = client.post(reverse("organisations:import-apply", args=[job.pk]))
        page = client.get(response["Location"])
    job.refresh_from_db()
    assert job.state == OrganisationImportState.PREVIEWED and job.result == {"refused": "changed"}
    assert job.fingerprint != previewed
    assert not Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()  # nothing written
    body = text(page)
    assert "berubah sejak pratinjau" in body
    assert job.preview["units"]["changed"] == 2  # the new preview: ITJEN renamed back too
    # having looked at the new preview, the administrator applies it
    client.post(reverse("organisations:import-apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == OrganisationImportState.APPLIED
    assert Unit.objects.get(code="ITJEN").name_id == "Inspektorat Jenderal"


def test_preview_again_plans_the_stored_file_anew(
    client: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    client.force_login(admin)
    upload(client, workbook_bytes(tmp_path, changed_tables(tables)))
    job = latest()
    load(tmp_path / "again", changed_tables(tables))  # the same changes applied from the command line
    client.post(reverse("organisations:import-repreview", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == OrganisationImportState.PREVIEWED and job.preview["changes"] == 0


# ---------------------------------------------------------------- large files: in the background


@override_settings(KINERJA_IMPORT_BACKGROUND_ROWS=10)
def test_a_large_file_is_previewed_and_applied_in_the_background_with_its_progress(
    client: Any, admin: Any, tmp_path: Path, tables: Tables, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, workbook_bytes(tmp_path, changed_tables(tables)))
    assert len(callbacks) == 1  # the preview was queued, not run in the request
    job = latest()
    assert job.state == OrganisationImportState.PREVIEWED  # tasks run at once in tests
    rows = 21 + 41 + 59
    assert (job.processed, job.total) == (rows, rows)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("organisations:import-apply", args=[job.pk]))
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.state == OrganisationImportState.APPLIED
    assert Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()
    assert response.status_code == 302


def test_a_running_import_shows_a_progress_bar_that_polls(client: Any, admin: Any) -> None:
    job = OrganisationImport.objects.create(
        unit=Unit.objects.get(code="KEMENKEU"),
        created_by=admin,
        file_name="besar.xlsx",
        sha256="0" * 64,
        state=OrganisationImportState.APPLYING,
        processed=30_000,
        total=80_000,
    )
    client.force_login(admin)
    url = reverse("organisations:import-detail", args=[job.pk])
    with translation.override("id"):
        page = text(client.get(url))
        partial = client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="import-status")
    assert '<progress max="100" value="37"' in page and 'hx-trigger="every 2s"' in page
    assert "30000 dari 80000 baris diproses" in page
    assert partial.content.decode().startswith('<div id="import-status"')
    assert "<html" not in partial.content.decode()
    job.state = OrganisationImportState.APPLIED
    job.save()
    assert "every 2s" not in text(client.get(url))  # finished: no more polling


# ---------------------------------------------------------------- who may import


@pytest.mark.parametrize("role", ["manager", "leader", "employee", "auditor"])
def test_only_administrators_reach_the_import_pages(
    client: Any, admin: Any, role: str, tmp_path: Path
) -> None:
    client.force_login(admin)
    upload(client, b"PK\x03\x04 not a workbook", "x.xlsx")
    job = latest()
    user = UserFactory()
    grant(user, Unit.objects.get(code="KEMENKEU"), role)
    client.force_login(user)
    assert client.get(reverse("organisations:import")).status_code == 403
    assert upload(client, b"x", "x.xlsx").status_code == 403
    assert client.get(reverse("organisations:import-detail", args=[job.pk])).status_code == 403
    assert client.post(reverse("organisations:import-apply", args=[job.pk])).status_code == 403
    assert "Impor organisasi" not in text(client.get(reverse("organisations:unit-list")))


def test_the_organisation_page_links_to_the_import_for_administrators(client: Any, admin: Any) -> None:
    client.force_login(admin)
    with translation.override("id"):
        body = text(client.get(reverse("organisations:unit-list")))
    assert reverse("organisations:import") in body


def test_an_administrator_of_a_subtree_imports_only_partially_and_only_their_subtree(
    client: Any, loaded: Tables, admin: Any, tmp_path: Path
) -> None:
    djp_admin = UserFactory()
    grant(djp_admin, Unit.objects.get(code="DJP"), "admin")
    client.force_login(djp_admin)
    content = workbook_bytes(tmp_path, changed_tables(loaded))
    with translation.override("id"):
        response = upload(client, content)
    assert response.status_code == 200
    assert "hanya administrator kementerian" in text(response)
    # a partial import of the whole file still touches units outside DJP: refused with the units named
    with translation.override("id"):
        response = upload(client, content, partial=True)
        body = text(client.get(response["Location"]))
    assert "di luar wewenang Anda" in body and "DJA" in body
    assert "Terapkan perubahan" not in body
    # a partial file of DJP's units only goes through
    new = changed_tables(loaded)
    djp_only: Tables = {
        "unit": (new["unit"][0], [r for r in new["unit"][1] if r[0].startswith("DJP")]),
        "jabatan": (new["jabatan"][0], [r for r in new["jabatan"][1] if r[1].startswith("DJP")]),
        "pegawai": (new["pegawai"][0], [r for r in new["pegawai"][1] if r[3].startswith("DJP")]),
    }
    djp_only["unit"][1][0][1] = "KEMENKEU"
    response = upload(client, workbook_bytes(tmp_path, djp_only, "djp.xlsx"), partial=True)
    job = latest()
    assert job.preview["errors"] == [], job.preview["errors"]
    assert job.unit.code == "DJP"
    client.post(reverse("organisations:import-apply", args=[job.pk]))
    job.refresh_from_db()
    assert job.state == OrganisationImportState.APPLIED
    assert Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()
    # the ministry's import is not theirs to see
    client.force_login(admin)
    upload(client, content)
    other = latest()
    client.force_login(djp_admin)
    assert client.get(reverse("organisations:import-detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("organisations:import-apply", args=[other.pk])).status_code == 404
