"""Employee score under kmk-467-2014 (scoring.md §6)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.scoring import (
    BehaviourRating,
    Controllability,
    DistributionLabel,
    Employee,
    EmployeeKpi,
    ErrorCode,
    Param,
    Participation,
    RaterGroup,
    ScoringError,
    Validity,
    behaviour_score_2014,
    display,
    distribute,
    distribution_counts,
    get_rule_set,
    leniency,
    leniency_by_rater,
    leniency_by_unit,
    leniency_counted,
    participation_penalty,
    score_employee_2014,
    score_employees,
    score_employees_2014,
)

D = Decimal
R = get_rule_set("kmk-467-2014")
G = RaterGroup


def rating(rater, group, semester="2026-S1", **scores):
    return BehaviourRating(semester, rater, group, **{k: D(v) for k, v in scores.items()})


def all_aspects(value):
    return {a: value for a in ("service_orientation", "integrity", "commitment", "discipline", "cooperation")}


# participation penalties
@pytest.mark.parametrize(
    ("participation", "penalty"),
    [
        (Participation(), 0),
        (Participation(missed_assessments=1), 2),
        (Participation(missed_assessments=2), 4),
        (Participation(subordinates_without_raters=3), 6),
        (Participation(subordinates_without_raters=7), 10),
        (Participation(proposed_no_raters=True), 5),
        (Participation(missed_assessments=2, proposed_no_raters=True), 9),
        (Participation(missed_assessments=3, proposed_no_raters=True), 10),
        (Participation(missed_assessments=9, subordinates_without_raters=9, proposed_no_raters=True), 10),
    ],
)
def test_participation_penalty(participation, penalty):
    assert participation_penalty(participation, R) == penalty


def test_penalty_example_np_100_to_96():
    ratings = [rating("A", G.SUPERIOR, **all_aspects("100")), rating("B", G.PEER, **all_aspects("100"))]
    out = behaviour_score_2014(ratings, rules=R, participation=Participation(missed_assessments=2))
    assert (out.np_before_penalty, out.penalty, out.np) == (D(100), D(4), D(96))
    assert out.band == "sangat baik"


def test_np_is_mean_over_aspects_of_group_weighted_means():
    ratings = [
        rating("S", G.SUPERIOR, service_orientation="90", integrity="80"),
        rating("P1", G.PEER, service_orientation="70", integrity="80"),
        rating("P2", G.PEER, service_orientation="80", integrity="90"),
        rating("U", G.SUBORDINATE, service_orientation="60"),
    ]
    out = behaviour_score_2014(ratings, rules=R)
    # service: groups superior 90, peer 75, subordinate 60 → 75; integrity: superior 80, peer 85 → 82.5
    assert dict(((a.value, v) for _, a, v in out.aspects)) == {
        "service_orientation": 75,
        "integrity": D("82.5"),
    }
    assert out.np == D("78.75")
    # group weights are parameters: superior counts double
    p = R.nkp2014
    weighted = dataclasses.replace(
        R,
        nkp2014=dataclasses.replace(
            p,
            group_weights=Param(
                {G.SUPERIOR: D(2), G.PEER: D(1), G.SUBORDINATE: D(1), G.SELF: D(0)}, "x", "x", "t"
            ),
        ),
    )
    out2 = behaviour_score_2014(ratings, rules=weighted)
    # service (180 + 75 + 60) / 4 = 78.75; integrity (160 + 85) / 3
    assert out2.np == (D("78.75") + D(245) / 3) / 2


def test_np_semesters_are_averaged_and_as_of():
    ratings = [
        rating("A", G.SUPERIOR, "2026-S1", **all_aspects("80")),
        rating("A", G.SUPERIOR, "2026-S2", **all_aspects("90")),
    ]
    out = behaviour_score_2014(ratings, rules=R)
    assert out.semesters == (("2026-S1", D(80)), ("2026-S2", D(90)))
    assert out.np == 85
    assert behaviour_score_2014(ratings, rules=R, as_of_period="2026-S1").np == 80


def test_leadership_only_for_structural_officials():
    ratings = [rating("A", G.SUPERIOR, **all_aspects("80"), leadership="50")]
    assert behaviour_score_2014(ratings, rules=R).np == 75  # counted when rated
    assert behaviour_score_2014(ratings, rules=R, structural=True).np == 75
    with pytest.raises(ScoringError) as err:
        behaviour_score_2014(ratings, rules=R, structural=False)
    assert err.value.code == ErrorCode.LEADERSHIP_NOT_STRUCTURAL


@pytest.mark.parametrize("score", ["-1", "100.01"])
def test_rating_out_of_range(score):
    with pytest.raises(ScoringError) as err:
        behaviour_score_2014([rating("A", G.PEER, integrity=score)], rules=R)
    assert err.value.code == ErrorCode.SCORE_OUT_OF_RANGE


@pytest.mark.parametrize(
    ("np", "band"),
    [
        ("100", "sangat baik"),
        ("91", "sangat baik"),
        ("90.5", "sangat baik"),
        ("90", "baik"),
        ("76", "baik"),
        ("75.5", "baik"),
        ("75", "cukup"),
        ("61", "cukup"),
        ("60", "sedang"),
        ("51", "sedang"),
        ("50.01", "sedang"),
        ("50", "kurang"),
        ("0", "kurang"),
    ],
)
def test_np_bands(np, band):
    assert R.nkp2014.np_bands.value.classify(D(np)) == band


# CKP and NKP
def employee(nip="E1", kpis=None, ratings=None, **kw):
    if kpis is None:
        kpis = (
            EmployeeKpi(code="K1", target=D(100), realization=D(90), weight=D(60)),
            EmployeeKpi(code="K2", target=D(100), realization=D(110), weight=D(40)),
        )
    if ratings is None:
        ratings = (rating("A", G.SUPERIOR, **all_aspects("80")),)
    return Employee(nip=nip, kpis=kpis, ratings=ratings, **kw)


def test_ckp_np_nkp():
    result = score_employee_2014(employee(), rules=R)
    assert result.ckp == D(98)  # 0.6 × 90 + 0.4 × 110
    assert result.np == 80
    assert result.nkp == D("0.60") * 98 + D("0.40") * 80
    assert result.np_band == "baik"
    assert result.complete
    out = result.to_dict()
    assert out["ckp"] == 98.0 and out["np"] == 80.0 and out["nkp"] == 90.8 and out["np_band"] == "baik"
    assert [k["weight"] for k in out["kpis"]] == [60.0, 40.0]
    assert "distribution" not in out


def test_ckp_equal_weights_and_na_left_out():
    kpis = (
        EmployeeKpi(code="K1", target=D(100), realization=D(90)),
        EmployeeKpi(code="K2", target=D(100), realization=D(110)),
        EmployeeKpi(code="K3", target=D(100)),
    )
    result = score_employee_2014(employee(kpis=kpis), rules=R)
    assert result.ckp == 100
    assert result.missing == ("K3",) and not result.complete


def test_quality_factor_multiplies_before_clamping():
    p = R.nkp2014
    factors = {(v, c): D("1.0") for v in Validity for c in Controllability}
    factors[(Validity.EXACT, Controllability.LOW)] = D("1.2")
    rules = dataclasses.replace(
        R, nkp2014=dataclasses.replace(p, quality_factors=Param(factors, "x", "x", "t"))
    )
    kpis = (
        EmployeeKpi(
            code="K1",
            target=D(100),
            realization=D(90),
            validity=Validity.EXACT,
            controllability=Controllability.LOW,
        ),
        EmployeeKpi(
            code="K2",
            target=D(100),
            realization=D(130),
            validity=Validity.EXACT,
            controllability=Controllability.LOW,
        ),
    )
    result = score_employee_2014(employee(kpis=kpis), rules=rules)
    # 90 × 1.2 = 108; raw 130 × 1.2 = 156 → 120 (clamped after multiplying)
    assert [k.value for k in result.kpis] == [D("108.0"), D(120)]
    # with a non-uniform table the pair is required
    with pytest.raises(ScoringError) as err:
        score_employee_2014(
            employee(kpis=(EmployeeKpi(code="K", target=D(1), realization=D(1)),)), rules=rules
        )
    assert err.value.code == ErrorCode.QUALITY_MISSING


def test_no_ratings_no_nkp():
    result = score_employee_2014(employee(ratings=()), rules=R)
    assert result.np is None and result.nkp is None
    assert result.missing == ("behaviour",)


def test_partial_weights_are_an_error():
    kpis = (
        EmployeeKpi(code="K1", target=D(1), realization=D(1), weight=D(50)),
        EmployeeKpi(code="K2", target=D(1), realization=D(1)),
    )
    with pytest.raises(ScoringError) as err:
        score_employee_2014(employee(kpis=kpis), rules=R)
    assert (err.value.code, err.value.employee) == (ErrorCode.WEIGHTS_PARTIAL, "E1")


def test_explanation():
    tree = score_employee_2014(employee(), rules=R).explain()
    assert display(tree.result) == D("90.80")
    assert tree.find("CKP").result == 98
    assert tree.find("NP").result == 80
    assert tree.find("K2").inputs["index before clamping"] == 110


# distribution curve
@pytest.mark.parametrize(
    ("n", "counts"),
    [
        (1, (0, 1, 0)),
        (3, (0, 3, 0)),
        (4, (1, 2, 1)),
        (7, (1, 5, 1)),
        (10, (2, 6, 2)),
        (20, (3, 14, 3)),
        (100, (15, 70, 15)),
    ],
)
def test_distribution_counts(n, counts):
    assert distribution_counts(n, R) == counts
    assert sum(counts) == n


def test_distribute_ranks_by_nkp():
    scores = [(f"E{i}", D(100 - i)) for i in range(10)]
    labels = distribute(list(reversed(scores)), R)
    assert [labels[f"E{i}"] for i in range(10)] == [DistributionLabel.BEST] * 2 + [
        DistributionLabel.AVERAGE
    ] * 6 + [DistributionLabel.BELOW] * 2


def test_distribute_ties_share_the_better_label():
    scores = [("A", D(95)), ("B", D(90)), ("C", D(90)), ("D", D(80))]
    labels = distribute(scores, R)
    assert labels == {
        "A": DistributionLabel.BEST,
        "B": DistributionLabel.AVERAGE,
        "C": DistributionLabel.AVERAGE,
        "D": DistributionLabel.BELOW,
    }
    tied = distribute([("A", D(90)), ("B", D(90)), ("C", D(80)), ("D", D(80))], R)
    assert tied == {
        "A": DistributionLabel.BEST,
        "B": DistributionLabel.BEST,
        "C": DistributionLabel.AVERAGE,
        "D": DistributionLabel.AVERAGE,
    }


def test_score_employees_labels_within_groups():
    def emp(nip, realization, superior):
        kpis = (EmployeeKpi(code="K", target=D(100), realization=D(realization)),)
        return employee(nip, kpis=kpis, unit="KPP-A", job_category="pelaksana", superior_nip=superior)

    team_a = [emp(f"A{i}", 100 - i, "BOSS-A") for i in range(4)]
    team_b = [emp("B0", 50, "BOSS-B")]
    loner = employee("X")
    results = score_employees([*team_a, *team_b, loner], rules=R)
    labels = {r.nip: r.distribution for r in results}
    assert labels == {
        "A0": DistributionLabel.BEST,
        "A1": DistributionLabel.AVERAGE,
        "A2": DistributionLabel.AVERAGE,
        "A3": DistributionLabel.BELOW,
        "B0": DistributionLabel.AVERAGE,
        "X": None,
    }
    assert results[0].to_dict()["distribution"] == "best"


def test_errors_of_all_employees_come_together():
    bad = employee("BAD", ratings=(rating("A", G.PEER, integrity="101"),))
    with pytest.raises(ScoringError) as err:
        score_employees_2014([employee("OK"), bad], rules=R)
    assert [e.employee for e in err.value.errors] == ["BAD"]


def test_wrong_rule_set():
    with pytest.raises(ScoringError) as err:
        score_employee_2014(employee(), rules=get_rule_set("kmk-127-2026"))
    assert err.value.code == ErrorCode.RULE_SET_MISMATCH


# leniency
def test_leniency_flags_uniformly_high_raters():
    stats = leniency(
        {
            "lenient": [D(95)] * 10,
            "fair": [D(v) for v in (60, 70, 75, 80, 85, 90, 92, 65, 72, 78)],
            "few": [D(100)] * 2,
            "high_spread": [D(v) for v in (91, 91, 91, 91, 91, 91, 91, 91, 60, 100)],
        },
        R,
    )
    assert stats["lenient"].flagged and stats["lenient"].spread == 0 and stats["lenient"].share_high == 100
    assert not stats["fair"].flagged
    assert not stats["few"].flagged  # too few scores to judge
    assert stats["high_spread"].flagged  # 90 % of scores ≥ 91
    assert stats["fair"].mean == D("76.7")


def test_leniency_by_rater_and_unit():
    e1 = employee(
        "E1",
        ratings=(rating("R1", G.PEER, **all_aspects("95")), rating("R2", G.PEER, **all_aspects("70"))),
        unit="U1",
    )
    e2 = employee("E2", ratings=(rating("R1", G.PEER, **all_aspects("96")),), unit="U1")
    by_rater = leniency_by_rater([e1, e2], R)
    assert by_rater["R1"].count == 10 and by_rater["R1"].flagged
    assert not by_rater["R2"].flagged
    by_unit = leniency_by_unit([e1, e2], R)
    assert by_unit["U1"].count == 15
    assert by_unit["U1"].share_high == D(10) * 100 / 15


def test_leniency_counted_is_leniency_of_the_scores_counted_per_value():
    counted = {"lenient": {D(95): 10}, "fair": {D(60): 1, D(70): 3, D(85): 2}, "none": {}}
    expanded = {"lenient": [D(95)] * 10, "fair": [D(60), D(70), D(70), D(70), D(85), D(85)]}
    assert leniency_counted(counted, R) == leniency(expanded, R)


@given(
    st.dictionaries(
        st.sampled_from(["R1", "R2", "R3", "U1"]),
        st.dictionaries(
            st.decimals(min_value=0, max_value=120, places=2, allow_nan=False, allow_infinity=False),
            st.integers(1, 40),
            min_size=1,
            max_size=12,
        ),
        max_size=4,
    ),
    st.sampled_from(["kmk-467-2014", "kmk-127-2026"]),
)
@settings(max_examples=200, deadline=None)
def test_leniency_counted_agrees_with_leniency_on_every_tally(counted, code):
    """Counts, means, shares and flags are the same; the spread the same to far below the cent (the sum of
    squares is rounded at the 28th significant digit in either order)."""
    rules = get_rule_set(code)
    expanded = {
        key: [value for value, n in sorted(per.items()) for _ in range(n)] for key, per in counted.items()
    }
    weighted, listed = leniency_counted(counted, rules), leniency(expanded, rules)
    assert weighted.keys() == listed.keys()
    for key, stats in weighted.items():
        other = listed[key]
        assert (stats.count, stats.mean, stats.share_high, stats.flagged) == (
            other.count,
            other.mean,
            other.share_high,
            other.flagged,
        )
        assert abs(stats.spread - other.spread) < D("1e-20")
