"""Where each employee of a unit stands in a year: the current score (the latest `ScoreRecord`, with the
calibration adjustment applied) and the place on the distribution curve (`scoring.md` §6: within a map-owner
unit, people of the same job category under the same direct superior, ranked by NKP; best / average /
below by the rule set's percentages; `kinerja.scoring.distribute` labels each group).

Rule 26: each map owner's organisation rating (from its NKO) and whether its people's predicates keep the
rule set's limits (`Standings.owners`, `kinerja.scoring.check_predicate_limits`).

Everything here is read set-based: four queries for a unit of any size (records, adjustments, map owners
and their NKO), then grouping in Python. The pages (distribution, calibration, recaps, talent pool) and the API read it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.scoring import (
    DistributionLabel,
    LimitCheck,
    RuleSet,
    check_predicate_limits,
    distribute,
    distribution_counts,
    get_rule_set,
    organisation_rating,
)

from .inputs import owners_and_nko
from .models import CalibrationAdjustment, ScoreRecord
from .selectors import unit_records

__all__ = ["Group", "Owner", "Standing", "Standings", "current_nkp", "standings"]


@dataclass(slots=True)
class Standing:
    """One employee's current score in the year: `nkp` is after calibration, `original` before it. The
    record's `result` is deferred (reading it costs a query per person: use `selectors.latest`)."""

    record: ScoreRecord
    employee: Employee
    owner: Unit | None
    original: Decimal | None
    nkp: Decimal | None
    adjustment: CalibrationAdjustment | None = None
    label: DistributionLabel | None = None

    @property
    def category(self) -> str:
        position = self.employee.position
        return position.type if position is not None else ""

    @property
    def adjusted(self) -> bool:
        return self.adjustment is not None and self.nkp != self.original


@dataclass(slots=True)
class Group:
    """People of one map-owner unit, job category and direct superior, ranked by NKP (best first)."""

    owner: Unit | None
    category: str
    superior_id: int | None
    members: list[Standing] = field(default_factory=list)
    expected: tuple[int, int, int] = (0, 0, 0)
    """(best, average, below) the curve expects for this many scored people."""


@dataclass(slots=True)
class Owner:
    """A map owner of the unit's people: its NKO, organisation rating, predicate counts and the rule 26 checks."""

    unit: Unit
    nko: Decimal | None
    rating: str | None
    predicates: dict[str, int]
    checks: list[LimitCheck]

    @property
    def breaches(self) -> list[LimitCheck]:
        return [c for c in self.checks if not c.kept]


@dataclass(slots=True)
class Standings:
    """A unit's year: every standing in tree order, the groups, the map owners (rule 26), the counts actual
    vs expected."""

    rules: RuleSet
    rows: list[Standing]
    groups: list[Group]
    owners: list[Owner]

    @property
    def enforced(self) -> bool:
        """Whether the rule set enforces the predicate limits (a breach then blocks closing a calibration)."""
        return bool(self.rules.appraisal.predicate_limits_enforced.value)

    @property
    def breaches(self) -> list[tuple[Owner, LimitCheck]]:
        return [(o, c) for o in self.owners for c in o.breaches]

    @property
    def actual(self) -> dict[DistributionLabel, int]:
        counted = Counter(s.label for s in self.rows if s.label is not None)
        return {label: counted.get(label, 0) for label in DistributionLabel}

    @property
    def expected(self) -> dict[DistributionLabel, int]:
        best = average = below = 0
        for group in self.groups:
            b, a, w = group.expected
            best, average, below = best + b, average + a, below + w
        return {
            DistributionLabel.BEST: best,
            DistributionLabel.AVERAGE: average,
            DistributionLabel.BELOW: below,
        }

    def by_employee(self) -> dict[int, Standing]:
        return {s.employee.pk: s for s in self.rows}


def current_nkp(record: ScoreRecord, adjustment: CalibrationAdjustment | None) -> Decimal | None:
    """The NKP after calibration: the adjusted value, or (when the score was recomputed since) the same change
    applied to the new figure, never below zero."""
    if record.nkp is None or adjustment is None:
        return record.nkp
    if adjustment.record_id == record.pk:
        return adjustment.adjusted
    return max(Decimal(0), record.nkp + adjustment.delta)


def standings(unit: Unit, plan_year: PlanYear) -> Standings:
    """Every current score of the unit's subtree in the year, with calibration and distribution labels."""
    # The full result (the explanation tree, kilobytes a person) is not read here: left in the database, it
    # would cost a ministry of 80,000 people hundreds of megabytes for a ranking of NKPs.
    records = list(unit_records(unit, plan_year).select_related("employee__position").defer("result"))
    rules = get_rule_set(records[0].rule_set if records else plan_year.rule_set)
    adjustments = {
        a.employee_id: a
        for a in CalibrationAdjustment.objects.filter(
            session__plan_year=plan_year, employee__unit__path__startswith=unit.path
        ).order_by("at", "pk")
    }
    owner_of, nko = owners_and_nko(unit, plan_year, [r.employee for r in records])
    rows = [
        Standing(
            record=r,
            employee=r.employee,
            owner=owner_of.get(r.employee_id),
            original=r.nkp,
            nkp=current_nkp(r, adjustments.get(r.employee_id)),
            adjustment=adjustments.get(r.employee_id),
        )
        for r in records
    ]
    grouped: dict[tuple[int, str, int | None], Group] = {}
    owners: dict[int, Owner] = {}
    for row in rows:
        owner_pk = row.owner.pk if row.owner is not None else 0
        key = (owner_pk, row.category, row.employee.superior_id)
        grouped.setdefault(key, Group(row.owner, row.category, row.employee.superior_id)).members.append(row)
        if row.owner is not None:
            value = nko.get(owner_pk)
            found = owners.setdefault(
                owner_pk, Owner(row.owner, value, organisation_rating(value, rules), {}, [])
            )
            if row.record.predicate:
                found.predicates[row.record.predicate] = found.predicates.get(row.record.predicate, 0) + 1
    for owner in owners.values():
        owner.checks = check_predicate_limits(owner.predicates, owner.rating, rules)
    for group in grouped.values():
        scored = [(str(s.employee.pk), s.nkp) for s in group.members if s.nkp is not None]
        labels = distribute(scored, rules)
        for member in group.members:
            member.label = labels.get(str(member.employee.pk))
        group.members.sort(key=lambda s: (s.nkp is None, -(s.nkp or 0), s.employee.nip))
        group.expected = distribution_counts(len(scored), rules)
    groups = sorted(
        grouped.values(),
        key=lambda g: (g.owner.path if g.owner else "", g.category, g.superior_id or 0),
    )
    return Standings(
        rules=rules,
        rows=rows,
        groups=groups,
        owners=sorted(owners.values(), key=lambda o: o.unit.path),
    )
