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
  linking to that report for that period; the report's own figures
  (`reporting.selectors.missing_count`, i.e. `reporting.figures.map_figures`, kept per map under its
  data version) with the report's choice of year and period.

The page costs what it shows (issue 16 item 2): every number is a count or an
aggregate in the database and the list is the first five items due, so its
queries are the same in number for one map as for a thousand.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

from kinerja.accounts.scope import Viewer, role_paths, unit_filter
from kinerja.dashboards.selectors import choose_year, pick_period, years_in_reach
from kinerja.meetings import follow_ups
from kinerja.organisations.models import Employee, Unit
from kinerja.reporting.models import ReportingPeriod
from kinerja.reporting.selectors import (
    ReachMap,
    due_list,
    maps_in_reach,
    missing_count,
    reporting_maps_for,
    waiting_lists,
)

DUE_SHOWN = 5
"""How many items due the home page lists (the count links to the whole list)."""


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


def work_queue(*, user: Viewer, today: dt.date | None = None) -> dict[str, Any]:
    """What waits for the user: realizations due, ones to verify and to approve, and the period's completeness."""
    if not user.is_authenticated:
        return {}
    day = today or timezone.localdate()
    maps = maps_in_reach(user)  # read once: the due list, the waiting lists and the count of missing KPIs
    due = due_list(user, today=day, maps=maps)
    due_count, overdue_count = due.counts()
    waiting = waiting_lists(user, ("verify", "approve"), maps)
    index = reverse("reporting:index")
    year, period, incomplete = incomplete_kpis(user, today=day, maps=maps)
    completeness_url = reverse("dashboards:completeness")
    if period is not None:
        completeness_url += f"?tahun={year}&periode={period.pk}"
    return {
        "due_items": due.items(0, DUE_SHOWN) if due_count else [],
        "due_count": due_count,
        "overdue_count": overdue_count,
        "to_verify": waiting["verify"].count(),
        "to_verify_url": f"{index}?menunggu=verifikasi",
        "to_approve": waiting["approve"].count(),
        "to_approve_url": f"{index}?menunggu=persetujuan",
        "incomplete_count": incomplete,
        "incomplete_period": period,
        "completeness_url": completeness_url,
    }


def incomplete_kpis(
    user: Viewer, *, today: dt.date | None = None, maps: list[ReachMap] | None = None
) -> tuple[int | None, ReportingPeriod | None, int | None]:
    """(year, period, KPIs missing) of the completeness report's default view for the user, counted in the
    database; (year or None, None, None) when the report has no period to show.

    The report's own choices (`dashboards.selectors.completeness`): the current plan year with an approved
    map in reach (else the newest), and its last period ended by today (`pick_period`).
    """
    day = today or timezone.localdate()
    year = choose_year(years_in_reach(user), None, day)
    if year is None:
        return None, None, None
    periods = list(ReportingPeriod.objects.filter(plan_year__year=year).order_by("end", "start"))
    ended = [p for p in periods if p.end <= day]
    period = pick_period(ended, {}, today=day) if ended else None
    if period is None:
        return year, None, None
    reach = maps if maps is not None else reporting_maps_for(user, year)
    return year, period, missing_count(reach, period, periods)


def follow_up_queue(*, user: Viewer) -> dict[str, Any]:
    """The signed-in person's overdue follow-ups (issue 14 item 2): the first five and their number (one query,
    two when there are more than five)."""
    rows, count = follow_ups.overdue_of(getattr(user, "employee_id", None))
    return {"overdue_follow_ups": follow_ups.decorate(rows), "overdue_follow_up_count": count}
