"""/api/employees/: read within reach, written by administrators and managers through the services."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.organisations.models import Assignment, Employee
from kinerja.organisations.validators import nip_problem
from tests.factories import grant, make_nip

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org, employee_in, position_in):
    """A head of KPP-A with a staff member in SEKSI-A, and one employee in KPP-B."""
    head_position = position_in(org.kpp_a, head=True)
    staff_position = position_in(org.section_a, superior=head_position)
    head = employee_in(org.kpp_a, name="Budi Santoso", position=head_position)
    staff = employee_in(org.section_a, name="Siti Rahayu", position=staff_position, superior=head)
    other = employee_in(org.kpp_b, name="Agus Wibowo")
    return SimpleNamespace(head=head, staff=staff, other=other, staff_position=staff_position)


def test_the_list_holds_the_employees_the_user_reaches(people, org, api_as):
    client = api_as(org.kpp_a, "employee")
    body = client.get("/api/employees/").json()
    assert [e["nip"] for e in body["results"]] == [people.head.nip, people.staff.nip]  # ordered by name
    row = body["results"][1]
    assert row["unit"] == "SEKSI-A"
    assert row["unit_name"] == org.section_a.name_id
    assert row["position"] == people.staff.position.code
    assert row["position_title"] == people.staff.position.title_id
    assert row["superior"] == people.head.nip
    assert row["superior_name"] == "Budi Santoso"
    assert row["is_active"] is True


def test_an_employee_is_read_by_nip(people, org, api_as):
    client = api_as(org.kanwil, "auditor")
    response = client.get(f"/api/employees/{people.staff.nip}/")
    assert response.status_code == 200
    assert response.json()["name"] == "Siti Rahayu"
    assert client.get(f"/api/employees/{people.other.nip}/").json()["superior"] is None


def test_a_user_of_kpp_a_cannot_read_an_employee_of_kpp_b(people, org, api_as):
    client = api_as(org.kpp_a, "leader")
    assert client.get(f"/api/employees/{people.other.nip}/").status_code == 404
    assert (
        client.patch(f"/api/employees/{people.other.nip}/", {"name": "X"}, format="json").status_code == 404
    )


def test_an_employee_reads_their_own_record_even_outside_their_roles(people, org, api_as):
    client = api_as(org.kpp_a, "employee", employee=people.other)
    assert client.get(f"/api/employees/{people.other.nip}/").status_code == 200


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("search=siti", ["Siti Rahayu"]),
        ("unit=SEKSI-A", ["Siti Rahayu"]),
        ("unit=KPP-A", ["Budi Santoso", "Siti Rahayu"]),
        ("unit=TIDAK-ADA", []),
        ("position_type=structural", ["Budi Santoso"]),
        ("is_active=false", []),
    ],
)
def test_the_list_filters(people, org, api_as, query, names):
    client = api_as(org.djp, "manager")
    body = client.get(f"/api/employees/?{query}").json()
    assert [e["name"] for e in body["results"]] == names


def test_search_by_nip_prefix(people, org, api_as):
    client = api_as(org.djp, "manager")
    body = client.get(f"/api/employees/?search={people.other.nip}").json()
    assert [e["nip"] for e in body["results"]] == [people.other.nip]


def test_the_list_costs_the_same_queries_for_5_or_50_employees(org, api_as, employee_in, position_in):
    client = api_as(org.djp, "manager")
    head_position = position_in(org.kpp_a, head=True)
    head = employee_in(org.kpp_a, position=head_position)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/api/employees/?page_size=100")
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    for _ in range(4):
        employee_in(org.section_a, superior=head, position=position_in(org.section_a, superior=head_position))
    few, count = queries()
    assert count == 5
    for n in range(45):
        unit = org.kpp_b if n % 2 else org.section_a
        employee_in(unit, superior=head, position=position_in(unit))
    many, count = queries()
    assert count == 50
    assert many == few
    assert few <= 6


def test_an_employee_role_cannot_update(people, org, api_as):
    client = api_as(org.kpp_a, "employee")
    response = client.patch(f"/api/employees/{people.staff.nip}/", {"name": "Nama Baru"}, format="json")
    assert response.status_code == 403
    people.staff.refresh_from_db()
    assert people.staff.name == "Siti Rahayu"


@pytest.mark.parametrize("role", ["leader", "auditor"])
def test_leaders_and_auditors_cannot_update_either(people, org, api_as, role):
    client = api_as(org.kpp_a, role)
    assert (
        client.patch(f"/api/employees/{people.staff.nip}/", {"name": "X"}, format="json").status_code == 403
    )


def test_a_manager_updates_an_employee_in_the_subtree(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    response = client.patch(
        f"/api/employees/{people.staff.nip}/",
        {"name": "Siti Rahayu Lestari", "email": "siti@example.go.id"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Siti Rahayu Lestari"
    people.staff.refresh_from_db()
    assert (people.staff.name, people.staff.email) == ("Siti Rahayu Lestari", "siti@example.go.id")
    assert (
        people.staff.superior == people.head and people.staff.unit == org.section_a
    )  # untouched by a partial update
    latest = people.staff.history.latest()
    assert latest.history_user.roles.get().role == "manager"


def test_a_manager_moves_an_employee_and_the_move_is_an_assignment(people, org, api_as, position_in):
    Assignment.objects.create(
        employee=people.staff, unit=org.section_a, position=people.staff.position, start=dt.date(2020, 1, 1)
    )
    client = api_as(org.kpp_a, "manager")
    target = position_in(org.kpp_a)
    response = client.patch(
        f"/api/employees/{people.staff.nip}/",
        {"unit": "KPP-A", "position": target.code, "move_start": "2025-07-01"},
        format="json",
    )
    assert response.status_code == 200, response.content
    people.staff.refresh_from_db()
    assert people.staff.unit == org.kpp_a and people.staff.position == target
    assignments = list(people.staff.assignments.order_by("start"))
    assert [(a.unit.code, a.start, a.end) for a in assignments] == [
        ("SEKSI-A", dt.date(2020, 1, 1), dt.date(2025, 6, 30)),
        ("KPP-A", dt.date(2025, 7, 1), None),
    ]


def test_a_manager_cannot_move_an_employee_out_of_reach(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    response = client.patch(
        f"/api/employees/{people.staff.nip}/", {"unit": "KPP-B", "position": None}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()


def test_a_put_replaces_the_record(people, org, api_as):
    client = api_as(org.kpp_a, "admin")
    payload = {
        "nip": people.staff.nip,
        "name": "Siti R.",
        "unit": "SEKSI-A",
        "position": people.staff.position.code,
    }
    response = client.put(f"/api/employees/{people.staff.nip}/", payload, format="json")
    assert response.status_code == 200, response.content
    people.staff.refresh_from_db()
    assert people.staff.name == "Siti R." and people.staff.superior is None and people.staff.email == ""


def test_a_manager_creates_an_employee_with_a_first_assignment(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    nip = make_nip()
    payload = {
        "nip": nip,
        "name": "Dewi Lestari",
        "email": "dewi@example.go.id",
        "unit": "SEKSI-A",
        "position": people.staff_position.code,
        "superior": people.head.nip,
        "start": "2025-01-02",
    }
    response = client.post("/api/employees/", payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["nip"] == nip
    employee = Employee.objects.get(nip=nip)
    assert employee.superior == people.head
    assignment = employee.assignments.get()
    assert (assignment.unit, assignment.start, assignment.end) == (org.section_a, dt.date(2025, 1, 2), None)


def test_an_invalid_nip_is_a_400_naming_the_field(org, api_as):
    client = api_as(org.kpp_a, "manager")
    bad = "19800101200501"
    response = client.post("/api/employees/", {"nip": bad, "name": "A", "unit": "KPP-A"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"nip": [nip_problem(bad)]}
    assert not Employee.objects.filter(nip=bad).exists()


def test_a_nip_with_an_impossible_birth_date_is_a_400(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    bad = "198013012005011001"
    response = client.patch(f"/api/employees/{people.staff.nip}/", {"nip": bad}, format="json")
    assert response.status_code == 400
    assert response.json()["nip"] == [nip_problem(bad)]


def test_a_duplicate_nip_is_a_400(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    response = client.post(
        "/api/employees/", {"nip": people.other.nip, "name": "Kembar", "unit": "KPP-A"}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["nip"]


def test_a_position_of_another_unit_is_a_400(people, org, api_as):
    client = api_as(org.kpp_a, "manager")
    payload = {"nip": make_nip(), "name": "A", "unit": "KPP-A", "position": people.staff_position.code}
    response = client.post("/api/employees/", payload, format="json")
    assert response.status_code == 400
    assert "position" in response.json()


def test_creating_outside_reach_or_without_the_role_is_refused(people, org, api_as, make_user):
    manager = api_as(org.kpp_a, "manager")
    response = manager.post(
        "/api/employees/", {"nip": make_nip(), "name": "A", "unit": "KPP-B"}, format="json"
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    employee = api_as(org.kpp_a, "employee")
    response = employee.post(
        "/api/employees/", {"nip": make_nip(), "name": "A", "unit": "KPP-A"}, format="json"
    )
    assert response.status_code == 403


def test_a_manager_elsewhere_cannot_add_in_a_unit_they_only_read(people, org, api, make_user):
    user = make_user(org.kpp_b, "manager")
    grant(user, org.kpp_a, "employee")
    api.force_login(user)
    response = api.post("/api/employees/", {"nip": make_nip(), "name": "A", "unit": "KPP-A"}, format="json")
    assert response.status_code == 403
    assert not Employee.objects.filter(name="A").exists()


def test_employees_cannot_be_deleted(people, org, api_as):
    client = api_as(org.ministry, "admin")
    assert client.delete(f"/api/employees/{people.staff.nip}/").status_code == 405
