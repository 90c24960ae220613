"""Query-string filters of the API lists. Search delegates to the organisation selectors, as the pages do."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.organisations.models import Employee, Position, PositionType, Unit, UnitKind, UnitLevel
from kinerja.organisations.selectors import filter_employees, filter_units


def _unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).only("path", "depth").first()


class UnitFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(choices=UnitLevel.choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("Jenis unit"))
    owns_map = django_filters.BooleanFilter(label=_("Pemilik peta strategi"))
    is_active = django_filters.BooleanFilter(label=_("Aktif"))
    parent = django_filters.CharFilter(
        method="filter_parent", label=_("Kode unit induk (anak langsungnya saja)")
    )
    within = django_filters.CharFilter(method="filter_within", label=_("Kode unit (seluruh subpohonnya)"))
    search = django_filters.CharFilter(method="filter_search", label=_("Cari kode atau nama"))

    class Meta:
        model = Unit
        fields = ["level", "kind", "owns_map", "is_active", "parent", "within", "search"]

    def filter_parent(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        parent = _unit_by_code(value)
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_within(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        unit = _unit_by_code(value)
        if unit is None:
            return queryset.none()
        return queryset.filter(path__startswith=unit.path)

    def filter_search(self, queryset: QuerySet[Unit], name: str, value: str) -> QuerySet[Unit]:
        return filter_units(queryset, q=value)


class PositionFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit (jabatan unit itu saja)"))
    type = django_filters.ChoiceFilter(choices=PositionType.choices, label=_("Jenis jabatan"))
    is_head = django_filters.BooleanFilter(label=_("Kepala unit"))

    class Meta:
        model = Position
        fields = ["unit", "type", "is_head"]


class EmployeeFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(method="filter_unit", label=_("Kode unit (seluruh subpohonnya)"))
    position = django_filters.CharFilter(field_name="position__code", label=_("Kode jabatan"))
    position_type = django_filters.ChoiceFilter(
        field_name="position__type", choices=PositionType.choices, label=_("Jenis jabatan")
    )
    is_active = django_filters.BooleanFilter(label=_("Aktif"))
    search = django_filters.CharFilter(method="filter_search", label=_("Cari NIP (awalan) atau nama"))

    class Meta:
        model = Employee
        fields = ["unit", "position", "position_type", "is_active", "search"]

    def filter_unit(self, queryset: QuerySet[Employee], name: str, value: str) -> QuerySet[Employee]:
        unit = _unit_by_code(value)
        if unit is None:
            return queryset.none()
        return filter_employees(queryset, unit=unit)

    def filter_search(self, queryset: QuerySet[Employee], name: str, value: str) -> QuerySet[Employee]:
        return filter_employees(queryset, q=value)
