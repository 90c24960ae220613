"""Recap pages of a unit (`appraisals.view_recap`: the managers, leaders, auditors and administrators reaching
the unit; 404 outside): the performance-allowance recap of a year (page, Excel, PDF) and the talent-pool
candidates. A fixed number of queries whatever the number of employees."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear

from .. import allowance, recaps, selectors

__all__ = ["allowance_page", "allowance_pdf", "allowance_xlsx", "talent"]

from .scores import unit_or_404

PAGE_SIZE = 50


def recap_unit_or_404(request: HttpRequest, unit_pk: int) -> Unit:
    """The unit, when the user may read its recaps (else 404, as for a unit outside their reach)."""
    return unit_or_404(request, unit_pk, "appraisals.view_recap")


@login_required
def allowance_page(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Per employee the NKP after calibration, the predicate or band and the allowance share; paginated."""
    unit = recap_unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    rules = allowance.rules_of(plan_year)
    records = selectors.unit_records(unit, plan_year)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    adjustments = recaps.adjustments_for(unit, plan_year, [r.employee_id for r in shown])
    totals, count = recaps.allowance_totals(records, rules)
    return render(
        request,
        "appraisals/allowance.html",
        {
            "unit": unit,
            "plan_year": plan_year,
            "rules": rules,
            "page": page,
            "rows": list(recaps.allowance_rows(shown, adjustments, rules)),
            "columns": allowance.columns(rules),
            "predicate_heading": allowance.predicate_heading(rules),
            "totals": totals,
            "count": count,
            "table": recaps.share_table(rules),
        },
    )


@login_required
def allowance_xlsx(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = recap_unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    response = HttpResponse(allowance.render_xlsx(unit, plan_year), content_type=allowance.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{allowance.filename(unit, plan_year, "xlsx")}"'
    return response


@login_required
def allowance_pdf(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = recap_unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    response = HttpResponse(allowance.render_pdf(unit, plan_year), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{allowance.filename(unit, plan_year, "pdf")}"'
    return response


@login_required
def talent(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """Employees labelled best on the curve in the last `talent_pool_periods` consecutive plan years."""
    unit = recap_unit_or_404(request, unit_pk)
    pool = recaps.talent_pool(unit)
    return render(request, "appraisals/talent.html", {"unit": unit, "pool": pool})
