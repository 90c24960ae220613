"""KPI index (`scoring.md` §1, §7.1), status colour (§1) and consolidation over periods (§2).

The per-KPI path is lean on purpose (the CLI scores 100 000 rows): plain
`Decimal` arithmetic on unwrapped rule-set constants, one small result object
per KPI, and explanations built only when asked for (`KpiResult.explain`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from itertools import pairwise

from kinerja.scoring.enums import Consolidation, Polarity, Status
from kinerja.scoring.errors import ErrorCode, ScoringError
from kinerja.scoring.explain import Explanation, display, settle
from kinerja.scoring.rules import ConversionScale, RuleSet, _Compiled, get_rule_set

__all__ = [
    "KpiInput",
    "KpiResult",
    "Period",
    "PeriodValue",
    "consolidate",
    "kpi_index",
    "parse_period",
    "score_kpi",
    "status_of",
]

_ZERO = Decimal(0)
_TWO = Decimal(2)
_HUNDRED = Decimal(100)
_TWO_HUNDRED = Decimal(200)


# --------------------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A reporting period: a year, a half (``S``), a quarter (``Q``) or a month, ordered by its end."""

    year: int
    last_month: int
    first_month: int
    label: str = field(compare=False)


_PERIOD_RE = re.compile(r"^(\d{4})(?:-(?:(Q)([1-4])|(S)([12])|(\d{2})))?$")


@lru_cache(maxsize=4096)
def parse_period(label: str) -> Period:
    """Parse ``2026``, ``2026-Q2``, ``2026-S1`` or ``2026-06`` (case and spaces ignored).

    Raises `ScoringError` (``period_invalid``) for anything else.
    """
    text = label.strip().upper()
    match = _PERIOD_RE.match(text)
    if match is None:
        raise ScoringError(
            ErrorCode.PERIOD_INVALID,
            f"period {label!r} is not a year, quarter, semester or month (2026, 2026-Q2, 2026-S1, 2026-06)",
            field="period",
        )
    year = int(match.group(1))
    if match.group(2):
        quarter = int(match.group(3))
        return Period(year, quarter * 3, quarter * 3 - 2, text)
    if match.group(4):
        half = int(match.group(5))
        return Period(year, half * 6, half * 6 - 5, text)
    if match.group(6):
        month = int(match.group(6))
        if not 1 <= month <= 12:
            raise ScoringError(
                ErrorCode.PERIOD_INVALID, f"period {label!r}: no month {month}", field="period"
            )
        return Period(year, month, month, text)
    return Period(year, 12, 1, text)


@dataclass(slots=True)
class PeriodValue:
    """One period's target (or band) and realization of a KPI; ``realization=None`` = not reported."""

    period: str | None = None
    target: Decimal | None = None
    realization: Decimal | None = None
    target_low: Decimal | None = None
    target_high: Decimal | None = None


def _has_target(p: PeriodValue) -> bool:
    return p.target is not None or (p.target_low is not None and p.target_high is not None)


def _total(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, _ZERO)


def _mean(values: list[Decimal | None]) -> Decimal | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return sum(present, _ZERO) / len(present)


def consolidate(
    periods: Sequence[PeriodValue], consolidation: Consolidation, *, kpi: str = ""
) -> PeriodValue:
    """Target and realization *as of* the last of `periods` (§2), applied the same way to both.

    `periods` are the periods ``1..p`` of the year in chronological order.
    ``sum`` / ``average``: over the periods **reported** so far (realization
    given), the targets of those same periods; ``last``: the latest period
    with data and that period's target. A band (`target_low`, `target_high`)
    is consolidated bound by bound. With nothing reported the result has no
    realization and, for display, the target consolidated over all `periods`.
    The returned `PeriodValue.period` is the latest period used.
    A reported period without a target is an error (``period_target_missing``).
    """
    if not periods:
        return PeriodValue()
    used = [p for p in periods if p.realization is not None]
    reported = bool(used)
    if reported:
        for p in used:
            if not _has_target(p):
                where = f" period {p.period}" if p.period else ""
                raise ScoringError(
                    ErrorCode.PERIOD_TARGET_MISSING,
                    f"KPI {kpi}:{where} has a realization but no target",
                    kpi=kpi,
                    field="target",
                )
    else:
        used = [p for p in periods if _has_target(p)] or list(periods)
    if consolidation is Consolidation.LAST:
        last = used[-1]
        return (
            last
            if reported
            else PeriodValue(last.period, last.target, None, last.target_low, last.target_high)
        )
    fold = _total if consolidation is Consolidation.SUM else _mean
    return PeriodValue(
        used[-1].period,
        fold([p.target for p in used]),
        fold([p.realization for p in used]) if reported else None,
        fold([p.target_low for p in used]),
        fold([p.target_high for p in used]),
    )


