"""Reads of the reporting cycle shared by the pages, the API and the dashboards.

Everything a user sees is limited to the units their roles reach (a role on a
unit reaches its subtree): a realization, evidence file or snapshot of another
unit does not exist for them (404).

For the dashboard (issue item 6) the score reads are:

* `latest_snapshot(map, period)` — the newest `ScoreSnapshot` of a map as of a
  period (after a closing that is the final one, unless the period was
  reopened and recomputed since), or None;
* `final_snapshot(map, period)` — the newest *final* snapshot, or None;
* `snapshots_for(map)` — every snapshot of a map, oldest period first, newest
  computation first within a period (old ones are kept, never changed);
* `nko_trend(map)` — one `TrendPoint` per period that has a snapshot: the
  latest snapshot's NKO (Decimal, None = N/A), predicate, completeness;
* `unit_ranking(units, period)` — the units' maps for the period's plan year,
  ranked by the NKO of their latest snapshot (N/A last, never as 0);
* `scorecard_view(snapshot)` — the snapshot's JSON arranged for a page:
  perspectives → objectives → KPIs with their figures rounded for display;
* `staleness(snapshot)` — whether the data a snapshot was computed from has
  changed since (then its figures are not current: "belum diperbarui");
* `map_completeness(maps, period)` — the one answer to "is this period
  complete?" (`scorecard.completeness`) for many maps at once, in Python (the
  meeting agenda; `reporting.figures` is the same rule in SQL, for the
  completeness report and the home page's `missing_count`).

The work queue (issue 10 item 10): `awaiting_rows(user, step)` is the query of
exactly the realizations on which the workflow lets the user take `step` now; the
home page counts it and links to it (`?menunggu=verifikasi|persetujuan`), the
reporting index pages it. `due_list(user)` is what is still to be reported,
counted per period and read a page at a time (`due_rows`: one row per KPI and
period, in the database). Neither loads what it does not show (issue 16 item 2):
both are counted per map, the map KPIs' counts kept under the map's data version
(`reporting.versions`: the database changes it on every write to the map's data)
and counted again only for the maps changed since, and a page reads only the rows
of the periods and maps it spans (`DueList`, `WaitingList`, `waiting_lists`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from kinerja.accounts.rules import REPORT_APPROVE_ROLES, REPORT_VERIFY_ROLES
from kinerja.accounts.scope import READ_ROLES, Viewer, paths_for, reaches_everything, unit_filter
from kinerja.organisations.models import Unit
from kinerja.planning.models import (
    PERIODS_PER_YEAR,
    REPORTABLE_MAP_STATES,
    Kpi,
    Objective,
    PeriodTarget,
    Perspective,
    PlanYear,
    StrategyMap,
)
from kinerja.planning.selectors import MapData, load_maps_data, maps_reportable_by

from . import conf, scorecard, versions, workflow
from .models import (
    Evidence,
    ImportJob,
    PeriodReopen,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)

REALIZATION_RELATED = (
    "kpi__objective__perspective",
    "kpi__objective__map__unit",
    "kpi__objective__map__plan_year",
    "kpi__holder__unit",
    "period",
    "submitted_by",
    "verified_by",
    "approved_by",
)


# --------------------------------------------------------------------------- whose KPIs


def kpi_scope(user: Viewer, prefix: str = "", roles: Iterable[str] = READ_ROLES) -> Q:
    """The KPIs the user's roles reach, as a filter on a KPI (`prefix` "" ) or on a path to one ("kpi__").

    A map KPI answers to its map's unit; an individual KPI (IKI, `holder` set) to its holder's unit, as
    `accounts.rules._reporting_path` says: the holder's section reports it, the managers above verify it.
    `roles` narrows the reach to the units where the user holds one of them (a step's permission).
    """
    roles = tuple(roles)
    return (
        Q(**{f"{prefix}holder__isnull": True})
        & unit_filter(user, f"{prefix}objective__map__unit__path", roles)
    ) | (Q(**{f"{prefix}holder__isnull": False}) & unit_filter(user, f"{prefix}holder__unit__path", roles))


def reportable_kpis() -> Q:
    """The KPIs that take typed realizations now (rule 20): a map KPI of an approved (or revised) map, an
    individual KPI of a signed contract; never a rolled-up KPI (its realization is derived)."""
    return (
        Q(holder__isnull=True, objective__map__state__in=REPORTABLE_MAP_STATES)
        | Q(holder__isnull=False, contract_signed=True)
    ) & Q(rolled_up=False)


def reporting_unit(kpi: Kpi) -> Unit:
    """The unit a KPI's realizations answer to: its holder's for an individual KPI, else its map's."""
    if kpi.holder_id is not None:
        return kpi.holder.unit  # type: ignore[union-attr]
    return kpi.objective.map.unit


# --------------------------------------------------------------------------- maps and periods


def reporting_maps_for(user: Viewer, year: int | None = None) -> QuerySet[StrategyMap]:
    """Approved (or under revision) maps of the units the user reaches, newest year first."""
    return maps_reportable_by(user, year).order_by("-plan_year__year", "unit__path")


def visible_map(user: Viewer, pk: int) -> StrategyMap | None:
    """A map the user's roles reach (any state), or None."""
    return (
        StrategyMap.objects.filter(unit_filter(user, "unit__path"), pk=pk)
        .select_related("unit", "plan_year")
        .first()
    )


def import_job_for(user: Viewer, pk: int) -> ImportJob | None:
    """A background import the user started, or one of a map they may import into; None otherwise."""
    job = (
        ImportJob.objects.select_related("strategy_map__unit", "strategy_map__plan_year")
        .filter(pk=pk)
        .first()
    )
    if job is None or visible_map(user, job.strategy_map_id) is None:
        return None
    if job.created_by_id != getattr(user, "pk", None) and not user.has_perm(
        "reporting.import_realizations", job.strategy_map
    ):
        return None
    return job


def periods_of(plan_year: PlanYear | int, frequency: str | None = None) -> list[ReportingPeriod]:
    periods = ReportingPeriod.objects.filter(plan_year=plan_year)
    if frequency:
        periods = periods.filter(frequency=frequency)
    return list(periods.select_related("plan_year", "closed_by").order_by("end", "start"))


def all_periods(*, year: int | None = None, state: str | None = None) -> QuerySet[ReportingPeriod]:
    periods = ReportingPeriod.objects.select_related("plan_year", "closed_by")
    if year is not None:
        periods = periods.filter(plan_year__year=year)
    if state:
        periods = periods.filter(state=state)
    return periods.order_by("-plan_year__year", "end", "start")


def period_by_label(plan_year: PlanYear, label: str) -> ReportingPeriod | None:
    for period in ReportingPeriod.objects.filter(plan_year=plan_year):
        if period.label == label:
            return period
    return None


def default_period(strategy_map: StrategyMap, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period a map's page opens on: the last period of its KPIs' frequency that has ended by today
    (else the first), preferring the most common frequency on the map."""
    day = today or timezone.localdate()
    frequencies = (
        Kpi.objects.filter(objective__map=strategy_map)
        .values("frequency")
        .annotate(n=Count("pk"))
        .order_by("-n", "frequency")
    )
    frequency = frequencies[0]["frequency"] if frequencies else "quarterly"
    periods = periods_of(strategy_map.plan_year_id, frequency)
    ended = [p for p in periods if p.end <= day]
    if ended:
        return ended[-1]
    return periods[0] if periods else None


# --------------------------------------------------------------------------- realizations


def realizations_visible_to(user: Viewer) -> QuerySet[Realization]:
    """Realizations of the KPIs the user reaches: on maps of their units, and the individual KPIs (IKI) of
    positions in their units (`kpi_scope`)."""
    return Realization.objects.filter(kpi_scope(user, "kpi__")).select_related(*REALIZATION_RELATED)


def realization_for(user: Viewer, pk: int) -> Realization | None:
    return realizations_visible_to(user).filter(pk=pk).first()


def kpi_for(user: Viewer, pk: int) -> Kpi | None:
    """A KPI the user's roles reach (for entering its realization): a map KPI, or an individual KPI of a
    position in their units; None otherwise."""
    return (
        Kpi.all_kpis.filter(kpi_scope(user), pk=pk)
        .select_related(
            "objective__map__unit", "objective__map__plan_year", "objective__perspective", "holder__unit"
        )
        .first()
    )


def events_of(realization: Realization) -> list[WorkflowEvent]:
    return list(realization.events.select_related("actor").order_by("at", "pk"))


def evidence_of(realization: Realization) -> list[Evidence]:
    """Every evidence file of a realization, current and superseded, oldest first."""
    return list(
        realization.evidence.select_related("uploaded_by", "superseded_by").order_by("uploaded_at", "pk")
    )


def evidence_for(user: Viewer, pk: int) -> Evidence | None:
    return (
        Evidence.objects.filter(kpi_scope(user, "realization__kpi__"), pk=pk)
        .select_related(
            "realization__kpi__objective__map__unit", "realization__kpi__holder__unit", "realization__period"
        )
        .first()
    )


def allowed_steps(realization: Realization, user: Viewer) -> dict[str, bool]:
    """Which workflow steps the user may take on the realization now (see `workflow.allowed_steps`)."""
    return workflow.allowed_steps(realization, user)


@dataclass
class GridRow:
    """A KPI on a map's realization page with its realization in the chosen period (None = not entered)."""

    kpi: Kpi
    period: ReportingPeriod | None
    realization: Realization | None
    target: Decimal | None


def map_grid(strategy_map: StrategyMap, period: ReportingPeriod) -> list[GridRow]:
    """The map's KPIs with their realization for `period`, or for the period of their own frequency
    that ends with it (a quarterly KPI in March shows Q1; in February it has no period)."""
    periods = [p for p in periods_of(strategy_map.plan_year_id) if p.end == period.end]
    by_frequency = {p.frequency: p for p in periods}
    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map)
        .select_related("objective__perspective")
        .prefetch_related("period_targets")
        .order_by("objective__perspective__order", "objective__code", "code")
    )
    found = {
        (r.kpi_id, r.period_id): r
        for r in Realization.objects.filter(kpi__in=kpis, period__in=periods).select_related("submitted_by")
    }
    rows = []
    for kpi in kpis:
        own = by_frequency.get(kpi.frequency)
        target = None
        if own is not None:
            target = next((t.target for t in kpi.period_targets.all() if t.period == own.number), None)
        rows.append(GridRow(kpi, own, found.get((kpi.pk, own.pk)) if own else None, target))
    return rows


