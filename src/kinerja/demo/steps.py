"""The machinery of `kinerja demo`: a step builds one part of the demo idempotently and knows how to clear it.

`run_steps` runs the steps it is given, in that order, inside one transaction
(after clearing them in reverse order for `--reset`). The order itself is
declared once, in `kinerja.demo.build.STEPS`: organisation, then planning, then
reporting. Nothing registers itself and nothing is discovered.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass
class Counts:
    """What a step did, for the progress line."""

    total: int = 0
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class DemoStep:
    key: str
    label: str | Promise
    build: Callable[[DemoRun], Counts]
    clear: Callable[[DemoRun], int]


@dataclass
class DemoRun:
    """State shared by the steps of one run, and where they report progress."""

    report: Callable[[str], None] = print
    cache: dict[str, Any] = field(default_factory=dict)


def run_steps(
    steps: Iterable[DemoStep], *, reset: bool = False, report: Callable[[str], None] = print
) -> DemoRun:
    """Build the given steps in order (after clearing them, last first, when `reset`), in one transaction."""
    chosen = list(steps)
    run = DemoRun(report=report)
    with transaction.atomic():
        if reset:
            for step in reversed(chosen):
                removed = step.clear(run)
                report(_("Dihapus — %(step)s: %(count)d") % {"step": step.label, "count": removed})
        for number, step in enumerate(chosen, start=1):
            started = time.perf_counter()
            counts = step.build(run)
            report(
                _(
                    "[%(number)d/%(steps)d] %(step)s: %(total)d (baru %(created)d, diperbarui %(updated)d) "
                    "— %(seconds).1f dtk"
                )
                % {
                    "number": number,
                    "steps": len(chosen),
                    "step": step.label,
                    "total": counts.total,
                    "created": counts.created,
                    "updated": counts.updated,
                    "seconds": time.perf_counter() - started,
                }
            )
    return run


def demo_user(username: str | None) -> Any:
    """The demo login of that name acting in a service call, or None (the system) when it is absent."""
    if username is None:
        return None
    return get_user_model().objects.filter(username=username, is_active=True).first()
