"""A new year's contracts for a unit and its subtree in one action (issue 12 item 10).

`plan_year_contracts(unit, plan_year, by)` reads, in a fixed number of queries whatever the unit's size, what
the action would create: a draft contract for every active employee holding a position in the subtree who has
no contract meeting the year (rule 16), with the superior who agrees it (rule 18, as
`services.default_superior` finds it) and its KPIs —

* the head of a map-owner unit: the KPIs of the unit's map for the year (source "map"), as
  `services.create_contract` gives them;
* everybody else: the individual KPIs (IKI) of their own contract of last year in the same position, carried
  over — each re-created for the new year on the objective with the same code in the new map of the same
  unit, with its manual and trajectory; last year's target becomes `target_prev` and last year's yearly
  realization (approved, consolidated under the KPI's consolidation) `realization_prev`. Cascaded KPIs are not
  carried (they are cascaded again from the superior's new contract).

Whoever has nothing to carry gets a warning (the contract is still created, empty, for the manager to fill).

`apply_plan(plan, by, progress=…)` writes everything with bulk inserts and their history rows in one
transaction, all or nothing; nobody who meanwhile got a contract for the year gets a second one. The number of
queries does not grow with the number of KPIs, and grows with the number of contracts only through the insert
batches (`BATCH` rows a statement).

Run from the page as a background task (`bulk_tasks.run_bulk_job`) with its progress on a `ContractBulkJob`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor
from kinerja.organisations.models import Assignment, AssignmentKind, Employee, Position, Unit
from kinerja.planning import validation
from kinerja.planning.kpi_services import MANUAL_FIELDS
from kinerja.planning.models import Kpi, Objective, PeriodTarget, PlanYear, StrategyMap

from .last_year import map_kpi_inputs, yearly_realizations
from .models import Contract, ContractKpi, ContractKpiSource
from .services import default_commitment, default_deadline, year_bounds

BATCH = 1000  # rows of one INSERT statement
# What an IKI carried to a new year keeps of last year's: its whole manual, the target included (attnames:
# a foreign key is copied as its id, never loaded).
KPI_COPIED_FIELDS = tuple(Kpi._meta.get_field(name).attname for name in MANUAL_FIELDS)  # type: ignore[union-attr]
Progress = Callable[[int, int], None]  # (contracts done, contracts in all)


@dataclass
class PlannedKpi:
    """A KPI of a planned contract: an existing map KPI (`kpi_id`), or last year's IKI `copy_of` re-created."""

    source: str
    code: str
    name: str
    order: int
    target: Decimal | None
    kpi_id: int | None = None
    copy_of: int | None = None  # last year's individual KPI
    objective_id: int | None = None  # the new year's objective the copy (or the new IKI) supports
    # a new individual KPI (IKI) written for this contract: its manual (`MANUAL_FIELDS`) and trajectory, as
    # `services.add_individual_kpi` takes them (the caller fills these in; the plan never does)
    manual: dict[str, Any] | None = None
    trajectory: list[Decimal] | None = None
    weight: Decimal | None = None
    kind: str = ""
    fixed_target: bool = False
    target_prev: Decimal | None = None
    realization_prev: Decimal | None = None


@dataclass
class PlannedContract:
    employee_id: int
    nip: str
    name: str
    position_id: int
    position_title: str
    unit_id: int
    unit_code: str
    superior_id: int | None
    superior_name: str
    kpis: list[PlannedKpi] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def map_kpis(self) -> int:
        return sum(1 for k in self.kpis if k.source == ContractKpiSource.MAP)

    @property
    def individual_kpis(self) -> int:
        return sum(1 for k in self.kpis if k.source == ContractKpiSource.INDIVIDUAL)


@dataclass
class Plan:
    """What `apply_plan` will create, and who is left out because they already hold a contract for the year."""

    unit_id: int
    plan_year_id: int
    year: int
    contracts: list[PlannedContract] = field(default_factory=list)
    already: int = 0  # employees of the subtree who already hold a contract meeting the year

    @property
    def kpi_count(self) -> int:
        return sum(len(c.kpis) for c in self.contracts)

    @property
    def map_kpi_count(self) -> int:
        return sum(c.map_kpis for c in self.contracts)

    @property
    def individual_kpi_count(self) -> int:
        return sum(c.individual_kpis for c in self.contracts)

    @property
    def warning_count(self) -> int:
        return sum(len(c.warnings) for c in self.contracts)


@dataclass
class Applied:
    contracts: int = 0
    kpis: int = 0
    individual_kpis: int = 0
    skipped: int = 0  # got a contract between the preview and the writing


