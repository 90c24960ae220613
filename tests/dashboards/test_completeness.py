"""The completeness status report: KPIs and periods not yet submitted, verified or approved, per unit in reach."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.dashboards import selectors
from kinerja.reporting.models import RealizationState

from .conftest import realize

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:completeness")
MARCH_END = dt.date(2026, 4, 15)


@pytest.fixture
def entered(world):
    """As of Q1 (March): S1.1 Q1 approved; C1.1 January submitted, February draft, March missing.
    KPP-B: nothing."""
    realize(world, world.quarterly, "2026-Q1", 90)
    realize(world, world.monthly, "2026-01", 10, state=RealizationState.SUBMITTED)
    realize(world, world.monthly, "2026-02", 10, state=RealizationState.DRAFT)
    return world.period("2026-Q1")


def test_each_due_kpi_period_is_counted_by_state(world, org, make_user, entered):
    report = selectors.completeness(make_user(org.kanwil, Role.LEADER), period=entered.pk, today=MARCH_END)

    by_unit = {row.unit.code: row for row in report.units}
    assert set(by_unit) == {"KPP-A", "KPP-B"}
    kpp_a = by_unit["KPP-A"]
    assert kpp_a.counts == {"approved": 1, "submitted": 1, "draft": 1, "missing": 1}
    assert kpp_a.expected == 4 and kpp_a.percent == 25
    assert [(i.unit_code, i.kpi_code, i.period.label, i.state) for i in report.items] == [
        ("KPP-A", "C1.1", "2026-01", "submitted"),
        ("KPP-A", "C1.1", "2026-02", "draft"),
        ("KPP-A", "C1.1", "2026-03", "missing"),
        ("KPP-B", "S1.1", "2026-Q1", "missing"),
    ]
    assert by_unit["KPP-B"].counts == {"missing": 1}
    assert [s for s, n in report.totals if n] == ["missing", "draft", "submitted", "approved"]


def test_only_periods_that_have_ended_by_the_chosen_one_count(world, org, make_user, entered):
    january = world.period("2026-01")
    report = selectors.completeness(make_user(org.kanwil, Role.LEADER), period=january.pk, today=MARCH_END)
    assert [(i.unit_code, i.kpi_code, i.period.label) for i in report.items] == [("KPP-A", "C1.1", "2026-01")]


def test_the_default_is_the_last_period_ended_by_today(world, org, make_user, entered):
    report = selectors.completeness(make_user(org.kanwil, Role.LEADER), today=MARCH_END)
    assert report.period.end == dt.date(2026, 3, 31)


def test_the_page_lists_what_is_missing_per_unit(client, world, entered):
    client.force_login(world.manager)
    response = client.get(URL, {"periode": entered.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-unit="KPP-A"' in html and 'data-unit="KPP-B"' not in html
    items = html[html.index('id="items"') :]
    assert "belum diisi" in items and "Diajukan" in items and "Konsep" in items
    assert reverse("reporting:entry", args=[world.monthly.pk, world.period("2026-03").pk]) in items


def test_a_state_filter_narrows_the_list(client, world, entered):
    client.force_login(world.manager)
    report = client.get(URL, {"periode": entered.pk, "status": "missing"}).context["report"]
    assert [(i.kpi_code, i.period.label) for i in report.items] == [("C1.1", "2026-03")]


def test_a_unit_outside_the_reach_is_404_and_its_subtree_is_chosen_otherwise(
    client, world, org, make_user, entered
):
    client.force_login(world.manager)
    assert client.get(URL, {"unit": org.kpp_b.pk}).status_code == 404
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    report = client.get(URL, {"unit": org.kpp_b.pk, "periode": entered.pk}).context["report"]
    assert [r.unit.code for r in report.units] == ["KPP-B"]


def test_the_csv_export_lists_the_open_items(client, world, entered):
    client.force_login(world.manager)
    response = client.get(reverse("dashboards:completeness-export", args=["csv"]), {"periode": entered.pk})
    assert response.status_code == 200
    assert response.streaming  # rows are written as the database hands them over, never all in memory
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Kode unit"
    assert [(r[0], r[2], r[4], r[6]) for r in rows[1:]] == [
        ("KPP-A", "C1.1", "2026-01", "Diajukan"),
        ("KPP-A", "C1.1", "2026-02", "Konsep"),
        ("KPP-A", "C1.1", "2026-03", "belum diisi"),
    ]
