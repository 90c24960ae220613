"""The employee workbook (interchange.md, "The workbook"): sheets pegawai, iki and perilaku.

`read_workbook` reads an .xlsx with the three sheets, or a folder with
`pegawai.csv`, `iki.csv` and `perilaku.csv`, into an `EmployeeWorkbook`, checking
every rule of the format (NIPs required and unique, iki and perilaku rows only
for known NIPs, one definition per KPI and year, weights totalling 100 %), and
raises `InvalidFileError` with all the problems of all the sheets when there is
any. `write_workbook` writes one back, as .xlsx or as a folder of CSV files.

The perilaku sheet has one of two shapes: the seven core values per employee and
period (`kmk-127-2026`, `CoreValuesRow`), or one row per rater and semester with
the aspects of the 360° assessment (`kmk-467-2014`, `RatingRow`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, fields
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, Literal

from kinerja.interchange.cells import (
    CONSOLIDATION,
    CONTROLLABILITY,
    DISCIPLINE,
    KPI_KIND,
    POLARITY,
    RATER_GROUP,
    VALIDITY,
    CellError,
    Period,
    count_none,
    format_cell,
    format_number,
    has_none,
    keyword_column,
    name_key,
    nonnegative_column,
    number_column,
    optional_text_column,
    parse_nonnegative,
    parse_number,
    parse_optional_text,
    parse_period,
    parse_yes_no,
    period_column,
    shown_value,
    text_column,
    yes_no_column,
)
from kinerja.interchange.core import core_message, rule_set, target_errors
from kinerja.interchange.messages import InvalidFileError, Problem, text
from kinerja.interchange.schema import Column, Field, Header, Schema, build, parse_columns
from kinerja.interchange.sources import (
    Sheet,
    Source,
    detect_format,
    open_workbook,
    read_csv,
    source_name,
    write_csv,
    write_xlsx_sheets,
    xlsx_sheet,
)
from kinerja.scoring import (
    Consolidation,
    Controllability,
    DisciplineCategory,
    KpiKind,
    Polarity,
    RaterGroup,
    RuleSet,
    Validity,
)

BehaviourShape = Literal["core_values", "ratings"]
HUNDRED = Decimal(100)

# ---------------------------------------------------------------- records


@dataclass(slots=True)
class EmployeeRow:
    """A row of sheet pegawai."""

    nip: str
    name: str = ""
    superior_nip: str | None = None
    unit: str | None = None
    job_category: str | None = None
    tier: int | None = None
    nko: Decimal | None = None
    discipline_category: DisciplineCategory | None = None
    discipline_score: Decimal | None = None
    correction: Decimal | None = None
    calibrate: bool = True
    row: int = 0


@dataclass(slots=True)
class EmployeeKpiRow:
    """A row of sheet iki: one KPI of an employee's contract (in one period when there are periods)."""

    nip: str
    kpi_code: str
    period: Period | None = None
    kpi_name: str = ""
    polarity: Polarity | None = None
    target: Decimal | None = None
    target_low: Decimal | None = None
    target_high: Decimal | None = None
    worst: Decimal | None = None
    realization: Decimal | None = None
    consolidation: Consolidation = Consolidation.LAST
    cap_on_target: bool = False
    index: Decimal | None = None
    weight: Decimal | None = None
    validity: Validity | None = None
    controllability: Controllability | None = None
    kpi_kind: KpiKind = KpiKind.EXISTING
    target_prev: Decimal | None = None
    realization_prev: Decimal | None = None
    fixed_target: bool = False
    k3: Decimal | None = None
    days: Decimal | None = None
    row: int = 0


CORE_VALUES = ("service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative")
ASPECTS = ("service_orientation", "integrity", "commitment", "discipline", "cooperation", "leadership")


