"""Employee score under `kmk-467-2014` (`scoring.md` §6): CKP, NP, penalties, NKP, bands, curve, leniency.

* CKP: weighted mean of the contract KPIs' values, each value being the
  index (§1) times the validity × controllability factor, then clamped.
* NP: per semester, the mean over aspects of the rater-group-weighted mean
  of the raters' scores; the year's NP is the mean of its semesters; the
  participation penalties are then subtracted (not below 0).
* NKP = ``w_ckp × CKP + w_np × NP``; NP band; distribution curve within
  (unit, job category, direct superior); leniency statistics per rater and unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any, TypeVar

from kinerja.scoring._batch import paused_gc
from kinerja.scoring.employee import BehaviourRating, Employee, EmployeeKpi, Participation
from kinerja.scoring.enums import Aspect, DistributionLabel, RaterGroup
from kinerja.scoring.errors import ErrorCode, ScoringError, ScoringErrors
from kinerja.scoring.explain import Explanation, display_float, settle
from kinerja.scoring.kpi import KpiResult, _score, parse_period
from kinerja.scoring.rules import AppraisalRules, Nkp2014Rules, RuleSet, get_rule_set

K = TypeVar("K")

__all__ = [
    "BehaviourResult",
    "CkpKpi",
    "LeniencyStats",
    "Nkp2014Result",
    "behaviour_score_2014",
    "distribute",
    "distribution_counts",
    "leniency",
    "leniency_by_rater",
    "leniency_by_unit",
    "participation_penalty",
    "score_employee_2014",
    "score_employees_2014",
]

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)


def _params(rules: RuleSet) -> Nkp2014Rules:
    if rules.nkp2014 is None:
        raise ScoringError(
            ErrorCode.RULE_SET_MISMATCH, f"rule set {rules.code} has no CKP/NP (kmk-467-2014) employee score"
        )
    return rules.nkp2014


# --------------------------------------------------------------------------- CKP


@dataclass(slots=True)
class CkpKpi:
    """A contract KPI in the CKP: its result, quality factor, value (clamped index × factor) and weight share."""

    result: KpiResult
    factor: Decimal
    value: Decimal | None
    weight: Decimal | None

    @property
    def code(self) -> str:
        """The KPI code."""
        return self.result.code


@lru_cache(maxsize=32)
def _uniform_factor(rules: RuleSet) -> bool:
    """True when every validity × controllability factor is 1 (as under `kmk-467-2014`)."""
    return all(v == _ONE for v in _params(rules).quality_factors.value.values())


def _factor(kpi: EmployeeKpi, rules: RuleSet, p: Nkp2014Rules) -> Decimal:
    """The §6 contract-quality factor; without validity and controllability only a uniform 1 applies."""
    matrix = p.quality_factors.value
    if kpi.validity is None or kpi.controllability is None:
        if _uniform_factor(rules):
            return _ONE
        raise ScoringError(
            ErrorCode.QUALITY_MISSING,
            f"KPI {kpi.code}: validity and controllability are needed for the contract-quality factor",
            kpi=kpi.code,
            field="validity" if kpi.validity is None else "controllability",
        )
    factor = matrix.get((kpi.validity, kpi.controllability))
    if factor is None:
        raise ScoringError(
            ErrorCode.QUALITY_NOT_ALLOWED,
            f"KPI {kpi.code}: validity {kpi.validity.value} with controllability "
            f"{kpi.controllability.value} is not allowed",
            kpi=kpi.code,
            field="controllability",
        )
    return factor


def _ckp(
    kpis: Sequence[EmployeeKpi],
    rules: RuleSet,
    p: Nkp2014Rules,
    as_of: str | None,
    errors: list[ScoringError],
) -> tuple[tuple[CkpKpi, ...], Decimal | None]:
    c = rules.compiled
    rows: list[tuple[KpiResult, Decimal, Decimal | None, Decimal]] = []
    given = [k.weight for k in kpis if k.weight is not None]
    if given and len(given) < len(kpis):
        blank = ", ".join(k.code for k in kpis if k.weight is None)
        errors.append(
            ScoringError(
                ErrorCode.WEIGHTS_PARTIAL,
                f"KPI weights set for some KPIs but blank for {blank}",
                field="weight",
            )
        )
    for k in kpis:
        if k.weight is not None and k.weight < _ZERO:
            errors.append(
                ScoringError(
                    ErrorCode.WEIGHT_INVALID,
                    f"KPI {k.code}: weight {k.weight} is negative",
                    kpi=k.code,
                    field="weight",
                )
            )
        try:
            result = _score(k, c, as_of)
            factor = _factor(k, rules, p)
        except ScoringError as exc:
            errors.append(exc)
            continue
        value: Decimal | None = None
        if result.raw is not None:
            v = result.raw * factor
            value = c.cap if v > c.cap else c.floor if v < c.floor else v
        rows.append((result, factor, value, k.weight if k.weight is not None else _ONE))
    den = _ZERO
    num = _ZERO
    for _result, _f, value, w in rows:
        if value is not None:
            den += w
            num += w * value
    out = tuple(
        CkpKpi(result, factor, value, w / den if value is not None and den != _ZERO else None)
        for result, factor, value, w in rows
    )
    return out, (num / den if den != _ZERO else None)


# --------------------------------------------------------------------------- NP


@dataclass(slots=True)
class BehaviourResult:
    """NP (§6): per-semester and per-aspect figures, the year's NP before and after penalties, its band."""

    semesters: tuple[tuple[str, Decimal], ...]
    aspects: tuple[tuple[str, Aspect, Decimal], ...]
    np_before_penalty: Decimal | None
    penalty: Decimal
    np: Decimal | None
    band: str | None

    def explain(self) -> Explanation:
        """NP from its semesters, each from its aspects, and the participation penalty."""
        children = []
        for semester, value in self.semesters:
            inputs: dict[str, Decimal | str | None] = {
                aspect.value: v for s, aspect, v in self.aspects if s == semester
            }
            children.append(
                Explanation(
                    subject=f"NP semester {semester}",
                    formula="mean over aspects of the rater-group-weighted mean of the raters' scores",
                    result=value,
                    inputs=inputs,
                )
            )
        return Explanation(
            subject="NP",
            formula="max(0, mean of semester NPs − participation penalty)",
            result=self.np,
            inputs={"NP before penalty": self.np_before_penalty, "penalty": self.penalty},
            children=tuple(children),
            notes=(f"band {self.band}",) if self.band else (),
            code="NP",
        )


