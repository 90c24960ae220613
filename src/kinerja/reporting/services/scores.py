"""Score snapshots: computing a map's scorecard as of a period, and queueing recomputes after what a score reads changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, JSONField, Window
from django.db.models.expressions import Expression
from django.db.models.functions import RowNumber
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.planning.models import (
    REPORTABLE_MAP_STATES,
    StrategyMap,
)
from kinerja.scoring import settle
from kinerja.scoring._batch import paused_gc
from kinerja.scoring.errors import ScoringError

from .. import scorecard
from ..models import (
    PeriodState,
    ReportingPeriod,
    ScoreSnapshot,
)
from ..selectors import ScoreInput, affected_periods, reportable_maps, score_inputs_as_of
from .periods import _today, ensure_periods

NKO_PLACES = Decimal("0.000001")


def schedule_recompute(
    pairs: Iterable[tuple[int, ReportingPeriod]], *, trigger: str, today: dt.date | None = None
) -> set[tuple[int, int]]:
    """Recompute each (map id, period) — and the periods it feeds — after commit, one task per period.

    Returns the (map id, period id) pairs that will be recomputed; each once, all in one task
    (`recompute_scorecards_of`: a fixed number of queries whatever the number of maps and periods).
    """
    by_period: dict[int, tuple[ReportingPeriod, set[int]]] = {}
    for map_id, period in pairs:
        by_period.setdefault(period.pk, (period, set()))[1].add(map_id)
    keys: set[tuple[int, int]] = set()
    for period, map_ids in by_period.values():
        for affected in affected_periods(period, today=today):
            keys.update((map_id, affected.pk) for map_id in map_ids)
    if keys and not _gathered(keys, trigger):
        ordered = sorted(keys)
        transaction.on_commit(lambda: _enqueue(ordered, trigger))
    return keys


_batched: ContextVar[dict[tuple[int, int], str] | None] = ContextVar("recompute_batch", default=None)


@contextmanager
def recompute_once(trigger: str = "") -> Iterator[None]:
    """Inside the block, the recomputes scheduled (`schedule_recompute`, `schedule_map_recompute`) are gathered
    and each (map, period) enqueued once when the block ends (after commit), however many writes asked for it:
    for a bulk job taking many realizations through an import and several workflow steps in one go."""
    if _batched.get() is not None:  # already gathering: the outer block enqueues
        yield
        return
    gathered: dict[tuple[int, int], str] = {}
    token = _batched.set(gathered)
    try:
        yield
    finally:
        _batched.reset(token)
    if gathered:
        ordered = sorted(gathered)
        transaction.on_commit(lambda: _enqueue(ordered, trigger or gathered[ordered[0]]))


def _gathered(keys: Iterable[tuple[int, int]], trigger: str) -> bool:
    """Inside `recompute_once`: gather the keys (True); else False, and the caller schedules them itself."""
    gathered = _batched.get()
    if gathered is None:
        return False
    for key in keys:
        gathered.setdefault(key, trigger)
    return True


@task()
def recompute_scorecard(strategy_map_id: int, period_id: int, trigger: str = "") -> int | None:
    """The background task for one map (kept for tasks already queued): `recompute_scorecards` of it alone."""
    stored = recompute_scorecards.call(period_id, [strategy_map_id], trigger)
    return stored.get(str(strategy_map_id)) if stored else None


@task()
def recompute_scorecards(period_id: int, strategy_map_ids: list[int], trigger: str = "") -> dict[str, int]:
    """The background task: store a new snapshot of each map as of the period (none when nothing changed).

    Returns the current snapshot id of each map (by map id, as text: the result is JSON). A closed period is
    left alone: its final snapshots stand (rule 23). It lives beside the services that enqueue it, so nothing
    here imports `tasks.py` (which lists every task of the app).
    """
    period = ReportingPeriod.objects.select_related("plan_year").filter(pk=period_id).first()
    if period is None or period.is_closed:
        return {}
    maps = list(
        StrategyMap.objects.select_related("unit", "plan_year").filter(pk__in=strategy_map_ids).order_by("pk")
    )
    done = compute_scorecards(maps, period, trigger=trigger)
    return {str(map_id): snapshot.pk for map_id, snapshot in done.snapshots.items()}


@task()
def recompute_scorecards_of(keys: list[list[int]], trigger: str = "") -> int:
    """The background task of `schedule_recompute`: each [map id, period id] recomputed, as few reads as can be.

    The pairs of one plan year are recomputed together (`compute_scorecards_as_of`: the maps' data and
    realizations read once for all their periods); closed periods are left alone (rule 23). Returns the
    number of snapshots stored.
    """
    wanted = {(int(m), int(p)) for m, p in keys}
    periods = [
        p
        for p in ReportingPeriod.objects.select_related("plan_year").filter(pk__in={p for _m, p in wanted})
        if not p.is_closed
    ]
    maps = {
        m.pk: m
        for m in StrategyMap.objects.select_related("unit", "plan_year").filter(
            pk__in={m for m, _p in wanted}
        )
    }
    stored = 0
    for year in sorted({p.plan_year_id for p in periods}):
        of_year = [p for p in periods if p.plan_year_id == year]
        pairs = {(m, p.pk) for p in of_year for m, q in wanted if q == p.pk and m in maps}
        chosen = sorted({maps[m] for m, _p in pairs}, key=lambda m: m.pk)
        done = compute_scorecards_as_of(chosen, of_year, pairs=pairs, trigger=trigger)
        stored += sum(len(r.created) for r in done.values())
    return stored


def _enqueue(keys: Sequence[tuple[int, int]], trigger: str) -> None:
    recompute_scorecards_of.enqueue([[map_id, period_id] for map_id, period_id in keys], trigger)


def schedule_map_recompute(*, strategy_map: StrategyMap, trigger: str = "target") -> set[tuple[int, int]]:
    """Recompute a map's scores for every open period already begun (after a KPI's target or weight changed).

    For the KPI services to call once their change is saved; it enqueues after commit.
    """
    ensure_periods(strategy_map.plan_year)
    day = _today()
    periods = ReportingPeriod.objects.filter(
        plan_year_id=strategy_map.plan_year_id, state=PeriodState.OPEN, start__lte=day
    )
    keys = {(strategy_map.pk, p.pk) for p in periods}
    if keys and not _gathered(keys, trigger):
        ordered = sorted(keys)
        transaction.on_commit(lambda: _enqueue(ordered, trigger))
    return keys


def plan_changed(*, strategy_map: StrategyMap) -> None:
    """Planning services call this after saving a change that can move scores (a KPI, a target, a weight).

    Only maps that are scored (approved, or under revision after approval) are recomputed; a draft has no
    scores yet. The work is queued after the planning transaction commits.
    """
    if strategy_map.state in REPORTABLE_MAP_STATES:
        schedule_map_recompute(strategy_map=strategy_map, trigger="target")


def on_plan_changed(sender: object, *, strategy_map: StrategyMap, **kwargs: object) -> None:
    """The receiver of `planning.signals.plan_changed` (connected in `ReportingConfig.ready`)."""
    plan_changed(strategy_map=strategy_map)


def compute_scorecard(
    *,
    strategy_map: StrategyMap,
    period: ReportingPeriod,
    final: bool = False,
    by: Actor = None,
    trigger: str = "",
    today: dt.date | None = None,
) -> ScoreSnapshot:
    """Score a strategy map as of a reporting period with the scoring core and store the result as a snapshot.

    * Inputs: the map's perspectives (weights), objectives (weights), KPIs
      (polarity, consolidation, band, worst value, cap-on-target, weight) and,
      per KPI, every reporting period of its frequency from the start of the
      plan year up to `period` (its trajectory target and — only when the
      realization's state is counted, `KINERJA_SCORED_STATES`, by default
      *approved* only — its realization). Anything not counted is N/A, never 0.
      A KPI with no period of its frequency ending by `period` is not yet due:
      N/A like the others (it changes no figure), but listed under `not_due`
      rather than `missing`, and it does not make the result incomplete
      (`scorecard.score`).
    * The core (`kinerja.scoring.score_scorecard`) scores it with the plan
      year's rule set; the result — or the core's errors, when the map cannot
      be scored (weights not totalling 100 …) — becomes `ScoreSnapshot.result`
      (JSON described in `kinerja.reporting.scorecard`).
    * A snapshot is never changed. A new one is stored unless the latest
      snapshot of the map and period says exactly the same (and is not final);
      `final=True` (a period closing) always stores a new final snapshot.
    * A closed period keeps its figures: asked again without `final`, the
      latest final snapshot is returned as it is.

    `by` (a user) needs `reporting.compute_scoresnapshot` on the map; `None` is
    the system. `trigger` records why ("close", "reopen", "submit", "import" …).
    It is `compute_scorecards` of this one map.
    """
    done = compute_scorecards([strategy_map], period, final=final, by=by, trigger=trigger, today=today)
    return done.snapshots[strategy_map.pk]


@dataclass(frozen=True)
class Recomputed:
    """What `compute_scorecards` did: each map's current snapshot, and those it stored now."""

    snapshots: dict[int, ScoreSnapshot]
    created: list[ScoreSnapshot]

    @property
    def unchanged(self) -> int:
        return len(self.snapshots) - len(self.created)


