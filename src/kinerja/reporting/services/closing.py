"""Closing (locking) and reopening reporting periods (rule 23): final snapshots at closing, a reason to reopen."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.common.workflow import locked
from kinerja.planning.models import (
    PlanYear,
)

from ..models import (
    PeriodReopen,
    PeriodState,
    ReportingPeriod,
)
from ..selectors import reportable_maps
from .periods import _today, ensure_periods
from .scores import compute_scorecards, schedule_recompute


def close_period(*, period: ReportingPeriod, by: Actor = None) -> ReportingPeriod:
    """Close (lock) a period and store each reportable map's final snapshot for it; idempotent.

    From then on the period takes no edits, evidence or imports. The final
    snapshots are computed inside the same transaction, so a closed period
    always has them.
    """
    ensure(by, "reporting.close_reportingperiod", period)
    with transaction.atomic():
        current = locked(period, related=("plan_year",))
        if current.state == PeriodState.CLOSED:
            _refresh(period, current)
            return period
        current.state = PeriodState.CLOSED
        current.closed_at = timezone.now()
        current.closed_by = author(by)
        current.save(update_fields=["state", "closed_at", "closed_by"])
        compute_scorecards(reportable_maps(current.plan_year_id), current, final=True, trigger="close")
    _refresh(period, current)
    return period


def _refresh(target: ReportingPeriod, source: ReportingPeriod) -> None:
    target.state, target.closed_at, target.closed_by_id = source.state, source.closed_at, source.closed_by_id


def reopen_period(*, period: ReportingPeriod, reason: str, by: Actor) -> PeriodReopen:
    """Open a closed period again, with a reason (rule 23); scores are recomputed into new snapshots.

    The final snapshot stored at the closing is kept as it is.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan membuka kembali periode wajib diisi."), code="reason_required")
    ensure(by, "reporting.reopen_reportingperiod", period)
    with transaction.atomic():
        current = locked(period)
        if current.state != PeriodState.CLOSED:
            raise ValidationError(
                _("Periode %(period)s masih terbuka.") % {"period": current.display_name}, code="period_open"
            )
        record = PeriodReopen.objects.create(
            period=current, reason=reason, by=author(by), closed_at=current.closed_at
        )
        current.state, current.closed_at, current.closed_by = PeriodState.OPEN, None, None
        current.save(update_fields=["state", "closed_at", "closed_by"])
        schedule_recompute([(m.pk, current) for m in reportable_maps(current.plan_year_id)], trigger="reopen")
    _refresh(period, current)
    return record


def close_due_periods(*, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Close every open period whose lock date (`closes_on`) has come; idempotent (`kinerja close_periods`)."""
    day = _today(today)
    for plan_year in PlanYear.objects.filter(year__lte=day.year):
        ensure_periods(plan_year)
    closed = []
    for period in ReportingPeriod.objects.filter(state=PeriodState.OPEN, closes_on__lte=day).order_by("end"):
        closed.append(close_period(period=period))
    return closed
