"""A small reporting world: plan year 2026, an approved map of KPP-A with a quarterly and a monthly KPI,
a map of KPP-B, the periods, and users holding each role."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kinerja.accounts.models import Role
from kinerja.planning.models import Kpi, MapState, PlanYear, StrategyMap
from kinerja.reporting import services
from kinerja.reporting.models import Realization, ReportingPeriod
from tests.planning import builders as b

D = Decimal
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class World:
    year: PlanYear
    map: StrategyMap
    other_map: StrategyMap
    quarterly: Kpi  # S1.1, max, target 100 per quarter, last value
    monthly: Kpi  # C1.1, max, sum of months (10 each, 120 a year)
    other_kpi: Kpi
    employee: Any
    employee2: Any
    manager: Any
    manager2: Any
    leader: Any
    auditor: Any
    outsider: Any
    mko: Any

    def period(self, label: str) -> ReportingPeriod:
        return next(p for p in ReportingPeriod.objects.filter(plan_year=self.year) if p.label == label)


def pdf(name: str = "bukti.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def world(org, make_user) -> World:
    year = b.plan_year(2026, "kmk-467-2014")
    strategy_map = b.bare_map(org.kpp_a, 2026, MapState.APPROVED)
    s1 = b.objective(strategy_map, "stakeholder", "S1")
    c1 = b.objective(strategy_map, "customer", "C1")
    quarterly = b.kpi(s1, "S1.1", target=D(100), frequency="quarterly", consolidation="last")
    monthly = b.kpi(
        c1, "C1.1", target=D(120), frequency="monthly", consolidation="sum", trajectory=[D(10)] * 12
    )
    other_map = b.bare_map(org.kpp_b, 2026, MapState.APPROVED)
    other_kpi = b.kpi(
        b.objective(other_map, "stakeholder", "S1"), "S1.1", target=D(50), frequency="quarterly"
    )
    services.generate_periods(plan_year=year)
    return World(
        year=year,
        map=StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk),
        other_map=StrategyMap.objects.select_related("unit", "plan_year").get(pk=other_map.pk),
        quarterly=quarterly,
        monthly=monthly,
        other_kpi=other_kpi,
        employee=make_user(org.kpp_a, Role.EMPLOYEE, email="pegawai@kemenkeu.example"),
        employee2=make_user(org.kpp_a, Role.EMPLOYEE),
        manager=make_user(org.kpp_a, Role.MANAGER, email="pengelola.a@kemenkeu.example"),
        manager2=make_user(org.kpp_a, Role.MANAGER, email="pengelola.a2@kemenkeu.example"),
        leader=make_user(org.kpp_a, Role.LEADER),
        auditor=make_user(org.kpp_a, Role.AUDITOR),
        outsider=make_user(org.kpp_b, Role.MANAGER, email="pengelola.b@kemenkeu.example"),
        mko=make_user(org.ministry, Role.MANAGER, email="mko@kemenkeu.example"),
    )


def enter(world: World, kpi: Kpi, label: str, value: Any, by: Any = None) -> Realization:
    return services.save_realization(
        kpi=kpi, period=world.period(label), value=value, by=by or world.employee
    )


def approved(world: World, kpi: Kpi, label: str, value: Any) -> Realization:
    """A realization taken through the whole workflow: entered, evidenced, submitted, verified, approved."""
    realization = enter(world, kpi, label, value)
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=world.manager)
    services.approve_realization(realization=realization, by=world.leader)
    return realization
