"""KPI API: the manual and trajectory through kpis.services, with the same rules and permissions as the pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.planning.models import Kpi, MapState
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

MANUAL = {
    "name_id": "Persentase layanan tepat waktu",
    "validity": "proxy",
    "controllability": "moderate",
    "polarity": "max",
    "consolidation": "sum",
    "frequency": "quarterly",
    "unit_of_measure": "dokumen",
    "target": "100",
}


def client_for(user):
    client = APIClient()
    client.force_login(user)
    return client


def test_kpi_create_read_update_delete(org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    c1 = strategy_map.objectives.get(code="C1")
    api = client_for(make_user(org.kpp_a, Role.MANAGER))
    created = api.post(
        "/api/kpis/",
        {"objective": c1.pk, "code": "C1.2", **MANUAL, "trajectory": [20, 25, 25, 30]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (
        body["trajectory"] == ["20.000000", "25.000000", "25.000000", "30.000000"]
        and body["objective_code"] == "C1"
    )
    wrong = api.post(
        "/api/kpis/",
        {"objective": c1.pk, "code": "C1.3", **MANUAL, "trajectory": [20, 25, 25, 20]},
        format="json",
    )
    assert wrong.status_code == 400  # rule 12: the trajectory does not reach the target
    patched = api.patch(f"/api/kpis/{body['id']}/", {"name_id": "Nama baru"}, format="json")
    assert patched.status_code == 200 and patched.json()["trajectory"][-1] == "30.000000"
    assert api.get("/api/kpis/").json()["count"] == 9
    assert api.delete(f"/api/kpis/{body['id']}/").status_code == 204
    assert not Kpi.objects.filter(code="C1.2").exists()


def test_kpi_permissions(org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    kpi = Kpi.objects.filter(objective__map=strategy_map).first()
    assert client_for(make_user(org.kpp_b, Role.MANAGER)).get(f"/api/kpis/{kpi.pk}/").status_code == 404
    employee = client_for(make_user(org.kpp_a, Role.EMPLOYEE))
    assert employee.get(f"/api/kpis/{kpi.pk}/").status_code == 200
    assert employee.patch(f"/api/kpis/{kpi.pk}/", {"name_id": "x"}, format="json").status_code == 403
    assert (
        employee.post(
            "/api/kpis/", {"objective": kpi.objective_id, "code": "X", **MANUAL}, format="json"
        ).status_code
        == 403
    )
    strategy_map.state = MapState.APPROVED
    strategy_map.save()
    manager = client_for(make_user(org.kpp_a, Role.MANAGER))
    assert manager.patch(f"/api/kpis/{kpi.pk}/", {"target": "90"}, format="json").status_code == 403
    assert Kpi.objects.get(pk=kpi.pk).target == Decimal(100)
