"""Reads shared by the strategy pages, the drawing, the validation engine and the API.

`load_map_data` fetches a whole map — perspectives, objectives, links, KPIs and
their trajectories — in a fixed number of queries whatever the map's size, so
the map page's query count does not grow with the map.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Count, Q, QuerySet

from kinerja.accounts.scope import paths_for, unit_filter
from kinerja.kpis.models import Kpi, PeriodTarget
from kinerja.organisations.models import Unit

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
    from decimal import Decimal
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    class InitiativeDetails(TypedDict):
        """What `_initiatives` prefetches (the lists) and `_annotate_initiative` adds (status, progress)."""

        milestone_list: list[Milestone]
        report_list: list[ProgressReport]
        status: str
        progress: Decimal | None


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


# --------------------------------------------------------------------------- initiatives and risks

ON_TRACK = "on_track"
LATE = "late"


def initiative_status(milestones: Any, today: Any = None) -> str:
    """'late' when a milestone is past its due date and not done, else 'on_track' (derived, never stored)."""
    from django.utils import timezone

    today = today or timezone.localdate()
    for milestone in milestones:
        if not milestone.done and milestone.due_date < today:
            return LATE
    return ON_TRACK


def _initiatives() -> QuerySet[Initiative]:
    from django.db.models import Prefetch

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


def initiatives_visible_to(user: Any) -> QuerySet[Initiative]:
    return _initiatives().filter(map__in=StrategyMap.objects.filter(visible_maps_filter(user)))


def _risks() -> QuerySet[Risk]:
    from django.db.models import Prefetch

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


def risks_visible_to(user: Any) -> QuerySet[Risk]:
    return _risks().filter(objective__map__in=StrategyMap.objects.filter(visible_maps_filter(user)))


def unit_plan_of(strategy_map: StrategyMap) -> UnitPlan | None:
    return UnitPlan.objects.filter(
        plan_period=strategy_map.plan_year.plan_period_id, unit=strategy_map.unit_id
    ).first()
