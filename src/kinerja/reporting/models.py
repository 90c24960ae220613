"""The reporting cycle (domain.md §1 step 4): periods, realizations with evidence, their workflow, locks, snapshots.

Planning (strategy maps, KPI manuals, targets) lives in `strategy` and `kpis`;
this app holds what is reported against that plan during the year:

* `ReportingPeriod` — a month, quarter, semester or the year of a plan year,
  open or closed (a closed period takes no edits and no imports, rule 23);
  `PeriodReopen` records each reopening with its reason.
* `Realization` — one KPI's reported value for one period of the KPI's
  frequency, with a short analysis, moving draft → submitted → verified →
  approved or back to draft with a reason (rule 22); every step is a
  `WorkflowEvent`, every change a history row (django-simple-history).
* `Evidence` — a file proving a realization (data dukung). Files are never
  overwritten: a replacement is a new row and the old one is marked superseded.
* `ScoreSnapshot` — the scoring core's result for one strategy map as of one
  period, stored once and never changed; a period's closing stores a *final*
  one. Recomputing after a reopening adds a new snapshot; old ones stay.

Writes go through `services.py`; reads through `selectors.py`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.dates import MONTHS
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.common import progress
from kinerja.common.fields import StoredDecimalField
from kinerja.planning.models import Frequency, Kpi, PlanYear, StrategyMap

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
# The interchange spelling of a period of each frequency (interchange.md: 2026, 2026-Q2, 2026-S1, 2026-06).
LABEL_FORMAT = {
    Frequency.MONTHLY: "{year}-{n:02d}",
    Frequency.QUARTERLY: "{year}-Q{n}",
    Frequency.SEMESTER: "{year}-S{n}",
    Frequency.YEARLY: "{year}",
}


def period_display_name(frequency: str, number: int, year: int) -> str:
    """A period of `frequency` as a person reads it in the active language ("Triwulan IV 2026" / "Quarter IV 2026")."""
    if frequency == Frequency.MONTHLY:
        return gettext("%(month)s %(year)s") % {"month": MONTHS[number], "year": year}
    if frequency == Frequency.QUARTERLY:
        return gettext("Triwulan %(n)s %(year)s") % {"n": ROMAN[number], "year": year}
    if frequency == Frequency.SEMESTER:
        return gettext("Semester %(n)s %(year)s") % {"n": ROMAN[number], "year": year}
    return gettext("Tahun %(year)s") % {"year": year}


class PeriodState(models.TextChoices):
    OPEN = "open", _("Terbuka")
    CLOSED = "closed", _("Ditutup")


class ReportingPeriod(models.Model):
    """A reporting period of a plan year: month 1–12, quarter 1–4, semester 1–2 or the year (number 1).

    A KPI reports in the periods of its own frequency. `due_date` is when its
    realizations are expected (reminders, rule 24); `closes_on` when the period
    locks by itself (`kinerja close_periods`); a manager may close it earlier.
    """

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.CASCADE, related_name="reporting_periods", verbose_name=_("tahun rencana")
    )
    frequency = models.CharField(_("periode pelaporan"), max_length=16, choices=Frequency.choices)
    number = models.PositiveSmallIntegerField(_("periode ke"))
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"))
    due_date = models.DateField(_("batas waktu pelaporan"))
    closes_on = models.DateField(_("tanggal penguncian"))
    state = models.CharField(_("status"), max_length=8, choices=PeriodState.choices, default=PeriodState.OPEN)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("ditutup oleh"),
    )

    class Meta:
        verbose_name = _("periode pelaporan")
        verbose_name_plural = _("periode pelaporan")
        ordering = ["plan_year", "end", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan_year", "frequency", "number"], name="unique_reporting_period"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="reporting_period_number_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="reporting_period_order"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def label(self) -> str:
        """The period as the scorecard table writes it: `2026-03`, `2026-Q1`, `2026-S1` or `2026`."""
        return LABEL_FORMAT[Frequency(self.frequency)].format(year=self.start.year, n=self.number)

    @property
    def display_name(self) -> str:
        """The period as a person reads it, in the active language at display time (never stored):
        "Maret 2026" / "March 2026", "Triwulan I 2026" / "Quarter I 2026", "Semester I 2026", "Tahun 2026"."""
        return period_display_name(self.frequency, self.number, self.start.year)

    @property
    def is_closed(self) -> bool:
        return self.state == PeriodState.CLOSED

    def is_overdue(self, today: dt.date) -> bool:
        return today > self.due_date


class PeriodReopen(models.Model):
    """A closed period opened again: who, when, why, and which closing it undid (rule 23)."""

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="reopenings")
    reason = models.TextField(_("alasan"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    closed_at = models.DateTimeField(_("ditutup sebelumnya pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("pembukaan kembali periode")
        verbose_name_plural = _("pembukaan kembali periode")
        ordering = ["period", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.period}: {self.reason[:40]}"


class RealizationState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    VERIFIED = "verified", _("Diverifikasi")
    APPROVED = "approved", _("Disetujui")


class Realization(models.Model):
    """The reported value of one KPI in one period of its frequency (rule 20), with its analysis.

    `value` is a number (Decimal). `return_reason` holds the reason of the last
    return to draft, shown to the submitter until the realization is submitted
    again; the full trail is in `events` and `history`.
    """

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="realizations", verbose_name=_("IKU"))
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="realizations", verbose_name=_("periode")
    )
    value = StoredDecimalField(_("realisasi"), max_digits=24, decimal_places=6)
    analysis = models.TextField(_("analisis"), blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=RealizationState.choices, default=RealizationState.DRAFT
    )
    return_reason = models.TextField(_("alasan pengembalian"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diajukan oleh"),
    )
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diverifikasi oleh"),
    )
    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("disetujui oleh"),
    )
    approved_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        ordering = ["period__end", "kpi__code"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="unique_realization")]
        indexes = [models.Index(fields=["period", "state"], name="realization_period_state")]

    def __str__(self) -> str:
        return f"{self.kpi.code} {self.period.label}: {self.value}"

    @property
    def is_draft(self) -> bool:
        return self.state == RealizationState.DRAFT


class WorkflowEvent(models.Model):
    """One step of a realization's workflow: from which state to which, who, when and why (rule 22)."""

    realization = models.ForeignKey(Realization, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(_("dari"), max_length=16, choices=RealizationState.choices)
    to_state = models.CharField(_("menjadi"), max_length=16, choices=RealizationState.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    reason = models.TextField(_("alasan"), blank=True)

    class Meta:
        verbose_name = _("langkah alur kerja realisasi")
        verbose_name_plural = _("langkah alur kerja realisasi")
        ordering = ["realization", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.realization_id}: {self.from_state} → {self.to_state}"


class EvidenceKind(models.TextChoices):
    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    XLSX = "xlsx", "XLSX"
    DOCX = "docx", "DOCX"
    CSV = "csv", "CSV"
    TEXT = "text", _("Teks")


def evidence_path(instance: Evidence, filename: str) -> str:
    """`evidence/<year>/<realization>/<uuid><ext>`: a fresh name for every upload, so nothing is overwritten."""
    suffix = PurePath(filename).suffix.lower()[:10]
    year = instance.realization.period.start.year if instance.realization_id else "x"
    return f"evidence/{year}/{instance.realization_id}/{uuid.uuid4().hex}{suffix}"


class Evidence(models.Model):
    """A file proving a realization (data dukung): type checked by content, size limited, SHA-256 kept.

    A replacement never overwrites: it is a new row, and the row it replaces
    gets `superseded_by` / `superseded_at`; both files stay.
    """

    realization = models.ForeignKey(Realization, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("berkas"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    kind = models.CharField(_("jenis berkas"), max_length=8, choices=EvidenceKind.choices)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("keterangan"), max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diunggah oleh"),
    )
    uploaded_at = models.DateTimeField(_("diunggah pada"), auto_now_add=True)
    superseded_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaces",
        verbose_name=_("digantikan oleh"),
    )
    superseded_at = models.DateTimeField(_("digantikan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("data dukung")
        verbose_name_plural = _("data dukung")
        ordering = ["realization", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_current(self) -> bool:
        return self.superseded_by_id is None


class SnapshotImmutableError(RuntimeError):
    """A stored score snapshot was about to be changed."""


class ScoreSnapshot(models.Model):
    """The score of one strategy map as of one period, as the scoring core computed it: never changed.

    `result` is the JSON described in `kinerja.reporting.scorecard` (indices of
    KPIs, objectives and perspectives, NKO, predicate, completeness, missing
    KPIs, the explanation tree, or the core's errors); `nko`, `predicate` and
    `complete` repeat its headline for lists and rankings. `final` marks the
    snapshot stored when the period closed. A new computation is a new row.
    """

    strategy_map = models.ForeignKey(
        StrategyMap, on_delete=models.CASCADE, related_name="score_snapshots", verbose_name=_("peta strategi")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="snapshots", verbose_name=_("periode")
    )
    rule_set = models.CharField(_("aturan penilaian"), max_length=32)
    computed_at = models.DateTimeField(_("dihitung pada"), auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger = models.CharField(_("pemicu"), max_length=32, blank=True)
    final = models.BooleanField(_("final"), default=False)
    nko = models.DecimalField(_("NKO"), max_digits=16, decimal_places=6, null=True, blank=True)
    predicate = models.CharField(_("predikat"), max_length=32, blank=True)
    complete = models.BooleanField(_("lengkap"), default=False)
    result = models.JSONField(_("hasil"), default=dict)

    class Meta:
        verbose_name = _("potret skor")
        verbose_name_plural = _("potret skor")
        ordering = ["strategy_map", "period__end", "computed_at", "pk"]
        indexes = [
            models.Index(fields=["strategy_map", "period", "-computed_at"], name="snapshot_map_period"),
        ]

    def __str__(self) -> str:
        return f"{self.strategy_map} {self.period.label} @ {self.computed_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise SnapshotImmutableError("a score snapshot is never changed; compute a new one")
        super().save(*args, **kwargs)

    @property
    def has_errors(self) -> bool:
        return bool(self.result.get("errors"))


class ImportJobState(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class ImportJob(models.Model):
    """A large realization import run as a background job (`KINERJA_IMPORT_BACKGROUND_ROWS`), and its progress.

    The uploaded file is kept in `content` until the job has run; `processed` of `total` rows have been
    read; `result` holds what `import_realizations` found and did (the counts and every problem).
    """

    strategy_map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField(blank=True, default=b"")
    dry_run = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=ImportJobState.choices, default=ImportJobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pekerjaan impor")
        verbose_name_plural = _("pekerjaan impor")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (ImportJobState.DONE, ImportJobState.FAILED)

    @property
    def percent(self) -> int:
        return progress.percent(self.processed, self.total, finished=self.finished)


class HistoricalImport(models.Model):
    """A closed year's data brought in by an administrator (issue 15 item 5): the one exception to rule 23.

    A historical import writes strategy maps, targets and (already approved) realizations into periods that
    are closed, and stores the final snapshots of those periods; the periods stay closed. This record says who
    did it, when, why, from which files, into which periods, and what was written (`summary`). Every written
    row's history carries the reason too.
    """

    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="historical_imports", verbose_name=_("tahun rencana")
    )
    unit = models.ForeignKey(
        "organisations.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit"),
    )
    reason = models.TextField(_("alasan"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    workbook_name = models.CharField(_("berkas peta strategi"), max_length=255, blank=True)
    realizations_name = models.CharField(_("berkas realisasi"), max_length=255, blank=True)
    periods = models.ManyToManyField(
        ReportingPeriod, related_name="historical_imports", blank=True, verbose_name=_("periode")
    )
    summary = models.JSONField(_("ringkasan"), default=dict, blank=True)

    class Meta:
        verbose_name = _("impor data tahun lalu")
        verbose_name_plural = _("impor data tahun lalu")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan_year.year}: {self.reason[:40]}"


class MapDataVersion(models.Model):
    """The version of what a strategy map's pages count (issue 16 item 2): changed by the database itself.

    Database triggers (`kinerja.reporting.versions`, installed by migration) change a map's `version` in the
    same transaction as every write to its realizations, KPIs, objectives or the map row, whoever makes it
    (a form, an import, a bulk step, a cascade, raw SQL). Figures computed from a map's data are kept in the
    cache under the version read before computing them, so a figure met in the cache is never older than
    the data: a write committed since then has changed the version. No foreign key constraint in the
    database (the relation is for reading the version with the map, one join): the row outlives its map
    harmlessly (ids are not reused) and the map's deletion never waits on it.
    """

    map = models.OneToOneField(
        StrategyMap,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="data_version",
        verbose_name=_("peta strategi"),
    )
    version = models.BigIntegerField(_("versi"))

    class Meta:
        verbose_name = _("versi data peta strategi")
        verbose_name_plural = _("versi data peta strategi")

    def __str__(self) -> str:
        return f"{self.map_id}: {self.version}"
