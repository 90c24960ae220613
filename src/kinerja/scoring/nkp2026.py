"""Employee score under `kmk-127-2026` (`scoring.md` §7.2–§7.3).

K3 contract quality per KPI, work result (NHK) weighted by K3 and days,
work behaviour (NPK) from the seven core values, calibration, NKP before
adjustment, discipline / impact / correction, the blend with the unit's NKO,
ratings and the PermenPANRB 6/2022 predicate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kinerja.scoring.employee import CoreValues, Employee, EmployeeKpi, Sentence
from kinerja.scoring.enums import (
    Consolidation,
    Controllability,
    DisciplineCategory,
    KpiKind,
    Polarity,
    Rating,
    TargetCase,
    Validity,
)
from kinerja.scoring.errors import ErrorCode, ScoringError, ScoringErrors
from kinerja.scoring.explain import Explanation, display, display_float
from kinerja.scoring.kpi import KpiResult, _score, parse_period
from kinerja.scoring.rules import Nkp2026Rules, RuleSet, get_rule_set

__all__ = [
    "ContractQuality",
    "NhkKpi",
    "Nkp2026Result",
    "TargetQuality",
    "blend_weight",
    "calibrate",
    "contract_quality",
    "discipline_penalty",
    "impact_penalty",
    "predicate_of",
    "q_kpi",
    "q_target",
    "rating_of",
    "score_employee_2026",
    "score_employees_2026",
    "sentence_in_force",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_TWO = Decimal(2)
_HUNDRED = Decimal(100)
_SEVERITY = {DisciplineCategory.LIGHT: 0, DisciplineCategory.MEDIUM: 1, DisciplineCategory.SEVERE: 2}


def _params(rules: RuleSet) -> Nkp2026Rules:
    if rules.nkp2026 is None:
        raise ScoringError(
            ErrorCode.RULE_SET_MISMATCH, f"rule set {rules.code} has no NHK/NPK (kmk-127-2026) employee score"
        )
    return rules.nkp2026


# --------------------------------------------------------------------------- K3 (§7.2)


@dataclass(frozen=True, slots=True)
class TargetQuality:
    """`Q_target` (§7.2) and why: a `TargetCase` value or an override (``fixed``, ``new``, ``stabilize``).

    `silent` flags ``T = T1 = R1``, where the decree is silent (scored 1.00).
    `mandatory_floor` says the mandatory-KPI minimum raised the value.
    """

    value: Decimal
    reason: str
    silent: bool = False
    mandatory_floor: bool = False


@dataclass(frozen=True, slots=True)
class ContractQuality:
    """K3 of one KPI: ``(Q_kpi + Q_target) / 2`` (§7.2), or a factor given directly (`given`)."""

    k3: Decimal
    q_kpi: Decimal | None
    q_target: TargetQuality | None
    given: bool = False

    def explain(self, code: str) -> Explanation:
        """K3 from its two halves, with the `Q_target` case."""
        if self.given or self.q_target is None:
            return Explanation(f"K3 {code}", "K3 given directly", self.k3, code="")
        notes = [f"Q_target case: {self.q_target.reason}"]
        if self.q_target.silent:
            notes.append("T = T1 = R1: the decree is silent; scored as T = T1 and R1 ≤ T1 (flagged)")
        if self.q_target.mandatory_floor:
            notes.append("mandatory KPI: Q_target raised to its minimum")
        return Explanation(
            subject=f"K3 {code}",
            formula="(Q_kpi + Q_target) / 2",
            result=self.k3,
            inputs={"Q_kpi": self.q_kpi, "Q_target": self.q_target.value},
            notes=tuple(notes),
        )


def q_kpi(
    validity: Validity | None,
    controllability: Controllability | None,
    *,
    rules: RuleSet | None = None,
    kpi: str = "",
) -> Decimal:
    """`Q_kpi` by validity and controllability (§7.2); a *not allowed* or unknown pair is an error."""
    p = _params(rules or get_rule_set())
    if validity is None or controllability is None:
        raise ScoringError(
            ErrorCode.QUALITY_MISSING,
            f"KPI {kpi}: validity and controllability are needed for K3 (or give k3)",
            kpi=kpi,
            field="validity" if validity is None else "controllability",
        )
    table = p.q_kpi.value
    pair = (validity, controllability)
    if pair not in table:
        raise ScoringError(
            ErrorCode.QUALITY_UNKNOWN,
            f"KPI {kpi}: the rule set has no Q_kpi for validity {validity.value} "
            f"with controllability {controllability.value} (give k3)",
            kpi=kpi,
            field="validity",
        )
    value = table[pair]
    if value is None:
        raise ScoringError(
            ErrorCode.QUALITY_NOT_ALLOWED,
            f"KPI {kpi}: validity {validity.value} with controllability {controllability.value} is not allowed",
            kpi=kpi,
            field="controllability",
        )
    return value


def q_target(
    polarity: Polarity,
    target: Decimal | None,
    target_prev: Decimal | None,
    realization_prev: Decimal | None,
    *,
    kind: KpiKind = KpiKind.EXISTING,
    fixed_target: bool = False,
    rules: RuleSet | None = None,
    kpi: str = "",
) -> TargetQuality:
    """`Q_target` (§7.2): this year's target against last year's target and realization.

    Overrides in the decree's order: fixed by law / authority or stable by
    nature → `q_target_fixed`; new KPI with no history → `q_target_new`;
    stabilize → `q_target_stabilize`; new KPI with history → ``T1 = R1``;
    then the table (for ``min`` all three negated); a mandatory KPI scores at
    least `q_target_mandatory_floor`. ``T = T1 = R1`` is flagged (`silent`).
    """
    p = _params(rules or get_rule_set())
    if fixed_target:
        return TargetQuality(p.q_target_fixed.value, "fixed")
    if kind is KpiKind.NEW:
        return TargetQuality(p.q_target_new.value, "new")
    if polarity is Polarity.STABILIZE:
        return TargetQuality(p.q_target_stabilize.value, "stabilize")
    if target is None:
        raise ScoringError(
            ErrorCode.TARGET_MISSING,
            f"KPI {kpi}: no target to compare with last year's",
            kpi=kpi,
            field="target",
        )
    if realization_prev is None:
        raise ScoringError(
            ErrorCode.HISTORY_MISSING,
            f"KPI {kpi}: last year's realization is needed for Q_target (or mark the KPI new)",
            kpi=kpi,
            field="realization_prev",
        )
    if kind is KpiKind.NEW_WITH_HISTORY:
        target_prev = realization_prev
    if target_prev is None:
        raise ScoringError(
            ErrorCode.HISTORY_MISSING,
            f"KPI {kpi}: last year's target is needed for Q_target (or mark the KPI new)",
            kpi=kpi,
            field="target_prev",
        )
    t, t1, r1 = target, target_prev, realization_prev
    if polarity is Polarity.MIN:
        t, t1, r1 = -t, -t1, -r1
    silent = False
    if t < t1:
        case = TargetCase.LOWERED
    elif t == t1:
        case = TargetCase.KEPT_EXCEEDED if r1 > t1 else TargetCase.KEPT_NOT_EXCEEDED
        silent = r1 == t1
    elif t < r1:
        case = TargetCase.RAISED_BELOW_REALIZATION
    elif t == r1:
        case = TargetCase.RAISED_TO_REALIZATION
    else:
        case = TargetCase.RAISED_ABOVE_REALIZATION
    value = p.q_target.value[case]
    floor = p.q_target_mandatory_floor.value
    if kind is KpiKind.MANDATORY and value < floor:
        return TargetQuality(floor, case.value, silent, mandatory_floor=True)
    return TargetQuality(value, case.value, silent)


def _year_target(kpi: EmployeeKpi) -> Decimal | None:
    """This year's target: the period targets consolidated over the whole year (§2), else `target`."""
    if not kpi.periods:
        return kpi.target
    labelled = all(p.period is not None for p in kpi.periods)
    ordered = (
        sorted(kpi.periods, key=lambda p: parse_period(p.period or "")) if labelled else list(kpi.periods)
    )
    targets = [p.target for p in ordered if p.target is not None]
    if not targets:
        return None
    if kpi.consolidation is Consolidation.SUM:
        return sum(targets, _ZERO)
    if kpi.consolidation is Consolidation.AVERAGE:
        return sum(targets, _ZERO) / len(targets)
    return targets[-1]


