"""Reads shared by the strategy pages, the drawing, the validation engine and the API.

`load_map_data` fetches a whole map — perspectives, objectives, links, KPIs and
their trajectories — in a fixed number of queries whatever the map's size, so
the map page's query count does not grow with the map.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kinerja.accounts.scope import Viewer, paths_for, unit_filter
from kinerja.common.search import unit_matches
from kinerja.organisations.models import Unit
from kinerja.planning.models import REPORTABLE_MAP_STATES, Kpi, PeriodTarget, period_label

from .models import (
    Initiative,
    MapState,
    Milestone,
    Objective,
    ObjectiveLink,
    Perspective,
    PlanYear,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StateChange,
    StrategyMap,
    UnitPlan,
)

if TYPE_CHECKING:
    from typing import TypedDict

    from django.db.models import Field
    from django_stubs_ext import WithAnnotations

    class InitiativeDetails(TypedDict):
        """What `_initiatives` prefetches (the lists) and `_annotate_initiative` adds (status, progress)."""

        milestone_list: list[Milestone]
        report_list: list[ProgressReport]
        status: str
        progress: Decimal | None


TREE_STEPLEN = Unit.steplen


class TrajectoryPoint(NamedTuple):
    """One period's target of a KPI's trajectory as `load_map_data` reads it (what a `PeriodTarget` says,
    without building a model object for each of the thousands of them)."""

    period: int
    target: Decimal


@dataclass
class MapData:
    """A strategy map with everything on it, loaded once (see `load_map_data`)."""

    map: StrategyMap
    perspectives: list[Perspective]
    objectives: list[Objective]
    links: list[ObjectiveLink]
    kpis: list[Kpi]
    period_targets: Mapping[int, Sequence[TrajectoryPoint | PeriodTarget]] = field(default_factory=dict)

    def kpis_of(self, objective: Objective) -> list[Kpi]:
        return self._kpis_by_objective.get(objective.pk, [])

    def objectives_of(self, perspective: Perspective) -> list[Objective]:
        return [o for o in self.objectives if o.perspective_id == perspective.pk]

    def trajectory(self, kpi: Kpi) -> Sequence[TrajectoryPoint | PeriodTarget]:
        return self.period_targets.get(kpi.pk, [])

    @property
    def _kpis_by_objective(self) -> dict[int, list[Kpi]]:
        cached: dict[int, list[Kpi]] | None = self.__dict__.get("_by_objective")
        if cached is None:
            cached = defaultdict(list)
            for kpi in self.kpis:
                cached[kpi.objective_id].append(kpi)
            self.__dict__["_by_objective"] = cached
        return cached


def load_map_data(strategy_map: StrategyMap) -> MapData:
    """Everything on a map in five queries (the map itself is already loaded, with unit and plan year)."""
    return load_maps_data([strategy_map])[strategy_map.pk]


def load_maps_data(maps: Sequence[StrategyMap], *, for_scoring: bool = False) -> dict[int, MapData]:
    """Everything on each of `maps` (loaded, with unit and plan year), by map id: five queries for any number.

    Each map's lists are in the same order as `load_map_data` gives them (perspectives by order, objectives
    by perspective and code, links by id, KPIs by objective and code, each KPI's trajectory by period).
    `for_scoring` reads only what a score reads, in four queries: no links (left empty), and neither the
    objectives' themes and owners nor the KPIs' owners joined (they would be read on first use).
    """
    by_map = {m.pk: m for m in maps}
    if not by_map:
        return {}
    ids = list(by_map)
    # the related objects are attached through the field caches (what `kpi.objective = …` does, without the
    # descriptor's checks: thousands of them for a ministry's maps)
    perspective_map = Perspective._meta.get_field("map")
    objective_map = Objective._meta.get_field("map")
    objective_perspective = Objective._meta.get_field("perspective")
    kpi_objective = Kpi._meta.get_field("objective")
    perspectives: dict[int, list[Perspective]] = defaultdict(list)
    perspective_by_id: dict[int, Perspective] = {}
    for perspective in Perspective.objects.filter(map_id__in=ids).order_by("map_id", "order"):
        perspective_map.set_cached_value(perspective, by_map[perspective.map_id])
        perspectives[perspective.map_id].append(perspective)
        perspective_by_id[perspective.pk] = perspective
    objectives: dict[int, list[Objective]] = defaultdict(list)
    objectives_by_id: dict[int, Objective] = {}
    objective_rows = Objective.objects.filter(map_id__in=ids).order_by("map_id", "perspective__order", "code")
    if not for_scoring:
        objective_rows = objective_rows.select_related("theme", "owner_position")
    for objective in objective_rows:
        objective_map.set_cached_value(objective, by_map[objective.map_id])
        if objective.perspective_id in perspective_by_id:
            objective_perspective.set_cached_value(objective, perspective_by_id[objective.perspective_id])
        objectives[objective.map_id].append(objective)
        objectives_by_id[objective.pk] = objective
    links: dict[int, list[ObjectiveLink]] = defaultdict(list)
    link_rows = ObjectiveLink.objects.none() if for_scoring else ObjectiveLink.objects.filter(map_id__in=ids)
    for link in link_rows.order_by("map_id", "pk"):
        link.map = by_map[link.map_id]
        if link.cause_id in objectives_by_id:
            link.cause = objectives_by_id[link.cause_id]
        if link.effect_id in objectives_by_id:
            link.effect = objectives_by_id[link.effect_id]
        links[link.map_id].append(link)
    kpis: dict[int, list[Kpi]] = defaultdict(list)
    kpi_rows = Kpi.objects.filter(objective__map_id__in=ids).order_by(
        "objective__perspective__order",
        "objective__code",
        "code",  # "objective", "code" in a map
    )
    if not for_scoring:
        kpi_rows = kpi_rows.select_related("owner_position")
    for kpi in kpi_rows:
        objective = objectives_by_id[kpi.objective_id]
        kpi_objective.set_cached_value(kpi, objective)
        kpis[objective.map_id].append(kpi)
    targets: dict[int, dict[int, list[TrajectoryPoint]]] = defaultdict(lambda: defaultdict(list))
    # In the order read, each KPI's twelve (or fewer) put in period order here: sorting a ministry's 480,000
    # targets in the query spills to disk on PostgreSQL's default `work_mem`.
    for map_id, kpi_id, number, value in (
        PeriodTarget.objects.filter(kpi__objective__map_id__in=ids)
        .order_by()
        .values_list("kpi__objective__map_id", "kpi_id", "period", "target")
    ):
        targets[map_id][kpi_id].append(TrajectoryPoint(number, value))
    for trajectories in targets.values():
        for points in trajectories.values():
            points.sort(key=_period_number)
    return {
        pk: MapData(
            strategy_map,
            perspectives.get(pk, []),
            objectives.get(pk, []),
            links.get(pk, []),
            kpis.get(pk, []),
            dict(targets[pk]) if pk in targets else {},
        )
        for pk, strategy_map in by_map.items()
    }


def _period_number(point: TrajectoryPoint) -> int:
    return point.period


def _ancestor_paths(paths: tuple[str, ...]) -> set[str]:
    return {p[:i] for p in paths for i in range(TREE_STEPLEN, len(p) + 1, TREE_STEPLEN)}


def maps_readable_filter(user: Viewer) -> Q:
    """The rule "who may read this map", as a filter on `StrategyMap` (the permission `reads_map` says the same).

    Every map of a unit the user reaches (any role, `accounts.scope.READ_ROLES`;
    an active superuser reaches every unit), and the approved maps of the units
    above theirs: an office reads the approved maps it cascades from (its
    echelon I's, the ministry's) without seeing their drafts.
    """
    own = unit_filter(user, "unit__path")
    if not own:  # an empty Q: no restriction (a superuser); OR-ing onto it would *narrow* it
        return own
    ancestors = _ancestor_paths(paths_for(user))
    if not ancestors:
        return own
    return own | Q(state=MapState.APPROVED, unit__path__in=sorted(ancestors))


def maps_readable_by(user: Viewer) -> QuerySet[StrategyMap]:
    """The maps `user` may read (see `maps_readable_filter`): pages, API, exports and dashboards use this."""
    return StrategyMap.objects.filter(maps_readable_filter(user)).select_related("unit", "plan_year")


def maps_reportable_by(user: Viewer, year: int | None = None) -> QuerySet[StrategyMap]:
    """The maps whose realizations `user` reads: approved (or under revision) maps of the units the user reaches.

    Narrower than `maps_readable_by`: the approved maps of the units above the
    user's are read as plans, not reported on.
    """
    maps = StrategyMap.objects.filter(unit_filter(user, "unit__path"), state__in=REPORTABLE_MAP_STATES)
    if year is not None:
        maps = maps.filter(plan_year__year=year)
    return maps.select_related("unit", "plan_year")


def visible_maps_filter(user: Viewer) -> Q:
    """Kept for its callers: `maps_readable_filter`."""
    return maps_readable_filter(user)


def maps_visible_to(user: Viewer, *, year: int | None = None, search: str = "") -> QuerySet[StrategyMap]:
    """The maps `user` may read, with their objective count, in tree order (newest year first).

    `year` keeps one plan year; `search` keeps the maps whose unit's name or code contains it.
    """
    maps = maps_readable_by(user)
    if year is not None:
        maps = maps.filter(plan_year__year=year)
    if search:
        maps = maps.filter(unit_matches(search))
    objectives = (
        Objective.objects.filter(map=OuterRef("pk"))
        .order_by()
        .values("map")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return maps.annotate(objective_count=Coalesce(Subquery(objectives), 0)).order_by(
        "-plan_year__year", "unit__path"
    )


def map_years_visible_to(user: Viewer) -> list[int]:
    """The plan years in which `user` may read at least one map, newest first."""
    years = maps_readable_by(user).order_by("-plan_year__year").values_list("plan_year__year", flat=True)
    return list(years.distinct())


def map_for_page(pk: int) -> StrategyMap:
    return StrategyMap.objects.select_related("unit", "plan_year").get(pk=pk)


def state_changes(strategy_map: StrategyMap) -> list[StateChange]:
    return list(strategy_map.state_changes.select_related("by").order_by("at", "pk"))


def plan_years() -> QuerySet[PlanYear]:
    return PlanYear.objects.select_related("plan_period").order_by("-year")


def map_owner_units(user: Viewer, roles: tuple[str, ...]) -> QuerySet[Unit]:
    """Map-owning units where the user holds one of `roles` (for 'new map' choices)."""
    return Unit.objects.filter(unit_filter(user, "path", roles), owns_map=True, is_active=True).order_by(
        "path"
    )


# --------------------------------------------------------------------------- initiatives and risks

ON_TRACK = "on_track"
LATE = "late"


def initiative_status(milestones: Any, today: Any = None) -> str:
    """'late' when a milestone is past its due date and not done, else 'on_track' (derived, never stored)."""
    today = today or timezone.localdate()
    for milestone in milestones:
        if not milestone.done and milestone.due_date < today:
            return LATE
    return ON_TRACK


def _initiatives() -> QuerySet[Initiative]:
    return Initiative.objects.select_related(
        "owner_position", "map__unit", "map__plan_year"
    ).prefetch_related(
        Prefetch(
            "milestones", queryset=Milestone.objects.order_by("due_date", "pk"), to_attr="milestone_list"
        ),
        Prefetch(
            "progress_reports",
            queryset=ProgressReport.objects.select_related("by").order_by("date", "pk"),
            to_attr="report_list",
        ),
        Prefetch("objectives", queryset=Objective.objects.order_by("perspective__order", "code")),
    )


def _annotate_initiative(initiative: Initiative, today: Any = None) -> Initiative:
    # the initiative comes from `_initiatives()`, so it has the prefetched lists
    annotated = cast("WithAnnotations[Initiative, InitiativeDetails]", initiative)
    annotated.status = initiative_status(annotated.milestone_list, today)
    last = annotated.report_list[-1] if annotated.report_list else None
    annotated.progress = last.percent if last is not None else None
    return initiative


def initiatives_of_map(strategy_map: StrategyMap, today: Any = None) -> list[Initiative]:
    """A map's initiatives with milestones, progress reports, supported SS, status and latest progress."""
    return [_annotate_initiative(i, today) for i in _initiatives().filter(map=strategy_map).order_by("code")]


