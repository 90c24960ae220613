"""Contracts for the roll-up, reporting and personal-scorecard tests, on the `office` fixture (conftest.py).

`cascade_office` builds the cascade the issue describes: the map KPI S1.1 (monthly, sum) of KPP-A goes
directly and wholly to the head of section, who shares it among the three executors (500 / 400 / 300);
every contract signed, evidence not required (the tests below enter values, not files).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from kinerja.contracts import services
from kinerja.contracts.models import CascadeMode, Contract
from kinerja.planning.models import Kpi
from kinerja.reporting import services as reporting
from kinerja.reporting.models import Realization, ReportingPeriod
from tests.planning import builders as b

D = Decimal


def sign(contract: Contract, office: Any, weights: list[Decimal] | None = None) -> Contract:
    """Weights (equal by default), proposed by the manager, agreed by the superior, signed by the holder."""
    entries = list(contract.kpis.order_by("order"))
    weights = weights or [D(100) / len(entries)] * len(entries)
    for entry, weight in zip(entries, weights, strict=True):
        services.update_contract_kpi(entry=entry, fields={"weight": weight}, by=office.manager)
    services.propose(contract=contract, by=office.manager)
    services.agree(contract=contract, by=office.user(contract.superior))
    services.sign(contract=contract, by=office.user(contract.employee))
    contract.refresh_from_db()
    return contract


def iki_fields(**overrides: Any) -> dict[str, Any]:
    return {
        "name_id": "Persentase berkas selesai tepat waktu",
        "polarity": "max",
        "validity": "proxy",
        "controllability": "moderate",
        "consolidation": "last",
        "frequency": "quarterly",
        "target": D(95),
        "evidence_required": False,
        **b.MANUAL,
        **overrides,
    }


def add_iki(contract: Contract, office: Any, code: str = "IKI-1", **overrides: Any) -> Kpi:
    fields = iki_fields(**overrides)
    periods = {"quarterly": 4, "monthly": 12, "semester": 2, "yearly": 1}[fields["frequency"]]
    entry = services.add_individual_kpi(
        contract=contract,
        objective=office.kpi_sum.objective,
        code=code,
        fields=fields,
        trajectory=[fields["target"]] * periods if fields["consolidation"] != "sum" else None,
        by=office.manager,
    )
    return entry.kpi


@dataclass
class Cascaded:
    head: Contract
    kasi: Contract
    staff: list[Contract]
    map_kpi: Kpi  # S1.1 on KPP-A's map, rolled up from the head of section's
    kasi_kpi: Kpi  # the head of section's S1.1 (direct full child of the map KPI, rolled up from the three)
    staff_kpis: list[Kpi]  # the executors' S1.1, direct shared 500 / 400 / 300


def cascade_office(office: Any) -> Cascaded:
    year = office.map.plan_year
    head = services.create_contract(employee=office.head, plan_year=year, by=office.manager)
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    kasi_kpi = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    ).kpi
    staff, staff_kpis = [], []
    for person, share in zip(office.staff, (D(500), D(400), D(300)), strict=True):
        contract = services.create_contract(employee=person, plan_year=year, by=office.manager)
        staff_kpis.append(
            services.cascade_to(
                parent=kasi_kpi,
                contract=contract,
                mode=CascadeMode.DIRECT_SHARED,
                share=share,
                by=office.manager,
            ).kpi
        )
        staff.append(contract)
    Kpi.all_kpis.filter(pk__in=[office.kpi_sum.pk, kasi_kpi.pk, *(k.pk for k in staff_kpis)]).update(
        evidence_required=False
    )
    # the head of office's contract holds map KPIs, which report on the map: it need not be signed here
    sign(kasi, office)
    for contract in staff:
        sign(contract, office)
    fresh = {
        k.pk: k
        for k in Kpi.all_kpis.filter(pk__in=[office.kpi_sum.pk, kasi_kpi.pk, *(k.pk for k in staff_kpis)])
    }
    return Cascaded(
        head, kasi, staff, fresh[office.kpi_sum.pk], fresh[kasi_kpi.pk], [fresh[k.pk] for k in staff_kpis]
    )


def period(office: Any, label: str) -> ReportingPeriod:
    return next(p for p in ReportingPeriod.objects.filter(plan_year=office.map.plan_year) if p.label == label)


def submitted(kpi: Kpi, at: ReportingPeriod, value: Any, office: Any, person: Any) -> Realization:
    """A realization entered and submitted by `person` (an employee of the KPI's unit)."""
    user = office.user(person)
    realization = reporting.save_realization(kpi=kpi, period=at, value=value, by=user)
    return reporting.submit_realization(realization=realization, by=user)