def contract_quality(kpi: EmployeeKpi, *, rules: RuleSet | None = None) -> ContractQuality:
    """K3 of a contract KPI (§7.2): `kpi.k3` when given (must be positive), else ``(Q_kpi + Q_target) / 2``.

    ``T`` is the year's target (period targets consolidated over all periods).
    """
    rs = rules or get_rule_set()
    if kpi.k3 is not None:
        if kpi.k3 <= _ZERO:
            raise ScoringError(
                ErrorCode.SCORE_OUT_OF_RANGE,
                f"KPI {kpi.code}: k3 {kpi.k3} must be positive",
                kpi=kpi.code,
                field="k3",
            )
        return ContractQuality(kpi.k3, None, None, given=True)
    qk = q_kpi(kpi.validity, kpi.controllability, rules=rs, kpi=kpi.code)
    qt = q_target(
        kpi.polarity,
        _year_target(kpi),
        kpi.target_prev,
        kpi.realization_prev,
        kind=kpi.kind,
        fixed_target=kpi.fixed_target,
        rules=rs,
        kpi=kpi.code,
    )
    return ContractQuality((qk + qt.value) / _TWO, qk, qt)


# --------------------------------------------------------------------------- adjustments (§7.3)


def calibrate(value: Decimal, *, rules: RuleSet | None = None) -> Decimal:
    """Calibration (§7.3, reading): above the threshold ``100 + (min(x, 120) − 100) × 0.75``; else unchanged."""
    p = _params(rules or get_rule_set())
    threshold = p.calibration_threshold.value
    if value <= threshold:
        return value
    return threshold + (min(value, p.calibration_input_cap.value) - threshold) * p.calibration_factor.value


