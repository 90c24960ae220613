"""The audit trail (issue 11, "Audit trail for auditors"): who changed what and when, newest first, within
the viewer's reach; filters, downloads, and a page whose query count does not grow with the history."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.common.history import recorded
from kinerja.dashboards import audit
from kinerja.planning.models import PeriodTarget
from kinerja.reporting import services
from tests.factories import EmployeeFactory
from tests.reporting.conftest import World, approved, world  # noqa: F401

D = Decimal
URL = reverse("dashboards:audit")


def _text(response: Any) -> str:
    return response.content.decode()


def change_target(target: PeriodTarget, value: Any, by: Any) -> None:
    target.target = D(str(value))
    recorded(target, by).save()


@pytest.fixture
def root_auditor(org, make_user) -> Any:
    return make_user(org.ministry, Role.AUDITOR, username="auditor.itjen")


@pytest.fixture
def trail(world: World, org, root_auditor) -> dict[str, Any]:  # noqa: F811
    """A realization through submit/verify/approve, a target change, a role grant, a period closed and reopened."""
    realization = approved(world, world.quarterly, "2026-Q1", 80)
    target = PeriodTarget.objects.get(kpi=world.quarterly, period=1)
    old = target.target
    change_target(target, 95, world.manager)
    admin = root_auditor  # the grant's author only needs to be a user for the history
    recorded(RoleAssignment(user=world.employee2, unit=org.kpp_a, role=Role.LEADER), admin).save()
    period = world.period("2026-Q1")
    services.close_period(period=period, by=world.mko)
    services.reopen_period(period=period, reason="Koreksi data KPP-A", by=world.mko)
    return {"realization": realization, "old_target": old, "period": period}


def test_auditor_reads_steps_target_role_close_and_reopen(client, world, trail, root_auditor):  # noqa: F811
    client.force_login(root_auditor)
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["page"].rows
    kinds = [r.kind for r in rows]
    # the workflow steps, with who and when
    steps = [r for r in rows if r.kind == "workflow"]
    by_action = {r.action: r for r in steps}
    assert {"Diajukan", "Diverifikasi", "Disetujui"} <= set(by_action)
    assert by_action["Diajukan"].user == world.employee
    assert by_action["Diverifikasi"].user == world.manager
    assert by_action["Disetujui"].user == world.leader
    assert all(r.at is not None and r.unit.code == "KPP-A" for r in steps)
    assert by_action["Disetujui"].at >= by_action["Diverifikasi"].at >= by_action["Diajukan"].at
    assert "2026-Q1" in by_action["Disetujui"].object_label
    assert by_action["Disetujui"].url == reverse("reporting:realization", args=[trail["realization"].pk])
    # the target change: old → new
    target_rows = [r for r in rows if r.kind == "target" and r.action == "Diubah"]
    assert target_rows and target_rows[0].user == world.manager
    change = target_rows[0].changes[0]
    assert (change.old, change.new) == (f"{trail['old_target'].normalize():f}", "95")
    # the role grant
    grant = next(r for r in rows if r.kind == "role" and r.action == "Dibuat")
    assert grant.user == root_auditor and "Pimpinan" in grant.object_label
    # the period closed and reopened, with the reason
    assert "period_close" in kinds and "period_reopen" in kinds
    reopen = next(r for r in rows if r.kind == "period_reopen")
    assert reopen.user == world.mko and "Koreksi data KPP-A" in reopen.note
    assert "snapshot" in kinds
    # newest first
    times = [r.at for r in rows]
    assert times == sorted(times, reverse=True)
    html = _text(response)
    assert "Koreksi data KPP-A" in html and "Diverifikasi" in html


def test_nip_shown_when_the_user_is_an_employee(client, world, org, root_auditor):  # noqa: F811
    person = EmployeeFactory(unit=org.kpp_a, name="Siti Auditi")
    world.manager.employee = person
    world.manager.save()
    change_target(PeriodTarget.objects.get(kpi=world.quarterly, period=2), 70, world.manager)
    client.force_login(root_auditor)
    html = _text(client.get(URL, {"jenis": "target"}))
    assert "Siti Auditi" in html and person.nip in html


def test_a_kpp_auditor_does_not_see_another_kpp(client, world, trail):  # noqa: F811
    change_target(PeriodTarget.objects.get(kpi=world.other_kpi, period=1), 44, world.outsider)
    client.force_login(world.auditor)  # auditor of KPP-A
    response = client.get(URL)
    assert response.status_code == 200
    rows = response.context["page"].rows
    assert rows
    assert {r.unit.code for r in rows if r.unit is not None} <= {"KPP-A", "SEKSI-A"}
    assert all(r.user != world.outsider for r in rows)
    # a unit outside the reach is not there
    assert client.get(URL, {"unit": world.other_map.unit_id}).status_code == 404


@pytest.mark.parametrize("who", ["employee", "manager", "leader"])
def test_roles_without_the_permission_get_403(client, world, who):  # noqa: F811
    client.force_login(getattr(world, who))
    assert client.get(URL).status_code == 403
    assert client.get(reverse("dashboards:audit-export", args=["csv"])).status_code == 403


def test_the_tab_shows_only_to_those_who_may(client, world, root_auditor):  # noqa: F811
    client.force_login(world.manager)
    assert URL not in _text(client.get(reverse("dashboards:ranking")))
    client.force_login(root_auditor)
    assert URL in _text(client.get(reverse("dashboards:ranking")))


def test_filters(client, world, org, trail, root_auditor):  # noqa: F811
    client.force_login(root_auditor)

    def rows(**params: Any) -> list[audit.AuditRow]:
        response = client.get(URL, params)
        assert response.status_code == 200
        return response.context["page"].rows

    assert {r.kind for r in rows(jenis="workflow")} == {"workflow"}
    mine = rows(orang=world.manager.username)
    assert mine and all(r.user == world.manager for r in mine)
    kpp_b = rows(unit=org.kpp_b.pk)
    assert all(r.unit is not None and r.unit.code == "KPP-B" for r in kpp_b)
    assert all(
        r.unit is not None and r.unit.path.startswith(org.kanwil.path) for r in rows(unit=org.kanwil.pk)
    )
    today = timezone.localdate()
    assert rows(dari=today.isoformat(), sampai=today.isoformat())
    assert rows(dari=(today + dt.timedelta(days=1)).isoformat()) == []
    assert rows(sampai=(today - dt.timedelta(days=1)).isoformat()) == []


def test_paged_fifty_a_page(client, world, root_auditor):  # noqa: F811
    target = PeriodTarget.objects.get(kpi=world.quarterly, period=1)
    for n in range(60):
        change_target(target, 100 + n, world.manager)
    client.force_login(root_auditor)
    first = client.get(URL, {"jenis": "target"}).context["page"]
    assert len(first.rows) == 50 and first.has_next
    second = client.get(URL, {"jenis": "target", "halaman": 2}).context["page"]
    assert second.number == 2 and second.has_previous
    assert not {(r.at, r.object_label) for r in first.rows} & {(r.at, r.object_label) for r in second.rows}


def test_csv_export_holds_the_rows_and_neutralises_formulas(client, world, org, trail, root_auditor):  # noqa: F811
    world.manager.employee = EmployeeFactory(unit=org.kpp_a, name='=HYPERLINK("http://x")')
    world.manager.save()
    change_target(PeriodTarget.objects.get(kpi=world.quarterly, period=3), 77, world.manager)
    client.force_login(root_auditor)
    response = client.get(reverse("dashboards:audit-export", args=["csv"]))
    assert response.status_code == 200
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][0] == "Waktu"
    body = "\n".join(",".join(r) for r in table[1:])
    assert "Koreksi data KPP-A" in body and "Diverifikasi" in body
    names = {r[1] for r in table[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert '=HYPERLINK("http://x")' not in names
    xlsx = client.get(reverse("dashboards:audit-export", args=["xlsx"]))
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_export_is_capped(world, trail, root_auditor, monkeypatch):  # noqa: F811
    rows, cut = audit.export_rows(root_auditor, audit.AuditFilter(), limit=3)
    assert len(rows) == 3 and cut


def _queries(client: Any, params: dict[str, Any]) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, params).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_the_history(client, world, trail, root_auditor):  # noqa: F811
    target = PeriodTarget.objects.get(kpi=world.quarterly, period=4)
    for n in range(10):
        change_target(target, 10 + n, world.manager)
    client.force_login(root_auditor)
    small = _queries(client, {})
    small_filtered = _queries(client, {"jenis": "target"})
    for n in range(200):
        change_target(target, 300 + n, world.manager)
    large = _queries(client, {})
    large_filtered = _queries(client, {"jenis": "target"})
    assert large <= small and large_filtered <= small_filtered
    assert large < 40
