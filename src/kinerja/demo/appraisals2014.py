"""Demo plan year 2025 under the rules before 2026 (`kmk-467-2014`, issue 13): KPP Madya Malang's year, its 360°
behaviour assessment and its employees' NKP (CKP + NP).

The demo's main year is 2026 (`kmk-127-2026`: NHK, BerAKHLAK, NPK); the 360° assessment and the CKP/NP score
exist only under `kmk-467-2014`. These two steps, at the end of `kinerja.demo.build.STEPS`, give the demo a
closed 2025 for one office — KPP Madya Malang and its sections, 26 people — everything through the product's
services, acting as the demo logins where there is one:

* `year-2025` — plan year 2025 (`create_plan_year`, rule set `kmk-467-2014`) in the Renstra period of the
  2026 maps; the office's 2025 map loaded from the same planning workbook as its 2026 map
  (`planning.load_map`: import, submit by `pengelola.djp`, approve by `pimpinan.kpp.malang`; no milestones
  or progress reports, those of the workbook's manifest are 2026's); a contract for each of the 26 people,
  signed in January 2025 — the head carries the map's IKU with the perspectives' weights, everyone else
  one or two KPIs cascaded indirectly from the superior's contract (from the catalogue of their line of work,
  `kinerja.demo.iki`) and their own IKIs, weights totalling 100. The mover of 2026
  (`organisation.MOVES`) holds their 2025 post, Seksi Pengawasan I. Under the 2014 rules the individual
  KPIs are reported once, at the year's end (yearly frequency); the map's IKU keep the workbook's
  frequencies. The IKU's figures arrive in one import (`import_realizations`), the IKIs' one by one
  (`save_realization`); each gets its evidence and the three steps run in bulk by three people
  (`bulk_submit`, `bulk_verify`, `bulk_approve`). Then every 2025 period is closed (`close_period`: final
  snapshots, the map's NKO). A person's figures follow their rank in the office by their 2026 NKP (a strong
  performer was one the year before too), so someone may well be best in both years: a talent-pool candidate.
* `appraisal-360-2025` — a 360° campaign for each semester of 2025 on the office (`appraisals.campaigns`):
  created by `pengelola.djp` with self-rating (the rule set weighs it), raters generated from the
  organisation, the mover's raters edited by hand to the 2025 organisation (their superior and peers then
  were Seksi Pengawasan I's), launched, answered, closed; then `compute_scores` for the office and 2025.

The answers are believable and somewhat lenient, as such surveys are: each person has a level (the same
seeded draw as their 2026 BerAKHLAK level), each rater a small bias, oneself and a subordinate rating their
head a little kinder, and noise; the answers average about 88 with a spread of about 5, two thirds of them
between 85 and 98, so an ordinary rater is *not* flagged by the leniency checks (mean ≥ 90 with a spread
≤ 5, or ≥ 80 % of scores ≥ 91). Two raters give everything 95–100 (`LENIENT`): the diagnostics flag them.
A few forms are left unanswered (`MISSED`): the participation penalty (2 points each) shows in those raters'
NP. Nothing is set after the fact: the records are what `compute_scores` makes of these inputs.

Dates are set as they happened (the demo is built today): contracts signed in January 2025, each campaign
launched and closed in its semester's window, each answer dated within it.

Idempotent: a part that exists is left as it is (the year, the map, a person's contract, a realization, a
closed period, a campaign), and the scores are computed only while someone of the office has no 2025
record. `clear_*` remove it all for `kinerja demo --reset`.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import functools
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.appraisals import campaigns
from kinerja.appraisals.models import (
    CalibrationSession,
    Campaign,
    Nomination,
    RaterAssignment,
    RaterGroup,
    ScoreRecord,
)
from kinerja.appraisals.services import compute_scores
from kinerja.contracts import services as contract_services
from kinerja.contracts.models import (
    Cascade,
    CascadeMode,
    Contract,
    ContractKind,
    ContractKpi,
    ContractState,
    ObjectiveSupport,
)
from kinerja.meetings.models import NkoEndorsement
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.planning import services as planning_services
from kinerja.planning.models import Kpi, Objective, PeriodTarget, PlanPeriod, PlanYear, StrategyMap
from kinerja.reporting import services as reporting_services
from kinerja.reporting.models import (
    Evidence,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
)

from . import appraisals as demo_appraisals
from . import contracts as demo_contracts
from . import iki
from . import organisation as org
from . import planning as demo_planning
from . import reporting as demo_reporting
from .steps import Counts, DemoRun, DemoStep, demo_user

DEMO_YEAR = 2025
RULE_SET = "kmk-467-2014"
OWNER = "DJP-KPP-MADYA-MALANG"
MANAGER = "pengelola.djp"  # the office's performance manager (DJP's): campaigns and scores
CLOSER = "pengelola.kemenkeu"  # closes the periods, as in 2026
D = Decimal

# The two raters who give everything 95–100 (the leniency checks flag them), by employee slot.
LENIENT: frozenset[str] = frozenset(
    {
        "DJP-KPP-MADYA-MALANG-UMUM-KEPALA#1",  # rates the head, the two executors of the subdivision
        "DJP-KPP-MADYA-MALANG-FUNGSIONAL-1#2",  # rates three functional peers and the head
    }
)
# Forms left unanswered: (semester, rater slot, employee rated slot).
MISSED: frozenset[tuple[int, str, str]] = frozenset(
    {
        (1, "DJP-KPP-MADYA-MALANG-PENGAWASAN-II-PELAKSANA#2", "DJP-KPP-MADYA-MALANG-PENGAWASAN-II-KEPALA#1"),
        (
            1,
            "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-KEPALA#1",
            "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-PELAKSANA#1",
        ),
        (
            1,
            "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-KEPALA#1",
            "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-PELAKSANA#2",
        ),
        (2, "DJP-KPP-MADYA-MALANG-P3-PELAKSANA#1", "DJP-KPP-MADYA-MALANG-P3-PELAKSANA#2"),
    }
)
# How each semester's campaign ran: launched, due, closed.
WINDOWS: dict[int, tuple[dt.date, dt.date, dt.date]] = {
    1: (dt.date(DEMO_YEAR, 6, 16), dt.date(DEMO_YEAR, 7, 11), dt.date(DEMO_YEAR, 7, 18)),
    2: (dt.date(DEMO_YEAR, 12, 8), dt.date(DEMO_YEAR + 1, 1, 9), dt.date(DEMO_YEAR + 1, 1, 16)),
}
# Oneself a little kinder, a subordinate rating their head a little kinder too (the usual pattern).
GROUP_SHIFT = {
    RaterGroup.SELF: 3.0,
    RaterGroup.SUBORDINATE: 1.0,
    RaterGroup.PEER: 0.0,
    RaterGroup.SUPERIOR: -1.0,
}

_draw = demo_appraisals._draw


# ---------------------------------------------------------------- who is who


def _owner() -> Unit | None:
    return Unit.objects.filter(code=OWNER).first()


def _members() -> list[org.Person]:
    """The office's people as they were in 2025 (a mover in their former post)."""
    return [p for p in org.people() if p.position_code == OWNER or p.position_code.startswith(f"{OWNER}-")]


