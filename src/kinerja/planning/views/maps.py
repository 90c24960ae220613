"""Strategy maps: the list, a new map, the map page and its picture, editing, perspectives, the workflow, copying."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.search import paged
from kinerja.common.web import require, service_errors_on

from .. import drawing, exports, selectors, services
from ..forms import (
    CopyForm,
    MapCreateForm,
    MapForm,
    PerspectivesForm,
    ReasonForm,
)
from ..models import StrategyMap
from ..validation import validate_map
from .access import download_name, require_change, visible_map

MAP_PAGE_SIZE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The maps the user may read: one plan year at a time (newest first), searchable by unit, 50 a page."""
    years = selectors.map_years_visible_to(request.user)
    asked = request.GET.get("tahun", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else None)
    q = request.GET.get("q", "").strip()
    maps = selectors.maps_visible_to(request.user, year=year, search=q)
    page, query = paged(request, maps, MAP_PAGE_SIZE, tahun=year)
    return render(
        request,
        "planning/index.html",
        {
            "years": years,
            "year": year,
            "page": page,
            "q": q,
            "query": query,
            "can_create": request.user.has_perm("planning.add_strategymap"),
        },
    )


@login_required
def map_create(request: HttpRequest) -> HttpResponse:
    require(request, "planning.add_strategymap", None)
    form = MapCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            strategy_map = services.create_map(
                unit=form.cleaned_data["unit"], plan_year=form.cleaned_data["plan_year"], by=request.user
            )
            messages.success(request, _("Peta strategi dibuat."))
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "planning/form.html",
        {"form": form, "title": _("Peta strategi baru"), "cancel_url": reverse("strategy:index")},
    )


def _map_context(request: HttpRequest, strategy_map: StrategyMap) -> dict[str, Any]:
    data = selectors.load_map_data(strategy_map)
    findings = validate_map(data)
    user = request.user
    svg = drawing.draw_map(data, href=lambda pk: reverse("strategy:objective", args=[pk]), title="")
    kpi_counts = {o.pk: len(data.kpis_of(o)) for o in data.objectives}
    bands = [
        {"perspective": p, "objectives": [(o, kpi_counts[o.pk]) for o in data.objectives_of(p)]}
        for p in data.perspectives
    ]
    weights = [p.weight for p in data.perspectives if p.weight is not None]
    previous = selectors.previous_year_map(strategy_map)
    return {
        "map": strategy_map,
        "data": data,
        "svg": svg,
        "bands": bands,
        "weight_total": sum(weights) if weights else None,
        "findings": findings,
        "blocking": [f for f in findings if f.blocks],
        "warnings": [f for f in findings if not f.blocks],
        "changes": selectors.state_changes(strategy_map),
        "can_edit": services.can(user, "change", strategy_map),
        "can_submit": services.can(user, "submit", strategy_map),
        "can_approve": services.can(user, "approve", strategy_map),
        "can_return": services.can(user, "return", strategy_map),
        "can_revise": services.can(user, "revise", strategy_map),
        "can_copy": user.has_perm("planning.copy_strategymap", strategy_map),
        "can_plan_unit": user.has_perm("planning.add_strategymap", strategy_map.unit),
        "reason_form": ReasonForm(),
        "initiatives": selectors.initiatives_of_map(strategy_map),
        "themes": list(strategy_map.themes.order_by("code")),
        "previous_map": previous
        if previous and user.has_perm("planning.view_strategymap", previous)
        else None,
    }


@login_required
def map_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    return render(request, "planning/map_detail.html", _map_context(request, strategy_map))


@login_required
def map_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed since the unit's map of the year before (404 if there is none the user may see)."""
    strategy_map = visible_map(request, pk)
    previous = selectors.previous_year_map(strategy_map)
    if previous is None or not request.user.has_perm("planning.view_strategymap", previous):
        raise Http404
    comparison = selectors.compare_maps(
        selectors.load_map_data(previous), selectors.load_map_data(strategy_map)
    )
    return render(
        request,
        "planning/map_compare.html",
        {"map": strategy_map, "previous": previous, "comparison": comparison},
    )


def _map_svg(strategy_map: StrategyMap) -> str:
    data = selectors.load_map_data(strategy_map)
    return drawing.draw_map(
        data,
        title=_("Peta Strategi %(unit)s %(year)s")
        % {
            "unit": strategy_map.unit.name,
            "year": strategy_map.plan_year.year,
        },
    )


@login_required
def map_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The map picture as SVG, PNG or PDF (PNG and PDF rendered from the same SVG)."""
    strategy_map = visible_map(request, pk)
    svg = _map_svg(strategy_map)
    if fmt == "svg":
        body, content_type = svg.encode("utf-8"), "image/svg+xml"
    elif fmt == "png":
        body, content_type = exports.svg_to_png(svg), "image/png"
    elif fmt == "pdf":
        body, content_type = exports.svg_to_pdf(svg), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if fmt == "svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{download_name(strategy_map, fmt)}"'
    return response


@login_required
def map_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require_change(request, strategy_map)
    form = MapForm(request.POST or None, instance=strategy_map)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_map(
                strategy_map=strategy_map,
                vision=form.cleaned_data["vision"],
                mission=form.cleaned_data["mission"],
                by=request.user,
            )
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Visi dan misi"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


@login_required
def perspectives_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require_change(request, strategy_map)
    perspectives = list(strategy_map.perspectives.order_by("order"))
    form = PerspectivesForm(request.POST or None, perspectives=perspectives)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_perspectives(strategy_map=strategy_map, values=form.values(), by=request.user)
            messages.success(request, _("Perspektif disimpan."))
            return redirect("strategy:map", strategy_map.pk)
    return render(request, "planning/perspectives_form.html", {"form": form, "map": strategy_map})


TRANSITIONS = {  # URL word: (service action, needs a reason)
    "ajukan": ("submit", False),
    "setujui": ("approve", False),
    "kembalikan": ("return", True),
    "revisi": ("revise", True),
}


@login_required
@require_POST
def map_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Workflow buttons: submit, approve, return (with reason), revise (with reason)."""
    strategy_map = visible_map(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    step, needs_reason = TRANSITIONS[action]
    require(request, services.ACTION_PERM[step], strategy_map)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        if action == "ajukan":
            services.submit_map(strategy_map=strategy_map, by=request.user)
            messages.success(request, _("Peta strategi diajukan."))
        elif action == "setujui":
            services.approve_map(strategy_map=strategy_map, by=request.user)
            messages.success(request, _("Peta strategi disetujui."))
        elif action == "kembalikan":
            services.return_map(strategy_map=strategy_map, reason=reason, by=request.user)
            messages.success(request, _("Peta strategi dikembalikan untuk diperbaiki."))
        else:
            services.revise_map(strategy_map=strategy_map, reason=reason, by=request.user)
            messages.success(request, _("Revisi peta strategi dimulai."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        if needs_reason and not form.is_valid():
            context = _map_context(request, selectors.map_for_page(pk))
            context["reason_form"] = form
            return render(request, "planning/map_detail.html", context, status=400)
    return redirect("strategy:map", pk)


@login_required
def map_copy(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require(request, "planning.copy_strategymap", strategy_map)
    form = CopyForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            copy = services.copy_year(
                from_map=strategy_map, to_year=form.cleaned_data["to_year"], by=request.user
            )
            messages.success(
                request, _("Peta strategi disalin ke tahun %(year)s.") % {"year": copy.plan_year.year}
            )
            return redirect("strategy:map", copy.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Salin peta ke tahun lain"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )
