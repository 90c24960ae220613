"""The endorsement of a unit's final NKO one level up (domain.md §1 step 7, §4 "An endorsed NKO is frozen",
rule 26 "NKO endorsed on incomplete data").

At year end the performance manager prepares the endorsement of a map owner's final NKO (the score snapshot
of the year-end period); the leader of the level above endorses it — the Minister for an echelon I unit, the
director general for the units of the directorate general, the regional head for the offices. The endorsed
figure (NKO, predicate, completeness, rule set, the snapshot it came from) is copied here and frozen: a later
recompute adds snapshots, never changes this row. A revision with a reason reopens it (the row keeps its
figures and becomes `reopened`); a new endorsement later supersedes it. For past years when only the figure is
known, an administrator enters it directly (`source = entered`, with a reason).

Imported by one line at the end of `kinerja.meetings.models`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Unit
from kinerja.planning.models import StrategyMap
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot


class EndorsementSource(models.TextChoices):
    COMPUTED = "computed", _("Dari potret skor")
    ENTERED = "entered", _("Dimasukkan administrator")


class EndorsementState(models.TextChoices):
    PREPARED = "prepared", _("Disiapkan")
    ENDORSED = "endorsed", _("Disahkan")
    REOPENED = "reopened", _("Dibuka kembali")


# Rule 26: why a figure is endorsed on incomplete data (codes stored, words in `endorsement.WARNINGS`).
class IncompleteReason(models.TextChoices):
    SNAPSHOT_INCOMPLETE = "snapshot_incomplete", _("Potret skor belum lengkap")
    PERIODS_OPEN = "periods_open", _("Periode pelaporan belum ditutup semua")
    NOT_FINAL = "not_final", _("Potret bukan potret final")
    STALE = "stale", _("Data berubah setelah potret dihitung")


class NkoEndorsement(models.Model):
    """The endorsed final NKO of one unit and year (one row per endorsement; the newest is in force)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="nko_endorsements", verbose_name=_("unit")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    strategy_map = models.ForeignKey(
        StrategyMap,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="endorsements",
        verbose_name=_("peta strategi"),
    )
    period = models.ForeignKey(
        ReportingPeriod,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
        verbose_name=_("periode"),
    )
    snapshot = models.ForeignKey(
        ScoreSnapshot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="endorsements",
        verbose_name=_("potret skor"),
    )
    source = models.CharField(
        _("sumber"), max_length=10, choices=EndorsementSource.choices, default=EndorsementSource.COMPUTED
    )
    state = models.CharField(
        _("status"), max_length=10, choices=EndorsementState.choices, default=EndorsementState.PREPARED
    )
    nko = models.DecimalField(_("NKO"), max_digits=16, decimal_places=6, null=True, blank=True)
    predicate = models.CharField(_("predikat"), max_length=32, blank=True)
    complete = models.BooleanField(_("lengkap"), default=False)
    rule_set = models.CharField(_("aturan penilaian"), max_length=32, blank=True)
    incomplete = models.JSONField(_("catatan data belum lengkap"), default=list, blank=True)
    acknowledged = models.BooleanField(_("disahkan dengan data belum lengkap"), default=False)
    note = models.TextField(_("catatan"), blank=True)
    reason = models.TextField(_("alasan"), blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prepared_at = models.DateTimeField(_("disiapkan pada"), null=True, blank=True)
    endorsed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    endorsed_at = models.DateTimeField(_("disahkan pada"), null=True, blank=True)
    endorser_name = models.CharField(_("nama pengesah"), max_length=255, blank=True)
    endorser_title = models.CharField(_("jabatan pengesah"), max_length=255, blank=True)
    reopen_reason = models.TextField(_("alasan pembukaan kembali"), blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(_("dibuka kembali pada"), null=True, blank=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
        verbose_name=_("menggantikan"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pengesahan NKO")
        verbose_name_plural = _("pengesahan NKO")
        ordering = ["unit", "year", "-created_at", "-pk"]
        permissions = [
            ("prepare_nkoendorsement", "Can prepare an NKO endorsement"),
            ("endorse_nkoendorsement", "Can endorse an NKO"),
            ("reopen_nkoendorsement", "Can reopen an endorsed NKO"),
            ("enter_nkoendorsement", "Can enter an endorsed NKO of a past year"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                condition=models.Q(state__in=["prepared", "endorsed"]),
                name="one_live_endorsement_per_unit_year",
            ),
        ]
        indexes = [models.Index(fields=["year", "state"], name="endorsement_year_state")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year}: {self.nko} ({self.state})"

    @property
    def is_endorsed(self) -> bool:
        return self.state == EndorsementState.ENDORSED

    @property
    def is_entered(self) -> bool:
        return self.source == EndorsementSource.ENTERED

    @property
    def incomplete_labels(self) -> list[str]:
        known = dict(IncompleteReason.choices)
        return [str(known.get(code, code)) for code in self.incomplete]
