"""Recaps of stored scores (issue 13 item 8): what the pages and files of the recaps show, read set-based.

* a person's years (`person_years`): the current record of each year with the calibration applied, and the
  bar chart of them (`history_chart`); where the person stands this year (`person_standing`: the calibration
  adjustment, the distribution label of their group) and what to improve (`improvements`: the weakest KPIs
  from the stored result, the weakest behaviour aspects or core values);
* the performance-allowance recap of a unit's year (`allowance_rows`, `allowance_totals`, `share_table`):
  per employee the NKP after calibration, the predicate (`kmk-127-2026`) or behaviour band (`kmk-467-2014`)
  and the share of the allowance paid, from the rule set's `appraisal.allowance_shares`;
* talent-pool candidates (`talent_pool`): people labelled *best* on the curve in the last
  `appraisal.talent_pool_periods` consecutive plan years.

Nothing here computes a score: the NKP, predicate and labels are the scoring core's (stored in `ScoreRecord`,
labelled by `standing.standings`); this module only reads and arranges them, a fixed number of queries whatever
the number of employees.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.common.labels import predicate_label
from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.scoring import DistributionLabel, RuleSet, distribute, distribution_counts, get_rule_set

from . import selectors
from .inputs import owners_and_nko
from .models import (
    ASPECT_FIELDS,
    CORE_VALUE_FIELDS,
    BehaviourScore,
    CalibrationAdjustment,
    RaterAssignment,
    ScoreRecord,
)
from .selectors import _latest_ids
from .standing import Group, Standing, current_nkp, standings

__all__ = [
    "LABELS",
    "AllowanceRow",
    "Improvements",
    "PersonStanding",
    "Talent",
    "TalentPool",
    "YearScore",
    "adjustments_for",
    "allowance_rows",
    "allowance_share",
    "allowance_totals",
    "history_chart",
    "improvements",
    "person_standing",
    "person_years",
    "share_table",
    "talent_pool",
]

# The curve's labels in the user's language.
LABELS: Mapping[str, Promise] = {
    DistributionLabel.BEST: gettext_lazy("Terbaik"),
    DistributionLabel.AVERAGE: gettext_lazy("Rata-rata"),
    DistributionLabel.BELOW: gettext_lazy("Di bawah rata-rata"),
}

_HUNDRED = Decimal(100)


def adjustments_for(
    unit: Unit, plan_year: PlanYear, employee_ids: Iterable[int] | None = None
) -> dict[int, CalibrationAdjustment]:
    """The calibration adjustment of each employee of the unit's subtree in the year (the latest). One query."""
    found = CalibrationAdjustment.objects.filter(
        session__plan_year=plan_year, employee__unit__path__startswith=unit.path
    )
    if employee_ids is not None:
        found = found.filter(employee_id__in=list(employee_ids))
    return {a.employee_id: a for a in found.order_by("at", "pk")}


# --------------------------------------------------------------------------- a person's years


@dataclass(frozen=True, slots=True)
class YearScore:
    """A person's current score of one year: `nkp` after calibration, `original` as computed."""

    record: ScoreRecord
    year: int
    nkp: Decimal | None
    original: Decimal | None

    @property
    def adjusted(self) -> bool:
        return self.nkp != self.original


def person_years(person: Employee) -> list[YearScore]:
    """The person's current record of each year with the calibration applied, newest first. Two queries."""
    records = selectors.history(person)
    adjustments: dict[int, CalibrationAdjustment] = {}
    for a in (
        CalibrationAdjustment.objects.filter(employee=person).select_related("session").order_by("at", "pk")
    ):
        adjustments[a.session.plan_year_id] = a
    return [
        YearScore(r, r.plan_year.year, current_nkp(r, adjustments.get(r.plan_year_id)), r.nkp)
        for r in records
    ]


@dataclass(frozen=True, slots=True)
class Bar:
    year: int
    value: str
    x: float
    cx: float
    y: float
    width: float
    height: float
    label_y: float
    adjusted: bool


