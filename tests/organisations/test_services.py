"""The services directly, as the API and imports call them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role
from kinerja.organisations import services
from kinerja.organisations.models import Assignment, Unit
from tests.factories import make_nip

pytestmark = pytest.mark.django_db


def test_create_unit_checks_permission(org, make_user):
    with pytest.raises(PermissionDenied):
        services.create_unit(
            parent=org.kpp_a,
            code="X",
            name_id="X",
            level="four",
            kind="section",
            by=make_user(org.kpp_a, Role.MANAGER),
        )
    assert not Unit.objects.filter(code="X").exists()


def test_create_unit_keeps_siblings_in_code_order(org):
    services.create_unit(parent=org.kanwil, code="KPP-0", name_id="Nol", level="three", kind="kpp", by=None)
    children = [u.code for u in Unit.objects.get_children(Unit.objects.get(code="KANWIL"))]
    assert children == ["KPP-0", "KPP-A", "KPP-B"]


def test_move_unit_rejects_own_subtree_even_without_the_precheck(org, monkeypatch):
    monkeypatch.setattr(services, "check_unit_move", lambda **kwargs: None)
    before = dict(Unit.objects.values_list("code", "path"))
    with pytest.raises(ValidationError) as caught:
        services.move_unit(unit=org.kanwil, new_parent=org.section_a, by=None)
    assert "new_parent" in caught.value.message_dict
    assert dict(Unit.objects.values_list("code", "path")) == before


def test_move_unit_to_the_same_parent_is_a_no_op(org):
    before = dict(Unit.objects.values_list("code", "path"))
    services.move_unit(unit=org.kpp_a, new_parent=org.kanwil, by=None)
    assert dict(Unit.objects.values_list("code", "path")) == before


def test_move_employee_same_day_is_a_correction(org):
    person = services.create_employee(
        nip=make_nip(), name="Baru", unit=org.kpp_a, start=dt.date(2024, 1, 1), by=None
    )
    services.move_employee(employee=person, unit=org.kpp_b, position=None, start=dt.date(2024, 1, 1), by=None)
    first, second = person.assignments.order_by("pk")
    assert first.end == dt.date(2024, 1, 1) and second.start == dt.date(2024, 1, 1) and second.end is None


def test_move_employee_needs_rights_on_both_units(org, make_user):
    person = services.create_employee(
        nip=make_nip(), name="Baru", unit=org.kpp_a, start=dt.date(2024, 1, 1), by=None
    )
    manager = make_user(org.kpp_a, Role.MANAGER)
    with pytest.raises(PermissionDenied):
        services.move_employee(
            employee=person, unit=org.kpp_b, position=None, start=dt.date(2024, 2, 1), by=manager
        )
    assert Assignment.objects.filter(employee=person).count() == 1


def test_create_employee_rejects_a_superior_out_of_reach(org, make_user, employee_in):
    outsider = employee_in(org.kpp_b)
    with pytest.raises(PermissionDenied):
        services.create_employee(
            nip=make_nip(),
            name="Baru",
            unit=org.kpp_a,
            superior=outsider,
            start=dt.date(2024, 1, 1),
            by=make_user(org.kpp_a, Role.MANAGER),
        )
