"""KPIs (Indikator Kinerja Utama, IKU) of strategic objectives: the KPI manual, the yearly target, the trajectory.

The vocabularies (polarity, consolidation, validity, controllability) use the
scoring core's keyword values, so a KPI here scores with `kinerja.scoring`
without translation. Realizations come with the reporting module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Position
from kinerja.scoring import enums
from kinerja.strategy.models import Bilingual, Objective

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    prefixes: dict[str, str] = {Frequency.MONTHLY: "B", Frequency.QUARTERLY: "TW", Frequency.SEMESTER: "S"}
    prefix = prefixes.get(frequency)
    return f"{prefix}{number}" if prefix else str(_("Tahunan"))


def _decimal(verbose: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(verbose, max_digits=24, decimal_places=6, null=True, blank=True)


class Kpi(Bilingual):
    """An IKU of one SS with its manual (manual IKU), yearly target and trajectory."""

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
    weight = models.DecimalField(
        _("bobot dalam SS (%)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    target = _decimal(_("target tahunan"))
    target_low = _decimal(_("batas bawah target"))
    target_high = _decimal(_("batas atas target"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("IKU")
        verbose_name_plural = _("IKU")
        ordering = ["objective", "code"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "code"], name="unique_kpi_code_per_objective")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def period_count(self) -> int:
        return PERIODS_PER_YEAR[self.frequency]

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
