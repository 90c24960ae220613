"""Everyone can log in (issue 15 item 3): accounts and automatic roles follow the organisation
(`kinerja.organisations.accounts_sync`), through the organisation import, the employee services and single
sign-on."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kinerja.accounts.models import Role, RoleAssignment, RoleSource, User
from kinerja.accounts.services import revoke_role
from kinerja.accounts.sso import account_for_nip
from kinerja.organisations.accounts_sync import sync_accounts
from kinerja.organisations.importing import import_organisation
from kinerja.organisations.models import Assignment, AssignmentKind, Employee, Unit
from kinerja.organisations.services import move_employee
from tests.interchange.test_organisation_file import (
    EMPLOYEE_HEADER,
    POSITION_HEADER,
    UNIT_HEADER,
    Tables,
    nip,
)
from tests.interchange.test_organisation_file import write_folder as _write_folder

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 1)
WRITES = ("INSERT", "UPDATE", "DELETE")
UNITS = ("KPP-A", "KPP-B", "KPP-C")


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def org(per_unit: int = 2) -> Tables:
    """KEMENKEU → DJP → three KPPs; in each a head position and an executor position; a head and
    `per_unit` executors in each KPP, a head of the ministry and of DJP."""
    units = [
        ["KEMENKEU", "", "wide", "ministry", "", "Kementerian Keuangan", "", ""],
        ["DJP", "KEMENKEU", "one", "echelon_1", "", "Direktorat Jenderal Pajak", "", ""],
    ] + [[code, "DJP", "three", "kpp", "", f"KPP Pratama {code[-1]}", "", ""] for code in UNITS]
    positions = []
    for code in ("KEMENKEU", "DJP", *UNITS):
        positions.append([f"{code}-KEPALA", code, f"Kepala {code}", "", "struktural", "", "ya"])
        positions.append([f"{code}-PELAKSANA", code, f"Pelaksana {code}", "", "pelaksana", "", ""])
    people, n = [], 0
    for code in ("KEMENKEU", "DJP", *UNITS):
        n += 1
        people.append(
            [nip(n), f"Kepala {code}", f"kepala.{n}@kemenkeu.example", f"{code}-KEPALA", "", "", "", ""]
        )
        for _ in range(per_unit if code in UNITS else 0):
            n += 1
            people.append(
                [nip(n), f"Pegawai {n}", f"pegawai.{n}@kemenkeu.example", f"{code}-PELAKSANA", "", "", "", ""]
            )
    return {
        "unit": (UNIT_HEADER, units),
        "jabatan": (POSITION_HEADER, positions),
        "pegawai": (EMPLOYEE_HEADER, people),
    }


def row_of(tables: Tables, number: str) -> list[str]:
    return next(r for r in tables["pegawai"][1] if r[0] == number)


def load(tmp_path: Path, tables: Tables, name: str = "org") -> None:
    result = import_organisation(_write_folder(tmp_path / name, tables), apply=True, today=DAY)
    assert result.valid, [p.text("en") for p in result.problems]


def roles_of(number: str, source: str | None = None) -> set[tuple[str, str]]:
    rows = RoleAssignment.objects.filter(user__employee__nip=number)
    if source:
        rows = rows.filter(source=source)
    return {(r.unit.code, r.role) for r in rows.select_related("unit")}


@pytest.fixture
def tables() -> Tables:
    return org()


@pytest.fixture
def loaded(tmp_path: Path, tables: Tables) -> Tables:
    load(tmp_path, tables)
    return tables


# ---------------------------------------------------------------- accounts on import


def test_an_import_makes_an_account_for_every_active_employee(loaded: Tables) -> None:
    people = loaded["pegawai"][1]
    assert User.objects.count() == len(people)
    head = row_of(loaded, nip(3))  # the head of KPP-A
    user = User.objects.get(username=head[0])
    assert user.employee == Employee.objects.get(nip=head[0])
    assert user.email == head[2] and user.is_active and not user.has_usable_password()
    assert roles_of(head[0]) == {("KPP-A", Role.EMPLOYEE), ("KPP-A", Role.LEADER)}
    staff = row_of(loaded, nip(4))
    assert roles_of(staff[0]) == {("KPP-A", Role.EMPLOYEE)}
    assert set(RoleAssignment.objects.values_list("source", flat=True)) == {RoleSource.AUTO}
    # in the history, by the import
    assert RoleAssignment.history.filter(history_type="+").count() == RoleAssignment.objects.count()


def test_a_new_employee_in_next_months_file_gets_an_account(tmp_path: Path, loaded: Tables) -> None:
    newcomer = [nip(500), "Dewi Lestari", "dewi@kemenkeu.example", "KPP-B-PELAKSANA", "", "", "", ""]
    loaded["pegawai"][1].append(newcomer)
    load(tmp_path, loaded, "next")
    user = User.objects.get(username=nip(500))
    assert (user.first_name, user.last_name, user.email) == ("Dewi", "Lestari", "dewi@kemenkeu.example")
    assert roles_of(nip(500)) == {("KPP-B", Role.EMPLOYEE)}


def test_a_second_sync_writes_nothing(loaded: Tables) -> None:
    with CaptureQueriesContext(connection) as queries:
        result = sync_accounts()
    assert result.changes == 0 and result.conflicts == []
    assert writes(queries) == []
    assert len(queries.captured_queries) <= 4


def test_the_same_file_twice_writes_no_account(tmp_path: Path, loaded: Tables) -> None:
    with CaptureQueriesContext(connection) as queries:
        load(tmp_path, loaded, "again")
    assert writes(queries) == []


# ---------------------------------------------------------------- roles follow the organisation


def test_the_head_loses_leader_on_a_move_and_the_new_head_gets_it(tmp_path: Path, loaded: Tables) -> None:
    old_head, successor = row_of(loaded, nip(3)), row_of(loaded, nip(4))  # KPP-A's head and an executor
    old_head[3], old_head[5] = "KPP-B-PELAKSANA", "2026-03-01"
    successor[3], successor[4], successor[5] = "KPP-A-KEPALA", "plt", "2026-03-01"  # acting head
    load(tmp_path, loaded, "moved")
    assert roles_of(old_head[0]) == {("KPP-B", Role.EMPLOYEE)}
    assert roles_of(successor[0]) == {("KPP-A", Role.EMPLOYEE), ("KPP-A", Role.LEADER)}
    revoked = RoleAssignment.history.filter(history_type="-", user__username=old_head[0])
    assert {(h.unit.code, h.role) for h in revoked} == {("KPP-A", Role.EMPLOYEE), ("KPP-A", Role.LEADER)}
    assert {h.history_change_reason for h in revoked} == {"Sinkronisasi akun dari organisasi"}


def test_an_acting_head_by_an_open_acting_assignment(loaded: Tables) -> None:
    """Plt.: keeps their own position, holds the head position by an open acting assignment."""
    employee = Employee.objects.get(nip=nip(5))  # an executor of KPP-A
    head_position = Employee.objects.get(nip=nip(6)).position  # KPP-B's head position
    Assignment.objects.create(
        employee=employee,
        unit=head_position.unit,
        position=head_position,
        kind=AssignmentKind.ACTING,
        start=DAY,
    )
    result = sync_accounts(employee_ids=[employee.pk])
    assert result.granted == 1
    assert roles_of(employee.nip) == {("KPP-A", Role.EMPLOYEE), ("KPP-B", Role.LEADER)}


def test_a_move_through_the_employee_service_moves_the_role(loaded: Tables, make_user) -> None:
    admin = make_user(Unit.objects.get(code="KEMENKEU"), Role.ADMIN)
    employee = Employee.objects.get(nip=nip(4))
    kpp_c = Unit.objects.get(code="KPP-C")
    move_employee(employee=employee, unit=kpp_c, position=None, start=DAY, by=admin)
    assert roles_of(employee.nip) == {("KPP-C", Role.EMPLOYEE)}
    granted = RoleAssignment.history.filter(history_type="+", user__employee=employee).first()
    assert granted.history_user == admin


def test_roles_granted_by_hand_stay(tmp_path: Path, loaded: Tables) -> None:
    head = row_of(loaded, nip(3))
    user = User.objects.get(username=head[0])
    djp = Unit.objects.get(code="DJP")
    manual = RoleAssignment.objects.create(user=user, unit=djp, role=Role.MANAGER)
    manual_leader = RoleAssignment.objects.create(user=user, unit=djp, role=Role.LEADER)
    RoleAssignment.objects.filter(user=user, unit__code="KPP-A", role=Role.LEADER).update(
        source=RoleSource.MANUAL
    )
    head[3] = "KPP-C-PELAKSANA"
    load(tmp_path, loaded, "moved")
    assert roles_of(head[0], RoleSource.MANUAL) == {
        ("DJP", Role.MANAGER),
        ("DJP", Role.LEADER),
        ("KPP-A", Role.LEADER),  # by hand: not the sync's to take away
    }
    assert roles_of(head[0], RoleSource.AUTO) == {("KPP-C", Role.EMPLOYEE)}
    assert RoleAssignment.objects.filter(pk__in=[manual.pk, manual_leader.pk]).count() == 2
    # a role the organisation gives but already granted by hand is not added twice
    assert sync_accounts().changes == 0


def test_an_automatic_role_cannot_be_revoked_by_hand(loaded: Tables, make_user) -> None:
    admin = make_user(Unit.objects.get(code="KEMENKEU"), Role.ADMIN)
    automatic = RoleAssignment.objects.filter(source=RoleSource.AUTO).first()
    with pytest.raises(Exception) as caught:
        revoke_role(granted=automatic, by=admin)
    assert getattr(caught.value, "code", None) == "automatic"
    assert RoleAssignment.objects.filter(pk=automatic.pk).exists()


def test_roles_follow_a_merge(loaded: Tables, make_user) -> None:
    """Reorganisation: KPP-A and KPP-B merged into a new KPP-AB whose head is KPP-A's head position."""
    from kinerja.organisations import reorganisation as reorg

    admin = make_user(Unit.objects.get(code="KEMENKEU"), Role.ADMIN)
    plan = {
        "sources": ["KPP-A", "KPP-B"],
        "into": None,
        "new_unit": {
            "code": "KPP-AB", "name_id": "KPP Pratama AB", "name_en": "", "level": "three", "kind": "kpp",
            "owns_map": True, "parent": "DJP",
        },
        "head": "KPP-A-KEPALA",
    }  # fmt: skip
    record = reorg.plan_reorganisation(
        kind="merge", plan=plan, effective_date=dt.date(2026, 7, 1), reason="PMK 99/2026", by=admin
    )
    reorg.apply_reorganisation(reorganisation=record, by=admin)
    assert roles_of(nip(3)) == {("KPP-AB", Role.EMPLOYEE), ("KPP-AB", Role.LEADER)}  # KPP-A's head: heads AB
    assert roles_of(nip(6)) == {("KPP-AB", Role.EMPLOYEE)}  # KPP-B's head: their head position closed
    assert roles_of(nip(7)) == {("KPP-AB", Role.EMPLOYEE)}
    assert set(
        RoleAssignment.objects.filter(unit__code__in=["KPP-A", "KPP-B"]).values_list("source", flat=True)
    ) <= {RoleSource.MANUAL}


