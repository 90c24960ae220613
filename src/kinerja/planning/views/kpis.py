"""KPI pages: the list, the KPI manual (printable), the manual form with its trajectory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.common.forms import shown_number
from kinerja.common.search import paged
from kinerja.common.web import service_errors_on, visible_or_404
from kinerja.planning.models import Objective
from kinerja.planning.services import can

from .. import kpi_selectors as selectors
from .. import kpi_services as services
from ..forms import KpiForm, TrajectoryProbeForm
from ..models import PERIODS_PER_YEAR, Kpi, PeriodTarget, period_label


def _visible_kpi(request: HttpRequest, pk: int) -> Kpi:
    return visible_or_404(request, selectors.kpi_for_page, "planning.view_kpi", pk=pk)


INDEX_PAGE_SIZE = 100
SEARCH_COUNT_CAP = 1000


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The KPIs the user may read, searched by code or name, a page at a time, grouped by map within the page."""
    q = request.GET.get("q", "").strip()
    kpis = selectors.search_kpis(selectors.kpis_visible_to(request.user), q)
    page, query = paged(request, kpis, INDEX_PAGE_SIZE, cap=SEARCH_COUNT_CAP)
    groups: dict[int, dict[str, Any]] = {}
    for kpi in page.object_list:
        strategy_map = kpi.objective.map
        groups.setdefault(strategy_map.pk, {"map": strategy_map, "kpis": []})["kpis"].append(kpi)
    context = {"groups": list(groups.values()), "page": page, "q": q, "query": query}
    return render(request, "planning/kpi_index.html", context)


@login_required
def kpi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = _visible_kpi(request, pk)
    trajectory: list[PeriodTarget] = getattr(kpi, "trajectory", [])  # prefetched by kpi_for_page
    rows = [(period_label(kpi.frequency, t.period), t.target) for t in trajectory]
    return render(
        request,
        "planning/kpi_detail.html",
        {
            "kpi": kpi,
            "objective": kpi.objective,
            "map": kpi.objective.map,
            "trajectory": rows,
            "can_edit": can(request.user, "change", kpi.objective.map),
        },
    )


def _save(request: HttpRequest, objective: Objective, kpi: Kpi | None) -> HttpResponse:
    form = KpiForm(request.POST or None, instance=kpi, objective=objective)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            saved = services.save_kpi(
                objective=objective,
                kpi=kpi,
                code=form.cleaned_data["code"],
                fields=form.manual_fields(),
                trajectory=form.cleaned_data.get("trajectory"),
                by=request.user,
            )
            messages.success(request, _("IKU %(code)s disimpan.") % {"code": saved.code})
            return redirect("kpis:kpi", saved.pk)
    title = (
        _("Ubah IKU %(code)s") % {"code": kpi.code}
        if kpi
        else _("IKU baru untuk SS %(code)s") % {"code": objective.code}
    )
    cancel = reverse("kpis:kpi", args=[kpi.pk]) if kpi else reverse("strategy:objective", args=[objective.pk])
    return render(
        request,
        "planning/kpi_form.html",
        {"form": form, "objective": objective, "map": objective.map, "title": title, "cancel_url": cancel},
    )


@login_required
def kpi_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = visible_or_404(
        request,
        Objective.objects.select_related("map__unit", "map__plan_year"),
        "planning.view_objective",
        pk=pk,
    )
    if not can(request.user, "change", objective.map):
        raise PermissionDenied
    return _save(request, objective, None)


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = _visible_kpi(request, pk)
    if not can(request.user, "change", kpi.objective.map):
        raise PermissionDenied
    return _save(request, kpi.objective, kpi)


@login_required
def kpi_delete(request: HttpRequest, pk: int) -> HttpResponse:
    kpi = _visible_kpi(request, pk)
    if not can(request.user, "change", kpi.objective.map):
        raise PermissionDenied
    if request.method == "POST":
        services.delete_kpi(kpi=kpi, by=request.user)
        messages.success(request, _("IKU %(code)s dihapus.") % {"code": kpi.code})
        return redirect("strategy:objective", kpi.objective_id)
    return render(
        request,
        "planning/confirm_delete.html",
        {"object": kpi, "map": kpi.objective.map, "cancel_url": reverse("kpis:kpi", args=[pk])},
    )


def _target(request: HttpRequest) -> Decimal | None:
    """The yearly target typed so far, read as the KPI form reads it; unreadable → None."""
    probe = TrajectoryProbeForm(request.GET)
    probe.is_valid()
    return probe.cleaned_data.get("target")


@login_required
def trajectory_fields(request: HttpRequest) -> HttpResponse:
    """htmx, when the reporting period changes: its trajectory inputs, pre-filled to reach the yearly target."""
    frequency = request.GET.get("frequency", "")
    if frequency not in PERIODS_PER_YEAR:
        frequency = "quarterly"
    count = PERIODS_PER_YEAR[frequency]
    suggested: list[Decimal | None] = (
        list(
            selectors.suggested_trajectory(
                frequency=frequency,
                consolidation=request.GET.get("consolidation", "last"),
                target=_target(request),
            )
        )
        or [None] * count
    )
    rows = [
        {
            "label": period_label(frequency, n),
            "name": f"period_{n}",
            "id": f"id_period_{n}",
            "value": shown_number(value),
        }
        for n, value in enumerate(suggested, start=1)
    ]
    return render(request, "planning/_trajectory.html", {"rows": rows})
