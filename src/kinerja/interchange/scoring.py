"""Scoring a scorecard table with the scoring core: rows in, `ScorecardResult`s out.

Nothing here computes a figure: the rows are turned into the core's
`ScorecardKpi`s and scored by `score_scorecard`; the core's errors are turned
into `Problem`s naming the file, row and column of the KPI concerned.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kinerja.interchange.cells import Period, parse_period
from kinerja.interchange.core import row_problem, rule_set, target_problems, unique
from kinerja.interchange.messages import InterchangeError, InvalidFileError
from kinerja.interchange.scorecard import ScorecardRow, ScorecardTable
from kinerja.scoring import (
    PeriodValue,
    RuleSet,
    ScorecardKpi,
    ScorecardResult,
    ScoringError,
    score_scorecard,
    scorecard_kpi,
)


class SelectionError(InterchangeError):
    """`--unit` or `--period` names something the file does not have."""


# ---------------------------------------------------------------- scoring


@dataclass(frozen=True, slots=True)
class ScoredScorecard:
    """One unit's scorecard as of one period: the core's result and the rows it came from."""

    unit: str | None
    period: Period | None
    result: ScorecardResult
    rows: dict[str, ScorecardRow]  # KPI code → its first row of the year (names, measure unit)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of `kinerja score --format json` (interchange.md)."""
        return {
            "unit": self.unit,
            "period": None if self.period is None else str(self.period),
            **self.result.to_dict(),
        }

    def to_json(self) -> str:
        """`json.dumps(self.to_dict(), ensure_ascii=False)`, written directly (the same text, faster)."""
        unit = "null" if self.unit is None else json.dumps(self.unit, ensure_ascii=False)
        period = "null" if self.period is None else json.dumps(str(self.period), ensure_ascii=False)
        return self.result.to_json(f'{{"unit": {unit}, "period": {period}, ')


@dataclass(slots=True)
class _Unit:
    """A unit's KPIs of one year, ready for the core: built once, scored as of each period."""

    kpis: list[ScorecardKpi]
    rows: dict[str, ScorecardRow]
    by_period: dict[str, dict[str, ScorecardRow]]  # KPI code → period label → row


def _kpi(row: ScorecardRow, periods: tuple[PeriodValue, ...] = ()) -> ScorecardKpi:
    if periods:
        return ScorecardKpi(
            code=row.kpi_code,
            polarity=row.polarity,
            worst=row.worst,
            consolidation=row.consolidation,
            periods=periods,
            cap_on_target=row.cap_on_target,
            name=row.kpi_name,
            perspective=row.perspective,
            objective=row.objective_code,
            weight=row.kpi_weight,
            perspective_weight=row.perspective_weight,
            objective_name=row.objective_name,
        )
    # positional: one per row of a big table (`scorecard_kpi` says why)
    return scorecard_kpi(
        row.kpi_code,
        row.polarity,
        row.target,
        row.realization,
        row.target_low,
        row.target_high,
        row.worst,
        row.consolidation,
        row.cap_on_target,
        row.kpi_name,
        row.perspective,
        row.objective_code,
        row.kpi_weight,
        row.perspective_weight,
        row.objective_name,
    )


def _group(rows: Sequence[ScorecardRow]) -> dict[tuple[str | None, int | None], _Unit]:
    """Rows by unit and year, each KPI with its periods in time order."""
    if all(row.period is None for row in rows):
        return _group_undated(rows)
    series: dict[tuple[str | None, int | None], dict[str, list[ScorecardRow]]] = {}
    for row in rows:
        key = (row.unit, row.period.year if row.period is not None else None)
        kpis = series.get(key)
        if kpis is None:
            kpis = series[key] = {}
        found = kpis.get(row.kpi_code)
        if found is None:
            kpis[row.kpi_code] = [row]
        else:
            found.append(row)
    grouped: dict[tuple[str | None, int | None], _Unit] = {}
    for key, kpis in series.items():
        if key[1] is None:
            firsts = {code: found[0] for code, found in kpis.items()}
            grouped[key] = _Unit([_kpi(r) for r in firsts.values()], firsts, {})
            continue
        unit = _Unit([], {}, {})
        for code, found in kpis.items():
            found.sort(key=_period_of)
            periods = tuple(
                PeriodValue(str(r.period), r.target, r.realization, r.target_low, r.target_high)
                for r in found
            )
            unit.kpis.append(_kpi(found[0], periods))
            unit.rows[code] = found[0]
            unit.by_period[code] = {str(r.period): r for r in found}
        grouped[key] = unit
    return grouped


def _group_undated(rows: Sequence[ScorecardRow]) -> dict[tuple[str | None, int | None], _Unit]:
    """`_group` of a table without periods: each KPI's first row of its unit, one pass, no lists."""
    firsts_of: dict[str | None, dict[str, ScorecardRow]] = {}
    current: str | None = None
    firsts: dict[str, ScorecardRow] | None = None
    for row in rows:
        if firsts is None or row.unit != current:  # rows of a unit usually come together
            current = row.unit
            firsts = firsts_of.get(current)
            if firsts is None:
                firsts = firsts_of[current] = {}
        firsts.setdefault(row.kpi_code, row)
    return {
        (unit, None): _Unit(list(map(_kpi, found.values())), found, {}) for unit, found in firsts_of.items()
    }


