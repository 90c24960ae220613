"""Reads for the home page: what the signed-in user reaches, in numbers.

Every count of the work queue is the length of the list it links to, and
counts only what the user can act on now (issue 10 item 10):

* "menunggu verifikasi Anda" / "menunggu persetujuan Anda" — `reporting.selectors.awaiting`:
  the realizations on which the workflow (`REALIZATION_WORKFLOW`) lets the user
  verify or approve now (an open period, in the user's reach, their role's
  permission, not submitted — nor, to approve, verified — by themselves); the
  link is the reporting index filtered to that list (``?menunggu=verifikasi``,
  ``?menunggu=persetujuan``);
* "IKU belum lengkap" — the completeness report's count for its default period
  (`dashboards.selectors.completeness`, i.e. `reporting.scorecard.completeness`),
  linking to that report for that period.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from kinerja.accounts.scope import Viewer, role_paths, unit_filter
from kinerja.dashboards.selectors import completeness
from kinerja.meetings import follow_ups
from kinerja.organisations.models import Employee, Unit
from kinerja.reporting.selectors import awaiting, due_items


def home_summary(*, user: Viewer) -> dict[str, Any]:
    units = Unit.objects.filter(unit_filter(user))
    roots = units.order_by("depth", "path")
    top = roots.first()
    top_units = list(roots.filter(depth=top.depth)[:12]) if top is not None else []
    roles = user.roles.select_related("unit").order_by("unit__path") if user.is_authenticated else []
    return {
        **work_queue(user=user),
        **follow_up_queue(user=user),
        "unit_count": units.count(),
        "map_owner_count": units.filter(owns_map=True).count(),
        "employee_count": Employee.objects.filter(unit_filter(user, "unit__path"), is_active=True).count(),
        "top_units": top_units,
        "roles": list(roles),
        "has_roles": bool(role_paths(user)) or user.is_superuser,
    }


def work_queue(*, user: Viewer) -> dict[str, Any]:
    """What waits for the user: realizations due, ones to verify and to approve, and the period's completeness."""
    if not user.is_authenticated:
        return {}
    due = due_items(user)
    index = reverse("reporting:index")
    report = completeness(user)  # never None without a unit
    period = report.period if report is not None else None
    completeness_url = reverse("dashboards:completeness")
    if report is not None and period is not None:
        completeness_url += f"?tahun={report.year}&periode={period.pk}"
    return {
        "due_items": due[:5],
        "due_count": len(due),
        "overdue_count": sum(item.overdue for item in due),
        "to_verify": len(awaiting(user, "verify")),
        "to_verify_url": f"{index}?menunggu=verifikasi",
        "to_approve": len(awaiting(user, "approve")),
        "to_approve_url": f"{index}?menunggu=persetujuan",
        "incomplete_count": report.missing if report is not None and period is not None else None,
        "incomplete_period": period,
        "completeness_url": completeness_url,
    }


def follow_up_queue(*, user: Viewer) -> dict[str, Any]:
    """The signed-in person's overdue follow-ups (issue 14 item 2): the first five and their number (one query,
    two when there are more than five)."""
    rows, count = follow_ups.overdue_of(getattr(user, "employee_id", None))
    return {"overdue_follow_ups": follow_ups.decorate(rows), "overdue_follow_up_count": count}
