"""Demo: a monthly performance report ready to download for every demo unit that owns an approved map.

For the demo year's latest closed month (else the latest month that has ended, else the first), one PDF
and one Excel report per map-owning unit, and for the ministry the batch of every unit below (a zip of
PDFs), all made by the ministry's performance manager (`pengelola.kemenkeu`) and built at once, in the
step's transaction. Idempotent: a report already built for the unit, month, scope and format is kept.
Clearing removes the demo year's report jobs and their files.
"""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from kinerja.dashboards.models import ReportFormat, ReportJob, ReportJobState, ReportKind
from kinerja.dashboards.monthly_report import YearContext
from kinerja.dashboards.tasks import run_report_job
from kinerja.planning.models import Frequency, PlanYear
from kinerja.reporting.models import ReportingPeriod

from .reporting import DEMO_YEAR
from .steps import Counts, DemoRun, DemoStep, demo_user

MAKER = "pengelola.kemenkeu"


def demo_month(periods: list[ReportingPeriod]) -> ReportingPeriod | None:
    months = [p for p in periods if p.frequency == Frequency.MONTHLY]
    closed = [p for p in months if p.is_closed]
    if closed:
        return max(closed, key=lambda p: p.end)
    today = timezone.localdate()
    ended = [p for p in months if p.end <= today]
    if ended:
        return max(ended, key=lambda p: p.end)
    return months[0] if months else None


def build_reports(run: DemoRun) -> Counts:
    counts = Counts()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        return counts
    context = YearContext.load(plan_year.pk)
    period = demo_month(context.periods)
    if period is None or not context.maps:
        return counts
    maker = demo_user(MAKER)
    wanted = [
        (m.unit, ReportKind.UNIT, fmt) for m in context.maps for fmt in (ReportFormat.PDF, ReportFormat.XLSX)
    ]
    top = min(context.maps, key=lambda m: (m.unit.depth, m.unit.path))
    if context.below.get(top.pk):
        wanted.append((top.unit, ReportKind.BATCH, ReportFormat.PDF))
    done = set(
        ReportJob.objects.filter(period=period, state=ReportJobState.DONE).values_list(
            "unit_id", "kind", "fmt"
        )
    )
    with translation.override("id"):
        for unit, kind, fmt in wanted:
            counts.total += 1
            if (unit.pk, kind, fmt) in done:
                continue
            job = ReportJob.objects.create(
                unit=unit, period=period, kind=kind, fmt=fmt, language="id", created_by=maker
            )
            run_report_job.call(job.pk)
            counts.created += 1
    return counts


def clear_reports(run: DemoRun) -> int:
    jobs = list(ReportJob.objects.filter(period__plan_year__year=DEMO_YEAR))
    for job in jobs:
        if job.file:
            job.file.delete(save=False)
    removed, _detail = ReportJob.objects.filter(pk__in=[j.pk for j in jobs]).delete()
    return removed


STEP = DemoStep(
    "reports",
    gettext_lazy("Laporan kinerja bulanan setiap unit pemilik peta"),
    build_reports,
    clear_reports,
)
