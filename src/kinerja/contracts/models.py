"""Performance contracts, cascading and alignment (domain.md §3 "Cascading and contracts", §4, rules 5, 6, 10, 13–20).

* `Contract` — one official's performance contract (Kontrak / Perjanjian Kinerja) for a plan year: the
  holder (an employee in a position of a unit), the superior who agrees it (the acting holder when the
  post is vacant), the dates it covers, the commitment statement; draft → proposed → agreed → signed →
  ended on the shared workflow engine (`workflow.py`). A replacement contract (rule 16) points to the one
  it replaces and runs from the job change to year end.
* `ContractKpi` — a KPI held by a contract: a KPI of the holder's map (map owners), a KPI cascaded from
  the superior's contract, or the holder's own individual KPI (IKI). It carries the weight (rule 13), the
  year target (frozen at signing with the trajectory) and the fields of the 2026 contract-quality factor
  K3 (`scoring.md` §7.2): the KPI's kind and last year's target and realization.
* `Cascade` / `CascadeLink` — how a KPI goes down (direct full, direct shared, indirect, not cascaded) and
  to which child KPIs, with each child's target share.
* `ObjectiveSupport` — a lower map's SS supporting an SS of the parent map (rule 5).
* `ContractEvent` — each workflow step with who, when and why (rules 18, 19).

Writes go through `services.py`; reads through `selectors.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.common import progress
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.planning.models import WEIGHT_VALIDATORS, Kpi, Objective, PlanYear
from kinerja.scoring import enums


class ContractKind(models.TextChoices):
    INITIAL = "initial", _("Kontrak awal")
    REPLACEMENT = "replacement", _("Kontrak pengganti")


class ContractState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    PROPOSED = "proposed", _("Diajukan")
    AGREED = "agreed", _("Disetujui atasan")
    SIGNED = "signed", _("Ditandatangani")
    ENDED = "ended", _("Berakhir")


EDITABLE_CONTRACT_STATES = frozenset({ContractState.DRAFT})
# A contract whose KPIs take realizations (rule 20): signed, or signed and since ended by a replacement.
REPORTING_CONTRACT_STATES = frozenset({ContractState.SIGNED, ContractState.ENDED})


class Contract(models.Model):
    """An official's performance contract for a plan year (rules 16–19)."""

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("pemegang kontrak")
    )
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("jabatan")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("unit"))
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("tahun rencana")
    )
    superior = models.ForeignKey(
        Employee,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreed_contracts",
        verbose_name=_("atasan yang menyetujui"),
        help_text=_("Atasan langsung, atau Plt./Plh. bila jabatan atasan kosong (aturan 18)."),
    )
    kind = models.CharField(
        _("jenis kontrak"), max_length=16, choices=ContractKind.choices, default=ContractKind.INITIAL
    )
    replaces = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("menggantikan kontrak"),
    )
    start = models.DateField(_("berlaku mulai"))
    end = models.DateField(_("berlaku sampai"))
    change_date = models.DateField(
        _("tanggal perpindahan jabatan"),
        null=True,
        blank=True,
        help_text=_("Untuk kontrak pengganti (aturan 16–17)."),
    )
    deadline = models.DateField(_("batas waktu penandatanganan"), null=True, blank=True)
    state = models.CharField(
        _("status"), max_length=16, choices=ContractState.choices, default=ContractState.DRAFT
    )
    revision = models.PositiveSmallIntegerField(_("revisi ke"), default=0)
    commitment = models.TextField(_("pernyataan kesanggupan"), blank=True)
    proposed_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    agreed_at = models.DateTimeField(_("disetujui pada"), null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_at = models.DateTimeField(_("ditandatangani pada"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kontrak kinerja")
        verbose_name_plural = _("kontrak kinerja")
        ordering = ["plan_year", "unit__path", "employee__name", "start"]
        permissions = [
            ("propose_contract", "Can propose a contract"),
            ("agree_contract", "Can agree a contract"),
            ("sign_contract", "Can sign a contract"),
            ("return_contract", "Can return a contract"),
            ("revise_contract", "Can revise a signed contract"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="contract_end_after_start"
            ),
        ]
        indexes = [models.Index(fields=["plan_year", "employee"], name="contract_year_employee")]

    def __str__(self) -> str:
        return f"{self.employee.name} — {self.plan_year.year} ({self.start:%d-%m}–{self.end:%d-%m})"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_CONTRACT_STATES

    @property
    def is_top(self) -> bool:
        """The top of the line of command (the Minister's performance commitment): a head position with no
        superior post, on a root unit. Nobody above agrees it; the holder commits to it (rule 18's exception)."""
        return self.position.superior_id is None and self.position.is_head and self.unit.depth == 1

    @property
    def days(self) -> int:
        """Days the contract covers, both ends included (the `d_i` of `scoring.md` §7.3)."""
        return (self.end - self.start).days + 1


class ContractKpiSource(models.TextChoices):
    MAP = "map", _("IKU peta strategi")
    CASCADED = "cascaded", _("Turunan dari kontrak atasan")
    INDIVIDUAL = "individual", _("IKI sendiri")


class KpiKind(models.TextChoices):
    EXISTING = enums.KpiKind.EXISTING.value, _("IKU lama (ada riwayat)")
    NEW = enums.KpiKind.NEW.value, _("IKU baru tanpa riwayat")
    NEW_WITH_HISTORY = enums.KpiKind.NEW_WITH_HISTORY.value, _("IKU baru dengan riwayat")
    MANDATORY = enums.KpiKind.MANDATORY.value, _("IKU mandatory")


class ContractKpi(models.Model):
    """A KPI in a contract: weight, year target and trajectory (frozen at signing), and the K3 inputs."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="kpis")
    kpi = models.ForeignKey(
        Kpi, on_delete=models.PROTECT, related_name="contract_entries", verbose_name=_("IKU/IKI")
    )
    source = models.CharField(_("asal"), max_length=16, choices=ContractKpiSource.choices)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    weight = models.DecimalField(
        _("bobot (%)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=WEIGHT_VALIDATORS
    )
    target = models.DecimalField(_("target tahunan"), max_digits=24, decimal_places=6, null=True, blank=True)
    # The trajectory as signed: {"1": "10", "2": "20", …} (period number → target, as text); empty until signing.
    trajectory = models.JSONField(_("trajectory saat ditandatangani"), default=dict, blank=True)
    kind = models.CharField(
        _("riwayat IKU (K3)"), max_length=20, choices=KpiKind.choices, default=KpiKind.EXISTING
    )
    fixed_target = models.BooleanField(
        _("target ditetapkan undang-undang/otoritas"),
        default=False,
        help_text=_(
            "Target ditetapkan peraturan atau otoritas setingkat kementerian ke atas, atau stabil secara alami."
        ),
    )
    target_prev = models.DecimalField(
        _("target tahun lalu"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    realization_prev = models.DecimalField(
        _("realisasi tahun lalu"), max_digits=24, decimal_places=6, null=True, blank=True
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IKU kontrak")
        verbose_name_plural = _("IKU kontrak")
        ordering = ["contract", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["contract", "kpi"], name="unique_kpi_per_contract")]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.kpi.code}"


class CascadeMode(models.TextChoices):
    DIRECT_FULL = "direct_full", _("Langsung penuh")
    DIRECT_SHARED = "direct_shared", _("Langsung berbagi target")
    INDIRECT = "indirect", _("Tidak langsung")
    NONE = "none", _("Tidak diturunkan")


DIRECT_MODES = frozenset({CascadeMode.DIRECT_FULL, CascadeMode.DIRECT_SHARED})


class AggregationChoice(models.TextChoices):
    SUM = enums.Aggregation.SUM.value, _("Jumlah")
    AVERAGE = enums.Aggregation.AVERAGE.value, _("Rata-rata")
    WEIGHTED_AVERAGE = enums.Aggregation.WEIGHTED_AVERAGE.value, _("Rata-rata tertimbang")
    MIN = enums.Aggregation.MIN.value, _("Minimum")
    MAX = enums.Aggregation.MAX.value, _("Maksimum")


class Cascade(models.Model):
    """How one KPI goes down (rule 14): its mode and the roll-up aggregation of its children's values."""

    parent = models.OneToOneField(
        Kpi, on_delete=models.CASCADE, related_name="cascade", verbose_name=_("IKU induk")
    )
    mode = models.CharField(_("jenis cascading"), max_length=16, choices=CascadeMode.choices)
    aggregation = models.CharField(
        _("agregasi roll-up"), max_length=20, choices=AggregationChoice.choices, default=AggregationChoice.SUM
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cascading IKU")
        verbose_name_plural = _("cascading IKU")

    def __str__(self) -> str:
        return f"{self.parent.code} ({self.mode})"

    @property
    def is_direct(self) -> bool:
        return self.mode in DIRECT_MODES


class CascadeLink(models.Model):
    """A child KPI of a cascade, with its share of the parent's target (direct shared) or roll-up weight."""

    cascade = models.ForeignKey(Cascade, on_delete=models.CASCADE, related_name="links")
    child = models.OneToOneField(
        Kpi, on_delete=models.CASCADE, related_name="cascaded_from", verbose_name=_("IKU turunan")
    )
    share = models.DecimalField(
        _("porsi target"),
        max_digits=24,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("Porsi target tidak boleh negatif."))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("turunan IKU")
        verbose_name_plural = _("turunan IKU")
        ordering = ["cascade", "pk"]

    def __str__(self) -> str:
        return f"{self.cascade.parent.code} → {self.child.code}"


class SupportKind(models.TextChoices):
    DIRECT = "direct", _("Langsung (SS sama)")
    INDIRECT = "indirect", _("Tidak langsung (SS pendukung)")


class ObjectiveSupport(models.Model):
    """A lower map's SS supporting an SS of a higher map in the same branch (rule 5)."""

    child = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="supports", verbose_name=_("SS turunan")
    )
    parent = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="supported_by", verbose_name=_("SS yang didukung")
    )
    kind = models.CharField(_("jenis"), max_length=16, choices=SupportKind.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dukungan SS")
        verbose_name_plural = _("dukungan SS")
        constraints = [
            models.UniqueConstraint(fields=["child", "parent"], name="unique_objective_support"),
            models.CheckConstraint(condition=~models.Q(child=models.F("parent")), name="support_not_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.child.code} → {self.parent.code}"


class ContractEvent(models.Model):
    """A workflow step of a contract: from which state to which, who, when and why (rules 18–19)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="events")
    revision = models.PositiveSmallIntegerField(_("revisi ke"))
    from_state = models.CharField(_("dari"), max_length=16, choices=ContractState.choices, blank=True)
    to_state = models.CharField(_("menjadi"), max_length=16, choices=ContractState.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    at = models.DateTimeField(_("waktu"), auto_now_add=True)
    reason = models.TextField(_("alasan"), blank=True)

    class Meta:
        verbose_name = _("langkah alur kerja kontrak")
        verbose_name_plural = _("langkah alur kerja kontrak")
        ordering = ["contract", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.contract_id}: {self.from_state or '—'} → {self.to_state}"


class BulkJobState(models.TextChoices):
    QUEUED = "queued", _("Menunggu")
    RUNNING = "running", _("Berjalan")
    DONE = "done", _("Selesai")
    FAILED = "failed", _("Gagal")


class ContractBulkJob(models.Model):
    """A new year's contracts for a unit's subtree made in the background (`bulk.py`), and its progress.

    `processed` of `total` contracts are done; `result` holds the counts (contracts, KPIs, individual KPIs
    re-created, employees skipped) or the error. All or nothing: a failed job wrote nothing.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="contract_bulk_jobs")
    plan_year = models.ForeignKey(PlanYear, on_delete=models.CASCADE, related_name="contract_bulk_jobs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state = models.CharField(max_length=10, choices=BulkJobState.choices, default=BulkJobState.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("pembuatan kontrak massal")
        verbose_name_plural = _("pembuatan kontrak massal")

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.plan_year_id} ({self.get_state_display()})"

    @property
    def finished(self) -> bool:
        return self.state in (BulkJobState.DONE, BulkJobState.FAILED)

    @property
    def percent(self) -> int:
        return progress.percent(self.processed, self.total, finished=self.finished)
