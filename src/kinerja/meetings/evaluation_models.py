"""The yearly evaluation of performance management (evaluasi pengelolaan kinerja; domain.md glossary
"Performance management evaluation", "Strategy readiness"; issue 14 item 7).

Questionnaires are data a performance manager edits, versioned per year:

* `Questionnaire` — one of three kinds: the self-assessment (penilaian mandiri: criteria grouped in aspects,
  each with a weight and a scoring guide, scored 0–100 by the reviewer), the strategy readiness check
  (kesiapan strategi: 8 statements scored 1–4, read through `ScoreBand`s), and the Strategy-Focused-Organization
  survey (statements on a Likert scale). A questionnaire a round uses is locked (`locked_at`); a change after
  that is a new version.
* `QuestionnaireAspect`, `QuestionnaireItem`, `ScoreBand` — its aspects (weights summing to 100), its
  criteria or statements (a weight relative to the aspect's other criteria, a scoring guide) and, for a
  readiness check, its bands (the lowest total of each band: < 16 needs work, 16–24 fair, > 24 very good).

The evaluation itself:

* `EvaluationRound` — opened by a performance manager for a year (a window within Q2–Q3) on a unit's subtree,
  with the questionnaire versions it uses; open → closed (read-only).
* `UnitEvaluation` — one unit in a round: draft (the unit answers) → submitted → reviewed (the reviewer's
  scores, the total out of 100, findings and recommendations). Returned to draft with a reason.
* `CriterionAnswer` (self-assessment with evidence, self score, reviewer score), `ReadinessAnswer`,
  `SurveyResponse` / `SurveyAnswer` (the SFO survey, one response per respondent).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kinerja.organisations.models import Unit

__all__ = [
    "BandTone",
    "CriterionAnswer",
    "EvaluationRound",
    "EvaluationState",
    "Questionnaire",
    "QuestionnaireAspect",
    "QuestionnaireItem",
    "QuestionnaireKind",
    "ReadinessAnswer",
    "RoundState",
    "ScoreBand",
    "SurveyAnswer",
    "SurveyResponse",
    "UnitEvaluation",
]


class QuestionnaireKind(models.TextChoices):
    SELF_ASSESSMENT = "self_assessment", _("Penilaian mandiri")
    READINESS = "readiness", _("Kesiapan strategi")
    SFO = "sfo", _("Survei Strategy Focused Organization (SFO)")


class Questionnaire(models.Model):
    """One version of one kind of questionnaire for one year."""

    kind = models.CharField(_("jenis"), max_length=20, choices=QuestionnaireKind.choices)
    year = models.PositiveSmallIntegerField(
        _("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    version = models.PositiveSmallIntegerField(_("versi"), default=1)
    title = models.CharField(_("judul"), max_length=255)
    instructions = models.TextField(_("petunjuk pengisian"), blank=True)
    scale_min = models.PositiveSmallIntegerField(_("skala terendah"), default=1)
    scale_max = models.PositiveSmallIntegerField(_("skala tertinggi"), default=4)
    scale_labels = models.JSONField(
        _("label skala"), default=list, blank=True, help_text="One label per scale point, lowest first."
    )
    locked_at = models.DateTimeField(_("dikunci pada"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kuesioner evaluasi")
        verbose_name_plural = _("kuesioner evaluasi")
        ordering = ["-year", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "year", "version"], name="unique_questionnaire_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} {self.year} v{self.version}"

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class QuestionnaireAspect(models.Model):
    """A group of self-assessment criteria (perencanaan, pengukuran, …) with its weight in the total (%)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="aspects")
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    code = models.CharField(_("kode"), max_length=10)
    name = models.CharField(_("aspek"), max_length=255)
    description = models.TextField(_("uraian"), blank=True)
    weight = models.DecimalField(
        _("bobot (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aspek kuesioner")
        verbose_name_plural = _("aspek kuesioner")
        ordering = ["questionnaire", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class QuestionnaireItem(models.Model):
    """A criterion (self-assessment) or a statement (readiness, SFO). `weight` counts relative to the other
    criteria of its aspect; `guide` tells the reviewer what each score means."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="items")
    aspect = models.ForeignKey(
        QuestionnaireAspect, null=True, blank=True, on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)
    code = models.CharField(_("kode"), max_length=10)
    text = models.TextField(_("pernyataan / kriteria"))
    guide = models.TextField(_("panduan penilaian"), blank=True)
    weight = models.DecimalField(
        _("bobot"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("butir kuesioner")
        verbose_name_plural = _("butir kuesioner")
        ordering = ["questionnaire", "aspect__order", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:60]}"


class BandTone(models.TextChoices):
    RED = "red", _("Merah")
    YELLOW = "yellow", _("Kuning")
    GREEN = "green", _("Hijau")


class ScoreBand(models.Model):
    """How a readiness total reads: the band whose `minimum` is the highest not above the total."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="bands")
    minimum = models.DecimalField(_("nilai terendah"), max_digits=6, decimal_places=2)
    label = models.CharField(_("klasifikasi"), max_length=100)
    meaning = models.CharField(_("makna"), max_length=255, blank=True)
    tone = models.CharField(_("warna"), max_length=6, choices=BandTone.choices, default=BandTone.YELLOW)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("klasifikasi nilai")
        verbose_name_plural = _("klasifikasi nilai")
        ordering = ["questionnaire", "minimum"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "minimum"], name="unique_band_minimum")
        ]

    def __str__(self) -> str:
        return f"≥ {self.minimum}: {self.label}"


