"""The organisation import in a browser (issue 15): an administrator uploads the HR system's export with two
errors, reads them by row and column, fixes the file, previews the differences and applies them."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations.importing import import_organisation
from kinerja.organisations.models import Employee, OrganisationImport, Unit
from tests.e2e.helpers import PASSWORD, login
from tests.interchange.test_organisation_file import (
    cell,
    org_tables,
    row_number,
    write_folder,
    write_workbook,
)
from tests.organisations.test_import_page import MALANG, changed_tables

pytestmark = pytest.mark.e2e


def test_an_administrator_fixes_two_errors_previews_and_applies(
    page: Any, live_server: Any, transactional_db: None, make_user: Any, tmp_path: Path
) -> None:
    tables = org_tables()
    assert import_organisation(write_folder(tmp_path / "loaded", tables), apply=True).valid
    make_user(Unit.objects.get(code="KEMENKEU"), Role.ADMIN, username="admin.kemenkeu")
    fixed = changed_tables(tables)
    broken = copy.deepcopy(fixed)
    row, col = cell(broken, "unit", f"{MALANG}-SEKSI-1", "kode_induk")
    row[col] = "DJP-KPP-MADYA-MALNG"  # a typo: no such unit
    mover = next(r for r in broken["pegawai"][1] if r[3] == f"{MALANG}-SEKSI-1-PELAKSANA")
    mover_row = broken["pegawai"][1].index(mover) + 2
    mover[5] = "31-04-2026"  # no 31 April
    broken_file = write_workbook(tmp_path / "ekspor-april.xlsx", broken)
    fixed_file = write_workbook(tmp_path / "ekspor-april-perbaikan.xlsx", fixed)

    login(page, live_server, "admin.kemenkeu", PASSWORD)
    page.goto("/organisasi/")
    page.get_by_role("link", name="Impor organisasi").click()
    page.wait_for_url("**/organisasi/impor/")
    page.get_by_label("Berkas organisasi").set_input_files(str(broken_file))
    page.get_by_role("button", name="Periksa dan pratinjau").click()
    page.wait_for_url(re.compile(r"/organisasi/impor/\d+/$"))

    heading = page.get_by_role("heading", name=re.compile("kesalahan ditemukan"))
    assert heading.inner_text().startswith("2 kesalahan")
    rows = page.locator("#import-errors tbody tr")
    assert rows.count() == 2
    found = {
        (cells[1], cells[2], cells[3]): cells[4]
        for cells in (rows.nth(i).locator("td").all_inner_texts() for i in range(2))
    }
    unit_row = str(row_number(broken, "unit", f"{MALANG}-SEKSI-1"))
    assert set(found) == {("unit", unit_row, "kode_induk"), ("pegawai", str(mover_row), "tmt")}
    assert "DJP-KPP-MADYA-MALNG" in found[("unit", unit_row, "kode_induk")]
    assert "31-04-2026" in found[("pegawai", str(mover_row), "tmt")]
    assert page.get_by_role("button", name="Terapkan perubahan").count() == 0
    assert not Unit.objects.filter(code=f"{MALANG}-SEKSI-1").exists()

    # the administrator fixes the file and uploads it again
    page.get_by_role("link", name="Unggah berkas lain").click()
    page.get_by_label("Berkas organisasi").set_input_files(str(fixed_file))
    page.get_by_role("button", name="Periksa dan pratinjau").click()
    page.get_by_role("heading", name="Pratinjau perubahan").wait_for()
    employees = page.locator('#import-counts tr[data-sheet="employees"] td').all_inner_texts()
    assert employees == ["0", "0", "1", "1", "58"]  # new, changed, moved, deactivated, unchanged
    units = page.locator('#import-counts tr[data-sheet="units"] td').all_inner_texts()
    assert units[0] == "1"
    moved = page.locator('table[data-sheet="employees"] tr', has_text=mover[0])
    assert f"{MALANG} → {MALANG}-SEKSI-1" in moved.inner_text()
    assert "pindah" in moved.inner_text()
    assert page.locator('table[data-sheet="units"]').get_by_text("Seksi Pelayanan").is_visible()

    page.get_by_role("button", name="Terapkan perubahan").click()
    page.get_by_text("Impor organisasi diterapkan.").wait_for()
    assert page.get_by_role("heading", name="Diterapkan").is_visible()
    job = OrganisationImport.objects.latest("pk")
    assert job.state == "applied" and job.file_name == "ekspor-april-perbaikan.xlsx"
    assert Employee.objects.get(nip=mover[0]).unit.code == f"{MALANG}-SEKSI-1"
    assert page.kinerja_errors == []