def compute_scorecards(
    maps: Iterable[StrategyMap],
    period: ReportingPeriod,
    *,
    final: bool = False,
    by: Actor = None,
    trigger: str = "",
    today: dt.date | None = None,
) -> Recomputed:
    """`compute_scorecard` of many maps (loaded, with unit and plan year) as of one period, set-based.

    The same rules and the same snapshots, map by map, as computing each alone; but the inputs of every map
    are read in a fixed number of queries (`selectors.score_inputs`), the latest snapshots in one or two,
    and the new snapshots written with one bulk insert — so the number of queries does not grow with the
    number of maps (a user as `by` is checked per map, which may read). Each map is scored by the core on
    its own, in one pass over the maps.
    """
    return compute_scorecards_as_of(maps, [period], final=final, by=by, trigger=trigger, today=today)[
        period.pk
    ]


def compute_scorecards_as_of(
    maps: Iterable[StrategyMap],
    periods: Sequence[ReportingPeriod],
    *,
    pairs: Collection[tuple[int, int]] | None = None,
    final: bool = False,
    by: Actor = None,
    trigger: str = "",
    today: dt.date | None = None,
) -> dict[int, Recomputed]:
    """`compute_scorecards` as of each of several periods of one plan year, by period id, with shared reads.

    The maps' contents and realizations are read once for all the periods (`selectors.score_inputs_as_of`),
    the latest snapshots of every (map, period) in one or two queries, the new ones written in one insert.
    `pairs` ((map id, period id)) restricts the work to those: a change recomputes its map in the periods it
    feeds, and another map in others.
    """
    maps = list({m.pk: m for m in maps}.values())
    periods = list({p.pk: p for p in periods}.values())
    for strategy_map in maps:
        ensure(by, "reporting.compute_scoresnapshot", strategy_map)
    wanted = {(m.pk, p.pk) for m in maps for p in periods if pairs is None or (m.pk, p.pk) in pairs}
    if not wanted:
        return {p.pk: Recomputed({}, []) for p in periods}
    # The cyclic GC paused as the scoring core pauses it (`kinerja.scoring._batch`): the maps' records, inputs,
    # results and JSON bodies (hundreds of thousands of objects) stay alive together until the insert, and
    # the collector would re-scan them again and again.
    with transaction.atomic(), paused_gc():
        ids = sorted({m for m, _p in wanted})
        latest = _latest_snapshots(ids, periods)
        current: dict[tuple[int, int], ScoreSnapshot] = {}
        closed = [p for p in periods if p.is_closed]
        if closed and not final:
            current = {k: v for k, v in _latest_snapshots(ids, closed, final=True).items() if k in wanted}
        todo = wanted - set(current)
        by_id = {p.pk: p for p in periods}
        for strategy_map in maps:
            for period in periods:
                if (strategy_map.pk, period.pk) in todo and strategy_map.plan_year_id != period.plan_year_id:
                    raise ValidationError(
                        _("Periode %(period)s bukan periode tahun rencana peta %(map)s.")
                        % {"period": period.display_name, "map": str(strategy_map)},
                        code="period_other_year",
                    )
        found = score_inputs_as_of(
            [m for m in maps if any((m.pk, p.pk) in todo for p in periods)],
            [p for p in periods if any((m.pk, p.pk) in todo for m in maps)],
            pairs=todo,
            today=_today(today),
        )
        computed_by = author(by)
        created: list[ScoreSnapshot] = []
        texts: list[str] = []
        maps_by_id = {m.pk: m for m in maps}
        for key in sorted(todo):
            map_id, period_id = key
            snapshot, text = _scored(found[key], maps_by_id[map_id], by_id[period_id], latest.get(key), final)
            if snapshot.pk is None:
                snapshot.computed_by = computed_by
                snapshot.trigger = trigger
                created.append(snapshot)
                texts.append(text)
            current[key] = snapshot
        _store(created, texts)
    return {
        p.pk: Recomputed(
            {m.pk: current[(m.pk, p.pk)] for m in maps if (m.pk, p.pk) in current},
            [s for s in created if s.period_id == p.pk],
        )
        for p in periods
    }


