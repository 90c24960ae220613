"""Object-level permissions (django-rules). Pages, API, exports and imports all ask `user.has_perm`.

Permission names follow Django's `<app>.<action>_<model>`. Called with an object,
the rule checks the object's unit against the user's roles; called without one
(list pages, "may this user add anything at all"), it checks that the user holds
a suitable role somewhere.
"""

from __future__ import annotations

from typing import Any

import rules

from .models import Role
from .scope import READ_ROLES, has_any_role, reaches

EDIT_ORG_ROLES = (Role.ADMIN,)
EDIT_PEOPLE_ROLES = (Role.ADMIN, Role.MANAGER)


def _unit_path(obj: Any) -> str | None:
    """The materialised path of the unit an object belongs to."""
    if obj is None:
        return None
    path = getattr(obj, "path", None)
    if isinstance(path, str) and hasattr(obj, "depth"):
        return path
    unit = getattr(obj, "unit", None)
    return getattr(unit, "path", None)


def _role_predicate(name: str, roles: tuple[str, ...] | frozenset[str]) -> Any:
    @rules.predicate(name=name)
    def check(user: Any, obj: Any = None) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        path = _unit_path(obj)
        if obj is None:
            return has_any_role(user, roles)
        return path is not None and reaches(user, path, roles)

    return check


reads_unit = _role_predicate("reads_unit", READ_ROLES)
edits_org = _role_predicate("edits_org", EDIT_ORG_ROLES)
edits_people = _role_predicate("edits_people", EDIT_PEOPLE_ROLES)
administers = _role_predicate("administers", (Role.ADMIN,))


@rules.predicate
def is_self(user: Any, obj: Any = None) -> bool:
    return obj is not None and getattr(user, "employee_id", None) == getattr(obj, "pk", object())


rules.add_perm("organisations.view_unit", reads_unit)
rules.add_perm("organisations.add_unit", edits_org)
rules.add_perm("organisations.change_unit", edits_org)
rules.add_perm("organisations.delete_unit", edits_org)
rules.add_perm("organisations.view_position", reads_unit)
rules.add_perm("organisations.add_position", edits_org)
rules.add_perm("organisations.change_position", edits_org)
rules.add_perm("organisations.delete_position", edits_org)
rules.add_perm("organisations.view_employee", reads_unit | is_self)
rules.add_perm("organisations.add_employee", edits_people)
rules.add_perm("organisations.change_employee", edits_people)
rules.add_perm("organisations.delete_employee", administers)
rules.add_perm("organisations.move_employee", edits_people)
rules.add_perm("accounts.manage_roles", administers)
