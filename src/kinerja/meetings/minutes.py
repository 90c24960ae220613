"""The minutes (notula) of a dialogue as an A4 PDF for signature (issue 14 item 1), WeasyPrint like the contract.

One HTML document (`templates/meetings/pdf/minutes.html`): the header (unit, title, period, time, place, chair,
secretary, state), the attendance list, the agenda with the discussion and the decision of each point and the
actions decided on it, the meeting's follow-up matrix (owner, due date, status; carried-over items marked,
overdue ones flagged) and the signature block of the chair and the secretary. A meeting not yet closed carries
a diagonal "KONSEP" mark. Header and footer on every page ("Halaman 1 dari 2"). Nothing is fetched.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.contracts.document import css_string, page_counter_css

from .models import Attendance, Meeting, MeetingState
from .selectors import follow_up_matrix


def filename(meeting: Meeting) -> str:
    day = timezone.localtime(meeting.starts_at).date().isoformat()
    return f"notula-{slugify(meeting.unit.code)}-{day}.pdf"


def _date(moment: dt.datetime | dt.date | None, fmt: str = "j F Y") -> str:
    if moment is None:
        return "—"
    if isinstance(moment, dt.datetime):
        moment = timezone.localtime(moment)
    return formats.date_format(moment, fmt)


def context(meeting: Meeting, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    participants = list(
        meeting.participants.select_related("employee__position", "employee__unit").order_by(
            "role", "employee__name"
        )
    )
    items = list(
        meeting.agenda_items.select_related("kpi", "initiative", "risk", "action")
        .prefetch_related("decided_actions__owner")
        .order_by("order", "pk")
    )
    matrix = follow_up_matrix(meeting, today=now.date())
    present = sum(1 for p in participants if p.attendance in (Attendance.PRESENT, Attendance.REPRESENTED))
    closed = meeting.state == MeetingState.CLOSED
    header = f"{_('Notula Dialog Kinerja Organisasi')} · {meeting.unit.code}"
    return {
        "meeting": meeting,
        "lang": get_language() or "id",
        "participants": participants,
        "present": present,
        "items": items,
        "matrix": matrix,
        "closed": closed,
        "day": _date(meeting.starts_at, "l, j F Y"),
        "time": _date(meeting.starts_at, "H:i"),
        "closed_on": _date(meeting.closed_at) if closed else "",
        "generated": _date(now, "j F Y H:i"),
        "period": meeting.period.display_name,
        "page_counter": page_counter_css(),
        "header_left": css_string(header),
        "header_right": css_string(_date(meeting.starts_at)),
        "footer_left": css_string(
            _("Dibuat %(when)s · %(state)s")
            % {"when": _date(now, "j F Y H:i"), "state": meeting.get_state_display()}
        ),
    }


def render_html(meeting: Meeting, *, now: dt.datetime | None = None) -> str:
    return render_to_string("meetings/pdf/minutes.html", context(meeting, now=now))


def render_pdf(meeting: Meeting, *, now: dt.datetime | None = None) -> bytes:
    """The minutes as PDF bytes, in the active language."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    html = render_html(meeting, now=now)
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert pdf is not None
    return bytes(pdf)
