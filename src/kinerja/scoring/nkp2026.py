"""Employee score under `kmk-127-2026` (`scoring.md` §7.2–§7.3).

K3 contract quality per KPI, work result (NHK) weighted by K3 and days,
work behaviour (NPK) from the seven core values, calibration, NKP before
adjustment, discipline / impact / correction, the blend with the unit's NKO,
ratings and the PermenPANRB 6/2022 predicate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from kinerja.scoring._batch import paused_gc
from kinerja.scoring._json import json_number, json_shared_number, json_string, json_strings, json_text
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
from kinerja.scoring.explain import Explanation, display, display_float, settle
from kinerja.scoring.kpi import KpiResult, _periods_as_of, _score, parse_period
from kinerja.scoring.rules import Bands, RuleSet, _Compiled, get_rule_set

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
    "subordinate_penalties",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_TWO = Decimal(2)
_HUNDRED = Decimal(100)
_RATING_TEXT: dict[Rating | None, str | None] = {None: None, **{r: r.value for r in Rating}}
_RATING_JSON: dict[Rating | None, str] = {None: "null", **{r: json_string(r.value) for r in Rating}}
_SEVERITY = {DisciplineCategory.LIGHT: 0, DisciplineCategory.MEDIUM: 1, DisciplineCategory.SEVERE: 2}


@dataclass(frozen=True)
class _K:
    """The §7 parameters of one rule set, unwrapped once for the per-employee path."""

    code: str
    floor: Decimal
    cap: Decimal
    q_kpi: Mapping[tuple[Validity, Controllability], Decimal | None]
    q_target: Mapping[TargetCase, Decimal]
    q_fixed: Decimal
    q_new: Decimal
    q_stabilize: Decimal
    q_floor: Decimal
    core_max: Decimal
    cal_threshold: Decimal
    cal_factor: Decimal
    cal_cap: Decimal
    w_nhk: Decimal
    w_npk: Decimal
    rates: Mapping[DisciplineCategory, Decimal]
    quarters: Mapping[DisciplineCategory, int]
    impact_rate: Decimal
    impact_cap: Decimal
    correction_limit: Decimal
    tier1: Decimal
    tier2: Decimal
    below: Decimal
    ratings: Bands
    predicates: Mapping[tuple[Rating, Rating], str]
    # Q_target and K3 results, made once per case and shared by every KPI with that case (none is
    # changed once made): 640 000 KPIs of a big workbook have a few dozen distinct ones.
    targets: dict[tuple[str, bool, bool], TargetQuality] = field(default_factory=dict, compare=False)
    qualities: dict[tuple[int, int], ContractQuality] = field(default_factory=dict, compare=False)


@lru_cache(maxsize=32)
def _compile(rules: RuleSet) -> _K:
    p = rules.nkp2026
    if p is None:
        raise ScoringError(
            ErrorCode.RULE_SET_MISMATCH, f"rule set {rules.code} has no NHK/NPK (kmk-127-2026) employee score"
        )
    return _K(
        code=rules.code,
        floor=rules.index_floor.value,
        cap=rules.index_cap.value,
        q_kpi=p.q_kpi.value,
        q_target=p.q_target.value,
        q_fixed=p.q_target_fixed.value,
        q_new=p.q_target_new.value,
        q_stabilize=p.q_target_stabilize.value,
        q_floor=p.q_target_mandatory_floor.value,
        core_max=p.core_value_max.value,
        cal_threshold=p.calibration_threshold.value,
        cal_factor=p.calibration_factor.value,
        cal_cap=p.calibration_input_cap.value,
        w_nhk=p.weight_nhk.value,
        w_npk=p.weight_npk.value,
        rates=p.discipline_rates.value,
        quarters=p.discipline_quarters.value,
        impact_rate=p.impact_rate.value,
        impact_cap=p.impact_cap.value,
        correction_limit=p.correction_limit.value,
        tier1=p.blend_tier1.value,
        tier2=p.blend_tier2.value,
        below=p.blend_below.value,
        ratings=p.ratings.value,
        predicates=p.predicates.value,
    )


def _k(rules: RuleSet | None) -> _K:
    return _compile(rules or get_rule_set("kmk-127-2026"))


# --------------------------------------------------------------------------- K3 (§7.2)


@dataclass(slots=True)
class TargetQuality:
    """`Q_target` (§7.2) and why: a `TargetCase` value or an override (``fixed``, ``new``, ``stabilize``).

    `silent` flags ``T = T1 = R1``, where the decree is silent (scored 1.00).
    `mandatory_floor` says the mandatory-KPI minimum raised the value.
    """

    value: Decimal
    reason: str
    silent: bool = False
    mandatory_floor: bool = False


@dataclass(slots=True)
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
    return _q_kpi(validity, controllability, _k(rules), kpi)


def _q_kpi(validity: Validity | None, controllability: Controllability | None, k: _K, kpi: str) -> Decimal:
    if validity is None or controllability is None:
        raise ScoringError(
            ErrorCode.QUALITY_MISSING,
            f"KPI {kpi}: validity and controllability are needed for K3 (or give k3)",
            kpi=kpi,
            field="validity" if validity is None else "controllability",
        )
    table = k.q_kpi
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
    return _q_target(polarity, target, target_prev, realization_prev, kind, fixed_target, _k(rules), kpi)


def _q_target(
    polarity: Polarity,
    target: Decimal | None,
    target_prev: Decimal | None,
    realization_prev: Decimal | None,
    kind: KpiKind,
    fixed_target: bool,
    k: _K,
    kpi: str,
) -> TargetQuality:
    if fixed_target:
        return _target_quality(k, k.q_fixed, "fixed", False, False)
    if kind is KpiKind.NEW:
        return _target_quality(k, k.q_new, "new", False, False)
    if polarity is Polarity.STABILIZE:
        return _target_quality(k, k.q_stabilize, "stabilize", False, False)
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
    value = k.q_target[case]
    if kind is KpiKind.MANDATORY and value < k.q_floor:
        return _target_quality(k, k.q_floor, case, silent, True)
    return _target_quality(k, value, case, silent, False)


def _target_quality(k: _K, value: Decimal, reason: str, silent: bool, floor: bool) -> TargetQuality:
    """`TargetQuality(value, reason, silent, floor)`, one shared object per case (`value` follows from it)."""
    found = k.targets.get((reason, silent, floor))
    if found is None:
        found = k.targets[(reason, silent, floor)] = TargetQuality(value, reason, silent, floor)
    return found


def _year_target(kpi: EmployeeKpi) -> Decimal | None:
    """This year's target: the period targets consolidated over the whole year (§2), else `target`."""
    if not kpi.periods:
        return kpi.target
    ordered = _periods_as_of(kpi.periods, None, kpi.code)
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
    return _contract_quality(kpi, _k(rules))