def participation_penalty(participation: Participation, rules: RuleSet | None = None) -> Decimal:
    """Points taken off NP (§6): 2 per missed assessment, 2 per subordinate without raters (at most 10),
    5 for proposing no raters; at most 10 in all (every number a rule-set parameter)."""
    p = _params(rules or get_rule_set())
    subordinates = min(
        p.penalty_subordinates_cap.value,
        p.penalty_per_subordinate_without_raters.value * participation.subordinates_without_raters,
    )
    total = (
        p.penalty_per_missed_assessment.value * participation.missed_assessments
        + subordinates
        + (p.penalty_no_raters_proposed.value if participation.proposed_no_raters else _ZERO)
    )
    return min(p.penalty_cap.value, total)


def _semester_filter(ratings: Sequence[BehaviourRating], as_of: str | None) -> list[BehaviourRating]:
    if as_of is None:
        return list(ratings)
    cut = parse_period(as_of)
    out = []
    for r in ratings:
        q = parse_period(r.semester)
        if q.year == cut.year and q.last_month <= cut.last_month:
            out.append(r)
    return out


def behaviour_score_2014(
    ratings: Sequence[BehaviourRating],
    *,
    rules: RuleSet | None = None,
    structural: bool | None = None,
    participation: Participation | None = None,
    as_of_period: str | None = None,
    employee: str = "",
) -> BehaviourResult:
    """NP of one employee (§6) from the raters' scores, with the participation penalty.

    Per semester and aspect: each rater group's mean score, combined by the
    rule set's group weights renormalised over the groups that rated; the
    semester's NP is the mean over the aspects rated; the year's NP the mean
    over semesters. Leadership counts for structural officials only
    (``structural=False`` with a leadership score is an error; ``None``: it
    counts when rated). Scores must be within 0..`np_score_max`.
    """
    rs = rules or get_rule_set()
    p = _params(rs)
    top = p.np_score_max.value
    group_weights = p.group_weights.value
    by_semester: dict[str, dict[Aspect, dict[RaterGroup, list[Decimal]]]] = {}
    for rating in ratings if as_of_period is None else _semester_filter(ratings, as_of_period):
        aspects = by_semester.get(rating.semester)
        if aspects is None:
            aspects = by_semester[rating.semester] = {}
        for aspect, name in _ASPECT_FIELDS:
            score: Decimal | None = getattr(rating, name)
            if score is None:
                continue
            if not _ZERO <= score <= top or (aspect is Aspect.LEADERSHIP and structural is False):
                raise _rating_error(rating, aspect, score, top, employee)
            groups = aspects.get(aspect)
            if groups is None:
                aspects[aspect] = {rating.group: [score]}
            elif rating.group in groups:
                groups[rating.group].append(score)
            else:
                groups[rating.group] = [score]
    semesters: list[tuple[str, Decimal]] = []
    aspect_rows: list[tuple[str, Aspect, Decimal]] = []
    for semester, aspects in by_semester.items():
        total = _ZERO
        count = 0
        for aspect, groups in sorted(aspects.items(), key=_aspect_order):
            num = _ZERO
            den = _ZERO
            for group, scores in groups.items():
                weight = group_weights.get(group, _ZERO)
                num += weight * sum(scores, _ZERO) / len(scores)
                den += weight
            if den == _ZERO:
                continue
            value = num / den
            total += value
            count += 1
            aspect_rows.append((semester, aspect, value))
        if count:
            semesters.append((semester, total / count))
    penalty = _ZERO if participation is None else participation_penalty(participation, rs)
    before = sum((v for _, v in semesters), _ZERO) / len(semesters) if semesters else None
    np_value = None if before is None else max(_ZERO, before - penalty)
    band = None if np_value is None else p.np_bands.value.classify(np_value)
    return BehaviourResult(tuple(semesters), tuple(aspect_rows), before, penalty, np_value, band)


