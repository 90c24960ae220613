"""The 360° campaign workflow (`scoring.md` §6, rule 25): a table for the engine in `kinerja.common.workflow`.

draft (the performance manager sets the raters: generated from the organisation, then edited) → open
(launched: raters answer their forms; reminders) → closed (no more answers or edits). 'change' is a gate:
may the rater list be edited now (draft only); 'answer' is a gate on the state only — the answer's own
permission is its rater's (`appraisals.answer_raterassignment`, asked on the assignment by the service);
'remind' is a gate: reminders go out while the campaign is open.

No event table: the campaign's history (django-simple-history) keeps each state with who and when, and
`launched_at` / `closed_at` stamp the steps.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.common.history import Actor
from kinerja.common.workflow import Step, Workflow

from .models import CampaignState

DRAFT = frozenset({CampaignState.DRAFT})
OPEN = frozenset({CampaignState.OPEN})


def _wrong_state(campaign: Any, step: Step) -> str:
    state = {"state": campaign.get_state_display()}
    if step.action == "change":
        return _("Penilai hanya dapat diubah sebelum penilaian dimulai (status: %(state)s).") % state
    if step.action == "answer":
        if campaign.state == CampaignState.CLOSED:
            return _("Penilaian 360° ini telah ditutup; jawaban tidak dapat disimpan lagi (aturan 25).")
        return _("Penilaian 360° ini belum dimulai; jawaban belum dapat diisi.")
    if step.action == "remind":
        return _("Pengingat hanya dikirim selama penilaian berjalan (status: %(state)s).") % state
    return _("Tindakan ini tidak dapat dilakukan pada penilaian 360° berstatus %(state)s.") % state


def _has_raters(campaign: Any, actor: Actor, context: Mapping[str, Any]) -> str | None:
    count = context.get("assignments")
    if count is None:
        count = campaign.assignments.count()
    if not count:
        return _("Belum ada penilai. Susun penilai lebih dahulu sebelum penilaian dimulai.")
    return None


def _launched(campaign: Any, by: Actor, reason: str) -> None:
    campaign.launched_at = timezone.now()


def _closed(campaign: Any, by: Actor, reason: str) -> None:
    campaign.closed_at = timezone.now()


CAMPAIGN_WORKFLOW = Workflow(
    steps=(
        Step("change", DRAFT, None, "appraisals.manage_campaign", code="campaign_not_draft"),
        Step(
            "launch",
            DRAFT,
            CampaignState.OPEN,
            "appraisals.manage_campaign",
            guards=(_has_raters,),
            effect=_launched,
            fields=("launched_at",),
        ),
        Step(
            "close",
            OPEN,
            CampaignState.CLOSED,
            "appraisals.manage_campaign",
            effect=_closed,
            fields=("closed_at",),
        ),
        Step("remind", OPEN, None, "appraisals.manage_campaign", code="campaign_not_open"),
        Step("answer", OPEN, None, "appraisals.view_campaign", code="campaign_not_open"),
    ),
    code="campaign_cannot_{action}",
    wrong_state=_wrong_state,
    permission_first=True,
)