# --------------------------------------------------------------------------- the plan


def _subtree_employees(unit: Unit) -> Any:
    return Employee.objects.filter(
        is_active=True, position__isnull=False, position__unit__path__startswith=unit.path
    )


def plan_year_contracts(unit: Unit, plan_year: PlanYear, by: Actor) -> Plan:
    """The contracts a new year's bulk creation would make for `unit`'s subtree (read only)."""
    ensure(by, "contracts.add_contract", unit)
    first, last = year_bounds(plan_year)
    plan = Plan(unit_id=unit.pk, plan_year_id=plan_year.pk, year=plan_year.year)
    subtree = _subtree_employees(unit)
    # who already holds a contract of the year is decided in the database: a ministry whose 80,000 people all
    # hold one reads none of them (it used to read every person, then drop them)
    holds = Exists(Contract.objects.filter(employee_id=OuterRef("pk"), start__lte=last, end__gte=first))
    plan.already = subtree.filter(holds).count()
    employees = list(
        subtree.filter(~holds)
        .select_related("position", "position__unit", "superior")
        .order_by("position__unit__path", "-position__is_head", "name", "pk")
    )
    if not employees:
        return plan
    superiors = _superiors(employees)
    heads = [e for e in employees if e.position.is_head and e.position.unit.owns_map]
    map_kpis = _map_kpis({e.position.unit_id for e in heads}, plan_year)
    # K3 inputs of the map KPIs: the same code on the unit's map of last year
    last_year = map_kpi_inputs(
        {(unit_id, k.code) for unit_id, found in map_kpis.items() for k in found}, plan_year.year
    )
    carried = _carried(
        [e for e in employees if not (e.position.is_head and e.position.unit.owns_map)], plan_year
    )
    for employee in employees:
        position = employee.position
        superior = superiors.get(employee.pk)
        planned = PlannedContract(
            employee_id=employee.pk,
            nip=employee.nip,
            name=employee.name,
            position_id=position.pk,
            position_title=position.title,
            unit_id=position.unit_id,
            unit_code=position.unit.code,
            superior_id=superior.pk if superior is not None else None,
            superior_name=superior.name if superior is not None else "",
        )
        if superior is None and position.superior_id is not None:
            planned.warnings.append(
                _(
                    "Atasan belum ditemukan (jabatan atasan kosong tanpa Plt./Plh.); lengkapi sebelum diajukan."
                )
            )
        if position.is_head and position.unit.owns_map:
            found = map_kpis.get(position.unit_id)
            if found is None:
                planned.warnings.append(
                    _("Unit %(unit)s belum memiliki peta strategi tahun %(year)d; kontrak dibuat tanpa IKU.")
                    % {"unit": position.unit.code, "year": plan_year.year}
                )
            else:
                planned.kpis = [
                    PlannedKpi(
                        source=ContractKpiSource.MAP,
                        code=k.code,
                        name=k.name,
                        order=i,
                        target=k.target,
                        kpi_id=k.pk,
                        target_prev=last_year.get((position.unit_id, k.code), (None, None))[0],
                        realization_prev=last_year.get((position.unit_id, k.code), (None, None))[1],
                    )
                    for i, k in enumerate(found, start=1)
                ]
        else:
            kpis, warnings = carried.get(employee.pk, ([], []))
            planned.kpis, planned.warnings = kpis, planned.warnings + warnings
        plan.contracts.append(planned)
    return plan


def _superiors(employees: list[Employee]) -> dict[int, Employee | None]:
    """`services.default_superior` for every employee at once: the direct superior, else an active holder of
    the superior post, else its acting holder (Plt./Plh.). Two queries."""
    found: dict[int, Employee | None] = {}
    wanted = {e.position.superior_id for e in employees if e.superior_id is None and e.position.superior_id}  # type: ignore[union-attr]
    holders: dict[int, list[Employee]] = defaultdict(list)
    acting: dict[int, Employee] = {}
    if wanted:
        for holder in Employee.objects.filter(position_id__in=wanted, is_active=True).order_by("name", "pk"):
            holders[holder.position_id].append(holder)  # type: ignore[index]
        for assignment in (
            Assignment.objects.filter(position_id__in=wanted, kind=AssignmentKind.ACTING, end__isnull=True)
            .select_related("employee")
            .order_by("employee", "-start", "pk")
        ):
            acting.setdefault(assignment.position_id, assignment.employee)  # type: ignore[arg-type]
    for employee in employees:
        if employee.superior_id is not None:
            found[employee.pk] = employee.superior
            continue
        post = employee.position.superior_id  # type: ignore[union-attr]
        if post is None:
            found[employee.pk] = None
            continue
        found_holder = next((h for h in holders.get(post, []) if h.pk != employee.pk), None)
        found[employee.pk] = found_holder if found_holder is not None else acting.get(post)
    return found


