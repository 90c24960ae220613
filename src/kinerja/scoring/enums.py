"""Keyword vocabularies of the scoring core (`scoring.md`, all sections).

Every enum is a `StrEnum` whose values are the lowercase English keywords of
`interchange.md`, so ``Polarity("max")`` parses a cell once the interchange
layer has mapped Indonesian aliases to these keywords.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "Aggregation",
    "Aspect",
    "CapOnTargetRule",
    "CascadeType",
    "Consolidation",
    "Controllability",
    "DisciplineCategory",
    "DistributionLabel",
    "KpiKind",
    "MissingPolicy",
    "NkpMethod",
    "Perspective",
    "Polarity",
    "RaterGroup",
    "Rating",
    "StabilizeMethod",
    "Status",
    "TargetCase",
    "UnitLevel",
    "Validity",
]


class Polarity(StrEnum):
    """Direction of a KPI (§1): higher is better, lower is better, or inside a band."""

    MAX = "max"
    MIN = "min"
    STABILIZE = "stabilize"


class Consolidation(StrEnum):
    """How period values add up to the value *as of* a period (§2)."""

    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"


class Status(StrEnum):
    """Status colour of a KPI index (§1)."""

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


class Perspective(StrEnum):
    """The four Balanced Scorecard perspectives, in display order (§4)."""

    STAKEHOLDER = "stakeholder"
    CUSTOMER = "customer"
    INTERNAL_PROCESS = "internal_process"
    LEARNING_GROWTH = "learning_growth"


class Validity(StrEnum):
    """Validity of a KPI (jenis IKU) for the contract-quality factor (§6, §7.2)."""

    EXACT = "exact"
    PROXY = "proxy"
    ACTIVITY = "activity"
    PROJECT = "project"


class Controllability(StrEnum):
    """Degree of controllability of a KPI (§6, §7.2)."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class KpiKind(StrEnum):
    """History of an employee KPI, for the `Q_target` overrides (§7.2)."""

    EXISTING = "existing"
    NEW = "new"
    NEW_WITH_HISTORY = "new_with_history"
    MANDATORY = "mandatory"


class TargetCase(StrEnum):
    """The six rows of the `Q_target` table (§7.2), for a `max` KPI (negated for `min`)."""

    LOWERED = "lowered"  # T < T1
    KEPT_EXCEEDED = "kept_exceeded"  # T = T1 and R1 > T1
    KEPT_NOT_EXCEEDED = "kept_not_exceeded"  # T = T1 and R1 <= T1
    RAISED_BELOW_REALIZATION = "raised_below_realization"  # T > T1 and T < R1
    RAISED_TO_REALIZATION = "raised_to_realization"  # T > T1 and T = R1
    RAISED_ABOVE_REALIZATION = "raised_above_realization"  # T > T1 and T > R1


class StabilizeMethod(StrEnum):
    """How a stabilize KPI is indexed: the §1 band formulas or the §7.1 conversion scale."""

    BAND = "band"
    SCALE = "scale"


class MissingPolicy(StrEnum):
    """What an unreported KPI scores (§3): left out (N/A) or 0 once its due date has passed."""

    NA = "na"
    ZERO_AFTER_DUE = "zero_after_due"


class CapOnTargetRule(StrEnum):
    """When a `cap_on_target` KPI scores the cap.

    `met`: §1 (kmk-467-2014): any polarity whose target is met — `max` with
    `R ≥ T`, `min` with `R ≤ T`, stabilize inside its band; the §1 input errors
    (e.g. `min` with `T = 0` and no `W`) are raised first.
    `met_max_min`: §7.1 (kmk-127-2026, "konversi 120"): `max` with `R ≥ T`,
    `min` with `R ≤ T` (with `T = 0`: `R ≤ 0`, no `W` needed); stabilize is
    scored by its conversion scale.
    """

    MET = "met"
    MET_MAX_MIN = "met_max_min"


class NkpMethod(StrEnum):
    """Which employee score a rule set uses: CKP+NP (§6) or NHK+NPK (§7.3)."""

    CKP_NP = "ckp_np"
    NHK_NPK = "nhk_npk"


class Aggregation(StrEnum):
    """How a cascaded parent KPI's realization is derived from its children (§5)."""

    SUM = "sum"
    AVERAGE = "average"
    WEIGHTED_AVERAGE = "weighted_average"
    MIN = "min"
    MAX = "max"


class CascadeType(StrEnum):
    """Cascade type of a KPI link (§5); only direct and indirect KPIs roll up."""

    DIRECT = "direct"
    INDIRECT = "indirect"
    NON_CASCADING = "non_cascading"


class RaterGroup(StrEnum):
    """Rater group of a 360° behaviour assessment (§6)."""

    SUPERIOR = "superior"
    PEER = "peer"
    SUBORDINATE = "subordinate"
    SELF = "self"


class Aspect(StrEnum):
    """Behaviour aspects of the 2014 360° assessment (§6); leadership for structural officials only."""

    SERVICE_ORIENTATION = "service_orientation"
    INTEGRITY = "integrity"
    COMMITMENT = "commitment"
    DISCIPLINE = "discipline"
    COOPERATION = "cooperation"
    LEADERSHIP = "leadership"


class DisciplineCategory(StrEnum):
    """Disciplinary sentence category (§7.3), lightest first."""

    LIGHT = "light"
    MEDIUM = "medium"
    SEVERE = "severe"


class Rating(StrEnum):
    """Rating of work result and behaviour against expectations (§7.3)."""

    ABOVE = "above"
    MEETS = "meets"
    BELOW = "below"


class DistributionLabel(StrEnum):
    """Place on the distribution curve (§6)."""

    BEST = "best"
    AVERAGE = "average"
    BELOW = "below"


class UnitLevel(StrEnum):
    """Organisation level of a unit (`domain.md` §2), Kemenkeu-Wide highest; keys of the KPI caps."""

    WIDE = "wide"
    ONE = "one"
    TWO = "two"
    THREE = "three"
    FOUR = "four"
    FIVE = "five"