class RoundState(models.TextChoices):
    OPEN = "open", _("Berjalan")
    CLOSED = "closed", _("Ditutup")


class EvaluationRound(models.Model):
    """One yearly evaluation round on a unit's subtree (its organiser's reach)."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="evaluation_rounds", verbose_name=_("unit penyelenggara")
    )
    year = models.PositiveSmallIntegerField(_("tahun"))
    title = models.CharField(_("judul"), max_length=255)
    opens_on = models.DateField(_("mulai"))
    closes_on = models.DateField(_("berakhir"))
    state = models.CharField(_("status"), max_length=8, choices=RoundState.choices, default=RoundState.OPEN)
    self_assessment = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kuesioner penilaian mandiri"),
    )
    readiness = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("kuesioner kesiapan strategi"),
    )
    survey = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="+", verbose_name=_("kuesioner survei SFO")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("putaran evaluasi pengelolaan kinerja")
        verbose_name_plural = _("putaran evaluasi pengelolaan kinerja")
        ordering = ["-year", "unit__path", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="unique_evaluation_round_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def read_only(self) -> bool:
        return self.state == RoundState.CLOSED


class EvaluationState(models.TextChoices):
    DRAFT = "draft", _("Konsep")
    SUBMITTED = "submitted", _("Diajukan")
    REVIEWED = "reviewed", _("Direviu")


class UnitEvaluation(models.Model):
    """One unit's evaluation in a round: its answers, then the review (total out of 100)."""

    round = models.ForeignKey(EvaluationRound, on_delete=models.CASCADE, related_name="evaluations")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="performance_evaluations", verbose_name=_("unit")
    )
    state = models.CharField(
        _("status"), max_length=10, choices=EvaluationState.choices, default=EvaluationState.DRAFT
    )
    total_score = models.DecimalField(_("nilai reviu"), max_digits=5, decimal_places=2, null=True, blank=True)
    readiness_total = models.PositiveSmallIntegerField(_("nilai kesiapan strategi"), null=True, blank=True)
    findings = models.TextField(_("temuan"), blank=True)
    recommendations = models.TextField(_("rekomendasi"), blank=True)
    return_reason = models.TextField(_("alasan dikembalikan"), blank=True)
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("direviu pada"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluasi unit")
        verbose_name_plural = _("evaluasi unit")
        ordering = ["round", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["round", "unit"], name="unique_unit_in_round")]

    def __str__(self) -> str:
        return f"{self.round_id}: {self.unit_id}"


def evaluation_evidence_path(instance: CriterionAnswer, filename: str) -> str:
    """`evaluation/<round>/<unit>/<uuid><ext>`: a fresh name for every upload, so nothing is overwritten."""
    suffix = PurePath(filename).suffix.lower()[:10]
    evaluation = instance.evaluation
    return f"evaluation/{evaluation.round_id}/{evaluation.unit_id}/{uuid.uuid4().hex}{suffix}"


class CriterionAnswer(models.Model):
    """The unit's answer to one self-assessment criterion (explanation, evidence, own score) and the
    reviewer's score (0–100) with a note."""

    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.PROTECT, related_name="+")
    explanation = models.TextField(_("penjelasan"), blank=True)
    evidence = models.FileField(
        _("data dukung"), upload_to=evaluation_evidence_path, max_length=255, blank=True
    )
    evidence_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    self_score = models.DecimalField(
        _("nilai mandiri"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    review_score = models.DecimalField(
        _("nilai reviu"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    review_note = models.TextField(_("catatan reviu"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jawaban penilaian mandiri")
        verbose_name_plural = _("jawaban penilaian mandiri")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="unique_criterion_answer")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.item_id}"


class ReadinessAnswer(models.Model):
    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, related_name="readiness_answers")
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(_("skor"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jawaban kesiapan strategi")
        verbose_name_plural = _("jawaban kesiapan strategi")
        constraints = [models.UniqueConstraint(fields=["evaluation", "item"], name="unique_readiness_answer")]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.item_id} = {self.score}"


class SurveyResponse(models.Model):
    """One performance manager's answers to a unit's SFO survey (each respondent once)."""

    evaluation = models.ForeignKey(UnitEvaluation, on_delete=models.CASCADE, related_name="survey_responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="sfo_responses"
    )
    submitted_at = models.DateTimeField(_("diisi pada"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jawaban survei SFO")
        verbose_name_plural = _("jawaban survei SFO")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "respondent"],
                condition=Q(respondent__isnull=False),
                name="unique_sfo_respondent",
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.respondent_id}"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(QuestionnaireItem, on_delete=models.PROTECT, related_name="+")
    value = models.PositiveSmallIntegerField(_("nilai"))

    class Meta:
        verbose_name = _("nilai survei SFO")
        verbose_name_plural = _("nilai survei SFO")
        constraints = [models.UniqueConstraint(fields=["response", "item"], name="unique_sfo_answer")]

    def __str__(self) -> str:
        return f"{self.response_id}: {self.item_id} = {self.value}"
