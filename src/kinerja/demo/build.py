"""The whole demo, in its declared order: the organisation, the strategy maps, the contracts, the BerAKHLAK
scores, the reporting, the employees' scores; then the year before, 2025 under the 2014 rules, for one office."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from . import (
    appraisals,
    appraisals2014,
    contracts,
    endorsement,
    evaluation,
    history,
    meetings,
    notifications,
    organisation,
    planning,
    reporting,
    reports,
)
from .steps import DemoRun, DemoStep, run_steps

# Contracts before reporting: individual KPIs take realizations only in a signed contract, and only while the
# periods the reporting step closes are open; the leaves of direct cascades report before their parents.
# BerAKHLAK scores, the sentence and the correction before reporting too (the services refuse closed quarters);
# the employees' scores after it, when every realization is in; the performance dialogues (their agendas read
# the 2026 scores) after those. Plan year 2025 (`kmk-467-2014`: contracts,
# closed periods, the 360° campaigns, CKP + NP) stands on its own and comes last: `--reset` clears it first,
# so the 2026 steps find their plan period free of it.
# The notifications come last of all: they tell what is still waiting in everything built before.
STEPS: tuple[DemoStep, ...] = (
    *organisation.STEPS,
    planning.STEP,
    contracts.STEP,
    appraisals.STEP,
    reporting.STEP,
    appraisals.SCORES_STEP,
    meetings.STEP,
    appraisals2014.YEAR_STEP,
    appraisals2014.CAMPAIGN_STEP,
    history.STEP,  # DJBC's 2025 through the historical import (issue 15), into the closed 2025 periods
    endorsement.STEP,
    evaluation.STEP,  # the 2026 evaluation of performance management (issue 14 item 7)
    reports.STEP,  # the monthly reports read everything above (the dialogues' follow-ups included)
    notifications.STEP,  # last: the real producers run on the demo as it stands
)


def build_demo(
    *, reset: bool = False, report: Callable[[str], None] = print, steps: Iterable[DemoStep] | None = None
) -> DemoRun:
    """Build the demo (after clearing it when `reset`), all in one transaction; `steps` defaults to all."""
    return run_steps(STEPS if steps is None else steps, reset=reset, report=report)
