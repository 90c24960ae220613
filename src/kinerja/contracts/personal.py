"""A person's scorecard: their contract KPIs for a period, each KPI's index, and the contract's score.

Every figure comes from the scoring core (`kinerja.scoring`): a KPI's index and status from `score_kpi`
(its periods' targets and counted realizations consolidated up to the period, `scoring.md` §1–§3), the
contract's score from the employee functions — under `kmk-467-2014` the CKP (§6: weighted mean of the
indices, `score_employee_2014`), under `kmk-127-2026` the NHK (§7.3: quality values `min(cap, c × K3)`
weighted by `K3 × d`, `score_employee_2026`, K3 from the contract's fields, §7.2). Nothing is computed here.

A person's year may hold two contracts (a replacement, rule 16): both count, each KPI with `d_i` the days
its contract covers (`Contract.days`, up to the period for a period's view), as §7.3 says. `nhk_inputs`
builds those core inputs for the whole year. Only signed contracts (or signed and since ended) count, and
only realizations in a state the score counts (`KINERJA_SCORED_STATES`, approved by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from kinerja.accounts.scope import Viewer, reaches
from kinerja.organisations.models import Employee
from kinerja.planning import scoring_bridge
from kinerja.planning.models import Kpi, PeriodTarget, PlanYear
from kinerja.reporting import conf
from kinerja.reporting.explaining import error_text
from kinerja.reporting.models import Realization, ReportingPeriod
from kinerja.scoring import (
    Consolidation,
    Controllability,
    EmployeeKpi,
    KpiKind,
    KpiResult,
    NkpMethod,
    PeriodValue,
    Polarity,
    RuleSet,
    ScoringError,
    ScoringErrors,
    Validity,
    score_kpi,
)
from kinerja.scoring import Employee as CoreEmployee
from kinerja.scoring.nkp2014 import score_employee_2014
from kinerja.scoring.nkp2026 import score_employee_2026

from .models import REPORTING_CONTRACT_STATES, Cascade, Contract, ContractKpi
from .rollup import RollUp, roll_up_kpi

__all__ = [
    "PersonalKpi",
    "PersonalScorecard",
    "contract_period",
    "contracts_for",
    "core_kpi",
    "latest_period",
    "nhk_inputs",
    "personal_scorecard",
]


@dataclass
class PersonalKpi:
    """One contract KPI in the person's scorecard as of a period."""

    entry: ContractKpi
    core: EmployeeKpi
    period: ReportingPeriod | None  # the KPI's own period ending with the chosen one (None: not its period)
    realization: Realization | None  # its realization in that period, in any state
    result: KpiResult | None = None
    weight: Decimal | None = None  # its share of the contract score (0–1), None when left out
    k3: Decimal | None = None
    error: str = ""  # why the core cannot score it, in the user's language

    @property
    def kpi(self) -> Kpi:
        return self.entry.kpi

    @property
    def contract(self) -> Contract:
        return self.entry.contract

    @property
    def index(self) -> Decimal | None:
        return None if self.result is None else self.result.index

    @property
    def share_percent(self) -> Decimal | None:
        """Its share of the contract score in percent."""
        return None if self.weight is None else self.weight * 100

    @property
    def status(self) -> str | None:
        if self.result is None or self.result.status is None:
            return None
        return str(self.result.status.value)

    @property
    def target(self) -> Decimal | None:
        """The target as of the period (consolidated like the realization), else the year's."""
        if self.result is not None and self.result.target is not None:
            return self.result.target
        return self.entry.target

    @property
    def consolidated(self) -> Decimal | None:
        """The realization as of the period that the index reads (counted states only)."""
        return None if self.result is None else self.result.realization


