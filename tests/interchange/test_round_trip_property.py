"""Any valid scorecard table survives a write and a read, as CSV and as .xlsx (property test)."""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.interchange.cells import Period
from kinerja.interchange.scorecard import ScorecardRow, read_scorecard, write_scorecard
from kinerja.scoring import Consolidation, Controllability, Perspective, Polarity, Validity

text = (
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)
numbers = st.decimals(min_value=Decimal("0.001"), max_value=Decimal(10**9), places=3, allow_nan=False)
periods = st.sampled_from(
    [Period(2026, "Y", 1)]
    + [Period(2026, "S", n) for n in (1, 2)]
    + [Period(2026, "Q", n) for n in range(1, 5)]
    + [Period(2026, "M", n) for n in range(1, 13)]
)


@st.composite
def tables(draw: st.DrawFn) -> list[ScorecardRow]:
    period = draw(st.none() | periods)
    count = draw(st.integers(1, 6))
    weights = {p: None for p in Perspective}
    rows = []
    for n in range(count):
        perspective = draw(st.sampled_from(list(Perspective)))
        polarity = draw(st.sampled_from(list(Polarity)))
        band = polarity is Polarity.STABILIZE and draw(st.booleans())
        low = draw(numbers) if band else None
        rows.append(
            ScorecardRow(
                perspective=perspective,
                objective_code=f"{perspective.value[:1].upper()}{draw(st.integers(1, 3))}",
                kpi_code=f"K{n}",
                polarity=polarity,
                unit=draw(st.none() | st.just("KPP-A")) if n == 0 else rows[0].unit,
                period=period,
                perspective_weight=weights[perspective],
                objective_name=draw(st.just("") | text),
                kpi_name=draw(st.just("") | text),
                target=None if band else draw(numbers),
                target_low=low,
                target_high=None if low is None else low + draw(numbers),
                worst=draw(st.none() | numbers),
                realization=draw(st.none() | numbers | numbers.map(lambda d: -d)),
                consolidation=draw(st.sampled_from(list(Consolidation))),
                cap_on_target=draw(st.booleans()),
                measure_unit=draw(st.just("") | text),
                validity=draw(st.none() | st.sampled_from(list(Validity))),
                controllability=draw(st.none() | st.sampled_from(list(Controllability))),
                row=n + 2,
            )
        )
    # an objective sits in one perspective: keep the first one's
    first: dict[str, Perspective] = {}
    for row in rows:
        row.perspective = first.setdefault(row.objective_code, row.perspective)
    return rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=tables(), suffix=st.sampled_from(["csv", "xlsx"]))
def test_write_then_read_gives_the_same_rows(rows: list[ScorecardRow], suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"table.{suffix}"
        write_scorecard(path, rows)
        assert read_scorecard(path).rows == rows
