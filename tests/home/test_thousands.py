"""Counts on the home page are written as people read them: `1.234` in Indonesian, `1,234` in English — and
identifiers (NIP, years, codes, ids in links) are never formatted: only the counts' templates use `|num`."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from kinerja.organisations.models import Employee

pytestmark = pytest.mark.django_db

MANY = 1234


def _stat(page: str, label: str) -> str:
    """The figure of the stat card whose label is `label`."""
    head, _sep, _tail = page.partition(label)
    return head.rsplit('<div class="stat">', 1)[1].split("</div>", 1)[0]


def test_home_counts_have_thousands_separators(client: Any, org: Any, make_user: Any) -> None:
    Employee.objects.bulk_create(
        Employee(nip=f"19800101200001{n:04d}", name=f"Pegawai {n}", unit=org.kpp_a) for n in range(MANY)
    )
    client.force_login(make_user(org.ministry, "manager"))
    with translation.override("id"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert _stat(page, "pegawai aktif") == "1.234"
    client.cookies["django_language"] = "en"
    with translation.override("en"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1,234" in page and "1.234" not in page