def _map_kpis(unit_ids: set[int], plan_year: PlanYear) -> dict[int, list[Kpi]]:
    """The map KPIs of each unit's map for the year, in the order `services.create_contract` gives them."""
    if not unit_ids:
        return {}
    maps = dict(
        StrategyMap.objects.filter(unit_id__in=unit_ids, plan_year=plan_year).values_list("pk", "unit_id")
    )
    found: dict[int, list[Kpi]] = {unit_id: [] for unit_id in maps.values()}
    for kpi in (
        Kpi.objects.filter(objective__map_id__in=list(maps))
        .select_related("objective")
        .order_by("objective__map_id", "objective__perspective__order", "objective__code", "code")
    ):
        found[maps[kpi.objective.map_id]].append(kpi)
    return found


def _carried(employees: list[Employee], plan_year: PlanYear) -> dict[int, tuple[list[PlannedKpi], list[str]]]:
    """Last year's individual KPIs of each employee's contract in the same position, planned for this year."""
    result: dict[int, tuple[list[PlannedKpi], list[str]]] = {}
    if not employees:
        return result
    nothing = _("Tidak ada IKI kontrak tahun lalu untuk dibawa; kontrak dibuat tanpa IKU.")
    previous = PlanYear.objects.filter(year=plan_year.year - 1).first()
    if previous is None:
        return {e.pk: ([], [nothing]) for e in employees}
    by_employee = {e.pk: e for e in employees}
    # the latest of last year's contracts in the current position
    old: dict[int, Contract] = {}
    for contract in Contract.objects.filter(plan_year=previous, employee_id__in=list(by_employee)).order_by(
        "employee_id", "-end", "-pk"
    ):
        if contract.position_id == by_employee[contract.employee_id].position_id:
            old.setdefault(contract.employee_id, contract)
    entries = list(
        ContractKpi.objects.filter(contract_id__in=[c.pk for c in old.values()])
        .select_related("kpi", "kpi__objective", "kpi__objective__map")
        .order_by("contract_id", "order", "pk")
    )
    individual = [e for e in entries if e.source == ContractKpiSource.INDIVIDUAL]
    realized = _yearly_realizations(individual, previous)
    objectives = {
        (unit_id, code): pk
        for pk, unit_id, code in Objective.objects.filter(
            map__plan_year=plan_year, map__unit_id__in={e.kpi.objective.map.unit_id for e in individual}
        ).values_list("pk", "map__unit_id", "code")
    }
    cascaded: dict[int, int] = defaultdict(int)
    kept: dict[int, list[ContractKpi]] = defaultdict(list)
    for entry in entries:
        if entry.source == ContractKpiSource.INDIVIDUAL:
            kept[entry.contract_id].append(entry)
        elif entry.source == ContractKpiSource.CASCADED:
            cascaded[entry.contract_id] += 1
    for employee in employees:
        last_contract = old.get(employee.pk)
        if last_contract is None:
            result[employee.pk] = ([], [nothing])
            continue
        planned: list[PlannedKpi] = []
        warnings: list[str] = []
        for entry in kept.get(last_contract.pk, []):
            kpi = entry.kpi
            objective_id = objectives.get((kpi.objective.map.unit_id, kpi.objective.code))
            if objective_id is None:
                warnings.append(
                    _("IKI %(code)s tidak dibawa: SS %(objective)s tidak ada pada peta tahun %(year)d.")
                    % {"code": kpi.code, "objective": kpi.objective.code, "year": plan_year.year}
                )
                continue
            planned.append(
                PlannedKpi(
                    source=ContractKpiSource.INDIVIDUAL,
                    code=kpi.code,
                    name=kpi.name,
                    order=len(planned) + 1,
                    target=kpi.target,
                    copy_of=kpi.pk,
                    objective_id=objective_id,
                    weight=entry.weight,
                    kind=entry.kind,
                    fixed_target=entry.fixed_target,
                    target_prev=entry.target if entry.target is not None else kpi.target,
                    realization_prev=realized.get(kpi.pk),
                )
            )
        if cascaded.get(last_contract.pk):
            warnings.append(
                _(
                    "%(count)d IKU turunan tahun lalu tidak dibawa; turunkan kembali dari kontrak atasan tahun ini."
                )
                % {"count": cascaded[last_contract.pk]}
            )
        if not planned and not cascaded.get(last_contract.pk):
            warnings.append(nothing)
        result[employee.pk] = (planned, warnings)
    return result


