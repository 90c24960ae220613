"""The demo is believable (issue 10 item 16): values respect their unit, formulas say what their KPI
measures, the ministry's NKO moves within a plausible band and the latest closed quarter shows red KPIs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.demo.planning import build_strategy_demo
from kinerja.demo.reporting import build_reporting_demo, unit_bounds
from kinerja.planning.models import Kpi
from kinerja.reporting.models import Realization, ScoreSnapshot

pytestmark = pytest.mark.django_db

BOILERPLATE = (
    "(Jumlah yang memenuhi kriteria ÷ jumlah seluruhnya) × 100%",
    "menurut metodologi pengukuran yang ditetapkan",
    "yang terealisasi dalam periode pelaporan",
)
COUNTS = {"kegiatan", "kali", "dokumen", "wajib pajak"}


def latest(unit: str) -> dict[str, ScoreSnapshot]:
    """The last snapshot of each period of a unit's map, by period label."""
    found: dict[str, ScoreSnapshot] = {}
    for snapshot in (
        ScoreSnapshot.objects.filter(strategy_map__unit__code=unit)
        .select_related("period")
        .order_by("computed_at", "pk")
    ):
        found[snapshot.period.label] = snapshot
    return found


@pytest.fixture
def demo(org):
    build_strategy_demo()
    build_reporting_demo()


def test_every_demo_kpi_has_its_own_formula(demo):
    kpis = list(Kpi.objects.all())
    assert len(kpis) > 40
    for kpi in kpis:
        assert kpi.formula and not any(text in kpi.formula for text in BOILERPLATE), kpi.code


def test_values_respect_their_unit(demo):
    realizations = list(Realization.objects.select_related("kpi"))
    assert realizations
    for r in realizations:
        unit = r.kpi.unit_of_measure
        if unit == "%":
            assert Decimal(0) <= r.value <= 100, (r.kpi.code, r.value)
        if unit in COUNTS:
            assert r.value == r.value.to_integral_value(), (r.kpi.code, r.value)
        high, _step = unit_bounds(r.kpi)
        if high is not None:
            assert r.value <= high, (r.kpi.code, unit, r.value)


def test_the_ministry_nko_is_a_real_year(demo):
    snapshots = latest("KEMENKEU")
    monthly = [snapshots[f"2026-{m:02d}"] for m in range(1, 10)]
    quarters = [snapshots[f"2026-Q{q}"] for q in range(1, 4)]
    for snapshot in monthly + quarters:
        assert snapshot.nko is not None, snapshot.period.label
        assert Decimal(90) <= snapshot.nko <= Decimal(110), (snapshot.period.label, snapshot.nko)
    # February is a mix of several monthly KPIs, never one KPI's 120
    february = snapshots["2026-02"].result["kpis"]
    assert sum(1 for k in february if k.get("index") is not None) >= 4
    assert snapshots["2026-02"].nko < Decimal(115)


def test_the_latest_closed_period_has_a_red_kpi(demo):
    q3 = latest("KEMENKEU")["2026-Q3"]
    assert q3.final
    statuses = [k.get("status") for k in q3.result["kpis"]]
    assert "red" in statuses and "yellow" in statuses and "green" in statuses
