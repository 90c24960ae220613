"""Background work of the reporting cycle (django-tasks; the database backend by default, no broker).

`recompute_scorecards_of` (the (map, period) pairs to recompute, read together; defined in
`services/scores.py`, beside the code that enqueues it; `recompute_scorecards` — one period — and
`recompute_scorecard` — one map — are kept for tasks queued before) is enqueued by the services after
their transaction
commits (never from a signal): when a realization changes state or value,
when a period reopens, or — through `services.schedule_kpi_recompute` — when a
KPI's target changes. `close_periods` and `send_reminders` are the task forms
of the `kinerja close_periods` and `kinerja send_reminders` commands, for a
scheduler that enqueues tasks instead of running commands.
"""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from . import services
from .services.imports import run_import_job
from .services.scores import recompute_scorecard, recompute_scorecards, recompute_scorecards_of

__all__ = [
    "close_periods",
    "recompute_scorecard",
    "recompute_scorecards",
    "recompute_scorecards_of",
    "run_import_job",
    "send_reminders",
]


@task()
def close_periods(today: str | None = None) -> list[int]:
    """Close every open period whose lock date has come (idempotent); returns the ids closed.

    The plan years' reporting periods are made first when missing (`ensure_periods`): pages only read them.
    """
    day = dt.date.fromisoformat(today) if today else None
    return [p.pk for p in services.close_due_periods(today=day)]


@task()
def send_reminders(today: str | None = None) -> int:
    """E-mail performance managers about realizations missing near or after their due date; returns the count."""
    day = dt.date.fromisoformat(today) if today else None
    return services.send_reminders(today=day).emails
