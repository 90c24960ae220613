"""The follow-up matrix (matriks tindak lanjut, issue 14 item 2): reads, rule 24 warnings and overdue reminders.
The change of an action's state is `services.change_action_state`.

* `actions_of(unit)` / `matrix(...)` — the actions of a unit's subtree (or of one owner) with what a row of the
  matrix shows (owner, origin meeting, linked SS/KPI, the number of later meetings that carried it over), a
  fixed number of queries whatever the number of rows; `state_counts` — the count per state, overdue
  included, in one aggregate query.
* Rule 24 (domain.md §5): `warnings(unit)` — open actions (open or in progress) without an owner, without a due
  date, or overdue (due date before today): the counts in one query and the first rows in one more. A done or
  dropped action is closed and read-only: nothing in it can be fixed any more, so it warns no longer.
* `notify_overdue(today=...)` — tells each owner of an overdue action about it, once per action per day
  (`Notification.key`); called by the notifications' daily command.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.accounts.rules import FOLLOW_UP_READ_ROLES
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.notifications.models import Kind, Notification
from kinerja.notifications.services import Message, notify_each
from kinerja.organisations.models import Unit

from .models import OPEN_ACTION_STATES, Action, ActionState, AgendaKind, MeetingState

__all__ = [
    "CLOSED_ACTION_STATES",
    "FOLLOW_UP_READ_ROLES",
    "WARNING_KINDS",
    "MatrixFilter",
    "StateCounts",
    "Warnings",
    "action_url",
    "actions_of",
    "dashboard_summary",
    "decorate",
    "is_overdue",
    "matrix",
    "notify_overdue",
    "overdue_of",
    "overdue_q",
    "state_counts",
    "visible_actions",
    "warnings",
]

CLOSED_ACTION_STATES = (ActionState.DONE, ActionState.DROPPED)
WARNING_KINDS = ("no_owner", "no_due_date", "overdue")
WARNING_LIST_SIZE = 50


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def open_q() -> Q:
    return Q(state__in=OPEN_ACTION_STATES)


def overdue_q(today: dt.date) -> Q:
    """Open or in progress, and the due date before `today` (rule 24)."""
    return open_q() & Q(due_date__lt=today)


def is_overdue(action: Action, today: dt.date | None = None) -> bool:
    return action.is_open and action.due_date is not None and action.due_date < _today(today)


def decorate(actions: list[Action], today: dt.date | None = None) -> list[Action]:
    """Per action, for a page: `overdue`, `days_late` and `url` (its page)."""
    day = _today(today)
    for action in actions:
        late = action.is_open and action.due_date is not None and action.due_date < day
        action.overdue = late  # type: ignore[attr-defined]
        action.days_late = (day - action.due_date).days if late and action.due_date else 0  # type: ignore[attr-defined]
        action.url = action_url(action.pk)  # type: ignore[attr-defined]
    return actions


def action_url(pk: int) -> str:
    """The action's page (`meetings:action-detail`, the meeting pages' work), or "" while it is not routed."""
    try:
        return reverse("meetings:action-detail", args=[pk])
    except NoReverseMatch:
        return ""


# --------------------------------------------------------------------------- the matrix


def actions_of(unit: Unit) -> QuerySet[Action]:
    """Every action of the unit's subtree."""
    return Action.objects.filter(unit__path__startswith=unit.path)


def visible_actions(user: Viewer) -> QuerySet[Action]:
    """The actions a user may read: those of the units their leader, manager, auditor or administrator roles
    reach, and the ones they own."""
    if not getattr(user, "is_authenticated", False):
        return Action.objects.none()
    condition = unit_filter(user, "unit__path", FOLLOW_UP_READ_ROLES)
    employee_id = getattr(user, "employee_id", None)
    if employee_id is not None:
        condition |= Q(owner_id=employee_id)
    return Action.objects.filter(condition)


@dataclass(frozen=True)
class MatrixFilter:
    """The matrix's filters: a state, an owner (an employee id; `no_owner` for the actions without one),
    overdue only, one origin meeting, or one rule 24 warning (`WARNING_KINDS`)."""

    state: str = ""
    owner: int | None = None
    no_owner: bool = False
    overdue: bool = False
    meeting: int | None = None
    warning: str = ""

    @property
    def active(self) -> bool:
        return bool(
            self.state
            or self.owner is not None
            or self.no_owner
            or self.overdue
            or self.meeting is not None
            or self.warning
        )


