"""Every validation rule of domain.md §5 that strategy planning checks: the finding appears, then goes away."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from kinerja.planning import scoring_bridge
from kinerja.planning.models import PeriodTarget, Perspective, StrategyMap
from kinerja.planning.selectors import load_map_data
from kinerja.planning.validation import BLOCK, WARN, validate_map
from kinerja.scoring import UnitLevel, get_rule_set
from kinerja.scoring import rules as rules_module
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def finding(strategy_map, code):
    found = [f for f in b.findings(strategy_map) if f.code == code]
    return found[0] if found else None


def test_a_sound_map_has_no_finding(org):
    assert b.findings(b.sound_map(org.kpp_a)) == []


def test_rule_1_only_map_owners_have_a_map(org):
    strategy_map = b.sound_map(org.section_a)
    f = finding(strategy_map, "not_map_owner")
    assert f is not None and f.severity == BLOCK and f.rule == 1
    org.section_a.owns_map = True
    org.section_a.save()
    assert finding(strategy_map, "not_map_owner") is None


def test_rule_2_perspective_weights_total_100(org):
    strategy_map = b.sound_map(org.kpp_a)
    weights = dict(
        zip(["stakeholder", "customer", "internal_process", "learning_growth"], [30, 20, 30, 10], strict=True)
    )
    for code, weight in weights.items():
        Perspective.objects.filter(map=strategy_map, code=code).update(weight=weight)
    f = finding(strategy_map, "weights_total")
    assert f.severity == BLOCK and "90" in f.message and f.fix_url.endswith("/perspektif/")
    Perspective.objects.filter(map=strategy_map, code="learning_growth").update(weight=20)
    assert finding(strategy_map, "weights_total") is None


def test_rule_2_weights_set_for_some_perspectives_only(org):
    strategy_map = b.sound_map(org.kpp_a)
    Perspective.objects.filter(map=strategy_map, code="customer").update(weight=100)
    assert finding(strategy_map, "weights_partial").severity == BLOCK
    Perspective.objects.filter(map=strategy_map).update(weight=None)
    assert finding(strategy_map, "weights_partial") is None


def test_rule_2_objective_in_another_maps_perspective(org):
    strategy_map = b.sound_map(org.kpp_a)
    other = b.bare_map(org.kpp_b)
    s1 = strategy_map.objectives.get(code="S1")
    s1.perspective = b.perspective(other, "stakeholder")
    s1.save()
    assert finding(strategy_map, "objective_perspective").severity == BLOCK
    s1.perspective = b.perspective(strategy_map, "stakeholder")
    s1.save()
    assert finding(strategy_map, "objective_perspective") is None


@pytest.mark.parametrize(
    "wording",
    [
        "Jumlah penerimaan bea masuk sebesar Rp 5 triliun tercapai",  # the example
        "Persentase pengguna jasa yang diblokir",  # a KPI, not an aim
        "Kepatuhan 95% pengguna jasa",
        "Pelayanan yang optimal. Kami akan meningkatkan kualitas layanan kepada seluruh pengguna jasa.",
    ],
)
def test_rule_3_an_objective_worded_as_a_quantity_or_a_sentence_warns(org, wording):
    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.get(code="S1")
    objective.name_id = wording
    objective.save(update_fields=["name_id"])
    f = finding(strategy_map, "objective_wording")
    assert f is not None and f.severity == WARN and f.rule == 3 and f.object == objective
    assert "S1" in f.message


@pytest.mark.parametrize(
    "wording", ["Penerimaan negara yang optimal", "Kepuasan layanan yang tinggi", "SDM yang kompeten"]
)
def test_rule_3_an_aim_reads_well(org, wording):
    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.get(code="S1")
    objective.name_id = wording
    objective.save(update_fields=["name_id"])
    assert finding(strategy_map, "objective_wording") is None


def test_rule_4_link_to_another_map_blocks(org):
    strategy_map = b.sound_map(org.kpp_a)
    other = b.bare_map(org.kpp_b)
    foreign = b.objective(other, "stakeholder", "S9")
    bad = b.link(strategy_map.objectives.get(code="C1"), foreign)
    assert finding(strategy_map, "link_other_map").severity == BLOCK
    bad.delete()
    assert finding(strategy_map, "link_other_map") is None


def test_rule_4_downward_link_warns(org):
    strategy_map = b.sound_map(org.kpp_a)
    down = b.link(strategy_map.objectives.get(code="S1"), strategy_map.objectives.get(code="L2"))
    f = finding(strategy_map, "link_downward")
    assert f.severity == WARN and "S1 → L2" in f.message
    down.delete()
    assert finding(strategy_map, "link_downward") is None


def test_rule_4_cycle_warns(org):
    strategy_map = b.sound_map(org.kpp_a)
    p1 = strategy_map.objectives.get(code="P1")
    p2 = strategy_map.objectives.get(code="P2")
    b.link(p1, p2)
    back = b.link(p2, p1)
    f = finding(strategy_map, "link_cycle")
    assert f.severity == WARN and "P1, P2" in f.message
    back.delete()
    assert finding(strategy_map, "link_cycle") is None


def test_rule_4_unlinked_objective_warns(org):
    strategy_map = b.sound_map(org.kpp_a)
    lonely = b.objective(strategy_map, "customer", "C9")
    b.kpi(lonely, "C9.1")
    f = finding(strategy_map, "objective_unlinked")
    assert f.severity == WARN and f.object == lonely
    b.link(lonely, strategy_map.objectives.get(code="S1"))
    assert finding(strategy_map, "objective_unlinked") is None


def test_rule_6_every_objective_has_a_kpi(org):
    strategy_map = b.sound_map(org.kpp_a)
    obj = strategy_map.objectives.get(code="C2")
    obj.kpis.all().delete()
    f = finding(strategy_map, "objective_without_kpi")
    assert f.severity == BLOCK and f.fix_url.endswith(f"/iku/ss/{obj.pk}/baru/")
    b.kpi(obj, "C2.1")
    assert finding(strategy_map, "objective_without_kpi") is None


def test_rule_6_every_kpi_has_a_complete_manual(org):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = strategy_map.objectives.get(code="C2").kpis.get()
    kpi.formula = ""
    kpi.save()
    f = finding(strategy_map, "manual_incomplete")
    assert f.severity == BLOCK and "formula" in f.message
    kpi.formula = "x / y"
    kpi.save()
    assert finding(strategy_map, "manual_incomplete") is None


def test_rule_7_more_than_three_kpis_warns(org):
    strategy_map = b.sound_map(org.kpp_a)
    obj = strategy_map.objectives.get(code="P1")
    extra = [b.kpi(obj, f"P1.{i}") for i in (2, 3, 4)]
    f = finding(strategy_map, "too_many_kpis")
    assert f.severity == WARN and "4 IKU" in f.message
    extra[-1].delete()
    assert finding(strategy_map, "too_many_kpis") is None


def test_rule_8_activity_only_warns(org):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = strategy_map.objectives.get(code="L1").kpis.get()
    kpi.validity = "activity"
    kpi.controllability = "high"
    kpi.save()
    assert finding(strategy_map, "activity_only").severity == WARN
    b.kpi(kpi.objective, "L1.2", validity="proxy")
    assert finding(strategy_map, "activity_only") is None


@pytest.mark.parametrize(("validity", "control"), [("activity", "low"), ("exact", "high")])
def test_rule_9_avoided_pairs_warn(org, validity, control):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = strategy_map.objectives.get(code="C1").kpis.get()
    kpi.validity, kpi.controllability = validity, control
    kpi.save()
    assert finding(strategy_map, "avoided_pair").severity == WARN
    kpi.controllability = "moderate"
    kpi.save()
    assert finding(strategy_map, "avoided_pair") is None


def test_rule_10_more_kpis_than_the_level_cap_warns(org):
    strategy_map = b.sound_map(org.kpp_a, per_band=5)  # Kemenkeu-Three map owner: cap 20
    assert finding(strategy_map, "level_kpi_cap") is None
    b.kpi(strategy_map.objectives.get(code="S1"), "S1.2")
    f = finding(strategy_map, "level_kpi_cap")
    assert f.severity == WARN and "21 IKU" in f.message


def test_rule_10_more_than_thirty_kpis_on_a_map_warns(org):
    strategy_map = b.sound_map(org.ministry, per_band=4)  # Kemenkeu-Wide: no level cap
    for obj in strategy_map.objectives.all()[:14]:
        b.kpi(obj, f"{obj.code}.2")
    assert finding(strategy_map, "map_kpi_limit") is None
    b.kpi(strategy_map.objectives.get(code="L4"), "L4.2")
    assert finding(strategy_map, "map_kpi_limit").severity == WARN
    assert finding(strategy_map, "level_kpi_cap") is None


def _variant(code="kmk-127-2026", **values):
    """The rule set `code` with some parameters set to other values (`dataclasses.replace`)."""
    rules = get_rule_set(code)
    return dataclasses.replace(
        rules, **{name: dataclasses.replace(getattr(rules, name), value=v) for name, v in values.items()}
    )


def _findings_under(strategy_map, rules, code):
    strategy_map = StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)
    return [f for f in validate_map(load_map_data(strategy_map), rules) if f.code == code]


def test_rule_10_the_level_cap_comes_from_the_rule_set(org):
    """Issue 12: a rule set with another cap for Kemenkeu-Three changes the finding."""
    strategy_map = b.sound_map(org.kpp_a, per_band=4)  # Kemenkeu-Three map owner, 16 KPIs
    assert finding(strategy_map, "level_kpi_cap") is None
    stricter = _variant(kpi_caps={UnitLevel.THREE: 15})
    [f] = _findings_under(strategy_map, stricter, "level_kpi_cap")
    assert f.severity == WARN and "16 IKU" in f.message and "15 IKU" in f.message
    assert _findings_under(strategy_map, _variant(kpi_caps={UnitLevel.THREE: 16}), "level_kpi_cap") == []
    # the non-owner cap is for contracts of Kemenkeu-Three units without a map, not for a map owner
    assert _findings_under(strategy_map, _variant(kpi_cap_three_non_owner=1), "level_kpi_cap") == []


def test_rule_10_the_map_limit_comes_from_the_rule_set(org):
    strategy_map = b.sound_map(org.ministry, per_band=3)  # Kemenkeu-Wide, 12 KPIs
    assert finding(strategy_map, "map_kpi_limit") is None
    [f] = _findings_under(strategy_map, _variant(map_kpi_limit=11), "map_kpi_limit")
    assert "12 IKU" in f.message and "11" in f.message


def test_rule_7_the_limit_per_ss_comes_from_the_rule_set(org):
    strategy_map = b.sound_map(org.kpp_a)
    b.kpi(strategy_map.objectives.get(code="P1"), "P1.2")
    assert finding(strategy_map, "too_many_kpis") is None
    [f] = _findings_under(strategy_map, _variant(kpis_per_objective=1), "too_many_kpis")
    assert "P1" in f.message and "lebih dari 1" in f.message


def test_the_plan_years_rule_set_is_read_by_code(org, monkeypatch):
    """Without a rule set given, the limits come from the plan year's rule set, looked up by its code."""
    strategy_map = b.sound_map(org.kpp_a, per_band=4)
    assert strategy_map.plan_year.rule_set == "kmk-127-2026"
    variant = _variant(kpi_caps={UnitLevel.THREE: 15}, replacement_working_days=5)
    monkeypatch.setattr(rules_module, "RULE_SETS", {**rules_module.RULE_SETS, variant.code: variant})
    assert finding(strategy_map, "level_kpi_cap") is not None
    assert scoring_bridge.contract_kpi_cap("kmk-127-2026", "three", owns_map=True) == 15
    assert scoring_bridge.contract_kpi_cap("kmk-467-2014", "three", owns_map=True) == 20
    assert scoring_bridge.contract_kpi_cap("kmk-127-2026", "three", owns_map=False) == 10
    assert scoring_bridge.replacement_working_days("kmk-127-2026") == 5
    assert scoring_bridge.replacement_working_days(None) == 15


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"polarity": "max", "target": D(0)}, "target_max_zero_target"),
        ({"polarity": "min", "target": D(0)}, "target_min_zero_target_no_worst"),
        (
            {"polarity": "stabilize", "target": None, "target_low": D(60), "target_high": D(40)},
            "target_band_inverted",
        ),
        ({"polarity": "max", "target": None}, "target_target_missing"),
    ],
)
def test_rule_11_polarity_fits_target(org, fields, code):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = strategy_map.objectives.get(code="S1").kpis.get()
    for name, value in fields.items():
        setattr(kpi, name, value)
    kpi.save()
    assert finding(strategy_map, code).severity == BLOCK
    kpi.polarity, kpi.target, kpi.target_low, kpi.target_high = "max", D(100), None, None
    kpi.save()
    assert finding(strategy_map, code) is None


