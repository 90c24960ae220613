"""The API documentation pages work on an intranet: every asset comes from our own static files."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, django_user_model):
    """The documentation is for signed-in users (the anonymous answer is in tests/test_access_matrix.py)."""
    client.force_login(django_user_model.objects.create_user("pembaca.api"))
    return client


ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def assets(html: str) -> list[str]:
    return ASSET.findall(html)


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_the_docs_pages_load_nothing_from_outside(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    found = assets(html)
    assert found, html
    for url in found:
        assert not re.match(r"^(https?:)?//", url), url
    assert "googleapis" not in html and "cdn.jsdelivr" not in html


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_the_vendored_assets_exist(client, url_name):
    html = client.get(reverse(url_name)).content.decode()
    static = [u for u in assets(html) if u.startswith("/static/")]
    assert static
    for url in static:
        assert finders.find(url.removeprefix("/static/")), url


@pytest.mark.parametrize("url_name", ["api-docs", "api-redoc"])
def test_the_docs_pages_read_our_schema(client, url_name):
    assert reverse("api-schema") in client.get(reverse(url_name)).content.decode()
