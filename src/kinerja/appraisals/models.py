"""Employee appraisal (domain.md §1 step 7, rules 25–26; scoring.md §6–§7): the inputs the scoring core needs
beyond contracts and realizations, and the stored results.

* `BehaviourScore` — under `kmk-127-2026`: the seven BerAKHLAK core values (0–120) of one employee for one
  reporting period, given by one rater (the direct superior; peers where the unit switches them on).
* `Campaign`, `RaterAssignment`, `Answer` — under `kmk-467-2014`: the 360° behaviour assessment of a unit
  for a semester: who rates whom (superior, peers, subordinates, self where allowed), each rater's answer
  per aspect (0–100; leadership only for structural officials, rule 25). A closed campaign takes no answers.
* `DisciplinarySentence` — a disciplinary sentence (category, severity score, start quarter, duration).
* `Correction` — the leader's correction of an employee's year (within the rule set's bound, with a reason).
* `ScoreRecord` — an employee's computed year (or period): work result, behaviour, NKP, predicate, with
  the rule set and the scoring core's full result; kept, never overwritten (a recompute adds a record).

The formulas stay in `kinerja.scoring`; this app gathers inputs and stores results (`services.py`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.reporting.models import ReportingPeriod
from kinerja.scoring import enums

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CORE_VALUE_FIELDS = (
    "service",
    "accountable",
    "competent",
    "harmonious",
    "loyal",
    "adaptive",
    "collaborative",
)
ASPECT_FIELDS = tuple(a.value for a in enums.Aspect)


def _core_value(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        validators=[
            MinValueValidator(0, message=_("Nilai perilaku antara 0 dan 120.")),
            MaxValueValidator(120, message=_("Nilai perilaku antara 0 dan 120.")),
        ],
    )


def _aspect(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(0, message=_("Nilai antara 0 dan 100 (aturan 25).")),
            MaxValueValidator(100, message=_("Nilai antara 0 dan 100 (aturan 25).")),
        ],
    )


class RaterGroup(models.TextChoices):
    SUPERIOR = enums.RaterGroup.SUPERIOR.value, _("Atasan langsung")
    PEER = enums.RaterGroup.PEER.value, _("Rekan kerja")
    SUBORDINATE = enums.RaterGroup.SUBORDINATE.value, _("Bawahan")
    SELF = enums.RaterGroup.SELF.value, _("Diri sendiri")


class BehaviourScore(models.Model):
    """BerAKHLAK core values of one employee for one period by one rater (`scoring.md` §7.3, 0–120 each)."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="behaviour_scores", verbose_name=_("pegawai")
    )
    period = models.ForeignKey(
        ReportingPeriod, on_delete=models.PROTECT, related_name="behaviour_scores", verbose_name=_("periode")
    )
    rater = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="behaviour_scores_given", verbose_name=_("penilai")
    )
    group = models.CharField(_("kelompok penilai"), max_length=16, choices=RaterGroup.choices)
    service = _core_value(_("berorientasi pelayanan"))
    accountable = _core_value(_("akuntabel"))
    competent = _core_value(_("kompeten"))
    harmonious = _core_value(_("harmonis"))
    loyal = _core_value(_("loyal"))
    adaptive = _core_value(_("adaptif"))
    collaborative = _core_value(_("kolaboratif"))
    note = models.TextField(_("catatan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nilai perilaku BerAKHLAK")
        verbose_name_plural = _("nilai perilaku BerAKHLAK")
        ordering = ["employee", "period__end", "group"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "period", "rater"], name="unique_behaviour_score")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.period_id} ({self.group})"