def _contract_quality(kpi: EmployeeKpi, k: _K) -> ContractQuality:
    if kpi.k3 is not None:
        if kpi.k3 <= _ZERO:
            raise ScoringError(
                ErrorCode.SCORE_OUT_OF_RANGE,
                f"KPI {kpi.code}: k3 {kpi.k3} must be positive",
                kpi=kpi.code,
                field="k3",
            )
        return ContractQuality(kpi.k3, None, None, given=True)
    qk = _q_kpi(kpi.validity, kpi.controllability, k, kpi.code)
    qt = _q_target(
        kpi.polarity,
        _year_target(kpi) if kpi.periods else kpi.target,
        kpi.target_prev,
        kpi.realization_prev,
        kpi.kind,
        kpi.fixed_target,
        k,
        kpi.code,
    )
    # qk is one of the rule set's own values and qt a shared case: their ids name the pair
    key = (id(qk), id(qt))
    found = k.qualities.get(key)
    if found is None:
        found = k.qualities[key] = ContractQuality((qk + qt.value) / _TWO, qk, qt)
    return found


# --------------------------------------------------------------------------- adjustments (§7.3)


def calibrate(value: Decimal, *, rules: RuleSet | None = None) -> Decimal:
    """Calibration (§7.3, reading): above the threshold ``100 + (min(x, 120) − 100) × 0.75``; else unchanged."""
    return _calibrate(value, _k(rules))


