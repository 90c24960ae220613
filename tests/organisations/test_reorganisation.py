"""Reorganisation (issue 15 item 4): merge, split and move, previewed then applied in one transaction.

The world is the reporting world (tests/reporting/conftest.py): KEMENKEU → DJP → KANWIL → (KPP-A → SEKSI-A,
KPP-B), an approved 2026 map of KPP-A (and of KPP-B) with KPIs and periods. Here KPP-A and KPP-B get a head
and an officer each, with their people, and KPP-A a scored first quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.organisations import reorganisation as reorg
from kinerja.organisations.models import (
    Assignment,
    Employee,
    Position,
    PositionType,
    Reorganisation,
    ReorganisationState,
    Unit,
    UnitKind,
    UnitLevel,
)
from kinerja.planning.selectors import map_owner_units
from tests.dashboards.conftest import realize, score
from tests.factories import EmployeeFactory, make_unit
from tests.reporting.conftest import World, world  # noqa: F401  (the fixture, shared)

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 7, 1)
START = dt.date(2024, 1, 2)


@dataclass
class Office:
    unit: Unit
    head: Position
    officer: Position
    chief: Employee
    staff: Employee


def staff_office(unit: Unit, superior: Position | None = None) -> Office:
    head = Position.objects.create(
        unit=unit,
        code=f"{unit.code}-KEPALA",
        title_id=f"Kepala {unit.name_id}",
        type=PositionType.STRUCTURAL,
        echelon=3,
        is_head=True,
        superior=superior,
    )
    officer = Position.objects.create(
        unit=unit,
        code=f"{unit.code}-PELAKSANA",
        title_id="Pelaksana",
        type=PositionType.EXECUTOR,
        superior=head,
    )
    people = []
    for position in (head, officer):
        person = EmployeeFactory(unit=unit, position=position)
        Assignment.objects.create(employee=person, unit=unit, position=position, start=START)
        people.append(person)
    return Office(unit, head, officer, *people)


@pytest.fixture
def admin(org, make_user) -> Any:
    return make_user(org.ministry, Role.ADMIN)


@pytest.fixture
def offices(world: World, org) -> dict[str, Office]:  # noqa: F811
    q1 = world.period("2026-Q1")
    realize(world, world.quarterly, "2026-Q1", 90)
    score(world.map, q1)
    return {"a": staff_office(org.kpp_a), "b": staff_office(org.kpp_b)}


def new_unit(code: str, parent: Unit, **fields: Any) -> dict[str, Any]:
    data = {
        "code": code,
        "name_id": f"Kantor {code}",
        "name_en": "",
        "level": UnitLevel.THREE,
        "kind": UnitKind.KPP,
        "owns_map": True,
        "parent": parent.code,
    }
    data.update(fields)
    return data


def plan_and_apply(kind: str, plan: dict[str, Any], by: Any, day: dt.date = DAY) -> Reorganisation:
    record = reorg.plan_reorganisation(kind=kind, plan=plan, effective_date=day, reason="PMK 99/2026", by=by)
    return reorg.apply_reorganisation(reorganisation=record, by=by)


def fresh(obj: Any) -> Any:
    return type(obj).objects.get(pk=obj.pk)


# ---------------------------------------------------------------- merge


def test_a_merge_into_a_new_unit_closes_the_old_units_and_moves_their_people(
    world: World,  # noqa: F811
    org,
    offices,
    admin,
    client,
) -> None:
    a, b = offices["a"], offices["b"]
    plan = {
        "sources": ["KPP-A", "KPP-B"],
        "into": None,
        "new_unit": new_unit("KPP-AB", org.kanwil, name_id="KPP Pratama AB"),
        "head": a.head.code,
    }
    shown = reorg.preview(kind="merge", plan=plan, effective_date=DAY)
    assert shown.errors == []
    assert {u["code"] for u in shown.closed} == {"KPP-A", "KPP-B"}
    assert [u["code"] for u in shown.created] == ["KPP-AB"]
    assert {e["nip"] for e in shown.employees} == {a.chief.nip, a.staff.nip, b.chief.nip, b.staff.nip}
    assert Unit.objects.filter(code="KPP-AB").exists() is False  # a preview writes nothing

    record = plan_and_apply("merge", plan, admin)

    assert record.state == ReorganisationState.APPLIED and record.by == admin and record.at is not None
    assert record.result["created"][0]["code"] == "KPP-AB"
    merged = Unit.objects.get(code="KPP-AB")
    assert (merged.valid_from, merged.is_active) == (DAY, True)
    assert Unit.objects.get_parent(merged).code == "KANWIL"
    for old in (org.kpp_a, org.kpp_b):
        old = fresh(old)
        assert (old.valid_to, old.is_active) == (dt.date(2026, 6, 30), False)  # closed, not deleted
    # the section below KPP-A now sits under the new unit
    assert Unit.objects.get_parent(fresh(org.section_a)).code == "KPP-AB"
    # positions: the officers and the chosen head move; the other head is closed and stays
    assert fresh(a.head).unit == merged and fresh(a.head).is_head
    assert fresh(a.officer).unit == merged and fresh(b.officer).unit == merged
    closed_head = fresh(b.head)
    assert (closed_head.unit_id, closed_head.is_active) == (org.kpp_b.pk, False)
    assert fresh(b.officer).superior == fresh(a.head)  # reports to the new unit's head now
    # people moved in the assignment history from the effective date
    for person in (a.chief, a.staff, b.chief, b.staff):
        person = fresh(person)
        assert person.unit == merged
        history = list(person.assignments.order_by("start"))
        assert [(h.unit.code, h.start, h.end) for h in history] == [
            (history[0].unit.code, START, dt.date(2026, 6, 30)),
            ("KPP-AB", DAY, None),
        ]
    assert fresh(b.chief).position is None  # their head position was closed
    # the leader of KPP-A keeps the old role (past data) and gets it on the new unit
    assert RoleAssignment.objects.filter(user=world.leader, unit=merged, role=Role.LEADER).exists()
    assert RoleAssignment.objects.filter(user=world.leader, unit=org.kpp_a, role=Role.LEADER).exists()

    # the old unit's past scorecard is still readable, under its old name
    client.force_login(admin)
    with translation.override("id"):
        page = client.get(reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk]))
        assert page.status_code == 200
        assert "KPP Pratama A" in page.content.decode()
        board = client.get(reverse("dashboards:dashboard"), {"unit": org.kpp_a.pk, "tahun": 2026})
        assert board.status_code == 200 and "KPP Pratama A" in board.content.decode()
        unit_page = client.get(reverse("organisations:unit-detail", args=["KPP-A"])).content.decode()
        assert "ditutup sejak 01-07-2026" in unit_page and "digantikan oleh" in unit_page
        assert reverse("organisations:unit-detail", args=["KPP-AB"]) in unit_page
        new_page = client.get(reverse("organisations:unit-detail", args=["KPP-AB"])).content.decode()
        assert reverse("organisations:unit-detail", args=["KPP-B"]) in new_page
    # the new unit carries on: it can own a map; the closed ones are no longer offered
    owners = set(map_owner_units(admin, (Role.ADMIN,)).values_list("code", flat=True))
    assert "KPP-AB" in owners and "KPP-A" not in owners and "KPP-B" not in owners
    # the history of the closed unit says why
    assert "Reorganisasi" in (fresh(org.kpp_a).history.first().history_change_reason or "")


def test_a_merge_into_one_of_the_units_keeps_it(world: World, org, offices, admin) -> None:  # noqa: F811
    a, b = offices["a"], offices["b"]
    plan_and_apply("merge", {"sources": ["KPP-A", "KPP-B"], "into": "KPP-A"}, admin)
    kept, gone = fresh(org.kpp_a), fresh(org.kpp_b)
    assert kept.is_active and kept.valid_to is None
    assert not gone.is_active and gone.valid_to == dt.date(2026, 6, 30)
    assert fresh(b.staff).unit == kept and fresh(b.officer).unit == kept
    assert fresh(a.staff).assignments.count() == 1  # the target's own people do not move
    assert Position.objects.filter(unit=kept, is_head=True, is_active=True).count() == 1
    lineage = reorg.lineage_of(gone)
    assert lineage.successors == [kept] and lineage.closed_by is not None


# ---------------------------------------------------------------- split


def test_a_split_creates_the_new_units_and_assigns_positions_people_and_children(
    world: World,  # noqa: F811
    org,
    offices,
    admin,
    client,
) -> None:
    a = offices["a"]
    loose = EmployeeFactory(unit=org.kpp_a, position=None)
    Assignment.objects.create(employee=loose, unit=org.kpp_a, start=START)
    plan = {
        "source": "KPP-A",
        "new_units": [new_unit("KPP-A1", org.kanwil), new_unit("KPP-A2", org.kanwil, owns_map=False)],
        "positions": {a.head.code: 0, a.officer.code: 1},
        "children": {"SEKSI-A": 1},
        "employees": {loose.nip: 1},
    }
    record = plan_and_apply("split", plan, admin)
    one, two = Unit.objects.get(code="KPP-A1"), Unit.objects.get(code="KPP-A2")
    assert one.valid_from == two.valid_from == DAY
    old = fresh(org.kpp_a)
    assert (old.is_active, old.valid_to) == (False, dt.date(2026, 6, 30))
    assert fresh(a.head).unit == one and fresh(a.head).is_head
    assert fresh(a.officer).unit == two
    assert fresh(a.officer).superior is None  # its head went to the other unit
    assert fresh(a.chief).unit == one and fresh(a.staff).unit == two and fresh(loose).unit == two
    assert list(fresh(a.staff).assignments.order_by("start").values_list("unit__code", "start", "end")) == [
        ("KPP-A", START, dt.date(2026, 6, 30)),
        ("KPP-A2", DAY, None),
    ]
    assert Unit.objects.get_parent(fresh(org.section_a)) == two
    assert {link.unit.code for link in record.units.filter(role="created")} == {"KPP-A1", "KPP-A2"}
    # the old map and its scores stay with the old unit
    assert world.map.unit_id == org.kpp_a.pk and fresh(world.map).unit_id == org.kpp_a.pk
    client.force_login(admin)
    with translation.override("id"):
        page = client.get(reverse("reporting:scorecard", args=[world.map.pk, world.period("2026-Q1").pk]))
        assert page.status_code == 200 and "KPP Pratama A" in page.content.decode()
        unit_page = client.get(reverse("organisations:unit-detail", args=["KPP-A"])).content.decode()
        assert "KPP-A1" in unit_page and "KPP-A2" in unit_page


def test_a_split_must_place_every_position_and_child(world: World, org, offices, admin) -> None:  # noqa: F811
    plan = {
        "source": "KPP-A",
        "new_units": [new_unit("KPP-A1", org.kanwil), new_unit("KPP-A2", org.kanwil)],
        "positions": {offices["a"].head.code: 0},
        "children": {},
    }
    shown = reorg.preview(kind="split", plan=plan, effective_date=DAY)
    assert any(offices["a"].officer.code in e for e in shown.errors)
    assert any("SEKSI-A" in e for e in shown.errors)


# ---------------------------------------------------------------- move


def test_a_move_takes_the_subtree_and_records_the_old_parent(world: World, org, offices, admin) -> None:  # noqa: F811
    kanwil2 = make_unit("KANWIL-2", parent=org.djp, level=UnitLevel.TWO, kind=UnitKind.REGIONAL_OFFICE)
    head2 = Position.objects.create(
        unit=kanwil2,
        code="KANWIL-2-KEPALA",
        title_id="Kepala Kanwil 2",
        type="structural",
        echelon=2,
        is_head=True,
    )
    kanwil_head = Position.objects.create(
        unit=org.kanwil,
        code="KANWIL-KEPALA",
        title_id="Kepala Kanwil",
        type="structural",
        echelon=2,
        is_head=True,
    )
    Position.objects.filter(pk=offices["a"].head.pk).update(superior=kanwil_head)
    record = plan_and_apply("move", {"unit": "KPP-A", "new_parent": "KANWIL-2"}, admin)
    moved = fresh(org.kpp_a)
    assert Unit.objects.get_parent(moved).code == "KANWIL-2" and moved.is_active
    assert fresh(org.section_a).path.startswith(moved.path)  # the subtree came along
    assert fresh(world.map).unit_id == moved.pk  # its maps are the unit's
    link = record.units.get(role="moved")
    assert (link.unit, link.old_parent) == (moved, org.kanwil)
    assert "dipindahkan dari KANWIL ke KANWIL-2" in moved.history.first().history_change_reason
    assert fresh(offices["a"].head).superior == head2  # reports to the new parent's head
    assert fresh(offices["a"].staff).assignments.count() == 1  # nobody changes unit in a move


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    ("kind", "plan", "expected"),
    [
        ("move", lambda o: {"unit": "KANWIL", "new_parent": "SEKSI-A"}, "turunannya"),  # a cycle
        ("move", lambda o: {"unit": "KPP-A", "new_parent": "KPP-B"}, "level unit induk harus lebih tinggi"),
        ("move", lambda o: {"unit": "KPP-A", "new_parent": "KANWIL"}, "sudah berada di bawah"),
        ("move", lambda o: {"unit": "KPP-X", "new_parent": "KANWIL"}, "tidak ditemukan"),
        (
            "merge",
            lambda o: {"sources": ["KPP-A", "KPP-B"], "new_unit": new_unit("KPP-AB", o.kpp_a)},
            "harus lebih rendah",
        ),
        (
            "merge",
            lambda o: {"sources": ["KPP-A", "KPP-B"], "new_unit": new_unit("KPP-AB", o.section_a)},
            "melingkar",
        ),
        (
            "merge",
            lambda o: {
                "sources": ["KPP-A", "KPP-B"],
                "new_unit": new_unit("SEKSI-AB", o.kanwil, level=UnitLevel.FOUR, owns_map=True),
            },
            "pemilik peta strategi",
        ),
        (
            "merge",
            lambda o: {"sources": ["KPP-A", "KPP-B"], "new_unit": new_unit("KANWIL", o.kanwil)},
            "sudah dipakai",
        ),
        ("merge", lambda o: {"sources": ["KPP-A"], "into": "KPP-A"}, "paling sedikit dua"),
        ("merge", lambda o: {"sources": ["KPP-A", "SEKSI-A"], "into": "KPP-A"}, "berada di bawah"),
        (
            "split",
            lambda o: {"source": "KPP-B", "new_units": [new_unit("KPP-B1", o.kanwil)]},
            "paling sedikit dua",
        ),
    ],
)
def test_the_preview_names_each_problem(world: World, org, kind, plan, expected) -> None:  # noqa: F811
    with translation.override("id"):
        shown = reorg.preview(kind=kind, plan=plan(org), effective_date=DAY)
    assert any(expected in e for e in shown.errors), shown.errors


def test_an_effective_date_before_a_unit_began_is_refused(world: World, org, admin) -> None:  # noqa: F811
    Unit.objects.filter(pk=org.kpp_b.pk).update(valid_from=DAY)
    with translation.override("id"):
        shown = reorg.preview(
            kind="merge", plan={"sources": ["KPP-A", "KPP-B"], "into": "KPP-A"}, effective_date=DAY
        )
        assert any("KPP-B" in e and "tanggal mulai berlaku" in e for e in shown.errors)
        moved = reorg.preview(
            kind="move", plan={"unit": "KPP-B", "new_parent": "DJP"}, effective_date=dt.date(2026, 1, 1)
        )
        assert any("tanggal mulai berlaku unit KPP-B" in e for e in moved.errors)


def test_an_assignment_starting_on_or_after_the_date_is_refused(world: World, org, offices) -> None:  # noqa: F811
    Assignment.objects.filter(employee=offices["b"].staff).update(start=DAY)
    shown = reorg.preview(
        kind="merge", plan={"sources": ["KPP-A", "KPP-B"], "into": "KPP-A"}, effective_date=DAY
    )
    assert any(offices["b"].staff.nip in e for e in shown.errors)


def test_a_reason_is_required(world: World, org, admin) -> None:  # noqa: F811
    with pytest.raises(ValidationError) as caught:
        reorg.plan_reorganisation(
            kind="move",
            plan={"unit": "KPP-A", "new_parent": "DJP"},
            effective_date=DAY,
            reason="  ",
            by=admin,
        )
    assert "reason" in caught.value.message_dict


def test_a_failed_apply_writes_nothing(world: World, org, offices, admin) -> None:  # noqa: F811
    plan = {"sources": ["KPP-A", "KPP-B"], "into": None, "new_unit": new_unit("KPP-AB", org.kanwil)}
    record = reorg.plan_reorganisation(kind="merge", plan=plan, effective_date=DAY, reason="PMK", by=admin)
    # between the preview and the apply, someone takes the new unit's code
    make_unit("KPP-AB", parent=org.djbc)
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError):
        reorg.apply_reorganisation(reorganisation=record, by=admin)
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert fresh(org.kpp_a).is_active and fresh(record).state == ReorganisationState.DRAFT
    assert fresh(offices["a"].staff).assignments.count() == 1


def test_a_failure_midway_rolls_everything_back(world: World, org, offices, admin, monkeypatch) -> None:  # noqa: F811
    plan = {"sources": ["KPP-A", "KPP-B"], "into": "KPP-A"}
    record = reorg.plan_reorganisation(kind="merge", plan=plan, effective_date=DAY, reason="PMK", by=admin)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(reorg, "_fix_superiors", broken)
    with pytest.raises(RuntimeError):
        reorg.apply_reorganisation(reorganisation=record, by=admin)
    assert fresh(org.kpp_b).is_active
    assert fresh(offices["b"].officer).unit_id == org.kpp_b.pk
    assert fresh(record).state == ReorganisationState.DRAFT


# ---------------------------------------------------------------- pages and access


def test_the_pages_preview_and_apply(world: World, org, offices, admin, client) -> None:  # noqa: F811
    client.force_login(admin)
    with translation.override("id"):
        assert client.get(reverse("organisations:reorg-list")).status_code == 200
        form = reverse("organisations:reorg-create", args=["gabung"])
        assert client.get(form).status_code == 200
        answer = client.post(
            form,
            {
                "sources": "KPP-A, KPP-B",
                "into": "",
                "effective_date": "2026-07-01",
                "reason": "PMK 99/2026 tentang penataan KPP",
                "baru-code": "KPP-AB",
                "baru-name_id": "KPP Pratama AB",
                "baru-level": "three",
                "baru-kind": "kpp",
                "baru-owns_map": "on",
                "baru-parent": "KANWIL",
            },
        )
        assert answer.status_code == 302, answer.content.decode()[:3000]
        record = Reorganisation.objects.get()
        preview = client.get(answer["Location"]).content.decode()
        assert "KPP-AB" in preview and offices["b"].staff.nip in preview
        assert not Unit.objects.filter(code="KPP-AB").exists()
        client.post(reverse("organisations:reorg-apply", args=[record.pk]))
        assert fresh(record).state == ReorganisationState.APPLIED
        assert not fresh(org.kpp_a).is_active
        listing = client.get(reverse("organisations:reorg-list")).content.decode()
        assert "PMK 99/2026" in listing and admin.username in listing


def test_the_split_page_assigns_each_position(world: World, org, offices, admin, client) -> None:  # noqa: F811
    client.force_login(admin)
    url = reverse("organisations:reorg-create", args=["pecah"]) + "?unit=KPP-A&jumlah=2"
    page = client.get(url).content.decode()
    assert offices["a"].officer.code in page and "SEKSI-A" in page
    data = {"effective_date": "2026-07-01", "reason": "PMK", f"pos_{offices['a'].head.code}": "0"}
    data.update({f"pos_{offices['a'].officer.code}": "1", "child_SEKSI-A": "1"})
    for i in (1, 2):
        data.update(
            {f"unit{i}-code": f"KPP-A{i}", f"unit{i}-name_id": f"KPP A{i}", f"unit{i}-level": "three"}
        )
        data.update({f"unit{i}-kind": "kpp", f"unit{i}-parent": "KANWIL"})
    answer = client.post(url, data)
    assert answer.status_code == 302
    record = Reorganisation.objects.get()
    assert record.plan["positions"] == {offices["a"].head.code: 0, offices["a"].officer.code: 1}


def test_a_preview_with_problems_cannot_be_applied(world: World, org, admin, client) -> None:  # noqa: F811
    record = reorg.plan_reorganisation(
        kind="move", plan={"unit": "KPP-A", "new_parent": "KPP-B"}, effective_date=DAY, reason="x", by=admin
    )
    client.force_login(admin)
    with translation.override("id"):
        page = client.get(reverse("organisations:reorg-detail", args=[record.pk])).content.decode()
        assert "belum dapat diterapkan" in page
        assert reverse("organisations:reorg-apply", args=[record.pk]) not in page
        client.post(reverse("organisations:reorg-apply", args=[record.pk]))
    assert fresh(record).state == ReorganisationState.DRAFT
    assert Unit.objects.get_parent(fresh(org.kpp_a)).code == "KANWIL"


def test_only_administrators_reaching_every_unit_reorganise(world: World, org, make_user, client) -> None:  # noqa: F811
    kanwil_admin = make_user(org.kpp_a, Role.ADMIN)
    with pytest.raises(Exception) as caught:  # KPP-B is outside this administrator's subtree
        reorg.plan_reorganisation(
            kind="merge",
            plan={"sources": ["KPP-A", "KPP-B"], "into": "KPP-A"},
            effective_date=DAY,
            reason="x",
            by=kanwil_admin,
        )
    assert type(caught.value).__name__ == "PermissionDenied"
    assert not Reorganisation.objects.exists()
    client.force_login(world.manager)
    assert client.get(reverse("organisations:reorg-list")).status_code == 403
    assert client.get(reverse("organisations:reorg-create", args=["pindah"])).status_code == 403
    admin = make_user(org.ministry, Role.ADMIN)
    record = reorg.plan_reorganisation(
        kind="move", plan={"unit": "KPP-B", "new_parent": "DJP"}, effective_date=DAY, reason="x", by=admin
    )
    client.force_login(kanwil_admin)  # the record's scope (KANWIL) is above this administrator's unit
    assert client.get(reverse("organisations:reorg-detail", args=[record.pk])).status_code == 404
    assert client.post(reverse("organisations:reorg-apply", args=[record.pk])).status_code == 404
    assert fresh(record).state == ReorganisationState.DRAFT


def test_the_list_costs_a_fixed_number_of_queries(
    world: World,  # noqa: F811
    org,
    admin,
    client,
    django_assert_max_num_queries,
) -> None:
    for code in ("KPP-A", "KPP-B"):
        plan_and_apply("move", {"unit": code, "new_parent": "DJP"}, admin)
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("organisations:reorg-list")).status_code == 200
