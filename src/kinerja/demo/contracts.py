"""Demo performance contracts for 2026: every official signs one, through the contracts services.

Runs after the strategy maps and before the reporting demo (`kinerja.demo.build.STEPS`): individual KPIs
take realizations only in a signed contract (rule 20) and only while their period is open, and the reporting
step closes January–September.

Top down, superior before subordinate, each employee gets a contract for the plan year:

* the head of a unit with a demo map carries the map's KPIs (weights from the perspectives' weights);
* everyone else carries KPIs cascaded from the superior's contract — indirectly, with a manual of their own
  from the catalogue of their line of work (`kinerja.demo.iki`) — and their own individual KPIs;
* KPP Madya Malang shows the direct modes: P1.2 (SP2DK) goes down *direct full* to the three heads of
  supervision sections (and from Seksi Pengawasan I on to its account representative), P3.1 (tax education
  events) *direct shared* 12 + 12 to the head of services and a tax counsellor, S1.2 is kept at the office
  (*not cascaded*). Their leaves report values that roll up to exactly the figures the reporting demo types
  for the parents, so no NKO moves.

Each contract goes draft → proposed → agreed (by the superior) → signed (by the holder), acting as the demo
login of the person where there is one, and is dated in January. Then the realizations of the individual
KPIs of approved branches are entered for the periods the reporting demo reports, in the same mixed
workflow states.

Left wrong on purpose (the alignment panel has something to show): the head of KPPBC Tanjung Perak — whose
map is still a draft — has an unsigned draft contract past its deadline without L3.2, a map KPI therefore
in no contract; the shares of the KPPBC's P2.1 add up to 22 of 24; its SS L3 supports no SS of DJBC's map;
and one of the two mid-year moves (`organisation.MOVES`) got its replacement contract after more than
15 working days.

Idempotent: an employee with a contract in the year is left alone, an existing realization too.
`clear_contracts_demo` removes it all for `kinerja demo --reset`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.contracts import services as contracts
from kinerja.contracts import support
from kinerja.contracts.models import (
    Cascade,
    CascadeMode,
    Contract,
    ContractEvent,
    ContractKind,
    ContractKpi,
    ContractState,
    KpiKind,
    ObjectiveSupport,
    SupportKind,
)
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.planning.models import (
    REPORTABLE_MAP_STATES,
    Kpi,
    Objective,
    PeriodTarget,
    PlanYear,
    StrategyMap,
)
from kinerja.reporting import services as reporting_services
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod

from . import iki
from . import organisation as org
from . import reporting as demo_reporting
from .steps import Counts, DemoRun, DemoStep, demo_user


def _rollup_module() -> Any:
    """`kinerja.contracts.rollup` (the roll-up of direct cascades), or None while it is not there: then the
    demo types the parents' realizations itself, with the values the roll-up would derive."""
    try:
        return importlib.import_module("kinerja.contracts.rollup")
    except ImportError:  # pragma: no cover - depends on what is merged
        return None


_rollup = _rollup_module()

DEMO_YEAR = demo_reporting.DEMO_YEAR
SEED = "kinerja-demo-contracts"
D = Decimal
HUNDRED = D(100)

# The demo logins acting for people (by employee slot); everyone else is acted for by the system.
MANAGER_OF = {"DJP": "pengelola.djp", "KEMENKEU": "pengelola.kemenkeu"}

# Direct cascades of the showcase: (map unit, KPI code) → [(receiving position, share or None)].
DIRECT_FULL: dict[tuple[str, str], tuple[str, ...]] = {
    ("DJP-KPP-MADYA-MALANG", "P1.2"): (
        "DJP-KPP-MADYA-MALANG-PENGAWASAN-I-KEPALA",
        "DJP-KPP-MADYA-MALANG-PENGAWASAN-II-KEPALA",
        "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-KEPALA",
    ),
}
# From a direct-full child on: (position holding the child, KPI code) → the position it goes to, whole.
DIRECT_FULL_BELOW: dict[tuple[str, str], str] = {
    ("DJP-KPP-MADYA-MALANG-PENGAWASAN-I-KEPALA", "P1.2"): "DJP-KPP-MADYA-MALANG-PENGAWASAN-I-PELAKSANA",
}
DIRECT_SHARED: dict[tuple[str, str], tuple[tuple[str, Decimal], ...]] = {
    ("DJP-KPP-MADYA-MALANG", "P3.1"): (
        ("DJP-KPP-MADYA-MALANG-PELAYANAN-KEPALA", D(12)),
        ("DJP-KPP-MADYA-MALANG-FUNGSIONAL-2", D(12)),
    ),
    # on purpose: 16 + 6 = 22 of the 24 events of the KPPBC's map (rule 15 finding)
    ("DJBC-KPPBC-TANJUNG-PERAK", "P2.1"): (
        ("DJBC-KPPBC-TANJUNG-PERAK-PLI-KEPALA", D(16)),
        ("DJBC-KPPBC-TANJUNG-PERAK-PKC-I-KEPALA", D(6)),
    ),
}
NOT_CASCADED: frozenset[tuple[str, str]] = frozenset({("DJP-KPP-MADYA-MALANG", "S1.2")})
# The contract left a draft past its deadline, and the map KPI it leaves out (rules 15, 17).
DRAFT_HEAD = "DJBC-KPPBC-TANJUNG-PERAK-KEPALA"
LEFT_OUT = ("DJBC-KPPBC-TANJUNG-PERAK", "L3.2")
# The SS of a lower map left supporting nothing (rule 5).
IDLE_OBJECTIVE = ("DJBC-KPPBC-TANJUNG-PERAK", "L3")
# Working days after the move when each replacement contract was made (15 is the limit, rule 17).
REPLACEMENT_MADE_AFTER = {
    "DJP-KPP-MADYA-MALANG-PENGAWASAN-I-PELAKSANA#2": 6,
    "DJKN-KPKNL-MALANG-PIUTANG-PELAKSANA#2": 23,
}
# K3 (kmk-127-2026): map KPIs whose target is set by law or by the Minister (the APBN revenue targets).
FIXED_TARGETS = frozenset({"S1.1"})


