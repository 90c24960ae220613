"""`kinerja nkp` on 80 000 employees beside a DuckDB pass computing the same figures and a `csv.DictReader` read.

Generates (in a temporary folder) an employee workbook as a folder of CSV files
under `kmk-127-2026`: 80 000 employees (`pegawai.csv`), 8 KPIs each with last
year's target and realization (`iki.csv`, 640 000 rows) and their core values
(`perilaku.csv`), then measures, each in a fresh Python process so that the
peak memory is the run's own:

* baseline 1: reading the three files with `csv.DictReader` into lists;
* baseline 2: a DuckDB single pass (`duckdb_baseline.nkp_query`, DuckDB's default
  settings: every core) reading the same three files and writing every figure
  `kinerja nkp` prints (rounded as it rounds them) to a JSON file, one object per
  employee with its KPIs;
* subject: `kinerja nkp FOLDER --rules kmk-127-2026 --format json` through
  `run_standalone`, standard output into a null sink: read + validate + score
  + serialise.

Before anything is timed the DuckDB pass is checked against Kinerja on every
figure of every employee (`duckdb_baseline.compare_nkp`, which says how half-cent
ties are told apart); a difference stops the benchmark.

Each is run ROUNDS times, alternating; the figures are the best round's CPU time of
the command in its process (`time.process_time`: DuckDB's threads included; other
work on a shared machine disturbs it less than the wall clock) and the least peak
memory (the process's high-water mark VmHWM, which counts what DuckDB allocates outside Python).
`KINERJA_BENCH_NKP_EMPLOYEES=20000` runs a smaller size for a quick check.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

EMPLOYEES = int(os.environ.get("KINERJA_BENCH_NKP_EMPLOYEES", "80000"))
KPIS = 8
ROUNDS = 2
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

sys.path.insert(0, str(HERE))
from duckdb_baseline import PEAK_KB, compare_nkp  # noqa: E402 - beside this file

PAIRS = [  # validity/controllability pairs kmk-127-2026 allows
    ("exact", "low"),
    ("exact", "moderate"),
    ("proxy", "low"),
    ("proxy", "moderate"),
    ("proxy", "high"),
    ("activity", "moderate"),
    ("activity", "high"),
]
VALUES = ("service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative")


def generate(folder: Path, employees: int = EMPLOYEES, kpis: int = KPIS, seed: int = 2026) -> None:
    rng = random.Random(seed)
    nips = [f"19{rng.randint(70, 99)}0101{2000 + n % 25}01{n:06d}" for n in range(employees)]
    with (folder / "pegawai.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "nip",
                "nama",
                "nip_atasan",
                "unit",
                "kelompok_jabatan",
                "tier",
                "nko",
                "hukdis",
                "skor_hukdis",
                "koreksi",
            ]
        )
        for n, nip in enumerate(nips):
            team = n // 10 * 10
            superior = nips[team] if n != team else ""
            sentence = rng.random() < 0.01
            writer.writerow(
                [
                    nip,
                    f"Pegawai {n}",
                    superior,
                    f"KPP-{n // 400:03d}",
                    "pelaksana" if superior else "eselon4",
                    "1" if not superior else "2",
                    f"{rng.uniform(95, 110):.2f}",
                    "ringan" if sentence else "",
                    "20" if sentence else "",
                    rng.choice(["", "", "", "1", "-1"]),
                ]
            )
    with (folder / "iki.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(
            [
                "nip",
                "kode_iki",
                "polaritas",
                "target",
                "realisasi",
                "jenis_iku",
                "controllability",
                "jenis",
                "target_prev",
                "realization_prev",
            ]
        )
        for nip in nips:
            for k in range(kpis):
                validity, control = rng.choice(PAIRS)
                polarity = "max" if rng.random() < 0.8 else "min"
                target = rng.randint(50, 200)
                realization = f"{target * rng.uniform(0.7, 1.3):.2f}" if rng.random() > 0.01 else ""
                kind = "existing" if rng.random() < 0.85 else "new"
                prev_t = prev_r = ""
                if kind == "existing":
                    prev_t = str(target + rng.choice([-10, 0, 0, 10, 20]))
                    prev_r = str(int(prev_t) + rng.choice([-5, 0, 5, 15]))
                writer.writerow(
                    [
                        nip,
                        f"IKI-{k + 1}",
                        polarity,
                        target,
                        realization,
                        validity,
                        control,
                        kind,
                        prev_t,
                        prev_r,
                    ]
                )
    with (folder / "perilaku.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["nip", "period", *VALUES])
        for nip in nips:
            writer.writerow([nip, "2026", *(rng.randint(85, 115) for _ in VALUES)])


BASELINE = """
import csv, json, resource, sys, time
from pathlib import Path
folder = Path(sys.argv[1])
started = time.process_time()
rows = {name: list(csv.DictReader((folder / f"{name}.csv").open(encoding="utf-8", newline="")))
        for name in ("pegawai", "iki", "perilaku")}
elapsed = time.process_time() - started
print(json.dumps({"seconds": elapsed, "employees": len(rows["pegawai"]),
                  "maxrss_kb": peak_kb()}))
