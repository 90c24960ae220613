"""The few facts strategy planning takes from the scoring core, in one place.

Rule-set codes, the avoided validity/controllability pairs, the KPI caps per
level and the "does this polarity fit this target" check all come from
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
    "KPI_CAP_PER_LEVEL",
    "MAP_KPI_LIMIT",
    "RULE_SET_FIRST_YEAR",
    "avoid_pairs",
    "consolidated_target",
    "contract_kpi_cap",
    "replacement_working_days",
    "rule_set",
    "rule_set_codes",
    "target_error",
]

# domain.md §2: the KPI cap of a map owner's own scorecard, per unit level (warn).
# Kemenkeu-Three offices own maps only when they are map owners, with the owner's cap of 20.
KPI_CAP_PER_LEVEL: dict[str, int] = {"one": 25, "two": 20, "three": 20, "four": 10, "five": 10}
# domain.md §5 rule 10: more than 30 KPIs on one map is a warning.
MAP_KPI_LIMIT = 30
DEFAULT_AVOID_PAIRS = frozenset({("activity", "low"), ("exact", "high")})
# A rule set applies from the year its decree took effect (scoring.md §7: KMK 127/2026 for 2026 on).
RULE_SET_FIRST_YEAR: dict[str, int] = {"kmk-127-2026": 2026}


# domain.md §2 / rule 17: a contract's KPI cap (Kemenkeu-Three non-owners 10) and the replacement deadline.
KPI_CAP_THREE_NON_OWNER = 10
REPLACEMENT_WORKING_DAYS = 15


def contract_kpi_cap(code: str | None, level: str, owns_map: bool) -> int | None:
    """The KPI cap of a contract held at a unit of `level` (domain.md §2, rule 10: warn); None = no cap."""
    if level == "three" and not owns_map:
        return KPI_CAP_THREE_NON_OWNER
    return KPI_CAP_PER_LEVEL.get(level)


def replacement_working_days(code: str | None) -> int:
    """Rule 17: working days after a job change within which the replacement contract is made (warn after)."""
    return REPLACEMENT_WORKING_DAYS


def rule_set_codes() -> tuple[str, ...]:
    return tuple(RULE_SETS)


def rule_set(code: str | None) -> RuleSet:
    return get_rule_set(code or DEFAULT_RULE_SET)


def avoid_pairs(code: str | None) -> frozenset[tuple[str, str]]:
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
    rule_set_code: str | None,
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