def initiative_for_page(pk: int) -> Initiative:
    return _annotate_initiative(_initiatives().get(pk=pk))


def initiatives_visible_to(user: Viewer) -> QuerySet[Initiative]:
    return _initiatives().filter(map__in=StrategyMap.objects.filter(maps_readable_filter(user)))


def _risks() -> QuerySet[Risk]:
    return Risk.objects.select_related(
        "owner_position", "objective__map__unit", "objective__map__plan_year"
    ).prefetch_related(
        Prefetch(
            "monitoring",
            queryset=RiskMonitoring.objects.select_related("by").order_by("date", "pk"),
            to_attr="monitoring_list",
        )
    )


def risks_of_objective(objective: Objective) -> list[Risk]:
    return list(_risks().filter(objective=objective).order_by("code"))


def risks_of_map(strategy_map: StrategyMap) -> list[Risk]:
    return list(
        _risks()
        .filter(objective__map=strategy_map)
        .order_by("objective__perspective__order", "objective__code", "code")
    )


def risk_for_page(pk: int) -> Risk:
    return _risks().get(pk=pk)


def risks_visible_to(user: Viewer) -> QuerySet[Risk]:
    return _risks().filter(objective__map__in=StrategyMap.objects.filter(maps_readable_filter(user)))


def unit_plan_of(strategy_map: StrategyMap) -> UnitPlan | None:
    return UnitPlan.objects.filter(
        plan_period=strategy_map.plan_year.plan_period_id, unit=strategy_map.unit_id
    ).first()


