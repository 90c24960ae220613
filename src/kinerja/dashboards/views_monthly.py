"""The monthly (quarterly) performance report pages (issue 14 item 3): the list of units, a unit's page where
the user picks the period and format, the job's progress (htmx polling) and the download.

A unit the user's roles do not reach does not exist for them (404); the batch of every unit below is for
performance managers and administrators (403 otherwise).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Min
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from kinerja.common.search import paged
from kinerja.common.web import form_errors, is_htmx, require
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear, StrategyMap
from kinerja.reporting.models import ReportingPeriod

from . import selectors
from .models import ReportFormat, ReportJob, ReportJobState, ReportKind
from .monthly_forms import ReportForm
from .monthly_report import YearContext, default_period, subtree_maps
from .tasks import start_report

RECENT_JOBS = 10
PAGE_SIZE = 50


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
def monthly_index(request: HttpRequest) -> HttpResponse:
    """The map-owning units in reach for a year, each with its newest ready report in each format."""
    years = selectors.years_in_reach(request.user)
    year = selectors.choose_year(years, _int(request, "tahun"), timezone.localdate())
    q = request.GET.get("q", "").strip()
    reach = selectors.maps_in_reach(request.user, year, q) if year is not None else StrategyMap.objects.none()
    page, query = paged(request, reach, PAGE_SIZE, tahun=year)
    maps: list[StrategyMap] = list(page.object_list)
    newest: dict[tuple[int, str], ReportJob] = {}  # the newest ready report per unit and format
    if maps and year is not None:
        jobs = (
            ReportJob.objects.filter(
                unit_id__in=[m.unit_id for m in maps],
                period__plan_year__year=year,
                kind=ReportKind.UNIT,
                state=ReportJobState.DONE,
            )
            .select_related("period")
            .order_by("-period__end", "-created_at", "-pk")[: len(maps) * 4]
        )
        for job in jobs:
            newest.setdefault((job.unit_id, job.fmt), job)
    rows = [
        (m, [j for j in (newest.get((m.unit_id, f)) for f in ReportFormat.values) if j is not None])
        for m in maps
    ]
    return render(
        request,
        "dashboards/monthly/index.html",
        {
            "years": years,
            "year": year,
            "rows": rows,
            "q": q,
            "page": page,
            "query": query,
            # the indent counts from the highest unit in reach, the same on every page
            "top": reach.aggregate(top=Min("unit__depth"))["top"] or 1,
        },
    )


@login_required
def monthly(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """GET: the choice of period and format, and the unit's recent reports; POST: queue the report."""
    unit = get_object_or_404(Unit, pk=unit_pk)
    if not request.user.has_perm("dashboards.view_monthly_report", unit):
        raise Http404
    # every plan year with reporting periods: the unit itself may own no map (a batch of the units below)
    years = sorted(
        set(ReportingPeriod.objects.order_by().values_list("plan_year__year", flat=True).distinct()),
        reverse=True,
    )
    year = selectors.choose_year(years, _int(request, "tahun"), timezone.localdate())
    plan_year = PlanYear.objects.filter(year=year).first() if year is not None else None
    context = YearContext.load(plan_year.pk) if plan_year is not None else None
    own_map = next((m for m in context.maps if m.unit_id == unit.pk), None) if context else None
    below = [m for m in subtree_maps(context, unit) if m.unit_id != unit.pk] if context else []
    batch = bool(below) and request.user.has_perm("dashboards.build_batch_reports", unit)
    periods = context.periods if context else []
    initial_period = default_period(periods, timezone.localdate()) if periods else None
    wanted = _int(request, "periode")
    chosen = next((p for p in periods if p.pk == wanted), initial_period)
    if request.method == "POST":
        form = ReportForm(request.POST, periods=periods, batch=batch)
        posted = str(request.POST.get("periode", ""))
        chosen = next((p for p in periods if str(p.pk) == posted), chosen)
        if form.is_valid():
            kind = form.cleaned_data.get("jenis") or ReportKind.UNIT
            if kind == ReportKind.BATCH:
                require(request, "dashboards.build_batch_reports", unit)
            try:
                job = start_report(
                    unit=unit,
                    period=form.cleaned_data["periode"],
                    by=request.user,
                    kind=kind,
                    fmt=form.cleaned_data["format"],
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                return redirect("dashboards:report-job", job.pk)
    else:
        form = ReportForm(initial={"periode": chosen.pk if chosen else None}, periods=periods, batch=batch)
    jobs = list(
        ReportJob.objects.filter(unit=unit)
        .select_related("period", "created_by")
        .order_by("-created_at", "-pk")[:RECENT_JOBS]
    )
    return render(
        request,
        "dashboards/monthly/unit.html",
        {
            "unit": unit,
            "years": years,
            "year": year,
            "own_map": own_map,
            "below_count": len(below),
            "batch": batch,
            "form": form,
            "periods": periods,
            "chosen": chosen,
            "jobs": jobs,
        },
    )


def _job_for(request: HttpRequest, pk: int) -> ReportJob:
    job = ReportJob.objects.select_related("unit", "period", "created_by").filter(pk=pk).first()
    if job is None or not request.user.has_perm("dashboards.view_reportjob", job):
        raise Http404
    return job


@login_required
def report_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A report's progress: the page, and (htmx, every 2 s until it ends) its status block."""
    job = _job_for(request, pk)
    template = "dashboards/monthly/_job_status.html" if is_htmx(request) else "dashboards/monthly/job.html"
    return render(request, template, {"job": job})


@login_required
def report_download(request: HttpRequest, pk: int) -> FileResponse:
    """The job's file, for users reaching its unit; 404 before it is ready."""
    job = _job_for(request, pk)
    if not job.ready:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name or "laporan")