def sentence_in_force(sentence: Sentence, as_of_period: str | None, *, rules: RuleSet | None = None) -> bool:
    """Whether a sentence is in force as of a period: for its category's number of quarters from its start.

    Without `start_period` or `as_of_period` the sentence is taken as in force.
    """
    if sentence.start_period is None or as_of_period is None:
        return True
    p = _params(rules or get_rule_set())
    start = parse_period(sentence.start_period)
    cut = parse_period(as_of_period)
    first = start.year * 4 + (start.first_month - 1) // 3
    now = cut.year * 4 + (cut.last_month - 1) // 3
    return first <= now < first + p.discipline_quarters.value[sentence.category]


def discipline_penalty(
    sentences: Sequence[Sentence], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> Decimal:
    """Penalty of the heaviest sentence in force (§7.3): its category's rate × its severity score; 0 if none."""
    rs = rules or get_rule_set()
    p = _params(rs)
    rates = p.discipline_rates.value
    in_force = [s for s in sentences if sentence_in_force(s, as_of_period, rules=rs)]
    if not in_force:
        return _ZERO
    for s in in_force:
        if s.score < _ZERO:
            raise ScoringError(
                ErrorCode.DISCIPLINE_SCORE_INVALID,
                f"discipline severity score {s.score} is negative",
                field="discipline_score",
            )
    heaviest = max(in_force, key=lambda s: (_SEVERITY[s.category], rates[s.category] * s.score))
    return rates[heaviest.category] * heaviest.score


def impact_penalty(subordinate_penalties: Sequence[Decimal], *, rules: RuleSet | None = None) -> Decimal:
    """Impact (§7.3): `impact_rate` (5 %) of each direct subordinate's discipline penalty, at most `impact_cap`."""
    p = _params(rules or get_rule_set())
    return min(p.impact_cap.value, p.impact_rate.value * sum(subordinate_penalties, _ZERO))


def blend_weight(value: Decimal, nko: Decimal, tier: int, *, rules: RuleSet | None = None) -> Decimal:
    """The NKO's weight in the blend (§7.3): tier 1 / tier 2 weight when ``value ≥ NKO``, else the lower one."""
    p = _params(rules or get_rule_set())
    if value < nko:
        return p.blend_below.value
    return p.blend_tier1.value if tier == 1 else p.blend_tier2.value


def rating_of(value: Decimal, *, rules: RuleSet | None = None) -> Rating:
    """Rating against expectations (§7.3): above 100 *above*, 90–100 *meets*, below 90 *below*."""
    return Rating(_params(rules or get_rule_set()).ratings.value.classify(value))


def predicate_of(work: Rating, behaviour: Rating, *, rules: RuleSet | None = None) -> str:
    """The PermenPANRB 6/2022 predicate of a (work result, behaviour) rating pair (§7.3)."""
    return _params(rules or get_rule_set()).predicates.value[(work, behaviour)]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class NhkKpi:
    """A contract KPI in NHK (§7.3): index, K3, quality value ``min(cap, index × K3)`` and weight share.

    `value` and `weight` are ``None`` for a KPI with no index in the period.
    """

    result: KpiResult
    quality: ContractQuality
    value: Decimal | None
    weight: Decimal | None

    @property
    def code(self) -> str:
        """The KPI code."""
        return self.result.code

    @property
    def index(self) -> Decimal | None:
        """The KPI index (§1 / §7.1)."""
        return self.result.index

    @property
    def k3(self) -> Decimal:
        """The KPI's K3 factor."""
        return self.quality.k3


@dataclass(frozen=True, slots=True)
class Nkp2026Result:
    """Every figure of the §7.3 employee score (the ``kinerja nkp`` JSON object of `interchange.md`).

    Figures are ``None`` when their inputs are missing: no KPI with an index
    (NHK) or no core values (NPK). `work_result` / `behaviour` are NHK / NPK
    calibrated, adjusted and blended like the NKP; `flags` lists findings
    such as ``q_target_silent:<code>`` and ``not_calibrated``.
    """

    employee: Employee
    rules: RuleSet
    kpis: tuple[NhkKpi, ...]
    nhk: Decimal | None
    nhk_calibrated: Decimal | None
    npk: Decimal | None
    npk_calibrated: Decimal | None
    npk_periods: tuple[tuple[str, Decimal], ...]
    nkp_before: Decimal | None
    discipline: Decimal
    impact: Decimal
    correction: Decimal
    result: Decimal | None
    nko: Decimal | None
    nko_weight: Decimal | None
    nkp: Decimal | None
    work_result: Decimal | None
    work_weight: Decimal | None
    work_rating: Rating | None
    behaviour: Decimal | None
    behaviour_weight: Decimal | None
    behaviour_rating: Rating | None
    predicate: str | None
    complete: bool
    missing: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def nip(self) -> str:
        """The employee's NIP."""
        return self.employee.nip

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``kinerja nkp --format json`` (2 decimals; KPI weight in percent).

        ``flags`` is added only when there are some, so the documented object stays as shown.
        """
        out: dict[str, Any] = {
            "nip": self.nip,
            "rules": self.rules.code,
            "kpis": [
                {
                    "code": k.code,
                    "index": display_float(k.index),
                    "k3": display_float(k.k3),
                    "value": display_float(k.value),
                    "weight": display_float(None if k.weight is None else k.weight * _HUNDRED),
                }
                for k in self.kpis
            ],
            "nhk": display_float(self.nhk),
            "nhk_calibrated": display_float(self.nhk_calibrated),
            "npk": display_float(self.npk),
            "npk_calibrated": display_float(self.npk_calibrated),
            "nkp_before": display_float(self.nkp_before),
            "discipline": display_float(self.discipline),
            "impact": display_float(self.impact),
            "correction": display_float(self.correction),
            "result": display_float(self.result),
            "nko_weight": display_float(self.nko_weight),
            "nkp": display_float(self.nkp),
            "work_result": {
                "value": display_float(self.work_result),
                "rating": None if self.work_rating is None else self.work_rating.value,
            },
            "behaviour": {
                "value": display_float(self.behaviour),
                "rating": None if self.behaviour_rating is None else self.behaviour_rating.value,
            },
            "predicate": self.predicate,
            "complete": self.complete,
            "missing": list(self.missing),
        }
        if self.flags:
            out["flags"] = list(self.flags)
        return out

    def explain(self) -> Explanation:
        """Every step: NKP ← result ← NKP before ← calibrated NHK / NPK ← KPIs (index, K3) and core values."""
        p = _params(self.rules)
        kpi_nodes = []
        for k in self.kpis:
            children = [k.result.explain(), k.quality.explain(k.code)]
            kpi_nodes.append(
                Explanation(
                    subject=f"KPI {k.code} quality value",
                    formula="min(cap, index × K3)",
                    result=k.value,
                    inputs={"index": k.index, "K3": k.k3, "weight": k.weight},
                    children=tuple(children),
                    notes=("no index in the period: left out",) if k.value is None else (),
                    code=k.code,
                )
            )
        nhk = Explanation(
            subject="NHK",
            formula="min(cap, Σ vᵢ × wᵢ), wᵢ = K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ",
            result=self.nhk,
            inputs={f"v {k.code}": k.value for k in self.kpis},
            children=tuple(kpi_nodes),
            code="NHK",
        )
        npk = Explanation(
            subject="NPK",
            formula="mean over periods of the mean of the seven core values",
            result=self.npk,
            inputs={f"period {label}": value for label, value in self.npk_periods},
            code="NPK",
        )
        calibration = "x ≤ 100: x; else 100 + (min(x, 120) − 100) × 0.75"
        not_cal = ("not calibrated (top two levels)",) if "not_calibrated" in self.flags else ()
        nhk_cal = Explanation(
            "NHK calibrated", calibration, self.nhk_calibrated, {"NHK": self.nhk}, (nhk,), not_cal
        )
        npk_cal = Explanation(
            "NPK calibrated", calibration, self.npk_calibrated, {"NPK": self.npk}, (npk,), not_cal
        )
        before = Explanation(
            subject="NKP before adjustment",
            formula="w_nhk × NHK calibrated + w_npk × NPK calibrated",
            result=self.nkp_before,
            inputs={
                "w_nhk": p.weight_nhk.value,
                "NHK calibrated": self.nhk_calibrated,
                "w_npk": p.weight_npk.value,
                "NPK calibrated": self.npk_calibrated,
            },
            children=(nhk_cal, npk_cal),
        )
        result = Explanation(
            subject="result",
            formula="clamp(NKP before − discipline − impact + correction, 0, 120)",
            result=self.result,
            inputs={
                "NKP before": self.nkp_before,
                "discipline": self.discipline,
                "impact": self.impact,
                "correction": self.correction,
            },
            children=(before,),
        )
        notes: list[str] = []
        if self.work_rating is not None:
            notes.append(
                f"work result {self.work_result} ({self.work_rating.value}, NKO weight {self.work_weight})"
            )
        if self.behaviour_rating is not None:
            notes.append(
                f"behaviour {_num(self.behaviour)} ({self.behaviour_rating.value}, "
                f"NKO weight {_num(self.behaviour_weight)})"
            )
        if self.predicate is not None:
            notes.append(f"predicate {self.predicate}")
        notes.extend(f"flag {flag}" for flag in self.flags)
        if self.missing:
            notes.append("incomplete: missing " + ", ".join(self.missing))
        return Explanation(
            subject=f"NKP {self.nip}",
            formula="clamp((1 − w) × result + w × NKO, 0, 120)",
            result=self.nkp,
            inputs={"result": self.result, "w": self.nko_weight, "NKO": self.nko},
            children=(result,),
            notes=tuple(notes),
            code=self.nip,
        )


# --------------------------------------------------------------------------- scoring


def _num(value: Decimal | None) -> str:
    return "N/A" if value is None else str(display(value))


def _npk(
    rows: Sequence[CoreValues], p: Nkp2026Rules, as_of: str | None, errors: list[ScoringError]
) -> tuple[tuple[tuple[str, Decimal], ...], Decimal | None]:
    top = p.core_value_max.value
    cut = None if as_of is None else parse_period(as_of)
    periods: list[tuple[str, Decimal]] = []
    seen: set[str] = set()
    for row in rows:
        if cut is not None:
            q = parse_period(row.period)
            if q.year != cut.year or q.last_month > cut.last_month:
                continue
        if row.period in seen:
            errors.append(
                ScoringError(
                    ErrorCode.DUPLICATE_CODE, f"behaviour period {row.period} given twice", field="period"
                )
            )
            continue
        seen.add(row.period)
        values = row.values()
        bad = [v for v in values if not _ZERO <= v <= top]
        if bad:
            errors.append(
                ScoringError(
                    ErrorCode.SCORE_OUT_OF_RANGE,
                    f"period {row.period}: core-value score {bad[0]} is outside 0..{top}",
                    field="period",
                )
            )
            continue
        periods.append((row.period, sum(values, _ZERO) / len(values)))
    if not periods:
        return (), None
    return tuple(periods), sum((v for _, v in periods), _ZERO) / len(periods)


def _nhk(
    employee: Employee, rules: RuleSet, as_of: str | None, errors: list[ScoringError], flags: list[str]
) -> tuple[tuple[NhkKpi, ...], Decimal | None]:
    c = rules.compiled
    days = [k.days for k in employee.kpis]
    given_days = [d for d in days if d is not None]
    if given_days and len(given_days) < len(days):
        blank = ", ".join(k.code for k in employee.kpis if k.days is None)
        errors.append(
            ScoringError(
                ErrorCode.DAYS_INVALID, f"days given for some KPIs but blank for {blank}", field="days"
            )
        )
    rows: list[tuple[KpiResult, ContractQuality, Decimal]] = []
    for k in employee.kpis:
        if k.days is not None and k.days < _ZERO:
            errors.append(
                ScoringError(
                    ErrorCode.DAYS_INVALID,
                    f"KPI {k.code}: days {k.days} is negative",
                    kpi=k.code,
                    field="days",
                )
            )
        try:
            result = _score(k, rules, c, as_of)
            quality = contract_quality(k, rules=rules)
        except ScoringError as exc:
            errors.append(exc)
            continue
        if quality.q_target is not None and quality.q_target.silent:
            flags.append(f"q_target_silent:{k.code}")
        rows.append((result, quality, k.days if given_days and k.days is not None else _ONE))
    den = sum((q.k3 * d for r, q, d in rows if r.index is not None), _ZERO)
    out: list[NhkKpi] = []
    num = _ZERO
    for result, quality, d in rows:
        if result.index is None or den == _ZERO:
            out.append(NhkKpi(result, quality, None, None))
            continue
        v = result.index * quality.k3
        value = c.cap if v > c.cap else v
        num += value * quality.k3 * d
        out.append(NhkKpi(result, quality, value, quality.k3 * d / den))
    if den == _ZERO:
        return tuple(out), None
    nhk = num / den
    return tuple(out), (c.cap if nhk > c.cap else nhk)


def score_employee_2026(
    employee: Employee,
    *,
    rules: RuleSet | None = None,
    as_of_period: str | None = None,
    subordinate_penalties: Sequence[Decimal] = (),
) -> Nkp2026Result:
    """Score one employee under §7 (KMK 127/2026, PermenPANRB 6/2022).

    `subordinate_penalties` are the discipline penalties of the direct
    subordinates, for *impact* (`score_employees_2026` finds them from
    ``superior_nip``). Errors are collected and raised together as
    `ScoringErrors` tagged with the NIP.
    """
    rs = rules or get_rule_set("kmk-127-2026")
    p = _params(rs)
    c = rs.compiled
    errors: list[ScoringError] = []
    flags: list[str] = []
    kpis, nhk = _nhk(employee, rs, as_of_period, errors, flags)
    npk_periods, npk = _npk(employee.core_values, p, as_of_period, errors)
    limit = p.correction_limit.value
    if not -limit <= employee.correction <= limit:
        errors.append(
            ScoringError(
                ErrorCode.CORRECTION_OUT_OF_RANGE,
                f"correction {employee.correction} is outside −{limit}…+{limit}",
                field="correction",
            )
        )
    if employee.tier not in (1, 2) and (employee.tier is not None or employee.nko is not None):
        errors.append(
            ScoringError(ErrorCode.TIER_INVALID, f"tier {employee.tier} must be 1 or 2", field="tier")
        )
    discipline = _ZERO
    try:
        discipline = discipline_penalty(employee.discipline, rules=rs, as_of_period=as_of_period)
    except ScoringError as exc:
        errors.append(exc)
    if errors:
        raise ScoringErrors(errors).for_employee(employee.nip)
    impact = impact_penalty(subordinate_penalties, rules=rs)
    correction = employee.correction
    nko = employee.nko
    tier = employee.tier or 2

    def adjust(x: Decimal) -> Decimal:
        y = x - discipline - impact + correction
        return c.cap if y > c.cap else c.floor if y < c.floor else y

    def blend(x: Decimal) -> tuple[Decimal, Decimal | None]:
        if nko is None:
            return x, None
        w = blend_weight(x, nko, tier, rules=rs)
        y = (_ONE - w) * x + w * nko
        return (c.cap if y > c.cap else c.floor if y < c.floor else y), w

    if not employee.calibrate:
        flags.append("not_calibrated")
    nhk_cal = None if nhk is None else calibrate(nhk, rules=rs) if employee.calibrate else nhk
    npk_cal = None if npk is None else calibrate(npk, rules=rs) if employee.calibrate else npk
    nkp_before = result = nkp = work = behaviour = None
    nko_weight = work_weight = behaviour_weight = None
    work_rating = behaviour_rating = None
    predicate = None
    if nhk_cal is not None:
        work, work_weight = blend(adjust(nhk_cal))
        work_rating = rating_of(work, rules=rs)
    if npk_cal is not None:
        behaviour, behaviour_weight = blend(adjust(npk_cal))
        behaviour_rating = rating_of(behaviour, rules=rs)
    if nhk_cal is not None and npk_cal is not None:
        nkp_before = p.weight_nhk.value * nhk_cal + p.weight_npk.value * npk_cal
        result = adjust(nkp_before)
        nkp, nko_weight = blend(result)
    if work_rating is not None and behaviour_rating is not None:
        predicate = predicate_of(work_rating, behaviour_rating, rules=rs)
    missing = [k.code for k in kpis if k.index is None]
    if npk is None:
        missing.append("behaviour")
    if nko is None:
        missing.append("nko")
    return Nkp2026Result(
        employee=employee,
        rules=rs,
        kpis=kpis,
        nhk=nhk,
        nhk_calibrated=nhk_cal,
        npk=npk,
        npk_calibrated=npk_cal,
        npk_periods=npk_periods,
        nkp_before=nkp_before,
        discipline=discipline,
        impact=impact,
        correction=correction,
        result=result,
        nko=nko,
        nko_weight=nko_weight,
        nkp=nkp,
        work_result=work,
        work_weight=work_weight,
        work_rating=work_rating,
        behaviour=behaviour,
        behaviour_weight=behaviour_weight,
        behaviour_rating=behaviour_rating,
        predicate=predicate,
        complete=not missing,
        missing=tuple(missing),
        flags=tuple(flags),
    )


def score_employees_2026(
    employees: Sequence[Employee], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> list[Nkp2026Result]:
    """Score every employee under §7, in input order; *impact* from the subordinates found by ``superior_nip``.

    Errors of all employees are raised together as one `ScoringErrors`.
    """
    rs = rules or get_rule_set("kmk-127-2026")
    errors: list[ScoringError] = []
    penalties: dict[str, list[Decimal]] = {}
    for e in employees:
        if e.superior_nip is None or not e.discipline:
            continue
        try:
            penalty = discipline_penalty(e.discipline, rules=rs, as_of_period=as_of_period)
        except ScoringError:
            continue  # reported when the employee is scored below
        penalties.setdefault(e.superior_nip, []).append(penalty)
    results: list[Nkp2026Result] = []
    for e in employees:
        try:
            results.append(
                score_employee_2026(
                    e, rules=rs, as_of_period=as_of_period, subordinate_penalties=penalties.get(e.nip, ())
                )
            )
        except ScoringError as exc:
            errors.append(exc)
    if errors:
        raise ScoringErrors(errors)
    return results