@functools.cache
def _slot_of() -> dict[str, str]:
    return {p.nip: p.slot for p in org.people()}


def _level(nip: str) -> float:
    """A person's behaviour in the year, 0–1: the seeded draw of their 2026 BerAKHLAK level (a colleague
    esteemed in 2026 was esteemed in 2025)."""
    return _draw(nip, "level")


def _work_levels(people: list[org.Person]) -> dict[str, float]:
    """Each person's work in 2025, 0–1: their rank in the office by their 2026 NKP when the 2026 scores are
    there (a strong performer was one the year before too), else a seeded draw."""
    current: dict[str, Decimal | None] = {}
    for nip, nkp in (
        ScoreRecord.objects.filter(
            plan_year__year=demo_reporting.DEMO_YEAR, employee__nip__in=[p.nip for p in people]
        )
        .order_by("employee_id", "-computed_at", "-pk")
        .values_list("employee__nip", "nkp")
    ):
        current.setdefault(nip, nkp)  # the latest record is the current one
    latest = {nip: nkp for nip, nkp in current.items() if nkp is not None}
    ranked = sorted(latest, key=lambda nip: (latest[nip], nip))
    rank = {nip: i / max(1, len(ranked) - 1) for i, nip in enumerate(ranked)}
    return {p.nip: rank.get(p.nip, _draw(p.nip, "work")) for p in people}


