"""What the appraisals API reads and writes (`appraisals/api.py`): 360° campaigns, the rater's own forms and
answers, scores, BerAKHLAK scores, disciplinary sentences, corrections, calibration sessions and the unit recap.

Read serializers show a row as the pages do; write serializers only read a request's body (the services in
`campaigns.py` decide and save). Anonymity (issue 13 item 3) is kept here as on the pages: no serializer but
the rater's own form (`AssignmentSerializer`) carries answer values, the managers' rater table names no rater
the viewer may not know (`campaigns.rater_rows`), and a BerAKHLAK score from a peer or a subordinate names
no rater to the person rated.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from kinerja.common.api import HumanDecimalField
from kinerja.scoring import DistributionLabel

from .campaigns import ANONYMOUS_GROUPS
from .models import (
    ASPECT_FIELDS,
    CORE_VALUE_FIELDS,
    BehaviourScore,
    CalibrationAdjustment,
    CalibrationSession,
    CalibrationState,
    Campaign,
    CampaignState,
    Correction,
    DisciplinarySentence,
    RaterAssignment,
    RaterGroup,
    ScoreRecord,
)


def _number(max_digits: int = 8, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=max_digits, decimal_places=2, read_only=True, allow_null=True, **kwargs
    )


def _username(source: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, allow_null=True, default=None)


# ---------------------------------------------------------------- 360° campaigns


class CampaignSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True, help_text=_("Kode unit penilaian."))
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text=_("Semester dalam format 2026-S1.")
    )
    campaign_state = serializers.ChoiceField(
        source="state",
        choices=CampaignState.choices,
        read_only=True,
        help_text=_("draft (konsep), open (berjalan), closed (ditutup: tidak menerima jawaban)."),
    )
    created_by = _username("created_by.username")
    assigned = serializers.IntegerField(
        source="n_assigned", read_only=True, help_text=_("Formulir penilai yang ditugaskan.")
    )
    answered = serializers.IntegerField(
        source="n_answered", read_only=True, help_text=_("Formulir yang sudah dijawab.")
    )

    class Meta:
        model = Campaign
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "semester",
            "label",
            "campaign_state",
            "allow_self",
            "due_date",
            "launched_at",
            "closed_at",
            "created_by",
            "created_at",
            "assigned",
            "answered",
        ]
        read_only_fields = fields


class UnitProgressSerializer(serializers.Serializer):
    unit = serializers.CharField(source="code")
    unit_name = serializers.CharField(source="name")
    employees = serializers.IntegerField(help_text=_("Pegawai yang dinilai di unit ini."))
    assigned = serializers.IntegerField(source="progress.assigned")
    answered = serializers.IntegerField(source="progress.answered")
    percent = serializers.IntegerField(source="progress.percent")


class CampaignStepsSerializer(serializers.Serializer):
    change = serializers.BooleanField(help_text=_("Penilai dapat diubah (konsep)."))
    launch = serializers.BooleanField()
    remind = serializers.BooleanField()
    close = serializers.BooleanField()


class CampaignDetailSerializer(CampaignSerializer):
    units = UnitProgressSerializer(
        source="api_units", many=True, read_only=True, help_text=_("Kemajuan per unit pegawai yang dinilai.")
    )
    allowed = CampaignStepsSerializer(
        source="api_allowed", read_only=True, help_text=_("Langkah yang dapat diambil pengguna sekarang.")
    )

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "units", "allowed"]
        read_only_fields = fields


class CampaignCreateSerializer(serializers.Serializer):
    unit = serializers.CharField(
        max_length=64, help_text=_("Kode unit (subpohonnya dinilai), dalam jangkauan pengguna.")
    )
    year = serializers.IntegerField(
        min_value=1900, max_value=9999, help_text=_("Tahun rencana dengan aturan penilaian 360°.")
    )
    semester = serializers.IntegerField(min_value=1, max_value=2)
    allow_self = serializers.BooleanField(
        default=False, help_text=_("Penilaian diri sendiri, bila aturan penilaian mengizinkannya.")
    )
    due_date = serializers.DateField(required=False, allow_null=True)


class CampaignStepResultSerializer(serializers.Serializer):
    message = serializers.CharField(help_text=_("Apa yang terjadi, seperti pesan pada halaman."))
    count = serializers.IntegerField(
        allow_null=True,
        help_text=_("Penilai yang ditambahkan atau pengingat yang dikirim; null bila tidak ada."),
    )
    campaign = CampaignDetailSerializer()


class RaterRowSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk", help_text=_("Id penugasan penilai."))
    employee = serializers.CharField(source="employee.nip", help_text=_("NIP pegawai yang dinilai."))
    employee_name = serializers.CharField(source="employee.name")
    employee_unit = serializers.CharField(source="employee.unit.code")
    rater = serializers.CharField(
        source="rater.nip",
        allow_null=True,
        default=None,
        help_text=_(
            "NIP penilai; null bila dirahasiakan dari pengguna (penilai rekan atau bawahannya sendiri)."
        ),
    )
    rater_name = serializers.CharField(source="rater.name", allow_null=True, default=None)
    rater_group = serializers.ChoiceField(source="group", choices=RaterGroup.choices)
    answered = serializers.BooleanField(help_text=_("Sudah dijawab; nilai jawaban tidak pernah ditampilkan."))


class RatersQuerySerializer(serializers.Serializer):
    answered = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Hanya yang sudah (true) atau belum (false) menjawab."),
    )


class RaterAddSerializer(serializers.Serializer):
    employee = serializers.CharField(max_length=18, help_text=_("NIP pegawai yang dinilai."))
    rater = serializers.CharField(max_length=18, help_text=_("NIP penilai."))
    rater_group = serializers.ChoiceField(choices=RaterGroup.choices)


class RaterRemoveSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, help_text=_("Id penugasan penilai pada penilaian ini.")
    )


# ---------------------------------------------------------------- the rater's own forms


class AspectValuesSerializer(serializers.Serializer):
    service_orientation = _number(5)
    integrity = _number(5)
    commitment = _number(5)
    discipline = _number(5)
    cooperation = _number(5)
    leadership = _number(5)


class CampaignRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    unit = serializers.CharField(source="unit.code")
    label = serializers.CharField()  # type: ignore[assignment]
    campaign_state = serializers.ChoiceField(source="state", choices=CampaignState.choices)
    due_date = serializers.DateField(allow_null=True)


class AssignmentSerializer(serializers.ModelSerializer):
    campaign = CampaignRefSerializer(read_only=True)
    employee = serializers.CharField(
        source="employee.nip", read_only=True, help_text=_("NIP pegawai yang dinilai.")
    )
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    employee_unit = serializers.CharField(source="employee.unit.code", read_only=True)
    position_title = serializers.CharField(
        source="employee.position.title", read_only=True, allow_null=True, default=None
    )
    rater_group = serializers.ChoiceField(source="group", choices=RaterGroup.choices, read_only=True)
    aspects = serializers.ListField(
        source="api_aspects",
        child=serializers.ChoiceField(choices=[(a, a) for a in ASPECT_FIELDS]),
        read_only=True,
        help_text=_("Aspek yang dinilai (kepemimpinan hanya untuk pejabat struktural, aturan 25)."),
    )
    answer = serializers.SerializerMethodField(help_text=_("Jawaban penilai sendiri per aspek (0–100)."))
    answered = serializers.BooleanField(read_only=True)
    problem = serializers.CharField(
        source="api_problem",
        read_only=True,
        allow_null=True,
        help_text=_("Mengapa jawaban tidak dapat disimpan sekarang (penilaian belum dimulai atau ditutup)."),
    )

    class Meta:
        model = RaterAssignment
        fields = [
            "id",
            "campaign",
            "employee",
            "employee_name",
            "employee_unit",
            "position_title",
            "rater_group",
            "aspects",
            "answer",
            "answered",
            "submitted_at",
            "problem",
        ]
        read_only_fields = fields

    @extend_schema_field(AspectValuesSerializer)
    def get_answer(self, assignment: RaterAssignment) -> dict[str, Any]:
        return dict(AspectValuesSerializer(assignment).data)


class BandSerializer(serializers.Serializer):
    low = serializers.CharField()
    high = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    meaning = serializers.CharField()


class AspectSerializer(serializers.Serializer):
    aspect = serializers.CharField(help_text=_("Nama aspek, seperti pada `aspects`."))
    label = serializers.CharField()  # type: ignore[assignment]
    meaning = serializers.CharField()


class AssignmentDetailSerializer(AssignmentSerializer):
    bands = BandSerializer(
        source="api_bands",
        many=True,
        read_only=True,
        help_text=_("Rentang nilai dan artinya, tertinggi dahulu."),
    )
    meanings = AspectSerializer(
        source="api_meanings", many=True, read_only=True, help_text=_("Yang dinilai pada setiap aspek.")
    )

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "bands", "meanings"]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    # The rater's answer: each aspect asked, 0–100 with at most two decimals (the service checks rule 25).

    service_orientation = HumanDecimalField(max_digits=12, decimal_places=6, required=False, allow_null=True)
    integrity = HumanDecimalField(max_digits=12, decimal_places=6, required=False, allow_null=True)
    commitment = HumanDecimalField(max_digits=12, decimal_places=6, required=False, allow_null=True)
    discipline = HumanDecimalField(max_digits=12, decimal_places=6, required=False, allow_null=True)
    cooperation = HumanDecimalField(max_digits=12, decimal_places=6, required=False, allow_null=True)
    leadership = HumanDecimalField(
        max_digits=12,
        decimal_places=6,
        required=False,
        allow_null=True,
        help_text=_("Hanya untuk pejabat struktural (aturan 25); kosongkan untuk pegawai lain."),
    )


# ---------------------------------------------------------------- scores

RATER_NIP = re.compile(r"\brater [0-9]+")


class ScoreErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    kpi = serializers.CharField(allow_null=True, required=False)
    field = serializers.CharField(allow_null=True, required=False)


class ScoreRecordSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(source="employee.nip", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    unit = serializers.CharField(source="employee.unit.code", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    work = _number(help_text=_("Hasil kerja: CKP (2014) atau NHK (2026)."))
    behaviour = _number(help_text=_("Perilaku: NP (2014) atau NPK (2026)."))
    nkp = _number(help_text=_("NKP yang dihitung, sebelum kalibrasi."))
    current_nkp = _number(
        source="api_current",
        help_text=_("NKP saat ini: setelah penyesuaian sidang kalibrasi, bila ada."),
    )
    calibrated = serializers.BooleanField(
        source="api_calibrated", read_only=True, help_text=_("NKP disesuaikan dalam sidang kalibrasi.")
    )
    input_errors = serializers.SerializerMethodField(help_text=_("Kesalahan masukan (tanpa nilai)."))

    class Meta:
        model = ScoreRecord
        fields = [
            "id",
            "employee",
            "employee_name",
            "unit",
            "year",
            "as_of",
            "rule_set",
            "work",
            "behaviour",
            "nkp",
            "current_nkp",
            "calibrated",
            "predicate",
            "input_errors",
            "computed_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ScoreErrorSerializer(many=True))
    def get_input_errors(self, record: ScoreRecord) -> list[dict[str, Any]]:
        # The scoring core names a 360° rater by NIP in an error about their answer ("rater 1987…: leadership
        # is rated for structural officials only"): the person rated never reads who rated them.
        errors = [dict(e) for e in record.errors or []]
        if record.employee_id == self.context.get("viewer_employee_id"):
            for error in errors:
                error["message"] = RATER_NIP.sub("rater ***", str(error.get("message", "")))
        return errors


class ScoreRecordDetailSerializer(ScoreRecordSerializer):
    result = serializers.SerializerMethodField(
        help_text=_("Hasil lengkap inti penilaian (seperti `kinerja nkp --format json`).")
    )
    explanation = serializers.SerializerMethodField(
        help_text=_(
            "Penjelasan perhitungan (seperti `kinerja nkp --explain`): subjek, rumus, hasil, masukan."
        )
    )

    class Meta(ScoreRecordSerializer.Meta):
        fields = [*ScoreRecordSerializer.Meta.fields, "result", "explanation"]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_result(self, record: ScoreRecord) -> dict[str, Any]:
        return {k: v for k, v in (record.result or {}).items() if k != "explanation"}

    @extend_schema_field({"type": "object", "nullable": True, "additionalProperties": {}})
    def get_explanation(self, record: ScoreRecord) -> dict[str, Any] | None:
        return (record.result or {}).get("explanation")


# ---------------------------------------------------------------- BerAKHLAK, sentences, corrections


class BehaviourScoreSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(source="employee.nip", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    year = serializers.IntegerField(source="period.plan_year.year", read_only=True)
    rater = serializers.SerializerMethodField(
        help_text=_("NIP penilai; null bagi pegawai yang dinilai bila penilainya rekan kerja atau bawahan.")
    )
    rater_name = serializers.SerializerMethodField()
    rater_group = serializers.ChoiceField(source="group", choices=RaterGroup.choices, read_only=True)
    mean = _number(source="api_mean", help_text=_("Rata-rata tujuh nilai inti."))
    note = serializers.SerializerMethodField()

    class Meta:
        model = BehaviourScore
        fields = [
            "id",
            "employee",
            "employee_name",
            "period",
            "period_label",
            "year",
            "rater",
            "rater_name",
            "rater_group",
            *CORE_VALUE_FIELDS,
            "mean",
            "note",
            "updated_at",
        ]
        read_only_fields = fields

    def _hidden(self, score: BehaviourScore) -> bool:
        viewer = self.context.get("viewer_employee_id")
        return viewer is not None and score.employee_id == viewer and score.group in ANONYMOUS_GROUPS

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rater(self, score: BehaviourScore) -> str | None:
        return None if self._hidden(score) else score.rater.nip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rater_name(self, score: BehaviourScore) -> str | None:
        return None if self._hidden(score) else score.rater.name

    @extend_schema_field(serializers.CharField())
    def get_note(self, score: BehaviourScore) -> str:
        return "" if self._hidden(score) else score.note


class SentenceSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="sentence.pk")
    employee = serializers.CharField(source="sentence.employee.nip")
    employee_name = serializers.CharField(source="sentence.employee.name")
    unit = serializers.CharField(source="sentence.employee.unit.code")
    category = serializers.ChoiceField(
        source="sentence.category", choices=DisciplinarySentence.Category.choices
    )
    severity = serializers.DecimalField(source="sentence.severity", max_digits=6, decimal_places=2)
    start = serializers.CharField(source="sentence.start_label", help_text=_("Triwulan mulai, 2026-Q3."))
    quarters = serializers.IntegerField(
        source="sentence.quarters",
        allow_null=True,
        help_text=_("Lama dalam triwulan; null: menurut aturan penilaian."),
    )
    end = serializers.CharField(
        allow_null=True, help_text=_("Triwulan terakhir berlaku; null bila tidak diketahui.")
    )
    in_force = serializers.BooleanField(help_text=_("Berlaku pada triwulan berjalan."))
    rate = serializers.DecimalField(max_digits=8, decimal_places=4, allow_null=True)
    penalty = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        allow_null=True,
        help_text=_("Tarif tingkat hukuman × nilai hukuman (§7.3)."),
    )
    decree = serializers.CharField(source="sentence.decree")
    note = serializers.CharField(source="sentence.note")
    created_at = serializers.DateTimeField(source="sentence.created_at")


class CorrectionSerializer(serializers.ModelSerializer):
    employee = serializers.CharField(source="employee.nip", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    value = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    by = _username("by.username")

    class Meta:
        model = Correction
        fields = ["id", "employee", "employee_name", "year", "value", "reason", "by", "at"]
        read_only_fields = fields


# ---------------------------------------------------------------- calibration (read only)


class CalibrationAdjustmentSerializer(serializers.ModelSerializer):
    session = serializers.IntegerField(source="session_id", read_only=True)
    employee = serializers.CharField(source="employee.nip", read_only=True)
    employee_name = serializers.CharField(source="employee.name", read_only=True)
    record = serializers.IntegerField(
        source="record_id", read_only=True, help_text=_("Id nilai (ScoreRecord) yang disesuaikan.")
    )
    original = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    adjusted = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True)
    delta = serializers.DecimalField(max_digits=9, decimal_places=2, read_only=True)
    by = _username("by.username")

    class Meta:
        model = CalibrationAdjustment
        fields = [
            "id",
            "session",
            "employee",
            "employee_name",
            "record",
            "original",
            "adjusted",
            "delta",
            "reason",
            "by",
            "at",
        ]
        read_only_fields = fields


class CalibrationSessionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    session_state = serializers.ChoiceField(
        source="state",
        choices=CalibrationState.choices,
        read_only=True,
        help_text=_("open (berjalan) atau closed (ditutup: tidak menerima penyesuaian)."),
    )
    opened_by = _username("opened_by.username")
    closed_by = _username("closed_by.username")
    adjustments_count = serializers.IntegerField(source="n_adjustments", read_only=True)

    class Meta:
        model = CalibrationSession
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "session_state",
            "held_on",
            "note",
            "opened_by",
            "opened_at",
            "closed_by",
            "closed_at",
            "adjustments_count",
        ]
        read_only_fields = fields


class CalibrationSessionDetailSerializer(CalibrationSessionSerializer):
    adjustments = CalibrationAdjustmentSerializer(many=True, read_only=True)

    class Meta(CalibrationSessionSerializer.Meta):
        fields = [*CalibrationSessionSerializer.Meta.fields, "adjustments"]
        read_only_fields = fields


# ---------------------------------------------------------------- the unit recap


class RecapQuerySerializer(serializers.Serializer):
    unit = serializers.CharField(
        max_length=64, help_text=_("Kode unit (mis. KPP-A) atau id unit, dalam jangkauan pengguna.")
    )
    year = serializers.IntegerField(min_value=1900, max_value=9999, help_text=_("Tahun rencana."))


class RecapRowSerializer(serializers.Serializer):
    record = serializers.IntegerField(source="record.pk", help_text=_("Id nilai (ScoreRecord) saat ini."))
    employee = serializers.CharField(source="employee.nip")
    employee_name = serializers.CharField(source="employee.name")
    unit = serializers.CharField(source="employee.unit.code")
    position_title = serializers.CharField(source="employee.position.title", allow_null=True, default=None)
    work = serializers.DecimalField(source="record.work", max_digits=8, decimal_places=2, allow_null=True)
    behaviour = serializers.DecimalField(
        source="record.behaviour", max_digits=8, decimal_places=2, allow_null=True
    )
    original_nkp = serializers.DecimalField(
        source="original",
        max_digits=8,
        decimal_places=2,
        allow_null=True,
        help_text=_("NKP yang dihitung, sebelum kalibrasi."),
    )
    nkp = serializers.DecimalField(
        max_digits=8, decimal_places=2, allow_null=True, help_text=_("NKP saat ini (setelah kalibrasi).")
    )
    calibrated = serializers.BooleanField(source="adjusted")
    predicate = serializers.CharField(source="record.predicate")
    distribution = serializers.ChoiceField(
        source="label",
        choices=[(label.value, label.value) for label in DistributionLabel],
        allow_null=True,
        help_text=_("Letak pada kurva distribusi dalam kelompoknya: best, average, below (§6)."),
    )
    has_errors = serializers.SerializerMethodField(help_text=_("Masukan pegawai ini bermasalah."))

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_has_errors(self, row: Any) -> bool:
        return bool(row.record.errors)
