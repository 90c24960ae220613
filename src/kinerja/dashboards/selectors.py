"""Reads of the dashboard and the leader's reports (domain.md §6): figures come from stored snapshots only.

Nothing here computes a score. The NKO, its predicate, the perspective indices,
the KPI statuses and the completeness flag are the scoring core's, as the
reporting cycle stored them in `ScoreSnapshot` (one per map and period, never
changed; the newest computation of a period counts). What is not reported is
N/A — `None` — never 0, and an N/A unit is never ranked.

Every read starts from the strategy maps the user's roles reach
(`kinerja.reporting.selectors.reporting_maps_for`: approved maps of the units
in the subtrees of the user's roles), so a unit outside the reach does not
exist here.

Each read is a fixed number of queries whatever the number of units: the
headlines of many maps come from one query on the snapshots that leaves the
large `result` JSON behind (`latest_heads`); only the dashboard's own map reads
one whole snapshot.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any, TypeVar

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import gettext as _

from kinerja.accounts.scope import Viewer
from kinerja.common.search import unit_matches
from kinerja.meetings.endorsement import endorsed_by_unit, pick_year_end
from kinerja.meetings.models import EndorsementSource, EndorsementState, NkoEndorsement
from kinerja.organisations.models import LEVEL_ORDER, Unit, UnitKind, UnitLevel
from kinerja.organisations.selectors import units_readable_by
from kinerja.planning.models import Frequency, StrategyMap
from kinerja.reporting import selectors as reporting
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod, ScoreSnapshot
from kinerja.reporting.scorecard import localized
from kinerja.scoring import rank

from .completeness import (  # noqa: F401  (the completeness report lives in its own module; read from here too)
    COMPLETENESS_STATES,
    MISSING,
    CompletenessItem,
    CompletenessReport,
    UnitCompleteness,
    all_items,
    ancestor_paths,
    completeness,
    state_label,
)
from .completeness import nearest_below as nearest_ids

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# Shorter periods first: when two periods end on the same day, the shorter one gives the finer trend.
FREQUENCY_ORDER = [f.value for f in Frequency]


# --------------------------------------------------------------------------- small reads shared by the pages


def years_in_reach(user: Viewer) -> list[int]:
    """The plan years with an approved map the user reaches, newest first."""
    years = reporting.reporting_maps_for(user).order_by().values_list("plan_year__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def choose_year(years: Sequence[int], wanted: int | None, today: dt.date) -> int | None:
    """The asked year when available, else the current year, else the newest."""
    if wanted in years:
        return wanted
    if today.year in years:
        return today.year
    return years[0] if years else None


def maps_in_reach(user: Viewer, year: int, search: str = "") -> QuerySet[StrategyMap]:
    """The approved maps of the year the user reaches, in tree order (a parent before its children);
    `search` keeps those whose unit's code or name contains it."""
    maps = reporting.reporting_maps_for(user, year)
    if search:
        maps = maps.filter(unit_matches(search))
    return maps.order_by("unit__path")


def plan_year_periods(maps: Sequence[StrategyMap]) -> list[ReportingPeriod]:
    """The reporting periods of the maps' plan year (all maps of one year share it), in time order."""
    if not maps:
        return []
    return reporting.periods_of(maps[0].plan_year_id)


def short_label(period: ReportingPeriod) -> str:
    """A period as a chart axis writes it: "Jan", "TW I", "Smt I", "2026"."""
    if period.frequency == Frequency.MONTHLY:
        return str(MONTHS_3[period.number]).capitalize()
    if period.frequency == Frequency.QUARTERLY:
        return _("TW %(n)s") % {"n": ROMAN[period.number]}
    if period.frequency == Frequency.SEMESTER:
        return _("Smt %(n)s") % {"n": ROMAN[period.number]}
    return str(period.year)


def previous_period(period: ReportingPeriod, periods: Iterable[ReportingPeriod]) -> ReportingPeriod | None:
    """The period of the same frequency just before `period` in its plan year (none for the first)."""
    return next(
        (
            p
            for p in periods
            if p.plan_year_id == period.plan_year_id
            and p.frequency == period.frequency
            and p.number == period.number - 1
        ),
        None,
    )


