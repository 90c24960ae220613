"""A tax office with an approved 2026 map for the dialogue tests: one red KPI (in the latest snapshot), KPIs with
no realization (missing), a late initiative, a high and a low risk; its head (leader, chair), a secretary, a
member and a head of section, each an employee with a user; a performance manager and an auditor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Initiative, Kpi, MapState, Milestone, Risk, StrategyMap
from kinerja.reporting import services as reporting
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant, make_unit
from tests.planning import builders as b

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@dataclass
class Office:
    root: Unit
    unit: Unit
    section: Unit
    other: Unit
    map: StrategyMap
    red: Kpi
    quiet: Kpi
    initiative: Initiative
    high_risk: Risk
    low_risk: Risk
    september: ReportingPeriod
    october: ReportingPeriod
    head: Employee
    secretary: Employee
    member: Employee
    kasi: Employee
    outsider: Employee
    leader: Any
    manager: Any
    auditor: Any
    stranger: Any

    def user(self, employee: Employee) -> Any:
        return employee.user


def person(unit: Unit, name: str, title: str, *, head: bool = False, username: str | None = None) -> Employee:
    position = PositionFactory(unit=unit, title_id=title, is_head=head)
    employee = EmployeeFactory(unit=unit, position=position, name=name)
    UserFactory(username=username or name.split()[0].lower(), employee=employee)
    employee.refresh_from_db()
    return employee


def at(day: str, hour: int = 9) -> dt.datetime:
    y, m, d = (int(x) for x in day.split("-"))
    return timezone.make_aware(dt.datetime(y, m, d, hour, 0))


def build_office() -> Office:
    root = make_unit("KEMENKEU", level="wide", kind="ministry")
    djp = make_unit("DJP", parent=root, level="one", kind="echelon_1")
    unit = make_unit("KPP-A", parent=djp, name_id="KPP Madya Alfa")
    section = make_unit("KPP-A-S1", parent=unit, level="four", kind="section", owns_map=False)
    other = make_unit("KPP-B", parent=djp)
    year = b.plan_year(2026, "kmk-467-2014")
    reporting.generate_periods(plan_year=year)
    strategy_map = b.bare_map(unit, 2026, MapState.APPROVED)
    s1 = b.objective(strategy_map, "stakeholder", "S1")
    red = b.kpi(s1, "S1.1", frequency="quarterly")
    quiet = b.kpi(s1, "S1.2", frequency="quarterly")
    initiative = Initiative.objects.create(map=strategy_map, code="IS1", name_id="Penagihan aktif")
    Milestone.objects.create(
        initiative=initiative, name="Profil penanggung pajak", due_date=dt.date(2026, 8, 31)
    )
    high = Risk.objects.create(objective=s1, code="R1", description="Restitusi besar", likelihood=4, impact=4)
    low = Risk.objects.create(
        objective=s1, code="R2", description="Gangguan jaringan", likelihood=1, impact=2
    )
    september = ReportingPeriod.objects.get(plan_year=year, frequency="monthly", number=9)
    october = ReportingPeriod.objects.get(plan_year=year, frequency="monthly", number=10)
    quarter = ReportingPeriod.objects.get(plan_year=year, frequency="quarterly", number=3)
    ScoreSnapshot.objects.create(
        strategy_map=strategy_map,
        period=quarter,
        rule_set="kmk-467-2014",
        result={
            "kpis": [
                {"id": red.pk, "code": "S1.1", "name_id": red.name_id, "status": "red", "index": "71.5"},
                {"id": quiet.pk, "code": "S1.2", "name_id": quiet.name_id, "status": "green", "index": "104"},
            ]
        },
    )
    head = person(unit, "Dimas Sitompul", "Kepala KPP Madya Alfa", head=True, username="kepala")
    secretary = person(unit, "Slamet Nugraha", "Kepala Subbagian Umum", username="notulis")
    member = person(unit, "Ratih Wijaya", "Pemeriksa Pajak", username="ratih")
    kasi = person(section, "Hasan Utomo", "Kepala Seksi Pelayanan", head=True, username="kasi")
    outsider = person(other, "Budi Orang Lain", "Pelaksana", username="luar")
    grant(head.user, unit, "leader")
    grant(secretary.user, unit, "employee")
    grant(member.user, unit, "employee")
    grant(kasi.user, section, "employee")
    grant(outsider.user, other, "employee")
    manager = UserFactory(username="pengelola")
    grant(manager, unit, "manager")
    auditor = UserFactory(username="auditor")
    grant(auditor, root, "auditor")
    stranger = UserFactory(username="asing")
    grant(stranger, other, "leader")
    return Office(
        root,
        unit,
        section,
        other,
        strategy_map,
        red,
        quiet,
        initiative,
        high,
        low,
        september,
        october,
        head,
        secretary,
        member,
        kasi,
        outsider,
        head.user,
        manager,
        auditor,
        stranger,
    )


D = Decimal


def post_data(office: Office, **changes: object) -> dict[str, object]:
    """The new-dialogue form as posted for the office's September dialogue, with `changes` on top."""
    data: dict[str, object] = {
        "unit": office.unit.pk,
        "period": office.september.pk,
        "starts_at": "2026-10-15T09:00",
        "place": "Aula",
        "chair": office.head.pk,
        "secretary": office.secretary.pk,
        "participants": [office.member.pk],
    }
    data.update(changes)
    return data