def _scored(
    found: ScoreInput,
    strategy_map: StrategyMap,
    period: ReportingPeriod,
    latest: ScoreSnapshot | None,
    final: bool,
) -> tuple[ScoreSnapshot, str]:
    """The map's snapshot as of the period: `latest` when it says exactly the same (and neither is final),
    else a new one, not yet stored, with its `result` as JSON text."""
    data, prepared, states = found.data, found.prepared, found.scored_states
    try:
        result = scorecard.score(prepared)
    except ScoringError as error:
        body = scorecard.payload(prepared, None, data=data, scored_states=states, error=error)
        result = None
    else:
        body = scorecard.payload(prepared, result, data=data, scored_states=states)
    # The body is JSON already (strings, floats, lists, dicts: `scorecard.payload`): compared as it is, and
    # written once, below, then stored as that text (`_store`), not read back through `json.loads`.
    if (
        not final
        and latest is not None
        and not latest.final
        and latest.rule_set == prepared.rules.code
        and latest.result == body
    ):
        return latest, ""
    nko = (
        None
        if result is None or result.nko is None
        else settle(result.nko).quantize(NKO_PLACES, ROUND_HALF_UP)
    )
    snapshot = ScoreSnapshot(
        strategy_map=strategy_map,
        period=period,
        rule_set=prepared.rules.code,
        final=final,
        nko=nko,
        predicate=(result.predicate or "") if result is not None else "",
        complete=bool(result is not None and result.complete),
        result=body,
    )
    return snapshot, json.dumps(body, cls=DjangoJSONEncoder)


