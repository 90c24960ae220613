"""Rewards inputs of a unit and year (issue 14 item 8): the nominations (employee of the month, exemplary
employee), the candidates drawn from the scores with ties explained, the leader's nomination with a reason and
the decision. Read by the appraisal readers of the unit (`appraisals.view_nomination`; 404 outside, and for a
plain employee); nominated by a leader reaching the unit; decided by another leader or an administrator."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.web import require, service_errors_on
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear

from .. import rewards
from ..models import NominationKind, NominationState
from ..rewards_forms import DecideForm, NominateForm
from .scores import unit_or_404

__all__ = ["decide", "nominate", "nominations"]


def _unit(request: HttpRequest, unit_pk: int) -> Unit:
    return unit_or_404(request, unit_pk, "appraisals.view_nomination")


def _page(
    request: HttpRequest,
    unit: Unit,
    plan_year: PlanYear,
    status: int = 200,
    form: NominateForm | None = None,
    decide_form: DecideForm | None = None,
) -> HttpResponse:
    months = rewards.months_of(plan_year)
    wanted = request.GET.get("bulan") or request.POST.get("month")
    month = next((m for m in months if str(m.pk) == wanted), None) or rewards.default_month(months)
    below = rewards.crowded(unit)  # an echelon I or the ministry: candidates are drawn in the units below
    return render(
        request,
        "appraisals/rewards.html",
        {
            "unit": unit,
            "plan_year": plan_year,
            "nominations": [
                (
                    n,
                    n.state == NominationState.PROPOSED
                    and request.user.has_perm("appraisals.decide_nomination", n),
                )
                for n in rewards.nominations_of(unit, plan_year)
            ],
            "months": months,
            "month": month,
            "crowded": below is not None,
            "units_below": below or [],
            "people_limit": settings.KINERJA_REWARDS_MAX_PEOPLE,
            "year_candidates": rewards.year_candidates(unit, plan_year)[:10] if below is None else [],
            "month_candidates": (
                rewards.month_candidates(unit, plan_year, month)[:10] if month and below is None else []
            ),
            "may_nominate": request.user.has_perm("appraisals.add_nomination", unit),
            "may_see_talent": request.user.has_perm("appraisals.view_recap", unit),
            "form": form or NominateForm(),
            "decide_form": decide_form or DecideForm(),
            "kinds": NominationKind,
        },
        status=status,
    )


@login_required
def nominations(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    return _page(request, unit, get_object_or_404(PlanYear, year=year))


@login_required
@require_POST
def nominate(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    require(request, "appraisals.add_nomination", unit)
    form = NominateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        employee = Employee.objects.select_related("unit").filter(pk=data["employee"]).first()
        month = next((m for m in rewards.months_of(plan_year) if m.pk == data.get("month")), None)
        if employee is None:
            form.add_error("employee", _("Pegawai tidak ditemukan."))
        else:
            with service_errors_on(form):
                rewards.nominate(
                    unit=unit,
                    plan_year=plan_year,
                    kind=data["kind"],
                    employee=employee,
                    reason=data["reason"],
                    month=month,
                    by=request.user,
                )
                messages.success(request, _("Usulan penghargaan disimpan."))
                return redirect("appraisals:nominations", unit.pk, plan_year.year)
    return _page(request, unit, plan_year, 400, form=form)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    found = rewards.nominations_visible(request.user).filter(pk=pk).first()
    if found is None or not request.user.has_perm("appraisals.view_nomination", found):
        raise Http404
    require(request, "appraisals.decide_nomination", found)
    form = DecideForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            rewards.decide(
                nomination=found, accept=action == "accept", note=form.cleaned_data["note"], by=request.user
            )
            messages.success(request, _("Keputusan usulan disimpan."))
            return redirect("appraisals:nominations", found.unit_id, found.plan_year.year)
    return _page(request, found.unit, found.plan_year, 400, decide_form=form)
