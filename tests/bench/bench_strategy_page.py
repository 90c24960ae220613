"""The strategy-map page of a 30-SS map beside GET /healthz, server time on SQLite, in the same run.

Sets Django up on a temporary SQLite database (migrated), then builds through
the strategy services, as a performance manager would: a KPP's 2026 map with
30 SS over the four perspectives (7, 8, 8, 7), each measured by two quarterly
KPIs with a complete manual and a four-quarter trajectory (60 KPIs, 240
period targets), 34 cause-effect links between neighbouring bands, three
themes and five initiatives; the map is submitted and approved. The map's
leader then asks, through `django.test.Client` (the whole middleware stack,
session and permission checks included; no network, no browser):

* baseline: GET /healthz (a JSON answer, no database query);
* subject: GET /strategi/peta/<pk>/ (validation, layout and SVG drawing,
  the page template).

Each is requested 3 times to warm up, then 30 times; reported: median and p95
in ms, the ratio of the medians, the map page's query count, and whether its
median is under the 300 ms aim. A breakdown of one map page (loading the map,
validating it, drawing it) tells where the time goes.
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WARMUPS = 3
REQUESTS = 30
AIM_MS = 300.0
BANDS = (  # perspective: how many SS (30 in all)
    ("stakeholder", 7),
    ("customer", 8),
    ("internal_process", 8),
    ("learning_growth", 7),
)
PREFIX = {"stakeholder": "S", "customer": "C", "internal_process": "P", "learning_growth": "L"}
KPIS_PER_OBJECTIVE = 2
NAMES = (
    "Penerimaan negara yang optimal dan berkelanjutan",
    "Kepatuhan wajib pajak yang meningkat",
    "Pelayanan yang prima dan mudah diakses",
    "Pengawasan berbasis risiko yang efektif",
    "Penegakan hukum yang berkeadilan",
    "Pengelolaan data dan informasi yang andal",
    "SDM yang kompeten, berintegritas, dan adaptif",
    "Organisasi yang lincah dan kolaboratif",
    "Sistem informasi yang terintegrasi",
    "Pengelolaan anggaran yang berkualitas",
)


def setup_django(folder: Path) -> None:
    """Django on this run's own SQLite file; when another bench of the same run set Django up, re-point it."""
    database = folder / "bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()
        settings.DATABASES["default"]["NAME"] = str(database)  # the connection reads this same dict
    else:
        django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def populate() -> tuple[Any, Any]:
    """The organisation, the users and the approved 30-SS map; returns (map, leader)."""
    from decimal import Decimal

    from kinerja.accounts.models import Role, RoleAssignment, User
    from kinerja.organisations.models import Unit
    from kinerja.planning import services
    from kinerja.planning.kpi_services import save_kpi
    from kinerja.planning.models import PlanPeriod, PlanYear

    root = Unit.objects.add_root(
        create_kwargs={
            "code": "KEMENKEU",
            "name_id": "Kementerian Keuangan",
            "level": "wide",
            "kind": "ministry",
        }
    )
    djp = Unit.objects.add_child(
        root,
        create_kwargs={
            "code": "DJP",
            "name_id": "Direktorat Jenderal Pajak",
            "level": "one",
            "kind": "echelon_1",
        },
    )
    kpp = Unit.objects.add_child(
        djp,
        create_kwargs={
            "code": "KPP-001",
            "name_id": "KPP Pratama Jakarta Satu",
            "level": "three",
            "kind": "kpp",
            "owns_map": True,
        },
    )
    manager = User.objects.create(username="pengelola", first_name="Dewi", last_name="Lestari")
    leader = User.objects.create(username="kepala", first_name="Budi", last_name="Santoso")
    RoleAssignment.objects.create(user=manager, unit=kpp, role=Role.MANAGER)
    RoleAssignment.objects.create(user=leader, unit=kpp, role=Role.LEADER)
    period = PlanPeriod.objects.create(name="Renstra 2025–2029", start_year=2025, end_year=2029)
    plan_year = PlanYear.objects.create(year=2026, plan_period=period, rule_set="kmk-127-2026")

    strategy_map = services.create_map(unit=kpp, plan_year=plan_year, by=manager)
    perspectives = {p.code: p for p in strategy_map.perspectives.all()}
    services.update_perspectives(
        strategy_map=strategy_map,
        values={
            perspectives[code].pk: {"weight": Decimal(w)}
            for code, w in zip(PREFIX, (40, 25, 20, 15), strict=True)
        },
        by=manager,
    )
    themes = [
        services.save_theme(strategy_map=strategy_map, code=f"T{n}", name_id=name, by=manager)
        for n, name in enumerate(("Penerimaan", "Pelayanan", "Transformasi"), start=1)
    ]
    bands: list[list[Any]] = []
    n = 0
    for code, count in BANDS:
        band = []
        for i in range(count):
            band.append(
                services.save_objective(
                    strategy_map=strategy_map,
                    perspective=perspectives[code],
                    code=f"{PREFIX[code]}{i + 1}",
                    name_id=NAMES[n % len(NAMES)],
                    theme=themes[n % len(themes)] if n % 4 == 0 else None,
                    by=manager,
                )
            )
            n += 1
        bands.append(band)
    links = 0
    for upper, lower in itertools.pairwise(bands):  # each SS drives one or two SS of the band above
        for i, cause in enumerate(lower):
            effects = (
                {upper[i % len(upper)], upper[(i + 3) % len(upper)]} if i % 2 else {upper[i % len(upper)]}
            )
            for effect in effects:
                services.add_link(cause=cause, effect=effect, by=manager)
                links += 1
    for band in bands:
        for objective in band:
            for k in range(1, KPIS_PER_OBJECTIVE + 1):
                save_kpi(
                    objective=objective,
                    code=f"{objective.code}.{k}",
                    fields={
                        "name_id": f"Persentase capaian indikator {objective.code}.{k}",
                        "description": "Mengukur capaian sasaran strategis.",
                        "formula": "realisasi / target × 100%",
                        "unit_of_measure": "%",
                        "validity": "proxy",
                        "controllability": "moderate",
                        "polarity": "max",
                        "consolidation": "sum",
                        "frequency": "quarterly",
                        "data_source": "Aplikasi",
                        "measured_by": "Seksi Pengawasan",
                        "owner_text": "Kepala Kantor",
                        "target": Decimal(100),
                    },
                    trajectory=[Decimal(20), Decimal(25), Decimal(25), Decimal(30)],
                    by=manager,
                )
    for i in range(5):
        services.save_initiative(
            strategy_map=strategy_map,
            code=f"IS{i + 1}",
            name_id=f"Inisiatif strategis {i + 1}",
            budget=Decimal(100_000_000 * (i + 1)),
            objectives=[bands[2][i], bands[3][i]],
            by=manager,
        )
    services.submit_map(strategy_map=strategy_map, by=manager)
    services.approve_map(strategy_map=strategy_map, by=leader)
    strategy_map.link_count = links
    return strategy_map, leader


