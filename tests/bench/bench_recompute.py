"""Full recompute of one period, set-based, beside one DuckDB pass over the same data exported (issue 16 item 3).

Generates with plain bulk inserts (a fixture, not what is measured) `KINERJA_BENCH_MAPS` approved maps (default
1,000) of 40 monthly KPIs each (10 objectives over the four perspectives weighted 30/20/30/20; polarity max or
min; consolidation "last value" or "sum"), the twelve monthly targets of every KPI and twelve months of
realizations in mixed states (about 80 % approved, the rest submitted — not counted — or missing), in plan year
2026 under the default rule set. On PostgreSQL when `DATABASE_URL` is set (the bench runs inside one
transaction rolled back at the end: the database is left as it was), else on a temporary SQLite file.

Measured (wall time, the best of `ROUNDS`, each round rolled back):

* full: `services.recompute_period(June)` — every map scored as of June and a new snapshot stored for each;
  its queries at two sizes (half the maps and all of them: the same count);
* again: the same with nothing changed (the reads and the scoring, no insert);
* baseline: the same NKO of every map in one DuckDB SQL pass over the data exported to Parquet (KPIs, weights,
  targets, realizations), checked equal to the stored NKO of every map before it is timed;
* per-map: the per-map loop (`compute_scorecard` one map at a time) on a sample of maps, per map and
  extrapolated to all of them;
* one change: one approved June realization changed, then what its recompute task does — its map in every
  period the change feeds (June and the later periods already begun) — with the maps recomputed and queries.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, TypeVar

MAPS = int(os.environ.get("KINERJA_BENCH_MAPS", "1000"))
OBJECTIVES = (("stakeholder", 3), ("customer", 2), ("internal_process", 3), ("learning_growth", 2))
WEIGHTS = {"stakeholder": 30, "customer": 20, "internal_process": 30, "learning_growth": 20}
KPIS_PER_OBJECTIVE = 4
YEAR = 2026
AS_OF = 6  # June
SAMPLE = 50  # maps timed in the per-map loop
ROUNDS = 2
TODAY = dt.date(YEAR, 12, 5)

T = TypeVar("T")
HERE = Path(__file__).resolve().parent


def setup_django(folder: Path) -> str:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    if str(HERE.parent.parent) not in sys.path:  # run as a script: the repository root for `tests.planning`
        sys.path.insert(0, str(HERE.parent.parent))
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return connection.vendor


def build(maps: int) -> dict[str, Any]:
    """The units, maps, KPIs, targets and realizations, with bulk inserts; returns the maps and June."""
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Kpi,
        MapState,
        Objective,
        PeriodTarget,
        Perspective,
        StrategyMap,
    )
    from kinerja.reporting import services
    from kinerja.reporting.models import Realization, ReportingPeriod
    from tests.planning import builders as b

    rng = random.Random(16)
    year = b.plan_year(YEAR, "kmk-467-2014")
    services.generate_periods(plan_year=year)
    months = {p.number: p for p in ReportingPeriod.objects.filter(plan_year=year, frequency="monthly")}
    root = Unit.objects.add_root(
        create_kwargs={"code": "BENCH-RC", "name_id": "Bench", "level": "wide", "kind": "ministry"}
    )
    units = Unit.objects.bulk_create(
        Unit(
            code=f"BENCH-RC-{i}",
            name_id=f"Unit {i}",
            level="three",
            kind="kpp",
            owns_map=True,
            path=Unit._get_path(root.path, 2, i + 1),
            depth=2,
            numchild=0,
        )
        for i in range(maps)
    )
    Unit.objects.filter(pk=root.pk).update(numchild=maps)
    strategy_maps = StrategyMap.objects.bulk_create(
        StrategyMap(unit=u, plan_year=year, state=MapState.APPROVED) for u in units
    )
    perspectives = Perspective.objects.bulk_create(
        Perspective(
            map=m, code=code, order=order, name_id=name_id, name_en=name_en, weight=Decimal(WEIGHTS[code])
        )
        for m in strategy_maps
        for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS
    )
    objectives = Objective.objects.bulk_create(
        Objective(
            map_id=p.map_id, perspective=p, code=f"{p.code[0].upper()}{n + 1}", name_id=f"Sasaran {n + 1}"
        )
        for p in perspectives
        for n in range(dict(OBJECTIVES)[p.code])
    )
    kpis = Kpi.objects.bulk_create(
        Kpi(
            objective=o,
            code=f"{o.code}.{n + 1}",
            name_id=f"Indikator {o.code}.{n + 1}",
            polarity=rng.choice(("max", "max", "min")),
            validity="exact",
            controllability="moderate",
            consolidation=rng.choice(("last", "sum")),
            frequency="monthly",
            target=Decimal(1200),
        )
        for o in objectives
        for n in range(KPIS_PER_OBJECTIVE)
    )
    PeriodTarget.objects.bulk_create(
        (
            PeriodTarget(kpi=k, period=m, target=Decimal(rng.randint(80, 120)))
            for k in kpis
            for m in range(1, 13)
        ),
        batch_size=5000,
    )
    rows = []
    for k in kpis:
        for m in range(1, 13):
            draw = rng.random()
            if draw < 0.08:
                continue  # not reported
            state = "approved" if draw < 0.9 else "submitted"
            value = Decimal(rng.randint(50, 150)) + Decimal(rng.randint(0, 99)) / 100
            rows.append(Realization(kpi=k, period=months[m], value=value, state=state))
    Realization.objects.bulk_create(rows, batch_size=5000)
    chosen = list(
        StrategyMap.objects.filter(plan_year=year).select_related("unit", "plan_year").order_by("pk")
    )
    return {"maps": chosen, "june": months[AS_OF], "year": year, "kpis": len(kpis), "realizations": len(rows)}


def export(folder: Path, year: Any) -> dict[str, Path]:
    """The data the NKO is computed from, as Parquet files (through CSV; not timed)."""
    import duckdb

    from kinerja.planning.models import Kpi, PeriodTarget, Perspective
    from kinerja.reporting.models import Realization

    tables: dict[str, tuple[list[str], Any]] = {
        "kpis": (
            ["kpi", "map", "objective", "perspective", "polarity", "consolidation"],
            Kpi.objects.filter(objective__map__plan_year=year).values_list(
                "pk",
                "objective__map_id",
                "objective_id",
                "objective__perspective__code",
                "polarity",
                "consolidation",
            ),
        ),
        "weights": (
            ["map", "perspective", "weight"],
            Perspective.objects.filter(map__plan_year=year).values_list("map_id", "code", "weight"),
        ),
        "targets": (
            ["kpi", "month", "target"],
            PeriodTarget.objects.filter(kpi__objective__map__plan_year=year).values_list(
                "kpi_id", "period", "target"
            ),
        ),
        "realizations": (
            ["kpi", "month", "value", "state"],
            Realization.objects.filter(period__plan_year=year, period__frequency="monthly").values_list(
                "kpi_id", "period__number", "value", "state"
            ),
        ),
    }
    paths = {}
    for name, (header, rows) in tables.items():
        text = folder / f"{name}.csv"
        with text.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows.iterator(chunk_size=20000))
        paths[name] = folder / f"{name}.parquet"
        duckdb.sql(f"COPY (SELECT * FROM read_csv_auto('{text}')) TO '{paths[name]}' (FORMAT PARQUET)")
    return paths


def duckdb_pass(paths: dict[str, Path]) -> dict[int, float]:
    """The NKO of every map as of June in one SQL statement (scoring.md §1–§4, the default rule set)."""
    import duckdb

    query = f"""
    WITH r AS (
      SELECT r.kpi, r.month, r.value::DOUBLE AS value, t.target::DOUBLE AS target
      FROM '{paths["realizations"]}' r JOIN '{paths["targets"]}' t USING (kpi, month)
      WHERE r.month <= {AS_OF} AND r.state = 'approved'
    ),
    consolidated AS (
      SELECT k.kpi, k.map, k.objective, k.perspective, k.polarity,
        CASE WHEN k.consolidation = 'sum' THEN sum(r.value) ELSE arg_max(r.value, r.month) END AS real,
        CASE WHEN k.consolidation = 'sum' THEN sum(r.target) ELSE arg_max(r.target, r.month) END AS tgt
      FROM '{paths["kpis"]}' k JOIN r USING (kpi)
      GROUP BY k.kpi, k.map, k.objective, k.perspective, k.polarity, k.consolidation
    ),
    kpi_index AS (
      SELECT map, objective, perspective,
        least(greatest(CASE WHEN polarity = 'max' THEN real / tgt * 100 ELSE (2 - real / tgt) * 100 END, 0), 120)
          AS idx
      FROM consolidated
    ),
    objective_index AS (SELECT map, perspective, avg(idx) AS idx FROM kpi_index GROUP BY map, objective, perspective),
    perspective_index AS (SELECT map, perspective, avg(idx) AS idx FROM objective_index GROUP BY map, perspective)
    SELECT p.map, sum(w.weight::DOUBLE * p.idx) / sum(w.weight::DOUBLE) AS nko
    FROM perspective_index p JOIN '{paths["weights"]}' w USING (map, perspective)
    GROUP BY p.map
    """
    return {int(m): float(n) for m, n in duckdb.sql(query).fetchall()}


class Rollback(Exception):
    pass


def timed(action: Callable[[], T], prepare: Callable[[], object] | None = None) -> tuple[float, int, T]:
    """Wall seconds, queries and the result of `action` (after `prepare`, not measured), rolled back after."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    box: dict[str, Any] = {}
    try:
        with transaction.atomic():
            if prepare is not None:
                prepare()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                box["result"] = action()
                box["seconds"] = time.perf_counter() - started
            box["queries"] = len(queries)
            raise Rollback
    except Rollback:
        pass
    return box["seconds"], box["queries"], box["result"]