# ---------------------------------------------------------------- the year and its map


def _plan_year() -> PlanYear:
    spec = demo_planning.MANIFEST.plan_period
    period = PlanPeriod.objects.filter(
        start_year=spec["start_year"], end_year=spec["end_year"]
    ).first() or planning_services.create_plan_period(by=None, **spec)
    return PlanYear.objects.filter(year=DEMO_YEAR).first() or planning_services.create_plan_year(
        plan_period=period, year=DEMO_YEAR, rule_set=RULE_SET, by=None
    )


def _map(unit: Unit, plan_year: PlanYear) -> tuple[StrategyMap, bool]:
    found = StrategyMap.objects.filter(unit=unit, plan_year=plan_year).first()
    if found is not None:
        return found, False
    entry = next(e for e in demo_planning.DEMO_MAPS if e.unit == OWNER)
    # the manifest's milestones, progress reports and risk monitoring are dated 2026: not for 2025
    entry = dataclasses.replace(entry, milestones=(), progress=(), risk_monitoring=())
    return demo_planning.load_map(entry, unit, plan_year), True


# ---------------------------------------------------------------- contracts


class _Holder(demo_contracts.Holder):
    """A demo employee in the post they held in 2025."""

    def __init__(self, employee: Employee, person: org.Person, position: Position) -> None:
        super().__init__(employee, person, int(person.slot.rsplit("#", 1)[1]))
        self._position = position

    @property
    def position(self) -> Position:
        return self._position


def _holders() -> list[_Holder]:
    persons = {p.nip: p for p in _members()}
    employees = {e.nip: e for e in Employee.objects.filter(nip__in=list(persons), is_active=True)}
    positions = {
        p.code: p
        for p in Position.objects.filter(code__in={p.position_code for p in persons.values()}).select_related(
            "unit", "superior"
        )
    }
    found = [
        _Holder(employees[nip], person, positions[person.position_code])
        for nip, person in persons.items()
        if nip in employees and person.position_code in positions
    ]
    # superiors first: the office's head, the section heads, then their staff
    return sorted(
        found, key=lambda h: (h.position.unit.depth, not h.position.is_head, h.position.code, h.person.slot)
    )


def _signing_day(holder: _Holder) -> dt.date:
    depth = holder.position.unit.depth
    day = dt.date(DEMO_YEAR, 1, min(6 + depth * 3 + (0 if holder.position.is_head else 3), 29))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _yearly(template: iki.Template) -> iki.Template:
    """The catalogue's KPI as reported under the 2014 rules: once, at the year's end."""
    return dataclasses.replace(template, frequency="yearly")


def _fill_head(contract: Contract) -> None:
    entries = list(contract.kpis.select_related("kpi__objective__perspective").order_by("order", "pk"))
    weights = demo_contracts._map_weights([e.kpi for e in entries])
    for entry in entries:
        contract_services.update_contract_kpi(entry=entry, fields={"weight": weights[entry.kpi_id]}, by=None)


