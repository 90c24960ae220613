"""Kinerja's scoring core: pure Python (standard library and `decimal`), no Django.

Implements `shared/spec/scoring.md` exactly; every number comes from a rule
set (`RuleSet`, `get_rule_set`), every figure is a `Decimal` rounded only for
display (`display`), and every result can explain itself (`Explanation`).
The developer guide is `docs/scoring.md`.

Types: rule sets, parameters and explanations are frozen dataclasses. The
per-row inputs (`ScorecardKpi`, `EmployeeKpi`, `PeriodValue`, `Employee`, ...)
and all results are slotted dataclasses that are *not* frozen, because the CLI
builds hundreds of thousands of them and a frozen dataclass costs four to six
times as much to build; treat them as read-only values (explanations are
built on demand from the inputs, so do not change an input after scoring it).

Rule sets (`rules`)
    `RuleSet`, `Param`, `Bands`, `Step`, `Nkp2014Rules`, `Nkp2026Rules`,
    `RULE_SETS`, `DEFAULT_RULE_SET`, `get_rule_set(code)`.
Errors (`errors`)
    `ScoringError` (a `ValueError` with `code`, `message`, `kpi`, `field`,
    `employee`), `ScoringErrors` (several at once), `ErrorCode`.
Vocabularies (`enums`)
    `Polarity`, `Consolidation`, `Status`, `Perspective`, `Validity`,
    `Controllability`, `KpiKind`, `TargetCase`, `StabilizeMethod`,
    `MissingPolicy`, `CapOnTargetRule`, `NkpMethod`, `Aggregation`,
    `CascadeType`, `RaterGroup`, `Aspect`, `DisciplineCategory`, `Rating`,
    `DistributionLabel`, `UnitLevel`.
One KPI (`kpi`, §1, §2, §7.1)
    `kpi_index`, `status_of`, `consolidate`, `parse_period`, `Period`,
    `PeriodValue`, `KpiInput`, `KpiResult`, `score_kpi`.
A unit's scorecard (`scorecard`, §3, §4)
    `ScorecardKpi`, `score_scorecard`, `ScorecardResult`, `PerspectiveResult`,
    `ObjectiveResult`, `PERSPECTIVE_ORDER`.
Cascading (`cascade`, §5)
    `roll_up`, `ChildValue`, `RollUp`.
Employees (`employee`, `nkp`, `nkp2014` §6, `nkp2026` §7)
    inputs `Employee`, `EmployeeKpi`, `BehaviourRating`, `CoreValues`,
    `Participation`, `Sentence`, `CORE_VALUES`; `score_employees` (by the rule
    set's method) → `Nkp2014Result` / `Nkp2026Result`; the steps
    `score_employee_2014`, `score_employees_2014`, `behaviour_score_2014`,
    `participation_penalty`, `distribution_counts`, `distribute`, `leniency`,
    `leniency_counted`, `leniency_by_rater`, `leniency_by_unit`, `score_employee_2026`,
    `score_employees_2026`, `contract_quality`, `q_kpi`, `q_target`,
    `calibrate`, `discipline_penalty`, `sentence_in_force`, `impact_penalty`,
    `blend_weight`, `rating_of`, `predicate_of`.
Explanations (`explain`)
    `Explanation` (`to_dict`, `to_text`, `find`), `display`, `display_float`.
Appraisal limits (`limits`, rule 26)
    `organisation_rating`, `check_predicate_limits` → `LimitCheck`; the parameters
    are the rule set's `appraisal` group (`AppraisalRules`, `PredicateLimit`).
Ranking (`ranking`)
    `rank(items, key, tie_break=)` → `Ranked` (`rank`, `item`, `key`): highest
    first, ties share a rank (1, 2, 2, 4), N/A keys last and unranked.
"""

