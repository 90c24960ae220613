"""Roll-up: a directly cascaded KPI's realization derived from its children's (`scoring.md` §5, rule 20).

A KPI cascaded *directly* (`Cascade.mode` direct full or direct shared) is never typed in (`Kpi.rolled_up`):
its realization for a period is its children's realizations combined by `Cascade.aggregation` (sum, average,
weighted average with `CascadeLink.share` as the weight, minimum, maximum) — by the scoring core's
`kinerja.scoring.cascade.roll_up`, the one implementation. Only a child realization at least *submitted*
counts; a child without one makes the parent incomplete, and then the parent has no derived realization (an
existing one is removed), never a silently lower one. The derived realization is written by the system
(`by=None`) in the state of its least advanced child (submitted < verified < approved), with an analysis
naming the children it comes from. A parent may itself be a child: the change climbs the chain.

* `roll_up_kpi(parent, period)` — what the parent's derived realization is now (a read: nothing written);
* `children_of(parent, period)` — the children with their realization in the period, for the pages (an
  indirect cascade is not rolled up: its children are shown beside the parent);
* `recompute_parents(kpi_ids, period_ids)` — the writer: the derived realizations of every direct parent
  above those KPIs, bottom-up, in a fixed number of queries per level of the chain, written in bulk with
  their history.

When a realization is saved (its value or its state), `on_realization_saved` (connected in
`ContractsConfig.ready` to `post_save` of `reporting.Realization`) enqueues the `recompute_rollups` task
after the transaction commits; a bulk write (an import) sends `reporting.signals.realizations_changed`
instead. The derived rows are written with bulk operations, which send no `post_save`, so a recompute never
triggers itself.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinerja.common.races import retry_on_race
from kinerja.planning.models import Kpi
from kinerja.reporting.explaining import error_text
from kinerja.reporting.models import (
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    WorkflowEvent,
)
from kinerja.reporting.services import schedule_recompute
from kinerja.scoring import Aggregation, CascadeType, ChildValue, ScoringError, settle
from kinerja.scoring import RollUp as CoreRollUp
from kinerja.scoring import roll_up as core_roll_up

from .models import DIRECT_MODES, AggregationChoice, Cascade, CascadeLink

__all__ = [
    "COUNTED_STATES",
    "ChildRow",
    "RollUp",
    "children_of",
    "on_realization_saved",
    "on_realizations_changed",
    "recompute_parents",
    "recompute_rollups",
    "roll_up_kpi",
    "schedule_rollups",
]

# A child's realization counts towards its parent's from submission on; the derived state is the lowest.
STATE_RANK = {RealizationState.SUBMITTED: 1, RealizationState.VERIFIED: 2, RealizationState.APPROVED: 3}
COUNTED_STATES = frozenset(str(s) for s in STATE_RANK)
_MICRO = Decimal("0.000001")
_MAX_DEPTH = 64  # rule 14 forbids cycles; this only stops a broken chain from looping

_deriving: contextvars.ContextVar[bool] = contextvars.ContextVar("kinerja_rollup_deriving", default=False)


@contextmanager
def _writing_derived() -> Iterator[None]:
    token = _deriving.set(True)
    try:
        yield
    finally:
        _deriving.reset(token)


def _rank(state: str) -> int:
    return STATE_RANK.get(RealizationState(state), 0) if state in COUNTED_STATES else 0


def lowest_state(states: Iterable[str]) -> str | None:
    """The least advanced of the counted states (submitted < verified < approved), None when there is none."""
    counted = [s for s in states if s in COUNTED_STATES]
    return min(counted, key=_rank) if counted else None


def _label(code: str, position: str | None, unit: str | None) -> str:
    """A child as the analysis and the explanation name it: "S1.1 (Kepala Seksi, SEKSI-A)"."""
    where = ", ".join(part for part in (position, unit) if part)
    return f"{code} ({where})" if where else code


@dataclass(frozen=True)
class ChildRow:
    """A child KPI of a cascade with its realization in the period (None: none entered) and its share."""

    kpi: Kpi
    realization: Realization | None
    share: Decimal | None

    @property
    def counted(self) -> bool:
        """Does this child's realization count towards the parent's (submitted or beyond)?"""
        return self.realization is not None and self.realization.state in COUNTED_STATES

    @property
    def label(self) -> str:
        kpi = self.kpi
        if kpi.holder_id is not None:
            holder = kpi.holder
            return _label(kpi.code, holder.title if holder else None, holder.unit.code if holder else None)
        return _label(kpi.code, None, kpi.objective.map.unit.code)


@dataclass(frozen=True)
class RollUp:
    """A parent KPI's derived realization for one period, as the scoring core computes it.

    `result` is the core's `RollUp` (its `realization` is None when a child has not reported), None when the
    KPI is not cascaded directly or the core refused the inputs (`error`, e.g. a weighted average without
    shares). `state` is the state the derived realization takes: the lowest of the children's.
    """

    parent: Kpi
    period: ReportingPeriod
    mode: str
    aggregation: str
    children: tuple[ChildRow, ...]
    result: CoreRollUp | None
    error: str = ""

    @property
    def value(self) -> Decimal | None:
        if self.result is None or self.result.realization is None:
            return None
        return _quantized(self.result.realization)

    @property
    def complete(self) -> bool:
        return self.result is not None and self.result.complete

    @property
    def missing(self) -> list[ChildRow]:
        """The children whose realization does not count yet (none entered, or still a draft)."""
        return [c for c in self.children if not c.counted]

    @property
    def state(self) -> str | None:
        if not self.complete:
            return None
        return lowest_state(c.realization.state for c in self.children if c.realization is not None)


def _quantized(value: Decimal) -> Decimal:
    return settle(value).quantize(_MICRO, ROUND_HALF_UP)


def _derive(
    code: str, aggregation: str, children: Sequence[tuple[str, Decimal | None, Decimal | None]]
) -> tuple[CoreRollUp | None, str]:
    """The core's roll-up of (label, counted value or None, share) children; (None, why in the user's language)
    when it refuses."""
    values = [ChildValue(label, value, share) for label, value, share in children]
    try:
        return core_roll_up(
            values, Aggregation(aggregation), parent=code, cascade_type=CascadeType.DIRECT
        ), ""
    except ScoringError as error:
        return None, error_text(error)


def _children(parent: Kpi) -> list[tuple[Kpi, Decimal | None]]:
    links = (
        CascadeLink.objects.filter(cascade__parent=parent)
        .select_related("child__holder__unit", "child__objective__map__unit")
        .order_by("pk")
    )
    return [(link.child, link.share) for link in links]


def children_of(parent: Kpi, period: ReportingPeriod) -> list[ChildRow]:
    """The parent's children (any cascade mode) with their realization in `period` (None: none entered)."""
    children = _children(parent)
    found = {
        r.kpi_id: r
        for r in Realization.objects.filter(kpi_id__in=[k.pk for k, _s in children], period=period)
    }
    return [ChildRow(kpi, found.get(kpi.pk), share) for kpi, share in children]


