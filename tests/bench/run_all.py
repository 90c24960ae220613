"""Run every benchmark in this folder (`make bench`), or the ones named: `run_all.py score nkp`.

Each `bench_<name>.py` has a `main() -> dict` that measures its subject beside a
baseline measured in the same run, prints a human summary and returns the figures;
this runner writes them all to bench-results/latest.json.

`bench_appraisals` (80 000 employees in the application database, about half an hour on the loaded shared machine)
takes a smaller size for a quick check: `KINERJA_BENCH_EMPLOYEES=5000 run_all.py appraisals`.
`bench_reports` (the monthly reports of 3,000 units, one PDF each, about half a second of CPU per report) likewise:
`KINERJA_BENCH_UNITS=300 run_all.py reports` (or `bench_reports.py --units 300`).
`bench_org_import` (import-organisation: 3 000 units, 80 000 employees, about a minute and a half) likewise:
`KINERJA_BENCH_ORG_UNITS=300 KINERJA_BENCH_ORG_EMPLOYEES=8000 run_all.py org_import`.
`bench_recompute` (1,000 maps × 40 KPIs; on PostgreSQL when `DATABASE_URL` is set, rolled back after; about
twenty minutes on the loaded shared machine) likewise: `KINERJA_BENCH_MAPS=100 run_all.py recompute`.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    files = sorted(HERE.glob("bench_*.py"))
    if names:
        files = [f for f in files if f.stem.removeprefix("bench_") in names]
    results: dict[str, object] = {}
    for path in files:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {path.stem}", flush=True)
        started = time.perf_counter()
        results[path.stem] = module.main()
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    out = Path("bench-results")
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps(results, indent=2, default=str))
    print(f"figures written to {out / 'latest.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
