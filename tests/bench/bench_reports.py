"""The monthly performance reports of every unit of a generated ministry, built as one background job
(issue 14 item 3: "reports of every unit below", a zip of PDFs).

Sets Django up on a temporary SQLite database (migrated) and writes the fixture with plain bulk inserts
(`populate`): a ministry of N map-owning units (default 3,000; `--units N`, or `KINERJA_BENCH_UNITS` under
run_all.py) — the ministry, echelon-I units of about 250 offices each, the offices — every one with an
approved 2026 map (4 perspectives, 4 objectives, 8 KPIs: monthly and quarterly, with period targets),
approved realizations for January–March with an analysis text, one initiative with two milestones and a
progress report, an open follow-up, and a score snapshot for March (a synthetic result JSON of the stored
schema: the figures are not what is measured). Then measures, in the same run:

* gathering: `monthly_report.gather_many` over every map in chunks, without rendering — the reads alone
  (queries per chunk are fixed);
* render one: one fixed office's report (no ranking of units below) rendered to PDF repeatedly — what
  WeasyPrint costs per report at the least;
* batch: `tasks.build_batch` for the ministry — gather, render every unit's PDF and write them into one zip
  (progress saved per unit, as the job page reads it).

Reports per second (wall-clock and CPU), the batch against "render one" (the ratio says what the gathering,
the progress writes and the zip add), the zip's size, and the peak memory: tracemalloc's peak of Python
allocations while gathering every unit and while rendering one report (tracemalloc slows WeasyPrint about
threefold, so the batch itself runs without it), and the process's peak resident set size (`ru_maxrss`,
which includes WeasyPrint's native memory) before and after the batch. On a shared machine the CPU figures
are the fairer ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

UNITS = int(os.environ.get("KINERJA_BENCH_UNITS", "3000"))
OFFICES_PER_ECHELON = 250
KPIS = 8
YEAR = 2026
RENDER_ROUNDS = 5


def setup_django(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django
    from django.conf import settings

    django.setup()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder / "media")},
        },
    }
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def populate(units: int) -> Any:
    """The ministry and its units with maps, KPIs, realizations, snapshots; returns the root unit."""
    from decimal import Decimal

    from kinerja.meetings.models import Action
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Initiative,
        Kpi,
        Milestone,
        Objective,
        PeriodTarget,
        Perspective,
        PlanPeriod,
        PlanYear,
        ProgressReport,
        StrategyMap,
    )
    from kinerja.reporting import services
    from kinerja.reporting.models import Realization, ReportingPeriod, ScoreSnapshot

    plan_period = PlanPeriod.objects.create(start_year=YEAR - 1, end_year=YEAR + 3, name="Renstra")
    plan_year = PlanYear.objects.create(year=YEAR, plan_period=plan_period, rule_set="kmk-127-2026")
    services.generate_periods(plan_year=plan_year)
    root = Unit.objects.add_root(
        create_kwargs={
            "code": "KEMENKEU",
            "name_id": "Kementerian Keuangan",
            "level": "wide",
            "kind": "ministry",
            "owns_map": True,
        }
    )
    made = [root]
    echelons = max(1, (units - 1) // (OFFICES_PER_ECHELON + 1))
    tops = []
    for e in range(echelons):
        root.refresh_from_db()
        top = Unit.objects.add_child(
            root,
            create_kwargs={
                "code": f"E{e:02d}",
                "name_id": f"Direktorat Jenderal {e + 1}",
                "level": "one",
                "kind": "echelon_1",
                "owns_map": True,
            },
        )
        tops.append(top)
        made.append(top)
    offices = units - len(made)
    for n in range(offices):
        top = tops[n % len(tops)]
        top.refresh_from_db()
        made.append(
            Unit.objects.add_child(
                top,
                create_kwargs={
                    "code": f"E{n % len(tops):02d}-K{n:04d}",
                    "name_id": f"Kantor Pelayanan {n + 1}",
                    "level": "three",
                    "kind": "kpp",
                    "owns_map": True,
                },
            )
        )
    maps = StrategyMap.objects.bulk_create(
        [StrategyMap(unit=u, plan_year=plan_year, state="approved") for u in made]
    )
    perspectives = Perspective.objects.bulk_create(
        [
            Perspective(map=m, code=c, order=o, name_id=n_id, name_en=n_en, weight=Decimal(25))
            for m in maps
            for c, o, n_id, n_en in PERSPECTIVE_DEFAULTS
        ],
        batch_size=2000,
    )
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                map=m, perspective=perspectives[i * 4 + j], code=f"{'SCPL'[j]}1", name_id=f"Sasaran {j + 1}"
            )
            for i, m in enumerate(maps)
            for j in range(4)
        ],
        batch_size=2000,
    )
    kpis = Kpi.all_kpis.bulk_create(
        [
            Kpi(
                objective=objectives[i * 4 + k % 4],
                code=f"{'SCPL'[k % 4]}1.{k // 4 + 1}",
                name_id=f"Indikator kinerja {k + 1}",
                polarity="max",
                consolidation="last",
                frequency="monthly" if k % 2 == 0 else "quarterly",
                validity="proxy",
                controllability="moderate",
                unit_of_measure="%",
                target=Decimal(100),
            )
            for i, m in enumerate(maps)
            for k in range(KPIS)
        ],
        batch_size=2000,
    )
    PeriodTarget.objects.bulk_create(
        (
            PeriodTarget(kpi=k, period=p, target=Decimal(100))
            for k in kpis
            for p in range(1, (12 if k.frequency == "monthly" else 4) + 1)
        ),
        batch_size=5000,
    )
    periods = {p.label: p for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
    months = [periods[f"{YEAR}-0{m}"] for m in (1, 2, 3)]
    realizations = []
    for n, k in enumerate(kpis):
        own = months if k.frequency == "monthly" else [periods[f"{YEAR}-Q1"]]
        for j, period in enumerate(own):
            if (n + j) % 7 == 6:
                continue  # some not reported: missing data
            realizations.append(
                Realization(
                    kpi=k,
                    period=period,
                    value=Decimal(70 + (n * 7 + j * 3) % 40),
                    state="approved" if (n + j) % 5 else "submitted",
                    analysis="Capaian di bawah target karena keterlambatan data dari mitra; langkah perbaikan disusun.",
                )
            )
    Realization.objects.bulk_create(realizations, batch_size=5000)
    initiatives = Initiative.objects.bulk_create(
        [Initiative(map=m, code="IS1", name_id="Digitalisasi layanan") for m in maps], batch_size=2000
    )
    Milestone.objects.bulk_create(
        [
            Milestone(initiative=i, name=name, due_date=due, done=done)
            for i in initiatives
            for name, due, done in (
                ("Kajian", dt.date(YEAR, 2, 1), True),
                ("Uji coba", dt.date(YEAR, 3, 15), False),
            )
        ],
        batch_size=5000,
    )
    ProgressReport.objects.bulk_create(
        [ProgressReport(initiative=i, date=dt.date(YEAR, 3, 20), percent=Decimal(40)) for i in initiatives],
        batch_size=5000,
    )
    Action.objects.bulk_create(
        [
            Action(unit=u, description="Percepat penagihan tunggakan", due_date=dt.date(YEAR, 4, 10))
            for u in made
        ],
        batch_size=5000,
    )
    march = periods[f"{YEAR}-03"]
    snapshots = []
    for i, m in enumerate(maps):
        rows = []
        for k in kpis[i * KPIS : (i + 1) * KPIS]:
            index = Decimal(70 + (k.pk * 7) % 40)
            status = "green" if index >= 100 else "yellow" if index >= 80 else "red"
            rows.append(
                {
                    "id": k.pk,
                    "code": k.code,
                    "name": k.name_id,
                    "name_id": k.name_id,
                    "name_en": "",
                    "objective": k.code.split(".")[0],
                    "perspective": PERSPECTIVE_DEFAULTS["SCPL".index(k.code[0])][0],
                    "polarity": "max",
                    "consolidation": "last",
                    "frequency": k.frequency,
                    "unit_of_measure": "%",
                    "target": "100",
                    "realization": str(index),
                    "period": f"{YEAR}-03" if k.frequency == "monthly" else f"{YEAR}-Q1",
                    "index": str(index),
                    "status": status,
                    "due": True,
                    "missing": False,
                    "carried_from": None,
                }
            )
        result = {
            "schema": 1,
            "rules": "kmk-127-2026",
            "nko": str(Decimal(90 + i % 15)),
            "nko_status": "yellow",
            "predicate": "Baik",
            "complete": False,
            "perspectives": [
                {
                    "code": c,
                    "name": n_id,
                    "name_id": n_id,
                    "name_en": n_en,
                    "weight": "25",
                    "index": str(90 + j),
                    "status": "yellow",
                    "complete": False,
                }
                for j, (c, _o, n_id, n_en) in enumerate(PERSPECTIVE_DEFAULTS)
            ],
            "kpis": rows,
            "errors": [],
        }
        snapshots.append(
            ScoreSnapshot(
                strategy_map=m,
                period=march,
                rule_set="kmk-127-2026",
                nko=Decimal(90 + i % 15),
                predicate="Baik",
                complete=False,
                result=result,
            )
        )
    ScoreSnapshot.objects.bulk_create(snapshots, batch_size=500)
    return root, march


def timed(action: Any) -> tuple[float, float, Any]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(units: int = UNITS) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-reports-") as name:
        setup_django(Path(name))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import translation

        from kinerja.dashboards.models import ReportJob, ReportKind
        from kinerja.dashboards.monthly_pdf import shared_renderer
        from kinerja.dashboards.monthly_report import YearContext, gather_many
        from kinerja.dashboards.tasks import CHUNK, build_batch

        started = time.perf_counter()
        root, period = populate(units)
        built = time.perf_counter() - started
        print(f"   populated {units:,} units in {built:.1f} s", flush=True)
        translation.activate("id")
        context = YearContext.load(period.plan_year_id, today=dt.date(YEAR, 4, 20))
        maps = context.maps

        def gather_all() -> int:
            count = 0
            for start in range(0, len(maps), CHUNK):
                count += len(gather_many(maps[start : start + CHUNK], period, context=context))
            return count

        tracemalloc.start()
        with CaptureQueriesContext(connection) as queries:
            gather_cpu, gather_wall, gathered = timed(gather_all)
        gather_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        chunks = -(-len(maps) // CHUNK)
        print(
            f"   gathering alone: {gathered:,} reports in {gather_wall:.2f} s "
            f"({gathered / gather_wall:,.0f}/s; {len(queries.captured_queries)} queries = "
            f"{len(queries.captured_queries) / chunks:.1f} per chunk of {CHUNK})",
            flush=True,
        )
        renderer = shared_renderer()
        (one,) = gather_many([maps[-1]], period, context=context)  # an office: no ranking below
        renderer.pdf(one)  # warm: fonts
        render_cpu, render_wall, _ = timed(lambda: [renderer.pdf(one) for _ in range(RENDER_ROUNDS)])
        tracemalloc.start()
        renderer.pdf(one)
        render_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        per_render = render_wall / RENDER_ROUNDS
        print(f"   render one report: {per_render * 1000:.0f} ms each ({1 / per_render:.2f}/s)", flush=True)

        job = ReportJob.objects.create(
            unit=root, period=period, kind=ReportKind.BATCH, fmt="pdf", language="id"
        )
        rss_before = peak_rss_mb()
        seen: list[int] = []

        def progress(done: int, total: int, unit: str) -> None:
            ReportJob.objects.filter(pk=job.pk).update(processed=done, total=total, current=unit[:255])
            seen.append(done)
            if done % 100 == 0 or done == total:
                print(f"   … {done:,} / {total:,}", flush=True)

        batch_cpu, batch_wall, _ = timed(lambda: build_batch(job, progress=progress))
        rss_after = peak_rss_mb()
        job.refresh_from_db()
        assert job.state == "done" and job.result["reports"] == len(maps), job.result
        figures = {
            "units": len(maps),
            "populate_s": round(built, 1),
            "gather_s": round(gather_wall, 2),
            "gather_per_s": round(gathered / gather_wall),
            "gather_cpu_s": round(gather_cpu, 2),
            "queries_per_chunk": round(len(queries.captured_queries) / chunks, 1),
            "render_one_ms": round(per_render * 1000),
            "render_one_cpu_ms": round(render_cpu / RENDER_ROUNDS * 1000),
            "batch_s": round(batch_wall, 1),
            "batch_cpu_s": round(batch_cpu, 1),
            "reports_per_s": round(len(maps) / batch_wall, 2),
            "ratio_to_render_one": round((batch_wall / len(maps)) / per_render, 2),
            "cpu_reports_per_s": round(len(maps) / batch_cpu, 2),
            "cpu_ratio_to_render_one": round((batch_cpu / len(maps)) / (render_cpu / RENDER_ROUNDS), 2),
            "zip_mb": round(job.size / 2**20, 1),
            "gather_tracemalloc_peak_mb": round(gather_peak / 2**20, 1),
            "render_tracemalloc_peak_mb": round(render_peak / 2**20, 1),
            "rss_peak_before_mb": round(rss_before),
            "rss_peak_after_mb": round(rss_after),
        }
    print(
        f"   batch of {figures['units']:,} reports: {figures['batch_s']} s ({figures['reports_per_s']} reports/s, "
        f"CPU {figures['batch_cpu_s']} s); per report {figures['ratio_to_render_one']}× rendering one fixed report "
        f"({figures['render_one_ms']} ms); gathering alone {figures['gather_per_s']:,} reports/s; zip "
        f"{figures['zip_mb']} MB; CPU {figures['cpu_reports_per_s']} reports/s = {figures['cpu_ratio_to_render_one']}× "
        f"rendering one; peak Python memory (tracemalloc) gathering all {figures['units']:,} "
        f"{figures['gather_tracemalloc_peak_mb']} MB, one render {figures['render_tracemalloc_peak_mb']} MB; peak RSS "
        f"{figures['rss_peak_before_mb']} → {figures['rss_peak_after_mb']} MB over the batch"
    )
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--units", type=int, default=UNITS, help="map-owning units in the ministry (default 3000)"
    )
    print(main(parser.parse_args().units))
    sys.exit(0)
