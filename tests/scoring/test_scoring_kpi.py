"""KPI index (scoring.md §1, §7.1), status (§1) and consolidation (§2)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.scoring import (
    Consolidation,
    ErrorCode,
    KpiInput,
    PeriodValue,
    Polarity,
    ScoringError,
    Status,
    consolidate,
    display,
    get_rule_set,
    kpi_index,
    parse_period,
    score_kpi,
    status_of,
)

D = Decimal
R2014 = get_rule_set("kmk-467-2014")
R2026 = get_rule_set("kmk-127-2026")
MAX, MIN, STAB = Polarity.MAX, Polarity.MIN, Polarity.STABILIZE


# §1 worked examples, every row.
@pytest.mark.parametrize(
    ("polarity", "target", "low", "high", "worst", "realization", "expected", "raw"),
    [
        (MAX, "80", None, None, None, "72", "90.00", "90"),
        (MAX, "90", None, None, None, "117", "120.00", "130"),
        (MIN, "10", None, None, None, "8", "120.00", "120"),
        (MIN, "4", None, None, None, "5", "75.00", "75"),
        (MIN, "0", None, None, "20", "5", "75.00", "75"),
        (STAB, None, "40", "60", None, "70", "83.33", None),
        (MAX, "-50", None, None, None, "-25", "120.00", "150"),
    ],
)
def test_section_1_worked_examples(polarity, target, low, high, worst, realization, expected, raw):
    def opt(x):
        return None if x is None else D(x)

    kwargs = {"target": opt(target), "target_low": opt(low), "target_high": opt(high), "worst": opt(worst)}
    index = kpi_index(polarity, D(realization), **kwargs)
    assert display(index) == D(expected)
    if raw is not None:
        assert kpi_index(polarity, D(realization), clamp=False, **kwargs) == D(raw)


@pytest.mark.parametrize(
    ("polarity", "target", "realization", "expected"),
    [
        (MAX, "-50", "-75", "50"),  # (2 − 1.5) × 100
        (MIN, "-50", "-60", "120"),  # R / T × 100 = 120
        (MIN, "-50", "-40", "80"),
        (MAX, "100", "-10", "0"),  # clamped to the floor
        (MIN, "10", "25", "0"),  # (2 − 2.5) × 100 = −50 → 0
        (MIN, "0", "25", "0"),  # with W = 20: (20 − 25) / 20 → −25 → 0
    ],
)
def test_negative_targets_and_floor(polarity, target, realization, expected):
    worst = D(20) if target == "0" else None
    assert kpi_index(polarity, D(realization), target=D(target), worst=worst) == D(expected)


@pytest.mark.parametrize(
    ("realization", "expected"),
    [("50", "100"), ("40", "100"), ("60", "100"), ("30", "75"), ("90", "50"), ("130", "0")],
)
def test_stabilize_band_2014(realization, expected):
    assert kpi_index(STAB, D(realization), target_low=D(40), target_high=D(60)) == D(expected)


def test_stabilize_single_target_is_a_band_of_one_point_2014():
    assert kpi_index(STAB, D(100), target=D(100)) == 100
    assert kpi_index(STAB, D(95), target=D(100)) == 95
    assert kpi_index(STAB, D(104), target=D(100)) == 96


# §7.1 stabilize examples and the conversion scale.
@pytest.mark.parametrize(
    ("realization", "expected"),
    [
        ("95", "110"),  # Ca 95
        ("104", "112"),  # Ca 96
        ("100", "120"),  # Ca 100
        ("90", "100"),  # Ca 90
        ("45", "50"),  # Ca 45: between 0→0 and 90→100
        ("0", "0"),
        ("250", "0"),  # Ca −50: below the first point
        ("110", "100"),  # Ca 90
    ],
)
def test_stabilize_scale_2026(realization, expected):
    assert kpi_index(STAB, D(realization), target=D(100), rules=R2026) == D(expected)


def test_stabilize_scale_from_the_kpi_manual():
    scale = ((D(0), D(0)), (D(80), D(100)), (D(100), D(110)))
    assert kpi_index(STAB, D(90), target=D(100), rules=R2026, scale=scale) == 105


def test_stabilize_scale_must_ascend():
    scale = ((D(0), D(0)), (D(0), D(100)))
    with pytest.raises(ScoringError) as err:
        kpi_index(STAB, D(90), target=D(100), rules=R2026, scale=scale, kpi="X")
    assert err.value.code == ErrorCode.SCALE_INVALID


def test_stabilize_band_under_the_scale_uses_each_bound():
    # L..U under 2026: Ca = 100 inside, R / L × 100 below, 200 − R / U × 100 above.
    assert kpi_index(STAB, D(50), target_low=D(40), target_high=D(60), rules=R2026) == 120
    assert kpi_index(STAB, D(38), target_low=D(40), target_high=D(60), rules=R2026) == 110


@pytest.mark.parametrize(
    ("kwargs", "code", "field"),
    [
        ({"polarity": MAX, "target": D(0)}, ErrorCode.MAX_ZERO_TARGET, "target"),
        ({"polarity": MIN, "target": D(0)}, ErrorCode.MIN_ZERO_TARGET_NO_WORST, "worst"),
        ({"polarity": MIN, "target": D(0), "worst": D(0)}, ErrorCode.WORST_NOT_POSITIVE, "worst"),
        (
            {"polarity": STAB, "target_low": D(60), "target_high": D(40)},
            ErrorCode.BAND_INVERTED,
            "target_low",
        ),
        (
            {"polarity": STAB, "target_low": D(0), "target_high": D(40)},
            ErrorCode.BAND_NOT_POSITIVE,
            "target_low",
        ),
        (
            {"polarity": STAB, "target_low": D(-5), "target_high": D(40)},
            ErrorCode.BAND_NOT_POSITIVE,
            "target_low",
        ),
        ({"polarity": STAB, "target": D(0)}, ErrorCode.STABILIZE_TARGET_NOT_POSITIVE, "target"),
        ({"polarity": STAB, "target_low": D(40)}, ErrorCode.TARGET_MISSING, "target_high"),
        ({"polarity": MAX}, ErrorCode.TARGET_MISSING, "target"),
        ({"polarity": STAB}, ErrorCode.TARGET_MISSING, "target"),
    ],
)
@pytest.mark.parametrize("rules", [R2014, R2026], ids=["2014", "2026"])
def test_input_errors_name_the_kpi(kwargs, code, field, rules):
    kwargs = dict(kwargs)
    polarity = kwargs.pop("polarity")
    with pytest.raises(ScoringError) as err:
        kpi_index(polarity, D(5), rules=rules, kpi="IKU-7", **kwargs)
    assert err.value.code == code
    assert err.value.kpi == "IKU-7"
    assert err.value.field == field
    assert "IKU-7" in str(err.value)
    assert isinstance(err.value, ValueError)


def test_stabilize_zero_and_negative_target_2026():
    for target in (D(0), D(-10)):
        with pytest.raises(ScoringError) as err:
            kpi_index(STAB, D(5), target=target, rules=R2026, kpi="K")
        assert err.value.code == ErrorCode.STABILIZE_TARGET_NOT_POSITIVE


# cap_on_target: §1 (2014) and §7.1 "konversi 120" (2026).
@pytest.mark.parametrize("rules", [R2014, R2026], ids=["2014", "2026"])
@pytest.mark.parametrize(
    ("polarity", "target", "realization", "expected"),
    [
        (MAX, "100", "100", "120"),  # met: the cap instead of 100
        (MAX, "100", "101", "120"),  # better than met: still the cap
        (MAX, "100", "90", "90"),  # below the target: normal formula
        (MIN, "5", "5", "120"),
        (MIN, "5", "4", "120"),
        (MIN, "5", "6", "80"),
        (MAX, "-10", "-10", "120"),
        (MAX, "-10", "-12", "80"),
    ],
)
def test_cap_on_target_max_min(rules, polarity, target, realization, expected):
    assert kpi_index(polarity, D(realization), target=D(target), cap_on_target=True, rules=rules) == D(
        expected
    )


def test_cap_on_target_min_zero_target():
    # with W both rule sets cap R ≤ 0 and use (W − R) / W above it
    for rules in (R2014, R2026):
        assert kpi_index(MIN, D(0), target=D(0), worst=D(20), cap_on_target=True, rules=rules) == 120
        assert kpi_index(MIN, D(5), target=D(0), worst=D(20), cap_on_target=True, rules=rules) == 75
    # §7.1 defines the met case for T = 0 as R ≤ 0: no W needed under 2026 ...
    assert kpi_index(MIN, D(0), target=D(0), cap_on_target=True, rules=R2026) == 120
    # ... but §1 still requires W under 2014, and W is needed when the target is missed
    with pytest.raises(ScoringError) as err:
        kpi_index(MIN, D(0), target=D(0), cap_on_target=True, rules=R2014)
    assert err.value.code == ErrorCode.MIN_ZERO_TARGET_NO_WORST
    with pytest.raises(ScoringError):
        kpi_index(MIN, D(3), target=D(0), cap_on_target=True, rules=R2026)


def test_cap_on_target_max_zero_target_is_still_an_error():
    for rules in (R2014, R2026):
        with pytest.raises(ScoringError) as err:
            kpi_index(MAX, D(0), target=D(0), cap_on_target=True, rules=rules)
        assert err.value.code == ErrorCode.MAX_ZERO_TARGET


def test_cap_on_target_stabilize():
    # 2014: meeting a band target (inside it) scores the cap instead of 100
    assert kpi_index(STAB, D(50), target_low=D(40), target_high=D(60), cap_on_target=True) == 120
    assert kpi_index(STAB, D(70), target_low=D(40), target_high=D(60), cap_on_target=True) == D(
        "83.33333333333333333333333330"
    )
    # 2026: the conversion scale applies (it already gives 120 at the target)
    assert kpi_index(STAB, D(95), target=D(100), cap_on_target=True, rules=R2026) == 110
    assert kpi_index(STAB, D(100), target=D(100), cap_on_target=True, rules=R2026) == 120


def test_cap_on_target_off_by_default():
    assert kpi_index(MAX, D(100), target=D(100)) == 100


@pytest.mark.parametrize(
    ("index", "status"),
    [
        ("120", Status.GREEN),
        ("100", Status.GREEN),
        ("99.99", Status.YELLOW),
        ("80", Status.YELLOW),
        ("79.99", Status.RED),
        ("0", Status.RED),
    ],
)
def test_status_thresholds(index, status):
    assert status_of(D(index)) is status
    assert status_of(D(index), R2026) is status


# §2 consolidation.
Q = [
    PeriodValue("2026-Q1", D(10), D(8)),
    PeriodValue("2026-Q2", D(20), D(25)),
    PeriodValue("2026-Q3", D(30), None),
    PeriodValue("2026-Q4", D(40), None),
]


@pytest.mark.parametrize(
    ("consolidation", "target", "realization", "period"),
    [
        (Consolidation.SUM, D(30), D(33), "2026-Q2"),
        (Consolidation.AVERAGE, D(15), D("16.5"), "2026-Q2"),
        (Consolidation.LAST, D(20), D(25), "2026-Q2"),
    ],
)
def test_consolidation_over_reported_periods(consolidation, target, realization, period):
    out = consolidate(Q, consolidation)
    assert (out.target, out.realization, out.period) == (target, realization, period)


def test_consolidation_skips_a_gap():
    periods = [
        PeriodValue("2026-Q1", D(10), D(8)),
        PeriodValue("2026-Q2", D(20), None),
        PeriodValue("2026-Q3", D(30), D(33)),
    ]
    out = consolidate(periods, Consolidation.SUM)
    assert (out.target, out.realization) == (D(40), D(41))
    last = consolidate(periods, Consolidation.LAST)
    assert (last.target, last.realization, last.period) == (D(30), D(33), "2026-Q3")


def test_consolidation_nothing_reported():
    periods = [PeriodValue("2026-Q1", D(10), None), PeriodValue("2026-Q2", D(20), None)]
    out = consolidate(periods, Consolidation.SUM)
    assert out.realization is None
    assert out.target == 30  # what was expected so far, for display
    assert consolidate([], Consolidation.SUM) == PeriodValue()


def test_consolidation_of_bands():
    periods = [
        PeriodValue("2026-Q1", None, D(50), D(40), D(60)),
        PeriodValue("2026-Q2", None, D(70), D(40), D(80)),
    ]
    out = consolidate(periods, Consolidation.AVERAGE)
    assert (out.target_low, out.target_high, out.realization) == (D(40), D(70), D(60))


def test_reported_period_without_target_is_an_error():
    periods = [PeriodValue("2026-Q1", None, D(8))]
    with pytest.raises(ScoringError) as err:
        consolidate(periods, Consolidation.SUM, kpi="K1")
    assert err.value.code == ErrorCode.PERIOD_TARGET_MISSING
    assert "2026-Q1" in err.value.message


def test_score_kpi_as_of_period():
    kpi = KpiInput(code="K", polarity=MAX, consolidation=Consolidation.SUM, periods=tuple(reversed(Q)))
    q1 = score_kpi(kpi, as_of_period="2026-Q1")
    assert (q1.target, q1.realization, q1.index) == (D(10), D(8), D(80))
    q2 = score_kpi(kpi, as_of_period="2026-Q2")
    assert (q2.target, q2.realization, q2.index) == (D(30), D(33), D(110))
    # as of a month: the quarters that ended by then
    assert score_kpi(kpi, as_of_period="2026-06").index == D(110)
    assert score_kpi(kpi, as_of_period="2026-05").index == D(80)
    # no as-of period: everything given
    assert score_kpi(kpi).index == D(110)
    # another year's as-of period: nothing of this year
    assert score_kpi(kpi, as_of_period="2025-Q4").index is None


def test_score_kpi_na_and_given_index():
    na = score_kpi(KpiInput(code="K", target=D(10)))
    assert (na.index, na.status, na.reported, na.case) == (None, None, False, "na")
    given = score_kpi(KpiInput(code="K", index=D(130)))
    assert (given.index, given.raw, given.status, given.reported) == (D(120), D(130), Status.GREEN, True)


def test_score_kpi_bad_period_label():
    kpi = KpiInput(code="K", periods=(PeriodValue("2026-Q1", D(1), D(1)), PeriodValue("Q5", D(1), D(1))))
    with pytest.raises(ScoringError) as err:
        score_kpi(kpi, as_of_period="2026-Q2")
    assert err.value.code == ErrorCode.PERIOD_INVALID
    assert err.value.kpi == "K"


@pytest.mark.parametrize(
    ("label", "year", "first", "last"),
    [
        ("2026", 2026, 1, 12),
        ("2026-Q2", 2026, 4, 6),
        ("2026-q4", 2026, 10, 12),
        (" 2026-S1 ", 2026, 1, 6),
        ("2026-S2", 2026, 7, 12),
        ("2026-06", 2026, 6, 6),
    ],
)
def test_parse_period(label, year, first, last):
    p = parse_period(label)
    assert (p.year, p.first_month, p.last_month) == (year, first, last)


@pytest.mark.parametrize("label", ["26", "2026-Q5", "2026-S3", "2026-13", "2026-00", "Q1", "2026/06"])
def test_parse_period_rejects(label):
    with pytest.raises(ScoringError) as err:
        parse_period(label)
    assert err.value.code == ErrorCode.PERIOD_INVALID