class BehaviourSetting(models.Model):
    """How a unit's subtree scores BerAKHLAK (`kmk-127-2026`): with `peers` on, colleagues under the same
    direct superior score each other beside the superior. The nearest setting at or above a unit applies."""

    unit = models.OneToOneField(
        Unit, on_delete=models.CASCADE, related_name="behaviour_setting", verbose_name=_("unit")
    )
    peers = models.BooleanField(_("rekan kerja ikut menilai"), default=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pengaturan penilaian perilaku")
        verbose_name_plural = _("pengaturan penilaian perilaku")

    def __str__(self) -> str:
        return f"{self.unit_id}: peers={self.peers}"


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    OPEN = "open", _("Berjalan")
    CLOSED = "closed", _("Ditutup")


class Campaign(models.Model):
    """A 360° behaviour assessment of a unit (and its subtree) for one semester (`scoring.md` §6, rule 25)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("unit"))
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="campaigns", verbose_name=_("tahun rencana")
    )
    semester = models.PositiveSmallIntegerField(
        _("semester"), validators=[MinValueValidator(1), MaxValueValidator(2)]
    )
    state = models.CharField(
        _("status"), max_length=8, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    allow_self = models.BooleanField(_("penilaian diri sendiri"), default=False)
    due_date = models.DateField(_("batas waktu pengisian"), null=True, blank=True)
    launched_at = models.DateTimeField(_("dimulai pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penilaian perilaku 360°")
        verbose_name_plural = _("penilaian perilaku 360°")
        ordering = ["-plan_year__year", "-semester", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "plan_year", "semester"], name="unique_campaign"),
            models.CheckConstraint(condition=models.Q(semester__in=[1, 2]), name="campaign_semester_1_2"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.plan_year.year}-S{self.semester}"

    @property
    def label(self) -> str:
        """The semester as the scoring core groups ratings: `2026-S1`."""
        return f"{self.plan_year.year}-S{self.semester}"


class RaterAssignment(models.Model):
    """One rater asked to rate one employee in a campaign; the answer is the row's aspect scores."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="assignments")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="rated_in", verbose_name=_("pegawai yang dinilai")
    )
    rater = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="rating_tasks", verbose_name=_("penilai")
    )
    group = models.CharField(_("kelompok penilai"), max_length=16, choices=RaterGroup.choices)
    service_orientation = _aspect(_("orientasi pelayanan"))
    integrity = _aspect(_("integritas"))
    commitment = _aspect(_("komitmen"))
    discipline = _aspect(_("disiplin"))
    cooperation = _aspect(_("kerja sama"))
    leadership = _aspect(_("kepemimpinan"))
    submitted_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penugasan penilai")
        verbose_name_plural = _("penugasan penilai")
        ordering = ["campaign", "employee", "group", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "employee", "rater"], name="unique_rater_assignment")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.rater_id} → {self.employee_id} ({self.group})"

    @property
    def answered(self) -> bool:
        return self.submitted_at is not None


