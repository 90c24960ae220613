"""The few facts strategy planning takes from the scoring core, in one place.

Rule-set codes, the avoided validity/controllability pairs, the limits of
domain.md §2 and §5 (KPI caps per level, KPIs per SS and per map, the
replacement-contract deadline: parameters of the plan year's rule set) and
the "does this polarity fit this target" check all come from
`kinerja.scoring` (one source of truth per fact); this module only adapts
them to the planning models' plain strings and Decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from kinerja.scoring import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    Consolidation,
    PeriodValue,
    Polarity,
    RuleSet,
    ScoringError,
    consolidate,
    get_rule_set,
    kpi_index,
)

__all__ = [
    "DEFAULT_RULE_SET",
    "RULE_SET_FIRST_YEAR",
    "RuleSetRef",
    "avoid_pairs",
    "consolidated_target",
    "contract_kpi_cap",
    "kpis_per_objective",
    "map_kpi_limit",
    "replacement_working_days",
    "rule_set",
    "rule_set_codes",
    "target_error",
]

DEFAULT_AVOID_PAIRS = frozenset({("activity", "low"), ("exact", "high")})
# A rule set applies from the year its decree took effect (scoring.md §7: KMK 127/2026 for 2026 on).
RULE_SET_FIRST_YEAR: dict[str, int] = {"kmk-127-2026": 2026}

RuleSetRef = str | RuleSet | None
"""A plan year's rule-set code (None: the default) or a rule set itself (a variant made in a test)."""


# The limits of domain.md §2 and §5 (rules 7, 10, 17) are rule-set parameters (issue 12).


def contract_kpi_cap(code: RuleSetRef, level: str, owns_map: bool) -> int | None:
    """The KPI cap of a contract held at a unit of `level` (domain.md §2, rule 10: warn); None = no cap."""
    return rule_set(code).kpi_cap(level, owns_map=owns_map)


def map_kpi_limit(code: RuleSetRef) -> int:
    """Rule 10: more KPIs than this on one map is a warning."""
    return rule_set(code).map_kpi_limit.value


def kpis_per_objective(code: RuleSetRef) -> int:
    """Rule 7: more KPIs than this on one SS is a warning."""
    return rule_set(code).kpis_per_objective.value


def replacement_working_days(code: RuleSetRef) -> int:
    """Rule 17: working days after a job change within which the replacement contract is made (warn after)."""
    return rule_set(code).replacement_working_days.value


def rule_set_codes() -> tuple[str, ...]:
    return tuple(RULE_SETS)


def rule_set(code: RuleSetRef) -> RuleSet:
    """The rule set named `code` (the default when empty); a `RuleSet` is returned as it is."""
    if isinstance(code, RuleSet):
        return code
    return get_rule_set(code or DEFAULT_RULE_SET)


def avoid_pairs(code: RuleSetRef) -> frozenset[tuple[str, str]]:
    """The (validity, controllability) pairs a rule set asks to avoid; the §5 defaults when it names none."""
    param = getattr(rule_set(code), "avoid_pairs", None)
    if param is None:
        return DEFAULT_AVOID_PAIRS
    return frozenset((str(v), str(c)) for v, c in param.value)


def target_error(
    *,
    polarity: str,
    target: Decimal | None,
    target_low: Decimal | None,
    target_high: Decimal | None,
    worst: Decimal | None,
    cap_on_target: bool,
    rule_set_code: RuleSetRef,
    kpi: str = "",
) -> ScoringError | None:
    """The scoring core's objection to this polarity and target, or None when it can be scored (§1).

    The check is the scoring core's own: the index is computed once with the
    realization equal to the target, which raises exactly the input errors a
    real realization would (max with target 0, min with target 0 and no worst
    value, an inverted or non-positive band, a missing target).
    """
    pol = Polarity(polarity)
    if pol is Polarity.STABILIZE and target is None and target_low is not None:
        probe = target_low
    elif target is None:
        probe = Decimal(0)
    else:
        probe = target
    try:
        kpi_index(
            pol,
            probe,
            target=target,
            target_low=target_low,
            target_high=target_high,
            worst=worst,
            cap_on_target=cap_on_target,
            rules=rule_set(rule_set_code),
            kpi=kpi,
        )
    except ScoringError as error:
        return error
    return None


def consolidated_target(values: Sequence[Decimal], consolidation: str, *, kpi: str = "") -> Decimal | None:
    """The yearly target a trajectory amounts to, consolidated as the scoring core does (§2)."""
    periods = [PeriodValue(period=str(i + 1), target=v) for i, v in enumerate(values)]
    return consolidate(periods, Consolidation(consolidation), kpi=kpi).target