def _fill_member(
    contract: Contract, holder: _Holder, superior_contract: Contract | None, strategy_map: StrategyMap
) -> None:
    """One or two KPIs cascaded indirectly from the superior's contract, then own IKIs, weights to 100."""
    templates = iki.templates_for(f"{holder.position.title_id} {holder.position.unit.name_id}")
    rotate = (holder.number - 1) % len(templates)
    templates = tuple(_yearly(t) for t in templates[rotate:] + templates[:rotate])
    wanted = 2 if holder.position.is_head else 1
    parents = demo_contracts._parents_for(superior_contract, holder, set())[:wanted]
    entries: list[ContractKpi] = []
    number = 0
    for i, parent in enumerate(parents):
        template = templates[i % len(templates)]
        number += 1
        entries.append(
            contract_services.cascade_to(
                parent=parent,
                contract=contract,
                mode=CascadeMode.INDIRECT,
                code=f"IKI-{holder.number}.{number}",
                fields=demo_contracts._manual(template, holder),
                trajectory=[template.target],
                by=None,
            )
        )
    objective = (
        entries[0].kpi.objective
        if entries
        else Objective.objects.filter(map=strategy_map).order_by("perspective__order", "code").first()
    )
    assert objective is not None
    own = [t for t in templates if t.name_id not in {e.kpi.name_id for e in entries}]
    for template in own[: max(1, 4 - len(entries))]:
        number += 1
        entries.append(
            contract_services.add_individual_kpi(
                contract=contract,
                objective=objective,
                code=f"IKI-{holder.number}.{number}",
                fields=demo_contracts._manual(template, holder),
                trajectory=[template.target],
                by=None,
            )
        )
    for entry, weight in zip(entries, demo_contracts._weights(len(entries)), strict=True):
        contract_services.update_contract_kpi(entry=entry, fields={"weight": weight}, by=None)


def _build_contracts(plan_year: PlanYear, strategy_map: StrategyMap) -> int:
    have = set(Contract.objects.filter(plan_year=plan_year).values_list("employee_id", flat=True))
    made = 0
    for holder in _holders():
        if holder.employee.pk in have:
            continue
        contract = contract_services.create_contract(
            employee=holder.employee,
            plan_year=plan_year,
            position=holder.position,
            by=demo_user(MANAGER),
            with_map_kpis=holder.position.unit_id == strategy_map.unit_id and holder.position.is_head,
        )
        if contract_services.holder_map(contract) is not None:
            _fill_head(contract)
        else:
            superior = (
                Contract.objects.filter(employee=contract.superior, plan_year=plan_year).first()
                if contract.superior_id
                else None
            )
            _fill_member(contract, holder, superior, strategy_map)
        demo_contracts._sign(contract, _signing_day(holder))
        made += 1
    return made


# ---------------------------------------------------------------- realizations and closing


def _value(kpi: Kpi, target: Decimal, nip: str, label: str, level: float) -> Decimal:
    """An IKI's realization: the holder's work level (94–108 % of target) and a little noise."""
    rng = random.Random(f"{nip}|{kpi.code}|{label}")
    index = D(str(round(94 + 14 * level + rng.uniform(-3, 3), 2))) / 100
    high, step = demo_reporting.unit_bounds(kpi)
    value = target * index if kpi.polarity != "min" else target * (2 - index)
    if high is not None:
        value = min(high, value)
    return max(D(0), value).quantize(step)


def _analysis(kpi: Kpi, period: ReportingPeriod) -> str:
    seed = f"{kpi.holder.code if kpi.holder else OWNER}|{kpi.code}|{period.label}"
    return demo_reporting.ANALYSES[int(_draw(seed, "a") * len(demo_reporting.ANALYSES))]


