"""Many dialogues already held, at once (`services.record_dialogues`): the checks of the one-at-a-time services
(the meeting's fields, a duplicate, an action's owner, due date, KPI and state, what closing needs), all or
nothing; meetings, participants, agenda, actions written with history; the owners and participants told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.meetings import services
from kinerja.meetings.models import Action, AgendaItem, Meeting, MeetingState, Participant
from kinerja.notifications.models import Notification
from kinerja.reporting.models import ReportingPeriod

from .builders import PDF, Office, at

pytestmark = pytest.mark.django_db


def record(
    office: Office, period=None, *, close: bool = True, state: str = "open", **action
) -> services.DialogueRecord:
    wanted = {
        "description": "Percepatan penagihan",
        "owner": office.kasi,
        "due_date": dt.date(2026, 11, 30),
        "state": state,
        **action,
    }
    return services.DialogueRecord(
        unit=office.unit,
        period=period or office.september,
        starts_at=at("2026-10-10"),
        chair=office.head,
        secretary=office.secretary,
        participants=[office.member],
        attendance={office.head.pk: "present", office.secretary.pk: "present", office.member.pk: "absent"},
        items=[
            services.ItemRecord(
                kind="red_kpi",
                title="IKU S1.1 merah",
                kpi=office.red,
                discussion="Capaian 71,5%.",
                decision="Percepat penagihan.",
                actions=[services.ActionRecord(**wanted)],
            )
        ],
        close=close,
    )


def test_dialogues_are_recorded_with_their_minutes_and_follow_ups(office: Office) -> None:
    done = record(office, office.october, state="done", evidence=("bukti.pdf", PDF))
    meetings = services.record_dialogues(dialogues=[record(office, close=False), done], by=office.manager)
    assert [m.state for m in meetings] == [MeetingState.HELD, MeetingState.CLOSED]
    assert Participant.objects.filter(meeting=meetings[0]).count() == 3
    assert Participant.objects.get(meeting=meetings[0], employee=office.head).role == "chair"
    item = AgendaItem.objects.get(meeting=meetings[1])
    assert (item.kind, item.kpi, item.decision) == ("red_kpi", office.red, "Percepat penagihan.")
    action = Action.objects.get(meeting=meetings[1])
    assert action.state == "done" and action.evidence and action.completed_at is not None
    assert action.objective == office.red.objective  # the SS the KPI serves, as add_action sets it
    assert Meeting.history.count() == 2 and Action.history.count() == 2 and AgendaItem.history.count() == 2
    # the owner is told of both actions; the participants of the closed meeting get the minutes
    assert Notification.objects.filter(kind="follow_up", user=office.kasi.user).count() == 2
    assert Notification.objects.filter(kind="meeting", user=office.member.user).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"owner": None}, "aturan 24"),
        ({"due_date": dt.date(2026, 10, 1)}, "tidak boleh sebelum"),
        ({"state": "done"}, "Bukti penyelesaian"),
        ({"state": "dropped"}, "Alasan pembatalan"),
    ],
)
def test_a_bad_follow_up_refuses_every_dialogue(office: Office, change: dict, field: str) -> None:
    good = record(office, office.october)
    with pytest.raises(ValidationError) as refused:
        services.record_dialogues(dialogues=[good, record(office, **change)], by=None)
    assert field in refused.value.messages[0] and "KPP-A" in refused.value.messages[0]
    assert not Meeting.objects.exists() and not Action.objects.exists()


def test_an_outsider_owner_a_duplicate_and_closing_without_attendance_are_refused(office: Office) -> None:
    with pytest.raises(ValidationError, match="bukan pegawai"):
        services.record_dialogues(dialogues=[record(office, owner=office.outsider)], by=None)
    services.record_dialogues(dialogues=[record(office)], by=None)
    with pytest.raises(ValidationError, match="sudah memiliki dialog"):
        services.record_dialogues(dialogues=[record(office)], by=None)
    silent = record(office, office.october)
    silent.attendance = {}
    with pytest.raises(ValidationError, match="Kehadiran belum dicatat"):
        services.record_dialogues(dialogues=[silent], by=None)


def test_the_queries_do_not_grow_with_the_dialogues(office: Office) -> None:
    with CaptureQueriesContext(connection) as one:
        services.record_dialogues(dialogues=[record(office)], by=None)
    months = ReportingPeriod.objects.filter(
        plan_year=office.map.plan_year, frequency="monthly", number__in=(6, 7, 8)
    )
    with CaptureQueriesContext(connection) as many:
        services.record_dialogues(dialogues=[record(office, p) for p in months], by=None)
    assert len(many) == len(one)
