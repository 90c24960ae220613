"""Reads for the home page: what the signed-in user reaches, in numbers."""

from __future__ import annotations

from typing import Any

from kinerja.accounts.models import Role
from kinerja.accounts.scope import Viewer, role_paths, unit_filter
from kinerja.organisations.models import Employee, Unit
from kinerja.reporting.models import Realization, RealizationState
from kinerja.reporting.selectors import due_items


def home_summary(*, user: Viewer) -> dict[str, Any]:
    units = Unit.objects.filter(unit_filter(user))
    roots = units.order_by("depth", "path")
    top = roots.first()
    top_units = list(roots.filter(depth=top.depth)[:12]) if top is not None else []
    roles = user.roles.select_related("unit").order_by("unit__path") if user.is_authenticated else []
    return {
        **work_queue(user=user),
        "unit_count": units.count(),
        "map_owner_count": units.filter(owns_map=True).count(),
        "employee_count": Employee.objects.filter(unit_filter(user, "unit__path"), is_active=True).count(),
        "top_units": top_units,
        "roles": list(roles),
        "has_roles": bool(role_paths(user)) or user.is_superuser,
    }


def work_queue(*, user: Viewer) -> dict[str, Any]:
    """What waits for the user: realizations due, submitted ones to verify, verified ones to approve."""
    if not user.is_authenticated:
        return {}
    path = "kpi__objective__map__unit__path"
    due = due_items(user)
    return {
        "due_items": due[:5],
        "due_count": len(due),
        "overdue_count": sum(item.overdue for item in due),
        "to_verify": Realization.objects.filter(
            unit_filter(user, path, (Role.MANAGER,)), state=RealizationState.SUBMITTED
        ).count(),
        "to_approve": Realization.objects.filter(
            unit_filter(user, path, (Role.LEADER,)), state=RealizationState.VERIFIED
        ).count(),
    }