def _latest_snapshots(
    map_ids: Sequence[int], periods: Sequence[ReportingPeriod], *, final: bool = False
) -> dict[tuple[int, int], ScoreSnapshot]:
    """The latest snapshot (the latest final one with `final`) of each map as of each period, in one query."""
    found = ScoreSnapshot.objects.filter(
        strategy_map_id__in=list(map_ids), period_id__in=[p.pk for p in periods]
    ).order_by()
    if final:
        found = found.filter(final=True)
    ranked = found.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("strategy_map_id"), F("period_id")],
            order_by=[F("computed_at").desc(), F("pk").desc()],
        )
    ).filter(rank=1)
    return {(s.strategy_map_id, s.period_id): s for s in ranked}


class _JsonText(Expression):
    """A JSON value given as the text `json.dumps` wrote: the text stored as it is (SQLite keeps that text, as
    `JSONField` would write it; PostgreSQL parses it into `jsonb`)."""

    output_field = JSONField()

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str]]:
        return "%s", (self.text,)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str]]:
        return "%s::jsonb", (self.text,)


def _store(snapshots: list[ScoreSnapshot], texts: Sequence[str] | None = None) -> None:
    """Write new snapshots in one insert (a snapshot is never changed: `ScoreSnapshot.save` refuses an update).

    Each `result` goes in as its JSON text (`texts`, in order: those `_scored` wrote; `_JsonText`): not
    serialised a second time, and not inside one `jsonb[]` array parameter (Django's UNNEST insert on
    PostgreSQL), whose quoting runs a regular expression over every character of every snapshot — most of
    the recompute's time on 1,000 maps of 40 KPIs.
    """
    if not snapshots:
        return
    bodies = [s.result for s in snapshots]
    if texts is None:
        texts = [json.dumps(body, cls=DjangoJSONEncoder) for body in bodies]
    try:
        for snapshot, text in zip(snapshots, texts, strict=True):
            snapshot.result = _JsonText(text)
        ScoreSnapshot.objects.bulk_create(snapshots, batch_size=500)
    finally:
        for snapshot, body in zip(snapshots, bodies, strict=True):
            snapshot.result = body


