"""A tax office for the 360° campaign tests (issue 13 item 3), built directly (no services, no permissions).

KPP-A: the head of office (structural, echelon III) over two heads of section sitting in KPP-A (structural,
echelon IV: peers of each other); SEKSI-A: five executors under the first head of section. Every person has a
user with the employee role on their unit; a performance manager of KPP-A; a 2026 plan year under
`kmk-467-2014` (360°) and a 2027 one under `kmk-127-2026` (no 360°). KPP-B holds two outsiders who are no
part of KPP-A's campaign (`stranger_peer`, `stranger_sub`), with names no one else has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kinerja.accounts.models import Role
from kinerja.appraisals.models import Campaign
from kinerja.organisations.models import Employee, PositionType
from kinerja.planning.models import PlanYear
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant
from tests.planning import builders as b


@dataclass
class Office360:
    org: Any
    year: PlanYear
    year_no_360: PlanYear
    head: Employee
    kasi_a: Employee
    kasi_b: Employee
    staff: list[Employee]
    stranger_peer: Employee
    stranger_sub: Employee
    manager: Any
    users: dict[int, Any] = field(default_factory=dict)

    def user(self, employee: Employee) -> Any:
        return self.users[employee.pk]

    def campaign(self, **fields: Any) -> Campaign:
        fields.setdefault("unit", self.org.kpp_a)
        fields.setdefault("plan_year", self.year)
        fields.setdefault("semester", 1)
        return Campaign.objects.create(**fields)


def _person(
    unit: Any, position: Any, superior: Employee | None, users: dict[int, Any], **kw: Any
) -> Employee:
    employee = EmployeeFactory(unit=unit, position=position, superior=superior, **kw)
    user = UserFactory(username=f"p{employee.nip}")
    user.employee = employee
    user.save()
    grant(user, unit, Role.EMPLOYEE)
    users[employee.pk] = user
    return employee


def build_office(org: Any, make_user: Any) -> Office360:
    year = b.plan_year(2026, "kmk-467-2014")
    later = b.plan_year(2027, "kmk-127-2026")
    users: dict[int, Any] = {}
    head_pos = PositionFactory(unit=org.kpp_a, type=PositionType.STRUCTURAL, echelon=3, is_head=True)
    head = _person(org.kpp_a, head_pos, None, users, name="Kepala Kantor Adiwijaya")
    kasis = []
    for letter in "AB":
        pos = PositionFactory(unit=org.kpp_a, type=PositionType.STRUCTURAL, echelon=4, superior=head_pos)
        kasis.append(_person(org.kpp_a, pos, head, users, name=f"Kepala Seksi {letter}"))
    staff = [
        _person(
            org.section_a,
            PositionFactory(unit=org.section_a, superior=kasis[0].position),
            kasis[0],
            users,
            name=f"Pelaksana Nomor {i}",
        )
        for i in range(1, 6)
    ]
    outsider_pos = PositionFactory(unit=org.kpp_b)
    stranger_peer = _person(org.kpp_b, outsider_pos, None, users, name="Zulkarnaen Rahasiapeer")
    stranger_sub = _person(org.kpp_b, PositionFactory(unit=org.kpp_b), None, users, name="Yohana Rahasiasub")
    manager = make_user(org.kpp_a, Role.MANAGER)
    return Office360(
        org, year, later, head, kasis[0], kasis[1], staff, stranger_peer, stranger_sub, manager, users
    )
