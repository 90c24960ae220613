"""`/api/organisation-imports/`: the organisation file through the API (dry run by default, apply, background)."""

# ruff: noqa: F811  (the fixtures imported from test_import_page)

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation

from kinerja.organisations.models import Employee, OrganisationImport, Unit
from tests.factories import UserFactory, grant
from tests.interchange.test_organisation_file import Tables, cell, row_number
from tests.organisations.test_import_page import (  # noqa: F401 (fixtures)
    MALANG,
    admin,
    changed_tables,
    loaded,
    tables,
    workbook_bytes,
    zip_bytes,
)

pytestmark = pytest.mark.django_db
URL = "/api/organisation-imports/"
KEYS = {"applied", "units", "positions", "employees", "errors"}


def post(api: Any, content: bytes, name: str = "organisasi.xlsx", **fields: Any) -> Any:
    data = {"file": SimpleUploadedFile(name, content), **{k: str(v).lower() for k, v in fields.items()}}
    with translation.override("en"):
        return api.post(URL, data, format="multipart", HTTP_ACCEPT_LANGUAGE="en")


def test_a_dry_run_answers_the_specs_json_and_writes_nothing(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    api.force_login(admin)
    response = post(api, workbook_bytes(tmp_path, changed_tables(tables)))
    assert response.status_code == 200
    body = response.json()
    assert set(body) >= KEYS
    assert body["applied"] is False and body["errors"] == [] and body["state"] == "previewed"
    assert body["units"] == {"new": 1, "changed": 1, "closed": 0, "unchanged": 19}
    assert body["positions"] == {"new": 1, "changed": 0, "closed": 0, "unchanged": 40}
    assert body["employees"] == {"new": 0, "changed": 0, "moved": 1, "deactivated": 1, "unchanged": 58}
    assert body["url"].endswith(f"{URL}{body['id']}/")
    assert not Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()


def test_a_dry_run_of_a_file_with_errors_lists_them_all_with_200(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    bad = copy.deepcopy(tables)
    row, col = cell(bad, "unit", "DJP-KANWIL-JATIM3", "kode_induk")
    row[col] = "TIDAK-ADA"
    bad["pegawai"][1][4][0] = "19800101200501100"
    api.force_login(admin)
    response = post(api, workbook_bytes(tmp_path, bad), "salah.xlsx")
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert {(e["file"], e["sheet"], e["row"], e["column"]) for e in errors} == {
        ("salah.xlsx", "unit", row_number(bad, "unit", "DJP-KANWIL-JATIM3"), "kode_induk"),
        ("salah.xlsx", "pegawai", 6, "nip"),
    }
    assert all(isinstance(e["message"], str) and e["message"] for e in errors)
    assert any("TIDAK-ADA" in e["message"] for e in errors)


def test_an_apply_with_errors_is_400_and_writes_nothing(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    bad = changed_tables(tables)
    bad["pegawai"][1][4][0] = "19800101200501100"
    api.force_login(admin)
    response = post(api, workbook_bytes(tmp_path, bad), apply=True)
    assert response.status_code == 400
    body = response.json()
    assert body["applied"] is False and len(body["errors"]) == 1 and body["errors"][0]["column"] == "nip"
    assert not Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()


def test_an_apply_writes_and_the_same_file_again_changes_nothing(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    api.force_login(admin)
    content = zip_bytes(tmp_path, changed_tables(tables))
    response = post(api, content, "ekspor.zip", apply=True)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["applied"] is True and body["state"] == "applied" and body["employees"]["moved"] == 1
    assert Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()
    before = Employee.history.count()
    again = post(api, content, "ekspor.zip", apply=True).json()
    assert again["units"] == {"new": 0, "changed": 0, "closed": 0, "unchanged": 21}
    assert again["employees"]["unchanged"] == 59 and again["employees"]["moved"] == 0
    assert Employee.history.count() == before


def test_a_partial_import_syncs_only_the_rows_given(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    only_units: Tables = {
        "unit": (tables["unit"][0], tables["unit"][1][:2]),
        "jabatan": (tables["jabatan"][0], []),
        "pegawai": (tables["pegawai"][0], []),
    }
    api.force_login(admin)
    whole = post(api, workbook_bytes(tmp_path, only_units)).json()
    assert whole["units"]["closed"] == 18 and whole["employees"]["deactivated"] == 60
    partial = post(api, workbook_bytes(tmp_path, only_units), partial=True).json()
    assert partial["units"] == {"new": 0, "changed": 0, "closed": 0, "unchanged": 2}
    assert partial["employees"]["deactivated"] == 0


@override_settings(KINERJA_IMPORT_BACKGROUND_ROWS=10)
def test_a_large_file_answers_202_and_the_import_to_poll(
    api: Any, admin: Any, tmp_path: Path, tables: Tables, django_capture_on_commit_callbacks: Any
) -> None:
    api.force_login(admin)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(api, workbook_bytes(tmp_path, changed_tables(tables)), apply=True)
    assert response.status_code == 202
    body = response.json()
    assert body["state"] == "previewing" and body["units"] is None and body["total"] == 59
    polled = api.get(body["url"]).json()
    assert polled["state"] == "previewing" and polled["percent"] == 0
    for callback in callbacks:  # the task runs (at once in tests)
        callback()
    done = api.get(body["url"])
    assert done.status_code == 200
    result = done.json()
    assert result["state"] == "applied" and result["applied"] is True and result["percent"] == 100
    assert result["processed"] == result["total"] > 0
    assert result["employees"]["moved"] == 1
    assert Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()


@pytest.mark.parametrize("role", ["manager", "leader", "employee", "auditor"])
def test_only_administrators_may_import(
    api: Any, admin: Any, role: str, tmp_path: Path, tables: Tables
) -> None:
    api.force_login(admin)
    job_url = post(api, workbook_bytes(tmp_path, tables)).json()["url"]
    user = UserFactory()
    grant(user, Unit.objects.get(code="KEMENKEU"), role)
    api.force_login(user)
    assert post(api, workbook_bytes(tmp_path, tables)).status_code == 403
    assert api.get(job_url).status_code == 404
    assert OrganisationImport.objects.count() == 1


def test_an_import_outside_ones_reach_is_not_found_and_anonymous_is_401(
    api: Any, admin: Any, tmp_path: Path, tables: Tables
) -> None:
    api.force_login(admin)
    job_url = post(api, workbook_bytes(tmp_path, tables)).json()["url"]
    djp_admin = UserFactory()
    grant(djp_admin, Unit.objects.get(code="DJP"), "admin")
    api.force_login(djp_admin)
    assert api.get(job_url).status_code == 404
    assert api.get(f"{URL}99999999999999999999/").status_code == 404
    # a whole-organisation import is the ministry administrator's: 403 with the reason
    response = post(api, workbook_bytes(tmp_path, tables))
    assert response.status_code == 403 and "administrator" in response.json()["detail"]
    api.logout()
    assert post(api, workbook_bytes(tmp_path, tables)).status_code == 401