def recompute_period(
    period: ReportingPeriod,
    *,
    maps: Iterable[StrategyMap | int] | None = None,
    trigger: str = "recompute",
    final: bool = False,
    by: Actor = None,
    today: dt.date | None = None,
) -> Recomputed:
    """Recompute the scorecard of every reportable map of the period's plan year (or of `maps`) as of it.

    Set-based (`compute_scorecards`): the same snapshots as computing each map alone, in a fixed number of
    queries. `maps` are maps or map ids (loaded here with their unit and plan year); by default every map of
    the plan year that is scored (approved, or under revision after approval). A closed period keeps its
    final snapshots unless `final` (a closing) stores new ones.
    """
    if maps is None:
        chosen = reportable_maps(period.plan_year_id)
    else:
        given = list(maps)
        ids = [m if isinstance(m, int) else m.pk for m in given]
        chosen = list(
            StrategyMap.objects.select_related("unit", "plan_year").filter(pk__in=ids).order_by("unit__path")
        )
    return compute_scorecards(chosen, period, final=final, by=by, trigger=trigger, today=today)


def final_snapshots(
    *, map_ids: Iterable[int], plan_year_id: int, by: Actor = None, trigger: str = "history"
) -> list[ScoreSnapshot]:
    """Store a new final snapshot of each scored map for every closed period of the plan year, now.

    For a historical import (issue 15 item 5): what it wrote into closed periods changes their figures, and a
    closed period's figure is its final snapshot (rule 23), so the import stores them again, marked final.
    """
    ids = sorted(set(map_ids))
    if not ids:
        return []
    maps = list(
        StrategyMap.objects.filter(pk__in=ids, plan_year_id=plan_year_id, state__in=REPORTABLE_MAP_STATES)
        .select_related("unit", "plan_year")
        .order_by("pk")
    )
    periods = list(
        ReportingPeriod.objects.filter(plan_year_id=plan_year_id, state=PeriodState.CLOSED).order_by(
            "end", "start"
        )
    )
    stored = {
        p.pk: compute_scorecards(maps, p, final=True, by=by, trigger=trigger).snapshots for p in periods
    }
    return [stored[p.pk][m.pk] for m in maps for p in periods]
