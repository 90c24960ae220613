"""Scoring an employee workbook with the scoring core: rows in, employee results (NKP) out.

The rows of the three sheets become the core's `Employee`s (with their
`EmployeeKpi`s, `CoreValues` or `BehaviourRating`s) and are scored by
`score_employees` under the rule set's method (§6 CKP + NP, or §7 NHK + NPK).
The core's errors become `Problem`s naming the sheet, row and column.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from typing import Any

from kinerja.interchange.cells import Period, parse_period
from kinerja.interchange.core import core_message, rule_set, unique
from kinerja.interchange.employees import (
    ASPECTS,
    CORE_VALUES,
    IKI,
    PEGAWAI,
    CoreValuesRow,
    EmployeeKpiRow,
    EmployeeRow,
    EmployeeWorkbook,
    RatingRow,
    target_problems,
)
from kinerja.interchange.messages import InvalidFileError, Problem
from kinerja.interchange.report import Table, number
from kinerja.interchange.scoring import SelectionError
from kinerja.scoring import (
    BehaviourRating,
    CoreValues,
    Employee,
    EmployeeKpi,
    EmployeeResult,
    Nkp2014Result,
    Nkp2026Result,
    PeriodValue,
    Polarity,
    RuleSet,
    ScoringError,
    ScoringErrors,
    Sentence,
    employee_kpi,
    score_employee_2026,
    score_employees,
    subordinate_penalties,
)

_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ScoredEmployee:
    """One employee's result, with the row of sheet pegawai it came from."""

    row: EmployeeRow
    result: EmployeeResult

    @property
    def nip(self) -> str:
        return self.row.nip

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `kinerja nkp --format json` (interchange.md)."""
        return self.result.to_dict()

    def to_json(self) -> str:
        """`json.dumps(self.to_dict(), ensure_ascii=False)` (written directly when the result can)."""
        if isinstance(self.result, Nkp2026Result):
            return self.result.to_json()
        return json.dumps(self.result.to_dict(), ensure_ascii=False)


def as_of_period(book: EmployeeWorkbook, period: str | None) -> Period | None:
    """The period to score as of: the one asked for, else the workbook's latest (None without periods)."""
    periods = book.periods()
    if period is None:
        return periods[-1]
    try:
        as_of = parse_period(period)
    except ValueError:
        raise SelectionError(
            f"--period {period!r} is not a period (2026, 2026-Q2, 2026-S1 or 2026-06)"
        ) from None
    if as_of is None:
        raise SelectionError("--period is empty")
    if periods != [None] and not any(p is not None and as_of.includes(p) for p in periods):
        shown = ", ".join(str(p) for p in periods)
        raise SelectionError(
            f"no iki or perilaku rows up to period {as_of}; periods in the workbook: {shown}"
        )
    return as_of


@dataclass(slots=True)
class _Rows:
    """Where each input came from, to name the row of a core error.

    `_employees(..., lazy=True)` leaves out of `iki` the KPIs of a workbook without periods: the
    last employee given out has them in `last` (its NIP and iki rows) until `note_kpis` puts them in,
    which a caller does for an employee the core finds an error in (the others' are never needed).
    """

    pegawai: dict[str, EmployeeRow]
    iki: dict[tuple[str, str], int]  # (NIP, KPI code) → the row number (not the row: it can be freed)
    perilaku: dict[str, int]
    last: tuple[str, list[EmployeeKpiRow]] | None = None

    def note_kpis(self, nip: str) -> None:
        """Put the KPI rows of employee `nip`, the last one given out, into `iki` (when left out)."""
        if self.last is not None and self.last[0] == nip:
            for row in self.last[1]:
                self.iki[(nip, row.kpi_code)] = row.row


