"""A tax office with a line of command for the behaviour tests (BerAKHLAK, sentences, corrections).

KPP-A → SEKSI-A: the head of office, the head of section (superior: the head of office) and two executors
(superior: the head of section), each a signed-in user with the employee role; a performance manager and a
leader on KPP-A; plan year 2026 under `kmk-127-2026` with its reporting periods.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations.models import Employee
from kinerja.planning.models import PlanYear
from kinerja.reporting.models import PeriodState, ReportingPeriod
from kinerja.reporting.services import generate_periods
from tests.factories import EmployeeFactory, UserFactory, grant
from tests.planning import builders as b


@dataclass
class Team:
    org: Any
    plan_year: PlanYear
    head: Employee
    kasi: Employee
    staff: list[Employee]
    users: dict[int, Any]
    manager: Any
    leader: Any

    def user(self, employee: Employee) -> Any:
        return self.users[employee.pk]

    def quarter(self, number: int) -> ReportingPeriod:
        return ReportingPeriod.objects.get(plan_year=self.plan_year, frequency="quarterly", number=number)

    def close(self, period: ReportingPeriod) -> ReportingPeriod:
        period.state = PeriodState.CLOSED
        period.save()
        return period


def person(unit: Any, superior: Employee | None, users: dict[int, Any]) -> Employee:
    employee = EmployeeFactory(unit=unit, superior=superior)
    user = UserFactory(username=f"u{employee.nip}")
    user.employee = employee
    user.save()
    grant(user, unit, Role.EMPLOYEE)
    users[employee.pk] = user
    return employee


@pytest.fixture(name="team")
def team_fixture(org: Any) -> Team:
    plan_year = b.plan_year(2026, "kmk-127-2026")
    generate_periods(plan_year=plan_year)
    users: dict[int, Any] = {}
    head = person(org.kpp_a, None, users)
    kasi = person(org.section_a, head, users)
    staff = [person(org.section_a, kasi, users) for _ in range(2)]
    manager = UserFactory(username="behaviour-manager")
    grant(manager, org.kpp_a, Role.MANAGER)
    leader = UserFactory(username="behaviour-leader")
    grant(leader, org.kpp_a, Role.LEADER)
    return Team(org, plan_year, head, kasi, staff, users, manager, leader)
