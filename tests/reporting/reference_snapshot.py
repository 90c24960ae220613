"""The snapshot JSON as the code before the recompute was made fast (issue 16 item 3) wrote it: a frozen copy.

`build_input`, `fingerprint`, `payload` and `completeness` of `kinerja.reporting.scorecard`, and
`Explanation.to_dict` of `kinerja.scoring.explain`, as they were on main at ff8d494 (with `settle`), so that
the tests can check that the faster path stores byte for byte what this one did. Only the reporting side is frozen: the scoring
core (`score_scorecard`, the explanation tree itself) is called as it is now, on both sides.
Change it only with the snapshot format itself (a new `"schema"`).
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

from kinerja.planning.models import Kpi
from kinerja.planning.scoring_bridge import rule_set as rule_set_named
from kinerja.planning.selectors import MapData
from kinerja.reporting.models import ReportingPeriod
from kinerja.reporting.scorecard import (
    SCHEMA_VERSION,
    Completeness,
    KpiCompleteness,
    ScorecardInput,
    _complete,
    carried_from,
    number,
)
from kinerja.scoring.enums import Consolidation, MissingPolicy, Perspective, Polarity
from kinerja.scoring.errors import ScoringError
from kinerja.scoring.explain import Explanation, settle
from kinerja.scoring.kpi import PeriodValue, status_of
from kinerja.scoring.scorecard import ScorecardKpi, ScorecardResult

_CENT = Decimal("0.01")


def _display(value: Decimal) -> Decimal:
    digits = max(28, value.adjusted() + 4) if value.is_finite() else 28
    return settle(value).quantize(_CENT, ROUND_HALF_UP, context=Context(prec=digits))


def _json(value: Any, exact: bool) -> Any:
    if isinstance(value, Decimal):
        return str(value) if exact else float(_display(value))
    return value


def explanation_dict(node: Explanation, *, exact: bool = False) -> dict[str, Any]:
    """`Explanation.to_dict` as it was."""
    return {
        "subject": node.subject,
        "code": node.code,
        "formula": node.formula,
        "inputs": {name: _json(value, exact) for name, value in node.inputs.items()},
        "result": _json(node.result, exact),
        "notes": list(node.notes),
        "children": [explanation_dict(child, exact=exact) for child in node.children],
    }


def jsonable(data: dict[str, Any]) -> Any:
    """What `compute_scorecard` stored: the body through `json.dumps` and back."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def completeness(
    kpis: Iterable[DueKpi],
    period: ReportingPeriod,
    periods: Iterable[ReportingPeriod],
    counted: Collection[tuple[int, int]],
) -> Completeness:
    """Which KPIs are due as of `period` and lack a counted realization their result reads; which are not yet due.

    The one rule of completeness (scoring.md §2, §3), used by the score
    snapshot, the completeness report, the dashboard and the home page:

    * A KPI's **own period** as of `period` is the latest period of the KPI's
      own frequency in the plan year that ends no later than `period`
      (`periods_as_of`): Q3 for a quarterly KPI as of Q3 or September, September
      for a monthly one as of Q3. A KPI without one (a quarterly KPI as of
      January, a yearly one before December) is **not yet due**: nothing is
      missing, and it does not make the period incomplete.
    * The periods its result **reads** follow its consolidation (§2): "last
      value" reads its own period only (an earlier one is superseded by it);
      sum and average read every period of its frequency from the start of the
      plan year to its own period (a gap changes the year-to-date figure).
    * A due KPI is **missing** when one of the periods it reads has no
      realization in a counted state (`counted` holds ``(kpi id, period id)``
      of exactly those: `KINERJA_SCORED_STATES`, approved only by default; a
      draft, submitted or verified realization is not counted), and
      **reported** otherwise.
    * So data of an earlier period never makes a later period complete: a KPI
      consolidated by "last value" with Q2 approved and Q3 due but not reported
      shows Q2's figure *carried* into Q3 (the scorecard marks it "nilai
      Triwulan II", `carried_from`) and is missing for Q3.
    * The period is **complete** when no due KPI is missing.
    """
    by_frequency = periods_as_of(period, periods)
    found = set(counted)
    rows: list[KpiCompleteness] = []
    for kpi in kpis:
        own = by_frequency.get(kpi.frequency, [])
        if not own:
            rows.append(KpiCompleteness(kpi_id=kpi.pk, code=kpi.code, period=None))
            continue
        reads = (own[-1],) if str(kpi.consolidation) == Consolidation.LAST.value else tuple(own)
        gaps = tuple(p for p in reads if (kpi.pk, p.pk) not in found)
        rows.append(KpiCompleteness(kpi_id=kpi.pk, code=kpi.code, period=own[-1], reads=reads, gaps=gaps))
    return Completeness(tuple(rows))


