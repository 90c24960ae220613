"""The leader's report pages at two sizes, server time, page size and queries, in the same run.

Pages (issue 16 item 2): the completeness report (`/kelengkapan/`, the whole reach and one regional office's
subtree), the dashboard (`/dasbor/`, the ministry's own and an echelon-I unit's with its units below) and the
NKO ranking (`/peringkat-nko/`), asked through `django.test.Client` (middleware, session, permissions; no
network) by a superuser, on two databases built here with bulk writes:

* baseline — "demo" size: 2 echelon-I units, 10 map-owning units, 10 KPIs a map (100 KPIs);
* subject — "bulk" size (default 300 maps × 40 KPIs = 12,000 KPIs, about 900 units with the sections below
  the offices, ~100k realizations in mixed workflow states, a headline snapshot of every map for every
  period that has ended, the top map scored for real). `KINERJA_BENCH_MAPS` / `KINERJA_BENCH_KPIS` change it.

Each page is asked once to warm up, then `REQUESTS` times; reported per page and size: median ms, the page's
size in KB and its query count, and the ratio of the bulk median to the demo median (the issue's aim: ≤ 2×,
the same query count). The database is analysed after the build (`ANALYZE`: planner statistics, as
after any big import). SQLite unless `KINERJA_BENCH_DATABASE_URL` names a PostgreSQL server (two databases
`<name>_demo` and `<name>_bulk` are created there and dropped after).

Run the same file against another source tree to compare code (`PYTHONPATH=/other/src python
tests/bench/bench_report_pages.py`): the data are built the same way from the same seed.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

REQUESTS = int(os.environ.get("KINERJA_BENCH_REQUESTS", "5"))
BULK_MAPS = int(os.environ.get("KINERJA_BENCH_MAPS", "300"))
BULK_KPIS = int(os.environ.get("KINERJA_BENCH_KPIS", "40"))
TODAY = dt.date(2026, 12, 5)
SEED = 16


def setup_django(database_url: str, var: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = database_url
    os.environ["KINERJA_VAR_DIR"] = str(var)
    import django
    from django.conf import settings

    if settings.configured:
        import dj_database_url
        from django.db import connections

        connections.close_all()
        settings.DATABASES["default"].update(dj_database_url.parse(database_url))
    else:
        django.setup()
    from django.core.cache import cache
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    cache.clear()


def _unit(
    cls: Any, path: str, code: str, name: str, level: str, kind: str, owns_map: bool, children: int
) -> Any:
    return cls(
        path=path,
        depth=len(path) // 4,
        numchild=children,
        code=code,
        name_id=name,
        level=level,
        kind=kind,
        owns_map=owns_map,
    )


def _seg(i: int) -> str:
    return f"{i:04d}"


def build(maps: int, kpis_per_map: int) -> dict[str, Any]:
    """The organisation, the maps, their KPIs, realizations and snapshots; returns what the pages ask about."""
    from kinerja.accounts.models import User
    from kinerja.organisations.models import Unit, UnitKind, UnitLevel
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Kpi,
        MapState,
        Objective,
        PeriodTarget,
        Perspective,
        PlanPeriod,
        PlanYear,
        StrategyMap,
    )
    from kinerja.reporting.models import Realization, RealizationState, ScoreSnapshot
    from kinerja.reporting.services import compute_scorecard, generate_periods

    rnd = random.Random(SEED)
    echelon_ones = 2 if maps <= 20 else 6
    kanwils = max(2, maps // 10)
    offices = maps - 1 - echelon_ones - kanwils
    units: list[Any] = [
        _unit(Unit, _seg(1), "KEMENKEU", "Kementerian Keuangan", UnitLevel.WIDE, UnitKind.MINISTRY, True, 0)
    ]
    map_units: list[Any] = [units[0]]
    e1_units = []
    for e in range(echelon_ones):
        u = _unit(
            Unit,
            _seg(1) + _seg(e + 1),
            f"E1-{e:02d}",
            f"Eselon I {e}",
            UnitLevel.ONE,
            UnitKind.ECHELON_1,
            True,
            0,
        )
        units.append(u)
        map_units.append(u)
        e1_units.append(u)
    kw_units = []
    for k in range(kanwils):
        parent = e1_units[k % echelon_ones]
        u = _unit(
            Unit,
            parent.path + _seg(k // echelon_ones + 1),
            f"KW-{k:03d}",
            f"Kantor Wilayah {k}",
            UnitLevel.TWO,
            UnitKind.REGIONAL_OFFICE,
            True,
            0,
        )
        units.append(u)
        map_units.append(u)
        kw_units.append(u)
    counters: dict[str, int] = {}
    for o in range(offices):
        parent = kw_units[o % kanwils]
        counters[parent.path] = counters.get(parent.path, 0) + 1
        u = _unit(
            Unit,
            parent.path + _seg(counters[parent.path]),
            f"KPP-{o:04d}",
            f"Kantor Pelayanan {o}",
            UnitLevel.THREE,
            UnitKind.KPP,
            True,
            0,
        )
        units.append(u)
        map_units.append(u)
        for s in range(2):  # sections without a map: units in reach that own nothing
            units.append(
                _unit(
                    Unit,
                    u.path + _seg(s + 1),
                    f"SK-{o:04d}-{s}",
                    f"Seksi {s} kantor {o}",
                    UnitLevel.FOUR,
                    UnitKind.SECTION,
                    False,
                    0,
                )
            )
    children: dict[str, int] = {}
    for u in units:
        if u.depth > 1:
            children[u.path[:-4]] = children.get(u.path[:-4], 0) + 1
    for u in units:
        u.numchild = children.get(u.path, 0)
    Unit.objects.bulk_create(units, batch_size=500)
    by_code = {u.code: u for u in Unit.objects.all()}
    map_units = [by_code[u.code] for u in map_units]

    plan_period = PlanPeriod.objects.create(name="Renstra 2025–2029", start_year=2025, end_year=2029)
    plan_year = PlanYear.objects.create(year=2026, plan_period=plan_period, rule_set="kmk-467-2014")
    periods = generate_periods(plan_year=plan_year)
    StrategyMap.objects.bulk_create(
        [StrategyMap(unit=u, plan_year=plan_year, state=MapState.APPROVED) for u in map_units], batch_size=500
    )
    strategy_maps = list(StrategyMap.objects.select_related("unit").order_by("unit__path"))
    Perspective.objects.bulk_create(
        [
            Perspective(map=m, code=code, order=order, name_id=name_id, name_en=name_en)
            for m in strategy_maps
            for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS
        ],
        batch_size=1000,
    )
    perspectives = {(p.map_id, p.code): p for p in Perspective.objects.all()}
    objectives_per_map = 8
    Objective.objects.bulk_create(
        [
            Objective(
                map=m,
                perspective=perspectives[(m.pk, PERSPECTIVE_DEFAULTS[o % 4][0])],
                code=f"SS{o + 1}",
                name_id=f"Sasaran strategis {o + 1} yang optimal",
            )
            for m in strategy_maps
            for o in range(objectives_per_map)
        ],
        batch_size=1000,
    )
    objectives: dict[int, list[Any]] = {}
    for objective in Objective.objects.order_by("map_id", "code"):
        objectives.setdefault(objective.map_id, []).append(objective)
    kpis = []
    for m in strategy_maps:
        for k in range(kpis_per_map):
            draw = rnd.random()
            frequency = "monthly" if draw < 0.6 else ("quarterly" if draw < 0.9 else "yearly")
            consolidation = rnd.choice(["sum", "average", "last"])
            kpis.append(
                Kpi(
                    objective=objectives[m.pk][k % objectives_per_map],
                    code=f"IKU-{k + 1:02d}",
                    name_id=f"Persentase capaian indikator kinerja {k + 1}",
                    polarity="max",
                    validity="proxy",
                    controllability="moderate",
                    frequency=frequency,
                    consolidation=consolidation,
                    target=Decimal(100),
                    unit_of_measure="%",
                )
            )
    Kpi.objects.bulk_create(kpis, batch_size=1000)
    kpis = list(Kpi.objects.all())
    count = {"monthly": 12, "quarterly": 4, "semester": 2, "yearly": 1}
    PeriodTarget.objects.bulk_create(
        [
            PeriodTarget(kpi=k, period=n, target=Decimal(100))
            for k in kpis
            for n in range(1, count[k.frequency] + 1)
        ],
        batch_size=2000,
    )
    ended = [p for p in periods if p.end < TODAY]
    by_frequency: dict[str, list[Any]] = {}
    for p in ended:
        by_frequency.setdefault(p.frequency, []).append(p)
    states = [RealizationState.APPROVED] * 70 + [RealizationState.VERIFIED] * 10
    states += [RealizationState.SUBMITTED] * 8 + [RealizationState.DRAFT] * 5 + [""] * 7
    realizations = []
    for k in kpis:
        for p in by_frequency.get(k.frequency, []):
            state = rnd.choice(states)
            if state:
                value = Decimal(rnd.randint(70, 120))
                realizations.append(Realization(kpi=k, period=p, value=value, state=state))
    Realization.objects.bulk_create(realizations, batch_size=2000)
    snapshots = []
    for m in strategy_maps:
        for p in ended:
            if p.frequency not in ("monthly", "quarterly"):
                continue
            nko = Decimal(rnd.randint(8000, 11500)) / 100
            snapshots.append(
                ScoreSnapshot(
                    strategy_map=m,
                    period=p,
                    rule_set="kmk-467-2014",
                    nko=nko,
                    predicate="Baik",
                    complete=rnd.random() < 0.3,
                    result={"nko": str(nko), "predicate": "Baik"},
                )
            )
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=1000)
    top = strategy_maps[0]
    november = next(p for p in periods if p.frequency == "monthly" and p.number == 11)
    compute_scorecard(strategy_map=top, period=november, trigger="bench")  # the top map's real figures
    admin = User.objects.create(username="admin", is_superuser=True, is_staff=True)
    return {
        "admin": admin,
        "kanwil": kw_units[0] if kw_units else None,
        "e1": by_code[e1_units[0].code],
        "maps": len(strategy_maps),
        "kpis": len(kpis),
        "units": len(units),
        "realizations": len(realizations),
        "snapshots": len(snapshots) + 1,
    }


def measure(world: dict[str, Any]) -> dict[str, dict[str, float]]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from kinerja.organisations.models import Unit

    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(world["admin"])
    kanwil = Unit.objects.get(code=world["kanwil"].code)
    pages = {
        "completeness": (reverse("dashboards:completeness"), {}),
        "completeness_unit": (reverse("dashboards:completeness"), {"unit": kanwil.pk}),
        "dashboard": (reverse("dashboards:dashboard"), {}),
        "dashboard_e1": (reverse("dashboards:dashboard"), {"unit": world["e1"].pk}),
        "ranking": (reverse("dashboards:ranking"), {}),
    }
    found: dict[str, dict[str, float]] = {}
    for name, (url, params) in pages.items():
        response = client.get(url, params)  # warm up (and a cold cache)
        assert response.status_code == 200, (name, response.status_code)
        times = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        found[name] = {
            "median_ms": round(statistics.median(times), 1),
            "kb": round(len(response.content) / 1024, 1),
            "queries": len(queries.captured_queries),
        }
    return found


def one_size(label: str, maps: int, kpis: int, folder: Path) -> dict[str, Any]:
    base = os.environ.get("KINERJA_BENCH_DATABASE_URL", "")
    if base:
        import psycopg

        name = f"{base.rsplit('/', 1)[1]}_{label}"
        server = base.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        url = f"{server}/{name}"
    else:
        url = f"sqlite:///{folder / (label + '.sqlite3')}"
    setup_django(url, folder / "var")
    from unittest import mock

    from django.db import connection

    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        started = time.perf_counter()
        world = build(maps, kpis)
        built = time.perf_counter() - started
        with connection.cursor() as cursor:  # statistics, as after any big import (autovacuum on PostgreSQL)
            cursor.execute("ANALYZE")
        pages = measure(world)
    sizes = {k: world[k] for k in ("maps", "kpis", "units", "realizations", "snapshots")}
    print(f"   {label}: {sizes}, built in {built:.1f} s", flush=True)
    return {"data": sizes, "build_s": round(built, 1), "pages": pages, "database": connection.vendor}


def main() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        demo = one_size("demo", 10, 10, folder)
        bulk = one_size("bulk", BULK_MAPS, BULK_KPIS, folder)
    figures: dict[str, Any] = {"demo": demo, "bulk": bulk, "pages": {}}
    print(
        f"   {'page':<20}{'demo ms':>9}{'bulk ms':>9}{'ratio':>7}{'demo KB':>9}{'bulk KB':>9}{'q demo':>8}{'q bulk':>8}"
    )
    for name, small in demo["pages"].items():
        large = bulk["pages"][name]
        ratio = round(large["median_ms"] / small["median_ms"], 2) if small["median_ms"] else None
        figures["pages"][name] = {"ratio": ratio, "same_queries": small["queries"] == large["queries"]}
        print(
            f"   {name:<20}{small['median_ms']:>9}{large['median_ms']:>9}{ratio!s:>7}"
            f"{small['kb']:>9}{large['kb']:>9}{small['queries']:>8}{large['queries']:>8}",
            flush=True,
        )
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    main()