def _draw(*parts: object) -> float:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


# ---------------------------------------------------------------- who is who


@dataclass
class Holder:
    """One demo employee as the contracts step sees them."""

    employee: Employee
    person: org.Person
    number: int  # which holder of the position (1, 2, …): keeps individual KPI codes apart

    @property
    def position(self) -> Position:
        position = self.employee.position
        assert position is not None
        return position


def _holders() -> list[Holder]:
    persons = {p.nip: p for p in org.people()}
    employees = (
        Employee.objects.filter(nip__in=list(persons), is_active=True, position__isnull=False)
        .select_related("position__unit", "position__superior", "unit", "superior")
        .order_by("position__unit__depth", "-position__is_head", "position__code", "nip")
    )
    found: list[Holder] = []
    for employee in employees:
        person = persons[employee.nip]
        slot_number = int(person.slot.rsplit("#", 1)[1])
        # a mover holds the new post after its own holders: the next free number
        if person.slot in org.moves():
            spec = next(s for s in org.position_specs() if s.code == employee.position.code)  # type: ignore[union-attr]
            slot_number = spec.holders + 1
        found.append(Holder(employee, person, slot_number))
    return found


def _user_of(employee: Employee | None) -> Any:
    """The demo login linked to an employee (NIP login), or None: the system acts."""
    if employee is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(employee=employee, is_active=True).first()


def _manager_for(unit_path: str, units: dict[str, str]) -> Any:
    for code, username in MANAGER_OF.items():
        path = units.get(code)
        if path and unit_path.startswith(path):
            return demo_user(username)
    return None


# ---------------------------------------------------------------- numbers


def _step(kpi: Kpi) -> Decimal:
    return demo_reporting.unit_bounds(kpi)[1]


def _weights(count: int) -> list[Decimal]:
    """Weights for `count` KPIs that total exactly 100, the first ones a little heavier."""
    table = {
        1: [100],
        2: [60, 40],
        3: [40, 30, 30],
        4: [30, 25, 25, 20],
        5: [25, 20, 20, 20, 15],
        6: [20, 20, 15, 15, 15, 15],
    }
    if count in table:
        return [D(w) for w in table[count]]
    base = (HUNDRED / count).quantize(D("0.01"))
    weights = [base] * count
    weights[-1] = HUNDRED - base * (count - 1)
    return weights


def _map_weights(kpis: Sequence[Kpi]) -> dict[int, Decimal]:
    """A map owner's contract weights: each perspective's weight shared by its KPIs, totalling 100."""
    by_perspective: dict[int, list[Kpi]] = {}
    for kpi in kpis:
        by_perspective.setdefault(kpi.objective.perspective_id, []).append(kpi)
    weights: dict[int, Decimal] = {}
    for members in by_perspective.values():
        share = members[0].objective.perspective.weight or (HUNDRED / len(by_perspective))
        for kpi in members:
            weights[kpi.pk] = (share / len(members)).quantize(D("0.01"))
    if weights:
        last = kpis[-1].pk
        weights[last] += HUNDRED - sum(weights.values())
    return weights


