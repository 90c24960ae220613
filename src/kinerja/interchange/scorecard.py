"""The scorecard table (interchange.md, "The table"): read, validate, write.

`read_scorecard` reads a CSV file or the first sheet of an .xlsx workbook into a
`ScorecardTable` of `ScorecardRow`s, checking every rule of the format, and
raises `InvalidFileError` with all the problems of the file when there is any.
`write_scorecard` writes rows back in the same format (with each KPI's index and
status when a score is given), so an export can be imported again.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import IO, Any, cast

from kinerja.interchange.cells import (
    CONSOLIDATION,
    CONTROLLABILITY,
    PERSPECTIVE,
    POLARITY,
    VALIDITY,
    Period,
    count_none,
    format_cell,
    format_number,
    has_none,
    keyword_column,
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
from kinerja.interchange.core import rule_set, target_problems
from kinerja.interchange.messages import InvalidFileError, Lang, Problem, text
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
from kinerja.scoring import Consolidation, Controllability, Perspective, Polarity, RuleSet, Validity

SCORECARD_COLUMNS = Schema(
    [
        Column("unit", ("unit_kerja",)),
        Column("period", ("periode",)),
        Column("perspective", ("perspektif",), required=True),
        Column("perspective_weight", ("bobot_perspektif",)),
        Column("objective_code", ("kode_ss",), required=True),
        Column("objective_name", ("nama_ss",)),
        Column("kpi_code", ("kode_iku",), required=True),
        Column("kpi_name", ("nama_iku",)),
        Column("kpi_weight", ("bobot_iku",)),
        Column("polarity", ("polaritas",), required=True),
        Column("target"),
        Column("target_low", ("target_bawah",)),
        Column("target_high", ("target_atas",)),
        Column("worst", ("batas_toleransi",)),
        Column("realization", ("realisasi", "realisation")),
        Column("consolidation", ("konsolidasi",)),
        Column("cap_on_target", ("konversi_120",)),
        Column("measure_unit", ("satuan",)),
        Column("validity", ("jenis_iku",)),
        Column("controllability", ("tingkat_kendali",)),
    ],
    # what a scored export adds: read back without a word
    tolerated=("index", "indeks", "indeks_capaian", "status"),
)

HUNDRED = Decimal(100)


@dataclass(slots=True)
class ScorecardRow:
    """One row of the table: a KPI, in one period when the table has periods."""

    perspective: Perspective
    objective_code: str
    kpi_code: str
    polarity: Polarity
    unit: str | None = None
    period: Period | None = None
    perspective_weight: Decimal | None = None
    objective_name: str = ""
    kpi_name: str = ""
    kpi_weight: Decimal | None = None
    target: Decimal | None = None
    target_low: Decimal | None = None
    target_high: Decimal | None = None
    worst: Decimal | None = None
    realization: Decimal | None = None
    consolidation: Consolidation = Consolidation.LAST
    cap_on_target: bool = False
    measure_unit: str = ""
    validity: Validity | None = None
    controllability: Controllability | None = None
    row: int = 0


# the attributes of a KPI that are its definition for the year: the same on all its rows of a year
DEFINITION = (
    "perspective",
    "objective_code",
    "perspective_weight",
    "kpi_weight",
    "polarity",
    "worst",
    "consolidation",
    "cap_on_target",
)


@dataclass(slots=True)
class ScorecardTable:
    """The rows of one file, with what is needed to name a row's cells in later errors."""

    rows: list[ScorecardRow]
    source: str = ""
    sheet: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)

    def column(self, name: str) -> str:
        """The column `name` as the file spells it."""
        return self.labels.get(name, name)

    def problem(
        self, key: str, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(
            self.source,
            key,
            params,
            row=row,
            column=self.column(column) if column else None,
            sheet=self.sheet,
        )

    @property
    def units(self) -> list[str | None]:
        """The units of the table, in the order they first appear."""
        return list(self.periods_by_unit())

    def periods(self, unit: str | None = None, *, all_units: bool = False) -> list[Period | None]:
        """The periods of a unit's rows (or of every row), in time order (`[None]` without periods)."""
        by_unit = self.periods_by_unit()
        found: set[Period | None] = set()
        for u in by_unit if all_units else [unit]:
            found |= by_unit.get(u, set())
        if None in found:
            return [None]
        return [*sorted(p for p in found if p is not None)]

    def periods_by_unit(self) -> dict[str | None, set[Period | None]]:
        rows = self.rows
        if rows and not any(map(_period_of, rows)):  # a `Period` is always true: none has one
            return {unit: {None} for unit in dict.fromkeys(map(_unit_of, rows))}
        by_unit: dict[str | None, set[Period | None]] = {}
        for row in self.rows:
            found = by_unit.get(row.unit)
            if found is None:
                found = by_unit[row.unit] = set()
            found.add(row.period)
        return by_unit


_period_of = attrgetter("period")
_unit_of = attrgetter("unit")

# ---------------------------------------------------------------- reading


def read_scorecard(
    source: Source,
    *,
    name: str | None = None,
    fmt: str | None = None,
    rules: str | RuleSet | None = None,
    check: bool = True,
) -> ScorecardTable:
    """Read and validate a scorecard table from a path or a binary stream (CSV or .xlsx).

    `name` is the file name used in messages (and to tell the format when `fmt`
    is not given). With `check` (the default) every row's target is also checked
    against its polarity under `rules` (the core's default rule set when None);
    `score_table` does that check itself, so a caller scoring the table right
    away may pass `check=False`.
    Raises `InvalidFileError` listing every problem of the file; show them with
    `InvalidFileError.lines(lang)` in English (`en`) or Indonesian (`id`).
    """
    kind = detect_format(source, name, fmt)
    if kind == "xlsx":
        workbook = open_workbook(source, name)
        try:
            sheet = xlsx_sheet(workbook.worksheets[0], source_name(source, name), None)
        finally:
            workbook.close()
    else:
        sheet = read_csv(source, name)
    return parse_scorecard(sheet, rule_set(rules), check=check)


# the fields of `ScorecardRow`, in its order
SCORECARD_FIELDS = [
    Field("perspective", PERSPECTIVE.parse, required=True, fast=keyword_column(PERSPECTIVE)),
    Field("objective_code", str.strip, "", required=True, fast=text_column),
    Field("kpi_code", str.strip, "", required=True, fast=text_column),
    Field("polarity", POLARITY.parse, required=True, fast=keyword_column(POLARITY)),
    Field("unit", parse_optional_text, fast=optional_text_column),
    Field("period", parse_period, fast=period_column),
    Field("perspective_weight", parse_nonnegative, fast=nonnegative_column),
    Field("objective_name", str.strip, "", fast=text_column),
    Field("kpi_name", str.strip, "", fast=text_column),
    Field("kpi_weight", parse_nonnegative, fast=nonnegative_column),
    Field("target", parse_number, fast=number_column),
    Field("target_low", parse_number, fast=number_column),
    Field("target_high", parse_number, fast=number_column),
    Field("worst", parse_number, fast=number_column),
    Field("realization", parse_number, fast=number_column),
    Field("consolidation", CONSOLIDATION.parse, Consolidation.LAST, fast=keyword_column(CONSOLIDATION)),
    Field("cap_on_target", lambda raw: parse_yes_no(raw, False), False, fast=yes_no_column(False)),
    Field("measure_unit", str.strip, "", fast=text_column),
    Field("validity", VALIDITY.parse, fast=keyword_column(VALIDITY)),
    Field("controllability", CONTROLLABILITY.parse, fast=keyword_column(CONTROLLABILITY)),
]


def parse_scorecard(sheet: Sheet, rules: RuleSet | None = None, *, check: bool = True) -> ScorecardTable:
    """The rows of a sheet, with every cell and table rule checked (all problems at once).

    Every row's target is checked against its polarity under `rules` (`target_problems`)
    with `check`, and also without it when the file has other problems, so that they
    are all reported at once (`score_table` checks a good file's targets itself).
    """
    problems: list[Problem] = []
    header = SCORECARD_COLUMNS.match(sheet, problems)
    if not header.has("target") and not (header.has("target_low") and header.has("target_high")):
        problems.append(sheet.problem("missing_column", row=1, name="target"))
    if problems:
        raise InvalidFileError(problems)
    numbers, values, bad = parse_columns(sheet, header, SCORECARD_FIELDS, problems)
    _check_rows(sheet, header, numbers, values, bad, problems)
    rows: list[ScorecardRow] = build(ScorecardRow, SCORECARD_FIELDS, numbers, values, bad)
    table = ScorecardTable(rows, sheet.source, sheet.sheet, dict(header.label), header.ignored)
    if not numbers and not problems:
        problems.append(sheet.problem("no_rows"))
    # the rules across rows too, on the rows that could be read; totals only when every row could
    _check_table(table, problems, totals=not problems)
    if check or problems:
        problems.extend(target_problems(table, rows, rules or rule_set(None)))
    if problems:
        raise InvalidFileError(problems)
    return table


def _check_rows(
    sheet: Sheet,
    header: Header,
    numbers: list[int],
    values: dict[str, list[Any]],
    bad: set[int],
    problems: list[Problem],
) -> None:
    """The rules within a row: a target or a whole band (for stabilize only); a unit and a period on
    every row once some row has one."""
    found: list[Problem] = []
    label = header.name
    targets = values["target"]
    if header.has("target_low") or header.has("target_high"):
        candidates: Iterable[int] = [
            position
            for position, (t, low, high) in enumerate(
                zip(targets, values["target_low"], values["target_high"], strict=True)
            )
            if t is None or low is not None or high is not None
        ]
    else:
        candidates = (
            [position for position, t in enumerate(targets) if t is None] if has_none(targets) else []
        )
    lows, highs = values["target_low"], values["target_high"]
    polarities, kpis = values["polarity"], values["kpi_code"]
    for position in candidates:
        if position in bad:
            continue
        target, low, high = targets[position], lows[position], highs[position]
        row, kpi = numbers[position], kpis[position]
        band = low is not None or high is not None
        if band and (low is None or high is None):
            missing = "target_low" if low is None else "target_high"
            found.append(sheet.problem("band_incomplete", row=row, column=label(missing)))
        elif band and target is not None:
            found.append(sheet.problem("target_and_band", row=row, column=label("target"), kpi=kpi))
        elif band and polarities[position] is not Polarity.STABILIZE:
            found.append(sheet.problem("band_not_stabilize", row=row, column=label("target_low"), kpi=kpi))
        elif not band:
            found.append(sheet.problem("target_required", row=row, column=label("target"), kpi=kpi))
        else:
            continue
        bad.add(position)
    for column in ("unit", "period"):
        cells = values[column]
        if header.has(column) and has_none(cells) and count_none(cells) != len(cells):
            for position, value in enumerate(cells):
                if value is None and position not in bad:
                    bad.add(position)
                    found.append(sheet.problem("required", row=numbers[position], column=label(column)))
    if found:
        problems.extend(found)
        problems.sort(key=lambda p: p.row or 0)


def _scope(unit: str | None, period: Period | int | None) -> object:
    """The `(unit X, period P)` part of a message, in the language it is shown in."""

    def render(lang: Lang) -> str:
        if unit is not None and period is not None:
            return text("scope_unit_period", lang, unit=unit, period=period)
        if unit is not None:
            return text("scope_unit", lang, unit=unit)
        if period is not None:
            return text("scope_period", lang, period=period)
        return ""

    return render


def _in(unit: str | None, period: Period | None) -> object:
    def render(lang: Lang) -> str:
        if unit is not None and period is not None:
            return text("in_unit_period", lang, unit=unit, period=period)
        if unit is not None:
            return text("in_unit", lang, unit=unit)
        if period is not None:
            return text("in_period", lang, period=period)
        return text("in_file", lang)

    return render


def _check_table(table: ScorecardTable, problems: list[Problem], *, totals: bool = True) -> None:
    """The rules across rows: unique KPIs, one definition per KPI and year, weights total 100 %."""
    rows = table.rows
    if any(map(_period_of, rows)):  # a `Period` is always true
        _check_dated(table, problems, totals)
        return
    # One period: quick whole-table tests (in C) first; the units they leave in doubt are checked
    # row by row, which names the rows.
    if not _one_row_per_kpi(rows):
        _check_dated(table, problems, totals)
        return
    doubtful: set[str | None] = set()
    # one pass over the rows; the sets below are built from its (few) distinct tuples
    objectives = set(map(attrgetter("unit", "objective_code", "perspective", "perspective_weight"), rows))
    placed = {(u, o, p) for u, o, p, _ in objectives}
    if len(placed) != len({(u, o) for u, o, _ in placed}):
        counts = Counter((u, o) for u, o, _ in placed)
        doubtful.update(u for (u, _), count in counts.items() if count > 1)
    weights = {(u, p, w) for u, _, p, w in objectives}
    by_unit: dict[str | None, list[Decimal | None]] = {}
    for u, _, weight in weights:
        by_unit.setdefault(u, []).append(weight)
    per_perspective = Counter((u, p) for u, p, _ in weights)
    doubtful.update(u for (u, _), count in per_perspective.items() if count > 1)
    if totals:
        for u, found in by_unit.items():
            given = [w for w in found if w is not None]
            if given and (len(given) < len(found) or sum(given) != HUNDRED):
                doubtful.add(u)
        kpi_weights = list(map(attrgetter("kpi_weight"), rows))
        if count_none(kpi_weights) != len(kpi_weights):
            sums: dict[tuple[str | None, str], Decimal] = {}
            blank: set[tuple[str | None, str]] = set()
            for row in rows:
                key = (row.unit, row.objective_code)
                if row.kpi_weight is None:
                    blank.add(key)
                else:
                    sums[key] = sums.get(key, Decimal(0)) + row.kpi_weight
            doubtful.update(u for (u, o), total in sums.items() if total != HUNDRED or (u, o) in blank)
    if doubtful:
        for u in table.units:
            if u in doubtful:
                _check_year(table, u, None, [r for r in rows if r.unit == u], problems, totals)


_kpi_code_of = attrgetter("kpi_code")


def _one_row_per_kpi(rows: Sequence[ScorecardRow]) -> bool:
    """`len(set(map(attrgetter("unit", "kpi_code"), rows))) == len(rows)` a run of one unit's rows at a
    time (a table lists a unit's KPIs together): no pair built per row, no set of them all."""
    runs = 0
    for _unit, run in groupby(rows, _unit_of):
        codes = list(map(_kpi_code_of, run))
        if len(set(codes)) != len(codes):
            return False
        runs += 1
    return runs == len(set(map(_unit_of, rows)))  # no unit in two runs


def _check_dated(table: ScorecardTable, problems: list[Problem], totals: bool) -> None:
    """`_check_table` row by row: duplicates, definitions across periods, then each unit and year."""
    problem = table.problem
    seen: dict[tuple[str | None, Period | None, str], int] = {}
    # (unit, year) → KPI code → its first row
    first_of_year: dict[tuple[str | None, int | None], dict[str, ScorecardRow]] = {}
    for row in table.rows:
        key = (row.unit, row.period, row.kpi_code)
        other = seen.get(key)
        if other is not None:
            problems.append(
                problem(
                    "duplicate_kpi",
                    row.row,
                    "kpi_code",
                    kpi=row.kpi_code,
                    scope=_in(row.unit, row.period),
                    other=other,
                )
            )
            continue
        seen[key] = row.row
        year_kpis = first_of_year.setdefault((row.unit, row.period.year if row.period else None), {})
        first = year_kpis.get(row.kpi_code)
        if first is None:
            year_kpis[row.kpi_code] = row
            continue
        for attribute in DEFINITION:
            mine, theirs = getattr(row, attribute), getattr(first, attribute)
            if mine != theirs:
                problems.append(
                    problem(
                        "kpi_changes",
                        row.row,
                        attribute,
                        kpi=row.kpi_code,
                        value=shown_value(mine),
                        other=shown_value(theirs),
                        other_row=first.row,
                    )
                )

    for (unit, year), kpis in first_of_year.items():
        _check_year(table, unit, year, list(kpis.values()), problems, totals)


def _check_year(
    table: ScorecardTable,
    unit: str | None,
    year: int | None,
    kpis: list[ScorecardRow],
    problems: list[Problem],
    totals: bool,
) -> None:
    problem = table.problem
    perspective_of: dict[str, ScorecardRow] = {}
    weight_of: dict[str, ScorecardRow] = {}
    by_objective: dict[str, list[ScorecardRow]] = {}
    for row in kpis:
        first = perspective_of.setdefault(row.objective_code, row)
        if first.perspective != row.perspective:
            problems.append(
                problem(
                    "objective_two_perspectives",
                    row.row,
                    "perspective",
                    objective=row.objective_code,
                    value=row.perspective,
                    other=first.perspective,
                    other_row=first.row,
                )
            )
        first = weight_of.setdefault(row.perspective, row)
        if first.perspective_weight != row.perspective_weight:
            problems.append(
                problem(
                    "perspective_weight_differs",
                    row.row,
                    "perspective_weight",
                    perspective=row.perspective,
                    value=shown_value(row.perspective_weight),
                    other=shown_value(first.perspective_weight),
                    other_row=first.row,
                )
            )
        by_objective.setdefault(row.objective_code, []).append(row)

    if not totals:
        return
    scope = _scope(unit, year)
    weighted = [r for r in weight_of.values() if r.perspective_weight is not None]
    if weighted and len(weighted) < len(weight_of):
        for row in weight_of.values():
            if row.perspective_weight is None:
                problems.append(
                    problem(
                        "perspective_weight_partial",
                        row.row,
                        "perspective_weight",
                        perspective=row.perspective,
                    )
                )
    elif weighted:
        total = sum((r.perspective_weight for r in weighted if r.perspective_weight is not None), Decimal(0))
        if total != HUNDRED:
            problems.append(
                problem(
                    "perspective_weights_total",
                    weighted[0].row,
                    "perspective_weight",
                    total=format_number(total),
                    scope=scope,
                )
            )
    for objective, rows in by_objective.items():
        weighted = [r for r in rows if r.kpi_weight is not None]
        if weighted and len(weighted) < len(rows):
            for row in rows:
                if row.kpi_weight is None:
                    problems.append(
                        problem(
                            "kpi_weight_partial", row.row, "kpi_weight", kpi=row.kpi_code, objective=objective
                        )
                    )
        elif weighted:
            total = sum((r.kpi_weight for r in weighted if r.kpi_weight is not None), Decimal(0))
            if total != HUNDRED:
                problems.append(
                    problem(
                        "kpi_weights_total",
                        weighted[0].row,
                        "kpi_weight",
                        objective=objective,
                        total=format_number(total),
                        scope=scope,
                    )
                )


# ---------------------------------------------------------------- writing

SCORED_COLUMNS = ("index", "status")


def scorecard_columns(rows: Sequence[ScorecardRow]) -> list[str]:
    """The columns a table of these rows needs: the required ones and every optional one in use."""
    used = {
        "unit": any(r.unit is not None for r in rows),
        "period": any(r.period is not None for r in rows),
        "perspective_weight": any(r.perspective_weight is not None for r in rows),
        "objective_name": any(r.objective_name for r in rows),
        "kpi_name": any(r.kpi_name for r in rows),
        "kpi_weight": any(r.kpi_weight is not None for r in rows),
        "target_low": any(r.target_low is not None for r in rows),
        "target_high": any(r.target_high is not None for r in rows),
        "worst": any(r.worst is not None for r in rows),
        "consolidation": any(r.consolidation != "last" for r in rows),
        "cap_on_target": any(r.cap_on_target for r in rows),
        "measure_unit": any(r.measure_unit for r in rows),
        "validity": any(r.validity for r in rows),
        "controllability": any(r.controllability for r in rows),
    }
    if used["target_low"] or used["target_high"]:
        used["target_low"] = used["target_high"] = True
    return [name for name in SCORECARD_COLUMNS.names if used.get(name, True)]


def _cell_value(row: ScorecardRow, column: str) -> object:
    value = getattr(row, column)
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Period):
        return str(value)
    return value


