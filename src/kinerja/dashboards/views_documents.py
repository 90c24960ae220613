"""Printable documents of a strategy map (issue 14 items 4 and 5): the KPI manual booklet of the unit and
year (PDF), and the map coloured by status for a period (page, PDF, PNG).

Read rules are the map's and the scorecard's own: the booklet needs `planning.view_strategymap`, the
coloured map also `reporting.view_scoresnapshot` (it shows scores); a map the user may not read does not
exist for them (404), as on the map and scorecard pages.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from kinerja.common.web import visible_or_404
from kinerja.planning import exports
from kinerja.planning.models import StrategyMap
from kinerja.planning.selectors import map_for_page
from kinerja.reporting.selectors import periods_of

from . import booklet, status_map

STATUS_MAP_FORMATS = {"pdf": "application/pdf", "png": "image/png"}


def _language(request: HttpRequest) -> str:
    """`?lang=` when it names a language of the interface, else the request's (the user's choice)."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


def _readable_map(request: HttpRequest, pk: int) -> StrategyMap:
    return visible_or_404(request, map_for_page, "planning.view_strategymap", pk=pk)


def _scored_map(request: HttpRequest, pk: int) -> StrategyMap:
    """The map, if the user may read it and its scores (else 404, as the scorecard page answers)."""
    strategy_map = _readable_map(request, pk)
    if not request.user.has_perm("reporting.view_scoresnapshot", strategy_map):
        raise Http404
    return strategy_map


@login_required
@require_safe
def kpi_booklet(request: HttpRequest, pk: int) -> HttpResponse:
    """The KPI manual booklet of the map's unit and year as PDF; `?lang=en` for English."""
    strategy_map = _readable_map(request, pk)
    with translation.override(_language(request)):
        body = booklet.render_pdf(strategy_map)
        name = booklet.filename(strategy_map)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _asked_period(request: HttpRequest) -> int | None:
    value = request.GET.get("periode", "")
    if not value:
        return None
    if not value.isdigit():
        raise Http404
    return int(value)


@login_required
@require_safe
def status_map_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The map coloured by status for `?periode=` (default: the latest period with a score)."""
    strategy_map = _scored_map(request, pk)
    periods = periods_of(strategy_map.plan_year_id)
    asked = _asked_period(request)
    period = status_map.pick_period(strategy_map, periods, asked)
    if asked is not None and period is None:
        raise Http404
    coloured = status_map.build(strategy_map, period, heading="")
    return render(
        request,
        "dashboards/documents/status_map.html",
        {"map": strategy_map, "period": period, "periods": periods, "coloured": coloured},
    )


@login_required
@require_safe
def status_map_download(request: HttpRequest, pk: int, period: int, fmt: str) -> HttpResponse:
    """The coloured map of a period on an A4 landscape page, as PDF or PNG."""
    if fmt not in STATUS_MAP_FORMATS:
        raise Http404
    strategy_map = _scored_map(request, pk)
    chosen = status_map.pick_period(strategy_map, periods_of(strategy_map.plan_year_id), period)
    if chosen is None:
        raise Http404
    with translation.override(_language(request)):
        svg = status_map.build(strategy_map, chosen).svg
        body = exports.svg_to_pdf(svg) if fmt == "pdf" else exports.page_to_png(svg)
    name = f"peta-status-{slugify(strategy_map.unit.code)}-{slugify(chosen.label)}.{fmt}"
    response = HttpResponse(body, content_type=STATUS_MAP_FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
