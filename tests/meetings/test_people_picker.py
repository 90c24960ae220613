"""The employee picker (`organisations.employee_picker`) on the dialogue pages: the page holds the chosen people
only, the options endpoint lists at most 30 matches among the people the field allows this user in the unit,
the forms refuse a person outside that set, and a search works without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.common.picker import LIMIT, SEARCH_BUTTON
from kinerja.meetings import services
from kinerja.meetings.models import Meeting
from tests.factories import EmployeeFactory, PositionFactory

from .builders import Office, at, post_data

pytestmark = pytest.mark.django_db

OPTIONS = reverse("organisations:employee-options")
CREATE = reverse("meetings:create")


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def listed(client: Client, key: str, scope: object, term: str = "", **extra: object) -> list[int]:
    """The employee pks the options endpoint offers."""
    response = client.get(OPTIONS, {"field": key, "scope": scope, "name": "p", "p_cari": term, **extra})
    assert response.status_code == 200
    return [int(pk) for pk in re.findall(r'value="(\d+)"', response.content.decode())]


def test_the_options_list_the_units_people_for_its_organisers_only(office: Office) -> None:
    leader = client_for(office.leader)
    everyone = listed(leader, "meetings.participants", office.unit.pk)
    assert set(everyone) == {office.head.pk, office.secretary.pk, office.member.pk, office.kasi.pk}
    assert office.outsider.pk not in everyone  # KPP-B is not below KPP-A
    # by name (any part) or by the start of the NIP; a checkbox list for the multi-choice picker
    assert listed(leader, "meetings.participants", office.unit.pk, "utomo") == [office.kasi.pk]
    assert listed(leader, "meetings.participants", office.unit.pk, office.kasi.nip) == [office.kasi.pk]
    boxes = leader.get(
        OPTIONS, {"field": "meetings.participants", "scope": office.unit.pk, "name": "p", "multi": "1"}
    ).content.decode()
    assert f'<input type="checkbox" name="p" value="{office.kasi.pk}">' in boxes
    # those already chosen are not offered again
    again = listed(leader, "meetings.participants", office.unit.pk, p=[office.head.pk, office.kasi.pk])
    assert office.head.pk not in again and office.kasi.pk not in again and office.member.pk in again
    # a unit the user does not organise (KPP-B), a scope that is no unit: nobody
    assert listed(leader, "meetings.participants", office.other.pk) == []
    assert listed(leader, "meetings.participants", "x; drop") == []
    assert (
        listed(leader, "meetings.participants", "²")
        == []
        == listed(leader, "meetings.participants", "9" * 30)
    )
    # the leader of KPP-B lists nobody of KPP-A; an employee of KPP-A lists nobody at all
    assert listed(client_for(office.stranger), "meetings.participants", office.unit.pk) == []
    assert listed(client_for(office.member.user), "meetings.officials", office.unit.pk) == []


def test_the_options_need_a_login_and_a_known_field(office: Office) -> None:
    anonymous = Client().get(OPTIONS, {"field": "meetings.participants", "scope": office.unit.pk})
    assert anonymous.status_code == 302 and office.head.name not in anonymous.content.decode()
    leader = client_for(office.leader)
    assert leader.get(OPTIONS, {"field": "no.such-field", "scope": office.unit.pk}).status_code == 404
    nothing = leader.get(OPTIONS, {"scope": office.unit.pk})  # no field named: an empty list
    assert nothing.status_code == 200 and office.head.name not in nothing.content.decode()


def test_the_options_list_at_most_the_limit(office: Office) -> None:
    position = PositionFactory(unit=office.section, title_id="Pelaksana")
    for i in range(LIMIT + 5):
        EmployeeFactory(unit=office.section, position=position, name=f"Pegawai Tambahan {i:02d}")
    leader = client_for(office.leader)
    assert len(listed(leader, "meetings.participants", office.unit.pk)) == LIMIT
    assert len(listed(leader, "meetings.participants", office.unit.pk, "tambahan")) == LIMIT


def test_the_new_dialogue_page_does_not_grow_with_the_number_of_employees(
    office: Office, monkeypatch
) -> None:
    from kinerja.organisations import employee_picker

    leader = client_for(office.leader)
    labelled: list[int] = []
    label = employee_picker.employee_label

    def counting_label(employee):  # every person the page's widgets made a label for, drawn or not
        labelled.append(employee.pk)
        return label(employee)

    monkeypatch.setattr(employee_picker, "employee_label", counting_label)

    def measure() -> tuple[int, int, int, int]:
        labelled.clear()
        with CaptureQueriesContext(connection) as queries:
            response = leader.get(CREATE)
        assert response.status_code == 200
        html = response.content.decode()
        return len(queries), html.count("<option"), html.count('type="checkbox"'), len(labelled)

    before = measure()
    for unit in (office.unit, office.section):
        position = PositionFactory(unit=unit, title_id="Pelaksana")
        for i in range(40):
            EmployeeFactory(unit=unit, position=position, name=f"Pegawai {unit.code} {i:02d}")
    assert measure() == before
    html = leader.get(CREATE).content.decode()
    assert "Pegawai KPP-A 00" not in html and "Pegawai KPP-A-S1 00" not in html
    # the defaults are chosen: the chair (the unit's head) and the heads of the unit and the section invited
    chair = re.search(r'<select name="chair"[^>]*>(.*?)</select>', html, re.S)
    assert chair and re.search(rf'<option value="{office.head.pk}" selected>', chair.group(1))
    assert f'name="participants" value="{office.head.pk}" checked' in html
    assert f'name="participants" value="{office.kasi.pk}" checked' in html
    assert office.member.name not in html  # not a head: found by a search
    assert 'hx-trigger="input changed delay:300ms, search"' in html


def test_the_form_refuses_people_outside_the_unit(office: Office) -> None:
    leader = client_for(office.leader)
    refused = leader.post(CREATE, post_data(office, chair=office.outsider.pk))
    assert refused.status_code == 400 and refused.context["form"].errors["chair"]
    refused = leader.post(CREATE, post_data(office, participants=[office.member.pk, office.outsider.pk]))
    assert refused.status_code == 400 and refused.context["form"].errors["participants"]
    assert office.outsider.name not in refused.content.decode()
    # the secretary comes from the unit and the units directly below it, as the chair does
    assert not Meeting.objects.exists()
    saved = leader.post(CREATE, post_data(office, participants=[office.member.pk, office.kasi.pk]))
    assert saved.status_code == 302
    meeting = Meeting.objects.get()
    assert set(meeting.participants.values_list("employee_id", flat=True)) == {
        office.head.pk,
        office.secretary.pk,
        office.member.pk,
        office.kasi.pk,
    }


def test_without_javascript_a_search_lists_its_matches_and_saves_nothing(office: Office) -> None:
    leader = client_for(office.leader)
    response = leader.post(
        CREATE, post_data(office, participants_cari="Hasan", **{SEARCH_BUTTON: "participants"})
    )
    assert response.status_code == 200 and not Meeting.objects.exists()
    html = response.content.decode()
    assert f'<input type="checkbox" name="participants" value="{office.kasi.pk}">' in html  # a match to tick
    assert f'name="participants" value="{office.member.pk}" checked' in html  # the chosen kept
    assert "errorlist" not in html
    # ticked and saved (the term still in the box): saved
    saved = leader.post(
        CREATE, post_data(office, participants=[office.member.pk, office.kasi.pk], participants_cari="Hasan")
    )
    assert saved.status_code == 302 and Meeting.objects.get().participants.count() == 4


def _scheduled(office: Office) -> Meeting:
    """A dialogue of the office's unit for September, with the member as its one participant."""
    return services.schedule_meeting(
        unit=office.unit,
        period=office.september,
        starts_at=at("2026-10-15"),
        chair=office.head,
        secretary=office.secretary,
        participants=[office.member],
        place="Aula",
        by=office.leader,
    )


