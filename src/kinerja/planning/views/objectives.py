"""SS (strategic objectives) and their cause-effect links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.web import service_errors_on
from kinerja.planning.kpi_selectors import kpis_of_objective

from .. import selectors, services
from ..forms import (
    LinkForm,
    ObjectiveForm,
)
from ..models import Objective, ObjectiveLink, StrategyMap
from .access import on_visible_map, require_change, visible_map, visible_objective


def _save_objective(
    request: HttpRequest, strategy_map: StrategyMap, objective: Objective | None
) -> HttpResponse:
    form = ObjectiveForm(request.POST or None, instance=objective, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            saved = services.save_objective(
                strategy_map=strategy_map,
                objective=objective,
                perspective=data["perspective"],
                code=data["code"],
                name_id=data["name_id"],
                name_en=data["name_en"],
                description=data["description"],
                theme=data["theme"],
                owner_position=data["owner_position"],
                weight=data["weight"],
                by=request.user,
            )
            messages.success(request, _("SS %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:objective", saved.pk)
    title = _("Ubah SS %(code)s") % {"code": objective.code} if objective else _("SS baru")
    cancel = (
        reverse("strategy:objective", args=[objective.pk])
        if objective
        else reverse("strategy:map", args=[strategy_map.pk])
    )
    return render(
        request,
        "planning/form.html",
        {"form": form, "map": strategy_map, "title": title, "cancel_url": cancel},
    )


@login_required
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require_change(request, strategy_map)
    return _save_objective(request, strategy_map, None)


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = visible_objective(request, pk)
    require_change(request, objective.map)
    return _save_objective(request, objective.map, objective)


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = visible_objective(request, pk)
    links = ObjectiveLink.objects.filter(map=objective.map_id).select_related("cause", "effect")
    return render(
        request,
        "planning/objective_detail.html",
        {
            "objective": objective,
            "map": objective.map,
            "kpis": kpis_of_objective(objective),
            "causes": [link for link in links if link.effect_id == objective.pk],
            "effects": [link for link in links if link.cause_id == objective.pk],
            "can_edit": services.can(request.user, "change", objective.map),
            "risks": selectors.risks_of_objective(objective),
            "initiatives": objective.initiatives.order_by("code"),
        },
    )


@login_required
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = visible_objective(request, pk)
    require_change(request, objective.map)
    if request.method == "POST":
        services.delete_objective(objective=objective, by=request.user)
        messages.success(request, _("SS %(code)s dihapus.") % {"code": objective.code})
        return redirect("strategy:map", objective.map_id)
    return render(
        request,
        "planning/confirm_delete.html",
        {"object": objective, "map": objective.map, "cancel_url": reverse("strategy:objective", args=[pk])},
    )


@login_required
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require_change(request, strategy_map)
    form = LinkForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.add_link(
                cause=form.cleaned_data["cause"], effect=form.cleaned_data["effect"], by=request.user
            )
            messages.success(request, _("Hubungan sebab-akibat ditambahkan."))
            return redirect(reverse("strategy:map", args=[pk]) + "#hubungan")
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Hubungan sebab-akibat baru"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link: ObjectiveLink = on_visible_map(request, ObjectiveLink, pk)
    require_change(request, link.map)
    services.delete_link(link=link, by=request.user)
    messages.success(request, _("Hubungan sebab-akibat dihapus."))
    return redirect(reverse("strategy:map", args=[link.map_id]) + "#hubungan")
