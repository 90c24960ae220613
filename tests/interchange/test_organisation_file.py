"""The organisation file (interchange.md, "The organisation file"): reading and every rule, no database.

`org_tables()` builds a realistic file from the ministry's unit list
(`shared/data/kemenkeu-units.csv`): every unit with a head and an executor
position, a head and two executors in each; the database tests
(`tests/organisations/test_import_organisation.py`) use it too.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.nip import nip_error
from kinerja.interchange.organisation import (
    Existing,
    KnownEmployee,
    KnownPosition,
    KnownUnit,
    Target,
    check_organisation,
    problem_dict,
    read_organisation,
)
from kinerja.interchange.sources import write_xlsx_sheets

UNITS_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "kemenkeu-units.csv"
UNIT_HEADER = ["kode_unit", "kode_induk", "level", "jenis", "punya_peta", "nama", "nama_en", "aktif"]
POSITION_HEADER = ["kode_jabatan", "kode_unit", "nama", "nama_en", "jenis", "kelas_jabatan", "kepala_unit"]
EMPLOYEE_HEADER = ["nip", "nama", "email", "kode_jabatan", "status_jabatan", "tmt", "nip_atasan", "aktif"]
Tables = dict[str, tuple[list[str], list[list[str]]]]


def nip(n: int, sex: str = "1") -> str:
    """A valid NIP, unique for each `n`."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=n * 3)
    return f"{born:%Y%m%d}{born.year + 24}{born.month:02d}{sex}{n % 999 + 1:03d}"


def unit_list() -> list[dict[str, str]]:
    if not UNITS_CSV.is_file():
        pytest.skip(f"the shared unit list is absent: {UNITS_CSV}")
    with UNITS_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def org_tables() -> Tables:
    """The ministry's units with, in each, a head and an executor position, a head and two executors."""
    units, positions, employees = [], [], []
    n = 0
    for unit in unit_list():
        code = unit["code"]
        units.append(
            [
                code,
                unit["parent_code"],
                f"Kemenkeu-{unit['level'].title()}",
                unit["kind"],
                "ya" if unit["owns_map"] == "yes" else "tidak",
                unit["name_id"],
                unit["name_en"],
                "ya",
            ]
        )
        positions.append(
            [
                f"{code}-KEPALA",
                code,
                f"Kepala {unit['name_id']}",
                f"Head, {unit['name_en']}",
                "struktural",
                "20",
                "ya",
            ]
        )
        positions.append(
            [
                f"{code}-PELAKSANA",
                code,
                f"Pelaksana {unit['name_id']}",
                f"Officer, {unit['name_en']}",
                "pelaksana",
                "7",
                "",
            ]
        )
        n += 1
        employees.append(
            [
                nip(n),
                f"Kepala {code}",
                f"kepala{n}@kemenkeu.example",
                f"{code}-KEPALA",
                "definitif",
                "2024-01-02",
                "",
                "ya",
            ]
        )
        for _ in range(2):
            n += 1
            employees.append(
                [
                    nip(n, "2"),
                    f"Pegawai {n}",
                    f"pegawai{n}@kemenkeu.example",
                    f"{code}-PELAKSANA",
                    "",
                    "2024-01-02",
                    "",
                    "ya",
                ]
            )
    return {
        "unit": (UNIT_HEADER, units),
        "jabatan": (POSITION_HEADER, positions),
        "pegawai": (EMPLOYEE_HEADER, employees),
    }


def write_folder(folder: Path, tables: Tables) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, (header, rows) in tables.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return folder


def write_workbook(path: Path, tables: Tables) -> Path:
    write_xlsx_sheets(path, [(sheet, header, rows) for sheet, (header, rows) in tables.items()])
    return path


def cell(tables: Tables, sheet: str, key: str, column: str) -> tuple[list[str], int]:
    """The row (a list to change in place) whose first cell is `key`, and the index of `column`."""
    header, rows = tables[sheet]
    return next(r for r in rows if r[0] == key), header.index(column)


def row_number(tables: Tables, sheet: str, key: str) -> int:
    """The spreadsheet row number of the row whose first cell is `key` (the header is row 1)."""
    return [r[0] for r in tables[sheet][1]].index(key) + 2


def errors(folder: Path, existing: Existing | None = None, partial: bool = False) -> list[dict[str, Any]]:
    book = read_organisation(folder)
    return [
        problem_dict(p)
        for p in check_organisation(book, existing, partial=partial, today=dt.date(2026, 6, 1))
    ]


def only(found: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def tables() -> Tables:
    return org_tables()


# ---------------------------------------------------------------- reading


def test_a_valid_folder_reads_with_no_problem(tmp_path: Path, tables: Tables) -> None:
    book = read_organisation(write_folder(tmp_path / "org", tables))
    assert check_organisation(book) == []
    assert len(book.units) == len(unit_list()) and len(book.positions) == 2 * len(book.units)
    root = book.units[0]
    assert (root.code, root.parent_code, root.level, root.kind, root.owns_map) == (
        "KEMENKEU",
        None,
        "wide",
        "ministry",
        True,
    )
    head = book.positions[0]
    assert (head.kind, head.grade, head.heads_unit) == ("structural", 20, True)
    first = book.employees[0]
    assert (first.assignment, first.since, first.active) == ("definitive", dt.date(2024, 1, 2), True)


def test_a_workbook_reads_the_same_as_the_folder(tmp_path: Path, tables: Tables) -> None:
    from_folder = read_organisation(write_folder(tmp_path / "org", tables))
    from_book = read_organisation(write_workbook(tmp_path / "org.xlsx", tables))
    assert from_book.units == from_folder.units
    assert from_book.positions == from_folder.positions
    assert from_book.employees == from_folder.employees


def test_columns_are_case_insensitive_with_english_names_and_levels(tmp_path: Path) -> None:
    tables: Tables = {
        "unit": (
            ["CODE", "Parent Code", "Level", "Name_ID", "owns_map"],
            [["K", "", "wide", "Kementerian", ""]],
        ),
        "jabatan": (
            ["code", "unit_code", "name_id", "kind", "heads_unit"],
            [["K-1", "K", "Menteri", "structural", "yes"]],
        ),
        "pegawai": (
            ["NIP", "Name", "Position_Code", "Assignment", "Since"],
            [[nip(1), "Sri", "K-1", "Plt", "01-03-2026"]],
        ),
    }
    book = read_organisation(write_folder(tmp_path / "org", tables))
    assert check_organisation(book) == []
    assert book.units[0].owns_map is None  # blank: the default by level applies on import
    assert (book.employees[0].assignment, book.employees[0].since) == ("acting", dt.date(2026, 3, 1))


def test_a_missing_sheet_and_a_missing_column_are_reported(tmp_path: Path, tables: Tables) -> None:
    folder = write_folder(tmp_path / "org", tables)
    (folder / "jabatan.csv").unlink()
    with pytest.raises(InvalidFileError) as caught:
        read_organisation(folder)
    assert [(p.key, p.sheet) for p in caught.value.problems] == [("missing_file", "jabatan")]

    tables["unit"] = (["kode_unit", "kode_induk", "nama"], [["K", "", "Kementerian"]])
    book = write_workbook(tmp_path / "org.xlsx", tables)
    with pytest.raises(InvalidFileError) as caught:
        read_organisation(book)
    [problem] = caught.value.problems
    assert (problem.source, problem.sheet, problem.row, problem.key) == (
        "org.xlsx",
        "unit",
        1,
        "missing_column",
    )
    assert "level" in problem.message()


def test_a_single_csv_file_is_not_an_organisation_file(tmp_path: Path) -> None:
    path = tmp_path / "unit.csv"
    path.write_text("code\nK\n", encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        read_organisation(path)
    assert caught.value.problems[0].key == "not_an_organisation"


# ---------------------------------------------------------------- every error, with its place


def test_a_duplicate_unit_code(tmp_path: Path, tables: Tables) -> None:
    tables["unit"][1].append(list(tables["unit"][1][3]))
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert found == {
        "file": "unit.csv",
        "sheet": "unit",
        "row": len(tables["unit"][1]) + 1,
        "column": "kode_unit",
        "message": f"code {tables['unit'][1][3][0]} appears twice (also row 5)",
    }


def test_a_duplicate_position_code_and_a_duplicate_nip(tmp_path: Path, tables: Tables) -> None:
    tables["jabatan"][1].append(list(tables["jabatan"][1][5]))
    tables["jabatan"][1][-1][-1] = ""
    copy = list(tables["pegawai"][1][4])
    tables["pegawai"][1].append(copy)
    found = errors(write_folder(tmp_path / "org", tables))
    assert [(f["sheet"], f["row"], f["column"]) for f in found] == [
        ("jabatan", len(tables["jabatan"][1]) + 1, "kode_jabatan"),
        ("pegawai", len(tables["pegawai"][1]) + 1, "nip"),
    ]
    assert found[1]["message"] == f"NIP {copy[0]} appears twice (also row 6)"


def test_an_unknown_parent(tmp_path: Path, tables: Tables) -> None:
    row, column = cell(tables, "unit", "DJP-KANWIL-JATIM3", "kode_induk")
    row[column] = "DJP-X"
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["sheet"], found["row"], found["column"]) == (
        "unit",
        row_number(tables, "unit", "DJP-KANWIL-JATIM3"),
        "kode_induk",
    )
    assert found["message"] == "unknown parent unit DJP-X"


def test_a_cycle_of_parents(tmp_path: Path, tables: Tables) -> None:
    for code, parent in (("DJP-KANWIL-JATIM3", "DJP-KPP-MADYA-MALANG"),):
        row, column = cell(tables, "unit", code, "kode_induk")
        row[column] = parent
    found = errors(write_folder(tmp_path / "org", tables))
    cycles = [f for f in found if "cycle" in f["message"]]
    assert [(f["row"], f["column"]) for f in cycles] == [
        (row_number(tables, "unit", "DJP-KANWIL-JATIM3"), "kode_induk"),
        (row_number(tables, "unit", "DJP-KPP-MADYA-MALANG"), "kode_induk"),
    ]
    assert "DJP-KANWIL-JATIM3 → DJP-KPP-MADYA-MALANG → DJP-KANWIL-JATIM3" in cycles[0]["message"]


def test_a_level_not_below_its_parents(tmp_path: Path, tables: Tables) -> None:
    row, column = cell(tables, "unit", "DJP-KPP-MADYA-MALANG", "level")
    row[column] = "two"
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["row"], found["column"]) == (row_number(tables, "unit", "DJP-KPP-MADYA-MALANG"), "level")
    assert found["message"] == (
        "level Kemenkeu-Two is not below the level of parent unit DJP-KANWIL-JATIM3 (Kemenkeu-Two)"
    )


def test_a_map_owner_below_kemenkeu_three(tmp_path: Path, tables: Tables) -> None:
    tables["unit"][1].append(
        ["SEKSI-1", "DJP-KPP-MADYA-MALANG", "four", "seksi", "ya", "Seksi Pelayanan", "", ""]
    )
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["row"], found["column"]) == (len(tables["unit"][1]) + 1, "punya_peta")


@pytest.mark.parametrize(
    ("bad", "key"),
    [
        ("19800101200501100", "nip_length"),
        ("1980010120050110x1", "nip_length"),
        ("198002302005011001", "nip_birth_date"),
        ("198001012005131001", "nip_appointment"),
        ("198001011990011001", "nip_too_young"),
        ("198001012005013001", "nip_sex"),
        ("198001012005011000", "nip_sequence"),
    ],
)
def test_an_invalid_nip(tmp_path: Path, tables: Tables, bad: str, key: str) -> None:
    assert nip_error(bad) == key
    tables["pegawai"][1][3][0] = bad
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["sheet"], found["row"], found["column"]) == ("pegawai", 5, "nip")
    assert found["message"].startswith(f"NIP {bad}")


def test_the_nip_rule_is_the_applications_too() -> None:
    assert nip_error("198001012005011001") is None
    assert nip_error("199512312010121002") is None  # appointed at exactly 15 years after the birth year
    assert nip_error("199512312009121002") == "nip_too_young"


def test_two_heads_of_one_unit(tmp_path: Path, tables: Tables) -> None:
    row, column = cell(tables, "jabatan", "DJP-PELAKSANA", "kepala_unit")
    row[column] = "ya"
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["sheet"], found["row"], found["column"]) == (
        "jabatan",
        row_number(tables, "jabatan", "DJP-PELAKSANA"),
        "kepala_unit",
    )
    assert found["message"] == "unit DJP has two heads: position DJP-KEPALA is its head too"


def test_two_employees_heading_one_unit(tmp_path: Path, tables: Tables) -> None:
    employees = tables["pegawai"][1]
    position = EMPLOYEE_HEADER.index("kode_jabatan")
    second = next(r for r in employees if r[position] == "DJP-PELAKSANA")
    second[position] = "DJP-KEPALA"
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["sheet"], found["row"], found["column"]) == (
        "pegawai",
        employees.index(second) + 2,
        "kode_jabatan",
    )
    assert "unit DJP has two heads" in found["message"]