@dataclass(frozen=True, slots=True)
class Chart:
    """A small bar chart of NKP per year (SVG user units): the bars, the 100 line and the scale's top."""

    width: int
    height: int
    bars: list[Bar]
    base_y: float
    line_y: float
    top: str
    left: int


def history_chart(years: list[YearScore]) -> Chart | None:
    """The person's NKP per year as bars, oldest left (None without a scored year)."""
    scored = sorted((y for y in years if y.nkp is not None), key=lambda y: y.year)
    if not scored:
        return None
    top = max(Decimal(120), *(y.nkp or 0 for y in scored))
    left, right, head, foot, height = 34, 8, 18, 22, 170
    slot = 72
    width = max(left + right + slot * len(scored), 240)
    plot = height - head - foot

    def at(value: Decimal) -> float:
        return round(head + plot * float(1 - value / top), 1)

    base = float(head + plot)
    bars = []
    for i, y in enumerate(scored):
        value = y.nkp or Decimal(0)
        top_y = at(value)
        bars.append(
            Bar(
                year=y.year,
                value=shown(value, 2, trim=False),
                x=left + slot * i + 14,
                cx=left + slot * i + slot / 2,
                y=top_y,
                width=slot - 28,
                height=round(base - top_y, 1),
                label_y=round(top_y - 4, 1),
                adjusted=y.adjusted,
            )
        )
    return Chart(width, height, bars, base, at(_HUNDRED), shown(top, 0), left)


# --------------------------------------------------------------------------- where the person stands


@dataclass(slots=True)
class PersonStanding:
    """The person's row of their map owner's standings and their group (people of the same job category under
    the same direct superior): the label, the group's size and the counts the curve expects."""

    standing: Standing
    group: Group | None

    @property
    def label(self) -> str:
        found = self.standing.label
        return str(LABELS[found]) if found is not None else ""

    @property
    def adjustment(self) -> CalibrationAdjustment | None:
        return self.standing.adjustment


def _common_unit(units: list[Unit]) -> Unit | None:
    """The lowest unit above (or equal to) all of `units` (one query; None for units of different trees)."""
    paths = [u.path for u in units]
    if not paths:
        return None
    step = units[0].steplen
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[:-step]
    if not prefix:
        return None
    return Unit.objects.filter(path=prefix).first()


def person_standing(person: Employee, plan_year: PlanYear) -> PersonStanding | None:
    """Where the person stands in the year: their group as `standing.standings` forms it (the people of the
    same nearest map owner and job category under the same direct superior), labelled by the curve.

    A set-based read of the group only (not of the whole map owner, which may be a directorate general):
    about six queries. None when the person has no current score of the year."""
    owners, _nko = owners_and_nko(person.unit, plan_year, [person])
    owner = owners.get(person.pk)
    position = person.position
    found = (
        ScoreRecord.objects.filter(
            plan_year=plan_year, employee__superior_id=person.superior_id, pk=_latest_ids()
        )
        .select_related("employee__unit", "employee__position")
        .order_by("employee__nip")
    )
    found = (
        found.filter(employee__position__type=position.type)
        if position
        else found.filter(employee__position__isnull=True)
    )
    if owner is not None:
        found = found.filter(employee__unit__path__startswith=owner.path)
    records = list(found)
    if not any(r.employee_id == person.pk for r in records):
        return None
    scope = owner or _common_unit([r.employee.unit for r in records])
    if scope is not None:
        theirs, _nko = owners_and_nko(scope, plan_year, [r.employee for r in records])
        records = [r for r in records if theirs.get(r.employee_id) == owner]
    rules = get_rule_set(records[0].rule_set)
    adjustments = {
        a.employee_id: a
        for a in CalibrationAdjustment.objects.filter(
            session__plan_year=plan_year, employee_id__in=[r.employee_id for r in records]
        )
        .select_related("by__employee")
        .order_by("at", "pk")
    }
    members = [
        Standing(
            record=r,
            employee=r.employee,
            owner=owner,
            original=r.nkp,
            nkp=current_nkp(r, adjustments.get(r.employee_id)),
            adjustment=adjustments.get(r.employee_id),
        )
        for r in records
    ]
    scored = [(str(m.employee.pk), m.nkp) for m in members if m.nkp is not None]
    labels = distribute(scored, rules)
    for member in members:
        member.label = labels.get(str(member.employee.pk))
    members.sort(key=lambda m: (m.nkp is None, -(m.nkp or 0), m.employee.nip))
    group = Group(owner, position.type if position else "", person.superior_id, members)
    group.expected = distribution_counts(len(scored), rules)
    mine = next(m for m in members if m.employee.pk == person.pk)
    return PersonStanding(mine, group)


