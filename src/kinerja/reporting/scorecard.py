"""From a strategy map and its realizations to the scoring core's inputs, and from its result to a snapshot's JSON.

Nothing here computes a figure: `score_scorecard` (the scoring core) does all
of it, with the plan year's rule set. This module only

* builds one `ScorecardKpi` per KPI of the map, with one `PeriodValue` per
  reporting period of the KPI's frequency that ends no later than the as-of
  period (its own target from the trajectory, and the realization when its
  state is one the score counts — `KINERJA_SCORED_STATES`, default approved
  only; any other realization is left out, i.e. N/A, never 0), and
* turns the `ScorecardResult` into the JSON kept in `ScoreSnapshot.result`.

The snapshot JSON (``"schema": 1``), numbers as exact decimal strings
(``null`` = not reported, N/A), rounded only when shown::

    {
      "schema": 1, "rules": "kmk-467-2014", "as_of": "2026-03",
      "scored_states": ["approved"], "inputs": "9f2c…",
      "nko": "101.25", "nko_status": "green", "predicate": "Baik",
      "complete": true, "missing": ["C1.b"], "not_due": ["L1.a"],
      "perspectives": [{"code", "name", "name_id", "name_en", "weight", "set_weight", "effective_weight", "index",
                        "contribution", "status", "complete", "objectives": [codes]}],
      "objectives": [{"code", "name", "name_id", "name_en", "perspective", "weight", "index", "status",
                      "complete", "kpis": [codes]}],
      "kpis": [{"id", "code", "name", "name_id", "name_en", "objective", "perspective", "polarity",
                "consolidation", "frequency", "unit_of_measure", "weight", "worst",
                "cap_on_target", "validity", "controllability",
                "target", "target_low", "target_high", "realization", "period",
                "index", "status", "case", "reported", "due", "missing", "carried_from"}],
      "explanation": {...},      # the NKO's explanation tree (Explanation.to_dict), every node below it
      "errors": []               # the core's errors when the map cannot be scored (then no figures)
    }

`name` is in the language of the computation; pages show `localized` names (`name_id` / `name_en` in the
active language; older snapshots without them: the live records' names).

`not_due` names the KPIs that have no reporting period of their own
frequency ending by the as-of period (a quarterly KPI as of January, a yearly
one before December): they have nothing to report yet. The core scores them
like any KPI without a realization — N/A, left out, the weights renormalised,
so they change no figure — but they do not make the score incomplete:
`missing` (the KPIs due and not reported for the period, `completeness`) and
`complete`, at every level, leave them out (`score`), and they are shown as
"belum jatuh tempo" rather than "belum dilaporkan". A KPI that is due but has
no counted realization is still missing and makes the result incomplete.
They stay in the core's input, rather than being dropped from it, so that
their rows, objectives and perspectives are still shown and the weights are
still checked as set (perspective weights total 100 with every perspective).

Completeness — one rule, `completeness` below, asked by the snapshot (its
``complete``, ``missing`` and ``not_due``), the completeness report, the home
page and the dashboard: see its docstring. The snapshot's KPI rows also say
``"missing"`` (due as of the period and not reported for it) and
``"carried_from"`` (the label of the earlier period whose data the shown
result comes from, ``null`` when it is the period's own).

``"inputs"`` is the fingerprint of what the core was given (`fingerprint`): a
snapshot is stale when the same fingerprint taken from today's data differs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Collection, Iterable, KeysView, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.utils import translation

from kinerja.planning.models import Kpi
from kinerja.planning.scoring_bridge import rule_set as rule_set_named
from kinerja.planning.selectors import MapData
from kinerja.scoring.enums import Consolidation, MissingPolicy, Perspective, Polarity
from kinerja.scoring.errors import ScoringError
from kinerja.scoring.explain import display
from kinerja.scoring.kpi import KpiResult, PeriodValue, status_of
from kinerja.scoring.rules import RuleSet
from kinerja.scoring.scorecard import ScorecardKpi, ScorecardResult, score_scorecard, scorecard_kpi

from .models import ReportingPeriod

SCHEMA_VERSION = 1


def number(value: Decimal | None) -> str | None:
    """An exact decimal string for the JSON (``None`` stays ``None``: not reported is not zero)."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def shown(value: Any) -> Decimal | None:
    """A JSON number (exact string or float) rounded half-up to 2 decimals for showing; ``None`` stays."""
    if value is None or value == "":
        return None
    return display(Decimal(str(value)))


