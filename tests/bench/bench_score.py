"""`kinerja score` on 100 000 KPI rows beside a plain `csv.DictReader` read of the same file.

Generates (in a temporary folder) a scorecard table of 1 000 units × 100 KPIs ×
1 period with mixed polarities (max, min, min with target 0 and a worst value,
stabilize bands) and a few blank realizations, then measures in the same run:

* baseline: reading the file with `csv.DictReader` (every row as a dict);
* subject: `kinerja score FILE --format json` through `run_standalone`,
  in-process, standard output into a null sink: read + validate + score +
  serialise.

Reports rows per second for both and the ratio subject / baseline (the aim is
at most 3). Each is timed as the best of a few runs, alternating, in CPU time of
this process (`time.process_time`), which other work on a shared machine
disturbs less than the wall clock.
"""

from __future__ import annotations

import contextlib
import csv
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

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


def subject(path: Path) -> int:
    from kinerja.interchange.commands import run_standalone

    sink = NullSink()
    with contextlib.redirect_stdout(sink):
        status = run_standalone("score", [str(path), "--format", "json"])
    if status != 0:
        raise RuntimeError(f"kinerja score exited {status}")
    return sink.written


def timed(action: Callable[[], T]) -> tuple[float, T]:
    started = time.process_time()
    result = action()
    return time.process_time() - started, result


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as folder:
        path = Path(folder) / "scorecards.csv"
        rows = generate(path)
        size = path.stat().st_size
        subject(path)  # warm up: imports, caches
        base_s = score_s = float("inf")
        written = 0
        for _ in range(ROUNDS):
            seconds, counted = timed(lambda: baseline(path))
            assert counted == rows
            base_s = min(base_s, seconds)
            seconds, written = timed(lambda: subject(path))
            score_s = min(score_s, seconds)
    figures = {
        "rows": rows,
        "file_mb": round(size / 1e6, 2),
        "baseline_dictreader_s": round(base_s, 3),
        "baseline_rows_per_s": round(rows / base_s),
        "score_json_s": round(score_s, 3),
        "score_rows_per_s": round(rows / score_s),
        "ratio_to_plain_read": round(score_s / base_s, 2),
        "json_mb": round(written / 1e6, 2),
    }
    print(
        f"   {rows:,} rows ({figures['file_mb']} MB): csv.DictReader {base_s:.3f} s "
        f"({figures['baseline_rows_per_s']:,} rows/s); kinerja score --format json {score_s:.3f} s "
        f"({figures['score_rows_per_s']:,} rows/s); ratio {figures['ratio_to_plain_read']}×"
    )
    return figures


if __name__ == "__main__":
    print(main())
    sys.exit(0)
