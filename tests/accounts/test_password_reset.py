"""Password reset by e-mail: the link arrives, works once, and sets a new password."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail

pytestmark = pytest.mark.django_db


def test_a_user_resets_the_password_through_the_mailed_link(client, make_user):
    user = make_user(email="pegawai@kemenkeu.example")
    response = client.post("/accounts/password-reset/", {"email": "pegawai@kemenkeu.example"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["pegawai@kemenkeu.example"]
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200 and form_page.context["validlink"]
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Kinerja-Baru-2026!", "new_password2": "Kinerja-Baru-2026!"},
    )
    assert done.status_code == 302
    assert authenticate(username=user.username, password="Kinerja-Baru-2026!") is not None
    again = client.get(link, follow=True)
    assert not again.context["validlink"]  # a used link does not work twice


def test_an_unknown_address_reveals_nothing(client):
    response = client.post("/accounts/password-reset/", {"email": "tidak.ada@kemenkeu.example"})
    assert response.status_code == 302 and response.url.endswith("/accounts/password-reset/sent/")
    assert mail.outbox == []
