"""The admin is for superusers only: one mixin every ModelAdmin of Kinerja uses."""

from __future__ import annotations

from typing import Any


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


def _without_the_rq_dashboard() -> None:
    """django-rq puts its queue dashboard into the admin; its pages answer a malformed queue number with a
    server error, so it stays out (`kinerja rqstats` shows the queues from a shell; docs/deploy.md).
    django_rq comes before kinerja.common in INSTALLED_APPS, so its admin module has registered by now."""
    from django.contrib import admin
    from django_rq.models import Dashboard

    if admin.site.is_registered(Dashboard):
        admin.site.unregister(Dashboard)


_without_the_rq_dashboard()