# --------------------------------------------------------------------------- index

_FORMULAS = {
    "max_pos": "R / T × 100",
    "max_neg": "(2 − R / T) × 100",
    "min_pos": "(2 − R / T) × 100",
    "min_neg": "R / T × 100",
    "min_zero": "(W − R) / W × 100",
    "band_in": "100 (L ≤ R ≤ U)",
    "band_below": "R / L × 100",
    "band_above": "(2 − R / U) × 100",
    "scale": "conversion scale(Ca), Ca = R / T × 100 when R ≤ T, else 200 − R / T × 100",
    "cap": "index_cap (cap_on_target: the target is met)",
    "given": "index given directly",
    "zero_after_due": "index_floor (not reported after its due date)",
    "na": "not reported (N/A)",
}


def _error(code: ErrorCode, kpi: str, text: str, fld: str) -> ScoringError:
    return ScoringError(code, f"KPI {kpi}: {text}", kpi=kpi, field=fld)


def _stabilize_bounds(
    target: Decimal | None, low: Decimal | None, high: Decimal | None, kpi: str
) -> tuple[Decimal, Decimal]:
    if low is not None or high is not None:
        if low is None or high is None:
            fld = "target_low" if low is None else "target_high"
            raise _error(
                ErrorCode.TARGET_MISSING, kpi, "a stabilize band needs both target_low and target_high", fld
            )
        if low > high:
            raise _error(
                ErrorCode.BAND_INVERTED,
                kpi,
                f"band {low}..{high}: target_low is above target_high",
                "target_low",
            )
        if low <= _ZERO:
            raise _error(
                ErrorCode.BAND_NOT_POSITIVE, kpi, f"band {low}..{high}: bounds must be positive", "target_low"
            )
        return low, high
    if target is None:
        raise _error(ErrorCode.TARGET_MISSING, kpi, "no target (or band target_low..target_high)", "target")
    if target <= _ZERO:
        raise _error(
            ErrorCode.STABILIZE_TARGET_NOT_POSITIVE,
            kpi,
            f"stabilize target {target} must be positive (no division by zero)",
            "target",
        )
    return target, target


def _stabilize_ca(r: Decimal, low: Decimal, high: Decimal) -> Decimal:
    """§7.1 `Ca`: ``R / T × 100`` up to the target, ``200 − R / T × 100`` above it (band: per bound)."""
    if r < low:
        return r / low * _HUNDRED
    if r > high:
        return _TWO_HUNDRED - r / high * _HUNDRED
    return _HUNDRED


def _convert(ca: Decimal, scale: ConversionScale) -> Decimal:
    """Linear interpolation on the conversion scale; flat below the first and above the last point."""
    x0, y0 = scale[0]
    if ca <= x0:
        return y0
    for x1, y1 in scale[1:]:
        if ca <= x1:
            return y0 + (ca - x0) * (y1 - y0) / (x1 - x0)
        x0, y0 = x1, y1
    return y0


def _check_scale(scale: ConversionScale, kpi: str) -> None:
    if not scale or any(b[0] <= a[0] for a, b in pairwise(scale)):
        raise _error(
            ErrorCode.SCALE_INVALID,
            kpi,
            "the conversion scale needs points in ascending order of Ca",
            "scale",
        )


