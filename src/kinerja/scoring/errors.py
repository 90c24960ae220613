"""Errors of the scoring core.

A `ScoringError` is a `ValueError` carrying a machine-readable `code` (an
`ErrorCode`), an English message that names the KPI (or employee) concerned,
and, when known, the input `field` at fault (named like the interchange
columns: ``target``, ``target_low``, ``worst``, ``perspective_weight`` ...).
The interchange layer adds the file and row. Batch functions
(`score_scorecard`, `score_employees`) collect every error they find and raise
one `ScoringErrors` holding them all, so a file's errors are reported together.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

__all__ = ["ErrorCode", "ScoringError", "ScoringErrors"]


class ErrorCode(StrEnum):
    """Machine codes of scoring errors (stable: the interchange and the API expose them)."""

    UNKNOWN_RULE_SET = "unknown_rule_set"
    TARGET_MISSING = "target_missing"
    MAX_ZERO_TARGET = "max_zero_target"
    MIN_ZERO_TARGET_NO_WORST = "min_zero_target_no_worst"
    WORST_NOT_POSITIVE = "worst_not_positive"
    BAND_INVERTED = "band_inverted"
    BAND_NOT_POSITIVE = "band_not_positive"
    STABILIZE_TARGET_NOT_POSITIVE = "stabilize_target_not_positive"
    PERIOD_INVALID = "period_invalid"
    PERIOD_TARGET_MISSING = "period_target_missing"
    DUPLICATE_CODE = "duplicate_code"
    WEIGHT_INVALID = "weight_invalid"
    WEIGHTS_PARTIAL = "weights_partial"
    WEIGHTS_INCONSISTENT = "weights_inconsistent"
    WEIGHTS_TOTAL = "weights_total"
    OBJECTIVE_PERSPECTIVE = "objective_perspective"
    CASCADE_NO_CHILDREN = "cascade_no_children"
    CASCADE_NOT_ROLLED_UP = "cascade_not_rolled_up"
    QUALITY_MISSING = "quality_missing"
    QUALITY_NOT_ALLOWED = "quality_not_allowed"
    QUALITY_UNKNOWN = "quality_unknown"
    HISTORY_MISSING = "history_missing"
    SCORE_OUT_OF_RANGE = "score_out_of_range"
    LEADERSHIP_NOT_STRUCTURAL = "leadership_not_structural"
    CORRECTION_OUT_OF_RANGE = "correction_out_of_range"
    DISCIPLINE_SCORE_INVALID = "discipline_score_invalid"
    TIER_INVALID = "tier_invalid"
    DAYS_INVALID = "days_invalid"
    RULE_SET_MISMATCH = "rule_set_mismatch"
    SCALE_INVALID = "scale_invalid"


class ScoringError(ValueError):
    """An input the scoring rules cannot score: never a division by zero, never a silent 0.

    Attributes: `code` (an `ErrorCode` value), `message` (English, names the
    KPI or employee), `kpi` (the KPI or objective code the error is about, when
    there is one), `employee` (the employee's NIP, for employee scores) and
    `field` (the input field at fault, named like the interchange column).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        kpi: str | None = None,
        field: str | None = None,
        employee: str | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.kpi = kpi
        self.field = field
        self.employee = employee

    def for_employee(self, nip: str) -> ScoringError:
        """This error (each of them, for `ScoringErrors`) prefixed with and tagged by employee `nip`."""
        return ScoringError(
            self.code, f"employee {nip}: {self.message}", kpi=self.kpi, field=self.field, employee=nip
        )

    @property
    def errors(self) -> tuple[ScoringError, ...]:
        """Every individual error: ``(self,)`` here, all of them for `ScoringErrors`."""
        return (self,)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.code!r}, {self.message!r}, kpi={self.kpi!r}, "
            f"field={self.field!r}, employee={self.employee!r})"
        )


class ScoringErrors(ScoringError):
    """Several `ScoringError`s found in one batch; `errors` lists them in input order."""

    def __init__(self, errors: Sequence[ScoringError]) -> None:
        flat: list[ScoringError] = []
        for error in errors:
            flat.extend(error.errors)
        if not flat:
            raise ValueError("ScoringErrors needs at least one error")
        message = (
            flat[0].message
            if len(flat) == 1
            else f"{len(flat)} errors: " + "; ".join(e.message for e in flat)
        )
        first = flat[0]
        super().__init__(first.code, message, kpi=first.kpi, field=first.field, employee=first.employee)
        self._errors = tuple(flat)

    @property
    def errors(self) -> tuple[ScoringError, ...]:
        return self._errors

    def for_employee(self, nip: str) -> ScoringError:
        return ScoringErrors([e.for_employee(nip) for e in self._errors])