def scorecard_records(
    rows: Sequence[ScorecardRow],
    indices: dict[int, tuple[Decimal | None, str | None]] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[list[str], list[list[object]]]:
    """Header and cell values (Decimal, str or None) of rows; `indices` maps a row's position to its score."""
    names = list(columns or scorecard_columns(rows))
    header = names + (list(SCORED_COLUMNS) if indices is not None else [])
    records: list[list[object]] = []
    for position, row in enumerate(rows):
        values = [_cell_value(row, name) for name in names]
        if indices is not None:
            index, status = indices.get(position, (None, None))
            values += [index, status]
        records.append(values)
    return header, records


def write_scorecard(
    destination: str | Path | IO[bytes] | IO[str],
    rows: Iterable[ScorecardRow],
    *,
    fmt: str | None = None,
    indices: dict[int, tuple[Decimal | None, str | None]] | None = None,
    columns: Sequence[str] | None = None,
    sheet_title: str = "scorecard",
) -> None:
    """Write rows as a scorecard table (CSV, or .xlsx when `fmt` or the file name says so).

    With `indices` (row position → (index, status), e.g. from `score_indices`) the
    table carries each row's index and status in two more columns, which
    `read_scorecard` ignores on the way back in. A text stream is written as CSV.
    """
    rows = list(rows)
    kind = (fmt or Path(str(getattr(destination, "name", destination))).suffix).lower().lstrip(".")
    header, records = scorecard_records(rows, indices, columns)
    if kind in {"xlsx", "xlsm"}:
        write_xlsx_sheets(destination, [(sheet_title, header, records)])  # type: ignore[arg-type]
        return
    text_rows = ([format_cell(v) for v in record] for record in records)
    if isinstance(destination, str | Path):
        write_csv(destination, header, text_rows)
    elif isinstance(destination, io.TextIOBase) or hasattr(destination, "encoding"):
        write_csv(cast(IO[str], destination), header, text_rows)
    else:
        wrapper = io.TextIOWrapper(cast(IO[bytes], destination), encoding="utf-8", newline="")
        try:
            write_csv(wrapper, header, text_rows)
        finally:
            wrapper.detach()
