"""The realization workflow (rule 22): a table for the engine in `kinerja.common.workflow`.

draft → submitted (entry: employee or manager; evidence first, rule 21)
submitted → verified (manager; never the one who submitted)
verified → approved (leader; never the submitter or the verifier, unless KINERJA_SEPARATION_OF_DUTIES is off)
submitted / verified / approved → draft (return: manager or leader, with a reason)

`REALIZATION_WORKFLOW.problem` answers "why may this step not happen now?" for
the services (which raise it) and the pages and API (which offer only the
steps that may happen). Who may take a step at all is the permission layer's
answer (`accounts/rules.py`); it is asked first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.common.history import Actor, author
from kinerja.common.workflow import Step, Workflow

from . import conf
from .models import PeriodState, Realization, RealizationState, WorkflowEvent


def period_closed_message(period: Any) -> str:
    return _("Periode %(period)s (%(label)s) sudah ditutup; datanya hanya dapat dibaca.") % {
        "period": period.display_name,
        "label": period.label,
    }


def evidence_required(kpi: Any) -> bool:
    """Rule 21: does a submission of this KPI's realization need evidence (block) or only warn?

    `Kpi.evidence_required` is the manual's choice: True blocks, False relaxes the rule to a
    warning (the realization page says the evidence is missing), None (blank) follows the global
    setting `KINERJA_EVIDENCE_REQUIRED`.
    """
    flag: bool | None = kpi.evidence_required
    return conf.evidence_required_by_default() if flag is None else flag


# --------------------------------------------------------------------------- guards


def _period_open(realization: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    """Rule 23: a closed period takes no step."""
    period = realization.period
    return period_closed_message(period) if period.state == PeriodState.CLOSED else None


def _not_derived(realization: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    """Rule 20: a rolled-up KPI's realization is derived from its children's and follows their state; no one
    steps it by hand (the system writes it, `kinerja.contracts.rollup`)."""
    if actor is not None and getattr(realization.kpi, "rolled_up", False):
        return _(
            "Realisasi IKU %(code)s dihitung dari realisasi IKU turunannya (roll-up); statusnya mengikuti "
            "turunannya dan tidak dapat diubah di sini."
        ) % {"code": realization.kpi.code}
    return None


def _not_the_submitter(realization: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    if (
        actor is not None
        and realization.submitted_by_id is not None
        and realization.submitted_by_id == actor.pk
    ):
        return _("Verifikator tidak boleh orang yang sama dengan pengaju realisasi.")
    return None


def _not_the_submitter_or_verifier(realization: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    """Separation of duties: the approver is neither the submitter nor the verifier (superusers too).

    `KINERJA_SEPARATION_OF_DUTIES = False` relaxes it to rule 22 alone (verifier ≠ submitter).
    """
    if actor is None or not conf.separation_of_duties():
        return None
    if actor.pk in (realization.submitted_by_id, realization.verified_by_id):
        return _("Penyetuju tidak boleh orang yang sama dengan pengaju atau verifikator realisasi ini.")
    return None


def _evidence_first(realization: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    """Rule 21; `current_evidence` (the current, not superseded, files) is counted when not given."""
    if not evidence_required(realization.kpi):
        return None
    current = context.get("current_evidence")
    if current is None:
        current = realization.evidence.filter(superseded_by__isnull=True).count()
    if current == 0:
        return _("Lampirkan data dukung sebelum mengajukan realisasi %(code)s periode %(period)s.") % {
            "code": realization.kpi.code,
            "period": realization.period.display_name,
        }
    return None


def _wrong_state(realization: Any, step: Step) -> str:
    if step.action == "return":
        return _("Realisasi ini sudah berstatus konsep.")
    return _("Realisasi berstatus %(state)s; langkah ini tidak dapat dilakukan.") % {
        "state": realization.get_state_display()
    }


# --------------------------------------------------------------------------- effects


def _submitted(realization: Any, by: Actor, reason: str) -> None:
    realization.submitted_by, realization.submitted_at = by, timezone.now()
    realization.return_reason = ""


def _verified(realization: Any, by: Actor, reason: str) -> None:
    realization.verified_by, realization.verified_at = by, timezone.now()


def _approved(realization: Any, by: Actor, reason: str) -> None:
    realization.approved_by, realization.approved_at = by, timezone.now()


def _returned(realization: Any, by: Actor, reason: str) -> None:
    realization.verified_by, realization.verified_at = None, None
    realization.approved_by, realization.approved_at = None, None
    realization.return_reason = reason


def _record(realization: Any, from_state: str, to_state: str, action: str, by: Actor, reason: str, /) -> None:
    WorkflowEvent.objects.create(
        realization=realization, from_state=from_state, to_state=to_state, actor=author(by), reason=reason
    )


REALIZATION_WORKFLOW = Workflow(
    steps=(
        Step(
            "submit",
            frozenset({RealizationState.DRAFT}),
            RealizationState.SUBMITTED,
            "reporting.submit_realization",
            guards=(_evidence_first,),
            effect=_submitted,
        ),
        Step(
            "verify",
            frozenset({RealizationState.SUBMITTED}),
            RealizationState.VERIFIED,
            "reporting.verify_realization",
            guards=(_not_the_submitter,),
            effect=_verified,
        ),
        Step(
            "approve",
            frozenset({RealizationState.VERIFIED}),
            RealizationState.APPROVED,
            "reporting.approve_realization",
            guards=(_not_the_submitter_or_verifier,),
            effect=_approved,
        ),
        Step(
            "return",
            frozenset({RealizationState.SUBMITTED, RealizationState.VERIFIED, RealizationState.APPROVED}),
            RealizationState.DRAFT,
            "reporting.return_realization",
            reason_required=True,
            effect=_returned,
        ),
    ),
    record=_record,
    guards=(_period_open, _not_derived),
    wrong_state=_wrong_state,
    reason_message=gettext_lazy("Alasan pengembalian wajib diisi."),
)

STEPS: dict[str, Step] = REALIZATION_WORKFLOW.steps
SUBMIT, VERIFY, APPROVE, RETURN = (STEPS[a] for a in ("submit", "verify", "approve", "return"))

# What a step may change on the row, copied back to the caller's instance.
STEP_FIELDS = (
    "state",
    "return_reason",
    "submitted_by",
    "submitted_at",
    "verified_by",
    "verified_at",
    "approved_by",
    "approved_at",
    "updated_at",
)
LOCK_RELATED = ("kpi__objective__map__unit", "kpi__objective__map__plan_year", "kpi__holder__unit", "period")


def problem(
    realization: Realization, step: Step, user: Actor, *, current_evidence: int | None = None
) -> str | None:
    """The reason `step` cannot happen to `realization` now (Indonesian), or None when it can."""
    return REALIZATION_WORKFLOW.problem(realization, step.action, user, current_evidence=current_evidence)


def allowed_steps(
    realization: Realization, user: Actor, *, current_evidence: int | None = None
) -> dict[str, bool]:
    """{action: may `user` take it now} for every step: permission and `problem` both."""
    return REALIZATION_WORKFLOW.allowed(realization, user, current_evidence=current_evidence)
