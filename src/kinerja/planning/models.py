"""Strategy planning: plan periods (Renstra), plan years, strategy maps, perspectives, objectives, links.

A map owner (`Unit.owns_map`) has one strategy map per plan year. A map has the
four Balanced Scorecard perspectives, strategic objectives (Sasaran Strategis,
SS) in them and cause-effect links between its SS. The map moves draft →
submitted → approved; an approved map changes only through a recorded revision
(`StateChange` keeps who, when and why). Writes go through `services.py`.

KPIs (Indikator Kinerja Utama, IKU) of strategic objectives: the KPI manual, the yearly target, the
trajectory. Their vocabularies (polarity, consolidation, validity, controllability) use the scoring
core's keyword values, so a KPI here scores with `kinerja.scoring` without translation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Position, Unit
from kinerja.scoring import enums
from kinerja.scoring.enums import Perspective as PerspectiveKey

from .scoring_bridge import DEFAULT_RULE_SET, RULE_SET_FIRST_YEAR, rule_set_codes

# A weight is a share in percent: 0 to 100, refused outside wherever it is entered (page, API, workbook),
# since the scoring core cannot weigh with a negative share (issue 11 item 9).
WEIGHT_VALIDATORS = [
    MinValueValidator(0, message=_("Bobot tidak boleh negatif.")),
    MaxValueValidator(100, message=_("Bobot tidak boleh lebih dari %(limit_value)s persen.")),
]

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def validate_rule_set(value: str) -> None:
    if value not in rule_set_codes():
        raise ValidationError(
            _("Aturan penilaian %(code)s tidak dikenal."), code="unknown_rule_set", params={"code": value}
        )


class Bilingual(models.Model):
    """`name_id` / `name_en` with `name` in the active language (English falls back to Indonesian)."""

    name_id = models.CharField(_("nama (Indonesia)"), max_length=255)
    name_en = models.CharField(_("nama (Inggris)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name_id


class PlanPeriod(models.Model):
    """A five-yearly strategic plan (Rencana Strategis, Renstra)."""

    name = models.CharField(_("nama"), max_length=255)
    start_year = models.PositiveSmallIntegerField(_("tahun awal"))
    end_year = models.PositiveSmallIntegerField(_("tahun akhir"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("periode Renstra")
        verbose_name_plural = _("periode Renstra")
        ordering = ["-start_year"]
        constraints = [
            models.UniqueConstraint(fields=["start_year", "end_year"], name="unique_plan_period_years"),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")), name="plan_period_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start_year}–{self.end_year})"


class UnitPlan(models.Model):
    """A map owner's vision, mission and goals for a plan period."""

    plan_period = models.ForeignKey(PlanPeriod, on_delete=models.CASCADE, related_name="unit_plans")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="unit_plans", verbose_name=_("unit")
    )
    vision = models.TextField(_("visi"), blank=True)
    mission = models.TextField(_("misi"), blank=True)
    goals = models.TextField(_("tujuan"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("visi, misi, dan tujuan unit")
        verbose_name_plural = _("visi, misi, dan tujuan unit")
        constraints = [models.UniqueConstraint(fields=["plan_period", "unit"], name="unique_unit_plan")]

    def __str__(self) -> str:
        return f"{self.unit.code} — {self.plan_period}"


class PlanYear(models.Model):
    """A year of a plan period; it names the rule set its scores use."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True)
    plan_period = models.ForeignKey(
        PlanPeriod, on_delete=models.PROTECT, related_name="years", verbose_name=_("periode Renstra")
    )
    rule_set = models.CharField(
        _("aturan penilaian"), max_length=32, default=DEFAULT_RULE_SET, validators=[validate_rule_set]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tahun rencana")
        verbose_name_plural = _("tahun rencana")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        period = self.plan_period if self.plan_period_id else None
        if (
            period is not None
            and self.year is not None
            and not period.start_year <= self.year <= period.end_year
        ):
            raise ValidationError(
                {"year": _("Tahun berada di luar periode Renstra.")}, code="year_outside_period"
            )
        first = RULE_SET_FIRST_YEAR.get(self.rule_set)
        if first is not None and self.year is not None and self.year < first:
            raise ValidationError(
                {
                    "rule_set": _("Aturan penilaian %(code)s berlaku mulai tahun %(year)d.")
                    % {"code": self.rule_set, "year": first}
                },
                code="rule_set_too_early",
            )


class MapState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    APPROVED = "approved", _("Disetujui")
    REVISED = "revised", _("Dalam revisi")


EDITABLE_STATES = frozenset({MapState.DRAFT, MapState.REVISED})
# Maps whose KPIs take realizations: an approved plan, or one under a recorded revision.
REPORTABLE_MAP_STATES = frozenset({MapState.APPROVED, MapState.REVISED})


class StrategyMap(models.Model):
    """A map owner's strategy map (peta strategi) for one plan year."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="strategy_maps", verbose_name=_("unit")
    )
    plan_year = models.ForeignKey(
        PlanYear, on_delete=models.PROTECT, related_name="maps", verbose_name=_("tahun rencana")
    )
    state = models.CharField(_("status"), max_length=16, choices=MapState.choices, default=MapState.DRAFT)
    revision = models.PositiveSmallIntegerField(_("revisi ke"), default=0)
    vision = models.TextField(_("visi"), blank=True)
    mission = models.TextField(_("misi"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peta strategi")
        verbose_name_plural = _("peta strategi")
        ordering = ["-plan_year__year", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["unit", "plan_year"], name="unique_map_per_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.plan_year.year}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES


PERSPECTIVE_DEFAULTS: tuple[tuple[str, int, str, str], ...] = (
    (PerspectiveKey.STAKEHOLDER.value, 1, "Pemangku Kepentingan", "Stakeholder"),
    (PerspectiveKey.CUSTOMER.value, 2, "Pelanggan", "Customer"),
    (PerspectiveKey.INTERNAL_PROCESS.value, 3, "Proses Bisnis Internal", "Internal Process"),
    (PerspectiveKey.LEARNING_GROWTH.value, 4, "Pembelajaran dan Pertumbuhan", "Learning and Growth"),
)


class PerspectiveCode(models.TextChoices):
    STAKEHOLDER = PerspectiveKey.STAKEHOLDER.value, _("Pemangku Kepentingan")
    CUSTOMER = PerspectiveKey.CUSTOMER.value, _("Pelanggan")
    INTERNAL_PROCESS = PerspectiveKey.INTERNAL_PROCESS.value, _("Proses Bisnis Internal")
    LEARNING_GROWTH = PerspectiveKey.LEARNING_GROWTH.value, _("Pembelajaran dan Pertumbuhan")


class Perspective(Bilingual):
    """One of a map's four perspective bands, top (stakeholder) to bottom (learning & growth)."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="perspectives")
    code = models.CharField(_("perspektif"), max_length=24, choices=PerspectiveCode.choices)
    order = models.PositiveSmallIntegerField(_("urutan"))
    weight = models.DecimalField(
        _("bobot (%)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=WEIGHT_VALIDATORS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("perspektif")
        verbose_name_plural = _("perspektif")
        ordering = ["map", "order"]
        constraints = [models.UniqueConstraint(fields=["map", "code"], name="unique_perspective_per_map")]

    def __str__(self) -> str:
        return self.name


class Theme(Bilingual):
    """An optional group of SS across perspectives (tema strategis)."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="themes")
    code = models.CharField(_("kode"), max_length=16)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tema strategis")
        verbose_name_plural = _("tema strategis")
        ordering = ["map", "code"]
        constraints = [models.UniqueConstraint(fields=["map", "code"], name="unique_theme_per_map")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Objective(Bilingual):
    """A strategic objective (Sasaran Strategis, SS) in one perspective of one map."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="objectives")
    perspective = models.ForeignKey(
        Perspective, on_delete=models.RESTRICT, related_name="objectives", verbose_name=_("perspektif")
    )
    code = models.CharField(_("kode"), max_length=16)
    description = models.TextField(_("deskripsi"), blank=True)
    theme = models.ForeignKey(
        Theme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
        verbose_name=_("tema"),
    )
    owner_position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="objectives",
        verbose_name=_("penanggung jawab"),
    )
    weight = models.DecimalField(
        _("bobot (%)"), max_digits=6, decimal_places=2, null=True, blank=True, validators=WEIGHT_VALIDATORS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sasaran strategis")
        verbose_name_plural = _("sasaran strategis")
        ordering = ["map", "perspective__order", "code"]
        constraints = [models.UniqueConstraint(fields=["map", "code"], name="unique_objective_code_per_map")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class ObjectiveLink(models.Model):
    """A cause-effect arrow: `cause` drives `effect` (normally upward), both of the same map."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="links")
    cause = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="effects_of", verbose_name=_("sebab")
    )
    effect = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="causes_of", verbose_name=_("akibat")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hubungan sebab-akibat")
        verbose_name_plural = _("hubungan sebab-akibat")
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="unique_objective_link"),
            models.CheckConstraint(condition=~models.Q(cause=models.F("effect")), name="link_not_to_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.cause.code} → {self.effect.code}"


class StateChange(models.Model):
    """A workflow event of a map: who moved it from which state to which, when, and why."""

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="state_changes")
    revision = models.PositiveSmallIntegerField(_("revisi ke"))
    from_state = models.CharField(_("dari"), max_length=16, choices=MapState.choices, blank=True)
    to_state = models.CharField(_("menjadi"), max_length=16, choices=MapState.choices)
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
        verbose_name = _("perubahan status peta")
        verbose_name_plural = _("perubahan status peta")
        ordering = ["map", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.map}: {self.from_state or '—'} → {self.to_state}"


# --------------------------------------------------------------------------- initiatives and risks


class Initiative(Bilingual):
    """A strategic initiative (Inisiatif Strategis, IS): a non-routine programme of a map owner for a plan year.

    It belongs to the map (owner and year), supports SS of that map, and has
    milestones and progress reports. Its status (on track / late) is derived
    from the milestones by `selectors.initiative_status`, never stored.
    """

    map = models.ForeignKey(StrategyMap, on_delete=models.CASCADE, related_name="initiatives")
    code = models.CharField(_("kode"), max_length=16)
    description = models.TextField(_("deskripsi"), blank=True)
    owner_position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
        verbose_name=_("penanggung jawab"),
    )
    owner_text = models.CharField(
        _("penanggung jawab (teks)"),
        max_length=255,
        blank=True,
        help_text=_("Diisi bila penanggung jawab tidak berupa jabatan di aplikasi."),
    )
    budget = models.DecimalField(
        _("anggaran (Rp)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("Anggaran tidak boleh negatif."))],
    )
    start = models.DateField(_("mulai"), null=True, blank=True)
    end = models.DateField(_("selesai"), null=True, blank=True)
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="initiatives", verbose_name=_("sasaran strategis")
    )
    history = HistoricalRecords(m2m_fields=[objectives])

    class Meta:
        verbose_name = _("inisiatif strategis")
        verbose_name_plural = _("inisiatif strategis")
        ordering = ["map", "code"]
        constraints = [
            models.UniqueConstraint(fields=["map", "code"], name="unique_initiative_code_per_map"),
            models.CheckConstraint(
                condition=models.Q(budget__isnull=True) | models.Q(budget__gte=0),
                name="initiative_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def owner_label(self) -> str:
        if self.owner_position_id is not None:
            return str(self.owner_position)
        return self.owner_text


class Milestone(models.Model):
    """A milestone (tonggak capaian) of an initiative: due date, and when it was done."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("nama"), max_length=255)
    due_date = models.DateField(_("batas waktu"))
    done = models.BooleanField(_("selesai"), default=False)
    done_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tonggak capaian")
        verbose_name_plural = _("tonggak capaian")
        ordering = ["initiative", "due_date", "pk"]

    def __str__(self) -> str:
        return self.name


class ProgressReport(models.Model):
    """A progress report of an initiative: date, percent complete, a note, who reported it."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="progress_reports")
    date = models.DateField(_("tanggal"))
    percent = models.DecimalField(
        _("kemajuan (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(0, message=_("Kemajuan harus antara 0 dan 100 persen.")),
            MaxValueValidator(100, message=_("Kemajuan harus antara 0 dan 100 persen.")),
        ],
    )
    note = models.TextField(_("catatan"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("laporan kemajuan")
        verbose_name_plural = _("laporan kemajuan")
        ordering = ["initiative", "date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(percent__gte=0) & models.Q(percent__lte=100),
                name="progress_percent_0_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.initiative.code} {self.date}: {self.percent}%"


# The risk level is likelihood × impact (1–25); the bands are data: (lowest level, key, label).
RISK_BANDS: tuple[tuple[int, str, StrOrPromise], ...] = (
    (1, "low", _("Rendah")),
    (5, "medium", _("Sedang")),
    (10, "high", _("Tinggi")),
    (17, "extreme", _("Ekstrem")),
)
RISK_SCALE = range(1, 6)


def risk_band(level: int) -> tuple[str, str]:
    """The band (key, label) of a risk level: the last band whose lowest level the level reaches."""
    key, label = RISK_BANDS[0][1], str(RISK_BANDS[0][2])
    for lowest, band_key, band_label in RISK_BANDS:
        if level >= lowest:
            key, label = band_key, str(band_label)
    return key, label


class Risk(models.Model):
    """A risk (risiko) that may block an SS: likelihood and impact 1–5, a mitigation plan, an owner."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="risks", verbose_name=_("sasaran strategis")
    )
    code = models.CharField(_("kode"), max_length=16)
    description = models.TextField(_("uraian risiko"))
    likelihood = models.PositiveSmallIntegerField(_("kemungkinan (1–5)"))
    impact = models.PositiveSmallIntegerField(_("dampak (1–5)"))
    mitigation = models.TextField(_("rencana mitigasi"), blank=True)
    owner_position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="risks",
        verbose_name=_("pemilik risiko"),
    )
    owner_text = models.CharField(_("pemilik risiko (teks)"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risiko")
        verbose_name_plural = _("risiko")
        ordering = ["objective", "code"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "code"], name="unique_risk_code_per_objective"),
            models.CheckConstraint(
                condition=models.Q(likelihood__gte=1) & models.Q(likelihood__lte=5),
                name="risk_likelihood_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(impact__gte=1) & models.Q(impact__lte=5), name="risk_impact_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.description[:60]}"

    @property
    def level(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return risk_band(self.level)[0]

    @property
    def band_label(self) -> str:
        return risk_band(self.level)[1]

    @property
    def owner_label(self) -> str:
        if self.owner_position_id is not None:
            return str(self.owner_position)
        return self.owner_text


class RiskMonitoring(models.Model):
    """A monitoring entry of a risk: date, what was observed or done, who recorded it."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="monitoring")
    date = models.DateField(_("tanggal"))
    note = models.TextField(_("catatan pemantauan"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("oleh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pemantauan risiko")
        verbose_name_plural = _("pemantauan risiko")
        ordering = ["risk", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.risk.code} {self.date}"


# --------------------------------------------------------------------------- KPIs (IKU)


class PolarityChoice(models.TextChoices):
    MAX = enums.Polarity.MAX.value, _("Maksimal (makin tinggi makin baik)")
    MIN = enums.Polarity.MIN.value, _("Minimal (makin rendah makin baik)")
    STABILIZE = enums.Polarity.STABILIZE.value, _("Stabil (dalam rentang)")


class ConsolidationChoice(models.TextChoices):
    SUM = enums.Consolidation.SUM.value, _("Jumlah (sum)")
    AVERAGE = enums.Consolidation.AVERAGE.value, _("Rata-rata (average)")
    LAST = enums.Consolidation.LAST.value, _("Nilai terakhir (take last known value)")


class ValidityChoice(models.TextChoices):
    EXACT = enums.Validity.EXACT.value, _("Exact")
    PROXY = enums.Validity.PROXY.value, _("Proxy")
    ACTIVITY = enums.Validity.ACTIVITY.value, _("Activity")
    PROJECT = enums.Validity.PROJECT.value, _("Project")


class ControllabilityChoice(models.TextChoices):
    HIGH = enums.Controllability.HIGH.value, _("Tinggi")
    MODERATE = enums.Controllability.MODERATE.value, _("Sedang")
    LOW = enums.Controllability.LOW.value, _("Rendah")


class LeadLag(models.TextChoices):
    LEAD = "lead", _("Leading")
    LAG = "lag", _("Lagging")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Bulanan")
    QUARTERLY = "quarterly", _("Triwulanan")
    SEMESTER = "semester", _("Semesteran")
    YEARLY = "yearly", _("Tahunan")


PERIODS_PER_YEAR: dict[str, int] = {
    Frequency.MONTHLY: 12,
    Frequency.QUARTERLY: 4,
    Frequency.SEMESTER: 2,
    Frequency.YEARLY: 1,
}


def period_label(frequency: str, number: int) -> str:
    """A short label of period `number` under `frequency`: B1…B12, TW1…TW4, S1, S2, or the year."""
    if frequency == Frequency.MONTHLY:
        return gettext("B%(n)s") % {"n": number}  # bulan: M1 in English
    if frequency == Frequency.QUARTERLY:
        return gettext("TW%(n)s") % {"n": number}  # triwulan: Q1
    if frequency == Frequency.SEMESTER:
        return gettext("S%(n)s") % {"n": number}
    return str(_("Tahunan"))


def _decimal(verbose: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=24, decimal_places=6, null=True, blank=True)


class MapKpiManager(models.Manager["Kpi"]):
    """`Kpi.objects`: the KPIs of strategy maps only (IKU). A person's individual KPIs (IKI, `holder` set)
    are never part of a map's scorecard, lists or workbook; `Kpi.all_kpis` reaches both."""

    def get_queryset(self) -> models.QuerySet[Kpi]:
        return super().get_queryset().filter(holder__isnull=True)


class Kpi(Bilingual):
    """An IKU of one SS with its manual (manual IKU), yearly target and trajectory.

    A KPI with a `holder` is a position's individual KPI (Indikator Kinerja Individu, IKI) held through
    a performance contract (`kinerja.contracts`): cascaded from a superior's KPI or the holder's own.
    Its `objective` is the SS of the map it ultimately supports (domain.md §4: "a non-owner's KPI points
    to the SS or KPI it supports"), so it reports in the same periods and workflow as the map's KPIs,
    but it never counts in the map's NKO: `Kpi.objects` leaves it out, `Kpi.all_kpis` has it.
    """

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="kpis", verbose_name=_("sasaran strategis")
    )
    code = models.CharField(_("kode"), max_length=24)
    description = models.TextField(_("deskripsi"), blank=True)
    formula = models.TextField(_("formula"), blank=True)
    unit_of_measure = models.CharField(_("satuan pengukuran"), max_length=64, blank=True)
    validity = models.CharField(_("jenis IKU"), max_length=16, choices=ValidityChoice.choices)
    controllability = models.CharField(
        _("tingkat kendali"), max_length=16, choices=ControllabilityChoice.choices
    )
    lead_lag = models.CharField(
        _("leading/lagging"), max_length=8, choices=LeadLag.choices, default=LeadLag.LAG
    )
    polarity = models.CharField(_("polarisasi data"), max_length=16, choices=PolarityChoice.choices)
    consolidation = models.CharField(
        _("jenis konsolidasi data"), max_length=16, choices=ConsolidationChoice.choices
    )
    frequency = models.CharField(
        _("periode pelaporan"), max_length=16, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    data_source = models.CharField(_("sumber data"), max_length=255, blank=True)
    measured_by = models.CharField(_("pihak yang mengukur"), max_length=255, blank=True)
    owner_position = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kpis",
        verbose_name=_("penanggung jawab"),
    )
    owner_text = models.CharField(
        _("penanggung jawab (teks)"),
        max_length=255,
        blank=True,
        help_text=_("Diisi bila penanggung jawab tidak berupa jabatan di aplikasi."),
    )
    baseline = _decimal(_("baseline"))
    worst = _decimal(_("nilai terburuk yang dapat ditoleransi"))
    cap_on_target = models.BooleanField(_("target adalah capaian maksimal"), default=False)
    mandatory = models.BooleanField(_("IKU mandatory"), default=False)
    # Rule 21, per KPI: True blocks a submission without evidence, False relaxes it to a warning,
    # None (blank) follows the global setting KINERJA_EVIDENCE_REQUIRED (`reporting.workflow.evidence_required`).
    evidence_required = models.BooleanField(
        _("wajib data dukung"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Ya: realisasi tanpa data dukung tidak dapat diajukan; tidak: boleh diajukan dengan peringatan; "
            "kosong: mengikuti pengaturan umum aplikasi."
        ),
    )
    weight = models.DecimalField(
        _("bobot dalam SS (%)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=WEIGHT_VALIDATORS,
    )
    target = _decimal(_("target tahunan"))
    target_low = _decimal(_("batas bawah target"))
    target_high = _decimal(_("batas atas target"))
    holder = models.ForeignKey(
        Position,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="individual_kpis",
        verbose_name=_("pemegang IKI"),
        help_text=_("Diisi untuk Indikator Kinerja Individu (IKI) sebuah jabatan; kosong untuk IKU peta."),
    )
    # Rule 20: an individual KPI takes realizations only while a signed contract holds it; the contracts
    # app sets this flag when a contract holding the KPI is signed (planning and reporting never ask it).
    contract_signed = models.BooleanField(_("dalam kontrak kinerja yang ditandatangani"), default=False)
    # Rule 20: a KPI cascaded directly downwards takes its realization from its children (roll-up); it is
    # never typed in. Kept by the contracts app with the cascade.
    rolled_up = models.BooleanField(_("realisasi dari turunan (roll-up)"), default=False)
    history = HistoricalRecords()

    all_kpis = models.Manager()
    objects = MapKpiManager()

    class Meta:
        verbose_name = _("IKU")
        verbose_name_plural = _("IKU")
        ordering = ["objective", "code"]
        default_manager_name = "objects"
        base_manager_name = "all_kpis"
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "code"],
                condition=models.Q(holder__isnull=True),
                name="unique_kpi_code_per_objective",
            ),
            models.UniqueConstraint(
                fields=["objective", "holder", "code"],
                condition=models.Q(holder__isnull=False),
                name="unique_individual_kpi_code",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def period_count(self) -> int:
        return PERIODS_PER_YEAR[self.frequency]

    @property
    def is_individual(self) -> bool:
        return self.holder_id is not None

    @property
    def owner_label(self) -> str:
        if self.owner_position_id is not None:
            return str(self.owner_position)
        return self.owner_text


class PeriodTarget(models.Model):
    """The target of one reporting period (the trajectory, Annex I of the contract)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="period_targets")
    period = models.PositiveSmallIntegerField(_("periode ke"))
    target = models.DecimalField(_("target"), max_digits=24, decimal_places=6)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target periode")
        verbose_name_plural = _("target periode")
        ordering = ["kpi", "period"]
        constraints = [
            models.UniqueConstraint(fields=["kpi", "period"], name="unique_period_target"),
            models.CheckConstraint(condition=models.Q(period__gte=1), name="period_target_period_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.kpi.code} #{self.period}: {self.target}"