# --------------------------------------------------------------------------- what to improve


@dataclass(frozen=True, slots=True)
class Weak:
    """One item to improve: a KPI (code, name) or a behaviour aspect / core value, with its figure."""

    code: str
    name: str
    value: Decimal | None
    note: str = ""


@dataclass(slots=True)
class Improvements:
    kpis: list[Weak] = field(default_factory=list)
    """KPIs whose index is below 100 (lowest first), else the lowest one."""
    all_met: bool = False
    """Every reported KPI reached its target (index ≥ 100)."""
    missing: list[Weak] = field(default_factory=list)
    """KPIs of the contract not reported."""
    behaviour: list[Weak] = field(default_factory=list)
    """The weakest behaviour aspects (2014) or core values (2026), lowest first."""
    behaviour_scale: str = ""
    behaviour_kind: str = ""

    @property
    def empty(self) -> bool:
        return not (self.kpis or self.missing or self.behaviour)


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


def _kpi_names(person: Employee, plan_year: PlanYear, codes: Iterable[str]) -> dict[str, str]:
    """The names of the person's contract KPIs of the year by code (one query)."""
    from kinerja.contracts.models import ContractKpi  # contracts sits beside appraisals; read only

    wanted = set(codes)
    if not wanted:
        return {}
    rows = (
        ContractKpi.objects.filter(
            contract__employee=person, contract__plan_year=plan_year, kpi__code__in=wanted
        )
        .select_related("kpi")
        .order_by("contract__start", "pk")
    )
    return {row.kpi.code: row.kpi.name for row in rows}