def filtered(
    actions: QuerySet[Action], filters: MatrixFilter, today: dt.date | None = None
) -> QuerySet[Action]:
    day = _today(today)
    if filters.state:
        actions = actions.filter(state=filters.state)
    if filters.no_owner:
        actions = actions.filter(owner__isnull=True)
    elif filters.owner is not None:
        actions = actions.filter(owner_id=filters.owner)
    if filters.overdue:
        actions = actions.filter(overdue_q(day))
    if filters.meeting is not None:
        actions = actions.filter(meeting_id=filters.meeting)
    if filters.warning == "no_owner":
        actions = actions.filter(open_q(), owner__isnull=True)
    elif filters.warning == "no_due_date":
        actions = actions.filter(open_q(), due_date__isnull=True)
    elif filters.warning == "overdue":
        actions = actions.filter(overdue_q(day))
    return actions


def with_row_data(actions: QuerySet[Action]) -> QuerySet[Action]:
    """What a row shows, in the same query: owner, unit, origin meeting, linked SS/KPI, and `carried` — how
    many later meetings (not cancelled, not the origin meeting) carried the action on their agenda."""
    carried = Count(
        "agenda_items__meeting",
        distinct=True,
        filter=Q(agenda_items__kind=AgendaKind.FOLLOW_UP)
        & ~Q(agenda_items__meeting__state=MeetingState.CANCELLED)
        & (Q(meeting__isnull=True) | ~Q(agenda_items__meeting=F("meeting"))),
    )
    return actions.select_related("owner", "unit", "meeting", "objective__map", "kpi").annotate(
        carried=carried
    )


