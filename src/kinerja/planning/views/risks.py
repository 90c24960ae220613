"""Risks of an SS and their monitoring."""

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
    MonitoringForm,
    RiskForm,
)
from ..models import Objective, Risk
from .access import require_change, visible_objective


def _visible_risk(request: HttpRequest, pk: int) -> Risk:
    return visible_or_404(request, selectors.risk_for_page, "planning.view_risk", pk=pk)


def _save_risk(request: HttpRequest, objective: Objective, risk: Risk | None) -> HttpResponse:
    form = RiskForm(request.POST or None, instance=risk, strategy_map=objective.map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            saved = services.save_risk(
                objective=objective,
                risk=risk,
                code=data["code"],
                description=data["description"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                mitigation=data["mitigation"],
                owner_position=data["owner_position"],
                owner_text=data["owner_text"],
                by=request.user,
            )
            messages.success(request, _("Risiko %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:risk", saved.pk)
    title = (
        _("Ubah risiko %(code)s") % {"code": risk.code}
        if risk
        else _("Risiko baru untuk SS %(code)s") % {"code": objective.code}
    )
    cancel = (
        reverse("strategy:risk", args=[risk.pk])
        if risk
        else reverse("strategy:objective", args=[objective.pk])
    )
    return render(
        request,
        "planning/form.html",
        {"form": form, "map": objective.map, "objective": objective, "title": title, "cancel_url": cancel},
    )


@login_required
def risk_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = visible_objective(request, pk)
    require_change(request, objective.map)
    return _save_risk(request, objective, None)


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    return render(
        request,
        "planning/risk_detail.html",
        {
            "risk": risk,
            "objective": risk.objective,
            "map": risk.objective.map,
            "can_edit": services.can(request.user, "change", risk.objective.map),
            "can_monitor": request.user.has_perm("planning.monitor_risk", risk),
            "monitoring_form": MonitoringForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    require_change(request, risk.objective.map)
    return _save_risk(request, risk.objective, risk)


@login_required
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    require_change(request, risk.objective.map)
    if request.method == "POST":
        services.delete_risk(risk=risk, by=request.user)
        messages.success(request, _("Risiko %(code)s dihapus.") % {"code": risk.code})
        return redirect("strategy:objective", risk.objective_id)
    return render(
        request,
        "planning/confirm_delete.html",
        {"object": risk, "map": risk.objective.map, "cancel_url": reverse("strategy:risk", args=[pk])},
    )


@login_required
@require_POST
def monitoring_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a risk monitoring entry (monitoring: allowed on an approved map too)."""
    risk = _visible_risk(request, pk)
    require(request, "planning.monitor_risk", risk)
    form = MonitoringForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            services.add_risk_monitoring(
                risk=risk, date=form.cleaned_data["date"], note=form.cleaned_data["note"], by=request.user
            )
            messages.success(request, _("Pemantauan risiko dicatat."))
            return redirect(reverse("strategy:risk", args=[pk]) + "#pemantauan")
    context = {
        "risk": risk,
        "objective": risk.objective,
        "map": risk.objective.map,
        "can_edit": services.can(request.user, "change", risk.objective.map),
        "can_monitor": True,
        "monitoring_form": form,
    }
    return render(request, "planning/risk_detail.html", context, status=400)
