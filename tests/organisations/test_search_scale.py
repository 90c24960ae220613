"""Search and the unit tree at scale: bounded counts, a level at a time, trigram indexes on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.common.search import CappedPaginator, trigram_index_name
from kinerja.organisations import views
from kinerja.organisations.models import Employee
from tests.factories import EmployeeFactory, make_unit

pytestmark = pytest.mark.django_db


def _queries(client, url, params=None, **headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {}, **headers)
    assert response.status_code == 200
    return response, [q["sql"] for q in ctx.captured_queries]


def _grow(org, offices: int, sections: int) -> None:
    for i in range(offices):
        office = make_unit(f"KPP-G{i:03d}", parent=org.kanwil)
        for j in range(sections):
            make_unit(f"SEKSI-G{i:03d}-{j}", parent=office, level="four", kind="section", owns_map=False)


def test_the_tree_and_a_branch_cost_the_same_at_two_tree_sizes(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.ADMIN))
    tree_url = reverse("organisations:unit-list")
    branch_url = reverse("organisations:unit-children", args=["KANWIL"])
    _, tree_small = _queries(client, tree_url)
    _, branch_small = _queries(client, branch_url, HTTP_HX_REQUEST="true")
    _grow(org, offices=12, sections=3)
    tree, tree_large = _queries(client, tree_url)
    branch, branch_large = _queries(client, branch_url, HTTP_HX_REQUEST="true")
    assert len(tree_large) == len(tree_small)
    assert len(branch_large) == len(branch_small)
    html = tree.content.decode()
    # the tree shows the top two levels; deeper levels wait for their branch to be opened
    assert "DJP" in html and "KANWIL" not in html and "KPP-G000" not in html
    branch_html = branch.content.decode()
    assert "KPP-G011" in branch_html and "SEKSI-G000-0" not in branch_html
    assert "(3<span" in branch_html  # each office's count of units below comes with it, no query per office


def _employees(unit, n: int, name: str) -> None:
    EmployeeFactory.create_batch(n, unit=unit, name=name)


def test_a_large_search_counts_only_up_to_the_cap(client, org, make_user, monkeypatch):
    monkeypatch.setattr(views, "SEARCH_COUNT_CAP", 10)
    _employees(org.kpp_a, 75, "Budi Santoso")
    _employees(org.kpp_b, 3, "Siti Aminah")
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    url = reverse("organisations:employee-list")
    first, sqls = _queries(client, url, {"q": "budi"})
    page = first.context["page"]
    assert page.paginator.capped and page.paginator.count == 60  # 50 on the page + 10 past it, of 75
    html = first.content.decode()
    assert "Lebih dari 60 pegawai ditemukan." in html
    assert "Halaman 1 dari lebih dari 2" in html and 'rel="next"' in html
    assert any("LIMIT 61" in sql and "COUNT(*)" in sql for sql in sqls)  # the count stops at the cap
    second = client.get(url, {"q": "budi", "page": 2}).context["page"]
    assert not second.paginator.capped and second.paginator.count == 75
    assert len(second.object_list) == 25
    few = client.get(url, {"q": "siti"})
    assert not few.context["page"].paginator.capped
    assert "3 pegawai ditemukan." in few.content.decode()


def test_employee_search_costs_the_same_at_two_sizes(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.ADMIN))
    url = reverse("organisations:employee-list")
    _employees(org.kpp_a, 5, "Budi Santoso")
    _, small = _queries(client, url, {"q": "santo"})
    _grow(org, offices=5, sections=0)
    _employees(org.kpp_b, 120, "Budi Santoso")
    response, large = _queries(client, url, {"q": "santo"})
    assert len(large) == len(small)
    assert len(response.context["page"].object_list) == 50


def test_capped_paginator_on_a_list_and_a_bad_page_number():
    paginator = CappedPaginator(list(range(30)), 10, number="x", cap=5)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (15, True, 2)
    assert CappedPaginator(list(range(30)), 10, number=3, cap=5).count == 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_postgresql_answers_the_name_search_from_the_trigram_index(org):
    EmployeeFactory.create_batch(5, unit=org.kpp_a)
    table = Employee._meta.db_table
    queryset = Employee.objects.filter(name__icontains="santoso").values("pk")
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [trigram_index_name(table, "name")]
        )
        (definition,) = cursor.fetchone()
        assert "gin_trgm_ops" in definition and "upper" in definition.lower()
        # a tiny table: make the planner show it can use the index (no whole-table read, neither of the table
        # nor of the (name, NIP) index the list is ordered by)
        for switch in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
            cursor.execute(f"SET LOCAL {switch} = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert trigram_index_name(table, "name") in plan, plan
