"""Properties of the scoring rules that hold for every input (hypothesis)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.scoring import (
    RULE_SETS,
    BehaviourRating,
    Controllability,
    CoreValues,
    DisciplineCategory,
    Employee,
    EmployeeKpi,
    KpiKind,
    Perspective,
    Polarity,
    RaterGroup,
    ScorecardKpi,
    ScoringError,
    Sentence,
    Validity,
    contract_quality,
    get_rule_set,
    kpi_index,
    score_employee_2014,
    score_employee_2026,
    score_scorecard,
)

D = Decimal
EXAMPLES = settings(max_examples=200, deadline=None)

rule_sets = st.sampled_from(sorted(RULE_SETS)).map(get_rule_set)
amounts = st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=1000, places=2, allow_nan=False, allow_infinity=False)
nonzero = amounts.filter(lambda x: x != 0)
factors = st.decimals(min_value=D("0.01"), max_value=100, places=2, allow_nan=False, allow_infinity=False)
scores = st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False)


@EXAMPLES
@given(
    rules=rule_sets,
    polarity=st.sampled_from(list(Polarity)),
    target=amounts,
    low=st.none() | amounts,
    high=st.none() | amounts,
    worst=st.none() | amounts,
    realization=amounts,
    cap=st.booleans(),
)
def test_index_within_floor_and_cap(rules, polarity, target, low, high, worst, realization, cap):
    try:
        index = kpi_index(
            polarity,
            realization,
            target=target,
            target_low=low,
            target_high=high,
            worst=worst,
            cap_on_target=cap,
            rules=rules,
        )
    except ScoringError:
        return
    assert rules.index_floor.value <= index <= rules.index_cap.value


@EXAMPLES
@given(rules=rule_sets, target=nonzero, r1=amounts, r2=amounts, cap=st.booleans())
def test_max_never_decreases_as_realization_grows(rules, target, r1, r2, cap):
    lo, hi = sorted((r1, r2))
    a = kpi_index(Polarity.MAX, lo, target=target, cap_on_target=cap, rules=rules)
    b = kpi_index(Polarity.MAX, hi, target=target, cap_on_target=cap, rules=rules)
    assert a <= b


@EXAMPLES
@given(rules=rule_sets, target=amounts, worst=positive, r1=amounts, r2=amounts, cap=st.booleans())
def test_min_never_increases_as_realization_grows(rules, target, worst, r1, r2, cap):
    lo, hi = sorted((r1, r2))
    a = kpi_index(Polarity.MIN, lo, target=target, worst=worst, cap_on_target=cap, rules=rules)
    b = kpi_index(Polarity.MIN, hi, target=target, worst=worst, cap_on_target=cap, rules=rules)
    assert a >= b


@EXAMPLES
@given(rules=rule_sets, target=nonzero, realization=amounts, k=factors, cap=st.booleans())
def test_max_index_is_scale_free(rules, target, realization, k, cap):
    a = kpi_index(Polarity.MAX, realization, target=target, cap_on_target=cap, rules=rules)
    b = kpi_index(Polarity.MAX, realization * k, target=target * k, cap_on_target=cap, rules=rules)
    assert a == b


# ---------------------------------------------------------------- scorecards

PERSPECTIVES = list(Perspective)


@st.composite
def scorecards(draw, *, weighted=None, value=None):
    """KPIs in all four perspectives (so set perspective weights can total 100); some not reported."""
    use_weights = draw(st.booleans()) if weighted is None else weighted
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=3, max_size=3)))
    weights = [D(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    kpis = []
    for p, weight in zip(PERSPECTIVES, weights, strict=True):
        for i in range(draw(st.integers(1, 4))):
            objective = f"{p.value[:2]}{draw(st.integers(1, 2))}"
            if value is not None:
                realization = value
                target = D(100)
            else:
                target = draw(positive)
                realization = draw(st.none() | amounts)
            kpis.append(
                ScorecardKpi(
                    code=f"{p.value}-{i}",
                    perspective=p,
                    objective=objective,
                    target=target,
                    realization=realization,
                    perspective_weight=weight if use_weights else None,
                )
            )
    return kpis


@EXAMPLES
@given(
    kpis=scorecards(), where=st.integers(0, 3), objective=st.sampled_from(["1", "2", "new"]), rules=rule_sets
)
def test_adding_an_unreported_kpi_never_changes_the_nko(kpis, where, objective, rules):
    before = score_scorecard(kpis, rules=rules)
    p = PERSPECTIVES[where]
    weight = next(k.perspective_weight for k in kpis if k.perspective is p)
    extra = ScorecardKpi(
        code="extra",
        perspective=p,
        objective=f"{p.value[:2]}{objective}",
        target=D(50),
        perspective_weight=weight,
    )
    after = score_scorecard([*kpis, extra], rules=rules)
    assert after.nko == before.nko
    assert "extra" in after.missing and not after.complete


@EXAMPLES
@given(kpis=scorecards(), pick=st.integers(0, 100))
def test_removing_a_below_average_kpi_never_lowers_the_nko(kpis, pick):
    before = score_scorecard(kpis)
    candidates = [
        k.code
        for o in before.objectives
        if sum(1 for k in o.kpis if k.index is not None) >= 2
        for k in o.kpis
        if k.index is not None and o.index is not None and k.index < o.index
    ]
    if not candidates:
        return
    drop = candidates[pick % len(candidates)]
    after = score_scorecard([k for k in kpis if k.code != drop])
    if before.nko is None:  # only perspectives weighted 0 were reported
        assert after.nko is None
    else:
        assert after.nko >= before.nko - D("1e-20")


@EXAMPLES
@given(data=st.data(), value=scores)
def test_nko_of_equal_indices_is_that_index(data, value):
    kpis = data.draw(scorecards(value=value))
    assert score_scorecard(kpis).nko == value


# ---------------------------------------------------------------- employees

R2026 = get_rule_set("kmk-127-2026")
ALLOWED = [pair for pair, q in R2026.nkp2026.q_kpi.value.items() if q is not None]


@EXAMPLES
@given(
    pair=st.sampled_from(ALLOWED),
    polarity=st.sampled_from(list(Polarity)),
    kind=st.sampled_from(list(KpiKind)),
    fixed=st.booleans(),
    t=amounts,
    t1=amounts,
    r1=amounts,
)
def test_k3_within_the_factor_range(pair, polarity, kind, fixed, t, t1, r1):
    p = R2026.nkp2026
    q_kpis = [q for q in p.q_kpi.value.values() if q is not None]
    q_targets = [
        *p.q_target.value.values(),
        p.q_target_fixed.value,
        p.q_target_new.value,
        p.q_target_stabilize.value,
    ]
    lowest = (min(q_kpis) + min(q_targets)) / 2
    highest = (max(q_kpis) + max(q_targets)) / 2
    kpi = EmployeeKpi(
        code="K",
        polarity=polarity,
        target=t,
        validity=pair[0],
        controllability=pair[1],
        kind=kind,
        fixed_target=fixed,
        target_prev=t1,
        realization_prev=r1,
    )
    assert lowest <= contract_quality(kpi, rules=R2026).k3 <= highest
    assert (lowest, highest) == (D("0.7"), D("1.2"))


@EXAMPLES
@given(
    indices=st.lists(scores, min_size=1, max_size=5),
    k3s=st.lists(st.decimals(min_value=D("0.5"), max_value=D("1.5"), places=3), min_size=5, max_size=5),
    values=st.lists(scores, min_size=7, max_size=7),
    nko=st.none() | scores,
    tier=st.sampled_from([1, 2]),
    correction=st.decimals(min_value=-5, max_value=5, places=2),
    discipline=st.none()
    | st.tuples(st.sampled_from(list(DisciplineCategory)), st.decimals(min_value=0, max_value=300, places=1)),
    impact=st.lists(st.decimals(min_value=0, max_value=200, places=1), max_size=4),
    calibrate=st.booleans(),
)
def test_nkp_2026_within_0_and_120(
    indices, k3s, values, nko, tier, correction, discipline, impact, calibrate
):
    kpis = tuple(
        EmployeeKpi(code=f"K{i}", index=index, k3=k3)
        for i, (index, k3) in enumerate(zip(indices, k3s, strict=False))
    )
    employee = Employee(
        nip="E",
        tier=tier,
        nko=nko,
        correction=correction,
        calibrate=calibrate,
        discipline=() if discipline is None else (Sentence(*discipline),),
        kpis=kpis,
        core_values=(CoreValues("2026", *values),),
    )
    result = score_employee_2026(employee, rules=R2026, subordinate_penalties=impact)
    for figure in (result.nkp, result.result, result.work_result, result.behaviour, result.nhk, result.npk):
        assert figure is not None and 0 <= figure <= 120
    assert result.predicate is not None


@EXAMPLES
@given(
    indices=st.lists(st.decimals(min_value=-50, max_value=300, places=2), min_size=1, max_size=5),
    np=st.decimals(min_value=0, max_value=100, places=2),
)
def test_nkp_2014_within_0_and_120(indices, np):
    kpis = tuple(
        EmployeeKpi(code=f"K{i}", index=index, validity=Validity.PROXY, controllability=Controllability.LOW)
        for i, index in enumerate(indices)
    )
    ratings = (BehaviourRating("2026-S1", "R", RaterGroup.SUPERIOR, integrity=np),)
    result = score_employee_2014(Employee(nip="E", kpis=kpis, ratings=ratings))
    assert result.nkp is not None and 0 <= result.nkp <= 120


@st.composite
def objectives_mixed_weights(draw):
    """Several objectives in several perspectives; each objective chooses on its own between KPI weights
    that total 100 and blank (equal) weights, and between objective weights and none per perspective."""
    kpis = []
    for p in draw(st.lists(st.sampled_from(PERSPECTIVES), min_size=1, max_size=4, unique=True)):
        names = [f"{p.value[:2]}{n}" for n in range(draw(st.integers(1, 3)))]
        objective_weights = draw(st.booleans())
        cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=len(names) - 1, max_size=len(names) - 1)))
        shares = [D(b - a) for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        for objective, share in zip(names, shares, strict=True):
            count = draw(st.integers(1, 3))
            weighted = draw(st.booleans())
            kcuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1)))
            kshares = [D(b - a) for a, b in zip([0, *kcuts], [*kcuts, 100], strict=True)]
            for i, kshare in enumerate(kshares):
                kpis.append(
                    ScorecardKpi(
                        code=f"{objective}-{i}",
                        perspective=p,
                        objective=objective,
                        target=draw(positive),
                        realization=draw(st.none() | amounts),
                        weight=kshare if weighted else None,
                        objective_weight=share if objective_weights else None,
                    )
                )
    return kpis


@EXAMPLES
@given(kpis=objectives_mixed_weights(), rules=rule_sets)
def test_each_objective_scores_as_it_does_alone(kpis, rules):
    """Weighted or equal is decided per objective: another objective's weights never change an index."""
    whole = score_scorecard(kpis, rules=rules)
    for objective in {k.objective for k in kpis}:
        # alone: its own KPIs with their own weights; the weights above it (objective within the
        # perspective) do not move the objective's index and need the other objectives to total 100
        own = [dataclasses.replace(k, objective_weight=None) for k in kpis if k.objective == objective]
        alone = score_scorecard(own, rules=rules)
        assert _objective(whole, objective).index == _objective(alone, objective).index


def test_an_objective_with_blank_kpi_weights_is_scored_beside_a_weighted_one():
    """interchange.md: `kpi_weight` is percent within its objective, blank = equal (was N/A for C1)."""
    kpis = [
        ScorecardKpi(
            code="K1",
            perspective=Perspective.STAKEHOLDER,
            objective="S1",
            target=D(100),
            realization=D(90),
            weight=D(60),
        ),
        ScorecardKpi(
            code="K2",
            perspective=Perspective.STAKEHOLDER,
            objective="S1",
            target=D(100),
            realization=D(110),
            weight=D(40),
        ),
        ScorecardKpi(
            code="K3", perspective=Perspective.CUSTOMER, objective="C1", target=D(100), realization=D(100)
        ),
        ScorecardKpi(
            code="K4", perspective=Perspective.CUSTOMER, objective="C1", target=D(100), realization=D(80)
        ),
    ]
    result = score_scorecard(kpis, rules=get_rule_set("kmk-467-2014"))
    assert _objective(result, "S1").index == D(98)
    assert _objective(result, "C1").index == D(90)
    assert result.nko == D(94)


def _objective(result, code):
    return next(o for o in result.objectives if o.code == code)
