"""Exact half cents and exact thresholds (scoring.md preamble: nothing is rounded until it is shown).

`Decimal` computes with 28 significant digits, so a figure built from a quotient that does not
terminate can land one unit of its 28th digit below a half cent or a threshold it meets exactly.
`scoring.explain.settle` takes figures to 22 digits wherever they are shown or compared; these
tests hold the core to the exact rational value, computed here with `Fraction`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.scoring import (
    CoreValues,
    Employee,
    EmployeeKpi,
    Perspective,
    Polarity,
    Rating,
    ScorecardKpi,
    display,
    get_rule_set,
    rank,
    score_employee_2026,
    score_kpi,
    score_scorecard,
    settle,
    status_of,
)

D = Decimal
R2026 = get_rule_set("kmk-127-2026")
NIP = "198001012005011001"


def cents(x: Fraction) -> Decimal:
    """The exact value `x` rounded half-up (away from zero) to 2 decimals."""
    scaled = abs(x) * 100
    whole = scaled.numerator // scaled.denominator
    if scaled - whole >= Fraction(1, 2):
        whole += 1
    return (Decimal(whole) / 100 * (-1 if x < 0 else 1)).quantize(D("0.01"))


def core(period: str, values: tuple[int, ...]) -> CoreValues:
    return CoreValues(period, *(D(v) for v in values))


def test_settle_recovers_an_exact_value_cut_at_28_digits() -> None:
    cut = D("20.026") / D(47) * 100 * D("1.175")  # exactly 50.065
    assert cut < D("50.065")  # what 28 digits give: 50.0649999…
    assert settle(cut) == D("50.065")
    assert display(cut) == D("50.07")
    assert settle(D("100.00")) == D("100.00") and str(settle(D("100.00"))) == "100.00"
    assert settle(D("1E+30")) == D("1E+30")  # wide inputs stay as they are


def test_a_quality_value_that_is_a_half_cent_shows_rounded_up() -> None:
    # index 20.026 / 47 × 100 (does not terminate) × K3 1.175 = 50.065 exactly (28 digits: 50.0649999…)
    kpi = EmployeeKpi(code="K1", polarity=Polarity.MAX, target=D(47), realization=D("20.026"), k3=D("1.175"))
    result = score_employee_2026(Employee(nip=NIP, kpis=(kpi,)), rules=R2026)
    assert display(result.kpis[0].value) == D("50.07")
    assert display(result.nhk) == D("50.07")
    data = json.loads(result.to_json())
    assert data["kpis"][0]["value"] == 50.07
    assert data["nhk"] == 50.07
    assert result.to_dict()["kpis"][0]["value"] == 50.07


def test_a_blended_behaviour_that_is_a_half_cent_shows_rounded_up() -> None:
    # NPK 730 / 7 → calibrated 100 + (730/7 − 100) × 0.75; tier 2 above the NKO: 0.7 × it + 0.3 × 81.85
    # = 96.805 exactly (28 digits: 96.8049999…)
    employee = Employee(
        nip=NIP, tier=2, nko=D("81.85"), core_values=(core("2026", (100, 110, 109, 97, 93, 107, 114)),)
    )
    result = score_employee_2026(employee, rules=R2026)
    assert result.behaviour_weight == D("0.3")
    assert display(result.behaviour) == D("96.81")
    assert json.loads(result.to_json())["behaviour"]["value"] == 96.81


def test_an_aggregate_exactly_at_a_threshold_meets_it() -> None:
    assert status_of(D(1) / D(3) * 300) == status_of(D(100))
    cut = D(1) / D(3) * 270  # exactly 90, computed 89.99…
    assert cut < 90
    assert status_of(cut, R2026) == status_of(D(90), R2026)


def test_ranks_tie_on_equal_exact_values() -> None:
    a = D(1) / D(3) * 3  # 0.999… exactly 1
    b = D(1)
    ranked = rank(["a", "b", "c"], {"a": a, "b": b, "c": D("0.5")}.get)
    assert [r.rank for r in ranked] == [1, 1, 3]


# ------------------------------------------------------------------ the exact reference (§7.3, defaults)

CAP, FLOOR = Fraction(120), Fraction(0)


def _clamp(x: Fraction) -> Fraction:
    return min(CAP, max(FLOOR, x))


def _calibrate(x: Fraction) -> Fraction:
    return x if x <= 100 else 100 + (min(x, Fraction(120)) - 100) * Fraction(3, 4)


def _blend(x: Fraction, nko: Fraction, tier: int) -> tuple[Fraction, Fraction]:
    w = (Fraction(1, 2) if tier == 1 else Fraction(3, 10)) if x >= nko else Fraction(1, 10)
    return _clamp((1 - w) * x + w * nko), w


def _rating(x: Fraction) -> Rating:
    return Rating.ABOVE if x > 100 else Rating.MEETS if x >= 90 else Rating.BELOW


def reference(
    kpis: list[tuple[Fraction, Fraction, Fraction]], values: tuple[int, ...], nko: Fraction, tier: int
) -> dict[str, object]:
    """NHK, NPK, NKP, work result and behaviour of scoring.md §7.3 in exact rationals (max KPIs, T > 0)."""
    num = den = Fraction(0)
    for target, realization, k3 in kpis:
        index = _clamp(realization / target * 100)
        num += min(CAP, index * k3) * k3
        den += k3
    nhk = min(CAP, num / den)
    npk = Fraction(sum(values), len(values))
    nhk_c, npk_c = _calibrate(nhk), _calibrate(npk)
    result = _clamp(Fraction(3, 4) * nhk_c + Fraction(1, 4) * npk_c)
    nkp, w = _blend(result, nko, tier)
    work, _ = _blend(_clamp(nhk_c), nko, tier)
    behaviour, _ = _blend(_clamp(npk_c), nko, tier)
    return {
        "nhk": nhk,
        "npk": npk,
        "nkp": nkp,
        "nko_weight": w,
        "work": work,
        "behaviour": behaviour,
        "work_rating": _rating(work),
        "behaviour_rating": _rating(behaviour),
    }


# Targets with prime factors other than 2 and 5 make quotients that do not terminate; K3 values are
# the §7.2 table's halves, so products with them often come back to a half cent.
targets = st.sampled_from([D(3), D(7), D(11), D(23), D(47), D("2.1"), D(90), D(100), D(120)])
realizations = st.integers(min_value=0, max_value=150_000).map(lambda n: D(n).scaleb(-3))
k3s = st.sampled_from(
    [D("0.7"), D("0.8"), D("0.9"), D("0.95"), D("1.0"), D("1.1"), D("1.125"), D("1.175"), D("1.2")]
)
kpi_rows = st.lists(st.tuples(targets, realizations, k3s), min_size=1, max_size=4)
core_rows = st.tuples(*[st.integers(min_value=80, max_value=120)] * 7)
nkos = st.integers(min_value=8_000, max_value=11_500).map(lambda n: D(n).scaleb(-2))


@settings(max_examples=400, deadline=None)
@given(kpi_rows, core_rows, nkos, st.sampled_from([1, 2]))
def test_every_shown_figure_and_rating_is_the_exact_ones(rows, values, nko, tier) -> None:
    kpis = tuple(
        EmployeeKpi(code=f"K{i}", polarity=Polarity.MAX, target=t, realization=r, k3=k)
        for i, (t, r, k) in enumerate(rows)
    )
    employee = Employee(nip=NIP, tier=tier, nko=nko, kpis=kpis, core_values=(core("2026", values),))
    got = score_employee_2026(employee, rules=R2026)
    exact = reference(
        [(Fraction(t), Fraction(r), Fraction(k)) for t, r, k in rows], values, Fraction(nko), tier
    )
    assert display(got.nhk) == cents(exact["nhk"])
    assert display(got.npk) == cents(exact["npk"])
    assert display(got.nkp) == cents(exact["nkp"])
    assert got.nko_weight == exact["nko_weight"]
    assert display(got.work_result) == cents(exact["work"])
    assert display(got.behaviour) == cents(exact["behaviour"])
    assert got.work_rating is exact["work_rating"]
    assert got.behaviour_rating is exact["behaviour_rating"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(targets, realizations, st.integers(min_value=1, max_value=9)), min_size=1, max_size=6)
)
def test_every_kpi_and_objective_index_shows_the_exact_cent(rows) -> None:
    kpis = [
        ScorecardKpi(
            code=f"K{i}",
            perspective=Perspective.STAKEHOLDER,
            objective="S1",
            polarity=Polarity.MAX,
            target=t,
            realization=r,
            weight=D(w),
        )
        for i, (t, r, w) in enumerate(rows)
    ]
    got = score_scorecard(kpis)
    exact_kpis = [_clamp(Fraction(r) / Fraction(t) * 100) for t, r, _ in rows]
    for k, exact in zip(got.kpis, exact_kpis, strict=True):
        assert display(k.index) == cents(exact)
        assert k.status is score_kpi(k.kpi).status
    weights = [Fraction(w) for _, _, w in rows]
    objective = sum(i * w for i, w in zip(exact_kpis, weights, strict=True)) / sum(weights)
    assert display(got.nko) == cents(objective)
