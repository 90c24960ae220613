"""The whole demo, in its declared order: the organisation, then the strategy maps, then the reporting on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import organisation, planning, reporting
from .steps import DemoRun, DemoStep, run_steps

STEPS: tuple[DemoStep, ...] = (*organisation.STEPS, planning.STEP, reporting.STEP)


def build_demo(
    *, reset: bool = False, report: Callable[[str], None] = print, steps: Iterable[DemoStep] | None = None
) -> DemoRun:
    """Build the demo (after clearing it when `reset`), all in one transaction; `steps` defaults to all."""
    return run_steps(STEPS if steps is None else steps, reset=reset, report=report)