_PRESENTATION_ONLY = frozenset({"name", "objective_name"})


def fingerprint(prepared: ScorecardInput, scored_states: Sequence[str]) -> str:
    """A short hash of everything the score is computed from (the core's input, the rule set, the states counted).

    Two computations with the same fingerprint give the same figures; a snapshot
    whose fingerprint differs from the one taken from today's data is stale.
    `overdue` (which moves with the calendar) counts only under a rule set that
    scores missing data as 0 after the due date.
    """
    zero_after_due = prepared.rules.missing_policy.value is MissingPolicy.ZERO_AFTER_DUE
    parts: list[str] = [prepared.rules.code, prepared.as_of, ",".join(sorted(scored_states))]
    names = [
        f.name
        for f in dataclasses.fields(ScorecardKpi)
        if f.name not in _PRESENTATION_ONLY and (f.name != "overdue" or zero_after_due)
    ]
    for kpi in prepared.kpis:
        parts.extend(f"{name}={getattr(kpi, name)!r}" for name in names)
        parts.append("|")
    parts.append(",".join(prepared.not_due))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def periods_as_of(
    period: ReportingPeriod, periods: Iterable[ReportingPeriod]
) -> dict[str, list[ReportingPeriod]]:
    """The plan year's periods that end no later than `period`, per frequency, in time order (scoring.md §2)."""
    found: dict[str, list[ReportingPeriod]] = {}
    for p in sorted(periods, key=lambda p: (p.end, p.number)):
        if p.plan_year_id == period.plan_year_id and p.end <= period.end:
            found.setdefault(p.frequency, []).append(p)
    return found


def build_input(
    data: MapData,
    period: ReportingPeriod,
    periods: Iterable[ReportingPeriod],
    realizations: Mapping[tuple[int, int], Decimal],
    *,
    today: dt.date,
) -> ScorecardInput:
    """The core's `ScorecardKpi`s for the map `data` as of `period`.

    `periods` are the plan year's reporting periods; `realizations` maps
    ``(kpi id, period id)`` to the value of every realization the score counts
    (the caller leaves the others out). A band KPI (stabilize with
    `target_low`..`target_high`) keeps its band in every period; other KPIs take
    each period's target from the trajectory (the yearly target for a yearly
    KPI without one). `overdue` is set when a period of the KPI is past its due
    date (used only by a rule set scoring missing data as 0 after the due date).
    """
    periods_all = list(periods)
    by_frequency = periods_as_of(period, periods_all)
    labels = {p.pk: p.label for p in periods_all}
    perspectives = {p.pk: p for p in data.perspectives}
    objectives = sorted(data.objectives, key=lambda o: (perspectives[o.perspective_id].order, o.code))
    inputs: list[ScorecardKpi] = []
    models: list[Kpi] = []
    for objective in objectives:
        perspective = perspectives[objective.perspective_id]
        for kpi in sorted(data.kpis_of(objective), key=lambda k: k.code):
            targets = {t.period: t.target for t in data.trajectory(kpi)}
            band = kpi.target is None and kpi.target_low is not None and kpi.target_high is not None
            values: list[PeriodValue] = []
            own = by_frequency.get(kpi.frequency, [])
            for p in own:
                target = targets.get(p.number)
                if target is None and kpi.period_count == 1:
                    target = kpi.target
                values.append(
                    PeriodValue(
                        period=labels[p.pk],
                        target=None if band else target,
                        realization=realizations.get((kpi.pk, p.pk)),
                        target_low=kpi.target_low if band else None,
                        target_high=kpi.target_high if band else None,
                    )
                )
            inputs.append(
                ScorecardKpi(
                    code=kpi.code,
                    name=kpi.name,
                    polarity=Polarity(kpi.polarity),
                    target=kpi.target,
                    target_low=kpi.target_low,
                    target_high=kpi.target_high,
                    worst=kpi.worst,
                    consolidation=Consolidation(kpi.consolidation),
                    periods=tuple(values),
                    cap_on_target=kpi.cap_on_target,
                    overdue=any(p.due_date < today for p in own),
                    perspective=Perspective(perspective.code),
                    objective=objective.code,
                    objective_name=objective.name,
                    weight=kpi.weight,
                    objective_weight=objective.weight,
                    perspective_weight=perspective.weight,
                )
            )
            models.append(kpi)
    complete = completeness(models, period, periods_all, realizations.keys())
    return ScorecardInput(
        kpis=inputs,
        kpi_models=models,
        not_due=complete.not_due,
        completeness=complete,
        rules=rule_set_named(data.map.plan_year.rule_set),
        as_of=period.label,
    )