_ASPECT_FIELDS: tuple[tuple[Aspect, str], ...] = tuple((a, a.value) for a in Aspect)
_ASPECT_RANK = {a: i for i, a in enumerate(Aspect)}


def _aspect_order(item: tuple[Aspect, object]) -> int:
    return _ASPECT_RANK[item[0]]


def _rating_error(
    rating: BehaviourRating, aspect: Aspect, score: Decimal, top: Decimal, employee: str
) -> ScoringError:
    who = f"employee {employee}: " if employee else ""
    if _ZERO <= score <= top:
        return ScoringError(
            ErrorCode.LEADERSHIP_NOT_STRUCTURAL,
            f"{who}rater {rating.rater}: leadership is rated for structural officials only",
            field=aspect.value,
            employee=employee or None,
        )
    return ScoringError(
        ErrorCode.SCORE_OUT_OF_RANGE,
        f"{who}rater {rating.rater}: {aspect.value} score {score} is outside 0..{top}",
        field=aspect.value,
        employee=employee or None,
    )


# --------------------------------------------------------------------------- NKP


@dataclass(slots=True)
class Nkp2014Result:
    """The §6 employee score: CKP, NP (with band), NKP and, when grouped, the distribution label.

    `complete` is false when a contract KPI was not reported or there is no
    behaviour score; `missing` lists those KPI codes (and ``"behaviour"``).
    `nkp` is ``None`` without a CKP or an NP.
    """

    employee: Employee
    rules: RuleSet
    kpis: tuple[CkpKpi, ...]
    ckp: Decimal | None
    behaviour: BehaviourResult
    nkp: Decimal | None
    distribution: DistributionLabel | None
    complete: bool
    missing: tuple[str, ...]

    @property
    def nip(self) -> str:
        """The employee's NIP."""
        return self.employee.nip

    @property
    def np(self) -> Decimal | None:
        """NP after the participation penalty."""
        return self.behaviour.np

    @property
    def np_band(self) -> str | None:
        """The NP band (§6)."""
        return self.behaviour.band

    def explain(self) -> Explanation:
        """NKP from CKP (each KPI's value) and NP (each semester and aspect)."""
        p = _params(self.rules)
        kpi_children = []
        for k in self.kpis:
            kpi_children.append(
                Explanation(
                    subject=f"KPI {k.code} value",
                    formula="clamp(index before clamping × quality factor)",
                    result=k.value,
                    inputs={"index before clamping": k.result.raw, "factor": k.factor, "weight": k.weight},
                    children=(k.result.explain(),),
                    code=k.code,
                )
            )
        ckp = Explanation(
            subject="CKP",
            formula="Σ wᵢ × valueᵢ / Σ wᵢ over reported KPIs",
            result=self.ckp,
            inputs={f"value {k.code}": k.value for k in self.kpis},
            children=tuple(kpi_children),
            code="CKP",
        )
        notes: list[str] = []
        if self.distribution is not None:
            notes.append(f"distribution {self.distribution.value}")
        if self.missing:
            notes.append("incomplete: missing " + ", ".join(self.missing))
        return Explanation(
            subject=f"NKP {self.nip}",
            formula="w_ckp × CKP + w_np × NP",
            result=self.nkp,
            inputs={"w_ckp": p.weight_ckp.value, "CKP": self.ckp, "w_np": p.weight_np.value, "NP": self.np},
            children=(ckp, self.behaviour.explain()),
            notes=tuple(notes),
            code=self.nip,
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``kinerja nkp --format json`` under `kmk-467-2014` (2 decimals; weight in percent)."""
        out: dict[str, Any] = {
            "nip": self.nip,
            "rules": self.rules.code,
            "kpis": [
                {
                    "code": k.code,
                    "index": display_float(k.result.index),
                    "factor": display_float(k.factor),
                    "value": display_float(k.value),
                    "weight": display_float(None if k.weight is None else k.weight * _HUNDRED),
                }
                for k in self.kpis
            ],
            "ckp": display_float(self.ckp),
            "np": display_float(self.np),
            "np_band": self.np_band,
            "nkp": display_float(self.nkp),
        }
        if self.distribution is not None:
            out["distribution"] = self.distribution.value
        out["complete"] = self.complete
        out["missing"] = list(self.missing)
        return out


def score_employee_2014(
    employee: Employee, *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> Nkp2014Result:
    """Score one employee under §6 (no distribution label: see `score_employees_2014`).

    Errors are collected and raised together as `ScoringErrors` tagged with the NIP.
    """
    rs = rules or get_rule_set()
    p = _params(rs)
    errors: list[ScoringError] = []
    kpis, ckp = _ckp(employee.kpis, rs, p, as_of_period, errors)
    behaviour: BehaviourResult | None = None
    try:
        behaviour = behaviour_score_2014(
            employee.ratings,
            rules=rs,
            structural=employee.structural,
            participation=employee.participation,
            as_of_period=as_of_period,
        )
    except ScoringError as exc:
        errors.append(exc)
    if errors or behaviour is None:
        raise ScoringErrors(errors).for_employee(employee.nip)
    missing = [k.code for k in kpis if k.value is None]
    if behaviour.np is None:
        missing.append("behaviour")
    nkp = None
    if ckp is not None and behaviour.np is not None:
        nkp = p.weight_ckp.value * ckp + p.weight_np.value * behaviour.np
    return Nkp2014Result(employee, rs, kpis, ckp, behaviour, nkp, None, not missing, tuple(missing))


def score_employees_2014(
    employees: Sequence[Employee], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> list[Nkp2014Result]:
    """Score every employee (§6) and label the distribution curve within (unit, job category, superior).

    Employees with none of unit, job category and superior get no label.
    Errors of all employees are raised together as one `ScoringErrors`.
    """
    with paused_gc():
        return _score_employees_2014(employees, rules or get_rule_set(), as_of_period)


def _score_employees_2014(
    employees: Sequence[Employee], rs: RuleSet, as_of_period: str | None
) -> list[Nkp2014Result]:
    errors: list[ScoringError] = []
    results: list[Nkp2014Result] = []
    for employee in employees:
        try:
            results.append(score_employee_2014(employee, rules=rs, as_of_period=as_of_period))
        except ScoringError as exc:
            errors.append(exc)
    if errors:
        raise ScoringErrors(errors)
    groups: dict[tuple[str | None, str | None, str | None], list[tuple[str, Decimal]]] = {}
    for r in results:
        e = r.employee
        if r.nkp is None or (e.unit is None and e.job_category is None and e.superior_nip is None):
            continue
        groups.setdefault((e.unit, e.job_category, e.superior_nip), []).append((e.nip, r.nkp))
    labels: dict[str, DistributionLabel] = {}
    for members in groups.values():
        labels.update(distribute(members, rs))
    for r in results:
        r.distribution = labels.get(r.nip)
    return results


# --------------------------------------------------------------------------- distribution curve


def _round_count(n: int, percent: Decimal) -> int:
    return int((n * percent / _HUNDRED).quantize(_ONE, rounding=ROUND_HALF_UP))


def distribution_counts(n: int, rules: RuleSet | None = None) -> tuple[int, int, int]:
    """How many of `n` employees are best, average and below average (§6).

    Best and below are each `n × percent / 100` rounded half-up (15 % of 10 is
    1.5 → 2); average is the rest, so the three always add up to `n`.
    """
    p = (rules or get_rule_set()).appraisal
    best = _round_count(n, p.distribution_best.value)
    below = min(_round_count(n, p.distribution_below.value), n - best)
    return best, n - best - below, below


_RANK = {DistributionLabel.BEST: 0, DistributionLabel.AVERAGE: 1, DistributionLabel.BELOW: 2}


def distribute(
    scores: Sequence[tuple[str, Decimal]], rules: RuleSet | None = None
) -> dict[str, DistributionLabel]:
    """Label one group on the curve (§6): ranked by NKP, the top are best, the bottom below average.

    Counts from `distribution_counts`. Equal scores get the same label: an
    employee tied with a better-labelled one gets that better label (so a tie
    can put more than the percentage in a better category).
    """
    ranked = sorted(((key, settle(value)) for key, value in scores), key=lambda item: item[1], reverse=True)
    best, average, _below = distribution_counts(len(ranked), rules)
    labels: list[DistributionLabel] = []
    for position, (_key, value) in enumerate(ranked):
        label = (
            DistributionLabel.BEST
            if position < best
            else DistributionLabel.AVERAGE
            if position < best + average
            else DistributionLabel.BELOW
        )
        if labels and ranked[position - 1][1] == value and _RANK[labels[-1]] < _RANK[label]:
            label = labels[-1]
        labels.append(label)
    return {key: label for (key, _value), label in zip(ranked, labels, strict=True)}


# --------------------------------------------------------------------------- leniency


@dataclass(slots=True)
class LeniencyStats:
    """A rater's (or unit's) scores: count, mean, spread (population standard deviation),
    share of high scores (percent) and whether they look uniformly high (§6)."""

    key: str
    count: int
    mean: Decimal
    spread: Decimal
    share_high: Decimal
    flagged: bool


def leniency(
    scores_by_key: Mapping[str, Sequence[Decimal]], rules: RuleSet | None = None
) -> dict[str, LeniencyStats]:
    """Leniency statistics per key (a rater or a unit) (§6).

    Flagged when there are at least `leniency_min_scores` scores and either
    the share of scores ≥ `leniency_high_score` reaches `leniency_share`
    percent, or the mean is at least `leniency_mean` with a spread of at most
    `leniency_spread`.
    """
    p = (rules or get_rule_set()).appraisal
    high = p.leniency_high_score.value
    out: dict[str, LeniencyStats] = {}
    for key, scores in scores_by_key.items():
        n = len(scores)
        if n == 0:
            continue
        mean = sum(scores, _ZERO) / n
        spread = (sum(((s - mean) ** 2 for s in scores), _ZERO) / n).sqrt()
        share = Decimal(sum(1 for s in scores if settle(s) >= high)) * _HUNDRED / n
        out[key] = _leniency_stats(key, n, mean, spread, share, p)
    return out


def leniency_counted(
    counts_by_key: Mapping[K, Mapping[Decimal, int]], rules: RuleSet | None = None
) -> dict[K, LeniencyStats]:
    """`leniency` of scores given counted per distinct value (value → how many times), for many scores: the same
    statistics, each sum taken once per distinct value (weighted by its count) instead of once per score —
    a ministry's year is 1.6 million behaviour scores over a few dozen distinct values. The sums are exact
    at the scale of scores (two decimals); the spread's differs from `leniency`'s in the 28th significant
    digit at most (the rounding of the squares' sum), far below the cent it is shown and judged at."""
    p = (rules or get_rule_set()).appraisal
    high = p.leniency_high_score.value
    out: dict[K, LeniencyStats] = {}
    for key, counted in counts_by_key.items():
        n = sum(counted.values())
        if n == 0:
            continue
        mean = sum((value * count for value, count in counted.items()), _ZERO) / n
        spread = (sum((count * (value - mean) ** 2 for value, count in counted.items()), _ZERO) / n).sqrt()
        top = sum(count for value, count in counted.items() if settle(value) >= high)
        out[key] = _leniency_stats(str(key), n, mean, spread, Decimal(top) * _HUNDRED / n, p)
    return out


def _leniency_stats(
    key: str, n: int, mean: Decimal, spread: Decimal, share: Decimal, p: AppraisalRules
) -> LeniencyStats:
    flagged = n >= p.leniency_min_scores.value and (
        settle(share) >= p.leniency_share.value
        or (settle(mean) >= p.leniency_mean.value and settle(spread) <= p.leniency_spread.value)
    )
    return LeniencyStats(key, n, mean, spread, share, flagged)


def _scores(ratings: Iterable[BehaviourRating]) -> Iterable[Decimal]:
    for rating in ratings:
        for aspect in Aspect:
            score = rating.score(aspect)
            if score is not None:
                yield score


def leniency_by_rater(
    employees: Sequence[Employee], rules: RuleSet | None = None
) -> dict[str, LeniencyStats]:
    """`leniency` over every score each rater gave (all ratees, aspects and semesters)."""
    by_rater: dict[str, list[Decimal]] = {}
    for employee in employees:
        for rating in employee.ratings:
            by_rater.setdefault(rating.rater, []).extend(_scores((rating,)))
    return leniency(by_rater, rules)


def leniency_by_unit(employees: Sequence[Employee], rules: RuleSet | None = None) -> dict[str, LeniencyStats]:
    """`leniency` over every score given to the employees of each unit (employees without a unit skipped)."""
    by_unit: dict[str, list[Decimal]] = {}
    for employee in employees:
        if employee.unit is not None:
            by_unit.setdefault(employee.unit, []).extend(_scores(employee.ratings))
    return leniency(by_unit, rules)
