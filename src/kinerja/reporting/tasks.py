"""Background work of the reporting cycle (django-tasks; the database backend by default, no broker).

`recompute_scorecard` is enqueued by the services after their transaction
commits (never from a signal): when a realization changes state or value,
when a period reopens, or — through `services.schedule_kpi_recompute` — when a
KPI's target changes. `close_periods` and `send_reminders` are the task forms
of the `kinerja close_periods` and `kinerja send_reminders` commands, for a
scheduler that enqueues tasks instead of running commands.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task


@task()
def recompute_scorecard(strategy_map_id: int, period_id: int, trigger: str = "") -> int | None:
    """Store a new snapshot of the map as of the period (none when nothing changed); returns its id.

    A closed period is left alone: its final snapshot stands (rule 23).
    """
    from kinerja.planning.models import StrategyMap

    from . import services
    from .models import ReportingPeriod

    strategy_map = StrategyMap.objects.select_related("unit", "plan_year").filter(pk=strategy_map_id).first()
    period = ReportingPeriod.objects.filter(pk=period_id).first()
    if strategy_map is None or period is None or period.is_closed:
        return None
    return services.compute_scorecard(strategy_map=strategy_map, period=period, trigger=trigger).pk


@task()
def close_periods(today: str | None = None) -> list[int]:
    """Close every open period whose lock date has come (idempotent); returns the ids closed."""
    from . import services

    day = dt.date.fromisoformat(today) if today else None
    return [p.pk for p in services.close_due_periods(today=day)]


@task()
def send_reminders(today: str | None = None) -> int:
    """E-mail performance managers about realizations missing near or after their due date; returns the count."""
    from . import services

    day = dt.date.fromisoformat(today) if today else None
    return services.send_reminders(today=day).emails