@dataclass
class DueItem:
    """A KPI whose realization is still to be entered or submitted in an open period."""

    kpi: Kpi
    period: ReportingPeriod
    realization: Realization | None
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.period.due_date - self.today).days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


_DUE_PERIOD = "objective__map__plan_year__reporting_periods"
"""The join from a KPI to its plan year's periods: one row per KPI and period (`due_rows`)."""

DUE_ORDER = (
    "due_on",
    "due_end",
    "due_start",
    "due_period",
    "objective__map__unit__path",
    "objective__code",
    "code",
    "holder_id",
)
"""What is due, in the order the pages list it: by due date, then period, then the KPI's place in the tree."""


def _due_conditions(day: dt.date, include_future: bool) -> tuple[dict[str, Any], Exists]:
    """The filters joining a KPI to its open due periods (ended before `day` unless `include_future`), and the
    realization past draft that takes a (KPI, period) pair off the due list (annotated ``due_period``)."""
    joined: dict[str, Any] = {
        f"{_DUE_PERIOD}__state": PeriodState.OPEN,
        f"{_DUE_PERIOD}__frequency": F("frequency"),
    }
    if not include_future:
        joined[f"{_DUE_PERIOD}__end__lt"] = day
    done = Realization.objects.filter(kpi=OuterRef("pk"), period=OuterRef("due_period")).exclude(
        state=RealizationState.DRAFT
    )
    return joined, Exists(done)


def due_rows(user: Viewer, *, today: dt.date | None = None, include_future: bool = False) -> QuerySet[Any]:
    """One row per KPI and period in which its realization is still due, computed in the database.

    The KPIs in the user's reach that take typed realizations (`reportable_kpis`), joined to the open
    periods of their own frequency in their map's plan year (that have ended by `today`, or all of them
    with `include_future`), less the pairs with a realization past draft. Each row is a `Kpi` annotated
    with ``due_period`` (the period's id), ``due_on`` (its due date), ``due_end`` and ``due_start``.
    """
    day = today or timezone.localdate()
    joined, done = _due_conditions(day, include_future)
    return (
        Kpi.all_kpis.filter(kpi_scope(user), reportable_kpis())
        .filter(**joined)
        .annotate(
            due_period=F(f"{_DUE_PERIOD}__id"),
            due_on=F(f"{_DUE_PERIOD}__due_date"),
            due_end=F(f"{_DUE_PERIOD}__end"),
            due_start=F(f"{_DUE_PERIOD}__start"),
        )
        .filter(~done)
    )


@dataclass(frozen=True)
class ReachMap:
    """A map in a user's read reach (any state), with its data version (`reporting.versions`)."""

    pk: int
    path: str
    plan_year_id: int
    state: str
    version: int


class ReachMaps(list[ReachMap]):
    """The maps in a user's reach (the list), and in `above` the maps of the units above that reach: an
    individual KPI supports an objective of its holder's unit's map or of a map above it (`contracts`), so
    the IKIs the user reaches are found on the maps of both (`DueList`)."""

    def __init__(self) -> None:
        super().__init__()
        self.above: list[ReachMap] = []


