"""Strategy API: maps (nested read, workflow, findings, SVG), objectives, links, initiatives, risks, and who may do what."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.planning.models import Initiative, MapState, Objective, ObjectiveLink, Risk, StateChange
from tests.factories import PositionFactory
from tests.planning import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(make_user):
    def _as(unit, role):
        client = APIClient()
        client.force_login(make_user(unit, role))
        return client

    return _as


def test_map_list_and_nested_detail(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    b.sound_map(org.kpp_b)
    api = as_user(org.kpp_a, Role.EMPLOYEE)
    listed = api.get("/api/strategy-maps/").json()
    assert [m["id"] for m in listed["results"]] == [strategy_map.pk]
    detail = api.get(f"/api/strategy-maps/{strategy_map.pk}/").json()
    assert detail["map_state"] == "draft" and len(detail["perspectives"]) == 4
    assert {o["code"] for o in detail["objectives"]} >= {"S1", "L2"} and len(detail["links"]) == 6
    findings = api.get(f"/api/strategy-maps/{strategy_map.pk}/findings/")
    assert findings.status_code == 200 and isinstance(findings.json(), list)
    svg = api.get(f"/api/strategy-maps/{strategy_map.pk}/svg/")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content


def test_other_units_map_is_404(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    objective = strategy_map.objectives.first()
    api = as_user(org.kpp_b, Role.MANAGER)
    for url in (
        f"/api/strategy-maps/{strategy_map.pk}/",
        f"/api/strategy-maps/{strategy_map.pk}/svg/",
        f"/api/objectives/{objective.pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert api.post(f"/api/strategy-maps/{strategy_map.pk}/submit/").status_code == 404
    assert api.delete(f"/api/objectives/{objective.pk}/").status_code == 404
    response = api.post(
        "/api/objectives/",
        {"map": strategy_map.pk, "code": "S9", "perspective": "stakeholder", "name_id": "x"},
        format="json",
    )
    assert response.status_code == 400 and "map" in response.json()


def test_workflow_actions(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    manager, leader = as_user(org.kpp_a, Role.MANAGER), as_user(org.kpp_a, Role.LEADER)
    assert leader.post(f"/api/strategy-maps/{strategy_map.pk}/approve/").status_code == 400  # still a draft
    assert (
        as_user(org.kpp_a, Role.EMPLOYEE).post(f"/api/strategy-maps/{strategy_map.pk}/submit/").status_code
        == 403
    )
    assert manager.post(f"/api/strategy-maps/{strategy_map.pk}/submit/").json()["map_state"] == "submitted"
    assert manager.post(f"/api/strategy-maps/{strategy_map.pk}/approve/").status_code == 403
    assert leader.post(f"/api/strategy-maps/{strategy_map.pk}/return/", {}, format="json").status_code == 400
    assert leader.post(f"/api/strategy-maps/{strategy_map.pk}/approve/").json()["map_state"] == "approved"
    revised = manager.post(
        f"/api/strategy-maps/{strategy_map.pk}/revise/", {"reason": "IKU baru"}, format="json"
    )
    assert revised.json()["map_state"] == "revised" and revised.json()["revision"] == 1
    assert StateChange.objects.filter(map=strategy_map).last().reason == "IKU baru"


def test_objective_and_link_crud(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    PositionFactory(unit=org.kpp_a, code="KPP-A-KEPALA")
    api = as_user(org.kpp_a, Role.MANAGER)
    created = api.post(
        "/api/objectives/",
        {
            "map": strategy_map.pk,
            "code": "C3",
            "perspective": "customer",
            "name_id": "Layanan yang prima",
            "owner_position": "KPP-A-KEPALA",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    c3 = created.json()
    assert c3["perspective"] == "customer" and c3["owner_position"] == "KPP-A-KEPALA"
    patched = api.patch(
        f"/api/objectives/{c3['id']}/", {"name_id": "Layanan yang sangat prima"}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["code"] == "C3"
    duplicate = api.post(
        "/api/objectives/",
        {"map": strategy_map.pk, "code": "C3", "perspective": "customer", "name_id": "x"},
        format="json",
    )
    assert duplicate.status_code == 400
    s1 = strategy_map.objectives.get(code="S1")
    link = api.post("/api/objective-links/", {"cause": c3["id"], "effect": s1.pk}, format="json")
    assert link.status_code == 201 and link.json()["cause_code"] == "C3"
    assert api.delete(f"/api/objective-links/{link.json()['id']}/").status_code == 204
    assert api.delete(f"/api/objectives/{c3['id']}/").status_code == 204
    assert not Objective.objects.filter(code="C3").exists()
    employee = as_user(org.kpp_a, Role.EMPLOYEE)
    assert employee.get(f"/api/objectives/{s1.pk}/").status_code == 200
    assert employee.patch(f"/api/objectives/{s1.pk}/", {"name_id": "x"}, format="json").status_code == 403
    assert (
        employee.post("/api/objective-links/", {"cause": s1.pk, "effect": s1.pk}, format="json").status_code
        == 403
    )


def test_approved_map_is_read_only_over_the_api(org, as_user):
    strategy_map = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    s1 = strategy_map.objectives.get(code="S1")
    api = as_user(org.kpp_a, Role.MANAGER)
    assert api.patch(f"/api/objectives/{s1.pk}/", {"name_id": "x"}, format="json").status_code == 403
    assert (
        api.delete(
            f"/api/objective-links/{ObjectiveLink.objects.filter(map=strategy_map).first().pk}/"
        ).status_code
        == 403
    )
    refused = api.post(
        "/api/risks/",
        {"objective": s1.pk, "code": "R1", "description": "x", "likelihood": 2, "impact": 2},
        format="json",
    )
    assert refused.status_code == 400 and "revisi" in str(refused.json())


def test_initiatives_and_progress(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    api = as_user(org.kpp_a, Role.MANAGER)
    created = api.post(
        "/api/initiatives/",
        {
            "map": strategy_map.pk,
            "code": "IS1",
            "name_id": "Digitalisasi layanan",
            "budget": "1500000000.00",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "objectives": ["P1", "L1"],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    initiative = created.json()
    assert initiative["objectives"] == ["P1", "L1"] and initiative["status"] == "on_track"
    bad = api.post(
        "/api/initiatives/",
        {"map": strategy_map.pk, "code": "IS2", "name_id": "x", "objectives": ["Z9"]},
        format="json",
    )
    assert bad.status_code == 400 and "objectives" in bad.json()
    late = api.post(
        f"/api/initiatives/{initiative['id']}/milestones/",
        {"name": "Desain", "due_date": "2020-01-31"},
        format="json",
    )
    assert late.status_code == 201
    assert api.get(f"/api/initiatives/{initiative['id']}/").json()["status"] == "late"
    assert api.get("/api/initiatives/").json()["results"][0]["status"] == "late"
    patched = api.patch(f"/api/initiatives/{initiative['id']}/", {"budget": "2000000000.00"}, format="json")
    assert patched.status_code == 200 and patched.json()["objectives"] == ["P1", "L1"]
    strategy_map.state = MapState.APPROVED
    strategy_map.save()
    progress = api.post(
        f"/api/initiatives/{initiative['id']}/progress/",
        {"date": "2026-04-01", "percent": "30"},
        format="json",
    )
    assert progress.status_code == 201
    assert api.get(f"/api/initiatives/{initiative['id']}/").json()["progress"] == "30.00"
    assert (
        api.patch(f"/api/initiatives/{initiative['id']}/", {"name_id": "y"}, format="json").status_code == 403
    )
    employee = as_user(org.kpp_a, Role.EMPLOYEE)
    refused = employee.post(
        f"/api/initiatives/{initiative['id']}/progress/",
        {"date": "2026-04-01", "percent": "40"},
        format="json",
    )
    assert refused.status_code == 403
    assert Initiative.objects.get().progress_reports.count() == 1


def test_risks_and_monitoring(org, as_user):
    strategy_map = b.sound_map(org.kpp_a)
    s1 = strategy_map.objectives.get(code="S1")
    api = as_user(org.kpp_a, Role.MANAGER)
    created = api.post(
        "/api/risks/",
        {"objective": s1.pk, "code": "R1", "description": "Penerimaan turun", "likelihood": 4, "impact": 5},
        format="json",
    )
    assert (
        created.status_code == 201 and created.json()["level"] == 20 and created.json()["band"] == "extreme"
    )
    out_of_scale = api.post(
        "/api/risks/",
        {"objective": s1.pk, "code": "R2", "description": "x", "likelihood": 6, "impact": 1},
        format="json",
    )
    assert out_of_scale.status_code == 400 and "likelihood" in out_of_scale.json()
    risk_id = created.json()["id"]
    assert api.patch(f"/api/risks/{risk_id}/", {"impact": 2}, format="json").json()["band"] == "medium"
    strategy_map.state = MapState.APPROVED
    strategy_map.save()
    entry = api.post(
        f"/api/risks/{risk_id}/monitoring/", {"date": "2026-05-01", "note": "Terkendali"}, format="json"
    )
    assert entry.status_code == 201
    assert len(api.get(f"/api/risks/{risk_id}/").json()["monitoring"]) == 1
    assert as_user(org.kpp_b, Role.MANAGER).get(f"/api/risks/{risk_id}/").status_code == 404
    assert api.delete(f"/api/risks/{risk_id}/").status_code == 403
    assert Risk.objects.count() == 1
