"""The completeness report at scale (issue 16 item 2): the SQL counts equal the rule, the page costs what it shows.

`dashboards.completeness.map_figures` and `gaps` express `reporting.scorecard.completeness` in SQL; here they
are checked against the rule itself (`reporting.selectors.map_completeness`, Python) on mixed data: every
frequency and consolidation, realizations in every state or none, several as-of periods, and a second set of
counted states. The page's query count is the same at two data sizes, and its content is right at both.
"""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.dashboards import completeness as report_sql
from kinerja.planning.models import Kpi, Objective, StrategyMap
from kinerja.reporting import conf
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod
from kinerja.reporting.selectors import map_completeness, periods_of

from .conftest import approved_map, office

pytestmark = pytest.mark.django_db
URL = reverse("dashboards:completeness")
STATES = [*(s.value for s in RealizationState), ""]  # "": no realization entered
# a fixed number: session, user, roles, years, the unit asked, periods, maps in scope, the two counts, the maps
# shown, the gaps' count and page, the notification bell — with room for the reach's role paths
BUDGET = 16


def grow(org, count: int, kpis: int, seed: int, prefix: str = "KPP-X") -> list[StrategyMap]:
    """`count` offices under KANWIL with a map of `kpis` KPIs of mixed frequency and consolidation, and
    realizations in random states (or none) for every period of the plan year that has ended by December."""
    rnd = random.Random(seed)
    maps = [approved_map(office(org.kanwil, f"{prefix}{i:02d}"), with_kpi=False) for i in range(count)]
    objectives = {
        m.pk: Objective.objects.create(
            map=m, perspective=m.perspectives.get(code="stakeholder"), code="S1", name_id="Sasaran S1"
        )
        for m in maps
    }
    Kpi.objects.bulk_create(
        [
            Kpi(
                objective=objectives[m.pk],
                code=f"K{k:02d}",
                name_id=f"Indikator {k}",
                name_en=f"Indicator {k}",
                polarity="max",
                validity="proxy",
                controllability="moderate",
                frequency=rnd.choice(["monthly", "quarterly", "semester", "yearly"]),
                consolidation=rnd.choice(["sum", "average", "last"]),
                target=Decimal(100),
            )
            for m in maps
            for k in range(kpis)
        ]
    )
    periods = list(ReportingPeriod.objects.filter(plan_year=maps[0].plan_year_id))
    made = []
    for kpi in Kpi.objects.filter(objective__map__in=maps):
        for p in periods:
            state = rnd.choice(STATES) if p.frequency == kpi.frequency else ""
            if state:
                made.append(Realization(kpi=kpi, period=p, value=Decimal(rnd.randint(50, 120)), state=state))
    Realization.objects.bulk_create(made)
    return maps


def by_rule(maps: list[StrategyMap], period: ReportingPeriod) -> tuple[dict[int, tuple], set[tuple]]:
    """Per map (counts by state, counted reads, due KPIs, missing KPIs) and the gaps, from the Python rule."""
    answers = map_completeness(maps, period)
    states = dict(
        ((k, p), s)
        for k, p, s in Realization.objects.filter(kpi__objective__map__in=maps).values_list(
            "kpi_id", "period_id", "state"
        )
    )
    figures: dict[int, tuple] = {}
    gap_set: set[tuple] = set()
    for m in maps:
        _kpis, answer = answers[m.pk]
        counts: dict[str, int] = {}
        counted = 0
        for due in answer.due:
            gaps = {p.pk for p in due.gaps}
            for p in due.reads:
                state = states.get((due.kpi_id, p.pk), report_sql.MISSING)
                counts[state] = counts.get(state, 0) + 1
                if p.pk in gaps:
                    gap_set.add((due.kpi_id, p.pk, state))
                else:
                    counted += 1
        figures[m.pk] = (counts, counted, len(answer.due), len(answer.missing))
    return figures, gap_set


def by_sql(maps: list[StrategyMap], period: ReportingPeriod) -> tuple[dict[int, tuple], set[tuple]]:
    scope = StrategyMap.objects.filter(pk__in=[m.pk for m in maps])
    periods = periods_of(period.plan_year_id)
    found = report_sql.map_figures(scope, period, periods)
    figures = {pk: (f.counts, f.counted, f.due_kpis, f.missing_kpis) for pk, f in found.items()}
    rows = report_sql.gaps(scope, period, periods)
    gap_set = {(r[3], r[4], r[5]) for r in rows} if rows is not None else set()
    return figures, gap_set


@pytest.mark.parametrize("scored", [("approved",), ("verified", "approved")])
def test_the_counts_in_sql_equal_the_rule(world, org, settings, scored):
    settings.KINERJA_SCORED_STATES = list(scored)
    assert conf.scored_states() == scored
    maps = [world.map, world.other_map, *grow(org, 4, 12, seed=len(scored))]
    for label in ("2026-01", "2026-02", "2026-Q1", "2026-05", "2026-S1", "2026-Q3", "2026-11", "2026-12"):
        period = world.period(label)
        expected_figures, expected_gaps = by_rule(maps, period)
        figures, found_gaps = by_sql(maps, period)
        assert figures == expected_figures, label
        assert found_gaps == expected_gaps, label
        assert any(f[3] for f in figures.values())  # the data do have missing KPIs to compare