# --------------------------------------------------------------------------- year-on-year comparison


def previous_year_map(strategy_map: StrategyMap) -> StrategyMap | None:
    """The same unit's map of the plan year before this map's (one query), if there is one."""
    return (
        StrategyMap.objects.select_related("unit", "plan_year")
        .filter(unit=strategy_map.unit_id, plan_year__year=strategy_map.plan_year.year - 1)
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    """One field of a KPI that differs between the years, as display strings ("—" for empty)."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class ObjectiveChange:
    """An SS present in both years (same code) whose name or perspective changed."""

    old: Objective
    new: Objective

    @property
    def renamed(self) -> bool:
        return (self.old.name_id, self.old.name_en) != (self.new.name_id, self.new.name_en)

    @property
    def moved(self) -> bool:
        return self.old.perspective.code != self.new.perspective.code


@dataclass(frozen=True)
class KpiChange:
    """An IKU present in both years (same SS code and IKU code) whose manual or targets changed."""

    old: Kpi
    new: Kpi
    changes: list[FieldChange]


@dataclass(frozen=True)
class WeightChange:
    """A perspective (matched by its code) whose weight changed."""

    old: Perspective
    new: Perspective


@dataclass(frozen=True)
class LinkRef:
    """A cause-effect link by the codes of its SS (links are matched across years by these codes)."""

    cause: Objective
    effect: Objective


@dataclass
class MapComparison:
    """What changed from `old` (the earlier year's map) to `new`; see `compare_maps`."""

    old: StrategyMap
    new: StrategyMap
    objectives_added: list[Objective] = field(default_factory=list)
    objectives_removed: list[Objective] = field(default_factory=list)
    objectives_changed: list[ObjectiveChange] = field(default_factory=list)
    kpis_added: list[Kpi] = field(default_factory=list)
    kpis_removed: list[Kpi] = field(default_factory=list)
    kpis_changed: list[KpiChange] = field(default_factory=list)
    weights_changed: list[WeightChange] = field(default_factory=list)
    links_added: list[LinkRef] = field(default_factory=list)
    links_removed: list[LinkRef] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.objectives_added,
                self.objectives_removed,
                self.objectives_changed,
                self.kpis_added,
                self.kpis_removed,
                self.kpis_changed,
                self.weights_changed,
                self.links_added,
                self.links_removed,
            )
        )


