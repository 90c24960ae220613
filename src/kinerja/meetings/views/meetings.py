"""Dialogue pages (issue 14 item 1): the list of the dialogues in reach with the next scheduled ones, scheduling
a dialogue, one dialogue (agenda, attendance, minutes per point, actions, follow-up matrix), its edits (POST
actions), the minutes PDF and a unit's dialogue schedule.

Views are thin: every write goes through `services.py`, which asks the permission and the state again (a closed
meeting refuses every edit whatever the page shows). Lookups: a meeting outside the user's reach does not exist
for them (404); in reach without the right to act, 403.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from kinerja.common import picker
from kinerja.common.web import require, service_errors_on
from kinerja.organisations import employee_picker, unit_picker
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Kpi
from kinerja.reporting.models import ReportingPeriod

from .. import meeting_picker, minutes, selectors, services
from ..forms import (
    ACTION_OWNER_PICKER,
    ATTENDANCE_CHOICES,
    ORGANISE_UNIT_PICKER,
    ActionForm,
    AgendaItemForm,
    CancelForm,
    MeetingForm,
    MinutesForm,
    ScheduleForm,
    SummaryForm,
)
from ..models import AgendaItem, Meeting, MeetingState

PER_PAGE = 25
MEETING_FREQUENCIES = ("monthly", "quarterly")


# --------------------------------------------------------------------------- lookups


def _meeting(request: HttpRequest, pk: int, *, full: bool = False) -> Meeting:
    """A meeting the user sees (else 404)."""
    found = (
        selectors.meeting_for_page(request.user, pk)
        if full
        else selectors.meetings_visible_to(request.user).filter(pk=pk).first()
    )
    if found is None or not request.user.has_perm("meetings.view_meeting", found):
        raise Http404
    return found


def _item(request: HttpRequest, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting", "kpi").filter(pk=pk).first()
    if item is None:
        raise Http404
    item.meeting = _meeting(request, item.meeting_id)
    return item


def _back(meeting: Meeting, anchor: str = "") -> HttpResponse:
    return redirect(reverse("meetings:detail", args=[meeting.pk]) + anchor)


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _unit_for(request: HttpRequest, raw: Any) -> Unit:
    """A unit the user organises dialogues for, named by pk (else the user's own), else 404 / 403."""
    units = selectors.organisable_units(request.user)
    if raw and str(raw).isdigit() and len(str(raw)) < 12:
        unit = Unit.objects.filter(pk=int(raw)).first()
        if unit is None:
            raise Http404
        require(request, "meetings.add_meeting", unit)
        return unit
    unit = selectors.default_unit(request.user) or units.first()
    if unit is None:
        require(request, "meetings.add_meeting")
        raise Http404
    return unit


def _periods() -> QuerySet[ReportingPeriod]:
    years = sorted(
        set(ReportingPeriod.objects.values_list("plan_year__year", flat=True).distinct()), reverse=True
    )[:2]
    return (
        ReportingPeriod.objects.filter(frequency__in=MEETING_FREQUENCIES, plan_year__year__in=years)
        .select_related("plan_year")
        .order_by("-end", "frequency")
    )


def _participants(form: MeetingForm, unit: Unit) -> list[Employee] | None:
    chosen = list(form.cleaned_data.get("participants") or [])
    for nip in form.nips():
        person = selectors.employee_in_subtree(unit, nip)
        if person is None:
            form.add_error(
                "extra_nips",
                _("NIP %(nip)s bukan pegawai %(unit)s atau unit di bawahnya.")
                % {"nip": nip, "unit": unit.code},
            )
            return None
        chosen.append(person)
    return chosen


# --------------------------------------------------------------------------- the list


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The dialogues of the units in the user's reach (and those the user takes part in), newest first, with the
    next scheduled ones."""
    visible = selectors.meetings_visible_to(request.user)
    unit_code = (request.GET.get("unit") or "").strip()
    shown = visible
    if unit_code:
        shown = shown.filter(unit__code=unit_code)
    state = request.GET.get("status") or ""
    if state in MeetingState.values:
        shown = shown.filter(state=state)
    shown = shown.annotate(
        n_items=Count("agenda_items", distinct=True),
        n_actions=Count("actions", distinct=True),
    ).order_by("-starts_at", "-pk")
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    query = "&".join(f"{k}={v}" for k, v in (("unit", unit_code), ("status", state)) if v)
    context = {
        "page": page,
        "meetings": page.object_list,
        "upcoming": selectors.upcoming(visible),
        "may_schedule": request.user.has_perm("meetings.add_meeting"),
        "own_unit": selectors.default_unit(request.user),
        "unit_code": unit_code,
        "state": state,
        "states": MeetingState.choices,
        "query": query,
    }
    return render(request, "meetings/index.html", context)


# --------------------------------------------------------------------------- scheduling and editing


def _initial(unit: Unit) -> dict[str, Any]:
    schedule = selectors.schedule_of(unit)
    today = timezone.localdate()
    day = schedule.day_of_month if schedule else 15
    when = dt.datetime(today.year, today.month, day, 9, 0)
    if when.date() < today:
        month = today.month % 12 + 1
        when = dt.datetime(today.year + (today.month == 12), month, day, 9, 0)
    frequency = schedule.frequency if schedule else "monthly"
    ended = _periods().filter(frequency=frequency, end__lt=when.date()).first()
    heads = selectors.heads_of(unit)
    chair = (
        schedule.chair
        if schedule and schedule.chair
        else next((h for h in heads if h.unit_id == unit.pk), None)
    )
    return {
        "unit": unit,
        "period": ended,
        "starts_at": when,
        "place": _("Ruang Rapat %(unit)s") % {"unit": unit.name_id},
        "chair": chair,
        "secretary": schedule.secretary if schedule else None,
        "participants": heads,
    }


@login_required
def meeting_create(request: HttpRequest) -> HttpResponse:
    """Schedule a dialogue: unit, period, time, place, chair, secretary, participants. The agenda is proposed and
    the participants are invited when it is saved."""
    unit = _unit_for(request, request.POST.get("unit") or request.GET.get("unit"))
    form = MeetingForm(
        request.POST or None,
        units=selectors.organisable_units(request.user),
        periods=_periods(),
        user=request.user,
        unit=unit,
        initial=_initial(unit) if request.method != "POST" else None,
    )
    status = 200
    if request.method == "POST" and picker.searching(request.POST):
        form.errors.clear()  # a people search without JavaScript: show the matches, check nothing yet
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = _participants(form, unit)
            if chosen is not None:
                with service_errors_on(form):
                    meeting = services.schedule_meeting(
                        unit=form.cleaned_data["unit"],
                        period=form.cleaned_data["period"],
                        starts_at=form.cleaned_data["starts_at"],
                        chair=form.cleaned_data["chair"],
                        secretary=form.cleaned_data["secretary"],
                        participants=chosen,
                        place=form.cleaned_data["place"],
                        title=form.cleaned_data["title"],
                        by=request.user,
                    )
                    messages.success(
                        request,
                        _(
                            "Dialog kinerja dijadwalkan; agenda diusulkan dan undangan dikirim kepada %(n)d peserta."
                        )
                        % {"n": meeting.participants.count()},
                    )
                    return _back(meeting)
    # a search-as-you-type picker: the page holds the chosen unit only, not every unit the user organises for
    may_pick = selectors.organisable_units(request.user)[:2].count() > 1
    pick = unit_picker.unit_form(
        ORGANISE_UNIT_PICKER,
        request.user,
        data=request.GET,
        unit=unit,
        auto_id="pick-%s",
    )
    context = {"form": form, "unit": unit, "pick": pick if may_pick else None, "editing": None}
    return render(request, "meetings/form.html", context, status=status)


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.change_meeting", meeting)
    if meeting.read_only:
        messages.error(request, _("Dialog kinerja ini sudah ditutup atau dibatalkan dan tidak dapat diubah."))
        return _back(meeting)
    current = list(meeting.participants.values_list("employee_id", flat=True))
    initial = {
        "unit": meeting.unit,
        "period": meeting.period,
        "title": meeting.title,
        "starts_at": timezone.localtime(meeting.starts_at),
        "place": meeting.place,
        "chair": meeting.chair,
        "secretary": meeting.secretary,
        "participants": current,
    }
    form = MeetingForm(
        request.POST or None,
        units=Unit.objects.filter(pk=meeting.unit_id),
        periods=ReportingPeriod.objects.filter(pk=meeting.period_id),
        user=request.user,
        unit=meeting.unit,
        keep=current + [x for x in (meeting.chair_id, meeting.secretary_id) if x],
        initial=initial,
        fixed_unit=True,
    )
    status = 200
    if request.method == "POST" and picker.searching(request.POST):
        form.errors.clear()  # a people search without JavaScript: show the matches, check nothing yet
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            chosen = _participants(form, meeting.unit)
            if chosen is not None:
                with service_errors_on(form):
                    services.update_meeting(
                        meeting=meeting,
                        starts_at=form.cleaned_data["starts_at"],
                        chair=form.cleaned_data["chair"],
                        secretary=form.cleaned_data["secretary"],
                        participants=chosen,
                        place=form.cleaned_data["place"],
                        title=form.cleaned_data["title"],
                        by=request.user,
                    )
                    messages.success(request, _("Jadwal dan peserta dialog disimpan."))
                    return _back(meeting)
    return render(
        request, "meetings/form.html", {"form": form, "unit": meeting.unit, "editing": meeting}, status=status
    )


# --------------------------------------------------------------------------- one meeting


def _kpis(meeting: Meeting) -> QuerySet[Kpi]:
    return Kpi.objects.filter(
        objective__map__unit_id=meeting.unit_id, objective__map__plan_year_id=meeting.period.plan_year_id
    ).order_by("objective__perspective__order", "code")


@login_required
@require_safe
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk, full=True)
    user = request.user
    editable = not meeting.read_only
    may_change = editable and user.has_perm("meetings.change_meeting", meeting)
    may_minute = editable and user.has_perm("meetings.minute_meeting", meeting)
    may_close = editable and user.has_perm("meetings.close_meeting", meeting)
    participants = list(meeting.participants.all())
    items = list(meeting.agenda_items.all())
    kpis = _kpis(meeting) if may_minute else Kpi.objects.none()
    if may_minute:  # each point's action form: an owner picker (search), not every candidate per point
        owner = employee_picker.employee_field(ACTION_OWNER_PICKER, user, meeting.pk)
        for item in items:
            item.owner_picker = owner.widget.render(  # type: ignore[attr-defined]
                "owner", None, attrs={"id": f"owner-{item.pk}", "required": True}
            )
    matrix = selectors.follow_up_matrix(meeting)
    context = {
        "meeting": meeting,
        "participants": participants,
        "items": items,
        "matrix": matrix,
        # a participant sees the meeting, not necessarily its unit's schedule or every action of its matrix:
        # links only to what opens for the user (one query for the actions, whatever their number)
        "may_see_schedule": user.has_perm("meetings.view_dialogueschedule", meeting.unit),
        "readable_actions": _readable_actions(user, matrix, items),
        "may_change": may_change,
        "may_minute": may_minute,
        "may_close": may_close,
        "attendance_choices": ATTENDANCE_CHOICES,
        "agenda_form": AgendaItemForm(),
        "summary_form": SummaryForm(initial={"summary": meeting.summary}),
        "cancel_form": CancelForm(),
        "kpi_choices": list(kpis) if may_minute else [],
        "today": timezone.localdate(),
    }
    return render(request, "meetings/detail.html", context)


def _readable_actions(user: Any, matrix: list[selectors.MatrixRow], items: list[AgendaItem]) -> set[int]:
    """The ids of the page's actions (its matrix, each point's decided and carried ones) the user may open."""
    shown = {row.action.pk for row in matrix} | {item.action_id for item in items if item.action_id}
    shown |= {action.pk for item in items for action in item.decided_actions.all()}
    if not shown:
        return set()
    return {
        action.pk
        for action in selectors.actions_visible_to(user).filter(pk__in=shown).select_related("unit")
        if user.has_perm("meetings.view_action", action)
    }


@login_required
@require_POST
def meeting_propose(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.change_meeting", meeting)
    try:
        added = services.propose_agenda(meeting=meeting, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        if added:
            messages.success(request, _("%(n)d usulan agenda ditambahkan dari data periode.") % {"n": added})
        else:
            messages.info(request, _("Tidak ada usulan baru: semua sudah ada di agenda."))
    return _back(meeting, "#agenda")


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.change_meeting", meeting)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, str(e))
        return _back(meeting, "#agenda")
    try:
        services.add_agenda_item(
            meeting=meeting, title=form.cleaned_data["title"], kind=form.cleaned_data["kind"], by=request.user
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Agenda ditambahkan."))
    return _back(meeting, "#agenda")


@login_required
@require_POST
def agenda_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request, "meetings.change_meeting", item.meeting)
    try:
        services.remove_agenda_item(item=item, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Agenda dihapus."))
    return _back(item.meeting, "#agenda")


@login_required
@require_POST
def agenda_move(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    require(request, "meetings.change_meeting", item.meeting)
    try:
        services.move_agenda_item(item=item, up=request.POST.get("direction") != "down", by=request.user)
    except ValidationError as error:
        _say(request, error)
    return _back(item.meeting, f"#agenda-{item.pk}")


@login_required
@require_POST
def agenda_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    """The discussion and the decision on one agenda point."""
    item = _item(request, pk)
    require(request, "meetings.minute_meeting", item.meeting)
    form = MinutesForm(request.POST)
    if form.is_valid():
        try:
            services.record_minutes(
                item=item,
                discussion=form.cleaned_data["discussion"],
                decision=form.cleaned_data["decision"],
                by=request.user,
            )
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(
                request,
                _("Pembahasan dan keputusan agenda «%(title)s» disimpan.") % {"title": item.title[:80]},
            )
    return _back(item.meeting, f"#agenda-{item.pk}")


@login_required
@require_POST
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    """A follow-up action decided on one agenda point."""
    item = _item(request, pk)
    meeting = item.meeting
    require(request, "meetings.minute_meeting", meeting)
    form = ActionForm(request.POST, user=request.user, meeting_pk=meeting.pk, kpis=_kpis(meeting))
    if not form.is_valid():
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for e in errors:
                messages.error(request, f"{label}: {e}" if label else str(e))
        return _back(meeting, f"#agenda-{item.pk}")
    try:
        action = services.add_action(
            item=item,
            description=form.cleaned_data["description"],
            owner=form.cleaned_data["owner"],
            due_date=form.cleaned_data["due_date"],
            kpi=form.cleaned_data["kpi"],
            by=request.user,
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(
            request,
            _("Tindak lanjut dicatat untuk %(owner)s; pemberitahuan dikirim.")
            % {"owner": action.owner.name if action.owner else "—"},
        )
    return _back(meeting, f"#agenda-{item.pk}")


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance of every participant: `attendance_<participant id>` and `note_<participant id>`."""
    meeting = _meeting(request, pk)
    require(request, "meetings.minute_meeting", meeting)
    entries: dict[int, tuple[str, str]] = {}
    for participant_id in meeting.participants.values_list("pk", flat=True):
        value = request.POST.get(f"attendance_{participant_id}")
        if value is not None:
            entries[participant_id] = (value, request.POST.get(f"note_{participant_id}", ""))
    try:
        changed = services.record_attendance(meeting=meeting, entries=entries, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Kehadiran disimpan (%(n)d perubahan).") % {"n": changed})
    return _back(meeting, "#kehadiran")


@login_required
@require_POST
def summary(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.minute_meeting", meeting)
    form = SummaryForm(request.POST)
    if form.is_valid():
        try:
            services.record_summary(meeting=meeting, summary=form.cleaned_data["summary"], by=request.user)
        except ValidationError as error:
            _say(request, error)
        else:
            messages.success(request, _("Ringkasan rapat disimpan."))
    return _back(meeting, "#ringkasan")


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.change_meeting", meeting)
    try:
        sent = services.send_invitations(meeting=meeting, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Undangan dikirim: %(n)d pemberitahuan baru.") % {"n": sent})
    return _back(meeting)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.close_meeting", meeting)
    try:
        services.close_meeting(meeting=meeting, by=request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Dialog kinerja ditutup; notula dikirim kepada peserta."))
    return _back(meeting)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    require(request, "meetings.change_meeting", meeting)
    form = CancelForm(request.POST)
    try:
        services.cancel_meeting(
            meeting=meeting, reason=form.data.get("reason", "") if form.is_bound else "", by=request.user
        )
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Dialog kinerja dibatalkan."))
    return _back(meeting)


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


@login_required
@require_safe
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes (notula) as an A4 PDF for signature; `?lang=en` for English."""
    meeting = _meeting(request, pk)
    with translation.override(_language(request)):
        body = minutes.render_pdf(meeting)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{minutes.filename(meeting)}"'
    return response


# --------------------------------------------------------------------------- a unit's schedule


@login_required
def schedule(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """A unit's dialogue schedule (monthly or quarterly, day, chair, secretary) and its dialogues."""
    unit = Unit.objects.filter(pk=unit_pk).first()
    if unit is None or not request.user.has_perm("meetings.view_dialogueschedule", unit):
        raise Http404
    current = selectors.schedule_of(unit)
    may_change = request.user.has_perm("meetings.change_dialogueschedule", unit)
    keep = [x for x in ((current.chair_id, current.secretary_id) if current else ()) if x]
    form = ScheduleForm(
        request.POST or None,
        user=request.user,
        unit=unit,
        keep=keep,
        initial={
            "frequency": current.frequency if current else "monthly",
            "day_of_month": current.day_of_month if current else 15,
            "chair": current.chair if current else None,
            "secretary": current.secretary if current else None,
        },
    )
    status = 200
    if request.method == "POST":
        require(request, "meetings.change_dialogueschedule", unit)
    if request.method == "POST" and picker.searching(request.POST):
        form.errors.clear()  # a people search without JavaScript: show the matches, check nothing yet
    elif request.method == "POST":
        status = 400
        if form.is_valid():
            with service_errors_on(form):
                services.save_schedule(
                    unit=unit,
                    frequency=form.cleaned_data["frequency"],
                    day_of_month=form.cleaned_data["day_of_month"],
                    chair=form.cleaned_data["chair"],
                    secretary=form.cleaned_data["secretary"],
                    by=request.user,
                )
                messages.success(request, _("Jadwal dialog kinerja %(unit)s disimpan.") % {"unit": unit.code})
                return redirect("meetings:schedule", unit.pk)
    recent = list(
        selectors.meetings_visible_to(request.user).filter(unit=unit).order_by("-starts_at", "-pk")[:12]
    )
    context = {"unit": unit, "schedule": current, "form": form, "may_change": may_change, "meetings": recent}
    return render(request, "meetings/schedule.html", context, status=status)


@login_required
@require_safe
def meeting_options(request: HttpRequest) -> HttpResponse:
    """<option>s for a meeting picker (htmx): the newest matches of `<name>_cari` (title or unit code) among the
    meetings the registered field `field` lets this user pick in `scope`, never more (see `meeting_picker`)."""
    found = picker.matches(request, "rapat", meeting_picker.allowed_meetings, meeting_picker.search)
    return render(request, "meetings/_meeting_options.html", {"rows": meeting_picker.rows(found)})


__all__ = [
    "action_add",
    "agenda_add",
    "agenda_minutes",
    "agenda_move",
    "agenda_remove",
    "attendance",
    "cancel",
    "close",
    "index",
    "invite",
    "meeting_create",
    "meeting_detail",
    "meeting_edit",
    "meeting_options",
    "meeting_propose",
    "minutes_pdf",
    "schedule",
    "summary",
]
