"""The follow-up matrix's rules (issue 14 item 2): rule 24 warnings, overdue selection, counts per state, carry-overs,
overdue reminders (`notify_overdue`) and the change of an action's state.

The builders here (`fu` and the `meeting`/`action` helpers) are shared by the other `test_follow_ups_*` modules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kinerja.accounts.models import Role
from kinerja.meetings import follow_ups
from kinerja.meetings.models import Action, ActionState, AgendaItem, AgendaKind, Meeting, MeetingState
from kinerja.notifications.models import Kind, Notification, Preference
from kinerja.organisations.models import Employee, Unit
from tests.factories import EmployeeFactory, UserFactory, grant
from tests.reporting.conftest import PDF, World
from tests.reporting.conftest import world as reporting_world  # noqa: F401  (the fixture `world`)

TODAY = dt.date(2026, 5, 20)


def days(n: int, base: dt.date | None = None) -> dt.date:
    return (base or TODAY) + dt.timedelta(days=n)


def meeting(
    unit: Unit,
    world: World,
    title: str,
    start: dt.date,
    state: str = MeetingState.CLOSED,
) -> Meeting:
    chair = Employee.objects.filter(unit=unit).first() or EmployeeFactory(unit=unit)
    return Meeting.objects.create(
        unit=unit,
        period=world.period("2026-Q1"),
        title=title,
        starts_at=timezone.make_aware(dt.datetime.combine(start, dt.time(9))),
        chair=chair,
        state=state,
    )


def action(unit: Unit, description: str = "Menindaklanjuti IKU merah", **fields: Any) -> Action:
    return Action.objects.create(unit=unit, description=description, **fields)


def carry(found: Action, into: Meeting) -> AgendaItem:
    return AgendaItem.objects.create(
        meeting=into, kind=AgendaKind.FOLLOW_UP, title=found.description[:100], action=found
    )


@dataclass
class FU:
    world: World
    unit: Unit
    owner: Employee
    owner_user: Any
    colleague: Employee  # owns actions, has no account
    origin: Meeting


@pytest.fixture(name="fu")
def fu_fixture(reporting_world: World, org: Any) -> FU:  # noqa: F811  (the shared fixture, by its name)
    owner = EmployeeFactory(unit=org.kpp_a, name="Rina Marlina")
    owner_user = UserFactory(username="rina.marlina", employee=owner)
    grant(owner_user, org.kpp_a, Role.EMPLOYEE)
    colleague = EmployeeFactory(unit=org.section_a, name="Agus Salim")
    origin = meeting(org.kpp_a, reporting_world, "Dialog Kinerja Januari 2026", dt.date(2026, 1, 15))
    return FU(reporting_world, org.kpp_a, owner, owner_user, colleague, origin)


def pdf(name: str = "bukti.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# --------------------------------------------------------------------------- overdue, counts, warnings


def test_overdue_is_open_or_in_progress_and_due_before_today(fu: FU) -> None:
    late = action(fu.unit, owner=fu.owner, due_date=days(-1))
    late_in_progress = action(fu.unit, owner=fu.owner, due_date=days(-30), state=ActionState.IN_PROGRESS)
    due_today = action(fu.unit, owner=fu.owner, due_date=TODAY)
    done_late = action(fu.unit, owner=fu.owner, due_date=days(-5), state=ActionState.DONE)
    dropped_late = action(fu.unit, owner=fu.owner, due_date=days(-5), state=ActionState.DROPPED)
    undated = action(fu.unit, owner=fu.owner)

    overdue = set(Action.objects.filter(follow_ups.overdue_q(TODAY)))
    assert overdue == {late, late_in_progress}
    for a in (due_today, done_late, dropped_late, undated):
        assert not follow_ups.is_overdue(a, TODAY)
    assert follow_ups.is_overdue(late, TODAY) and follow_ups.is_overdue(late_in_progress, TODAY)
    # the next day, the one due today is late too
    assert follow_ups.is_overdue(due_today, days(1))


def test_state_counts_come_from_one_query(fu: FU, org: Any, django_assert_num_queries: Any) -> None:
    action(fu.unit, owner=fu.owner, due_date=days(-1))
    action(org.section_a, owner=fu.colleague, due_date=days(3), state=ActionState.IN_PROGRESS)
    action(fu.unit, owner=fu.owner, due_date=days(-9), state=ActionState.IN_PROGRESS)
    action(fu.unit, state=ActionState.DONE)
    action(fu.unit, state=ActionState.DROPPED, drop_reason="Tidak relevan lagi")
    action(org.kpp_b, owner=fu.owner, due_date=days(-9))  # another subtree

    with django_assert_num_queries(1):
        counts = follow_ups.state_counts(follow_ups.actions_of(fu.unit), TODAY)
    assert (counts.total, counts.open, counts.in_progress, counts.done, counts.dropped) == (5, 1, 2, 1, 1)
    assert counts.overdue == 2
    assert counts.still_open == 3
    whole = follow_ups.state_counts(follow_ups.actions_of(org.kanwil), TODAY)
    assert (whole.total, whole.overdue) == (6, 3)


def test_rule_24_warnings_of_a_subtree(fu: FU, org: Any, django_assert_max_num_queries: Any) -> None:
    nobody = action(fu.unit, "Tanpa penanggung jawab", due_date=days(10))
    undated = action(org.section_a, "Tanpa batas waktu", owner=fu.colleague)
    late = action(fu.unit, "Terlambat", owner=fu.owner, due_date=days(-4), state=ActionState.IN_PROGRESS)
    everything = action(fu.unit, "Tanpa apa pun")  # no owner and no due date
    late_nobody = action(fu.unit, "Terlambat tanpa penanggung jawab", due_date=days(-2))
    action(fu.unit, "Baik-baik saja", owner=fu.owner, due_date=days(5))
    # closed actions are read-only: they warn no longer, whatever is missing
    action(fu.unit, "Selesai tanpa penanggung jawab", state=ActionState.DONE)
    action(fu.unit, "Dibatalkan dan terlambat", due_date=days(-9), state=ActionState.DROPPED, drop_reason="x")
    action(org.kpp_b, "Unit lain", due_date=days(-9))  # outside the subtree

    with django_assert_max_num_queries(2):
        found = follow_ups.warnings(follow_ups.actions_of(fu.unit), TODAY)
    assert (found.no_owner, found.no_due_date, found.overdue) == (3, 2, 2)
    assert found.warned == 5 and found.more == 0
    warns = {a.pk: a.warns for a in found.actions}
    assert warns == {
        nobody.pk: ["no_owner"],
        undated.pk: ["no_due_date"],
        late.pk: ["overdue"],
        everything.pk: ["no_owner", "no_due_date"],
        late_nobody.pk: ["no_owner", "overdue"],
    }
    # most overdue first, undated last
    assert [a.pk for a in found.actions][:2] == [late.pk, late_nobody.pk]


def test_the_warning_list_is_cut_but_the_counts_are_not(fu: FU) -> None:
    for i in range(7):
        action(fu.unit, f"Tindak lanjut {i}", due_date=days(-i - 1))
    found = follow_ups.warnings(follow_ups.actions_of(fu.unit), TODAY, limit=3)
    assert (found.no_owner, found.overdue, found.warned) == (7, 7, 7)
    assert len(found.actions) == 3 and found.more == 4


def test_carried_over_counts_later_meetings_not_cancelled_ones(fu: FU) -> None:
    world = fu.world
    found = action(fu.unit, owner=fu.owner, due_date=days(-1), meeting=fu.origin)
    february = meeting(fu.unit, world, "Dialog Kinerja Februari 2026", dt.date(2026, 2, 15))
    march = meeting(fu.unit, world, "Dialog Kinerja Maret 2026", dt.date(2026, 3, 15), MeetingState.SCHEDULED)
    cancelled = meeting(fu.unit, world, "Dialog batal", dt.date(2026, 3, 1), MeetingState.CANCELLED)
    for m in (february, march, cancelled):
        carry(found, m)
    carry(found, march)  # twice on one agenda: one meeting
    AgendaItem.objects.create(meeting=fu.origin, kind=AgendaKind.FOLLOW_UP, title="asal", action=found)
    AgendaItem.objects.create(meeting=february, kind=AgendaKind.OTHER, title="lain", action=found)
    fresh = action(fu.unit, owner=fu.owner, due_date=days(3), meeting=march)

    rows = {a.pk: a.carried for a in follow_ups.matrix(follow_ups.actions_of(fu.unit), today=TODAY)}
    assert rows == {found.pk: 2, fresh.pk: 0}


def test_the_matrix_filters(fu: FU, org: Any) -> None:
    other = meeting(fu.unit, fu.world, "Dialog Kinerja Februari 2026", dt.date(2026, 2, 15))
    a = action(fu.unit, owner=fu.owner, due_date=days(-1), meeting=fu.origin)
    b = action(
        org.section_a, owner=fu.colleague, due_date=days(4), meeting=other, state=ActionState.IN_PROGRESS
    )
    c = action(fu.unit, due_date=days(2), meeting=other)
    d = action(fu.unit, owner=fu.owner, state=ActionState.DONE, due_date=days(-20))
    everything = follow_ups.actions_of(fu.unit)

    def pks(**filters: Any) -> list[int]:
        return [x.pk for x in follow_ups.matrix(everything, follow_ups.MatrixFilter(**filters), TODAY)]

    assert pks() == [a.pk, c.pk, b.pk, d.pk]  # open first, by due date; closed last
    assert pks(state=ActionState.IN_PROGRESS) == [b.pk]
    assert pks(owner=fu.owner.pk) == [a.pk, d.pk]
    assert pks(no_owner=True) == [c.pk]
    assert pks(overdue=True) == [a.pk]
    assert pks(meeting=other.pk) == [c.pk, b.pk]
    assert pks(warning="no_owner") == [c.pk]
    assert pks(owner=fu.owner.pk, overdue=True) == [a.pk]


# --------------------------------------------------------------------------- overdue reminders


def test_notify_overdue_tells_each_owner_once_per_action_and_day(
    fu: FU, org: Any, django_assert_max_num_queries: Any
) -> None:
    second = EmployeeFactory(unit=org.kpp_a, name="Budi Santoso")
    second_user = UserFactory(username="budi.santoso", employee=second)
    late1 = action(fu.unit, "Menyusun rencana aksi IKU merah", owner=fu.owner, due_date=days(-3))
    late2 = action(fu.unit, "Memperbarui data dukung", owner=fu.owner, due_date=days(-1), state="in_progress")
    late3 = action(fu.unit, "Sosialisasi kepada wajib pajak", owner=second, due_date=days(-10))
    action(fu.unit, "Belum jatuh tempo", owner=fu.owner, due_date=TODAY)
    action(fu.unit, "Sudah selesai", owner=fu.owner, due_date=days(-3), state=ActionState.DONE)
    action(fu.unit, "Tanpa penanggung jawab", due_date=days(-3))
    action(org.section_a, "Penanggung jawab tanpa akun", owner=fu.colleague, due_date=days(-3))

    assert follow_ups.notify_overdue(today=TODAY) == 3
    stored = Notification.objects.filter(kind=Kind.FOLLOW_UP).order_by("user_id", "key")
    by_user = {(n.user_id, n.key) for n in stored}
    assert by_user == {
        (fu.owner_user.pk, f"follow-up-overdue:{late1.pk}:2026-05-20"),
        (fu.owner_user.pk, f"follow-up-overdue:{late2.pk}:2026-05-20"),
        (second_user.pk, f"follow-up-overdue:{late3.pk}:2026-05-20"),
    }
    first = stored.get(key=f"follow-up-overdue:{late1.pk}:2026-05-20")
    assert "3" in first.title and "Menyusun rencana aksi" in first.title
    assert first.url  # where it is acted on

    # the same day again: nothing more, and cheaply (actions, users, the day's keys)
    with django_assert_max_num_queries(3):
        assert follow_ups.notify_overdue(today=TODAY) == 0
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP).count() == 3

    # the next day: told again, once per action still overdue (the one due today has become late, the first is done)
    late1.state = ActionState.DONE
    late1.save()
    assert follow_ups.notify_overdue(today=days(1)) == 3
    assert Notification.objects.filter(kind=Kind.FOLLOW_UP).count() == 6


def test_notify_overdue_respects_the_owners_preference(fu: FU) -> None:
    Preference.objects.create(user=fu.owner_user, kind=Kind.FOLLOW_UP, in_app=False, email=False)
    action(fu.unit, owner=fu.owner, due_date=days(-3))
    assert follow_ups.notify_overdue(today=TODAY) == 0
    assert not Notification.objects.exists()


def test_notify_overdue_skips_inactive_accounts(fu: FU) -> None:
    fu.owner_user.is_active = False
    fu.owner_user.save()
    action(fu.unit, owner=fu.owner, due_date=days(-3))
    assert follow_ups.notify_overdue(today=TODAY) == 0


def test_notify_overdue_without_anything_overdue(fu: FU, django_assert_num_queries: Any) -> None:
    action(fu.unit, owner=fu.owner, due_date=days(3))
    with django_assert_num_queries(1):
        assert follow_ups.notify_overdue(today=TODAY) == 0


# --------------------------------------------------------------------------- the change of state


def test_an_owner_moves_an_action_in_progress_then_done_with_evidence(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    follow_ups.change_action_state(
        action=found, state=ActionState.IN_PROGRESS, note="Rapat koordinasi dijadwalkan", by=fu.owner_user
    )
    found.refresh_from_db()
    assert found.state == ActionState.IN_PROGRESS and found.progress_note == "Rapat koordinasi dijadwalkan"

    follow_ups.change_action_state(
        action=found, state=ActionState.DONE, evidence=pdf("notula.pdf"), by=fu.owner_user
    )
    found.refresh_from_db()
    assert found.state == ActionState.DONE
    assert found.evidence and found.evidence_name == "notula.pdf"
    assert found.completed_at is not None
    history = list(found.history.order_by("history_date").values_list("state", "history_user_id"))
    assert history[-2:] == [(ActionState.IN_PROGRESS, fu.owner_user.pk), (ActionState.DONE, fu.owner_user.pk)]


def test_done_needs_evidence(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    with pytest.raises(ValidationError) as caught:
        follow_ups.change_action_state(action=found, state=ActionState.DONE, by=fu.owner_user)
    assert "evidence" in caught.value.message_dict
    found.refresh_from_db()
    assert found.state == ActionState.OPEN and found.history.count() == 1


def test_evidence_is_checked_by_its_content(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    program = SimpleUploadedFile("bukti.pdf", b"MZ\x90\x00" + b"\x00" * 64)
    with pytest.raises(ValidationError):
        follow_ups.change_action_state(
            action=found, state=ActionState.DONE, evidence=program, by=fu.owner_user
        )
    found.refresh_from_db()
    assert found.state == ActionState.OPEN and not found.evidence


def test_evidence_already_uploaded_is_enough_for_done(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    follow_ups.change_action_state(
        action=found, state=ActionState.IN_PROGRESS, evidence=pdf(), by=fu.world.manager
    )
    follow_ups.change_action_state(action=found, state=ActionState.DONE, by=fu.world.manager)
    found.refresh_from_db()
    assert found.state == ActionState.DONE


def test_dropped_needs_a_reason(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    with pytest.raises(ValidationError) as caught:
        follow_ups.change_action_state(
            action=found, state=ActionState.DROPPED, reason="   ", by=fu.world.leader
        )
    assert "reason" in caught.value.message_dict
    follow_ups.change_action_state(
        action=found,
        state=ActionState.DROPPED,
        reason="Digabung dengan tindak lanjut lain",
        by=fu.world.leader,
    )
    found.refresh_from_db()
    assert found.state == ActionState.DROPPED and found.drop_reason == "Digabung dengan tindak lanjut lain"
    assert found.history.first().history_change_reason == "Digabung dengan tindak lanjut lain"


@pytest.mark.parametrize("closed", [ActionState.DONE, ActionState.DROPPED])
def test_a_closed_action_is_read_only(fu: FU, closed: str) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10), state=closed)
    for state in ActionState.values:
        with pytest.raises(ValidationError) as caught:
            follow_ups.change_action_state(
                action=found, state=state, reason="buka lagi", evidence=pdf(), note="x", by=fu.world.manager
            )
        assert "state" in caught.value.message_dict
    found.refresh_from_db()
    assert found.state == closed and not found.evidence


def test_an_unknown_or_unchanged_state_is_refused(fu: FU) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    for state in ("selesai", ActionState.OPEN):
        with pytest.raises(ValidationError) as caught:
            follow_ups.change_action_state(action=found, state=state, by=fu.owner_user)
        assert "state" in caught.value.message_dict


def test_who_may_change_an_action(fu: FU, org: Any, make_user: Any) -> None:
    found = action(fu.unit, owner=fu.owner, due_date=days(10))
    refused = [
        fu.world.auditor,  # reads, never changes
        fu.world.employee,  # a plain employee of the unit who does not own it
        fu.world.outsider,  # a manager of another unit
    ]
    for user in refused:
        with pytest.raises(PermissionDenied):
            follow_ups.change_action_state(action=found, state=ActionState.IN_PROGRESS, note="x", by=user)
    allowed = [fu.owner_user, fu.world.manager, fu.world.leader, make_user(org.ministry, Role.ADMIN)]
    for i, user in enumerate(allowed):
        state = ActionState.IN_PROGRESS if i % 2 == 0 else ActionState.OPEN
        follow_ups.change_action_state(action=found, state=state, by=user)
    found.refresh_from_db()
    assert found.history.count() == 1 + len(allowed)
