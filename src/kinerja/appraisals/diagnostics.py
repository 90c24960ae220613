"""Leniency and bias diagnostics of a unit's year, read before a calibration session (issue 13 item 6;
`scoring.md` §6: raters whose scores are uniformly high — mean, spread and share of high scores per rater and
per unit).

The behaviour scores of the people of the unit's subtree in the plan year:

* under a 360° rule set (`kmk-467-2014`): every aspect of every *submitted* answer (`RaterAssignment`) of the
  year's campaigns, 0–100;
* otherwise (`kmk-127-2026`): every core value of every `BehaviourScore` of the year's periods, 0–120.

The statistics and the flag are the scoring core's (`kinerja.scoring.leniency`, with the rule set's
`appraisal.leniency_*` parameters): per rater, per unit of the people rated, per rater group (the superior
against peers, subordinates and self), and self against others for the people who rated themselves. A rater
whose every score is in the top band (≥ `leniency_high_score`) is flagged on its own (`all_top`), once the
rater gave at least `leniency_min_scores` scores.

Read set-based: one query streams the scores ordered by the person rated (tallied as counts per distinct
value, so memory follows the number of raters and units, not of answers), one reads the units; rater names are read for the page shown only
(`name_raters`). The result names raters: only the readers of `appraisals.view_diagnostics` (managers,
leaders, auditors, administrators) see it, never the person rated — it says who gave which kind of score
overall, never who rated whom.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import itemgetter
from typing import Any, TypeVar

from django.db.models import F, IntegerField
from django.db.models.functions import Cast, Round
from django.utils.translation import gettext_lazy as _

from kinerja.organisations.models import Employee, Unit
from kinerja.planning import scoring_bridge
from kinerja.planning.models import PlanYear
from kinerja.scoring import LeniencyStats, NkpMethod, RuleSet, leniency_counted

from .models import ASPECT_FIELDS, CORE_VALUE_FIELDS, BehaviourScore, RaterAssignment, RaterGroup

__all__ = [
    "Diagnostics",
    "GroupStats",
    "RaterStats",
    "SelfVsOthers",
    "UnitStats",
    "diagnostics",
    "name_raters",
]

K = TypeVar("K", bound=Hashable)
HUNDRED = Decimal(100)
CHUNK = 5000
GROUP_ORDER = (RaterGroup.SUPERIOR, RaterGroup.PEER, RaterGroup.SUBORDINATE, RaterGroup.SELF)
METHOD_360 = "360"
METHOD_CORE_VALUES = "core_values"


@dataclass(slots=True)
class RaterStats:
    """One rater's scores in the year. `rater` is filled by `name_raters` for the rows shown."""

    rater_id: int
    stats: LeniencyStats
    all_top: bool
    rater: Employee | None = None


@dataclass(slots=True)
class UnitStats:
    """The scores given to the people of one unit."""

    unit: Unit
    stats: LeniencyStats
    all_top: bool


@dataclass(slots=True)
class GroupStats:
    """The scores given by one rater group (superior, peers, subordinates, self)."""

    group: str
    label: str
    stats: LeniencyStats


@dataclass(slots=True)
class SelfVsOthers:
    """The people who rated themselves: their own scores against the others' scores of the same people."""

    people: int
    own: LeniencyStats
    others: LeniencyStats | None
    higher: int
    """How many of them scored themselves higher (on average) than the others scored them."""

    @property
    def difference(self) -> Decimal | None:
        return None if self.others is None else self.own.mean - self.others.mean


@dataclass(slots=True)
class Diagnostics:
    """A unit's year: the scores' method and scale, the rule set's thresholds and the statistics."""

    unit: Unit
    plan_year: PlanYear
    rules: RuleSet
    method: str
    scale: Decimal
    overall: LeniencyStats | None
    raters: list[RaterStats] = field(default_factory=list)
    units: list[UnitStats] = field(default_factory=list)
    groups: list[GroupStats] = field(default_factory=list)
    self_vs_others: SelfVsOthers | None = None

    @property
    def high(self) -> Decimal:
        return Decimal(self.rules.appraisal.leniency_high_score.value)

    @property
    def min_scores(self) -> int:
        return int(self.rules.appraisal.leniency_min_scores.value)

    @property
    def flagged_raters(self) -> list[RaterStats]:
        return [r for r in self.raters if r.stats.flagged or r.all_top]

    @property
    def all_top_raters(self) -> list[RaterStats]:
        return [r for r in self.raters if r.all_top]

    @property
    def flagged_units(self) -> list[UnitStats]:
        return [u for u in self.units if u.stats.flagged or u.all_top]

    @property
    def is_360(self) -> bool:
        return self.method == METHOD_360