def test_an_unknown_superior_and_ones_own_superior(tmp_path: Path, tables: Tables) -> None:
    employees = tables["pegawai"][1]
    superior = EMPLOYEE_HEADER.index("nip_atasan")
    employees[4][superior] = nip(9000)
    employees[5][superior] = employees[5][0]
    found = errors(write_folder(tmp_path / "org", tables))
    assert [(f["row"], f["column"], f["message"]) for f in found] == [
        (6, "nip_atasan", f"unknown superior NIP {nip(9000)}"),
        (7, "nip_atasan", "an employee cannot be their own superior"),
    ]


def test_superiors_in_a_cycle(tmp_path: Path, tables: Tables) -> None:
    employees = tables["pegawai"][1]
    superior = EMPLOYEE_HEADER.index("nip_atasan")
    # the head of KEMENKEU reports to an executor of KEMENKEU, whose superior is the head (derived)
    employees[0][superior] = employees[1][0]
    found = only(errors(write_folder(tmp_path / "org", tables)))
    assert (found["row"], found["column"]) == (2, "nip_atasan")
    assert "cycle" in found["message"]


def test_an_unknown_position_and_an_unknown_unit(tmp_path: Path, tables: Tables) -> None:
    tables["pegawai"][1][2][EMPLOYEE_HEADER.index("kode_jabatan")] = "NOPE"
    tables["jabatan"][1][2][POSITION_HEADER.index("kode_unit")] = "NOWHERE"
    found = errors(write_folder(tmp_path / "org", tables))
    assert [(f["sheet"], f["row"], f["column"], f["message"]) for f in found] == [
        ("jabatan", 4, "kode_unit", "unknown unit NOWHERE"),
        ("pegawai", 4, "kode_jabatan", "unknown position NOPE"),
    ]


def test_missing_required_values(tmp_path: Path, tables: Tables) -> None:
    tables["unit"][1][1][UNIT_HEADER.index("nama")] = ""
    tables["unit"][1][2][UNIT_HEADER.index("kode_induk")] = ""
    tables["jabatan"][1][1][POSITION_HEADER.index("jenis")] = " "
    tables["pegawai"][1][1][EMPLOYEE_HEADER.index("kode_jabatan")] = ""
    found = errors(write_folder(tmp_path / "org", tables))
    assert [(f["sheet"], f["row"], f["column"], f["message"]) for f in found] == [
        ("unit", 3, "nama", "is required"),
        ("unit", 4, "kode_induk", "is required"),
        ("jabatan", 3, "jenis", "is required"),
        ("pegawai", 3, "kode_jabatan", "is required"),
    ]


def test_bad_cells(tmp_path: Path, tables: Tables) -> None:
    tables["unit"][1][1][UNIT_HEADER.index("level")] = "Kemenkeu-Six"
    tables["jabatan"][1][1][POSITION_HEADER.index("kelas_jabatan")] = "28"
    tables["pegawai"][1][1][EMPLOYEE_HEADER.index("tmt")] = "2026-02-30"
    tables["pegawai"][1][2][EMPLOYEE_HEADER.index("status_jabatan")] = "sementara"
    found = errors(write_folder(tmp_path / "org", tables))
    assert [(f["sheet"], f["row"], f["column"]) for f in found] == [
        ("unit", 3, "level"),
        ("jabatan", 3, "kelas_jabatan"),
        ("pegawai", 3, "tmt"),
        ("pegawai", 4, "status_jabatan"),
    ]
    assert found[2]["message"] == '"2026-02-30" is not a date (such as 2026-03-01)'


def test_every_error_at_once_in_both_languages(tmp_path: Path, tables: Tables) -> None:
    row, column = cell(tables, "unit", "DJP-KANWIL-JATIM3", "kode_induk")
    row[column] = "DJP-X"
    tables["pegawai"][1][3][0] = "123"
    tables["pegawai"][1][4][EMPLOYEE_HEADER.index("nip_atasan")] = nip(9000)
    book = read_organisation(write_folder(tmp_path / "org", tables))
    problems = check_organisation(book)
    assert [p.sheet for p in problems] == ["unit", "pegawai", "pegawai"]
    assert [p.message("id") for p in problems] == [
        "unit induk DJP-X tidak dikenal",
        "NIP 123 tidak terdiri dari 18 angka",
        f"NIP atasan {nip(9000)} tidak dikenal",
    ]
    row = row_number(tables, "unit", "DJP-KANWIL-JATIM3")
    assert (
        problems[0].text() == f"unit.csv, sheet unit, row {row}, column kode_induk: unknown parent unit DJP-X"
    )