def matrix(
    actions: QuerySet[Action], filters: MatrixFilter | None = None, today: dt.date | None = None
) -> QuerySet[Action]:
    """The rows of the matrix, filtered: open and in-progress actions first, then by due date (none last)."""
    rows = with_row_data(filtered(actions, filters or MatrixFilter(), today))
    rank = Case(When(open_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
    return rows.annotate(open_rank=rank).order_by("open_rank", Coalesce("due_date", Value(dt.date.max)), "pk")


@dataclass(frozen=True)
class StateCounts:
    """How many actions are in each state, and how many of the open ones are overdue."""

    total: int = 0
    open: int = 0
    in_progress: int = 0
    done: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def still_open(self) -> int:
        """Open or in progress: what a dashboard calls open."""
        return self.open + self.in_progress

    def items(self) -> list[tuple[str, str, int]]:
        """(state, label, count) in the states' order."""
        return [(s.value, str(s.label), getattr(self, s.value)) for s in ActionState]


def state_counts(actions: QuerySet[Action], today: dt.date | None = None) -> StateCounts:
    """The count per state and of the overdue ones, computed by the database (one query)."""
    found = actions.order_by().aggregate(
        total=Count("pk"),
        overdue=Count("pk", filter=overdue_q(_today(today))),
        **{s.value: Count("pk", filter=Q(state=s.value)) for s in ActionState},
    )
    return StateCounts(**{k: int(v or 0) for k, v in found.items()})


# --------------------------------------------------------------------------- rule 24


@dataclass
class Warnings:
    """Rule 24 for a subtree: the number of open actions without an owner, without a due date and overdue, and
    the first `WARNING_LIST_SIZE` actions that warn (most overdue first), each with its `warns` list."""

    no_owner: int = 0
    no_due_date: int = 0
    overdue: int = 0
    actions: list[Action] = field(default_factory=list)
    warned: int = 0  # actions with at least one warning

    @property
    def total(self) -> int:
        return self.no_owner + self.no_due_date + self.overdue

    @property
    def more(self) -> int:
        return max(self.warned - len(self.actions), 0)


def _warning_q(today: dt.date) -> Q:
    return open_q() & (Q(owner__isnull=True) | Q(due_date__isnull=True) | Q(due_date__lt=today))


def warnings(
    actions: QuerySet[Action], today: dt.date | None = None, limit: int = WARNING_LIST_SIZE
) -> Warnings:
    """Rule 24 warnings of the given actions (e.g. `actions_of(unit)`): counts in one query, the list in one."""
    day = _today(today)
    counts = actions.order_by().aggregate(
        no_owner=Count("pk", filter=open_q() & Q(owner__isnull=True)),
        no_due_date=Count("pk", filter=open_q() & Q(due_date__isnull=True)),
        overdue=Count("pk", filter=overdue_q(day)),
        warned=Count("pk", filter=_warning_q(day)),
    )
    found = Warnings(
        no_owner=int(counts["no_owner"] or 0),
        no_due_date=int(counts["no_due_date"] or 0),
        overdue=int(counts["overdue"] or 0),
        warned=int(counts["warned"] or 0),
    )
    if found.warned and limit > 0:
        rows = list(
            actions.filter(_warning_q(day))
            .select_related("owner", "unit", "meeting")
            .order_by(Coalesce("due_date", Value(dt.date.max)), "pk")[:limit]
        )
        for action in rows:
            action.warns = [  # type: ignore[attr-defined]
                kind
                for kind, applies in (
                    ("no_owner", action.owner_id is None),
                    ("no_due_date", action.due_date is None),
                    ("overdue", action.due_date is not None and action.due_date < day),
                )
                if applies
            ]
        found.actions = rows
    return found


WARNING_LABELS = {
    "no_owner": gettext_lazy("Tanpa penanggung jawab"),
    "no_due_date": gettext_lazy("Tanpa batas waktu"),
    "overdue": gettext_lazy("Terlambat"),
}


# --------------------------------------------------------------------------- owners, home page and dashboard


def overdue_of(
    employee_id: int | None, today: dt.date | None = None, limit: int = 5
) -> tuple[list[Action], int]:
    """The owner's overdue actions (most overdue first, at most `limit`) and their number: one query when they
    are `limit` or fewer, two otherwise."""
    if employee_id is None:
        return [], 0
    overdue = Action.objects.filter(overdue_q(_today(today)), owner_id=employee_id)
    rows = list(overdue.select_related("unit", "meeting").order_by("due_date", "pk")[: limit + 1])
    if len(rows) <= limit:
        return rows, len(rows)
    return rows[:limit], overdue.count()


def dashboard_summary(user: Viewer, unit: Unit | None, today: dt.date | None = None) -> dict[str, Any] | None:
    """The open and overdue follow-ups of the unit's subtree for its dashboard (one query), or None when the user
    may not read the unit's matrix."""
    if unit is None or not user.has_perm("meetings.view_followups", unit):
        return None
    counts = state_counts(actions_of(unit), today)
    return {"unit": unit, "open": counts.still_open, "overdue": counts.overdue}


# --------------------------------------------------------------------------- overdue reminders


def notify_overdue(*, today: dt.date | None = None) -> int:
    """Tell each owner of an overdue action (open or in progress, due before `today`) about it: one notification
    per action and day (`key` `follow-up-overdue:<action>:<day>`), so a second run the same day adds nothing.

    One query for the actions, one for the owners' users, one for the day's reminders already stored; then
    one `notify_each` for all the actions still to tell (preferences, keys, one insert). Returns the number
    of notifications stored."""
    day = _today(today)
    actions = list(
        Action.objects.filter(overdue_q(day), owner__isnull=False)
        .select_related("unit")
        .only("pk", "description", "due_date", "owner_id", "unit__code", "unit__name_id", "unit__name_en")
        .order_by("pk")
    )
    if not actions:
        return 0
    users = dict(
        get_user_model()
        .objects.filter(employee_id__in={a.owner_id for a in actions}, is_active=True)
        .values_list("employee_id", "pk")
    )
    keys = {a.pk: f"follow-up-overdue:{a.pk}:{day.isoformat()}" for a in actions}
    sent = set(
        Notification.objects.filter(
            key__in=list(keys.values()), user_id__in=list(users.values())
        ).values_list("key", flat=True)
    )
    fallback = reverse("meetings:my-follow-ups")
    messages = []
    for action in actions:
        user_id = users.get(action.owner_id) if action.owner_id is not None else None
        if user_id is None or keys[action.pk] in sent:
            continue
        assert action.due_date is not None  # overdue_q
        messages.append(
            Message(
                user_id,
                _overdue_title(action, (day - action.due_date).days),
                action_url(action.pk) or fallback,
                _overdue_body(action),
                keys[action.pk],
            )
        )
    return len(notify_each(kind=Kind.FOLLOW_UP, messages=messages))


def _overdue_title(action: Action, late: int) -> Callable[[], str]:
    """The reminder's title, written in each owner's language when the notification is stored."""
    return lambda: (
        _("Tindak lanjut terlambat %(days)d hari: %(action)s")
        % {
            "days": late,
            "action": _shorten(action.description, 120),
        }
    )


def _overdue_body(action: Action) -> Callable[[], str]:
    assert action.due_date is not None
    due = action.due_date.strftime("%d-%m-%Y")
    return lambda: (
        _("Batas waktu %(due)s, unit %(unit)s. Perbarui statusnya atau unggah bukti penyelesaian.")
        % {
            "due": due,
            "unit": f"{action.unit.code} {action.unit.name}",
        }
    )


def _shorten(text: str, size: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"