@dataclass
class PersonalScorecard:
    """A person's contract KPIs and contract score as of a period (`score` None = N/A, never 0)."""

    employee: Employee
    period: ReportingPeriod
    rules: RuleSet
    contracts: list[Contract]
    rows: list[PersonalKpi]
    method: str  # "ckp" (kmk-467-2014) or "nhk" (kmk-127-2026)
    score: Decimal | None = None
    calibrated: Decimal | None = None  # NHK calibrated (§7.3); None under CKP
    missing: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the core's errors in the user's language

    @property
    def complete(self) -> bool:
        return bool(self.rows) and not self.missing and not self.errors


def contracts_for(employee: Employee, plan_year: PlanYear, *, until: dt.date | None = None) -> list[Contract]:
    """The person's signed (or signed and ended) contracts of the year, begun by `until`, oldest first."""
    found = Contract.objects.filter(
        employee=employee, plan_year=plan_year, state__in=[str(s) for s in REPORTING_CONTRACT_STATES]
    )
    if until is not None:
        found = found.filter(start__lte=until)
    return list(found.select_related("position__unit", "unit", "plan_year").order_by("start", "pk"))


def latest_period(employee: Employee, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period a person's scorecard opens on: the last period ended by today of the most common frequency
    among their newest contract's KPIs (else that year's first period); None without a signed contract."""
    day = today or timezone.localdate()
    contract = (
        Contract.objects.filter(employee=employee, state__in=[str(s) for s in REPORTING_CONTRACT_STATES])
        .order_by("-plan_year__year", "-start")
        .first()
    )
    if contract is None:
        return None
    return contract_period(contract, today=day)


def contract_period(contract: Contract, *, today: dt.date | None = None) -> ReportingPeriod | None:
    """The period a contract's scorecard opens on: the last period of its year ended by today of the most common
    frequency among its KPIs (else that year's first period)."""
    day = today or timezone.localdate()
    frequencies = [f for f in contract.kpis.values_list("kpi__frequency", flat=True)]
    frequency = max(set(frequencies), key=frequencies.count) if frequencies else "quarterly"
    periods = list(
        ReportingPeriod.objects.filter(plan_year_id=contract.plan_year_id, frequency=frequency).order_by(
            "end"
        )
    )
    ended = [p for p in periods if p.end <= day]
    if ended:
        return ended[-1]
    return periods[0] if periods else None


def _days(contract: Contract, as_of: ReportingPeriod | None) -> int:
    """`d_i` of §7.3: the days the contract covers, up to the end of the period for a period's view."""
    end = contract.end if as_of is None else min(contract.end, as_of.end)
    return max((end - contract.start).days + 1, 0)


def _enum(kind: type, value: str | None) -> object:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def _rows(employee: Employee, plan_year: PlanYear, as_of: ReportingPeriod | None) -> list[PersonalKpi]:
    """One `PersonalKpi` per KPI of each counted contract, its core input built from the contract's frozen
    trajectory (else the KPI's) and the counted realizations of the periods its contract covers. Five
    queries whatever the number of KPIs."""
    contracts = contracts_for(employee, plan_year, until=None if as_of is None else as_of.end)
    if not contracts:
        return []
    entries = list(
        ContractKpi.objects.filter(contract__in=contracts)
        .select_related("kpi__objective", "kpi__holder__unit", "contract")
        .order_by("contract__start", "order", "pk")
    )
    by_contract = {c.pk: c for c in contracts}
    for entry in entries:
        entry.contract = by_contract[entry.contract_id]
    kpi_ids = {e.kpi_id for e in entries}
    periods = list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))
    if as_of is not None:
        periods = [p for p in periods if p.end <= as_of.end]
    targets: dict[int, dict[int, Decimal]] = {}
    # unordered: the model's ordering joins five tables to sort rows kept in a dict (a tax office's
    # targets took 0.28 s of a ministry's database)
    for kpi_id, number, value in (
        PeriodTarget.objects.filter(kpi_id__in=kpi_ids).order_by().values_list("kpi_id", "period", "target")
    ):
        targets.setdefault(kpi_id, {})[number] = value
    states = conf.scored_states()
    realizations = {
        (r.kpi_id, r.period_id): r for r in Realization.objects.filter(kpi_id__in=kpi_ids, period__in=periods)
    }
    rows: list[PersonalKpi] = []
    for entry in entries:
        kpi = entry.kpi
        core = core_kpi(entry, periods, targets, realizations, states, as_of)
        own_period = None
        if as_of is not None:
            own_period = next(
                (p for p in periods if p.frequency == kpi.frequency and p.end == as_of.end), None
            )
        rows.append(
            PersonalKpi(
                entry,
                core,
                own_period,
                realizations.get((kpi.pk, own_period.pk)) if own_period is not None else None,
            )
        )
    return rows


