"""`kinerja nkp` on 80 000 employees beside a plain `csv.DictReader` read of the same files.

Generates (in a temporary folder) an employee workbook as a folder of CSV files
under `kmk-127-2026`: 80 000 employees (`pegawai.csv`), 8 KPIs each with last
year's target and realization (`iki.csv`, 640 000 rows) and their core values
(`perilaku.csv`), then measures, each in a fresh Python process so that the
peak memory (`ru_maxrss`) is the run's own:

* baseline: reading the three files with `csv.DictReader` into lists;
* subject: `kinerja nkp FOLDER --rules kmk-127-2026 --format json` through
  `run_standalone`, standard output into a null sink: read + validate + score
  + serialise.

Reports employees per second (CPU time of the run, `time.process_time`, which
other work on a shared machine disturbs less than the wall clock) and peak
memory for both.
"""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

EMPLOYEES = 80_000
KPIS = 8
ROOT = Path(__file__).resolve().parents[2]

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
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

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

sink = Sink()
started = time.process_time()
with contextlib.redirect_stdout(sink):
    status = run_standalone("nkp", [sys.argv[1], "--rules", "kmk-127-2026", "--format", "json"])
elapsed = time.process_time() - started
print(json.dumps({"seconds": elapsed, "status": status, "json_bytes": sink.written,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def run(script: str, folder: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), str(folder)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as name:
        folder = Path(name)
        generate(folder)
        size = sum(p.stat().st_size for p in folder.iterdir())
        base = run(BASELINE, folder)
        subject = run(SUBJECT, folder)
    if subject.get("status") != 0:
        raise RuntimeError(f"kinerja nkp exited {subject.get('status')}")
    figures = {
        "employees": EMPLOYEES,
        "iki_rows": EMPLOYEES * KPIS,
        "files_mb": round(size / 1e6, 1),
        "baseline_dictreader_s": round(base["seconds"], 2),
        "baseline_employees_per_s": round(EMPLOYEES / base["seconds"]),
        "baseline_peak_mb": round(base["maxrss_kb"] / 1024),
        "nkp_json_s": round(subject["seconds"], 2),
        "nkp_employees_per_s": round(EMPLOYEES / subject["seconds"]),
        "nkp_peak_mb": round(subject["maxrss_kb"] / 1024),
        "ratio_to_plain_read": round(subject["seconds"] / base["seconds"], 1),
        "json_mb": round(subject["json_bytes"] / 1e6, 1),
    }
    print(
        f"   {EMPLOYEES:,} employees, {EMPLOYEES * KPIS:,} KPI rows ({figures['files_mb']} MB): "
        f"csv.DictReader {figures['baseline_dictreader_s']} s ({figures['baseline_employees_per_s']:,} employees/s, "
        f"peak {figures['baseline_peak_mb']} MB); kinerja nkp --format json {figures['nkp_json_s']} s "
        f"({figures['nkp_employees_per_s']:,} employees/s, peak {figures['nkp_peak_mb']} MB); "
        f"ratio {figures['ratio_to_plain_read']}×"
    )
    return figures


if __name__ == "__main__":
    print(main())
