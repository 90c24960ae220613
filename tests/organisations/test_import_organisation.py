"""`kinerja import-organisation`: the organisation file synced to the database (interchange.md)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.cli import main
from kinerja.organisations.importing import import_organisation
from kinerja.organisations.models import Assignment, AssignmentKind, Employee, Position, Unit
from tests.interchange.test_organisation_file import (
    EMPLOYEE_HEADER,
    UNIT_HEADER,
    Tables,
    cell,
    nip,
    org_tables,
    write_folder,
    write_workbook,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)
WRITES = ("INSERT", "UPDATE", "DELETE")


def run(path: Path, *args: str) -> tuple[dict[str, Any], str]:
    """`import-organisation PATH --format json ARGS` through call_command: the JSON and standard error."""
    out, err = StringIO(), StringIO()
    call_command(
        "import_organisation",
        str(path),
        "--format",
        "json",
        "--date",
        DAY.isoformat(),
        *args,
        stdout=out,
        stderr=err,
    )
    return json.loads(out.getvalue()), err.getvalue()


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.fixture
def tables() -> Tables:
    return org_tables()


@pytest.fixture
def loaded(tmp_path: Path, tables: Tables) -> Path:
    folder = write_folder(tmp_path / "org", tables)
    result, _ = run(folder, "--apply")
    assert result["errors"] == []
    return folder


# ---------------------------------------------------------------- the first import


def test_a_dry_run_counts_and_writes_nothing(tmp_path: Path, tables: Tables) -> None:
    folder = write_folder(tmp_path / "org", tables)
    units = len(tables["unit"][1])
    result, err = run(folder)
    assert result == {
        "applied": False,
        "units": {"new": units, "changed": 0, "closed": 0, "unchanged": 0},
        "positions": {"new": 2 * units, "changed": 0, "closed": 0, "unchanged": 0},
        "employees": {"new": 3 * units, "changed": 0, "moved": 0, "deactivated": 0, "unchanged": 0},
        "errors": [],
    }
    assert err == ""
    assert not Unit.objects.exists() and not Employee.objects.exists()


def test_the_first_import_builds_the_tree_the_positions_and_the_people(loaded: Path, tables: Tables) -> None:
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    assert Unit.objects.count() == len(tables["unit"][1])
    ministry = Unit.objects.get(code="KEMENKEU")
    assert ministry.depth == 1 and ministry.numchild == 11
    kpp = Unit.objects.get(code="DJP-KPP-MADYA-MALANG")
    assert [u.code for u in Unit.objects.get_ancestors(kpp)] == ["KEMENKEU", "DJP", "DJP-KANWIL-JATIM3"]
    assert (kpp.level, kpp.kind, kpp.owns_map, kpp.name_en) == (
        "three",
        "kpp",
        True,
        "Malang Medium Tax Office",
    )
    # siblings in code order, as treebeard keeps them
    assert [u.code for u in Unit.objects.get_children(ministry)] == sorted(
        u.code for u in Unit.objects.get_children(ministry)
    )

    head = Position.objects.get(code="DJP-KPP-MADYA-MALANG-KEPALA")
    assert (head.is_head, head.type, head.echelon, head.job_grade) == (True, "structural", 3, 20)
    assert head.superior.code == "DJP-KANWIL-JATIM3-KEPALA"
    officer = Position.objects.get(code="DJP-KPP-MADYA-MALANG-PELAKSANA")
    assert (officer.echelon, officer.superior) == (None, head)

    # superiors derived: the head of one's unit, or of the unit above for a head
    boss = Employee.objects.get(position=head)
    staff = Employee.objects.filter(position=officer)
    assert {e.superior for e in staff} == {boss}
    assert boss.superior == Employee.objects.get(position__code="DJP-KANWIL-JATIM3-KEPALA")
    assert Employee.objects.get(position__code="KEMENKEU-KEPALA").superior is None
    assignment = boss.assignments.get()
    assert (assignment.unit, assignment.position, assignment.kind, assignment.start, assignment.end) == (
        kpp,
        head,
        AssignmentKind.DEFINITIVE,
        dt.date(2024, 1, 2),
        None,
    )
    # every row in the history, by the system
    assert Employee.history.filter(history_type="+").count() == Employee.objects.count()
    assert Unit.history.filter(history_type="+", history_user__isnull=True).count() == Unit.objects.count()


def test_a_workbook_imports_like_the_folder(tmp_path: Path, tables: Tables) -> None:
    result, _ = run(write_workbook(tmp_path / "org.xlsx", tables), "--apply")
    assert result["applied"] is True and result["employees"]["new"] == len(tables["pegawai"][1])
    assert Employee.objects.filter(is_active=True).count() == len(tables["pegawai"][1])


# ---------------------------------------------------------------- a sync


def test_the_same_file_twice_changes_nothing_and_writes_nothing(loaded: Path, tables: Tables) -> None:
    with CaptureQueriesContext(connection) as queries:
        result, _ = run(loaded, "--apply")
    units = len(tables["unit"][1])
    assert result["units"] == {"new": 0, "changed": 0, "closed": 0, "unchanged": units}
    assert result["positions"] == {"new": 0, "changed": 0, "closed": 0, "unchanged": 2 * units}
    assert result["employees"] == {
        "new": 0,
        "changed": 0,
        "moved": 0,
        "deactivated": 0,
        "unchanged": 3 * units,
    }
    assert writes(queries) == []
    assert len(queries.captured_queries) <= 6


def test_the_table_says_nothing_changed(loaded: Path) -> None:
    out = StringIO()
    call_command("import_organisation", str(loaded), "--apply", stdout=out)
    assert "Nothing to change: the database already matches the file." in out.getvalue()
    out = StringIO()
    call_command("import_organisation", str(loaded), "--lang", "id", stdout=out)
    assert "Tidak ada perubahan" in out.getvalue() and "uji coba" in out.getvalue()


def test_a_move_is_in_the_assignment_history(tmp_path: Path, loaded: Path, tables: Tables) -> None:
    row, column = cell(tables, "pegawai", tables["pegawai"][1][4][0], "kode_jabatan")
    moving = Employee.objects.get(nip=row[0])
    old_position = row[column]
    row[column] = "DJBC-PELAKSANA"
    row[EMPLOYEE_HEADER.index("tmt")] = "2026-04-01"
    row[EMPLOYEE_HEADER.index("status_jabatan")] = "plt"
    result, _ = run(write_folder(tmp_path / "next", tables), "--apply", "--partial")
    assert result["employees"]["moved"] == 1 and result["employees"]["changed"] == 0
    moving.refresh_from_db()
    assert (moving.unit.code, moving.position.code) == ("DJBC", "DJBC-PELAKSANA")
    assert moving.superior == Employee.objects.get(position__code="DJBC-KEPALA")
    before, after = moving.assignments.order_by("start")
    assert (before.position.code, before.start, before.end) == (
        old_position,
        dt.date(2024, 1, 2),
        dt.date(2026, 3, 31),
    )
    assert (after.position.code, after.start, after.end, after.kind) == (
        "DJBC-PELAKSANA",
        dt.date(2026, 4, 1),
        None,
        AssignmentKind.ACTING,
    )
    latest = moving.history.first()
    assert latest.history_change_reason == "Pindah ke DJBC" and latest.unit_id == moving.unit_id
    assert moving.history.count() == 2


def test_a_reimport_applies_only_the_differences(tmp_path: Path, loaded: Path, tables: Tables) -> None:
    tables["unit"][1][2][UNIT_HEADER.index("nama_en")] = "Inspectorate-General"
    tables["pegawai"][1][7][EMPLOYEE_HEADER.index("email")] = "baru@kemenkeu.example"
    new_nip = nip(900)
    tables["pegawai"][1].append([new_nip, "Dewi Lestari", "", "DJP-PELAKSANA", "", "", "", ""])
    with CaptureQueriesContext(connection) as queries:
        result, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert result["units"]["changed"] == 1 and result["units"]["unchanged"] == len(tables["unit"][1]) - 1
    assert result["employees"]["new"] == 1 and result["employees"]["changed"] == 1
    assert Employee.objects.get(nip=new_nip).assignments.get().start == DAY  # no tmt: the import date
    assert Unit.objects.get(code="ITJEN").name_en == "Inspectorate-General"
    assert len(writes(queries)) <= 12


def test_queries_do_not_grow_with_the_rows(tmp_path: Path, tables: Tables) -> None:
    counts = []
    for size in (1, 3):
        grown: Tables = {k: (h, [list(r) for r in rows]) for k, (h, rows) in tables.items()}
        n = 1000 * size
        for unit in [r[0] for r in tables["unit"][1]]:
            for _ in range(10 * size):
                n += 1
                grown["pegawai"][1].append([nip(n), f"Pegawai {n}", "", f"{unit}-PELAKSANA", "", "", "", ""])
        Employee.history.all().delete()
        Assignment.objects.all().delete()
        Employee.objects.all().delete()
        Position.objects.all().delete()
        Unit.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            run(write_folder(tmp_path / f"size{size}", grown), "--apply")
        # the accounts the import makes for the new employees are tests/accounts/test_account_sync.py's
        import_queries = [q for q in queries.captured_queries if '"accounts_' not in q["sql"]]
        counts.append((len(import_queries), len(grown["pegawai"][1])))
    (few, rows), (more, more_rows) = counts
    assert more_rows - rows > 100
    # only more batches of inserts (SQLite binds a limited number of values a statement): no query per row
    assert more - few <= (more_rows - rows) / 25


def test_a_unit_moves_under_another_parent(tmp_path: Path, loaded: Path, tables: Tables) -> None:
    row, column = cell(tables, "unit", "DJP-KPP-MADYA-MALANG", "kode_induk")
    row[column] = "DJBC-KANWIL-JATIM1"
    result, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert result["units"]["changed"] == 1
    kpp = Unit.objects.get(code="DJP-KPP-MADYA-MALANG")
    assert Unit.objects.get_parent(kpp).code == "DJBC-KANWIL-JATIM1"
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    head = Employee.objects.get(position__code="DJP-KPP-MADYA-MALANG-KEPALA")
    assert head.superior.position.code == "DJBC-KANWIL-JATIM1-KEPALA"
    assert (
        Position.objects.get(code="DJP-KPP-MADYA-MALANG-KEPALA").superior.code == "DJBC-KANWIL-JATIM1-KEPALA"
    )
    assert (
        "dipindahkan dari DJP-KANWIL-JATIM3 ke DJBC-KANWIL-JATIM1"
        in kpp.history.first().history_change_reason
    )


def test_new_units_among_existing_siblings_keep_the_tree_sorted(
    tmp_path: Path, loaded: Path, tables: Tables
) -> None:
    tables["unit"][1].extend(
        [
            ["AAA-BIRO", "KEMENKEU", "one", "", "", "Biro A", "", ""],
            ["ZZZ-BADAN", "KEMENKEU", "one", "", "tidak", "Badan Z", "", ""],
            ["ZZZ-DIREKTORAT", "ZZZ-BADAN", "two", "direktorat", "", "Direktorat Z", "", ""],
        ]
    )
    result, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert result["units"]["new"] == 3
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    ministry = Unit.objects.get(code="KEMENKEU")
    children = [u.code for u in Unit.objects.get_children(ministry)]
    assert children == sorted(children) and children[0] == "AAA-BIRO" and children[-1] == "ZZZ-BADAN"
    assert ministry.numchild == 13
    z = Unit.objects.get(code="ZZZ-DIREKTORAT")
    assert (Unit.objects.get_parent(z).code, z.kind, z.owns_map) == (
        "ZZZ-BADAN",
        "directorate",
        True,
    )  # default by level
    assert Unit.objects.get(code="ZZZ-BADAN").owns_map is False  # as the file says


# ---------------------------------------------------------------- closing and departing


def test_a_unit_missing_from_the_file_is_closed_and_kept(
    tmp_path: Path, loaded: Path, tables: Tables
) -> None:
    gone = "DJKN-KPKNL-MALANG"
    tables["unit"] = (tables["unit"][0], [r for r in tables["unit"][1] if r[0] != gone])
    tables["jabatan"] = (tables["jabatan"][0], [r for r in tables["jabatan"][1] if r[1] != gone])
    leaving = [r[0] for r in tables["pegawai"][1] if r[3].startswith(gone)]
    tables["pegawai"] = (tables["pegawai"][0], [r for r in tables["pegawai"][1] if r[0] not in leaving])
    result, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert (result["units"]["closed"], result["positions"]["closed"], result["employees"]["deactivated"]) == (
        1,
        2,
        3,
    )
    unit = Unit.objects.get(code=gone)
    assert (unit.is_active, unit.valid_to) == (False, DAY - dt.timedelta(days=1))
    assert not Position.objects.filter(unit=unit, is_active=True).exists()
    people = Employee.objects.filter(nip__in=leaving)
    assert people.count() == 3 and not people.filter(is_active=True).exists()
    # the past stays readable: the unit's assignments, its people's positions and the unit's history
    assert {a.end for a in Assignment.objects.filter(unit=unit)} == {DAY - dt.timedelta(days=1)}
    assert {e.unit for e in people} == {unit}
    assert unit.history.first().is_active is False and unit.history.last().is_active is True
    # and a second run leaves them closed: nothing to change
    again, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert again["units"]["closed"] == 0 and again["employees"]["deactivated"] == 0


def test_a_departed_employee_and_a_closed_unit_by_the_file(
    tmp_path: Path, loaded: Path, tables: Tables
) -> None:
    leaving = tables["pegawai"][1][5]
    leaving[EMPLOYEE_HEADER.index("aktif")] = "tidak"
    leaving[EMPLOYEE_HEADER.index("tmt")] = "2026-02-15"
    result, _ = run(write_folder(tmp_path / "next", tables), "--apply")
    assert result["employees"]["deactivated"] == 1
    employee = Employee.objects.get(nip=leaving[0])
    assert employee.is_active is False and employee.assignments.get().end == dt.date(2026, 2, 14)
    # coming back: a new assignment from the import date
    leaving[EMPLOYEE_HEADER.index("aktif")] = "ya"
    leaving[EMPLOYEE_HEADER.index("tmt")] = ""
    result, _ = run(write_folder(tmp_path / "back", tables), "--apply")
    assert result["employees"]["changed"] == 1
    employee.refresh_from_db()
    assert employee.is_active and employee.assignments.order_by("start").last().start == DAY


def test_partial_touches_only_the_rows_given(tmp_path: Path, loaded: Path, tables: Tables) -> None:
    partial: Tables = {
        "unit": (
            UNIT_HEADER,
            [["DJP-KPP-BATU", "DJP-KANWIL-JATIM3", "three", "kpp", "", "KPP Pratama Batu", "", ""]],
        ),
        "jabatan": (
            ["kode_jabatan", "kode_unit", "nama", "jenis", "kepala_unit"],
            [["DJP-KPP-BATU-KEPALA", "DJP-KPP-BATU", "Kepala KPP Pratama Batu", "struktural", "ya"]],
        ),
        "pegawai": (["nip", "nama", "kode_jabatan"], [[nip(700), "Bambang Sutrisno", "DJP-KPP-BATU-KEPALA"]]),
    }
    folder = write_folder(tmp_path / "partial", partial)
    result, _ = run(folder, "--apply", "--partial")
    assert result["units"] == {"new": 1, "changed": 0, "closed": 0, "unchanged": 0}
    assert result["employees"] == {"new": 1, "changed": 0, "moved": 0, "deactivated": 0, "unchanged": 0}
    assert Employee.objects.filter(is_active=False).count() == 0
    assert Unit.objects.filter(is_active=False).count() == 0
    batu = Unit.objects.get(code="DJP-KPP-BATU")
    assert batu.owns_map is True  # a KPP at Kemenkeu-Three owns its map by default
    assert Employee.objects.get(nip=nip(700)).superior.position.code == "DJP-KANWIL-JATIM3-KEPALA"
    # without --partial the rows are the whole organisation: their parent is unknown then
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_organisation", str(folder), "--format", "json", stdout=out)
    assert [e["message"] for e in json.loads(out.getvalue())["errors"]] == [
        "unknown parent unit DJP-KANWIL-JATIM3"
    ]


def test_the_user_of_by_is_in_the_history(
    tmp_path: Path, loaded: Path, tables: Tables, make_user: Any
) -> None:
    user = make_user(username="admin.sdm")
    tables["unit"][1][1][UNIT_HEADER.index("nama")] = "Sekretariat Jenderal Kementerian Keuangan"
    run(write_folder(tmp_path / "next", tables), "--apply", "--by", "admin.sdm")
    record = Unit.objects.get(code="SETJEN").history.first()
    assert record.history_user == user and record.history_type == "~"
    with pytest.raises(CommandError):
        run(loaded, "--by", "nobody")


# ---------------------------------------------------------------- errors and the exit status


def test_errors_write_nothing_and_exit_2(tmp_path: Path, loaded: Path, tables: Tables) -> None:
    tables["unit"][1][1][UNIT_HEADER.index("nama")] = "Setjen Baru"
    row, column = cell(tables, "pegawai", tables["pegawai"][1][4][0], "kode_jabatan")
    row[column] = "DJBC-PELAKSANA"
    row[EMPLOYEE_HEADER.index("tmt")] = "2023-01-01"  # before the current assignment began (2024-01-02)
    tables["pegawai"][1][6][EMPLOYEE_HEADER.index("nip_atasan")] = nip(9999)
    folder = write_folder(tmp_path / "bad", tables)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as caught:
        call_command(
            "import_organisation", str(folder), "--apply", "--format", "json", stdout=out, stderr=err
        )
    assert caught.value.returncode == 2
    result = json.loads(out.getvalue())
    assert result["applied"] is False
    assert [(e["file"], e["sheet"], e["row"], e["column"]) for e in result["errors"]] == [
        ("pegawai.csv", "pegawai", 6, "tmt"),
        ("pegawai.csv", "pegawai", 8, "nip_atasan"),
    ]
    assert Unit.objects.get(code="SETJEN").name_id == "Sekretariat Jenderal"
    # the table format: the counts on standard output, one error a line on standard error
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("import_organisation", str(folder), stdout=out, stderr=err)
    lines = err.getvalue().strip().splitlines()
    assert lines == [
        "pegawai.csv, sheet pegawai, row 6, column tmt: the move to position DJBC-PELAKSANA begins on "
        "2023-01-01, before the current assignment began (2024-01-02)",
        f"pegawai.csv, sheet pegawai, row 8, column nip_atasan: unknown superior NIP {nip(9999)}",
    ]


# The console script runs the command as `manage.py` does, which closes the database connection at the end: on
# PostgreSQL that breaks a test wrapped in a transaction, so this one commits for real (and is flushed after).
@pytest.mark.django_db(transaction=True)
def test_the_console_script(tmp_path: Path, tables: Tables, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_folder(tmp_path / "org", tables)
    assert main(["kinerja", "import-organisation", str(folder), "--format", "json", "--apply"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert list(result) == ["applied", "units", "positions", "employees", "errors"]
    assert list(result["employees"]) == ["new", "changed", "moved", "deactivated", "unchanged"]
    assert list(result["units"]) == list(result["positions"]) == ["new", "changed", "closed", "unchanged"]
    tables["pegawai"][1][0][0] = "1980"
    bad = write_folder(tmp_path / "bad", tables)
    with pytest.raises(SystemExit) as caught:
        main(["kinerja", "import-organisation", str(bad), "--format", "json"])
    assert caught.value.code == 2
    result = json.loads(capsys.readouterr().out)
    assert result["errors"] == [
        {
            "file": "pegawai.csv",
            "sheet": "pegawai",
            "row": 2,
            "column": "nip",
            "message": "NIP 1980 is not 18 digits",
        }
    ]


def test_import_organisation_as_a_function(tmp_path: Path, tables: Tables) -> None:
    folder = write_folder(tmp_path / "org", tables)
    dry = import_organisation(folder, today=DAY)
    assert not dry.applied and dry.changes == 3 * len(tables["unit"][1]) + 3 * len(tables["unit"][1])
    assert not Unit.objects.exists()
    done = import_organisation(folder, apply=True, today=DAY)
    assert done.applied and done.to_dict()["units"]["new"] == len(tables["unit"][1])
