"""Employee appraisal for 80 000 employees inside the application, beside `kinerja nkp` on the same data
(issue 13).

Builds (in a temporary folder) a migrated SQLite database with plain bulk inserts, no per-object service —
a fixture, not what is measured: a ministry of 431 units (the ministry, 10 echelon I units, 6 offices each, 6 sections each; the
ministry, the echelon I units and the offices, 71 in all, own a 2026 map with its objectives), a position
and an employee for each person (unit heads, echelon IV team leaders, functional officials and executors,
each with their direct superior), a 2026 plan year under `kmk-127-2026` with its reporting periods, and per
employee: a signed contract holding 4 to 8 individual KPIs (planning `Kpi` with `holder`, ADR 0010) —
quarterly, by semester or yearly, with their period targets (`PeriodTarget`) frozen into the contract's
trajectory, the K3 inputs (`kind`, last year's target and realization) and an approved realization in each
period of the year (about 1 % missing, 1 % only submitted); the direct superior's BerAKHLAK scores
(`BehaviourScore`) for the four quarters (and a peer's for 5 %); a few disciplinary sentences and leader's
corrections; each map owner's NKO (a final yearly snapshot and an earlier non-final one). These are exactly
the rows `kinerja.appraisals.inputs.gather` reads. The structure is written with `bulk_create`; the 4.2
million per-person rows with `insert` (the INSERT `bulk_create` sends, through `executemany`, the defaults
taken from the model fields): five times faster, and the same rows (`--orm` writes them with `bulk_create`;
compared table by table at 5 000 employees).

Then measures, each in a fresh Python process so that its peak memory (`ru_maxrss`) is its own, its CPU time
(`time.process_time`: SQLite runs in-process) with the wall clock beside, and its number of queries:

* baseline: a plain `values_list` read of the rows `gather` reads (employees, contract KPIs with their KPI,
  period targets, realizations, BerAKHLAK scores) — what computing must read at the least;
* `compute_scores(unit=ministry, plan_year=2026, by=admin)`: gather + score + one bulk write of 80 000
  `ScoreRecord`s (split into gather / core / write by timing the service's two steps);
* `standings(ministry, plan_year)`: the current NKP of all 80 000 with the distribution labels and the
  rule 26 checks of the 71 map owners;
* export: the same inputs as `interchange.md`'s employee workbook, through the exporter the application
  has (`inputs.gather` → `inputs.workbook_of` → `interchange.write_workbook`, a folder of CSV files);
* `kinerja nkp FOLDER --rules kmk-127-2026 --period 2026 --format json` on that workbook (`run_standalone`,
  the JSON written to a file), then every employee's NKP compared with the stored `ScoreRecord`.

Queries are counted with a `connection.execute_wrapper` that only counts (`CaptureQueriesContext` renders
every statement's parameters into its SQL text, which for 80 000 inserted records with their JSON would
cost more time and memory than the step measured); they must not grow with the number of employees: the
same step is run again, after the measured run, on one office (about 1 300 of the 80 000) under
`CaptureQueriesContext`, and both counts are reported. (On SQLite Django caps an INSERT at 999 parameters:
`bulk_create` writes 83 `ScoreRecord`s a statement, so the write adds one statement per 83 employees.)

Size: 80 000 employees; `--employees N` (run as a script) or `KINERJA_BENCH_EMPLOYEES=N` (through
`run_all.py`) for a quick check (at least 1 511). `--profile` prints the top of a cProfile of
`compute_scores` and `standings`; `--keep FOLDER` keeps the database (and reuses it when run again).
At 80 000: building takes about 2.5 minutes of CPU (4.3 million rows) plus the migrations, the run about
12 minutes of CPU and 6 GB of memory at its peak (`compute_scores`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

EMPLOYEES = 80_000
ECHELON_ONE = 10
OFFICES = 6  # per echelon I unit; each owns a map
SECTIONS = 6  # per office
TEAM = 20  # executors per echelon IV team leader
OBJECTIVES = 5  # per map
YEAR = 2026
RULES = "kmk-127-2026"
SEED = 2026
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve()

PAIRS = [  # validity/controllability pairs kmk-127-2026 allows
    ("exact", "low"),
    ("exact", "moderate"),
    ("proxy", "low"),
    ("proxy", "moderate"),
    ("proxy", "high"),
    ("activity", "moderate"),
    ("activity", "high"),
]
FREQUENCIES = (("quarterly", 4), ("quarterly", 4), ("quarterly", 4), ("semester", 2), ("yearly", 1))


# ---------------------------------------------------------------- Django in a step process


def setup_django(folder: Path, *, migrate: bool = False) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def nip(n: int) -> str:
    """A valid, unique 18-digit NIP for person `n` (birth date, appointment, gender, sequence)."""
    rest, sequence = divmod(n, 999)
    rest, day = divmod(rest, 28)
    rest, month = divmod(rest, 12)
    return f"{1970 + rest:04d}{month + 1:02d}{day + 1:02d}{1995 + n % 25:04d}{n % 12 + 1:02d}{1 + n % 2}{sequence + 1:03d}"


# ---------------------------------------------------------------- the fixture


def insert(model: Any, names: list[str], rows: Any, *, orm: bool = False, batch: int = 2000) -> int:
    """Insert `rows` (tuples of the model-level values of the fields `names`, attnames such as `kpi_id`) into
    `model`'s table; every other column takes the field's default (`auto_now`/`auto_now_add`: now).

    The statement is the one `bulk_create` sends, sent with `executemany`: `bulk_create` (`orm=True`) prepares
    each value of each row through its field (about 10 µs a value), five times the CPU of this (48 s against
    9 s at 5 000 employees; about 12 minutes at 80 000). Returns the rows written."""
    from django.db import connection, models
    from django.utils import timezone

    if orm:
        written = model._base_manager.bulk_create(
            (model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=batch
        )
        return len(written)
    meta = model._meta
    given = {meta.get_field(name).column: i for i, name in enumerate(names)}
    now = timezone.now()
    names_in_row: dict[str, Any] = {}  # what the row builder below refers to: constants and converters
    cells = []
    columns = []
    for field in meta.local_concrete_fields:
        if field.column in given:
            cell = f"row[{given[field.column]}]"
            if isinstance(field, models.DateTimeField):  # the same few instants: converted once each
                cache: dict[Any, Any] = {}
                names_in_row[f"c{len(cells)}"] = lambda v, f=field, cache=cache: (
                    cache[v] if v in cache else cache.setdefault(v, f.get_db_prep_save(v, connection))
                )
                cell = f"c{len(cells)}({cell})"
            elif isinstance(field, models.JSONField):
                names_in_row[f"c{len(cells)}"] = lambda v, f=field: f.get_db_prep_save(v, connection)
                cell = f"c{len(cells)}({cell})"
            # int, str, bool, Decimal, date: adapted by the driver as Django's own values are
        elif field.primary_key:
            continue
        else:
            auto = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
            value = now if auto else field.get_default()
            names_in_row[f"k{len(cells)}"] = field.get_db_prep_save(value, connection)
            cell = f"k{len(cells)}"
        cells.append(cell)
        columns.append(connection.ops.quote_name(field.column))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({', '.join(columns)}) "
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    prepared = eval(f"lambda row: ({', '.join(cells)},)", names_in_row)

    count = 0
    pending: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        for row in rows:
            pending.append(prepared(row))
            if len(pending) >= batch * 10:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def generate(employees: int, seed: int = SEED, *, orm: bool = False) -> dict[str, Any]:
    """Write the ministry and its year into the (migrated, empty) database; returns the row counts.

    Structure (units, maps, snapshots, sentences, corrections) with `bulk_create`; the per-person rows with
    `insert` (`orm=True`: `bulk_create` for those too, the same rows, slower)."""
    import datetime as dt
    import random
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from kinerja.accounts.models import Role, RoleAssignment, User
    from kinerja.appraisals.models import CORE_VALUE_FIELDS, BehaviourScore, Correction, DisciplinarySentence
    from kinerja.contracts.models import Contract, ContractKpi, ContractKpiSource, ContractState
    from kinerja.organisations.models import Employee, Position, Unit
    from kinerja.planning.models import (
        PERSPECTIVE_DEFAULTS,
        Kpi,
        Objective,
        PeriodTarget,
        Perspective,
        PlanPeriod,
        PlanYear,
        StrategyMap,
    )
    from kinerja.reporting.models import Realization, ReportingPeriod, ScoreSnapshot

    rng = random.Random(seed)
    now = timezone.now()
    counts: dict[str, int] = {}
    cent = Decimal("0.01")

    def d(value: float) -> Decimal:
        return Decimal(value).quantize(cent)

    # --- units: a materialised-path tree written directly (path, depth, numchild)
    units: list[Unit] = []
    owner_of_unit: dict[int, int] = {}  # unit pk -> the pk of its nearest map owner

    def unit(parent: Unit | None, number: int, **fields: Any) -> Unit:
        depth = 1 if parent is None else parent.depth + 1
        made = Unit(
            pk=len(units) + 1,
            path=Unit._get_path(parent.path if parent else None, depth, number),
            depth=depth,
            numchild=0,
            **fields,
        )
        if parent is not None:
            parent.numchild += 1
        units.append(made)
        owner_of_unit[made.pk] = made.pk if made.owns_map else owner_of_unit[parent.pk]  # type: ignore[union-attr]
        return made

    ministry = unit(
        None, 1, code="KEMENKEU", name_id="Kementerian Keuangan", level="wide", kind="ministry", owns_map=True
    )
    tree: list[tuple[Unit, list[tuple[Unit, list[Unit]]]]] = []
    for e in range(ECHELON_ONE):
        one = unit(
            ministry,
            e + 1,
            code=f"E{e:02d}",
            name_id=f"Eselon I {e}",
            level="one",
            kind="echelon_1",
            owns_map=True,
        )
        offices = []
        for o in range(OFFICES):
            office = unit(
                one,
                o + 1,
                code=f"E{e:02d}-K{o:02d}",
                name_id=f"Kantor {e}.{o}",
                level="two",
                kind="regional_office",
                owns_map=True,
            )
            sections = [
                unit(
                    office,
                    s + 1,
                    code=f"E{e:02d}-K{o:02d}-S{s:02d}",
                    name_id=f"Bidang {e}.{o}.{s}",
                    level="three",
                    kind="section",
                )
                for s in range(SECTIONS)
            ]
            offices.append((office, sections))
        tree.append((one, offices))
    Unit.objects.bulk_create(units)
    counts["units"] = len(units)
    owners = [u for u in units if u.owns_map]
    counts["map_owners"] = len(owners)

    # --- the plan year (its reporting periods come with it), the maps and their objectives, the NKOs
    period = PlanPeriod.objects.create(name="Renstra 2025–2029", start_year=YEAR - 1, end_year=YEAR + 3)
    plan_year = PlanYear.objects.create(year=YEAR, plan_period=period, rule_set=RULES)
    periods = {(p.frequency, p.number): p.pk for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
    maps = StrategyMap.objects.bulk_create(
        [StrategyMap(unit=u, plan_year=plan_year, state="approved") for u in owners]
    )
    perspectives = Perspective.objects.bulk_create(
        [
            Perspective(map=m, code=c, order=o, name_id=n_id, name_en=n_en)
            for m in maps
            for c, o, n_id, n_en in PERSPECTIVE_DEFAULTS
        ]
    )
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                map=m, perspective=perspectives[i * 4 + j % 4], code=f"SS{j + 1}", name_id=f"Sasaran {j + 1}"
            )
            for i, m in enumerate(maps)
            for j in range(OBJECTIVES)
        ]
    )
    objectives_of = {
        m.unit_id: [o.pk for o in objectives[i * OBJECTIVES : (i + 1) * OBJECTIVES]]
        for i, m in enumerate(maps)
    }
    snapshots = []
    for m in maps:
        nko = d(rng.uniform(88, 112))
        snapshots.append(
            ScoreSnapshot(
                strategy_map=m, period_id=periods[("quarterly", 3)], rule_set=RULES, final=False, nko=nko - 3
            )
        )
        snapshots.append(
            ScoreSnapshot(
                strategy_map=m,
                period_id=periods[("yearly", 1)],
                rule_set=RULES,
                final=True,
                nko=nko,
                complete=True,
            )
        )
    ScoreSnapshot.objects.bulk_create(snapshots)

    # --- people: (position fields, unit pk, superior person index) in tree order, heads first
    people: list[tuple[tuple[str, str, int | None, bool], int, int | None]] = []

    def person(
        unit_pk: int,
        superior: int | None,
        title: str,
        kind: str,
        echelon: int | None = None,
        head: bool = False,
    ) -> int:
        people.append(((title, kind, echelon, head), unit_pk, superior))
        return len(people) - 1

    minister = person(ministry.pk, None, "Menteri Keuangan", "structural", 1, True)
    section_count = ECHELON_ONE * OFFICES * SECTIONS
    staff_total = employees - len(units)
    if staff_total < section_count * 3:
        raise SystemExit(f"at least {len(units) + section_count * 3} employees")
    section_number = 0
    for one, offices in tree:
        one_head = person(one.pk, minister, "Direktur Jenderal", "structural", 1, True)
        for office, sections in offices:
            office_head = person(office.pk, one_head, "Kepala Kantor", "structural", 2, True)
            for section in sections:
                staff = staff_total // section_count + (section_number < staff_total % section_count)
                section_number += 1
                head = person(section.pk, office_head, "Kepala Bidang", "structural", 3, True)
                functional = max(1, staff // 12)
                leaders = max(1, (staff - functional) // (TEAM + 1))
                for _ in range(functional):
                    person(section.pk, head, "Pranata Komputer Ahli Muda", "functional")
                team_heads = [
                    person(section.pk, head, "Kepala Seksi", "structural", 4) for _ in range(leaders)
                ]
                for n in range(staff - functional - leaders):
                    person(section.pk, team_heads[n % leaders], "Pelaksana", "executor")
    assert len(people) == employees, (len(people), employees)

    # --- positions and employees (pk = person index + 1)
    with transaction.atomic():
        insert(
            Position,
            ["id", "unit_id", "code", "title_id", "type", "echelon", "is_head", "superior_id"],
            (
                (
                    i + 1,
                    unit_pk,
                    f"J{i + 1:06d}",
                    title,
                    kind,
                    echelon,
                    head,
                    None if sup is None else sup + 1,
                )
                for i, ((title, kind, echelon, head), unit_pk, sup) in enumerate(people)
            ),
            orm=orm,
        )
        insert(
            Employee,
            ["id", "nip", "name", "unit_id", "position_id", "superior_id"],
            (
                (i + 1, nip(i), f"Pegawai {i + 1:05d}", unit_pk, i + 1, None if sup is None else sup + 1)
                for i, (_position, unit_pk, sup) in enumerate(people)
            ),
            orm=orm,
        )
    counts["employees"] = counts["positions"] = employees

    # --- per person: a signed contract with 4–8 IKIs, targets, realizations, BerAKHLAK; in chunks
    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    quarters = [periods[("quarterly", q)] for q in range(1, 5)]
    totals = dict.fromkeys(
        ("contracts", "kpis", "contract_kpis", "period_targets", "realizations", "behaviour_scores"), 0
    )
    kpi_pk = 0
    chunk = 5000
    for first in range(0, employees, chunk):
        contracts: list[tuple[Any, ...]] = []
        kpis: list[tuple[Any, ...]] = []
        entries: list[tuple[Any, ...]] = []
        targets: list[tuple[Any, ...]] = []
        realizations: list[tuple[Any, ...]] = []
        behaviour: list[tuple[Any, ...]] = []
        for i in range(first, min(first + chunk, employees)):
            _position, unit_pk, superior = people[i]
            boss = None if superior is None else superior + 1
            contracts.append(
                (i + 1, i + 1, i + 1, unit_pk, plan_year.pk, boss, start, end, ContractState.SIGNED, 1, now)
            )
            supported = objectives_of[owner_of_unit[unit_pk]]
            for k in range(rng.randint(4, 8)):
                kpi_pk += 1
                frequency, count = rng.choice(FREQUENCIES)
                consolidation = (
                    "sum" if frequency == "yearly" else rng.choice(("sum", "sum", "average", "last"))
                )
                polarity = "max" if rng.random() < 0.8 else "min"
                validity, control = rng.choice(PAIRS)
                year_target = d(rng.randint(40, 200))
                if consolidation == "sum":
                    steps = [d(float(year_target) / count)] * count
                    year_target = sum(steps, Decimal(0))
                elif consolidation == "average":
                    steps = [year_target] * count
                else:
                    steps = [d(float(year_target) * (n + 1) / count) for n in range(count)]
                    steps[-1] = year_target
                kpis.append(
                    (
                        kpi_pk,
                        supported[k % OBJECTIVES],
                        i + 1,
                        f"IKI-{k + 1}",
                        f"Indikator kinerja individu {k + 1}",
                        polarity,
                        consolidation,
                        frequency,
                        validity,
                        control,
                        year_target,
                        True,
                    )
                )
                existing = rng.random() < 0.85
                prev_target = year_target + rng.choice((-10, 0, 0, 10, 20)) if existing else None
                entries.append(
                    (
                        i + 1,
                        kpi_pk,
                        ContractKpiSource.INDIVIDUAL.value,
                        k + 1,
                        year_target,
                        {} if count == 1 else {str(n + 1): str(v) for n, v in enumerate(steps)},
                        "existing" if existing else "new",
                        prev_target,
                        None if prev_target is None else prev_target + rng.choice((-5, 0, 5, 15)),
                    )
                )
                if count > 1:
                    targets.extend((kpi_pk, n + 1, v) for n, v in enumerate(steps))
                for n, step in enumerate(steps):
                    draw = rng.random()
                    if draw < 0.01:
                        continue  # not reported
                    spread = rng.uniform(0.75, 1.3) if polarity == "max" else rng.uniform(0.75, 1.2)
                    submitted = draw < 0.02
                    realizations.append(
                        (
                            kpi_pk,
                            periods[(frequency, n + 1)],
                            d(float(step) * spread),
                            "submitted" if submitted else "approved",
                            now,
                            None if submitted else now,
                        )
                    )
            if superior is not None:
                level = rng.uniform(90, 112)
                raters = [(superior + 1, "superior")]
                if rng.random() < 0.05 and i + 1 < employees and people[i + 1][2] == superior:
                    raters.append((i + 2, "peer"))
                for quarter in quarters:
                    for rater, group in raters:
                        values = (
                            Decimal(max(60, min(120, round(level + rng.uniform(-6, 6))))) for _ in range(7)
                        )
                        behaviour.append((i + 1, quarter, rater, group, *values))
        with transaction.atomic():
            for key, model, names, rows in (
                (
                    "contracts",
                    Contract,
                    [
                        "id",
                        "employee_id",
                        "position_id",
                        "unit_id",
                        "plan_year_id",
                        "superior_id",
                        "start",
                        "end",
                        "state",
                        "revision",
                        "signed_at",
                    ],
                    contracts,
                ),
                (
                    "kpis",
                    Kpi,
                    [
                        "id",
                        "objective_id",
                        "holder_id",
                        "code",
                        "name_id",
                        "polarity",
                        "consolidation",
                        "frequency",
                        "validity",
                        "controllability",
                        "target",
                        "contract_signed",
                    ],
                    kpis,
                ),
                (
                    "contract_kpis",
                    ContractKpi,
                    [
                        "contract_id",
                        "kpi_id",
                        "source",
                        "order",
                        "target",
                        "trajectory",
                        "kind",
                        "target_prev",
                        "realization_prev",
                    ],
                    entries,
                ),
                ("period_targets", PeriodTarget, ["kpi_id", "period", "target"], targets),
                (
                    "realizations",
                    Realization,
                    ["kpi_id", "period_id", "value", "state", "submitted_at", "approved_at"],
                    realizations,
                ),
                (
                    "behaviour_scores",
                    BehaviourScore,
                    ["employee_id", "period_id", "rater_id", "group", *CORE_VALUE_FIELDS],
                    behaviour,
                ),
            ):
                totals[key] += insert(model, names, rows, orm=orm)
    counts.update(totals)

    # --- a few sentences (0.5 %) and leader's corrections (1 %); the administrator
    picked = rng.sample(range(1, employees), k=max(1, employees // 200) + max(1, employees // 100))
    sentenced, corrected = picked[: max(1, employees // 200)], picked[max(1, employees // 200) :]
    DisciplinarySentence.objects.bulk_create(
        DisciplinarySentence(
            employee_id=pk,
            category=rng.choice(("light", "light", "medium", "severe")),
            severity=Decimal(rng.choice((10, 20, 30))),
            start_year=YEAR,
            start_quarter=rng.randint(1, 4),
        )
        for pk in sentenced
    )
    Correction.objects.bulk_create(
        Correction(
            employee_id=pk, plan_year=plan_year, value=Decimal(rng.choice((-2, -1, 1, 2))), reason="Bench"
        )
        for pk in corrected
    )
    counts["sentences"], counts["corrections"] = len(sentenced), len(corrected)
    admin = User.objects.create(username="admin", is_superuser=True, is_staff=True)
    RoleAssignment.objects.create(user=admin, unit=ministry, role=Role.ADMIN)
    counts["rows"] = sum(v for k, v in counts.items() if k != "map_owners")
    return counts


# ---------------------------------------------------------------- the measured steps (each in its own process)


class Counter:
    """Counts the statements a connection executes (an `execute_wrapper`; keeps nothing else)."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def _measured(action: Any, profile: bool = False) -> tuple[dict[str, float], Any]:
    """CPU and wall seconds, queries and peak memory of `action()`, and its result."""
    import resource

    from django.db import connection

    counter = Counter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
    with connection.execute_wrapper(counter):
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        result = action()
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    figures = {
        "cpu_s": cpu,
        "wall_s": wall,
        "queries": counter.count,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    if profiler is not None:
        import io
        import pstats

        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(out.getvalue(), file=sys.stderr)
    return figures, result


def _small_unit_queries(action: Any) -> tuple[int, int]:
    """The queries of `action(office)` on the first office under `CaptureQueriesContext`, and its people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from kinerja.organisations.models import Employee, Unit

    office = Unit.objects.get(code="E00-K00")
    with CaptureQueriesContext(connection) as captured:
        action(office)
    people = Employee.objects.filter(unit__path__startswith=office.path).count()
    return len(captured.captured_queries), people


def step_generate(folder: Path, employees: int, orm: bool = False) -> dict[str, Any]:
    wall = time.perf_counter()
    setup_django(folder, migrate=True)
    migrated = time.perf_counter() - wall
    cpu, wall = time.process_time(), time.perf_counter()
    counts = generate(employees, orm=orm)
    return {
        **counts,
        "cpu_s": time.process_time() - cpu,
        "wall_s": time.perf_counter() - wall,
        "migrate_wall_s": migrated,
    }


def step_baseline(folder: Path) -> dict[str, Any]:
    setup_django(folder)
    from kinerja.appraisals.models import BehaviourScore
    from kinerja.contracts.models import ContractKpi
    from kinerja.organisations.models import Employee
    from kinerja.planning.models import PeriodTarget
    from kinerja.reporting.models import Realization

    def read() -> int:
        rows = [
            list(
                Employee.objects.values_list(
                    "pk", "nip", "name", "unit__path", "superior__nip", "position__type"
                )
            ),
            list(
                ContractKpi.objects.values_list(
                    "contract__employee_id",
                    "kpi_id",
                    "kpi__code",
                    "kpi__polarity",
                    "kpi__frequency",
                    "kpi__consolidation",
                    "kpi__validity",
                    "kpi__controllability",
                    "target",
                    "trajectory",
                    "kind",
                    "target_prev",
                    "realization_prev",
                )
            ),
            list(PeriodTarget.objects.values_list("kpi_id", "period", "target")),
            list(Realization.objects.values_list("kpi_id", "period_id", "value", "state")),
            list(
                BehaviourScore.objects.values_list(
                    "employee_id",
                    "period_id",
                    "service",
                    "accountable",
                    "competent",
                    "harmonious",
                    "loyal",
                    "adaptive",
                    "collaborative",
                )
            ),
        ]
        return sum(len(r) for r in rows)

    figures, rows = _measured(read)
    return {**figures, "rows": rows}


def step_compute(folder: Path, profile: bool = False) -> dict[str, Any]:
    setup_django(folder)
    from kinerja.accounts.models import User
    from kinerja.appraisals import services
    from kinerja.appraisals.models import ScoreRecord
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import PlanYear

    root = Unit.objects.get(depth=1)
    plan_year = PlanYear.objects.get(year=YEAR)
    admin = User.objects.get(username="admin")
    admin.has_perm("appraisals.compute_scorerecord", root)  # warm the permission machinery, not measured
    parts: dict[str, float] = {}

    def timing(name: str, function: Any) -> Any:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name] = time.process_time() - started

        return timed

    services.gather = timing("gather", services.gather)  # type: ignore[assignment]
    services.score_gathered = timing("score", services.score_gathered)  # type: ignore[assignment]
    figures, records = _measured(
        lambda: services.compute_scores(unit=root, plan_year=plan_year, by=admin), profile
    )
    measured = dict(parts)  # before the run on one office below replaces them
    scored = sum(r.nkp is not None for r in records)
    failed = sum(bool(r.errors) for r in records)
    predicates: dict[str, int] = {}
    for r in records:
        predicates[r.predicate] = predicates.get(r.predicate, 0) + 1
    errors: dict[str, int] = {}
    for r in records:
        for e in r.errors:
            errors[e["code"]] = errors.get(e["code"], 0) + 1
    total = len(records)
    stored = {r.employee.nip: (None if r.nkp is None else str(r.nkp)) for r in records}
    (folder / "stored.json").write_text(json.dumps(stored))
    del records
    small, small_people = _small_unit_queries(
        lambda office: services.compute_scores(unit=office, plan_year=plan_year, by=admin)
    )
    return {
        **figures,
        "gather_s": measured["gather"],
        "score_s": measured["score"],
        "write_s": figures["cpu_s"] - measured["gather"] - measured["score"],
        "records": total,
        "stored_records": ScoreRecord.objects.count(),
        "scored": scored,
        "with_errors": failed,
        "error_codes": errors,
        "predicates": predicates,
        "small_queries": small,
        "small_employees": small_people,
    }


def step_standings(folder: Path, profile: bool = False) -> dict[str, Any]:
    setup_django(folder)
    from kinerja.appraisals.standing import standings
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import PlanYear

    root = Unit.objects.get(depth=1)
    plan_year = PlanYear.objects.get(year=YEAR)
    figures, found = _measured(lambda: standings(root, plan_year), profile)
    summary = {
        "rows": len(found.rows),
        "groups": len(found.groups),
        "owners": len(found.owners),
        "labelled": sum(s.label is not None for s in found.rows),
        "actual": {str(k): v for k, v in found.actual.items()},
        "expected": {str(k): v for k, v in found.expected.items()},
        "breaches": len(found.breaches),
    }
    del found
    small, small_people = _small_unit_queries(lambda office: standings(office, plan_year))
    return {**figures, **summary, "small_queries": small, "small_employees": small_people}


def step_export(folder: Path) -> dict[str, Any]:
    setup_django(folder)
    from kinerja.appraisals import inputs
    from kinerja.interchange import write_workbook
    from kinerja.organisations.models import Unit
    from kinerja.planning.models import PlanYear

    root = Unit.objects.get(depth=1)
    plan_year = PlanYear.objects.get(year=YEAR)
    target = folder / "pegawai"
    parts: dict[str, float] = {}

    def export() -> int:
        started = time.process_time()
        gathered = inputs.gather(root, plan_year)
        parts["gather_s"] = time.process_time() - started
        started = time.process_time()
        book = inputs.workbook_of(gathered)
        parts["workbook_of_s"] = time.process_time() - started
        started = time.process_time()
        write_workbook(target, book)
        parts["write_s"] = time.process_time() - started
        return len(book.kpis)

    figures, kpi_rows = _measured(export)
    size = sum(p.stat().st_size for p in target.iterdir())
    return {**figures, **parts, "iki_rows": kpi_rows, "files_mb": size / 1e6}


def step_nkp(folder: Path) -> dict[str, Any]:
    import contextlib
    import resource

    from kinerja.interchange.commands import run_standalone

    output = folder / "nkp.json"
    with output.open("w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
        cpu, wall = time.process_time(), time.perf_counter()
        status = run_standalone(
            "nkp", [str(folder / "pegawai"), "--rules", RULES, "--period", str(YEAR), "--format", "json"]
        )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "cpu_s": cpu,
        "wall_s": wall,
        "peak_mb": peak,
        "status": status,
        "json_mb": output.stat().st_size / 1e6,
    }


def step_verify(folder: Path) -> dict[str, Any]:
    """Every employee's NKP from `kinerja nkp` against the stored record (as text, two decimals)."""
    from decimal import Decimal

    stored = json.loads((folder / "stored.json").read_text())
    data = json.loads((folder / "nkp.json").read_text())
    rows = data if isinstance(data, list) else data["employees"]
    cli = {r["nip"]: (None if r["nkp"] is None else Decimal(str(r["nkp"]))) for r in rows}
    differ = [
        nip
        for nip, value in stored.items()
        if cli.get(nip, "missing") != (None if value is None else Decimal(value))
    ]
    return {"compared": len(stored), "cli_rows": len(cli), "differ": len(differ), "examples": differ[:5]}


STEPS = {
    "generate": step_generate,
    "baseline": step_baseline,
    "compute": step_compute,
    "standings": step_standings,
    "export": step_export,
    "nkp": step_nkp,
    "verify": step_verify,
}


def run_step(name: str, folder: Path, *extra: str) -> dict[str, Any]:
    """One step in a fresh Python process; its figures are the last line of its output."""
    done = subprocess.run(
        [sys.executable, str(HERE), "--step", name, "--folder", str(folder), *extra],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
        },
    )
    if done.stderr.strip() and ("--profile" in extra):
        print(done.stderr, file=sys.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"step {name} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------- the run


def main(
    employees: int | None = None, profile: bool = False, orm: bool = False, keep: Path | None = None
) -> dict[str, object]:
    """The run; `keep`: a folder to build the database in and keep (built once: a later run with the same
    folder measures the same database again, each `compute_scores` adding its records)."""
    n = employees or int(os.environ.get("KINERJA_BENCH_EMPLOYEES", EMPLOYEES))
    extra = ["--profile"] if profile else []
    with contextlib.ExitStack() as stack:
        if keep is None:
            folder = Path(
                stack.enter_context(tempfile.TemporaryDirectory(prefix="kinerja-bench-appraisals-"))
            )
        else:
            folder = keep
            folder.mkdir(parents=True, exist_ok=True)
        built_file = folder / "built.json"
        if built_file.exists():
            built = json.loads(built_file.read_text())
            n = built["employees"]
        else:
            built = run_step("generate", folder, "--employees", str(n), *(["--orm"] if orm else []))
            built_file.write_text(json.dumps(built))
        print(
            f"   built {n:,} employees in {built['wall_s']:.0f} s ({built['cpu_s']:.0f} s CPU; migrating "
            f"{built['migrate_wall_s']:.0f} s) — {built['rows']:,} rows: "
            f"{built['kpis']:,} IKIs, {built['period_targets']:,} period targets, "
            f"{built['realizations']:,} realizations, {built['behaviour_scores']:,} BerAKHLAK scores; "
            f"{built['units']} units, {built['map_owners']} map owners",
            flush=True,
        )
        base = run_step("baseline", folder)
        compute = run_step("compute", folder, *extra)
        ranked = run_step("standings", folder, *extra)
        export = run_step("export", folder)
        nkp = run_step("nkp", folder)
        if nkp["status"] != 0:
            raise RuntimeError(f"kinerja nkp exited {nkp['status']}")
        verify = run_step("verify", folder)

    def rate(seconds: float) -> int:
        return round(n / seconds) if seconds else 0

    figures: dict[str, Any] = {
        "employees": n,
        "rows": built["rows"],
        "iki": built["kpis"],
        "realizations": built["realizations"],
        "generate_s": round(built["wall_s"], 1),
        "generate_cpu_s": round(built["cpu_s"], 1),
        "baseline_read_s": round(base["cpu_s"], 2),
        "baseline_employees_per_s": rate(base["cpu_s"]),
        "baseline_queries": base["queries"],
        "baseline_peak_mb": round(base["peak_mb"]),
        "compute_s": round(compute["cpu_s"], 2),
        "compute_wall_s": round(compute["wall_s"], 2),
        "compute_gather_s": round(compute["gather_s"], 2),
        "compute_score_s": round(compute["score_s"], 2),
        "compute_write_s": round(compute["write_s"], 2),
        "compute_employees_per_s": rate(compute["cpu_s"]),
        "compute_queries": compute["queries"],
        "compute_queries_one_office": compute["small_queries"],
        "one_office_employees": compute["small_employees"],
        "compute_peak_mb": round(compute["peak_mb"]),
        "scored": compute["scored"],
        "with_errors": compute["with_errors"],
        "error_codes": compute["error_codes"],
        "predicates": compute["predicates"],
        "standings_s": round(ranked["cpu_s"], 2),
        "standings_wall_s": round(ranked["wall_s"], 2),
        "standings_employees_per_s": rate(ranked["cpu_s"]),
        "standings_queries": ranked["queries"],
        "standings_queries_one_office": ranked["small_queries"],
        "standings_peak_mb": round(ranked["peak_mb"]),
        "standings_groups": ranked["groups"],
        "standings_labelled": ranked["labelled"],
        "distribution_actual": ranked["actual"],
        "distribution_expected": ranked["expected"],
        "rule26_breaches": ranked["breaches"],
        "export_s": round(export["cpu_s"], 2),
        "export_gather_s": round(export["gather_s"], 2),
        "export_workbook_of_s": round(export["workbook_of_s"], 2),
        "export_write_s": round(export["write_s"], 2),
        "export_queries": export["queries"],
        "export_peak_mb": round(export["peak_mb"]),
        "export_files_mb": round(export["files_mb"], 1),
        "export_iki_rows": export["iki_rows"],
        "nkp_s": round(nkp["cpu_s"], 2),
        "nkp_employees_per_s": rate(nkp["cpu_s"]),
        "nkp_peak_mb": round(nkp["peak_mb"]),
        "nkp_json_mb": round(nkp["json_mb"], 1),
        "compute_over_nkp": round(compute["cpu_s"] / nkp["cpu_s"], 2),
        "standings_over_nkp": round(ranked["cpu_s"] / nkp["cpu_s"], 2),
        "export_over_nkp": round(export["cpu_s"] / nkp["cpu_s"], 2),
        "compute_over_baseline": round(compute["cpu_s"] / base["cpu_s"], 1),
        "nkp_compared": verify["compared"],
        "nkp_differ": verify["differ"],
    }
    print(
        f"   plain read of the rows gather reads: {base['cpu_s']:.1f} s ({figures['baseline_employees_per_s']:,} "
        f"employees/s, {base['queries']} queries, peak {figures['baseline_peak_mb']} MB)\n"
        f"   compute_scores: {compute['cpu_s']:.1f} s CPU ({compute['wall_s']:.1f} s wall; gather "
        f"{compute['gather_s']:.1f} + core {compute['score_s']:.1f} + write {compute['write_s']:.1f}) = "
        f"{figures['compute_employees_per_s']:,} employees/s, {compute['queries']} queries "
        f"({compute['small_queries']} for one office of {compute['small_employees']}), peak "
        f"{figures['compute_peak_mb']} MB; {compute['scored']:,} scored, {compute['with_errors']} with input errors\n"
        f"   standings: {ranked['cpu_s']:.1f} s CPU = {figures['standings_employees_per_s']:,} employees/s, "
        f"{ranked['queries']} queries ({ranked['small_queries']} for one office), peak "
        f"{figures['standings_peak_mb']} MB; {ranked['groups']:,} groups, {ranked['labelled']:,} labelled\n"
        f"   export (gather {export['gather_s']:.1f} + workbook_of {export['workbook_of_s']:.1f} + write_workbook "
        f"{export['write_s']:.1f}): {export['cpu_s']:.1f} s, peak {figures['export_peak_mb']} MB, "
        f"{figures['export_files_mb']} MB of CSV\n"
        f"   kinerja nkp on it: {nkp['cpu_s']:.1f} s ({figures['nkp_employees_per_s']:,} employees/s, peak "
        f"{figures['nkp_peak_mb']} MB); compute_scores / kinerja nkp = {figures['compute_over_nkp']}×, "
        f"standings / kinerja nkp = {figures['standings_over_nkp']}×; NKP differing from the stored: "
        f"{verify['differ']} of {verify['compared']:,}",
        flush=True,
    )
    return figures


def _cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=None, help=f"how many (default {EMPLOYEES:,})")
    parser.add_argument("--profile", action="store_true", help="cProfile compute_scores and standings")
    parser.add_argument("--orm", action="store_true", help="write the fixture with bulk_create only (slower)")
    parser.add_argument(
        "--keep", type=Path, help="build the database in this folder and keep it (reused if built)"
    )
    parser.add_argument("--step", choices=sorted(STEPS), help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step is None:
        print(main(args.employees, args.profile, args.orm, args.keep))
        return 0
    step = STEPS[args.step]
    if args.step == "generate":
        result = step(args.folder, args.employees or EMPLOYEES, args.orm)
    elif args.step in ("compute", "standings"):
        result = step(args.folder, args.profile)
    else:
        result = step(args.folder)
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(_cli())
