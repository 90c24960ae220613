"""Django admin for the organisation: for superusers only (the auth backend gives module rights to no one else)."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from kinerja.common.admin import SuperuserOnly

from .models import Assignment, Employee, Position, Unit


@admin.register(Unit)
class UnitAdmin(SuperuserOnly, SimpleHistoryAdmin, TreeAdmin):
    form = movenodeform_factory(Unit)
    list_display = ["code", "name_id", "level", "kind", "owns_map", "is_active"]
    list_filter = ["level", "kind", "owns_map", "is_active"]
    search_fields = ["code", "name_id", "name_en"]


@admin.register(Position)
class PositionAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["code", "title_id", "unit", "type", "echelon", "job_grade", "is_head"]
    list_filter = ["type", "echelon", "is_head"]
    search_fields = ["code", "title_id", "title_en", "unit__code"]
    autocomplete_fields = ["unit", "superior"]
    list_select_related = ["unit"]


class AssignmentInline(SuperuserOnly, admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["unit", "position"]
    fields = ["unit", "position", "kind", "start", "end", "note"]


@admin.register(Employee)
class EmployeeAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["nip", "name", "unit", "position", "is_active"]
    list_filter = ["is_active", "position__type"]
    search_fields = ["nip", "name", "email", "unit__code"]
    autocomplete_fields = ["unit", "position", "superior"]
    list_select_related = ["unit", "position"]
    inlines = [AssignmentInline]


@admin.register(Assignment)
class AssignmentAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["employee", "unit", "position", "kind", "start", "end"]
    list_filter = ["kind"]
    search_fields = ["employee__nip", "employee__name", "unit__code"]
    autocomplete_fields = ["employee", "unit", "position"]
    list_select_related = ["employee", "unit", "position"]
    date_hierarchy = "start"