def _k3(kpi: Kpi, target: Decimal | None, seed: str, *, new: bool = False) -> dict[str, Any]:
    """The K3 inputs of a contract KPI: its kind and last year's target and realization (`scoring.md` §7.2).

    A mandatory KPI is marked so, a KPI new this year has no history, a target set by law is fixed; the
    others get a last year that gives each case of the table: a target raised above last year's
    realization, raised but still below it, kept, or set exactly at it.
    """
    if kpi.mandatory:
        fields: dict[str, Any] = {"kind": KpiKind.MANDATORY}
    elif new or target is None:
        return {"kind": KpiKind.NEW}
    else:
        fields = {"kind": KpiKind.EXISTING}
    if target is None:
        return fields
    high, step = demo_reporting.unit_bounds(kpi)
    delta = max(step, (abs(target) * D("0.04")).quantize(step))
    half = max(step, (delta / 2).quantize(step))
    sign = D(-1) if kpi.polarity == "min" else D(1)
    case = int(_draw(seed, "k3") * 4)
    if case == 0:  # raised above last year's realization → 1.20
        prev_t, prev_r = target - sign * delta, target - sign * half
    elif case == 1:  # raised, still below last year's realization → 1.00
        prev_t, prev_r = target - sign * delta, target + sign * half
    elif case == 2:  # kept, last year missed → 1.00
        prev_t, prev_r = target, target - sign * half
    else:  # set at last year's realization → 1.10
        prev_t, prev_r = target - sign * delta, target
    if high is not None:
        prev_r = min(prev_r, high)
    fields["target_prev"] = max(D(0), prev_t)
    fields["realization_prev"] = max(D(0), prev_r)
    if kpi.code in FIXED_TARGETS and kpi.holder_id is None:
        fields["fixed_target"] = True
    return fields


def _trajectory(template: iki.Template) -> list[Decimal]:
    """Period targets that consolidate to the year's target (rule 12): counts spread, percentages rising."""
    periods = {"monthly": 12, "quarterly": 4, "semester": 2, "yearly": 1}[template.frequency]
    target = template.target
    if template.consolidation == "sum":
        base = (target / periods).quantize(D("1"), rounding="ROUND_FLOOR")
        values = [base] * periods
        values[-1] = target - base * (periods - 1)
        return values
    if template.consolidation == "average" or periods == 1:
        return [target] * periods
    climb = min(D(5), target / 10).quantize(D("0.01"))
    return [(target - climb * (periods - 1 - i) / (periods - 1)).quantize(D("0.01")) for i in range(periods)]


# ---------------------------------------------------------------- building contracts


@dataclass
class Built:
    contracts: int = 0
    created: int = 0


class _Context:
    """What the step reads once: the year, the maps, the units' paths, the contracts made so far."""

    def __init__(self, plan_year: PlanYear) -> None:
        self.plan_year = plan_year
        self.maps = {
            m.unit.code: m for m in StrategyMap.objects.filter(plan_year=plan_year).select_related("unit")
        }
        self.unit_paths = dict(
            Unit.objects.filter(code__in=[r.code for r in org.unit_rows()]).values_list("code", "path")
        )
        self.positions = {
            p.code: p
            for p in Position.objects.filter(code__in=[s.code for s in org.position_specs()]).select_related(
                "unit", "superior"
            )
        }

    def contract_of(self, employee: Employee | None, on: dt.date) -> Contract | None:
        """The contract `employee` (a superior) holds on `on`, whatever its state."""
        if employee is None:
            return None
        return Contract.objects.filter(
            employee=employee, plan_year=self.plan_year, start__lte=on, end__gte=on
        ).first()


def _parents_for(superior_contract: Contract | None, holder: Holder, taken: set[int]) -> list[Kpi]:
    """KPIs of the superior's contract this holder's work supports (indirect cascades), two at most.

    Siblings take different ones (by the holder's place among them); a KPI reserved for a direct cascade,
    kept at its level, or already cascaded another way is skipped.
    """
    if superior_contract is None:
        return []
    kpis = [
        e.kpi
        for e in superior_contract.kpis.select_related("kpi__objective__map__unit").order_by("order", "pk")
    ]
    usable = []
    for kpi in kpis:
        key = (kpi.objective.map.unit.code, kpi.code) if kpi.holder_id is None else None
        if key is not None and (key in DIRECT_FULL or key in DIRECT_SHARED or key in NOT_CASCADED):
            continue
        if kpi.holder_id is not None and (kpi.holder.code, kpi.code) in DIRECT_FULL_BELOW:  # type: ignore[union-attr]
            continue
        cascade = Cascade.objects.filter(parent=kpi).first()
        if cascade is not None and cascade.mode != CascadeMode.INDIRECT:
            continue
        if Kpi.all_kpis.filter(cascaded_from__cascade__parent=kpi, holder=holder.position).exists():
            continue  # another holder of the same post already supports it
        usable.append(kpi)
    if not usable:
        return []
    start = int(_draw(holder.person.slot, "parent") * len(usable))
    chosen = [usable[(start + i) % len(usable)] for i in range(min(2, len(usable)))]
    taken.update(k.pk for k in chosen)
    return chosen


