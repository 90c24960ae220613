"""Who is told: the holders of a role nearest to a unit, for the producers in the apps above.

A role on a unit reaches its whole subtree, but a submission in a tax office should not wake every manager of
the ministry: the people told are those holding the role on the unit itself, or else on its nearest ancestor
where somebody holds it. Units are named by their materialised path (this layer knows no unit model).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps

from kinerja.accounts.models import RoleAssignment


def _steplen() -> int:
    return int(apps.get_model("organisations", "Unit").steplen)  # by name: organisations sits above


def nearest_role_holders(paths: Iterable[str], roles: Iterable[str]) -> dict[str, list[int]]:
    """{unit path: [user id, …]} — the active users holding one of `roles` on the unit, or else on its
    nearest ancestor where somebody does; a path nobody's role reaches is left out. One query."""
    wanted = {p for p in paths if p}
    if not wanted:
        return {}
    step = _steplen()
    ancestors = {p[:i] for p in wanted for i in range(step, len(p) + 1, step)}
    holders: dict[str, set[int]] = defaultdict(set)
    for user_id, path in RoleAssignment.objects.filter(
        role__in=list(roles), unit__path__in=ancestors, user__is_active=True
    ).values_list("user_id", "unit__path"):
        holders[path].add(user_id)
    found: dict[str, list[int]] = {}
    for path in wanted:
        for i in range(len(path), 0, -step):
            users = holders.get(path[:i])
            if users:
                found[path] = sorted(users)
                break
    return found