def _raw_index(
    c: _Compiled,
    polarity: Polarity,
    t: Decimal | None,
    r: Decimal,
    low: Decimal | None,
    high: Decimal | None,
    w: Decimal | None,
    cap_on_target: bool,
    scale: ConversionScale | None,
    kpi: str,
) -> tuple[Decimal, str]:
    """The index before clamping and the §1 / §7.1 case used (a key of `_FORMULAS`)."""
    if polarity is Polarity.MAX:
        if t is None:
            raise _error(ErrorCode.TARGET_MISSING, kpi, "no target", "target")
        if t == _ZERO:
            raise _error(
                ErrorCode.MAX_ZERO_TARGET,
                kpi,
                "polarity max with target 0 cannot be scored (R / 0)",
                "target",
            )
        if cap_on_target and r >= t:
            return c.cap, "cap"
        if t > _ZERO:
            return r / t * _HUNDRED, "max_pos"
        return (_TWO - r / t) * _HUNDRED, "max_neg"
    if polarity is Polarity.MIN:
        if t is None:
            raise _error(ErrorCode.TARGET_MISSING, kpi, "no target", "target")
        if t == _ZERO:
            if cap_on_target and c.cap_rule_2026 and r <= _ZERO:
                return c.cap, "cap"
            if w is None:
                raise _error(
                    ErrorCode.MIN_ZERO_TARGET_NO_WORST,
                    kpi,
                    "polarity min with target 0 needs the worst tolerable value (worst)",
                    "worst",
                )
            if w <= _ZERO:
                raise _error(ErrorCode.WORST_NOT_POSITIVE, kpi, f"worst value {w} must be positive", "worst")
            if cap_on_target and r <= _ZERO:
                return c.cap, "cap"
            return (w - r) / w * _HUNDRED, "min_zero"
        if cap_on_target and r <= t:
            return c.cap, "cap"
        if t > _ZERO:
            return (_TWO - r / t) * _HUNDRED, "min_pos"
        return r / t * _HUNDRED, "min_neg"
    lo, hi = _stabilize_bounds(t, low, high, kpi)
    if cap_on_target and not c.cap_rule_2026 and lo <= r <= hi:
        return c.cap, "cap"
    if c.stabilize_scale:
        points = c.scale if scale is None else scale
        if scale is not None:
            _check_scale(scale, kpi)
        return _convert(_stabilize_ca(r, lo, hi), points), "scale"
    if r < lo:
        return r / lo * _HUNDRED, "band_below"
    if r > hi:
        return (_TWO - r / hi) * _HUNDRED, "band_above"
    return _HUNDRED, "band_in"


def kpi_index(
    polarity: Polarity,
    realization: Decimal,
    *,
    target: Decimal | None = None,
    target_low: Decimal | None = None,
    target_high: Decimal | None = None,
    worst: Decimal | None = None,
    cap_on_target: bool = False,
    scale: ConversionScale | None = None,
    rules: RuleSet | None = None,
    kpi: str = "",
    clamp: bool = True,
) -> Decimal:
    """The index of one KPI (§1; §7.1 under `kmk-127-2026`), clamped to ``[index_floor, index_cap]``.

    * ``max``: ``R / T × 100`` (``T > 0``), ``(2 − R / T) × 100`` (``T < 0``);
      ``T = 0`` is an error.
    * ``min``: ``(2 − R / T) × 100`` (``T > 0``), ``R / T × 100`` (``T < 0``),
      ``(W − R) / W × 100`` with ``T = 0`` (error without a positive `worst`).
    * ``stabilize``: band ``L..U`` (a single target is ``L = U = T``): 100
      inside, ``R / L × 100`` below, ``(2 − R / U) × 100`` above; ``L > U`` or
      a non-positive bound is an error. Under a ``scale`` rule set (§7.1) the
      index is ``Ca`` converted on the conversion scale (`scale` from the KPI
      manual, else the rule set's).
    * `cap_on_target`: a met target scores `index_cap` (see `CapOnTargetRule`).

    ``clamp=False`` returns the index before clamping (§6 multiplies it by the
    contract-quality factor first). Errors are `ScoringError`s naming `kpi`.
    """
    c = (rules or get_rule_set()).compiled
    raw, _case = _raw_index(
        c, polarity, target, realization, target_low, target_high, worst, cap_on_target, scale, kpi
    )
    if not clamp:
        return raw
    return c.cap if raw > c.cap else c.floor if raw < c.floor else raw


