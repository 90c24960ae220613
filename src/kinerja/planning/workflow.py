"""The strategy map workflow: a table for the engine in `kinerja.common.workflow`.

draft (or under revision) → submitted → approved; submitted → back to editing
(draft, or under revision for a revised map) with a reason; approved → under
revision (revision + 1) with a reason. 'change' is a *gate*: it moves no
state, it says whether the map may be edited now. Permissions are asked of
the one permission layer (`accounts/rules.py`); a state rule is not a
permission: a superuser holds every permission, yet cannot approve a draft.
The state is checked before the permission (`permission_first=False`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from kinerja.common.history import Actor, author
from kinerja.common.workflow import Step, Workflow

from .models import EDITABLE_STATES, MapState, StateChange


def _wrong_state(strategy_map: Any, step: Step) -> str:
    if step.action == "change":
        message = _("Peta %(map)s berstatus %(state)s dan hanya dapat diubah melalui revisi.")
    else:
        message = _("Tindakan ini tidak dapat dilakukan pada peta %(map)s yang berstatus %(state)s.")
    return message % {"map": str(strategy_map), "state": strategy_map.get_state_display()}


def _record(
    strategy_map: Any, from_state: str, to_state: str, action: str, by: Actor, reason: str, /
) -> None:
    StateChange.objects.create(
        map=strategy_map,
        revision=strategy_map.revision,
        from_state=from_state,
        to_state=to_state,
        by=author(by),
        reason=reason,
    )


def _back_to_editing(strategy_map: Any) -> str:
    """A returned map goes back to 'under revision' when it is a revision, else to 'draft'."""
    return str(MapState.REVISED if strategy_map.revision > 0 else MapState.DRAFT)


def _next_revision(strategy_map: Any, by: Actor, reason: str) -> None:
    strategy_map.revision += 1


MAP_WORKFLOW = Workflow(
    steps=(
        Step("change", EDITABLE_STATES, None, "planning.change_strategymap", code="map_read_only"),
        Step("submit", EDITABLE_STATES, MapState.SUBMITTED, "planning.submit_strategymap"),
        Step("approve", frozenset({MapState.SUBMITTED}), MapState.APPROVED, "planning.approve_strategymap"),
        Step(
            "return",
            frozenset({MapState.SUBMITTED}),
            _back_to_editing,
            "planning.return_strategymap",
            reason_required=True,
        ),
        Step(
            "revise",
            frozenset({MapState.APPROVED}),
            MapState.REVISED,
            "planning.revise_strategymap",
            reason_required=True,
            effect=_next_revision,
            fields=("revision",),
        ),
    ),
    record=_record,
    code="invalid_state",
    wrong_state=_wrong_state,
    permission_first=False,
)