def test_a_closed_parent_keeps_no_open_unit_nor_active_employee(tmp_path: Path, tables: Tables) -> None:
    row, column = cell(tables, "unit", "DJP-KANWIL-JATIM3", "aktif")
    row[column] = "tidak"
    found = errors(write_folder(tmp_path / "org", tables))
    assert {(f["sheet"], f["column"]) for f in found} == {("unit", "kode_induk"), ("pegawai", "kode_jabatan")}
    assert "parent unit DJP-KANWIL-JATIM3 is closed" in [f["message"] for f in found]


# ---------------------------------------------------------------- against the database


def existing_of(tables: Tables) -> Existing:
    """The file's organisation as if it were already in the database."""
    known = Existing()
    for code, parent, level, *_ in tables["unit"][1]:
        known.units[code] = KnownUnit(parent or None, level.split("-")[-1].lower(), True)
    for code, unit, *_rest in tables["jabatan"][1]:
        known.positions[code] = KnownPosition(unit, code.endswith("KEPALA"), True)
    for row in tables["pegawai"][1]:
        unit = row[3].rsplit("-", 1)[0]
        known.employees[row[0]] = KnownEmployee(True, unit, row[3], None, dt.date(2024, 1, 2))
    return known


def test_a_move_dated_before_the_current_assignment_began(tmp_path: Path, tables: Tables) -> None:
    known = existing_of(tables)
    employee = tables["pegawai"][1][4]
    employee[EMPLOYEE_HEADER.index("kode_jabatan")] = "DJP-PELAKSANA"
    employee[EMPLOYEE_HEADER.index("tmt")] = "2023-12-31"
    found = only(errors(write_folder(tmp_path / "org", tables), known))
    assert (found["row"], found["column"]) == (6, "tmt")
    assert "before the current assignment began (2024-01-02)" in found["message"]


def test_partial_rows_may_name_units_positions_and_superiors_of_the_database(
    tmp_path: Path, tables: Tables
) -> None:
    known = existing_of(tables)
    head = tables["pegawai"][1][0][0]
    partial: Tables = {
        "unit": (
            UNIT_HEADER,
            [["DJP-KPP-BATU", "DJP-KANWIL-JATIM3", "three", "kpp", "", "KPP Pratama Batu", "", ""]],
        ),
        "jabatan": (
            POSITION_HEADER,
            [["DJP-KPP-BATU-KEPALA", "DJP-KPP-BATU", "Kepala KPP Pratama Batu", "", "struktural", "", "ya"]],
        ),
        "pegawai": (
            EMPLOYEE_HEADER,
            [
                [nip(500), "Budi", "", "DJP-KPP-BATU-KEPALA", "", "", "", ""],
                [nip(501), "Ani", "", "DJP-PELAKSANA", "", "", head, ""],
            ],
        ),
    }
    folder = write_folder(tmp_path / "partial", partial)
    assert errors(folder, known, partial=True) == []
    # the same rows as the whole organisation: the parent, the position and the superior are unknown
    assert [f["message"] for f in errors(folder, known, partial=False)] == [
        "unknown parent unit DJP-KANWIL-JATIM3",
        "unknown position DJP-PELAKSANA",
        f"unknown superior NIP {head}",
    ]
    # the head of the new office reports to the head of the regional office (derived, from the database)
    book = read_organisation(folder)
    target = Target(book, known, partial=True)
    kanwil_head = next(r[0] for r in tables["pegawai"][1] if r[3] == "DJP-KANWIL-JATIM3-KEPALA")
    assert target.superior(nip(500)) == kanwil_head
    assert target.superior_position("DJP-KPP-BATU-KEPALA") == "DJP-KANWIL-JATIM3-KEPALA"


def test_a_partial_file_cannot_head_a_unit_twice(tmp_path: Path, tables: Tables) -> None:
    known = existing_of(tables)
    partial: Tables = {
        "unit": (UNIT_HEADER, []),
        "jabatan": (POSITION_HEADER, [["DJP-KEPALA-2", "DJP", "Kepala Kedua", "", "struktural", "", "ya"]]),
        "pegawai": (EMPLOYEE_HEADER, [[nip(600), "Citra", "", "DJP-KEPALA", "", "", "", ""]]),
    }
    found = errors(write_folder(tmp_path / "partial", partial), known, partial=True)
    assert [(f["sheet"], f["column"]) for f in found] == [
        ("jabatan", "kepala_unit"),
        ("pegawai", "kode_jabatan"),
    ]
