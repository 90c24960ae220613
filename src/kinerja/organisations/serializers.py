"""What the organisation API reads and writes. Reads mirror writes: a unit is named by its code, an employee by NIP."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .models import AssignmentKind, Employee, Position, Unit
from .selectors import positions_for, scoped_employees, units_for

# ---------------------------------------------------------------- units


class UnitSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True, help_text=_("Nama dalam bahasa aktif."))
    # DRF takes declared fields off the class, so `parent` does not shadow Field.parent at run time.
    parent = serializers.SerializerMethodField(  # type: ignore[assignment]
        help_text=_("Kode unit induk; kosong untuk akar pohon.")
    )
    child_count = serializers.IntegerField(source="numchild", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "name_id",
            "name_en",
            "level",
            "kind",
            "owns_map",
            "is_active",
            "valid_from",
            "valid_to",
            "parent",
            "depth",
            "child_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, unit: Unit) -> str | None:
        # The list annotates `parent_code` (one query for the page); `children` passes it in the context.
        if hasattr(unit, "parent_code"):
            return unit.parent_code
        return self.context.get("parent_code")


class UnitTreeSerializer(serializers.ModelSerializer):
    # A unit with its children, nested: built from one query over the subtree.

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Unit
        fields = ["code", "name", "name_id", "name_en", "level", "kind", "owns_map", "is_active"]
        read_only_fields = fields

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        # Built lazily, one level at a time: the nesting is as deep as the data, never deeper.
        fields["children"] = UnitTreeSerializer(many=True, read_only=True, source="tree_children")
        return fields


# ---------------------------------------------------------------- positions


class PositionSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True, help_text=_("Nama jabatan dalam bahasa aktif."))
    unit: serializers.SlugRelatedField[Unit] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    superior: serializers.SlugRelatedField[Position] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True, help_text=_("Kode jabatan atasan.")
    )

    class Meta:
        model = Position
        fields = [
            "code",
            "title",
            "title_id",
            "title_en",
            "type",
            "echelon",
            "job_grade",
            "is_head",
            "unit",
            "superior",
        ]
        read_only_fields = fields


# ---------------------------------------------------------------- employees


class EmployeeSerializer(serializers.ModelSerializer):
    unit: serializers.SlugRelatedField[Unit] = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    position: serializers.SlugRelatedField[Position] = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    position_title = serializers.CharField(
        source="position.title", read_only=True, allow_null=True, default=None
    )
    superior: serializers.SlugRelatedField[Employee] = serializers.SlugRelatedField(
        slug_field="nip", read_only=True, allow_null=True, help_text=_("NIP atasan langsung.")
    )
    superior_name = serializers.CharField(
        source="superior.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = Employee
        fields = [
            "nip",
            "name",
            "email",
            "unit",
            "unit_name",
            "position",
            "position_title",
            "superior",
            "superior_name",
            "is_active",
        ]
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.STR)
class _ScopedSlugField(serializers.SlugRelatedField):
    # A related object named by its slug, looked up only among what the requesting user reaches.

    def __init__(self, *, scope: Any, **kwargs: Any) -> None:
        self.scope = scope  # scope(user) -> queryset
        super().__init__(**kwargs)

    def get_queryset(self) -> Any:
        return self.scope(self.context["request"].user)


class _EmployeeFieldsSerializer(serializers.Serializer):
    # The fields an employee write carries. The NIP and the business rules are checked by the service.

    nip = serializers.CharField(help_text=_("NIP 18 angka."))
    name = serializers.CharField(max_length=255)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    unit = _ScopedSlugField(scope=units_for, slug_field="code", help_text=_("Kode unit."))
    position = _ScopedSlugField(
        scope=positions_for,
        slug_field="code",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Kode jabatan di unit tersebut."),
    )
    superior = _ScopedSlugField(
        scope=scoped_employees,
        slug_field="nip",
        required=False,
        allow_null=True,
        default=None,
        help_text=_("NIP atasan langsung."),
    )


class EmployeeCreateSerializer(_EmployeeFieldsSerializer):
    start = serializers.DateField(
        required=False, help_text=_("Tanggal mulai penugasan pertama (bawaan: hari ini).")
    )
    kind = serializers.ChoiceField(choices=AssignmentKind.choices, default=AssignmentKind.DEFINITIVE)


class EmployeeUpdateSerializer(_EmployeeFieldsSerializer):
    is_active = serializers.BooleanField(required=False, default=True)
    move_start = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Tanggal mulai penugasan baru bila unit atau jabatan berubah (bawaan: hari ini)."),
    )
    move_kind = serializers.ChoiceField(choices=AssignmentKind.choices, default=AssignmentKind.DEFINITIVE)
