"""The alignment panel of a unit's subtree for a year: counts by kind, then each finding with its fix links."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ..alignment import build_panel, oversize
from .matrix import plan_year_or_404, visible_unit


@login_required
def alignment(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = visible_unit(request, unit_pk)
    plan_year = plan_year_or_404(year)
    too_large = oversize(unit, plan_year)
    if too_large is not None:  # a ministry or an echelon I: checked a unit below at a time
        return render(request, "contracts/alignment_oversize.html", {"oversize": too_large})
    return render(request, "contracts/alignment.html", {"panel": build_panel(unit, plan_year)})
