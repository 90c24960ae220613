"""What every planning page asks first: is the map visible (else 404), may the user change it now (else 403)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest
from django.utils.text import slugify

from kinerja.common.web import visible_or_404

from .. import selectors, services
from ..models import Objective, StrategyMap


def visible_map(request: HttpRequest, pk: int) -> StrategyMap:
    return visible_or_404(request, selectors.map_for_page, "planning.view_strategymap", pk=pk)


def on_visible_map(request: HttpRequest, model: type[Model], pk: int) -> Any:
    """A part of a map (a theme, a link) by `pk`, if the user may read its map, else 404."""
    return visible_or_404(
        request,
        model._default_manager.select_related("map__unit", "map__plan_year"),
        "planning.view_strategymap",
        of=lambda part: part.map,  # type: ignore[attr-defined]
        pk=pk,
    )


def require_change(request: HttpRequest, strategy_map: StrategyMap) -> None:
    """403 unless the user may edit the map now (its state allows edits and the user plans for its unit)."""
    if not services.can(request.user, "change", strategy_map):
        raise PermissionDenied


def visible_objective(request: HttpRequest, pk: int) -> Objective:
    return visible_or_404(
        request,
        Objective.objects.select_related(
            "map__unit", "map__plan_year", "perspective", "theme", "owner_position"
        ),
        "planning.view_objective",
        pk=pk,
    )


def download_name(strategy_map: StrategyMap, ext: str) -> str:
    return f"peta-strategi-{slugify(strategy_map.unit.code)}-{strategy_map.plan_year.year}.{ext}"
