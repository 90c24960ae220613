"""Repeated wrong passwords lock the account from that address, with a clear message (issue 11 item 3)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from kinerja.accounts.lockout import username_of
from tests.factories import EmployeeFactory, UserFactory, make_unit

PASSWORD = "benar-sekali-123"
pytestmark = pytest.mark.django_db


@pytest.fixture
def user():
    account = UserFactory(username="pengguna.uji")
    account.set_password(PASSWORD)
    account.save()
    return account


def _sign_in(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_five_wrong_passwords_then_even_the_right_one_is_refused(client, user):
    for _ in range(5):
        assert _sign_in(client, user.username, "salah").status_code in (200, 429)
    locked = _sign_in(client, user.username, PASSWORD)
    assert locked.status_code == 429
    assert "dikunci sementara" in locked.content.decode() and "15 menit" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5)
def test_a_success_before_the_limit_resets_the_count(client, user):
    for _ in range(4):
        _sign_in(client, user.username, "salah")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        _sign_in(client, user.username, "salah")
    assert _sign_in(client, user.username, PASSWORD).status_code == 302


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_the_api_token_endpoint_is_locked_too(client, user):
    url = reverse("api-token")
    for _ in range(3):
        client.post(url, {"username": user.username, "password": "salah"})
    response = client.post(url, {"username": user.username, "password": PASSWORD})
    assert response.status_code in (403, 429)
    assert "token" not in response.json()


def test_a_nip_counts_as_the_account_it_belongs_to(user):
    employee = EmployeeFactory(unit=make_unit("KPP-NIP"))
    user.employee = employee
    user.save(update_fields=["employee"])
    assert username_of(None, {"username": employee.nip}) == user.username
    assert username_of(None, {"username": " pengguna.uji "}) == "pengguna.uji"


def test_the_token_endpoint_is_throttled(client):
    """The throttle classes are on in every settings; the test settings only raise the rates."""
    cache.clear()
    with mock.patch.object(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/minute"}):
        answers = [
            client.post(reverse("api-token"), {"username": "x", "password": "y"}).status_code
            for _ in range(5)
        ]
    cache.clear()
    assert answers[:3] == [400, 400, 400] and answers[3:] == [429, 429]