def _build_realizations(plan_year: PlanYear, strategy_map: StrategyMap) -> int:
    """Every period of every KPI of the year's signed contracts, entered with its evidence and approved.

    The map's IKU arrive in one import of the year's figures (`import_realizations`, as from the source
    applications), the IKIs one by one (`save_realization`); each gets its evidence, then the three steps
    run in bulk (`bulk_submit`, `bulk_verify`, `bulk_approve`) by three different people — which also keeps
    the map's score recomputations to one batch per step."""
    reporting_services.ensure_periods(plan_year)
    periods = list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))
    if any(p.state == PeriodState.CLOSED for p in periods):
        return 0  # built already: a closed year takes nothing more
    entries = list(
        ContractKpi.objects.filter(contract__plan_year=plan_year, contract__state=ContractState.SIGNED)
        .select_related(
            "contract__employee",
            "kpi__holder__unit",
            "kpi__objective__map__unit",
            "kpi__objective__map__plan_year",
        )
        .order_by("contract__employee__nip", "order", "pk")
    )
    kpis = [e.kpi for e in entries if not e.kpi.rolled_up]
    targets = {
        (k, n): t
        for k, n, t in PeriodTarget.objects.filter(kpi__in=kpis).values_list("kpi_id", "period", "target")
    }
    existing = set(
        Realization.objects.filter(kpi__in=kpis, period__plan_year=plan_year).values_list(
            "kpi_id", "period_id"
        )
    )
    actors = demo_reporting._actors(OWNER)
    levels = _work_levels(_members())
    rows = io.StringIO()
    sheet = csv.writer(rows)
    sheet.writerow(["kode_iku", "periode", "realisasi", "analisis"])
    imported = 0
    for entry in entries:
        kpi, nip = entry.kpi, entry.contract.employee.nip
        if kpi.rolled_up:
            continue
        for period in periods:
            if period.frequency != kpi.frequency or (kpi.pk, period.pk) in existing:
                continue
            target = targets.get((kpi.pk, period.number), kpi.target)
            if target is None:
                continue
            if kpi.holder_id is None:  # the map's IKU: the figures the reporting demo would type
                sheet.writerow(
                    [
                        kpi.code,
                        period.label,
                        demo_reporting._value(kpi, target, period.label),
                        _analysis(kpi, period),
                    ]
                )
                imported += 1
            else:
                reporting_services.save_realization(
                    kpi=kpi,
                    period=period,
                    value=_value(kpi, target, nip, period.label, levels.get(nip, 0.5)),
                    analysis=_analysis(kpi, period),
                    by=actors.enters,
                )
    if imported:
        result = reporting_services.import_realizations(
            source=io.BytesIO(rows.getvalue().encode()),
            name=f"realisasi-{OWNER}-{DEMO_YEAR}.csv",
            strategy_map=strategy_map,
            by=actors.enters,
        )
        if not result.written:
            raise demo_planning.DemoDataError("; ".join(p.text() for p in result.problems))
    drafts = list(
        Realization.objects.filter(period__plan_year=plan_year, state=RealizationState.DRAFT)
        .select_related("kpi__holder", "kpi__objective__map", "period")
        .order_by("pk")
    )
    for realization in drafts:
        kpi, period = realization.kpi, realization.period
        name = f"data-dukung-{kpi.code}-{period.label}.pdf"
        reporting_services.add_evidence(
            realization=realization,
            upload=ContentFile(demo_reporting._pdf(f"{kpi.code} {period.label}"), name=name),
            name=name,
            by=actors.enters,
        )
    for step, actor in (
        (reporting_services.bulk_submit, actors.enters),
        (reporting_services.bulk_verify, actors.verifies),
        (reporting_services.bulk_approve, actors.approves),
    ):
        refused = [r.message for r in step(realizations=drafts, by=actor) if not r.ok]
        if refused:
            raise demo_planning.DemoDataError("; ".join(refused[:5]))
    return len(drafts)


def _close_periods(plan_year: PlanYear) -> int:
    closer = demo_user(CLOSER)
    closed = 0
    for period in ReportingPeriod.objects.filter(plan_year=plan_year, state=PeriodState.OPEN).order_by(
        "end", "start"
    ):
        reporting_services.close_period(period=period, by=closer)
        closed += 1
    return closed


