"""A meeting picker for long lists of meetings: a search box (the title, or the unit's code) that asks the server
for at most `LIMIT` matches, the twin of the unit and employee pickers (`kinerja.common.picker`).

The follow-up matrix of a ministry spans thousands of dialogues; its origin-meeting filter used to list the 500
newest as `<option>`s, so an older meeting could not be chosen at all. The picker renders only the chosen
meeting; typing lists the newest matches.

Security: the options view (`meetings:meeting-options`) lists meetings from a *registered* function
`(user, scope) -> QuerySet[Meeting]` named by the field key; `scope` (e.g. the unit of the matrix) is a string
from the request that the function checks itself. The form's field takes its queryset from the same function
(`meeting_field`), so the list and the server-side check are one set. An unknown key is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import formats, timezone

from kinerja.common import picker
from kinerja.common.picker import LIMIT

from .models import Meeting

MeetingsFor = Callable[[Any, str], QuerySet[Meeting]]
_REGISTRY: picker.Registry[MeetingsFor] = picker.Registry("meeting")


def register(key: str, meetings_for: MeetingsFor) -> MeetingsFor:
    """Name the allowed-meetings function `(user, scope)` of one form field (idempotent for the same function)."""
    return _REGISTRY.register(key, meetings_for)


def allowed_meetings(key: str, user: Any, scope: Any = "") -> QuerySet[Meeting]:
    """The meetings field `key` lets `user` pick in `scope` (KeyError for an unknown key)."""
    meetings: QuerySet[Meeting] = _REGISTRY.scoped(key, user, scope)
    return meetings


def search(meetings: QuerySet[Meeting], term: str) -> QuerySet[Meeting]:
    """`meetings` whose title contains `term` or whose unit's code starts with it, newest first; the first
    `LIMIT` (all of them, newest first, for an empty term)."""
    term = term.strip()[:100]
    if term:
        meetings = meetings.filter(Q(title__icontains=term) | Q(unit__code__istartswith=term))
    return meetings.select_related("unit").order_by("-starts_at", "-pk")[:LIMIT]


def meeting_label(meeting: Meeting) -> str:
    """«5 Feb 2026 — title (unit code)», the date in the language of the page."""
    day = formats.date_format(timezone.localtime(meeting.starts_at), "j M Y")
    return f"{day} — {meeting.title} ({meeting.unit.code})"


def rows(meetings: Iterable[Meeting]) -> list[tuple[int, str]]:
    return [(m.pk, meeting_label(m)) for m in meetings]


class MeetingPicker(picker.SearchSelect):
    """One meeting: a `<select>` holding only the chosen one (or the matches of a submitted search)."""

    template_name = "meetings/widgets/meeting_picker.html"
    url_name = "meetings:meeting-options"
    search = staticmethod(search)


class MeetingField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return meeting_label(obj)


def meeting_field(key: str, user: Any, scope: Any = "", **kwargs: Any) -> MeetingField:
    """A meeting field whose choices, list and check, are the registered `key` function's meetings for `user`
    in `scope`."""
    meetings = allowed_meetings(key, user, scope).select_related("unit")
    return MeetingField(meetings, widget=MeetingPicker(key, scope=scope), **kwargs)


__all__ = [
    "LIMIT",
    "MeetingPicker",
    "allowed_meetings",
    "meeting_field",
    "meeting_label",
    "register",
    "rows",
    "search",
]
