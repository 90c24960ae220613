"""The organisation file (interchange.md, "The organisation file"): sheets unit, jabatan and pegawai.

`read_organisation` reads an .xlsx with the three sheets, or a folder with
`unit.csv`, `jabatan.csv` and `pegawai.csv`, into an `OrganisationFile`: every
row of every sheet as a record, and the problems of its cells (a missing
required value, a word that is not a level ...). A sheet or a required column
that is missing stops the reading at once (`InvalidFileError`): nothing else
can be checked then.

`check_organisation(file, existing=..., partial=...)` adds the rules across
rows and sheets, against what the database already holds (`Existing`, plain
data: this module needs no Django): a duplicate code or NIP, an unknown parent,
a cycle, a level not below its parent's, an invalid NIP, two heads of one unit,
an unknown superior, an unknown position or unit, a move dated before the
current assignment began. `Target` is the organisation as it will be once the
file is applied (the file over the database with `partial`, the file alone
without): the checks and the import (`kinerja.organisations.importing`) read
the same one, so the superiors the import writes are the ones checked here.

Every problem names the file, the sheet (also for a CSV folder), the row as a
spreadsheet numbers it and the column as the header writes it (None for the
whole row); the messages are in `messages.CATALOGUE`, English and Indonesian.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from kinerja.interchange.cells import (
    YES_NO,
    CellError,
    Keywords,
    keyword_column,
    optional_text_column,
    parse_optional_text,
    text_column,
)
from kinerja.interchange.messages import CATALOGUE, InvalidFileError, Lang, Problem
from kinerja.interchange.nip import nip_error
from kinerja.interchange.schema import Column, Field, Header, Schema, parse_columns
from kinerja.interchange.sources import (
    NO_LIMITS,
    Limits,
    Sheet,
    Source,
    detect_format,
    open_workbook,
    read_csv,
    source_name,
    xlsx_sheet,
)

# ---------------------------------------------------------------- messages

CATALOGUE.update(
    {
        "duplicate_code": {
            "en": "code {code} appears twice (also row {other})",
            "id": "kode {code} muncul dua kali (juga baris {other})",
        },
        "unknown_parent": {
            "en": "unknown parent unit {code}",
            "id": "unit induk {code} tidak dikenal",
        },
        "closed_parent": {
            "en": "parent unit {code} is closed",
            "id": "unit induk {code} sudah ditutup",
        },
        "second_root": {
            "en": "only one unit may have no parent (the root; also row {other})",
            "id": "hanya satu unit yang boleh tanpa induk (unit puncak; juga baris {other})",
        },
        "unit_cycle": {
            "en": "the parents form a cycle: {path}",
            "id": "unit induk membentuk lingkaran: {path}",
        },
        "level_not_below": {
            "en": "level {level} is not below the level of parent unit {parent} ({parent_level})",
            "id": "level {level} tidak berada di bawah level unit induk {parent} ({parent_level})",
        },
        "owns_map_level": {
            "en": "only a Kemenkeu-Wide, -One, -Two or -Three unit can own a strategy map",
            "id": "hanya unit Kemenkeu-Wide, -One, -Two, atau -Three yang dapat memiliki peta strategi",
        },
        "unit_has_children": {
            "en": "unit {code} is closed but unit {child} under it stays open",
            "id": "unit {code} ditutup tetapi unit {child} di bawahnya tetap aktif",
        },
        "unit_has_employees": {
            "en": "unit {code} is closed but employee {nip} stays active in it",
            "id": "unit {code} ditutup tetapi pegawai {nip} masih aktif di dalamnya",
        },
        "unknown_unit": {
            "en": "unknown unit {code}",
            "id": "unit {code} tidak dikenal",
        },
        "two_heads": {
            "en": "unit {unit} has two heads: position {other} is its head too",
            "id": "unit {unit} memiliki dua kepala: jabatan {other} juga kepala unit ini",
        },
        "unknown_position": {
            "en": "unknown position {code}",
            "id": "jabatan {code} tidak dikenal",
        },
        "closed_unit": {
            "en": "position {code} is in unit {unit}, which is closed",
            "id": "jabatan {code} berada di unit {unit} yang sudah ditutup",
        },
        "two_head_holders": {
            "en": "unit {unit} has two heads: NIP {other} also holds position {position}",
            "id": "unit {unit} memiliki dua kepala: NIP {other} juga memegang jabatan {position}",
        },
        "unknown_superior": {
            "en": "unknown superior NIP {nip}",
            "id": "NIP atasan {nip} tidak dikenal",
        },
        "inactive_superior": {
            "en": "superior NIP {nip} is not active",
            "id": "atasan dengan NIP {nip} sudah tidak aktif",
        },
        "own_superior": {
            "en": "an employee cannot be their own superior",
            "id": "pegawai tidak dapat menjadi atasan dirinya sendiri",
        },
        "superior_cycle": {
            "en": "the superiors form a cycle: {path}",
            "id": "garis atasan membentuk lingkaran: {path}",
        },
        "move_before_start": {
            "en": "the move to position {position} begins on {since}, before the current assignment began ({start})",
            "id": "perpindahan ke jabatan {position} mulai {since}, sebelum penugasan saat ini dimulai ({start})",
        },
        "not_a_date": {
            "en": '"{value}" is not a date (such as 2026-03-01)',
            "id": '"{value}" bukan tanggal (misalnya 2026-03-01)',
        },
        "not_in_range": {
            "en": '"{value}" is not a whole number from {low} to {high}',
            "id": '"{value}" bukan bilangan bulat dari {low} sampai {high}',
        },
        "not_an_organisation": {
            "en": "an organisation file is an .xlsx workbook or a folder of CSV files",
            "id": "berkas organisasi berupa buku kerja .xlsx atau folder berisi berkas CSV",
        },
        # the NIP rule (`kinerja.interchange.nip`)
        "nip_length": {
            "en": "NIP {nip} is not 18 digits",
            "id": "NIP {nip} tidak terdiri dari 18 angka",
        },
        "nip_birth_date": {
            "en": "NIP {nip}: the first 8 digits are not a real birth date (yyyymmdd)",
            "id": "NIP {nip}: 8 angka pertama bukan tanggal lahir yang sah (TTTTBBHH)",
        },
        "nip_appointment": {
            "en": "NIP {nip}: digits 9 to 14 are not a real appointment month (yyyymm)",
            "id": "NIP {nip}: angka ke-9 s.d. 14 bukan tahun dan bulan pengangkatan yang sah (TTTTBB)",
        },
        "nip_too_young": {
            "en": "NIP {nip}: the appointment year is less than 15 years after the birth year",
            "id": "NIP {nip}: tahun pengangkatan kurang dari 15 tahun setelah tahun lahir",
        },
        "nip_sex": {
            "en": "NIP {nip}: digit 15 (sex) is not 1 or 2",
            "id": "NIP {nip}: angka ke-15 (jenis kelamin) bukan 1 atau 2",
        },
        "nip_sequence": {
            "en": "NIP {nip}: the sequence (last 3 digits) is 000",
            "id": "NIP {nip}: nomor urut (3 angka terakhir) tidak boleh 000",
        },
    }
)

# ---------------------------------------------------------------- keywords

LEVELS: Final = ("wide", "one", "two", "three", "four", "five")
LEVEL_RANK: Final = {level: rank for rank, level in enumerate(LEVELS)}
MAP_OWNER_LEVELS: Final = frozenset({"wide", "one", "two", "three"})
# Kemenkeu-Three units that own a map (domain.md §2): the offices and technical units
MAP_OWNER_KINDS_AT_THREE: Final = frozenset({"kpp", "kppbc", "kppn", "kpknl", "upt"})

LEVEL = Keywords(
    {
        level: [f"kemenkeu {level}", f"depkeu {level}"]  # the older years' name (domain.md §2)
        for level in LEVELS
    }
)
UNIT_KIND = Keywords(
    {
        "ministry": ["kementerian"],
        "echelon_1": ["eselon 1", "eselon i", "unit eselon i", "unit eselon 1"],
        "directorate": ["direktorat"],
        "regional_office": ["kantor wilayah", "kanwil"],
        "kpp": ["kantor pelayanan pajak"],
        "kppbc": ["kantor pengawasan dan pelayanan bea dan cukai"],
        "kppn": ["kantor pelayanan perbendaharaan negara"],
        "kpknl": ["kantor pelayanan kekayaan negara dan lelang"],
        "upt": ["unit pelaksana teknis"],
        "subdirectorate": ["subdirektorat", "subdit", "bagian", "bidang"],
        "section": ["seksi", "subbagian", "subbag"],
        "other": ["lainnya", "lain lain"],
    }
)
POSITION_KIND = Keywords(
    {
        "structural": ["struktural"],
        "functional": ["fungsional"],
        "executor": ["pelaksana"],
        "expert": ["staf ahli", "staff ahli"],
    }
)
ASSIGNMENT = Keywords(
    {
        "definitive": ["definitif", "def"],
        "acting": ["plt", "plt.", "plh", "plh.", "pelaksana tugas", "pelaksana harian"],
    }
)

# ---------------------------------------------------------------- records


@dataclass(slots=True)
class UnitRow:
    """A row of sheet unit; None where the cell is blank (or could not be read)."""

    code: str
    parent_code: str | None
    level: str | None
    kind: str | None
    owns_map: bool | None
    name_id: str
    name_en: str | None
    active: bool
    row: int


@dataclass(slots=True)
class PositionRow:
    """A row of sheet jabatan."""

    code: str
    unit_code: str
    name_id: str
    name_en: str | None
    kind: str | None
    grade: int | None
    heads_unit: bool
    echelon: int | None
    row: int


@dataclass(slots=True)
class EmployeeRow:
    """A row of sheet pegawai."""

    nip: str
    name: str
    email: str | None
    position_code: str | None
    assignment: str | None
    since: dt.date | None
    superior_nip: str | None
    active: bool
    row: int


SHEETS: Final = ("unit", "jabatan", "pegawai")
SHEET_NAMES: Final = {
    "unit": ("unit", "units"),
    "jabatan": ("jabatan", "positions", "position"),
    "pegawai": ("pegawai", "employees", "employee"),
}


@dataclass(slots=True)
class OrganisationFile:
    """The three sheets of an organisation file, every row in file order (rows with bad cells too).

    `bad` holds the row numbers of each sheet with a cell that could not be read:
    their records carry None there, and the rules across rows skip what is
    missing. `problems` are the problems of the cells; `check_organisation` adds
    the rest.
    """

    units: list[UnitRow]
    positions: list[PositionRow]
    employees: list[EmployeeRow]
    source: str = ""
    files: dict[str, str] = field(default_factory=dict)  # sheet → the file that holds it
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet → column → as written
    bad: dict[str, set[int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def problem(
        self, sheet: str, key: str, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        label = self.labels.get(sheet, {}).get(column, column) if column else None
        return Problem(self.files.get(sheet, self.source), key, params, row=row, column=label, sheet=sheet)

    def has(self, sheet: str, column: str) -> bool:
        """Whether the sheet has the column (an absent optional column leaves the database's value)."""
        return column in self.labels.get(sheet, {})


# ---------------------------------------------------------------- columns


def _text(raw: str) -> str:
    return raw.strip()


def _whole(low: int, high: int) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        value = raw.strip()
        if not value:
            return None
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if number != number or number != int(number) or not low <= number <= high:
            raise CellError("not_in_range", value=value, low=low, high=high)
        return int(number)

    return parse


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


def parse_date(raw: str) -> dt.date | None:
    """`2026-03-01` (also with a time of 00:00, as a spreadsheet gives a date), `01-03-2026`, `01/03/2026`."""
    value = raw.strip()
    if not value:
        return None
    match = _DMY.match(value)
    try:
        if match is not None:
            day, month, year = (int(x) for x in match.groups())
            return dt.date(year, month, day)
        if len(value) > 10 and value[10] not in " T":
            raise ValueError(value)
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        raise CellError("not_a_date", value=value) from None


def _yes_no(default: bool | None) -> Callable[[str], bool | None]:
    def parse(raw: str) -> bool | None:
        value = YES_NO.parse(raw)
        return default if value is None else value == "yes"

    return parse


def _yes_no_column(default: bool | None) -> Callable[[Sequence[str]], list[bool | None]]:
    lookup = YES_NO._lookup.__getitem__

    def parse(cells: Sequence[str]) -> list[bool | None]:
        found = list(map(lookup, cells))  # KeyError on an unusual spelling: the cell parser names it
        return [default if v is None else v == "yes" for v in found]

    return parse


UNIT_COLUMNS = Schema(
    [
        Column("code", ("kode_unit",), required=True),
        Column("parent_code", ("kode_induk",), required=True),
        Column("level", ("tingkat",), required=True),
        Column("kind", ("jenis",)),
        Column("owns_map", ("punya_peta",)),
        Column("name_id", ("nama",), required=True),
        Column("name_en", ("nama_en",)),
        Column("active", ("aktif",)),
    ]
)
UNIT_FIELDS = [
    Field("code", _text, "", required=True, fast=text_column),
    Field("parent_code", parse_optional_text, fast=optional_text_column),
    Field("level", LEVEL.parse, required=True, fast=keyword_column(LEVEL)),
    Field("kind", UNIT_KIND.parse, fast=keyword_column(UNIT_KIND)),
    Field("owns_map", _yes_no(None), fast=_yes_no_column(None)),
    Field("name_id", _text, "", required=True, fast=text_column),
    Field("name_en", parse_optional_text, fast=optional_text_column),
    Field("active", _yes_no(True), True, fast=_yes_no_column(True)),
]

POSITION_COLUMNS = Schema(
    [
        Column("code", ("kode_jabatan",), required=True),
        Column("unit_code", ("kode_unit",), required=True),
        Column("name_id", ("nama", "nama_jabatan"), required=True),
        Column("name_en", ("nama_en",)),
        Column("kind", ("jenis", "jenis_jabatan"), required=True),
        Column("grade", ("kelas_jabatan",)),
        Column("heads_unit", ("kepala_unit",)),
        Column("echelon", ("eselon",)),
    ]
)
POSITION_FIELDS = [
    Field("code", _text, "", required=True, fast=text_column),
    Field("unit_code", _text, "", required=True, fast=text_column),
    Field("name_id", _text, "", required=True, fast=text_column),
    Field("name_en", parse_optional_text, fast=optional_text_column),
    Field("kind", POSITION_KIND.parse, required=True, fast=keyword_column(POSITION_KIND)),
    Field("grade", _whole(1, 27)),
    Field("heads_unit", _yes_no(False), False, fast=_yes_no_column(False)),
    Field("echelon", _whole(1, 5)),
]

EMPLOYEE_COLUMNS = Schema(
    [
        Column("nip", (), required=True),
        Column("name", ("nama",), required=True),
        Column("email", ("surel", "e_mail")),
        Column("position_code", ("kode_jabatan",), required=True),
        Column("assignment", ("status_jabatan",)),
        Column("since", ("tmt",)),
        Column("superior_nip", ("nip_atasan",)),
        Column("active", ("aktif",)),
    ]
)
EMPLOYEE_FIELDS = [
    Field("nip", _text, "", required=True, fast=text_column),
    Field("name", _text, "", required=True, fast=text_column),
    Field("email", parse_optional_text, fast=optional_text_column),
    Field("position_code", parse_optional_text, fast=optional_text_column),
    Field("assignment", ASSIGNMENT.parse, fast=keyword_column(ASSIGNMENT)),
    Field("since", parse_date),
    Field("superior_nip", parse_optional_text, fast=optional_text_column),
    Field("active", _yes_no(True), True, fast=_yes_no_column(True)),
]

LAYOUT: Final[dict[str, tuple[Schema, list[Field], type]]] = {
    "unit": (UNIT_COLUMNS, UNIT_FIELDS, UnitRow),
    "jabatan": (POSITION_COLUMNS, POSITION_FIELDS, PositionRow),
    "pegawai": (EMPLOYEE_COLUMNS, EMPLOYEE_FIELDS, EmployeeRow),
}

# ---------------------------------------------------------------- reading


def read_organisation(
    source: Source, name: str | None = None, *, limits: Limits = NO_LIMITS
) -> OrganisationFile:
    """Read an organisation file: an .xlsx (path or stream) with sheets unit, jabatan and pegawai, or a
    folder with unit.csv, jabatan.csv and pegawai.csv.

    Raises `InvalidFileError` when a sheet or a required column is missing (or the
    file cannot be read); the problems of the cells are in the result's `problems`.
    """
    if isinstance(source, str | Path) and Path(source).is_dir():
        sheets, label = _folder_sheets(Path(source), limits), ""
    else:
        label = source_name(source, name)
        if detect_format(source, name) != "xlsx":
            raise InvalidFileError([Problem(label, "not_an_organisation")])
        sheets = _workbook_sheets(source, name, label, limits)
    problems: list[Problem] = []
    headers: dict[str, Header] = {}
    for key in SHEETS:
        headers[key] = LAYOUT[key][0].match(sheets[key], problems)
    if problems:
        raise InvalidFileError(problems)
    book = OrganisationFile(
        [],
        [],
        [],
        source=label,
        files={key: sheet.source for key, sheet in sheets.items()},
        labels={key: dict(header.label) for key, header in headers.items()},
    )
    records: dict[str, list[Any]] = {}
    for key in SHEETS:
        _schema, fields, cls = LAYOUT[key]
        numbers, values, bad = parse_columns(sheets[key], headers[key], fields, book.problems)
        records[key] = list(map(cls, *(values[f.column] for f in fields), numbers))
        book.bad[key] = {numbers[position] for position in bad}
    book.units, book.positions, book.employees = records["unit"], records["jabatan"], records["pegawai"]
    return book


def _folder_sheets(folder: Path, limits: Limits) -> dict[str, Sheet]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    for key, names in SHEET_NAMES.items():
        path = next((files[f"{n}.csv"] for n in names if f"{n}.csv" in files), None)
        if path is None:
            problems.append(Problem(folder.name, "missing_file", {"file": f"{key}.csv"}, sheet=key))
            continue
        try:
            sheet = read_csv(path, limits=limits)
        except InvalidFileError as exc:
            problems.extend(_in_sheet(p, key) for p in exc.problems)
            continue
        sheet.sheet = key
        sheets[key] = sheet
    if problems:
        raise InvalidFileError(problems)
    return sheets


def _workbook_sheets(source: Source, name: str | None, label: str, limits: Limits) -> dict[str, Sheet]:
    workbook = open_workbook(source, name, limits=limits)
    try:
        by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        sheets: dict[str, Sheet] = {}
        problems: list[Problem] = []
        for key, names in SHEET_NAMES.items():
            worksheet = next((by_name[n] for n in names if n in by_name), None)
            if worksheet is None:
                problems.append(Problem(label, "missing_sheet", {"sheet": key}))
                continue
            try:
                sheets[key] = xlsx_sheet(worksheet, label, key, max_rows=limits.max_rows)
            except InvalidFileError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InvalidFileError(problems)
        return sheets
    finally:
        workbook.close()


def _in_sheet(problem: Problem, sheet: str) -> Problem:
    return Problem(problem.source, problem.key, problem.params, problem.row, problem.column, sheet)


# ---------------------------------------------------------------- what the database holds


@dataclass(frozen=True, slots=True)
class KnownUnit:
    parent: str | None
    level: str
    active: bool


@dataclass(frozen=True, slots=True)
class KnownPosition:
    unit: str
    is_head: bool
    active: bool


@dataclass(frozen=True, slots=True)
class KnownEmployee:
    active: bool
    unit: str
    position: str | None
    superior: str | None
    start: dt.date | None  # the start of the open assignment


@dataclass(slots=True)
class Existing:
    """The organisation in the database as plain data: code → unit, code → position, NIP → employee."""

    units: dict[str, KnownUnit] = field(default_factory=dict)
    positions: dict[str, KnownPosition] = field(default_factory=dict)
    employees: dict[str, KnownEmployee] = field(default_factory=dict)


# ---------------------------------------------------------------- the organisation once applied


class Target:
    """The organisation after the import: the file alone, or with `partial` the file over `existing`.

    The first row of a code or NIP counts (a repeat is an error). A position is
    open when its unit is; an employee's unit is their position's unit.
    """

    def __init__(self, book: OrganisationFile, existing: Existing, partial: bool) -> None:
        self.partial = partial
        self.unit_rows: dict[str, UnitRow] = {}
        for unit in book.units:
            if unit.code:
                self.unit_rows.setdefault(unit.code, unit)
        self.position_rows: dict[str, PositionRow] = {}
        for position in book.positions:
            if position.code:
                self.position_rows.setdefault(position.code, position)
        self.employee_rows: dict[str, EmployeeRow] = {}
        for employee in book.employees:
            if employee.nip:
                self.employee_rows.setdefault(employee.nip, employee)

        # units: code → (parent, level, active)
        self.parent: dict[str, str | None] = {}
        self.level: dict[str, str | None] = {}
        self.unit_active: dict[str, bool] = {}
        if partial:
            for code, known in existing.units.items():
                self.parent[code], self.level[code], self.unit_active[code] = (
                    known.parent,
                    known.level,
                    known.active,
                )
        for code, row in self.unit_rows.items():
            self.parent[code], self.level[code], self.unit_active[code] = (
                row.parent_code,
                row.level,
                row.active,
            )

        # positions: code → (unit, head, open)
        self.position_unit: dict[str, str] = {}
        self.position_head: dict[str, bool] = {}
        if partial:
            for code, pos in existing.positions.items():
                if pos.active:
                    self.position_unit[code], self.position_head[code] = pos.unit, pos.is_head
        for code, prow in self.position_rows.items():
            self.position_unit[code], self.position_head[code] = prow.unit_code, prow.heads_unit

        # employees: NIP → (active, position); the superiors of the employees outside the file
        self.employee_active: dict[str, bool] = {}
        self.employee_position: dict[str, str | None] = {}
        self.kept_superior: dict[str, str | None] = {}
        if partial:
            for nip, person in existing.employees.items():
                if nip not in self.employee_rows:
                    self.employee_active[nip], self.employee_position[nip] = person.active, person.position
                    self.kept_superior[nip] = person.superior
        for nip, erow in self.employee_rows.items():
            self.employee_active[nip] = erow.active
            if erow.active:
                self.employee_position[nip] = erow.position_code
            else:  # a departed employee keeps the position they last held
                known_employee = existing.employees.get(nip)
                self.employee_position[nip] = known_employee.position if known_employee else None

        self._head_position: dict[str, str] | None = None
        self._head_holder: dict[str, str] | None = None

    def position_open(self, code: str) -> bool:
        unit = self.position_unit.get(code)
        return unit is not None and self.unit_active.get(unit, False)

    def employee_unit(self, nip: str) -> str | None:
        position = self.employee_position.get(nip)
        return self.position_unit.get(position) if position else None

    @property
    def head_position(self) -> dict[str, str]:
        """Unit → its head position (the first one of the file, then of the database)."""
        if self._head_position is None:
            heads: dict[str, str] = {}
            for code, unit in self.position_unit.items():
                if self.position_head[code]:
                    heads.setdefault(unit, code)
            self._head_position = heads
        return self._head_position

    @property
    def head_holder(self) -> dict[str, str]:
        """Unit → the active employee in its head position (the first of the file, then of the database)."""
        if self._head_holder is None:
            holders: dict[str, str] = {}
            heads = set(self.head_position.values())
            for nip, position in self.employee_position.items():
                if position in heads and self.employee_active[nip]:
                    holders.setdefault(self.position_unit[position], nip)
            self._head_holder = holders
        return self._head_holder

    def ancestors(self, unit: str | None) -> Iterable[str]:
        """`unit` and the units above it, nearest first (stops at a cycle)."""
        seen: set[str] = set()
        while unit is not None and unit not in seen:
            seen.add(unit)
            yield unit
            unit = self.parent.get(unit)

    def superior_position(self, code: str) -> str | None:
        """The position above: for a head, the head position of the nearest unit above with one;
        else the head position of its own unit (or of the nearest unit above with one)."""
        unit = self.position_unit[code]
        start = self.parent.get(unit) if self.head_position.get(unit) == code else unit
        for above in self.ancestors(start):
            head = self.head_position.get(above)
            if head is not None and head != code:
                return head
        return None

    def superior(self, nip: str) -> str | None:
        """The superior of an active employee of the file: `superior_nip`, or else the head of the
        position's unit, or of the unit above for a head (the nearest unit above with a head)."""
        row = self.employee_rows.get(nip)
        if row is None:
            return self.kept_superior.get(nip)
        if row.superior_nip:
            return row.superior_nip
        unit = self.employee_unit(nip)
        if unit is None:
            return None
        start = self.parent.get(unit) if self.head_holder.get(unit) == nip else unit
        for above in self.ancestors(start):
            holder = self.head_holder.get(above)
            if holder is not None and holder != nip:
                return holder
        return None


# ---------------------------------------------------------------- the rules


def check_organisation(
    book: OrganisationFile,
    existing: Existing | None = None,
    *,
    partial: bool = False,
    today: dt.date | None = None,
) -> list[Problem]:
    """Every problem of the file: its cells' and those of the rules across rows, sheets and the database.

    In sheet order (unit, jabatan, pegawai), each in row order.
    """
    existing = existing or Existing()
    today = today or dt.date.today()
    target = Target(book, existing, partial)
    found = list(book.problems)
    _check_units(book, existing, target, found)
    _check_positions(book, existing, target, found)
    _check_employees(book, existing, target, found, today)
    order = {sheet: position for position, sheet in enumerate(SHEETS)}
    found.sort(key=lambda p: (order.get(p.sheet or "", 9), p.row or 0))
    return found


def validate_organisation(
    book: OrganisationFile,
    existing: Existing | None = None,
    *,
    partial: bool = False,
    today: dt.date | None = None,
) -> Target:
    """The organisation once applied, or `InvalidFileError` with every problem of the file."""
    problems = check_organisation(book, existing, partial=partial, today=today)
    if problems:
        raise InvalidFileError(problems)
    return Target(book, existing or Existing(), partial)


def _level_name(level: str | None) -> str:
    return f"Kemenkeu-{level.title()}" if level else "?"


def _check_units(book: OrganisationFile, existing: Existing, target: Target, found: list[Problem]) -> None:
    problem = book.problem
    first: dict[str, int] = {}
    root: int | None = None
    cycle = _cycle_members(target.parent, target.unit_rows)
    for unit in book.units:
        if not unit.code:
            continue
        other = first.setdefault(unit.code, unit.row)
        if other != unit.row:
            found.append(problem("unit", "duplicate_code", unit.row, "code", code=unit.code, other=other))
            continue
        parent = unit.parent_code
        if parent is None:
            if unit.level is not None and unit.level != "wide":
                found.append(problem("unit", "required", unit.row, "parent_code"))
            elif root is not None:
                found.append(problem("unit", "second_root", unit.row, "parent_code", other=root))
            else:
                root = unit.row
        elif unit.code in cycle:
            found.append(problem("unit", "unit_cycle", unit.row, "parent_code", path=cycle[unit.code]))
        elif parent not in target.level:
            found.append(problem("unit", "unknown_parent", unit.row, "parent_code", code=parent))
        else:
            if unit.active and not target.unit_active[parent]:
                found.append(problem("unit", "closed_parent", unit.row, "parent_code", code=parent))
            parent_level = target.level[parent]
            if (
                unit.level is not None
                and parent_level is not None
                and LEVEL_RANK[unit.level] <= LEVEL_RANK[parent_level]
            ):
                found.append(
                    problem(
                        "unit",
                        "level_not_below",
                        unit.row,
                        "level",
                        level=_level_name(unit.level),
                        parent=parent,
                        parent_level=_level_name(parent_level),
                    )
                )
        if unit.owns_map and unit.level is not None and unit.level not in MAP_OWNER_LEVELS:
            found.append(problem("unit", "owns_map_level", unit.row, "owns_map"))
    if target.partial:
        # a unit the file closes must not keep open units or active employees the file does not name
        closing = {u.code: u for u in target.unit_rows.values() if not u.active}
        if closing:
            for code, known in existing.units.items():
                if code not in target.unit_rows and known.active and known.parent in closing:
                    unit = closing[known.parent]
                    found.append(
                        problem("unit", "unit_has_children", unit.row, "active", code=unit.code, child=code)
                    )
            for nip in target.kept_superior:  # the employees outside the file
                unit_code = target.employee_unit(nip)
                if target.employee_active[nip] and unit_code in closing:
                    unit = closing[unit_code]
                    found.append(
                        problem("unit", "unit_has_employees", unit.row, "active", code=unit.code, nip=nip)
                    )


def _cycle_members(parent: dict[str, str | None], of: Iterable[str]) -> dict[str, str]:
    """The units of `of` that are on a cycle of `parent`, each with the cycle written out (`A → B → A`)."""
    members: dict[str, str] = {}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in of:
        if state.get(start):
            continue
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parent and not state.get(node):
            state[node] = 1
            path.append(node)
            node = parent[node]
        if node is not None and state.get(node) == 1:
            loop = path[path.index(node) :]
            text = " → ".join([*loop, node])
            for member in loop:
                members[member] = text
        for visited in path:
            state[visited] = 2
    return members


def _check_positions(
    book: OrganisationFile, existing: Existing, target: Target, found: list[Problem]
) -> None:
    problem = book.problem
    first: dict[str, int] = {}
    heads: dict[str, str] = {}
    if target.partial:
        for code, known in existing.positions.items():
            if code not in target.position_rows and known.active and known.is_head:
                heads.setdefault(known.unit, code)
    for position in book.positions:
        if not position.code:
            continue
        other = first.setdefault(position.code, position.row)
        if other != position.row:
            found.append(
                problem("jabatan", "duplicate_code", position.row, "code", code=position.code, other=other)
            )
            continue
        if position.unit_code and position.unit_code not in target.level:
            found.append(
                problem("jabatan", "unknown_unit", position.row, "unit_code", code=position.unit_code)
            )
        if position.heads_unit and position.unit_code:
            head = heads.setdefault(position.unit_code, position.code)
            if head != position.code:
                found.append(
                    problem(
                        "jabatan",
                        "two_heads",
                        position.row,
                        "heads_unit",
                        unit=position.unit_code,
                        other=head,
                    )
                )


def _check_employees(
    book: OrganisationFile, existing: Existing, target: Target, found: list[Problem], today: dt.date
) -> None:
    problem = book.problem
    first: dict[str, int] = {}
    holders: dict[str, str] = {}
    head_positions = set(target.head_position.values())  # a second head position is already an error
    for nip in target.kept_superior:  # the active heads outside the file (partial)
        position = target.employee_position[nip]
        if target.employee_active[nip] and position is not None and position in head_positions:
            holders.setdefault(target.position_unit[position], nip)
    checked: list[EmployeeRow] = []
    for employee in book.employees:
        nip = employee.nip
        if not nip:
            continue
        other = first.setdefault(nip, employee.row)
        if other != employee.row:
            found.append(problem("pegawai", "duplicate_nip", employee.row, "nip", nip=nip, other=other))
            continue
        error = nip_error(nip)
        if error is not None:
            found.append(problem("pegawai", error, employee.row, "nip", nip=nip))
        if not employee.active:  # a departed employee: only the NIP, name and e-mail are read
            continue
        _check_position_held(book, existing, target, employee, head_positions, holders, found, today)
        superior = employee.superior_nip
        if superior is not None:
            if superior == nip:
                found.append(problem("pegawai", "own_superior", employee.row, "superior_nip"))
                continue
            if superior not in target.employee_active:
                found.append(
                    problem("pegawai", "unknown_superior", employee.row, "superior_nip", nip=superior)
                )
            elif not target.employee_active[superior]:
                found.append(
                    problem("pegawai", "inactive_superior", employee.row, "superior_nip", nip=superior)
                )
            else:
                checked.append(employee)
    # the line of superiors (given, or derived from the heads) must not loop; the rows to mend are those
    # that name a superior
    if checked:
        line: dict[str, str | None] = {}
        pending = [e.nip for e in checked]
        while pending:
            nip = pending.pop()
            if nip in line or not target.employee_active.get(nip):
                continue
            above = line[nip] = target.superior(nip)
            if above is not None:
                pending.append(above)
        loops = _cycle_members(line, (e.nip for e in checked))
        for employee in checked:
            if employee.nip in loops:
                found.append(
                    problem(
                        "pegawai", "superior_cycle", employee.row, "superior_nip", path=loops[employee.nip]
                    )
                )


def _check_position_held(
    book: OrganisationFile,
    existing: Existing,
    target: Target,
    employee: EmployeeRow,
    head_positions: set[str],
    holders: dict[str, str],
    found: list[Problem],
    today: dt.date,
) -> None:
    """An active employee's position: given, known, in an open unit, the only head of it, and a move
    dated no earlier than the current assignment began."""
    problem = book.problem
    position = employee.position_code
    if position is None:
        found.append(problem("pegawai", "required", employee.row, "position_code"))
        return
    if position not in target.position_unit:
        found.append(problem("pegawai", "unknown_position", employee.row, "position_code", code=position))
        return
    unit = target.position_unit[position]
    if unit not in target.unit_active:
        return  # the position's unknown unit is the position's error
    if not target.unit_active[unit]:
        found.append(
            problem("pegawai", "closed_unit", employee.row, "position_code", code=position, unit=unit)
        )
        return
    if position in head_positions:
        holder = holders.setdefault(unit, employee.nip)
        if holder != employee.nip:
            found.append(
                problem(
                    "pegawai",
                    "two_head_holders",
                    employee.row,
                    "position_code",
                    unit=unit,
                    other=holder,
                    position=position,
                )
            )
    known = existing.employees.get(employee.nip)
    if known is not None and known.active and known.start is not None and position != known.position:
        since = employee.since or today
        if since < known.start:
            found.append(
                problem(
                    "pegawai",
                    "move_before_start",
                    employee.row,
                    "since",
                    position=position,
                    since=since.isoformat(),
                    start=known.start.isoformat(),
                )
            )


def problem_dict(problem: Problem, lang: Lang = "en") -> dict[str, object]:
    """A problem as the JSON of `kinerja import-organisation` shows it."""
    return {
        "file": problem.source,
        "sheet": problem.sheet,
        "row": problem.row,
        "column": problem.column,
        "message": problem.message(lang),
    }