def roll_up_kpi(parent: Kpi, period: ReportingPeriod) -> RollUp:
    """What `parent`'s derived realization for `period` is now, from its children's (nothing is written).

    Not rolled up (``result`` None, ``mode`` says why) when the parent has no direct cascade.
    """
    cascade = Cascade.objects.filter(parent=parent).first()
    if cascade is None:
        return RollUp(parent, period, "", "", (), None)
    rows = tuple(children_of(parent, period))
    if cascade.mode not in DIRECT_MODES:
        return RollUp(parent, period, cascade.mode, cascade.aggregation, rows, None)
    if not rows:
        return RollUp(
            parent,
            period,
            cascade.mode,
            cascade.aggregation,
            rows,
            None,
            _("IKU %(code)s belum memiliki turunan.") % {"code": parent.code},
        )
    result, error = _derive(
        parent.code,
        cascade.aggregation,
        [
            (row.label, row.realization.value if row.counted and row.realization else None, row.share)
            for row in rows
        ],
    )
    return RollUp(parent, period, cascade.mode, cascade.aggregation, rows, result, error)


# --------------------------------------------------------------------------- writing derived realizations


@dataclass
class _Parent:
    pk: int
    code: str
    frequency: str
    map_id: int
    individual: bool
    aggregation: str = ""
    level: int = 0


def _ancestors(kpi_ids: set[int]) -> dict[int, int]:
    """Every KPI above `kpi_ids` through direct cascades, with its level (the longest climb to reach it).

    One query per level. A parent is computed after every changed KPI below it: in order of its level.
    """
    level: dict[int, int] = {}
    frontier = set(kpi_ids)
    depth = 0
    while frontier and depth < _MAX_DEPTH:
        depth += 1
        found = CascadeLink.objects.filter(
            child_id__in=frontier, cascade__mode__in=[str(m) for m in DIRECT_MODES]
        ).values_list("cascade__parent_id", flat=True)
        frontier = set()
        for parent_id in found:
            if level.get(parent_id, 0) < depth:
                level[parent_id] = depth
                frontier.add(parent_id)
    return level


