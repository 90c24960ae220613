"""/api/units/: the units a user reaches, by code, with the nested subtree and the direct children."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.organisations.models import Unit, UnitKind, UnitLevel
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def codes(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["code"] for u in response.json()["results"]]


def test_the_list_holds_the_subtree_of_the_users_unit_only(org, api_as):
    client = api_as(org.kpp_a, "employee")
    assert codes(client.get("/api/units/")) == ["KPP-A", "SEKSI-A"]


def test_a_superuser_sees_every_unit_in_tree_order(org, api_as):
    client = api_as(is_superuser=True)
    assert codes(client.get("/api/units/")) == [
        "KEMENKEU",
        "DJBC",
        "DJP",
        "KANWIL",
        "KPP-A",
        "SEKSI-A",
        "KPP-B",
    ]


def test_a_unit_names_its_parent_and_its_level(org, api_as):
    client = api_as(org.ministry, "auditor")
    unit = client.get("/api/units/KPP-A/").json()
    assert unit["parent"] == "KANWIL"
    assert unit["level"] == UnitLevel.THREE
    assert unit["kind"] == UnitKind.KPP
    assert unit["name"] == "KPP Pratama A"
    assert unit["name_en"] == "Tax Office A"
    assert unit["child_count"] == 1
    assert client.get("/api/units/KEMENKEU/").json()["parent"] is None
    assert {u["code"]: u["parent"] for u in client.get("/api/units/").json()["results"]}["SEKSI-A"] == "KPP-A"


def test_a_unit_outside_the_subtree_is_not_found(org, api_as):
    client = api_as(org.kpp_a, "manager")
    assert client.get("/api/units/KPP-B/").status_code == 404
    assert client.get("/api/units/KANWIL/").status_code == 404
    assert client.get("/api/units/KPP-B/tree/").status_code == 404
    assert client.get("/api/units/KPP-B/children/").status_code == 404
    assert client.get("/api/units/TIDAK-ADA/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("level=three", ["KPP-A", "KPP-B"]),
        ("kind=section", ["SEKSI-A"]),
        ("owns_map=false", ["SEKSI-A"]),
        ("parent=KANWIL", ["KPP-A", "KPP-B"]),
        ("parent=TIDAK-ADA", []),
        ("within=KPP-A", ["KPP-A", "SEKSI-A"]),
        ("search=pratama b", ["KPP-B"]),
        ("search=seksi", ["SEKSI-A"]),
        ("level=three&search=office a", ["KPP-A"]),
    ],
)
def test_the_list_filters(org, api_as, query, expected):
    client = api_as(org.djp, "auditor")
    assert codes(client.get(f"/api/units/?{query}")) == expected


def test_an_unknown_level_is_a_400(org, api_as):
    client = api_as(org.djp, "auditor")
    response = client.get("/api/units/?level=seven")
    assert response.status_code == 400
    assert "level" in response.json()


def test_the_tree_nests_the_subtree(org, api_as):
    client = api_as(org.djp, "leader")
    tree = client.get("/api/units/KANWIL/tree/").json()
    assert tree["code"] == "KANWIL"
    assert [c["code"] for c in tree["children"]] == ["KPP-A", "KPP-B"]
    kpp_a, kpp_b = tree["children"]
    assert [c["code"] for c in kpp_a["children"]] == ["SEKSI-A"]
    assert kpp_a["children"][0]["children"] == []
    assert kpp_b["children"] == []
    assert set(tree) == {
        "code",
        "name",
        "name_id",
        "name_en",
        "level",
        "kind",
        "owns_map",
        "is_active",
        "children",
    }


def test_the_tree_depth_limits_the_levels(org, api_as):
    client = api_as(org.djp, "leader")
    tree = client.get("/api/units/DJP/tree/?depth=1").json()
    assert [c["code"] for c in tree["children"]] == ["KANWIL"]
    assert tree["children"][0]["children"] == []
    assert client.get("/api/units/DJP/tree/?depth=0").json()["children"] == []
    response = client.get("/api/units/DJP/tree/?depth=-1")
    assert response.status_code == 400
    assert "depth" in response.json()


def test_the_tree_of_the_top_unit_a_user_reaches(org, api_as):
    client = api_as(org.kpp_a, "employee")
    tree = client.get("/api/units/KPP-A/tree/").json()
    assert [c["code"] for c in tree["children"]] == ["SEKSI-A"]


def test_the_tree_costs_the_same_queries_whatever_its_size(org, api_as):
    client = api_as(org.djp, "manager")
    client.get("/api/units/DJP/tree/")  # warm the session

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/units/DJP/tree/").status_code == 200
        return len(captured)

    small = queries()
    kanwil = Unit.objects.get(code="KANWIL")
    for n in range(6):
        office = make_unit(f"KPP-X{n}", parent=kanwil)
        for m in range(3):
            make_unit(
                f"KPP-X{n}-S{m}", parent=office, level=UnitLevel.FOUR, kind=UnitKind.SECTION, owns_map=False
            )
    assert queries() == small
    assert small <= 6


def test_children_lists_the_direct_children(org, api_as):
    client = api_as(org.djp, "employee")
    response = client.get("/api/units/KANWIL/children/")
    assert response.status_code == 200
    body = response.json()
    assert [u["code"] for u in body] == ["KPP-A", "KPP-B"]
    assert {u["parent"] for u in body} == {"KANWIL"}
    assert client.get("/api/units/SEKSI-A/children/").json() == []


def test_units_are_read_only(org, api_as):
    client = api_as(org.ministry, "admin")
    assert client.post("/api/units/", {"code": "BARU"}, format="json").status_code == 405
    assert client.delete("/api/units/KPP-A/").status_code == 405


def test_the_list_pages(org, api_as):
    client = api_as(is_superuser=True)
    body = client.get("/api/units/?page_size=2").json()
    assert body["count"] == 7
    assert len(body["results"]) == 2
    assert body["next"]
