"""The scorecard page costs what it shows (issue 16 item 2): the same number of queries for a map of five
KPIs among two maps as for a map of twenty among eight, with a long history of recomputations; the history
lists the newest snapshots (without loading their figures) and says how many there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from kinerja.reporting.views import HISTORY_SHOWN

from .scale import TODAY, grow

pytestmark = pytest.mark.django_db

SCORECARD_BUDGET = 24
"""The scorecard page: session, user, roles and the bell (4), the map and period (2), the snapshot (1), its
staleness (the map's data and counted realizations, 8), the history with its count (1), the periods (1), the
latest snapshot (1), the endorsement lookups (2), and room for four more of the base template."""


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def _q2(world: Any) -> ReportingPeriod:
    return ReportingPeriod.objects.get(plan_year=world.year, frequency="quarterly", number=2)


def _pages(client: Any, snapshot: ScoreSnapshot) -> dict[str, tuple[Any, int]]:
    found = {}
    for name, url in (
        ("scorecard", reverse("reporting:scorecard", args=[snapshot.strategy_map_id, snapshot.period_id])),
        ("snapshot", reverse("reporting:snapshot", args=[snapshot.pk])),
    ):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url)
        assert page.status_code == 200
        found[name] = (page, len(queries.captured_queries))
    return found


def _history(snapshot: ScoreSnapshot, count: int) -> None:
    """`count` earlier computations of the same map and period (the page lists them, newest first)."""
    ScoreSnapshot.objects.bulk_create(
        [
            ScoreSnapshot(
                strategy_map_id=snapshot.strategy_map_id,
                period_id=snapshot.period_id,
                rule_set=snapshot.rule_set,
                trigger=f"uji-{n}",
                nko=snapshot.nko,
                result=snapshot.result,
            )
            for n in range(count)
        ]
    )


def test_the_scorecard_page_costs_the_same_for_a_small_map_as_for_a_large_one(
    client: Any, world: Any, org: Any, today: None, django_assert_max_num_queries: Any
) -> None:
    period = _q2(world)
    small_map = grow(world, org, maps=2, kpis=5)[0]
    small = services.compute_scorecard(strategy_map=small_map, period=period, trigger="test")
    assert not small.has_errors, small.result.get("errors")
    client.force_login(world.mko)
    before = _pages(client, small)
    page = before["scorecard"][0]
    assert page.context["snapshot"] == small and len(page.context["history"]) == 1
    assert page.context["view"].nko.value == small.nko
    kpis = [k for p in page.context["view"].perspectives for o in p.objectives for k in o.kpis]
    assert len(kpis) == 5

    large_map = grow(world, org, maps=6, kpis=20)[0]
    large = services.compute_scorecard(strategy_map=large_map, period=period, trigger="test")
    _history(large, HISTORY_SHOWN + 10)
    for name, (_page, count) in before.items():
        url = (
            reverse("reporting:scorecard", args=[large_map.pk, period.pk])
            if name == "scorecard"
            else reverse("reporting:snapshot", args=[large.pk])
        )
        with django_assert_max_num_queries(SCORECARD_BUDGET) as queries:
            page = client.get(url)
        assert page.status_code == 200
        assert len(queries.captured_queries) == count, name
    kpis = [k for p in page.context["view"].perspectives for o in p.objectives for k in o.kpis]
    assert len(kpis) == 20
    assert len(page.context["history"]) == HISTORY_SHOWN
    assert page.context["history_total"] == HISTORY_SHOWN + 11
    assert f"{HISTORY_SHOWN} potret terbaru dari {HISTORY_SHOWN + 11}." in page.content.decode()
    # the history is listed without its figures' JSON: one query, whatever the snapshots hold
    assert all("result" in s.get_deferred_fields() for s in page.context["history"])
