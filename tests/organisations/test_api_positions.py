"""/api/positions/: read-only, within reach, named by code."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def positions(org, position_in):
    head = position_in(org.kpp_a, head=True, code="KPP-A-KEPALA", title_id="Kepala KPP Pratama A")
    staff = position_in(org.section_a, superior=head, code="SEKSI-A-PELAKSANA")
    other = position_in(org.kpp_b, head=True, code="KPP-B-KEPALA")
    return head, staff, other


def test_the_list_holds_the_positions_the_user_reaches(positions, org, api_as):
    client = api_as(org.kpp_a, "employee")
    body = client.get("/api/positions/").json()
    assert [p["code"] for p in body["results"]] == ["KPP-A-KEPALA", "SEKSI-A-PELAKSANA"]
    head, staff = body["results"]
    assert head["is_head"] is True and head["type"] == "structural" and head["echelon"] == 3
    assert head["title"] == "Kepala KPP Pratama A"
    assert staff["superior"] == "KPP-A-KEPALA" and staff["unit"] == "SEKSI-A"


def test_a_position_is_read_by_code_and_hidden_outside_reach(positions, org, api_as):
    client = api_as(org.kpp_a, "employee")
    assert client.get("/api/positions/SEKSI-A-PELAKSANA/").json()["unit"] == "SEKSI-A"
    assert client.get("/api/positions/KPP-B-KEPALA/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("unit=KPP-A", ["KPP-A-KEPALA"]),
        ("is_head=true", ["KPP-A-KEPALA", "KPP-B-KEPALA"]),
        ("type=executor", ["SEKSI-A-PELAKSANA"]),
    ],
)
def test_the_list_filters(positions, org, api_as, query, expected):
    client = api_as(org.djp, "auditor")
    assert [p["code"] for p in client.get(f"/api/positions/?{query}").json()["results"]] == expected


def test_positions_are_read_only(positions, org, api_as):
    client = api_as(org.ministry, "admin")
    assert client.post("/api/positions/", {"code": "X"}, format="json").status_code == 405
    assert client.patch("/api/positions/KPP-A-KEPALA/", {"title_id": "X"}, format="json").status_code == 405
