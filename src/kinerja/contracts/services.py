"""Writes of contracts, contract KPIs and cascades (domain.md rules 5, 6, 10, 13–20), each in one transaction.

Every write checks the permission layer (`accounts/rules.py`) and the contract's workflow gate: a contract
changes only while it is a draft; a signed one only through `revise` (a recorded revision with a reason,
rule 19). Pages, the API and the workbook import all call these functions, so the rules hold for all three.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import HISTORY_REASON_MAX, Actor, author, recorded
from kinerja.common.workflow import locked
from kinerja.organisations.models import Assignment, AssignmentKind, Employee, Position
from kinerja.planning import validation
from kinerja.planning.kpi_services import MANUAL_FIELDS
from kinerja.planning.models import Kpi, Objective, PeriodTarget, PlanYear, StrategyMap

from .last_year import map_kpi_inputs
from .models import (
    DIRECT_MODES,
    Cascade,
    CascadeLink,
    CascadeMode,
    Contract,
    ContractEvent,
    ContractKind,
    ContractKpi,
    ContractKpiSource,
    ContractState,
)
from .notices import contract_stepped
from .workflow import CONTRACT_WORKFLOW

_MICRO = Decimal("0.000001")
# The fields of a contract KPI a form, the API or an import may set.
CONTRACT_KPI_FIELDS = ("weight", "target", "kind", "fixed_target", "target_prev", "realization_prev", "order")
# What a direct-full child keeps from its parent (rule 14): the whole manual and the target.
LOCKED_BY_DIRECT_FULL = frozenset(MANUAL_FIELDS) - {
    "weight",
    "owner_position",
    "owner_text",
    "evidence_required",
}


def year_bounds(plan_year: PlanYear) -> tuple[dt.date, dt.date]:
    return dt.date(plan_year.year, 1, 1), dt.date(plan_year.year, 12, 31)


def default_deadline(plan_year: PlanYear) -> dt.date:
    """Contracts are signed in January (domain.md §1 step 3): the end of January of the plan year."""
    return dt.date(plan_year.year, 1, 31)


def default_superior(employee: Employee, position: Position | None = None) -> Employee | None:
    """Who agrees the contract (rule 18): the direct superior, else whoever holds the superior post, an acting
    holder (Plt./Plh.) included when the post has no definitive holder."""
    if employee.superior_id is not None and (position is None or position == employee.position):
        return employee.superior
    position = position or employee.position
    if position is None or position.superior_id is None:
        return None
    holder = (
        Employee.objects.filter(position_id=position.superior_id, is_active=True)
        .exclude(pk=employee.pk)
        .first()
    )
    if holder is not None:
        return holder
    acting = (
        Assignment.objects.filter(
            position_id=position.superior_id, kind=AssignmentKind.ACTING, end__isnull=True
        )
        .select_related("employee")
        .first()
    )
    return acting.employee if acting is not None else None


def ensure_contract_editable(contract: Contract, by: Actor) -> None:
    CONTRACT_WORKFLOW.ensure(contract, "change", by)


def contracts_holding(kpi_ids: Iterable[int]) -> list[Contract]:
    """The contracts (not ended) that hold these KPIs: what a cascade write changes."""
    return list(
        Contract.objects.filter(kpis__kpi_id__in=list(kpi_ids))
        .exclude(state=ContractState.ENDED)
        .select_related("employee", "plan_year")
        .distinct()
    )


def ensure_holding_contracts_editable(kpi_ids: Iterable[int], by: Actor) -> None:
    """A write to a cascade changes the contracts holding its KPIs: refused (the workflow's message) unless each
    is a draft — a signed contract changes only through a revision (rule 19)."""
    for contract in contracts_holding(kpi_ids):
        problem = CONTRACT_WORKFLOW.problem(contract, "change", by)
        if problem:
            raise ValidationError(problem, code="contract_read_only")


def update_contract(*, contract: Contract, commitment: str, by: Actor) -> Contract:
    """The commitment statement of a draft contract (the workflow's 'change' gate: rule 19)."""
    ensure_contract_editable(contract, by)
    commitment = commitment.strip()
    if not commitment:
        raise ValidationError(
            {"commitment": _("Pernyataan kesanggupan wajib diisi.")}, code="commitment_required"
        )
    with transaction.atomic():
        current = locked(contract)
        ensure_contract_editable(current, by)
        current.commitment = commitment
        recorded(current, by).save(update_fields=["commitment", "updated_at"])
    contract.commitment = current.commitment
    return current


def _ensure_may_add(employee: Employee, by: Actor) -> None:
    if by is not None and getattr(by, "employee_id", None) == employee.pk:
        return
    ensure(by, "contracts.add_contract", employee.unit)


def overlapping(
    employee: Employee, start: dt.date, end: dt.date, *, exclude: Iterable[int] = ()
) -> list[Contract]:
    """The holder's contracts whose dates meet [start, end] (rule 16: never two at once)."""
    return list(
        Contract.objects.filter(employee=employee, start__lte=end, end__gte=start).exclude(
            pk__in=list(exclude)
        )
    )


def _refuse_overlap(employee: Employee, start: dt.date, end: dt.date, *, exclude: Iterable[int] = ()) -> None:
    found = overlapping(employee, start, end, exclude=exclude)
    if found:
        other = found[0]
        raise ValidationError(
            _(
                "%(name)s sudah memiliki kontrak yang berlaku %(start)s–%(end)s; kontrak seorang pegawai tidak boleh "
                "tumpang tindih (aturan 16)."
            )
            % {"name": employee.name, "start": other.start.isoformat(), "end": other.end.isoformat()},
            code="contract_overlap",
        )


def create_contract(
    *,
    employee: Employee,
    plan_year: PlanYear,
    by: Actor,
    position: Position | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    superior: Employee | None = None,
    commitment: str = "",
    deadline: dt.date | None = None,
    with_map_kpis: bool = True,
) -> Contract:
    """A draft contract for `employee` (default: the whole plan year in the current position).

    A map owner's head gets the KPIs of the unit's map for the year (source "map"). Refused when the dates
    leave the year, or another contract of the holder meets them (rule 16).
    """
    _ensure_may_add(employee, by)
    position = position or employee.position
    if position is None:
        raise ValidationError(
            _("%(name)s belum memiliki jabatan; kontrak kinerja dibuat untuk sebuah jabatan.")
            % {"name": employee.name},
            code="no_position",
        )
    first, last = year_bounds(plan_year)
    start, end = start or first, end or last
    if not (first <= start <= end <= last):
        raise ValidationError(
            _(
                "Masa kontrak harus berada dalam tahun %(year)d dan tanggal selesai tidak sebelum tanggal mulai."
            )
            % {"year": plan_year.year},
            code="contract_dates",
        )
    contract = Contract(
        employee=employee,
        position=position,
        unit_id=position.unit_id,
        plan_year=plan_year,
        superior=superior if superior is not None else default_superior(employee, position),
        start=start,
        end=end,
        commitment=commitment or default_commitment(employee, position, plan_year),
        deadline=deadline or default_deadline(plan_year),
    )
    with transaction.atomic():
        Employee.objects.select_for_update().filter(pk=employee.pk).first()  # two creations never race
        _refuse_overlap(employee, start, end)
        recorded(contract, by).save()
        if with_map_kpis:
            _add_map_kpis(contract, by)
    return contract


def default_commitment(employee: Employee, position: Position, plan_year: PlanYear) -> str:
    return _(
        "Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan, dan akuntabel serta berorientasi "
        "pada hasil, saya, %(name)s, %(position)s, berjanji akan mewujudkan target kinerja tahun %(year)d sesuai "
        "lampiran kontrak ini dalam rangka mencapai target kinerja jangka menengah seperti yang telah ditetapkan "
        "dalam dokumen perencanaan. Keberhasilan dan kegagalan pencapaian target kinerja tersebut menjadi tanggung "
        "jawab saya."
    ) % {"name": employee.name, "position": position.title, "year": plan_year.year}


def holder_map(contract: Contract) -> StrategyMap | None:
    """The strategy map a contract carries (rule 18): the head of a map-owner unit's own map for the year."""
    if not (contract.position.is_head and contract.unit.owns_map):
        return None
    return StrategyMap.objects.filter(unit_id=contract.unit_id, plan_year_id=contract.plan_year_id).first()


def _add_map_kpis(contract: Contract, by: Actor) -> list[ContractKpi]:
    strategy_map = holder_map(contract)
    if strategy_map is None:
        return []
    have = set(contract.kpis.values_list("kpi_id", flat=True))
    kpis = [
        k
        for k in Kpi.objects.filter(objective__map=strategy_map).order_by(
            "objective__perspective__order", "objective__code", "code"
        )
        if k.pk not in have
    ]
    # K3 inputs (scoring.md §7.2): last year's target and realization of the same code on the unit's map
    last_year = map_kpi_inputs({(strategy_map.unit_id, k.code) for k in kpis}, contract.plan_year.year)
    rows = []
    for i, k in enumerate(kpis, start=len(have)):
        target_prev, realization_prev = last_year.get((strategy_map.unit_id, k.code), (None, None))
        rows.append(
            ContractKpi(
                contract=contract,
                kpi=k,
                source=ContractKpiSource.MAP,
                order=i + 1,
                target=k.target,
                target_prev=target_prev,
                realization_prev=realization_prev,
            )
        )
    return bulk_create_with_history(rows, ContractKpi, default_user=by)


def _next_order(contract: Contract) -> int:
    last = contract.kpis.order_by("-order").values_list("order", flat=True).first()
    return (last or 0) + 1


def add_map_kpi(*, contract: Contract, kpi: Kpi, by: Actor, weight: Decimal | None = None) -> ContractKpi:
    """A KPI of the holder's own map (map owners)."""
    ensure_contract_editable(contract, by)
    strategy_map = holder_map(contract)
    if strategy_map is None or kpi.holder_id is not None or kpi.objective.map_id != strategy_map.pk:
        raise ValidationError(
            _("IKU %(code)s bukan IKU peta strategi unit pemegang kontrak tahun ini.") % {"code": kpi.code},
            code="not_holder_map_kpi",
        )
    target_prev, realization_prev = map_kpi_inputs(
        [(strategy_map.unit_id, kpi.code)], contract.plan_year.year
    ).get((strategy_map.unit_id, kpi.code), (None, None))
    entry = ContractKpi(
        contract=contract,
        kpi=kpi,
        source=ContractKpiSource.MAP,
        weight=weight,
        target=kpi.target,
        order=_next_order(contract),
        target_prev=target_prev,
        realization_prev=realization_prev,
    )
    _save_entry(entry, by)
    return entry


def _save_entry(entry: ContractKpi, by: Actor) -> None:
    entry.full_clean(exclude=["contract", "kpi"], validate_unique=False, validate_constraints=False)
    if (
        ContractKpi.objects.filter(contract_id=entry.contract_id, kpi_id=entry.kpi_id)
        .exclude(pk=entry.pk)
        .exists()
    ):
        raise ValidationError(
            _("IKU %(code)s sudah ada dalam kontrak ini.") % {"code": entry.kpi.code},
            code="duplicate_contract_kpi",
        )
    with transaction.atomic():
        recorded(entry, by).save()


def _periods(kpi: Kpi, values: Sequence[Decimal]) -> list[PeriodTarget]:
    return [PeriodTarget(kpi=kpi, period=i + 1, target=v) for i, v in enumerate(values)]


def _save_individual_kpi(
    kpi: Kpi, trajectory: Sequence[Decimal] | None, rule_set: str | None, by: Actor
) -> Kpi:
    """Validate (rules 9, 11, 12, as for a map KPI) and save an individual KPI with its trajectory."""
    kpi.full_clean(exclude=["objective", "holder"], validate_unique=False, validate_constraints=False)
    duplicate = (
        Kpi.all_kpis.filter(objective_id=kpi.objective_id, holder_id=kpi.holder_id, code=kpi.code)
        .exclude(pk=kpi.pk)
        .exists()
    )
    if duplicate:
        raise ValidationError(
            _("Kode IKI %(code)s sudah dipakai pemegang jabatan ini.") % {"code": kpi.code},
            code="duplicate_code",
        )
    if trajectory is None:
        if kpi.period_count == 1 and kpi.target is not None:
            values: list[Decimal] = [kpi.target]
        elif kpi.pk is not None:
            values = list(kpi.period_targets.order_by("period").values_list("target", flat=True))
        else:
            values = []
    else:
        values = list(trajectory)
    periods = _periods(kpi, values)
    validation.raise_blocking([f for f in validation.check_kpi(kpi, periods, rule_set) if f.blocks])
    with transaction.atomic():
        recorded(kpi, by).save()
        PeriodTarget.objects.filter(kpi=kpi).delete()
        bulk_create_with_history(periods, PeriodTarget, default_user=by)
    return kpi


def add_individual_kpi(
    *,
    contract: Contract,
    objective: Objective,
    code: str,
    fields: Mapping[str, Any],
    trajectory: Sequence[Decimal] | None,
    by: Actor,
    entry_fields: Mapping[str, Any] | None = None,
) -> ContractKpi:
    """The holder's own individual KPI (IKI) with its own manual, supporting `objective`."""
    ensure_contract_editable(contract, by)
    _refuse_unknown(fields, MANUAL_FIELDS)
    kpi = Kpi(objective=objective, holder=contract.position, code=code.strip(), **dict(fields))
    with transaction.atomic():
        _save_individual_kpi(kpi, trajectory, contract.plan_year.rule_set, by)
        return _hold(contract, kpi, ContractKpiSource.INDIVIDUAL, entry_fields, by)


def _hold(
    contract: Contract, kpi: Kpi, source: str, entry_fields: Mapping[str, Any] | None, by: Actor
) -> ContractKpi:
    """The contract takes `kpi` (just saved) as its next KPI, with its target and the entry fields given."""
    entry = ContractKpi(
        contract=contract, kpi=kpi, source=source, target=kpi.target, order=_next_order(contract)
    )
    _set_entry_fields(entry, entry_fields or {})
    _save_entry(entry, by)
    return entry


def _refuse_unknown(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")


def _set_entry_fields(entry: ContractKpi, fields: Mapping[str, Any]) -> None:
    _refuse_unknown(fields, CONTRACT_KPI_FIELDS)
    for name, value in fields.items():
        setattr(entry, name, value)


def update_contract_kpi(*, entry: ContractKpi, fields: Mapping[str, Any], by: Actor) -> ContractKpi:
    """Weight, order and K3 inputs of a contract KPI, while the contract is a draft.

    The year target is not set here: a map KPI's is the map's, a direct-full child's is its parent's, a
    direct-shared child's is its share (`set_share`), and an individual KPI's goes with its trajectory
    (`update_individual_kpi`, rule 12). A `target` equal to the current one is accepted and ignored.
    """
    ensure_contract_editable(entry.contract, by)
    fields = dict(fields)
    if "target" in fields:
        target = fields.pop("target")
        if target != entry.target:
            raise ValidationError({"target": _target_elsewhere(entry)}, code="target_not_here")
    _set_entry_fields(entry, fields)
    _save_entry(entry, by)
    return entry


def _target_elsewhere(entry: ContractKpi) -> str:
    kpi = entry.kpi
    if kpi.holder_id is None:
        return _("Target IKU %(code)s mengikuti peta strategi dan diubah melalui peta.") % {"code": kpi.code}
    if _is_direct_full_child(kpi):
        return _direct_full_message(kpi)
    if CascadeLink.objects.filter(child=kpi, cascade__mode=CascadeMode.DIRECT_SHARED).exists():
        return _("Target IKU %(code)s adalah porsinya dari IKU induk; ubah porsinya.") % {"code": kpi.code}
    return _("Target IKI %(code)s diubah bersama target per periodenya pada manual IKI.") % {"code": kpi.code}


def update_individual_kpi(
    *, entry: ContractKpi, fields: Mapping[str, Any], trajectory: Sequence[Decimal] | None, by: Actor
) -> Kpi:
    """The manual, target and trajectory of an individual or cascaded KPI held by a draft contract.

    A direct-full child keeps its parent's manual and target (rule 14): changing them is refused.
    """
    ensure_contract_editable(entry.contract, by)
    kpi = entry.kpi
    if kpi.holder_id is None:
        raise ValidationError(
            _("IKU peta strategi diubah melalui peta strateginya."), code="map_kpi_not_here"
        )
    _refuse_unknown(fields, MANUAL_FIELDS)
    direct_full_guard(kpi, fields, trajectory)
    for name, value in fields.items():
        setattr(kpi, name, value)
    with transaction.atomic():
        _save_individual_kpi(kpi, trajectory, entry.contract.plan_year.rule_set, by)
        if "target" in fields:
            entry.target = kpi.target
            recorded(entry, by).save(update_fields=["target"])
    return kpi


def direct_full_guard(kpi: Kpi, fields: Mapping[str, Any], trajectory: Sequence[Decimal] | None) -> None:
    """Rule 14 for KPIs edited in planning (a lower map's KPI linked as a direct-full child): its manual and
    target stay the parent's. Registered with `planning.kpi_services.register_kpi_guard` at start-up."""
    if not _is_direct_full_child(kpi):
        return
    changed = [
        name for name in fields if name in LOCKED_BY_DIRECT_FULL and getattr(kpi, name) != fields[name]
    ]
    if changed or (trajectory is not None and list(trajectory) != _trajectory(kpi)):
        raise ValidationError(_direct_full_message(kpi), code="direct_full_locked")


def _trajectory(kpi: Kpi) -> list[Decimal]:
    return list(kpi.period_targets.order_by("period").values_list("target", flat=True))


def _is_direct_full_child(kpi: Kpi) -> bool:
    return CascadeLink.objects.filter(child=kpi, cascade__mode=CascadeMode.DIRECT_FULL).exists()


def _direct_full_message(kpi: Kpi) -> str:
    return _(
        "IKU %(code)s diturunkan langsung penuh: manual dan targetnya mengikuti IKU induk dan tidak dapat diubah "
        "di sini (aturan 14)."
    ) % {"code": kpi.code}


def remove_contract_kpi(*, entry: ContractKpi, by: Actor) -> None:
    """Take a KPI out of a draft contract; an individual or cascaded KPI goes with it unless it has realizations."""
    ensure_contract_editable(entry.contract, by)
    kpi = entry.kpi
    with transaction.atomic():
        recorded(entry, by).delete()
        if kpi.holder_id is not None and not kpi.contract_entries.exists() and not kpi.realizations.exists():
            if hasattr(kpi, "cascade"):
                raise ValidationError(
                    _("IKU %(code)s masih diturunkan ke bawahan; hapus turunannya lebih dahulu.")
                    % {"code": kpi.code},
                    code="kpi_has_children",
                )
            CascadeLink.objects.filter(child=kpi).delete()
            recorded(kpi, by).delete()


# --------------------------------------------------------------------------- cascading (rule 14)


def _ancestors(kpi: Kpi) -> list[int]:
    """The chain of parent KPI ids above `kpi` (nearest first)."""
    chain: list[int] = []
    current: int | None = kpi.pk
    while current is not None:
        parent = (
            CascadeLink.objects.filter(child_id=current).values_list("cascade__parent_id", flat=True).first()
        )
        if parent is None or parent in chain:
            break
        chain.append(parent)
        current = parent
    return chain


def _kpi_unit_path(kpi: Kpi) -> str:
    if kpi.holder is not None:
        return str(kpi.holder.unit.path)
    return str(kpi.objective.map.unit.path)


def check_cascade(parent: Kpi, child_position: Position, *, child: Kpi | None = None) -> None:
    """Rule 14 (block): a cascade goes down one branch to a lower scorecard, never in a cycle."""
    parent_path = _kpi_unit_path(parent)
    child_unit_path = child_position.unit.path
    same_holder = parent.holder_id is not None and parent.holder_id == child_position.pk
    lower = child_unit_path.startswith(parent_path) and (
        len(child_unit_path) > len(parent_path)
        or (parent.holder_id is None and not child_position.is_head)
        or (parent.holder_id is not None and _below(child_position, parent.holder))
    )
    if same_holder or not lower:
        raise ValidationError(
            _(
                "IKU %(code)s hanya dapat diturunkan ke jabatan di bawahnya pada cabang organisasi yang sama "
                "(aturan 14)."
            )
            % {"code": parent.code},
            code="cascade_outside_branch",
        )
    if child is not None and (child.pk == parent.pk or child.pk in _ancestors(parent)):
        raise ValidationError(
            _("Cascading IKU %(code)s membentuk siklus (aturan 14).") % {"code": parent.code},
            code="cascade_cycle",
        )


def _below(position: Position, superior: Position | None) -> bool:
    """Is `superior` on `position`'s line of command above it?"""
    if superior is None:
        return False
    seen: set[int] = set()
    current = position.superior
    while current is not None and current.pk not in seen:
        if current.pk == superior.pk:
            return True
        seen.add(current.pk)
        current = current.superior
    return False


def set_cascade_mode(*, parent: Kpi, mode: str, by: Actor, aggregation: str | None = None) -> Cascade:
    """Declare how `parent` goes down. Non-cascading KPIs have no children (rule 14); a direct mode makes the
    parent's realization derived (rolled up, rule 20)."""
    _ensure_cascades(parent, by)
    cascade = Cascade.objects.filter(parent=parent).first() or Cascade(parent=parent)
    if cascade.pk is not None and cascade.mode != mode and cascade.links.exists():
        raise ValidationError(
            _("Jenis cascading IKU %(code)s tidak dapat diubah selama masih ada turunannya.")
            % {"code": parent.code},
            code="cascade_has_children",
        )
    if cascade.pk is not None and (
        cascade.mode != mode or (aggregation and aggregation != cascade.aggregation)
    ):
        # declaring how a KPI goes down the first time leaves its contract as signed; changing it is a revision
        ensure_holding_contracts_editable([parent.pk], by)
    cascade.mode = mode
    if aggregation:
        cascade.aggregation = aggregation
    elif cascade.pk is None:
        cascade.aggregation = _default_aggregation(parent)
    cascade.full_clean(exclude=["parent"], validate_unique=False)
    with transaction.atomic():
        recorded(cascade, by).save()
        _mark_rolled_up(parent, mode in DIRECT_MODES, by)
    return cascade


def _default_aggregation(parent: Kpi) -> str:
    return "sum" if parent.consolidation == "sum" else "average"


def _mark_rolled_up(kpi: Kpi, rolled_up: bool, by: Actor) -> None:
    if kpi.rolled_up != rolled_up:
        kpi.rolled_up = rolled_up
        recorded(kpi, by).save(update_fields=["rolled_up"])


def _ensure_cascades(parent: Kpi, by: Actor) -> None:
    ensure(by, "contracts.manage_cascade", parent)


def cascade_to(
    *,
    parent: Kpi,
    contract: Contract,
    mode: str,
    by: Actor,
    share: Decimal | None = None,
    code: str | None = None,
    fields: Mapping[str, Any] | None = None,
    trajectory: Sequence[Decimal] | None = None,
    entry_fields: Mapping[str, Any] | None = None,
) -> ContractKpi:
    """Hand `parent` down to the holder of `contract` (a KPI cascaded from the superior's contract).

    direct full: the child is the same KPI with the same manual and target; direct shared: the same KPI with
    `share` of the target (the trajectory scaled by the share); indirect: a different KPI (`code`, `fields`,
    `trajectory`) that supports the parent. The parent's cascade mode is set or must match.

    The parent's side decides (`contracts.manage_cascade`: the KPI's performance manager or its holder, e.g.
    the superior handing a KPI to the team); the child's contract must be a draft.
    """
    _ensure_cascades(parent, by)
    problem = CONTRACT_WORKFLOW.problem(contract, "change", by)
    if problem:
        raise ValidationError(problem, code="contract_read_only")
    if mode == CascadeMode.NONE:
        raise ValidationError(
            _("IKU %(code)s ditandai tidak diturunkan dan tidak boleh memiliki turunan (aturan 14).")
            % {"code": parent.code},
            code="non_cascading_child",
        )
    check_cascade(parent, contract.position)
    existing = Cascade.objects.filter(parent=parent).first()
    if existing is not None and existing.mode != mode:
        raise ValidationError(
            _("IKU %(code)s sudah diturunkan secara %(mode)s.")
            % {"code": parent.code, "mode": existing.get_mode_display()},
            code="cascade_mode_mismatch",
        )
    if Kpi.all_kpis.filter(cascaded_from__cascade__parent=parent, holder=contract.position).exists():
        raise ValidationError(
            _("IKU %(code)s sudah diturunkan ke jabatan ini.") % {"code": parent.code},
            code="already_cascaded",
        )
    manual = {name: getattr(parent, name) for name in MANUAL_FIELDS}
    manual["owner_position"], manual["owner_text"], manual["weight"] = contract.position, "", None
    parent_trajectory = _trajectory(parent)
    if mode == CascadeMode.DIRECT_FULL:
        child_trajectory: Sequence[Decimal] | None = parent_trajectory
        child_code = parent.code
    elif mode == CascadeMode.DIRECT_SHARED:
        if share is None:
            raise ValidationError(
                _("Porsi target wajib diisi untuk cascading berbagi target."), code="share_required"
            )
        manual["target"] = share
        child_trajectory = _scaled(parent_trajectory, parent.target, share, parent.consolidation)
        child_code = parent.code
    else:
        if not code or not fields:
            raise ValidationError(
                _("IKU turunan tidak langsung memerlukan kode dan manual sendiri."),
                code="indirect_needs_manual",
            )
        _refuse_unknown(fields, MANUAL_FIELDS)
        manual = {**dict(fields), "owner_position": contract.position}
        child_trajectory, child_code = trajectory, code
    with transaction.atomic():
        cascade = existing or set_cascade_mode(parent=parent, mode=mode, by=by)
        kpi = Kpi(
            objective_id=parent.objective_id, holder=contract.position, code=child_code.strip(), **manual
        )
        _save_individual_kpi(kpi, child_trajectory, contract.plan_year.rule_set, by)
        link = CascadeLink(
            cascade=cascade, child=kpi, share=share if mode == CascadeMode.DIRECT_SHARED else None
        )
        recorded(link, by).save()
        return _hold(contract, kpi, ContractKpiSource.CASCADED, entry_fields, by)


def _scaled(
    values: Sequence[Decimal], whole: Decimal | None, share: Decimal, consolidation: str
) -> list[Decimal] | None:
    """The parent's trajectory scaled to `share`, the last period set so the trajectory consolidates exactly to
    the share under the KPI's consolidation (rule 12)."""
    if not values or whole is None or whole == 0:
        return None
    factor = share / whole
    scaled = [(v * factor).quantize(_MICRO) for v in values]
    rest = sum(scaled[:-1], Decimal(0))
    if consolidation == "sum":
        scaled[-1] = share - rest
    elif consolidation == "average":
        scaled[-1] = share * len(scaled) - rest
    else:
        scaled[-1] = share
    return scaled


def set_share(*, link: CascadeLink, share: Decimal, by: Actor) -> CascadeLink:
    """A direct-shared child's share of the parent's target; the child's target and trajectory follow.

    The share is the cascade's (its KPI's performance manager or holder), and the child's contract must be a draft.
    """
    _ensure_cascades(link.cascade.parent, by)
    ensure_holding_contracts_editable([link.child_id], by)
    if link.cascade.mode != CascadeMode.DIRECT_SHARED:
        raise ValidationError(_("Hanya cascading berbagi target yang memiliki porsi."), code="not_shared")
    parent = link.cascade.parent
    child = link.child
    with transaction.atomic():
        link.share = share
        link.full_clean(exclude=["cascade", "child"], validate_unique=False)
        recorded(link, by).save(update_fields=["share"])
        child.target = share
        _save_individual_kpi(
            child, _scaled(_trajectory(parent), parent.target, share, parent.consolidation), None, by
        )
        ContractKpi.objects.filter(kpi=child, contract__state=ContractState.DRAFT).update(target=share)
    return link


def link_child(*, parent: Kpi, child: Kpi, mode: str, by: Actor, share: Decimal | None = None) -> CascadeLink:
    """Join an existing KPI of a lower scorecard (e.g. a lower map owner's IKU) under `parent` (rule 14)."""
    position: Position | None = child.holder
    if position is None:
        position = Position.objects.filter(unit_id=child.objective.map.unit_id, is_head=True).first()
        if position is None:
            raise ValidationError(
                _("Unit IKU %(code)s belum memiliki jabatan kepala.") % {"code": child.code}, code="no_head"
            )
    check_cascade(parent, position, child=child)
    if CascadeLink.objects.filter(child=child).exists():
        raise ValidationError(
            _("IKU %(code)s sudah menjadi turunan IKU lain.") % {"code": child.code}, code="already_child"
        )
    if mode == CascadeMode.DIRECT_FULL and (
        child.target != parent.target or _trajectory(child) != _trajectory(parent)
    ):
        raise ValidationError(_direct_full_message(child), code="direct_full_target")
    with transaction.atomic():
        cascade = Cascade.objects.filter(parent=parent).first() or set_cascade_mode(
            parent=parent, mode=mode, by=by
        )
        if cascade.mode != mode:
            raise ValidationError(
                _("IKU %(code)s sudah diturunkan secara %(mode)s.")
                % {"code": parent.code, "mode": cascade.get_mode_display()},
                code="cascade_mode_mismatch",
            )
        link = CascadeLink(cascade=cascade, child=child, share=share)
        recorded(link, by).save()
    return link


def unlink_child(*, link: CascadeLink, by: Actor) -> None:
    _ensure_cascades(link.cascade.parent, by)
    ensure_holding_contracts_editable([link.child_id], by)
    with transaction.atomic():
        recorded(link, by).delete()


# --------------------------------------------------------------------------- the workflow


def _run(contract: Contract, action: str, by: Actor, reason: str = "", **kwargs: Any) -> Contract:
    with transaction.atomic():
        CONTRACT_WORKFLOW.run(contract, action, by=by, reason=reason, update_fields=("updated_at",), **kwargs)
        contract_stepped(contract=contract, action=action, by=by, reason=reason)
    return contract


def propose(*, contract: Contract, by: Actor) -> Contract:
    """Draft → proposed; refused while a block finding remains (rules 6, 13, K3 pairs not allowed, rule 18)."""
    from .checks import (
        blocking_findings,
    )  # the checks read selectors; imported here to keep this module light

    def check(current: Contract) -> None:
        validation.raise_blocking(blocking_findings(current))

    return _run(contract, "propose", by, check=check)


def agree(*, contract: Contract, by: Actor) -> Contract:
    return _run(contract, "agree", by)


def return_to_draft(*, contract: Contract, by: Actor, reason: str) -> Contract:
    return _run(contract, "return", by, reason)


def sign(*, contract: Contract, by: Actor) -> Contract:
    """Agreed → signed: the targets and trajectories are frozen in the contract; its individual KPIs may now
    take realizations (rule 20)."""
    with transaction.atomic():
        _run(contract, "sign", by)
        _freeze(contract, by)
    return contract


def _freeze(contract: Contract, by: Actor) -> None:
    _freeze_many([contract], by)


def _freeze_many(contracts: Sequence[Contract], by: Actor) -> None:
    """Freeze the targets and trajectories of the contracts just signed (`sign`, `bulk_step`): a fixed number
    of queries a chunk of `FREEZE_CHUNK` KPIs, whatever the number of contracts."""
    entries = list(
        ContractKpi.objects.filter(contract_id__in=[c.pk for c in contracts])
        .select_related("kpi")
        .only("pk", "target", "trajectory", "kpi_id", "kpi__target", "kpi__holder_id")
        .order_by("pk")
    )
    for start in range(0, len(entries), FREEZE_CHUNK):
        chunk = entries[start : start + FREEZE_CHUNK]
        trajectories: dict[int, dict[str, str]] = {}
        for kpi_id, period, target in PeriodTarget.objects.filter(
            kpi__in={e.kpi_id for e in chunk}
        ).values_list("kpi_id", "period", "target"):
            trajectories.setdefault(kpi_id, {})[str(period)] = str(target)
        for entry in chunk:
            entry.target = entry.kpi.target if entry.target is None else entry.target
            entry.trajectory = trajectories.get(entry.kpi_id, {})
        _write_frozen(chunk)
        individual = [e.kpi_id for e in chunk if e.kpi.holder_id is not None]
        Kpi.all_kpis.filter(pk__in=individual, contract_signed=False).update(contract_signed=True)


def _write_frozen(entries: Sequence[ContractKpi]) -> None:
    """Each entry's target and trajectory in one statement: `UPDATE … FROM (VALUES …)` on PostgreSQL and SQLite
    (Django's `bulk_update` builds a CASE per row and field, most of the time of signing thousands at once)."""
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        ContractKpi.objects.bulk_update(list(entries), ["target", "trajectory"])
        return
    table = connection.ops.quote_name(ContractKpi._meta.db_table)
    cast = "CAST(v.t AS jsonb)" if vendor == "postgresql" else "v.t"
    number = "CAST(v.g AS numeric)" if vendor == "postgresql" else "v.g"
    pk = connection.ops.quote_name(str(ContractKpi._meta.pk.column))
    values = ", ".join(["(%s, %s, %s)"] * len(entries))
    params: list[Any] = []
    for entry in entries:
        params += [
            entry.pk,
            json.dumps(entry.trajectory),
            None if entry.target is None else str(entry.target),
        ]
    sql = (
        f"WITH v(id, t, g) AS (VALUES {values}) "
        f"UPDATE {table} SET trajectory = {cast}, target = {number} FROM v WHERE {table}.{pk} = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


FREEZE_CHUNK = 2000
BULK_CHUNK = 1000  # contracts locked, checked and written together by `bulk_step`


@dataclass(frozen=True)
class BulkResult:
    """One contract of a bulk step: whether the step was taken, and why not."""

    contract_id: int
    ok: bool
    message: str = ""


def bulk_step(*, contracts: Sequence[Contract], action: str, by: Actor, reason: str = "") -> list[BulkResult]:
    """Take one workflow step (propose, agree, sign, return) on many contracts in one transaction; each reports
    its own result (as `reporting.services.bulk_step` does for realizations).

    What `propose`, `agree`, `sign` and `return_to_draft` check one at a time is checked here the same way —
    the permission (`CONTRACT_WORKFLOW.may`), the state (`problem`), at proposal the block findings
    (`checks.blocking_findings_many`, the same rules as `blocking_findings`) — and a contract that may not
    take the step is skipped with its message. Set-based: a chunk of `BULK_CHUNK` contracts is locked and
    read at once, the steps are written with one bulk update and their history rows, one bulk insert of
    events, the signed ones frozen together (`_freeze_many`), and the next people told in one
    `notify_each` (`notices.contracts_stepped`).
    """
    from .checks import blocking_findings_many
    from .notices import contracts_stepped

    reason = CONTRACT_WORKFLOW.required_reason(action, reason)
    step = CONTRACT_WORKFLOW.step(action)
    if step.target_for(None) is None:
        raise ValueError(f"contract step {action!r} is a gate: it moves no state")
    results: dict[int, BulkResult] = {}
    ids = sorted({c.pk for c in contracts})
    with transaction.atomic():
        for start in range(0, len(ids), BULK_CHUNK):
            rows = list(
                Contract.objects.select_for_update(of=("self",))
                .select_related("employee", "position", "unit", "plan_year")
                .filter(pk__in=ids[start : start + BULK_CHUNK])
                .order_by("pk")
            )
            candidates: list[Contract] = []
            for current in rows:
                if not CONTRACT_WORKFLOW.may(current, action, by):
                    results[current.pk] = BulkResult(
                        current.pk, False, _("Anda tidak berwenang melakukan tindakan ini.")
                    )
                    continue
                found = CONTRACT_WORKFLOW.problem(current, action, by)
                if found is not None:
                    results[current.pk] = BulkResult(current.pk, False, found)
                    continue
                candidates.append(current)
            if action == "propose":
                blocks = blocking_findings_many(candidates)
                refused = {pk for pk, found in blocks.items() if found}
                for current in candidates:
                    if current.pk in refused:
                        results[current.pk] = BulkResult(
                            current.pk, False, str(blocks[current.pk][0].message)
                        )
                candidates = [c for c in candidates if c.pk not in refused]
            if not candidates:
                continue
            now = timezone.now()
            events: list[ContractEvent] = []
            for current in candidates:
                from_state = current.state
                current.state = step.target_for(current)  # type: ignore[assignment]
                if step.effect is not None:
                    step.effect(current, by, reason)
                for name in step.fields:  # the chunk's moment for every stamp: one UPDATE for the chunk
                    if isinstance(getattr(current, name), dt.datetime):
                        setattr(current, name, now)
                current.updated_at = now
                events.append(
                    ContractEvent(
                        contract=current,
                        revision=current.revision,
                        from_state=from_state,
                        to_state=current.state,
                        by=author(by),
                        reason=reason,
                    )
                )
                results[current.pk] = BulkResult(current.pk, True)
            _write_steps(candidates, ["state", *step.fields, "updated_at"], by=by, reason=reason)
            ContractEvent.objects.bulk_create(events, batch_size=BULK_CHUNK)
            if action == "sign":
                _freeze_many(candidates, by)
            contracts_stepped(contracts=candidates, action=action, by=by, reason=reason)
    gone = _("Kontrak ini sudah tidak ada.")
    return [results.get(c.pk) or BulkResult(c.pk, False, gone) for c in contracts]


def _write_steps(rows: Sequence[Contract], fields: Sequence[str], *, by: Actor, reason: str) -> None:
    """Save the stepped contracts: one UPDATE per set of equal values (a step changes every row alike), then
    their history rows (who, the reason) in one bulk insert."""
    attnames = [Contract._meta.get_field(name).attname for name in fields]  # type: ignore[union-attr]
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        groups.setdefault(tuple(getattr(row, name) for name in attnames), []).append(row.pk)
    for values, pks in groups.items():
        Contract.objects.filter(pk__in=pks).update(**dict(zip(attnames, values, strict=True)))
    Contract.history.bulk_history_create(
        list(rows), update=True, default_user=author(by), default_change_reason=reason[:HISTORY_REASON_MAX]
    )


def revise(*, contract: Contract, by: Actor, reason: str) -> Contract:
    """Signed → draft under revision + 1, with a required reason (rule 19)."""
    return _run(contract, "revise", by, reason)


def replace_contract(
    *,
    contract: Contract,
    change_date: dt.date,
    by: Actor,
    position: Position | None = None,
    superior: Employee | None = None,
    copy_kpis: bool = False,
) -> Contract:
    """A job change mid-year (rule 16): `contract` ends the day before `change_date`, a replacement in the new
    position (default: the holder's current one) runs from `change_date` to the year end.

    With `copy_kpis` (the same position, e.g. a new superior), the KPIs, weights and targets carry over.
    """
    ensure(by, "contracts.revise_contract", contract)
    _first, last = year_bounds(contract.plan_year)
    if not (contract.start < change_date <= min(contract.end, last)):
        raise ValidationError(
            _("Tanggal perpindahan harus setelah awal kontrak dan paling lambat akhir masa kontrak."),
            code="change_date",
        )
    position = position or contract.employee.position or contract.position
    with transaction.atomic():
        current = locked(contract)
        if current.state == ContractState.ENDED or hasattr(current, "replaced_by"):
            raise ValidationError(_("Kontrak ini sudah digantikan."), code="already_replaced")
        current.end = change_date - dt.timedelta(days=1)
        recorded(current, by, _("Diganti karena perpindahan jabatan")).save(
            update_fields=["end", "updated_at"]
        )
        CONTRACT_WORKFLOW.apply(
            current,
            "end",
            by=by,
            reason=_("Perpindahan jabatan per %(date)s") % {"date": change_date.isoformat()},
        )
        new = Contract(
            employee=contract.employee,
            position=position,
            unit_id=position.unit_id,
            plan_year=contract.plan_year,
            superior=superior if superior is not None else default_superior(contract.employee, position),
            kind=ContractKind.REPLACEMENT,
            replaces=current,
            start=change_date,
            end=last,
            change_date=change_date,
            commitment=default_commitment(contract.employee, position, contract.plan_year),
            deadline=add_working_days(change_date, _replacement_days(contract.plan_year)),
        )
        _refuse_overlap(contract.employee, new.start, new.end, exclude=[current.pk])
        recorded(new, by).save()
        if copy_kpis and position.pk == contract.position_id:
            rows = [
                ContractKpi(
                    contract=new,
                    kpi_id=e.kpi_id,
                    source=e.source,
                    order=e.order,
                    weight=e.weight,
                    target=e.target,
                    kind=e.kind,
                    fixed_target=e.fixed_target,
                    target_prev=e.target_prev,
                    realization_prev=e.realization_prev,
                )
                for e in contract.kpis.all()
            ]
            bulk_create_with_history(rows, ContractKpi, default_user=by)
        else:
            _add_map_kpis(new, by)
    contract.refresh_from_db()
    return new


def _replacement_days(plan_year: PlanYear) -> int:
    from kinerja.planning import scoring_bridge

    return scoring_bridge.replacement_working_days(plan_year.rule_set)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """`count` working days (Monday–Friday) after `day`."""
    current = day
    left = count
    while left > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            left -= 1
    return current


def working_days_between(first: dt.date, last: dt.date) -> int:
    """Working days (Monday–Friday) after `first` up to and including `last` (0 when `last` ≤ `first`)."""
    days = 0
    current = first
    while current < last:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            days += 1
    return days


def contracts_of(employee: Employee, plan_year: PlanYear) -> list[Contract]:
    return list(Contract.objects.filter(employee=employee, plan_year=plan_year).order_by("start"))


def ensure_may_view(contract: Contract, by: Actor) -> None:
    if by is not None and not by.has_perm("contracts.view_contract", contract):
        raise PermissionDenied(_("Anda tidak berwenang melihat kontrak ini."))


def signed_filter() -> Q:
    return Q(state__in=[ContractState.SIGNED, ContractState.ENDED])