def template_manual(template: iki.Template, *, description: str, measured_by: str) -> dict[str, Any]:
    """The manual fields of a new IKI drawn from `template` (the holder's own fields are added by the caller)."""
    return {
        "name_id": template.name_id,
        "name_en": template.name_en,
        "description": description,
        "formula": template.formula,
        "unit_of_measure": template.unit,
        "validity": template.validity,
        "controllability": template.controllability,
        "lead_lag": template.lead_lag,
        "polarity": template.polarity,
        "consolidation": template.consolidation,
        "frequency": template.frequency,
        "data_source": template.data_source,
        "measured_by": measured_by,
        "target": template.target,
        "evidence_required": True,
    }


def _manual(template: iki.Template, holder: Holder) -> dict[str, Any]:
    position = holder.position
    description = (
        f"{template.name_id} yang menjadi tanggung jawab {position.title_id}; diukur dari "
        f"{template.data_source.lower()} sesuai formula."
    )
    measured_by = position.superior.title_id if position.superior else position.title_id
    return {
        **template_manual(template, description=description, measured_by=measured_by),
        "owner_position": position,
    }


def _new_contract(
    ctx: _Context, holder: Holder, *, position: Position | None = None, with_map_kpis: bool = True
) -> Contract:
    position = position or holder.position
    creator = _manager_for(position.unit.path, ctx.unit_paths)
    return contracts.create_contract(
        employee=holder.employee,
        plan_year=ctx.plan_year,
        position=position,
        by=creator,
        with_map_kpis=with_map_kpis,
    )


def _fill_map_contract(contract: Contract, holder: Holder) -> None:
    """A map owner's contract: the map's KPIs, weights from the perspectives, K3 inputs."""
    entries = list(contract.kpis.select_related("kpi__objective__perspective").order_by("order", "pk"))
    weights = _map_weights([e.kpi for e in entries])
    for entry in entries:
        fields = {"weight": weights[entry.kpi_id]}
        fields.update(_k3(entry.kpi, entry.target, f"{holder.person.slot}|{entry.kpi.code}"))
        contracts.update_contract_kpi(entry=entry, fields=fields, by=None)


def _direct_targets(holder: Holder, ctx: _Context) -> list[tuple[Kpi, str, Decimal | None]]:
    """The direct cascades this holder receives: (parent KPI, mode, share)."""
    code = holder.position.code
    out: list[tuple[Kpi, str, Decimal | None]] = []
    for (unit, kpi_code), receivers in DIRECT_FULL.items():
        if code in receivers and holder.number == 1 and unit in ctx.maps:
            out.append((_map_kpi(ctx, unit, kpi_code), CascadeMode.DIRECT_FULL, None))
    for (unit, kpi_code), shares in DIRECT_SHARED.items():
        for receiver, share in shares:
            if receiver == code and holder.number == 1 and unit in ctx.maps:
                out.append((_map_kpi(ctx, unit, kpi_code), CascadeMode.DIRECT_SHARED, share))
    for (parent_position, kpi_code), receiver in DIRECT_FULL_BELOW.items():
        if receiver == code and holder.number == 1:
            parent = Kpi.all_kpis.filter(holder__code=parent_position, code=kpi_code).first()
            if parent is not None:
                out.append((parent, CascadeMode.DIRECT_FULL, None))
    return out


def _map_kpi(ctx: _Context, unit: str, code: str) -> Kpi:
    return Kpi.objects.get(objective__map=ctx.maps[unit], code=code)


def _fill_member_contract(
    ctx: _Context, contract: Contract, holder: Holder, superior_contract: Contract | None
) -> None:
    """Cascaded KPIs (direct where the showcase says so, else indirect with an own manual), own IKIs."""
    seed = holder.person.slot
    templates = iki.templates_for(f"{holder.position.title_id} {holder.position.unit.name_id}")
    rotate = (holder.number - 1) % len(templates)
    templates = templates[rotate:] + templates[:rotate]
    entries: list[ContractKpi] = []
    for parent, mode, share in _direct_targets(holder, ctx):
        entries.append(
            contracts.cascade_to(parent=parent, contract=contract, mode=mode, share=share, by=None)
        )
    # heads support two of their superior's KPIs (fewer when they received direct ones), the others one
    wanted = max(0, 2 - len(entries)) if holder.position.is_head else (0 if entries else 1)
    parents = _parents_for(superior_contract, holder, set())[:wanted]
    number = 0
    objective: Objective | None = entries[0].kpi.objective if entries else None
    for i, parent in enumerate(parents):
        template = templates[i % len(templates)]
        number += 1
        entry = contracts.cascade_to(
            parent=parent,
            contract=contract,
            mode=CascadeMode.INDIRECT,
            code=f"IKI-{holder.number}.{number}",
            fields=_manual(template, holder),
            trajectory=_trajectory(template),
            by=None,
        )
        entries.append(entry)
        objective = objective or parent.objective
    if objective is None:  # nobody above with KPIs: the holder's unit's map or the ministry's
        strategy_map = ctx.maps.get(holder.position.unit.code) or ctx.maps["KEMENKEU"]
        objective = Objective.objects.filter(map=strategy_map).order_by("perspective__order", "code").first()
    assert objective is not None
    own = [t for t in templates if t.name_id not in {e.kpi.name_id for e in entries}]
    for template in own[: max(1, 4 - len(entries))]:
        number += 1
        entries.append(
            contracts.add_individual_kpi(
                contract=contract,
                objective=objective,
                code=f"IKI-{holder.number}.{number}",
                fields=_manual(template, holder),
                trajectory=_trajectory(template),
                by=None,
            )
        )
    weights = _weights(len(entries))
    for entry, weight in zip(entries, weights, strict=True):
        entry.refresh_from_db()
        new = entry.kpi.name_id in iki.NEW_KPIS
        fields = {"weight": weight, **_k3(entry.kpi, entry.target, f"{seed}|{entry.kpi.code}", new=new)}
        contracts.update_contract_kpi(entry=entry, fields=fields, by=None)