def _period_of(row: ScorecardRow) -> tuple[int, int, int]:
    assert row.period is not None
    return row.period.sort_key()


def selection(
    table: ScorecardTable, unit: str | None = None, period: str | None = None
) -> list[tuple[str | None, Period | None]]:
    """The (unit, as-of period) pairs to score: the ones asked for, else every unit and period of the file.

    Raises `SelectionError` when the file has no such unit or no rows in the period's year.
    """
    by_unit = table.periods_by_unit()
    units: list[str | None] = list(by_unit)
    if unit is not None:
        wanted = unit.strip().lower()
        chosen: list[str | None] = [u for u in units if u is not None and u.lower() == wanted]
        if not chosen:
            known = ", ".join(u for u in units if u is not None) or "none (the file has no unit column)"
            raise SelectionError(f"{table.source}: no unit {unit!r}; units in the file: {known}")
        units = chosen
    pairs: list[tuple[str | None, Period | None]] = []
    as_of: Period | None = None
    if period is not None:
        try:
            as_of = parse_period(period)
        except ValueError:
            raise SelectionError(
                f"--period {period!r} is not a period (2026, 2026-Q2, 2026-S1 or 2026-06)"
            ) from None
        if all(None in found for found in by_unit.values()):
            raise SelectionError(f"{table.source}: --period {period} given but the file has no period column")
    for u in units:
        found = by_unit.get(u, set())
        periods: list[Period | None] = [None]
        if None not in found:
            periods = sorted(p for p in found if p is not None)  # type: ignore[assignment]
        if as_of is None:
            pairs.extend((u, p) for p in periods)
            continue
        if not any(p is not None and p.year == as_of.year and as_of.includes(p) for p in periods):
            where = f" of unit {u}" if u is not None else ""
            shown = ", ".join(str(p) for p in periods)
            raise SelectionError(
                f"{table.source}: no rows{where} up to period {as_of}; periods in the file: {shown}"
            )
        pairs.append((u, as_of))
    return pairs


def score_table(
    table: ScorecardTable,
    *,
    rules: str | RuleSet | None = None,
    unit: str | None = None,
    period: str | None = None,
) -> list[ScoredScorecard]:
    """Check the targets and score the table's scorecards: one per unit and period (or those asked for).

    With periods, each period's score is *as of* it: the core consolidates the
    periods of the same year up to it (`scoring.md` §2). Raises
    `SelectionError` for an unknown unit or period and `InvalidFileError`
    naming the rows of everything the core cannot score (every row's target
    is checked against its polarity, `check_targets`), all together.
    """
    rs = rule_set(rules)
    pairs = selection(table, unit, period)
    chosen = {u for u, _ in pairs}
    rows = (
        table.rows
        if len(chosen) == len(table.periods_by_unit())
        else [r for r in table.rows if r.unit in chosen]
    )
    dated = any(p is not None for _, p in pairs)
    # Without periods the core computes the index of every reported row and raises what
    # `check_targets` would: only the unreported rows need the check beforehand.
    problems = target_problems(table, rows if dated else (r for r in rows if r.realization is None), rs)
    grouped = _group(rows)
    scored: list[ScoredScorecard] = []
    reported: set[tuple[str, str | None, int | None]] = set()
    for u, p in pairs:
        year = p.year if p is not None else None
        group = grouped[(u, year)]
        try:
            result = score_scorecard(group.kpis, rules=rs, as_of_period=None if p is None else str(p))
        except ScoringError as failure:
            for error in failure.errors:
                key = (error.message, u, year)
                if key in reported:  # the same error as of an earlier period of the year
                    continue
                reported.add(key)
                problems.append(row_problem(table, _row_of(group, error, p), error))
            continue
        scored.append(ScoredScorecard(u, p, result, group.rows))
    if problems:
        raise InvalidFileError(unique(problems))
    return scored


def _row_of(group: _Unit, error: ScoringError, as_of: Period | None) -> ScorecardRow | None:
    """The row an error is about: the KPI's latest row up to the period (its first row without periods)."""
    code = error.kpi
    if code is None:
        return None
    if code not in group.rows:
        # errors about an objective or perspective name it, not a KPI: point at its first KPI
        for row in group.rows.values():
            if code in (f"objective {row.objective_code}", f"perspective {row.perspective}"):
                return row
        return None
    rows = group.by_period.get(code)
    if not rows or as_of is None:
        return group.rows[code]
    latest = [r for r in rows.values() if r.period is not None and as_of.includes(r.period)]
    return max(latest, key=_period_of) if latest else group.rows[code]


def score_indices(
    rows: Sequence[ScorecardRow], scored: Sequence[ScoredScorecard]
) -> dict[int, tuple[Decimal | None, str | None]]:
    """Row position → (index, status) as of the row's own period, for `write_scorecard(indices=...)`."""
    by_key = {(s.unit, s.period): s.result for s in scored}
    out: dict[int, tuple[Decimal | None, str | None]] = {}
    for position, row in enumerate(rows):
        result = by_key.get((row.unit, row.period))
        if result is None:
            continue
        try:
            kpi = result.kpi(row.kpi_code)
        except KeyError:
            continue
        out[position] = (kpi.index, None if kpi.status is None else kpi.status.value)
    return out
