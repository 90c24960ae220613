"""Creating and editing employees: managers and admins on the subtree, validated NIP, moves as assignments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.organisations.models import Assignment, Employee
from tests.factories import PositionFactory, make_nip

pytestmark = pytest.mark.django_db
CREATE = "organisations:employee-create"


def update_url(employee):
    return reverse("organisations:employee-update", args=[employee.nip])


def form_data(employee, **changes):
    data = {
        "nip": employee.nip,
        "name": employee.name,
        "email": employee.email,
        "unit": employee.unit.code,
        "position": employee.position_id or "",
        "superior": employee.superior.nip if employee.superior else "",
        "is_active": "on" if employee.is_active else "",
        "start": "",
        "kind": "definitive",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_manager_edits_an_employee_in_the_subtree(client, org, make_user, employee_in):
    manager = make_user(org.kpp_a, Role.MANAGER)
    person = employee_in(org.section_a, name="Nama Lama")
    client.force_login(manager)
    assert client.get(update_url(person)).status_code == 200
    response = client.post(
        update_url(person), form_data(person, name="Nama Baru", email="baru@kemenkeu.go.id")
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "Nama Baru" and person.email == "baru@kemenkeu.go.id"
    assert person.history.latest().history_user == manager


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.LEADER, Role.AUDITOR])
def test_read_only_roles_cannot_edit(client, org, make_user, employee_in, role):
    person = employee_in(org.kpp_a, name="Tetap")
    client.force_login(make_user(org.kpp_a, role))
    assert client.get(update_url(person)).status_code == 403
    assert client.post(update_url(person), form_data(person, name="Diubah")).status_code == 403
    assert client.get(reverse(CREATE)).status_code == 403
    person.refresh_from_db()
    assert person.name == "Tetap"


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("12345", "NIP harus terdiri dari 18 angka."),
        ("198013012005011001", "8 angka pertama NIP harus tanggal lahir yang sah"),
        ("198001012005131001", "Angka ke-9 s.d. 14 NIP"),
        ("198001012005013001", "Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."),
        ("198001012005011000", "nomor urut"),
    ],
)
def test_invalid_nip_names_the_problem_and_saves_nothing(client, org, make_user, employee_in, nip, message):
    person = employee_in(org.kpp_a)
    old_nip = person.nip
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(update_url(person), form_data(person, nip=nip))
    assert response.status_code == 200
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    person.refresh_from_db()
    assert person.nip == old_nip
    # and on create
    before = Employee.objects.count()
    response = client.post(
        reverse(CREATE),
        {"nip": nip, "name": "Baru", "unit": "KPP-A", "start": "2024-01-01", "kind": "definitive"},
    )
    assert message in response.text
    assert Employee.objects.count() == before


def test_duplicate_nip_is_refused(client, org, make_user, employee_in):
    other = employee_in(org.kpp_b)
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    before = Employee.objects.count()
    response = client.post(
        reverse(CREATE),
        {"nip": other.nip, "name": "Baru", "unit": "KPP-A", "start": "2024-01-01", "kind": "definitive"},
    )
    assert "sudah terdaftar untuk pegawai lain" in response.text
    assert Employee.objects.count() == before


def test_create_opens_the_first_assignment(client, org, make_user):
    manager = make_user(org.kpp_a, Role.MANAGER)
    position = PositionFactory(unit=org.section_a)
    client.force_login(manager)
    nip = make_nip()
    response = client.post(
        reverse(CREATE),
        {
            "nip": nip,
            "name": "Pegawai Baru",
            "email": "pb@kemenkeu.go.id",
            "unit": "SEKSI-A",
            "position": position.pk,
            "start": "2024-03-01",
            "kind": "definitive",
        },
    )
    assert response.status_code == 302
    person = Employee.objects.get(nip=nip)
    assert person.unit == org.section_a and person.position == position
    (assignment,) = person.assignments.all()
    assert (
        assignment.start == dt.date(2024, 3, 1) and assignment.end is None and assignment.position == position
    )
    assert person.history.latest().history_user == manager


def test_create_form_prefills_the_unit_from_the_query(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.get(reverse(CREATE), {"unit": "SEKSI-A"})
    assert response.status_code == 200
    assert '<option value="SEKSI-A" selected>' in response.text


def test_unit_choices_are_limited_to_units_the_user_may_edit(client, org, make_user, employee_in):
    person = employee_in(org.kpp_a)
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.get(update_url(person))
    units = [u.code for u in response.context["form"].fields["unit"].queryset]
    assert units == ["KPP-A", "SEKSI-A"]
    before = person.unit_id
    response = client.post(update_url(person), form_data(person, unit="KPP-B", start="2024-01-01"))
    assert "tidak ditemukan atau di luar wewenang Anda" in response.text
    person.refresh_from_db()
    assert person.unit_id == before


def test_move_closes_the_assignment_and_opens_a_new_one(client, org, make_user, employee_in):
    manager = make_user(org.kpp_a, Role.MANAGER)
    person = employee_in(org.kpp_a)
    first = Assignment.objects.create(employee=person, unit=org.kpp_a, start=dt.date(2020, 1, 1))
    position = PositionFactory(unit=org.section_a)
    client.force_login(manager)
    response = client.post(
        update_url(person),
        form_data(person, unit="SEKSI-A", position=position.pk, start="2024-07-01", kind="acting"),
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.end == dt.date(2024, 6, 30)
    current = person.assignments.get(end__isnull=True)
    assert (current.unit, current.position, current.start, current.kind) == (
        org.section_a,
        position,
        dt.date(2024, 7, 1),
        "acting",
    )
    person.refresh_from_db()
    assert person.unit == org.section_a and person.position == position
    assert person.history.latest().history_user == manager


def test_a_move_dated_before_the_current_assignment_is_refused(client, org, make_user, employee_in):
    person = employee_in(org.kpp_a)
    Assignment.objects.create(employee=person, unit=org.kpp_a, start=dt.date(2024, 1, 1))
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(update_url(person), form_data(person, unit="SEKSI-A", start="2023-01-01"))
    assert "tidak boleh sebelum tanggal mulai penugasan saat ini (01-01-2024)" in response.text
    assert person.assignments.count() == 1
    person.refresh_from_db()
    assert person.unit == org.kpp_a


def test_superior_cannot_be_self_or_a_subordinate(client, org, make_user, employee_in):
    boss = employee_in(org.kpp_a)
    middle = employee_in(org.kpp_a, superior=boss)
    low = employee_in(org.section_a, superior=middle)
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(update_url(boss), form_data(boss, superior=boss.nip))
    assert "Atasan langsung tidak boleh pegawai itu sendiri." in response.text
    response = client.post(update_url(boss), form_data(boss, superior=low.nip))
    assert "garis atasan tidak boleh melingkar" in response.text
    boss.refresh_from_db()
    assert boss.superior is None


def test_superior_must_be_within_reach(client, org, make_user, employee_in):
    person = employee_in(org.kpp_a)
    outsider = employee_in(org.kpp_b)
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(update_url(person), form_data(person, superior=outsider.nip))
    assert "Pegawai dengan NIP ini tidak ditemukan dalam jangkauan Anda." in response.text
    person.refresh_from_db()
    assert person.superior is None


def test_position_must_be_in_the_chosen_unit(client, org, make_user, employee_in):
    person = employee_in(org.kpp_a)
    elsewhere = PositionFactory(unit=org.section_a)
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(update_url(person), form_data(person, position=elsewhere.pk))
    assert response.status_code == 200
    assert "Pilih jabatan yang ada di unit yang dipilih." in response.text
    person.refresh_from_db()
    assert person.position is None


def test_position_options_follow_the_unit(client, org, make_user):
    PositionFactory(unit=org.section_a, title_id="Kepala Seksi A")
    PositionFactory(unit=org.kpp_b, title_id="Kepala Kantor B")
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    url = reverse("organisations:position-options")
    assert "Kepala Seksi A" in client.get(url, {"unit": "SEKSI-A"}).text
    assert "Kepala Kantor B" not in client.get(url, {"unit": "KPP-B"}).text
