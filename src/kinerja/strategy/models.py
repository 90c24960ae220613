"""Strategy planning: plan periods (Renstra), plan years, strategy maps, perspectives, objectives, links.

A map owner (`Unit.owns_map`) has one strategy map per plan year. A map has the
four Balanced Scorecard perspectives, strategic objectives (Sasaran Strategis,
SS) in them and cause-effect links between its SS. The map moves draft →
submitted → approved; an approved map changes only through a recorded revision
(`StateChange` keeps who, when and why). Writes go through `services.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Position, Unit
from kinerja.scoring.enums import Perspective as PerspectiveKey

from .scoring_bridge import DEFAULT_RULE_SET, RULE_SET_FIRST_YEAR, rule_set_codes


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
    weight = models.DecimalField(_("bobot (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
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
    weight = models.DecimalField(_("bobot (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
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