def test_the_edit_page_keeps_the_chosen_and_checks_the_rest(office: Office) -> None:
    meeting = _scheduled(office)
    # the member has since moved to KPP-B: still a participant, still accepted on save
    office.member.unit = office.other
    office.member.save()
    leader = client_for(office.leader)
    url = reverse("meetings:edit", args=[meeting.pk])
    html = leader.get(url).content.decode()
    assert f'name="participants" value="{office.member.pk}" checked' in html
    assert office.kasi.name not in html and office.outsider.name not in html
    data = post_data(office, participants=[office.member.pk, office.kasi.pk])
    assert leader.post(url, data).status_code == 302
    assert meeting.participants.filter(employee=office.kasi).exists()
    refused = leader.post(url, post_data(office, participants=[office.outsider.pk]))
    assert refused.status_code == 400 and refused.context["form"].errors["participants"]


def test_the_action_owner_is_picked_by_search_and_checked(office: Office) -> None:
    meeting = _scheduled(office)
    item = meeting.agenda_items.first()
    secretary = client_for(office.secretary.user)  # a participant who minutes the meeting
    html = secretary.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    owner = re.search(rf'<select name="owner"[^>]*id="owner-{item.pk}"[^>]*>(.*?)</select>', html, re.S)
    assert owner and office.kasi.name not in html  # no candidate listed: the owner is found by a search
    assert listed(secretary, "meetings.action-owner", meeting.pk, "ratih") == [office.member.pk]
    assert listed(client_for(office.outsider.user), "meetings.action-owner", meeting.pk) == []
    url = reverse("meetings:action-add", args=[item.pk])
    data = {"description": "Tindak lanjut", "due_date": "2026-11-01", "owner": office.outsider.pk}
    secretary.post(url, data)
    assert not meeting.actions.exists()
    secretary.post(url, {**data, "owner": office.member.pk})
    assert meeting.actions.get().owner == office.member


def test_the_schedule_form_picks_its_officials(office: Office) -> None:
    leader = client_for(office.leader)
    url = reverse("meetings:schedule", args=[office.unit.pk])
    html = leader.get(url).content.decode()
    assert 'name="chair_cari"' in html and office.member.name not in html
    refused = leader.post(url, {"frequency": "monthly", "day_of_month": 15, "chair": office.outsider.pk})
    assert refused.status_code == 400 and refused.context["form"].errors["chair"]
    saved = leader.post(url, {"frequency": "monthly", "day_of_month": 15, "chair": office.head.pk})
    assert saved.status_code == 302
