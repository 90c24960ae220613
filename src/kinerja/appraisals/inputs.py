"""The scoring core's inputs of a unit's employees for a plan year, read from the database set-based.

`gather(unit, plan_year)` builds one `kinerja.scoring.Employee` per active employee of the unit's subtree in a
fixed number of queries, whatever the number of employees (no query per employee):

* **KPIs**: every KPI of the person's signed (or signed and ended) contracts of the year, each built by
  `contracts.personal.core_kpi` — the same function `nhk_inputs` uses, so the frozen trajectory, the periods
  each contract covers, the counted realizations and the day weights `d_i` (§7.3) are those of the person's
  scorecard. Under `kmk-467-2014` two contracts in a year scale the weights by their days as the scorecard
  does (`personal._weighted_2014`).
* **Behaviour**: under `kmk-127-2026` the `BehaviourScore` rows become one `CoreValues` per period, each
  value the mean of the raters' scores when several raters scored the period; under `kmk-467-2014` the
  answered `RaterAssignment`s of the year's *closed* campaigns become `BehaviourRating`s labelled by semester
  (`2026-S1`), and `Participation` counts the assignments a person left unanswered as rater (closed
  campaigns) and their direct subordinates a closed campaign covered who had no rater at all.
* **Discipline**: `DisciplinarySentence` → `Sentence` with start label `YYYY-Qn`; a sentence with its own
  duration (`quarters`) is judged here (in force as of the period or not) and passed without a start.
* **Correction**, `superior_nip`, `job_category` (the position type), `structural` (structural position).
* **Organisation**: `unit` is the nearest map owner (the unit itself or an ancestor with a strategy map for
  the year), which groups the distribution curve (§6); `nko` is that map's NKO — its latest *final* snapshot
  of the year, else its latest snapshot (latest = latest period, then latest computed).
* **Tier** (§7.3, our reading): 1 for the head of the map-owner unit (its head position), the officials
  (structural or functional positions) whose position reports directly to that head position, and every
  functional official (the organisation data do not say which functional positions are substantive: all
  are taken as substantive); 2 for everyone else, and for a person with no position.
* **Calibrate** is False for the Minister, the Vice Minister and echelon I heads (JPT Madya): a position of
  echelon 1, the head of a ministry- or echelon-I-level unit, or a structural position on the ministry unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q, QuerySet

from kinerja.contracts import personal
from kinerja.contracts.models import REPORTING_CONTRACT_STATES, Contract, ContractKpi
from kinerja.interchange.cells import parse_period as cell_period
from kinerja.interchange.employees import (
    CoreValuesRow,
    EmployeeKpiRow,
    EmployeeRow,
    EmployeeWorkbook,
    RatingRow,
)
from kinerja.organisations.models import Employee, Position, PositionType, Unit, UnitLevel
from kinerja.organisations.selectors import unit_children
from kinerja.planning import scoring_bridge
from kinerja.planning.models import PeriodTarget, PlanYear, StrategyMap
from kinerja.reporting import conf
from kinerja.reporting.models import Realization, ReportingPeriod, ScoreSnapshot
from kinerja.scoring import (
    BehaviourRating,
    CoreValues,
    DisciplineCategory,
    EmployeeKpi,
    NkpMethod,
    Participation,
    RaterGroup,
    RuleSet,
    Sentence,
)
from kinerja.scoring import Employee as CoreEmployee
from kinerja.scoring.kpi import parse_period
from kinerja.scoring.nkp2026 import discipline_penalty, sentence_in_force

from .models import (
    ASPECT_FIELDS,
    CORE_VALUE_FIELDS,
    BehaviourScore,
    Campaign,
    CampaignState,
    Correction,
    DisciplinarySentence,
    RaterAssignment,
)

__all__ = [
    "Gathered",
    "ancestor_paths",
    "as_of_label",
    "gather",
    "is_2026",
    "owners_and_nko",
    "subtree_employees",
    "workbook_of",
]

_ZERO = Decimal(0)
_NOT_CALIBRATED_LEVELS = {UnitLevel.WIDE.value, UnitLevel.ONE.value}


@dataclass
class Gathered:
    """The inputs of a unit's employees: `people` (the database rows, tree order) and `inputs` (the core's
    `Employee`s, same order); `as_of` the period label the score is taken as of; `owners` the map owner
    of each person (by pk; None without one)."""

    unit: Unit
    plan_year: PlanYear
    rules: RuleSet
    as_of: str
    people: list[Employee]
    inputs: list[CoreEmployee]
    owners: dict[int, Unit | None] = field(default_factory=dict)

    @property
    def method(self) -> str:
        return "nhk" if is_2026(self.rules) else "ckp"


def is_2026(rules: RuleSet) -> bool:
    """Whether the rule set scores employees by NHK + NPK (§7) rather than CKP + NP (§6)."""
    return rules.nkp_method.value is NkpMethod.NHK_NPK


def as_of_label(plan_year: PlanYear, as_of: ReportingPeriod | None) -> str:
    """The period the score is taken as of: the period's label, else the whole year (`2026`)."""
    return as_of.label if as_of is not None else str(plan_year.year)