@dataclass
class YearCounts:
    contracts: int = 0
    created: int = 0
    realizations: int = 0
    closed: int = 0


def build_year_demo(stdout: Callable[[str], Any] | None = None) -> YearCounts:
    """Plan year 2025 (`kmk-467-2014`), KPP Madya Malang's map, contracts and approved realizations, closed."""
    counts = YearCounts()
    unit = _owner()
    if unit is None:
        if stdout:
            stdout(f"  unit {OWNER} belum ada: lewati")
        return counts
    with transaction.atomic():
        plan_year = _plan_year()
        strategy_map, new_map = _map(unit, plan_year)
        counts.created = int(new_map) + _build_contracts(plan_year, strategy_map)
        counts.contracts = Contract.objects.filter(plan_year=plan_year).count()
        counts.realizations = _build_realizations(plan_year, strategy_map)
        counts.closed = _close_periods(plan_year)
        if stdout:
            signed = Contract.objects.filter(plan_year=plan_year, state=ContractState.SIGNED).count()
            stdout(
                f"  {OWNER} {DEMO_YEAR} ({plan_year.rule_set}): peta {strategy_map.get_state_display()}, "
                f"{counts.contracts} kontrak ({signed} ditandatangani), {counts.realizations} realisasi baru, "
                f"{counts.closed} periode ditutup"
            )
    return counts


# ---------------------------------------------------------------- the 360° campaigns


def score(rater: str, employee: str, group: str, semester: int, aspect: str) -> Decimal:
    """One answer, 0–100 in whole points: the person's level (82–90), the rater's bias (−3.5…+1), the
    group's shift, and noise (±6); a lenient rater's is 95–100 whatever the person."""
    rng = random.Random(f"{rater}|{employee}|{semester}|{aspect}")
    if _slot_of().get(rater) in LENIENT:
        return D(rng.randint(95, 100))
    level = 82 + 8 * _level(employee)
    bias = -3.5 + 4.5 * _draw(rater, "bias") if rater != employee else 0.0
    value = level + bias + GROUP_SHIFT.get(RaterGroup(group), 0.0) + rng.uniform(-6, 6)
    return D(max(60, min(100, round(value))))


def _answer_time(semester: int, rater: str, employee: str) -> dt.datetime:
    launched, due, _closed = WINDOWS[semester]
    days = (due - launched).days
    day = launched + dt.timedelta(days=int(_draw(rater, employee, semester, "day") * (days + 1)))
    hour = 8 + int(_draw(rater, employee, semester, "hour") * 9)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, int(_draw(rater, "m") * 60))))


def _as_in_2025(campaign: Campaign, by: Any) -> int:
    """The mover's forms as the 2025 organisation gives them: rated by their superior and peer in Seksi
    Pengawasan I (their post until July 2026), rating that superior, no longer rating or rated by Seksi PKD —
    the rater list a manager edits before launch."""
    mover = next((p for p in _members() if p.slot in org.moves()), None)
    if mover is None:
        return 0
    employee = Employee.objects.filter(nip=mover.nip).first()
    position = Position.objects.filter(code=mover.position_code).first()
    if employee is None or position is None or position.superior_id is None:
        return 0
    boss = Employee.objects.filter(position_id=position.superior_id, is_active=True).order_by("nip").first()
    peers = list(
        Employee.objects.filter(position=position, is_active=True).exclude(pk=employee.pk).order_by("nip")
    )
    for assignment in (
        campaign.assignments.filter(employee=employee)
        .exclude(group=RaterGroup.SELF)
        .select_related("campaign")
    ):
        campaigns.remove_rater(assignment=assignment, by=by)
    for assignment in (
        campaign.assignments.filter(rater=employee).exclude(group=RaterGroup.SELF).select_related("campaign")
    ):
        campaigns.remove_rater(assignment=assignment, by=by)
    edits = 0
    wanted: list[tuple[Employee, Employee, str]] = []
    if boss is not None:
        wanted += [(employee, boss, RaterGroup.SUPERIOR), (boss, employee, RaterGroup.SUBORDINATE)]
    for peer in peers:
        wanted += [(employee, peer, RaterGroup.PEER), (peer, employee, RaterGroup.PEER)]
    for rated, rater, group in wanted:
        campaigns.add_rater(campaign=campaign, employee=rated, rater=rater, group=group, by=by)
        edits += 1
    return edits


