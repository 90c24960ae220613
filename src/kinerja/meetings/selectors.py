"""Reads of the dialogues shared by the pages, the API and the minutes: which meetings and actions a user sees,
one meeting with everything it shows, the follow-up matrix of a meeting, an action's trail.

Scope: a meeting (or action) is visible to a role reaching its unit's subtree (`accounts.scope.unit_filter`) and,
for a meeting, to whoever takes part in it (chair, secretary, participant) — the rules say the same
(`meetings.view_meeting`); a meeting outside this set does not exist for the user (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from kinerja.accounts.models import Role
from kinerja.accounts.scope import Viewer, has_any_role, paths_for, unit_filter
from kinerja.organisations.models import Employee, Unit

from .models import (
    OPEN_ACTION_STATES,
    Action,
    AgendaItem,
    DialogueSchedule,
    Meeting,
    MeetingState,
    Participant,
)

ORGANISE_ROLES = (Role.LEADER, Role.MANAGER)

MEETING_RELATED = (
    "unit",
    "period__plan_year",
    "chair",
    "secretary",
    "closed_by",
)


def _employee_id(user: Viewer) -> int | None:
    return getattr(user, "employee_id", None) if getattr(user, "is_authenticated", False) else None


def meetings_visible_to(user: Viewer) -> QuerySet[Meeting]:
    """Meetings of the units the user reaches, and those the user takes part in."""
    condition = unit_filter(user, "unit__path")
    employee_id = _employee_id(user)
    if employee_id is not None:
        taking_part = Participant.objects.filter(employee_id=employee_id).values("meeting_id")
        condition |= Q(chair_id=employee_id) | Q(secretary_id=employee_id) | Q(pk__in=taking_part)
    return Meeting.objects.filter(condition).select_related(*MEETING_RELATED)


def actions_visible_to(user: Viewer) -> QuerySet[Action]:
    """Follow-up actions of the units the user reaches, and those the user owns."""
    condition = unit_filter(user, "unit__path")
    employee_id = _employee_id(user)
    if employee_id is not None:
        condition |= Q(owner_id=employee_id)
    return Action.objects.filter(condition).select_related(
        "unit", "owner", "meeting", "objective", "kpi", "created_by"
    )


def organisable_units(user: Viewer) -> QuerySet[Unit]:
    """Units the user may schedule dialogues for (leader or manager on the unit or above)."""
    if not has_any_role(user, ORGANISE_ROLES):
        return Unit.objects.none()
    return Unit.objects.filter(unit_filter(user, "path", ORGANISE_ROLES)).order_by("path")


def default_unit(user: Viewer) -> Unit | None:
    """The top unit the user organises dialogues for (their role's unit), else None."""
    paths = paths_for(user, ORGANISE_ROLES)
    if not paths:
        return None
    return Unit.objects.filter(path=paths[0]).first()


def upcoming(meetings: QuerySet[Meeting], *, now: dt.datetime | None = None, limit: int = 5) -> list[Meeting]:
    """The next scheduled meetings (from now on), soonest first."""
    moment = now or timezone.now()
    return list(
        meetings.filter(state=MeetingState.SCHEDULED, starts_at__gte=moment).order_by("starts_at", "pk")[
            :limit
        ]
    )


def meeting_for_page(user: Viewer, pk: int) -> Meeting | None:
    """One visible meeting with its participants, agenda (items with their actions) loaded: a fixed number of
    queries whatever the size of the meeting."""
    return (
        meetings_visible_to(user)
        .prefetch_related(
            Prefetch(
                "participants",
                queryset=Participant.objects.select_related("employee__position", "employee__unit").order_by(
                    "role", "employee__name", "pk"
                ),
            ),
            Prefetch(
                "agenda_items",
                queryset=AgendaItem.objects.select_related(
                    "kpi", "initiative", "risk", "action__owner", "action__meeting"
                )
                .prefetch_related(
                    Prefetch(
                        "decided_actions",
                        queryset=Action.objects.select_related("owner", "kpi", "objective").order_by("pk"),
                    )
                )
                .order_by("order", "pk"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class MatrixRow:
    """One line of a meeting's follow-up matrix: the action, and whether it came from an earlier meeting."""

    action: Action
    carried: bool
    overdue: bool

    @property
    def warnings(self) -> list[str]:
        return action_warnings(self.action)


def action_warnings(action: Action, *, today: dt.date | None = None) -> list[str]:
    """Rule 24 for one action: without owner, without due date, overdue (still open past its due date)."""
    from django.utils.translation import gettext as _

    day = today or timezone.localdate()
    found = []
    if action.owner_id is None:
        found.append(_("tanpa penanggung jawab"))
    if action.due_date is None:
        found.append(_("tanpa batas waktu"))
    elif action.state in OPEN_ACTION_STATES and action.due_date < day:
        found.append(_("melewati batas waktu"))
    return found


def is_overdue(action: Action, *, today: dt.date | None = None) -> bool:
    day = today or timezone.localdate()
    return action.state in OPEN_ACTION_STATES and action.due_date is not None and action.due_date < day


def follow_up_matrix(meeting: Meeting, *, today: dt.date | None = None) -> list[MatrixRow]:
    """The meeting's follow-up matrix: the actions decided in it, then the earlier actions carried into it (an
    agenda item of kind follow-up pointing at them), each once. One query."""
    carried_ids = AgendaItem.objects.filter(meeting=meeting, action__isnull=False).values("action_id")
    actions = (
        Action.objects.filter(Q(meeting=meeting) | Q(pk__in=carried_ids))
        .select_related("owner", "kpi", "objective", "meeting")
        .order_by("created_at", "pk")
    )
    rows = [MatrixRow(a, a.meeting_id != meeting.pk, is_overdue(a, today=today)) for a in actions]
    rows.sort(key=lambda r: (not r.carried, r.action.due_date or dt.date.max, r.action.pk))
    return rows


def action_for_page(user: Viewer, pk: int) -> Action | None:
    return actions_visible_to(user).select_related("agenda_item").filter(pk=pk).first()


def carried_through(action: Action) -> list[Meeting]:
    """The meetings an action went through: where it was decided, then every meeting that carried it."""
    later = list(
        Meeting.objects.filter(agenda_items__action=action)
        .select_related("unit", "period__plan_year")
        .distinct()
        .order_by("starts_at", "pk")
    )
    origin = (
        [Meeting.objects.select_related("unit", "period__plan_year").get(pk=action.meeting_id)]
        if action.meeting_id
        else []
    )
    return origin + [m for m in later if m.pk != action.meeting_id]


def action_history(action: Action) -> list[Any]:
    """The action's recorded versions, newest first, with who."""
    return list(
        Action.history.filter(id=action.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )


def schedule_of(unit: Unit) -> DialogueSchedule | None:
    return DialogueSchedule.objects.filter(unit=unit).select_related("chair", "secretary").first()


def candidates(unit: Unit, *, keep: list[int] | None = None) -> QuerySet[Employee]:
    """The people offered as chair, secretary, participant or action owner of a unit's dialogue: the active
    employees of the unit and of the units directly below it (heads first), and whoever is already chosen."""
    condition = Q(unit__path__startswith=unit.path, unit__depth__lte=unit.depth + 1, is_active=True)
    if keep:
        condition |= Q(pk__in=keep)
    return (
        Employee.objects.filter(condition)
        .select_related("position", "unit")
        .order_by("unit__path", "-position__is_head", "name", "pk")
    )


def heads_of(unit: Unit) -> list[Employee]:
    """The default invitees: the heads of the unit and of the units directly below it."""
    return list(
        Employee.objects.filter(
            unit__path__startswith=unit.path,
            unit__depth__lte=unit.depth + 1,
            position__is_head=True,
            is_active=True,
        )
        .select_related("position", "unit")
        .order_by("unit__path", "name")
    )


def employee_in_subtree(unit: Unit, nip: str) -> Employee | None:
    return Employee.objects.filter(nip=nip.strip(), unit__path__startswith=unit.path).first()


def people_of(unit: Unit) -> QuerySet[Employee]:
    """Who may be invited to a unit's dialogue: the active employees of the unit's subtree."""
    return Employee.objects.filter(unit__path__startswith=unit.path, is_active=True).order_by(
        "unit__path", "-position__is_head", "name", "pk"
    )