def subtree_employees(unit: Unit) -> QuerySet[Employee]:
    """The active employees of the unit and the units below it."""
    return Employee.objects.filter(unit__path__startswith=unit.path, is_active=True)


def units_below_if_crowded(unit: Unit, limit: int) -> list[Unit] | None:
    """None when `unit`'s subtree has at most `limit` active people (counted up to one past it, whatever the
    subtree's size); else the units right below it, for a page that reads every person of a subtree to offer
    them one at a time (a ministry, an echelon I)."""
    if subtree_employees(unit).order_by()[: limit + 1].count() <= limit:
        return None
    return list(unit_children(unit))


def gather(unit: Unit, plan_year: PlanYear, *, as_of: ReportingPeriod | None = None) -> Gathered:
    """Every input the scoring core needs for the employees of `unit`'s subtree, as of `as_of` (the year when
    None). A fixed number of queries (about fifteen) whatever the number of employees."""
    rules = scoring_bridge.rule_set(plan_year.rule_set)
    label = as_of_label(plan_year, as_of)
    people = list(
        subtree_employees(unit)
        .select_related("unit", "position__unit", "superior")
        .order_by("unit__path", "-position__is_head", "nip")
    )
    ids = subtree_employees(unit).values("pk")
    owners, nko = owners_and_nko(unit, plan_year, people)
    heads = _head_positions(owners.values())
    kpis = _kpis(ids, plan_year, as_of, two_thousand_fourteen=not is_2026(rules))
    sentences = _sentences(ids, plan_year, label, rules)
    corrections = dict(
        Correction.objects.filter(employee_id__in=ids, plan_year=plan_year).values_list(
            "employee_id", "value"
        )
    )
    core_values: dict[int, list[CoreValues]] = {}
    ratings: dict[int, list[BehaviourRating]] = {}
    participation: dict[int, Participation] = {}
    if is_2026(rules):
        core_values = _core_values(ids, plan_year)
    else:
        ratings, participation = _ratings(unit, ids, plan_year, people)
    inputs = []
    for person in people:
        owner = owners.get(person.pk)
        position = person.position
        inputs.append(
            CoreEmployee(
                nip=person.nip,
                name=person.name,
                superior_nip=person.superior.nip if person.superior is not None else None,
                unit=owner.code if owner is not None else person.unit.code,
                job_category=position.type if position is not None else None,
                tier=_tier(position, heads.get(owner.pk) if owner is not None else None),
                nko=nko.get(owner.pk) if owner is not None else None,
                discipline=tuple(sentences.get(person.pk, ())),
                correction=corrections.get(person.pk, _ZERO),
                calibrate=_calibrated(position),
                structural=None if position is None else position.type == PositionType.STRUCTURAL,
                participation=participation.get(person.pk, Participation()),
                kpis=tuple(kpis.get(person.pk, ())),
                ratings=tuple(ratings.get(person.pk, ())),
                core_values=tuple(core_values.get(person.pk, ())),
            )
        )
    return Gathered(unit, plan_year, rules, label, people, inputs, owners)


# ---------------------------------------------------------------- organisation: map owner, NKO, tier


def ancestor_paths(unit: Unit) -> list[str]:
    step = unit.steplen
    return [unit.path[: step * i] for i in range(1, unit.depth + 1)]


