"""The cascading matrix and the alignment findings through the API (issue 12 item 11): the same content as the
pages for a crafted cascade, by unit code or id, and the pages' permissions (404 outside the user's reach)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.contracts import services, support
from kinerja.contracts.models import CascadeMode, SupportKind
from tests.contracts.cascading import build
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db

MATRIX = reverse("api-contract-matrix")
ALIGNMENT = reverse("api-contract-alignment")


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def _crafted(office):
    """The cascaded office, with S1.3 cascaded indirectly to the lower map's S1.a and the lower S1 supporting S1."""
    world = build(office)
    s1 = office.map.objectives.get(code="S1")
    s1_3 = b.kpi(s1, "S1.3", target=D(4), frequency="yearly")
    services.link_child(parent=s1_3, child=world.lower_kpi, mode=CascadeMode.INDIRECT, by=office.manager)
    support.add_support(world.lower_s1, s1, SupportKind.DIRECT, None)
    return world


def _cells(body, row):
    labels = {c["key"]: c for c in body["columns"]}
    return {labels[cell["column"]]["label"]: cell["text"] for cell in row["cells"]}


def test_the_matrix_of_a_crafted_cascade(office):
    world = _crafted(office)
    response = client_for(office.manager).get(MATRIX, {"unit": "KPP-A", "year": 2026})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"]["code"] == "KPP-A" and body["year"] == 2026 and body["map"] == office.map.pk
    assert body["years"] == [2026]

    unit_col, *people = body["columns"]
    assert (unit_col["kind"], unit_col["label"], unit_col["map"]) == ("unit", "KP2KP-A", world.lower_map.pk)
    assert [c["position"] for c in people] == [office.kasi.position.code] + [
        e.position.code for e in office.staff
    ]
    assert people[0]["contracts"] == [world.kasi.pk] and people[0]["sublabel"] == office.kasi.name

    assert [(r["kind"], r["depth"], r["code"], r["holder"]) for r in body["rows"]] == [
        ("objective", 0, "S1", None),
        ("kpi", 1, "S1.1", None),
        ("kpi", 2, "S1.1", office.kasi.position.code),
        ("kpi", 1, "S1.2", None),
        ("kpi", 1, "S1.3", None),
    ]
    s1_row, map_sum, kasi_sum, map_pct, indirect = body["rows"]
    assert _cells(body, s1_row) == {"KP2KP-A": "S1 (L)"}
    assert s1_row["cells"][0]["objectives"] == [{"id": world.lower_s1.pk, "code": "S1"}]
    assert map_sum["mode"] == "direct_shared" and map_sum["check"]["ok"] is True
    assert map_sum["cells"][0]["share"] == "1200.000000" and map_sum["cells"][0]["abbr"] == "DS"
    assert kasi_sum["check"] == {
        "ok": False,
        "how": "sum",
        "value": "1100.000000",
        "target": "1200.000000",
        "missing": 0,
        "text": "Σ 1.100 ≠ 1.200",
    }
    assert [c["text"] for c in kasi_sum["cells"]] == ["DS 500", "DS 400", "DS 200"]
    assert [c["column"] for c in kasi_sum["cells"]] == [c["key"] for c in people[1:]]
    assert _cells(body, map_pct) == {office.kasi.position.title: "DF"}
    assert indirect["cells"] == [
        {
            "column": unit_col["key"],
            "abbr": "I",
            "text": "I S1.a",
            "share": None,
            "kpis": [{"id": world.lower_kpi.pk, "code": "S1.a"}],
            "objectives": [],
        }
    ]
    assert body["problems"] == 1
    assert {entry["code"] for entry in body["legend"]} == {"DF", "DS", "I", "L", "TL"}

    # by id, the same matrix
    by_id = client_for(office.manager).get(MATRIX, {"unit": office.org.kpp_a.pk, "year": 2026})
    assert by_id.status_code == 200 and by_id.json() == body


def test_the_alignment_findings(office):
    world = _crafted(office)
    response = client_for(office.manager).get(ALIGNMENT, {"unit": "KPP-A", "year": 2026})
    assert response.status_code == 200, response.content
    body = response.json()
    counts = {c["kind"]: c["count"] for c in body["counts"]}
    assert counts["shares_not_adding_up"] == 1 and counts["objective_supports_nothing"] == 1
    shares = [f for f in body["findings"] if f["kind"] == "shares_not_adding_up"]
    assert (
        shares[0]["rule"] == 15
        and shares[0]["severity"] == "warn"
        and "Σ 1.100 ≠ 1.200" in shares[0]["message"]
    )
    assert shares[0]["links"][0]["url"] == shares[0]["fix_url"]
    assert any(
        link["url"] == reverse("contracts:matrix", args=[office.org.kpp_a.pk, 2026])
        for link in shares[0]["links"]
    )
    idle = [f for f in body["findings"] if f["kind"] == "objective_supports_nothing"]
    assert [f["unit"] for f in idle] == ["KP2KP-A"] and "L1" in idle[0]["message"]
    # the "Dukungan SS" list: the lower map, its supports page, one SS supporting nothing (L1)
    assert body["supports"] == [
        {
            "map": world.lower_map.pk,
            "unit": "KP2KP-A",
            "unit_name": world.lower_unit.name,
            "idle": 1,
            "url": reverse("contracts:supports", args=[world.lower_map.pk]),
        }
    ]


def test_another_units_manager_gets_404(office, make_user):
    _crafted(office)
    other = client_for(make_user(office.org.kpp_b, Role.MANAGER))
    for url in (MATRIX, ALIGNMENT):
        for unit in ("KPP-A", office.org.kpp_a.pk, "KP2KP-A", "SEKSI-A"):
            assert other.get(url, {"unit": unit, "year": 2026}).status_code == 404, (url, unit)
    # their own unit answers (an empty matrix: KPP-B has no map of the year)
    own = other.get(MATRIX, {"unit": "KPP-B", "year": 2026})
    assert own.status_code == 200 and own.json()["rows"] == [] and own.json()["map"] is None
    assert other.get(ALIGNMENT, {"unit": "KPP-B", "year": 2026}).json()["findings"] == []


def test_the_pages_rules_for_the_query(office):
    _crafted(office)
    manager = client_for(office.manager)
    # the matrix needs a map owner; the alignment panel takes any unit of the reach
    assert manager.get(MATRIX, {"unit": "SEKSI-A", "year": 2026}).status_code == 404
    assert manager.get(ALIGNMENT, {"unit": "SEKSI-A", "year": 2026}).status_code == 200
    # a year without a plan year, a unit that does not exist: 404; a malformed query: 400
    assert manager.get(MATRIX, {"unit": "KPP-A", "year": 2031}).status_code == 404
    assert manager.get(MATRIX, {"unit": "TIDAK-ADA", "year": 2026}).status_code == 404
    assert manager.get(MATRIX, {"unit": str(2**70), "year": 2026}).status_code == 404
    assert manager.get(MATRIX, {"unit": "KPP-A"}).status_code == 400
    assert manager.get(ALIGNMENT, {"year": "dua ribu"}).status_code == 400
    # anonymous: refused
    assert APIClient().get(MATRIX, {"unit": "KPP-A", "year": 2026}).status_code in (401, 403)


def test_a_holder_without_a_role_reads_nothing(office):
    _crafted(office)
    holder = office.user(office.staff[0])
    holder.roles.all().delete()
    assert client_for(holder).get(MATRIX, {"unit": "KPP-A", "year": 2026}).status_code == 404
    assert client_for(holder).get(ALIGNMENT, {"unit": "KPP-A", "year": 2026}).status_code == 404
