"""Signing in: with a username, with an NIP, and the message for a wrong password."""

from __future__ import annotations

import pytest

from kinerja.accounts.models import Role
from tests.e2e.helpers import PASSWORD, login, path_of, signed_in_as

pytestmark = pytest.mark.e2e

WRONG_LOGIN = "Nama pengguna/NIP atau kata sandi salah. Perhatikan huruf besar dan kecil."


def test_log_in_with_a_username(page, live_server, org, make_user):
    user = make_user(org.kpp_a, Role.EMPLOYEE, username="budi", first_name="Budi", last_name="Santoso")

    login(page, live_server, user.username, PASSWORD)

    assert path_of(page.url) == "/"
    assert page.locator("h1").inner_text() == "Selamat datang, Budi Santoso"
    assert page.locator(".topbar .user-name").inner_text() == "Budi Santoso"
    assert signed_in_as(page) == "budi"


def test_log_in_with_the_nip_of_the_linked_employee(page, live_server, org, make_user, employee_in):
    employee = employee_in(org.kpp_a, name="Siti Rahmawati")
    make_user(org.kpp_a, Role.EMPLOYEE, username="siti", employee=employee)

    login(page, live_server, employee.nip, PASSWORD)

    assert path_of(page.url) == "/"
    assert signed_in_as(page) == "siti"


def test_a_wrong_password_shows_the_indonesian_message_and_stays_on_the_login_page(
    page, live_server, org, make_user
):
    make_user(org.kpp_a, Role.EMPLOYEE, username="budi")

    response = login(page, live_server, "budi", "salah-sekali", expect_success=False)

    assert response.status == 200
    assert path_of(page.url) == "/accounts/login/"
    assert page.get_by_role("alert").inner_text() == WRONG_LOGIN
    assert page.locator("#id_username").input_value() == "budi"
    assert page.locator("#id_password").input_value() == ""  # a password is never sent back
    # Still signed out: the home page sends us back to the login form.
    assert signed_in_as(page) is None
    page.goto("/")
    assert path_of(page.url) == "/accounts/login/"
