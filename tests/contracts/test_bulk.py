"""A new year's contracts in one action (issue 12 item 10): preview, creation, idempotence, queries, page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.contracts import bulk, services
from kinerja.contracts.models import (
    BulkJobState,
    Contract,
    ContractBulkJob,
    ContractKpi,
    ContractKpiSource,
    ContractState,
)
from kinerja.planning.models import Kpi, MapState, PeriodTarget
from kinerja.reporting import services as reporting
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod
from tests.bench.bench_contracts import populate
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db

IKI = {
    "name_id": "Persentase berkas selesai tepat waktu",
    "polarity": "max",
    "validity": "proxy",
    "controllability": "high",
    "consolidation": "sum",
    "frequency": "quarterly",
    "target": D(100),
    **b.MANUAL,
}


def _last_year(office):
    """2025: a map of KPP-A with the same SS, and signed contracts of the head of section and one executor,
    each with an IKI (the executor's with a full year of approved realizations)."""
    old_map = b.bare_map(office.org.kpp_a, 2025, MapState.APPROVED)
    s1 = b.objective(old_map, "stakeholder", "S1")
    year = old_map.plan_year
    made = {}
    for employee, code in ((office.kasi, "IKI-K"), (office.staff[0], "IKI-P")):
        contract = services.create_contract(employee=employee, plan_year=year, by=office.manager)
        entry = services.add_individual_kpi(
            contract=contract,
            objective=s1,
            code=code,
            fields=IKI,
            trajectory=[D(25)] * 4,
            by=office.manager,
            entry_fields={"weight": D(100), "kind": "new", "fixed_target": True},
        )
        made[employee.pk] = entry
    reporting.generate_periods(plan_year=year)
    kpi = made[office.staff[0].pk].kpi
    periods = ReportingPeriod.objects.filter(plan_year=year, frequency="quarterly").order_by("number")
    Realization.objects.bulk_create(
        Realization(kpi=kpi, period=p, value=D(30), state=RealizationState.APPROVED) for p in periods
    )
    return made


def test_preview_lists_what_will_be_created(office):
    _last_year(office)
    year = office.map.plan_year
    with CaptureQueriesContext(connection) as queries:
        plan = bulk.plan_year_contracts(office.org.kpp_a, year, office.manager)
    assert Contract.objects.filter(plan_year=year).count() == 0  # a preview writes nothing
    assert len(queries.captured_queries) < 20
    by_nip = {c.nip: c for c in plan.contracts}
    assert set(by_nip) == {office.head.nip, office.kasi.nip, *(s.nip for s in office.staff)}
    head = by_nip[office.head.nip]
    assert [(k.code, k.source) for k in head.kpis] == [("S1.1", "map"), ("S1.2", "map")]
    assert head.superior_id is None and not head.warnings
    kasi = by_nip[office.kasi.nip]
    assert kasi.superior_id == office.head.pk == services.default_superior(office.kasi).pk
    assert [(k.code, k.source, k.target_prev, k.realization_prev) for k in kasi.kpis] == [
        ("IKI-K", "individual", D(100), None)
    ]
    executor = by_nip[office.staff[0].nip]
    assert [(k.code, k.target_prev, k.realization_prev) for k in executor.kpis] == [("IKI-P", D(100), D(120))]
    assert executor.superior_id == office.kasi.pk
    for other in office.staff[1:]:  # nothing to carry: a warning, an empty contract
        assert by_nip[other.nip].kpis == [] and len(by_nip[other.nip].warnings) == 1
    assert (plan.map_kpi_count, plan.individual_kpi_count, plan.warning_count) == (2, 2, 2)


def test_apply_creates_it_and_running_again_creates_nothing(office):
    made = _last_year(office)
    year = office.map.plan_year
    plan = bulk.plan_year_contracts(office.org.kpp_a, year, office.manager)
    applied = bulk.apply_plan(plan, office.manager)
    assert (applied.contracts, applied.kpis, applied.individual_kpis, applied.skipped) == (5, 4, 2, 0)
    contracts = Contract.objects.filter(plan_year=year)
    assert contracts.count() == 5
    assert {c.state for c in contracts} == {ContractState.DRAFT}
    assert contracts.get(employee=office.kasi).superior == office.head
    entry = ContractKpi.objects.get(contract__employee=office.staff[0], contract__plan_year=year)
    old = made[office.staff[0].pk]
    assert entry.source == ContractKpiSource.INDIVIDUAL and entry.kpi_id != old.kpi_id
    assert (entry.weight, entry.kind, entry.fixed_target) == (D(100), "new", True)
    assert (entry.target, entry.target_prev, entry.realization_prev) == (D(100), D(100), D(120))
    kpi = entry.kpi
    assert (kpi.holder_id, kpi.objective.map.plan_year_id, kpi.code) == (
        office.staff[0].position_id,
        year.pk,
        "IKI-P",
    )
    assert kpi.formula == old.kpi.formula and kpi.contract_signed is False
    assert list(PeriodTarget.objects.filter(kpi=kpi).values_list("target", flat=True)) == [D(25)] * 4
    assert (
        entry.history.count() == 1 and kpi.history.count() == 1
    )  # history rows written with the bulk inserts
    head = contracts.get(employee=office.head)
    assert list(head.kpis.order_by("order").values_list("kpi__code", flat=True)) == ["S1.1", "S1.2"]
    # again: everybody holds a contract now — counted in the database, nobody read as a row
    from kinerja.organisations.models import Employee

    with CaptureQueriesContext(connection) as queries:
        again = bulk.plan_year_contracts(office.org.kpp_a, year, office.manager)
    assert again.contracts == [] and again.already == 5
    employee_table = Employee._meta.db_table
    read = [q["sql"] for q in queries if f'FROM "{employee_table}"' in q["sql"] and "COUNT(" not in q["sql"]]
    assert read and all("NOT EXISTS" in sql for sql in read), read  # only the people without a contract
    assert bulk.apply_plan(again, office.manager).contracts == 0
    assert Contract.objects.filter(plan_year=year).count() == 5
    assert Kpi.all_kpis.filter(holder__isnull=False, objective__map__plan_year=year).count() == 2


def test_a_contract_made_meanwhile_is_left_out(office):
    year = office.map.plan_year
    plan = bulk.plan_year_contracts(office.org.kpp_a, year, office.manager)
    services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    applied = bulk.apply_plan(plan, office.manager)
    assert (applied.contracts, applied.skipped) == (4, 1)
    assert Contract.objects.filter(employee=office.kasi, plan_year=year).count() == 1


def test_only_who_may_add_contracts_on_the_unit(office):
    year = office.map.plan_year
    with pytest.raises(PermissionDenied):
        bulk.plan_year_contracts(office.org.kpp_a, year, office.user(office.kasi))


def _queries(org, make_user, code, staff, ikis, nip_start):
    unit = populate(
        org.ministry, code=code, directorates=1, sections=2, staff=staff, ikis=ikis, nip_start=nip_start
    )
    manager = make_user(unit, Role.MANAGER)
    year = b.plan_year(2026)
    with CaptureQueriesContext(connection) as queries:
        plan = bulk.plan_year_contracts(unit, year, manager)
        applied = bulk.apply_plan(plan, manager)
    assert applied.contracts == 2 * staff + 4
    statements = [q["sql"] for q in queries.captured_queries]
    inserts = sum(1 for sql in statements if sql.startswith("INSERT"))
    return len(statements) - inserts, inserts, applied


def test_queries_do_not_grow_with_employees_or_kpis(org, make_user):
    """The reads are the same for 12 and 44 contracts (30 and 180 KPIs re-created); the inserts carry many rows
    each: up to `bulk.BATCH` on PostgreSQL, up to SQLite's 999 parameters (25–30 KPI rows) on SQLite."""
    reads_few, inserts_few, small = _queries(org, make_user, "X1", staff=4, ikis=(3,), nip_start=100)
    reads_many, inserts_many, large = _queries(org, make_user, "X2", staff=20, ikis=(5, 4), nip_start=500)
    assert large.individual_kpis >= 5 * small.individual_kpis
    assert reads_few == reads_many
    rows = lambda a: a.contracts * 2 + a.kpis * 2 + a.individual_kpis * (2 + 2 * 4)  # noqa: E731 (+ history)
    assert inserts_many - inserts_few <= (rows(large) - rows(small)) // 20, (inserts_few, inserts_many)


def test_the_page_previews_then_the_job_creates(client, office, django_capture_on_commit_callbacks):
    _last_year(office)
    url = reverse("contracts:bulk", args=[office.org.kpp_a.pk, 2026])
    client.force_login(office.manager)
    page = client.get(url)
    assert page.status_code == 200
    assert office.kasi.name in page.content.decode() and "IKI-K" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    job = ContractBulkJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "contracts:bulk-job", args=[job.pk]
    )
    job.refresh_from_db()
    assert job.state == BulkJobState.DONE and job.result["contracts"] == 5 and job.percent == 100
    assert Contract.objects.filter(plan_year=office.map.plan_year).count() == 5
    status = client.get(response["Location"], headers={"HX-Request": "true"})
    assert status.status_code == 200 and 'data-state="done"' in status.content.decode()


def test_the_page_is_refused_to_a_holder(client, office):
    client.force_login(office.user(office.kasi))
    assert client.get(reverse("contracts:bulk", args=[office.org.kpp_a.pk, 2026])).status_code in (403, 404)