def _sign(contract: Contract, when: dt.date) -> None:
    """Propose (holder), agree (superior), sign (holder), dated `when` and the days after."""
    holder_user = _user_of(contract.employee)
    superior_user = _user_of(contract.superior)
    contracts.propose(contract=contract, by=holder_user)
    # the Minister's commitment has nobody above it in the application: the holder agrees it (Contract.is_top)
    contracts.agree(contract=contract, by=superior_user if contract.superior_id else holder_user)
    contracts.sign(contract=contract, by=holder_user)
    _date(contract, when)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _date(contract: Contract, when: dt.date, *, made: dt.date | None = None) -> None:
    """Date the contract's steps as they happened (the demo is built today): made, proposed, agreed, signed."""
    made = made or when
    Contract.objects.filter(pk=contract.pk).update(
        created_at=_at(made, 8),
        proposed_at=_at(when, 9),
        agreed_at=_at(when, 13),
        signed_at=_at(when, 15) if contract.state in (ContractState.SIGNED, ContractState.ENDED) else None,
    )
    hours = {ContractState.PROPOSED: 9, ContractState.AGREED: 13, ContractState.SIGNED: 15}
    for event in ContractEvent.objects.filter(contract=contract):
        if event.to_state in hours:
            ContractEvent.objects.filter(pk=event.pk).update(
                at=_at(when, hours[ContractState(event.to_state)])
            )


def _signing_day(holder: Holder) -> dt.date:
    """A working day in January by rank: the top signs first, the executors last, all before the 31st."""
    depth = holder.position.unit.depth
    day = dt.date(DEMO_YEAR, 1, min(5 + depth * 3 + (0 if holder.position.is_head else 3), 29))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _build_holder(ctx: _Context, holder: Holder) -> Contract | None:
    """The year's contract(s) of one employee: the signed contract, or the pair around a move."""
    move = org.moves().get(holder.person.slot)
    employee = holder.employee
    if move is None:
        contract = _new_contract(ctx, holder, with_map_kpis=holder.position.code != DRAFT_HEAD)
        superior_contract = ctx.contract_of(contract.superior, contract.start)
        if contracts.holder_map(contract) is not None or holder.position.code == DRAFT_HEAD:
            if holder.position.code == DRAFT_HEAD:
                _fill_draft_head(ctx, contract, holder)
                return contract
            _fill_map_contract(contract, holder)
        else:
            _fill_member_contract(ctx, contract, holder, superior_contract)
        _sign(contract, _signing_day(holder))
        return contract
    # a mover: the first contract in the old post, ended by a replacement in the new one (rule 16)
    old_position = ctx.positions[holder.person.position_code]
    old_holder = Holder(employee, holder.person, int(holder.person.slot.rsplit("#", 1)[1]))
    first = contracts.create_contract(
        employee=employee,
        plan_year=ctx.plan_year,
        position=old_position,
        by=None,
        with_map_kpis=False,
    )
    old_view = _AsPosition(old_holder, old_position)
    _fill_member_contract(ctx, first, old_view, ctx.contract_of(first.superior, first.start))
    _sign(first, _signing_day(old_view))
    first.refresh_from_db()
    replacement = contracts.replace_contract(
        contract=first, change_date=move.on, position=holder.position, by=None
    )
    _fill_member_contract(ctx, replacement, holder, ctx.contract_of(replacement.superior, replacement.start))
    made = contracts.add_working_days(move.on, REPLACEMENT_MADE_AFTER.get(holder.person.slot, 5))
    ContractEvent.objects.filter(contract=first, to_state=ContractState.ENDED).update(at=_at(made, 8))
    _sign(replacement, contracts.add_working_days(made, 2))
    _date(replacement, contracts.add_working_days(made, 2), made=made)
    return replacement


class _AsPosition(Holder):
    """A mover seen in their former post (for the contract that the move ended)."""

    def __init__(self, holder: Holder, position: Position) -> None:
        super().__init__(holder.employee, holder.person, holder.number)
        self._position = position

    @property
    def position(self) -> Position:
        return self._position


