"""Builders for the score tests: a plan year's rule set, approved realizations, an NKO snapshot."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kinerja.planning.models import Kpi, PlanYear
from kinerja.reporting import services as reporting
from kinerja.reporting.models import Realization, ScoreSnapshot
from tests.contracts.builders import period

D = Decimal


def rule_set(office: Any, code: str) -> PlanYear:
    year = office.map.plan_year
    year.rule_set = code
    year.save()
    return year


def approved(kpi: Kpi, office: Any, label: str, value: Any) -> Realization:
    realization = reporting.save_realization(
        kpi=Kpi.all_kpis.get(pk=kpi.pk), period=period(office, label), value=value, by=None
    )
    for step in (reporting.submit_realization, reporting.verify_realization, reporting.approve_realization):
        realization = step(realization=realization, by=None)
    return realization


def nko(office: Any, value: Any, label: str = "2026-Q4", *, final: bool = True) -> ScoreSnapshot:
    return ScoreSnapshot.objects.create(
        strategy_map=office.map,
        period=period(office, label),
        rule_set=office.map.plan_year.rule_set,
        final=final,
        nko=D(value),
    )
