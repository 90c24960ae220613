"""`kinerja score` on 100 000 KPI rows beside a DuckDB pass computing the same figures and a `csv.DictReader` read.

Generates (in a temporary folder) a scorecard table of 1 000 units × 100 KPIs ×
1 period with mixed polarities (max, min, min with target 0 and a worst value,
stabilize bands) and a few blank realizations, then measures in the same run:

* baseline 1: reading the file with `csv.DictReader` (every row as a dict);
* baseline 2: a DuckDB single pass (`duckdb_baseline.score_query`, DuckDB's
  default settings: every core) reading the same file and writing every figure
  `kinerja score` prints (each KPI's index and status, each objective's and
  perspective's index, contributions, NKO, predicate), rounded as it rounds them,
  to a CSV file;
* subject: `kinerja score FILE --format json` through `run_standalone`,
  in-process, standard output into a null sink: read + validate + score +
  serialise.

Before anything is timed the DuckDB pass is checked against Kinerja's output on
every figure (`duckdb_baseline.compare_score`); a difference stops the benchmark.
Each is timed as the best of a few runs, alternating, in CPU time of this process
(`time.process_time`: DuckDB's threads included; other work on a shared machine
disturbs it less than the wall clock). Peak memory (VmHWM) is measured once
for each in a fresh process. The aim: `kinerja score` at most 1.5× the DuckDB pass.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import duckdb_baseline  # noqa: E402 - beside this file

T = TypeVar("T")

UNITS = 1_000
KPIS_PER_UNIT = 100
ROUNDS = 3

PERSPECTIVES = ("stakeholder", "customer", "internal_process", "learning_growth")
WEIGHTS = ("30", "20", "30", "20")


class NullSink(io.TextIOBase):
    """A text stream that keeps nothing (but counts what it was given)."""

    def __init__(self) -> None:
        self.written = 0

    def write(self, text: str) -> int:
        self.written += len(text)
        return len(text)

    def writable(self) -> bool:
        return True


def generate(path: Path, units: int = UNITS, kpis: int = KPIS_PER_UNIT, seed: int = 2026) -> int:
    """Write the table; returns the number of data rows."""
    rng = random.Random(seed)
    header = [
        "unit",
        "perspective",
        "perspective_weight",
        "objective_code",
        "objective_name",
        "kpi_code",
        "kpi_name",
        "kpi_weight",
        "polarity",
        "target",
        "target_low",
        "target_high",
        "worst",
        "realization",
        "measure_unit",
    ]
    rows = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for u in range(units):
            unit = f"U{u:04d}"
            for k in range(kpis):
                p = k * 4 // kpis  # 25 KPIs per perspective
                objective = f"{PERSPECTIVES[p][0].upper()}{k % 25 // 5 + 1}"  # 5 objectives of 5 KPIs
                kind = rng.random()
                target = low = high = worst = ""
                if kind < 0.55:
                    polarity = "max"
                    t = rng.randint(50, 500)
                    target = str(t)
                    realization = f"{t * rng.uniform(0.6, 1.4):.2f}"
                elif kind < 0.80:
                    polarity = "min"
                    t = rng.randint(5, 50)
                    target = str(t)
                    realization = f"{t * rng.uniform(0.5, 1.5):.2f}"
                elif kind < 0.88:
                    polarity = "min"
                    target, worst = "0", str(rng.randint(10, 40))
                    realization = str(rng.randint(0, 12))
                else:
                    polarity = "stabilize"
                    lo = rng.randint(20, 60)
                    low, high = str(lo), str(lo + rng.randint(5, 30))
                    realization = f"{rng.uniform(10, 100):.1f}"
                if rng.random() < 0.02:
                    realization = ""  # not reported
                if polarity == "max" and rng.random() < 0.3:
                    target, realization = f"{target}%", f"{realization}%" if realization else ""
                writer.writerow(
                    [
                        unit,
                        PERSPECTIVES[p],
                        WEIGHTS[p],
                        objective,
                        f"Objective {objective}",
                        f"{objective}.{k % 5 + 1}",
                        f"KPI number {k} of unit {unit}",
                        "",
                        polarity,
                        target,
                        low,
                        high,
                        worst,
                        realization,
                        "percent",
                    ]
                )
                rows += 1
    return rows


def baseline(path: Path) -> int:
    with path.open(encoding="utf-8", newline="") as f:
        return sum(1 for _ in csv.DictReader(f))


def subject(path: Path, sink: io.TextIOBase | None = None) -> int:
    from kinerja.interchange.commands import run_standalone

    out = NullSink() if sink is None else sink
    with contextlib.redirect_stdout(out):
        status = run_standalone("score", [str(path), "--format", "json"])
    if status != 0:
        raise RuntimeError(f"kinerja score exited {status}")
    return out.written if isinstance(out, NullSink) else 0


def duckdb_pass(path: Path, out: Path, *, rounded: bool = True) -> None:
    duckdb_baseline.run(duckdb_baseline.score_query(path, rounded=rounded), out, "csv")


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


# peak memory of one run in a fresh process (VmHWM: what DuckDB allocates outside Python counts too)
PEAK = """
import contextlib, io, json, resource, sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import bench_score
path = Path(sys.argv[2])
if sys.argv[1] == "duckdb":
    bench_score.duckdb_pass(path, path.with_suffix(".duckdb.csv"))
