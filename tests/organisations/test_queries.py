"""The list pages do a fixed number of queries, however many rows they show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from tests.factories import EmployeeFactory, PositionFactory, make_unit

pytestmark = pytest.mark.django_db


def _grow_tree(org, n):
    for i in range(n):
        office = make_unit(f"KPP-X{i:03d}", parent=org.kanwil)
        make_unit(f"SEKSI-X{i:03d}", parent=office, level="four", kind="section", owns_map=False)
        make_unit(f"KANWIL-X{i:03d}", parent=org.djp, level="two", kind="regional_office")


def _count(client, url, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "KPP"}])
def test_unit_tree_and_search_queries_do_not_grow_with_units(
    client, org, make_user, params, django_assert_max_num_queries
):
    client.force_login(make_user(org.djp, Role.EMPLOYEE))
    url = reverse("organisations:unit-list")
    small = _count(client, url, params)
    _grow_tree(org, 20)
    with django_assert_max_num_queries(small):
        client.get(url, params)


def test_employee_list_queries_do_not_grow_with_rows(client, org, make_user, django_assert_max_num_queries):
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    url = reverse("organisations:employee-list")
    EmployeeFactory.create_batch(2, unit=org.kpp_a, position=PositionFactory(unit=org.kpp_a))
    small = _count(client, url)  # the page's units and positions are read once each, for its rows
    for unit in (org.kpp_a, org.kpp_b, org.section_a):
        position = PositionFactory(unit=unit)
        EmployeeFactory.create_batch(15, unit=unit, position=position)
    with django_assert_max_num_queries(small):
        response = client.get(url)
    assert len(response.context["page"].object_list) == 47


def test_unit_detail_queries_do_not_grow_with_rows(client, org, make_user, django_assert_max_num_queries):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    url = reverse("organisations:unit-detail", args=["KPP-A"])
    EmployeeFactory(unit=org.kpp_a, position=PositionFactory(unit=org.kpp_a))
    small = _count(client, url)
    for i in range(10):
        position = PositionFactory(unit=org.kpp_a)
        EmployeeFactory(unit=org.kpp_a, position=position)
        make_unit(f"SEKSI-Y{i}", parent=org.kpp_a, level="four", kind="section", owns_map=False)
    with django_assert_max_num_queries(small):
        client.get(url)
