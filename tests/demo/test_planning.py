"""The strategy demo: the 2026 maps, the Tanjung Perak map exactly as domain.md §7, idempotence, clearing."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from kinerja.demo.planning import DEMO_MAPS, build_strategy_demo, clear_strategy_demo
from kinerja.organisations.models import UnitKind, UnitLevel
from kinerja.planning.models import MapState, PlanYear, StrategyMap
from tests.factories import make_unit
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

# domain.md §7, KPPBC Tipe Madya Pabean Tanjung Perak: SS, polarity, target, validity, controllability.
TABLE = [
    ("S1", "max", "100", "exact", "moderate"),
    ("C1", "max", "75", "exact", "moderate"),
    ("C2", "min", "1", "proxy", "low"),
    ("C2", "max", "85", "proxy", "low"),
    ("P1", "max", "70", "proxy", "moderate"),
    ("P1", "max", "70", "proxy", "moderate"),
    ("P2", "max", "24", "activity", "high"),
    ("P2", "max", "75", "exact", "moderate"),
    ("P3", "max", "50", "proxy", "moderate"),
    ("P3", "max", "90", "proxy", "moderate"),
    ("P3", "max", "100", "proxy", "moderate"),
    ("P3", "max", "90", "proxy", "high"),
    ("L1", "max", "24", "activity", "high"),
    ("L1", "min", "10", "proxy", "high"),
    ("L2", "max", "12", "proxy", "high"),
    ("L2", "max", "12", "activity", "high"),
    ("L2", "max", "90", "proxy", "moderate"),
    ("L3", "max", "90", "proxy", "high"),
    ("L3", "min", "6", "activity", "low"),
    ("L4", "max", "85", "proxy", "moderate"),
]


@pytest.fixture
def demo_units(db):
    ministry = make_unit("KEMENKEU", level=UnitLevel.WIDE, kind=UnitKind.MINISTRY)
    for code in ("DJP", "DJBC", "DJPB"):
        make_unit(code, parent=ministry, level=UnitLevel.ONE, kind=UnitKind.ECHELON_1)
    from kinerja.organisations.models import Unit

    kanwil = make_unit(
        "DJBC-KANWIL-JATIM1",
        parent=Unit.objects.get(code="DJBC"),
        level=UnitLevel.TWO,
        kind=UnitKind.REGIONAL_OFFICE,
    )
    make_unit(
        "DJBC-KPPBC-TANJUNG-PERAK",
        parent=kanwil,
        level=UnitLevel.THREE,
        kind=UnitKind.KPPBC,
        name_id="KPPBC Tipe Madya Pabean Tanjung Perak",
    )
    jatim3 = make_unit(
        "DJP-KANWIL-JATIM3",
        parent=Unit.objects.get(code="DJP"),
        level=UnitLevel.TWO,
        kind=UnitKind.REGIONAL_OFFICE,
    )
    make_unit("DJP-KPP-MADYA-MALANG", parent=jatim3, level=UnitLevel.THREE, kind=UnitKind.KPP)


def test_demo_builds_the_2026_maps(demo_units):
    lines: list[str] = []
    build_strategy_demo(stdout=lines.append)
    assert PlanYear.objects.get(year=2026).rule_set == "kmk-127-2026"
    maps = {m.unit.code: m for m in StrategyMap.objects.select_related("unit")}
    assert set(maps) == {spec.unit for spec in DEMO_MAPS}
    assert 12 <= maps["KEMENKEU"].objectives.count() <= 16
    for code in ("DJP", "DJBC", "DJPB"):
        assert 8 <= maps[code].objectives.count() <= 12
    for strategy_map in maps.values():
        found = b.findings(strategy_map)
        assert not [f for f in found if f.blocks], (strategy_map, found)
        counts = [o.kpis.count() for o in strategy_map.objectives.all()]
        if strategy_map.unit.code != "DJBC-KPPBC-TANJUNG-PERAK":
            assert all(1 <= n <= 3 for n in counts)
            assert not found, found
    assert maps["KEMENKEU"].state == MapState.APPROVED
    assert list(maps["KEMENKEU"].state_changes.values_list("to_state", flat=True)) == [
        MapState.DRAFT,
        MapState.SUBMITTED,
        MapState.APPROVED,
    ]
    assert len(lines) == len(DEMO_MAPS)


def test_tanjung_perak_is_the_table_of_domain_md(demo_units):
    build_strategy_demo()
    strategy_map = StrategyMap.objects.get(unit__code="DJBC-KPPBC-TANJUNG-PERAK")
    assert sorted(strategy_map.objectives.values_list("code", flat=True)) == sorted(
        ["S1", "C1", "C2", "P1", "P2", "P3", "L1", "L2", "L3", "L4"]
    )
    assert (
        strategy_map.objectives.get(code="P2").name_id == "Peningkatan pemahaman pengguna jasa yang efektif"
    )
    from kinerja.planning.models import Kpi

    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map).order_by("objective__perspective__order", "pk")
    )
    rows = [(k.objective.code, k.polarity, k.target.normalize(), k.validity, k.controllability) for k in kpis]
    order = {"S": 0, "C": 1, "P": 2, "L": 3}
    expected = sorted(
        [(ss, pol, Decimal(t).normalize(), v, c) for ss, pol, t, v, c in TABLE],
        key=lambda r: order[r[0][0]],
    )
    assert rows == expected
    found = b.findings(strategy_map)
    assert {(f.rule, f.code) for f in found} == {(7, "too_many_kpis"), (9, "avoided_pair")}
    assert next(f for f in found if f.rule == 9).object.name_id == "Jumlah downtime"


def test_demo_is_idempotent_and_clears(demo_units):
    first = build_strategy_demo()
    again = build_strategy_demo()
    assert (again.total, again.created, again.updated) == (first.total, 0, 0)
    assert first.created == first.total
    assert clear_strategy_demo() == len(DEMO_MAPS)
    assert not StrategyMap.objects.exists() and not PlanYear.objects.exists()


def test_demo_skips_missing_units(db):
    lines: list[str] = []
    build_strategy_demo(stdout=lines.append)
    assert not StrategyMap.objects.exists()
    assert all("dilewati" in line for line in lines)


def test_kpp_madya_malang_has_a_complete_approved_map_with_initiatives_and_risks(demo_units):
    build_strategy_demo()
    strategy_map = StrategyMap.objects.get(unit__code="DJP-KPP-MADYA-MALANG")
    assert strategy_map.state == MapState.APPROVED
    assert 8 <= strategy_map.objectives.count() <= 10
    from kinerja.planning.models import Initiative, Kpi, Risk
    from kinerja.planning.selectors import LATE, initiatives_of_map

    assert 12 <= Kpi.objects.filter(objective__map=strategy_map).count() <= 16
    assert b.findings(strategy_map) == []
    initiatives = initiatives_of_map(strategy_map, today=datetime.date(2026, 11, 23))
    assert len(initiatives) == 3 and LATE in {i.status for i in initiatives}
    assert Risk.objects.filter(objective__map=strategy_map).count() == 4
    assert Initiative.objects.filter(map__unit__code="KEMENKEU").count() == 2
    assert Risk.objects.filter(
        objective__map__unit__code="DJBC-KPPBC-TANJUNG-PERAK", monitoring__isnull=False
    ).exists()