def _kpi_input(rows: list[EmployeeKpiRow], as_of: Period | None) -> tuple[EmployeeKpi, EmployeeKpiRow]:
    """The core input of one employee KPI (its rows of one year) and the row standing for it."""
    first = rows[0]
    dated = first.period is not None
    if not dated and len(rows) == 1:
        return _undated_kpi(first), first
    shown = rows[-1]
    index = first.index
    if dated:
        rows.sort(key=lambda r: r.period.sort_key())  # type: ignore[union-attr]
        upto = [r for r in rows if as_of is None or as_of.includes(r.period)]  # type: ignore[arg-type]
        if upto:
            shown = upto[-1]
        given = [r.index for r in upto if r.index is not None]
        index = given[-1] if given else None
    # positional: one per row of a big workbook (`employee_kpi` says why)
    kpi = employee_kpi(
        first.kpi_code,
        first.polarity or Polarity.MAX,  # with an index given directly, unused
        None if dated else first.target,
        None if dated else first.realization,
        None if dated else first.target_low,
        None if dated else first.target_high,
        first.worst,
        first.consolidation,
        tuple(PeriodValue(str(r.period), r.target, r.realization, r.target_low, r.target_high) for r in rows)
        if dated
        else (),
        first.cap_on_target,
        index,
        first.kpi_name,
        first.weight,
        first.validity,
        first.controllability,
        first.kpi_kind,
        first.target_prev,
        first.realization_prev,
        first.fixed_target,
        first.k3,
        first.days,
    )
    return kpi, shown


def _undated_kpi(row: EmployeeKpiRow) -> EmployeeKpi:
    """`_kpi_input([row], None)[0]`: the core input of a KPI of a workbook without periods (its one row)."""
    return employee_kpi(
        row.kpi_code,
        row.polarity or Polarity.MAX,  # with an index given directly, unused
        row.target,
        row.realization,
        row.target_low,
        row.target_high,
        row.worst,
        row.consolidation,
        (),
        row.cap_on_target,
        row.index,
        row.kpi_name,
        row.weight,
        row.validity,
        row.controllability,
        row.kpi_kind,
        row.target_prev,
        row.realization_prev,
        row.fixed_target,
        row.k3,
        row.days,
    )


_nip_of = attrgetter("nip")
_code_of = attrgetter("kpi_code")
_period_of = attrgetter("period")
_core_values_of = attrgetter(*CORE_VALUES)


def employees_of(
    book: EmployeeWorkbook, as_of: Period | None, *, release: bool = False
) -> tuple[list[Employee], _Rows]:
    """The core's `Employee`s of the workbook, in the order of sheet pegawai, scored as of `as_of`.

    With `release`, `book.kpis` and `book.behaviour` are emptied once grouped (see `score_workbook`).
    """
    where = _Rows({}, {}, {})
    return list(_employees(book, as_of, where, release)), where


def _employees(
    book: EmployeeWorkbook, as_of: Period | None, where: _Rows, release: bool, *, lazy: bool = False
) -> Iterator[Employee]:
    """`employees_of`, one employee at a time (`where` filled as they come); the rows are grouped first.

    With `lazy`, the KPI rows of a workbook without periods are not put into `where.iki` (see `_Rows`).
    """
    # Without periods (the usual contract file) the rows are grouped by NIP, a run of rows at a time
    # (a file lists an employee's KPIs together), each KPI being one row; with periods, by NIP and code.
    by_nip: dict[str, list[EmployeeKpiRow]] | None = None
    kpi_rows: dict[str, dict[str, list[EmployeeKpiRow]]] = {}
    if not any(map(_period_of, book.kpis)):  # a `Period` is always true: none has one
        by_nip = {}
        for nip, run in groupby(book.kpis, _nip_of):
            found = by_nip.get(nip)
            if found is None:
                by_nip[nip] = list(run)
            else:
                found.extend(run)
    else:
        for k in book.kpis:
            if as_of is not None and k.period is not None and k.period.year != as_of.year:
                continue
            kpi_rows.setdefault(k.nip, {}).setdefault(k.kpi_code, []).append(k)
    behaviour: dict[str, list[Any]] = {}
    for b in book.behaviour:
        behaviour.setdefault(b.nip, []).append(b)
    if release:
        book.kpis = []
        book.behaviour = []
    label = "" if as_of is None else str(as_of)
    labels: dict[int, tuple[Period, str]] = {}  # a period's text, by the (shared) object's identity
    for e in book.employees:
        nip = e.nip
        where.pegawai[nip] = e
        kpis: list[EmployeeKpi] = []
        if by_nip is not None:
            rows = by_nip.pop(nip, None)  # popped: freed once scored
            if rows and len(set(map(_code_of, rows))) == len(rows):
                kpis = list(map(_undated_kpi, rows))
                if lazy:
                    where.last = (nip, rows)
                else:
                    for row in rows:
                        where.iki[(nip, row.kpi_code)] = row.row
            elif rows:  # a code twice (not from `read_workbook`, which refuses it): as with periods
                for row in rows:
                    kpi_rows.setdefault(nip, {}).setdefault(row.kpi_code, []).append(row)
        for code, found in kpi_rows.pop(nip, {}).items():  # popped: freed once scored
            kpi, shown = _kpi_input(found, as_of)
            kpis.append(kpi)
            where.iki[(nip, code)] = shown.row
        core_values: list[CoreValues] = []
        ratings: list[BehaviourRating] = []
        for b in behaviour.pop(nip, ()):
            where.perilaku.setdefault(nip, b.row)
            if isinstance(b, CoreValuesRow):
                period = b.period
                if period:
                    shared = labels.get(id(period))
                    if shared is None or shared[0] is not period:
                        shared = labels[id(period)] = (period, str(period))
                    text = shared[1]
                else:
                    text = label
                core_values.append(CoreValues(text, *_core_values_of(b)))
            else:
                assert isinstance(b, RatingRow)
                ratings.append(
                    BehaviourRating(
                        str(b.semester),
                        b.rater_nip or f"row {b.row}",
                        b.rater_group,
                        *(getattr(b, name) for name in ASPECTS),
                    )
                )
        yield Employee(
            nip=nip,
            name=e.name,
            superior_nip=e.superior_nip,
            unit=e.unit,
            job_category=e.job_category,
            tier=e.tier,
            nko=e.nko,
            discipline=_sentences(e),
            correction=e.correction if e.correction is not None else _ZERO,
            calibrate=e.calibrate,
            kpis=tuple(kpis),
            ratings=tuple(ratings),
            core_values=tuple(core_values),
        )