# --------------------------------------------------------------------------- gathering


def _method(rules: RuleSet) -> str:
    return METHOD_360 if rules.nkp_method.value == NkpMethod.CKP_NP else METHOD_CORE_VALUES


Row = tuple[Any, ...]


class _Hundredths(Cast):
    """A score (two decimals) as a whole number of hundredths, made by the database: an integer is read and
    counted several times faster than a `Decimal` (1.6 million scores for a ministry's year). Rounded first, so
    that a float on SQLite (0.29 × 100 = 28.999…) is the same whole number. The drivers give an `int` already:
    no converter runs per value (Django's `int()` on each would cost a third of the page)."""

    convert_value = staticmethod(Cast._convert_value_noop)  # type: ignore[attr-defined]  # Django: no converter

    def __init__(self, name: str) -> None:
        super().__init__(Round(F(name) * 100), IntegerField())


def _hundredths(fields: Sequence[str]) -> list[_Hundredths]:
    return [_Hundredths(name) for name in fields]


def _score_of(hundredths: int) -> Decimal:
    """The score a count of hundredths stands for (`Decimal("95.50")` for 9550), one object per distinct score."""
    found = _SCORES.get(hundredths)
    if found is None:
        found = _SCORES[hundredths] = Decimal(hundredths).scaleb(-2)
    return found


_SCORES: dict[int, Decimal] = {}


def _rows(unit: Unit, plan_year: PlanYear, method: str) -> Iterator[Row]:
    """(rater pk, employee pk, employee's unit pk, group, *scores in hundredths) of the year in the unit's subtree;
    one query."""
    if method == METHOD_360:
        return (
            RaterAssignment.objects.filter(
                campaign__plan_year=plan_year,
                submitted_at__isnull=False,
                employee__unit__path__startswith=unit.path,
            )
            .order_by("employee_id")
            .values_list("rater_id", "employee_id", "employee__unit_id", "group", *_hundredths(ASPECT_FIELDS))
            .iterator(chunk_size=CHUNK)
        )
    return (
        BehaviourScore.objects.filter(period__plan_year=plan_year, employee__unit__path__startswith=unit.path)
        .order_by("employee_id")
        .values_list("rater_id", "employee_id", "employee__unit_id", "group", *_hundredths(CORE_VALUE_FIELDS))
        .iterator(chunk_size=CHUNK)
    )


@dataclass(slots=True)
class _Tallies:
    overall: Counter[int] = field(default_factory=Counter)
    raters: dict[int, Counter[int]] = field(default_factory=dict)
    units: dict[int, Counter[int]] = field(default_factory=dict)
    groups: dict[str, Counter[int]] = field(default_factory=dict)
    own: Counter[int] = field(default_factory=Counter)
    """Self scores, of the people who rated themselves."""
    others: Counter[int] = field(default_factory=Counter)
    """The other raters' scores of the same people."""
    people: int = 0
    higher: int = 0


