"""The leniency and bias diagnostics page of a unit's year (issue 13 item 6), read before calibration.

Only the readers of `appraisals.view_diagnostics` on the unit reach it (managers, leaders, auditors,
administrators; 404 for anyone else, a plain employee included): it names raters. The per-rater table is
paginated, names read for the page shown only; the number of queries does not grow with the unit.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from kinerja.accounts.rules import APPRAISAL_READ_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear

from ..diagnostics import METHOD_LABELS, diagnostics, name_raters

RATERS_PER_PAGE = 50
UNITS_PER_PAGE = 50


@login_required
@require_GET
def diagnostics_page(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = Unit.objects.filter(unit_filter(request.user, "path", APPRAISAL_READ_ROLES), pk=unit_pk).first()
    if unit is None or not request.user.has_perm("appraisals.view_diagnostics", unit):
        raise Http404
    plan_year = get_object_or_404(PlanYear, year=year)
    found = diagnostics(unit, plan_year)
    flagged_only = request.GET.get("ditandai") == "1"
    raters = found.flagged_raters if flagged_only else found.raters
    page = Paginator(raters, RATERS_PER_PAGE).get_page(request.GET.get("page"))
    name_raters(list(page.object_list))
    units = Paginator(found.units, UNITS_PER_PAGE).get_page(request.GET.get("halaman_unit"))
    appraisal = found.rules.appraisal
    context = {
        "unit": unit,
        "plan_year": plan_year,
        "d": found,
        "method": METHOD_LABELS[found.method],
        "page": page,
        "units_page": units,
        "flagged_only": flagged_only,
        "params": {
            "high": appraisal.leniency_high_score.value,
            "mean": appraisal.leniency_mean.value,
            "spread": appraisal.leniency_spread.value,
            "share": appraisal.leniency_share.value,
            "min_scores": appraisal.leniency_min_scores.value,
        },
        "may_calibrate": request.user.has_perm("appraisals.view_calibrationsession", unit),
    }
    return render(request, "appraisals/diagnostics.html", context)


__all__ = ["diagnostics_page"]
