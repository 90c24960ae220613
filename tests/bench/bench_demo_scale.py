"""`kinerja demo --scale`: the generated ministry's build, wall time per stage and peak memory (issue 16).

Runs the build in a fresh Python process (so that its peak memory, `ru_maxrss`, is its own) on the database of
`KINERJA_BENCH_DATABASE_URL` (else `DATABASE_URL`; else a fresh SQLite file, migrated first) — the database is
EMPTIED (`--reset`). Scale: `KINERJA_BENCH_SCALE` (default 0.1; `ministry` for the whole Ministry: 3,000 units,
80,000 employees, about 1,000 maps and 40,000 KPIs — run it on PostgreSQL:

    createdb -h 127.0.0.1 -U postgres kinerja_scale
    KINERJA_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kinerja_scale \\
    KINERJA_BENCH_SCALE=ministry python tests/bench/run_all.py demo_scale

On the shared 2-core machine under load (December 2026, load average 10–12), `0.1` on PostgreSQL took about
10 minutes; the whole ministry 36 minutes (organisation 230 s, maps 827 s, closed months 665 s, open months
452 s) at a peak RSS of 328 MB, before the set-based recompute of issue 16 item 3 was merged.

Baseline, in the same run and on the same database: the same number of rows as the build left in the main
tables and their history tables, written by a plain `executemany` INSERT into a scratch table (no model, no
check, no history, no index but the primary key) in one transaction — the floor of writing that much.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
ROOT = HERE.parents[2]
SRC = ROOT / "src"

BUILD = """
import json, resource, sys, time
import django
django.setup()
from kinerja.demo import scale
started = time.perf_counter()
result = scale.build_scale(scale=scale.parse_scale(sys.argv[1]), seed=int(sys.argv[2]), reset=True,
                           report=lambda line: print(line, file=sys.stderr, flush=True))
from django.apps import apps
from django.db import connection
tables = {}
with connection.cursor() as cursor:
    for label in ("organisations.Unit", "organisations.Position", "organisations.Employee",
                  "organisations.Assignment", "accounts.User", "accounts.RoleAssignment", "planning.StrategyMap",
                  "planning.Objective", "planning.Kpi", "planning.PeriodTarget", "reporting.Realization",
                  "reporting.WorkflowEvent", "reporting.ScoreSnapshot"):
        model = apps.get_model(label)
        for m in (model, getattr(getattr(model, "history", None), "model", None)):
            if m is not None:
                cursor.execute(f"SELECT COUNT(*) FROM {m._meta.db_table}")
                tables[m._meta.db_table] = cursor.fetchone()[0]
print(json.dumps({"seconds": time.perf_counter() - started, "stages": result.timings, "counts": result.counts,
                  "rows": tables, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

BASELINE = """
import json, resource, sys, time
import django
django.setup()
from django.db import connection, transaction
rows = int(sys.argv[1])
started = time.perf_counter()
with transaction.atomic(), connection.cursor() as cursor:
    cursor.execute("DROP TABLE IF EXISTS bench_scale_rows")
    cursor.execute("CREATE TABLE bench_scale_rows (id integer PRIMARY KEY, code varchar(64), value numeric(24, 6),"
                   " state varchar(16), at timestamp)")
    batch = 5000
    for start in range(0, rows, batch):
        cursor.executemany(
            "INSERT INTO bench_scale_rows (id, code, value, state, at) VALUES (%s, %s, %s, %s, %s)",
            [(i, f"KODE-{i}", i % 1000 + 0.25, "approved", "2026-12-01 00:00:00")
             for i in range(start, min(rows, start + batch))],
        )
    cursor.execute("DROP TABLE bench_scale_rows")
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _env(database_url: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(SRC), DATABASE_URL=database_url)
    env.setdefault("DJANGO_SETTINGS_MODULE", "kinerja.config.settings.local")
    return env


def _child(code: str, args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run `code` in a fresh interpreter; its progress lines (stderr) are shown as they come, its figures
    are the last line of its stdout (JSON)."""
    with subprocess.Popen(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None and process.stdout is not None
        tail: list[str] = []
        for line in process.stderr:
            tail = [*tail[-40:], line]
            if line.startswith(("[", "    ", "Kementerian")):
                print("   ", line.rstrip(), flush=True)
        out = process.stdout.read()
    if process.returncode != 0:
        raise RuntimeError("".join(tail))
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> dict[str, Any]:
    scale = os.environ.get("KINERJA_BENCH_SCALE", "0.1")
    seed = os.environ.get("KINERJA_BENCH_SEED", "16")
    database_url = os.environ.get("KINERJA_BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or ""
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-scale-") as tmp:
        if not database_url:
            database_url = f"sqlite:///{Path(tmp) / 'scale.sqlite3'}"
            subprocess.run(
                [sys.executable, "-m", "kinerja.cli", "migrate", "-v0"],
                env=_env(database_url),
                cwd=ROOT,
                check=True,
            )
        engine = database_url.split(":", 1)[0]
        env = _env(database_url)
        started = time.perf_counter()
        build = _child(BUILD, [scale, seed], env)
        wall = time.perf_counter() - started
        rows = sum(build["rows"].values())
        baseline = _child(BASELINE, [str(rows)], env)
    figures = {
        "scale": scale,
        "seed": seed,
        "database": engine,
        "build_seconds": round(build["seconds"], 1),
        "process_wall_seconds": round(wall, 1),
        "peak_rss_mb": round(build["peak_rss_mb"]),
        "stages": {
            name: {
                "seconds": round(t["seconds"], 1),
                "count": int(t["count"]),
                "peak_rss_mb": round(t["peak_rss_mb"]),
            }
            for name, t in build["stages"].items()
        },
        "counts": build["counts"],
        "rows_written": rows,
        "baseline_plain_insert_seconds": round(baseline["seconds"], 2),
        "baseline_peak_rss_mb": round(baseline["peak_rss_mb"]),
        "ratio_to_baseline": round(build["seconds"] / baseline["seconds"], 1)
        if baseline["seconds"]
        else None,
    }
    print(
        f"demo --scale {scale} on {engine}: {figures['build_seconds']} s, peak RSS {figures['peak_rss_mb']} MB; "
        f"{rows} rows in the main and history tables; a plain INSERT of as many rows: "
        f"{figures['baseline_plain_insert_seconds']} s ({figures['ratio_to_baseline']}×)"
    )
    for name, stage in figures["stages"].items():
        print(f"   {name}: {stage['count']} in {stage['seconds']} s, peak RSS {stage['peak_rss_mb']} MB")
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
