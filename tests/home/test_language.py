"""Pages are Indonesian unless the user picks English; the API follows Accept-Language."""

from __future__ import annotations

import pytest
from django.conf import settings


@pytest.mark.django_db
def test_pages_ignore_an_english_browser_until_the_user_switches(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="id">' in page.text
    assert "Masuk ke Kinerja" in page.text
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/accounts/login/")
    assert '<html lang="en">' in page.text
    assert "Masuk ke Kinerja" not in page.text


@pytest.mark.django_db
def test_the_api_answers_in_the_requested_language(client):
    english = client.get("/api/units/", HTTP_ACCEPT_LANGUAGE="en")
    indonesian = client.get("/api/units/", HTTP_ACCEPT_LANGUAGE="id")
    assert english.status_code == indonesian.status_code == 401
    assert english.json()["detail"] != indonesian.json()["detail"]
