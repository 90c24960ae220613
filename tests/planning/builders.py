"""Builders for strategy-planning tests: plan years, maps with objectives, links and KPIs.

They write through the services where the rules matter and straight to the
models where a test needs a state the services would refuse (a broken map to
see a finding appear).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kinerja.accounts.models import Role
from kinerja.organisations.models import Unit
from kinerja.planning.kpi_services import save_kpi
from kinerja.planning.models import (
    PERSPECTIVE_DEFAULTS,
    Kpi,
    MapState,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    Perspective,
    PlanPeriod,
    PlanYear,
    StrategyMap,
)
from kinerja.planning.selectors import load_map_data
from kinerja.planning.validation import validate_map

D = Decimal
HUNDRED = Decimal(100)
PREFIX = {"stakeholder": "S", "customer": "C", "internal_process": "P", "learning_growth": "L"}


def plan_year(year: int = 2026, rule_set: str = "kmk-127-2026") -> PlanYear:
    period, _ = PlanPeriod.objects.get_or_create(
        start_year=2025, end_year=2029, defaults={"name": "Renstra 2025–2029"}
    )
    found, _ = PlanYear.objects.get_or_create(
        year=year, defaults={"plan_period": period, "rule_set": rule_set}
    )
    return found


def bare_map(unit: Unit, year: int = 2026, state: str = MapState.DRAFT) -> StrategyMap:
    """A map with its four perspectives, written directly (no permission or owner check)."""
    strategy_map = StrategyMap.objects.create(unit=unit, plan_year=plan_year(year), state=state)
    for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS:
        Perspective.objects.create(map=strategy_map, code=code, order=order, name_id=name_id, name_en=name_en)
    return strategy_map


def perspective(strategy_map: StrategyMap, code: str) -> Perspective:
    return strategy_map.perspectives.get(code=code)


def objective(strategy_map: StrategyMap, perspective_code: str, code: str, name: str = "") -> Objective:
    return Objective.objects.create(
        map=strategy_map,
        perspective=perspective(strategy_map, perspective_code),
        code=code,
        name_id=name or f"Sasaran {code} yang optimal",
    )


def link(cause: Objective, effect: Objective) -> ObjectiveLink:
    return ObjectiveLink.objects.create(map=cause.map, cause=cause, effect=effect)


MANUAL = {
    "description": "Deskripsi IKU",
    "formula": "realisasi / target × 100%",
    "unit_of_measure": "%",
    "data_source": "Aplikasi",
    "measured_by": "Bagian Organisasi dan Tata Laksana",
    "owner_text": "Kepala Kantor",
}


def kpi(
    obj: Objective,
    code: str,
    *,
    target: Decimal | None = HUNDRED,
    polarity: str = "max",
    validity: str = "proxy",
    controllability: str = "moderate",
    frequency: str = "yearly",
    consolidation: str = "last",
    trajectory: list[Decimal] | None = None,
    **extra: Any,
) -> Kpi:
    """A KPI with a complete manual written directly; the trajectory defaults to the target each period."""
    fields = {**MANUAL, **extra}
    created = Kpi.objects.create(
        objective=obj,
        code=code,
        name_id=f"Indikator {code}",
        polarity=polarity,
        validity=validity,
        controllability=controllability,
        frequency=frequency,
        consolidation=consolidation,
        target=target,
        **fields,
    )
    if trajectory is None and target is not None:
        trajectory = [target] * created.period_count
    for i, value in enumerate(trajectory or []):
        PeriodTarget.objects.create(kpi=created, period=i + 1, target=value)
    return created


def kpi_via_service(
    obj: Objective, code: str, by: Any, trajectory: list[Decimal] | None = None, **fields: Any
) -> Kpi:
    base = {
        "name_id": f"Indikator {code}",
        "polarity": "max",
        "validity": "proxy",
        "controllability": "moderate",
        "consolidation": "last",
        "frequency": "yearly",
        "target": D(100),
        **MANUAL,
    }
    base.update(fields)
    return save_kpi(objective=obj, code=code, fields=base, trajectory=trajectory, by=by)


def sound_map(unit: Unit, year: int = 2026, per_band: int = 2, state: str = MapState.DRAFT) -> StrategyMap:
    """A map with no block finding: `per_band` SS per perspective, each linked upward, one KPI each."""
    strategy_map = bare_map(unit, year, state)
    bands: list[list[Objective]] = []
    for code, *_rest in PERSPECTIVE_DEFAULTS:
        bands.append([objective(strategy_map, code, f"{PREFIX[code]}{i + 1}") for i in range(per_band)])
    for lower, upper in zip(bands[1:], bands[:-1], strict=True):
        for i, cause in enumerate(lower):
            link(cause, upper[i % len(upper)])
    for band in bands:
        for obj in band:
            kpi(obj, f"{obj.code}.1")
    return strategy_map


def findings(strategy_map: StrategyMap) -> list:
    strategy_map = StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)
    return validate_map(load_map_data(strategy_map))


def codes(strategy_map: StrategyMap) -> set[str]:
    return {f.code for f in findings(strategy_map)}


def planner(make_user: Any, unit: Unit) -> Any:
    return make_user(unit, Role.MANAGER)
