"""The producers: realization steps, contract steps and the due/missing reminders tell the right people."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.contracts import services as contracts
from kinerja.notifications.models import Kind, Notification
from kinerja.reporting import services
from kinerja.reporting.reminders import notify_due
from tests.factories import UserFactory, grant, make_unit
from tests.planning import builders as b

from .conftest import enter, pdf

pytestmark = pytest.mark.django_db


def _submitted(world, kpi, label, value="90", by=None):
    realization = enter(world, kpi, label, value, by=by)
    services.add_evidence(realization=realization, upload=pdf(), by=by or world.employee)
    services.submit_realization(realization=realization, by=by or world.employee)
    return realization


def _told(user, kind=None):
    rows = Notification.objects.filter(user=user)
    return list(rows.filter(kind=kind) if kind else rows)


def test_submitted_tells_the_units_managers_and_verified_its_leader(world):
    with translation.override("id"):
        realization = _submitted(world, world.quarterly, "2026-Q1")
    for manager in (world.manager, world.manager2):
        [notice] = _told(manager, Kind.WAITING)
        assert "S1.1" in notice.title and "verifikasi" in notice.title
        assert notice.url == f"/capaian/realisasi/{realization.pk}/"
    assert _told(world.outsider) == [] and _told(world.mko) == []  # another unit; not every manager above
    assert _told(world.employee) == [] and _told(world.leader) == []
    services.verify_realization(realization=realization, by=world.manager)
    [notice] = _told(world.leader, Kind.WAITING)
    assert "persetujuan" in notice.title or "approv" in notice.title
    assert len(_told(world.manager2)) == 1  # the verify step asks the leader only


def test_returned_tells_its_submitter_with_the_reason(world):
    realization = _submitted(world, world.quarterly, "2026-Q1")
    services.return_realization(
        realization=realization, reason="Angka tidak sesuai data dukung", by=world.manager
    )
    [notice] = _told(world.employee, Kind.RETURNED)
    assert "Angka tidak sesuai data dukung" in notice.body
    assert notice.url == f"/capaian/realisasi/{realization.pk}/"
    assert _told(world.manager, Kind.RETURNED) == []  # the one who returned it is not told


def test_a_bulk_step_tells_each_person_once_in_constant_queries(world):
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    few = [enter(world, world.monthly, label, "10") for label in months[:2]]
    many = [enter(world, world.monthly, label, "10") for label in months[2:]]
    for realization in few + many:
        services.add_evidence(realization=realization, upload=pdf(), by=world.employee)

    def queries(items):
        with CaptureQueriesContext(connection) as ctx:
            results = services.bulk_submit(realizations=items, by=world.employee)
        assert all(r.ok for r in results)
        return len(
            [
                q
                for q in ctx.captured_queries
                if "notifications_" in q["sql"] or "accounts_roleassignment" in q["sql"]
            ]
        )

    small, large = queries(few), queries(many)
    assert small == large  # notification queries do not grow with the number of realizations
    # one message per manager per period (each month is its own period here)
    assert len(_told(world.manager, Kind.WAITING)) == 12
    Notification.objects.all().delete()
    results = services.bulk_step(
        realizations=few + many, action="return", by=world.manager, reason="cek ulang"
    )
    assert all(r.ok for r in results)
    assert len(_told(world.employee, Kind.RETURNED)) == 12


def test_contract_steps_tell_the_superior_then_the_holder(office):
    year = office.map.plan_year
    contract = contracts.create_contract(employee=office.head, plan_year=year, by=office.manager)
    kasi_user, head_user = office.user(office.kasi), office.user(office.head)
    # the head's contract holds the map KPIs: weights, then the workflow
    entries = list(contract.kpis.order_by("order"))
    for entry in entries:
        contracts.update_contract_kpi(entry=entry, fields={"weight": 100 / len(entries)}, by=office.manager)
    contract.superior = office.kasi  # any superior with an account, to see who is told
    contract.save()
    contracts.propose(contract=contract, by=office.manager)
    [notice] = _told(kasi_user, Kind.CONTRACT)
    assert notice.url == f"/kontrak/{contract.pk}/"
    contracts.return_to_draft(contract=contract, by=kasi_user, reason="Bobot perlu ditinjau")
    [returned] = _told(head_user, Kind.RETURNED)
    assert "Bobot perlu ditinjau" in returned.body
    contracts.propose(contract=contract, by=office.manager)
    contracts.agree(contract=contract, by=kasi_user)
    [to_sign] = _told(head_user, Kind.CONTRACT)
    assert to_sign.url == f"/kontrak/{contract.pk}/"
    contracts.sign(contract=contract, by=head_user)
    assert len(_told(head_user)) == 2 and len(_told(kasi_user)) == 2


def test_notify_due_tells_who_must_report_once_a_day(world):
    _submitted(world, world.quarterly, "2026-Q1")
    enter(world, world.monthly, "2026-03", "9")  # a draft is still missing
    Notification.objects.all().delete()
    day = dt.date(2026, 4, 8)  # March and Q1 due 10 April; January and February late
    assert notify_due(today=day) > 0
    mine = _told(world.employee, Kind.REALIZATION_DUE)
    titles = " | ".join(n.title for n in mine)
    assert "Maret 2026" in titles and "Februari 2026" in titles and "terlambat" in titles
    assert "Triwulan I 2026" not in titles  # S1.1 of KPP-A was submitted
    assert _told(world.auditor) == [] and _told(world.leader) == []  # they do not enter realizations
    assert _told(world.mko) == []  # KPP-A and KPP-B have their own people
    assert any("Triwulan I 2026" in n.title for n in _told(world.outsider))  # KPP-B's S1.1 is missing
    assert notify_due(today=day) == 0  # the same day again: nothing new
    assert notify_due(today=day + dt.timedelta(days=1)) > 0  # tomorrow: reminded again
    Notification.objects.all().delete()
    assert notify_due(today=dt.date(2026, 1, 15)) == 0  # nothing due yet in mid-January


def test_notify_due_reaches_the_holder_of_an_individual_kpi(office):
    from kinerja.reporting.models import ReportingPeriod

    services.generate_periods(plan_year=office.map.plan_year)
    holder = office.staff[0]
    iki = b.kpi(office.map.objectives.first(), "IKI.1", frequency="quarterly")
    iki.holder = holder.position
    iki.contract_signed = True
    iki.save()
    day = ReportingPeriod.objects.get(
        plan_year=office.map.plan_year, frequency="quarterly", number=1
    ).due_date
    notify_due(today=day)
    user = office.user(holder)
    assert any("Triwulan I" in n.title for n in _told(user, Kind.REALIZATION_DUE))
    assert any("IKI.1" in n.body for n in _told(user, Kind.REALIZATION_DUE))
    assert all("IKI.1" not in n.body for n in _told(office.user(office.staff[1])))


def _units(org, first, count):
    """`count` tax offices, each with an approved 2026 map holding one quarterly KPI and one employee."""
    for i in range(first, first + count):
        strategy_map = b.bare_map(make_unit(f"KPP-X{i}", parent=org.kanwil), 2026, "approved")
        b.kpi(b.objective(strategy_map, "stakeholder", "S1"), "S1.1", frequency="quarterly")
        grant(UserFactory(), strategy_map.unit, Role.EMPLOYEE)


def test_notify_due_is_set_based(org, django_assert_max_num_queries):
    from kinerja.reporting.models import ReportingPeriod

    year = b.plan_year(2026, "kmk-467-2014")
    services.generate_periods(plan_year=year)
    day = ReportingPeriod.objects.get(plan_year=year, frequency="quarterly", number=1).due_date
    _units(org, 0, 3)

    def cost():
        Notification.objects.all().delete()
        with CaptureQueriesContext(connection) as ctx:
            told = notify_due(today=day)
        return len(ctx.captured_queries), told

    small, told_small = cost()
    _units(org, 3, 12)
    large, told_large = cost()
    assert told_small == 3 and told_large == 15
    assert large == small  # the same number of queries for 3 units and for 15
    with django_assert_max_num_queries(12):
        notify_due(today=day + dt.timedelta(days=1))


def test_the_daily_command_prints_the_counts(world):
    enter(world, world.monthly, "2026-03", "9")
    out = StringIO()
    with translation.override("id"):
        call_command("send_reminders", "--date", "2026-04-08", stdout=out)
    text = out.getvalue()
    assert "Realisasi jatuh tempo atau belum diajukan:" in text
    assert "Tindak lanjut terlambat:" in text
    assert Notification.objects.filter(kind=Kind.REALIZATION_DUE).exists()