def _sentences(e: EmployeeRow) -> tuple[Sentence, ...]:
    if e.discipline_category is not None and e.discipline_score is not None:
        return (Sentence(e.discipline_category, e.discipline_score),)
    return ()


_PERILAKU_FIELDS = {"period", "semester", "rater_nip", "rater_group", *CORE_VALUES, *ASPECTS}


def _problem(book: EmployeeWorkbook, where: _Rows, error: ScoringError) -> Problem:
    nip, kpi, field = error.employee, error.kpi, error.field
    detail = core_message(error)
    if nip is not None and kpi is not None and (nip, kpi) in where.iki:
        column = field if field in IKI.names else None
        return book.problem("iki", "scoring", where.iki[(nip, kpi)], column, detail=detail)
    if nip is not None and field in _PERILAKU_FIELDS and nip in where.perilaku:
        return book.problem("perilaku", "scoring", where.perilaku[nip], field, detail=detail)
    if nip is not None and nip in where.pegawai:
        column = field if field in PEGAWAI.names else None
        return book.problem("pegawai", "scoring", where.pegawai[nip].row, column, detail=detail)
    return book.problem("pegawai", "scoring", None, None, detail=detail)


def score_workbook(
    book: EmployeeWorkbook,
    *,
    rules: str | RuleSet | None = None,
    period: str | None = None,
    release: bool = False,
) -> list[ScoredEmployee]:
    """Score every employee of the workbook, in the order of sheet pegawai.

    The score is as of `period` (the workbook's latest period when None): KPIs
    with periods are consolidated over the periods of its year up to it, and
    behaviour is taken up to it. Raises `SelectionError` for a period the
    workbook has nothing up to, `InvalidFileError` for everything the core
    cannot score (all at once, each naming its sheet and row).

    With `release` the workbook's iki and perilaku rows are let go (`book.kpis` and
    `book.behaviour` emptied) once they are the core's inputs, so that a big workbook's
    rows are not held beside the results (`kinerja nkp` does this).
    """
    rs = rule_set(rules)
    as_of = as_of_period(book, period)
    # The core indexes every reported KPI and raises what `target_problems` would; the targets
    # of the others (not reported, or with periods, where it sees only the consolidated pair) first.
    problems = target_problems(
        book,
        (k for k in book.kpis if k.index is None and (k.period is not None or k.realization is None)),
        rs,
    )
    employees, where = employees_of(book, as_of, release=release)
    try:
        results = score_employees(employees, rules=rs, as_of_period=None if as_of is None else str(as_of))
    except ScoringError as failure:
        problems.extend(_problem(book, where, error) for error in failure.errors)
    if problems:
        raise InvalidFileError(unique(problems))
    return [ScoredEmployee(where.pegawai[r.nip], r) for r in results]


