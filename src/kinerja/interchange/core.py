"""The scoring core's rule sets and errors, as the interchange formats use them.

`target_problems` checks each row's target against its polarity with the core's
own `kpi_index` (one source of truth for the rules of `scoring.md` §1 and
§7.1); `row_problem` turns a core error into a `Problem` naming the file, row
and column, with an Indonesian text for the errors a file can cause.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from kinerja.interchange.messages import InvalidFileError, Lang, Problem
from kinerja.scoring import Polarity, RuleSet, ScoringError, get_rule_set, kpi_index

if TYPE_CHECKING:
    from kinerja.interchange.scorecard import ScorecardRow, ScorecardTable

R = TypeVar("R", bound="TargetRow")

# the Indonesian text of the core's errors (the core's own English message is used for English)
SCORING_ID: dict[str, str] = {
    "target_missing": "IKU {kpi}: target tidak ada",
    "max_zero_target": "IKU {kpi}: polaritas max dengan target 0 tidak dapat dihitung (R / 0)",
    "min_zero_target_no_worst": "IKU {kpi}: polaritas min dengan target 0 memerlukan batas toleransi (worst)",
    "worst_not_positive": "IKU {kpi}: batas toleransi harus positif",
    "band_inverted": "IKU {kpi}: target_low lebih besar dari target_high",
    "band_not_positive": "IKU {kpi}: batas rentang harus positif",
    "stabilize_target_not_positive": "IKU {kpi}: target stabilisasi harus positif (tidak boleh dibagi nol)",
    "period_target_missing": "IKU {kpi}: ada realisasi tanpa target",
    "duplicate_code": "IKU {kpi}: kode dipakai dua kali dalam satu unit",
    "weights_partial": "bobot diisi sebagian (isi semua atau kosongkan semua)",
    "weights_total": "jumlah bobot bukan 100",
    "weights_inconsistent": "bobot berbeda antarbaris",
    "weight_invalid": "bobot tidak valid",
    "objective_perspective": "IKU {kpi}: sasaran strategis berada pada dua perspektif",
    "quality_not_allowed": "IKI {kpi}: pasangan jenis dan tingkat kendali tidak diperbolehkan",
    "quality_missing": "IKI {kpi}: jenis dan tingkat kendali wajib diisi",
    "history_missing": "IKI {kpi}: target dan realisasi tahun lalu wajib diisi",
}


def rule_set(rules: str | RuleSet | None) -> RuleSet:
    """The core's rule set named `rules` (the default when None)."""
    return rules if isinstance(rules, RuleSet) else get_rule_set(rules)


def core_message(error: ScoringError) -> Any:
    def render(lang: Lang) -> str:
        if lang == "id" and error.code in SCORING_ID:
            return SCORING_ID[error.code].format(kpi=error.kpi or "?")
        return error.message

    return render


def check_targets(table: ScorecardTable, rules: str | RuleSet | None = None) -> None:
    """Every row's target fits its polarity under `rules` (`scoring.md` §1; §7.1): max with target 0,
    min with target 0 and no worst value, a band with low above high or a non-positive bound ...

    The rule is the core's: each row's target is put through `kpi_index` with a
    realization equal to the target. Raises `InvalidFileError` naming each row.
    """
    problems = target_problems(table, table.rows, rule_set(rules))
    if problems:
        raise InvalidFileError(problems)


class TargetRow(Protocol):
    """What `target_problems` reads of a row (a scorecard row or an employee's KPI row)."""

    @property
    def kpi_code(self) -> str: ...
    @property
    def polarity(self) -> Polarity | None: ...
    @property
    def target(self) -> Decimal | None: ...
    @property
    def target_low(self) -> Decimal | None: ...
    @property
    def target_high(self) -> Decimal | None: ...
    @property
    def worst(self) -> Decimal | None: ...
    @property
    def cap_on_target(self) -> bool: ...


def target_errors(rows: Iterable[R], rules: RuleSet) -> Iterator[tuple[R, ScoringError]]:
    """The rows whose target does not fit the polarity, with the core's error (see `check_targets`)."""
    for row in rows:
        probe = row.target if row.target is not None else row.target_low
        if probe is None or row.polarity is None:
            continue
        try:
            kpi_index(
                row.polarity,
                probe,
                target=row.target,
                target_low=row.target_low,
                target_high=row.target_high,
                worst=row.worst,
                cap_on_target=row.cap_on_target,
                rules=rules,
                kpi=row.kpi_code,
            )
        except ScoringError as error:
            yield row, error


def target_problems(table: ScorecardTable, rows: Iterable[ScorecardRow], rules: RuleSet) -> list[Problem]:
    """The problems of the table's `rows` whose target does not fit the polarity (see `check_targets`)."""
    return [row_problem(table, row, error) for row, error in target_errors(rows, rules)]


def row_problem(table: ScorecardTable, row: ScorecardRow | None, error: ScoringError) -> Problem:
    """A core error on a row of a scorecard table; the column is the field at fault, when it is a column."""
    # scorecard.py builds on this module (a real cycle at import time): its column list is read at call time.
    from kinerja.interchange.scorecard import SCORECARD_COLUMNS

    field = error.field
    column = field if field is not None and field in SCORECARD_COLUMNS.names else None
    return table.problem("scoring", row.row if row is not None else None, column, detail=core_message(error))


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """Problems without repeats (a target error found by the check and again by scoring)."""
    seen: set[tuple[str, str | None, int | None, str | None, str]] = set()
    out = []
    for p in problems:
        key = (p.source, p.sheet, p.row, p.column, p.message())
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
