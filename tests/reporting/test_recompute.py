"""Set-based recompute (issue 16 item 3): every map of a period in a fixed number of queries, the same snapshots
as the per-map path, and one realization change recomputing only its chain."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kinerja.contracts.models import Cascade, CascadeLink
from kinerja.planning.models import Kpi, MapState, PeriodTarget, StrategyMap
from kinerja.planning.selectors import MapData
from kinerja.reporting import conf, scorecard, selectors, services
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod, ScoreSnapshot
from kinerja.scoring import settle
from kinerja.scoring.errors import ScoringError
from kinerja.scoring.kpi import PeriodValue
from tests.factories import make_unit
from tests.planning import builders as b

from . import reference_snapshot as reference
from .conftest import approved, enter

D = Decimal
STATES = [
    RealizationState.APPROVED,
    RealizationState.APPROVED,
    RealizationState.SUBMITTED,
    RealizationState.DRAFT,
]


def _map_with_kpis(unit: Any, seed: int, *, broken: bool = False) -> StrategyMap:
    """An approved map with KPIs of every frequency, consolidation and polarity, a band KPI, and realizations
    in mixed states (some counted, some not) up to September; `broken` sets weights the core refuses."""
    strategy_map = b.bare_map(unit, 2026, MapState.APPROVED)
    s1 = b.objective(strategy_map, "stakeholder", "S1")
    c1 = b.objective(strategy_map, "customer", "C1")
    i1 = b.objective(strategy_map, "internal_process", "P1")
    kpis = [
        b.kpi(s1, "S1.1", target=D(100), frequency="quarterly", consolidation="last"),
        b.kpi(s1, "S1.2", target=D(50), polarity="min", frequency="quarterly", consolidation="average"),
        b.kpi(c1, "C1.1", target=D(120), frequency="monthly", consolidation="sum", trajectory=[D(10)] * 12),
        b.kpi(i1, "P1.1", target=D(80), frequency="semester", consolidation="last"),
        b.kpi(i1, "P1.2", target=D(90), frequency="yearly"),
        b.kpi(
            i1,
            "P1.3",
            target=None,
            target_low=D(95),
            target_high=D(105),
            polarity="stabilize",
            frequency="quarterly",
        ),
    ]
    if broken:
        strategy_map.perspectives.filter(code="stakeholder").update(weight=D(70))
    periods = [
        p for p in ReportingPeriod.objects.filter(plan_year=strategy_map.plan_year) if p.end.month <= 9
    ]
    rows = []
    for i, kpi in enumerate(kpis):
        for j, period in enumerate(p for p in periods if p.frequency == kpi.frequency):
            if (seed + i + j) % 5 == 4:
                continue  # not reported
            rows.append(
                Realization(
                    kpi=kpi,
                    period=period,
                    value=D(60 + (seed * 7 + i * 11 + j * 13) % 60),
                    state=STATES[(seed + i * 3 + j) % len(STATES)],
                )
            )
    Realization.objects.bulk_create(rows)
    return StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)


@pytest.fixture
def maps(org) -> list[StrategyMap]:
    year = b.plan_year(2026, "kmk-467-2014")
    services.generate_periods(plan_year=year)
    units = [org.kpp_a, org.kpp_b, org.kanwil, org.djp, org.djbc, org.ministry]
    units += [make_unit(f"KPP-{n}", parent=org.kanwil) for n in range(6)]
    return [_map_with_kpis(unit, n, broken=n == 4) for n, unit in enumerate(units)]


def _period(label: str) -> ReportingPeriod:
    return next(p for p in ReportingPeriod.objects.select_related("plan_year") if p.label == label)


def _per_map_body(strategy_map: StrategyMap, period: ReportingPeriod) -> tuple[str, dict[str, Any]]:
    """The snapshot JSON as the per-map path before issue 16 computed it: its own five reads of the map and its
    own realization query (kept here, written out, as the reference the set-based path is checked against),
    and the JSON built as the code before the fast recompute built it (`reference_snapshot`, a frozen copy)."""
    perspectives = list(strategy_map.perspectives.order_by("order"))
    objectives = list(strategy_map.objectives.order_by("perspective__order", "code"))
    by_id = {o.pk: o for o in objectives}
    kpis = list(Kpi.objects.filter(objective__map=strategy_map).order_by("objective", "code"))
    for kpi in kpis:
        kpi.objective = by_id[kpi.objective_id]
    targets: dict[int, list[PeriodTarget]] = defaultdict(list)
    for target in PeriodTarget.objects.filter(kpi__objective__map=strategy_map).order_by("kpi", "period"):
        targets[target.kpi_id].append(target)
    data = MapData(strategy_map, perspectives, objectives, [], kpis, dict(targets))
    states = conf.scored_states()
    values = {
        (kpi_id, period_id): value
        for kpi_id, period_id, value in Realization.objects.filter(
            kpi__objective__map=strategy_map,
            period__plan_year_id=period.plan_year_id,
            period__end__lte=period.end,
            state__in=states,
        ).values_list("kpi_id", "period_id", "value")
    }
    periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
    from django.utils import timezone

    prepared = reference.build_input(data, period, periods, values, today=timezone.localdate())
    try:
        result = scorecard.score(prepared)
    except ScoringError as error:
        body = reference.payload(prepared, None, data=data, scored_states=list(states), error=error)
    else:
        body = reference.payload(prepared, result, data=data, scored_states=list(states))
    return prepared.rules.code, reference.jsonable(body)


@pytest.mark.parametrize("label", ["2026-01", "2026-Q1", "2026-S1", "2026-09", "2026-Q3", "2026"])
def test_the_set_based_recompute_stores_what_the_per_map_path_computes(maps, label):
    period = _period(label)
    done = services.recompute_period(period, trigger="test")
    assert set(done.snapshots) == {m.pk for m in maps} and len(done.created) == len(maps)
    for strategy_map in maps:
        stored = done.snapshots[strategy_map.pk]
        rule_set, body = _per_map_body(strategy_map, period)
        assert stored.pk is not None and stored.trigger == "test" and not stored.final
        assert stored.rule_set == rule_set
        assert ScoreSnapshot.objects.get(pk=stored.pk).result == body
        single = services.compute_scorecard(strategy_map=strategy_map, period=period)
        assert single.pk == stored.pk  # the same figures: the one-map path finds nothing new to store
    broken = done.snapshots[maps[4].pk]
    assert broken.nko is None and broken.has_errors
    assert any(s.nko is not None for s in done.snapshots.values())


def stored_text(snapshot_id: int) -> str:
    """The `result` column of a snapshot as the database holds it (PostgreSQL: the `jsonb` written out)."""
    cast = "::text" if connection.vendor == "postgresql" else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT result{cast} FROM reporting_scoresnapshot WHERE id = %s", [snapshot_id])
        return str(cursor.fetchone()[0])


def as_stored(body: dict[str, Any]) -> str:
    """What the database held of `body` stored as the code before did (`JSONField`: `json.dumps`, no encoder)."""
    text = json.dumps(body)
    if connection.vendor != "postgresql":
        return text
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb::text", [text])
        return str(cursor.fetchone()[0])


def headline(body: dict[str, Any]) -> tuple[Decimal | None, str, bool]:
    """`nko`, `predicate` and `complete` as the code before stored them beside the JSON."""
    nko = (
        None
        if body["nko"] is None
        else settle(D(body["nko"])).quantize(services.scores.NKO_PLACES, ROUND_HALF_UP)
    )
    return nko, body["predicate"] or "", bool(body["complete"])


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("label", ["2026-02", "2026-Q2", "2026-S1", "2026-Q3", "2026"])
def test_the_fast_recompute_stores_byte_for_byte_what_the_code_before_it_stored(maps, label, language):
    period = _period(label)
    Kpi.objects.filter(objective__map=maps[0], code="S1.1").update(name_en="Revenue")  # one English name
    with translation.override(language):
        done = services.recompute_period(period, trigger="test")
        assert len(done.created) == len(maps)
        for strategy_map in maps:
            stored = ScoreSnapshot.objects.get(pk=done.snapshots[strategy_map.pk].pk)
            rule_set, body = _per_map_body(strategy_map, period)
            assert stored_text(stored.pk) == as_stored(body), strategy_map
            assert (stored.rule_set, stored.nko, stored.predicate, stored.complete) == (
                rule_set,
                *headline(body),
            )
            assert done.snapshots[strategy_map.pk].result == body  # the object returned says the same
        names = {k["code"]: k["name"] for k in done.snapshots[maps[0].pk].result["kpis"]}
        assert names["S1.1"] == ("Revenue" if language == "en" else "Indikator S1.1")


def test_a_snapshot_body_is_json_as_it_is_no_tuple_nor_decimal_inside(maps):
    """The body is compared and stored without going through `json.loads` first: it must already be what
    `json.loads` gives back (lists, not tuples; strings and floats, not decimals)."""

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(type(k) is str and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, float, bool)

    found = selectors.score_inputs_as_of(maps, [_period("2026-Q3"), _period("2026-01")])
    assert len(found) == 2 * len(maps)
    for given in found.values():
        try:
            result = scorecard.score(given.prepared)
        except ScoringError as error:
            body = scorecard.payload(
                given.prepared, None, data=given.data, scored_states=["approved"], error=error
            )
        else:
            body = scorecard.payload(given.prepared, result, data=given.data, scored_states=["approved"])
        assert plain(body) and json.loads(json.dumps(body)) == body


def test_a_second_recompute_stores_nothing_and_a_change_stores_only_that_maps(maps):
    period = _period("2026-Q3")
    first = services.recompute_period(period)
    again = services.recompute_period(period)
    assert again.created == [] and again.unchanged == len(maps)
    assert {m: s.pk for m, s in again.snapshots.items()} == {m: s.pk for m, s in first.snapshots.items()}
    kpi = Kpi.objects.get(objective__map=maps[1], code="S1.1")
    Realization.objects.update_or_create(
        kpi=kpi, period=_period("2026-Q3"), defaults={"value": D(42), "state": RealizationState.APPROVED}
    )
    Kpi.objects.filter(objective__map=maps[2], code="C1.1").update(
        name_id="Nama baru"
    )  # a rename is new text
    third = services.recompute_period(period)
    assert {s.strategy_map_id for s in third.created} == {maps[1].pk, maps[2].pk}
    assert third.snapshots[maps[1].pk].result["inputs"] != first.snapshots[maps[1].pk].result["inputs"]
    assert third.snapshots[maps[2].pk].result["inputs"] == first.snapshots[maps[2].pk].result["inputs"]


def test_a_closed_period_keeps_its_final_snapshots_and_closing_stores_them_set_based(maps):
    period = _period("2026-Q1")
    services.close_period(period=period)
    finals = ScoreSnapshot.objects.filter(period=period, final=True)
    assert finals.count() == len(maps)
    done = services.recompute_period(period)
    assert done.created == [] and {s.pk for s in done.snapshots.values()} == set(
        finals.values_list("pk", flat=True)
    )


def _queries(action: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_the_query_count_does_not_grow_with_the_number_of_maps(maps, django_assert_max_num_queries):
    period = _period("2026-Q3")
    few, many = maps[:4], maps[4:]  # 4 maps, then the other 8 (twice as many: 3N together below)
    queries_few = _queries(lambda: services.recompute_period(period, maps=few))
    ScoreSnapshot.objects.all().delete()
    queries_all = _queries(lambda: services.recompute_period(period, maps=few + many))
    assert queries_few == queries_all
    ScoreSnapshot.objects.all().delete()
    with django_assert_max_num_queries(
        12
    ):  # maps, latest snapshots, 5 map reads, periods, realizations, insert
        done = services.recompute_period(period)
    assert len(done.created) == len(maps)
    # nothing changed: the same reads, no insert
    with django_assert_max_num_queries(11):
        assert services.recompute_period(period).created == []


def test_the_command_recomputes_a_period(maps):
    out = StringIO()
    call_command("recompute", "--period", "2026-Q2", stdout=out)
    assert ScoreSnapshot.objects.filter(period=_period("2026-Q2"), trigger="command").count() == len(maps)
    assert f"{len(maps)} peta" in out.getvalue()
    out = StringIO()
    call_command("recompute", "--period", "2026-Q2", "--unit", "KPP-A", stdout=out)
    assert "0 potret baru" in out.getvalue()


# ------------------------------------------------------------------ one realization change: only its chain


@pytest.fixture
def chain(world, org):
    """The KANWIL map's KPI rolls up (direct, sum) world.map's quarterly KPI and KPP-B's (`world.other_kpi`);
    the DJBC map is unrelated."""
    kanwil = b.bare_map(org.kanwil, 2026, MapState.APPROVED)
    top = b.kpi(b.objective(kanwil, "stakeholder", "S1"), "S1.1", target=D(150), frequency="quarterly")
    Kpi.objects.filter(pk=top.pk).update(rolled_up=True)
    cascade = Cascade.objects.create(parent=top, mode="direct_shared", aggregation="sum")
    CascadeLink.objects.create(cascade=cascade, child=world.quarterly, share=D(1))
    CascadeLink.objects.create(cascade=cascade, child=world.other_kpi, share=D(1))
    djbc = b.bare_map(org.djbc, 2026, MapState.APPROVED)
    b.kpi(b.objective(djbc, "stakeholder", "S1"), "S1.1", target=D(10), frequency="quarterly")
    return kanwil, djbc


def test_one_realization_change_recomputes_its_map_and_the_maps_above_only(
    world, chain, django_capture_on_commit_callbacks
):
    kanwil, _djbc = chain
    Realization.objects.bulk_create(  # no post_save: no roll-up pending outside the block below
        [Realization(kpi=world.other_kpi, period=world.period("2026-Q1"), value=D(40), state="approved")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        approved(world, world.quarterly, "2026-Q1", "90")
    touched = set(ScoreSnapshot.objects.values_list("strategy_map_id", flat=True))
    assert touched == {world.map.pk, kanwil.pk}  # not KPP-B (its KPI did not change), not DJBC
    q1 = world.period("2026-Q1")
    top = ScoreSnapshot.objects.filter(strategy_map=kanwil, period=q1).latest("computed_at")
    assert top.result["kpis"][0]["realization"] == "130"  # 90 + 40 rolled up


def test_the_chain_recompute_costs_the_same_queries_whatever_the_number_of_maps(
    world, chain, org, django_capture_on_commit_callbacks
):
    def change(value: str) -> int:
        with django_capture_on_commit_callbacks() as callbacks:
            enter(world, world.quarterly, "2026-Q1", value)
        with CaptureQueriesContext(connection) as captured:
            for callback in callbacks:
                callback()
        return len(captured)

    change("90")  # the first snapshots of every period it feeds; a draft changes no figure after that
    before = change("91")
    for n in range(4):
        _map_with_kpis(make_unit(f"KPP-X{n}", parent=org.kanwil), n)
    after = change("92")
    assert before == after
    # every period the change feeds (January to December, quarters, semesters, the year), with shared reads
    assert len(services.affected_periods(world.period("2026-Q1"))) > 10
    assert after <= 25  # one task for all of them: the reads shared, not repeated per period


def test_a_big_realization_import_analyses_the_table_after_commit(world, django_capture_on_commit_callbacks):
    from kinerja.common import db

    from .test_import import csv_file

    rows = "Kode IKU,Periode,Realisasi\n" + "".join(f"C1.1,2026-{m:02d},{m}\n" for m in range(1, 13))
    with (
        mock.patch.object(db, "ANALYZE_AFTER_ROWS", 12),
        mock.patch.object(db, "analyze") as analyze,
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = services.import_realizations(
            source=csv_file(rows), name="r.csv", strategy_map=world.map, dry_run=False, by=world.employee
        )
    assert result.written and Realization.objects.filter(kpi=world.monthly).count() == 12
    analyze.assert_called_once_with(Realization)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        (PeriodValue("2026-01", D("10.50"), None),),
        (PeriodValue("2026-Q1", None, D("-3"), D("95"), D("105")), PeriodValue(None, D(1), D("0.000"))),
        [PeriodValue("2026", D(1), D(2))],  # not a tuple: repr itself
    ],
)
def test_the_fingerprint_writes_periods_as_repr_does(periods):
    assert scorecard._periods_repr(periods) == repr(periods)
