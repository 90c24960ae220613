"""What the API's own endpoints read: the signed-in user (`/api/me/`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kinerja.accounts.models import Role

# ---------------------------------------------------------------- units
from kinerja.organisations.serializers import EmployeeSerializer

# ---------------------------------------------------------------- the signed-in user


class RoleSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices)
    role_label = serializers.CharField(source="get_role_display")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")


class MeSerializer(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    is_superuser = serializers.BooleanField()
    roles = RoleSerializer(many=True)
    employee = EmployeeSerializer(allow_null=True, help_text=_("Data pegawai yang terhubung dengan akun."))
    can_edit_people = serializers.BooleanField(
        help_text=_("Pengguna memegang peran yang boleh menambah dan mengubah data pegawai.")
    )