def stream_workbook(
    book: EmployeeWorkbook,
    emit: Callable[[ScoredEmployee], None],
    *,
    rules: str | RuleSet | None = None,
    period: str | None = None,
) -> None:
    """`score_workbook` one employee at a time: `emit` is given each `ScoredEmployee` as it is scored.

    Nothing of an employee is kept once `emit` returns (`kinerja nkp` writes its JSON text and lets
    the results go), so a big workbook never holds every result at once. The workbook's iki and
    perilaku rows are let go once grouped (as `score_workbook` with `release`). Errors are those of
    `score_workbook`, raised together at the end, after every employee (when there is one, the
    caller must drop what `emit` was given). Employee scores under `kmk-127-2026` only (`kmk-467-2014`
    ranks employees against each other: use `score_workbook`).
    """
    rs = rule_set(rules)
    if rs.nkp2026 is None:
        raise ValueError(f"stream_workbook scores under kmk-127-2026, not {rs.code}")
    as_of = as_of_period(book, period)
    label = None if as_of is None else str(as_of)
    problems = target_problems(
        book,
        (k for k in book.kpis if k.index is None and (k.period is not None or k.realization is None)),
        rs,
    )
    penalties = subordinate_penalties(
        ((e.superior_nip, _sentences(e)) for e in book.employees), rules=rs, as_of_period=label
    )
    where = _Rows({}, {}, {})
    errors: list[ScoringError] = []
    pegawai = where.pegawai
    for employee in _employees(book, as_of, where, True, lazy=True):
        nip = employee.nip
        try:
            result = score_employee_2026(
                employee, rules=rs, as_of_period=label, subordinate_penalties=penalties.get(nip, ())
            )
        except ScoringError as exc:
            errors.append(exc)
            where.note_kpis(nip)  # its KPIs' rows, to name them (`_problem`)
            continue
        if not errors and not problems:  # once there is an error nothing is printed: stop emitting
            emit(ScoredEmployee(pegawai[nip], result))
    if errors:
        problems.extend(_problem(book, where, error) for error in ScoringErrors(errors).errors)
    if problems:
        raise InvalidFileError(unique(problems))


def nkp_text(scored: Sequence[ScoredEmployee], rules: RuleSet, colour: bool = False) -> str:
    """The employees as a person reads them: one line each with every figure and the predicate."""
    if rules.nkp2026 is not None:
        table = Table(
            [
                "nip",
                "name",
                "NHK",
                "NHK cal.",
                "NPK",
                "NPK cal.",
                "NKP",
                "work result",
                "behaviour",
                "predicate",
            ],
            {2, 3, 4, 5, 6},
        )
        for s in scored:
            r = s.result
            assert isinstance(r, Nkp2026Result)
            work = "" if r.work_rating is None else f"{number(r.work_result)} {r.work_rating.value}"
            behaviour = (
                "" if r.behaviour_rating is None else f"{number(r.behaviour)} {r.behaviour_rating.value}"
            )
            table.add(
                [
                    s.nip,
                    s.row.name,
                    number(r.nhk),
                    number(r.nhk_calibrated),
                    number(r.npk),
                    number(r.npk_calibrated),
                    number(r.nkp),
                    work,
                    behaviour,
                    r.predicate or "",
                ]
            )
    else:
        table = Table(["nip", "name", "CKP", "NP", "NP band", "NKP", "distribution"], {2, 3, 5})
        for s in scored:
            r14 = s.result
            assert isinstance(r14, Nkp2014Result)
            table.add(
                [
                    s.nip,
                    s.row.name,
                    number(r14.ckp),
                    number(r14.np),
                    r14.np_band or "",
                    number(r14.nkp),
                    "" if r14.distribution is None else r14.distribution.value,
                ]
            )
    lines = [f"rules {rules.code}", *table.render(colour)]
    incomplete = [s for s in scored if not s.result.complete]
    for s in incomplete:
        lines.append(f"incomplete: {s.nip}: missing {', '.join(s.result.missing)}")
    return "\n".join(lines)
