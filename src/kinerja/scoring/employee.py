"""Inputs of the employee score (NKP), shared by both methods (`scoring.md` §6 and §7).

One `Employee` carries everything either rule set needs, like the ``pegawai``,
``iki`` and ``perilaku`` sheets of `interchange.md`: its contract KPIs
(`EmployeeKpi`), its 360° ratings (`BehaviourRating`, `kmk-467-2014`) and its
core-value scores (`CoreValues`, `kmk-127-2026`). Fields the rule set does not
use are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kinerja.scoring.enums import (
    Aspect,
    Consolidation,
    Controllability,
    DisciplineCategory,
    KpiKind,
    Polarity,
    RaterGroup,
    Validity,
)
from kinerja.scoring.kpi import KpiInput, PeriodValue

__all__ = [
    "CORE_VALUES",
    "BehaviourRating",
    "CoreValues",
    "Employee",
    "EmployeeKpi",
    "Participation",
    "Sentence",
    "employee_kpi",
]

CORE_VALUES: tuple[str, ...] = (
    "service",
    "accountable",
    "competent",
    "harmonious",
    "loyal",
    "adaptive",
    "collaborative",
)
"""The seven BerAKHLAK core values (§7.3), as `CoreValues` field names and ``perilaku`` columns."""


@dataclass(slots=True, kw_only=True)
class EmployeeKpi(KpiInput):
    """A KPI of an employee's performance contract (IKI; ``iki`` sheet).

    Besides the `KpiInput` fields: `weight` (percent, for CKP under §6; blank =
    equal); `validity` and `controllability` (contract quality, §6 / §7.2);
    `kind`, `target_prev`, `realization_prev` and `fixed_target` (fixed by law
    or by an authority at ministry level or above, or stable by nature) for
    `Q_target` (§7.2); `k3` to give the factor directly; `days` the KPI was in
    the contract (§7.3; blank = equal).
    """

    weight: Decimal | None = None
    validity: Validity | None = None
    controllability: Controllability | None = None
    kind: KpiKind = KpiKind.EXISTING
    target_prev: Decimal | None = None
    realization_prev: Decimal | None = None
    fixed_target: bool = False
    k3: Decimal | None = None
    days: Decimal | None = None


_new = object.__new__


def employee_kpi(
    code: str,
    polarity: Polarity,
    target: Decimal | None,
    realization: Decimal | None,
    target_low: Decimal | None,
    target_high: Decimal | None,
    worst: Decimal | None,
    consolidation: Consolidation,
    periods: tuple[PeriodValue, ...],
    cap_on_target: bool,
    index: Decimal | None,
    name: str,
    weight: Decimal | None,
    validity: Validity | None,
    controllability: Controllability | None,
    kind: KpiKind,
    target_prev: Decimal | None,
    realization_prev: Decimal | None,
    fixed_target: bool,
    k3: Decimal | None,
    days: Decimal | None,
) -> EmployeeKpi:
    """`EmployeeKpi(code=code, polarity=polarity, ...)` (no scale, not overdue) from positional
    arguments, for building one per row of a big workbook.

    Done for speed: the dataclass's keyword-only `__init__` matches each keyword against its 23
    parameter names, which makes it about 3× as slow as setting the fields here. Every field is
    set (a test compares the two).
    """
    kpi = _new(EmployeeKpi)
    kpi.code = code
    kpi.polarity = polarity
    kpi.target = target
    kpi.realization = realization
    kpi.target_low = target_low
    kpi.target_high = target_high
    kpi.worst = worst
    kpi.consolidation = consolidation
    kpi.periods = periods
    kpi.cap_on_target = cap_on_target
    kpi.scale = None
    kpi.index = index
    kpi.overdue = False
    kpi.name = name
    kpi.weight = weight
    kpi.validity = validity
    kpi.controllability = controllability
    kpi.kind = kind
    kpi.target_prev = target_prev
    kpi.realization_prev = realization_prev
    kpi.fixed_target = fixed_target
    kpi.k3 = k3
    kpi.days = days
    return kpi


@dataclass(slots=True)
class BehaviourRating:
    """One rater's 360° scores of one employee for one semester (§6; 0–100 each, blank = not rated).

    `semester` is a period label (``2026-S1``) or any label grouping the
    ratings of one semester; `leadership` is for structural officials only.
    """

    semester: str
    rater: str
    group: RaterGroup
    service_orientation: Decimal | None = None
    integrity: Decimal | None = None
    commitment: Decimal | None = None
    discipline: Decimal | None = None
    cooperation: Decimal | None = None
    leadership: Decimal | None = None

    def score(self, aspect: Aspect) -> Decimal | None:
        """The score given for `aspect` (``None`` when blank)."""
        value: Decimal | None = getattr(self, aspect.value)
        return value


@dataclass(slots=True)
class CoreValues:
    """The seven BerAKHLAK core-value scores (0–120) of one employee for one period (§7.3)."""

    period: str
    service: Decimal
    accountable: Decimal
    competent: Decimal
    harmonious: Decimal
    loyal: Decimal
    adaptive: Decimal
    collaborative: Decimal

    def values(self) -> tuple[Decimal, ...]:
        """The seven scores in `CORE_VALUES` order."""
        return (
            self.service,
            self.accountable,
            self.competent,
            self.harmonious,
            self.loyal,
            self.adaptive,
            self.collaborative,
        )


@dataclass(frozen=True, slots=True)
class Participation:
    """Participation in the 360° assessment, for the §6 penalties on NP.

    `missed_assessments`: assessments this employee, as a rater, left
    unanswered; `subordinates_without_raters`: subordinates for whom this
    employee, as superior, set no raters; `proposed_no_raters`: this employee
    proposed no raters.
    """

    missed_assessments: int = 0
    subordinates_without_raters: int = 0
    proposed_no_raters: bool = False


@dataclass(frozen=True, slots=True)
class Sentence:
    """A disciplinary sentence (hukuman disiplin, §7.3): category and severity score.

    A sentence counts as in force unless `start_period` and the scoring's
    as-of period are both given, in which case it is in force for the rule
    set's number of quarters from the quarter `start_period` begins in.
    """

    category: DisciplineCategory
    score: Decimal
    start_period: str | None = None


@dataclass(slots=True, kw_only=True)
class Employee:
    """An employee to score (``pegawai`` row) with contract KPIs and behaviour data.

    `tier` (1 or 2) and `nko` (the unit's NKO) drive the §7.3 organisation
    blend; `discipline` the sentences (the heaviest in force counts);
    `correction` the leader's correction (−5…+5); `calibrate` is false for
    officials of the top two levels (§7.3). `structural` says whether the
    leadership aspect applies (§6; ``None``: it counts when rated).
    `superior_nip`, `unit` and `job_category` group employees for the
    distribution curve (§6) and link subordinates for *impact* (§7.3).
    """

    nip: str
    name: str = ""
    superior_nip: str | None = None
    unit: str | None = None
    job_category: str | None = None
    tier: int | None = None
    nko: Decimal | None = None
    discipline: tuple[Sentence, ...] = ()
    correction: Decimal = Decimal(0)
    calibrate: bool = True
    structural: bool | None = None
    participation: Participation = Participation()
    kpis: tuple[EmployeeKpi, ...] = ()
    ratings: tuple[BehaviourRating, ...] = ()
    core_values: tuple[CoreValues, ...] = ()