def _fill_draft_head(ctx: _Context, contract: Contract, holder: Holder) -> None:
    """The KPPBC head: the map's KPIs but L3.2 (planned to be replaced), weights set; never proposed."""
    strategy_map = ctx.maps.get(LEFT_OUT[0])
    if strategy_map is None:
        return
    kpis = [
        k
        for k in Kpi.objects.filter(objective__map=strategy_map)
        .select_related("objective__perspective")
        .order_by("objective__perspective__order", "objective__code", "code")
        if k.code != LEFT_OUT[1]
    ]
    weights = _map_weights(kpis)
    for kpi in kpis:
        entry = contracts.add_map_kpi(contract=contract, kpi=kpi, by=None, weight=weights[kpi.pk])
        contracts.update_contract_kpi(
            entry=entry, fields=_k3(kpi, entry.target, f"{holder.person.slot}|{kpi.code}"), by=None
        )
    Contract.objects.filter(pk=contract.pk).update(created_at=_at(dt.date(DEMO_YEAR, 1, 12), 8))


def _set_not_cascaded(ctx: _Context) -> None:
    for unit, code in sorted(NOT_CASCADED):
        if unit in ctx.maps:
            kpi = _map_kpi(ctx, unit, code)
            if not Cascade.objects.filter(parent=kpi).exists():
                contracts.set_cascade_mode(parent=kpi, mode=CascadeMode.NONE, by=None)


def _build_supports(ctx: _Context) -> int:
    """Each SS of a lower demo map supports an SS of the nearest map above it (rule 5), but one."""
    made = 0
    for code, strategy_map in ctx.maps.items():
        path = ctx.unit_paths.get(code, "")
        above = [
            m
            for c, m in ctx.maps.items()
            if c != code
            and path.startswith(ctx.unit_paths.get(c, "-"))
            and len(ctx.unit_paths[c]) < len(path)
        ]
        if not above:
            continue
        parent_map = max(above, key=lambda m: len(ctx.unit_paths[m.unit.code]))
        parents = list(
            Objective.objects.filter(map=parent_map).select_related("perspective").order_by("code")
        )
        for objective in (
            Objective.objects.filter(map=strategy_map).select_related("perspective").order_by("code")
        ):
            if (code, objective.code) == IDLE_OBJECTIVE or objective.supports.exists():
                continue
            same = [p for p in parents if p.code == objective.code]
            band = [p for p in parents if p.perspective.order == objective.perspective.order]
            candidates = same or band or parents
            if not candidates:
                continue
            target = candidates[0]
            support.add_support(
                objective,
                target,
                SupportKind.DIRECT if same and same[0].name_id == objective.name_id else SupportKind.INDIRECT,
                by=None,
            )
            made += 1
    return made


def build_contracts_demo(stdout: Callable[[str], Any] | None = None) -> Built:
    """Build the 2026 demo contracts, cascades, supports and IKI realizations (idempotent)."""
    built = Built()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} belum ada: lewati")
        return built
    with transaction.atomic():
        ctx = _Context(plan_year)
        _set_not_cascaded(ctx)
        supports = _build_supports(ctx)
        have = set(Contract.objects.filter(plan_year=plan_year).values_list("employee_id", flat=True))
        for holder in _holders():
            if holder.employee.pk in have:
                continue
            _build_holder(ctx, holder)
            built.created += 1
        built.contracts = Contract.objects.filter(
            plan_year=plan_year, employee__nip__in=[p.nip for p in org.people()]
        ).count()
        realized = _build_realizations(plan_year)
        if stdout:
            signed = Contract.objects.filter(plan_year=plan_year, state=ContractState.SIGNED).count()
            stdout(
                f"  {built.contracts} kontrak {DEMO_YEAR} ({signed} ditandatangani), "
                f"{Kpi.all_kpis.filter(holder__isnull=False, objective__map__plan_year=plan_year).count()} IKI, "
                f"{supports} dukungan SS baru, "
                f"{realized} realisasi IKI baru"
            )
    return built


# ---------------------------------------------------------------- realizations of the IKIs


def _periods(plan_year: PlanYear) -> list[ReportingPeriod]:
    reporting_services.ensure_periods(plan_year)
    return list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))


def _reported(period: ReportingPeriod, frequency: str) -> bool:
    """The periods the reporting demo reports: ended by September, and October for monthly KPIs."""
    if period.frequency != frequency or period.end > demo_reporting.OPEN_MONTH_END:
        return False
    return period.end <= demo_reporting.CLOSED_THROUGH or period.frequency == "monthly"


def _value(kpi: Kpi, target: Decimal, seed: str) -> Decimal:
    """A realization near the period's target: most on track, a few behind."""
    rng = random.Random(seed)
    level = 97 + 9 * _draw(seed, "level")
    if _draw(seed.rsplit("|", 1)[0], "behind") < 0.08:
        level = 82
    index = D(str(round(level + rng.uniform(-3, 3), 2))) / HUNDRED
    high, step = demo_reporting.unit_bounds(kpi)
    value = target * index if kpi.polarity != "min" else target * (2 - index)
    if high is not None:
        value = min(high, value)
    return max(D(0), value).quantize(step)


