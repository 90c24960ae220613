"""Recomputing the roll-up of a four-level cascade after one child changes, beside a full recompute (issue 12).

Sets Django up on a temporary SQLite database (migrated, as `bench_contracts` does) and builds with plain bulk
inserts a four-level direct-shared cascade of one monthly *sum* KPI: the map KPI of an office → 10 heads of
section → 10 executors each → 10 individual KPIs each below those (1 + 10 + 100 + 1,000 KPIs), every leaf
with a submitted realization in each of the 12 months (12,000 leaf realizations). Then measures (CPU time of
the process; SQLite runs in-process), each the best of a few rounds, each round rolled back:

* full: `rollup.recompute_parents(every leaf, every month)` — what a full recompute writes: the 111 parents
  in 12 months (1,332 derived realizations), climbed and computed set-based;
* one: one leaf's January value changed, then `recompute_parents([that leaf], [January])` — what the
  background task does after a child changes: its three ancestors in one month;
* baseline: reading the 12,000 leaf realizations once (`values_list`), the least a full recompute must read.

Reports the queries and the time of each, and the ratios one/full and full/baseline.
"""

from __future__ import annotations

import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

FAN_OUT = 10  # children per parent, at each of the three levels below the map KPI
MONTHS = 12
ROUNDS = 3
YEAR = 2026

T = TypeVar("T")
HERE = Path(__file__).resolve().parent


def _setup(folder: Path) -> None:
    """The same Django setup as `bench_contracts` (one definition: loaded from its file)."""
    spec = importlib.util.spec_from_file_location("bench_contracts", HERE / "bench_contracts.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.setup_django(folder)


def build() -> dict[str, Any]:
    """The office, the four-level cascade and the leaves' realizations; returns what `main` needs."""
    if str(HERE.parent.parent) not in sys.path:  # run as a script: the repository root for `tests.planning`
        sys.path.insert(0, str(HERE.parent.parent))
    from kinerja.contracts.models import Cascade, CascadeLink
    from kinerja.organisations.models import Position, Unit
    from kinerja.planning.models import Kpi, MapState
    from kinerja.reporting import services as reporting
    from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod
    from tests.planning import builders as b

    root = Unit.objects.add_root(
        create_kwargs={
            "code": "KPP-BENCH",
            "name_id": "KPP Bench",
            "level": "three",
            "kind": "kpp",
            "owns_map": True,
        }
    )
    strategy_map = b.bare_map(root, YEAR, MapState.APPROVED)
    objective = b.objective(strategy_map, "stakeholder", "S1")
    top = b.kpi(objective, "S1.1", target=Decimal(120_000), frequency="monthly", consolidation="sum")
    reporting.generate_periods(plan_year=strategy_map.plan_year)
    months = list(ReportingPeriod.objects.filter(plan_year=strategy_map.plan_year, frequency="monthly"))

    def level(parents: list[Any], depth: int) -> list[Any]:
        positions = Position.objects.bulk_create(
            Position(unit=root, code=f"P{depth}-{i}", title_id=f"Jabatan {depth}-{i}", type="executor")
            for i in range(len(parents) * FAN_OUT)
        )
        children = Kpi.all_kpis.bulk_create(
            Kpi(
                objective=objective,
                holder=positions[i],
                code="S1.1",
                name_id="Penerimaan",
                polarity="max",
                validity="exact",
                controllability="moderate",
                consolidation="sum",
                frequency="monthly",
                target=Decimal(1),
                contract_signed=True,
                rolled_up=depth < 3,
            )
            for i in range(len(parents) * FAN_OUT)
        )
        cascades = Cascade.objects.bulk_create(
            Cascade(parent=p, mode="direct_shared", aggregation="sum") for p in parents
        )
        CascadeLink.objects.bulk_create(
            CascadeLink(cascade=cascades[i // FAN_OUT], child=child, share=Decimal(1))
            for i, child in enumerate(children)
        )
        return children

    Kpi.all_kpis.filter(pk=top.pk).update(rolled_up=True)
    leaves = level(level(level([top], 1), 2), 3)
    Realization.objects.bulk_create(
        Realization(kpi=leaf, period=month, value=Decimal(10), state=RealizationState.SUBMITTED)
        for leaf in leaves
        for month in months
    )
    return {"leaves": [k.pk for k in leaves], "months": [m.pk for m in months], "top": top}


def timed(action: Callable[[], T], prepare: Callable[[], object] | None = None) -> tuple[float, int, T]:
    """CPU seconds, queries and the result of `action` (after `prepare`, not measured), in a transaction
    rolled back afterwards."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    class Rollback(Exception):
        pass

    box: dict[str, Any] = {}
    try:
        with transaction.atomic():
            if prepare is not None:
                prepare()
            with CaptureQueriesContext(connection) as queries:
                cpu = time.process_time()
                box["result"] = action()
                box["cpu"] = time.process_time() - cpu
            box["queries"] = len(queries)
            raise Rollback
    except Rollback:
        pass
    return box["cpu"], box["queries"], box["result"]


def best(action: Callable[[], T], prepare: Callable[[], object] | None = None) -> tuple[float, int, T]:
    runs = [timed(action, prepare) for _ in range(ROUNDS)]
    return min(runs, key=lambda run: run[0])


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory() as folder:
        _setup(Path(folder))
        from kinerja.contracts import rollup
        from kinerja.reporting.models import Realization

        started = time.perf_counter()
        world = build()
        print(f"   built 1,111 KPIs and 12,000 leaf realizations in {time.perf_counter() - started:.1f} s")
        leaves, months = world["leaves"], world["months"]

        def full() -> int:
            return rollup.recompute_parents(leaves, months)

        def derived_then_changed() -> None:  # the derived rows exist, then one leaf's January changes
            rollup.recompute_parents(leaves, months)
            Realization.objects.filter(kpi_id=leaves[0], period_id=months[0]).update(value=Decimal(11))

        def one() -> int:
            return rollup.recompute_parents([leaves[0]], [months[0]])

        def baseline() -> int:
            return len(list(Realization.objects.filter(kpi_id__in=leaves).values_list("kpi_id", "value")))

        full_cpu, full_queries, written = best(full)
        one_cpu, one_queries, changed = best(one, derived_then_changed)
        base_cpu, base_queries, rows = best(baseline)
    figures = {
        "kpis": 1 + FAN_OUT + FAN_OUT**2 + FAN_OUT**3,
        "leaf_realizations": rows,
        "full_written": written,
        "full_seconds": round(full_cpu, 3),
        "full_queries": full_queries,
        "one_written": changed,
        "one_seconds": round(one_cpu, 4),
        "one_queries": one_queries,
        "baseline_seconds": round(base_cpu, 3),
        "baseline_queries": base_queries,
        "full_over_baseline": round(full_cpu / base_cpu, 1) if base_cpu else None,
        "one_over_full": round(one_cpu / full_cpu, 4) if full_cpu else None,
    }
    print(
        f"   full recompute: {written} derived realizations in {full_cpu:.2f} s, {full_queries} queries "
        f"({figures['full_over_baseline']}× reading the {rows} leaf realizations once: {base_cpu:.2f} s)"
    )
    print(
        f"   one leaf changed: {changed} derived realizations rewritten in {one_cpu * 1000:.0f} ms, "
        f"{one_queries} queries ({figures['one_over_full']} of a full recompute)"
    )
    return figures


if __name__ == "__main__":
    main()
