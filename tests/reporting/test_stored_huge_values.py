"""Reading pages survive any stored realization (issue 10 item 5, reading side): a value wider than the
field's digits written around the entry paths, or an 18-digit one, never makes a page fail for any role."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from kinerja.reporting import services
from kinerja.reporting.models import Realization

from .conftest import approved, enter

pytestmark = pytest.mark.django_db

HUGE = ["99999999999999999999999999", "99999999999999999999.5", "123456789012345678", "-99999999999999999999"]
ROLES = ["employee", "manager", "leader", "auditor", "mko"]


def store(realization: Realization, value: str) -> Realization:
    """Write the value straight through the ORM, as an old import or a script could have.

    PostgreSQL enforces the column's precision on write (numeric(24, 6): below 10^18), so there such a row
    cannot exist and there is nothing to read; SQLite stores whatever it is given.
    """
    if connection.vendor != "sqlite" and abs(Decimal(value)) >= 10**18:
        pytest.skip(
            "PostgreSQL refuses a value beyond numeric(24, 6) when it is written: no such row can exist"
        )
    Realization.objects.filter(pk=realization.pk).update(value=Decimal(value))
    return Realization.objects.get(pk=realization.pk)


@pytest.mark.parametrize("value", HUGE)
def test_a_stored_huge_value_reads_back(world, value):
    stored = store(enter(world, world.quarterly, "2026-Q1", "90"), value)
    assert stored.value.is_finite()
    assert abs(stored.value - Decimal(value)) <= abs(Decimal(value)) * Decimal("1e-14")


@pytest.mark.parametrize("value", HUGE)
def test_reading_pages_answer_for_every_role(world, client, value):
    draft = store(enter(world, world.quarterly, "2026-Q1", "90"), value)
    done = store(approved(world, world.monthly, "2026-01", "10"), value)
    q1 = world.period("2026-Q1")
    services.compute_scorecard(strategy_map=world.map, period=q1, trigger="test")
    client.raise_request_exception = False
    urls = [
        reverse("reporting:map", args=[world.map.pk]),
        reverse("reporting:entry", args=[world.quarterly.pk, q1.pk]),
        reverse("reporting:realization", args=[draft.pk]),
        reverse("reporting:realization", args=[done.pk]),
        reverse("reporting:scorecard", args=[world.map.pk, q1.pk]),
    ]
    for role in ROLES:
        client.force_login(getattr(world, role))
        for url in urls:
            status = client.get(url).status_code
            assert status in (200, 403, 404), (role, url, status)
            assert status != 500
    client.force_login(world.manager)
    for url in urls:
        assert client.get(url).status_code == 200, url