def _run_campaign(unit: Unit, plan_year: PlanYear, semester: int) -> tuple[Campaign, int, int]:
    """Create, staff, launch, answer and close one semester's campaign; (campaign, answered, missed)."""
    manager = demo_user(MANAGER)
    launched, due, closed = WINDOWS[semester]
    campaign = campaigns.create_campaign(
        unit=unit,
        plan_year=plan_year,
        semester=semester,
        by=manager,
        allow_self=campaigns.self_rating_allowed(plan_year),
        due_date=due,
    )
    campaigns.generate_raters(campaign, by=manager)
    _as_in_2025(campaign, manager)
    campaigns.launch(campaign=campaign, by=manager)
    slots = _slot_of()
    assignments = list(
        campaign.assignments.select_related("campaign", "employee__position", "rater").order_by("pk")
    )
    users = demo_appraisals._users_by_employee({a.rater_id for a in assignments})
    answered = missed = 0
    for a in assignments:
        if (semester, slots.get(a.rater.nip), slots.get(a.employee.nip)) in MISSED:
            missed += 1
            continue
        values = {
            aspect: score(a.rater.nip, a.employee.nip, a.group, semester, aspect)
            for aspect in campaigns.aspects_for(a.employee)
        }
        campaigns.save_answer(assignment=a, scores=values, by=users.get(a.rater_id))
        a.submitted_at = _answer_time(semester, a.rater.nip, a.employee.nip)
        answered += 1
    RaterAssignment.objects.bulk_update([a for a in assignments if a.submitted_at], ["submitted_at"])
    campaigns.close(campaign=campaign, by=manager)
    Campaign.objects.filter(pk=campaign.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(launched - dt.timedelta(days=5), dt.time(9))),
        launched_at=timezone.make_aware(dt.datetime.combine(launched, dt.time(8, 30))),
        closed_at=timezone.make_aware(dt.datetime.combine(closed, dt.time(16))),
    )
    return campaign, answered, missed


@dataclass
class CampaignCounts:
    campaigns: int = 0
    created: int = 0
    answered: int = 0
    missed: int = 0
    scores: int = 0


def build_campaign_demo(stdout: Callable[[str], Any] | None = None) -> CampaignCounts:
    """The two 2025 campaigns on KPP Madya Malang, closed, and the office's 2025 scores."""
    counts = CampaignCounts()
    unit = _owner()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR, rule_set=RULE_SET).first()
    if unit is None or plan_year is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} ({RULE_SET}) atau unit {OWNER} belum ada: lewati")
        return counts
    with transaction.atomic():
        for semester in (1, 2):
            counts.campaigns += 1
            if Campaign.objects.filter(unit=unit, plan_year=plan_year, semester=semester).exists():
                continue
            _campaign, answered, missed = _run_campaign(unit, plan_year, semester)
            counts.created += 1
            counts.answered += answered
            counts.missed += missed
        people = Employee.objects.filter(nip__in=[p.nip for p in _members()], is_active=True)
        scored = ScoreRecord.objects.filter(plan_year=plan_year, employee__in=people)
        if people.exclude(pk__in=scored.values("employee_id")).exists():
            records = compute_scores(unit=unit, plan_year=plan_year, by=demo_user(MANAGER))
            counts.scores = len(records)
        if stdout:
            complete = ScoreRecord.objects.filter(plan_year=plan_year, nkp__isnull=False).values(
                "employee_id"
            )
            stdout(
                f"  {counts.campaigns} penilaian 360° {DEMO_YEAR} ditutup ({counts.created} baru: "
                f"{counts.answered} formulir diisi, {counts.missed} tidak diisi); {counts.scores} nilai kinerja "
                f"{DEMO_YEAR} dihitung ({complete.distinct().count()} pegawai dengan NKP)"
            )
    return counts