# The KPI fields compared one by one (the band and the trajectory are compared as a whole below).
COMPARED_KPI_FIELDS = (
    "target",
    "polarity",
    "consolidation",
    "frequency",
    "validity",
    "controllability",
    "formula",
    "unit_of_measure",
    "weight",
)
EMPTY = "—"


def _shown(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, Decimal):
        normal = value.normalize()
        return number_format(normal.quantize(Decimal(1)) if normal == normal.to_integral() else normal)
    return str(value)


def _kpi_field(kpi: Kpi, name: str) -> str:
    display = getattr(kpi, f"get_{name}_display", None)
    return _shown(display() if display is not None and getattr(kpi, name) else getattr(kpi, name))


def _band(kpi: Kpi) -> str:
    if kpi.target_low is None and kpi.target_high is None:
        return EMPTY
    return f"{_shown(kpi.target_low)} – {_shown(kpi.target_high)}"


def _trajectory_change(old: MapData, new: MapData, old_kpi: Kpi, new_kpi: Kpi) -> FieldChange | None:
    """The trajectory summarised: the periods whose target changed (all periods if the frequency did)."""
    before = {t.period: t.target for t in old.trajectory(old_kpi)}
    after = {t.period: t.target for t in new.trajectory(new_kpi)}
    if before == after and old_kpi.frequency == new_kpi.frequency:
        return None
    if old_kpi.frequency == new_kpi.frequency:
        periods = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
        old_periods = new_periods = periods
    else:
        old_periods, new_periods = sorted(before), sorted(after)

    def summary(values: dict[int, Any], frequency: str, periods: list[int]) -> str:
        parts = [f"{period_label(frequency, p)}: {_shown(values.get(p))}" for p in periods]
        return "; ".join(parts) or EMPTY

    return FieldChange(
        "trajectory",
        _("Target per periode"),
        summary(before, old_kpi.frequency, old_periods),
        summary(after, new_kpi.frequency, new_periods),
    )


