"""Writes of the performance dialogues (issue 14 item 1) and of the follow-up actions' status (item 2).

Every function: keyword-only typed arguments, one transaction, `ensure(by, perm, obj)` first (who), then the
state (when): a closed or cancelled meeting is read-only — every write on it, its agenda, attendance or
minutes is refused here with a message, whatever page or API asks; a done or dropped action is read-only.
Bad input is a `ValidationError` naming the field; nothing is half-saved.

Notifications go through `kinerja.notifications.services.notify` only: the invitations (Kind.MEETING, one key
per meeting, time and user, so a moved meeting is announced again), the action assigned to its owner
(Kind.FOLLOW_UP) and the minutes when the chair closes the meeting (Kind.MEETING).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author, recorded
from kinerja.common.workflow import locked
from kinerja.notifications.models import Kind
from kinerja.notifications.services import Message, notify, notify_each
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Kpi, Objective
from kinerja.reporting import evidence as evidence_checks
from kinerja.reporting.models import ReportingPeriod

from . import agenda as agenda_rules
from .models import (
    OPEN_ACTION_STATES,
    Action,
    ActionState,
    AgendaItem,
    AgendaKind,
    Attendance,
    DialogueSchedule,
    Frequency,
    Meeting,
    MeetingState,
    Participant,
    ParticipantRole,
)

TYPED_KINDS = frozenset({AgendaKind.STRATEGIC_ISSUE, AgendaKind.OTHER})
ATTENDED = frozenset({Attendance.PRESENT, Attendance.REPRESENTED})
TITLE_MAX = 500


# --------------------------------------------------------------------------- guards


def ensure_editable(meeting: Meeting) -> None:
    """A closed or cancelled meeting is read-only."""
    if meeting.state == MeetingState.CLOSED:
        raise ValidationError(
            _(
                "Dialog kinerja ini sudah ditutup: agenda, kehadiran, notula dan tindak lanjutnya tidak dapat diubah."
            ),
            code="closed",
        )
    if meeting.state == MeetingState.CANCELLED:
        raise ValidationError(_("Dialog kinerja ini dibatalkan dan tidak dapat diubah."), code="cancelled")


def ensure_action_open(action: Action) -> None:
    """A done or dropped action is closed: read-only (refused on its state)."""
    if action.state not in OPEN_ACTION_STATES:
        raise ValidationError(
            {
                "state": _("Tindak lanjut ini sudah %(state)s dan tidak dapat diubah lagi.")
                % {"state": action.get_state_display().lower()}
            },
            code="action_closed",
        )


def _users_of(employee_ids: Iterable[int | None]) -> list[Any]:
    ids = {i for i in employee_ids if i is not None}
    if not ids:
        return []
    return list(
        get_user_model().objects.filter(employee_id__in=ids, is_active=True).values_list("pk", flat=True)
    )


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


# --------------------------------------------------------------------------- schedules


def save_schedule(
    *,
    unit: Unit,
    frequency: str,
    day_of_month: int,
    chair: Employee | None,
    secretary: Employee | None,
    by: Actor,
) -> DialogueSchedule:
    """A unit's dialogue schedule: monthly or quarterly, on which day, chaired and minuted by whom."""
    ensure(by, "meetings.change_dialogueschedule", unit)
    errors: dict[str, str] = {}
    if frequency not in Frequency.values:
        errors["frequency"] = _("Frekuensi harus bulanan atau triwulanan.")
    if not 1 <= int(day_of_month) <= 28:
        errors["day_of_month"] = _("Tanggal rapat harus antara 1 dan 28.")
    for name, person in (("chair", chair), ("secretary", secretary)):
        if person is not None and not person.unit.path.startswith(unit.path):
            errors[name] = _("%(name)s bukan pegawai %(unit)s atau unit di bawahnya.") % {
                "name": person.name,
                "unit": unit.code,
            }
    if chair is not None and secretary is not None and chair.pk == secretary.pk:
        errors["secretary"] = _("Notulis tidak boleh orang yang sama dengan pimpinan rapat.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        schedule = DialogueSchedule.objects.filter(unit=unit).first() or DialogueSchedule(unit=unit)
        schedule.frequency = frequency
        schedule.day_of_month = int(day_of_month)
        schedule.chair = chair
        schedule.secretary = secretary
        schedule.by = author(by)
        recorded(schedule, by).save()
    return schedule


# --------------------------------------------------------------------------- meetings


def default_title(unit: Unit, period: ReportingPeriod) -> str:
    """ "Dialog Kinerja Organisasi KPP Madya Malang — Oktober 2026" (stored in Indonesian, the source language)."""
    with translation.override("id"):
        return _("Dialog Kinerja Organisasi %(unit)s — %(period)s") % {
            "unit": unit.name_id,
            "period": period.display_name,
        }


def _validate_meeting(
    *,
    unit: Unit,
    period: ReportingPeriod,
    starts_at: dt.datetime | None,
    chair: Employee | None,
    secretary: Employee | None,
    participants: Sequence[Employee],
    title: str,
    place: str,
    meeting: Meeting | None = None,
) -> None:
    duplicate = Meeting.objects.filter(unit=unit, period=period).exclude(state=MeetingState.CANCELLED)
    if meeting is not None:
        duplicate = duplicate.exclude(pk=meeting.pk)
    errors = _meeting_errors(
        unit=unit,
        period=period,
        starts_at=starts_at,
        chair=chair,
        secretary=secretary,
        title=title,
        place=place,
        duplicate=duplicate.exists(),
    )
    if errors:
        raise ValidationError(errors)


def _meeting_errors(
    *,
    unit: Unit,
    period: ReportingPeriod,
    starts_at: dt.datetime | None,
    chair: Employee | None,
    secretary: Employee | None,
    title: str,
    place: str,
    duplicate: bool,
) -> dict[str, str]:
    """What is wrong with a meeting's fields (`schedule_meeting`, `update_meeting`, `record_dialogues`);
    `duplicate`: the unit already has a dialogue (not cancelled) about the period."""
    errors: dict[str, str] = {}
    if starts_at is None:
        errors["starts_at"] = _("Waktu rapat wajib diisi.")
    elif timezone.localtime(starts_at).date() < period.start:
        errors["starts_at"] = _(
            "Waktu rapat (%(when)s) sebelum awal periode yang dibahas (%(start)s): dialog membahas periode yang "
            "sedang atau sudah berjalan."
        ) % {"when": _when(starts_at), "start": formats.date_format(period.start, "j F Y")}
    if chair is None:
        errors["chair"] = _("Pimpinan rapat wajib dipilih.")
    if chair is not None and secretary is not None and chair.pk == secretary.pk:
        errors["secretary"] = _("Notulis tidak boleh orang yang sama dengan pimpinan rapat.")
    if len(title) > 255:
        errors["title"] = _("Judul paling banyak 255 karakter.")
    if len(place) > 255:
        errors["place"] = _("Tempat paling banyak 255 karakter.")
    if duplicate:
        errors["period"] = _(
            "%(unit)s sudah memiliki dialog kinerja untuk periode ini; ubah jadwal dialog itu atau pilih periode lain."
        ) % {"unit": unit.code}
    return errors


def _set_participants(
    meeting: Meeting, chair: Employee, secretary: Employee | None, participants: Sequence[Employee]
) -> None:
    """The chair and the secretary take part in their roles; the others as members; the rest removed."""
    wanted: dict[int, str] = {p.pk: ParticipantRole.MEMBER for p in participants}
    if secretary is not None:
        wanted[secretary.pk] = ParticipantRole.SECRETARY
    wanted[chair.pk] = ParticipantRole.CHAIR
    existing = {p.employee_id: p for p in meeting.participants.all()}
    meeting.participants.exclude(employee_id__in=list(wanted)).delete()
    for employee_id, role in wanted.items():
        row = existing.get(employee_id)
        if row is None:
            Participant.objects.create(meeting=meeting, employee_id=employee_id, role=role)
        elif row.role != role:
            row.role = role
            row.save(update_fields=["role"])


def schedule_meeting(
    *,
    unit: Unit,
    period: ReportingPeriod,
    starts_at: dt.datetime | None,
    chair: Employee | None,
    by: Actor,
    secretary: Employee | None = None,
    participants: Sequence[Employee] = (),
    place: str = "",
    title: str = "",
    propose: bool = True,
    invite: bool = True,
) -> Meeting:
    """Schedule a dialogue of `unit` about `period`; its agenda proposed (`propose_agenda`) and the participants
    invited (`send_invitations`) unless told not to."""
    ensure(by, "meetings.add_meeting", unit)
    title = title.strip() or default_title(unit, period)
    place = place.strip()
    _validate_meeting(
        unit=unit,
        period=period,
        starts_at=starts_at,
        chair=chair,
        secretary=secretary,
        participants=participants,
        title=title,
        place=place,
    )
    assert chair is not None and starts_at is not None
    with transaction.atomic():
        meeting = Meeting(
            unit=unit,
            period=period,
            title=title,
            starts_at=starts_at,
            place=place,
            chair=chair,
            secretary=secretary,
            created_by=author(by),
        )
        recorded(meeting, by).save()
        _set_participants(meeting, chair, secretary, participants)
        if propose:
            _add_proposals(meeting)
        if invite:
            _invite(meeting)
    return meeting


def update_meeting(
    *,
    meeting: Meeting,
    by: Actor,
    starts_at: dt.datetime | None,
    chair: Employee | None,
    secretary: Employee | None = None,
    participants: Sequence[Employee] = (),
    place: str = "",
    title: str = "",
) -> Meeting:
    """Change the time, place, chair, secretary, participants or title of a meeting not yet closed. A moved
    meeting is announced again to every participant."""
    ensure(by, "meetings.change_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting, related=("unit", "period__plan_year"))
        ensure_editable(meeting)
        title = title.strip() or meeting.title
        place = place.strip()
        _validate_meeting(
            unit=meeting.unit,
            period=meeting.period,
            starts_at=starts_at,
            chair=chair,
            secretary=secretary,
            participants=participants,
            title=title,
            place=place,
            meeting=meeting,
        )
        assert chair is not None and starts_at is not None
        meeting.title = title
        meeting.place = place
        meeting.starts_at = starts_at
        meeting.chair = chair
        meeting.secretary = secretary
        recorded(meeting, by).save()
        _set_participants(meeting, chair, secretary, participants)
        if meeting.invitations_sent_at is not None:
            _invite(meeting)
    return meeting


def cancel_meeting(*, meeting: Meeting, reason: str, by: Actor) -> Meeting:
    """Cancel a scheduled meeting, with a reason; participants are told."""
    ensure(by, "meetings.change_meeting", meeting)
    if not reason.strip():
        raise ValidationError({"reason": _("Alasan pembatalan wajib diisi.")})
    with transaction.atomic():
        meeting = locked(meeting, related=("unit", "period__plan_year"))
        ensure_editable(meeting)
        if meeting.state != MeetingState.SCHEDULED:
            raise ValidationError(
                _("Dialog yang sudah berlangsung tidak dapat dibatalkan; tutuplah dengan notulanya."),
                code="held",
            )
        meeting.state = MeetingState.CANCELLED
        meeting.cancel_reason = reason.strip()
        recorded(meeting, by, reason.strip()).save()
        notify(
            users=_users_of(meeting.participants.values_list("employee_id", flat=True)),
            kind=Kind.MEETING,
            title=_("Dibatalkan: %(title)s") % {"title": meeting.title},
            body=reason.strip(),
            url=reverse("meetings:detail", args=[meeting.pk]),
            key=f"meeting:{meeting.pk}:cancelled",
        )
    return meeting


def _invite(meeting: Meeting) -> int:
    """Notify every participant (once per meeting, time and user); stamp the invitations. Returns how many
    notifications were stored."""
    now = timezone.now()
    stamp = timezone.localtime(meeting.starts_at).strftime("%Y%m%d%H%M")
    employee_ids = list(meeting.participants.values_list("employee_id", flat=True))
    created = notify(
        users=_users_of(employee_ids),
        kind=Kind.MEETING,
        title=_("Undangan: %(title)s, %(when)s") % {"title": meeting.title, "when": _when(meeting.starts_at)},
        body=_("Tempat: %(place)s. Pimpinan rapat: %(chair)s.")
        % {"place": meeting.place or "—", "chair": meeting.chair.name},
        url=reverse("meetings:detail", args=[meeting.pk]),
        key=f"meeting:{meeting.pk}:invitation:{stamp}",
    )
    meeting.participants.filter(invited_at__isnull=True).update(invited_at=now)
    Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_at=now)
    meeting.invitations_sent_at = now
    return len(created)


def send_invitations(*, meeting: Meeting, by: Actor) -> int:
    """Invite the participants (again: only those not yet told of this time get a notification)."""
    ensure(by, "meetings.change_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting, related=("unit", "chair"))
        ensure_editable(meeting)
        return _invite(meeting)


# --------------------------------------------------------------------------- agenda


def _next_order(meeting: Meeting) -> int:
    return (meeting.agenda_items.aggregate(m=Max("order"))["m"] or 0) + 1


def _add_proposals(meeting: Meeting) -> int:
    existing = {
        agenda_rules.item_key(i.kind, i.kpi_id, i.initiative_id, i.risk_id, i.action_id)
        for i in meeting.agenda_items.all()
    }
    order = _next_order(meeting)
    added = []
    for proposal in agenda_rules.propose(meeting):
        if proposal.key in existing:
            continue
        existing.add(proposal.key)
        added.append(
            AgendaItem(
                meeting=meeting,
                order=order,
                kind=proposal.kind,
                title=proposal.title[:TITLE_MAX],
                kpi_id=proposal.kpi_id,
                initiative_id=proposal.initiative_id,
                risk_id=proposal.risk_id,
                action_id=proposal.action_id,
            )
        )
        order += 1
    for item in added:
        item.save()  # one by one: each gets its history row
    return len(added)


def propose_agenda(*, meeting: Meeting, by: Actor) -> int:
    """Add to the agenda what the period's figures propose and is not on it yet; returns how many were added."""
    ensure(by, "meetings.change_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting, related=("unit", "period__plan_year"))
        ensure_editable(meeting)
        return _add_proposals(meeting)


def add_agenda_item(
    *, meeting: Meeting, title: str, by: Actor, kind: str = AgendaKind.STRATEGIC_ISSUE
) -> AgendaItem:
    """A point typed by the chair (a strategic issue or another matter), at the end of the agenda."""
    ensure(by, "meetings.change_meeting", meeting)
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("Pokok bahasan wajib diisi.")
    elif len(title.strip()) > TITLE_MAX:
        errors["title"] = _("Pokok bahasan paling banyak %(max)d karakter.") % {"max": TITLE_MAX}
    if kind not in TYPED_KINDS:
        errors["kind"] = _("Agenda yang diketik sendiri berjenis isu strategis atau lainnya.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = locked(meeting)
        ensure_editable(meeting)
        item = AgendaItem(meeting=meeting, order=_next_order(meeting), kind=kind, title=title.strip())
        recorded(item, by).save()
    return item


def remove_agenda_item(*, item: AgendaItem, by: Actor) -> None:
    """Take a point off the agenda (not once actions were decided on it)."""
    ensure(by, "meetings.change_meeting", item.meeting)
    with transaction.atomic():
        meeting = locked(item.meeting)
        ensure_editable(meeting)
        if item.decided_actions.exists():
            raise ValidationError(
                _("Agenda ini sudah memiliki tindak lanjut dan tidak dapat dihapus."), code="has_actions"
            )
        recorded(item, by).delete()


def move_agenda_item(*, item: AgendaItem, up: bool, by: Actor) -> None:
    """Move a point one place up or down the agenda (the orders renumbered 1…n)."""
    ensure(by, "meetings.change_meeting", item.meeting)
    with transaction.atomic():
        meeting = locked(item.meeting)
        ensure_editable(meeting)
        items = list(meeting.agenda_items.order_by("order", "pk"))
        index = next(i for i, x in enumerate(items) if x.pk == item.pk)
        other = index - 1 if up else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for number, row in enumerate(items, start=1):
            if row.order != number:
                row.order = number
                recorded(row, by).save(update_fields=["order"])


def reorder_agenda(*, meeting: Meeting, order: Sequence[int], by: Actor) -> None:
    """Put the agenda in the order of `order` (agenda item ids; every item once)."""
    ensure(by, "meetings.change_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting)
        ensure_editable(meeting)
        items = {i.pk: i for i in meeting.agenda_items.all()}
        if sorted(order) != sorted(items):
            raise ValidationError(
                {"order": _("Urutan harus memuat setiap agenda rapat ini tepat satu kali.")}
            )
        for number, pk in enumerate(order, start=1):
            if items[pk].order != number:
                items[pk].order = number
                recorded(items[pk], by).save(update_fields=["order"])


# --------------------------------------------------------------------------- attendance and minutes


def _mark_held(meeting: Meeting) -> None:
    if meeting.state == MeetingState.SCHEDULED:
        meeting.state = MeetingState.HELD
        meeting.save(update_fields=["state"])


def record_attendance(*, meeting: Meeting, entries: Mapping[int, tuple[str, str]], by: Actor) -> int:
    """Attendance of the participants: `{participant id: (attendance, note)}`. Returns how many changed."""
    ensure(by, "meetings.minute_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting)
        ensure_editable(meeting)
        rows = {p.pk: p for p in meeting.participants.select_related("employee")}
        errors: dict[str, str] = {}
        for pk, (attendance, note) in entries.items():
            row = rows.get(pk)
            if row is None:
                errors["attendance"] = _("Peserta %(id)s bukan peserta rapat ini.") % {"id": pk}
            elif attendance not in Attendance.values:
                errors[f"attendance_{pk}"] = _("Kehadiran %(name)s tidak dikenal: %(value)s.") % {
                    "name": row.employee.name,
                    "value": attendance,
                }
            elif len(note) > 255:
                errors[f"note_{pk}"] = _("Keterangan %(name)s paling banyak 255 karakter.") % {
                    "name": row.employee.name
                }
        if errors:
            raise ValidationError(errors)
        changed = 0
        for pk, (attendance, note) in entries.items():
            row = rows[pk]
            if row.attendance != attendance or row.note != note.strip():
                row.attendance = attendance
                row.note = note.strip()
                row.save(update_fields=["attendance", "note"])
                changed += 1
        if changed:
            _mark_held(meeting)
    return changed


def record_minutes(
    *, item: AgendaItem, discussion: str, decision: str, by: Actor, title: str | None = None
) -> AgendaItem:
    """What was discussed and decided on one agenda point (and, typed points, its title)."""
    ensure(by, "meetings.minute_meeting", item.meeting)
    with transaction.atomic():
        meeting = locked(item.meeting)
        ensure_editable(meeting)
        item = locked(item)
        if title is not None:
            if not title.strip():
                raise ValidationError({"title": _("Pokok bahasan wajib diisi.")})
            item.title = title.strip()[:TITLE_MAX]
        item.discussion = discussion.strip()
        item.decision = decision.strip()
        recorded(item, by).save()
        _mark_held(meeting)
    return item


def record_summary(*, meeting: Meeting, summary: str, by: Actor) -> Meeting:
    ensure(by, "meetings.minute_meeting", meeting)
    with transaction.atomic():
        meeting = locked(meeting)
        ensure_editable(meeting)
        meeting.summary = summary.strip()
        recorded(meeting, by).save()
    return meeting


def _map_place(strategy_map: Any) -> tuple[int, int]:
    return (strategy_map.unit_id, strategy_map.plan_year_id)


def _action_errors(
    meeting: Meeting,
    *,
    description: str,
    owner: Employee | None,
    due_date: dt.date | None,
    kpi: Kpi | None,
    kpi_place: tuple[int, int] | None,
    objective: Objective | None,
    objective_place: tuple[int, int] | None,
    is_participant: Any,
) -> dict[str, str]:
    """What is wrong with a follow-up action (`add_action`, `record_dialogues`): its description, owner (of the
    unit's subtree, or `is_participant(owner)`), due date (not before the meeting) and the KPI and SS it
    serves (`kpi_place` / `objective_place`: the (unit, plan year) of their map)."""
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Uraian tindak lanjut wajib diisi.")
    if owner is None:
        errors["owner"] = _("Penanggung jawab tindak lanjut wajib dipilih (aturan 24).")
    elif not owner.unit.path.startswith(meeting.unit.path) and not is_participant(owner):
        errors["owner"] = _(
            "%(name)s bukan pegawai %(unit)s atau unit di bawahnya, dan bukan peserta rapat."
        ) % {
            "name": owner.name,
            "unit": meeting.unit.code,
        }
    if due_date is None:
        errors["due_date"] = _("Batas waktu tindak lanjut wajib diisi (aturan 24).")
    elif due_date < timezone.localtime(meeting.starts_at).date():
        errors["due_date"] = _("Batas waktu (%(due)s) tidak boleh sebelum tanggal rapat (%(day)s).") % {
            "due": formats.date_format(due_date, "j F Y"),
            "day": formats.date_format(timezone.localtime(meeting.starts_at).date(), "j F Y"),
        }
    plan_year = meeting.period.plan_year_id
    if kpi is not None and kpi_place != (meeting.unit_id, plan_year):
        errors["kpi"] = _("IKU %(code)s bukan IKU peta strategi %(unit)s tahun ini.") % {
            "code": kpi.code,
            "unit": meeting.unit.code,
        }
    if objective is not None and objective_place != (meeting.unit_id, plan_year):
        errors["objective"] = _(
            "Sasaran strategis %(code)s bukan sasaran peta strategi %(unit)s tahun ini."
        ) % {
            "code": objective.code,
            "unit": meeting.unit.code,
        }
    return errors


def add_action(
    *,
    item: AgendaItem,
    description: str,
    owner: Employee | None,
    due_date: dt.date | None,
    by: Actor,
    kpi: Kpi | None = None,
    objective: Objective | None = None,
) -> Action:
    """A follow-up action decided on an agenda point: description, owner (a person of the unit's subtree or a
    participant), due date (not before the meeting), the SS/KPI it serves. The owner is notified."""
    meeting = item.meeting
    ensure(by, "meetings.minute_meeting", meeting)
    errors = _action_errors(
        meeting,
        description=description,
        owner=owner,
        due_date=due_date,
        kpi=kpi,
        kpi_place=_map_place(kpi.objective.map) if kpi is not None else None,
        objective=objective,
        objective_place=_map_place(objective.map) if objective is not None else None,
        is_participant=lambda person: meeting.participants.filter(employee=person).exists(),
    )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = locked(meeting, related=("unit",))
        ensure_editable(meeting)
        if objective is None and kpi is not None:
            objective = kpi.objective
        action = Action(
            unit=meeting.unit,
            meeting=meeting,
            agenda_item=item,
            description=description.strip(),
            owner=owner,
            due_date=due_date,
            kpi=kpi or item.kpi,
            objective=objective or (item.kpi.objective if item.kpi_id and item.kpi else None),
            created_by=author(by),
        )
        recorded(action, by).save()
        _mark_held(meeting)
        _notify_owner(action)
    return action


def _notify_owner(action: Action) -> None:
    _notify_owners([action])


def _notify_owners(actions: Sequence[Action]) -> int:
    """Tell each action's owner it is theirs (`add_action`, `record_dialogues`): one `notify_each` for all."""
    owners = {a.owner_id for a in actions if a.owner_id is not None}
    if not owners:
        return 0
    users: dict[int, list[int]] = {}
    for pk, employee_id in (
        get_user_model()
        .objects.filter(employee_id__in=owners, is_active=True)
        .values_list("pk", "employee_id")
    ):
        users.setdefault(employee_id, []).append(pk)
    messages = []
    for action in actions:
        if action.owner_id is None:
            continue
        due = formats.date_format(action.due_date, "j F Y") if action.due_date else "—"
        title = _("Tindak lanjut untuk Anda, batas %(due)s: %(description)s") % {
            "due": due,
            "description": action.description[:120],
        }
        url = reverse("meetings:action-detail", args=[action.pk])
        for user in users.get(action.owner_id, []):
            messages.append(Message(user, title, url, "", f"action:{action.pk}:owner:{action.owner_id}"))
    return len(notify_each(kind=Kind.FOLLOW_UP, messages=messages))


def close_meeting(*, meeting: Meeting, by: Actor, now: dt.datetime | None = None) -> Meeting:
    """The chair (or the unit's leader) closes the meeting: from then on it is read-only. It must have begun and
    its attendance be recorded. The participants get the minutes."""
    ensure(by, "meetings.close_meeting", meeting)
    moment = now or timezone.now()
    with transaction.atomic():
        meeting = locked(meeting, related=("unit", "period__plan_year", "chair"))
        ensure_editable(meeting)
        if meeting.starts_at > moment:
            raise ValidationError(
                _("Dialog belum dimulai (%(when)s): rapat ditutup setelah berlangsung.")
                % {"when": _when(meeting.starts_at)},
                code="not_started",
            )
        if not meeting.participants.filter(attendance__in=ATTENDED).exists():
            raise ValidationError(
                _("Kehadiran belum dicatat: catat dulu siapa yang hadir sebelum rapat ditutup."),
                code="attendance",
            )
        if not meeting.agenda_items.exists():
            raise ValidationError(_("Agenda rapat masih kosong."), code="empty_agenda")
        meeting.state = MeetingState.CLOSED
        meeting.closed_at = moment
        meeting.closed_by = author(by)
        recorded(meeting, by).save()
        notify(
            users=_users_of(meeting.participants.values_list("employee_id", flat=True)),
            kind=Kind.MEETING,
            title=_("Notula: %(title)s") % {"title": meeting.title},
            body=_("Dialog kinerja %(when)s telah ditutup; notula dan matriks tindak lanjut dapat diunduh.")
            % {"when": _when(meeting.starts_at)},
            url=reverse("meetings:detail", args=[meeting.pk]),
            key=f"meeting:{meeting.pk}:minutes",
        )
    return meeting


# --------------------------------------------------------------------------- follow-up actions


ACTION_STEPS: dict[str, frozenset[str]] = {
    ActionState.OPEN: frozenset({ActionState.IN_PROGRESS, ActionState.DONE, ActionState.DROPPED}),
    ActionState.IN_PROGRESS: frozenset({ActionState.OPEN, ActionState.DONE, ActionState.DROPPED}),
    ActionState.DONE: frozenset(),
    ActionState.DROPPED: frozenset(),
}


def change_action_state(
    *,
    action: Action,
    state: str,
    by: Actor,
    reason: str = "",
    evidence: Any = None,
    note: str = "",
    name: str | None = None,
) -> Action:
    """Move a follow-up action to `state` (the one engine behind the action page, the API and the demo), in the
    action's history with its author and the note or reason.

    * open ⇄ in progress, optionally with a progress `note` (the same state with a note records progress);
    * done: needs evidence of completion — an uploaded file (`evidence`, checked by its content and size like a
      realization's evidence) or one already on the action; the completion time is stamped;
    * dropped: needs a `reason`, kept as the drop reason;
    * a done or dropped action is closed: read-only, refused with a message naming its state.

    Asks `meetings.change_action` (the owner, or a leader, manager or administrator of the unit). Raises
    `ValidationError` keyed by the field at fault (state, evidence, reason, note); nothing is saved then."""
    ensure(by, "meetings.change_action", action)
    reason, note = (reason or "").strip(), (note or "").strip()
    if state not in ActionState.values:
        raise ValidationError(
            {"state": _("Status %(state)s tidak dikenal.") % {"state": state}}, code="action_state"
        )
    original = stream = None
    if evidence is not None:
        original = (name or getattr(evidence, "name", "") or "bukti").replace("\\", "/").rsplit("/", 1)[-1]
        stream = evidence_checks.upload_stream(evidence)
        try:
            evidence_checks.check_file(original, stream, getattr(evidence, "size", None))
        except ValidationError as error:
            raise ValidationError({"evidence": error.messages}, code="action_evidence") from None
    with transaction.atomic():
        current = locked(action)
        ensure_action_open(current)
        if state == current.state and not note and evidence is None:
            raise ValidationError(
                {
                    "state": _("Tindak lanjut ini sudah berstatus %(state)s.")
                    % {"state": current.get_state_display()}
                },
                code="action_same_state",
            )
        if state != current.state and state not in ACTION_STEPS[current.state]:
            raise ValidationError(
                {
                    "state": _("Status tidak dapat diubah dari %(from)s ke %(to)s.")
                    % {"from": current.get_state_display(), "to": ActionState(state).label}
                },
                code="action_transition",
            )
        if state == ActionState.DONE and evidence is None and not current.evidence:
            raise ValidationError(
                {"evidence": _("Bukti penyelesaian wajib dilampirkan untuk menandai tindak lanjut selesai.")},
                code="action_evidence",
            )
        if state == ActionState.DROPPED and not reason:
            raise ValidationError(
                {"reason": _("Alasan pembatalan tindak lanjut wajib diisi.")}, code="action_reason"
            )
        if evidence is not None and stream is not None and original is not None:
            stream.seek(0)
            current.evidence.save(
                original, evidence if hasattr(evidence, "chunks") else File(stream, original), save=False
            )
            current.evidence_name = original[:255]
        if note:
            current.progress_note = note
        if state == ActionState.DROPPED:
            current.drop_reason = reason
        if state in (ActionState.DONE, ActionState.DROPPED):
            current.completed_at = timezone.now()
        current.state = state
        recorded(current, by, reason or note).save()
    return current


def start_action(*, action: Action, by: Actor, note: str = "") -> Action:
    """Open → in progress (a progress note may be given)."""
    if action.state == ActionState.IN_PROGRESS:
        raise ValidationError(_("Tindak lanjut ini sudah dalam proses."), code="in_progress")
    return change_action_state(action=action, state=ActionState.IN_PROGRESS, note=note, by=by)


def update_progress(*, action: Action, note: str, by: Actor) -> Action:
    """A progress note, the state unchanged."""
    if not note.strip():
        raise ValidationError({"note": _("Catatan perkembangan wajib diisi.")})
    return change_action_state(action=action, state=action.state, note=note, by=by)


def complete_action(
    *, action: Action, upload: Any, by: Actor, note: str = "", name: str | None = None
) -> Action:
    """Done, with the evidence of completion (a file checked like a realization's evidence)."""
    if upload is None:
        raise ValidationError(
            {"evidence": _("Bukti penyelesaian wajib dilampirkan untuk menandai tindak lanjut selesai.")}
        )
    return change_action_state(
        action=action, state=ActionState.DONE, evidence=upload, note=note, name=name, by=by
    )


def drop_action(*, action: Action, reason: str, by: Actor) -> Action:
    """Dropped, with the reason."""
    return change_action_state(action=action, state=ActionState.DROPPED, reason=reason, by=by)


# --------------------------------------------------------------------------- many dialogues at once


@dataclass
class ActionRecord:
    """A follow-up decided on an agenda point of `record_dialogues`, with the state it has reached: open, in
    progress (with a progress note), dropped (with the reason) or done (with the evidence: a file name and
    its bytes, checked like an upload)."""

    description: str
    owner: Employee | None
    due_date: dt.date | None
    kpi: Kpi | None = None
    state: str = ActionState.OPEN
    note: str = ""
    reason: str = ""
    evidence: tuple[str, bytes] | None = None


@dataclass
class ItemRecord:
    """An agenda point with its minutes (discussion, decision) and the actions decided on it."""

    kind: str
    title: str
    kpi: Kpi | None = None
    discussion: str = ""
    decision: str = ""
    actions: list[ActionRecord] = field(default_factory=list)


@dataclass
class DialogueRecord:
    """One dialogue of `record_dialogues`: as `schedule_meeting` takes it, with its agenda and minutes, the
    attendance ({employee id: attendance}; the others unknown) and whether the chair closed it."""

    unit: Unit
    period: ReportingPeriod
    starts_at: dt.datetime
    chair: Employee
    secretary: Employee | None = None
    participants: Sequence[Employee] = ()
    place: str = ""
    title: str = ""
    attendance: Mapping[int, str] = field(default_factory=dict)
    items: list[ItemRecord] = field(default_factory=list)
    summary: str = ""
    close: bool = False


def record_dialogues(
    *, dialogues: Sequence[DialogueRecord], by: Actor, now: dt.datetime | None = None
) -> list[Meeting]:
    """Many dialogues already held, each with its agenda, attendance, minutes and follow-ups — what
    `schedule_meeting` (without proposals or invitations), `add_agenda_item`, `record_attendance`,
    `record_minutes`, `add_action`, `change_action_state` and `close_meeting` do one at a time — checked by
    the same rules (`_meeting_errors`, `_action_errors`, the action states, the evidence file, what closing
    needs) and written all or nothing: the first refusal raises, naming the unit and period.

    Set-based: the duplicates and the KPIs' maps are read in one query each; the meetings, participants,
    agenda points and actions are written with bulk inserts and their history rows; the owners and (closed
    meetings) the participants are told in one `notify_each` each. Evidence files are stored one by one."""
    moment = now or timezone.now()
    if not dialogues:
        return []
    for record in dialogues:
        if by is not None:
            ensure(by, "meetings.add_meeting", record.unit)
    taken = set(
        Meeting.objects.filter(
            unit_id__in={d.unit.pk for d in dialogues}, period_id__in={d.period.pk for d in dialogues}
        )
        .exclude(state=MeetingState.CANCELLED)
        .values_list("unit_id", "period_id")
    )
    kpi_ids = {i.kpi.pk for d in dialogues for i in d.items if i.kpi is not None}
    kpi_ids |= {a.kpi.pk for d in dialogues for i in d.items for a in i.actions if a.kpi is not None}
    places = {
        pk: (unit_id, year_id)
        for pk, unit_id, year_id in Kpi.all_kpis.filter(pk__in=kpi_ids).values_list(
            "pk", "objective__map__unit_id", "objective__map__plan_year_id"
        )
    }
    objectives = dict(Kpi.all_kpis.filter(pk__in=kpi_ids).values_list("pk", "objective_id"))
    meetings: list[Meeting] = []
    for record in dialogues:
        key = (record.unit.pk, record.period.pk)
        title = record.title.strip() or default_title(record.unit, record.period)
        errors = _meeting_errors(
            unit=record.unit,
            period=record.period,
            starts_at=record.starts_at,
            chair=record.chair,
            secretary=record.secretary,
            title=title,
            place=record.place.strip(),
            duplicate=key in taken,
        )
        taken.add(key)
        meeting = Meeting(
            unit=record.unit,
            period=record.period,
            title=title,
            starts_at=record.starts_at,
            place=record.place.strip(),
            chair=record.chair,
            secretary=record.secretary,
            summary=record.summary.strip(),
            created_by=author(by),
        )
        people = {p.pk for p in record.participants} | {record.chair.pk}
        if record.secretary is not None:
            people.add(record.secretary.pk)
        errors.update(_dialogue_errors(meeting, record, people, places, moment))
        if errors:
            raise ValidationError(
                _("%(unit)s, %(period)s: %(problems)s")
                % {
                    "unit": record.unit.code,
                    "period": record.period.display_name,
                    "problems": " ".join(str(m) for m in errors.values()),
                },
                code="dialogue_invalid",
            )
        held = bool(record.items and any(i.discussion or i.decision or i.actions for i in record.items))
        held = held or any(a in ATTENDED for a in record.attendance.values())
        meeting.state = MeetingState.HELD if held else MeetingState.SCHEDULED
        if record.close:
            meeting.state, meeting.closed_at, meeting.closed_by = MeetingState.CLOSED, moment, author(by)
        meetings.append(meeting)
    with transaction.atomic():
        created = bulk_create_with_history(meetings, Meeting, batch_size=BULK_BATCH, default_user=author(by))
        participants: list[Participant] = []
        items: list[AgendaItem] = []
        for meeting, record in zip(created, dialogues, strict=True):
            roles: dict[int, str] = {p.pk: ParticipantRole.MEMBER for p in record.participants}
            if record.secretary is not None:
                roles[record.secretary.pk] = ParticipantRole.SECRETARY
            roles[record.chair.pk] = ParticipantRole.CHAIR
            participants += [
                Participant(
                    meeting=meeting,
                    employee_id=employee_id,
                    role=role,
                    attendance=record.attendance.get(employee_id, Attendance.UNKNOWN),
                )
                for employee_id, role in roles.items()
            ]
            items += [
                AgendaItem(
                    meeting=meeting,
                    order=order,
                    kind=item.kind,
                    title=item.title.strip()[:TITLE_MAX],
                    kpi=item.kpi,
                    discussion=item.discussion.strip(),
                    decision=item.decision.strip(),
                )
                for order, item in enumerate(record.items, start=1)
            ]
        Participant.objects.bulk_create(participants, batch_size=BULK_BATCH)
        items = bulk_create_with_history(items, AgendaItem, batch_size=BULK_BATCH, default_user=author(by))
        actions: list[Action] = []
        plans = [(m, i) for m, r in zip(created, dialogues, strict=True) for i in r.items]
        for (meeting, plan), item in zip(plans, items, strict=True):
            for wanted in plan.actions:
                kpi = wanted.kpi or plan.kpi
                action = Action(
                    unit=meeting.unit,
                    meeting=meeting,
                    agenda_item=item,
                    description=wanted.description.strip(),
                    owner=wanted.owner,
                    due_date=wanted.due_date,
                    kpi=kpi,
                    objective_id=objectives.get(kpi.pk) if kpi is not None else None,
                    state=wanted.state,
                    progress_note=wanted.note.strip(),
                    drop_reason=wanted.reason.strip() if wanted.state == ActionState.DROPPED else "",
                    completed_at=moment if wanted.state in (ActionState.DONE, ActionState.DROPPED) else None,
                    created_by=author(by),
                )
                if wanted.evidence is not None:
                    name, content = wanted.evidence
                    action.evidence.save(name, ContentFile(content, name), save=False)
                    action.evidence_name = name[:255]
                actions.append(action)
        actions = bulk_create_with_history(actions, Action, batch_size=BULK_BATCH, default_user=author(by))
        _notify_owners(actions)
        closed = [(m, r) for m, r in zip(created, dialogues, strict=True) if r.close]
        _notify_minutes(closed)
    return created


BULK_BATCH = 1000


def _dialogue_errors(
    meeting: Meeting,
    record: DialogueRecord,
    people: set[int],
    places: Mapping[int, tuple[int, int]],
    moment: dt.datetime,
) -> dict[str, str]:
    """The agenda, attendance, actions and closing of one `DialogueRecord`, checked as their services do."""
    errors: dict[str, str] = {}
    for employee_id, attendance in record.attendance.items():
        if employee_id not in people:
            errors["attendance"] = _("Peserta %(id)s bukan peserta rapat ini.") % {"id": employee_id}
        elif attendance not in Attendance.values:
            errors["attendance"] = _("Kehadiran tidak dikenal: %(value)s.") % {"value": attendance}
    for item in record.items:
        if not item.title.strip():
            errors["title"] = _("Pokok bahasan wajib diisi.")
        if item.kind not in AgendaKind.values:
            errors["kind"] = _("Jenis agenda tidak dikenal: %(value)s.") % {"value": item.kind}
        for wanted in item.actions:
            kpi = wanted.kpi or item.kpi
            errors.update(
                _action_errors(
                    meeting,
                    description=wanted.description,
                    owner=wanted.owner,
                    due_date=wanted.due_date,
                    kpi=kpi,
                    kpi_place=places.get(kpi.pk) if kpi is not None else None,
                    objective=None,
                    objective_place=None,
                    is_participant=lambda person: person.pk in people,
                )
            )
            errors.update(_action_state_errors(wanted))
    if record.close:
        if record.starts_at > moment:
            errors["close"] = _("Dialog belum dimulai (%(when)s): rapat ditutup setelah berlangsung.") % {
                "when": _when(record.starts_at)
            }
        if not any(a in ATTENDED for a in record.attendance.values()):
            errors["close"] = _("Kehadiran belum dicatat: catat dulu siapa yang hadir sebelum rapat ditutup.")
        if not record.items:
            errors["close"] = _("Agenda rapat masih kosong.")
    return errors


def _action_state_errors(wanted: ActionRecord) -> dict[str, str]:
    """An action's state as `change_action_state` allows it from open: in progress, done with evidence (a file
    checked like an upload), dropped with a reason."""
    if wanted.state not in ActionState.values:
        return {"state": _("Status %(state)s tidak dikenal.") % {"state": wanted.state}}
    if wanted.state == ActionState.DONE:
        if wanted.evidence is None:
            return {
                "evidence": _("Bukti penyelesaian wajib dilampirkan untuk menandai tindak lanjut selesai.")
            }
        name, content = wanted.evidence
        try:
            evidence_checks.check_file(name, io.BytesIO(content), len(content))
        except ValidationError as error:
            return {"evidence": " ".join(error.messages)}
    if wanted.state == ActionState.DROPPED and not wanted.reason.strip():
        return {"reason": _("Alasan pembatalan tindak lanjut wajib diisi.")}
    return {}


def _notify_minutes(closed: Sequence[tuple[Meeting, DialogueRecord]]) -> int:
    """The minutes to every participant of the meetings just closed: one `notify_each`."""
    if not closed:
        return 0
    people: set[int] = set()
    for _meeting, record in closed:
        people |= {p.pk for p in record.participants} | {record.chair.pk}
        if record.secretary is not None:
            people.add(record.secretary.pk)
    users: dict[int, list[int]] = {}
    for pk, employee_id in (
        get_user_model()
        .objects.filter(employee_id__in=people, is_active=True)
        .values_list("pk", "employee_id")
    ):
        users.setdefault(employee_id, []).append(pk)
    messages = []
    for meeting, record in closed:
        title = _("Notula: %(title)s") % {"title": meeting.title}
        body = _("Dialog kinerja %(when)s telah ditutup; notula dan matriks tindak lanjut dapat diunduh.") % {
            "when": _when(meeting.starts_at)
        }
        url = reverse("meetings:detail", args=[meeting.pk])
        everyone = {p.pk for p in record.participants} | {record.chair.pk}
        if record.secretary is not None:
            everyone.add(record.secretary.pk)
        for employee_id in sorted(everyone):
            for user in users.get(employee_id, []):
                messages.append(Message(user, title, url, body, f"meeting:{meeting.pk}:minutes"))
    return len(notify_each(kind=Kind.MEETING, messages=messages))


__all__ = [
    "ACTION_STEPS",
    "ActionRecord",
    "DialogueRecord",
    "ItemRecord",
    "add_action",
    "add_agenda_item",
    "cancel_meeting",
    "change_action_state",
    "close_meeting",
    "complete_action",
    "drop_action",
    "ensure_editable",
    "move_agenda_item",
    "propose_agenda",
    "record_attendance",
    "record_dialogues",
    "record_minutes",
    "record_summary",
    "remove_agenda_item",
    "reorder_agenda",
    "save_schedule",
    "schedule_meeting",
    "send_invitations",
    "start_action",
    "update_meeting",
    "update_progress",
]