def timed_requests(get: Callable[[], Any], warmups: int = WARMUPS, runs: int = REQUESTS) -> list[float]:
    """Milliseconds of each of `runs` requests, after `warmups` untimed ones."""
    for _ in range(warmups):
        get()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        get()
        times.append((time.perf_counter() - started) * 1000)
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def breakdown(strategy_map: Any, rounds: int = 10) -> dict[str, float]:
    """Median ms of the map page's three big steps, called directly."""
    from django.urls import reverse

    from kinerja.planning import drawing, selectors
    from kinerja.planning.validation import validate_map

    fresh = selectors.map_for_page(strategy_map.pk)
    data = selectors.load_map_data(fresh)
    steps: dict[str, Callable[[], Any]] = {
        "load_map_data": lambda: selectors.load_map_data(selectors.map_for_page(strategy_map.pk)),
        "validate_map": lambda: validate_map(data),
        "draw_map": lambda: drawing.draw_map(
            data, href=lambda pk: reverse("strategy:objective", args=[pk]), title=""
        ),
    }
    return {
        name: round(statistics.median(timed_requests(step, 1, rounds)), 1) for name, step in steps.items()
    }


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-strategy-") as name:
        folder = Path(name)
        started = time.perf_counter()
        setup_django(folder)
        strategy_map, leader = populate()
        build_s = time.perf_counter() - started

        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        client = Client(HTTP_HOST="localhost")
        client.force_login(leader)
        map_url = reverse("strategy:map", args=[strategy_map.pk])
        health_url = reverse("healthz")

        def get(url: str) -> Callable[[], Any]:
            def request() -> Any:
                response = client.get(url)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {url} answered {response.status_code}")
                return response

            return request

        page = get(map_url)()
        body = page.content.decode()
        objectives = body.count('<g class="objective"')
        if objectives != 30 or "Setujui" in body:
            raise RuntimeError(f"the map page is not the approved 30-SS map ({objectives} SS boxes)")
        with CaptureQueriesContext(connection) as queries:
            get(map_url)()
        query_count = len(queries)  # now: the next request's reset_queries empties the log it slices
        health_ms = timed_requests(get(health_url))
        map_ms = timed_requests(get(map_url))
        steps = breakdown(strategy_map)
        from kinerja.planning.models import Kpi

        kpis = Kpi.objects.filter(objective__map=strategy_map).count()
        connection.close()  # before the folder with the database file goes

    map_median, health_median = statistics.median(map_ms), statistics.median(health_ms)
    figures: dict[str, object] = {
        "objectives": objectives,
        "kpis": kpis,
        "links": strategy_map.link_count,
        "build_s": round(build_s, 2),
        "requests": REQUESTS,
        "healthz_median_ms": round(health_median, 2),
        "healthz_p95_ms": round(p95(health_ms), 2),
        "map_page_median_ms": round(map_median, 1),
        "map_page_p95_ms": round(p95(map_ms), 1),
        "map_page_ratio_to_healthz": round(map_median / health_median, 1),
        "map_page_queries": query_count,
        "map_page_kb": round(len(page.content) / 1024, 1),
        "map_page_steps_median_ms": steps,
        "aim_ms": AIM_MS,
        "map_page_under_aim": map_median < AIM_MS,
    }
    print(
        f"   map of {objectives} SS, {kpis} KPIs, {strategy_map.link_count} links "
        f"(built in {build_s:.1f} s), {REQUESTS} requests each after {WARMUPS} warm-ups, SQLite:\n"
        f"   GET /healthz      median {health_median:7.2f} ms   p95 {figures['healthz_p95_ms']:7.2f} ms\n"
        f"   GET map page      median {map_median:7.1f} ms   p95 {figures['map_page_p95_ms']:7.1f} ms   "
        f"({figures['map_page_ratio_to_healthz']}× /healthz, {query_count} queries, "
        f"{figures['map_page_kb']} KB)\n"
        f"   of which: load {steps['load_map_data']} ms, validate {steps['validate_map']} ms, "
        f"draw {steps['draw_map']} ms\n"
        f"   aim: map page under {AIM_MS:.0f} ms — {'met' if map_median < AIM_MS else 'NOT MET'}",
        flush=True,
    )
    return figures


if __name__ == "__main__":
    main()