class DueKpi(Protocol):
    """What completeness needs of a KPI (a `planning.models.Kpi` is one)."""

    @property
    def pk(self) -> Any: ...

    code: str
    frequency: str
    consolidation: str


NOT_DUE, REPORTED, MISSING = "not_due", "reported", "missing"


@dataclass(frozen=True)
class KpiCompleteness:
    """One KPI as of a period: its own period (None = not yet due), the periods its result reads, the gaps."""

    kpi_id: int
    code: str
    period: ReportingPeriod | None
    reads: tuple[ReportingPeriod, ...] = ()
    gaps: tuple[ReportingPeriod, ...] = ()

    @property
    def counted(self) -> bool:
        return self.period is not None and not self.gaps

    @property
    def state(self) -> str:
        if self.period is None:
            return NOT_DUE
        return REPORTED if self.counted else MISSING


@dataclass(frozen=True)
class Completeness:
    """The answer to "is this map complete as of this period?" (`completeness`)."""

    kpis: tuple[KpiCompleteness, ...]

    @property
    def missing(self) -> list[str]:
        return [k.code for k in self.kpis if k.state == MISSING]

    @property
    def not_due(self) -> list[str]:
        return [k.code for k in self.kpis if k.state == NOT_DUE]

    @property
    def due(self) -> list[KpiCompleteness]:
        return [k for k in self.kpis if k.period is not None]

    @property
    def complete(self) -> bool:
        return not self.missing

    def own_period(self, code: str) -> ReportingPeriod | None:
        return next((k.period for k in self.kpis if k.code == code), None)