def _analysis(aggregation: str, labels: Sequence[str]) -> str:
    return _(
        "Realisasi turunan (roll-up, %(aggregation)s) dari IKU turunan: %(children)s. Dihitung sistem; tidak diisi."
    ) % {"aggregation": str(AggregationChoice(aggregation).label).lower(), "children": "; ".join(labels)}


def _format(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def recompute_parents(kpi_ids: Iterable[int], period_ids: Iterable[int]) -> int:
    """Recompute the derived realizations of every direct parent above `kpi_ids` in `period_ids`.

    Set-based: the chain is climbed one query per level, then the links, the parents, the periods and
    every realization needed are read in four queries, the parents computed bottom-up in memory (a parent
    sees its children's new derived values), and the writes done in bulk with their history. Closed periods
    are left alone (rule 23); a parent is computed only in periods of its own frequency. Returns the number
    of derived realizations created, changed or removed.
    """
    kpis = {int(k) for k in kpi_ids}
    periods_wanted = {int(p) for p in period_ids}
    if not kpis or not periods_wanted:
        return 0
    levels = _ancestors(kpis)
    if not levels:
        return 0
    return retry_on_race(lambda: _recompute(levels, periods_wanted))


def _recompute(levels: dict[int, int], period_ids: set[int]) -> int:
    parents: dict[int, _Parent] = {
        pk: _Parent(pk, code, frequency, map_id, holder_id is not None, level=levels[pk])
        for pk, code, frequency, map_id, holder_id in Kpi.all_kpis.filter(pk__in=list(levels)).values_list(
            "pk", "code", "frequency", "objective__map_id", "holder_id"
        )
    }
    links: dict[int, list[tuple[int, Decimal | None, str]]] = {pk: [] for pk in parents}
    for parent_id, aggregation, child_id, share, code, title, holder_unit, map_unit in (
        CascadeLink.objects.filter(cascade__parent_id__in=list(parents))
        .order_by("pk")
        .values_list(
            "cascade__parent_id",
            "cascade__aggregation",
            "child_id",
            "share",
            "child__code",
            "child__holder__title_id",
            "child__holder__unit__code",
            "child__objective__map__unit__code",
        )
    ):
        parents[parent_id].aggregation = aggregation
        where = holder_unit if title else map_unit
        links[parent_id].append((child_id, share, _label(code, title, where)))
    periods = {
        p.pk: p
        for p in ReportingPeriod.objects.filter(
            pk__in=list(period_ids), state=PeriodState.OPEN
        ).select_related("plan_year")
    }
    if not periods:
        return 0
    wanted = set(parents) | {child for rows in links.values() for child, _s, _l in rows}
    current: dict[tuple[int, int], Realization] = {
        (r.kpi_id, r.period_id): r
        for r in Realization.objects.filter(kpi_id__in=list(wanted), period_id__in=list(periods))
    }
    now = timezone.now()
    create: list[Realization] = []
    update: list[Realization] = []
    remove: list[Realization] = []
    events: list[WorkflowEvent] = []
    moved_maps: set[tuple[int, int]] = set()
    for parent in sorted(parents.values(), key=lambda p: (p.level, p.pk)):
        rows = links[parent.pk]
        if not rows or not parent.aggregation:
            continue
        for period in periods.values():
            if period.frequency != parent.frequency:
                continue
            children = [
                (child, current.get((child, period.pk)), share, label) for child, share, label in rows
            ]
            counted = [r for _c, r, _s, _l in children if r is not None and r.state in COUNTED_STATES]
            result, _error = _derive(
                parent.code,
                parent.aggregation,
                [
                    (label, r.value if r is not None and r.state in COUNTED_STATES else None, share)
                    for _c, r, share, label in children
                ],
            )
            existing = current.get((parent.pk, period.pk))
            if result is None or result.realization is None:
                if existing is not None:
                    # incomplete (a child not reported): no derived realization, never a silently lower one
                    remove.append(existing)
                    del current[(parent.pk, period.pk)]
                    if not parent.individual:
                        moved_maps.add((parent.map_id, period.pk))
                continue
            value = _quantized(result.realization)
            state = lowest_state(r.state for r in counted) or RealizationState.SUBMITTED
            analysis = _analysis(
                parent.aggregation, [f"{label} = {_format(r.value)}" for _c, r, _s, label in children if r]
            )
            if existing is None:
                row = Realization(
                    kpi_id=parent.pk, period_id=period.pk, value=value, state=state, analysis=analysis
                )
                create.append(row)
                current[(parent.pk, period.pk)] = row
                events.append(_event(row, RealizationState.DRAFT, state))
            elif existing.value != value or existing.state != state or existing.analysis != analysis:
                if existing.state != state:
                    events.append(_event(existing, existing.state, state))
                existing.value, existing.state, existing.analysis = value, state, analysis
                existing.return_reason = ""
                existing.updated_at = now
                update.append(existing)
            else:
                continue
            if not parent.individual:
                moved_maps.add((parent.map_id, period.pk))
    if not (create or update or remove):
        return 0
    with transaction.atomic(), _writing_derived():
        reason = _("roll-up dari IKU turunan")
        if create:
            bulk_create_with_history(create, Realization, default_user=None, default_change_reason=reason)
            for event in events:
                if event.realization_id is None and event.realization.pk is not None:
                    event.realization_id = event.realization.pk
        if update:
            bulk_update_with_history(
                update,
                Realization,
                ["value", "state", "analysis", "return_reason", "updated_at"],
                default_user=None,
                default_change_reason=reason,
            )
        if remove:
            _delete_derived(remove)
        if events:
            WorkflowEvent.objects.bulk_create([e for e in events if e.realization_id is not None])
        if moved_maps:
            schedule_recompute([(m, periods[p]) for m, p in moved_maps], trigger="rollup")
    return len(create) + len(update) + len(remove)


def _event(realization: Realization, from_state: str, to_state: str) -> WorkflowEvent:
    return WorkflowEvent(
        realization=realization,
        from_state=from_state,
        to_state=to_state,
        actor=None,
        reason=_("Roll-up: status mengikuti realisasi IKU turunan."),
    )


def _delete_derived(rows: Sequence[Realization]) -> None:
    """Delete derived rows; django-simple-history records a "-" row for each (its `post_delete`)."""
    Realization.objects.filter(pk__in=[r.pk for r in rows]).delete()


# --------------------------------------------------------------------------- when a child changes


@task()
def recompute_rollups(kpi_ids: list[int], period_ids: list[int]) -> int:
    """The background task: `recompute_parents` for the KPIs and periods whose realizations changed.

    It lives beside the code that enqueues it (as `reporting`'s `recompute_scorecard` does); `tasks.py`
    lists it with the app's other tasks.
    """
    return recompute_parents(kpi_ids, period_ids)


class _Pending:
    """The KPIs and periods changed in the current transaction, enqueued once when it commits."""

    def __init__(self) -> None:
        self.kpis: set[int] = set()
        self.periods: set[int] = set()

    def flush(self) -> None:
        if _state.__dict__.get("pending") is self:
            del _state.pending
        recompute_rollups.enqueue(sorted(self.kpis), sorted(self.periods))


_state = threading.local()


def schedule_rollups(kpi_ids: Sequence[int], period_ids: Sequence[int]) -> None:
    """Enqueue `recompute_rollups` for these KPIs and periods once the transaction commits.

    Every change in one transaction joins one task (an import or a demo step saving thousands of
    realizations enqueues once, not once per row); outside a transaction it is enqueued at once.
    """
    kpis, periods = set(kpi_ids), set(period_ids)
    if not kpis or not periods:
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        recompute_rollups.enqueue(sorted(kpis), sorted(periods))
        return
    pending: _Pending | None = getattr(_state, "pending", None)
    # still waiting for this transaction's commit? (a rolled-back savepoint drops its callbacks)
    if pending is None or not any(entry[1] == pending.flush for entry in connection.run_on_commit):
        pending = _Pending()
        _state.pending = pending
        transaction.on_commit(pending.flush)
    pending.kpis |= kpis
    pending.periods |= periods


def on_realization_saved(sender: Any, instance: Realization, raw: bool = False, **kwargs: Any) -> None:
    """`post_save` of a realization (a value typed, a workflow step): its parents recompute after commit.

    Nothing is read here (no query per save); a derived row written by the roll-up itself goes by bulk
    operations and sends no signal, and one saved while deriving is ignored, so a recompute never loops.
    """
    if raw or _deriving.get():
        return
    schedule_rollups([instance.kpi_id], [instance.period_id])


def on_realization_deleted(sender: Any, instance: Realization, **kwargs: Any) -> None:
    """`post_delete` of a realization: a child gone makes its parents incomplete, so they recompute too."""
    if _deriving.get():
        return
    schedule_rollups([instance.kpi_id], [instance.period_id])


def on_realizations_changed(
    sender: Any, kpi_ids: Sequence[int] = (), period_ids: Sequence[int] = (), **kwargs: Any
) -> None:
    """`reporting.signals.realizations_changed` (sent after an import's commit): recompute their parents."""
    if _deriving.get():
        return
    kpis, periods = sorted(set(kpi_ids)), sorted(set(period_ids))
    if kpis and periods:
        recompute_rollups.enqueue(kpis, periods)