def test_rule_11_min_with_target_zero_and_a_worst_value_is_fine(org):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = strategy_map.objectives.get(code="S1").kpis.get()
    kpi.polarity, kpi.target, kpi.worst = "min", D(0), D(20)
    kpi.save()
    PeriodTarget.objects.filter(kpi=kpi).update(target=0)
    assert b.findings(strategy_map) == []


def test_rule_12_a_value_for_every_reporting_period(org):
    strategy_map = b.sound_map(org.kpp_a)
    obj = strategy_map.objectives.get(code="P2")
    kpi = b.kpi(
        obj, "P2.2", frequency="quarterly", consolidation="average", target=D(80), trajectory=[D(80)] * 3
    )
    f = finding(strategy_map, "trajectory_incomplete")
    assert f.severity == BLOCK and "4 periode" in f.message and f.object == kpi
    PeriodTarget.objects.create(kpi=kpi, period=4, target=D(80))
    assert finding(strategy_map, "trajectory_incomplete") is None


@pytest.mark.parametrize(
    ("consolidation", "wrong", "right"),
    [
        ("sum", [D(25), D(25), D(25), D(20)], [D(10), D(20), D(30), D(40)]),
        ("average", [D(100), D(100), D(100), D(90)], [D(70), D(90), D(110), D(130)]),
        ("last", [D(100), D(100), D(100), D(90)], [D(10), D(40), D(70), D(100)]),
    ],
)
def test_rule_12_the_trajectory_reaches_the_yearly_target_per_consolidation(org, consolidation, wrong, right):
    strategy_map = b.sound_map(org.kpp_a)
    obj = strategy_map.objectives.get(code="P2")
    kpi = b.kpi(
        obj, "P2.2", frequency="quarterly", consolidation=consolidation, target=D(100), trajectory=wrong
    )
    f = finding(strategy_map, "trajectory_target")
    assert f.severity == BLOCK and f.object == kpi
    for i, value in enumerate(right):
        PeriodTarget.objects.filter(kpi=kpi, period=i + 1).update(target=value)
    assert finding(strategy_map, "trajectory_target") is None


