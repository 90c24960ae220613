"""Who may call the API: session or token, /api/me/, and nothing for anonymous callers."""

from __future__ import annotations

import pytest

from kinerja.accounts.models import ApiToken
from kinerja.accounts.tokens import issue_token
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    "/api/units/",
    "/api/units/KPP-A/",
    "/api/units/KPP-A/tree/",
    "/api/positions/",
    "/api/employees/",
    "/api/me/",
]


@pytest.mark.parametrize("url", ENDPOINTS)
def test_anonymous_callers_get_401_with_the_scheme_to_use(org, api, url):
    response = api.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_anonymous_callers_cannot_write(org, api):
    assert api.post("/api/employees/", {"nip": "1"}, format="json").status_code == 401


def test_a_user_without_any_role_may_list_nothing(org, api_as):
    client = api_as()
    assert client.get("/api/units/").status_code == 403
    assert client.get("/api/units/KPP-A/").status_code == 404
    assert client.get("/api/me/").json()["roles"] == []


def test_me_tells_the_user_roles_and_employee(org, api, make_user):
    employee = EmployeeFactory(unit=org.kpp_a, name="Rina Siregar")
    user = make_user(org.kpp_a, "manager", first_name="Rina", last_name="Siregar", employee=employee)
    api.force_login(user)
    body = api.get("/api/me/").json()
    assert body["username"] == user.username
    assert body["full_name"] == "Rina Siregar"
    assert body["is_superuser"] is False
    assert body["can_edit_people"] is True
    assert body["roles"] == [
        {"role": "manager", "role_label": "Pengelola kinerja", "unit": "KPP-A", "unit_name": "KPP Pratama A"}
    ]
    assert body["employee"]["nip"] == employee.nip
    assert body["employee"]["unit"] == "KPP-A"


def test_me_without_an_employee(org, api_as):
    body = api_as(org.kpp_a, "auditor").get("/api/me/").json()
    assert body["employee"] is None
    assert body["can_edit_people"] is False


def test_a_token_is_obtained_with_a_password_and_works(org, api, make_user):
    user = make_user(org.kpp_a, "employee")
    response = api.post(
        "/api/auth/token/", {"username": user.username, "password": "rahasia-123"}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert ApiToken.objects.get(user=user).prefix == token[:8]  # an expiring token; only its digest is kept
    assert response.json()["expires_at"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/me/").json()["username"] == user.username
    assert [u["code"] for u in api.get("/api/units/").json()["results"]] == ["KPP-A", "SEKSI-A"]


def test_a_token_is_obtained_with_the_nip(org, api, make_user):
    employee = EmployeeFactory(unit=org.kpp_a)
    user = make_user(org.kpp_a, "employee", employee=employee)
    response = api.post(
        "/api/auth/token/", {"username": employee.nip, "password": "rahasia-123"}, format="json"
    )
    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).prefix == response.json()["token"][:8]


def test_a_wrong_password_gets_no_token(org, api, make_user):
    user = make_user(org.kpp_a, "employee")
    response = api.post("/api/auth/token/", {"username": user.username, "password": "salah"}, format="json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_bad_token_is_401(org, api):
    api.credentials(HTTP_AUTHORIZATION="Token bukan-token")
    assert api.get("/api/units/").status_code == 401


def test_token_writes_need_no_csrf_but_session_writes_do(org, make_user, employee_in):
    from rest_framework.test import APIClient

    staff = employee_in(org.kpp_a)
    user = make_user(org.kpp_a, "manager")
    session = APIClient(enforce_csrf_checks=True)
    session.force_login(user)
    assert session.patch(f"/api/employees/{staff.nip}/", {"name": "B"}, format="json").status_code == 403
    token = APIClient(enforce_csrf_checks=True)
    token.credentials(HTTP_AUTHORIZATION=f"Token {issue_token(user=user, name='uji')[1]}")
    assert token.patch(f"/api/employees/{staff.nip}/", {"name": "B"}, format="json").status_code == 200