"""

# `kinerja nkp` into a null sink, or (with a second argument) into that file, for the check
SUBJECT = """
import contextlib, io, json, resource, sys, time
from kinerja.interchange.commands import run_standalone

class Sink(io.TextIOBase):
    written = 0
    def write(self, text):
        self.written += len(text)
        return len(text)
    def writable(self):
        return True

sink = Sink() if len(sys.argv) < 3 else open(sys.argv[2], "w", encoding="utf-8")
started = time.process_time()
with contextlib.redirect_stdout(sink):
    status = run_standalone("nkp", [sys.argv[1], "--rules", "kmk-127-2026", "--format", "json"])
elapsed = time.process_time() - started
written = sink.written if isinstance(sink, Sink) else sink.tell()
print(json.dumps({"seconds": elapsed, "status": status, "json_bytes": written,
                  "maxrss_kb": peak_kb()}))
"""

# the DuckDB single pass (duckdb_baseline.nkp_query) into a JSON file; a third argument `raw` leaves the
# figures unrounded, for the check
DUCKDB = """
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import duckdb
import duckdb_baseline
query = duckdb_baseline.nkp_query(Path(sys.argv[1]), rounded=len(sys.argv) < 5)
started = time.process_time()
duckdb_baseline.run(query, Path(sys.argv[2]), "json")
elapsed = time.process_time() - started
print(json.dumps({"seconds": elapsed, "status": 0,
                  "maxrss_kb": peak_kb()}))
"""


def run(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_KB + textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    if result.get("status", 0) != 0:
        raise RuntimeError(f"exited {result.get('status')}: {done.stderr[-2000:]}")
    return result


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    """The best of the rounds: least CPU time, least peak memory (each its own minimum)."""
    return {
        **runs[0],
        "seconds": min(r["seconds"] for r in runs),
        "maxrss_kb": min(r["maxrss_kb"] for r in runs),
    }


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as name:
        folder = Path(name) / "workbook"
        folder.mkdir()
        generate(folder)
        size = sum(p.stat().st_size for p in folder.iterdir())
        # the check, before anything is timed: every figure of the pass against Kinerja's output
        printed, unrounded = Path(name) / "kinerja.json", Path(name) / "duckdb-raw.json"
        run(SUBJECT, str(folder), str(printed))
        run(DUCKDB, str(folder), str(unrounded), str(HERE), "raw")
        checked = compare_nkp(printed, unrounded)
        printed.unlink()
        unrounded.unlink()
        out = str(Path(name) / "duckdb.json")
        bases, subjects, ducks = [], [], []
        for _ in range(ROUNDS):  # alternating, so that a busy moment of the machine hits all three
            bases.append(run(BASELINE, str(folder)))
            subjects.append(run(SUBJECT, str(folder)))
            ducks.append(run(DUCKDB, str(folder), out, str(HERE)))
    base, subject, duck = best(bases), best(subjects), best(ducks)
    figures = {
        "employees": EMPLOYEES,
        "iki_rows": EMPLOYEES * KPIS,
        "files_mb": round(size / 1e6, 1),
        "rounds": ROUNDS,
        "checked_figures": checked["figures"],
        "checked_half_cent_ties": checked["ties"],
        "baseline_dictreader_s": round(base["seconds"], 2),
        "baseline_employees_per_s": round(EMPLOYEES / base["seconds"]),
        "baseline_peak_mb": round(base["maxrss_kb"] / 1024),
        "duckdb_s": round(duck["seconds"], 2),
        "duckdb_peak_mb": round(duck["maxrss_kb"] / 1024),
        "nkp_json_s": round(subject["seconds"], 2),
        "nkp_employees_per_s": round(EMPLOYEES / subject["seconds"]),
        "nkp_peak_mb": round(subject["maxrss_kb"] / 1024),
        "ratio_to_plain_read": round(subject["seconds"] / base["seconds"], 1),
        "ratio_to_duckdb": round(subject["seconds"] / duck["seconds"], 2),
        "memory_ratio_to_duckdb": round(subject["maxrss_kb"] / duck["maxrss_kb"], 2),
        "json_mb": round(subject["json_bytes"] / 1e6, 1),
    }
    print(
        f"   {EMPLOYEES:,} employees, {EMPLOYEES * KPIS:,} KPI rows ({figures['files_mb']} MB); "
        f"checked {checked['figures']:,} figures against DuckDB ({checked['ties']:,} half-cent ties)\n"
        f"   csv.DictReader {figures['baseline_dictreader_s']} s (peak {figures['baseline_peak_mb']} MB); "
        f"DuckDB pass {figures['duckdb_s']} s (peak {figures['duckdb_peak_mb']} MB); "
        f"kinerja nkp --format json {figures['nkp_json_s']} s ({figures['nkp_employees_per_s']:,} employees/s, "
        f"peak {figures['nkp_peak_mb']} MB)\n"
        f"   ratio to DictReader {figures['ratio_to_plain_read']}×, to DuckDB {figures['ratio_to_duckdb']}× in time "
        f"(aim ≤ 2), {figures['memory_ratio_to_duckdb']}× in peak memory (aim ≤ 2)"
    )
    return figures


if __name__ == "__main__":
    print(main())
