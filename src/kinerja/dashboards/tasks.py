"""Monthly reports built in the background (django-tasks; the database backend by default, no broker).

`start_report` records a `ReportJob` and, after its transaction commits, runs `run_report_job`: at once,
in the request, for one unit whose map is small (`INLINE_KPIS`), else queued for `kinerja db_worker`
(locally and in the tests the ImmediateBackend runs every task at once). The task gathers the figures
(`monthly_report.gather_many`), renders the PDF or the workbook and stores the file on the job, saving its
progress as it goes. A batch job ("every unit below") reads the reportable maps of the unit's subtree in
chunks (`CHUNK` maps per set-based read), renders each unit's PDF into one zip file written to disk as it
grows, and records per unit the one being built and any that failed; a unit that fails does not stop the
others.
"""

from __future__ import annotations

import tempfile
import zipfile
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.organisations.models import Unit
from kinerja.planning.models import Kpi
from kinerja.reporting.models import ReportingPeriod

from .models import ReportFormat, ReportJob, ReportJobState, ReportKind
from .monthly_pdf import filename, shared_renderer, title_for
from .monthly_report import YearContext, gather_many, subtree_maps
from .monthly_xlsx import render_xlsx

CHUNK = 50  # maps gathered per set-based read in a batch
INLINE_KPIS = 60  # a unit report of a map with at most this many KPIs is built in the request


def start_report(
    *,
    unit: Unit,
    period: ReportingPeriod,
    by: Actor,
    kind: str = ReportKind.UNIT,
    fmt: str = ReportFormat.PDF,
    inline: bool | None = None,
) -> ReportJob:
    """Record a report job for `unit` and `period` and run it after the commit (see the module docstring).

    A unit report needs the unit's approved map for the period's plan year; a batch needs a map-owning
    unit in the subtree and is always PDF (a zip of one PDF per unit).
    """
    if kind == ReportKind.BATCH:
        ensure(by, "dashboards.build_batch_reports", unit)
        fmt = ReportFormat.PDF
    else:
        ensure(by, "dashboards.view_monthly_report", unit)
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("Jenis laporan tidak dikenal.")})
    if fmt not in ReportFormat.values:
        raise ValidationError({"fmt": _("Format laporan harus PDF atau Excel.")})
    context = YearContext.load(period.plan_year_id)
    if kind == ReportKind.UNIT:
        strategy_map = next((m for m in context.maps if m.unit_id == unit.pk), None)
        if strategy_map is None:
            raise ValidationError(
                {
                    "unit": _("%(unit)s tidak memiliki peta strategi yang disetujui untuk tahun %(year)s.")
                    % {"unit": unit.name, "year": period.year}
                }
            )
        total = 1
        if inline is None:
            inline = Kpi.objects.filter(objective__map=strategy_map).count() <= INLINE_KPIS
    else:
        total = len(subtree_maps(context, unit))
        if not total:
            raise ValidationError(
                {
                    "unit": _(
                        "Tidak ada unit pemilik peta strategi yang disetujui di bawah %(unit)s untuk tahun %(year)s."
                    )
                    % {"unit": unit.name, "year": period.year}
                }
            )
        inline = False
    with transaction.atomic():
        job = ReportJob.objects.create(
            unit=unit,
            period=period,
            kind=kind,
            fmt=fmt,
            language=translation.get_language() or "",
            total=total,
            created_by=author(by),
        )
        if inline:
            transaction.on_commit(lambda: run_report_job.call(job.pk))
        else:
            transaction.on_commit(lambda: run_report_job.enqueue(job.pk))
    return job


@task()
def run_report_job(job_id: int) -> str:
    """Build a queued (or failed) job's file; returns the job's final state."""
    job = ReportJob.objects.select_related("unit", "period").filter(pk=job_id).first()
    if job is None or job.state == ReportJobState.DONE:
        return "" if job is None else str(job.state)
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJobState.RUNNING, processed=0, updated_at=timezone.now()
    )
    try:
        with translation.override(job.language or None):
            if job.kind == ReportKind.BATCH:
                build_batch(job)
            else:
                build_unit(job)
    except Exception as error:  # recorded on the job for its page; the task runner logs it too
        message = " ".join(getattr(error, "messages", [str(error)]))
        ReportJob.objects.filter(pk=job.pk).update(
            state=ReportJobState.FAILED,
            result={**job.result, "error": message},
            current="",
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )
        raise
    return str(ReportJobState.DONE)


def _finish(job: ReportJob, content: File | ContentFile, name: str, result: dict[str, object]) -> None:
    job.file.save(name, content, save=False)
    ReportJob.objects.filter(pk=job.pk).update(
        state=ReportJobState.DONE,
        file=job.file.name,
        file_name=name,
        size=job.file.size,
        processed=job.total,
        current="",
        result=result,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def build_unit(job: ReportJob) -> None:
    context = YearContext.load(job.period.plan_year_id)
    strategy_map = next((m for m in context.maps if m.unit_id == job.unit_id), None)
    if strategy_map is None:
        raise ValidationError(
            _("%(unit)s tidak memiliki peta strategi yang disetujui untuk tahun %(year)s.")
            % {"unit": job.unit.name, "year": job.period.year}
        )
    ReportJob.objects.filter(pk=job.pk).update(current=job.unit.name, total=1, updated_at=timezone.now())
    (report,) = gather_many([strategy_map], job.period, context=context)
    content = render_xlsx(report) if job.fmt == ReportFormat.XLSX else shared_renderer().pdf(report)
    _finish(job, ContentFile(content), filename(report, job.fmt), {})


def build_batch(
    job: ReportJob, *, progress: Callable[[int, int, str], None] | None = None, chunk: int = CHUNK
) -> None:
    """Every reportable map of the job's unit's subtree: one PDF each, into one zip (see the module
    docstring). `progress(done, total, unit name)` is called after each unit (default: saved on the job)."""
    context = YearContext.load(job.period.plan_year_id)
    maps = subtree_maps(context, job.unit)
    total = len(maps)

    def save_progress(done: int, of: int, name: str) -> None:
        ReportJob.objects.filter(pk=job.pk).update(
            processed=done, total=of, current=name[:255], updated_at=timezone.now()
        )

    report_progress = progress or save_progress
    renderer = shared_renderer()
    failed: list[dict[str, str]] = []
    done = 0
    with tempfile.TemporaryFile(suffix=".zip") as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
            for start in range(0, total, chunk):
                for report in gather_many(maps[start : start + chunk], job.period, context=context):
                    try:
                        archive.writestr(filename(report, "pdf"), renderer.pdf(report))
                    except Exception as error:  # one unit's failure does not stop the others
                        failed.append({"unit": report.unit.code, "error": str(error)[:500]})
                    done += 1
                    report_progress(done, total, report.unit.name)
        spool.seek(0)
        title = title_for_batch(job)
        _finish(
            job,
            File(spool),
            f"{title}-{job.unit.code.lower()}-{job.period.label.lower()}.zip",
            {"reports": total - len(failed), "failed": failed},
        )


def title_for_batch(job: ReportJob) -> str:
    from django.utils.text import slugify

    return slugify(_("laporan kinerja"))


__all__ = ["build_batch", "build_unit", "run_report_job", "start_report", "title_for"]
