"""What the actions API reads and writes (`action_api.py`): a line of the follow-up matrix, and the body of a
change of state. Read serializers show a row as the matrix page does; the write serializer only reads the
request (`follow_ups.change_action_state` decides and saves)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import Action, ActionState


class ActionSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    owner = serializers.SerializerMethodField(help_text=_("NIP penanggung jawab (null: belum ditetapkan)."))
    owner_name = serializers.SerializerMethodField()
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField(
        help_text=_("Terbuka atau dalam proses dan batas waktunya sudah lewat (aturan 24).")
    )
    meeting_title = serializers.SerializerMethodField()
    objective_code = serializers.SerializerMethodField()
    kpi_code = serializers.SerializerMethodField()
    carried_over = serializers.SerializerMethodField(
        help_text=_("Berapa kali dibawa ke agenda rapat berikutnya (rapat yang tidak dibatalkan).")
    )
    has_evidence = serializers.SerializerMethodField()
    warnings = serializers.SerializerMethodField(
        help_text=_(
            "Peringatan aturan 24: no_owner, no_due_date, overdue (hanya untuk tindak lanjut terbuka)."
        )
    )

    class Meta:
        model = Action
        fields = [
            "id",
            "unit",
            "unit_name",
            "description",
            "owner",
            "owner_name",
            "due_date",
            "state",
            "state_label",
            "overdue",
            "meeting",
            "meeting_title",
            "objective",
            "objective_code",
            "kpi",
            "kpi_code",
            "carried_over",
            "progress_note",
            "drop_reason",
            "has_evidence",
            "evidence_name",
            "completed_at",
            "warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _today(self) -> Any:
        return self.context["today"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner(self, action: Action) -> str | None:
        return action.owner.nip if action.owner else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_owner_name(self, action: Action) -> str | None:
        return action.owner.name if action.owner else None

    def get_overdue(self, action: Action) -> bool:
        return action.is_open and action.due_date is not None and action.due_date < self._today()

    @extend_schema_field(OpenApiTypes.STR)
    def get_meeting_title(self, action: Action) -> str | None:
        return action.meeting.title if action.meeting else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_objective_code(self, action: Action) -> str | None:
        return action.objective.code if action.objective else None

    @extend_schema_field(OpenApiTypes.STR)
    def get_kpi_code(self, action: Action) -> str | None:
        return action.kpi.code if action.kpi else None

    def get_carried_over(self, action: Action) -> int:
        return int(getattr(action, "carried", 0) or 0)

    def get_has_evidence(self, action: Action) -> bool:
        return bool(action.evidence)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, action: Action) -> list[str]:
        if not action.is_open:
            return []
        found = []
        if action.owner_id is None:
            found.append("no_owner")
        if action.due_date is None:
            found.append("no_due_date")
        elif action.due_date < self._today():
            found.append("overdue")
        return found


class ActionStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=ActionState.choices, help_text=_("Status baru."))
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=2000,
        help_text=_("Alasan: wajib untuk pembatalan (dropped)."),
    )
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, help_text=_("Catatan perkembangan.")
    )
    evidence = serializers.FileField(
        required=False,
        help_text=_(
            "Bukti penyelesaian (PDF, PNG, JPEG, XLSX, DOCX, CSV atau TXT; diperiksa menurut isinya): wajib untuk "
            "selesai (done) bila belum ada."
        ),
    )
