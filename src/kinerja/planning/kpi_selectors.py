"""Reads of KPIs shared by the pages and the API."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet

from kinerja.accounts.scope import Viewer
from kinerja.planning.models import Objective, StrategyMap
from kinerja.planning.selectors import maps_readable_filter

from .models import PERIODS_PER_YEAR, Kpi, PeriodTarget


def _with_trajectory(queryset: QuerySet[Kpi]) -> QuerySet[Kpi]:
    return queryset.prefetch_related(
        Prefetch("period_targets", queryset=PeriodTarget.objects.order_by("period"), to_attr="trajectory")
    )


def kpis_of_objective(objective: Objective) -> list[Kpi]:
    kpis = list(_with_trajectory(objective.kpis.select_related("owner_position").order_by("code")))
    for kpi in kpis:
        kpi.objective = objective
    return kpis


def kpis_readable_by(user: Viewer) -> QuerySet[Kpi]:
    """The KPIs `user` may read: those on the maps `maps_readable_by` the user (the rule lives there)."""
    return Kpi.objects.filter(objective__map__in=StrategyMap.objects.filter(maps_readable_filter(user)))


def kpis_visible_to(user: Viewer) -> QuerySet[Kpi]:
    """KPIs on the maps the user may read, map by map, in perspective and code order."""
    return (
        kpis_readable_by(user)
        .select_related("objective__map__unit", "objective__map__plan_year", "objective__perspective")
        .order_by(
            "-objective__map__plan_year__year",
            "objective__map__unit__path",
            "objective__perspective__order",
            "objective__code",
            "code",
        )
    )


def search_kpis(queryset: QuerySet[Kpi], q: str = "") -> QuerySet[Kpi]:
    """KPIs whose code or name (either language) contains `q` (a trigram index answers it on PostgreSQL)."""
    q = (q or "").strip()
    if not q:
        return queryset
    return queryset.filter(Q(code__icontains=q) | Q(name_id__icontains=q) | Q(name_en__icontains=q))


def kpi_for_page(pk: int) -> Kpi:
    queryset = _with_trajectory(
        Kpi.objects.select_related(
            "objective__map__unit", "objective__map__plan_year", "objective__perspective", "owner_position"
        )
    )
    return queryset.get(pk=pk)


def suggested_trajectory(*, frequency: str, consolidation: str, target: Decimal | None) -> list[Decimal]:
    """A trajectory that reaches `target`: equal shares for `sum`, the target itself each period otherwise."""
    count = PERIODS_PER_YEAR[frequency]
    if target is None or not target.is_finite():  # NaN or ±Infinity reach nothing (and cannot be divided)
        return []
    if consolidation == "sum" and count > 1:
        share = (target / count).quantize(Decimal("0.0001"))
        return [share] * (count - 1) + [target - share * (count - 1)]
    return [target] * count
