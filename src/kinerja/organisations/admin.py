"""Django admin for the organisation: for superusers only (the auth backend gives module rights to no one else)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Assignment, Employee, Position, Unit


class SuperuserOnly:
    """The admin is for superusers. Django asks `user.has_perm("app.view_x")` without an object, which the
    rules layer answers "yes" for anyone holding a role somewhere; in the admin that would show every unit
    of the ministry, so these pages ask for a superuser instead."""

    def _superuser(self, request: Any) -> bool:
        return bool(request.user.is_active and request.user.is_superuser)

    def has_module_permission(self, request: Any) -> bool:
        return self._superuser(request)

    def has_view_permission(self, request: Any, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_add_permission(self, request: Any, *args: Any) -> bool:
        return self._superuser(request)

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return self._superuser(request)

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return self._superuser(request)


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
