"""Reads of computed scores, limited to what the user may see (`appraisals.view_scorerecord`): the person
themself, their direct superior, and managers, leaders, auditors and administrators reaching their unit."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from kinerja.accounts.rules import APPRAISAL_READ_ROLES
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear

from .models import ScoreRecord

__all__ = ["history", "latest", "unit_records", "visible_employees"]


def visible_employees(user: Viewer) -> QuerySet[Employee]:
    """The employees whose scores the user may read."""
    own = getattr(user, "employee_id", None)
    mine = Q(pk=own) | Q(superior_id=own) if own is not None else Q(pk__in=[])
    return Employee.objects.filter(mine | unit_filter(user, "unit__path", APPRAISAL_READ_ROLES))


def _latest_ids(plan_year: PlanYear | None = None) -> Subquery:
    found = ScoreRecord.objects.filter(employee=OuterRef("employee"), plan_year=OuterRef("plan_year"))
    return Subquery(found.order_by("-computed_at", "-pk").values("pk")[:1])


def latest(employee: Employee, plan_year: PlanYear) -> ScoreRecord | None:
    """The person's current record of the year (the latest computed)."""
    return (
        ScoreRecord.objects.filter(employee=employee, plan_year=plan_year)
        .order_by("-computed_at", "-pk")
        .first()
    )


def history(employee: Employee) -> list[ScoreRecord]:
    """The person's current record of each year, newest year first."""
    return list(
        ScoreRecord.objects.filter(employee=employee, pk=_latest_ids())
        .select_related("plan_year")
        .order_by("-plan_year__year")
    )


def unit_records(unit: Unit, plan_year: PlanYear) -> QuerySet[ScoreRecord]:
    """The current records of the year of the unit's subtree's employees, in tree order (one query a page)."""
    return (
        ScoreRecord.objects.filter(
            plan_year=plan_year, employee__unit__path__startswith=unit.path, pk=_latest_ids()
        )
        .select_related("employee__unit", "employee__position")
        .order_by("employee__unit__path", "-employee__position__is_head", "employee__nip")
    )


def current_records() -> QuerySet[ScoreRecord]:
    """Every current record: the latest computed of each employee and year (the API's score list)."""
    return ScoreRecord.objects.filter(pk=_latest_ids())