def completeness(
    kpis: Iterable[DueKpi],
    period: ReportingPeriod,
    periods: Iterable[ReportingPeriod],
    counted: Collection[tuple[int, int]],
    *,
    by_frequency: Mapping[str, Sequence[ReportingPeriod]] | None = None,
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

    `by_frequency` is `periods_as_of(period, periods)` when the caller has it already (`Calendar`).
    """
    if by_frequency is None:
        by_frequency = periods_as_of(period, periods)
    found = counted if isinstance(counted, (set, frozenset, KeysView)) else set(counted)
    rows: list[KpiCompleteness] = []
    for kpi in kpis:
        kpi_id = kpi.pk
        own = by_frequency.get(kpi.frequency, [])
        if not own:
            rows.append(KpiCompleteness(kpi_id=kpi_id, code=kpi.code, period=None))
            continue
        reads = (own[-1],) if str(kpi.consolidation) == Consolidation.LAST.value else tuple(own)
        gaps = tuple(p for p in reads if (kpi_id, p.pk) not in found)
        rows.append(KpiCompleteness(kpi_id=kpi_id, code=kpi.code, period=own[-1], reads=reads, gaps=gaps))
    return Completeness(tuple(rows))


@dataclass(frozen=True)
class ScorecardInput:
    """What the core is given for one map as of one period, with what the snapshot needs besides."""

    kpis: list[ScorecardKpi]
    kpi_models: list[Kpi]
    not_due: list[str]
    rules: RuleSet
    as_of: str
    completeness: Completeness = Completeness(())


# Fields of a core input that change no figure: left out of the fingerprint so that a renamed KPI is not "stale".
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
    names = _fingerprinted(zero_after_due)
    for kpi in prepared.kpis:
        for name in names:
            value = getattr(kpi, name)
            parts.append(f"{name}={_periods_repr(value) if name == 'periods' else repr(value)}")
        parts.append("|")
    parts.append(",".join(prepared.not_due))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


@functools.cache
def _fingerprinted(zero_after_due: bool) -> tuple[str, ...]:
    """The fields of a `ScorecardKpi` the fingerprint reads, in order."""
    return tuple(
        f.name
        for f in dataclasses.fields(ScorecardKpi)
        if f.name not in _PRESENTATION_ONLY and (f.name != "overdue" or zero_after_due)
    )


_PERIOD_VALUE_FIELDS = ("period", "target", "realization", "target_low", "target_high")
# `repr` of a tuple of `PeriodValue`s written out (the dataclass's own `__repr__` guards against recursion at
# a cost: about half the fingerprint's time); only while its fields are these, in this order.
_FAST_PERIODS = tuple(f.name for f in dataclasses.fields(PeriodValue) if f.repr) == _PERIOD_VALUE_FIELDS


def _periods_repr(periods: Any) -> str:
    """`repr(periods)` for the fingerprint: the same text, faster for a tuple of `PeriodValue`s."""
    if not _FAST_PERIODS or type(periods) is not tuple or any(type(p) is not PeriodValue for p in periods):
        return repr(periods)
    items = [
        f"PeriodValue(period={p.period!r}, target={p.target!r}, realization={p.realization!r}, "
        f"target_low={p.target_low!r}, target_high={p.target_high!r})"
        for p in periods
    ]
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def periods_as_of(
    period: ReportingPeriod, periods: Iterable[ReportingPeriod]
) -> dict[str, list[ReportingPeriod]]:
    """The plan year's periods that end no later than `period`, per frequency, in time order (scoring.md §2)."""
    found: dict[str, list[ReportingPeriod]] = {}
    for p in sorted(periods, key=lambda p: (p.end, p.number)):
        if p.plan_year_id == period.plan_year_id and p.end <= period.end:
            found.setdefault(p.frequency, []).append(p)
    return found


@dataclass(frozen=True)
class Calendar:
    """What `build_input` needs of the plan year's periods as of one period, the same for every map: worked
    out once for a recompute of many maps (`calendar`)."""

    period: ReportingPeriod
    periods: tuple[ReportingPeriod, ...]
    by_frequency: Mapping[str, Sequence[ReportingPeriod]]
    labels: Mapping[str, tuple[str, ...]]  # each frequency's period labels, in order
    ids: Mapping[str, tuple[int, ...]]  # and their ids
    overdue: Mapping[str, bool]  # a period of the frequency is past its due date

    @property
    def as_of(self) -> str:
        return self.period.label


def calendar(period: ReportingPeriod, periods: Iterable[ReportingPeriod], *, today: dt.date) -> Calendar:
    """The periods of `period`'s plan year as of it, per frequency, their labels and whether one is overdue."""
    periods_all = tuple(periods)
    by_frequency = periods_as_of(period, periods_all)
    return Calendar(
        period=period,
        periods=periods_all,
        by_frequency=by_frequency,
        labels={f: tuple(p.label for p in own) for f, own in by_frequency.items()},
        ids={f: tuple(p.pk for p in own) for f, own in by_frequency.items()},
        overdue={f: any(p.due_date < today for p in own) for f, own in by_frequency.items()},
    )


_POLARITIES = {p.value: p for p in Polarity}
_CONSOLIDATIONS = {c.value: c for c in Consolidation}
_PERSPECTIVES = {p.value: p for p in Perspective}


def _enum(members: Mapping[str, Any], kind: Any, value: Any) -> Any:
    """`kind(value)` (a dictionary lookup first: 40 000 KPIs make 120 000 of them)."""
    found = members.get(value)
    return kind(value) if found is None else found


def build_input(
    data: MapData,
    period: ReportingPeriod,
    periods: Iterable[ReportingPeriod],
    realizations: Mapping[tuple[int, int], Decimal],
    *,
    today: dt.date,
    dates: Calendar | None = None,
) -> ScorecardInput:
    """The core's `ScorecardKpi`s for the map `data` as of `period`.

    `periods` are the plan year's reporting periods; `realizations` maps
    ``(kpi id, period id)`` to the value of every realization the score counts
    (the caller leaves the others out). A band KPI (stabilize with
    `target_low`..`target_high`) keeps its band in every period; other KPIs take
    each period's target from the trajectory (the yearly target for a yearly
    KPI without one). `overdue` is set when a period of the KPI is past its due
    date (used only by a rule set scoring missing data as 0 after the due date).
    `dates` is `calendar(period, periods, today=today)` when the caller has it (many maps as of one period).
    """
    if dates is None:
        dates = calendar(period, periods, today=today)
    by_frequency, labels, ids, overdue = dates.by_frequency, dates.labels, dates.ids, dates.overdue
    english = translation.get_language() == "en"
    perspectives = {p.pk: p for p in data.perspectives}
    objectives = sorted(data.objectives, key=lambda o: (perspectives[o.perspective_id].order, o.code))
    inputs: list[ScorecardKpi] = []
    models: list[Kpi] = []
    for objective in objectives:
        perspective = perspectives[objective.perspective_id]
        perspective_code = _enum(_PERSPECTIVES, Perspective, perspective.code)
        objective_name = _name(objective, english)
        for kpi in sorted(data.kpis_of(objective), key=lambda k: k.code):
            targets = {t.period: t.target for t in data.trajectory(kpi)}
            band = kpi.target is None and kpi.target_low is not None and kpi.target_high is not None
            frequency = kpi.frequency
            own = by_frequency.get(frequency, ())
            yearly = kpi.period_count == 1
            kpi_id = kpi.pk
            values: list[PeriodValue] = []
            for p, label, period_id in zip(
                own, labels.get(frequency, ()), ids.get(frequency, ()), strict=True
            ):
                realization = realizations.get((kpi_id, period_id))
                if band:
                    values.append(PeriodValue(label, None, realization, kpi.target_low, kpi.target_high))
                else:
                    target = targets.get(p.number)
                    if target is None and yearly:
                        target = kpi.target
                    values.append(PeriodValue(label, target, realization, None, None))
            given = scorecard_kpi(
                kpi.code,
                _enum(_POLARITIES, Polarity, kpi.polarity),
                kpi.target,
                None,
                kpi.target_low,
                kpi.target_high,
                kpi.worst,
                _enum(_CONSOLIDATIONS, Consolidation, kpi.consolidation),
                kpi.cap_on_target,
                _name(kpi, english),
                perspective_code,
                objective.code,
                kpi.weight,
                perspective.weight,
                objective_name,
            )
            given.periods = tuple(values)
            given.overdue = overdue.get(frequency, False)
            given.objective_weight = objective.weight
            inputs.append(given)
            models.append(kpi)
    complete = completeness(models, period, dates.periods, realizations.keys(), by_frequency=by_frequency)
    return ScorecardInput(
        kpis=inputs,
        kpi_models=models,
        not_due=complete.not_due,
        completeness=complete,
        rules=rule_set_named(data.map.plan_year.rule_set),
        as_of=dates.as_of,
    )


def _name(model: Any, english: bool) -> str:
    """`model.name` (`Bilingual.name`) with the language asked once for the whole map, not once per name."""
    if english and model.name_en:
        return str(model.name_en)
    return str(model.name_id)


def score(prepared: ScorecardInput) -> ScorecardResult:
    """The scoring core's result, with `missing` and `complete` those of `completeness`.

    Raises `ScoringError` / `ScoringErrors` when the map cannot be scored. The
    figures are the core's as they are (a KPI not yet due has no period, so the
    core leaves it out as N/A). Only the completeness is the one rule's: the
    core counts a KPI as reported when any period so far has data, so a "last
    value" KPI carrying Q2 into Q3 would make Q3 complete; `completeness` asks
    for the period's own data.
    """
    result = score_scorecard(prepared.kpis, rules=prepared.rules, as_of_period=prepared.as_of)
    missing = tuple(prepared.completeness.missing)
    if missing == result.missing and result.complete == (not missing):
        return result
    return dataclasses.replace(result, missing=missing, complete=not missing)


def _complete(kpis: Iterable[KpiResult], missing: Collection[str]) -> bool:
    """True when no KPI of `kpis` is missing (`completeness`: due and not reported for the period)."""
    return all(k.code not in missing for k in kpis)


def carried_from(kpi: KpiResult, own: ReportingPeriod | None) -> str | None:
    """The label of the earlier period a reported KPI's result comes from, or None when it is the period's own."""
    if not kpi.reported or own is None or kpi.period is None or kpi.period == own.label:
        return None
    return kpi.period


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
    own_periods = {k.code: k.period for k in reversed(prepared.completeness.kpis)}  # the first of a code
    english = translation.get_language() == "en"

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
                "name": _name(model, english),
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
                "carried_from": carried_from(k, own_periods.get(k.code)),
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
                **_names(perspective_names.get(p.code.value), p.code.value, english),
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
                **_names(objective_names.get(o.code), o.name, english),
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
        "explanation": result.explain().to_dict(),
        "errors": [],
    }