def _yearly_realizations(entries: list[ContractKpi], previous: PlanYear) -> dict[int, Decimal]:
    """Last year's yearly realization of each entry's KPI (`last_year.yearly_realizations`). One query."""
    return yearly_realizations([e.kpi for e in entries], previous)


# --------------------------------------------------------------------------- writing it


def apply_plan(plan: Plan, by: Actor, progress: Progress | None = None) -> Applied:
    """Create the planned contracts and their KPIs, all in one transaction (all or nothing).

    Employees who got a contract meeting the year since the plan was made are left out (`skipped`).
    """
    unit = Unit.objects.get(pk=plan.unit_id)
    ensure(by, "contracts.add_contract", unit)
    plan_year = PlanYear.objects.get(pk=plan.plan_year_id)
    first, last = year_bounds(plan_year)
    applied = Applied()
    total = len(plan.contracts)
    if progress is not None:
        progress(0, total)
    if not plan.contracts:
        return applied
    ids = [c.employee_id for c in plan.contracts]
    with transaction.atomic():
        # two bulk creations (or a bulk creation and a single one) never race: the holders are locked
        list(Employee.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk"))
        holding = set(
            Contract.objects.filter(employee_id__in=ids, start__lte=last, end__gte=first).values_list(
                "employee_id", flat=True
            )
        )
        planned = [c for c in plan.contracts if c.employee_id not in holding]
        applied.skipped = total - len(planned)
        positions = {p.pk: p for p in Position.objects.filter(pk__in={c.position_id for c in planned})}
        deadline = default_deadline(plan_year)
        contracts = [
            Contract(
                employee_id=c.employee_id,
                position_id=c.position_id,
                unit_id=c.unit_id,
                plan_year=plan_year,
                superior_id=c.superior_id,
                start=first,
                end=last,
                commitment=default_commitment(Employee(name=c.name), positions[c.position_id], plan_year),
                deadline=deadline,
            )
            for c in planned
        ]
        created: list[Contract] = []
        for start in range(0, len(contracts), BATCH):
            created += bulk_create_with_history(contracts[start : start + BATCH], Contract, default_user=by)
            if progress is not None:
                progress(applied.skipped + len(created) - 1, total)  # the KPIs still to come
        new_kpis = _individual_kpis(planned, by)
        fresh = _new_individual_kpis(planned, plan_year, by)
        rows: list[ContractKpi] = []
        for contract, c in zip(created, planned, strict=True):
            for k in c.kpis:
                kpi_id: int | None
                if k.manual is not None:
                    kpi_id = fresh[(c.position_id, k.objective_id, k.code)]
                else:
                    kpi_id = k.kpi_id if k.copy_of is None else new_kpis[(c.position_id, k.copy_of)]
                rows.append(
                    ContractKpi(
                        contract_id=contract.pk,
                        kpi_id=kpi_id,  # type: ignore[misc]
                        source=k.source,
                        order=k.order,
                        weight=k.weight,
                        target=k.target,
                        kind=k.kind or ContractKpi._meta.get_field("kind").default,
                        fixed_target=k.fixed_target,
                        target_prev=k.target_prev,
                        realization_prev=k.realization_prev,
                    )
                )
        bulk_create_with_history(rows, ContractKpi, batch_size=BATCH, default_user=by)
        applied.contracts = len(created)
        applied.kpis = len(rows)
        applied.individual_kpis = len(new_kpis)
    if progress is not None:
        progress(total, total)
    return applied


def _individual_kpis(planned: Iterable[PlannedContract], by: Actor) -> dict[tuple[int, int], int]:
    """Re-create last year's individual KPIs for the new year with their manual and trajectory; returns
    {(position, last year's KPI): new KPI}. An IKI of the same code already there for the holder is reused."""
    wanted = {(c.position_id, k.copy_of, k.objective_id) for c in planned for k in c.kpis if k.copy_of}
    if not wanted:
        return {}
    old = {k.pk: k for k in Kpi.all_kpis.filter(pk__in={w[1] for w in wanted})}
    positions = {w[0] for w in wanted}
    objectives = {w[2] for w in wanted}
    existing = {
        (holder, objective, code): pk
        for pk, holder, objective, code in Kpi.all_kpis.filter(
            holder_id__in=positions,
            objective_id__in=objectives,  # type: ignore[misc]
        ).values_list("pk", "holder_id", "objective_id", "code")
    }
    trajectories: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for kpi_id, period, target in (
        PeriodTarget.objects.filter(kpi_id__in=list(old))
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "period", "target")
    ):
        trajectories[kpi_id].append((period, target))
    trajectory_of: list[int] = []  # last year's KPI of each new one, for its trajectory
    result: dict[tuple[int, int], int] = {}
    fresh: list[Kpi] = []
    index: dict[tuple[int, int | None, str], int] = {}  # (holder, objective, code) → position in `fresh`
    pending: dict[tuple[int, int], int] = {}
    for position_id, old_id, objective_id in sorted(wanted, key=lambda w: (w[0], w[1], w[2] or 0)):
        source = old[old_id]
        key = (position_id, objective_id, source.code)
        reuse = existing.get(key)  # type: ignore[arg-type]
        if reuse is not None:
            result[(position_id, old_id)] = reuse
            continue
        if key not in index:
            copy = Kpi(
                objective_id=objective_id,  # type: ignore[misc]
                holder_id=position_id,
                code=source.code,
                **{name: getattr(source, name) for name in KPI_COPIED_FIELDS},
            )
            index[key] = len(fresh)
            fresh.append(copy)
            trajectory_of.append(old_id)
        pending[(position_id, old_id)] = index[key]
    created = bulk_create_with_history(fresh, Kpi, batch_size=BATCH, default_user=by)
    for key2, at in pending.items():
        result[key2] = created[at].pk
    targets = [
        PeriodTarget(kpi_id=kpi.pk, period=period, target=target)
        for kpi, old_id in zip(created, trajectory_of, strict=True)
        for period, target in trajectories.get(old_id, [])
    ]
    bulk_create_with_history(targets, PeriodTarget, batch_size=BATCH, default_user=by)
    return result