def _aspects_2014(node: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """Each 360° aspect's mean over the semesters, from the stored explanation's NP node (`NP semester …`)."""
    if not node:
        return {}
    stack = [node]
    while stack:
        current = stack.pop()
        if current.get("code") == "NP":
            sums: dict[str, list[Decimal]] = defaultdict(list)
            for semester in current.get("children") or []:
                for name, value in (semester.get("inputs") or {}).items():
                    number = _decimal(value)
                    if name in ASPECT_FIELDS and number is not None:
                        sums[name].append(number)
            return {name: sum(values, Decimal(0)) / len(values) for name, values in sums.items()}
        stack.extend(current.get("children") or [])
    return {}


def _core_values_2026(person: Employee, plan_year: PlanYear) -> dict[str, Decimal]:
    """Each BerAKHLAK core value's mean over the year's periods (each period the mean of its raters), as the
    NPK takes them (the stored result keeps only the period means). One query."""
    by_period: dict[int, list[list[Decimal]]] = defaultdict(list)
    rows = BehaviourScore.objects.filter(employee=person, period__plan_year=plan_year).values_list(
        "period_id", *CORE_VALUE_FIELDS
    )
    for period_id, *values in rows:
        by_period[period_id].append(values)
    if not by_period:
        return {}
    means: dict[str, list[Decimal]] = defaultdict(list)
    for scores in by_period.values():
        for i, name in enumerate(CORE_VALUE_FIELDS):
            means[name].append(sum((s[i] for s in scores), Decimal(0)) / len(scores))
    return {name: sum(values, Decimal(0)) / len(values) for name, values in means.items()}


def improvements(
    record: ScoreRecord, person: Employee, plan_year: PlanYear, *, weakest: int = 3
) -> Improvements:
    """What to improve, from the stored result: the KPIs below 100 (or the lowest), those not reported, and the
    `weakest` behaviour aspects (kmk-467-2014, from the explanation) or core values (kmk-127-2026)."""
    result = record.result or {}
    out = Improvements()
    kpis = [(k.get("code", ""), _decimal(k.get("index"))) for k in result.get("kpis") or []]
    indexed = sorted(((c, i) for c, i in kpis if i is not None), key=lambda item: item[1])
    missing = [str(m) for m in result.get("missing") or [] if m != "behaviour"]
    low = [(c, i) for c, i in indexed if i < _HUNDRED]
    out.all_met = bool(indexed) and not low
    chosen = low or indexed[:1]
    names = _kpi_names(person, plan_year, [c for c, _i in chosen] + missing)
    out.kpis = [Weak(code, names.get(code, ""), index) for code, index in chosen]
    out.missing = [Weak(code, names.get(code, ""), None) for code in missing]
    if record.rule_set and get_rule_set(record.rule_set).nkp2026 is not None:
        values = _core_values_2026(person, plan_year)
        model: Any = BehaviourScore
        out.behaviour_kind = _("Nilai inti BerAKHLAK")
        out.behaviour_scale = "0–120"
    else:
        values = _aspects_2014(result.get("explanation"))
        model = RaterAssignment
        out.behaviour_kind = _("Aspek perilaku (360°)")
        out.behaviour_scale = "0–100"
    ranked = sorted(values.items(), key=lambda item: (item[1], item[0]))[:weakest]
    out.behaviour = [
        Weak(name, str(model._meta.get_field(name).verbose_name).capitalize(), value)
        for name, value in ranked
    ]
    return out


# --------------------------------------------------------------------------- performance-allowance recap


def allowance_share(predicate: str | None, rules: RuleSet) -> Decimal | None:
    """The share of the allowance paid (%) for a predicate or band, from the rule set (None: no predicate)."""
    if not predicate:
        return None
    shares = rules.appraisal.allowance_shares.value
    if predicate in shares:
        return shares[predicate]
    wanted = predicate.strip().lower()
    for key, value in shares.items():
        if key.lower() == wanted:
            return value
    return None


def share_table(rules: RuleSet) -> dict[str, Any]:
    """The rule set's allowance table as shown: its label in the user's language, rows (predicate, %), source."""
    param = rules.appraisal.allowance_shares
    english = translation.get_language() == "en"
    return {
        "label": param.label_en if english else param.label_id,
        "rows": [(key, predicate_label(key), value) for key, value in param.value.items()],
        "source": param.source,
        "rule_set": rules,
    }


def by_predicate(rules: RuleSet) -> bool:
    """Whether the rule set pays by predicate (kmk-127-2026) rather than by behaviour band (kmk-467-2014)."""
    return rules.nkp2026 is not None


@dataclass(frozen=True, slots=True)
class AllowanceRow:
    nip: str
    name: str
    unit_code: str
    unit_name: str
    position: str
    original: Decimal | None
    nkp: Decimal | None
    predicate: str
    share: Decimal | None
    employee_pk: int

    @property
    def adjusted(self) -> bool:
        return self.nkp != self.original

    @property
    def predicate_shown(self) -> str:
        return predicate_label(self.predicate)


def allowance_rows(
    records: Iterable[ScoreRecord], adjustments: Mapping[int, CalibrationAdjustment], rules: RuleSet
) -> Iterator[AllowanceRow]:
    """One row per record (records with `employee__unit` and `employee__position` selected)."""
    for r in records:
        person = r.employee
        position = person.position
        yield AllowanceRow(
            nip=person.nip,
            name=person.name,
            unit_code=person.unit.code,
            unit_name=person.unit.name,
            position=position.title if position is not None else "",
            original=r.nkp,
            nkp=current_nkp(r, adjustments.get(person.pk)),
            predicate=r.predicate,
            share=allowance_share(r.predicate, rules),
            employee_pk=person.pk,
        )


@dataclass(frozen=True, slots=True)
class Total:
    predicate: str
    label: str
    count: int
    share: Decimal | None


def allowance_totals(records: QuerySet[ScoreRecord], rules: RuleSet) -> tuple[list[Total], int]:
    """People per predicate (in the order of the rule set's table, then any other, then those not scored) and
    the number of people. One query."""
    counted: dict[str, int] = {
        row["predicate"]: row["n"] for row in records.order_by().values("predicate").annotate(n=Count("pk"))
    }
    rows: list[Total] = []
    seen: set[str] = set()
    for key in rules.appraisal.allowance_shares.value:
        found = [p for p in counted if p and p.strip().lower() == key.lower()]
        seen.update(found)
        rows.append(
            Total(key, predicate_label(key), sum(counted[p] for p in found), allowance_share(key, rules))
        )
    for predicate, count in sorted(counted.items()):
        if predicate and predicate not in seen:
            rows.append(
                Total(predicate, predicate_label(predicate), count, allowance_share(predicate, rules))
            )
    if counted.get(""):
        rows.append(Total("", _("Belum dinilai"), counted[""], None))
    return rows, sum(counted.values())


# --------------------------------------------------------------------------- talent pool


@dataclass(slots=True)
class Talent:
    employee: Employee
    scores: dict[int, Decimal | None]
    """NKP after calibration per year."""

    @property
    def pairs(self) -> list[tuple[int, Decimal | None]]:
        """(year, NKP) oldest first."""
        return sorted(self.scores.items())


@dataclass(slots=True)
class TalentPool:
    periods: int
    years: list[int]
    """The consecutive plan years read, oldest first (empty when there are not enough)."""
    available: list[int]
    """Every plan year with scores in the unit, newest first."""
    candidates: list[Talent]

    @property
    def enough(self) -> bool:
        return len(self.years) == self.periods


def talent_pool(unit: Unit, rules: RuleSet | None = None) -> TalentPool:
    """Employees of the unit's subtree labelled best in each of the last `talent_pool_periods` consecutive plan
    years with scores (the latest year's rule set says how many). One query for the years, then `standings`
    (four queries) per year read."""
    available = list(
        ScoreRecord.objects.filter(employee__unit__path__startswith=unit.path)
        .order_by("-plan_year__year")
        .values_list("plan_year__year", flat=True)
        .distinct()
    )
    plan_years = {p.year: p for p in PlanYear.objects.filter(year__in=available[:1])}
    latest_rules = rules or (get_rule_set(plan_years[available[0]].rule_set) if available else get_rule_set())
    periods = max(1, int(latest_rules.appraisal.talent_pool_periods.value))
    years = available[:periods]
    consecutive = len(years) == periods and all(a - b == 1 for a, b in pairwise(years))
    if not consecutive:
        return TalentPool(periods, [], available, [])
    plan_years = {p.year: p for p in PlanYear.objects.filter(year__in=years)}
    best: dict[int, Talent] | None = None
    for year in sorted(years):
        rows = standings(unit, plan_years[year]).rows
        labelled = {s.employee.pk: s for s in rows if s.label == DistributionLabel.BEST}
        if best is None:
            best = {pk: Talent(s.employee, {year: s.nkp}) for pk, s in labelled.items()}
        else:
            best = {pk: t for pk, t in best.items() if pk in labelled}
            for pk, talent in best.items():
                talent.scores[year] = labelled[pk].nkp
    candidates = sorted(
        (best or {}).values(),
        key=lambda t: (t.employee.unit.path, -(t.scores.get(years[0]) or 0), t.employee.nip),
    )
    return TalentPool(periods, sorted(years), available, candidates)
