"""Which units a user reaches. The one place that answers it; rules.py and every selector build on it.

A role on a unit reaches the unit's whole subtree (materialised paths: a subtree
is every path that starts with the unit's path) and nothing else. Superusers
reach everything. The answer is cached on the user object for the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q

from .models import Role, User

Viewer: TypeAlias = User | AnonymousUser
"""Who reads: a signed-in user or an anonymous visitor, as `request.user` is (a service's caller is an `Actor`)."""

READ_ROLES = frozenset(Role.values)
_CACHE_ATTR = "_kinerja_role_paths"


def role_paths(user: Viewer) -> dict[str, tuple[str, ...]]:
    """{role: (unit path, ...)} for an authenticated user; cached per user object."""
    if not isinstance(user, User) or not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        found: dict[str, list[str]] = {}
        for role, path in user.roles.values_list("role", "unit__path"):
            found.setdefault(role, []).append(path)
        cached = {role: _minimal(paths) for role, paths in found.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget(user: Viewer) -> None:
    """Drop the cached roles (after a role is granted or revoked)."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def _minimal(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop paths already covered by an ancestor path in the list."""
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def paths_for(user: Viewer, roles: Iterable[str] = READ_ROLES) -> tuple[str, ...]:
    by_role = role_paths(user)
    return _minimal(p for role in roles for p in by_role.get(role, ()))


def reaches_everything(user: Viewer) -> bool:
    """An active superuser: every unit, whatever the roles."""
    return bool(getattr(user, "is_superuser", False) and getattr(user, "is_active", False))


def reaches(user: Viewer, unit_path: str, roles: Iterable[str] = READ_ROLES) -> bool:
    """True when the user holds one of `roles` on the unit or one of its ancestors."""
    if reaches_everything(user):
        return True
    return any(unit_path.startswith(p) for p in paths_for(user, roles))


def unit_filter(user: Viewer, field: str = "path", roles: Iterable[str] = READ_ROLES) -> Q:
    """A Q object limiting a queryset to the units the user reaches.

    `field` is the lookup to a unit's path, e.g. "path" on Unit, "unit__path" on Employee.
    """
    if reaches_everything(user):
        return Q()
    paths = paths_for(user, roles)
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def has_any_role(user: Viewer, roles: Iterable[str]) -> bool:
    if reaches_everything(user):
        return True
    by_role = role_paths(user)
    return any(by_role.get(role) for role in roles)
