"""The Ministry's organisation: units in a tree, positions, employees and their assignments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node

from kinerja.common import progress

from .validators import validate_nip


class UnitLevel(models.TextChoices):
    WIDE = "wide", _("Kemenkeu-Wide")
    ONE = "one", _("Kemenkeu-One")
    TWO = "two", _("Kemenkeu-Two")
    THREE = "three", _("Kemenkeu-Three")
    FOUR = "four", _("Kemenkeu-Four")
    FIVE = "five", _("Kemenkeu-Five")


LEVEL_ORDER = [choice.value for choice in UnitLevel]


class UnitKind(models.TextChoices):
    MINISTRY = "ministry", _("Kementerian")
    ECHELON_1 = "echelon_1", _("Unit Eselon I")
    DIRECTORATE = "directorate", _("Direktorat")
    REGIONAL_OFFICE = "regional_office", _("Kantor Wilayah")
    KPP = "kpp", _("KPP (Kantor Pelayanan Pajak)")
    KPPBC = "kppbc", _("KPPBC (Kantor Pengawasan dan Pelayanan Bea dan Cukai)")
    KPPN = "kppn", _("KPPN (Kantor Pelayanan Perbendaharaan Negara)")
    KPKNL = "kpknl", _("KPKNL (Kantor Pelayanan Kekayaan Negara dan Lelang)")
    UPT = "upt", _("Unit Pelaksana Teknis")
    SUBDIRECTORATE = "subdirectorate", _("Subdirektorat / Bagian / Bidang")
    SECTION = "section", _("Seksi / Subbagian")
    OTHER = "other", _("Lainnya")


class Unit(MP_Node):
    """An organisation unit. Materialised-path tree: a whole subtree is one `path LIKE 'x%'` query."""

    code = models.CharField(_("kode"), max_length=64, unique=True)
    name_id = models.CharField(_("nama (Indonesia)"), max_length=255)
    name_en = models.CharField(_("nama (Inggris)"), max_length=255, blank=True)
    level = models.CharField(_("level"), max_length=8, choices=UnitLevel.choices)
    kind = models.CharField(_("jenis"), max_length=24, choices=UnitKind.choices)
    owns_map = models.BooleanField(_("pemilik peta strategi"), default=False)
    valid_from = models.DateField(_("berlaku mulai"), null=True, blank=True)
    valid_to = models.DateField(_("berlaku sampai"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords(excluded_fields=["path", "depth", "numchild"])

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("unit")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def name(self) -> str:
        """The name in the active language (English falls back to Indonesian)."""
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_id


class PositionType(models.TextChoices):
    STRUCTURAL = "structural", _("Struktural")
    FUNCTIONAL = "functional", _("Fungsional")
    EXECUTOR = "executor", _("Pelaksana")
    EXPERT = "expert", _("Staf Ahli")


class Position(models.Model):
    """A position (jabatan) in a unit; its superior position gives the line of command."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit"))
    code = models.CharField(_("kode"), max_length=64, unique=True)
    title_id = models.CharField(_("nama jabatan (Indonesia)"), max_length=255)
    title_en = models.CharField(_("nama jabatan (Inggris)"), max_length=255, blank=True)
    type = models.CharField(_("jenis jabatan"), max_length=16, choices=PositionType.choices)
    echelon = models.PositiveSmallIntegerField(
        _("eselon"), null=True, blank=True, help_text=_("1–5 untuk jabatan struktural")
    )
    job_grade = models.PositiveSmallIntegerField(_("kelas jabatan"), null=True, blank=True)
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name=_("jabatan atasan"),
    )
    is_head = models.BooleanField(_("kepala unit"), default=False)
    # a position the organisation file no longer lists (or of a closed unit) is closed, never deleted
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jabatan")
        verbose_name_plural = _("jabatan")
        ordering = ["unit__path", "-is_head", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        if translation.get_language() == "en" and self.title_en:
            return self.title_en
        return self.title_id


class Employee(models.Model):
    """A civil servant. `unit`, `position` and `superior` are the current assignment; moves are Assignments."""

    nip = models.CharField(_("NIP"), max_length=18, unique=True, validators=[validate_nip])
    name = models.CharField(_("nama"), max_length=255)
    email = models.EmailField(_("surel"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="employees", verbose_name=_("unit"))
    position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="holders",
        verbose_name=_("jabatan"),
    )
    superior = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subordinates",
        verbose_name=_("atasan langsung"),
    )
    is_active = models.BooleanField(_("aktif"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pegawai")
        verbose_name_plural = _("pegawai")
        ordering = ["name"]
        # the employee list's order (name, NIP): its first page is read from the index, not sorted from all
        indexes = [models.Index(fields=["name", "nip"], name="employee_name_nip")]

    def __str__(self) -> str:
        return f"{self.name} ({self.nip})"


class AssignmentKind(models.TextChoices):
    DEFINITIVE = "definitive", _("Definitif")
    ACTING = "acting", _("Plt./Plh.")


class Assignment(models.Model):
    """An employee in a position (and unit) for a date range: the history of moves."""

    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.SET_NULL)
    kind = models.CharField(max_length=16, choices=AssignmentKind.choices, default=AssignmentKind.DEFINITIVE)
    start = models.DateField(_("mulai"))
    end = models.DateField(_("selesai"), null=True, blank=True)
    note = models.CharField(_("keterangan"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("penugasan")
        verbose_name_plural = _("penugasan")
        ordering = ["employee", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="assignment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.employee} @ {self.unit.code} {self.start}–{self.end or ''}"


class OrganisationImportState(models.TextChoices):
    PREVIEWING = "previewing", _("Pratinjau sedang disiapkan")
    PREVIEWED = "previewed", _("Pratinjau siap")
    APPLYING = "applying", _("Sedang diterapkan")
    APPLIED = "applied", _("Diterapkan")
    FAILED = "failed", _("Gagal")


class OrganisationImport(models.Model):
    """An organisation file uploaded on the import page or through the API, kept between preview and apply.

    `content` is the file as uploaded (cleared once applied; `sha256` stays), `preview` the dry run's result
    (`ImportResult.to_dict` with the problems in both languages and the lists of what would change) and
    `fingerprint` the digest of its plan: the apply plans the stored file again and writes only when the
    plan is the one previewed. `result` is what the apply did. `processed` of `total` is the progress of
    a background run (a large file, `KINERJA_IMPORT_BACKGROUND_ROWS`). `unit` is the top of the
    administrator's reach the import was made in (the root for a whole-organisation import).
    """

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    file_name = models.CharField(_("nama berkas"), max_length=255)
    content = models.BinaryField(blank=True, default=b"")
    sha256 = models.CharField(max_length=64)
    partial = models.BooleanField(_("sebagian"), default=False)
    apply_requested = models.BooleanField(default=False)  # an API call that asked to apply at once
    language = models.CharField(max_length=10, blank=True, default="")
    state = models.CharField(
        max_length=12, choices=OrganisationImportState.choices, default=OrganisationImportState.PREVIEWING
    )
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    preview = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True, default="")
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("impor organisasi")
        verbose_name_plural = _("impor organisasi")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def running(self) -> bool:
        return self.state in (OrganisationImportState.PREVIEWING, OrganisationImportState.APPLYING)

    @property
    def percent(self) -> int:
        return progress.percent(self.processed, self.total, finished=not self.running)


# ---------------------------------------------------------------- reorganisation (issue 15 item 4)


class ReorganisationKind(models.TextChoices):
    MOVE = "move", _("Pemindahan unit")
    MERGE = "merge", _("Penggabungan unit")
    SPLIT = "split", _("Pemecahan unit")


class ReorganisationState(models.TextChoices):
    DRAFT = "draft", _("Rancangan")
    APPLIED = "applied", _("Diterapkan")
    DISCARDED = "discarded", _("Dibatalkan")


class Reorganisation(models.Model):
    """A move, merge or split of units with an effective date: planned (`plan`), previewed, then applied
    in one transaction (`result`: what changed). Old units are closed, never deleted (`reorganisation.py`)."""

    kind = models.CharField(_("jenis"), max_length=8, choices=ReorganisationKind.choices)
    state = models.CharField(
        _("status"), max_length=12, choices=ReorganisationState.choices, default=ReorganisationState.DRAFT
    )
    effective_date = models.DateField(_("tanggal berlaku"))
    reason = models.TextField(_("alasan"))
    # the lowest unit above (or equal to) every unit involved: who may see and apply the reorganisation
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reorganisations", verbose_name=_("lingkup unit")
    )
    plan = models.JSONField(_("rencana"), default=dict)
    result = models.JSONField(_("hasil"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("diterapkan oleh"),
    )
    at = models.DateTimeField(_("diterapkan pada"), null=True, blank=True)

    class Meta:
        verbose_name = _("reorganisasi")
        verbose_name_plural = _("reorganisasi")
        ordering = ["-effective_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.effective_date:%d-%m-%Y}"


class ReorganisationRole(models.TextChoices):
    CLOSED = "closed", _("ditutup")
    CREATED = "created", _("dibentuk")
    KEPT = "kept", _("menampung")
    MOVED = "moved", _("dipindahkan")


class ReorganisationUnit(models.Model):
    """A unit an applied reorganisation touched and how (closed, created, kept as the merge's target, moved),
    with the old parent of a moved unit: what a unit page reads for “digantikan oleh …”."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reorganisation_links")
    role = models.CharField(max_length=8, choices=ReorganisationRole.choices)
    old_parent = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "unit", "role"], name="unique_reorganisation_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} ({self.role})"