def _paths_above(user: Viewer) -> set[str]:
    """The paths of the units above the user's reach (none for a superuser: nothing is above)."""
    if reaches_everything(user):
        return set()
    step = Unit.steplen
    return {root[:end] for root in paths_for(user) for end in range(step, len(root), step)}


def _reach_maps(condition: Q) -> list[ReachMap]:
    """The maps matching `condition`, in tree order, each with its data version (one query)."""
    rows = (
        StrategyMap.objects.filter(condition)
        .order_by("unit__path", "pk")
        .annotate(kept_version=versions.version_column())
        .values_list("pk", "unit__path", "plan_year_id", "state", "kept_version")
    )
    return [ReachMap(*row) for row in rows]


def maps_in_reach(user: Viewer) -> ReachMaps:
    """Every map of the units the user reaches, any state, with its data version, and (`above`) the maps of
    the units above: one query (a page reads it once and hands it to the lists that count per map:
    `due_list`, `waiting_lists`, `missing_count`)."""
    above = _paths_above(user)
    condition = unit_filter(user, "unit__path")
    if above:
        condition |= Q(unit__path__in=above)
    found = ReachMaps()
    for m in _reach_maps(condition):
        (found.above if m.path in above else found).append(m)
    return found


def _due_kept(
    map_ids: Sequence[int], day: dt.date, include_future: bool
) -> dict[int, list[tuple[int | None, int, int]]]:
    """{map id: [(unit id, period id, KPIs due)]} counted in the database (one query) for the maps given:
    the map KPIs of a reportable map (unit id None: they answer to the map's unit) and the individual KPIs
    (IKI) of signed contracts supporting its objectives, by the unit they answer to (their holder's). Kept
    per map under its data version, which changes with every write to those KPIs, their realizations and
    (a position moved to another unit) the positions holding them (`reporting.versions`)."""
    joined, done = _due_conditions(day, include_future)
    rows = (
        Kpi.all_kpis.filter(reportable_kpis(), objective__map_id__in=list(map_ids))
        .filter(**joined)
        .annotate(due_period=F(f"{_DUE_PERIOD}__id"))
        .filter(~done)
        .order_by()
        .values_list("objective__map_id", "holder__unit_id", "due_period")
        .annotate(n=Count("pk"))
    )
    found: dict[int, list[tuple[int | None, int, int]]] = {}
    for map_id, unit_id, period_id, n in rows:
        found.setdefault(map_id, []).append((unit_id, period_id, n))
    return found


def _supported(user: Viewer, maps: Sequence[ReachMap]) -> list[ReachMap]:
    """The maps the individual KPIs in the user's reach may support, in tree order: the maps in reach
    (`maps`) and those above (`maps.above`, or read now when `maps` came without them: one query)."""
    above = maps.above if isinstance(maps, ReachMaps) else _reach_maps(Q(unit__path__in=_paths_above(user)))
    return sorted([*maps, *above], key=lambda m: (m.path, m.pk))


def _units_in_reach(user: Viewer, roles: Iterable[str] = READ_ROLES) -> set[int] | None:
    """The ids of the units the user reaches with `roles` (one query), or None for every unit (a superuser)."""
    if reaches_everything(user):
        return None
    return set(Unit.objects.filter(unit_filter(user, "path", roles)).values_list("pk", flat=True))


@dataclass
class DueList:
    """What is due for a user (`due_rows`), read a page at a time: `count()`, `counts()` and slices of
    `DueItem` (so a `Paginator` takes it).

    Counted per period and map, kept per map under its data version (`reporting.versions`: counted again
    only for the maps changed since): the map KPIs', and the individual KPIs' (IKI) that support the map,
    by the unit they answer to (their holder's: the user's reach picks its own) — the IKIs of 80,000
    contracts are never counted live. Three queries (the maps in reach with those above it, the periods,
    and the units in reach when IKIs are kept), once, plus one for the maps changed. A slice reads only the rows of the
    periods and maps it spans (an IKI takes its place by its map, `DUE_ORDER`), first their keys in the
    pages' order and then those KPIs, with their drafts (three queries), whatever its length and whatever
    exists."""

    rows: QuerySet[Any]  # `Kpi` rows annotated with their period (`due_rows`)
    today: dt.date
    user: Any = None  # the `Viewer` whose reach is counted
    include_future: bool = False
    maps: Sequence[ReachMap] | None = None
    _per_period: list[tuple[ReportingPeriod, int]] | None = field(default=None, init=False, repr=False)
    _per_map: dict[int, list[tuple[str, int, int]]] = field(default_factory=dict, init=False, repr=False)

    def per_period(self) -> list[tuple[ReportingPeriod, int]]:
        """The periods with something due, in the pages' order, each with how many items are due in it."""
        if self._per_period is None:
            maps = self.maps if self.maps is not None else maps_in_reach(self.user)
            supported = _supported(self.user, maps)
            periods = ReportingPeriod.objects.filter(state=PeriodState.OPEN)
            if not self.include_future:
                periods = periods.filter(end__lt=self.today)
            found = list(periods.select_related("plan_year").order_by("due_date", "end", "start", "pk"))
            context = versions.key_of(
                "" if self.include_future else self.today, self.include_future, versions.periods_key(found)
            )
            kept = versions.cached_per_map(
                "due",
                context,
                {m.pk: m.version for m in supported},
                lambda missed: _due_kept(missed, self.today, self.include_future),
                lambda _pk: [],
            )
            # an IKI counts where its holder's unit is in reach; a map KPI where its map is (not above it)
            units = (
                _units_in_reach(self.user)
                if any(u is not None for v in kept.values() for u, *_ in v)
                else set()
            )
            in_reach = {m.pk for m in maps}
            known = {p.pk for p in found}
            counted: dict[int, int] = {}
            for m in supported:  # in tree order
                here: dict[int, int] = {}
                for unit_id, period_id, n in kept[m.pk]:
                    if (m.pk in in_reach) if unit_id is None else (units is None or unit_id in units):
                        here[period_id] = here.get(period_id, 0) + n
                for period_id, n in here.items():
                    if period_id in known and n:
                        counted[period_id] = counted.get(period_id, 0) + n
                        self._per_map.setdefault(period_id, []).append((m.path, m.pk, n))
            self._per_period = [(p, counted[p.pk]) for p in found if counted.get(p.pk)]
        return self._per_period

    def count(self) -> int:
        return sum(n for _p, n in self.per_period())

    def counts(self) -> tuple[int, int]:
        """(items due, of which overdue)."""
        found = self.per_period()
        return sum(n for _p, n in found), sum(n for p, n in found if p.due_date < self.today)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[DueItem]:
        if not isinstance(key, slice):
            raise TypeError("a DueList is read by slices")
        return self.items(key.start or 0, key.stop)

    def items(self, start: int = 0, stop: int | None = None) -> list[DueItem]:
        """Items `start` to `stop` (excluded) in the pages' order (`DUE_ORDER`)."""
        spanned: dict[int, ReportingPeriod] = {}
        blocks: list[tuple[int, list[int]]] = []  # per period spanned: its maps spanned
        skipped = 0  # items before the first block spanned
        seen = 0
        for period, n in self.per_period():
            if seen + n > start and (stop is None or seen < stop):
                chosen: list[int] = []
                running = seen
                for _path, map_id, m in self._per_map.get(period.pk, []):
                    if running + m > start and (stop is None or running < stop):
                        if not spanned and not chosen:
                            skipped = running
                        chosen.append(map_id)
                    running += m
                blocks.append((period.pk, chosen))
                spanned[period.pk] = period
            seen += n
        if not spanned or (stop is not None and stop <= start):
            return []
        offset = start - skipped
        where = Q(pk__in=[])
        for period_id, map_ids in blocks:
            where |= Q(due_period=period_id, objective__map_id__in=map_ids)
        keys = list(
            self.rows.filter(where)
            .order_by(*DUE_ORDER)
            .values_list("pk", "due_period")[offset : None if stop is None else offset + stop - start]
        )
        kpis = Kpi.all_kpis.select_related(
            "objective__map__unit", "objective__map__plan_year", "holder__unit"
        ).in_bulk({pk for pk, _period in keys})
        drafts = {
            (r.kpi_id, r.period_id): r
            for r in Realization.objects.filter(
                kpi__in=list(kpis), period__in=list(spanned), state=RealizationState.DRAFT
            )
        }
        return [
            DueItem(kpis[pk], spanned[period], drafts.get((pk, period)), self.today) for pk, period in keys
        ]