# ---------------------------------------------------------------- departures


def test_a_departed_employee_cannot_log_in_and_a_returning_one_can(tmp_path: Path, loaded: Tables) -> None:
    leaving = row_of(loaded, nip(4))
    user = User.objects.get(username=leaving[0])
    user.set_password("rahasia-123")
    user.save()
    assert Client().login(username=leaving[0], password="rahasia-123")
    leaving[7] = "tidak"
    load(tmp_path, loaded, "departed")
    user.refresh_from_db()
    assert not user.is_active and roles_of(leaving[0]) == set()
    assert not Client().login(username=leaving[0], password="rahasia-123")
    assert Employee.objects.filter(nip=leaving[0]).exists() and User.objects.filter(pk=user.pk).exists()
    leaving[7] = "ya"
    load(tmp_path, loaded, "back")
    user.refresh_from_db()
    assert user.is_active and roles_of(leaving[0]) == {("KPP-A", Role.EMPLOYEE)}
    assert Client().login(username=leaving[0], password="rahasia-123")


def test_an_account_named_by_the_nip_is_linked_and_another_employees_is_a_conflict(loaded: Tables) -> None:
    loose = User.objects.get(username=nip(4))
    loose.employee = None
    loose.save()
    result = sync_accounts()
    assert result.linked == 1 and User.objects.get(username=nip(4)).employee.nip == nip(4)
    # a username taken by another employee's account is reported, not overwritten
    other = Employee.objects.get(nip=nip(5))
    User.objects.filter(employee=other).delete()
    User.objects.filter(username=nip(4)).update(username="x")
    User.objects.filter(username="x").update(username=nip(5))
    result = sync_accounts()
    assert result.conflicts == [nip(5)] and not User.objects.filter(employee=other).exists()


