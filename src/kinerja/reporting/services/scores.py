"""Score snapshots: computing a map's scorecard as of a period, and queueing recomputes after what a score reads changed."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.planning.models import (
    REPORTABLE_MAP_STATES,
    StrategyMap,
)
from kinerja.scoring.errors import ScoringError

from .. import scorecard
from ..models import (
    PeriodState,
    ReportingPeriod,
    ScoreSnapshot,
)
from ..selectors import affected_periods, score_input
from .periods import _today, ensure_periods

NKO_PLACES = Decimal("0.000001")


def schedule_recompute(
    pairs: Iterable[tuple[int, ReportingPeriod]], *, trigger: str, today: dt.date | None = None
) -> set[tuple[int, int]]:
    """Enqueue `recompute_scorecard` for each (map id, period) — and the periods it feeds — after commit.

    Returns the (map id, period id) pairs that will be recomputed; each once.
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
    """The background task: store a new snapshot of the map as of the period (none when nothing changed).

    A closed period is left alone: its final snapshot stands (rule 23). It lives beside the services that
    enqueue it, so nothing here imports `tasks.py` (which lists every task of the app).
    """
    strategy_map = StrategyMap.objects.select_related("unit", "plan_year").filter(pk=strategy_map_id).first()
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    if strategy_map is None or period is None or period.is_closed:
        return None
    return compute_scorecard(strategy_map=strategy_map, period=period, trigger=trigger).pk


def _enqueue(keys: Sequence[tuple[int, int]], trigger: str) -> None:
    for map_id, period_id in keys:
        recompute_scorecard.enqueue(map_id, period_id, trigger)


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


def _jsonable(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


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
    """
    ensure(by, "reporting.compute_scoresnapshot", strategy_map)
    with transaction.atomic():
        latest = (
            ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period)
            .order_by("-computed_at", "-pk")
            .first()
        )
        if period.is_closed and not final:
            last_final = (
                ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period, final=True)
                .order_by("-computed_at", "-pk")
                .first()
            )
            if last_final is not None:
                return last_final
        if strategy_map.plan_year_id != period.plan_year_id:
            raise ValidationError(
                _("Periode %(period)s bukan periode tahun rencana peta %(map)s.")
                % {"period": period.display_name, "map": str(strategy_map)},
                code="period_other_year",
            )
        found = score_input(strategy_map, period, today=_today(today))
        data, prepared, states = found.data, found.prepared, found.scored_states
        try:
            result = scorecard.score(prepared)
        except ScoringError as error:
            body = scorecard.payload(prepared, None, data=data, scored_states=states, error=error)
            result = None
        else:
            body = scorecard.payload(prepared, result, data=data, scored_states=states)
        body = _jsonable(body)
        if (
            not final
            and latest is not None
            and not latest.final
            and latest.rule_set == prepared.rules.code
            and latest.result == body
        ):
            return latest
        nko = None if result is None or result.nko is None else result.nko.quantize(NKO_PLACES, ROUND_HALF_UP)
        snapshot = ScoreSnapshot(
            strategy_map=strategy_map,
            period=period,
            rule_set=prepared.rules.code,
            computed_by=author(by),
            trigger=trigger,
            final=final,
            nko=nko,
            predicate=(result.predicate or "") if result is not None else "",
            complete=bool(result is not None and result.complete),
            result=body,
        )
        snapshot.save()
    return snapshot


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
    return [
        compute_scorecard(strategy_map=m, period=p, final=True, by=by, trigger=trigger)
        for m in maps
        for p in periods
    ]