# ---------------------------------------------------------------- clearing


def clear_campaign_demo() -> int:
    """Remove the 2025 scores, calibration sessions and campaigns (their answers go with them)."""
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        return 0
    removed = 0
    with transaction.atomic():
        # the rewards nominations cite score records (protected): they go with them
        removed += Nomination.objects.filter(score_record__plan_year=plan_year).delete()[0]
        removed += ScoreRecord.objects.filter(plan_year=plan_year).delete()[0]
        removed += CalibrationSession.objects.filter(plan_year=plan_year).delete()[0]
        removed += Campaign.objects.filter(plan_year=plan_year).delete()[0]
    return removed


def clear_year_demo() -> int:
    """Remove plan year 2025 and what hangs on it: realizations with their files, snapshots, periods,
    contracts, IKIs, cascades, supports, the office's map (the year too when no other map uses it)."""
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        return 0
    removed = 0
    with transaction.atomic():
        # the office's only: other units' 2025 (DJBC's historical import) share the year and its periods
        office_kpis = Q(kpi__objective__map__unit__code=OWNER)
        for item in Evidence.objects.filter(
            realization__period__plan_year=plan_year, realization__kpi__objective__map__unit__code=OWNER
        ):
            item.file.delete(save=False)
        # an endorsed NKO protects the snapshot it froze: the office's 2025 endorsement goes with its basis
        NkoEndorsement.objects.filter(unit__code=OWNER, year=DEMO_YEAR).delete()
        ScoreSnapshot.objects.filter(period__plan_year=plan_year, strategy_map__unit__code=OWNER).delete()
        removed += Realization.objects.filter(office_kpis, period__plan_year=plan_year).delete()[0]
        found = Contract.objects.filter(plan_year=plan_year, employee__nip__in=[p.nip for p in org.people()])
        removed += found.count()
        found.filter(kind=ContractKind.REPLACEMENT).delete()
        found.delete()
        maps = StrategyMap.objects.filter(plan_year=plan_year, unit__code=OWNER)
        Kpi.all_kpis.filter(holder__isnull=False, objective__map__in=maps).delete()
        Cascade.objects.filter(parent__objective__map__in=maps).delete()
        ObjectiveSupport.objects.filter(child__map__in=maps).delete()
        for strategy_map in maps:
            strategy_map.delete()
            removed += 1
        still_used = (
            StrategyMap.objects.filter(plan_year=plan_year).exists()
            or Campaign.objects.filter(plan_year=plan_year).exists()
            or Contract.objects.filter(plan_year=plan_year).exists()
        )
        if not still_used:
            ReportingPeriod.objects.filter(plan_year=plan_year).delete()
            plan_year.delete()
    return removed


def _build_year(run: DemoRun) -> Counts:
    made = build_year_demo(stdout=run.report)
    return Counts(total=made.contracts + made.realizations, created=made.created + made.realizations)


def _build_campaigns(run: DemoRun) -> Counts:
    made = build_campaign_demo(stdout=run.report)
    return Counts(total=made.campaigns, created=made.created)


YEAR_STEP = DemoStep(
    "year-2025",
    gettext_lazy("Tahun 2025 (KMK 467/2014) KPP Madya Malang: peta, kontrak, realisasi akhir tahun"),
    _build_year,
    lambda run: clear_year_demo(),
)
CAMPAIGN_STEP = DemoStep(
    "appraisal-360-2025",
    gettext_lazy("Penilaian perilaku 360° semester I–II dan NKP 2025 KPP Madya Malang"),
    _build_campaigns,
    lambda run: clear_campaign_demo(),
)