def _kpi_changes(old: MapData, new: MapData, old_kpi: Kpi, new_kpi: Kpi) -> list[FieldChange]:
    changes = []
    for name in COMPARED_KPI_FIELDS:
        if getattr(old_kpi, name) != getattr(new_kpi, name):
            label = capfirst(str(cast("Field[Any, Any]", Kpi._meta.get_field(name)).verbose_name))
            changes.append(FieldChange(name, label, _kpi_field(old_kpi, name), _kpi_field(new_kpi, name)))
        if name == "target" and (old_kpi.target_low, old_kpi.target_high) != (
            new_kpi.target_low,
            new_kpi.target_high,
        ):
            changes.append(FieldChange("band", _("Rentang target"), _band(old_kpi), _band(new_kpi)))
    trajectory = _trajectory_change(old, new, old_kpi, new_kpi)
    if trajectory is not None:
        changes.append(trajectory)
    return changes


def compare_maps(old: MapData, new: MapData) -> MapComparison:
    """What changed from one year's map to the next, from two `load_map_data` results (no queries).

    SS are matched by code (added, removed, renamed or moved to another
    perspective), IKU by SS code and IKU code (added, removed, and for those in
    both years the compared manual fields, the band and the trajectory),
    perspectives by their code (weights), links by the codes of their SS.
    """
    result = MapComparison(old.map, new.map)

    old_objectives = {o.code: o for o in old.objectives}
    new_objectives = {o.code: o for o in new.objectives}
    result.objectives_added = [o for code, o in new_objectives.items() if code not in old_objectives]
    result.objectives_removed = [o for code, o in old_objectives.items() if code not in new_objectives]
    for code, objective in new_objectives.items():
        if code in old_objectives:
            change = ObjectiveChange(old_objectives[code], objective)
            if change.renamed or change.moved:
                result.objectives_changed.append(change)

    def kpi_key(kpi: Kpi) -> tuple[str, str]:
        return (kpi.objective.code, kpi.code)

    def kpi_order(kpi: Kpi) -> tuple[int, str, str]:
        return (kpi.objective.perspective.order, kpi.objective.code, kpi.code)

    old_kpis = {kpi_key(k): k for k in old.kpis}
    new_kpis = {kpi_key(k): k for k in new.kpis}
    result.kpis_added = sorted((k for key, k in new_kpis.items() if key not in old_kpis), key=kpi_order)
    result.kpis_removed = sorted((k for key, k in old_kpis.items() if key not in new_kpis), key=kpi_order)
    for key, kpi in sorted(new_kpis.items(), key=lambda item: kpi_order(item[1])):
        if key in old_kpis:
            changes = _kpi_changes(old, new, old_kpis[key], kpi)
            if changes:
                result.kpis_changed.append(KpiChange(old_kpis[key], kpi, changes))

    old_perspectives = {p.code: p for p in old.perspectives}
    result.weights_changed = [
        WeightChange(old_perspectives[p.code], p)
        for p in new.perspectives
        if p.code in old_perspectives and old_perspectives[p.code].weight != p.weight
    ]

    old_links = {(link.cause.code, link.effect.code): link for link in old.links}
    new_links = {(link.cause.code, link.effect.code): link for link in new.links}
    result.links_added = [
        LinkRef(link.cause, link.effect) for key, link in new_links.items() if key not in old_links
    ]
    result.links_removed = [
        LinkRef(link.cause, link.effect) for key, link in old_links.items() if key not in new_links
    ]
    return result
