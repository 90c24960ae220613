"""Explanations ("why is this 92.40?") and display rounding (scoring.md preamble)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from kinerja.scoring import (
    Consolidation,
    Explanation,
    KpiInput,
    PeriodValue,
    Perspective,
    Polarity,
    ScorecardKpi,
    display,
    display_float,
    get_rule_set,
    score_kpi,
    score_scorecard,
)

D = Decimal


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("92.395", "92.40"),
        ("92.394999", "92.39"),
        ("-1.005", "-1.01"),
        ("101.2499999999999999", "101.25"),
        ("7", "7.00"),
    ],
)
def test_display_rounds_half_up_to_two_decimals(value, shown):
    assert str(display(D(value))) == shown


def test_display_float():
    assert display_float(D("52.380952")) == 52.38
    assert display_float(None) is None


def scorecard():
    return score_scorecard(
        [
            ScorecardKpi(
                code="A", perspective=Perspective.CUSTOMER, objective="C1", target=D(80), realization=D(72)
            ),
            ScorecardKpi(
                code="B", perspective=Perspective.CUSTOMER, objective="C1", target=D(90), realization=D(117)
            ),
            ScorecardKpi(code="C", perspective=Perspective.STAKEHOLDER, objective="S1", target=D(10)),
        ]
    )


def test_nko_explanation_goes_down_to_every_kpi():
    tree = scorecard().explain()
    assert tree.subject == "NKO" and tree.result == 105
    codes = [node.code for node in tree.walk() if node.code]
    assert codes == ["NKO", "stakeholder", "S1", "C", "customer", "C1", "A", "B"]
    assert "stakeholder has no reported KPI" in " ".join(tree.notes)
    assert "incomplete: not reported C" in tree.notes


def test_explain_a_code():
    result = scorecard()
    b = result.explain("B")
    assert b.formula == "R / T × 100"
    assert b.inputs == {"polarity": "max", "T": D(90), "R": D(117)}
    assert b.notes == ("130.00 clamped to 120.00", "status green")
    assert result.explain("C1").result == 105
    assert result.explain("customer").code == "customer"
    assert result.explain("nko").subject == "NKO"
    assert result.explain("C").formula == "not reported (N/A)"
    with pytest.raises(KeyError):
        result.explain("nope")


def test_to_dict_is_json_and_to_text_is_indented():
    tree = scorecard().explain()
    data = tree.to_dict()
    text = json.dumps(data)
    assert '"result": 105.0' in text
    b = data["children"][1]["children"][0]["children"][1]
    assert b["code"] == "B" and b["inputs"]["R"] == 117.0 and b["result"] == 120.0
    exact = tree.to_dict(exact=True)
    assert exact["children"][1]["children"][0]["result"] == "105.0"  # (90 + 120) / 2, unrounded
    lines = tree.to_text().splitlines()
    assert lines[0].startswith("NKO = 105.00")
    assert any(line.startswith("      KPI B index = 120.00") for line in lines)


def test_consolidation_is_explained():
    kpi = KpiInput(
        code="K",
        polarity=Polarity.MAX,
        consolidation=Consolidation.SUM,
        periods=(PeriodValue("2026-Q1", D(10), D(8)), PeriodValue("2026-Q2", D(10), D(12))),
    )
    node = score_kpi(kpi, as_of_period="2026-Q2").explain()
    assert node.result == 100
    [child] = node.children
    assert child.inputs == {"T 2026-Q1": D(10), "R 2026-Q1": D(8), "T 2026-Q2": D(10), "R 2026-Q2": D(12)}
    assert child.result == 20


def test_stabilize_scale_explains_ca():
    node = score_kpi(
        KpiInput(code="S", polarity=Polarity.STABILIZE, target=D(100), realization=D(104)),
        rules=get_rule_set("kmk-127-2026"),
    ).explain()
    assert node.inputs["Ca"] == 96 and node.result == 112


def test_explanation_is_plain_data():
    node = Explanation("x", "a + b", D(3), {"a": D(1), "b": D(2)})
    assert node.to_dict() == {
        "subject": "x",
        "code": "",
        "formula": "a + b",
        "inputs": {"a": 1.0, "b": 2.0},
        "result": 3.0,
        "notes": [],
        "children": [],
    }
    assert node.find("zzz") is None
