"""The strategy map pages cost what they show (issue 16 item 2): the status-coloured map (dashboards) and the
planning map page take the same number of queries for a map of five KPIs among two maps as for a map of
twenty among eight, realizations and snapshots included."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod
from tests.reporting.scale import TODAY, grow

pytestmark = pytest.mark.django_db

STATUS_MAP_BUDGET = 16  # as tests/dashboards/test_status_map.py allows
MAP_PAGE_BUDGET = 30


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def _urls(strategy_map: Any, period: ReportingPeriod) -> dict[str, str]:
    return {
        "status map": reverse("dashboards:status-map", args=[strategy_map.pk]) + f"?periode={period.pk}",
        "status map (default period)": reverse("dashboards:status-map", args=[strategy_map.pk]),
        "map page": reverse("strategy:map", args=[strategy_map.pk]),
    }


def _count(client: Any, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, len(queries.captured_queries)


def test_the_map_pages_cost_the_same_for_a_small_map_as_for_a_large_one(
    client: Any, world: Any, org: Any, today: None, django_assert_max_num_queries: Any
) -> None:
    period = ReportingPeriod.objects.get(plan_year=world.year, frequency="quarterly", number=2)
    small_map = grow(world, org, maps=2, kpis=5)[0]
    services.compute_scorecard(strategy_map=small_map, period=period, trigger="test")
    client.force_login(world.mko)
    small = {name: _count(client, url) for name, url in _urls(small_map, period).items()}
    rows = small["status map"][0].context["coloured"].rows
    assert {r.code for r in rows} == {"S1", "S2"} and all(r.status != "none" for r in rows)

    large_map = grow(world, org, maps=6, kpis=20)[0]
    services.compute_scorecard(strategy_map=large_map, period=period, trigger="test")
    for name, url in _urls(large_map, period).items():
        budget = MAP_PAGE_BUDGET if name == "map page" else STATUS_MAP_BUDGET
        with django_assert_max_num_queries(budget) as queries:
            page = client.get(url)
        assert page.status_code == 200
        assert len(queries.captured_queries) == small[name][1], name
    assert page.context["map"] == large_map
    assert sum(count for _o, count in page.context["bands"][0]["objectives"]) == 20
