"""Importing 100 000 realizations from an .xlsx beside a bare openpyxl read of the same file.

Sets Django up on a temporary SQLite database (migrated, then populated with a
plan year, its 19 reporting periods and 10 approved maps of 834 monthly KPIs,
each with a 12-month trajectory), writes an .xlsx of 10 × 834 × 12 = 100 080
rows (`unit`, `kpi_code`, `period`, `realization`, `analysis`), and measures in
the same run, each the best of a few rounds (CPU time of the process, as
bench_score measures it — SQLite runs in-process, so its work counts; the
wall-clock ratios are reported beside, they vary with the machine's load):

* baseline: `openpyxl.load_workbook(read_only=True)` and iterating every row
  of the sheet (`values_only`);
* dry run: `reporting.services.import_realizations(..., dry_run=True)` — read
  through the interchange reader, every cell parsed, every row validated
  against the maps, periods and existing realizations; nothing written;
* import: the same with the writes — 100 080 draft realizations and their
  history rows in one transaction (bulk inserts), recomputation enqueued on
  the database task backend (the production default; no worker runs here).

Reports rows per second and the ratio to the baseline (the aim is at most 3).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

UNITS = 10
KPIS_PER_UNIT = 834
MONTHS = 12
ROUNDS = 3

T = TypeVar("T")


def setup_django(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django
    from django.conf import settings

    django.setup()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def populate() -> tuple[object, object]:
    """The plan year, its maps and KPIs; returns (plan year, a user who may import for every unit)."""
    from decimal import Decimal

    from kinerja.accounts.models import Role, RoleAssignment, User
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Kpi,
        Objective,
        PeriodTarget,
        Perspective,
        PlanPeriod,
        PlanYear,
        StrategyMap,
    )
    from kinerja.reporting import services

    root = Unit.objects.add_root(
        create_kwargs={
            "code": "KEMENKEU",
            "name_id": "Kementerian Keuangan",
            "level": "wide",
            "kind": "ministry",
        }
    )
    units = [
        Unit.objects.add_child(
            root,
            create_kwargs={"code": f"U{u:03d}", "name_id": f"Unit {u}", "level": "one", "kind": "echelon_1"},
        )
        for u in range(UNITS)
    ]
    period = PlanPeriod.objects.create(name="Renstra", start_year=2025, end_year=2029)
    plan_year = PlanYear.objects.create(year=2026, plan_period=period, rule_set="kmk-467-2014")
    user = User.objects.create(username="mko")
    RoleAssignment.objects.create(user=user, unit=root, role=Role.MANAGER)
    kpis: list[Kpi] = []
    for unit in units:
        strategy_map = StrategyMap.objects.create(unit=unit, plan_year=plan_year, state="approved")
        perspectives = [
            Perspective.objects.create(
                map=strategy_map, code=code, order=order, name_id=name_id, name_en=name_en
            )
            for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS
        ]
        objectives = [
            Objective.objects.create(
                map=strategy_map, perspective=perspectives[i % 4], code=f"SS{i + 1}", name_id=f"SS {i + 1}"
            )
            for i in range(20)
        ]
        for k in range(KPIS_PER_UNIT):
            kpis.append(
                Kpi(
                    objective=objectives[k % 20],
                    code=f"IKU-{k + 1:04d}",
                    name_id=f"Indikator {k + 1}",
                    polarity="max",
                    consolidation="sum",
                    frequency="monthly",
                    validity="proxy",
                    controllability="moderate",
                    target=Decimal(1200),
                )
            )
    Kpi.objects.bulk_create(kpis, batch_size=2000)
    PeriodTarget.objects.bulk_create(
        (PeriodTarget(kpi=kpi, period=m, target=Decimal(100)) for kpi in kpis for m in range(1, MONTHS + 1)),
        batch_size=5000,
    )
    services.generate_periods(plan_year=plan_year)
    return plan_year, user


def generate(path: Path, seed: int = 2026) -> int:
    """Write the realization workbook (openpyxl's write-only mode); returns the number of data rows."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("realisasi")
    sheet.append(["unit", "kpi_code", "period", "realization", "analysis"])
    rows = 0
    for u in range(UNITS):
        for k in range(KPIS_PER_UNIT):
            for m in range(1, MONTHS + 1):
                sheet.append(
                    [f"U{u:03d}", f"IKU-{k + 1:04d}", f"2026-{m:02d}", round(rng.uniform(60, 140), 2), None]
                )
                rows += 1
    book.save(path)
    return rows


def baseline(path: Path) -> int:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    try:
        return sum(1 for _ in book.worksheets[0].iter_rows(min_row=2, values_only=True))
    finally:
        book.close()


def importing(path: Path, plan_year: object, user: object, *, dry_run: bool) -> object:
    from kinerja.reporting import services

    with path.open("rb") as stream:
        result = services.import_realizations(
            source=stream,
            name=path.name,
            plan_year=plan_year,
            by=user,
            dry_run=dry_run,  # type: ignore[arg-type]
        )
    if result.problems:
        raise RuntimeError(f"import found problems: {result.problems[:3]}")
    return result


def clear() -> None:
    """Empty the tables the import wrote (plain DELETEs: the ORM's cascade collection is not what is measured)."""
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    from kinerja.reporting.models import Realization

    with connection.cursor() as cursor:
        for model in (Realization.history.model, Realization, DBTaskResult):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")
        if connection.vendor == "sqlite":  # start each round from the same file state, WAL folded in
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def timed(action: Callable[[], T]) -> tuple[float, float, T]:
    """CPU seconds of this process (as bench_score measures; SQLite runs in-process), wall seconds, result."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-import-") as name:
        folder = Path(name)
        setup_django(folder)
        plan_year, user = populate()
        path = folder / "realisasi.xlsx"
        rows = generate(path)
        size = path.stat().st_size
        best: dict[str, tuple[float, float]] = {}

        def keep(name: str, cpu: float, wall: float) -> None:
            old = best.get(name, (float("inf"), float("inf")))
            best[name] = (min(old[0], cpu), min(old[1], wall))

        for number in range(ROUNDS):
            cpu, wall, counted = timed(lambda: baseline(path))
            assert counted == rows
            keep("baseline", cpu, wall)
            cpu, wall, _result = timed(lambda: importing(path, plan_year, user, dry_run=True))
            keep("dry_run", cpu, wall)
            cpu, wall, result = timed(lambda: importing(path, plan_year, user, dry_run=False))
            assert result.created == rows  # type: ignore[attr-defined]
            keep("import", cpu, wall)
            print(f"   round {number + 1}: import {cpu:.3f} s CPU, {wall:.3f} s wall", flush=True)
            clear()
    base_s, base_wall = best["baseline"]
    dry_s, dry_wall = best["dry_run"]
    write_s, write_wall = best["import"]
    figures = {
        "rows": rows,
        "file_mb": round(size / 1e6, 2),
        "baseline_openpyxl_s": round(base_s, 3),
        "baseline_rows_per_s": round(rows / base_s),
        "dry_run_s": round(dry_s, 3),
        "dry_run_rows_per_s": round(rows / dry_s),
        "dry_run_ratio": round(dry_s / base_s, 2),
        "import_s": round(write_s, 3),
        "import_rows_per_s": round(rows / write_s),
        "import_ratio": round(write_s / base_s, 2),
        "wall_baseline_s": round(base_wall, 3),
        "wall_dry_run_ratio": round(dry_wall / base_wall, 2),
        "wall_import_ratio": round(write_wall / base_wall, 2),
    }
    print(
        f"   {rows:,} rows ({figures['file_mb']} MB .xlsx): openpyxl read-only {base_s:.3f} s "
        f"({figures['baseline_rows_per_s']:,} rows/s); dry run {dry_s:.3f} s "
        f"({figures['dry_run_rows_per_s']:,} rows/s, {figures['dry_run_ratio']}×); import {write_s:.3f} s "
        f"({figures['import_rows_per_s']:,} rows/s, {figures['import_ratio']}×) — CPU time; wall-clock ratios "
        f"{figures['wall_dry_run_ratio']}× and {figures['wall_import_ratio']}×"
    )
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    print(main())
    sys.exit(0)
