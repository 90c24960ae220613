"""Builders for the dashboard and report tests, on top of the reporting world (tests/reporting/conftest.py).

The reporting world: plan year 2026 (kmk-467-2014), an approved map of KPP-A
with S1.1 (stakeholder, quarterly, target 100, last value) and C1.1 (customer,
monthly, 10 a month, summed), an approved map of KPP-B with S1.1 (quarterly,
target 50), all periods, and users of each role on KPP-A.

Realizations are written straight to the model in the state a test needs (the
workflow has its own tests); scores are the reporting cycle's own
`compute_scorecard`, or — for rankings of many units — a snapshot stored with
just its headline.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations.models import Unit
from kinerja.planning.models import Kpi, MapState, StrategyMap
from kinerja.reporting import services
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod, ScoreSnapshot
from tests.factories import make_unit
from tests.planning import builders as b
from tests.reporting.conftest import World, world  # noqa: F401  (the fixture, shared)

D = Decimal


def realize(
    at: World, kpi: Kpi, label: str, value: Any, state: str = RealizationState.APPROVED
) -> Realization:
    """A realization of `kpi` for the period `label` of the world `at`, in `state`."""
    return Realization.objects.create(kpi=kpi, period=at.period(label), value=D(str(value)), state=state)


def score(strategy_map: StrategyMap, period: ReportingPeriod) -> ScoreSnapshot:
    return services.compute_scorecard(strategy_map=strategy_map, period=period, trigger="test")


def headline(
    strategy_map: StrategyMap,
    period: ReportingPeriod,
    nko: Any,
    predicate: str = "",
    *,
    complete: bool = True,
) -> ScoreSnapshot:
    """A snapshot holding only a headline (for rankings, which read nothing else)."""
    value = None if nko is None else D(str(nko))
    return ScoreSnapshot.objects.create(
        strategy_map=strategy_map,
        period=period,
        rule_set="kmk-467-2014",
        nko=value,
        predicate=predicate,
        complete=complete,
        result={"nko": None if value is None else str(value), "predicate": predicate or None},
    )


def office(parent: Unit, code: str, **fields: Any) -> Unit:
    return make_unit(code, parent=parent, **fields)


def approved_map(unit: Unit, with_kpi: bool = True) -> StrategyMap:
    strategy_map = b.bare_map(unit, 2026, MapState.APPROVED)
    if with_kpi:
        b.kpi(b.objective(strategy_map, "stakeholder", "S1"), "S1.1", frequency="quarterly")
    return StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)


@pytest.fixture
def kanwil_map(world, org) -> StrategyMap:  # noqa: F811
    """An approved map of KANWIL, the regional office above KPP-A and KPP-B."""
    return approved_map(org.kanwil)


@pytest.fixture
def kanwil_leader(org, make_user) -> Any:
    return make_user(org.kanwil, Role.LEADER)