@dataclass
class _Plan:
    """What one KPI reports in one period: its value and demo state (None: not reported)."""

    kpi: Kpi
    period: ReportingPeriod
    value: Decimal
    state: str | None


def _leaf_plans(plan_year: PlanYear, periods: list[ReportingPeriod]) -> list[_Plan]:
    """The realizations of the leaves of the showcase's direct cascades: split so the roll-up gives back
    exactly what the reporting demo types for the parent map KPI (value and state), period by period."""
    plans: list[_Plan] = []
    for (unit, code), _receivers in [*DIRECT_FULL.items(), *DIRECT_SHARED.items()]:
        parent = (
            Kpi.objects.filter(
                objective__map__unit__code=unit, objective__map__plan_year=plan_year, code=code
            )
            .select_related("objective__map__unit")
            .first()
        )
        if parent is None or parent.objective.map.state not in REPORTABLE_MAP_STATES:
            continue
        targets = dict(PeriodTarget.objects.filter(kpi=parent).values_list("period", "target"))
        for period in periods:
            if not _reported(period, parent.frequency):
                continue
            state = demo_reporting._state_for(
                unit, code, period.label, period.end <= demo_reporting.CLOSED_THROUGH
            )
            value = demo_reporting._value(parent, targets.get(period.number, parent.target), period.label)
            plans += _split(parent, period, value, state)
    return plans


def _children(kpi: Kpi) -> list[tuple[Kpi, Decimal | None]]:
    cascade = Cascade.objects.filter(parent=kpi).first()
    if cascade is None or cascade.mode not in (CascadeMode.DIRECT_FULL, CascadeMode.DIRECT_SHARED):
        return []
    return [(link.child, link.share) for link in cascade.links.select_related("child").order_by("pk")]


def _split(kpi: Kpi, period: ReportingPeriod, value: Decimal, state: str | None) -> list[_Plan]:
    """`value` of a rolled-up KPI shared among its children so that their aggregation is exactly `value`."""
    children = _children(kpi)
    if not children:
        return [_Plan(kpi, period, value, state)]
    cascade = Cascade.objects.get(parent=kpi)
    high, step = demo_reporting.unit_bounds(kpi)
    values: list[Decimal]
    if cascade.aggregation == "sum":
        total_share = sum((s or D(0) for _c, s in children), D(0)) or D(len(children))
        values = [
            (value * (s or D(1)) / total_share).quantize(step, rounding="ROUND_FLOOR") for _c, s in children
        ]
        values[-1] = value - sum(values[:-1], D(0))
    else:  # average (min/max are not used by the demo): a spread around the value, the mean exactly it
        room = min(D("1.50"), value, (high - value) if high is not None else D("1.50"))
        spread = room.quantize(step, rounding="ROUND_FLOOR")
        values = [value] * len(children)
        if len(children) >= 2:
            values[0], values[-1] = value + spread, value - spread
    plans: list[_Plan] = []
    if _rollup is None:  # nothing derives the parent yet: the demo types it as the roll-up would
        plans.append(_Plan(kpi, period, value, state))
    for (child, _share), child_value in zip(children, values, strict=True):
        plans += _split(child, period, child_value, state)
    return plans


def _own_plans(plan_year: PlanYear, periods: list[ReportingPeriod], skip: set[int]) -> list[_Plan]:
    """Every other IKI of a signed contract on an approved map: its own figures and a drawn state."""
    plans: list[_Plan] = []
    entries = (
        ContractKpi.objects.filter(
            contract__plan_year=plan_year,
            contract__state__in=[ContractState.SIGNED, ContractState.ENDED],
            kpi__holder__isnull=False,
            kpi__rolled_up=False,
            kpi__objective__map__state__in=list(REPORTABLE_MAP_STATES),
        )
        .exclude(kpi_id__in=skip)
        .select_related("contract", "kpi__holder", "kpi__objective__map__unit")
        .order_by("contract__start", "kpi_id")
    )
    targets: dict[tuple[int, int], Decimal] = {
        (k, n): t
        for k, n, t in PeriodTarget.objects.filter(kpi_id__in=[e.kpi_id for e in entries]).values_list(
            "kpi_id", "period", "target"
        )
    }
    for entry in entries:
        kpi, contract = entry.kpi, entry.contract
        for period in periods:
            if (
                not _reported(period, kpi.frequency)
                or period.start < contract.start
                or period.end > contract.end
            ):
                continue
            holder_code = kpi.holder.code if kpi.holder is not None else ""
            seed = f"{holder_code}|{kpi.code}|{period.label}"
            state = demo_reporting._state_for(
                holder_code, kpi.code, period.label, period.end <= demo_reporting.CLOSED_THROUGH
            )
            target = targets.get((kpi.pk, period.number), kpi.target)
            if target is None:
                continue
            plans.append(_Plan(kpi, period, _value(kpi, target, seed), state))
    return plans