def due_list(
    user: Viewer,
    *,
    today: dt.date | None = None,
    include_future: bool = False,
    maps: list[ReachMap] | None = None,
) -> DueList:
    """What is due for the user (`due_rows`), to count and to read a page of (`maps`: `maps_in_reach(user)`
    when the caller has it)."""
    day = today or timezone.localdate()
    return DueList(due_rows(user, today=day, include_future=include_future), day, user, include_future, maps)


def due_items(user: Viewer, *, today: dt.date | None = None, include_future: bool = False) -> list[DueItem]:
    """Every item due for the user (a page should read `due_list` a slice at a time): KPIs in their subtree
    with no realization submitted yet for open periods that have ended (all open periods with
    `include_future`), by due date.

    Map KPIs of approved maps and individual KPIs of signed contracts (rule 20); a rolled-up KPI is never
    due (its realization is derived from its children's)."""
    return due_list(user, today=today, include_future=include_future).items()


WAITING_STEPS = {"verifikasi": "verify", "persetujuan": "approve"}
"""The work-queue filters of the reporting index (`?menunggu=…`) and the workflow step each one lists."""

STEP_ROLES = {"verify": REPORT_VERIFY_ROLES, "approve": REPORT_APPROVE_ROLES}
"""The roles whose permission (`accounts/rules.py`) a waiting step asks for, on the realization's unit."""

AWAITING_ORDER = ("period__end", "kpi__objective__map__unit__path", "kpi__code", "pk")


def awaiting_rows(user: Viewer, step: str) -> QuerySet[Realization]:
    """The realizations on which the workflow lets `user` take `step` ("verify" or "approve") now, as one query.

    The database filter is `REALIZATION_WORKFLOW`'s rule for the step, clause by clause:
    the permission (a role of `STEP_ROLES[step]` on the realization's unit — its
    map's, or its holder's for an individual KPI — or a superuser), an open period
    (`_period_open`), not a rolled-up KPI (`_not_derived`), the step's starting
    state, and separation of duties (not submitted — nor, to approve, verified —
    by the user when the rule applies). tests/reporting/test_queue_scale.py asks
    the workflow itself about every realization of a mixed set and checks it gives
    exactly these rows; a guard added to the workflow must be added here too.
    """
    if not user.is_authenticated:
        return Realization.objects.none()
    wanted = workflow.STEPS[step]
    found = Realization.objects.filter(
        kpi_scope(user, "kpi__", STEP_ROLES[step]),
        state__in=[str(s) for s in wanted.sources],
        period__state=PeriodState.OPEN,
        kpi__rolled_up=False,
    )
    if step == "verify":
        found = found.exclude(submitted_by=user.pk)
    elif step == "approve" and conf.separation_of_duties():
        found = found.exclude(Q(submitted_by=user.pk) | Q(verified_by=user.pk))
    return found.select_related(*REALIZATION_RELATED).order_by(*AWAITING_ORDER)


def _awaiting_kept(map_ids: Sequence[int]) -> dict[int, dict[tuple[int | None, int, str], int]]:
    """{map id: {(unit id, period id, state): realizations}} of the maps' KPIs (not rolled up) in a state the
    waiting steps (verify, approve) start from (one query): the map KPIs' (unit id None: they answer to the
    map's unit) and the individual KPIs' (IKI) that support its objectives, by the unit they answer to (their
    holder's)."""
    starting = sorted({str(s) for step in STEP_ROLES for s in workflow.STEPS[step].sources})
    rows = (
        Realization.objects.filter(
            kpi__objective__map_id__in=list(map_ids),
            kpi__rolled_up=False,
            state__in=starting,
        )
        .order_by()
        .values_list("kpi__objective__map_id", "kpi__holder__unit_id", "period_id", "state")
        .annotate(n=Count("pk"))
    )
    found: dict[int, dict[tuple[int | None, int, str], int]] = {}
    for map_id, unit_id, period_id, state, n in rows:
        found.setdefault(map_id, {})[(unit_id, period_id, state)] = n
    return found


def _own_rows(user: Viewer, step: str) -> Q:
    """The rows separation of duties keeps from the user for `step` (those `awaiting_rows` excludes)."""
    if step == "verify":
        return Q(submitted_by=user.pk)
    if step == "approve" and conf.separation_of_duties():
        return Q(submitted_by=user.pk) | Q(verified_by=user.pk)
    return Q(pk__in=[])


