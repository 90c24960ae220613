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