def _actors_of(kpi: Kpi, paths: dict[str, str]) -> demo_reporting.Actors:
    """Who enters, verifies and approves: the reporting demo's people for the nearest unit they serve."""
    holder_path = kpi.holder.unit.path if kpi.holder is not None else kpi.objective.map.unit.path
    for code in ("DJP-KPP-MADYA-MALANG", "DJP"):
        if holder_path.startswith(paths.get(code, "-")):
            return demo_reporting._actors(code)
    return demo_reporting._actors("")


def _build_realizations(plan_year: PlanYear) -> int:
    periods = _periods(plan_year)
    leaves = _leaf_plans(plan_year, periods)
    plans = leaves + _own_plans(plan_year, periods, {p.kpi.pk for p in leaves})
    existing = set(
        Realization.objects.filter(
            kpi_id__in={p.kpi.pk for p in plans}, period__plan_year=plan_year
        ).values_list("kpi_id", "period_id")
    )
    paths = dict(Unit.objects.filter(code__in=["DJP", "DJP-KPP-MADYA-MALANG"]).values_list("code", "path"))
    made = 0
    touched: set[int] = set()
    for plan in plans:
        if plan.state is None or (plan.kpi.pk, plan.period.pk) in existing:
            continue
        kpi = Kpi.all_kpis.select_related(
            "holder__unit", "objective__map__unit", "objective__map__plan_year"
        ).get(pk=plan.kpi.pk)
        _report(kpi, plan.period, plan.value, plan.state, _actors_of(kpi, paths))
        touched.add(kpi.pk)
        made += 1
    if _rollup is not None and leaves:
        # the roll-up runs after commit, when the reporting step has closed these periods: derive them now
        _rollup.recompute_parents(touched, [p.pk for p in periods])
    return made


def _report(
    kpi: Kpi, period: ReportingPeriod, value: Decimal, state: str, actors: demo_reporting.Actors
) -> None:
    """One realization from entry to its demo state through the reporting services, with its evidence."""
    seed = f"{kpi.holder.code if kpi.holder else ''}|{kpi.code}|{period.label}"
    realization = reporting_services.save_realization(
        kpi=kpi,
        period=period,
        value=value,
        analysis=demo_reporting.ANALYSES[int(_draw(seed, "a") * len(demo_reporting.ANALYSES))],
        by=actors.enters,
    )
    name = f"data-dukung-{kpi.code}-{period.label}.pdf"
    reporting_services.add_evidence(
        realization=realization,
        upload=ContentFile(demo_reporting._pdf(f"{kpi.code} {period.label}"), name=name),
        name=name,
        by=actors.enters,
    )
    if state == RealizationState.DRAFT:
        return
    reporting_services.submit_realization(realization=realization, by=actors.enters)
    if state == RealizationState.SUBMITTED:
        return
    reporting_services.verify_realization(realization=realization, by=actors.verifies)
    if state == RealizationState.APPROVED:
        reporting_services.approve_realization(realization=realization, by=actors.approves)
    elif state == "returned":
        reason = demo_reporting.RETURN_REASONS[int(_draw(seed, "r") * len(demo_reporting.RETURN_REASONS))]
        reporting_services.return_realization(realization=realization, reason=reason, by=actors.returns)


# ---------------------------------------------------------------- clearing


def clear_contracts_demo() -> int:
    """Remove the demo's contracts, individual KPIs, cascades and SS supports of the plan year."""
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        return 0
    nips = [p.nip for p in org.people()]
    positions = [s.code for s in org.position_specs()]
    with transaction.atomic():
        found = Contract.objects.filter(plan_year=plan_year, employee__nip__in=nips)
        removed = found.count()
        found.filter(kind=ContractKind.REPLACEMENT).delete()
        found.delete()
        Kpi.all_kpis.filter(
            holder__code__in=positions, objective__map__plan_year=plan_year
        ).delete()  # their targets, links and cascades go with them
        maps = StrategyMap.objects.filter(plan_year=plan_year)
        Cascade.objects.filter(parent__objective__map__in=maps).delete()
        Kpi.all_kpis.filter(objective__map__in=maps, rolled_up=True).update(rolled_up=False)
        ObjectiveSupport.objects.filter(child__map__in=maps).delete()
    return removed


def _build(run: DemoRun) -> Counts:
    made = build_contracts_demo(stdout=run.report)
    return Counts(total=made.contracts, created=made.created)


STEP = DemoStep(
    "contracts",
    gettext_lazy("Kontrak kinerja, cascading dan realisasi IKI 2026"),
    _build,
    lambda run: clear_contracts_demo(),
)