def test_rule_12_stabilize_band_is_reached_inside_the_band(org):
    strategy_map = b.sound_map(org.kpp_a)
    obj = strategy_map.objectives.get(code="P2")
    b.kpi(
        obj,
        "P2.2",
        polarity="stabilize",
        target=None,
        target_low=D(40),
        target_high=D(60),
        frequency="semester",
        consolidation="average",
        trajectory=[D(70), D(80)],
    )
    assert finding(strategy_map, "trajectory_target") is not None
    PeriodTarget.objects.filter(kpi__code="P2.2").update(target=D(50))
    assert finding(strategy_map, "trajectory_target") is None


def test_blocks_are_listed_before_warnings(org):
    strategy_map = b.sound_map(org.kpp_a)
    b.link(strategy_map.objectives.get(code="S1"), strategy_map.objectives.get(code="L1"))
    strategy_map.objectives.get(code="C1").kpis.all().delete()
    severities = [f.severity for f in b.findings(strategy_map)]
    assert (
        severities == sorted(severities, key=lambda s: s != BLOCK)
        and BLOCK in severities
        and WARN in severities
    )


def test_an_empty_map_blocks_submission_and_an_empty_perspective_warns(org):
    strategy_map = b.bare_map(org.kpp_a)
    assert finding(strategy_map, "map_without_objectives").severity == BLOCK
    s1 = b.objective(strategy_map, "stakeholder", "S1")
    b.kpi(s1, "S1.1")
    assert "map_without_objectives" not in b.codes(strategy_map)
    empty = [f for f in b.findings(strategy_map) if f.code == "perspective_without_objective"]
    assert len(empty) == 3 and all(f.severity == WARN for f in empty)
    for band, code in (("customer", "C1"), ("internal_process", "P1"), ("learning_growth", "L1")):
        b.kpi(b.objective(strategy_map, band, code), f"{code}.1")
    assert "perspective_without_objective" not in b.codes(strategy_map)