def core_kpi(
    entry: ContractKpi,
    periods: Sequence[ReportingPeriod],
    targets: dict[int, dict[int, Decimal]],
    realizations: dict[tuple[int, int], Realization],
    states: Collection[str],
    as_of: ReportingPeriod | None,
) -> EmployeeKpi:
    """The scoring core's input of one contract KPI (`entry.contract` set): the contract's frozen trajectory
    (else the KPI's period `targets`), the periods of the plan year its contract covers (`periods`, in time
    order, up to `as_of`), the `realizations` by (KPI, period) counted when in `states`, and `days` = the
    days its contract covers (§7.3). Shared by `nhk_inputs` and the set-based appraisal inputs."""
    kpi, contract = entry.kpi, entry.contract
    frozen = {int(n): Decimal(v) for n, v in (entry.trajectory or {}).items()}
    own = frozen or targets.get(kpi.pk, {})
    year_target = entry.target if entry.target is not None else kpi.target
    band = year_target is None and kpi.target_low is not None and kpi.target_high is not None
    values: list[PeriodValue] = []
    for p in periods:
        if p.frequency != kpi.frequency or p.end < contract.start or p.start > contract.end:
            continue
        target = own.get(p.number)
        if target is None and kpi.period_count == 1:
            target = year_target
        found = realizations.get((kpi.pk, p.pk))
        values.append(
            PeriodValue(
                period=p.label,
                target=None if band else target,
                realization=found.value if found is not None and found.state in states else None,
                target_low=kpi.target_low if band else None,
                target_high=kpi.target_high if band else None,
            )
        )
    return EmployeeKpi(
        code=kpi.code,
        name=kpi.name,
        polarity=Polarity(kpi.polarity),
        target=year_target,
        target_low=kpi.target_low,
        target_high=kpi.target_high,
        worst=kpi.worst,
        consolidation=Consolidation(kpi.consolidation),
        periods=tuple(values),
        cap_on_target=kpi.cap_on_target,
        weight=entry.weight,
        validity=_enum(Validity, kpi.validity),  # type: ignore[arg-type]
        controllability=_enum(Controllability, kpi.controllability),  # type: ignore[arg-type]
        kind=KpiKind(entry.kind),
        target_prev=entry.target_prev,
        realization_prev=entry.realization_prev,
        fixed_target=entry.fixed_target,
        days=Decimal(_days(contract, as_of)),
    )


def nhk_inputs(employee: Employee, plan_year: PlanYear) -> list[EmployeeKpi]:
    """The scoring core's `EmployeeKpi` rows of the person's year (§7.3): every KPI of each signed contract,
    `days` = the days its contract covers (a replacement on 1 July: 181 and 184 in 2026), the K3 inputs
    from the contract KPI, the periods its contract covers with their counted realizations."""
    return [row.core for row in _rows(employee, plan_year, None)]