else:
    bench_score.subject(path)
print(json.dumps({"maxrss_kb": peak_kb()}))
"""


def peak_mb(which: str, path: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", duckdb_baseline.PEAK_KB + PEAK, which, str(path), str(HERE)],
        capture_output=True,
        text=True,
        check=False,
        cwd=HERE.parents[1],
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    return round(json.loads(done.stdout.strip().splitlines()[-1])["maxrss_kb"] / 1024)


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as folder:
        path = Path(folder) / "scorecards.csv"
        rows = generate(path)
        size = path.stat().st_size
        # the check, before anything is timed: every figure of the DuckDB pass against Kinerja's output
        printed = io.StringIO()
        subject(path, printed)
        unrounded = Path(folder) / "duckdb-raw.csv"
        duckdb_pass(path, unrounded, rounded=False)
        checked = duckdb_baseline.compare_score(printed.getvalue(), unrounded)
        del printed
        out = Path(folder) / "duckdb.csv"
        subject(path)  # warm up: imports, caches
        duckdb_pass(path, out)
        base_s = score_s = duck_s = float("inf")
        written = 0
        for _ in range(ROUNDS):  # alternating, so that a busy moment of the machine hits all three
            seconds, counted = timed(lambda: baseline(path))
            assert counted == rows
            base_s = min(base_s, seconds)
            seconds, written = timed(lambda: subject(path))
            score_s = min(score_s, seconds)
            seconds, _ = timed(lambda: duckdb_pass(path, out))
            duck_s = min(duck_s, seconds)
        score_mb, duck_mb = peak_mb("kinerja", path), peak_mb("duckdb", path)
    figures = {
        "rows": rows,
        "file_mb": round(size / 1e6, 2),
        "rounds": ROUNDS,
        "checked_figures": checked["figures"],
        "checked_half_cent_ties": checked["ties"],
        "baseline_dictreader_s": round(base_s, 3),
        "baseline_rows_per_s": round(rows / base_s),
        "duckdb_s": round(duck_s, 3),
        "duckdb_peak_mb": duck_mb,
        "score_json_s": round(score_s, 3),
        "score_rows_per_s": round(rows / score_s),
        "score_peak_mb": score_mb,
        "ratio_to_plain_read": round(score_s / base_s, 2),
        "ratio_to_duckdb": round(score_s / duck_s, 2),
        "json_mb": round(written / 1e6, 2),
    }
    print(
        f"   {rows:,} rows ({figures['file_mb']} MB); checked {checked['figures']:,} figures against DuckDB "
        f"({checked['ties']:,} half-cent ties)\n"
        f"   csv.DictReader {base_s:.3f} s ({figures['baseline_rows_per_s']:,} rows/s); DuckDB pass {duck_s:.3f} s "
        f"(peak {duck_mb} MB); kinerja score --format json {score_s:.3f} s ({figures['score_rows_per_s']:,} rows/s, "
        f"peak {score_mb} MB)\n"
        f"   ratio to DictReader {figures['ratio_to_plain_read']}×, to DuckDB {figures['ratio_to_duckdb']}× (aim ≤ 1.5)"
    )
    return figures


if __name__ == "__main__":
    print(main())
    sys.exit(0)