def _own_and_open(
    user: Viewer, steps: Sequence[str]
) -> tuple[dict[int, dt.date], dict[str, dict[tuple[int, int], int]]]:
    """The open periods' ends, and per step the user's own rows per (period, map) in reach — kept from them
    by separation of duties, so taken from the kept counts — in one query (`UNION ALL` of a grouped select
    per step through the index on who submitted, and the periods)."""
    parts: list[Any] = []
    for number, step in enumerate(steps, start=1):
        rows = Realization.objects.filter(
            kpi_scope(user, "kpi__", STEP_ROLES[step]),
            _own_rows(user, step),
            state__in=sorted(str(s) for s in workflow.STEPS[step].sources),
            period__state=PeriodState.OPEN,
            kpi__rolled_up=False,
        ).order_by()
        parts.append(
            rows.annotate(sign=Value(number))
            .values_list("period_id", "kpi__objective__map_id", "sign")
            .annotate(n=Count("pk"))
        )
    # the open periods, each with its end as a number (yyyymmdd), in the same query
    parts.append(
        ReportingPeriod.objects.filter(state=PeriodState.OPEN)
        .order_by()
        .annotate(
            no_map=Value(0),
            sign=Value(0),
            n=ExtractYear("end") * 10000 + ExtractMonth("end") * 100 + ExtractDay("end"),
        )
        .values_list("pk", "no_map", "sign", "n")
    )
    found: dict[str, dict[tuple[int, int], int]] = {step: {} for step in steps}
    ends: dict[int, dt.date] = {}
    query = parts[0].union(*parts[1:], all=True)
    for period_id, map_id, sign, n in query:
        if sign == 0:
            ends[period_id] = dt.date(n // 10000, n // 100 % 100, n % 100)
            continue
        own = found[steps[sign - 1]]
        own[(period_id, map_id)] = own.get((period_id, map_id), 0) + n
    return ends, found


class WaitingList:
    """`awaiting_rows(user, step)` read a page at a time: `count()` and slices (so a `Paginator` takes it).

    Counted per period end and map: the realizations per (unit, period, state) of the map KPIs and of the
    individual KPIs (IKI) supporting the map are kept per map under its data version (`reporting.versions`,
    counted again only for the maps changed since); a map KPI's count where the user reaches the map, an
    IKI's where the user reaches its holder's unit, less the user's own (separation of duties,
    `_own_and_open`). A slice reads only the rows of the period ends and maps it spans (one query), in
    `AWAITING_ORDER` (an IKI takes its place by its map), whatever exists.
    """

    def __init__(
        self,
        user: Viewer,
        step: str,
        maps: Sequence[ReachMap],
        kept: dict[int, dict[tuple[int | None, int, str], int]],
        open_periods: dict[int, dt.date],
        own: dict[tuple[int, int], int],
        units: set[int] | None = None,
    ) -> None:
        self.user, self.step = user, step
        self.rows = awaiting_rows(user, step)
        sources = {str(s) for s in workflow.STEPS[step].sources}
        roles = STEP_ROLES[step]
        everywhere = reaches_everything(user)
        paths = () if everywhere else paths_for(user, roles)  # `reaches`, for every map at once
        per_end: dict[dt.date, dict[int, int]] = {}
        for m in maps:  # in tree order
            reached = everywhere or m.path.startswith(paths)
            for (unit_id, period_id, state), n in kept.get(m.pk, {}).items():
                end = open_periods.get(period_id)
                if end is None or state not in sources:
                    continue
                if reached if unit_id is None else (units is None or unit_id in units):
                    found = per_end.setdefault(end, {})
                    found[m.pk] = found.get(m.pk, 0) + n
        for (period_id, map_id), n in own.items():
            end = open_periods.get(period_id)
            if end is not None and map_id in per_end.get(end, {}):
                per_end[end][map_id] -= n
        self.blocks: list[tuple[dt.date, list[tuple[int, int]]]] = [
            (end, [(pk, n) for pk, n in per_end[end].items() if n > 0]) for end in sorted(per_end)
        ]

    def count(self) -> int:
        return sum(sum(n for _pk, n in maps) for _end, maps in self.blocks)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Realization]:
        if not isinstance(key, slice):
            raise TypeError("a WaitingList is read by slices")
        start, stop = key.start or 0, key.stop
        where = Q(pk__in=[])
        skipped: int | None = None
        seen = 0
        for end, maps in self.blocks:
            n = sum(m for _pk, m in maps)
            if seen + n > start and (stop is None or seen < stop):
                chosen = []
                running = seen
                for pk, m in maps:
                    if running + m > start and (stop is None or running < stop):
                        if skipped is None:
                            skipped = running
                        chosen.append(pk)
                    running += m
                where |= Q(period__end=end, kpi__objective__map_id__in=chosen)
            seen += n
        if skipped is None or (stop is not None and stop <= start):
            return []
        offset = start - skipped
        return list(self.rows.filter(where)[offset : None if stop is None else offset + stop - start])


def waiting_lists(
    user: Viewer, steps: Sequence[str], maps: Sequence[ReachMap] | None = None
) -> dict[str, WaitingList]:
    """{step: `WaitingList`} for each of `steps` ("verify", "approve"): the maps in reach (`maps`, else one
    query), their kept counts (one query for the maps changed since), and the open periods with the user's
    own and the IKI rows of every step (one query)."""
    if not steps:
        return {}
    if not user.is_authenticated:
        return {step: WaitingList(user, step, [], {}, {}, {}) for step in steps}
    supported = _supported(user, maps_in_reach(user) if maps is None else maps)
    kept = versions.cached_per_map(
        "awaiting",
        versions.key_of(sorted(STEP_ROLES)),
        {m.pk: m.version for m in supported},
        _awaiting_kept,
        lambda _pk: {},
    )
    open_periods, own = _own_and_open(user, steps)
    with_iki = any(unit_id is not None for found in kept.values() for unit_id, *_rest in found)
    units: dict[tuple[str, ...], set[int] | None] = {}  # the units each step's roles reach, read once
    lists = {}
    for step in steps:
        roles = tuple(sorted(STEP_ROLES[step]))
        if with_iki and roles not in units:
            units[roles] = _units_in_reach(user, roles)
        lists[step] = WaitingList(
            user, step, supported, kept, open_periods, own[step], units.get(roles, set())
        )
    return lists


def awaiting(user: Viewer, step: str) -> list[Realization]:
    """Every realization of `awaiting_rows` (a page should count and slice the query instead)."""
    return list(awaiting_rows(user, step))


# --------------------------------------------------------------------------- snapshots


def latest_snapshot(strategy_map: StrategyMap, period: ReportingPeriod) -> ScoreSnapshot | None:
    """The newest snapshot of the map as of the period, or None (see the module docstring)."""
    return (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period)
        .select_related("period", "strategy_map__unit", "strategy_map__plan_year")
        .order_by("-computed_at", "-pk")
        .first()
    )


def final_snapshot(strategy_map: StrategyMap, period: ReportingPeriod) -> ScoreSnapshot | None:
    """The newest final snapshot (stored when the period closed), or None."""
    return (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period, final=True)
        .select_related("period")
        .order_by("-computed_at", "-pk")
        .first()
    )


def snapshots_for(strategy_map: StrategyMap) -> QuerySet[ScoreSnapshot]:
    """Every snapshot of the map: by period (oldest first), newest computation first within a period."""
    return (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map)
        .select_related("period")
        .order_by("period__end", "period__start", "-computed_at", "-pk")
    )