def status_of(index: Decimal, rules: RuleSet | None = None) -> Status:
    """Status colour of an index (§1): green from `status_green`, yellow from `status_yellow`, else red."""
    c = (rules or get_rule_set()).compiled
    index = settle(index)  # an aggregate exactly at a threshold meets it
    if index >= c.green:
        return Status.GREEN
    if index >= c.yellow:
        return Status.YELLOW
    return Status.RED


# --------------------------------------------------------------------------- KPI input and result


@dataclass(slots=True, kw_only=True)
class KpiInput:
    """What a KPI's index is computed from (§1, §2): the fields shared by scorecard and contract KPIs.

    Give either one `target` (or band `target_low`..`target_high`) and
    `realization`, or `periods` (each period's own target and realization),
    consolidated by `consolidation` up to the *as of* period. ``realization``
    ``None`` means not reported (N/A, §3). `index` gives an index directly
    instead (it is clamped). `overdue` says the realization's due date has
    passed (used by the ``zero_after_due`` missing-data policy). `scale` is the
    KPI manual's stabilize conversion scale (§7.1), when it differs from the
    rule set's.
    """

    code: str
    polarity: Polarity = Polarity.MAX
    target: Decimal | None = None
    realization: Decimal | None = None
    target_low: Decimal | None = None
    target_high: Decimal | None = None
    worst: Decimal | None = None
    consolidation: Consolidation = Consolidation.LAST
    periods: tuple[PeriodValue, ...] = ()
    cap_on_target: bool = False
    scale: ConversionScale | None = None
    index: Decimal | None = None
    overdue: bool = False
    name: str = ""


@dataclass(slots=True)
class KpiResult:
    """A scored KPI: the consolidated pair, the index (``None`` = N/A) and how it was reached.

    `target`, `target_low`, `target_high`, `realization` are the values as of
    `period` (§2); `raw` is the index before clamping; `case` the formula used
    (§1 / §7.1). `reported` is false for N/A KPIs and for KPIs scored 0 under
    ``zero_after_due`` (those still have an index).
    """

    kpi: KpiInput
    target: Decimal | None
    target_low: Decimal | None
    target_high: Decimal | None
    realization: Decimal | None
    period: str | None
    raw: Decimal | None
    index: Decimal | None
    status: Status | None
    case: str

    @property
    def code(self) -> str:
        """The KPI code."""
        return self.kpi.code

    @property
    def reported(self) -> bool:
        """True when a realization (or a given index) was there to score."""
        return self.case not in ("na", "zero_after_due")

    def explain(self) -> Explanation:
        """Why this index: the §1 / §7.1 formula with its inputs, and the §2 consolidation below it."""
        kpi = self.kpi
        inputs: dict[str, Decimal | str | None] = {"polarity": kpi.polarity.value}
        if self.case == "given":
            inputs["index given"] = kpi.index
        else:
            if self.target_low is not None and self.target_high is not None:
                inputs["L"] = self.target_low
                inputs["U"] = self.target_high
            else:
                inputs["T"] = self.target
            inputs["R"] = self.realization
            if kpi.worst is not None:
                inputs["W"] = kpi.worst
        notes: list[str] = []
        if self.case == "scale" and self.realization is not None:
            lo, hi = _stabilize_bounds(self.target, self.target_low, self.target_high, kpi.code)
            inputs["Ca"] = _stabilize_ca(self.realization, lo, hi)
        if self.raw is not None and self.index is not None and self.raw != self.index:
            notes.append(f"{display(self.raw)} clamped to {display(self.index)}")
        if self.status is not None:
            notes.append(f"status {self.status.value}")
        children: tuple[Explanation, ...] = ()
        if kpi.periods and self.case != "given":
            children = (self._consolidation(),)
        return Explanation(
            subject=f"KPI {kpi.code} index",
            formula=_FORMULAS[self.case],
            result=self.index,
            inputs=inputs,
            children=children,
            notes=tuple(notes),
            code=kpi.code,
        )

    def _consolidation(self) -> Explanation:
        kpi = self.kpi
        used = _periods_as_of(kpi.periods, self.period, kpi.code)
        how = {
            Consolidation.SUM: "sum over the periods reported so far (targets of the same periods)",
            Consolidation.AVERAGE: "mean over the periods reported so far (targets of the same periods)",
            Consolidation.LAST: "latest period with data and that period's target",
        }[kpi.consolidation]
        inputs: dict[str, Decimal | str | None] = {}
        for p in used:
            label = p.period or "?"
            inputs[f"T {label}"] = p.target
            if p.target is None and p.target_low is not None:
                inputs[f"L {label}"] = p.target_low
                inputs[f"U {label}"] = p.target_high
            inputs[f"R {label}"] = p.realization
        return Explanation(
            subject=f"KPI {kpi.code} consolidated realization",
            formula=how,
            result=self.realization,
            inputs=inputs,
            notes=(f"consolidated target {display(self.target)}",) if self.target is not None else (),
            code="",
        )