def _tally(rows: Iterable[Row], rules: RuleSet) -> _Tallies:
    """Every score (in hundredths) counted per distinct value: overall, per rater, unit and group; and, one
    person at a time (the rows come ordered by the person rated), self against others for those who rated
    themselves.

    A row's scores are appended to a list per key and counted into the key's tally every `CHUNK` rows (one C-level
    count per key and chunk instead of four Python calls per row): memory follows the chunk, the raters and
    the units, not the number of answers."""
    t = _Tallies()
    by_rater: dict[int, list[int]] = {}
    by_unit: dict[int, list[int]] = {}
    by_group: dict[str, list[int]] = {}
    overall: list[int] = []
    rows_pending = 0

    def flush() -> None:
        pairs: tuple[tuple[dict[Any, list[int]], dict[Any, Counter[int]]], ...] = (
            (by_rater, t.raters),
            (by_unit, t.units),
            (by_group, t.groups),
        )
        for lists, tallies in pairs:
            for key, scores in lists.items():
                counted = tallies.get(key)
                if counted is None:
                    tallies[key] = Counter(scores)
                else:
                    counted.update(scores)
            lists.clear()
        t.overall.update(overall)
        overall.clear()

    for _employee_id, person_rows in groupby(rows, key=itemgetter(1)):
        own: list[int] = []
        others: list[int] = []
        for rater_id, _employee, unit_id, group, *values in person_rows:
            scores = [v for v in values if v is not None]
            if not scores:
                continue
            for lists, key in ((by_rater, rater_id), (by_unit, unit_id), (by_group, group)):
                found = lists.get(key)
                if found is None:
                    lists[key] = scores.copy()
                else:
                    found.extend(scores)
            overall.extend(scores)
            (own if group == RaterGroup.SELF else others).extend(scores)
            rows_pending += 1
        if own:
            t.people += 1
            t.own.update(own)
            if others:
                t.others.update(others)
                mine, given = _stats({"own": Counter(own), "others": Counter(others)}, rules).values()
                t.higher += mine.mean > given.mean
        if rows_pending >= CHUNK:
            flush()
            rows_pending = 0
    flush()
    return t


def _stats(tallies: Mapping[K, Counter[int]], rules: RuleSet) -> dict[K, LeniencyStats]:
    """The scoring core's leniency statistics of each tally (hundredths counted per distinct value), from the
    scores' counts (`leniency_counted`: one term per distinct score, not one per score)."""
    return leniency_counted(
        {key: {_score_of(h): n for h, n in counted.items()} for key, counted in tallies.items()}, rules
    )


def _one(counted: Counter[int], rules: RuleSet) -> LeniencyStats | None:
    return _stats({0: counted}, rules).get(0) if counted else None


def _all_top(stats: LeniencyStats, rules: RuleSet) -> bool:
    """Every score in the top band, from enough scores to judge."""
    return stats.count >= rules.appraisal.leniency_min_scores.value and stats.share_high >= HUNDRED


def _self_vs_others(t: _Tallies, rules: RuleSet) -> SelfVsOthers | None:
    own = _one(t.own, rules)
    if own is None:
        return None
    return SelfVsOthers(t.people, own, _one(t.others, rules), t.higher)


def diagnostics(unit: Unit, plan_year: PlanYear) -> Diagnostics:
    """The leniency statistics of the unit's subtree in the year, by the year's rule set. Two queries."""
    rules = scoring_bridge.rule_set(plan_year.rule_set)
    method = _method(rules)
    t = _tally(_rows(unit, plan_year, method), rules)
    raters = [RaterStats(pk, stats, _all_top(stats, rules)) for pk, stats in _stats(t.raters, rules).items()]
    raters.sort(key=lambda r: (not r.all_top, not r.stats.flagged, -r.stats.mean, r.rater_id))
    unit_stats = _stats(t.units, rules)
    units = Unit.objects.filter(pk__in=list(unit_stats)).order_by("path") if unit_stats else []
    labels = dict(RaterGroup.choices)
    group_stats = _stats(t.groups, rules)
    return Diagnostics(
        unit=unit,
        plan_year=plan_year,
        rules=rules,
        method=method,
        scale=Decimal(100) if method == METHOD_360 else Decimal(120),
        overall=_one(t.overall, rules),
        raters=raters,
        units=[UnitStats(u, unit_stats[u.pk], _all_top(unit_stats[u.pk], rules)) for u in units],
        groups=[
            GroupStats(g.value, str(labels[g.value]), group_stats[g.value])
            for g in GROUP_ORDER
            if g.value in group_stats
        ],
        self_vs_others=_self_vs_others(t, rules),
    )


def name_raters(rows: Sequence[RaterStats]) -> Sequence[RaterStats]:
    """Fill `rater` (with the unit) of the rows shown; one query."""
    found = Employee.objects.select_related("unit").in_bulk([r.rater_id for r in rows])
    for row in rows:
        row.rater = found.get(row.rater_id)
    return rows


# The method of each kind of score, for the page.
METHOD_LABELS = {
    METHOD_360: _("Penilaian perilaku 360° (aspek 0–100)"),
    METHOD_CORE_VALUES: _("Nilai perilaku BerAKHLAK (0–120)"),
}