def snapshot_for(user: Viewer, pk: int) -> ScoreSnapshot | None:
    return (
        ScoreSnapshot.objects.filter(unit_filter(user, "strategy_map__unit__path"), pk=pk)
        .select_related("period", "strategy_map__unit", "strategy_map__plan_year", "computed_by")
        .first()
    )


@dataclass(frozen=True)
class TrendPoint:
    """One period of a map's NKO trend: the latest snapshot's headline (`nko` None = N/A, not 0)."""

    period: ReportingPeriod
    nko: Decimal | None
    predicate: str
    complete: bool
    final: bool
    snapshot_id: int


def nko_trend(strategy_map: StrategyMap, *, frequency: str | None = None) -> list[TrendPoint]:
    """The NKO as of each period that has a snapshot (optionally of one frequency), in time order."""
    points: dict[int, TrendPoint] = {}
    for snapshot in snapshots_for(strategy_map):
        period = snapshot.period
        if frequency and period.frequency != frequency:
            continue
        if period.pk not in points:  # the first met is the newest computation of the period
            points[period.pk] = TrendPoint(
                period, snapshot.nko, snapshot.predicate, snapshot.complete, snapshot.final, snapshot.pk
            )
    return sorted(points.values(), key=lambda p: (p.period.end, -((p.period.end - p.period.start).days)))


@dataclass(frozen=True)
class RankingRow:
    """A unit in an NKO ranking: its map, its latest snapshot for the period (None = not computed)."""

    rank: int | None
    unit: Unit
    strategy_map: StrategyMap
    snapshot: ScoreSnapshot | None

    @property
    def nko(self) -> Decimal | None:
        return None if self.snapshot is None else self.snapshot.nko

    @property
    def predicate(self) -> str:
        return "" if self.snapshot is None else self.snapshot.predicate

    @property
    def complete(self) -> bool:
        return bool(self.snapshot and self.snapshot.complete)


def unit_ranking(units: Iterable[Unit], period: ReportingPeriod) -> list[RankingRow]:
    """The units' maps of the period's plan year, by NKO (highest first) of their latest snapshot.

    Units without a map are left out; a map with no snapshot or an N/A NKO is
    listed last without a rank (never ranked as 0). Ties share a rank.
    """
    unit_ids = [u.pk for u in units]
    maps = list(
        StrategyMap.objects.filter(unit_id__in=unit_ids, plan_year_id=period.plan_year_id).select_related(
            "unit", "plan_year"
        )
    )
    latest: dict[int, ScoreSnapshot] = {}
    for snapshot in ScoreSnapshot.objects.filter(strategy_map__in=maps, period=period).order_by(
        "strategy_map_id", "-computed_at", "-pk"
    ):
        latest.setdefault(snapshot.strategy_map_id, snapshot)
    scored = [m for m in maps if latest.get(m.pk) is not None and latest[m.pk].nko is not None]
    unscored = [m for m in maps if m not in scored]
    scored.sort(key=lambda m: (-(latest[m.pk].nko or Decimal(0)), m.unit.path))
    rows: list[RankingRow] = []
    rank = 0
    previous: Decimal | None = None
    for position, strategy_map in enumerate(scored, start=1):
        nko = latest[strategy_map.pk].nko
        if nko != previous:
            rank, previous = position, nko
        rows.append(RankingRow(rank, strategy_map.unit, strategy_map, latest[strategy_map.pk]))
    for strategy_map in sorted(unscored, key=lambda m: m.unit.path):
        rows.append(RankingRow(None, strategy_map.unit, strategy_map, latest.get(strategy_map.pk)))
    return rows


# --------------------------------------------------------------------------- a snapshot for a page


@dataclass
class Figure:
    """A figure on the scorecard page: its exact value (None = N/A), display value, status colour."""

    kind: str
    code: str
    value: Decimal | None
    status: str | None

    @property
    def shown(self) -> Decimal | None:
        return scorecard.shown(self.value)

    @property
    def status_class(self) -> str:
        return f"status-{self.status}" if self.status else "status-na"


@dataclass
class KpiLine:
    data: dict[str, Any]
    figure: Figure
    carried_name: str = ""  # "Triwulan II" when the shown result comes from that earlier period

    @property
    def not_due(self) -> bool:
        return not self.data.get("due", True)


@dataclass
class ObjectiveBlock:
    data: dict[str, Any]
    figure: Figure
    kpis: list[KpiLine] = field(default_factory=list)


@dataclass
class PerspectiveBlock:
    data: dict[str, Any]
    figure: Figure
    objectives: list[ObjectiveBlock] = field(default_factory=list)


@dataclass
class ScorecardView:
    """A snapshot arranged for a page: perspectives → objectives → KPIs, and the NKO."""

    snapshot: ScoreSnapshot
    nko: Figure
    perspectives: list[PerspectiveBlock]
    errors: list[dict[str, Any]]

    @property
    def result(self) -> dict[str, Any]:
        return self.snapshot.result


def _figure(kind: str, data: dict[str, Any], key: str = "index") -> Figure:
    raw = data.get(key)
    return Figure(kind, data.get("code", ""), None if raw is None else Decimal(str(raw)), data.get("status"))


def _period_names(plan_year_id: int) -> dict[str, str]:
    """Period label → its name without the year ("2026-Q2" → "Triwulan II"), for marking carried values."""
    names = {}
    for p in ReportingPeriod.objects.filter(plan_year_id=plan_year_id):
        name = p.display_name
        names[p.label] = name[: -len(str(p.year))].strip() if name.endswith(str(p.year)) else name
    return names


def scorecard_view(snapshot: ScoreSnapshot) -> ScorecardView:
    """The snapshot's JSON arranged for the scorecard page (nothing recomputed: the stored figures).

    Names are in the user's language (`scorecard.localized`). A KPI whose result comes from an earlier
    period (``carried_from``, see `scorecard.completeness`) gets that period's name to show beside its value.
    """
    result = scorecard.localized(snapshot.result, snapshot.strategy_map_id)
    kpis = {k["code"]: k for k in result.get("kpis", [])}
    names = (
        _period_names(snapshot.period.plan_year_id)
        if any(k.get("carried_from") for k in kpis.values())
        else {}
    )
    objectives = {o["code"]: o for o in result.get("objectives", [])}
    blocks = []
    for p in result.get("perspectives", []):
        block = PerspectiveBlock(p, _figure("perspective", p))
        for code in p.get("objectives", []):
            o = objectives[code]
            ob = ObjectiveBlock(o, _figure("objective", o))
            ob.kpis = [
                KpiLine(
                    kpis[k],
                    _figure("kpi", kpis[k]),
                    names.get(kpis[k].get("carried_from") or "", kpis[k].get("carried_from") or ""),
                )
                for k in o.get("kpis", [])
            ]
            block.objectives.append(ob)
        blocks.append(block)
    nko_raw = result.get("nko")
    nko = Figure("nko", "NKO", None if nko_raw is None else Decimal(str(nko_raw)), result.get("nko_status"))
    return ScorecardView(snapshot, nko, blocks, list(result.get("errors", [])))