def test_the_gaps_narrowed_to_a_state_are_that_states_gaps(world, org):
    maps = [world.map, world.other_map, *grow(org, 3, 10, seed=7)]
    period = world.period("2026-Q3")
    scope = StrategyMap.objects.filter(pk__in=[m.pk for m in maps])
    periods = periods_of(period.plan_year_id)
    every = {(r[3], r[4], r[5]) for r in report_sql.gaps(scope, period, periods)}
    for state in ("missing", "draft", "submitted", "verified"):
        narrowed = {(r[3], r[4], r[5]) for r in report_sql.gaps(scope, period, periods, state)}
        assert narrowed == {g for g in every if g[2] == state}
        assert narrowed


def _page(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_the_page_costs_the_same_queries_at_two_sizes_and_is_right_at_both(
    client, world, org, make_user, django_assert_max_num_queries
):
    leader = make_user(org.kanwil, Role.LEADER)
    client.force_login(leader)
    q3 = world.period("2026-Q3").pk
    grow(org, 2, 5, seed=1, prefix="KPP-S")  # small: 4 maps, ~12 KPIs

    small, small_queries = _page(client, periode=q3)
    _small_unit, small_unit_queries = _page(client, periode=q3, unit=org.kanwil.pk)
    report = small.context["report"]
    assert report.unit_count == 4 and len(report.units) == 4
    _check(report, leader, world)

    grow(org, 8, 20, seed=2, prefix="KPP-L")  # large: 12 maps, ~170 KPIs
    with django_assert_max_num_queries(BUDGET):
        large, large_queries = _page(client, periode=q3)
    with django_assert_max_num_queries(BUDGET):
        _large_unit, large_unit_queries = _page(client, periode=q3, unit=org.kanwil.pk)
    assert (large_queries, large_unit_queries) == (small_queries, small_unit_queries)
    report = large.context["report"]
    assert report.unit_count == 12 and len(report.units) == 12
    _check(report, leader, world)


def _check(report, user, world) -> None:
    """The rows are the rule's figures, least complete first; the gaps listed are the rule's, in order."""
    maps = list(
        StrategyMap.objects.filter(pk__in=[f.map_id for f in report.figures]).select_related(
            "unit", "plan_year"
        )
    )
    figures, gaps = by_rule(maps, report.period)
    for row in report.units:
        counts, counted, due, missing = figures[row.strategy_map.pk]
        assert (row.counts, row.counted, row.due_kpis, row.missing) == (counts, counted, due, missing)
    keys = [(r.percent is None, r.percent or 0, -r.missing) for r in report.units]
    assert keys == sorted(keys)
    assert report.missing == sum(f[3] for f in figures.values())
    assert report.item_count == len(gaps)
    shown = [(i.kpi_id, i.period.pk, i.state) for i in report.items]
    assert set(shown) <= gaps and len(shown) == min(len(gaps), report_sql.PAGE_SIZE)
    paths = {m.unit.code: m.unit.path for m in maps}
    order = [(paths[i.unit_code], i.period.end, i.period.start, i.kpi_code) for i in report.items]
    assert order == sorted(order)  # by unit in tree order, then period (end, start), then KPI code


def test_rows_and_gaps_are_paged_fifty_at_a_time_and_a_unit_drills_down(
    client, world, org, make_user, kanwil_map
):
    leader = make_user(org.kanwil, Role.LEADER)
    client.force_login(leader)
    grow(org, 55, 2, seed=3)  # 58 maps in reach: KANWIL's, KPP-A's, KPP-B's and 55 more
    q3 = world.period("2026-Q3").pk

    first = client.get(URL, {"periode": q3}).context["report"]
    second = client.get(URL, {"periode": q3, "halaman": 2}).context["report"]
    assert first.unit_count == 58 and len(first.units) == 50 and len(second.units) == 8
    assert {r.unit.code for r in first.units}.isdisjoint({r.unit.code for r in second.units})
    assert first.item_count > 50 and len(first.items) == 50
    rest = client.get(URL, {"periode": q3, "halaman_iku": 2}).context["report"]
    assert len(rest.items) == min(first.item_count - 50, 50)
    assert {(i.kpi_id, i.period.pk) for i in first.items}.isdisjoint(
        {(i.kpi_id, i.period.pk) for i in rest.items}
    )

    target = second.units[-1].unit  # drill down: the unit's own subtree, its gaps only
    html = client.get(URL, {"periode": q3, "halaman": 2}).content.decode()
    assert f"unit={target.pk}" in html
    one = client.get(URL, {"periode": q3, "unit": target.pk}).context["report"]
    assert [r.unit.code for r in one.units] == [target.code]
    assert {i.unit_code for i in one.items} <= {target.code}
    assert [m.unit.code for m in one.above] == ["KANWIL"]
    whole = client.get(URL, {"periode": q3}).context["report"]
    assert [m.unit.code for m in whole.maps] == ["KANWIL"]  # the units offered: the top of the reach
    kanwil = client.get(URL, {"periode": q3, "unit": org.kanwil.pk}).context["report"]
    assert [m.unit.code for m in kanwil.maps][:3] == ["KANWIL", "KPP-A", "KPP-B"] and len(kanwil.maps) == 58
