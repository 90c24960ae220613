"""`kinerja import-organisation` at the size of the ministry: 3 000 units and 80 000 employees.

Generates an organisation file (a folder of CSV files, as an HR export gives it; `KINERJA_BENCH_ORG_FORMAT=xlsx`
for a workbook): a ministry, 12 echelon-I units, their directorates and regional offices, the offices under
those and their sections, 3 000 units in all, with a head and an executor position in each and 80 000
employees (a head per unit, the rest executors). Then measures, each in a fresh Python process so that its
peak memory (`ru_maxrss`) is its own, its CPU time (`time.process_time`: SQLite runs in-process) with the
wall clock beside, and its number of queries (an `execute_wrapper` that only counts):

* baseline: reading the file and checking every rule of it, no database (`read_organisation` +
  `check_organisation`): what any import must at least do;
* first: the first import, `--apply`, into an empty migrated SQLite database;
* same: the same file again, `--apply`: nothing to change (and nothing written);
* reimport: next month's file, 1 % of the employee rows changed (half moved to another unit's position,
  half with a new e-mail address) and 1 % of the unit rows renamed, `--apply`.

Sizes: `KINERJA_BENCH_ORG_UNITS` (3000) and `KINERJA_BENCH_ORG_EMPLOYEES` (80000).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve()
SRC = HERE.parents[2] / "src"
DAY = dt.date(2026, 3, 1)


def sizes() -> tuple[int, int]:
    return (
        int(os.environ.get("KINERJA_BENCH_ORG_UNITS", "3000")),
        int(os.environ.get("KINERJA_BENCH_ORG_EMPLOYEES", "80000")),
    )


def nip(n: int, rng: random.Random) -> str:
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 12_000))
    appointed = born.year + rng.randrange(20, 30)
    return f"{born:%Y%m%d}{appointed}{rng.randrange(1, 13):02d}{rng.choice('12')}{n % 999 + 1:03d}"


def generate(
    folder: Path, units_wanted: int, employees_wanted: int, seed: int = 2026
) -> dict[str, list[list[str]]]:
    """The three sheets' rows (headers first) of a ministry of about `units_wanted` units."""
    rng = random.Random(seed)
    units = [["KEMENKEU", "", "wide", "ministry", "Kementerian Keuangan"]]
    level_two = max(1, (units_wanted - 13) // 9)  # each level-two unit has 7 offices and a section under one
    echelon_one = [f"E{i:02d}" for i in range(1, 13)]
    for code in echelon_one:
        units.append([code, "KEMENKEU", "one", "echelon_1", f"Direktorat Jenderal {code}"])
    n = 0
    while len(units) < units_wanted:
        n += 1
        parent = echelon_one[n % 12]
        two = f"{parent}-K{n:03d}"
        units.append([two, parent, "two", "regional_office", f"Kantor Wilayah {n}"])
        for k in range(1, 8):
            if len(units) >= units_wanted:
                break
            three = f"{two}-O{k}"
            units.append([three, two, "three", "kpp", f"Kantor Pelayanan {n}.{k}"])
            if k == 1 and len(units) < units_wanted:
                units.append([f"{three}-S1", three, "four", "section", f"Seksi Pelayanan {n}.{k}"])
    del level_two
    positions = []
    for code, *_ in units:
        positions.append([f"{code}-KEPALA", code, f"Kepala {code}", "struktural", "17", "ya"])
        positions.append([f"{code}-PELAKSANA", code, f"Pelaksana {code}", "pelaksana", "7", ""])
    employees = []
    seen: set[str] = set()
    number = 0

    def person(position: str) -> None:
        nonlocal number
        while True:
            number += 1
            value = nip(number, rng)
            if value not in seen:
                break
        seen.add(value)
        employees.append(
            [value, f"Pegawai {number}", f"p{number}@kemenkeu.example", position, "", "2024-01-02"]
        )

    for code, *_ in units:
        person(f"{code}-KEPALA")
    while len(employees) < employees_wanted:
        person(f"{units[rng.randrange(len(units))][0]}-PELAKSANA")
    tables = {
        "unit": [["kode_unit", "kode_induk", "level", "jenis", "nama"], *units],
        "jabatan": [
            ["kode_jabatan", "kode_unit", "nama", "jenis", "kelas_jabatan", "kepala_unit"],
            *positions,
        ],
        "pegawai": [["nip", "nama", "email", "kode_jabatan", "status_jabatan", "tmt"], *employees],
    }
    write(folder, tables)
    return tables


def write(folder: Path, tables: dict[str, list[list[str]]]) -> Path:
    if os.environ.get("KINERJA_BENCH_ORG_FORMAT") == "xlsx":
        sys.path.insert(0, str(SRC))
        from kinerja.interchange.sources import write_xlsx_sheets

        path = folder.with_suffix(".xlsx")
        write_xlsx_sheets(path, [(name, rows[0], rows[1:]) for name, rows in tables.items()])
        return path
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder


def next_month(tables: dict[str, list[list[str]]], seed: int = 7) -> tuple[dict[str, list[list[str]]], int]:
    """The same organisation with 1 % of the employee and unit rows changed; returns it and the changes."""
    rng = random.Random(seed)
    changed = {name: [list(r) for r in rows] for name, rows in tables.items()}
    employees = changed["pegawai"]
    units = changed["unit"]
    executors = [r for r in employees[1:] if r[3].endswith("-PELAKSANA")]
    picked = rng.sample(executors, len(employees[1:]) // 100)
    for i, row in enumerate(picked):
        if i % 2:
            row[2] = f"baru{i}@kemenkeu.example"
        else:
            row[3] = f"{units[1 + rng.randrange(len(units) - 1)][0]}-PELAKSANA"
            row[5] = "2026-03-01"
    renamed = rng.sample(units[1:], max(1, len(units[1:]) // 100))
    for row in renamed:
        row[4] += " (baru)"
    return changed, len(picked) + len(renamed)


# ---------------------------------------------------------------- one phase, in its own process


class Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def phase(name: str, path: str, database: str) -> dict[str, Any]:
    import resource

    sys.path.insert(0, str(SRC))
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()
    from django.db import connection

    from kinerja.interchange.organisation import check_organisation, read_organisation
    from kinerja.organisations.importing import import_organisation

    counter = Counter()
    with connection.execute_wrapper(counter):
        cpu, wall = time.process_time(), time.perf_counter()
        if name == "migrate":
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
            summary: dict[str, Any] = {}
        elif name == "baseline":
            book = read_organisation(path)
            problems = check_organisation(book, today=DAY)
            summary = {
                "rows": len(book.units) + len(book.positions) + len(book.employees),
                "errors": len(problems),
            }
        else:
            result = import_organisation(path, apply=True, today=DAY)
            summary = result.to_dict()
            summary["errors"] = len(summary["errors"])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return {
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 2),
        "queries": counter.count,
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        **summary,
    }


def run_phase(name: str, path: Path, database: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(HERE), "phase", name, str(path), str(database)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(SRC)},
    )
    if done.returncode != 0:
        raise RuntimeError(f"phase {name} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> dict[str, Any]:
    units_wanted, employees_wanted = sizes()
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-org-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        tables = generate(folder / "org", units_wanted, employees_wanted)
        first_path = (
            folder / "org" if os.environ.get("KINERJA_BENCH_ORG_FORMAT") != "xlsx" else folder / "org.xlsx"
        )
        changed, changes = next_month(tables)
        second_path = write(folder / "next", changed)
        print(
            f"   file: {len(tables['unit']) - 1} units, {len(tables['jabatan']) - 1} positions, "
            f"{len(tables['pegawai']) - 1} employees (generated in {time.perf_counter() - started:.1f} s); "
            f"next month: {changes} rows changed",
            flush=True,
        )
        database = folder / "bench.sqlite3"
        run_phase("migrate", first_path, database)
        figures: dict[str, Any] = {}
        for name, path in (
            ("baseline", first_path),
            ("first", first_path),
            ("same", first_path),
            ("reimport", second_path),
        ):
            figures[name] = run_phase(name, path, database)
            f = figures[name]
            print(
                f"   {name:9s} cpu {f['cpu_s']:7.2f} s  wall {f['wall_s']:7.2f} s  "
                f"queries {f['queries']:6d}  peak {f['peak_mb']:7.1f} MB",
                flush=True,
            )
        base = figures["baseline"]["cpu_s"] or 1
        for name in ("first", "same", "reimport"):
            figures[name]["cpu_vs_baseline"] = round(figures[name]["cpu_s"] / base, 2)
        print(
            "   first import {first}× the baseline, the same file again {same}×, next month {reimport}×".format(
                **{n: figures[n]["cpu_vs_baseline"] for n in ("first", "same", "reimport")}
            )
        )
        print(
            f"   first: {json.dumps({k: figures['first'][k] for k in ('units', 'positions', 'employees')})}"
        )
        print(f"   same: {json.dumps({k: figures['same'][k] for k in ('units', 'positions', 'employees')})}")
        print(
            f"   reimport: {json.dumps({k: figures['reimport'][k] for k in ('units', 'positions', 'employees')})}"
        )
        figures["size"] = {"units": len(tables["unit"]) - 1, "employees": len(tables["pegawai"]) - 1}
        return figures


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "phase":
        print(json.dumps(phase(sys.argv[2], sys.argv[3], sys.argv[4]), default=str))
    else:
        main()
