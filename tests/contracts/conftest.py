"""A tax office with a line of command, for contract tests.

KPP-A (map owner, approved 2026 map with two KPIs) → SEKSI-A (echelon IV): the head of office, the head of
section (superior: the head of office) and three executors (superior: the head of section), each a user.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations.models import Employee, Position, PositionType
from kinerja.planning.models import Kpi, MapState, StrategyMap
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant
from tests.planning import builders as b

D = Decimal


@dataclass
class Office:
    org: Any
    map: StrategyMap
    kpi_sum: Kpi  # monthly, sum
    kpi_pct: Kpi  # quarterly, last
    head: Employee
    kasi: Employee
    staff: list[Employee]
    users: dict[str, Any]
    manager: Any

    def user(self, employee: Employee) -> Any:
        return self.users[employee.nip]


def _person(unit, position: Position, superior: Employee | None, users: dict[str, Any]) -> Employee:
    employee = EmployeeFactory(unit=unit, position=position, superior=superior)
    user = UserFactory(username=employee.nip)
    user.employee = employee
    user.save()
    grant(user, unit, Role.EMPLOYEE)
    users[employee.nip] = user
    return employee


@pytest.fixture
def office(org, make_user) -> Office:
    strategy_map = b.bare_map(org.kpp_a, 2026, MapState.APPROVED)
    s1 = b.objective(strategy_map, "stakeholder", "S1", "Penerimaan pajak yang optimal")
    kpi_sum = b.kpi(
        s1,
        "S1.1",
        target=D(1200),
        frequency="monthly",
        consolidation="sum",
        trajectory=[D(100)] * 12,
        validity="exact",
        controllability="moderate",
    )
    kpi_pct = b.kpi(s1, "S1.2", target=D(90), frequency="quarterly", consolidation="last")
    head_pos = PositionFactory(
        unit=org.kpp_a, type=PositionType.STRUCTURAL, echelon=3, is_head=True, title_id="Kepala KPP"
    )
    kasi_pos = PositionFactory(
        unit=org.section_a,
        type=PositionType.STRUCTURAL,
        echelon=4,
        is_head=True,
        superior=head_pos,
        title_id="Kepala Seksi",
    )
    users: dict[str, Any] = {}
    head = _person(org.kpp_a, head_pos, None, users)
    kasi = _person(org.section_a, kasi_pos, head, users)
    staff = [
        _person(org.section_a, PositionFactory(unit=org.section_a, superior=kasi_pos), kasi, users)
        for _ in range(3)
    ]
    manager = make_user(org.kpp_a, Role.MANAGER)
    return Office(org, strategy_map, kpi_sum, kpi_pct, head, kasi, staff, users, manager)
