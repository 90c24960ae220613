"""The home page and the reporting queue of an administrator at two sizes, server time on SQLite, same run.

Two temporary SQLite databases are filled with bulk writes (no services: this measures reading, not
writing): a ministry root, ten echelon-1 units and under them the map-owning units, each with an
approved 2026 map of eight SS and `KPIS` KPIs (three in four monthly, the rest quarterly; "last", "sum"
and "average" consolidations), the plan year's periods, and realizations of the periods ended by
5 December 2026 in mixed workflow states (most approved, the recent months submitted, verified, draft
or missing). The small set (`SMALL_MAPS` maps) is the baseline; the large one (`KINERJA_BENCH_HOME_MAPS`,
default 300 maps × 40 KPIs = 12,000 KPIs, about 130,000 realizations) the subject.

A superuser then asks, through `django.test.Client` (whole middleware stack, session, permissions):
GET / (the home page: the work queue's counts, the first five items due, the completeness count) and
GET /capaian/ (the reporting queue, first page). Each is requested `WARMUPS` times, then `REQUESTS`
times; reported: median in ms and query count per page and size, and the ratio large/small.

Run alone: `PYTHONPATH=src python tests/bench/bench_home_page.py` (KINERJA_BENCH_HOME_MAPS=60 for a
quick look; KINERJA_BENCH_HOME_PG=postgresql://postgres@127.0.0.1:5432 for PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

WARMUPS = 2
REQUESTS = int(os.environ.get("KINERJA_BENCH_HOME_REQUESTS", "9"))
SMALL_MAPS = 2
LARGE_MAPS = int(os.environ.get("KINERJA_BENCH_HOME_MAPS", "300"))
KPIS = int(os.environ.get("KINERJA_BENCH_HOME_KPIS", "40"))
TODAY = dt.date(2026, 12, 5)
PAGES = {"home": "/", "reporting": "/capaian/"}


POSTGRES = os.environ.get("KINERJA_BENCH_HOME_PG", "")
"""A PostgreSQL server URL without a database (postgresql://user@host:port): the two sets then go into its
databases `<name>_small` and `<name>_large` (`KINERJA_BENCH_HOME_PG_NAME`, default kinerja_bench_home),
dropped and created afresh; else temporary SQLite files."""


def _fresh_postgres(name: str) -> str:
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return f"{POSTGRES}/{name}"


def setup_django(database: Path, folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    if POSTGRES:
        name = f"{os.environ.get('KINERJA_BENCH_HOME_PG_NAME', 'kinerja_bench_home')}_{database.stem}"
        os.environ["DATABASE_URL"] = _fresh_postgres(name)
        database = Path(name)
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
        settings.DATABASES["default"]["NAME"] = str(database)
    else:
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _path(*steps: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

    def step(n: int) -> str:
        out = ""
        for _ in range(4):
            out = digits[n % 36] + out
            n //= 36
        return out

    return "".join(step(s) for s in steps)


def populate(maps: int, seed: int = 16) -> Any:
    """The bulk data described in the module docstring; returns the superuser."""
    from kinerja.accounts.models import User
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Kpi,
        MapState,
        Objective,
        Perspective,
        PlanPeriod,
        PlanYear,
        StrategyMap,
    )
    from kinerja.reporting.models import Realization, ReportingPeriod
    from kinerja.reporting.services import ensure_periods

    rng = random.Random(seed)
    admin = User.objects.create_superuser("admin", "admin@example.com", "rahasia-123")
    entrant = User.objects.create(username="pegawai")
    checker = User.objects.create(username="pengelola")
    echelons = 10
    per_echelon = -(-maps // echelons)
    units = [
        Unit(
            code="KEMENKEU",
            name_id="Kementerian Keuangan",
            level="wide",
            kind="ministry",
            path=_path(1),
            depth=1,
            numchild=echelons,
        )
    ]
    leaves = []
    for e in range(echelons):
        count = min(per_echelon, max(0, maps - e * per_echelon))
        units.append(
            Unit(
                code=f"E1-{e:02d}",
                name_id=f"Eselon I {e}",
                level="one",
                kind="echelon_1",
                path=_path(1, e + 1),
                depth=2,
                numchild=count,
            )
        )
        for k in range(count):
            leaves.append(
                Unit(
                    code=f"KPP-{e:02d}-{k:03d}",
                    name_id=f"KPP {e}-{k}",
                    level="three",
                    kind="kpp",
                    owns_map=True,
                    path=_path(1, e + 1, k + 1),
                    depth=3,
                    numchild=0,
                )
            )
    Unit.objects.bulk_create(units + leaves)
    leaves = list(Unit.objects.filter(depth=3).order_by("path"))
    plan_period = PlanPeriod.objects.create(name="Renstra 2025–2029", start_year=2025, end_year=2029)
    year = PlanYear.objects.create(year=2026, plan_period=plan_period, rule_set="kmk-127-2026")
    ensure_periods(year)
    StrategyMap.objects.bulk_create(
        [StrategyMap(unit=u, plan_year=year, state=MapState.APPROVED) for u in leaves]
    )
    smaps = list(StrategyMap.objects.filter(plan_year=year).order_by("pk"))
    Perspective.objects.bulk_create(
        [
            Perspective(map=m, code=c, order=o, name_id=n_id, name_en=n_en)
            for m in smaps
            for c, o, n_id, n_en in PERSPECTIVE_DEFAULTS
        ]
    )
    perspectives = {(p.map_id, p.order): p for p in Perspective.objects.all()}
    Objective.objects.bulk_create(
        [
            Objective(
                map=m,
                perspective=perspectives[(m.pk, 1 + i // 2)],
                code=f"SS{i + 1}",
                name_id=f"Sasaran {i + 1}",
            )
            for m in smaps
            for i in range(8)
        ]
    )
    objectives: dict[int, list[Objective]] = {}
    for o in Objective.objects.order_by("map_id", "code"):
        objectives.setdefault(o.map_id, []).append(o)
    kpis = []
    for m in smaps:
        for i in range(KPIS):
            kpis.append(
                Kpi(
                    objective=objectives[m.pk][i % 8],
                    code=f"IKU{i + 1:02d}",
                    name_id=f"Indikator {i + 1}",
                    validity="proxy",
                    controllability="moderate",
                    polarity="max",
                    consolidation=("last", "sum", "average")[i % 3],
                    frequency="quarterly" if i % 4 == 3 else "monthly",
                    target=Decimal(100),
                )
            )
    Kpi.objects.bulk_create(kpis, batch_size=2000)
    periods = {(p.frequency, p.number): p for p in ReportingPeriod.objects.filter(plan_year=year)}
    rows = []
    for kpi_id, frequency in Kpi.objects.values_list("pk", "frequency"):
        ended = 11 if frequency == "monthly" else 3
        for n in range(1, ended + 1):
            late = n >= ended - (1 if frequency == "monthly" else 0)
            roll = rng.random()
            if late:
                state = (
                    "missing"
                    if roll < 0.35
                    else "draft"
                    if roll < 0.55
                    else "submitted"
                    if roll < 0.8
                    else "verified"
                )
            else:
                state = "approved" if roll < 0.9 else "missing" if roll < 0.95 else "verified"
            if state == "missing":
                continue
            rows.append(
                Realization(
                    kpi_id=kpi_id,
                    period=periods[(frequency, n)],
                    value=Decimal(rng.randint(50, 120)),
                    state=state,
                    created_by=entrant,
                    submitted_by=entrant if state != "draft" else None,
                    verified_by=checker if state in ("verified", "approved") else None,
                    approved_by=checker if state == "approved" else None,
                )
            )
    Realization.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return admin, len(kpis), len(rows)


def measure(user: Any) -> dict[str, dict[str, float | int]]:
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    found: dict[str, dict[str, float | int]] = {}
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        for name, url in PAGES.items():
            for _ in range(WARMUPS):
                assert client.get(url).status_code == 200
            times = []
            for _ in range(REQUESTS):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            found[name] = {"median_ms": round(statistics.median(times), 1), "queries": len(queries)}
    return found


def main() -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for label, maps in (("small", SMALL_MAPS), ("large", LARGE_MAPS)):
            setup_django(Path(folder) / f"{label}.sqlite3", Path(folder))
            started = time.perf_counter()
            admin, kpis, realizations = populate(maps)
            built = time.perf_counter() - started
            figures = measure(admin)
            results[label] = {
                "maps": maps,
                "kpis": kpis,
                "realizations": realizations,
                "build_s": round(built, 1),
                **figures,
            }
            print(f"{label}: {maps} maps, {kpis} KPIs, {realizations} realizations (built in {built:.1f} s)")
            for page, f in figures.items():
                print(f"  {page:10s} median {f['median_ms']:8.1f} ms  {f['queries']} queries")
    for page in PAGES:
        small, large = results["small"][page], results["large"][page]
        results[f"{page}_ratio"] = round(large["median_ms"] / small["median_ms"], 2)
        print(
            f"{page}: large/small median {results[f'{page}_ratio']}×, queries {small['queries']} → {large['queries']}"
        )
    return results


if __name__ == "__main__":
    main()