def _names(model: Any, fallback: str, english: bool) -> dict[str, str]:
    """`name` (the language of the computation) and both stored names, for showing in any language later."""
    if model is None:
        return {"name": fallback}
    return {"name": _name(model, english), "name_id": model.name_id, "name_en": model.name_en}


# ---------------------------------------------------------------- reading a snapshot's JSON

NAMED_PARTS = ("perspectives", "objectives", "kpis")


def localized(result: Mapping[str, Any], strategy_map_id: int | None) -> dict[str, Any]:
    """A copy of a snapshot's JSON whose perspective, objective and KPI `name`s are in the active language.

    A snapshot keeps `name_id` and `name_en` beside `name` (since issue 10 item 8); the name is picked from
    them at display time, English falling back to Indonesian as `Bilingual.name` does. An older snapshot
    kept only `name`, in the language of whoever computed it (mostly Indonesian): its names are looked up
    on the live records of the map (perspectives and objectives by code, KPIs by id); a record since
    deleted keeps the stored name.
    """
    from django.utils import translation

    from kinerja.planning.models import Kpi, Objective, Perspective

    english = translation.get_language() == "en"
    copy = dict(result)
    lookups: dict[str, dict[Any, Any]] = {}

    def live(part: str) -> dict[Any, Any]:
        if part not in lookups:
            if strategy_map_id is None:
                lookups[part] = {}
            elif part == "perspectives":
                lookups[part] = {p.code: p for p in Perspective.objects.filter(map_id=strategy_map_id)}
            elif part == "objectives":
                lookups[part] = {o.code: o for o in Objective.objects.filter(map_id=strategy_map_id)}
            else:
                lookups[part] = {k.pk: k for k in Kpi.objects.filter(objective__map_id=strategy_map_id)}
        return lookups[part]

    for part in NAMED_PARTS:
        entries = []
        for entry in result.get(part) or []:
            entry = dict(entry)
            if "name_id" in entry:
                entry["name"] = (entry.get("name_en") if english else "") or entry["name_id"]
            else:
                key = entry.get("id") if part == "kpis" else entry.get("code")
                record = live(part).get(key)
                if record is not None:
                    entry["name"] = record.name
            entries.append(entry)
        copy[part] = entries
    return copy


EXPLAINED_KINDS = ("nko", "perspective", "objective", "kpi")
_SUBJECT_PREFIX = {"nko": "NKO", "perspective": "perspective ", "objective": "objective ", "kpi": "KPI "}


def find_explanation(tree: Mapping[str, Any] | None, kind: str, code: str = "") -> Mapping[str, Any] | None:
    """The node of a stored explanation tree for the NKO, or a perspective, objective or KPI `code`.

    Codes may repeat across kinds (an objective and a KPI both called "S1"), so
    the node is matched on its kind (from its subject) and its code.
    """
    if tree is None or kind not in _SUBJECT_PREFIX:
        return None
    prefix = _SUBJECT_PREFIX[kind]
    stack = [tree]
    while stack:
        node = stack.pop(0)
        if str(node.get("subject", "")).startswith(prefix) and (kind == "nko" or node.get("code") == code):
            return node
        stack.extend(node.get("children", []))
    return None