# ---------------------------------------------------------------- single sign-on


def test_a_first_sso_sign_in_makes_the_account_with_its_roles(loaded: Tables) -> None:
    employee = Employee.objects.get(nip=nip(3))
    User.objects.filter(employee=employee).delete()
    user = account_for_nip(employee.nip, email="sso@kemenkeu.go.id", first_name="Ani")
    assert user is not None and user.username == employee.nip and user.employee == employee
    assert (user.email, user.first_name) == ("sso@kemenkeu.go.id", "Ani")
    assert not user.has_usable_password()
    assert roles_of(employee.nip) == {("KPP-A", Role.EMPLOYEE), ("KPP-A", Role.LEADER)}
    assert account_for_nip(employee.nip) == user  # the second time: the same account


# ---------------------------------------------------------------- cost


def test_a_constant_number_of_queries_at_two_sizes(tmp_path: Path) -> None:
    """The same reads whatever the size; inserts grow only by batches (SQLite binds 999 values a statement)."""
    counts = []
    for size in (2, 60):
        User.objects.all().delete()
        load(tmp_path, org(size), f"size{size}")
        User.objects.all().delete()  # the accounts made again, by the sync alone
        with CaptureQueriesContext(connection) as queries:
            result = sync_accounts()
        assert result.created == Employee.objects.filter(is_active=True).count()
        sql = [q["sql"].lstrip().upper() for q in queries.captured_queries]
        inserts = sum(1 for q in sql if q.startswith("INSERT"))
        counts.append((len(sql) - inserts, inserts, result.created))
    (reads, inserts, rows), (more_reads, more_inserts, more_rows) = counts
    assert more_rows - rows > 150
    assert reads == more_reads
    assert more_inserts - inserts <= (more_rows - rows) / 40


def test_the_command(loaded: Tables) -> None:
    User.objects.filter(username=nip(4)).delete()
    out = StringIO()
    call_command("sync_accounts", stdout=out)
    assert "1" in out.getvalue() and User.objects.filter(username=nip(4)).exists()
