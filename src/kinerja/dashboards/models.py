"""Report jobs: a monthly (or quarterly) performance report built in the background, and its file.

A `ReportJob` is what the report page queues (`tasks.run_report_job`): one unit's report as PDF or .xlsx
(`kind` "unit"), or the PDF reports of every map-owning unit in a unit's subtree, zipped (`kind` "batch").
It keeps its progress (`processed` of `total` reports), the produced file and who asked for it when. The
file is served only through the job's download page, to users whose roles reach the job's unit.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kinerja.common import progress
from kinerja.organisations.models import Unit
from kinerja.reporting.models import ReportingPeriod


class ReportKind(models.TextChoices):
    UNIT = "unit", _("Laporan unit")
    BATCH = "batch", _("Laporan seluruh unit di bawahnya")


class ReportFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    XLSX = "xlsx", _("Excel (.xlsx)")


class ReportJobState(models.TextChoices):
    QUEUED = "queued", _("Dalam antrean")
    RUNNING = "running", _("Sedang dibuat")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


def report_path(instance: ReportJob, filename: str) -> str:
    """`reports/<unit>/<uuid><ext>`: a fresh name for every file, so nothing is overwritten."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"reports/{instance.unit_id}/{uuid.uuid4().hex}{suffix}"


class ReportJob(models.Model):
    """A monthly performance report (domain.md §6) asked for a unit and period, built in the background."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("unit")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.CASCADE, related_name="report_jobs", verbose_name=_("periode")
    )
    kind = models.CharField(_("jenis"), max_length=8, choices=ReportKind.choices, default=ReportKind.UNIT)
    fmt = models.CharField(_("format"), max_length=8, choices=ReportFormat.choices, default=ReportFormat.PDF)
    language = models.CharField(_("bahasa"), max_length=8, blank=True)
    state = models.CharField(
        _("status"), max_length=10, choices=ReportJobState.choices, default=ReportJobState.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    current = models.CharField(_("sedang dibuat"), max_length=255, blank=True)  # the unit being built
    file = models.FileField(_("berkas"), upload_to=report_path, max_length=255, blank=True)
    file_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), default=0)
    result = models.JSONField(default=dict, blank=True)  # the error, or units skipped / failed in a batch
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("laporan kinerja bulanan")
        verbose_name_plural = _("laporan kinerja bulanan")
        indexes = [models.Index(fields=["unit", "period", "-created_at"], name="report_job_unit_period")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.period_id} {self.kind} {self.fmt} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ReportJobState.DONE, ReportJobState.FAILED)

    @property
    def percent(self) -> int:
        return progress.percent(self.processed, self.total, finished=self.finished)

    @property
    def ready(self) -> bool:
        return self.state == ReportJobState.DONE and bool(self.file)