def _new_individual_kpis(
    planned: Iterable[PlannedContract], plan_year: PlanYear, by: Actor
) -> dict[tuple[int, int | None, str], int]:
    """Create the new IKIs of the plan (`PlannedKpi.manual`) with their trajectories; returns {(position,
    objective, code): KPI}. Each is checked as `services.add_individual_kpi` checks one (`full_clean`, a code
    free for the position, rules 9, 11 and 12 through `validation.check_kpi`): the first block refuses the
    whole plan, naming the employee. Bulk inserts, with their history rows."""
    wanted = [(c, k) for c in planned for k in c.kpis if k.manual is not None]
    if not wanted:
        return {}
    taken: set[tuple[int, int | None, str]] = set(
        Kpi.all_kpis.filter(
            holder_id__in={c.position_id for c, _k in wanted},
            objective_id__in={k.objective_id for _c, k in wanted},
        ).values_list("holder_id", "objective_id", "code")
    )
    fresh: list[Kpi] = []
    targets: list[list[Decimal]] = []
    for c, k in wanted:
        key = (c.position_id, k.objective_id, k.code)
        if key in taken:
            raise ValidationError(
                _("%(name)s: kode IKI %(code)s sudah dipakai pemegang jabatan ini.")
                % {"name": c.name, "code": k.code},
                code="duplicate_code",
            )
        taken.add(key)
        kpi = Kpi(objective_id=k.objective_id, holder_id=c.position_id, code=k.code, **(k.manual or {}))  # type: ignore[misc]
        kpi.full_clean(exclude=["objective", "holder"], validate_unique=False, validate_constraints=False)
        values = list(k.trajectory or [])
        periods = [PeriodTarget(kpi=kpi, period=i + 1, target=v) for i, v in enumerate(values)]
        blocks = [f for f in validation.check_kpi(kpi, periods, plan_year.rule_set) if f.blocks]
        if blocks:
            raise ValidationError(
                _("%(name)s, IKI %(code)s: %(problem)s")
                % {"name": c.name, "code": k.code, "problem": blocks[0].message},
                code="iki_invalid",
            )
        fresh.append(kpi)
        targets.append(values)
    created = bulk_create_with_history(fresh, Kpi, batch_size=BATCH, default_user=by)
    rows = [
        PeriodTarget(kpi_id=kpi.pk, period=i + 1, target=v)
        for kpi, values in zip(created, targets, strict=True)
        for i, v in enumerate(values)
    ]
    bulk_create_with_history(rows, PeriodTarget, batch_size=BATCH, default_user=by)
    return {(kpi.holder_id, kpi.objective_id, kpi.code): kpi.pk for kpi in created}


__all__ = ["Applied", "Plan", "PlannedContract", "PlannedKpi", "apply_plan", "plan_year_contracts"]