def owners_and_nko(
    unit: Unit, plan_year: PlanYear, people: Sequence[Employee]
) -> tuple[dict[int, Unit | None], dict[int, Decimal | None]]:
    """Each person's nearest map owner (a unit with a strategy map for the year, the person's unit or above)
    and each owner's NKO (latest final snapshot of the year, else latest snapshot). Two queries."""
    maps = list(
        StrategyMap.objects.filter(plan_year=plan_year)
        .filter(Q(unit__path__startswith=unit.path) | Q(unit__path__in=ancestor_paths(unit)))
        .select_related("unit")
    )
    by_path = {m.unit.path: m for m in maps}
    step = unit.steplen
    owners: dict[int, Unit | None] = {}
    for person in people:
        path = person.unit.path
        found = None
        for length in range(len(path), 0, -step):
            found = by_path.get(path[:length])
            if found is not None:
                break
        owners[person.pk] = found.unit if found is not None else None
    nko: dict[int, Decimal | None] = {m.unit_id: None for m in maps}
    seen: set[int] = set()
    snapshots = (
        ScoreSnapshot.objects.filter(strategy_map__in=[m.pk for m in maps])
        .order_by("strategy_map_id", "-final", "-period__end", "-computed_at", "-pk")
        .values_list("strategy_map_id", "nko")
    )
    unit_of = {m.pk: m.unit_id for m in maps}
    for map_id, value in snapshots:
        if map_id not in seen:
            seen.add(map_id)
            nko[unit_of[map_id]] = value
    return owners, nko


def _head_positions(owners: Iterable[Unit | None]) -> dict[int, int]:
    """The head position of each map owner (owner pk → position pk). One query."""
    units = {u.pk for u in owners if u is not None}
    heads: dict[int, int] = {}
    for unit_id, pk in (
        Position.objects.filter(unit_id__in=units, is_head=True).order_by("pk").values_list("unit_id", "pk")
    ):
        heads.setdefault(unit_id, pk)
    return heads


def _tier(position: Position | None, head: int | None) -> int:
    """§7.3 tier, as read in the module's docstring."""
    if position is None:
        return 2
    if position.type == PositionType.FUNCTIONAL:
        return 1
    if head is not None and position.pk == head:
        return 1
    official = position.type in (PositionType.STRUCTURAL, PositionType.FUNCTIONAL)
    if head is not None and official and position.superior_id == head:
        return 1
    return 2


def _calibrated(position: Position | None) -> bool:
    """False for the Minister, the Vice Minister and echelon I heads (§7.3)."""
    if position is None:
        return True
    if position.echelon == 1:
        return False
    level = position.unit.level if position.unit_id is not None else None
    if position.is_head and level in _NOT_CALIBRATED_LEVELS:
        return False
    return not (level == UnitLevel.WIDE.value and position.type == PositionType.STRUCTURAL)


# ---------------------------------------------------------------- KPIs of the signed contracts


class _Reported(NamedTuple):
    """What `personal.core_kpi` reads of a realization (read as plain values: no model instance per row)."""

    value: Decimal
    state: str


def _kpis(
    ids: Any,
    plan_year: PlanYear,
    as_of: ReportingPeriod | None,
    *,
    two_thousand_fourteen: bool,
) -> dict[int, list[EmployeeKpi]]:
    """Each person's contract KPIs as the scorecard builds them (`personal.core_kpi`). Five queries."""
    contracts = Contract.objects.filter(
        employee_id__in=ids, plan_year=plan_year, state__in=[str(s) for s in REPORTING_CONTRACT_STATES]
    )
    if as_of is not None:
        contracts = contracts.filter(start__lte=as_of.end)
    by_pk = {c.pk: c for c in contracts}
    # The contracts and their KPIs are named by subqueries, never by lists of ids: a list of every KPI of a
    # ministry (half a million) is more than SQLite takes in one statement and a slow statement anywhere.
    held = ContractKpi.objects.filter(contract__in=contracts)
    kpi_ids = held.values("kpi_id")
    entries = list(
        held.select_related("kpi").order_by(
            "contract__employee_id", "contract__start", "contract_id", "order", "pk"
        )
    )
    periods = list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))
    if as_of is not None:
        periods = [p for p in periods if p.end <= as_of.end]
    by_frequency: dict[str, list[ReportingPeriod]] = defaultdict(list)
    for p in periods:  # `core_kpi` keeps a KPI's own frequency: give it only those periods (same order)
        by_frequency[p.frequency].append(p)
    targets: dict[int, dict[int, Decimal]] = {}
    # unordered: the model's ordering joins five tables to sort rows kept in a dict (a tax office's
    # targets took 0.28 s of a ministry's database)
    for kpi_id, number, value in (
        PeriodTarget.objects.filter(kpi_id__in=kpi_ids).order_by().values_list("kpi_id", "period", "target")
    ):
        targets.setdefault(kpi_id, {})[number] = value
    realizations: dict[tuple[int, int], Any] = {
        (kpi_id, period_id): _Reported(value, state)
        for kpi_id, period_id, value, state in Realization.objects.filter(
            kpi_id__in=kpi_ids, period__plan_year=plan_year
        ).values_list("kpi_id", "period_id", "value", "state")
    }
    states = conf.scored_states()
    rows: dict[int, list[personal.PersonalKpi]] = defaultdict(list)
    for entry in entries:
        contract = by_pk[entry.contract_id]
        entry.contract = contract
        core = personal.core_kpi(
            entry, by_frequency.get(entry.kpi.frequency, []), targets, realizations, states, as_of
        )
        rows[contract.employee_id].append(personal.PersonalKpi(entry, core, None, None))
    if two_thousand_fourteen:
        return {pk: personal._weighted_2014(found) for pk, found in rows.items()}
    return {pk: [row.core for row in found] for pk, found in rows.items()}