@dataclass(slots=True)
class CoreValuesRow:
    """A row of sheet perilaku under `kmk-127-2026`: the seven BerAKHLAK core values, 0–120."""

    nip: str
    period: Period | None = None
    service: Decimal | None = None
    accountable: Decimal | None = None
    competent: Decimal | None = None
    harmonious: Decimal | None = None
    loyal: Decimal | None = None
    adaptive: Decimal | None = None
    collaborative: Decimal | None = None
    row: int = 0

    @property
    def values(self) -> tuple[Decimal | None, ...]:
        return tuple(getattr(self, name) for name in CORE_VALUES)


@dataclass(slots=True)
class RatingRow:
    """A row of sheet perilaku under `kmk-467-2014`: one rater's scores (0–100) in one semester."""

    nip: str
    semester: Period | None = None
    rater_nip: str | None = None
    rater_group: RaterGroup = RaterGroup.PEER
    service_orientation: Decimal | None = None
    integrity: Decimal | None = None
    commitment: Decimal | None = None
    discipline: Decimal | None = None
    cooperation: Decimal | None = None
    leadership: Decimal | None = None
    row: int = 0

    @property
    def scores(self) -> dict[str, Decimal]:
        return {name: value for name in ASPECTS if (value := getattr(self, name)) is not None}


