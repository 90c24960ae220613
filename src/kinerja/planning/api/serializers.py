"""The serializers of maps, SS, links, initiatives and risks (KPIs: `kpis`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kinerja.common.api import HumanDecimalsMixin

from .. import selectors
from ..models import (
    Initiative,
    MapState,
    Milestone,
    Objective,
    ObjectiveLink,
    Perspective,
    PerspectiveCode,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StrategyMap,
    Theme,
)
from .base import VisibleChoicesMixin, visible_maps, visible_objectives

# ---------------------------------------------------------------- serializers (read)


class PerspectiveSerializer(serializers.ModelSerializer):
    code = serializers.CharField(
        read_only=True, help_text=_("stakeholder, customer, internal_process atau learning_growth.")
    )

    class Meta:
        model = Perspective
        fields = ["id", "code", "order", "name_id", "name_en", "weight"]
        read_only_fields = fields


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "name_id", "name_en"]
        read_only_fields = fields


class ObjectiveSerializer(serializers.ModelSerializer):
    perspective = serializers.CharField(source="perspective.code", read_only=True)
    theme = serializers.CharField(source="theme.code", read_only=True, allow_null=True, default=None)
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Objective
        fields = [
            "id",
            "map",
            "code",
            "perspective",
            "name_id",
            "name_en",
            "description",
            "theme",
            "owner_position",
            "weight",
        ]
        read_only_fields = fields


class LinkSerializer(serializers.ModelSerializer):
    cause_code = serializers.CharField(source="cause.code", read_only=True)
    effect_code = serializers.CharField(source="effect.code", read_only=True)

    class Meta:
        model = ObjectiveLink
        fields = ["id", "map", "cause", "effect", "cause_code", "effect_code"]
        read_only_fields = fields


class MapSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(source="plan_year.year", read_only=True)
    rule_set = serializers.CharField(source="plan_year.rule_set", read_only=True)
    map_state = serializers.ChoiceField(
        source="state",
        choices=MapState.choices,
        read_only=True,
        help_text=_("draft (konsep), submitted (diajukan), approved (disetujui), revised (dalam revisi)."),
    )

    class Meta:
        model = StrategyMap
        fields = [
            "id",
            "unit",
            "unit_name",
            "year",
            "rule_set",
            "map_state",
            "revision",
            "vision",
            "mission",
            "updated_at",
        ]
        read_only_fields = fields


class MapDetailSerializer(MapSerializer):
    perspectives = PerspectiveSerializer(many=True, read_only=True)
    themes = ThemeSerializer(many=True, read_only=True)
    objectives = ObjectiveSerializer(many=True, read_only=True)
    links = LinkSerializer(many=True, read_only=True)

    class Meta(MapSerializer.Meta):
        fields = [*MapSerializer.Meta.fields, "perspectives", "themes", "objectives", "links"]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    rule = serializers.IntegerField(help_text=_("Nomor aturan validasi (domain.md §5)."))
    severity = serializers.ChoiceField(
        choices=[("block", "block"), ("warn", "warn")],
        help_text=_("block menghalangi pengajuan; warn peringatan."),
    )
    code = serializers.CharField()
    message = serializers.CharField()


class MapReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text=_("Alasan (wajib)."))


# ---------------------------------------------------------------- serializers (write)


class ObjectiveWriteSerializer(HumanDecimalsMixin, VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"map": visible_maps}

    map = serializers.PrimaryKeyRelatedField(
        queryset=StrategyMap.objects.none(), help_text=_("Id peta strategi.")
    )
    perspective = serializers.ChoiceField(choices=PerspectiveCode.choices)
    theme = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode tema.")
    )
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan penanggung jawab.")
    )

    class Meta:
        model = Objective
        fields = [
            "map",
            "code",
            "perspective",
            "name_id",
            "name_en",
            "description",
            "theme",
            "owner_position",
            "weight",
        ]
        validators: list[Any] = []


class ObjectiveUpdateSerializer(ObjectiveWriteSerializer):
    class Meta(ObjectiveWriteSerializer.Meta):
        fields = [f for f in ObjectiveWriteSerializer.Meta.fields if f != "map"]


class LinkWriteSerializer(VisibleChoicesMixin):
    visible = {
        "cause": visible_objectives,
        "effect": visible_objectives,
    }

    cause = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.none(), help_text=_("Id SS sebab."))
    effect = serializers.PrimaryKeyRelatedField(
        queryset=Objective.objects.none(), help_text=_("Id SS akibat.")
    )


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "name", "due_date", "done", "done_on"]
        read_only_fields = ["id"]


class ProgressReportSerializer(HumanDecimalsMixin, serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = ProgressReport
        fields = ["id", "date", "percent", "note", "by", "created_at"]
        read_only_fields = ["id", "by", "created_at"]


class InitiativeSerializer(serializers.ModelSerializer):
    objectives = serializers.SlugRelatedField(many=True, slug_field="code", read_only=True)  # type: ignore[var-annotated]
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )
    status = serializers.ChoiceField(
        choices=[(selectors.ON_TRACK, selectors.ON_TRACK), (selectors.LATE, selectors.LATE)],
        read_only=True,
        help_text=_("Diturunkan dari tonggak: late bila ada tonggak lewat batas waktu dan belum selesai."),
    )
    progress = serializers.DecimalField(
        max_digits=5, decimal_places=2, read_only=True, allow_null=True, help_text=_("Kemajuan terakhir (%).")
    )
    milestones = MilestoneSerializer(many=True, read_only=True, source="milestone_list")
    progress_reports = ProgressReportSerializer(many=True, read_only=True, source="report_list")

    class Meta:
        model = Initiative
        fields = [
            "id",
            "map",
            "code",
            "name_id",
            "name_en",
            "description",
            "objectives",
            "owner_position",
            "owner_text",
            "budget",
            "start",
            "end",
            "status",
            "progress",
            "milestones",
            "progress_reports",
        ]
        read_only_fields = fields


INITIATIVE_FIELDS = ["code", "name_id", "name_en", "description", "owner_text", "budget", "start", "end"]


class InitiativeWriteSerializer(HumanDecimalsMixin, VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"map": visible_maps}

    map = serializers.PrimaryKeyRelatedField(
        queryset=StrategyMap.objects.none(), help_text=_("Id peta strategi.")
    )
    objectives = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("Kode SS yang didukung (peta yang sama).")
    )
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan penanggung jawab.")
    )

    class Meta:
        model = Initiative
        fields = ["map", *INITIATIVE_FIELDS, "objectives", "owner_position"]
        validators: list[Any] = []


class InitiativeUpdateSerializer(InitiativeWriteSerializer):
    class Meta(InitiativeWriteSerializer.Meta):
        fields = [f for f in InitiativeWriteSerializer.Meta.fields if f != "map"]


class MonitoringSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="username", read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = RiskMonitoring
        fields = ["id", "date", "note", "by", "created_at"]
        read_only_fields = ["id", "by", "created_at"]


class RiskSerializer(serializers.ModelSerializer):
    map = serializers.IntegerField(source="objective.map_id", read_only=True)
    objective_code = serializers.CharField(source="objective.code", read_only=True)
    level = serializers.IntegerField(read_only=True, help_text=_("Kemungkinan × dampak (1–25)."))
    band = serializers.ChoiceField(
        choices=[("low", "low"), ("medium", "medium"), ("high", "high"), ("extreme", "extreme")],
        read_only=True,
    )
    owner_position = serializers.CharField(
        source="owner_position.code", read_only=True, allow_null=True, default=None
    )
    monitoring = MonitoringSerializer(many=True, read_only=True, source="monitoring_list")

    class Meta:
        model = Risk
        fields = [
            "id",
            "map",
            "objective",
            "objective_code",
            "code",
            "description",
            "likelihood",
            "impact",
            "level",
            "band",
            "mitigation",
            "owner_position",
            "owner_text",
            "monitoring",
        ]
        read_only_fields = fields


RISK_FIELDS = ["code", "description", "likelihood", "impact", "mitigation", "owner_text"]


class RiskWriteSerializer(VisibleChoicesMixin, serializers.ModelSerializer):
    visible = {"objective": visible_objectives}

    objective = serializers.PrimaryKeyRelatedField(queryset=Objective.objects.none(), help_text=_("Id SS."))
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    impact = serializers.IntegerField(min_value=1, max_value=5)
    owner_position = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, help_text=_("Kode jabatan pemilik risiko.")
    )

    class Meta:
        model = Risk
        fields = ["objective", *RISK_FIELDS, "owner_position"]
        validators: list[Any] = []


class RiskUpdateSerializer(RiskWriteSerializer):
    class Meta(RiskWriteSerializer.Meta):
        fields = [f for f in RiskWriteSerializer.Meta.fields if f != "objective"]
