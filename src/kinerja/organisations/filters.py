"""Search and filter forms for the unit and employee lists (django-filter).

The filtering itself is `selectors.filter_units` / `selectors.filter_employees`,
so a page, the API and a test all filter the same way; a FilterSet only parses
and validates the query string. Build one on a queryset that is already limited
to the user's reach (`selectors.units_for(user)`, `selectors.scoped_employees(user)`).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from . import selectors, unit_picker
from .models import Employee, Position, PositionType, Unit, UnitKind, UnitLevel
from .selectors import filter_employees, filter_units

EMPLOYEE_FILTER_UNIT_PICKER = "organisations.employee-filter.unit"
unit_picker.register(EMPLOYEE_FILTER_UNIT_PICKER, selectors.units_for)

YES_NO = [("1", _("Ya")), ("0", _("Tidak"))]
ACTIVE = [("1", _("Aktif")), ("0", _("Tidak aktif"))]


def _bool(value: str | None) -> bool | None:
    return {"1": True, "0": False}.get(value or "")


class SearchFilterSet(django_filters.FilterSet):
    """Filters are parsed by django-filter; the queryset is narrowed by one selector call."""

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        raise NotImplementedError

    @property
    def is_searching(self) -> bool:
        """True when the user asked for anything (the unit page then lists results instead of the tree)."""
        return self.is_bound and any(self.data.get(name) for name in self.filters)


class UnitFilter(SearchFilterSet):
    q = django_filters.CharFilter(
        label=_("Cari kode atau nama unit"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    level = django_filters.ChoiceFilter(
        label=_("Level"), choices=UnitLevel.choices, empty_label=_("Semua level")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Jenis unit"), choices=UnitKind.choices, empty_label=_("Semua jenis")
    )
    owns_map = django_filters.ChoiceFilter(
        label=_("Pemilik peta strategi"), choices=YES_NO, empty_label=_("Semua")
    )

    class Meta:
        model = Unit
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Unit]) -> QuerySet[Unit]:
        data = self.form.cleaned_data
        return selectors.filter_units(
            queryset,
            q=data.get("q") or "",
            level=data.get("level") or "",
            kind=data.get("kind") or "",
            owns_map=_bool(data.get("owns_map")),
        )


class EmployeeFilter(SearchFilterSet):
    q = django_filters.CharFilter(
        label=_("Cari NIP atau nama"),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (termasuk unit di bawahnya)"),
        queryset=Unit.objects.none(),
        to_field_name="code",
    )
    position_type = django_filters.ChoiceFilter(
        label=_("Jenis jabatan"), choices=PositionType.choices, empty_label=_("Semua jenis")
    )
    is_active = django_filters.ChoiceFilter(label=_("Status"), choices=ACTIVE, empty_label=_("Semua"))

    class Meta:
        model = Employee
        fields: list[str] = []

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a search-as-you-type picker over the user's reach: the page holds the chosen unit only, whether the
        # reach is 60 units or 3,000 (the same queries at any size); the address names the unit by its code
        field = unit_picker.unit_field(
            EMPLOYEE_FILTER_UNIT_PICKER,
            user,
            label=_("Unit (termasuk unit di bawahnya)"),
            required=False,
            to_field_name="code",
            empty_label=_("Semua unit"),
            error_messages={
                "invalid_choice": _("Unit dengan kode ini tidak ditemukan atau di luar wewenang Anda.")
            },
        )
        self.form.fields["unit"] = field

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        data = self.form.cleaned_data
        return selectors.filter_employees(
            queryset,
            q=data.get("q") or "",
            unit=data.get("unit"),
            position_type=data.get("position_type") or "",
            is_active=_bool(data.get("is_active")),
        )


# ---------------------------------------------------------------- the API's filters (query parameters)


def _unit_by_code(code: str) -> Unit | None:
    return Unit.objects.filter(code=code).only("path", "depth").first()


class UnitApiFilter(django_filters.FilterSet):
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


class PositionApiFilter(django_filters.FilterSet):
    unit = django_filters.CharFilter(field_name="unit__code", label=_("Kode unit (jabatan unit itu saja)"))
    type = django_filters.ChoiceFilter(choices=PositionType.choices, label=_("Jenis jabatan"))
    is_head = django_filters.BooleanFilter(label=_("Kepala unit"))

    class Meta:
        model = Position
        fields = ["unit", "type", "is_head"]


class EmployeeApiFilter(django_filters.FilterSet):
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