from kinerja.scoring.cascade import ChildValue, RollUp, roll_up
from kinerja.scoring.employee import (
    CORE_VALUES,
    BehaviourRating,
    CoreValues,
    Employee,
    EmployeeKpi,
    Participation,
    Sentence,
    employee_kpi,
)
from kinerja.scoring.enums import (
    Aggregation,
    Aspect,
    CapOnTargetRule,
    CascadeType,
    Consolidation,
    Controllability,
    DisciplineCategory,
    DistributionLabel,
    KpiKind,
    MissingPolicy,
    NkpMethod,
    Perspective,
    Polarity,
    RaterGroup,
    Rating,
    StabilizeMethod,
    Status,
    TargetCase,
    UnitLevel,
    Validity,
)
from kinerja.scoring.errors import ErrorCode, ScoringError, ScoringErrors
from kinerja.scoring.explain import Explanation, display, display_float, settle
from kinerja.scoring.kpi import (
    KpiInput,
    KpiResult,
    Period,
    PeriodValue,
    consolidate,
    kpi_index,
    parse_period,
    score_kpi,
    status_of,
)
from kinerja.scoring.limits import LimitCheck, check_predicate_limits, organisation_rating
from kinerja.scoring.nkp import EmployeeResult, score_employees
from kinerja.scoring.nkp2014 import (
    BehaviourResult,
    CkpKpi,
    LeniencyStats,
    Nkp2014Result,
    behaviour_score_2014,
    distribute,
    distribution_counts,
    leniency,
    leniency_by_rater,
    leniency_by_unit,
    leniency_counted,
    participation_penalty,
    score_employee_2014,
    score_employees_2014,
)
from kinerja.scoring.nkp2026 import (
    ContractQuality,
    NhkKpi,
    Nkp2026Result,
    TargetQuality,
    blend_weight,
    calibrate,
    contract_quality,
    discipline_penalty,
    impact_penalty,
    predicate_of,
    q_kpi,
    q_target,
    rating_of,
    score_employee_2026,
    score_employees_2026,
    sentence_in_force,
    subordinate_penalties,
)
from kinerja.scoring.ranking import Ranked, rank
from kinerja.scoring.rules import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    AppraisalRules,
    Bands,
    ConversionScale,
    Nkp2014Rules,
    Nkp2026Rules,
    Param,
    PredicateLimit,
    RuleSet,
    Step,
    get_rule_set,
)
from kinerja.scoring.scorecard import (
    PERSPECTIVE_ORDER,
    ObjectiveResult,
    PerspectiveResult,
    ScorecardKpi,
    ScorecardResult,
    score_scorecard,
    scorecard_kpi,
)

__all__ = [
    "CORE_VALUES",
    "DEFAULT_RULE_SET",
    "PERSPECTIVE_ORDER",
    "RULE_SETS",
    "Aggregation",
    "AppraisalRules",
    "Aspect",
    "Bands",
    "BehaviourRating",
    "BehaviourResult",
    "CapOnTargetRule",
    "CascadeType",
    "ChildValue",
    "CkpKpi",
    "Consolidation",
    "ContractQuality",
    "Controllability",
    "ConversionScale",
    "CoreValues",
    "DisciplineCategory",
    "DistributionLabel",
    "Employee",
    "EmployeeKpi",
    "EmployeeResult",
    "ErrorCode",
    "Explanation",
    "KpiInput",
    "KpiKind",
    "KpiResult",
    "LeniencyStats",
    "LimitCheck",
    "MissingPolicy",
    "NhkKpi",
    "Nkp2014Result",
    "Nkp2014Rules",
    "Nkp2026Result",
    "Nkp2026Rules",
    "NkpMethod",
    "ObjectiveResult",
    "Param",
    "Participation",
    "Period",
    "PeriodValue",
    "Perspective",
    "PerspectiveResult",
    "Polarity",
    "PredicateLimit",
    "Ranked",
    "RaterGroup",
    "Rating",
    "RollUp",
    "RuleSet",
    "ScorecardKpi",
    "ScorecardResult",
    "ScoringError",
    "ScoringErrors",
    "Sentence",
    "StabilizeMethod",
    "Status",
    "Step",
    "TargetCase",
    "TargetQuality",
    "UnitLevel",
    "Validity",
    "behaviour_score_2014",
    "blend_weight",
    "calibrate",
    "check_predicate_limits",
    "consolidate",
    "contract_quality",
    "discipline_penalty",
    "display",
    "display_float",
    "distribute",
    "distribution_counts",
    "employee_kpi",
    "get_rule_set",
    "impact_penalty",
    "kpi_index",
    "leniency",
    "leniency_by_rater",
    "leniency_by_unit",
    "leniency_counted",
    "organisation_rating",
    "parse_period",
    "participation_penalty",
    "predicate_of",
    "q_kpi",
    "q_target",
    "rank",
    "rating_of",
    "roll_up",
    "score_employee_2014",
    "score_employee_2026",
    "score_employees",
    "score_employees_2014",
    "score_employees_2026",
    "score_kpi",
    "score_scorecard",
    "scorecard_kpi",
    "sentence_in_force",
    "settle",
    "status_of",
    "subordinate_penalties",
]