def _weighted_2014(rows: Sequence[PersonalKpi]) -> list[EmployeeKpi]:
    """CKP inputs: the contract weights; with two contracts in the year each weight is scaled by its
    contract's days (§7.3's day weighting, the CKP's own weighted mean does the rest)."""
    contracts = {row.entry.contract_id for row in rows}
    if len(contracts) < 2:
        return [row.core for row in rows]
    out = []
    for row in rows:
        core = row.core
        days = core.days or Decimal(0)
        weight = (
            core.weight * days
            if core.weight is not None
            else (days if all(r.core.weight is None for r in rows) else None)
        )
        out.append(
            EmployeeKpi(
                code=core.code,
                name=core.name,
                polarity=core.polarity,
                target=core.target,
                target_low=core.target_low,
                target_high=core.target_high,
                worst=core.worst,
                consolidation=core.consolidation,
                periods=core.periods,
                cap_on_target=core.cap_on_target,
                weight=weight,
                validity=core.validity,
                controllability=core.controllability,
                kind=core.kind,
                target_prev=core.target_prev,
                realization_prev=core.realization_prev,
                fixed_target=core.fixed_target,
                days=core.days,
            )
        )
    return out


def _messages(error: ScoringError | ScoringErrors) -> list[str]:
    """Each of the core's errors in the user's language, from its code (the core's message is English); the
    page is about one person, so the errors do not repeat their NIP."""
    return [error_text(e, name_employee=False) for e in error.errors]


def personal_scorecard(employee: Employee, period: ReportingPeriod) -> PersonalScorecard:
    """The person's contract KPIs as of `period` (index and status each) and the contract's score.

    The contracts counted are the person's signed ones of the period's plan year begun by the period's
    end; each KPI reads the periods its contract covers up to `period`.
    """
    plan_year = period.plan_year
    rules = scoring_bridge.rule_set(plan_year.rule_set)
    method = "nhk" if rules.nkp_method.value is NkpMethod.NHK_NPK else "ckp"
    rows = _rows(employee, plan_year, period)
    card = PersonalScorecard(
        employee, period, rules, contracts_for(employee, plan_year, until=period.end), rows, method
    )
    for row in rows:
        try:
            row.result = score_kpi(row.core, rules=rules)
        except ScoringError as error:
            row.error = error_text(error)
    if not rows:
        return card
    person = CoreEmployee(nip=employee.nip, name=employee.name)
    try:
        if method == "nhk":
            person.kpis = tuple(row.core for row in rows)
            result = score_employee_2026(person, rules=rules)
            card.score, card.calibrated = result.nhk, result.nhk_calibrated
            for row, scored in zip(rows, result.kpis, strict=True):
                row.weight, row.k3 = scored.weight, scored.k3
        else:
            person.kpis = tuple(_weighted_2014(rows))
            ckp = score_employee_2014(person, rules=rules)
            card.score = ckp.ckp
            for row, scored_ckp in zip(rows, ckp.kpis, strict=True):
                row.weight = scored_ckp.weight
    except (ScoringError, ScoringErrors) as error:
        card.errors = _messages(error)
    card.missing = [row.entry.kpi.code for row in rows if row.index is None]
    return card


def may_view(user: Viewer, employee: Employee) -> bool:
    """Who sees a person's scorecard: the person, a superior who agrees one of their contracts, and every
    role reaching their unit (as `contracts.view_contract` reads a contract)."""
    if not getattr(user, "is_authenticated", False):
        return False
    own = getattr(user, "employee_id", None)
    if own is not None and own == employee.pk:
        return True
    if reaches(user, employee.unit.path):
        return True
    return own is not None and Contract.objects.filter(employee=employee, superior_id=own).exists()


def children_by_kpi(rows: Sequence[PersonalKpi], period: ReportingPeriod) -> dict[int, RollUp]:
    """For the page: per cascaded KPI of the scorecard, its children and (direct) derived realization."""
    found: dict[int, RollUp] = {}
    cascaded = set(
        Cascade.objects.filter(parent_id__in=[row.entry.kpi_id for row in rows]).values_list(
            "parent_id", flat=True
        )
    )
    for row in rows:
        if row.entry.kpi_id in cascaded:
            own = row.period or period
            found[row.entry.kpi_id] = roll_up_kpi(row.entry.kpi, own)
    return found
