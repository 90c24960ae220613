"""A new year's contracts for a unit's subtree in one action: the preview, the job that creates them, its
progress (issue 12 item 10; the pattern of the realization import's job page)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from kinerja.common.web import is_htmx, require
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear

from ..bulk import plan_year_contracts
from ..bulk_tasks import start_bulk
from ..models import ContractBulkJob

PREVIEW_ROWS = 500  # contracts listed on the page; the counts cover them all


@login_required
def bulk(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """GET: what would be created (counts, a table, the warnings); POST: queue the job, then its page."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    require(request, "contracts.add_contract", unit)
    if request.method == "POST":
        job = start_bulk(unit=unit, plan_year=plan_year, by=request.user)
        return redirect("contracts:bulk-job", job.pk)
    plan = plan_year_contracts(unit, plan_year, request.user)
    return render(
        request,
        "contracts/bulk.html",
        {
            "unit": unit,
            "plan_year": plan_year,
            "plan": plan,
            "rows": plan.contracts[:PREVIEW_ROWS],
            "more": max(len(plan.contracts) - PREVIEW_ROWS, 0),
        },
    )


@login_required
def bulk_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A bulk creation's progress: the page, and (htmx, every 2 s until it ends) its status block."""
    job = ContractBulkJob.objects.select_related("unit", "plan_year").filter(pk=pk).first()
    if job is None or (
        job.created_by_id != request.user.pk and not request.user.has_perm("contracts.add_contract", job.unit)
    ):
        raise Http404
    template = "contracts/_bulk_job_status.html" if is_htmx(request) else "contracts/bulk_job.html"
    return render(request, template, {"job": job})
