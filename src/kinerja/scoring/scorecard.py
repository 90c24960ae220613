"""A unit's scorecard up the strategy map: KPI → objective → perspective → NKO (`scoring.md` §3, §4).

`score_scorecard` takes the unit's KPIs (each naming its perspective and
objective, with optional weights) and returns a `ScorecardResult` with every
index, the NKO and its predicate, the completeness flag and the missing KPIs.
Errors are collected over the whole scorecard and raised together as one
`ScoringErrors`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from kinerja.scoring._batch import paused_gc
from kinerja.scoring._json import json_number, json_string, json_strings, json_text
from kinerja.scoring.enums import Consolidation, Perspective, Polarity, Status
from kinerja.scoring.errors import ErrorCode, ScoringError, ScoringErrors
from kinerja.scoring.explain import Explanation, display, display_float
from kinerja.scoring.kpi import KpiInput, KpiResult, _score
from kinerja.scoring.rules import RuleSet, get_rule_set

__all__ = [
    "PERSPECTIVE_ORDER",
    "ObjectiveResult",
    "PerspectiveResult",
    "ScorecardKpi",
    "ScorecardResult",
    "score_scorecard",
    "scorecard_kpi",
]

PERSPECTIVE_ORDER: tuple[Perspective, ...] = (
    Perspective.STAKEHOLDER,
    Perspective.CUSTOMER,
    Perspective.INTERNAL_PROCESS,
    Perspective.LEARNING_GROWTH,
)
"""The perspectives top to bottom, the order every scorecard is shown in (§4)."""

_ZERO = Decimal(0)
_ONE = Decimal(1)
_UNREPORTED = ("na", "zero_after_due")
_STATUS_TEXT: dict[Status | None, str | None] = {None: None, **{s: s.value for s in Status}}
_STATUS_JSON: dict[Status | None, str] = {None: "null", **{s: json_string(s.value) for s in Status}}
_HUNDRED = Decimal(100)


@dataclass(slots=True, kw_only=True)
class ScorecardKpi(KpiInput):
    """A KPI on a unit's scorecard (one row of the scorecard table, `interchange.md`).

    Besides the `KpiInput` fields: its `perspective` and `objective` code;
    `weight` (percent within its objective, blank = equal); `objective_weight`
    (percent within its perspective, blank = equal; the same on every KPI of
    the objective); `perspective_weight` (percent, the same on every KPI of
    the perspective; all blank = equal, else they must total 100).
    """

    perspective: Perspective
    objective: str
    weight: Decimal | None = None
    objective_weight: Decimal | None = None
    perspective_weight: Decimal | None = None
    objective_name: str = ""


_new = object.__new__


def scorecard_kpi(
    code: str,
    polarity: Polarity,
    target: Decimal | None,
    realization: Decimal | None,
    target_low: Decimal | None,
    target_high: Decimal | None,
    worst: Decimal | None,
    consolidation: Consolidation,
    cap_on_target: bool,
    name: str,
    perspective: Perspective,
    objective: str,
    weight: Decimal | None,
    perspective_weight: Decimal | None,
    objective_name: str,
) -> ScorecardKpi:
    """`ScorecardKpi(code=code, polarity=polarity, ...)` (no periods, no objective weight) from
    positional arguments, for building one per row of a big table.

    Done for speed: the dataclass's keyword-only `__init__` matches each keyword against its 20
    parameter names, which makes it 3× as slow as setting the fields here. Every field is set
    (a test compares the two).
    """
    kpi = _new(ScorecardKpi)
    kpi.code = code
    kpi.polarity = polarity
    kpi.target = target
    kpi.realization = realization
    kpi.target_low = target_low
    kpi.target_high = target_high
    kpi.worst = worst
    kpi.consolidation = consolidation
    kpi.periods = ()
    kpi.cap_on_target = cap_on_target
    kpi.scale = None
    kpi.index = None
    kpi.overdue = False
    kpi.name = name
    kpi.perspective = perspective
    kpi.objective = objective
    kpi.weight = weight
    kpi.objective_weight = None
    kpi.perspective_weight = perspective_weight
    kpi.objective_name = objective_name
    return kpi


@dataclass(slots=True)
class ObjectiveResult:
    """A strategic objective (SS): weighted mean of its reported KPIs' indices (§4); ``None`` = none reported."""

    code: str
    name: str
    perspective: Perspective
    weight: Decimal | None
    index: Decimal | None
    kpis: tuple[KpiResult, ...]

    @property
    def complete(self) -> bool:
        """True when every KPI of the objective was reported."""
        return all(k.reported for k in self.kpis)

    def explain(self) -> Explanation:
        """Weighted (or plain) mean of the KPI indices, with each KPI's explanation below."""
        weighted = any(_kpi_weight(k) is not None for k in self.kpis)
        inputs: dict[str, Decimal | str | None] = {}
        for k in self.kpis:
            inputs[f"index {k.code}"] = k.index
            if weighted:
                inputs[f"weight {k.code}"] = _kpi_weight(k)
        notes = tuple(
            f"{k.code} not reported: left out, weights renormalised" for k in self.kpis if k.index is None
        )
        return Explanation(
            subject=f"objective {self.code} index",
            formula="Σ wᵢ × indexᵢ / Σ wᵢ over reported KPIs" if weighted else "mean of reported KPI indices",
            result=self.index,
            inputs=inputs,
            children=tuple(k.explain() for k in self.kpis),
            notes=notes,
            code=self.code,
        )


