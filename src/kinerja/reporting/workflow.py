"""The realization workflow (rule 22): which step goes from which state to which, and what stops it.

draft → submitted (entry: employee or manager; evidence first, rule 21)
submitted → verified (manager; never the one who submitted)
verified → approved (leader)
submitted / verified / approved → draft (return: manager or leader, with a reason)

`problem` answers "why may this step not happen now?" for the services (which
raise it) and the pages and API (which offer only the steps that may happen).
Who may take a step at all is the permission layer's answer (`accounts/rules.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from . import conf
from .models import PeriodState, Realization, RealizationState


@dataclass(frozen=True)
class Step:
    action: str
    sources: frozenset[str]
    target: str
    perm: str


SUBMIT = Step(
    "submit", frozenset({RealizationState.DRAFT}), RealizationState.SUBMITTED, "reporting.submit_realization"
)
VERIFY = Step(
    "verify",
    frozenset({RealizationState.SUBMITTED}),
    RealizationState.VERIFIED,
    "reporting.verify_realization",
)
APPROVE = Step(
    "approve",
    frozenset({RealizationState.VERIFIED}),
    RealizationState.APPROVED,
    "reporting.approve_realization",
)
RETURN = Step(
    "return",
    frozenset({RealizationState.SUBMITTED, RealizationState.VERIFIED, RealizationState.APPROVED}),
    RealizationState.DRAFT,
    "reporting.return_realization",
)
STEPS: dict[str, Step] = {s.action: s for s in (SUBMIT, VERIFY, APPROVE, RETURN)}


def period_closed_message(period: Any) -> str:
    return _("Periode %(period)s (%(label)s) sudah ditutup; datanya hanya dapat dibaca.") % {
        "period": period.display_name,
        "label": period.label,
    }


def evidence_required(kpi: Any) -> bool:
    """Rule 21: the KPI manual's own flag when it has one, else `KINERJA_EVIDENCE_REQUIRED`."""
    flag = getattr(kpi, "evidence_required", None)
    return conf.evidence_required_by_default() if flag is None else bool(flag)


def problem(
    realization: Realization, step: Step, user: Any, *, current_evidence: int | None = None
) -> str | None:
    """The reason `step` cannot happen to `realization` now (Indonesian), or None when it can.

    `current_evidence` is the number of current (not superseded) evidence files;
    it is counted when not given.
    """
    period = realization.period
    if period.state == PeriodState.CLOSED:
        return period_closed_message(period)
    if realization.state not in step.sources:
        if step is RETURN:
            return _("Realisasi ini sudah berstatus konsep.")
        return _("Realisasi berstatus %(state)s; langkah ini tidak dapat dilakukan.") % {
            "state": realization.get_state_display()
        }
    if step is VERIFY and realization.submitted_by_id is not None and realization.submitted_by_id == user.pk:
        return _("Verifikator tidak boleh orang yang sama dengan pengaju realisasi.")
    if step is SUBMIT and evidence_required(realization.kpi):
        if current_evidence is None:
            current_evidence = realization.evidence.filter(superseded_by__isnull=True).count()
        if current_evidence == 0:
            return _("Lampirkan data dukung sebelum mengajukan realisasi %(code)s periode %(period)s.") % {
                "code": realization.kpi.code,
                "period": period.display_name,
            }
    return None


def allowed_steps(
    realization: Realization, user: Any, *, current_evidence: int | None = None
) -> dict[str, bool]:
    """{action: may `user` take it now} for every step: permission and `problem` both."""
    found: dict[str, bool] = {}
    for action, step in STEPS.items():
        found[action] = bool(user.has_perm(step.perm, realization)) and (
            problem(realization, step, user, current_evidence=current_evidence) is None
        )
    return found