# --------------------------------------------------------------------------- what a score reads, and whether it changed


def counted_pairs(
    kpis: Iterable[Kpi] | QuerySet[Kpi], periods: Iterable[ReportingPeriod]
) -> set[tuple[int, int]]:
    """``(kpi id, period id)`` of every realization the score counts (`KINERJA_SCORED_STATES`) among them."""
    return set(
        Realization.objects.filter(
            kpi__in=kpis, period__in=list(periods), state__in=conf.scored_states()
        ).values_list("kpi_id", "period_id")
    )


@dataclass(frozen=True)
class ScoreInput:
    """A map's scoring input as of a period, read from today's data (what `compute_scorecard` scores)."""

    data: MapData
    prepared: scorecard.ScorecardInput
    scored_states: list[str]


def score_input(
    strategy_map: StrategyMap, period: ReportingPeriod, *, today: dt.date | None = None
) -> ScoreInput:
    """The map's perspectives, objectives, KPIs, targets and counted realizations as of `period`, for the core."""
    return score_inputs([strategy_map], period, today=today)[strategy_map.pk]


# Up to this many KPIs, `score_inputs` reads their realizations by KPI id (see there).
KPI_IDS_IN_QUERY = 5000


def score_inputs(
    maps: Sequence[StrategyMap], period: ReportingPeriod, *, today: dt.date | None = None
) -> dict[int, ScoreInput]:
    """`score_input` of each of `maps` (loaded, with unit and plan year), by map id: eight queries for any number.

    The maps' contents (`load_maps_data`, five queries), the plan year's periods and every counted realization
    of the maps' KPIs up to `period` (one query each), then `scorecard.build_input` per map in memory. Only
    the maps' own KPIs' realizations are read (an individual KPI is never part of a map's score).
    """
    found = score_inputs_as_of(maps, [period], today=today)
    return {map_id: given for (map_id, _period_id), given in found.items()}


def score_inputs_as_of(
    maps: Sequence[StrategyMap],
    periods_wanted: Sequence[ReportingPeriod],
    *,
    pairs: Collection[tuple[int, int]] | None = None,
    today: dt.date | None = None,
) -> dict[tuple[int, int], ScoreInput]:
    """`score_inputs` of the maps as of each of several periods of one plan year, by (map id, period id).

    The same eight queries whatever the number of maps and periods: the realizations are read up to the
    latest of the periods, and each (map, period) is built from them (`build_input` reads only the periods
    up to its own). `pairs` restricts the result to those (map id, period id).
    """
    if not maps or not periods_wanted:
        return {}
    datas = load_maps_data(maps, for_scoring=True)
    period = max(periods_wanted, key=lambda p: p.end)
    periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
    states = conf.scored_states()
    values: dict[int, dict[tuple[int, int], Decimal]] = {m.pk: {} for m in maps}
    map_of = {kpi.pk: pk for pk, data in datas.items() for kpi in data.kpis}
    wanted = {p.pk for p in periods if p.end <= period.end}
    counted_states = set(states)
    # The maps' KPIs' realizations, the periods and states kept here rather than in the query: with them in
    # it, a planner that knows nothing of the table (never analysed) takes the (period, state) index and
    # reads every map's realizations of the year — per KPI (570 ms for one map of 40 KPIs among 300, 54 s
    # for the 300; against 0.1 ms and a single pass without). A few maps: their KPIs by id; many: a join on
    # the maps (no parameter limit is reached).
    if len(map_of) <= KPI_IDS_IN_QUERY:
        counted = Realization.objects.filter(kpi_id__in=list(map_of))
    else:
        counted = Realization.objects.filter(kpi__objective__map_id__in=list(datas), kpi__holder__isnull=True)
    rows = counted.order_by().values_list("kpi_id", "period_id", "value", "state")
    for kpi_id, period_id, value, state in rows:
        if period_id in wanted and state in counted_states:
            values[map_of[kpi_id]][(kpi_id, period_id)] = value
    day = today or timezone.localdate()
    found: dict[tuple[int, int], ScoreInput] = {}
    for asked in periods_wanted:
        dates = scorecard.calendar(asked, periods, today=day)  # once for every map as of this period
        for pk, data in datas.items():
            if pairs is None or (pk, asked.pk) in pairs:
                prepared = scorecard.build_input(data, asked, periods, values[pk], today=day, dates=dates)
                found[(pk, asked.pk)] = ScoreInput(data, prepared, list(states))
    return found


@dataclass(frozen=True)
class Staleness:
    """Whether a snapshot's figures are still current; when not, the newest change found after it (if any)."""

    stale: bool
    changed_at: dt.datetime | None = None


def staleness(snapshot: ScoreSnapshot, *, today: dt.date | None = None) -> Staleness:
    """Has what the snapshot was computed from changed since? (issue 10 item 2)

    The rule: a snapshot is **stale** when the fingerprint of its scoring input
    (`scorecard.fingerprint`: every KPI's parameters, weights, per-period targets
    and counted realizations, the rule set, the states counted) taken from
    today's data differs from the one it stored (``result["inputs"]``). So a
    realization approved, returned or changed, a target, weight or KPI changed,
    or a realization approved after a period was reopened, all make it stale,
    and nothing else does (a draft edited, a KPI renamed). A snapshot of a
    closed period is never stale: its final figures stand (rule 23) until the
    period is reopened. A snapshot stored before fingerprints existed is stale
    when a realization of the map up to its period changed after it.

    `changed_at` is the newest change after the snapshot's computation among
    the map's realizations up to the period, its KPIs and targets, and the
    reopenings of the plan year's periods (None when none is found).
    """
    period = snapshot.period
    if period.is_closed:
        return Staleness(False)
    strategy_map = snapshot.strategy_map
    stored = (snapshot.result or {}).get("inputs")
    if stored:
        found = score_input(strategy_map, period, today=today)
        now = scorecard.fingerprint(found.prepared, found.scored_states)
        if now == stored:
            return Staleness(False)
        return Staleness(True, _changed_after(snapshot))
    changed = _changed_after(snapshot, realizations_only=True)
    return Staleness(changed is not None, changed)