def _calibrate(value: Decimal, k: _K) -> Decimal:
    threshold = k.cal_threshold
    if value <= threshold:
        return value
    return threshold + (min(value, k.cal_cap) - threshold) * k.cal_factor


def sentence_in_force(sentence: Sentence, as_of_period: str | None, *, rules: RuleSet | None = None) -> bool:
    """Whether a sentence is in force as of a period: for its category's number of quarters from its start.

    Without `start_period` or `as_of_period` the sentence is taken as in force.
    """
    if sentence.start_period is None or as_of_period is None:
        return True
    k = _k(rules)
    start = parse_period(sentence.start_period)
    cut = parse_period(as_of_period)
    first = start.year * 4 + (start.first_month - 1) // 3
    now = cut.year * 4 + (cut.last_month - 1) // 3
    return first <= now < first + k.quarters[sentence.category]


def discipline_penalty(
    sentences: Sequence[Sentence], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> Decimal:
    """Penalty of the heaviest sentence in force (§7.3): its category's rate × its severity score; 0 if none."""
    rs = rules or get_rule_set("kmk-127-2026")
    rates = _k(rs).rates
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
    return _impact(subordinate_penalties, _k(rules))


def _impact(subordinate_penalties: Sequence[Decimal], k: _K) -> Decimal:
    if not subordinate_penalties:
        return _ZERO
    return min(k.impact_cap, k.impact_rate * sum(subordinate_penalties, _ZERO))


def blend_weight(value: Decimal, nko: Decimal, tier: int, *, rules: RuleSet | None = None) -> Decimal:
    """The NKO's weight in the blend (§7.3): tier 1 / tier 2 weight when ``value ≥ NKO``, else the lower one."""
    return _blend_weight(value, nko, tier, _k(rules))


def _blend_weight(value: Decimal, nko: Decimal, tier: int, k: _K) -> Decimal:
    if settle(value) < settle(nko):  # equal figures take the ≥ branch, however their last digits fell
        return k.below
    return k.tier1 if tier == 1 else k.tier2


def rating_of(value: Decimal, *, rules: RuleSet | None = None) -> Rating:
    """Rating against expectations (§7.3): above 100 *above*, 90–100 *meets*, below 90 *below*."""
    return _rating(value, _k(rules))


_RATINGS: dict[str, Rating] = {r.value: r for r in Rating}


def _rating(value: Decimal, k: _K) -> Rating:
    label = k.ratings.classify(value)
    found = _RATINGS.get(label)  # a dictionary lookup: `Rating(label)` goes through the enum machinery
    return found if found is not None else Rating(label)


def predicate_of(work: Rating, behaviour: Rating, *, rules: RuleSet | None = None) -> str:
    """The PermenPANRB 6/2022 predicate of a (work result, behaviour) rating pair (§7.3)."""
    return _k(rules).predicates[(work, behaviour)]


# --------------------------------------------------------------------------- results


@dataclass(slots=True)
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


@dataclass(slots=True)
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
        kpis = []
        for k in self.kpis:
            index, value, weight = k.result.index, k.value, k.weight
            kpis.append(
                {
                    "code": k.result.kpi.code,
                    "index": None if index is None else float(display(index)),
                    "k3": float(display(k.quality.k3)),
                    "value": None if value is None else float(display(value)),
                    "weight": None if weight is None else float(display(weight * _HUNDRED)),
                }
            )
        out: dict[str, Any] = {
            "nip": self.employee.nip,
            "rules": self.rules.code,
            "kpis": kpis,
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
                "rating": _RATING_TEXT[self.work_rating],
            },
            "behaviour": {
                "value": display_float(self.behaviour),
                "rating": _RATING_TEXT[self.behaviour_rating],
            },
            "predicate": self.predicate,
            "complete": self.complete,
            "missing": list(self.missing),
        }
        if self.flags:
            out["flags"] = list(self.flags)
        return out

    def to_json(self) -> str:
        """`json.dumps(self.to_dict(), ensure_ascii=False)`, written directly (see `_json`): the same text."""
        number, shared = json_number, json_shared_number
        kpis = ", ".join(
            f'{{"code": {json_string(k.result.kpi.code)}, "index": {number(k.result.index)}, '
            f'"k3": {shared(k.quality.k3)}, "value": {number(k.value)}, '
            f'"weight": {"null" if k.weight is None else number(k.weight * _HUNDRED)}}}'
            for k in self.kpis
        )
        flags = f', "flags": {json_strings(self.flags)}' if self.flags else ""
        return (
            f'{{"nip": {json_string(self.employee.nip)}, "rules": {json_string(self.rules.code)}, '
            f'"kpis": [{kpis}], "nhk": {number(self.nhk)}, "nhk_calibrated": {number(self.nhk_calibrated)}, '
            f'"npk": {number(self.npk)}, "npk_calibrated": {number(self.npk_calibrated)}, '
            f'"nkp_before": {number(self.nkp_before)}, "discipline": {_number_or_zero(self.discipline)}, '
            f'"impact": {_number_or_zero(self.impact)}, "correction": {shared(self.correction)}, '
            f'"result": {number(self.result)}, "nko_weight": {shared(self.nko_weight)}, '
            f'"nkp": {number(self.nkp)}, '
            f'"work_result": {{"value": {number(self.work_result)}, "rating": {_RATING_JSON[self.work_rating]}}}, '
            f'"behaviour": {{"value": {number(self.behaviour)}, '
            f'"rating": {_RATING_JSON[self.behaviour_rating]}}}, '
            f'"predicate": {json_text(self.predicate)}, "complete": {"true" if self.complete else "false"}, '
            f'"missing": {json_strings(self.missing)}{flags}}}'
        )

    def explain(self) -> Explanation:
        """Every step: NKP ← result ← NKP before ← calibrated NHK / NPK ← KPIs (index, K3) and core values."""
        k = _k(self.rules)
        kpi_nodes = []
        for kpi in self.kpis:
            kpi_nodes.append(
                Explanation(
                    subject=f"KPI {kpi.code} quality value",
                    formula="min(cap, index × K3)",
                    result=kpi.value,
                    inputs={"index": kpi.index, "K3": kpi.k3, "weight": kpi.weight},
                    children=(kpi.result.explain(), kpi.quality.explain(kpi.code)),
                    notes=("no index in the period: left out",) if kpi.value is None else (),
                    code=kpi.code,
                )
            )
        nhk = Explanation(
            subject="NHK",
            formula="min(cap, Σ vᵢ × wᵢ), wᵢ = K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ",
            result=self.nhk,
            inputs={f"v {kpi.code}": kpi.value for kpi in self.kpis},
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
                "w_nhk": k.w_nhk,
                "NHK calibrated": self.nhk_calibrated,
                "w_npk": k.w_npk,
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


def _number_or_zero(value: Decimal) -> str:
    """`json_number` of a penalty: most are the shared zero (no sentence, no subordinate's)."""
    return "0.0" if value is _ZERO else json_number(value)


# --------------------------------------------------------------------------- scoring


def _num(value: Decimal | None) -> str:
    return "N/A" if value is None else str(display(value))


def _npk(
    rows: Sequence[CoreValues], k: _K, as_of: str | None, errors: list[ScoringError]
) -> tuple[tuple[tuple[str, Decimal], ...], Decimal | None]:
    """NPK (§7.3): each period's mean of the seven core values; the year's NPK is the mean of its periods."""
    top = k.core_max
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
        total = _ZERO
        for v in values:
            if not _ZERO <= v <= top:
                errors.append(
                    ScoringError(
                        ErrorCode.SCORE_OUT_OF_RANGE,
                        f"period {row.period}: core-value score {v} is outside 0..{top}",
                        field="period",
                    )
                )
                break
            total += v
        else:
            periods.append((row.period, total / len(values)))
    if not periods:
        return (), None
    return tuple(periods), sum((v for _, v in periods), _ZERO) / len(periods)


def _nhk(
    kpis: Sequence[EmployeeKpi],
    c: _Compiled,
    k: _K,
    as_of: str | None,
    errors: list[ScoringError],
    flags: list[str],
) -> tuple[tuple[NhkKpi, ...], Decimal | None]:
    """NHK (§7.3): ``min(cap, Σ vᵢ × K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ)`` over the KPIs with an index."""
    with_days = any(kpi.days is not None for kpi in kpis)
    if with_days and any(kpi.days is None for kpi in kpis):
        blank = ", ".join(kpi.code for kpi in kpis if kpi.days is None)
        errors.append(
            ScoringError(
                ErrorCode.DAYS_INVALID, f"days given for some KPIs but blank for {blank}", field="days"
            )
        )
    rows: list[tuple[KpiResult, ContractQuality, Decimal, Decimal | None]] = []
    num = _ZERO
    den = _ZERO
    cap = c.cap
    for kpi in kpis:
        days = kpi.days
        if days is not None and days < _ZERO:
            errors.append(
                ScoringError(
                    ErrorCode.DAYS_INVALID,
                    f"KPI {kpi.code}: days {days} is negative",
                    kpi=kpi.code,
                    field="days",
                )
            )
        try:
            result = _score(kpi, c, as_of)
            quality = _contract_quality(kpi, k)
        except ScoringError as exc:
            errors.append(exc)
            continue
        if quality.q_target is not None and quality.q_target.silent:
            flags.append(f"q_target_silent:{kpi.code}")
        weight = quality.k3 if days is None or not with_days else quality.k3 * days
        index = result.index
        if index is None:
            rows.append((result, quality, weight, None))
            continue
        v = index * quality.k3  # the quality value, computed once for the sum and for the result
        if v > cap:
            v = cap
        num += v * weight
        den += weight
        rows.append((result, quality, weight, v))
    out: list[NhkKpi] = []
    for result, quality, weight, value in rows:
        if value is None or den == _ZERO:
            out.append(NhkKpi(result, quality, None, None))
        else:
            out.append(NhkKpi(result, quality, value, weight / den))
    if den == _ZERO:
        return tuple(out), None
    nhk = num / den
    return tuple(out), (cap if nhk > cap else nhk)


def _adjust(x: Decimal, penalty: Decimal, correction: Decimal, c: _Compiled) -> Decimal:
    """``clamp(x − discipline − impact + correction, floor, cap)`` (§7.3); `penalty` = discipline + impact."""
    y = x - penalty + correction
    return c.cap if y > c.cap else c.floor if y < c.floor else y


def _blend(x: Decimal, nko: Decimal | None, tier: int, c: _Compiled, k: _K) -> tuple[Decimal, Decimal | None]:
    """``clamp((1 − w) × x + w × NKO, floor, cap)`` and `w` (§7.3); no NKO: `x` unblended."""
    if nko is None:
        return x, None
    w = _blend_weight(x, nko, tier, k)
    y = (_ONE - w) * x + w * nko
    return (c.cap if y > c.cap else c.floor if y < c.floor else y), w


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
    k = _compile(rs)
    c = rs.compiled
    errors: list[ScoringError] = []
    flags: list[str] = []
    kpis, nhk = _nhk(employee.kpis, c, k, as_of_period, errors, flags)
    npk_periods, npk = _npk(employee.core_values, k, as_of_period, errors)
    correction = employee.correction
    limit = k.correction_limit
    if not -limit <= correction <= limit:
        errors.append(
            ScoringError(
                ErrorCode.CORRECTION_OUT_OF_RANGE,
                f"correction {correction} is outside −{limit}…+{limit}",
                field="correction",
            )
        )
    tier = employee.tier
    nko = employee.nko
    if tier is None and nko is not None:
        errors.append(
            ScoringError(
                ErrorCode.TIER_INVALID, "a tier (1 or 2) is needed to blend with the NKO", field="tier"
            )
        )
    elif tier is not None and tier not in (1, 2):
        errors.append(ScoringError(ErrorCode.TIER_INVALID, f"tier {tier} must be 1 or 2", field="tier"))
    discipline = _ZERO
    if employee.discipline:
        try:
            discipline = discipline_penalty(employee.discipline, rules=rs, as_of_period=as_of_period)
        except ScoringError as exc:
            errors.append(exc)
    if errors:
        raise ScoringErrors(errors).for_employee(employee.nip)
    impact = _impact(subordinate_penalties, k)
    penalty = discipline + impact
    tier_ = tier or 2
    if employee.calibrate:
        nhk_cal = None if nhk is None else _calibrate(nhk, k)
        npk_cal = None if npk is None else _calibrate(npk, k)
    else:
        flags.append("not_calibrated")
        nhk_cal, npk_cal = nhk, npk
    nkp_before = result = nkp = work = behaviour = None
    nko_weight = work_weight = behaviour_weight = None
    work_rating = behaviour_rating = None
    predicate = None
    if nhk_cal is not None:
        work, work_weight = _blend(_adjust(nhk_cal, penalty, correction, c), nko, tier_, c, k)
        work_rating = _rating(work, k)
    if npk_cal is not None:
        behaviour, behaviour_weight = _blend(_adjust(npk_cal, penalty, correction, c), nko, tier_, c, k)
        behaviour_rating = _rating(behaviour, k)
    if nhk_cal is not None and npk_cal is not None:
        nkp_before = k.w_nhk * nhk_cal + k.w_npk * npk_cal
        result = _adjust(nkp_before, penalty, correction, c)
        nkp, nko_weight = _blend(result, nko, tier_, c, k)
    if work_rating is not None and behaviour_rating is not None:
        predicate = k.predicates[(work_rating, behaviour_rating)]
    missing = [kpi.code for kpi in kpis if kpi.result.index is None]
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
    with paused_gc():
        return _score_employees_2026(employees, rules or get_rule_set("kmk-127-2026"), as_of_period)


def subordinate_penalties(
    employees: Iterable[tuple[str | None, Sequence[Sentence]]],
    *,
    rules: RuleSet | None = None,
    as_of_period: str | None = None,
) -> dict[str, list[Decimal]]:
    """Superior's NIP → the discipline penalties of their direct subordinates (for *impact*, §7.3).

    `employees` are ``(superior_nip, discipline)`` pairs; a sentence that cannot be scored is left
    out (it is reported when its employee is scored).
    """
    rs = rules or get_rule_set("kmk-127-2026")
    penalties: dict[str, list[Decimal]] = {}
    for superior, discipline in employees:
        if superior is None or not discipline:
            continue
        try:
            penalty = discipline_penalty(discipline, rules=rs, as_of_period=as_of_period)
        except ScoringError:
            continue  # reported when the employee is scored
        penalties.setdefault(superior, []).append(penalty)
    return penalties


def _score_employees_2026(
    employees: Sequence[Employee], rs: RuleSet, as_of_period: str | None
) -> list[Nkp2026Result]:
    errors: list[ScoringError] = []
    penalties = subordinate_penalties(
        ((e.superior_nip, e.discipline) for e in employees), rules=rs, as_of_period=as_of_period
    )
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
