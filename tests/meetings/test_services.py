"""The dialogue services: the proposed agenda, carry-over, closing, read-only after closing, validation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from kinerja.meetings import services
from kinerja.meetings.models import ActionState, AgendaKind, Attendance, MeetingState
from kinerja.notifications.models import Kind, Notification

from .builders import PDF, Office, at

pytestmark = pytest.mark.django_db


def schedule(office: Office, period=None, when: str = "2026-10-15", **extra):
    return services.schedule_meeting(
        unit=office.unit,
        period=period or office.september,
        starts_at=at(when),
        chair=office.head,
        secretary=office.secretary,
        participants=[office.member, office.kasi],
        place="Ruang Rapat",
        by=office.leader,
        **extra,
    )


def held(office: Office, meeting) -> None:
    entries = {p.pk: (Attendance.PRESENT, "") for p in meeting.participants.all()}
    services.record_attendance(meeting=meeting, entries=entries, by=office.secretary.user)


def test_agenda_proposes_red_and_missing_kpis_late_initiatives_high_risks(office: Office) -> None:
    meeting = schedule(office)
    items = list(meeting.agenda_items.order_by("order"))
    kinds = [(i.kind, i.kpi_id or i.initiative_id or i.risk_id) for i in items]
    assert kinds[0] == (AgendaKind.RED_KPI, office.red.pk)
    assert (AgendaKind.MISSING_KPI, office.red.pk) in kinds
    assert (AgendaKind.MISSING_KPI, office.quiet.pk) in kinds
    assert (AgendaKind.RED_KPI, office.quiet.pk) not in kinds  # green in the snapshot
    assert (AgendaKind.LATE_INITIATIVE, office.initiative.pk) in kinds
    assert (AgendaKind.HIGH_RISK, office.high_risk.pk) in kinds
    assert (AgendaKind.HIGH_RISK, office.low_risk.pk) not in kinds
    assert "71,50" in items[0].title
    # proposing again adds nothing already there
    assert services.propose_agenda(meeting=meeting, by=office.leader) == 0


def test_participants_chair_and_secretary_and_invitations(office: Office) -> None:
    meeting = schedule(office)
    roles = dict(meeting.participants.values_list("employee_id", "role"))
    assert roles == {
        office.head.pk: "chair",
        office.secretary.pk: "secretary",
        office.member.pk: "member",
        office.kasi.pk: "member",
    }
    invited = Notification.objects.filter(kind=Kind.MEETING).values_list("user_id", flat=True)
    assert sorted(invited) == sorted(
        e.user.pk for e in (office.head, office.secretary, office.member, office.kasi)
    )
    assert (
        services.send_invitations(meeting=meeting, by=office.leader) == 0
    )  # once per meeting, time and user
    services.update_meeting(
        meeting=meeting,
        starts_at=at("2026-10-16"),
        chair=office.head,
        secretary=office.secretary,
        participants=[office.member, office.kasi],
        by=office.manager,
    )
    assert Notification.objects.filter(kind=Kind.MEETING).count() == 8  # the moved meeting announced again


def test_open_actions_are_carried_to_the_next_meeting_until_closed(office: Office) -> None:
    first = schedule(office)
    held(office, first)
    item = first.agenda_items.get(kind=AgendaKind.RED_KPI)
    keep = services.add_action(
        item=item,
        description="Penagihan aktif",
        owner=office.kasi,
        due_date=dt.date(2026, 11, 10),
        by=office.secretary.user,
    )
    done = services.add_action(
        item=item,
        description="Rekonsiliasi",
        owner=office.member,
        due_date=dt.date(2026, 10, 30),
        by=office.secretary.user,
    )
    assert keep.kpi_id == office.red.pk and keep.objective_id == office.red.objective_id
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP, user=office.kasi.user).count() == 1
    services.close_meeting(meeting=first, by=office.leader, now=at("2026-10-15", 12))
    services.complete_action(action=done, upload=SimpleUploadedFile("bukti.pdf", PDF), by=office.member.user)
    second = schedule(office, office.october, "2026-11-16")
    carried = list(second.agenda_items.filter(kind=AgendaKind.FOLLOW_UP).values_list("action_id", flat=True))
    assert carried == [keep.pk]
    from kinerja.meetings.selectors import follow_up_matrix

    rows = follow_up_matrix(second, today=dt.date(2026, 11, 20))
    assert [(r.action.pk, r.carried, r.overdue) for r in rows] == [(keep.pk, True, True)]


def test_closed_meeting_refuses_every_edit(office: Office) -> None:
    meeting = schedule(office)
    held(office, meeting)
    item = meeting.agenda_items.first()
    services.close_meeting(meeting=meeting, by=office.head.user, now=at("2026-10-15", 12))
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    assert Notification.objects.filter(kind=Kind.MEETING, key=f"meeting:{meeting.pk}:minutes").count() == 4
    attempts = [
        lambda: services.record_minutes(item=item, discussion="x", decision="y", by=office.secretary.user),
        lambda: services.add_agenda_item(meeting=meeting, title="Isu baru", by=office.leader),
        lambda: services.remove_agenda_item(item=item, by=office.leader),
        lambda: services.propose_agenda(meeting=meeting, by=office.leader),
        lambda: services.record_attendance(meeting=meeting, entries={}, by=office.leader),
        lambda: services.add_action(
            item=item, description="x", owner=office.kasi, due_date=dt.date(2026, 12, 1), by=office.leader
        ),
        lambda: services.close_meeting(meeting=meeting, by=office.leader),
        lambda: services.update_meeting(
            meeting=meeting, starts_at=at("2026-10-20"), chair=office.head, by=office.leader
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as refused:
            attempt()
        assert refused.value.code == "closed"


def test_validation_names_the_field(office: Office) -> None:
    meeting = schedule(office)
    with translation.override("id"), pytest.raises(ValidationError) as duplicate:
        schedule(office)
    assert "period" in duplicate.value.message_dict
    with pytest.raises(ValidationError) as early:
        services.schedule_meeting(
            unit=office.unit,
            period=office.october,
            starts_at=at("2026-09-01"),
            chair=office.head,
            secretary=office.head,
            by=office.leader,
        )
    assert set(early.value.message_dict) == {"starts_at", "secretary"}
    item = meeting.agenda_items.first()
    with pytest.raises(ValidationError) as action:
        services.add_action(
            item=item, description=" ", owner=office.outsider, due_date=dt.date(2026, 10, 1), by=office.leader
        )
    assert set(action.value.message_dict) == {"description", "owner", "due_date"}
    assert not meeting.actions.exists()
    with pytest.raises(ValidationError) as closing:
        services.close_meeting(meeting=meeting, by=office.leader, now=at("2026-10-15", 12))
    assert closing.value.code == "attendance"


def test_who_may_do_what(office: Office) -> None:
    with pytest.raises(PermissionDenied):
        services.schedule_meeting(
            unit=office.unit,
            period=office.september,
            starts_at=at("2026-10-15"),
            chair=office.head,
            by=office.member.user,
        )
    meeting = schedule(office)
    held(office, meeting)  # the secretary records attendance
    with pytest.raises(PermissionDenied):
        services.close_meeting(meeting=meeting, by=office.secretary.user, now=at("2026-10-15", 12))
    with pytest.raises(PermissionDenied):
        services.record_attendance(meeting=meeting, entries={}, by=office.outsider.user)
    with pytest.raises(PermissionDenied):
        services.close_meeting(meeting=meeting, by=office.manager, now=at("2026-10-15", 12))
    services.close_meeting(meeting=meeting, by=office.head.user, now=at("2026-10-15", 12))  # the chair


def test_action_status_owner_evidence_and_reason(office: Office) -> None:
    meeting = schedule(office)
    item = meeting.agenda_items.first()
    action = services.add_action(
        item=item, description="Kunjungan", owner=office.kasi, due_date=dt.date(2026, 12, 1), by=office.leader
    )
    with pytest.raises(PermissionDenied):
        services.start_action(action=action, by=office.member.user)
    services.start_action(action=action, note="Sudah dijadwalkan", by=office.kasi.user)
    with pytest.raises(ValidationError) as missing:
        services.complete_action(action=action, upload=None, by=office.kasi.user)
    assert "evidence" in missing.value.message_dict
    with pytest.raises(ValidationError) as program:
        services.complete_action(
            action=action, upload=SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00program"), by=office.kasi.user
        )
    assert "evidence" in program.value.message_dict
    with pytest.raises(ValidationError) as no_reason:
        services.drop_action(action=action, reason="  ", by=office.kasi.user)
    assert "reason" in no_reason.value.message_dict
    services.complete_action(action=action, upload=SimpleUploadedFile("bukti.pdf", PDF), by=office.kasi.user)
    action.refresh_from_db()
    assert action.state == ActionState.DONE and action.evidence_name == "bukti.pdf" and action.completed_at
    with pytest.raises(ValidationError) as closed:
        services.drop_action(action=action, reason="tidak relevan", by=office.leader)
    assert "state" in closed.value.message_dict  # a closed action is read-only
    assert action.history.count() >= 3
