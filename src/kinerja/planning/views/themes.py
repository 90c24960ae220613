"""Strategic themes of a map and the unit's Renstra plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.web import require, service_errors_on

from .. import selectors, services
from ..forms import (
    ThemeForm,
    UnitPlanForm,
)
from ..models import Theme
from .access import on_visible_map, require_change, visible_map


@login_required
def themes(request: HttpRequest, pk: int) -> HttpResponse:
    """The map's themes: list (with their SS), add or rename (same code), delete."""
    strategy_map = visible_map(request, pk)
    can_edit = services.can(request.user, "change", strategy_map)
    form = ThemeForm(request.POST or None)
    if request.method == "POST":
        require_change(request, strategy_map)
        if form.is_valid():
            with service_errors_on(form):
                services.save_theme(
                    strategy_map=strategy_map,
                    code=form.cleaned_data["code"].strip(),
                    name_id=form.cleaned_data["name_id"],
                    name_en=form.cleaned_data["name_en"],
                    by=request.user,
                )
                messages.success(request, _("Tema disimpan."))
                return redirect("strategy:themes", pk)
    listed = strategy_map.themes.prefetch_related("objectives").order_by("code")
    return render(
        request,
        "planning/themes.html",
        {"map": strategy_map, "themes": listed, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    theme: Theme = on_visible_map(request, Theme, pk)
    require_change(request, theme.map)
    services.delete_theme(theme=theme, by=request.user)
    messages.success(request, _("Tema dihapus."))
    return redirect("strategy:themes", theme.map_id)


@login_required
def unit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's Renstra plan (vision, mission, goals) for the map's plan period."""
    strategy_map = visible_map(request, pk)
    require(request, "planning.add_strategymap", strategy_map.unit)
    current = selectors.unit_plan_of(strategy_map)
    form = UnitPlanForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.save_unit_plan(
            plan_period=strategy_map.plan_year.plan_period,
            unit=strategy_map.unit,
            vision=form.cleaned_data["vision"],
            mission=form.cleaned_data["mission"],
            goals=form.cleaned_data["goals"],
            by=request.user,
        )
        messages.success(request, _("Visi, misi, dan tujuan Renstra disimpan."))
        return redirect("strategy:map", pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Renstra %(unit)s: visi, misi, dan tujuan") % {"unit": strategy_map.unit.code},
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )
