"""Serializers of the notifications API: my notifications, the unread count, my preferences."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Kind, Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(
        source="get_kind_display", read_only=True, help_text=_("Jenis, terbaca")
    )
    unread = serializers.SerializerMethodField(help_text=_("Belum dibaca"))

    class Meta:
        model = Notification
        fields = ["id", "kind", "kind_label", "title", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj: Notification) -> bool:
        return obj.read_at is None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text=_("Jumlah pemberitahuan yang belum dibaca"))


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text=_("Jumlah pemberitahuan yang baru ditandai sudah dibaca"))


class KindPreferenceSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    kind_label = serializers.CharField(read_only=True, help_text=_("Jenis, terbaca"))
    in_app = serializers.BooleanField(help_text=_("Tampil di aplikasi (lonceng)"))
    email = serializers.BooleanField(help_text=_("Dikirim lewat surel"))


class PreferencesSerializer(serializers.Serializer):
    """My choice per kind and the e-mails' language. A PUT may name only some kinds: the others keep theirs."""

    kinds = KindPreferenceSerializer(many=True)
    language = serializers.ChoiceField(
        choices=[("", _("bawaan (Bahasa Indonesia)")), *settings.LANGUAGES],
        required=False,
        allow_blank=True,
        help_text=_("Bahasa surel; kosong: Bahasa Indonesia"),
    )

    def validate_kinds(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        named = [row["kind"] for row in value]
        if len(named) != len(set(named)):
            raise serializers.ValidationError(_("Setiap jenis pemberitahuan hanya boleh disebut sekali."))
        return value