def _period_of(p: PeriodValue) -> Period:
    return parse_period(p.period or "")


def _periods_as_of(periods: tuple[PeriodValue, ...], as_of: str | None, kpi: str) -> Sequence[PeriodValue]:
    """Periods of the as-of period's year ending no later than it, in chronological order (§2).

    Unlabelled periods are taken as given, in order.
    """
    if any(p.period is None for p in periods):
        return periods
    try:
        ordered = sorted(periods, key=_period_of)
        if as_of is None:
            return ordered
        cut = parse_period(as_of)
        out = []
        for p in ordered:
            q = _period_of(p)
            if q.year == cut.year and q.last_month <= cut.last_month:
                out.append(p)
        return out
    except ScoringError as exc:
        raise ScoringError(exc.code, f"KPI {kpi}: {exc.message}", kpi=kpi, field="period") from None


def score_kpi(kpi: KpiInput, *, rules: RuleSet | None = None, as_of_period: str | None = None) -> KpiResult:
    """Score one KPI (§1–§3, §7.1): consolidate its periods up to `as_of_period`, index and status.

    A KPI with no realization is N/A (``index=None``), or scores `index_floor`
    when the rule set's missing policy is ``zero_after_due`` and `kpi.overdue`.
    """
    rs = rules or get_rule_set()
    return _score(kpi, rs.compiled, as_of_period)


def _score(kpi: KpiInput, c: _Compiled, as_of: str | None) -> KpiResult:
    code = kpi.code
    periods = kpi.periods
    if periods:
        if len(periods) == 1 and as_of is None:
            pv = periods[0]
        else:
            pv = consolidate(_periods_as_of(periods, as_of, code), kpi.consolidation, kpi=code)
        t, r, lo, hi, period = pv.target, pv.realization, pv.target_low, pv.target_high, pv.period
    else:
        t, r, lo, hi, period = kpi.target, kpi.realization, kpi.target_low, kpi.target_high, None
    if kpi.index is not None:
        raw, case = kpi.index, "given"
    elif r is None:
        if c.zero_after_due and kpi.overdue:
            raw, case = c.floor, "zero_after_due"
        else:
            return KpiResult(kpi, t, lo, hi, None, period, None, None, None, "na")
    else:
        raw, case = _raw_index(c, kpi.polarity, t, r, lo, hi, kpi.worst, kpi.cap_on_target, kpi.scale, code)
    index = c.cap if raw > c.cap else c.floor if raw < c.floor else raw
    shown = settle(index)  # a quotient cut at 28 digits still meets a threshold it meets exactly
    status = Status.GREEN if shown >= c.green else Status.YELLOW if shown >= c.yellow else Status.RED
    return KpiResult(kpi, t, lo, hi, r, period, raw, index, status, case)
