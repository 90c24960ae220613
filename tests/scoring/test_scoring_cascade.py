"""Cascading roll-up (scoring.md §5)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.scoring import Aggregation, CascadeType, ChildValue, ErrorCode, ScoringError, roll_up

D = Decimal
KIDS = (ChildValue("A", D(10), D(1)), ChildValue("B", D(20), D(3)), ChildValue("C", D(60), D(1)))


@pytest.mark.parametrize(
    ("aggregation", "expected"),
    [
        (Aggregation.SUM, D(90)),
        (Aggregation.AVERAGE, D(30)),
        (Aggregation.WEIGHTED_AVERAGE, D(26)),
        (Aggregation.MIN, D(10)),
        (Aggregation.MAX, D(60)),
    ],
)
def test_aggregations(aggregation, expected):
    out = roll_up(KIDS, aggregation, parent="P")
    assert out.realization == expected
    assert out.complete and out.missing == ()


@pytest.mark.parametrize("aggregation", list(Aggregation))
def test_a_child_not_reported_makes_the_parent_incomplete_never_lower(aggregation):
    kids = (*KIDS, ChildValue("D", None, D(1)))
    out = roll_up(kids, aggregation, parent="P", cascade_type=CascadeType.INDIRECT)
    assert out.realization is None
    assert not out.complete and out.missing == ("D",)
    assert "D not reported" in out.explain().to_text()


def test_errors():
    with pytest.raises(ScoringError) as err:
        roll_up(KIDS, Aggregation.SUM, parent="P", cascade_type=CascadeType.NON_CASCADING)
    assert err.value.code == ErrorCode.CASCADE_NOT_ROLLED_UP
    with pytest.raises(ScoringError) as err:
        roll_up((), Aggregation.SUM, parent="P")
    assert err.value.code == ErrorCode.CASCADE_NO_CHILDREN
    with pytest.raises(ScoringError) as err:
        roll_up((ChildValue("A", D(1)),), Aggregation.WEIGHTED_AVERAGE, parent="P")
    assert err.value.code == ErrorCode.WEIGHT_INVALID
    with pytest.raises(ScoringError):
        roll_up((ChildValue("A", D(1), D(0)),), Aggregation.WEIGHTED_AVERAGE, parent="P")


def test_explanation_lists_children():
    node = roll_up(KIDS, Aggregation.WEIGHTED_AVERAGE, parent="P").explain()
    assert node.result == 26
    assert node.inputs["R B"] == 20 and node.inputs["w B"] == 3
