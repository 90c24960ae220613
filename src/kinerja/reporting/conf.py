"""The reporting cycle's settings, each with its default, read when used (tests may override them).

| setting | default | meaning |
| --- | --- | --- |
| `KINERJA_EVIDENCE_MAX_BYTES` | 10 MB | largest evidence file accepted |
| `KINERJA_EVIDENCE_REQUIRED` | True | evidence before submission (rule 21) when the KPI manual has no flag of its own |
| `KINERJA_SCORED_STATES` | ("approved",) | the realization states a score counts; the rest are N/A |
| `KINERJA_REPORTING_DUE_DAYS` | 10 | a period's due date: this many days after it ends |
| `KINERJA_REPORTING_CLOSE_DAYS` | 30 | a period closes (locks) this many days after it ends |
| `KINERJA_REMINDER_DAYS_BEFORE` | 5 | reminders start this many days before the due date |
| `KINERJA_SEPARATION_OF_DUTIES` | True | submitter, verifier and approver of a realization are three different people (superusers included); False leaves only verifier ≠ submitter (rule 22) |
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    "KINERJA_EVIDENCE_MAX_BYTES": 10 * 1024 * 1024,
    "KINERJA_EVIDENCE_REQUIRED": True,
    "KINERJA_SCORED_STATES": ("approved",),
    "KINERJA_REPORTING_DUE_DAYS": 10,
    "KINERJA_REPORTING_CLOSE_DAYS": 30,
    "KINERJA_REMINDER_DAYS_BEFORE": 5,
    "KINERJA_SEPARATION_OF_DUTIES": True,
}


def get(name: str) -> Any:
    """The setting `name`, or its default."""
    return getattr(settings, name, DEFAULTS[name])


def evidence_max_bytes() -> int:
    return int(get("KINERJA_EVIDENCE_MAX_BYTES"))


def evidence_required_by_default() -> bool:
    return bool(get("KINERJA_EVIDENCE_REQUIRED"))


def scored_states() -> tuple[str, ...]:
    return tuple(get("KINERJA_SCORED_STATES"))


def separation_of_duties() -> bool:
    return bool(get("KINERJA_SEPARATION_OF_DUTIES"))