def _changed_after(snapshot: ScoreSnapshot, *, realizations_only: bool = False) -> dt.datetime | None:
    period = snapshot.period
    since = snapshot.computed_at
    found: list[dt.datetime] = []
    newest = Realization.objects.filter(
        kpi__objective__map_id=snapshot.strategy_map_id,
        kpi__holder__isnull=True,
        period__plan_year_id=period.plan_year_id,
        period__end__lte=period.end,
        updated_at__gt=since,
    ).aggregate(at=Max("updated_at"))["at"]
    if newest is not None:
        found.append(newest)
    if not realizations_only:
        kpi_changed = Kpi.history.filter(
            objective__map_id=snapshot.strategy_map_id, holder__isnull=True, history_date__gt=since
        ).aggregate(at=Max("history_date"))["at"]
        target_changed = PeriodTarget.history.filter(
            kpi__objective__map_id=snapshot.strategy_map_id, kpi__holder__isnull=True, history_date__gt=since
        ).aggregate(at=Max("history_date"))["at"]
        weights_changed = [
            Objective.history.filter(map_id=snapshot.strategy_map_id, history_date__gt=since).aggregate(
                at=Max("history_date")
            )["at"],
            Perspective.history.filter(map_id=snapshot.strategy_map_id, history_date__gt=since).aggregate(
                at=Max("history_date")
            )["at"],
        ]
        found.extend(at for at in weights_changed if at is not None)
        reopened = PeriodReopen.objects.filter(
            period__plan_year_id=period.plan_year_id, at__gt=since
        ).aggregate(at=Max("at"))["at"]
        found.extend(at for at in (kpi_changed, target_changed, reopened) if at is not None)
    return max(found) if found else None


def map_completeness(
    maps: Sequence[StrategyMap], period: ReportingPeriod
) -> dict[int, tuple[list[Kpi], scorecard.Completeness]]:
    """Per map (by id): its KPIs and `scorecard.completeness` as of `period` — the snapshot's rule, read live.

    Maps of another plan year than the period's have every KPI not yet due.
    A fixed number of queries whatever the number of maps.
    """
    periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
    kpis = list(
        Kpi.objects.filter(objective__map__in=list(maps))
        .select_related("objective__perspective")
        .order_by("objective__perspective__order", "objective__code", "code")
    )
    ended = [p for p in periods if p.end <= period.end]
    counted = counted_pairs(kpis, ended)
    by_map: dict[int, list[Kpi]] = {m.pk: [] for m in maps}
    for kpi in kpis:
        by_map[kpi.objective.map_id].append(kpi)
    found: dict[int, tuple[list[Kpi], scorecard.Completeness]] = {}
    for strategy_map in maps:
        own = periods if strategy_map.plan_year_id == period.plan_year_id else []
        found[strategy_map.pk] = (
            by_map[strategy_map.pk],
            scorecard.completeness(by_map[strategy_map.pk], period, own, counted),
        )
    return found


def missing_count(
    maps: QuerySet[StrategyMap] | Sequence[ReachMap],
    period: ReportingPeriod,
    periods: Sequence[ReportingPeriod] | None = None,
) -> int:
    """How many KPIs of `maps` are missing as of `period`: the sum of the completeness report's ``missing``
    over the maps of the period's plan year (`figures.map_figures`, the one SQL form of
    `scorecard.completeness`, kept per map under its data version). `maps`: a queryset, or the maps in
    reach already read (`maps_in_reach`; the reportable ones count); `periods`: the plan year's periods
    when the caller has them. Then no query when no map changed since, one when some did."""
    from .figures import map_figures

    if periods is None:
        periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
    if isinstance(maps, QuerySet):
        found = map_figures(maps.filter(plan_year_id=period.plan_year_id), period, periods)
    else:
        rows = [
            (m.pk, m.path, m.version)
            for m in maps
            if m.plan_year_id == period.plan_year_id and m.state in REPORTABLE_MAP_STATES
        ]
        found = map_figures(rows, period, periods)
    return sum(f.missing_kpis for f in found.values())


def explanation(snapshot: ScoreSnapshot, kind: str, code: str = "") -> dict[str, Any] | None:
    """The stored explanation of the NKO (`kind` "nko") or of a perspective, objective or KPI `code`."""
    node = scorecard.find_explanation(snapshot.result.get("explanation"), kind, code)
    return dict(node) if node is not None else None


def realizations_by_ids(user: Viewer, ids: Sequence[int]) -> list[Realization]:
    found = {r.pk: r for r in realizations_visible_to(user).filter(pk__in=list(ids))}
    return [found[i] for i in ids if i in found]


# --------------------------------------------------------------------------- reads the services share


def reportable_maps(plan_year_id: int) -> list[StrategyMap]:
    """Every map of the plan year whose KPIs take realizations (approved, or under revision), in tree order."""
    return list(
        StrategyMap.objects.filter(plan_year_id=plan_year_id, state__in=REPORTABLE_MAP_STATES)
        .select_related("unit", "plan_year")
        .order_by("unit__path")
    )


@dataclass
class ReminderItem:
    kpi: Kpi
    period: ReportingPeriod
    realization: Realization | None
    days_late: int


def missing_items(*, today: dt.date | None = None, plan_year: PlanYear | None = None) -> list[ReminderItem]:
    """Realizations not yet submitted in open periods whose due date is near (or past), rule 24."""
    day = today or timezone.localdate()
    window = dt.timedelta(days=int(conf.get("KINERJA_REMINDER_DAYS_BEFORE")))
    periods = ReportingPeriod.objects.filter(state=PeriodState.OPEN, due_date__lte=day + window)
    if plan_year is not None:
        periods = periods.filter(plan_year=plan_year)
    items: list[ReminderItem] = []
    for period in periods.order_by("due_date", "end"):
        kpis = Kpi.all_kpis.filter(
            reportable_kpis(),
            frequency=period.frequency,
            objective__map__plan_year_id=period.plan_year_id,
        ).select_related("objective__map__unit", "holder__unit")
        found = {r.kpi_id: r for r in Realization.objects.filter(period=period, kpi__in=kpis)}
        for kpi in kpis.order_by("objective__map__unit__path", "objective__code", "code", "holder_id"):
            realization = found.get(kpi.pk)
            if realization is not None and realization.state != RealizationState.DRAFT:
                continue
            items.append(ReminderItem(kpi, period, realization, (day - period.due_date).days))
    return items


# ---------------------------------------------------------------- periods


def period_dates(year: int, frequency: str, number: int) -> tuple[dt.date, dt.date]:
    """First and last day of period `number` of `frequency` in `year`."""
    months = 12 // PERIODS_PER_YEAR[frequency]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    end_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, end_day)


def affected_periods(period: ReportingPeriod, *, today: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods whose score as of them reads `period`: itself and the later open periods already begun."""
    day = today or timezone.localdate()
    return [
        p
        for p in ReportingPeriod.objects.filter(
            plan_year_id=period.plan_year_id, state=PeriodState.OPEN, end__gte=period.end
        )
        if p.pk == period.pk or p.start <= day
    ]
