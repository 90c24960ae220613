"""Reporting periods: their dates, their creation per plan year, and the rule that a closed one takes no edits (23)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor
from kinerja.planning.models import PERIODS_PER_YEAR, PlanYear

from .. import conf, workflow
from ..models import (
    PeriodState,
    ReportingPeriod,
)
from ..selectors import period_dates


def _today(today: dt.date | None = None) -> dt.date:
    return today or timezone.localdate()


def generate_periods(*, plan_year: PlanYear, by: Actor = None) -> list[ReportingPeriod]:
    """The plan year's reporting periods — 12 months, 4 quarters, 2 semesters, the year — created when missing.

    Idempotent: existing periods are kept as they are (their dates and state
    too). A due date is `KINERJA_REPORTING_DUE_DAYS` after the period's end; it
    locks `KINERJA_REPORTING_CLOSE_DAYS` after its end.
    """
    ensure(by, "reporting.add_reportingperiod")
    due_days = int(conf.get("KINERJA_REPORTING_DUE_DAYS"))
    close_days = int(conf.get("KINERJA_REPORTING_CLOSE_DAYS"))
    with transaction.atomic():
        existing = {(p.frequency, p.number) for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
        new = []
        for frequency, count in PERIODS_PER_YEAR.items():
            for number in range(1, count + 1):
                if (frequency, number) in existing:
                    continue
                start, end = period_dates(plan_year.year, frequency, number)
                new.append(
                    ReportingPeriod(
                        plan_year=plan_year,
                        frequency=frequency,
                        number=number,
                        start=start,
                        end=end,
                        due_date=end + dt.timedelta(days=due_days),
                        closes_on=end + dt.timedelta(days=close_days),
                    )
                )
        if new:
            ReportingPeriod.objects.bulk_create(new)
    return list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))


def ensure_periods(plan_year: PlanYear) -> None:
    """Create the plan year's periods the first time they are needed (system action)."""
    if ReportingPeriod.objects.filter(plan_year=plan_year).count() < sum(PERIODS_PER_YEAR.values()):
        generate_periods(plan_year=plan_year)


def on_plan_year_saved(
    sender: object, *, instance: PlanYear, created: bool, raw: bool = False, **kwargs: object
) -> None:
    """A new plan year gets its reporting periods at once (connected to PlanYear's `post_save` in
    `ReportingConfig.ready`), in the transaction that creates it: pages and the API only read periods."""
    if created and not raw:
        generate_periods(plan_year=instance)


def ensure_period_open(period: ReportingPeriod) -> None:
    """Rule 23: a closed period takes no edits, no evidence and no imports."""
    if period.state == PeriodState.CLOSED:
        raise ValidationError(workflow.period_closed_message(period), code="period_closed")
