"""Employee score under kmk-127-2026 (scoring.md §7.2, §7.3)."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from kinerja.scoring import (
    Controllability,
    CoreValues,
    DisciplineCategory,
    Employee,
    EmployeeKpi,
    ErrorCode,
    KpiKind,
    Polarity,
    Rating,
    ScoringError,
    ScoringErrors,
    Sentence,
    TargetCase,
    Validity,
    blend_weight,
    calibrate,
    contract_quality,
    discipline_penalty,
    display,
    get_rule_set,
    impact_penalty,
    predicate_of,
    q_kpi,
    q_target,
    rating_of,
    score_employee_2026,
    score_employees,
    score_employees_2026,
    sentence_in_force,
)

D = Decimal
R = get_rule_set("kmk-127-2026")
V, C = Validity, Controllability
NIP = "198001012005011001"


def shown(x):
    return None if x is None else display(x)


# §7.2 Q_kpi, every cell
@pytest.mark.parametrize(
    ("validity", "controllability", "expected"),
    [
        (V.EXACT, C.LOW, "1.20"),
        (V.EXACT, C.MODERATE, "1.15"),
        (V.PROXY, C.LOW, "1.10"),
        (V.PROXY, C.MODERATE, "1.00"),
        (V.PROXY, C.HIGH, "0.90"),
        (V.ACTIVITY, C.MODERATE, "0.80"),
        (V.ACTIVITY, C.HIGH, "0.60"),
    ],
)
def test_q_kpi_table(validity, controllability, expected):
    assert q_kpi(validity, controllability, rules=R) == D(expected)


@pytest.mark.parametrize(("validity", "controllability"), [(V.EXACT, C.HIGH), (V.ACTIVITY, C.LOW)])
def test_q_kpi_not_allowed(validity, controllability):
    with pytest.raises(ScoringError) as err:
        q_kpi(validity, controllability, rules=R, kpi="IKI-9")
    assert err.value.code == ErrorCode.QUALITY_NOT_ALLOWED
    assert err.value.kpi == "IKI-9"


def test_q_kpi_unknown_or_missing():
    with pytest.raises(ScoringError) as err:
        q_kpi(V.PROJECT, C.LOW, rules=R)
    assert err.value.code == ErrorCode.QUALITY_UNKNOWN
    with pytest.raises(ScoringError) as err:
        q_kpi(None, C.LOW, rules=R)
    assert err.value.code == ErrorCode.QUALITY_MISSING


# §7.2 Q_target, every row, for max and (negated) for min
TABLE = [
    ("90", "100", "100", TargetCase.LOWERED, "0.80"),
    ("100", "100", "110", TargetCase.KEPT_EXCEEDED, "0.90"),
    ("100", "100", "95", TargetCase.KEPT_NOT_EXCEEDED, "1.00"),
    ("100", "100", "100", TargetCase.KEPT_NOT_EXCEEDED, "1.00"),
    ("105", "100", "110", TargetCase.RAISED_BELOW_REALIZATION, "1.00"),
    ("110", "100", "110", TargetCase.RAISED_TO_REALIZATION, "1.10"),
    ("115", "100", "110", TargetCase.RAISED_ABOVE_REALIZATION, "1.20"),
]


@pytest.mark.parametrize(("t", "t1", "r1", "case", "expected"), TABLE)
def test_q_target_table_max(t, t1, r1, case, expected):
    out = q_target(Polarity.MAX, D(t), D(t1), D(r1), rules=R)
    assert (out.value, out.reason) == (D(expected), case.value)
    assert out.silent is (t == t1 == r1)


@pytest.mark.parametrize(("t", "t1", "r1", "case", "expected"), TABLE)
def test_q_target_table_min_negates(t, t1, r1, case, expected):
    out = q_target(Polarity.MIN, -D(t), -D(t1), -D(r1), rules=R)
    assert (out.value, out.reason) == (D(expected), case.value)


def test_q_target_min_lower_is_better():
    # min: lowering the target from 10 to 8 is raising the bar; last year 9 → 8 < 9 → 1.20
    assert q_target(Polarity.MIN, D(8), D(10), D(9), rules=R).value == D("1.20")
    assert q_target(Polarity.MIN, D(12), D(10), D(9), rules=R).value == D("0.80")


# the overrides, in the decree's order
@pytest.mark.parametrize(
    ("polarity", "kind", "fixed", "t", "t1", "r1", "expected", "reason"),
    [
        (Polarity.MAX, KpiKind.EXISTING, True, "90", "100", "100", "1.20", "fixed"),
        (Polarity.MAX, KpiKind.NEW, True, "90", None, None, "1.20", "fixed"),
        (Polarity.STABILIZE, KpiKind.EXISTING, True, "90", None, None, "1.20", "fixed"),
        (Polarity.MAX, KpiKind.NEW, False, "90", None, None, "1.00", "new"),
        (Polarity.STABILIZE, KpiKind.NEW, False, "90", None, None, "1.00", "new"),
        (Polarity.STABILIZE, KpiKind.EXISTING, False, "90", "50", "200", "1.00", "stabilize"),
        (
            Polarity.MAX,
            KpiKind.NEW_WITH_HISTORY,
            False,
            "100",
            None,
            "90",
            "1.20",
            "raised_above_realization",
        ),
        (Polarity.MAX, KpiKind.NEW_WITH_HISTORY, False, "80", "999", "90", "0.80", "lowered"),
        (Polarity.MAX, KpiKind.MANDATORY, False, "90", "100", "100", "1.00", "lowered"),
        (Polarity.MAX, KpiKind.MANDATORY, False, "100", "100", "110", "1.00", "kept_exceeded"),
        (Polarity.MAX, KpiKind.MANDATORY, False, "115", "100", "110", "1.20", "raised_above_realization"),
    ],
)
def test_q_target_overrides(polarity, kind, fixed, t, t1, r1, expected, reason):
    def opt(x):
        return None if x is None else D(x)

    out = q_target(polarity, opt(t), opt(t1), opt(r1), kind=kind, fixed_target=fixed, rules=R)
    assert (out.value, out.reason) == (D(expected), reason)
    assert out.mandatory_floor is (
        kind is KpiKind.MANDATORY and D(expected) > R.nkp2026.q_target.value[TargetCase(reason)]
    )


def test_new_with_history_and_r1_equal_t_is_flagged():
    out = q_target(Polarity.MAX, D(90), None, D(90), kind=KpiKind.NEW_WITH_HISTORY, rules=R)
    assert (out.value, out.silent) == (D("1.00"), True)


def test_q_target_needs_history():
    with pytest.raises(ScoringError) as err:
        q_target(Polarity.MAX, D(100), D(90), None, rules=R, kpi="K")
    assert (err.value.code, err.value.field) == (ErrorCode.HISTORY_MISSING, "realization_prev")
    with pytest.raises(ScoringError) as err:
        q_target(Polarity.MAX, D(100), None, D(90), rules=R, kpi="K")
    assert (err.value.code, err.value.field) == (ErrorCode.HISTORY_MISSING, "target_prev")


def test_k3_worked_example():
    kpi = EmployeeKpi(
        code="K",
        target=D(96),
        validity=V.EXACT,
        controllability=C.MODERATE,
        target_prev=D(90),
        realization_prev=D(94),
    )
    k3 = contract_quality(kpi, rules=R)
    assert (k3.q_kpi, k3.q_target.value, k3.k3) == (D("1.15"), D("1.20"), D("1.175"))


def test_k3_of_the_example_nkp_files():
    existing = EmployeeKpi(
        code="IKI-1",
        target=D(100),
        realization=D(110),
        validity=V.PROXY,
        controllability=C.MODERATE,
        target_prev=D(90),
        realization_prev=D(95),
    )
    new = EmployeeKpi(
        code="IKI-2",
        target=D(100),
        realization=D(95),
        validity=V.PROXY,
        controllability=C.MODERATE,
        kind=KpiKind.NEW,
    )
    assert contract_quality(existing, rules=R).k3 == D("1.10")
    assert contract_quality(new, rules=R).k3 == D("1.00")


def test_k3_given_directly():
    assert contract_quality(EmployeeKpi(code="K", k3=D("1.1")), rules=R).k3 == D("1.1")
    with pytest.raises(ScoringError):
        contract_quality(EmployeeKpi(code="K", k3=D(0)), rules=R)


# §7.3 pieces
@pytest.mark.parametrize(
    ("value", "expected"),
    [("80", "80"), ("100", "100"), ("108", "106"), ("120", "115"), ("130", "115")],
)
def test_calibration(value, expected):
    assert calibrate(D(value), rules=R) == D(expected)


def test_discipline_heaviest_sentence():
    light = Sentence(DisciplineCategory.LIGHT, D(50))
    medium = Sentence(DisciplineCategory.MEDIUM, D(20))
    severe = Sentence(DisciplineCategory.SEVERE, D(10))
    assert discipline_penalty([light], rules=R) == D(5)
    assert discipline_penalty([light, medium], rules=R) == D(5)  # medium is heavier: 25 % of 20
    assert discipline_penalty([light, medium, severe], rules=R) == D(4)
    assert discipline_penalty([], rules=R) == 0


@pytest.mark.parametrize(
    ("category", "as_of", "in_force"),
    [
        (DisciplineCategory.LIGHT, "2026-Q1", True),
        (DisciplineCategory.LIGHT, "2026-Q2", True),
        (DisciplineCategory.LIGHT, "2026-Q3", False),
        (DisciplineCategory.MEDIUM, "2026-Q3", True),
        (DisciplineCategory.MEDIUM, "2026-Q4", False),
        (DisciplineCategory.SEVERE, "2026-Q4", True),
        (DisciplineCategory.SEVERE, "2027-Q1", False),
        (DisciplineCategory.SEVERE, "2025-Q4", False),
    ],
)
def test_sentence_duration(category, as_of, in_force):
    sentence = Sentence(category, D(10), start_period="2026-02")
    assert sentence_in_force(sentence, as_of, rules=R) is in_force
    assert sentence_in_force(dataclasses.replace(sentence, start_period=None), as_of, rules=R)


def test_impact_is_5_percent_capped_at_5():
    assert impact_penalty([D(20), D(40)], rules=R) == D(3)
    assert impact_penalty([D(80), D(40)], rules=R) == D(5)
    assert impact_penalty([], rules=R) == 0


@pytest.mark.parametrize(
    ("value", "nko", "tier", "weight"),
    [
        ("105", "104", 1, "0.5"),
        ("104", "104", 1, "0.5"),
        ("105", "104", 2, "0.3"),
        ("103", "104", 1, "0.1"),
        ("103", "104", 2, "0.1"),
    ],
)
def test_blend_weight(value, nko, tier, weight):
    assert blend_weight(D(value), D(nko), tier, rules=R) == D(weight)


@pytest.mark.parametrize(
    ("value", "rating"),
    [
        ("120", Rating.ABOVE),
        ("100.01", Rating.ABOVE),
        ("100", Rating.MEETS),
        ("90", Rating.MEETS),
        ("89.99", Rating.BELOW),
    ],
)
def test_ratings(value, rating):
    assert rating_of(D(value), rules=R) is rating


@pytest.mark.parametrize(
    ("work", "behaviour", "predicate"),
    [
        (Rating.ABOVE, Rating.BELOW, "Kurang"),
        (Rating.ABOVE, Rating.MEETS, "Baik"),
        (Rating.ABOVE, Rating.ABOVE, "Sangat Baik"),
        (Rating.MEETS, Rating.BELOW, "Kurang"),
        (Rating.MEETS, Rating.MEETS, "Baik"),
        (Rating.MEETS, Rating.ABOVE, "Baik"),
        (Rating.BELOW, Rating.BELOW, "Sangat Kurang"),
        (Rating.BELOW, Rating.MEETS, "Butuh Perbaikan"),
        (Rating.BELOW, Rating.ABOVE, "Butuh Perbaikan"),
    ],
)
def test_predicate_matrix(work, behaviour, predicate):
    assert predicate_of(work, behaviour, rules=R) == predicate


# §7.3 worked example
CORE = CoreValues("2026", D(100), D(105), D(110), D(100), D(100), D(95), D(110))


def example_employee(**overrides):
    kpis = (
        EmployeeKpi(code="IKI-1", target=D(100), realization=D(110), k3=D("1.1")),
        EmployeeKpi(code="IKI-2", target=D(100), realization=D(95), k3=D("1.0")),
    )
    fields = {"nip": NIP, "tier": 1, "nko": D(104), "kpis": kpis, "core_values": (CORE,)}
    fields.update(overrides)
    return Employee(**fields)


def assert_worked_example(result):
    assert [shown(k.index) for k in result.kpis] == [D("110.00"), D("95.00")]
    assert [shown(k.value) for k in result.kpis] == [D("120.00"), D("95.00")]
    assert [shown(k.weight * 100) for k in result.kpis] == [D("52.38"), D("47.62")]
    assert shown(result.nhk) == D("108.10")
    assert shown(result.nhk_calibrated) == D("106.07")
    assert shown(result.npk) == D("102.86")
    assert shown(result.npk_calibrated) == D("102.14")
    assert shown(result.nkp_before) == D("105.09")
    assert shown(result.result) == D("105.09")
    assert result.nko_weight == D("0.5")
    assert shown(result.nkp) == D("104.54")
    assert (shown(result.work_result), result.work_rating) == (D("105.04"), Rating.ABOVE)
    assert (shown(result.behaviour), result.behaviour_rating) == (D("102.33"), Rating.ABOVE)
    assert (result.work_weight, result.behaviour_weight) == (D("0.5"), D("0.1"))
    assert result.predicate == "Sangat Baik"
    assert result.complete and result.missing == () and result.flags == ()


def test_section_7_worked_example_with_given_k3():
    assert_worked_example(score_employee_2026(example_employee(), rules=R))


def test_section_7_worked_example_from_the_example_nkp_files():
    kpis = (
        EmployeeKpi(
            code="IKI-1",
            polarity=Polarity.MAX,
            target=D(100),
            realization=D(110),
            validity=V.PROXY,
            controllability=C.MODERATE,
            kind=KpiKind.EXISTING,
            target_prev=D(90),
            realization_prev=D(95),
        ),
        EmployeeKpi(
            code="IKI-2",
            polarity=Polarity.MAX,
            target=D(100),
            realization=D(95),
            validity=V.PROXY,
            controllability=C.MODERATE,
            kind=KpiKind.NEW,
        ),
    )
    [result] = score_employees([example_employee(kpis=kpis)], rules=R)
    assert [k.k3 for k in result.kpis] == [D("1.10"), D("1.00")]
    assert_worked_example(result)
    assert result.to_dict() == {
        "nip": NIP,
        "rules": "kmk-127-2026",
        "kpis": [
            {"code": "IKI-1", "index": 110.0, "k3": 1.1, "value": 120.0, "weight": 52.38},
            {"code": "IKI-2", "index": 95.0, "k3": 1.0, "value": 95.0, "weight": 47.62},
        ],
        "nhk": 108.1,
        "nhk_calibrated": 106.07,
        "npk": 102.86,
        "npk_calibrated": 102.14,
        "nkp_before": 105.09,
        "discipline": 0.0,
        "impact": 0.0,
        "correction": 0.0,
        "result": 105.09,
        "nko_weight": 0.5,
        "nkp": 104.54,
        "work_result": {"value": 105.04, "rating": "above"},
        "behaviour": {"value": 102.33, "rating": "above"},
        "predicate": "Sangat Baik",
        "complete": True,
        "missing": [],
    }


def test_explanation_has_every_step():
    result = score_employee_2026(example_employee(), rules=R)
    tree = result.explain()
    assert tree.code == NIP and display(tree.result) == D("104.54")
    text = tree.to_text()
    for step in ("NKP before adjustment = 105.09", "NHK calibrated = 106.07", "NHK = 108.10", "NPK = 102.86"):
        assert step in text
    assert tree.find("IKI-1").result == 120
    json.dumps(tree.to_dict())


def test_days_weight_the_kpis():
    e = example_employee()
    kpis = (dataclasses.replace(e.kpis[0], days=D(100)), dataclasses.replace(e.kpis[1], days=D(265)))
    result = score_employee_2026(dataclasses.replace(e, kpis=kpis), rules=R)
    expected = (D(120) * D("1.1") * 100 + D(95) * 265) / (D("1.1") * 100 + 265)
    assert result.nhk == expected
    with pytest.raises(ScoringErrors) as err:
        score_employee_2026(dataclasses.replace(e, kpis=(kpis[0], e.kpis[1])), rules=R)
    assert err.value.code == ErrorCode.DAYS_INVALID
    assert err.value.employee == NIP


def test_kpi_without_index_is_left_out():
    e = example_employee()
    kpis = (e.kpis[0], dataclasses.replace(e.kpis[1], realization=None))
    result = score_employee_2026(dataclasses.replace(e, kpis=kpis), rules=R)
    assert result.nhk == 120
    assert result.kpis[1].value is None and result.kpis[1].weight is None
    assert result.missing == ("IKI-2",) and not result.complete


def test_npk_is_the_mean_of_periods_and_as_of():
    s1 = CoreValues("2026-S1", *[D(100)] * 7)
    s2 = CoreValues("2026-S2", *[D(110)] * 7)
    e = example_employee(core_values=(s1, s2))
    assert score_employee_2026(e, rules=R).npk == 105
    assert score_employee_2026(e, rules=R, as_of_period="2026-S1").npk == 100


def test_core_value_out_of_range():
    bad = CoreValues("2026", *[D(100)] * 6, D(121))
    with pytest.raises(ScoringError) as err:
        score_employee_2026(example_employee(core_values=(bad,)), rules=R)
    assert err.value.code == ErrorCode.SCORE_OUT_OF_RANGE


def test_no_behaviour_means_no_nkp():
    result = score_employee_2026(example_employee(core_values=()), rules=R)
    assert result.npk is None and result.nkp is None and result.predicate is None
    assert result.work_rating is Rating.ABOVE
    assert result.missing == ("behaviour",)


def test_no_nko_means_no_blend_and_incomplete():
    result = score_employee_2026(example_employee(nko=None, tier=None), rules=R)
    assert result.nkp == result.result and result.nko_weight is None
    assert "nko" in result.missing


def test_discipline_impact_correction_and_clamp():
    e = example_employee(discipline=(Sentence(DisciplineCategory.MEDIUM, D(20)),), correction=D(2))
    result = score_employee_2026(e, rules=R, subordinate_penalties=[D(40)])
    assert (result.discipline, result.impact, result.correction) == (D(5), D(2), D(2))
    assert result.result == result.nkp_before - 5 - 2 + 2
    # result 100.09 < NKO 104: w = 0.1
    assert result.nko_weight == D("0.1")
    assert result.nkp == D("0.9") * result.result + D("0.1") * 104
    zero = score_employee_2026(e, rules=R, subordinate_penalties=[D(40)] * 10)
    assert zero.impact == 5
    floor = score_employee_2026(
        example_employee(discipline=(Sentence(DisciplineCategory.SEVERE, D(1000)),), nko=None, tier=None),
        rules=R,
    )
    assert floor.result == 0 and floor.nkp == 0


@pytest.mark.parametrize("correction", ["5.01", "-5.01"])
def test_correction_out_of_range(correction):
    with pytest.raises(ScoringError) as err:
        score_employee_2026(example_employee(correction=D(correction)), rules=R)
    assert err.value.code == ErrorCode.CORRECTION_OUT_OF_RANGE


def test_correction_limits_are_allowed():
    for c in ("5", "-5"):
        assert score_employee_2026(example_employee(correction=D(c)), rules=R).correction == D(c)


def test_tier_needed_with_an_nko():
    with pytest.raises(ScoringError) as err:
        score_employee_2026(example_employee(tier=None), rules=R)
    assert err.value.code == ErrorCode.TIER_INVALID
    with pytest.raises(ScoringError):
        score_employee_2026(example_employee(tier=3), rules=R)


def test_top_officials_are_not_calibrated():
    result = score_employee_2026(example_employee(calibrate=False), rules=R)
    assert result.nhk_calibrated == result.nhk
    assert "not_calibrated" in result.flags
    assert result.to_dict()["flags"] == ["not_calibrated"]


def test_silent_q_target_is_flagged():
    kpi = EmployeeKpi(
        code="IKI-1",
        target=D(100),
        realization=D(100),
        validity=V.PROXY,
        controllability=C.MODERATE,
        target_prev=D(100),
        realization_prev=D(100),
    )
    result = score_employee_2026(example_employee(kpis=(kpi,)), rules=R)
    assert result.flags == ("q_target_silent:IKI-1",)
    assert result.kpis[0].k3 == 1


def test_impact_found_through_superior_nip():
    boss = example_employee(nip="BOSS")
    staff = [
        example_employee(
            nip=f"S{i}", superior_nip="BOSS", discipline=(Sentence(DisciplineCategory.LIGHT, D(20)),)
        )
        for i in range(3)
    ]
    results = score_employees_2026([boss, *staff], rules=R)
    assert [r.nip for r in results] == ["BOSS", "S0", "S1", "S2"]
    assert results[0].impact == D("0.3")  # 5 % of 3 × 2
    assert results[1].discipline == 2 and results[1].impact == 0


def test_errors_of_all_employees_come_together():
    bad_a = example_employee(nip="A", correction=D(9))
    bad_b = example_employee(nip="B", tier=7)
    with pytest.raises(ScoringErrors) as err:
        score_employees_2026([bad_a, example_employee(nip="OK"), bad_b], rules=R)
    assert [(e.employee, e.code) for e in err.value.errors] == [
        ("A", ErrorCode.CORRECTION_OUT_OF_RANGE),
        ("B", ErrorCode.TIER_INVALID),
    ]
    assert "employee A" in err.value.errors[0].message


def test_not_allowed_pair_is_a_contract_error():
    kpi = EmployeeKpi(code="IKI-1", target=D(1), realization=D(1), validity=V.EXACT, controllability=C.HIGH)
    with pytest.raises(ScoringError) as err:
        score_employee_2026(example_employee(kpis=(kpi,)), rules=R)
    assert (err.value.code, err.value.kpi, err.value.employee) == (
        ErrorCode.QUALITY_NOT_ALLOWED,
        "IKI-1",
        NIP,
    )


def test_wrong_rule_set():
    with pytest.raises(ScoringError) as err:
        score_employee_2026(example_employee(), rules=get_rule_set("kmk-467-2014"))
    assert err.value.code == ErrorCode.RULE_SET_MISMATCH


def test_k3_uses_the_years_target_with_periods():
    from kinerja.scoring import Consolidation, PeriodValue

    kpi = EmployeeKpi(
        code="K",
        consolidation=Consolidation.SUM,
        periods=(PeriodValue("2026-Q2", D(50), None), PeriodValue("2026-Q1", D(50), D(60))),
        validity=V.PROXY,
        controllability=C.MODERATE,
        target_prev=D(90),
        realization_prev=D(100),
    )
    # year target 100: T > T1 and T = R1 → 1.10
    assert contract_quality(kpi, rules=R).q_target.value == D("1.10")


def test_employee_kpi_builds_what_the_keywords_build():
    import dataclasses
    from decimal import Decimal as D

    from kinerja.scoring import (
        Consolidation,
        Controllability,
        EmployeeKpi,
        KpiKind,
        PeriodValue,
        Polarity,
        Validity,
        employee_kpi,
    )

    values = dict(
        code="IKI-1",
        polarity=Polarity.MIN,
        target=D(5),
        realization=D("4.5"),
        target_low=None,
        target_high=None,
        worst=D(9),
        consolidation=Consolidation.AVERAGE,
        periods=(PeriodValue("2026-Q1", D(1), D(2)),),
        cap_on_target=True,
        index=D(90),
        name="Complaints",
        weight=D(20),
        validity=Validity.PROXY,
        controllability=Controllability.HIGH,
        kind=KpiKind.NEW,
        target_prev=D(4),
        realization_prev=D(3),
        fixed_target=True,
        k3=D("0.9"),
        days=D(200),
    )
    fast = employee_kpi(*values.values())
    assert fast == EmployeeKpi(**values)
    # every field set (a field added to the dataclass and not to `employee_kpi` would be unset)
    assert all(hasattr(fast, f.name) for f in dataclasses.fields(EmployeeKpi))
