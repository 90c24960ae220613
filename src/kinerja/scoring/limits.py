"""Predicate distribution limits (`domain.md` rule 26; PermenPANRB 6/2022 as read, `scoring.md` §9):
which limits of the rule set apply to a unit by its organisation rating, and whether its employees'
predicates keep them. Pure: counts in, findings out; the rule set says whether a breach blocks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from kinerja.scoring.rules import PredicateLimit, RuleSet

__all__ = ["LimitCheck", "check_predicate_limits", "organisation_rating"]

_HUNDRED = Decimal(100)


@dataclass(slots=True)
class LimitCheck:
    """One limit applied to a unit: the people it counts, how many are allowed / required, and whether it holds.

    `allowed_most` / `required_least` are head counts (`None`: no such bound): at most ⌊n × most / 100⌋,
    at least max(⌈n × least / 100⌉, least_count)."""

    limit: PredicateLimit
    count: int
    total: int
    allowed_most: int | None
    required_least: int | None
    kept: bool

    @property
    def share(self) -> Decimal:
        """The counted people as a percent of the unit (0 for an empty unit)."""
        return Decimal(self.count) * _HUNDRED / self.total if self.total else Decimal(0)


def organisation_rating(nko: Decimal | None, rules: RuleSet) -> str | None:
    """The unit's organisation rating from its NKO by the rule set's bands (`None` without an NKO or bands)."""
    bands = rules.appraisal.organisation_ratings.value
    if nko is None or not bands.steps:
        return None
    return bands.classify(nko)


def check_predicate_limits(
    predicates: Mapping[str, int], rating: str | None, rules: RuleSet
) -> list[LimitCheck]:
    """Check the limits of the organisation `rating` against the predicate counts of the unit's employees.

    `predicates` counts employees by predicate (employees without one are left out). An empty unit keeps
    every limit. The order is the rule set's.
    """
    total = sum(predicates.values())
    checks: list[LimitCheck] = []
    for limit in rules.appraisal.predicate_limits.value:
        if rating is None or limit.rating != rating:
            continue
        count = sum(predicates.get(p, 0) for p in limit.predicates)
        most = (
            None
            if limit.most is None
            else int((total * limit.most / _HUNDRED).to_integral_value(rounding=ROUND_FLOOR))
        )
        least: int | None = None
        if limit.least is not None or limit.least_count:
            share = (
                0
                if limit.least is None
                else int((total * limit.least / _HUNDRED).to_integral_value(rounding=ROUND_CEILING))
            )
            least = max(share, limit.least_count)
        kept = total == 0 or ((most is None or count <= most) and (least is None or count >= least))
        checks.append(LimitCheck(limit, count, total, most, least, kept))
    return checks
