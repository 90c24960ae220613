"""The KPI list searches by code or name and shows a page at a time (40,000 KPIs at ministry scale)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.common.search import trigram_index_name
from kinerja.planning import kpi_selectors
from kinerja.planning.models import Kpi, MapState
from kinerja.planning.views import kpis as kpi_views
from tests.planning import builders as b

pytestmark = pytest.mark.django_db


def _map_with_kpis(unit, count: int, name: str = "Penerimaan pajak"):
    strategy_map = b.bare_map(unit, 2026, MapState.APPROVED)
    objective = b.objective(strategy_map, "stakeholder", "S1")
    for i in range(count):
        created = b.kpi(objective, f"S1.{i + 1}", trajectory=[])
        Kpi.objects.filter(pk=created.pk).update(name_id=f"{name} {i + 1}")
    return strategy_map


def test_search_by_code_or_name_in_either_language(org):
    strategy_map = _map_with_kpis(org.kpp_a, 3)
    Kpi.objects.filter(objective__map=strategy_map, code="S1.2").update(
        name_id="Kepatuhan wajib pajak", name_en="Taxpayer compliance"
    )
    kpis = Kpi.objects.filter(objective__map=strategy_map)
    assert {k.code for k in kpi_selectors.search_kpis(kpis, "KEPATUHAN")} == {"S1.2"}
    assert {k.code for k in kpi_selectors.search_kpis(kpis, "compliance")} == {"S1.2"}
    assert {k.code for k in kpi_selectors.search_kpis(kpis, "s1.3")} == {"S1.3"}
    assert kpi_selectors.search_kpis(kpis, "  ").count() == 3


def test_the_kpi_list_pages_and_searches_within_reach(client, org, make_user, monkeypatch):
    monkeypatch.setattr(kpi_views, "INDEX_PAGE_SIZE", 4)
    _map_with_kpis(org.kpp_a, 6)
    _map_with_kpis(org.kpp_b, 2, name="Penerimaan bea")  # outside the user's reach
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    url = reverse("kpis:index")
    first = client.get(url)
    assert sum(len(g["kpis"]) for g in first.context["groups"]) == 4
    assert "Halaman 1 dari 2" in first.content.decode()
    found = client.get(url, {"q": "penerimaan pajak 5"})
    assert [k.code for g in found.context["groups"] for k in g["kpis"]] == ["S1.5"]
    assert "1 IKU ditemukan." in found.content.decode()
    assert client.get(url, {"q": "bea"}).context["groups"] == []


def test_the_kpi_list_costs_the_same_with_more_maps(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.ADMIN))
    url = reverse("kpis:index")
    _map_with_kpis(org.kpp_a, 3)
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"q": "pajak"})
    _map_with_kpis(org.kpp_b, 40)
    _map_with_kpis(org.kanwil, 80)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"q": "pajak"})
    assert len(large.captured_queries) == len(small.captured_queries)
    assert sum(len(g["kpis"]) for g in response.context["groups"]) == kpi_views.INDEX_PAGE_SIZE


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes exist on PostgreSQL only")
def test_postgresql_has_trigram_indexes_for_the_kpi_search():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s", [Kpi._meta.db_table])
        names = {row[0] for row in cursor.fetchall()}
    assert {trigram_index_name(Kpi._meta.db_table, c) for c in ("code", "name_id", "name_en")} <= names


def test_the_api_searches_the_kpi_list(org, make_user):
    from rest_framework.test import APIClient

    _map_with_kpis(org.kpp_a, 3)
    Kpi.objects.filter(code="S1.3").update(name_en="Taxpayer compliance")
    api = APIClient()
    api.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    assert [k["code"] for k in api.get("/api/kpis/", {"search": "compliance"}).json()["results"]] == ["S1.3"]
    assert api.get("/api/kpis/").json()["count"] == 3
    detail = api.get(f"/api/kpis/{Kpi.objects.get(code='S1.1').pk}/", {"search": "compliance"})
    assert detail.status_code == 200  # the search narrows the list only