# ---------------------------------------------------------------- discipline


def _sentences(ids: Any, plan_year: PlanYear, label: str, rules: RuleSet) -> dict[int, list[Sentence]]:
    """The sentences that may be in force during the year (begun the year before or in it). One query."""
    found: dict[int, list[Sentence]] = defaultdict(list)
    rows = DisciplinarySentence.objects.filter(
        employee_id__in=ids, start_year__gte=plan_year.year - 1, start_year__lte=plan_year.year
    ).order_by("employee_id", "start_year", "start_quarter", "pk")
    for row in rows:
        category = DisciplineCategory(row.category)
        if row.quarters is None:
            found[row.employee_id].append(Sentence(category, row.severity, row.start_label))
            continue
        # its own duration: judged here, then passed as in force (no start)
        start = row.start_year * 4 + row.start_quarter - 1
        if _in_own_force(start, row.quarters, label):
            found[row.employee_id].append(Sentence(category, row.severity, None))
    return found


def _in_own_force(start: int, quarters: int, label: str) -> bool:
    cut = parse_period(label)
    now = cut.year * 4 + (cut.last_month - 1) // 3
    return start <= now < start + quarters


# ---------------------------------------------------------------- behaviour


def _core_values(ids: Any, plan_year: PlanYear) -> dict[int, list[CoreValues]]:
    """`kmk-127-2026`: per person and period the seven core values. Each rater group (the direct superior;
    the peers where the unit switches them on) is one voice: the group's mean, then the mean of the groups.
    With the superior alone this is the superior's score. Two queries (the year's periods, then the scores
    as plain values: no model instance per score)."""
    sums: dict[tuple[int, str], dict[str, list[Decimal]]] = {}
    counts: dict[tuple[int, str], dict[str, int]] = {}
    labels = {p.pk: p.label for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
    rows = (
        BehaviourScore.objects.filter(employee_id__in=ids, period__plan_year=plan_year)
        .order_by("employee_id", "period__end", "pk")
        .values_list("employee_id", "period_id", "group", *CORE_VALUE_FIELDS)
    )
    for employee_id, period_id, group, *values in rows:
        key = (employee_id, labels[period_id])
        groups = sums.setdefault(key, {})
        tally = counts.setdefault(key, defaultdict(int))
        if group in groups:
            groups[group] = [a + b for a, b in zip(groups[group], values, strict=True)]
        else:
            groups[group] = values
        tally[group] += 1
    found: dict[int, list[CoreValues]] = defaultdict(list)
    for key, groups in sums.items():
        means = [[v / counts[key][g] for v in total] for g, total in groups.items()]
        if len(means) == 1:
            values = means[0]
        else:
            values = [sum(column, Decimal(0)) / len(means) for column in zip(*means, strict=True)]
        found[key[0]].append(CoreValues(key[1], *values))
    return found


def _ratings(
    unit: Unit, ids: Any, plan_year: PlanYear, people: Sequence[Employee]
) -> tuple[dict[int, list[BehaviourRating]], dict[int, Participation]]:
    """`kmk-467-2014`: the answers of the year's closed campaigns, and participation. Three queries."""
    closed = Campaign.objects.filter(plan_year=plan_year, state=CampaignState.CLOSED)
    assignments = list(
        RaterAssignment.objects.filter(campaign__in=closed, employee_id__in=ids)
        .select_related("campaign", "rater")
        .order_by("employee_id", "campaign__semester", "group", "pk")
    )
    ratings: dict[int, list[BehaviourRating]] = defaultdict(list)
    rated: set[tuple[int, int]] = set()
    for a in assignments:
        rated.add((a.campaign_id, a.employee_id))
        if a.submitted_at is None:
            continue
        ratings[a.employee_id].append(
            BehaviourRating(
                f"{plan_year.year}-S{a.campaign.semester}",
                a.rater.nip,
                RaterGroup(a.group),
                *(getattr(a, name) for name in ASPECT_FIELDS),
            )
        )
    missed: dict[int, int] = defaultdict(int)
    for rater_id in RaterAssignment.objects.filter(
        campaign__in=closed, rater_id__in=ids, submitted_at__isnull=True
    ).values_list("rater_id", flat=True):
        missed[rater_id] += 1
    campaigns = list(
        closed.filter(
            Q(unit__path__startswith=unit.path) | Q(unit__path__in=ancestor_paths(unit))
        ).values_list("pk", "unit__path")
    )
    without: dict[int, set[int]] = defaultdict(set)
    for person in people:
        if person.superior_id is None:
            continue
        for campaign_id, path in campaigns:
            if person.unit.path.startswith(path) and (campaign_id, person.pk) not in rated:
                without[person.superior_id].add(person.pk)
    participation = {
        pk: Participation(
            missed_assessments=missed.get(pk, 0), subordinates_without_raters=len(without.get(pk, ()))
        )
        for pk in set(missed) | set(without)
    }
    return ratings, participation


# ---------------------------------------------------------------- the same inputs as an employee workbook


def workbook_of(gathered: Gathered) -> EmployeeWorkbook:
    """The gathered inputs as `interchange.md`'s employee workbook (sheets pegawai, iki, perilaku), so that
    `kinerja nkp` scores exactly what the application scored.

    The workbook has one sentence per employee and no start quarter: the heaviest sentence in force as of
    `gathered.as_of` is written. It has no columns for `structural` and the 360° participation: a person
    with a participation penalty, or rated on leadership while not structural, does not round-trip.
    """
    rules = gathered.rules
    nhk = is_2026(rules)
    employees: list[EmployeeRow] = []
    kpis: list[EmployeeKpiRow] = []
    behaviour: list[Any] = []
    for person in gathered.inputs:
        category = score = None
        in_force = [s for s in person.discipline if sentence_in_force(s, gathered.as_of, rules=rules)]
        if in_force and nhk:
            heaviest = discipline_penalty(in_force, rules=rules)
            chosen = next(s for s in in_force if discipline_penalty([s], rules=rules) == heaviest)
            category, score = chosen.category, chosen.score
        employees.append(
            EmployeeRow(
                nip=person.nip,
                name=person.name,
                superior_nip=person.superior_nip,
                unit=person.unit,
                job_category=person.job_category,
                tier=person.tier,
                nko=person.nko,
                discipline_category=category,
                discipline_score=score,
                correction=person.correction,
                calibrate=person.calibrate,
            )
        )
        for k in person.kpis:
            for value in k.periods or (None,):
                kpis.append(
                    EmployeeKpiRow(
                        nip=person.nip,
                        kpi_code=k.code,
                        period=None if value is None or value.period is None else cell_period(value.period),
                        kpi_name=k.name,
                        polarity=k.polarity,
                        target=k.target if value is None else value.target,
                        target_low=k.target_low if value is None else value.target_low,
                        target_high=k.target_high if value is None else value.target_high,
                        worst=k.worst,
                        realization=k.realization if value is None else value.realization,
                        consolidation=k.consolidation,
                        cap_on_target=k.cap_on_target,
                        weight=None if nhk else k.weight,
                        validity=k.validity,
                        controllability=k.controllability,
                        kpi_kind=k.kind,
                        target_prev=k.target_prev,
                        realization_prev=k.realization_prev,
                        fixed_target=k.fixed_target,
                        days=k.days if nhk else None,
                    )
                )
        if nhk:
            behaviour.extend(
                CoreValuesRow(
                    person.nip,
                    cell_period(v.period),
                    *v.values(),  # type: ignore[arg-type]
                )
                for v in person.core_values
            )
        else:
            behaviour.extend(
                RatingRow(
                    person.nip,
                    cell_period(r.semester),
                    r.rater,
                    r.group,
                    *(getattr(r, name) for name in ASPECT_FIELDS),
                )
                for r in person.ratings
            )
    return EmployeeWorkbook(employees, kpis, behaviour, shape="core_values" if nhk else "ratings")
