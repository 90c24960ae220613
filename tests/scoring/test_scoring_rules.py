"""Rule sets as data (scoring.md preamble, §4, §6, §7)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kinerja.scoring import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    Bands,
    CapOnTargetRule,
    ErrorCode,
    NkpMethod,
    Param,
    ScoringError,
    StabilizeMethod,
    Step,
    UnitLevel,
    get_rule_set,
)

D = Decimal


def test_two_rule_sets_ship_and_2014_is_the_default():
    assert set(RULE_SETS) == {"kmk-467-2014", "kmk-127-2026"}
    assert DEFAULT_RULE_SET == "kmk-467-2014"
    assert get_rule_set() is RULE_SETS["kmk-467-2014"]
    assert get_rule_set(" KMK-127-2026 ") is RULE_SETS["kmk-127-2026"]


def test_unknown_rule_set_lists_the_known_ones():
    with pytest.raises(ScoringError) as err:
        get_rule_set("kmk-300-2022")
    assert err.value.code == ErrorCode.UNKNOWN_RULE_SET
    assert "kmk-467-2014" in err.value.message and "kmk-127-2026" in err.value.message


def test_methods_per_rule_set():
    old, new = get_rule_set("kmk-467-2014"), get_rule_set("kmk-127-2026")
    assert old.stabilize_method.value is StabilizeMethod.BAND
    assert new.stabilize_method.value is StabilizeMethod.SCALE
    assert old.cap_on_target_rule.value is CapOnTargetRule.MET
    assert new.cap_on_target_rule.value is CapOnTargetRule.MET_MAX_MIN
    assert old.nkp_method.value is NkpMethod.CKP_NP and old.nkp2014 is not None and old.nkp2026 is None
    assert new.nkp_method.value is NkpMethod.NHK_NPK and new.nkp2026 is not None and new.nkp2014 is None


@pytest.mark.parametrize("code", sorted(RULE_SETS))
def test_every_parameter_has_labels_and_a_source(code):
    params = get_rule_set(code).parameters()
    assert len(params) > 10
    names = [name for name, _ in params]
    assert len(names) == len(set(names))
    for name, param in params:
        assert isinstance(param, Param)
        assert param.label_id and param.label_en and param.source, name
        assert param.text()


def test_parameter_values():
    rules = get_rule_set()
    assert (rules.index_floor.value, rules.index_cap.value) == (0, 120)
    assert (rules.status_green.value, rules.status_yellow.value) == (100, 80)
    p = rules.nkp2014
    assert p is not None
    assert (p.weight_ckp.value, p.weight_np.value) == (D("0.60"), D("0.40"))
    a = rules.appraisal
    assert (a.distribution_best.value, a.distribution_average.value, a.distribution_below.value) == (
        15,
        70,
        15,
    )
    q = get_rule_set("kmk-127-2026").nkp2026
    assert q is not None
    assert (q.calibration_threshold.value, q.calibration_factor.value, q.calibration_input_cap.value) == (
        100,
        D("0.75"),
        120,
    )
    assert (q.weight_nhk.value, q.weight_npk.value) == (D("0.75"), D("0.25"))
    assert dict(q.discipline_quarters.value) == {"light": 2, "medium": 3, "severe": 4}
    assert (q.impact_rate.value, q.impact_cap.value, q.correction_limit.value) == (D("0.05"), 5, 5)
    assert (q.blend_tier1.value, q.blend_tier2.value, q.blend_below.value) == (D("0.5"), D("0.3"), D("0.1"))
    assert get_rule_set("kmk-127-2026").stabilize_scale.value == ((0, 0), (90, 100), (100, 120))
    assert {(v.value, c.value) for v, c in rules.avoid_pairs.value} == {
        ("activity", "low"),
        ("exact", "high"),
    }


def test_the_2014_quality_factor_is_1_everywhere():
    p = get_rule_set().nkp2014
    assert p is not None
    assert len(p.quality_factors.value) == 12
    assert set(p.quality_factors.value.values()) == {D(1)}


@pytest.mark.parametrize(
    ("nko", "predicate"),
    [
        ("120", "Sangat Baik"),
        ("110", "Sangat Baik"),
        ("109.99", "Baik"),
        ("100", "Baik"),
        ("99.99", "Cukup"),
        ("90", "Cukup"),
        ("89.99", "Kurang"),
        ("80", "Kurang"),
        ("79.99", "Buruk"),
        ("0", "Buruk"),
    ],
)
@pytest.mark.parametrize("code", sorted(RULE_SETS))
def test_nko_predicate_bands(code, nko, predicate):
    assert get_rule_set(code).nko_predicates.value.classify(D(nko)) == predicate


def test_bands_strict_and_inclusive_steps():
    bands = Bands((Step(D(10), "a", strict=True), Step(D(5), "b")), "c")
    assert [bands.classify(D(x)) for x in ("11", "10", "5", "4.99")] == ["a", "b", "b", "c"]
    assert str(bands) == "> 10 a; ≥ 5 b; otherwise c"


def test_a_variant_rule_set_is_data():
    rules = get_rule_set()
    variant = dataclasses.replace(rules, code="test", index_cap=Param(D(150), "x", "Cap", "test"))
    assert variant.compiled.cap == 150
    assert rules.compiled.cap == 120


def test_a_scale_rule_set_needs_an_ascending_scale():
    broken = dataclasses.replace(get_rule_set(), stabilize_method=Param(StabilizeMethod.SCALE, "x", "x", "t"))
    with pytest.raises(ValueError, match="ascending"):
        _ = broken.compiled


def test_avoid_list():
    from kinerja.scoring import Controllability, Validity

    rules = get_rule_set()
    assert rules.avoided(Validity.ACTIVITY, Controllability.LOW)
    assert rules.avoided(Validity.EXACT, Controllability.HIGH)
    assert not rules.avoided(Validity.PROXY, Controllability.MODERATE)


@pytest.mark.parametrize("code", sorted(RULE_SETS))
def test_planning_limits_are_parameters_with_the_domain_defaults(code):
    """Issue 12: domain.md §2 caps and §5 rules 7, 10, 17 are rule-set parameters, not constants."""
    rules = get_rule_set(code)
    L = UnitLevel
    assert dict(rules.kpi_caps.value) == {L.ONE: 25, L.TWO: 20, L.THREE: 20, L.FOUR: 10, L.FIVE: 10}
    assert rules.kpi_cap_three_non_owner.value == 10
    assert rules.map_kpi_limit.value == 30
    assert rules.kpis_per_objective.value == 3
    assert rules.replacement_working_days.value == 15
    names = {name for name, _ in rules.parameters()}
    assert {
        "kpi_caps",
        "kpi_cap_three_non_owner",
        "map_kpi_limit",
        "kpis_per_objective",
        "replacement_working_days",
    } <= names
    assert rules.kpi_caps.source == "KMK 467/KMK.01/2014"


@pytest.mark.parametrize(
    ("level", "owns_map", "cap"),
    [
        ("wide", True, None),
        ("one", True, 25),
        ("two", True, 20),
        ("three", True, 20),
        ("three", False, 10),
        ("four", False, 10),
        ("five", False, 10),
        ("unknown", False, None),
    ],
)
def test_kpi_cap_per_level(level, owns_map, cap):
    assert get_rule_set().kpi_cap(level, owns_map=owns_map) == cap


def test_a_variant_rule_set_changes_the_kpi_caps():
    rules = get_rule_set()
    variant = dataclasses.replace(
        rules,
        kpi_caps=dataclasses.replace(rules.kpi_caps, value={UnitLevel.THREE: 15}),
        kpi_cap_three_non_owner=dataclasses.replace(rules.kpi_cap_three_non_owner, value=8),
    )
    assert variant.kpi_cap(UnitLevel.THREE, owns_map=True) == 15
    assert variant.kpi_cap("three", owns_map=False) == 8
    assert variant.kpi_cap("one", owns_map=True) is None
    assert rules.kpi_cap("three", owns_map=True) == 20
