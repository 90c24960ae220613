"""API bodies of the dialogues: a meeting with its participants and agenda (read), and what scheduling or changing
one takes (write: people by NIP, the unit by code, the period by its label such as `2026-09` or `2026-Q3`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Action, AgendaItem, Meeting, Participant


class ParticipantSerializer(serializers.ModelSerializer):
    nip = serializers.CharField(source="employee.nip", read_only=True)
    name = serializers.CharField(source="employee.name", read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "nip", "name", "role", "attendance", "note", "invited_at"]
        read_only_fields = fields


class ActionBriefSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(source="owner.nip", read_only=True, allow_null=True, default=None)
    state = serializers.CharField(read_only=True, help_text="open, in_progress, done, dropped")

    class Meta:
        model = Action
        fields = ["id", "description", "owner", "due_date", "state"]
        read_only_fields = fields


class AgendaItemSerializer(serializers.ModelSerializer):
    kpi = serializers.CharField(source="kpi.code", read_only=True, allow_null=True, default=None)
    initiative = serializers.CharField(
        source="initiative.code", read_only=True, allow_null=True, default=None
    )
    risk = serializers.CharField(source="risk.code", read_only=True, allow_null=True, default=None)
    carried_action = serializers.IntegerField(source="action_id", read_only=True, allow_null=True)
    actions = ActionBriefSerializer(source="decided_actions", many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "order",
            "kind",
            "title",
            "kpi",
            "initiative",
            "risk",
            "carried_action",
            "discussion",
            "decision",
            "actions",
        ]
        read_only_fields = fields


class MeetingSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code", read_only=True)
    period = serializers.CharField(source="period.label", read_only=True)
    chair = serializers.CharField(source="chair.nip", read_only=True)
    secretary = serializers.CharField(source="secretary.nip", read_only=True, allow_null=True, default=None)
    state = serializers.CharField(read_only=True, help_text="scheduled, held, closed, cancelled")

    class Meta:
        model = Meeting
        fields = [
            "id",
            "unit",
            "period",
            "title",
            "starts_at",
            "place",
            "chair",
            "secretary",
            "state",
            "invitations_sent_at",
            "closed_at",
        ]
        read_only_fields = fields


class MeetingDetailSerializer(MeetingSerializer):
    participants = ParticipantSerializer(many=True, read_only=True)
    agenda = AgendaItemSerializer(source="agenda_items", many=True, read_only=True)

    class Meta(MeetingSerializer.Meta):
        fields = [*MeetingSerializer.Meta.fields, "summary", "cancel_reason", "participants", "agenda"]
        read_only_fields = fields


class MeetingWriteSerializer(serializers.Serializer):
    unit = serializers.CharField(
        max_length=64, help_text=_("Kode unit (hanya saat menjadwalkan)."), required=False
    )
    period = serializers.CharField(
        max_length=16,
        help_text=_("Periode yang dibahas, misalnya 2026-09 atau 2026-Q3 (hanya saat menjadwalkan)."),
        required=False,
    )
    starts_at = serializers.DateTimeField()
    place = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    title = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    chair = serializers.CharField(max_length=18, help_text=_("NIP pimpinan rapat."))
    secretary = serializers.CharField(
        max_length=18, required=False, allow_blank=True, allow_null=True, default=None
    )
    participants = serializers.ListField(
        child=serializers.CharField(max_length=18),
        required=False,
        default=list,
        max_length=500,
        help_text=_("NIP peserta lain (pimpinan rapat dan notulis selalu ikut)."),
    )


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value)