@dataclass(slots=True)
class PerspectiveResult:
    """A perspective: mean of its objectives' indices (weighted when objective weights are set) (§4).

    `weight` is the perspective weight in percent as set (or the equal share);
    `effective_weight` the percent it carries in the NKO after leaving out
    perspectives with no reported KPI (``None`` when this one is left out);
    `contribution` = effective weight × index.
    """

    code: Perspective
    weight: Decimal
    effective_weight: Decimal | None
    index: Decimal | None
    contribution: Decimal | None
    objectives: tuple[ObjectiveResult, ...]

    @property
    def complete(self) -> bool:
        """True when every KPI in the perspective was reported."""
        return all(o.complete for o in self.objectives)

    def explain(self) -> Explanation:
        """Mean of the objective indices, with each objective's explanation below."""
        weighted = any(o.weight is not None for o in self.objectives)
        inputs: dict[str, Decimal | str | None] = {}
        for o in self.objectives:
            inputs[f"index {o.code}"] = o.index
            if weighted:
                inputs[f"weight {o.code}"] = o.weight
        notes = tuple(
            f"objective {o.code} has no reported KPI: left out" for o in self.objectives if o.index is None
        )
        return Explanation(
            subject=f"perspective {self.code.value} index",
            formula="Σ wⱼ × indexⱼ / Σ wⱼ over objectives" if weighted else "mean of objective indices",
            result=self.index,
            inputs=inputs,
            children=tuple(o.explain() for o in self.objectives),
            notes=notes,
            code=self.code.value,
        )


