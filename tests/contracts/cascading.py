"""A cascaded office for the matrix, alignment and support tests, built through the services.

On top of the `office` fixture (KPP-A, its 2026 map: S1 with S1.1 (1,200, sum) and S1.2 (90, last)):

* KP2KP-A, a map owner below KPP-A with its own 2026 map (S1 "Penerimaan", stakeholder; L1, learning and
  growth, supporting nothing), a head position and a head;
* contracts: the head of office (S1.1, S1.2 from the map), the head of section, three executors, KP2KP's head;
* S1.1 → direct shared to the head of section (1,200) → direct shared to the three executors 500/400/200
  (1,100 for 1,200: does not add up, rule 15); S1.2 → direct full to the head of section.

Tests add what they look at (a lower map KPI joined under S1.2, SS supports) on top.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kinerja.contracts import services
from kinerja.contracts.models import CascadeMode, Contract, ContractKpi
from kinerja.organisations.models import Employee, PositionType
from kinerja.planning.models import Kpi, MapState, Objective, StrategyMap
from tests.factories import EmployeeFactory, PositionFactory, make_unit
from tests.planning import builders as b

D = Decimal


@dataclass
class Cascaded:
    office: Any
    lower_unit: Any
    lower_map: StrategyMap
    lower_s1: Objective
    lower_l1: Objective
    lower_kpi: Kpi
    lower_head: Employee
    head: Contract
    kasi: Contract
    staff: list[Contract]
    lower: Contract
    kasi_sum: ContractKpi  # the head of section's share of S1.1 (direct shared 1,200)
    shares: list[ContractKpi]  # the executors' shares of it: 500, 400, 200
    kasi_pct: ContractKpi  # S1.2 direct full to the head of section


def build(office: Any) -> Cascaded:
    year = office.map.plan_year
    by = office.manager
    lower_unit = make_unit("KP2KP-A", parent=office.org.kpp_a, owns_map=True, name_id="KP2KP A")
    lower_map = b.bare_map(lower_unit, 2026, MapState.APPROVED)
    lower_s1 = b.objective(lower_map, "stakeholder", "S1", "Penerimaan pajak wilayah yang optimal")
    lower_l1 = b.objective(lower_map, "learning_growth", "L1", "Pegawai yang kompeten")
    lower_kpi = b.kpi(lower_s1, "S1.a", target=D(90), frequency="quarterly", consolidation="last")
    head_pos = office.head.position
    lower_pos = PositionFactory(
        unit=lower_unit, type=PositionType.STRUCTURAL, echelon=4, is_head=True, superior=head_pos
    )
    lower_head = EmployeeFactory(unit=lower_unit, position=lower_pos, superior=office.head)

    head = services.create_contract(employee=office.head, plan_year=year, by=by)
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=by)
    staff = [services.create_contract(employee=e, plan_year=year, by=by) for e in office.staff]
    lower = services.create_contract(employee=lower_head, plan_year=year, by=by)

    kasi_sum = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_SHARED, share=D(1200), by=by
    )
    shares = [
        services.cascade_to(
            parent=kasi_sum.kpi, contract=c, mode=CascadeMode.DIRECT_SHARED, share=share, by=by
        )
        for c, share in zip(staff, (D(500), D(400), D(200)), strict=True)
    ]
    kasi_pct = services.cascade_to(parent=office.kpi_pct, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=by)
    return Cascaded(
        office,
        lower_unit,
        lower_map,
        lower_s1,
        lower_l1,
        lower_kpi,
        lower_head,
        head,
        kasi,
        staff,
        lower,
        kasi_sum,
        shares,
        kasi_pct,
    )
