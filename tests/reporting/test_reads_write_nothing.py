"""Reads that write (issue 11 item 8): a GET changes nothing. Periods are made with their plan year (and by
`generate_periods`, `close_periods`), snapshots by the recompute task and the "Hitung ulang" POST."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from kinerja.planning.models import PlanYear
from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot

from .conftest import enter

pytestmark = pytest.mark.django_db


def row_counts() -> dict[str, int]:
    """The number of rows of every table of every installed model (history tables and sessions included)."""
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if (
                table in counts or not model._meta.managed
            ):  # unmanaged: no table (django-rq's dashboard entry)
                continue
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def pages(world) -> list[str]:
    q1 = world.period("2026-Q1").pk
    return [
        reverse("reporting:index"),
        reverse("reporting:map", args=[world.map.pk]),
        reverse("reporting:map", args=[world.map.pk]) + f"?periode={q1}",
        reverse("reporting:scorecard", args=[world.map.pk, q1]),
        reverse("reporting:export", args=[world.map.pk, q1, "csv"]),
        reverse("reporting:export", args=[world.map.pk, q1, "xlsx"]),
        reverse("reporting:template", args=[world.map.pk, "csv"]),
        reverse("reporting:periods") + "?tahun=2026",
        f"/api/scorecards/latest/?map={world.map.pk}&period=2026-Q1",
        f"/api/scorecards/latest/?map={world.map.pk}&period={q1}",
        f"/api/scorecards/?map={world.map.pk}",
        "/api/realizations/",
        "/api/reporting-periods/",
    ]


@pytest.mark.parametrize("role", ["auditor", "manager"])
def test_gets_as_an_auditor_and_a_manager_change_no_row(world, client, role):
    enter(world, world.quarterly, "2026-Q1", "90")
    user = getattr(world, role)
    client.force_login(user)
    client.get(reverse("reporting:index"))  # the session is made by the first request, not counted
    before = row_counts()
    answers = {url: client.get(url).status_code for url in pages(world)}
    assert row_counts() == before, answers
    assert not ScoreSnapshot.objects.exists()
    assert all(code < 500 for code in answers.values()), answers


def test_a_scorecard_never_computed_says_so_and_the_post_computes_it(world, client):
    q1 = world.period("2026-Q1")
    client.force_login(world.manager)
    page = client.get(reverse("reporting:scorecard", args=[world.map.pk, q1.pk]))
    assert page.status_code == 200 and "belum dihitung" in page.content.decode()
    assert "Hitung ulang" in page.content.decode()
    export = client.get(reverse("reporting:export", args=[world.map.pk, q1.pk, "csv"]))
    assert export.status_code == 302
    assert not ScoreSnapshot.objects.exists()
    client.post(reverse("reporting:scorecard", args=[world.map.pk, q1.pk]))
    assert ScoreSnapshot.objects.filter(strategy_map=world.map, period=q1).count() == 1
    client.force_login(world.auditor)
    page = client.get(reverse("reporting:scorecard", args=[world.map.pk, q1.pk]))
    assert page.status_code == 200 and "belum dihitung" not in page.content.decode()
    assert "Hitung ulang" not in page.content.decode()


def test_a_new_plan_year_comes_with_its_periods(org):
    from tests.planning import builders as b

    year = b.plan_year(2031, "kmk-467-2014")
    assert ReportingPeriod.objects.filter(plan_year=year).count() == 19
    assert PlanYear.objects.get(pk=year.pk)
    assert len(services.generate_periods(plan_year=year)) == 19  # idempotent
