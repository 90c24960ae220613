"""A unit's scorecard: missing data (scoring.md §3) and up the strategy map (§4)."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from kinerja.scoring import (
    Consolidation,
    ErrorCode,
    MissingPolicy,
    Param,
    PeriodValue,
    Perspective,
    Polarity,
    ScorecardKpi,
    ScoringError,
    ScoringErrors,
    Status,
    display,
    get_rule_set,
    score_scorecard,
)

D = Decimal
SH, CU, IP, LG = (
    Perspective.STAKEHOLDER,
    Perspective.CUSTOMER,
    Perspective.INTERNAL_PROCESS,
    Perspective.LEARNING_GROWTH,
)
MAX, MIN, STAB = Polarity.MAX, Polarity.MIN, Polarity.STABILIZE


def kpi(code, perspective, objective, polarity=MAX, target=None, realization=None, weight=None, **kw):
    return ScorecardKpi(
        code=code,
        perspective=perspective,
        objective=objective,
        polarity=polarity,
        target=None if target is None else D(target),
        realization=None if realization is None else D(realization),
        perspective_weight=None if weight is None else D(weight),
        **kw,
    )


def example(**realizations):
    """The §4 worked example (shared/data/example-scorecard.csv); keyword arguments override realizations."""
    r = {
        "S1.a": "190",
        "C1.a": "3.6",
        "C1.b": "10.5",
        "P1.a": "100",
        "P2.a": "70",
        "P2.b": "60",
        "L1.a": "100",
    }
    r.update(realizations)

    def real(code):
        return r[code]

    return [
        kpi("S1.a", SH, "S1", MAX, "200", real("S1.a"), "30"),
        kpi("C1.a", CU, "C1", MAX, "4", real("C1.a"), "20"),
        kpi("C1.b", CU, "C1", MIN, "10", real("C1.b"), "20"),
        kpi("P1.a", IP, "P1", MAX, "100", real("P1.a"), "30"),
        kpi("P2.a", IP, "P2", STAB, None, real("P2.a"), "30", target_low=D(40), target_high=D(60)),
        kpi("P2.b", IP, "P2", MAX, "50", real("P2.b"), "30"),
        kpi("L1.a", LG, "L1", MAX, "80", real("L1.a"), "20"),
    ]


def shown(value):
    return None if value is None else display(value)


def test_section_4_worked_example():
    result = score_scorecard(example())
    assert shown(result.nko) == D("101.25")
    assert result.predicate == "Baik"
    assert result.complete and result.missing == ()
    assert {k.code: shown(k.index) for k in result.kpis} == {
        "S1.a": D("95.00"),
        "C1.a": D("90.00"),
        "C1.b": D("95.00"),
        "P1.a": D("100.00"),
        "P2.a": D("83.33"),
        "P2.b": D("120.00"),
        "L1.a": D("120.00"),
    }
    assert {o.code: shown(o.index) for o in result.objectives} == {
        "S1": D("95.00"),
        "C1": D("92.50"),
        "P1": D("100.00"),
        "P2": D("101.67"),
        "L1": D("120.00"),
    }
    assert [(p.code, shown(p.index)) for p in result.perspectives] == [
        (SH, D("95.00")),
        (CU, D("92.50")),
        (IP, D("100.83")),
        (LG, D("120.00")),
    ]
    assert [shown(p.contribution) for p in result.perspectives] == [
        D("28.50"),
        D("18.50"),
        D("30.25"),
        D("24.00"),
    ]
    assert result.kpi("C1.a").status is Status.YELLOW
    assert result.kpi("P2.b").status is Status.GREEN


def test_nko_is_unrounded_until_shown():
    result = score_scorecard(example())
    internal = result.perspectives[2].index
    assert internal != D("100.83")  # (100 + 101.666…) / 2, not rounded on the way
    assert abs(internal - (100 + (D(250) / 3 + 120) / 2) / 2) < D("1e-24")
    assert abs(result.nko - D("101.25")) < D("1e-20")


def test_to_dict_matches_the_interchange_json():
    out = score_scorecard(example()).to_dict()
    assert out["rules"] == "kmk-467-2014"
    assert out["nko"] == 101.25
    assert out["predicate"] == "Baik"
    assert out["complete"] is True
    assert out["perspectives"][0] == {
        "code": "stakeholder",
        "weight": 30.0,
        "index": 95.0,
        "contribution": 28.5,
    }
    assert out["objectives"][0] == {"code": "S1", "perspective": "stakeholder", "index": 95.0}
    assert out["kpis"][0] == {
        "code": "S1.a",
        "objective": "S1",
        "target": 200.0,
        "realization": 190.0,
        "index": 95.0,
        "status": "yellow",
    }
    band = next(k for k in out["kpis"] if k["code"] == "P2.a")
    assert (band["target"], band["target_low"], band["target_high"]) == (None, 40.0, 60.0)
    assert out["missing"] == []
    json.dumps(out)


def test_equal_perspective_weights_when_none_set():
    kpis = [dataclasses.replace(k, perspective_weight=None) for k in example()]
    result = score_scorecard(kpis)
    assert [p.weight for p in result.perspectives] == [D(25)] * 4
    assert shown(result.nko) == display((D(95) + D("92.5") + (D(100) + D(610) / 6) / 2 + D(120)) / 4)


def test_kpi_weights_make_a_weighted_mean():
    kpis = example()
    kpis[1] = dataclasses.replace(kpis[1], weight=D(75))  # C1.a 90
    kpis[2] = dataclasses.replace(kpis[2], weight=D(25))  # C1.b 95
    result = score_scorecard(kpis)
    assert result.objectives[1].index == D("91.25")


def test_objective_weights_make_a_weighted_perspective_mean():
    kpis = example()
    kpis[3] = dataclasses.replace(kpis[3], objective_weight=D(40))  # P1 100
    kpis[4] = dataclasses.replace(kpis[4], objective_weight=D(60))  # P2 101.67
    kpis[5] = dataclasses.replace(kpis[5], objective_weight=D(60))
    result = score_scorecard(kpis)
    p2 = (D(250) / 3 + 120) / 2
    assert result.perspectives[2].index == (D(40) * 100 + D(60) * p2) / 100


# §3 missing data
def test_unreported_kpi_is_left_out_and_weights_renormalised():
    result = score_scorecard(example(**{"C1.b": None}))
    assert result.kpi("C1.b").index is None
    assert result.kpi("C1.b").status is None
    assert result.objectives[1].index == 90
    assert not result.complete
    assert result.missing == ("C1.b",)
    assert result.to_dict()["missing"] == ["C1.b"]


def test_objective_with_no_reported_kpi_is_left_out_of_its_perspective():
    result = score_scorecard(example(**{"P1.a": None}))
    assert result.objectives[2].index is None
    assert result.perspectives[2].index == (D(250) / 3 + 120) / 2
    assert result.missing == ("P1.a",)


def test_perspective_with_none_is_left_out_and_weights_renormalised():
    result = score_scorecard(example(**{"L1.a": None}))
    lg = result.perspectives[3]
    assert (lg.index, lg.effective_weight, lg.contribution) == (None, None, None)
    internal = (100 + (D(250) / 3 + 120) / 2) / 2
    expected = (D("0.3") * 95 + D("0.2") * D("92.5") + D("0.3") * internal) / D("0.8")
    assert display(result.nko) == display(expected)
    assert display(result.perspectives[0].effective_weight) == D("37.50")
    assert result.missing == ("L1.a",)


def test_nothing_reported_gives_no_nko():
    result = score_scorecard(
        example(**dict.fromkeys(("S1.a", "C1.a", "C1.b", "P1.a", "P2.a", "P2.b", "L1.a")))
    )
    assert result.nko is None and result.predicate is None and not result.complete
    assert len(result.missing) == 7


def test_missing_scored_zero_after_due_date():
    rules = dataclasses.replace(
        get_rule_set(),
        missing_policy=Param(MissingPolicy.ZERO_AFTER_DUE, "x", "Missing scores 0 after due date", "test"),
    )
    kpis = example(**{"C1.b": None})
    overdue = [dataclasses.replace(k, overdue=True) if k.code == "C1.b" else k for k in kpis]
    result = score_scorecard(overdue, rules=rules)
    assert result.kpi("C1.b").index == 0
    assert result.objectives[1].index == 45
    assert result.missing == ("C1.b",) and not result.complete
    # not yet due: still N/A
    assert score_scorecard(kpis, rules=rules).objectives[1].index == 90
    # the default policy ignores overdue
    assert score_scorecard(overdue).objectives[1].index == 90


# errors
def test_perspective_weights_must_total_100():
    kpis = [
        dataclasses.replace(k, perspective_weight=D(25) if k.perspective is SH else k.perspective_weight)
        for k in example()
    ]
    with pytest.raises(ScoringErrors) as err:
        score_scorecard(kpis)
    assert err.value.code == ErrorCode.WEIGHTS_TOTAL
    assert "95" in err.value.message


def test_perspective_weights_all_or_none():
    kpis = [dataclasses.replace(k, perspective_weight=None) if k.perspective is LG else k for k in example()]
    with pytest.raises(ScoringError) as err:
        score_scorecard(kpis)
    assert err.value.code == ErrorCode.WEIGHTS_PARTIAL
    assert "learning_growth" in err.value.message


def test_perspective_weight_differs_between_rows():
    kpis = example()
    kpis[2] = dataclasses.replace(kpis[2], perspective_weight=D(25))
    with pytest.raises(ScoringError) as err:
        score_scorecard(kpis)
    assert ErrorCode.WEIGHTS_INCONSISTENT in [e.code for e in err.value.errors]


def test_kpi_weights_all_or_none_within_an_objective():
    kpis = example()
    kpis[1] = dataclasses.replace(kpis[1], weight=D(60))
    with pytest.raises(ScoringError) as err:
        score_scorecard(kpis)
    assert err.value.code == ErrorCode.WEIGHTS_PARTIAL
    assert err.value.kpi == "C1.b"


def test_all_errors_come_together():
    kpis = example()
    kpis[0] = dataclasses.replace(kpis[0], target=D(0))
    kpis[4] = dataclasses.replace(kpis[4], target_low=D(70))
    kpis.append(kpis[6])
    with pytest.raises(ScoringErrors) as err:
        score_scorecard(kpis)
    codes = [(e.code, e.kpi) for e in err.value.errors]
    assert codes == [
        (ErrorCode.MAX_ZERO_TARGET, "S1.a"),
        (ErrorCode.BAND_INVERTED, "P2.a"),
        (ErrorCode.DUPLICATE_CODE, "L1.a"),
    ]
    assert str(err.value).startswith("3 errors")


def test_objective_in_two_perspectives():
    kpis = [*example(), kpi("X.1", LG, "S1", MAX, "1", "1", "20")]
    with pytest.raises(ScoringError) as err:
        score_scorecard(kpis)
    assert err.value.code == ErrorCode.OBJECTIVE_PERSPECTIVE


def test_negative_weight():
    kpis = example()
    kpis[1] = dataclasses.replace(kpis[1], weight=D(-1))
    kpis[2] = dataclasses.replace(kpis[2], weight=D(1))
    with pytest.raises(ScoringError) as err:
        score_scorecard(kpis)
    assert err.value.code == ErrorCode.WEIGHT_INVALID


# periods
def test_scorecard_as_of_a_period():
    periods = (
        PeriodValue("2026-Q1", D(50), D(40)),
        PeriodValue("2026-Q2", D(50), D(60)),
        PeriodValue("2026-Q3", D(50), None),
    )
    kpis = [
        kpi("A", SH, "S1", consolidation=Consolidation.SUM, periods=periods),
        kpi("B", CU, "C1", consolidation=Consolidation.LAST, periods=periods),
    ]
    q1 = score_scorecard(kpis, as_of_period="2026-Q1")
    assert [k.index for k in q1.kpis] == [80, 80]
    q3 = score_scorecard(kpis, as_of_period="2026-Q3")
    assert [k.index for k in q3.kpis] == [100, 120]
    assert q3.kpi("B").period == "2026-Q2"
    assert q3.complete  # a KPI with data so far is reported


def test_to_text():
    text = score_scorecard(example(**{"C1.b": None})).to_text()
    assert "NKO" in text and "P2.a  T 40.00..60.00  R 70.00  index 83.33" in text
    assert "not reported: C1.b" in text


def test_default_rules_used_when_none_given():
    assert score_scorecard(example()).rules is get_rule_set("kmk-467-2014")
    assert shown(score_scorecard(example(), rules=get_rule_set("kmk-127-2026")).nko) is not None


def test_only_zero_weight_perspectives_reported_gives_no_nko():
    kpis = [
        kpi("A", SH, "S1", MAX, "10", "10", "0"),
        kpi("B", CU, "C1", MAX, "10", None, "100"),
    ]
    result = score_scorecard(kpis)
    assert result.nko is None and result.predicate is None
    assert result.perspectives[0].index == 100 and result.perspectives[0].effective_weight is None


def test_kpi_lookup():
    result = score_scorecard(example())
    assert result.kpi("P2.a").case == "band_above"
    assert result.kpi("L1.a").raw == 125
    with pytest.raises(KeyError):
        result.kpi("nope")


def test_scorecard_kpi_builds_what_the_keywords_build():
    from kinerja.scoring import scorecard_kpi

    values = dict(
        code="C1.a",
        polarity=MIN,
        target=D(5),
        realization=D("4.5"),
        target_low=None,
        target_high=None,
        worst=D(9),
        consolidation=Consolidation.SUM,
        cap_on_target=True,
        name="Complaints",
        perspective=CU,
        objective="C1",
        weight=D(40),
        perspective_weight=D(20),
        objective_name="Happy customers",
    )
    fast = scorecard_kpi(*values.values())
    assert fast == ScorecardKpi(**values)
    # every field set (a field added to the dataclass and not to `scorecard_kpi` would be unset)
    assert all(hasattr(fast, f.name) for f in dataclasses.fields(ScorecardKpi))