def best(
    action: Callable[[], T], prepare: Callable[[], object] | None = None, rounds: int = ROUNDS
) -> tuple[float, int, T]:
    return min((timed(action, prepare) for _ in range(rounds)), key=lambda run: run[0])


def _rounded(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def measure(folder: Path) -> dict[str, object]:
    from django.db import connection, transaction
    from django.test import TestCase

    from kinerja.common.db import analyze
    from kinerja.planning.models import Kpi, PeriodTarget
    from kinerja.reporting import services
    from kinerja.reporting.models import Realization, ScoreSnapshot

    started = time.perf_counter()
    world = build(MAPS)
    analyze(Realization, PeriodTarget, Kpi, ScoreSnapshot)
    built = time.perf_counter() - started
    maps, june = world["maps"], world["june"]
    print(
        f"   built {len(maps)} maps, {world['kpis']} KPIs, {world['realizations']} realizations "
        f"on {connection.vendor} in {built:.1f} s",
        flush=True,
    )

    def full() -> Any:
        return services.recompute_period(june, today=TODAY)

    half_seconds, half_queries, _half = timed(
        lambda: services.recompute_period(june, maps=maps[: len(maps) // 2], today=TODAY)
    )
    full_seconds, full_queries, done = best(full)
    assert len(done.created) == len(maps)
    again_seconds, again_queries, same = best(full, prepare=full)
    assert same.created == []

    # the baseline: checked equal on every map, then timed
    paths = export(folder, world["year"])
    expected = duckdb_pass(paths)
    with transaction.atomic():
        stored = {s.strategy_map_id: s.nko for s in full().snapshots.values()}
        transaction.set_rollback(True)
    assert set(expected) == set(stored), "the same maps"
    unequal = [m for m in stored if stored[m] is None or abs(float(stored[m]) - expected[m]) > 1e-4]
    unequal += [m for m in stored if stored[m] is not None and _rounded(stored[m]) != _rounded(expected[m])]
    assert not unequal, f"NKO differs on {len(unequal)} maps, e.g. {unequal[:3]}"
    duck = [0.0] * 3
    for i in range(3):
        begun = time.perf_counter()
        duckdb_pass(paths)
        duck[i] = time.perf_counter() - begun
    duck_seconds = min(duck)

    # the per-map loop on a sample
    sample = maps[:SAMPLE]
    loop_seconds, loop_queries, _loop = timed(
        lambda: [services.compute_scorecard(strategy_map=m, period=june, today=TODAY) for m in sample]
    )
    per_map = loop_seconds / len(sample)

    # one realization change: what the recompute it schedules does (its map, every period the change feeds)
    target = maps[0]
    kpi = Kpi.objects.filter(objective__map=target).order_by("pk").first()

    def changed() -> None:
        services.recompute_period(june, today=TODAY)  # current snapshots first
        Realization.objects.update_or_create(
            kpi=kpi, period=june, defaults={"value": Decimal("12.5"), "state": "approved"}
        )

    def one_change() -> set[int]:
        before = ScoreSnapshot.objects.count()
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.schedule_recompute([(target.pk, june)], trigger="value", today=TODAY)
        return set(
            ScoreSnapshot.objects.order_by("-pk")[: ScoreSnapshot.objects.count() - before].values_list(
                "strategy_map_id", flat=True
            )
        )

    one_seconds, one_queries, touched = best(one_change, prepare=changed)
    periods_fed = len(services.affected_periods(june, today=TODAY))
    figures: dict[str, object] = {
        "database": connection.vendor,
        "maps": len(maps),
        "kpis": world["kpis"],
        "realizations": world["realizations"],
        "build_seconds": round(built, 1),
        "full_seconds": round(full_seconds, 3),
        "full_queries": full_queries,
        "half_maps_queries": half_queries,
        "half_maps_seconds": round(half_seconds, 3),
        "unchanged_seconds": round(again_seconds, 3),
        "unchanged_queries": again_queries,
        "duckdb_seconds": round(duck_seconds, 3),
        "full_over_duckdb": round(full_seconds / duck_seconds, 1) if duck_seconds else None,
        "per_map_loop_ms_per_map": round(per_map * 1000, 2),
        "per_map_loop_queries_per_map": round(loop_queries / len(sample), 1),
        "per_map_loop_seconds_all_maps": round(per_map * len(maps), 2),
        "full_over_per_map_loop": round(full_seconds / (per_map * len(maps)), 2) if per_map else None,
        "one_change_maps": (sorted(touched) == [target.pk] and 1) or len(touched),
        "one_change_periods": periods_fed,
        "one_change_seconds": round(one_seconds, 3),
        "one_change_queries": one_queries,
    }
    print(
        f"   full recompute of {len(maps)} maps as of June: {full_seconds:.2f} s, {full_queries} queries "
        f"(half the maps: {half_queries} queries); nothing changed: {again_seconds:.2f} s, {again_queries} queries"
    )
    print(
        f"   DuckDB pass over the exported data (NKO equal on all {len(maps)} maps): {duck_seconds:.3f} s "
        f"→ recompute = {figures['full_over_duckdb']}× DuckDB"
    )
    print(
        f"   per-map loop: {per_map * 1000:.1f} ms and {loop_queries / len(sample):.0f} queries per map "
        f"(sample of {len(sample)}) → {per_map * len(maps):.1f} s for all; set-based = "
        f"{figures['full_over_per_map_loop']}× that"
    )
    print(
        f"   one realization change: {len(touched)} map(s) recomputed in {periods_fed} periods, "
        f"{one_seconds * 1000:.0f} ms, {one_queries} queries"
    )
    return figures


def main() -> dict[str, object]:
    from contextlib import suppress

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        setup_django(folder)
        from django.db import transaction

        box: dict[str, dict[str, object]] = {}
        with suppress(Rollback), transaction.atomic():  # leave the database as it was
            box["figures"] = measure(folder)
            raise Rollback
        return box["figures"]


if __name__ == "__main__":
    main()
