"""Strategic initiatives: their pages, progress reports and milestones."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.web import require, service_errors_on, visible_or_404

from .. import selectors, services
from ..forms import (
    InitiativeForm,
    MilestoneForm,
    ProgressForm,
)
from ..models import Initiative, Milestone, StrategyMap
from .access import require_change, visible_map


def _visible_initiative(request: HttpRequest, pk: int) -> Initiative:
    return visible_or_404(request, selectors.initiative_for_page, "planning.view_initiative", pk=pk)


def _save_initiative(
    request: HttpRequest, strategy_map: StrategyMap, initiative: Initiative | None
) -> HttpResponse:
    form = InitiativeForm(request.POST or None, instance=initiative, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            saved = services.save_initiative(
                strategy_map=strategy_map,
                initiative=initiative,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data["name_en"],
                description=data["description"],
                owner_position=data["owner_position"],
                owner_text=data["owner_text"],
                budget=data["budget"],
                start=data["start"],
                end=data["end"],
                objectives=data["objectives"],
                by=request.user,
            )
            messages.success(request, _("Inisiatif %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:initiative", saved.pk)
    title = (
        _("Ubah inisiatif %(code)s") % {"code": initiative.code}
        if initiative
        else _("Inisiatif strategis baru")
    )
    cancel = (
        reverse("strategy:initiative", args=[initiative.pk])
        if initiative
        else reverse("strategy:map", args=[strategy_map.pk]) + "#inisiatif"
    )
    return render(
        request,
        "planning/form.html",
        {"form": form, "map": strategy_map, "title": title, "cancel_url": cancel},
    )


@login_required
def initiative_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = visible_map(request, pk)
    require_change(request, strategy_map)
    return _save_initiative(request, strategy_map, None)


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    return render(
        request,
        "planning/initiative_detail.html",
        {
            "initiative": initiative,
            "map": initiative.map,
            "can_edit": services.can(request.user, "change", initiative.map),
            "can_monitor": request.user.has_perm("planning.monitor_initiative", initiative),
            "progress_form": ProgressForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    require_change(request, initiative.map)
    return _save_initiative(request, initiative.map, initiative)


@login_required
def initiative_delete(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    require_change(request, initiative.map)
    if request.method == "POST":
        services.delete_initiative(initiative=initiative, by=request.user)
        messages.success(request, _("Inisiatif %(code)s dihapus.") % {"code": initiative.code})
        return redirect(reverse("strategy:map", args=[initiative.map_id]) + "#inisiatif")
    return render(
        request,
        "planning/confirm_delete.html",
        {
            "object": initiative,
            "map": initiative.map,
            "cancel_url": reverse("strategy:initiative", args=[pk]),
        },
    )


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a progress report (monitoring: allowed on an approved map too)."""
    initiative = _visible_initiative(request, pk)
    require(request, "planning.monitor_initiative", initiative)
    form = ProgressForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.add_progress_report(
                initiative=initiative,
                date=form.cleaned_data["date"],
                percent=form.cleaned_data["percent"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
            messages.success(request, _("Laporan kemajuan dicatat."))
            return redirect(reverse("strategy:initiative", args=[pk]) + "#kemajuan")
    context = {
        "initiative": initiative,
        "map": initiative.map,
        "can_edit": services.can(request.user, "change", initiative.map),
        "can_monitor": True,
        "progress_form": form,
    }
    return render(request, "planning/initiative_detail.html", context, status=400)


def _visible_milestone(request: HttpRequest, pk: int) -> Milestone:
    return visible_or_404(
        request,
        Milestone.objects.select_related("initiative__map__unit", "initiative__map__plan_year"),
        "planning.view_initiative",
        of=lambda milestone: milestone.initiative,
        pk=pk,
    )


def _save_milestone(
    request: HttpRequest, initiative: Initiative, milestone: Milestone | None
) -> HttpResponse:
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            services.save_milestone(
                initiative=initiative,
                milestone=milestone,
                name=data["name"],
                due_date=data["due_date"],
                done=data["done"],
                done_on=data["done_on"],
                by=request.user,
            )
            messages.success(request, _("Tonggak capaian disimpan."))
            return redirect(reverse("strategy:initiative", args=[initiative.pk]) + "#tonggak")
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": initiative.map,
            "title": _("Tonggak capaian %(code)s") % {"code": initiative.code},
            "cancel_url": reverse("strategy:initiative", args=[initiative.pk]),
        },
    )


@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    require_change(request, initiative.map)
    return _save_milestone(request, initiative, None)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    require_change(request, milestone.initiative.map)
    return _save_milestone(request, milestone.initiative, milestone)


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    require_change(request, milestone.initiative.map)
    services.delete_milestone(milestone=milestone, by=request.user)
    messages.success(request, _("Tonggak capaian dihapus."))
    return redirect(reverse("strategy:initiative", args=[milestone.initiative_id]) + "#tonggak")


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a milestone done or not done (monitoring: allowed on an approved map too)."""
    milestone = _visible_milestone(request, pk)
    require(request, "planning.monitor_initiative", milestone.initiative)
    services.set_milestone_done(milestone=milestone, done=request.POST.get("done") == "1", by=request.user)
    return redirect(reverse("strategy:initiative", args=[milestone.initiative_id]) + "#tonggak")
