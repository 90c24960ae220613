"""Kinerja's own error pages, in the user's language — never Django's debug pages or a bare "403 Forbidden"."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory, override_settings
from django.utils import translation
from django.views import defaults

from kinerja.config.settings import local
from tests.factories import UserFactory


@pytest.mark.django_db
def test_an_unknown_or_out_of_scope_address_shows_the_branded_404(client):
    client.force_login(UserFactory())
    response = client.get("/organisasi/unit/TIDAK-ADA/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Halaman tidak ditemukan" in html and "Kembali ke beranda" in html
    assert "URLconf" not in html and "Traceback" not in html


@pytest.mark.django_db
def test_the_404_follows_the_users_language(client):
    client.force_login(UserFactory())
    client.cookies["django_language"] = "en"
    html = client.get("/tidak-ada/").content.decode()
    assert "Page not found" in html and "Halaman tidak ditemukan" not in html


@pytest.mark.django_db
def test_a_refused_action_shows_the_branded_403_with_its_reason(rf: RequestFactory):
    request = rf.get("/")
    request.user = UserFactory()
    with translation.override("id"):
        response = defaults.permission_denied(
            request, PermissionDenied("Anda tidak berwenang melakukan tindakan ini.")
        )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Akses ditolak" in html and "Anda tidak berwenang melakukan tindakan ini." in html


def test_a_crash_shows_the_branded_500(rf: RequestFactory):
    with translation.override("en"):
        response = defaults.server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Server error" in html or "went wrong" in html
    assert "Traceback" not in html


def test_make_run_shows_no_debug_pages_and_runs_background_work_at_once():
    assert local.DEBUG is False  # unless DEBUG=1 (make dev)
    assert local.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_a_csrf_failure_explains_itself():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in response.content.decode()
