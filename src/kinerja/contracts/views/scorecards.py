"""A person's scorecard pages: one person and period, and "my scorecard" (the signed-in person's latest)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kinerja.organisations.models import Employee
from kinerja.reporting.models import ReportingPeriod

from .. import personal


@login_required
def personal_scorecard(request: HttpRequest, employee_pk: int, period_pk: int) -> HttpResponse:
    """The person's contract KPIs as of the period with index, status and the contract's score (CKP or NHK).

    Someone the user may not see does not exist for them (404): the person, a superior who agrees one of
    their contracts and the roles reaching their unit see it.
    """
    employee = Employee.objects.select_related("unit", "position").filter(pk=employee_pk).first()
    if employee is None or not personal.may_view(request.user, employee):
        raise Http404
    period = ReportingPeriod.objects.select_related("plan_year").filter(pk=period_pk).first()
    if period is None:
        raise Http404
    card = personal.personal_scorecard(employee, period)
    periods = ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id).order_by("end", "start")
    return render(
        request,
        "contracts/personal.html",
        {
            "employee": employee,
            "period": period,
            "periods": periods,
            "card": card,
            "children": personal.children_by_kpi(card.rows, period),
        },
    )


@login_required
def my_scorecard(request: HttpRequest) -> HttpResponse:
    """The signed-in person's scorecard as of their latest period; a page saying why when there is none."""
    employee = getattr(request.user, "employee", None)
    period = personal.latest_period(employee) if employee is not None else None
    if employee is not None and period is not None:
        return redirect("contracts:personal", employee.pk, period.pk)
    return render(
        request,
        "contracts/personal.html",
        {"employee": employee, "period": None, "periods": [], "card": None, "children": {}},
    )
