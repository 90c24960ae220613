"""Reads shared by the strategy pages, the drawing, the validation engine and the API.

`load_map_data` fetches a whole map — perspectives, objectives, links, KPIs and
their trajectories — in a fixed number of queries whatever the map's size, so
the map page's query count does not grow with the map.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from kinerja.accounts.scope import paths_for, unit_filter
from kinerja.kpis.models import Kpi, PeriodTarget
from kinerja.organisations.models import Unit

from .models import MapState, Objective, ObjectiveLink, Perspective, PlanYear, StateChange, StrategyMap

TREE_STEPLEN = Unit.steplen


@dataclass
class MapData:
    """A strategy map with everything on it, loaded once (see `load_map_data`)."""

    map: StrategyMap
    perspectives: list[Perspective]
    objectives: list[Objective]
    links: list[ObjectiveLink]
    kpis: list[Kpi]
    period_targets: dict[int, list[PeriodTarget]] = field(default_factory=dict)

    def kpis_of(self, objective: Objective) -> list[Kpi]:
        return self._kpis_by_objective.get(objective.pk, [])

    def objectives_of(self, perspective: Perspective) -> list[Objective]:
        return [o for o in self.objectives if o.perspective_id == perspective.pk]

    def trajectory(self, kpi: Kpi) -> list[PeriodTarget]:
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
    perspectives = list(strategy_map.perspectives.order_by("order"))
    by_id = {p.pk: p for p in perspectives}
    objectives = list(
        strategy_map.objectives.select_related("theme", "owner_position").order_by(
            "perspective__order", "code"
        )
    )
    for objective in objectives:
        objective.map = strategy_map
        if objective.perspective_id in by_id:
            objective.perspective = by_id[objective.perspective_id]
    objectives_by_id = {o.pk: o for o in objectives}
    links = list(strategy_map.links.order_by("pk"))
    for link in links:
        link.map = strategy_map
        if link.cause_id in objectives_by_id:
            link.cause = objectives_by_id[link.cause_id]
        if link.effect_id in objectives_by_id:
            link.effect = objectives_by_id[link.effect_id]
    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map)
        .select_related("owner_position")
        .order_by("objective", "code")
    )
    for kpi in kpis:
        kpi.objective = objectives_by_id[kpi.objective_id]
    targets: dict[int, list[PeriodTarget]] = defaultdict(list)
    for target in PeriodTarget.objects.filter(kpi__objective__map=strategy_map).order_by("kpi", "period"):
        targets[target.kpi_id].append(target)
    return MapData(strategy_map, perspectives, objectives, links, kpis, dict(targets))


def _ancestor_paths(paths: tuple[str, ...]) -> set[str]:
    return {p[:i] for p in paths for i in range(TREE_STEPLEN, len(p) + 1, TREE_STEPLEN)}


def visible_maps_filter(user: Any) -> Q:
    """Maps a user may see: every map of a unit they reach, and approved maps of the units above theirs.

    The second half lets an office read the approved maps it cascades from
    (its echelon I's, the ministry's) without seeing their drafts.
    """
    own = unit_filter(user, "unit__path")
    ancestors = _ancestor_paths(paths_for(user))
    if not ancestors:
        return own
    return own | Q(state=MapState.APPROVED, unit__path__in=sorted(ancestors))


def maps_visible_to(user: Any) -> QuerySet[StrategyMap]:
    return (
        StrategyMap.objects.filter(visible_maps_filter(user))
        .select_related("unit", "plan_year")
        .annotate(objective_count=Count("objectives", distinct=True))
        .order_by("-plan_year__year", "unit__path")
    )


def map_for_page(pk: int) -> StrategyMap:
    return StrategyMap.objects.select_related("unit", "plan_year").get(pk=pk)


def state_changes(strategy_map: StrategyMap) -> list[StateChange]:
    return list(strategy_map.state_changes.select_related("by").order_by("at", "pk"))


def plan_years() -> QuerySet[PlanYear]:
    return PlanYear.objects.select_related("plan_period").order_by("-year")


def map_owner_units(user: Any, roles: tuple[str, ...]) -> QuerySet[Unit]:
    """Map-owning units where the user holds one of `roles` (for 'new map' choices)."""
    return Unit.objects.filter(unit_filter(user, "path", roles), owns_map=True, is_active=True).order_by(
        "path"
    )
