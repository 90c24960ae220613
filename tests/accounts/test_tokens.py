"""API tokens expire, die with a password change, and are seen and revoked on the user's page (issue 11 item 3)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from kinerja.accounts.models import ApiToken
from kinerja.accounts.tokens import issue_token
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ME = "/api/me/"


def _api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def user():
    return UserFactory(username="skrip.pemilik")


def test_a_fresh_token_works_and_records_its_use(user):
    token, key = issue_token(user=user, name="impor")
    assert _api(key).get(ME).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.digest != key and key not in token.digest  # only the digest is stored


def test_an_expired_token_is_refused(user):
    token, key = issue_token(user=user, name="lama")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = _api(key).get(ME)
    assert response.status_code in (401, 403) and "kedaluwarsa" in response.json()["detail"]


def test_a_password_change_kills_every_older_token(user):
    _token, key = issue_token(user=user, name="sebelum")
    user.set_password("kata-sandi-baru-123")
    user.save()
    response = _api(key).get(ME)
    assert response.status_code in (401, 403) and "Kata sandi" in response.json()["detail"]
    _token, newer = issue_token(user=user, name="sesudah")
    assert _api(newer).get(ME).status_code == 200


def test_a_revoked_or_unknown_token_is_refused(user, client):
    token, key = issue_token(user=user, name="cabut")
    client.force_login(user)
    assert client.post(reverse("accounts:token-revoke", args=[token.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _api(key).get(ME).status_code in (401, 403)
    assert _api("bukan-token").get(ME).status_code in (401, 403)


def test_the_page_lists_my_tokens_shows_a_new_key_once_and_hides_others(user, client):
    other = UserFactory()
    issue_token(user=other, name="milik-orang-lain")
    issue_token(user=user, name="milik-saya")
    client.force_login(user)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "milik-saya" in page and "milik-orang-lain" not in page
    created = client.post(reverse("accounts:tokens"), {"name": "skrip baru"}).content.decode()
    new = ApiToken.objects.get(user=user, name="skrip baru")
    assert new.prefix in created and "hanya ditampilkan sekali" in created
    theirs = ApiToken.objects.get(user=other)
    assert client.post(reverse("accounts:token-revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