class DisciplinarySentence(models.Model):
    """A disciplinary sentence (hukuman disiplin) in force from a quarter for a number of quarters (§7.3)."""

    class Category(models.TextChoices):
        LIGHT = enums.DisciplineCategory.LIGHT.value, _("Ringan")
        MEDIUM = enums.DisciplineCategory.MEDIUM.value, _("Sedang")
        SEVERE = enums.DisciplineCategory.SEVERE.value, _("Berat")

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="sentences", verbose_name=_("pegawai")
    )
    category = models.CharField(_("tingkat hukuman"), max_length=8, choices=Category.choices)
    severity = models.DecimalField(
        _("nilai hukuman"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(0, message=_("Nilai hukuman tidak boleh negatif."))],
    )
    start_year = models.PositiveSmallIntegerField(_("tahun mulai"))
    start_quarter = models.PositiveSmallIntegerField(
        _("triwulan mulai"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    quarters = models.PositiveSmallIntegerField(
        _("lama (triwulan)"),
        null=True,
        blank=True,
        help_text=_("Kosong: menurut aturan penilaian (2, 3, 4)."),
    )
    decree = models.CharField(_("nomor keputusan"), max_length=128, blank=True)
    note = models.TextField(_("keterangan"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hukuman disiplin")
        verbose_name_plural = _("hukuman disiplin")
        ordering = ["employee", "start_year", "start_quarter"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_quarter__gte=1) & models.Q(start_quarter__lte=4),
                name="sentence_quarter_1_4",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.category} {self.start_year}-Q{self.start_quarter}"

    @property
    def start_label(self) -> str:
        return f"{self.start_year}-Q{self.start_quarter}"


class Correction(models.Model):
    """The leader's correction of an employee's year (§7.3, within the rule set's bound), with its reason."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("pegawai")
    )
    plan_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="corrections")
    value = models.DecimalField(_("koreksi"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("alasan"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("koreksi pimpinan")
        verbose_name_plural = _("koreksi pimpinan")
        constraints = [models.UniqueConstraint(fields=["employee", "plan_year"], name="unique_correction")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.plan_year_id}: {self.value}"


class ScoreRecord(models.Model):
    """An employee's computed score for a plan year (as of a period), stored with the rule set; never changed:
    a recompute adds a record, the latest is current."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="score_records", verbose_name=_("pegawai")
    )
    plan_year = models.ForeignKey(PlanYear, on_delete=models.PROTECT, related_name="score_records")
    as_of = models.CharField(_("sampai periode"), max_length=16, blank=True)
    rule_set = models.CharField(_("aturan penilaian"), max_length=32)
    work = models.DecimalField(_("hasil kerja (CKP/NHK)"), max_digits=8, decimal_places=2, null=True)
    behaviour = models.DecimalField(_("perilaku (NP/NPK)"), max_digits=8, decimal_places=2, null=True)
    nkp = models.DecimalField(_("NKP"), max_digits=8, decimal_places=2, null=True)
    predicate = models.CharField(_("predikat"), max_length=64, blank=True)
    result = models.JSONField(_("hasil lengkap"), default=dict)
    errors = models.JSONField(_("kesalahan masukan"), default=list, blank=True)
    computed_at = models.DateTimeField(auto_now_add=True)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("nilai kinerja pegawai")
        verbose_name_plural = _("nilai kinerja pegawai")
        ordering = ["employee", "plan_year", "-computed_at", "-pk"]
        indexes = [models.Index(fields=["plan_year", "employee", "-computed_at"], name="score_record_latest")]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.plan_year_id}: {self.nkp}"


class CalibrationState(models.TextChoices):
    OPEN = "open", _("Berjalan")
    CLOSED = "closed", _("Ditutup")


class CalibrationSession(models.Model):
    """A calibration session (sidang kalibrasi) of a map-owner unit's year: the leader and the performance
    managers review the ranking and adjust scores within the rule set's bound (`appraisal.calibration_limit`),
    each with a reason; a closed session takes no more adjustments."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="calibration_sessions", verbose_name=_("unit")
    )
    plan_year = models.ForeignKey(
        PlanYear,
        on_delete=models.PROTECT,
        related_name="calibration_sessions",
        verbose_name=_("tahun rencana"),
    )
    state = models.CharField(
        _("status"), max_length=8, choices=CalibrationState.choices, default=CalibrationState.OPEN
    )
    held_on = models.DateField(_("tanggal sidang"), null=True, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sidang kalibrasi")
        verbose_name_plural = _("sidang kalibrasi")
        ordering = ["-plan_year__year", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "plan_year"], name="unique_calibration_session")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.plan_year_id} ({self.state})"


class CalibrationAdjustment(models.Model):
    """One score adjusted in a calibration session: the original kept beside the new value, with who and why.
    One per employee and session (a second change edits it; the history keeps every version)."""

    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="adjustments")
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="calibrations", verbose_name=_("pegawai")
    )
    record = models.ForeignKey(
        ScoreRecord,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("nilai yang disesuaikan"),
    )
    original = models.DecimalField(_("NKP semula"), max_digits=8, decimal_places=2)
    adjusted = models.DecimalField(_("NKP setelah kalibrasi"), max_digits=8, decimal_places=2)
    reason = models.TextField(_("alasan"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("penyesuaian kalibrasi")
        verbose_name_plural = _("penyesuaian kalibrasi")
        ordering = ["session", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="unique_calibration_adjustment")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id}: {self.original} → {self.adjusted}"

    @property
    def delta(self) -> Decimal:
        return self.adjusted - self.original


class NominationKind(models.TextChoices):
    EMPLOYEE_OF_MONTH = "employee_of_month", _("Pegawai terbaik bulan ini")
    EXEMPLARY_EMPLOYEE = "exemplary_employee", _("Pegawai teladan")


class NominationState(models.TextChoices):
    PROPOSED = "proposed", _("Diusulkan")
    ACCEPTED = "accepted", _("Diterima")
    REJECTED = "rejected", _("Ditolak")


class FigureKind(models.TextChoices):
    NKP = "nkp", _("NKP")
    WORK = "work", _("Hasil kerja")


class Nomination(models.Model):
    """A rewards input (issue 14 item 8): a leader nominates an employee of a unit as employee of the month (a
    month of the plan year) or exemplary employee (the year), citing the score it rests on — the current
    `ScoreRecord` of the year, or the month's work result as the scoring core computes it — with a reason.
    The cited figure is copied (`figure`): a later recompute does not change what was cited."""

    kind = models.CharField(_("jenis"), max_length=20, choices=NominationKind.choices)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("unit")
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("tahun rencana")
    )
    period = models.ForeignKey(
        ReportingPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("bulan"),
    )
    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="nominations", verbose_name=_("pegawai")
    )
    score_record = models.ForeignKey(
        ScoreRecord,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
        verbose_name=_("nilai yang dirujuk"),
    )
    figure_kind = models.CharField(_("angka yang dirujuk"), max_length=8, choices=FigureKind.choices)
    figure = models.DecimalField(_("nilai"), max_digits=8, decimal_places=2)
    as_of = models.CharField(_("sampai periode"), max_length=16, blank=True)
    rank = models.PositiveIntegerField(_("peringkat saat diusulkan"), null=True, blank=True)
    reason = models.TextField(_("alasan"))
    state = models.CharField(
        _("status"), max_length=10, choices=NominationState.choices, default=NominationState.PROPOSED
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pengusul"),
    )
    nominated_at = models.DateTimeField(_("diusulkan pada"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("diputuskan pada"), null=True, blank=True)
    decision_note = models.TextField(_("catatan keputusan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("usulan penghargaan")
        verbose_name_plural = _("usulan penghargaan")
        ordering = ["unit", "plan_year", "kind", "period__end", "-nominated_at", "pk"]
        permissions = [("decide_nomination", "Can accept or reject a nomination")]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "unit", "period", "employee"],
                condition=models.Q(period__isnull=False) & ~models.Q(state="rejected"),
                name="one_live_monthly_nomination",
            ),
            models.UniqueConstraint(
                fields=["kind", "unit", "plan_year", "employee"],
                condition=models.Q(period__isnull=True) & ~models.Q(state="rejected"),
                name="one_live_yearly_nomination",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.unit_id} {self.employee_id} ({self.state})"