@dataclass(slots=True)
class EmployeeWorkbook:
    """The three sheets of an employee workbook, in file order."""

    employees: list[EmployeeRow]
    kpis: list[EmployeeKpiRow]
    behaviour: list[CoreValuesRow] | list[RatingRow]
    shape: BehaviourShape = "core_values"
    source: str = ""
    sheets: dict[str, str] = field(default_factory=dict)  # pegawai/iki/perilaku → file or sheet name
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    ignored_columns: dict[str, list[str]] = field(default_factory=dict)

    def problem(
        self, sheet: str, key: str, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        """A problem on a row of one of the sheets (`sheet` is pegawai, iki or perilaku)."""
        label = self.labels.get(sheet, {}).get(column, column) if column else None
        where = self.sheets.get(sheet, sheet)
        if not self.source:  # a folder of CSV files: the file is the place
            return Problem(where, key, params, row=row, column=label)
        return Problem(self.source, key, params, row=row, column=label, sheet=where)

    def periods(self) -> list[Period | None]:
        """The periods of the iki and perilaku rows, in time order (`[None]` when there are none)."""
        found: set[Period] = {k.period for k in self.kpis if k.period is not None}
        for b in self.behaviour:
            period = b.period if isinstance(b, CoreValuesRow) else b.semester
            if period is not None:
                found.add(period)
        ordered: list[Period | None] = sorted(found) if found else [None]  # type: ignore[assignment]
        return ordered


# ---------------------------------------------------------------- columns


def _text(raw: str) -> str:
    return raw.strip()


def _ranged(low: int, high: int) -> Callable[[str], Decimal | None]:
    low_d, high_d = Decimal(low), Decimal(high)

    def parse(raw: str) -> Decimal | None:
        value = parse_number(raw)
        if value is not None and not low_d <= value <= high_d:
            raise CellError("out_of_range", value=raw.strip(), low=low, high=high)
        return value

    return parse


def _tier(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if value in {"1", "2", "1.0", "2.0"}:
        return int(float(value))
    raise CellError("not_a_tier", value=value)


def _yes(raw: str) -> bool:
    return parse_yes_no(raw, True)


def _no(raw: str) -> bool:
    return parse_yes_no(raw, False)


def _semester(raw: str) -> Period | None:
    period = parse_period(raw)
    if period is not None and period.kind != "S":
        raise CellError("not_a_semester", value=raw.strip())
    return period


def _ranged_column(low: int, high: int) -> Callable[[Sequence[str]], list[Decimal | None]]:
    low_d, high_d = Decimal(low), Decimal(high)

    def parse(cells: Sequence[str]) -> list[Decimal | None]:
        values = number_column(cells)
        if any(v is not None and not low_d <= v <= high_d for v in values):
            raise ValueError("out of range")
        return values

    return parse


PEGAWAI = Schema(
    [
        Column("nip", (), required=True),
        Column("name", ("nama",)),
        Column("superior_nip", ("nip_atasan",)),
        Column("unit", ("unit_kerja",)),
        Column("job_category", ("kelompok_jabatan",)),
        Column("tier", ("tingkat",)),
        Column("nko"),
        Column("discipline_category", ("hukdis", "hukuman_disiplin")),
        Column("discipline_score", ("skor_hukdis",)),
        Column("correction", ("koreksi",)),
        Column("calibrate", ("kalibrasi",)),
    ]
)
PEGAWAI_FIELDS = [
    Field("nip", _text, "", required=True, fast=text_column),
    Field("name", _text, "", fast=text_column),
    Field("superior_nip", parse_optional_text, fast=optional_text_column),
    Field("unit", parse_optional_text, fast=optional_text_column),
    Field("job_category", parse_optional_text, fast=optional_text_column),
    Field("tier", _tier),
    Field("nko", parse_number, fast=number_column),
    Field("discipline_category", DISCIPLINE.parse, fast=keyword_column(DISCIPLINE)),
    Field("discipline_score", parse_nonnegative, fast=nonnegative_column),
    Field("correction", _ranged(-5, 5), fast=_ranged_column(-5, 5)),
    Field("calibrate", _yes, True, fast=yes_no_column(True)),
]

IKI = Schema(
    [
        Column("nip", (), required=True),
        Column("kpi_code", ("kode_iki", "kode_iku"), required=True),
        Column("period", ("periode",)),
        Column("kpi_name", ("nama_iki", "nama_iku")),
        Column("polarity", ("polaritas",)),
        Column("target"),
        Column("target_low", ("target_bawah",)),
        Column("target_high", ("target_atas",)),
        Column("worst", ("batas_toleransi",)),
        Column("realization", ("realisasi", "realisation")),
        Column("consolidation", ("konsolidasi",)),
        Column("cap_on_target", ("konversi_120",)),
        Column("index", ("capaian", "indeks")),
        Column("weight", ("bobot",)),
        Column("validity", ("jenis_iku",)),
        Column("controllability", ("tingkat_kendali",)),
        Column("kpi_kind", ("jenis",)),
        Column("target_prev", ("target_lalu", "target_sebelumnya")),
        Column("realization_prev", ("realisasi_lalu", "realisasi_sebelumnya")),
        Column("fixed_target", ("target_tetap",)),
        Column("k3"),
        Column("days", ("hari",)),
    ],
    tolerated=("status", "value", "nilai"),
)
IKI_FIELDS = [
    Field("nip", _text, "", required=True, fast=text_column),
    Field("kpi_code", _text, "", required=True, fast=text_column),
    Field("period", parse_period, fast=period_column),
    Field("kpi_name", _text, "", fast=text_column),
    Field("polarity", POLARITY.parse, fast=keyword_column(POLARITY)),
    Field("target", parse_number, fast=number_column),
    Field("target_low", parse_number, fast=number_column),
    Field("target_high", parse_number, fast=number_column),
    Field("worst", parse_number, fast=number_column),
    Field("realization", parse_number, fast=number_column),
    Field("consolidation", CONSOLIDATION.parse, Consolidation.LAST, fast=keyword_column(CONSOLIDATION)),
    Field("cap_on_target", _no, False, fast=yes_no_column(False)),
    Field("index", parse_nonnegative, fast=nonnegative_column),
    Field("weight", parse_nonnegative, fast=nonnegative_column),
    Field("validity", VALIDITY.parse, fast=keyword_column(VALIDITY)),
    Field("controllability", CONTROLLABILITY.parse, fast=keyword_column(CONTROLLABILITY)),
    Field("kpi_kind", KPI_KIND.parse, KpiKind.EXISTING, fast=keyword_column(KPI_KIND)),
    Field("target_prev", parse_number, fast=number_column),
    Field("realization_prev", parse_number, fast=number_column),
    Field("fixed_target", _no, False, fast=yes_no_column(False)),
    Field("k3", parse_nonnegative, fast=nonnegative_column),
    Field("days", parse_nonnegative, fast=nonnegative_column),
]
# the attributes of an employee's KPI that are its contract for the year: the same on all its rows
IKI_DEFINITION = (
    "polarity",
    "worst",
    "consolidation",
    "cap_on_target",
    "weight",
    "validity",
    "controllability",
    "kpi_kind",
    "target_prev",
    "realization_prev",
    "fixed_target",
    "k3",
    "days",
)

CORE_VALUE_COLUMNS = Schema(
    [
        Column("nip", (), required=True),
        Column("period", ("periode",)),
        Column("service", ("berorientasi_pelayanan", "orientasi_pelayanan"), required=True),
        Column("accountable", ("akuntabel",), required=True),
        Column("competent", ("kompeten",), required=True),
        Column("harmonious", ("harmonis",), required=True),
        Column("loyal", (), required=True),
        Column("adaptive", ("adaptif",), required=True),
        Column("collaborative", ("kolaboratif",), required=True),
    ]
)
CORE_VALUE_FIELDS = [
    Field("nip", _text, "", required=True, fast=text_column),
    Field("period", parse_period, fast=period_column),
    *(Field(name, _ranged(0, 120), required=True, fast=_ranged_column(0, 120)) for name in CORE_VALUES),
]

RATING_COLUMNS = Schema(
    [
        Column("nip", (), required=True),
        Column("semester", (), required=True),
        Column("rater_nip", ("nip_penilai",)),
        Column("rater_group", ("kelompok_penilai",), required=True),
        Column("service_orientation", ("orientasi_pelayanan",), required=True),
        Column("integrity", ("integritas",), required=True),
        Column("commitment", ("komitmen",), required=True),
        Column("discipline", ("disiplin",), required=True),
        Column("cooperation", ("kerja_sama", "kerjasama"), required=True),
        Column("leadership", ("kepemimpinan",)),
    ]
)
RATING_FIELDS = [
    Field("nip", _text, "", required=True, fast=text_column),
    Field("semester", _semester, required=True),
    Field("rater_nip", parse_optional_text, fast=optional_text_column),
    Field("rater_group", RATER_GROUP.parse, required=True, fast=keyword_column(RATER_GROUP)),
    *(
        Field(name, _ranged(0, 100), required=name != "leadership", fast=_ranged_column(0, 100))
        for name in ASPECTS
    ),
]

SHEET_NAMES = {
    "pegawai": ("pegawai", "employees", "employee"),
    "iki": ("iki", "kpis", "kpi"),
    "perilaku": ("perilaku", "behaviour", "behavior"),
}


# ---------------------------------------------------------------- reading


def read_workbook(
    source: Source,
    *,
    rules: str | RuleSet | None = None,
    shape: BehaviourShape | None = None,
    name: str | None = None,
    fmt: str | None = None,
    check: bool = True,
) -> EmployeeWorkbook:
    """Read and validate an employee workbook: an .xlsx path or stream, or a folder of three CSV files.

    With `rules` (a rule set or its code) the perilaku sheet must have that rule
    set's shape and, with `check`, every KPI's target is checked against its
    polarity under it (also without `check` when the file has other problems, so
    that all are reported at once; `score_workbook` checks a good file itself);
    `shape` (`core_values` for `kmk-127-2026`, `ratings` for `kmk-467-2014`) asks
    for a shape without the target check; with neither, the sheet's columns
    decide. Raises `InvalidFileError` listing every problem of every sheet.
    """
    rs = None if rules is None else rule_set(rules)
    if rs is not None and shape is None:
        shape = "ratings" if rs.nkp2014 is not None else "core_values"
    if isinstance(source, str | Path) and Path(source).is_dir():
        return _read_folder(Path(source), shape, rs, check)
    label = source_name(source, name)
    if detect_format(source, name, fmt) != "xlsx":
        raise InvalidFileError(
            [Problem(label, "unreadable", {"detail": "an employee workbook is an .xlsx file or a folder"})]
        )
    workbook = open_workbook(source, name)
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
                sheets[key] = xlsx_sheet(worksheet, label, worksheet.title)
            except InvalidFileError as exc:
                problems.extend(exc.problems)
        if problems:
            raise InvalidFileError(problems)
    finally:
        workbook.close()
    return _parse_workbook(sheets, label, shape, rs, check)


def _read_folder(
    folder: Path, shape: BehaviourShape | None, rules: RuleSet | None, check: bool
) -> EmployeeWorkbook:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    for key, names in SHEET_NAMES.items():
        path = next((files[f"{n}.csv"] for n in names if f"{n}.csv" in files), None)
        if path is None:
            problems.append(Problem(folder.name, "missing_file", {"file": f"{key}.csv"}))
            continue
        try:
            sheets[key] = read_csv(path)
        except InvalidFileError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidFileError(problems)
    return _parse_workbook(sheets, "", shape, rules, check)


def _shape_of(sheet: Sheet) -> BehaviourShape:
    names = {name_key(h) for h in sheet.header}
    ratings = {
        "semester",
        "rater_nip",
        "nip_penilai",
        "rater_group",
        "kelompok_penilai",
        "integrity",
        "integritas",
    }
    return "ratings" if names & ratings else "core_values"


def _parse_workbook(
    sheets: dict[str, Sheet], label: str, shape: BehaviourShape | None, rules: RuleSet | None, check: bool
) -> EmployeeWorkbook:
    problems: list[Problem] = []
    found_shape = _shape_of(sheets["perilaku"])
    wanted = shape or found_shape
    if found_shape != wanted:
        codes = {"core_values": "kmk-127-2026", "ratings": "kmk-467-2014"}
        problems.append(
            sheets["perilaku"].problem("rules_sheet", row=1, found=codes[found_shape], rules=codes[wanted])
        )
        raise InvalidFileError(problems)

    headers: dict[str, Header] = {}
    for key, schema in (
        ("pegawai", PEGAWAI),
        ("iki", IKI),
        ("perilaku", CORE_VALUE_COLUMNS if wanted == "core_values" else RATING_COLUMNS),
    ):
        headers[key] = schema.match(sheets[key], problems)
    if problems:
        raise InvalidFileError(problems)

    employees: list[EmployeeRow] = _records(
        sheets["pegawai"], headers["pegawai"], PEGAWAI_FIELDS, EmployeeRow, problems
    )
    kpis: list[EmployeeKpiRow] = _records(sheets["iki"], headers["iki"], IKI_FIELDS, EmployeeKpiRow, problems)
    behaviour: list[Any]
    if wanted == "core_values":
        behaviour = _records(
            sheets["perilaku"], headers["perilaku"], CORE_VALUE_FIELDS, CoreValuesRow, problems
        )
    else:
        behaviour = _records(sheets["perilaku"], headers["perilaku"], RATING_FIELDS, RatingRow, problems)

    book = EmployeeWorkbook(
        employees,
        kpis,
        behaviour,
        wanted,
        label,
        {key: sheet.sheet or sheet.source for key, sheet in sheets.items()},
        {key: dict(header.label) for key, header in headers.items()},
        {key: header.ignored for key, header in headers.items() if header.ignored},
    )
    if not employees and not problems:
        problems.append(book.problem("pegawai", "no_rows"))
    # the rules across rows too, on the rows that could be read; totals only when every row could
    _check_workbook(book, headers, problems, totals=not problems)
    if rules is not None and (check or problems):
        problems.extend(target_problems(book, (k for k in kpis if k.index is None), rules))
        order = {name: position for position, name in enumerate(book.sheets.values())}
        problems.sort(key=lambda p: (order.get(p.sheet or p.source, -1), p.row or 0))
    if problems:
        raise InvalidFileError(problems)
    return book


def _records(
    sheet: Sheet, header: Header, specs: list[Field], cls: Any, problems: list[Problem]
) -> list[Any]:
    numbers, values, bad = parse_columns(sheet, header, specs, problems)
    return build(cls, specs, numbers, values, bad)


def _check_workbook(
    book: EmployeeWorkbook, headers: dict[str, Header], problems: list[Problem], *, totals: bool = True
) -> None:
    problem = book.problem
    # pegawai: NIPs unique
    nips: dict[str, int] = {}
    for employee in book.employees:
        other = nips.get(employee.nip)
        if other is not None:
            problems.append(
                problem("pegawai", "duplicate_nip", employee.row, "nip", nip=employee.nip, other=other)
            )
        else:
            nips[employee.nip] = employee.row
        category, score = employee.discipline_category, employee.discipline_score
        if (category is None) != (score is None):
            missing, given = (
                ("discipline_score", "discipline_category")
                if score is None
                else (
                    "discipline_category",
                    "discipline_score",
                )
            )
            label = book.labels.get("pegawai", {}).get(given, given)
            problems.append(problem("pegawai", "required_with", employee.row, missing, other=label))

    # iki: known NIPs, one row per KPI and period, one definition per KPI and year, an input to score
    kpis = book.kpis
    n = len(kpis)
    has_band = "target_low" in headers["iki"].index or "target_high" in headers["iki"].index
    first_of_year: dict[tuple[str, int | None], dict[str, EmployeeKpiRow]] = {}
    periods = list(map(attrgetter("period"), kpis))
    dated = count_none(periods) != n
    iki_nips: set[str] = set() if dated else set(map(_nip_of, kpis))
    if not dated and iki_nips <= nips.keys() and _one_row_per_kpi(kpis, len(iki_nips)):
        # the usual contract file, tested in C: what is left is each row's input
        targets, indices = list(map(attrgetter("target"), kpis)), list(map(attrgetter("index"), kpis))
        lacking = has_none(targets) and any(
            t is None and i is None for t, i in zip(targets, indices, strict=True)
        )
        if has_band or lacking or None in list(map(attrgetter("polarity"), kpis)):
            for kpi in kpis:
                _check_iki_input(book, kpi, has_band, problems)
        if count_none(map(attrgetter("weight"), kpis)) != n:
            for kpi in kpis:
                first_of_year.setdefault((kpi.nip, None), {})[kpi.kpi_code] = kpi
    else:
        _check_iki_rows(book, kpis, nips, dated, has_band, first_of_year, problems)
    for (nip, year), contract in first_of_year.items():
        weighted = [k for k in contract.values() if k.weight is not None]
        if weighted and len(weighted) < len(contract):
            for kpi in contract.values():
                if kpi.weight is None:
                    problems.append(
                        problem("iki", "iki_weight_partial", kpi.row, "weight", kpi=kpi.kpi_code, nip=nip)
                    )
        elif weighted and totals:
            total = sum((k.weight for k in weighted if k.weight is not None), Decimal(0))
            if total != HUNDRED:
                problems.append(
                    problem(
                        "iki",
                        "iki_weights_total",
                        weighted[0].row,
                        "weight",
                        nip=nip,
                        total=format_number(total),
                        scope=_period_scope(year),
                    )
                )

    # perilaku: known NIPs, one row per employee and period (or per rater and semester)
    seen_behaviour: dict[tuple[str, Period | None, str | None], int] = {}
    key2: tuple[str, Period | None, str | None]
    dated = any(
        (b.period if isinstance(b, CoreValuesRow) else b.semester) is not None for b in book.behaviour
    )
    leadership: dict[str, list[RatingRow]] = {}
    for item in book.behaviour:
        if item.nip not in nips:
            problems.append(problem("perilaku", "unknown_nip", item.row, "nip", nip=item.nip))
            continue
        if isinstance(item, CoreValuesRow):
            if dated and item.period is None:
                problems.append(problem("perilaku", "required", item.row, "period"))
                continue
            key2 = (item.nip, item.period, None)
            other = seen_behaviour.get(key2)
            if other is not None:
                problems.append(
                    problem(
                        "perilaku",
                        "duplicate_behaviour",
                        item.row,
                        "period" if item.period else "nip",
                        nip=item.nip,
                        period=item.period or "-",
                        other=other,
                    )
                )
                continue
            seen_behaviour[key2] = item.row
        else:
            key2 = (item.nip, item.semester, item.rater_nip or f"row {item.row}")
            other = seen_behaviour.get(key2)
            if other is not None:
                problems.append(
                    problem(
                        "perilaku",
                        "duplicate_rating",
                        item.row,
                        "rater_nip",
                        rater=item.rater_nip,
                        nip=item.nip,
                        period=item.semester,
                        other=other,
                    )
                )
                continue
            seen_behaviour[key2] = item.row
            leadership.setdefault(f"{item.nip}/{item.semester}", []).append(item)
    for ratings in leadership.values():
        rated = [r.leadership is not None for r in ratings]
        if any(rated) and not all(rated):
            for rating in ratings:
                if rating.leadership is None:
                    problems.append(
                        problem(
                            "perilaku", "leadership_not_structural", rating.row, "leadership", nip=rating.nip
                        )
                    )


_nip_of = attrgetter("nip")
_code_of = attrgetter("kpi_code")


def _one_row_per_kpi(kpis: Sequence[EmployeeKpiRow], nips: int) -> bool:
    """Whether no (NIP, KPI code) comes twice in `kpis` (rows without periods, of `nips` NIPs).

    `len(set(map(attrgetter("nip", "kpi_code"), kpis))) == len(kpis)` a run of one NIP's rows at a
    time (a file lists an employee's KPIs together): no pair built per row, no set of them all.
    """
    runs = 0
    for _nip, run in groupby(kpis, _nip_of):
        codes = list(map(_code_of, run))
        if len(codes) > 1 and len(set(codes)) != len(codes):
            return False
        runs += 1
    return runs == nips  # no NIP in two runs


def _check_iki_rows(
    book: EmployeeWorkbook,
    kpis: list[EmployeeKpiRow],
    nips: dict[str, int],
    dated: bool,
    has_band: bool,
    first_of_year: dict[tuple[str, int | None], dict[str, EmployeeKpiRow]],
    problems: list[Problem],
) -> None:
    """Sheet iki row by row: known NIPs, one row per KPI and period, one definition per KPI and year."""
    problem = book.problem
    seen: dict[tuple[str, str, Period | None], int] = {}
    for kpi in kpis:
        if kpi.nip not in nips:
            problems.append(problem("iki", "unknown_nip", kpi.row, "nip", nip=kpi.nip))
            continue
        if dated and kpi.period is None:
            problems.append(problem("iki", "required", kpi.row, "period"))
            continue
        key = (kpi.nip, kpi.kpi_code, kpi.period)
        other = seen.get(key)
        if other is not None:
            problems.append(
                problem(
                    "iki",
                    "duplicate_iki",
                    kpi.row,
                    "kpi_code",
                    kpi=kpi.kpi_code,
                    nip=kpi.nip,
                    scope=_period_scope(kpi.period),
                    other=other,
                )
            )
            continue
        seen[key] = kpi.row
        _check_iki_input(book, kpi, has_band, problems)
        year_kpis = first_of_year.setdefault((kpi.nip, kpi.period.year if kpi.period else None), {})
        first = year_kpis.setdefault(kpi.kpi_code, kpi)
        if first is not kpi:
            for attribute in IKI_DEFINITION:
                mine, theirs = getattr(kpi, attribute), getattr(first, attribute)
                if mine != theirs:
                    problems.append(
                        problem(
                            "iki",
                            "kpi_changes",
                            kpi.row,
                            attribute,
                            kpi=kpi.kpi_code,
                            value=shown_value(mine),
                            other=shown_value(theirs),
                            other_row=first.row,
                        )
                    )


def target_problems(book: EmployeeWorkbook, kpis: Iterable[EmployeeKpiRow], rules: RuleSet) -> list[Problem]:
    """The problems of the iki rows whose target does not fit the polarity under `rules`."""
    found = []
    for kpi, error in target_errors(kpis, rules):
        column = error.field if error.field in IKI.names else None
        found.append(book.problem("iki", "scoring", kpi.row, column, detail=core_message(error)))
    return found


def _check_iki_input(
    book: EmployeeWorkbook, kpi: EmployeeKpiRow, has_band: bool, problems: list[Problem]
) -> None:
    """An IKI is scored from an index given directly, or from a polarity with a target (or a band)."""
    problem = book.problem
    band = kpi.target_low is not None or kpi.target_high is not None
    if has_band and band and (kpi.target_low is None or kpi.target_high is None):
        missing = "target_low" if kpi.target_low is None else "target_high"
        problems.append(problem("iki", "band_incomplete", kpi.row, missing))
    elif band and kpi.target is not None:
        problems.append(problem("iki", "target_and_band", kpi.row, "target", kpi=kpi.kpi_code))
    elif band and kpi.polarity is not None and kpi.polarity != "stabilize":
        problems.append(problem("iki", "band_not_stabilize", kpi.row, "target_low", kpi=kpi.kpi_code))
    elif kpi.index is None and (kpi.polarity is None or (kpi.target is None and not band)):
        column = "polarity" if kpi.polarity is None else "target"
        problems.append(problem("iki", "iki_needs_input", kpi.row, column, kpi=kpi.kpi_code))


def _period_scope(period: Period | int | None) -> object:
    def render(lang: Any) -> str:
        return "" if period is None else text("scope_period", lang, period=period)

    return render


# ---------------------------------------------------------------- writing


def _record_columns(cls: Any, records: Sequence[Any], always: Iterable[str]) -> list[str]:
    """The attributes of `cls` to write: those in `always` and those set on some record."""
    keep = set(always)
    names = [f.name for f in fields(cls) if f.name != "row"]
    defaults = {f.name: f.default for f in fields(cls)}
    for name in names:
        if name not in keep and any(getattr(r, name) != defaults[name] for r in records):
            keep.add(name)
    return [n for n in names if n in keep]


def _cell(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Period | int):
        return str(value)
    return value


def workbook_tables(book: EmployeeWorkbook) -> list[tuple[str, list[str], list[list[object]]]]:
    """`(sheet, header, rows)` for the three sheets; cells are Decimal, str or None."""
    behaviour_cls: Any = CoreValuesRow if book.shape == "core_values" else RatingRow
    behaviour_always = (
        ("nip", "period", *CORE_VALUES)
        if book.shape == "core_values"
        else ("nip", "semester", "rater_nip", "rater_group", *ASPECTS)
    )
    tables = []
    for sheet, cls, records, always in (
        ("pegawai", EmployeeRow, book.employees, ("nip", "name")),
        ("iki", EmployeeKpiRow, book.kpis, ("nip", "kpi_code")),
        ("perilaku", behaviour_cls, book.behaviour, behaviour_always),
    ):
        columns = _record_columns(cls, records, always)
        rows = [[_cell(getattr(r, c)) for c in columns] for r in records]
        tables.append((sheet, columns, rows))
    return tables


def write_workbook(
    destination: str | Path | IO[bytes], book: EmployeeWorkbook, *, fmt: str | None = None
) -> None:
    """Write the workbook as an .xlsx (a file name ending in .xlsx, a stream, or `fmt="xlsx"`)
    or as a folder of `pegawai.csv`, `iki.csv` and `perilaku.csv` (any other path; created when absent).
    """
    tables = workbook_tables(book)
    kind = fmt or (
        "xlsx" if not isinstance(destination, str | Path) else Path(destination).suffix.lstrip(".")
    )
    if kind.lower() in {"xlsx", "xlsm"}:
        write_xlsx_sheets(destination, tables)
        return
    folder = Path(destination)  # type: ignore[arg-type]
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, header, rows in tables:
        write_csv(folder / f"{sheet}.csv", header, ([format_cell(v) for v in row] for row in rows))