@dataclass(slots=True)
class ScorecardResult:
    """A scored scorecard (§3, §4): KPIs, objectives, perspectives, NKO and predicate.

    `nko` is ``None`` (and `predicate` too) when nothing was reported.
    `complete` is false when any KPI was not reported; `missing` lists their
    codes in input order. `kpis`, `objectives` and `perspectives` are in
    display order (perspectives top to bottom, objectives and KPIs as given).
    """

    rules: RuleSet
    as_of_period: str | None
    nko: Decimal | None
    predicate: str | None
    complete: bool
    missing: tuple[str, ...]
    perspectives: tuple[PerspectiveResult, ...]
    objectives: tuple[ObjectiveResult, ...]
    kpis: tuple[KpiResult, ...]
    _by_code: dict[str, KpiResult] = field(default_factory=dict, init=False, repr=False, compare=False)

    def kpi(self, code: str) -> KpiResult:
        """The result of the KPI `code` (``KeyError`` if there is none); a dictionary lookup."""
        if not self._by_code:
            self._by_code = {k.code: k for k in self.kpis}
        return self._by_code[code]

    def explain(self, code: str | None = None) -> Explanation:
        """Why the NKO (or the KPI, objective or perspective `code`) is what it is.

        ``None`` or ``"NKO"`` explains the NKO down to every KPI. An unknown
        code raises ``KeyError``.
        """
        if code is None or code.upper() == "NKO":
            return self._explain_nko()
        for k in self.kpis:
            if k.code == code:
                return k.explain()
        for o in self.objectives:
            if o.code == code:
                return o.explain()
        for p in self.perspectives:
            if p.code.value == code:
                return p.explain()
        raise KeyError(f"no KPI, objective or perspective {code!r} on this scorecard")

    def _explain_nko(self) -> Explanation:
        inputs: dict[str, Decimal | str | None] = {}
        for p in self.perspectives:
            inputs[f"weight {p.code.value}"] = p.weight
            inputs[f"index {p.code.value}"] = p.index
        notes = [
            f"perspective {p.code.value} has no reported KPI: left out, weights renormalised"
            for p in self.perspectives
            if p.index is None
        ]
        if self.predicate is not None:
            notes.append(f"predicate {self.predicate}")
        if self.missing:
            notes.append("incomplete: not reported " + ", ".join(self.missing))
        return Explanation(
            subject="NKO",
            formula="Σ perspective weight × perspective index / Σ weights of perspectives with an index",
            result=self.nko,
            inputs=inputs,
            children=tuple(p.explain() for p in self.perspectives),
            notes=tuple(notes),
            code="NKO",
        )

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of ``kinerja score --format json`` (`interchange.md`) without ``unit``/``period``.

        Numbers are rounded half-up to 2 decimals; the caller puts ``unit`` and
        ``period`` in front.
        """
        kpis: list[dict[str, Any]] = []
        for k in self.kpis:
            t, r, i = k.target, k.realization, k.index
            row: dict[str, Any] = {
                "code": k.kpi.code,
                "objective": _objective_of(k),
                "target": None if t is None else float(display(t)),
            }
            if t is None and k.target_low is not None:
                row["target_low"] = display_float(k.target_low)
                row["target_high"] = display_float(k.target_high)
            row["realization"] = None if r is None else float(display(r))
            row["index"] = None if i is None else float(display(i))
            row["status"] = _STATUS_TEXT[k.status]
            kpis.append(row)
        return {
            "rules": self.rules.code,
            "nko": display_float(self.nko),
            "predicate": self.predicate,
            "complete": self.complete,
            "perspectives": [
                {
                    "code": p.code.value,
                    "weight": display_float(p.weight),
                    "index": display_float(p.index),
                    "contribution": display_float(p.contribution),
                }
                for p in self.perspectives
            ],
            "objectives": [
                {"code": o.code, "perspective": o.perspective.value, "index": display_float(o.index)}
                for o in self.objectives
            ],
            "kpis": kpis,
            "missing": list(self.missing),
        }

    def to_json(self, head: str = "{") -> str:
        """`json.dumps(self.to_dict(), ensure_ascii=False)`, written directly (see `_json`): the same text.

        `head` is what comes before the first key: ``"{"``, or the caller's own
        keys (``'{"unit": "U1", "period": null, '``).
        """
        # One f-string per KPI with the numbers formatted as json.dumps formats floats: no dict,
        # no float object kept, one pass (this runs 100 000 times for a big file).
        number, status_json = json_number, _STATUS_JSON
        objective_json: dict[str, str] = {}  # an objective's code, written once for its KPIs
        kpis: list[str] = []
        for k in self.kpis:
            kpi = k.kpi
            if isinstance(kpi, ScorecardKpi):
                objective = objective_json.get(kpi.objective)
                if objective is None:
                    objective = objective_json[kpi.objective] = json_string(kpi.objective)
            else:
                objective = "null"
            t = k.target
            band = (
                f', "target_low": {number(k.target_low)}, "target_high": {number(k.target_high)}'
                if t is None and k.target_low is not None
                else ""
            )
            kpis.append(
                f'{{"code": {json_string(kpi.code)}, "objective": {objective}, "target": {number(t)}{band}, '
                f'"realization": {number(k.realization)}, "index": {number(k.index)}, '
                f'"status": {status_json[k.status]}}}'
            )
        perspectives = ", ".join(
            f'{{"code": {json_string(p.code.value)}, "weight": {number(p.weight)}, '
            f'"index": {number(p.index)}, "contribution": {number(p.contribution)}}}'
            for p in self.perspectives
        )
        objectives = ", ".join(
            f'{{"code": {json_string(o.code)}, "perspective": {json_string(o.perspective.value)}, '
            f'"index": {number(o.index)}}}'
            for o in self.objectives
        )
        return (
            f'{head}"rules": {json_string(self.rules.code)}, "nko": {number(self.nko)}, '
            f'"predicate": {json_text(self.predicate)}, "complete": {"true" if self.complete else "false"}, '
            f'"perspectives": [{perspectives}], "objectives": [{objectives}], '
            f'"kpis": [{", ".join(kpis)}], "missing": {json_strings(self.missing)}}}'
        )

    def to_text(self) -> str:
        """The scorecard as a person reads it: KPIs, objectives, perspectives, NKO (2 decimals)."""

        def num(value: Decimal | None) -> str:
            return "N/A" if value is None else str(display(value))

        lines: list[str] = []
        for p in self.perspectives:
            lines.append(f"{p.code.value}  weight {num(p.weight)}%  index {num(p.index)}")
            for o in p.objectives:
                lines.append(f"  {o.code} {o.name}".rstrip() + f"  index {num(o.index)}")
                for k in o.kpis:
                    status = "" if k.status is None else f"  {k.status.value}"
                    target = (
                        f"{num(k.target_low)}..{num(k.target_high)}"
                        if k.target is None and k.target_low is not None
                        else num(k.target)
                    )
                    lines.append(
                        f"    {k.code}  T {target}  R {num(k.realization)}  index {num(k.index)}{status}"
                    )
        lines.append(f"NKO {num(self.nko)}  {self.predicate or ''}".rstrip())
        if self.missing:
            lines.append("incomplete; not reported: " + ", ".join(self.missing))
        return "\n".join(lines)


def _kpi_weight(k: KpiResult) -> Decimal | None:
    kpi = k.kpi
    return kpi.weight if isinstance(kpi, ScorecardKpi) else None


def _objective_of(k: KpiResult) -> str | None:
    kpi = k.kpi
    return kpi.objective if isinstance(kpi, ScorecardKpi) else None


def _mean(pairs: Iterable[tuple[Decimal | None, Decimal | None]]) -> Decimal | None:
    """Weighted mean of ``(index, weight)`` over entries with an index; equal weights when weights are None."""
    num = _ZERO
    den = _ZERO
    for index, weight in pairs:
        if index is None:
            continue
        if weight is None:
            num += index
            den += 1
        else:
            num += weight * index
            den += weight
    if den == _ZERO:
        return None
    return num / den


def _same(
    values: Iterable[Decimal | None], what: str, owner: str, fld: str, errors: list[ScoringError]
) -> Decimal | None:
    found: Decimal | None = None
    for v in values:
        if v is None:
            continue
        if v < _ZERO:
            errors.append(
                ScoringError(
                    ErrorCode.WEIGHT_INVALID, f"{owner}: {what} {v} is negative", kpi=owner, field=fld
                )
            )
            return None
        if found is None:
            found = v
        elif v != found:
            errors.append(
                ScoringError(
                    ErrorCode.WEIGHTS_INCONSISTENT,
                    f"{owner}: {what} differs between its KPIs ({found} and {v})",
                    kpi=owner,
                    field=fld,
                )
            )
            return found
    return found


def _check_partial(
    weights: Sequence[tuple[str, Decimal | None]], what: str, owner: str, fld: str, errors: list[ScoringError]
) -> None:
    for name, w in weights:
        if w is not None and w < _ZERO:
            errors.append(
                ScoringError(ErrorCode.WEIGHT_INVALID, f"{name}: weight {w} is negative", kpi=name, field=fld)
            )
    blank = [name for name, w in weights if w is None]
    if blank and len(blank) < len(weights):
        errors.append(
            ScoringError(
                ErrorCode.WEIGHTS_PARTIAL,
                f"{owner}: {what} set for some but blank for {', '.join(blank)} (set all or none)",
                kpi=blank[0],
                field=fld,
            )
        )
    elif weights and not blank and all(w == _ZERO for _, w in weights):
        errors.append(
            ScoringError(ErrorCode.WEIGHT_INVALID, f"{owner}: {what} are all 0", kpi=owner, field=fld)
        )


def _input_order(kpis: Sequence[ScorecardKpi]) -> Callable[[ScoringError], int]:
    """Sort key putting errors in the order of the KPIs they name (others last, in order found)."""
    position: dict[str, int] = {}
    for i, kpi in enumerate(kpis):
        position.setdefault(kpi.code, i)
    end = len(kpis)
    return lambda error: position.get(error.kpi or "", end)


def score_scorecard(
    kpis: Sequence[ScorecardKpi], *, rules: RuleSet | None = None, as_of_period: str | None = None
) -> ScorecardResult:
    """Score a unit's scorecard as of `as_of_period` (§2–§4; all periods given when ``None``).

    * KPI index: `score_kpi` (§1, §2, §7.1). N/A KPIs are left out of every
      mean above them and the remaining weights renormalised (§3).
    * Objective index: weighted mean of its KPIs' indices (`weight`; all blank
      = equal; some blank is an error).
    * Perspective index: mean of its objectives' indices (weighted by
      `objective_weight` when set); an objective with no reported KPI is left out.
    * NKO: ``Σ perspective weight × perspective index`` with weights totalling
      100 (else ``weights_total``), equal when none is set; a perspective with
      no reported KPI is left out and the others renormalised. Predicate from
      the rule set's `nko_predicates`.

    All errors (KPI formulas, weights, duplicate codes) are collected and
    raised together as `ScoringErrors`.
    """
    with paused_gc():
        return _score_scorecard(kpis, rules, as_of_period)


def _score_scorecard(
    kpis: Sequence[ScorecardKpi], rules: RuleSet | None, as_of_period: str | None
) -> ScorecardResult:
    """The rules of `score_scorecard` (errors collected and raised together)."""
    rs = rules or get_rule_set()
    c = rs.compiled
    errors: list[ScoringError] = []
    seen: set[str] = set()
    # objective → (its KPIs, their results); the results line up with the KPIs unless there are errors
    groups: dict[str, tuple[list[ScorecardKpi], list[KpiResult]]] = {}
    perspective_objectives: dict[Perspective, list[str]] = {}
    missing: list[str] = []
    kpi_weights = objective_weights = perspective_weights = False
    for kpi in kpis:
        code = kpi.code
        if code in seen:
            errors.append(
                ScoringError(
                    ErrorCode.DUPLICATE_CODE,
                    f"KPI {code}: code used twice in one unit",
                    kpi=code,
                    field="kpi_code",
                )
            )
            continue
        seen.add(code)
        group = groups.get(kpi.objective)
        if group is None:
            group = groups[kpi.objective] = ([kpi], [])
            perspective_objectives.setdefault(kpi.perspective, []).append(kpi.objective)
        elif group[0][0].perspective is kpi.perspective:
            group[0].append(kpi)
        else:
            errors.append(
                ScoringError(
                    ErrorCode.OBJECTIVE_PERSPECTIVE,
                    f"KPI {code}: objective {kpi.objective} is in perspective "
                    f"{group[0][0].perspective.value}, not {kpi.perspective.value}",
                    kpi=code,
                    field="perspective",
                )
            )
            continue
        if kpi.weight is not None:
            kpi_weights = True
        if kpi.objective_weight is not None:
            objective_weights = True
        if kpi.perspective_weight is not None:
            perspective_weights = True
        try:
            result = _score(kpi, c, as_of_period)
        except ScoringError as exc:
            errors.append(exc)
            continue
        group[1].append(result)
        if result.case in _UNREPORTED:
            missing.append(code)

    # weights: checked only when some are set (blank everywhere = equal weights, nothing to check)
    set_objective: dict[str, Decimal | None] = {}
    for objective, (members, _results) in groups.items():
        if kpi_weights:
            _check_partial(
                [(m.code, m.weight) for m in members],
                "KPI weights",
                f"objective {objective}",
                "kpi_weight",
                errors,
            )
        set_objective[objective] = (
            _same(
                (m.objective_weight for m in members),
                "objective weight",
                f"objective {objective}",
                "objective_weight",
                errors,
            )
            if objective_weights
            else None
        )
    present = [p for p in PERSPECTIVE_ORDER if p in perspective_objectives]
    set_weights: dict[Perspective, Decimal | None] = dict.fromkeys(present)
    for p in present:
        if perspective_weights:
            set_weights[p] = _same(
                (m.perspective_weight for o in perspective_objectives[p] for m in groups[o][0]),
                "perspective weight",
                f"perspective {p.value}",
                "perspective_weight",
                errors,
            )
        if objective_weights:
            _check_partial(
                [(f"objective {o}", set_objective[o]) for o in perspective_objectives[p]],
                "objective weights",
                f"perspective {p.value}",
                "objective_weight",
                errors,
            )
    given = [w for w in set_weights.values() if w is not None]
    if given and len(given) < len(present):
        blank = [p.value for p in present if set_weights[p] is None]
        errors.append(
            ScoringError(
                ErrorCode.WEIGHTS_PARTIAL,
                f"perspective weights set for some perspectives but blank for {', '.join(blank)}",
                field="perspective_weight",
            )
        )
    elif given and sum(given, _ZERO) != _HUNDRED:
        errors.append(
            ScoringError(
                ErrorCode.WEIGHTS_TOTAL,
                f"perspective weights total {sum(given, _ZERO)}, not 100",
                field="perspective_weight",
            )
        )
    if errors:
        raise ScoringErrors(sorted(errors, key=_input_order(kpis)))

    objectives: dict[str, ObjectiveResult] = {}
    for objective, (members, results) in groups.items():
        num = _ZERO
        den = _ZERO
        # Weighted or equal is decided per objective (interchange.md: "percent within its objective;
        # blank = equal"), never for the whole scorecard.
        if any(m.weight is not None for m in members):
            for m, r in zip(members, results, strict=True):
                if r.index is not None and m.weight is not None:
                    num += m.weight * r.index
                    den += m.weight
        else:
            for r in results:
                if r.index is not None:
                    num += r.index
                    den += _ONE
        first = members[0]
        objectives[objective] = ObjectiveResult(
            code=objective,
            name=first.objective_name,
            perspective=first.perspective,
            weight=set_objective[objective],
            index=num / den if den != _ZERO else None,
            kpis=tuple(results),
        )

    # Equal weights compute as 1 each (shown as 100 / n) so leaving a perspective out changes nothing else.
    shown_equal = _HUNDRED / len(present) if present else _ZERO
    raw = {p: (set_weights[p] or _ZERO) if given else _ONE for p in present}
    indices = {
        p: _mean((objectives[o].index, objectives[o].weight) for o in perspective_objectives[p])
        for p in present
    }
    total = _ZERO
    num = _ZERO
    for p in present:
        index = indices[p]
        if index is not None:
            total += raw[p]
            num += raw[p] * index
    nko = num / total if total != _ZERO else None
    perspectives: list[PerspectiveResult] = []
    for p in present:
        index = indices[p]
        shown = (set_weights[p] or _ZERO) if given else shown_equal
        members_o = tuple(objectives[o] for o in perspective_objectives[p])
        if index is None or total == _ZERO:
            perspectives.append(PerspectiveResult(p, shown, None, index, None, members_o))
        else:
            share = raw[p] / total
            perspectives.append(
                PerspectiveResult(p, shown, share * _HUNDRED, index, share * index, members_o)
            )
    ordered_objectives = tuple(o for p in perspectives for o in p.objectives)
    ordered_kpis = tuple(k for o in ordered_objectives for k in o.kpis)
    return ScorecardResult(
        rules=rs,
        as_of_period=as_of_period,
        nko=nko,
        predicate=None if nko is None else rs.nko_predicates.value.classify(nko),
        complete=not missing,
        missing=tuple(missing),
        perspectives=tuple(perspectives),
        objectives=ordered_objectives,
        kpis=ordered_kpis,
    )
