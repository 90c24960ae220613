"""The dashboard and the NKO ranking at two sizes (issue 16 items 2 and 4): the same queries, the right content,
rankings paged, and the per-period headlines cached until a new snapshot is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.dashboards import selectors

from .conftest import approved_map, headline, office
from .test_completeness_sql import grow

D = Decimal
pytestmark = pytest.mark.django_db
DASHBOARD = reverse("dashboards:dashboard")
RANKING = reverse("dashboards:ranking")
DASHBOARD_BUDGET = 26  # see tests/dashboards/test_dashboard.py: fixed, whatever the maps, KPIs and units
RANKING_BUDGET = 13  # session, user, roles, years, levels and kinds, maps chosen, periods, snapshot counts,
# the headlines' version and (cold) the headlines, the page's maps, the bell


def _scored(maps, period, start: int = 0) -> None:
    for i, m in enumerate(maps, start=start):
        headline(m, period, 80 + (i * 7) % 40, "Baik")


def _get(client, url, **params):
    cache.clear()  # every size measured from the same, cold, cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def _expected_order(rows) -> None:
    nkos = [r.nko for r in rows if r.nko is not None]
    assert nkos == sorted(nkos, reverse=True)


def test_dashboard_and_ranking_cost_the_same_queries_at_two_sizes(
    client, world, org, kanwil_map, kanwil_leader, django_assert_max_num_queries
):
    q3 = world.period("2026-Q3")
    client.force_login(kanwil_leader)
    small = grow(org, 2, 5, seed=11, prefix="KPP-S")  # 5 maps, ~12 KPIs
    _scored([kanwil_map, world.map, world.other_map, *small], q3)
    office(org.kpp_a, "SEKSI-S1", owns_map=False)

    board_small, dashboard_small = _get(client, DASHBOARD, periode=q3.pk)
    ranking_small, ranking_q_small = _get(client, RANKING, periode=q3.pk)
    assert len(board_small.context["board"].below) == 4
    assert len(ranking_small.context["report"].rows) == 4

    large = grow(org, 8, 20, seed=12, prefix="KPP-L")  # 13 maps, ~170 KPIs, more units without a map
    _scored(large, q3, start=5)
    for i in range(6):
        office(org.kpp_b, f"SEKSI-L{i}", owns_map=False)
    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        board_large, dashboard_large = _get(client, DASHBOARD, periode=q3.pk)
    with django_assert_max_num_queries(RANKING_BUDGET):
        ranking_large, ranking_q_large = _get(client, RANKING, periode=q3.pk)
    assert (dashboard_large, ranking_q_large) == (dashboard_small, ranking_q_small)

    board = board_large.context["board"]
    assert board.strategy_map == kanwil_map
    assert {r.unit.code for r in board.below} == {"KPP-A", "KPP-B"} | {f"KPP-S{i:02d}" for i in range(2)} | {
        f"KPP-L{i:02d}" for i in range(8)
    }
    _expected_order(board.below)
    assert (
        next(m.unit.code for m in board.maps) == "KANWIL" and len(board.maps) == 13
    )  # itself and those below
    report = ranking_large.context["report"]
    assert report.count == 12 and len(report.rows) == 12  # the offices (level three), not KANWIL
    _expected_order(report.rows)
    assert [r.rank for r in report.rows] == sorted(r.rank for r in report.rows)


def test_the_ranking_is_paged_fifty_at_a_time_with_the_ranks_running_on(client, world, org, make_user):
    q3 = world.period("2026-Q3")
    maps = [approved_map(office(org.kanwil, f"KPP-P{i:02d}"), with_kpi=False) for i in range(58)]
    _scored([world.map, world.other_map, *maps], q3)
    headline(maps[0], q3, None, "", complete=False)  # a newer N/A: unranked, listed last
    client.force_login(make_user(org.kanwil, Role.LEADER))

    first = client.get(RANKING, {"periode": q3.pk}).context["report"]
    second = client.get(RANKING, {"periode": q3.pk, "halaman": 2}).context["report"]
    assert first.count == 60 and first.ranked_count == 59
    assert len(first.rows) == 50 and len(second.rows) == 10
    rows = first.rows + second.rows
    _expected_order(rows)
    assert rows[-1].unit.code == "KPP-P00" and rows[-1].rank is None
    assert rows[50].rank >= rows[49].rank
    html = client.get(RANKING, {"periode": q3.pk}).content.decode()
    assert "halaman=2" in html
    export = client.get(reverse("dashboards:ranking-export", args=["csv"]), {"periode": q3.pk})
    assert len(export.content.decode("utf-8-sig").strip().splitlines()) == 61  # the file has every unit


def test_headlines_are_cached_until_a_new_snapshot_of_the_period(client, world, org, make_user):
    q3 = world.period("2026-Q3")
    kpp_c = approved_map(office(org.kanwil, "KPP-C"), with_kpi=False)
    headline(world.map, q3, "101", "Baik")
    headline(world.other_map, q3, "95", "Cukup")
    headline(kpp_c, q3, "90", "Cukup")
    client.force_login(make_user(org.kanwil, Role.LEADER))

    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(RANKING, {"periode": q3.pk}).context["report"]
    with CaptureQueriesContext(connection) as warm:
        again = client.get(RANKING, {"periode": q3.pk}).context["report"]
    assert len(warm.captured_queries) == len(cold.captured_queries) - 1  # the headlines came from the cache
    reads = [q["sql"] for q in warm.captured_queries if "scoresnapshot" in q["sql"].lower()]
    assert reads and all("MAX(" in sql for sql in reads)  # only the version of the period's headlines
    assert [(r.unit.code, r.nko) for r in again.rows] == [(r.unit.code, r.nko) for r in first.rows]
    assert [r.unit.code for r in first.rows] == ["KPP-A", "KPP-B", "KPP-C"]

    headline(kpp_c, q3, "120", "Sangat Baik")  # a recomputation: a new snapshot, the key changes with it
    with CaptureQueriesContext(connection) as after:
        now = client.get(RANKING, {"periode": q3.pk}).context["report"]
    assert len(after.captured_queries) == len(cold.captured_queries)  # read again, once
    assert next((r.unit.code, r.nko) for r in now.rows) == ("KPP-C", D(120))

    heads = selectors.cached_heads([kpp_c.pk], [q3.pk])
    assert heads[(kpp_c.pk, q3.pk)].nko == D(120)
    assert heads == selectors.latest_heads([kpp_c.pk], [q3.pk])  # the same figures as read directly


def test_the_periods_with_figures_come_from_the_cache_until_a_period_gets_a_new_snapshot(
    client, world, org, make_user
):
    """Without a period asked for, the ranking picks the latest period with figures from the cached sets of the
    maps scored per period (`scored_maps`): the same counts as counting the snapshots, read again only for a
    period whose snapshots changed."""
    q2, q3 = world.period("2026-Q2"), world.period("2026-Q3")
    kpp_c = approved_map(office(org.kanwil, "KPP-C"), with_kpi=False)
    headline(world.map, q2, "101", "Baik")
    headline(world.other_map, q2, "95", "Cukup")
    maps = [world.map.pk, world.other_map.pk, kpp_c.pk]
    periods = [p.pk for p in (q2, q3)]
    client.force_login(make_user(org.kanwil, Role.LEADER))

    cache.clear()
    assert selectors.snapshot_counts(maps, periods) == selectors.snapshot_counts(maps) == {q2.pk: 2}
    with CaptureQueriesContext(connection) as cold:
        first = client.get(RANKING).context["report"]
    assert first.period == q2
    with CaptureQueriesContext(connection) as warm:
        assert client.get(RANKING).context["report"].period == q2
    assert len(warm.captured_queries) == len(cold.captured_queries) - 1  # the headlines, cached by the first
    reads = [q["sql"] for q in warm.captured_queries if "scoresnapshot" in q["sql"].lower()]
    assert reads and all("MAX(" in sql for sql in reads)  # only versions: the sets and headlines were cached

    headline(kpp_c, q3, "90", "Cukup")  # a later period gets figures: its version changes, its set is read
    assert selectors.snapshot_counts(maps, periods) == selectors.snapshot_counts(maps) == {q2.pk: 2, q3.pk: 1}
    assert client.get(RANKING).context["report"].period == q3
    assert selectors.scored_maps(periods) == {q2.pk: {world.map.pk, world.other_map.pk}, q3.pk: {kpp_c.pk}}