def snapshot_counts(map_ids: Sequence[int], period_ids: Sequence[int] | None = None) -> dict[int, int]:
    """{period id: number of the maps with a snapshot for it} — which periods have figures at all.

    With `period_ids` (the plan year's periods) the count is taken from the cached set of the maps scored in
    each period (`scored_maps`), which only changes with a period's snapshots: one query (their versions)
    however many maps are asked about, instead of counting the snapshots of every map in reach."""
    if not map_ids:
        return {}
    if period_ids is not None:
        wanted = set(map_ids)
        return {pid: n for pid, scored in scored_maps(period_ids).items() if (n := len(scored & wanted))}
    rows = (
        ScoreSnapshot.objects.filter(strategy_map_id__in=list(map_ids))
        .order_by()
        .values("period_id")
        .annotate(n=Count("strategy_map_id", distinct=True))
    )
    return {row["period_id"]: row["n"] for row in rows}


def pick_period(
    periods: Sequence[ReportingPeriod], counts: dict[int, int], *, today: dt.date
) -> ReportingPeriod | None:
    """The latest period with a snapshot (`counts`: see `snapshot_counts`).

    Periods ending the same day give the same NKO (the score *as of* a day takes
    every period that has ended), so among them the frequency with the most
    snapshots wins (the richest trend), then the shorter period. With no
    snapshot at all: the latest period that has ended by today, else the first.
    """
    if not periods:
        return None
    with_figures = [p for p in periods if counts.get(p.pk)]
    if with_figures:
        per_frequency: Counter[str] = Counter()
        for p in with_figures:
            per_frequency[p.frequency] += counts[p.pk]
        last_end = max(p.end for p in with_figures)
        return min(
            (p for p in with_figures if p.end == last_end),
            key=lambda p: (-per_frequency[p.frequency], FREQUENCY_ORDER.index(p.frequency)),
        )
    ended = [p for p in periods if p.end <= today]
    if ended:
        last_end = max(p.end for p in ended)
        return min((p for p in ended if p.end == last_end), key=lambda p: FREQUENCY_ORDER.index(p.frequency))
    return periods[0]


def choose_period(
    periods: Sequence[ReportingPeriod], wanted: int | None, map_ids: Sequence[int], *, today: dt.date
) -> tuple[ReportingPeriod | None, bool]:
    """The asked period when it is one of `periods`, else `pick_period` for the maps' snapshots.

    Also says whether any of the maps has a snapshot in the plan year (False: the
    caller may prefer a better default of its own).
    """
    found = next((p for p in periods if p.pk == wanted), None)
    if found is not None:
        return found, True
    # many maps (a ranking): the cached sets of the maps scored per period; one map (its dashboard): its rows
    counts = (
        snapshot_counts(map_ids, [p.pk for p in periods]) if len(map_ids) > 1 else snapshot_counts(map_ids)
    )
    return pick_period(periods, counts, today=today), bool(counts)


# --------------------------------------------------------------------------- snapshot headlines


@dataclass(frozen=True)
class Head:
    """The headline of a map's newest snapshot for one period (`nko` None = not reported, never 0)."""

    snapshot_id: int
    nko: Decimal | None
    predicate: str
    complete: bool
    final: bool
    computed_at: dt.datetime


def latest_heads(map_ids: Sequence[int], period_ids: Sequence[int]) -> dict[tuple[int, int], Head]:
    """{(map id, period id): Head} of the newest snapshot of each pair, in one query without the JSON."""
    if not map_ids or not period_ids:
        return {}
    rows = (
        ScoreSnapshot.objects.filter(strategy_map_id__in=list(map_ids), period_id__in=list(period_ids))
        .order_by("strategy_map_id", "period_id", "-computed_at", "-pk")
        .values_list(
            "strategy_map_id", "period_id", "pk", "nko", "predicate", "complete", "final", "computed_at"
        )
    )
    heads: dict[tuple[int, int], Head] = {}
    for map_id, period_id, pk, nko, predicate, complete, final, computed_at in rows:
        heads.setdefault((map_id, period_id), Head(pk, nko, predicate, complete, final, computed_at))
    return heads