def payload(
    prepared: ScorecardInput,
    result: ScorecardResult | None,
    *,
    data: MapData,
    scored_states: Sequence[str],
    error: ScoringError | None = None,
) -> dict[str, Any]:
    """The snapshot JSON (see the module docstring) of a result, or of the core's errors."""
    base: dict[str, Any] = {
        "schema": SCHEMA_VERSION,
        "rules": prepared.rules.code,
        "as_of": prepared.as_of,
        "scored_states": list(scored_states),
        "not_due": list(prepared.not_due),
        "inputs": fingerprint(prepared, scored_states),
    }
    if result is None:
        errors = error.errors if error is not None else ()
        return {
            **base,
            "nko": None,
            "nko_status": None,
            "predicate": None,
            "complete": False,
            "missing": [],
            "perspectives": [],
            "objectives": [],
            "kpis": [],
            "explanation": None,
            "errors": [
                {"code": str(e.code), "message": e.message, "kpi": e.kpi, "field": e.field} for e in errors
            ],
        }
    rules = prepared.rules
    perspective_names = {p.code: p for p in data.perspectives}
    objective_names = {o.code: o for o in data.objectives}
    kpi_models = {k.code: k for k in prepared.kpi_models}
    inputs = {k.code: k for k in prepared.kpis}
    not_due = set(prepared.not_due)
    missing = set(result.missing)
    set_weights = {k.perspective.value: k.perspective_weight for k in prepared.kpis}

    def status(index: Decimal | None) -> str | None:
        return None if index is None else status_of(index, rules).value

    kpis: list[dict[str, Any]] = []
    for k in result.kpis:
        model = kpi_models[k.code]
        given = inputs[k.code]
        kpis.append(
            {
                "id": model.pk,
                "code": k.code,
                "name": model.name,
                "name_id": model.name_id,
                "name_en": model.name_en,
                "objective": given.objective,
                "perspective": given.perspective.value,
                "polarity": given.polarity.value,
                "consolidation": given.consolidation.value,
                "frequency": model.frequency,
                "unit_of_measure": model.unit_of_measure,
                "weight": number(given.weight),
                "worst": number(given.worst),
                "cap_on_target": given.cap_on_target,
                "validity": model.validity or None,
                "controllability": model.controllability or None,
                "target": number(k.target),
                "target_low": number(k.target_low),
                "target_high": number(k.target_high),
                "realization": number(k.realization),
                "period": k.period,
                "index": number(k.index),
                "status": None if k.status is None else k.status.value,
                "case": k.case,
                "reported": k.reported,
                "due": k.code not in not_due,
                "missing": k.code in missing,
                "carried_from": carried_from(k, prepared.completeness.own_period(k.code)),
            }
        )
    return {
        **base,
        "nko": number(result.nko),
        "nko_status": status(result.nko),
        "predicate": result.predicate,
        "complete": result.complete,
        "missing": list(result.missing),
        "perspectives": [
            {
                "code": p.code.value,
                **_names(perspective_names.get(p.code.value), p.code.value),
                "weight": number(p.weight),
                "set_weight": number(set_weights.get(p.code.value)),
                "effective_weight": number(p.effective_weight),
                "index": number(p.index),
                "contribution": number(p.contribution),
                "status": status(p.index),
                "complete": all(_complete(o.kpis, missing) for o in p.objectives),
                "objectives": [o.code for o in p.objectives],
            }
            for p in result.perspectives
        ],
        "objectives": [
            {
                "code": o.code,
                **_names(objective_names.get(o.code), o.name),
                "perspective": o.perspective.value,
                "weight": number(o.weight),
                "index": number(o.index),
                "status": status(o.index),
                "complete": _complete(o.kpis, missing),
                "kpis": [k.code for k in o.kpis],
            }
            for o in result.objectives
        ],
        "kpis": kpis,
        "explanation": explanation_dict(result.explain()),
        "errors": [],
    }


def _names(model: Any, fallback: str) -> dict[str, str]:
    """`name` (the language of the computation) and both stored names, for showing in any language later."""
    if model is None:
        return {"name": fallback}
    return {"name": model.name, "name_id": model.name_id, "name_en": model.name_en}
