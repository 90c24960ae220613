"""Django admin for users and their roles: for superusers only (see backends.UsernameOrNipBackend)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from kinerja.common.admin import SuperuserOnly

from .models import RoleAssignment, User


class RoleAssignmentInline(SuperuserOnly, admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["role", "unit", "created_at"]
    readonly_fields = ["created_at"]


@admin.register(User)
class UserAdmin(SuperuserOnly, DjangoUserAdmin):
    fieldsets = (
        # django-stubs types fieldsets as Optional (from ModelAdmin); Django's UserAdmin always sets it
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Pegawai"), {"fields": ("employee",)}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Pegawai"), {"fields": ("employee",)}),
    )
    autocomplete_fields = ["employee"]
    list_display = ["username", "first_name", "last_name", "employee", "is_active", "is_superuser"]
    list_select_related = ["employee"]
    search_fields = ["username", "first_name", "last_name", "email", "employee__nip", "employee__name"]
    inlines = [RoleAssignmentInline]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(SuperuserOnly, admin.ModelAdmin):
    list_display = ["user", "role", "unit", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "unit__code"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]