PAGE_SIZE = 50  # rows of a ranking (the ranking report, the units below on the dashboard)
HEADS_CACHE_PREFIX = "kinerja:period-heads:v1"
HEADS_CACHE_SECONDS = 24 * 3600


def period_versions(period_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """{period id: (newest snapshot id, number of snapshots)} — the version of a period's headlines, one query.

    Snapshots are never changed, only added (a recomputation) or deleted with their map, so any change to
    a period's headlines changes this pair: a cache key holding it is invalidated by construction.
    """
    if not period_ids:
        return {}
    rows = (
        ScoreSnapshot.objects.filter(period_id__in=list(period_ids))
        .order_by()
        .values("period_id")
        .annotate(last=Max("pk"), n=Count("pk"))
    )
    return {row["period_id"]: (row["last"], row["n"]) for row in rows}


SCORED_CACHE_PREFIX = "kinerja:period-scored:v1"

V = TypeVar("V")


def _per_period_cache(
    prefix: str, period_ids: Sequence[int], read: Callable[[list[int]], dict[int, V]]
) -> dict[int, V]:
    """{period id: value} for the periods that have snapshots, each kept in the cache under the period's version
    (`period_versions`: a new or deleted snapshot changes the key). One query when every period is cached;
    otherwise `read(missing period ids)` gives theirs, which are then kept."""
    versions = period_versions(period_ids)
    keys = {pid: f"{prefix}:{pid}:{last}:{n}" for pid, (last, n) in versions.items()}
    found: dict[str, V] = cache.get_many(list(keys.values())) if keys else {}
    missing = [pid for pid, key in keys.items() if key not in found]
    if missing:
        kept = {keys[pid]: value for pid, value in read(missing).items()}
        cache.set_many(kept, HEADS_CACHE_SECONDS)
        found.update(kept)
    return {pid: found[key] for pid, key in keys.items()}


def scored_maps(period_ids: Sequence[int]) -> dict[int, frozenset[int]]:
    """{period id: the ids of the maps with a snapshot in it}, for the periods that have any, cached per period
    version (`_per_period_cache`). A set of integers: cheap to keep and to read back."""

    def read(missing: list[int]) -> dict[int, frozenset[int]]:
        fresh: dict[int, set[int]] = {pid: set() for pid in missing}
        rows = (
            ScoreSnapshot.objects.filter(period_id__in=missing)
            .order_by()
            .values_list("period_id", "strategy_map_id")
            .distinct()
        )
        for period_id, map_id in rows:
            fresh[period_id].add(map_id)
        return {pid: frozenset(ids) for pid, ids in fresh.items()}

    return _per_period_cache(SCORED_CACHE_PREFIX, period_ids, read) if period_ids else {}


def cached_heads(map_ids: Sequence[int], period_ids: Sequence[int]) -> dict[tuple[int, int], Head]:
    """`latest_heads`, from the cache of each period's headlines (every map's; `period_versions` is the key).

    One query when every period is cached (the versions), two otherwise (the missing periods' headlines,
    every map of them, then kept). The figures are those of `latest_heads`, read at the same moment.
    """
    if not map_ids or not period_ids:
        return {}

    def read(missing: list[int]) -> dict[int, dict[int, Head]]:
        fresh: dict[int, dict[int, Head]] = {pid: {} for pid in missing}
        rows = (
            ScoreSnapshot.objects.filter(period_id__in=missing)
            .order_by("period_id", "strategy_map_id", "-computed_at", "-pk")
            .values_list(
                "strategy_map_id", "period_id", "pk", "nko", "predicate", "complete", "final", "computed_at"
            )
        )
        for map_id, period_id, pk, nko, predicate, complete, final, computed_at in rows:
            fresh[period_id].setdefault(map_id, Head(pk, nko, predicate, complete, final, computed_at))
        return fresh

    heads = _per_period_cache(HEADS_CACHE_PREFIX, period_ids, read)
    wanted = set(map_ids)
    return {
        (map_id, pid): head
        for pid, of_period in heads.items()
        for map_id, head in of_period.items()
        if map_id in wanted
    }


# --------------------------------------------------------------------------- ranking


@dataclass(frozen=True)
class RankRow:
    """A unit in an NKO ranking: its map, the headline for the period and for the period before."""

    rank: int | None  # None: N/A (no snapshot, or nothing reported) — listed last, never ranked as 0
    strategy_map: StrategyMap
    head: Head | None
    previous: Head | None = None
    endorsement: NkoEndorsement | None = None  # the endorsed year-end figure, which stands for the snapshot's

    @property
    def unit(self) -> Unit:
        return self.strategy_map.unit

    @property
    def nko(self) -> Decimal | None:
        if self.endorsement is not None:
            return self.endorsement.nko
        return None if self.head is None else self.head.nko

    @property
    def predicate(self) -> str:
        if self.endorsement is not None:
            return self.endorsement.predicate
        return "" if self.head is None else self.head.predicate

    @property
    def complete(self) -> bool:
        if self.endorsement is not None:
            return self.endorsement.complete
        return bool(self.head and self.head.complete)

    @property
    def previous_nko(self) -> Decimal | None:
        return None if self.previous is None else self.previous.nko

    @property
    def trend(self) -> str | None:
        """ "up", "down" or "same" against the period before; None when either is N/A."""
        now, before = self.nko, self.previous_nko
        if now is None or before is None:
            return None
        if now > before:
            return "up"
        if now < before:
            return "down"
        return "same"


def rank_maps(
    maps: Sequence[StrategyMap],
    period: ReportingPeriod,
    previous: ReportingPeriod | None = None,
    *,
    year_end: bool = False,
) -> list[RankRow]:
    """The maps by the NKO of their newest snapshot for `period`, highest first (two queries).

    Equal NKOs share a rank (1, 2, 2, 4); a map with no snapshot or an N/A NKO
    comes last, unranked, in tree order. For the year-end period (`year_end`) an
    endorsed NKO (`kinerja.meetings.endorsement`) stands for the snapshot's.
    """
    period_ids = [period.pk] + ([previous.pk] if previous is not None else [])
    heads = cached_heads([m.pk for m in maps], period_ids)
    endorsed = endorsed_by_unit([m.unit_id for m in maps], period.year) if year_end and maps else {}

    def head(strategy_map: StrategyMap, of: ReportingPeriod | None) -> Head | None:
        return None if of is None else heads.get((strategy_map.pk, of.pk))

    def nko(strategy_map: StrategyMap) -> Decimal | None:
        if strategy_map.unit_id in endorsed:
            return endorsed[strategy_map.unit_id].nko
        current = head(strategy_map, period)
        return None if current is None else current.nko

    return [
        RankRow(
            ranked.rank,
            ranked.item,
            head(ranked.item, period),
            head(ranked.item, previous),
            endorsed.get(ranked.item.unit_id),
        )
        for ranked in rank(maps, nko, tie_break=lambda m: m.unit.path)
    ]


def is_year_end(period: ReportingPeriod | None, periods: Sequence[ReportingPeriod]) -> bool:
    """Whether `period` is the plan year's final one (whose NKO is endorsed)."""
    end = pick_year_end(periods)
    return period is not None and end is not None and end.pk == period.pk


def nearest_below(strategy_map: StrategyMap, maps: Iterable[StrategyMap]) -> list[StrategyMap]:
    """The maps of the units directly below `strategy_map` in the map hierarchy.

    A unit counts when it lies in the map's subtree and no other map-owning
    unit of `maps` stands between them (a KPP under a Kanwil is the Kanwil's,
    not the directorate general's). Drilling down reaches the rest. Linear in
    the maps (a unit's ancestors are its path's prefixes).
    """
    listed = list(maps)
    below = set(below_ids(strategy_map.unit.path, [(m.pk, m.unit.path) for m in listed]))
    return [m for m in listed if m.pk in below]


def below_ids(root: str | None, maps: Sequence[tuple[int, str]]) -> list[int]:
    """Of `maps` ((id, unit path)), those directly below `root` (None: the tops), as `nearest_below` says."""
    return nearest_ids(root, maps)


# --------------------------------------------------------------------------- the dashboard


@dataclass(frozen=True)
class TrendPoint:
    period: ReportingPeriod
    head: Head | None

    @property
    def nko(self) -> Decimal | None:
        return None if self.head is None else self.head.nko

    @property
    def label(self) -> str:
        return short_label(self.period)


@dataclass(frozen=True)
class PerspectiveFigure:
    code: str
    name: str
    weight: Decimal | None
    index: Decimal | None
    status: str | None
    complete: bool


@dataclass(frozen=True)
class KpiItem:
    """A KPI of the snapshot for the lists of red and of not yet reported KPIs."""

    id: int
    code: str
    name: str
    objective: str
    index: Decimal | None
    status: str | None
    target: str | None
    realization: str | None
    state: str | None = None  # the newest realization's workflow state, when one exists but does not count
    realization_id: int | None = None

    @property
    def state_label(self) -> str:
        return str(RealizationState(self.state).label) if self.state else ""


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


@dataclass
class Dashboard:
    """Everything the dashboard shows for one map-owning unit, plan year and period."""

    years: list[int]
    year: int | None
    maps: list[StrategyMap]
    strategy_map: StrategyMap | None = None
    unit_without_map: Unit | None = None
    periods: list[ReportingPeriod] = field(default_factory=list)
    period: ReportingPeriod | None = None
    snapshot: ScoreSnapshot | None = None
    trend: list[TrendPoint] = field(default_factory=list)
    perspectives: list[PerspectiveFigure] = field(default_factory=list)
    red: list[KpiItem] = field(default_factory=list)
    missing: list[KpiItem] = field(default_factory=list)
    not_due: list[str] = field(default_factory=list)
    below: list[RankRow] = field(default_factory=list)
    previous: ReportingPeriod | None = None
    staleness: reporting.Staleness = field(default_factory=lambda: reporting.Staleness(False))
    endorsement: NkoEndorsement | None = None  # the endorsed NKO when the period is the year's final one
    year_endorsement: NkoEndorsement | None = None  # the year's endorsed NKO, whichever period is shown
    year_end: ReportingPeriod | None = None  # the period whose NKO is endorsed
    years_nko: list[YearNko] = field(default_factory=list)  # the unit's NKO of every year (year on year)
    above: list[StrategyMap] = field(default_factory=list)  # the map-owning units above in reach, top first
    below_page: Page | None = None  # `below` is its rows

    @property
    def unit(self) -> Unit | None:
        return None if self.strategy_map is None else self.strategy_map.unit

    @property
    def result(self) -> dict[str, Any]:
        return {} if self.snapshot is None else self.snapshot.result

    @property
    def nko(self) -> Decimal | None:
        return _decimal(self.result.get("nko"))

    @property
    def nko_status(self) -> str | None:
        return self.result.get("nko_status")

    @property
    def errors(self) -> list[dict[str, Any]]:
        return list(self.result.get("errors", []))


def _kpi_items(result: dict[str, Any]) -> tuple[list[KpiItem], list[KpiItem]]:
    """The red KPIs (lowest index first) and the missing KPIs (the snapshot's `missing`), from a snapshot's JSON."""
    missing_codes = set(result.get("missing", []))
    red: list[KpiItem] = []
    missing: list[KpiItem] = []
    for k in result.get("kpis", []):
        item = KpiItem(
            id=k["id"],
            code=k["code"],
            name=k.get("name", ""),
            objective=k.get("objective", ""),
            index=_decimal(k.get("index")),
            status=k.get("status"),
            target=k.get("target"),
            realization=k.get("realization"),
        )
        if k.get("status") == "red":
            red.append(item)
        if k["code"] in missing_codes and k.get("due", True):  # red on a carried value and missing: both
            missing.append(item)
    red.sort(key=lambda i: (i.index if i.index is not None else Decimal(0), i.code))
    return red, missing


def _with_states(items: list[KpiItem], period: ReportingPeriod) -> list[KpiItem]:
    """The not reported KPIs with the state of their newest realization so far (one query)."""
    if not items:
        return items
    newest: dict[int, tuple[str, int]] = {}
    rows = (
        Realization.objects.filter(
            kpi_id__in=[i.id for i in items],
            period__plan_year_id=period.plan_year_id,
            period__end__lte=period.end,
        )
        .order_by("kpi_id", "-period__end", "-pk")
        .values_list("kpi_id", "state", "pk")
    )
    for kpi_id, state, pk in rows:
        newest.setdefault(kpi_id, (state, pk))
    found = []
    for item in items:
        known = newest.get(item.id)
        found.append(item if known is None else replace(item, state=known[0], realization_id=known[1]))
    return found


def dashboard(
    user: Viewer,
    *,
    unit: int | None = None,
    year: int | None = None,
    period: int | None = None,
    below_page: int | str | None = 1,
    today: dt.date | None = None,
) -> Dashboard | None:
    """The dashboard of a map-owning unit the user reaches; None when `unit` is outside the reach (404).

    Without `unit`: the user's top unit with a map. Without `period`: see
    `pick_period`. The trend covers every period of the chosen period's
    frequency in the plan year (no snapshot or N/A = a gap); the units below
    are those of `nearest_below`, ranked for the period with a trend arrow
    against the period before, `PAGE_SIZE` a page (`below_page`).

    A fixed number of queries: the maps in reach are read as (id, unit, path)
    rows only; objects are made for the unit shown, the units above it and
    those directly below it (what the page lists).
    """
    day = today or timezone.localdate()
    years = years_in_reach(user)
    chosen_year = choose_year(years, year, day)
    board = Dashboard(years=years, year=chosen_year, maps=[])
    reach = reporting.reporting_maps_for(user, chosen_year).order_by() if chosen_year is not None else None
    light = [] if reach is None else list(reach.values_list("pk", "unit_id", "unit__path"))  # no objects
    paths = [(pk, path) for pk, _unit_id, path in light]
    if unit is not None:
        own = next((pk for pk, unit_id, _path in light if unit_id == unit), None)
        if own is None:
            board.unit_without_map = units_readable_by(user).filter(pk=unit).first()
            if board.unit_without_map is None:
                return None
            if reach is not None:
                board.maps = list(
                    reach.filter(pk__in=nearest_ids(None, paths)).select_related("unit", "plan_year")
                )
                board.maps.sort(key=lambda m: m.unit.path)
            return board
    elif light:
        own = min(light, key=lambda row: (len(row[2]), row[2]))[0]
    else:
        return board
    assert reach is not None
    root = next(path for pk, path in paths if pk == own)
    below = nearest_ids(root, paths)
    loaded = {
        m.pk: m
        for m in reach.filter(
            Q(pk__in=[own, *below]) | Q(unit__path__in=ancestor_paths(root))
        ).select_related("unit", "plan_year")
    }
    board.strategy_map = loaded[own]
    board.above = sorted(
        (m for m in loaded.values() if m.pk != own and m.pk not in below), key=lambda m: m.unit.path
    )
    below_maps = sorted((loaded[pk] for pk in below), key=lambda m: m.unit.path)
    board.maps = [*board.above, board.strategy_map, *below_maps]
    strategy_map = board.strategy_map
    if strategy_map is None:
        return board

    board.periods = plan_year_periods([strategy_map])
    chosen, has_figures = choose_period(board.periods, period, [strategy_map.pk], today=day)
    if not has_figures:  # nothing scored yet: open on the period the map's realization page opens on
        chosen = reporting.default_period(strategy_map, today=day) or chosen
    board.period = chosen
    if chosen is None:
        return board

    board.snapshot = reporting.latest_snapshot(strategy_map, chosen)
    if board.snapshot is not None:
        board.staleness = reporting.staleness(board.snapshot, today=day)
    result = localized(board.result, strategy_map.pk)  # names in the user's language
    board.perspectives = [
        PerspectiveFigure(
            code=p["code"],
            name=p.get("name", p["code"]),
            weight=_decimal(p.get("weight")),
            index=_decimal(p.get("index")),
            status=p.get("status"),
            complete=bool(p.get("complete")),
        )
        for p in result.get("perspectives", [])
    ]
    board.red, missing = _kpi_items(result)
    board.missing = _with_states(missing, chosen)
    board.not_due = list(result.get("not_due", []))

    same_frequency = [p for p in board.periods if p.frequency == chosen.frequency]
    heads = latest_heads([strategy_map.pk], [p.pk for p in same_frequency])
    board.trend = [TrendPoint(p, heads.get((strategy_map.pk, p.pk))) for p in same_frequency]

    board.previous = previous_period(chosen, board.periods)
    year_end = is_year_end(chosen, board.periods)
    board.year_end = pick_year_end(board.periods)
    board.year_endorsement = endorsed_by_unit([strategy_map.unit_id], strategy_map.plan_year.year).get(
        strategy_map.unit_id
    )
    if year_end:
        board.endorsement = board.year_endorsement
    ranked = rank_maps(below_maps, chosen, board.previous, year_end=year_end)
    board.below_page = Paginator(ranked, PAGE_SIZE).get_page(below_page)
    board.below = list(board.below_page.object_list)
    board.years_nko = nko_by_year(strategy_map.unit_id)
    return board


# --------------------------------------------------------------------------- a unit's NKO year on year


@dataclass
class YearNko:
    """A unit's NKO of one plan year: the endorsed figure when one is in force (computed, or entered by an
    administrator for a past year known only as a figure), else the year-end period's final snapshot (a
    closed year, a historical import's), else its latest snapshot (the year still running: provisional)."""

    year: int
    nko: Decimal | None
    predicate: str = ""
    source: str = ""  # endorsed | entered | final | provisional
    strategy_map_id: int | None = None
    period_id: int | None = None

    @property
    def source_label(self) -> str:
        return {
            "endorsed": _("disahkan"),
            "entered": _("disahkan (angka dimasukkan)"),
            "final": _("final"),
            "provisional": _("sementara"),
        }.get(self.source, "")


def nko_by_year(unit_id: int) -> list[YearNko]:
    """The unit's NKO of every plan year it has a scored map or an endorsed figure for, newest first.

    Three queries whatever the number of years; the snapshots' `result` JSON is never read.
    """
    maps: dict[int, int] = {}  # plan year id -> the unit's map (one a year)
    by_year_id: dict[int, list[ReportingPeriod]] = {}
    for period in (
        ReportingPeriod.objects.filter(
            plan_year__maps__unit_id=unit_id, plan_year__maps__state__in=reporting.REPORTABLE_MAP_STATES
        )
        .annotate(map_id=F("plan_year__maps__id"))
        .select_related("plan_year")
    ):
        maps[period.plan_year_id] = period.map_id
        by_year_id.setdefault(period.plan_year_id, []).append(period)
    ends = {year_id: pick_year_end(periods) for year_id, periods in by_year_id.items()}
    wanted = {(maps[year_id], end.pk): end for year_id, end in ends.items() if end is not None}
    found: dict[int, YearNko] = {}
    heads = (
        ScoreSnapshot.objects.filter(
            strategy_map_id__in=list(maps.values()), period_id__in=[end.pk for end in wanted.values()]
        )
        .order_by("strategy_map_id", "-final", "-computed_at", "-pk")
        .values_list("strategy_map_id", "period_id", "nko", "predicate", "final")
    )
    for map_id, period_id, nko, predicate, final in heads:
        end = wanted.get((map_id, period_id))
        if end is None or end.year in found:
            continue
        found[end.year] = YearNko(
            end.plan_year.year,
            nko,
            predicate,
            "final" if final else "provisional",
            map_id,
            period_id,
        )
    for endorsement in NkoEndorsement.objects.filter(unit_id=unit_id, state=EndorsementState.ENDORSED):
        row = found.get(endorsement.year) or YearNko(endorsement.year, None)
        row.nko, row.predicate = endorsement.nko, endorsement.predicate
        row.source = "entered" if endorsement.source == EndorsementSource.ENTERED else "endorsed"
        found[endorsement.year] = row
    return [found[year] for year in sorted(found, reverse=True)]


# --------------------------------------------------------------------------- the NKO ranking report


@dataclass
class RankingReport:
    """Units of one level and/or kind ranked by NKO for a period (domain.md §6)."""

    years: list[int]
    year: int | None
    levels: list[tuple[str, str]]
    kinds: list[tuple[str, str]]
    level: str = ""
    kind: str = ""
    periods: list[ReportingPeriod] = field(default_factory=list)
    period: ReportingPeriod | None = None
    previous: ReportingPeriod | None = None
    rows: list[RankRow] = field(default_factory=list)  # the page's rows (every row for the export)
    page: Page | None = None
    count: int = 0  # units listed, ranked or not
    ranked_count: int = 0

    @property
    def level_label(self) -> str:
        return str(UnitLevel(self.level).label) if self.level else ""

    @property
    def kind_label(self) -> str:
        return str(UnitKind(self.kind).label) if self.kind else ""


def nko_ranking(
    user: Viewer,
    *,
    year: int | None = None,
    period: int | None = None,
    level: str = "",
    kind: str = "",
    page: int | str | None = 1,
    today: dt.date | None = None,
) -> RankingReport:
    """The units the user reaches of `level` and/or `kind` with an approved map, ranked by NKO.

    Neither given: the level with the most such units (the peers a leader
    compares). The choices offered are the levels and kinds present in reach.
    `PAGE_SIZE` rows a page (`page`; None: every row, for the export).

    A fixed number of queries: the levels and kinds are counted in the
    database, the maps chosen are ranked from (id, unit, path) rows and the
    cached headlines (`cached_heads`), and objects are made for the page only.
    """
    day = today or timezone.localdate()
    years = years_in_reach(user)
    chosen_year = choose_year(years, year, day)
    reach = reporting.reporting_maps_for(user, chosen_year).order_by() if chosen_year is not None else None
    groups = (
        []
        if reach is None
        else list(reach.values("unit__level", "unit__kind", "plan_year_id").annotate(n=Count("pk")))
    )
    present_levels = {g["unit__level"] for g in groups}
    present_kinds = {g["unit__kind"] for g in groups}
    report = RankingReport(
        years=years,
        year=chosen_year,
        levels=[(c.value, str(c.label)) for c in UnitLevel if c.value in present_levels],
        kinds=[(c.value, str(c.label)) for c in UnitKind if c.value in present_kinds],
    )
    report.level = level if level in present_levels else ""
    report.kind = kind if kind in present_kinds else ""
    if not report.level and not report.kind and groups:
        per_level: Counter[str] = Counter()
        for g in groups:
            per_level[g["unit__level"]] += g["n"]
        report.level = min(per_level, key=lambda v: (-per_level[v], LEVEL_ORDER.index(v)))
    if reach is None or not groups:
        return report
    chosen = reach
    if report.level:
        chosen = chosen.filter(unit__level=report.level)
    if report.kind:
        chosen = chosen.filter(unit__kind=report.kind)
    light = list(chosen.values_list("pk", "unit_id", "unit__path"))
    report.periods = reporting.periods_of(groups[0]["plan_year_id"])
    report.period, _has_figures = choose_period(
        report.periods, period, [pk for pk, *_rest in light], today=day
    )
    if report.period is None:
        return report
    report.previous = previous_period(report.period, report.periods)
    year_end = is_year_end(report.period, report.periods)
    period_ids = [report.period.pk] + ([report.previous.pk] if report.previous is not None else [])
    heads = cached_heads([pk for pk, *_rest in light], period_ids)
    endorsed = (
        endorsed_by_unit([unit_id for _pk, unit_id, _path in light], report.period.year) if year_end else {}
    )

    def nko(row: tuple[int, int, str]) -> Decimal | None:
        pk, unit_id, _path = row
        if unit_id in endorsed:
            return endorsed[unit_id].nko
        current = heads.get((pk, report.period.pk)) if report.period is not None else None
        return None if current is None else current.nko

    ranked = list(rank(light, nko, tie_break=lambda row: row[2]))
    report.count = len(ranked)
    report.ranked_count = sum(1 for r in ranked if r.rank is not None)
    shown = ranked
    if page is not None:
        report.page = Paginator(ranked, PAGE_SIZE).get_page(page)
        shown = list(report.page.object_list)
    objects = {
        m.pk: m for m in chosen.filter(pk__in=[r.item[0] for r in shown]).select_related("unit", "plan_year")
    }
    previous = report.previous
    report.rows = [
        RankRow(
            r.rank,
            objects[r.item[0]],
            heads.get((r.item[0], report.period.pk)),
            None if previous is None else heads.get((r.item[0], previous.pk)),
            endorsed.get(r.item[1]),
        )
        for r in shown
    ]
    return report
