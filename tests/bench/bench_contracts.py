"""Creating a new year's contracts for a 3,000-employee echelon-I subtree in one action (issue 12 item 10).

Sets Django up on a temporary SQLite database (migrated), then writes directly with the ORM's bulk inserts
(`populate`): an echelon-I unit with 10 directorates (map owners, like the echelon I) of 10 sections with a
head and 29 executors each — 3,011 employees in positions; the 11 maps of last year and this year (5
objectives each, 20 KPIs on this year's), and last year's signed contracts of the 3,000 non-owners with 3 to
5 individual KPIs (IKI) each, quarterly with a trajectory. Then measures, each the best of a few rounds (CPU
time of the process as bench_import measures it — SQLite runs in-process; wall-clock beside):

* baseline: plain `bulk_create` of the same number of contract rows and contract-KPI rows (no history, no
  planning, no individual KPIs re-created) — what the writes cost at the least;
* plan: `contracts.bulk.plan_year_contracts` — the preview the page shows (reads only);
* apply: `contracts.bulk.apply_plan` — the contracts, the IKIs re-created with their trajectories and the
  contract KPIs, each with its history row, in one transaction.

Reports contracts per second, queries per contract (`CaptureQueriesContext`, plan and apply together) and the
ratio to the baseline. Each round runs in a transaction rolled back afterwards.

`populate` is also what `tests/contracts/test_bulk.py` uses to prove the number of queries does not grow with
the number of employees or KPIs.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

DIRECTORATES = 10
SECTIONS = 10
STAFF = 29  # executors per section
MAP_KPIS = 20
OBJECTIVES = 5
ROUNDS = 3
YEAR = 2026

T = TypeVar("T")


def setup_django(folder: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "kinerja.config.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["KINERJA_VAR_DIR"] = str(folder / "var")
    import django
    from django.conf import settings

    django.setup()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def _nip(n: int) -> str:
    return f"1980{(n // 28) % 12 + 1:02d}{n % 28 + 1:02d}2005{(n // 336) % 12 + 1:02d}1{n % 1000:03d}"[:18]


def populate(
    parent: Any,
    *,
    code: str = "E1",
    directorates: int = DIRECTORATES,
    sections: int = SECTIONS,
    staff: int = STAFF,
    ikis: tuple[int, ...] = (3, 4, 5),
    year: int = YEAR,
    nip_start: int = 0,
) -> Any:
    """An echelon-I subtree under `parent` with its people, maps and last year's contracts; returns its unit.

    Written with plain bulk inserts (no history, no validation): a fixture, not what is measured.
    """
    from decimal import Decimal

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

    period, _ = PlanPeriod.objects.get_or_create(
        start_year=year - 1, end_year=year + 3, defaults={"name": "Renstra"}
    )
    years = {
        y: PlanYear.objects.get_or_create(
            year=y, defaults={"plan_period": period, "rule_set": "kmk-127-2026"}
        )[0]
        for y in (year - 1, year)
    }

    def child(of: Any, **fields: Any) -> Any:
        of.refresh_from_db()
        return Unit.objects.add_child(of, create_kwargs=fields)

    top = child(parent, code=code, name_id=f"Eselon I {code}", level="one", kind="echelon_1", owns_map=True)
    owners = [top]
    section_units: list[tuple[Any, Any]] = []  # (section, its directorate)
    for d in range(directorates):
        directorate = child(
            top,
            code=f"{code}-D{d:02d}",
            name_id=f"Direktorat {d}",
            level="two",
            kind="directorate",
            owns_map=True,
        )
        owners.append(directorate)
        for s in range(sections):
            section = child(
                directorate,
                code=f"{code}-D{d:02d}-S{s:02d}",
                name_id=f"Subdirektorat {d}.{s}",
                level="three",
                kind="subdirectorate",
                owns_map=False,
            )
            section_units.append((section, directorate))
    # positions: the heads first (their ids are the executors' superiors)
    head_of: dict[int, Position] = {}
    top_head = Position.objects.create(
        unit=top, code=f"{code}-P0", title_id="Direktur Jenderal", type="structural", echelon=1, is_head=True
    )
    head_of[top.pk] = top_head
    for directorate in owners[1:]:
        head_of[directorate.pk] = Position(
            unit=directorate,
            code=f"{directorate.code}-P0",
            title_id="Direktur",
            type="structural",
            echelon=2,
            is_head=True,
            superior=top_head,
        )
    Position.objects.bulk_create([head_of[d.pk] for d in owners[1:]])
    for section, directorate in section_units:
        head_of[section.pk] = Position(
            unit=section,
            code=f"{section.code}-P0",
            title_id="Kepala Subdirektorat",
            type="structural",
            echelon=3,
            is_head=True,
            superior=head_of[directorate.pk],
        )
    Position.objects.bulk_create([head_of[s.pk] for s, _d in section_units])
    executors = [
        Position(
            unit=section,
            code=f"{section.code}-P{e + 1:02d}",
            title_id="Pelaksana",
            type="executor",
            superior=head_of[section.pk],
        )
        for section, _d in section_units
        for e in range(staff)
    ]
    Position.objects.bulk_create(executors, batch_size=2000)
    positions = list(head_of.values()) + executors
    employees = [
        Employee(nip=_nip(nip_start + i), name=f"Pegawai {code} {i:05d}", unit_id=p.unit_id, position=p)
        for i, p in enumerate(positions)
    ]
    Employee.objects.bulk_create(employees, batch_size=2000)
    # the maps of both years, the same objective codes; this year's with its KPIs
    objectives: dict[tuple[int, int], list[Objective]] = {}
    for y, plan_year in years.items():
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
        rows = [
            Objective(
                map=m,
                perspective=perspectives[i * 4 + j % 4],
                code=f"SS{j + 1}",
                name_id=f"Sasaran {j + 1}",
            )
            for i, m in enumerate(maps)
            for j in range(OBJECTIVES)
        ]
        Objective.objects.bulk_create(rows)
        for i, m in enumerate(maps):
            objectives[(y, m.unit_id)] = rows[i * OBJECTIVES : (i + 1) * OBJECTIVES]
        if y == year:
            Kpi.all_kpis.bulk_create(
                [
                    Kpi(
                        objective=objectives[(y, m.unit_id)][k % OBJECTIVES],
                        code=f"IKU-{k + 1:02d}",
                        name_id=f"Indikator {k + 1}",
                        polarity="max",
                        consolidation="sum",
                        frequency="quarterly",
                        validity="proxy",
                        controllability="moderate",
                        target=Decimal(400),
                    )
                    for m in maps
                    for k in range(MAP_KPIS)
                ]
            )
    # last year's signed contracts of the non-owners, with their IKIs
    owner_heads = {head_of[u.pk].pk for u in owners}
    directorate_of = {s.pk: d.pk for s, d in section_units}
    holders = [e for e in employees if e.position.pk not in owner_heads]
    previous = years[year - 1]
    contracts = Contract.objects.bulk_create(
        [
            Contract(
                employee=e,
                position=e.position,
                unit_id=e.unit_id,
                plan_year=previous,
                start=f"{year - 1}-01-01",
                end=f"{year - 1}-12-31",
                state=ContractState.SIGNED,
            )
            for e in holders
        ],
        batch_size=2000,
    )
    kpis: list[Kpi] = []
    owner_of: list[int] = []
    for n, e in enumerate(holders):
        supported = objectives[(year - 1, directorate_of[e.unit_id])]
        for k in range(ikis[n % len(ikis)]):
            kpis.append(
                Kpi(
                    objective=supported[k % OBJECTIVES],
                    holder=e.position,
                    code=f"IKI-{k + 1}",
                    name_id=f"Indikator individu {k + 1}",
                    polarity="max",
                    consolidation="sum",
                    frequency="quarterly",
                    validity="proxy",
                    controllability="high",
                    target=Decimal(100),
                    contract_signed=True,
                )
            )
            owner_of.append(n)
    Kpi.all_kpis.bulk_create(kpis, batch_size=2000)
    PeriodTarget.objects.bulk_create(
        (PeriodTarget(kpi=k, period=q, target=Decimal(25)) for k in kpis for q in range(1, 5)),
        batch_size=5000,
    )
    ContractKpi.objects.bulk_create(
        (
            ContractKpi(
                contract=contracts[n],
                kpi=k,
                source=ContractKpiSource.INDIVIDUAL,
                order=i + 1,
                weight=Decimal(20),
                target=k.target,
            )
            for i, (n, k) in enumerate(zip(owner_of, kpis, strict=True))
        ),
        batch_size=5000,
    )
    return Unit.objects.get(pk=top.pk)


def baseline(plan: Any, plan_year: Any) -> int:
    """The same number of contract and contract-KPI rows, plain bulk inserts; returns the rows written."""
    from kinerja.contracts.models import Contract, ContractKpi

    contracts = Contract.objects.bulk_create(
        [
            Contract(
                employee_id=c.employee_id,
                position_id=c.position_id,
                unit_id=c.unit_id,
                plan_year=plan_year,
                start=f"{plan_year.year}-01-01",
                end=f"{plan_year.year}-12-31",
            )
            for c in plan.contracts
        ],
        batch_size=1000,
    )
    kpi_ids = [k.copy_of or k.kpi_id for c in plan.contracts for k in c.kpis]
    rows = [
        ContractKpi(contract_id=contract.pk, kpi_id=kpi_ids[i], source=k.source, order=k.order)
        for i, (contract, k) in enumerate(
            (contract, k) for contract, c in zip(contracts, plan.contracts, strict=True) for k in c.kpis
        )
    ]
    ContractKpi.objects.bulk_create(rows, batch_size=1000)
    return len(contracts) + len(rows)


def timed(action: Callable[[], T]) -> tuple[float, float, T]:
    cpu, wall = time.process_time(), time.perf_counter()
    result = action()
    return time.process_time() - cpu, time.perf_counter() - wall, result


def rolled_back(action: Callable[[], T]) -> tuple[float, float, T]:
    """`action` timed inside a transaction that is then rolled back (each round starts from the same data)."""
    from django.db import transaction

    with transaction.atomic():
        measured = timed(action)
        transaction.set_rollback(True)
    return measured


def main() -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kinerja-bench-contracts-") as name:
        setup_django(Path(name))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from kinerja.accounts.models import Role, RoleAssignment, User
        from kinerja.contracts import bulk
        from kinerja.organisations.models import Employee, Unit
        from kinerja.planning.models import PlanYear

        root = Unit.objects.add_root(
            create_kwargs={
                "code": "KEMENKEU",
                "name_id": "Kementerian Keuangan",
                "level": "wide",
                "kind": "ministry",
            }
        )
        started = time.perf_counter()
        unit = populate(root)
        built = time.perf_counter() - started
        employees = Employee.objects.count()
        user = User.objects.create(username="mko")
        RoleAssignment.objects.create(user=user, unit=root, role=Role.MANAGER)
        plan_year = PlanYear.objects.get(year=YEAR)
        best: dict[str, tuple[float, float]] = {}
        figures: dict[str, Any] = {}

        def keep(key: str, cpu: float, wall: float) -> None:
            old = best.get(key, (float("inf"), float("inf")))
            best[key] = (min(old[0], cpu), min(old[1], wall))

        for number in range(ROUNDS):
            cpu, wall, plan = timed(lambda: bulk.plan_year_contracts(unit, plan_year, user))
            keep("plan", cpu, wall)
            cpu, wall, rows = rolled_back(lambda: baseline(plan, plan_year))  # noqa: B023
            keep("baseline", cpu, wall)

            def both() -> tuple[Any, Any, int]:
                with CaptureQueriesContext(connection) as queries:
                    made = bulk.plan_year_contracts(unit, plan_year, user)
                    applied = bulk.apply_plan(made, user)
                return made, applied, len(queries.captured_queries)

            cpu, wall, (made, applied, query_count) = rolled_back(both)
            keep("plan_apply", cpu, wall)
            assert applied.contracts == len(made.contracts) == employees, (applied, employees)
            figures.update(
                contracts=applied.contracts,
                contract_kpis=applied.kpis,
                individual_kpis=applied.individual_kpis,
                rows_baseline=rows,
                queries=query_count,
            )
            print(f"   round {number + 1}: plan + apply {cpu:.3f} s CPU, {wall:.3f} s wall", flush=True)
    contracts = figures["contracts"]
    plan_s, _plan_wall = best["plan"]
    base_s, base_wall = best["baseline"]
    total_s, total_wall = best["plan_apply"]
    figures.update(
        employees=employees,
        populate_s=round(built, 1),
        plan_s=round(plan_s, 3),
        plan_apply_s=round(total_s, 3),
        contracts_per_s=round(contracts / total_s),
        queries_per_contract=round(figures["queries"] / contracts, 4),
        baseline_s=round(base_s, 3),
        ratio=round(total_s / base_s, 2),
        wall_plan_apply_s=round(total_wall, 3),
        wall_ratio=round(total_wall / base_wall, 2),
    )
    print(
        f"   {contracts:,} contracts, {figures['contract_kpis']:,} contract KPIs ({figures['individual_kpis']:,} "
        f"IKIs re-created): preview {plan_s:.3f} s; preview + create {total_s:.3f} s "
        f"({figures['contracts_per_s']:,} contracts/s, {figures['queries']} queries = "
        f"{figures['queries_per_contract']} per contract); plain bulk_create of the same {rows:,} rows "
        f"{base_s:.3f} s → {figures['ratio']}× — CPU time; wall-clock ratio {figures['wall_ratio']}×"
    )
    return figures


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    print(main())
    sys.exit(0)
