"""Weights are shares in percent (0–100), budgets are not negative, progress is 0–100 %: refused where
they are entered, through the API, the pages and the planning service (issue 11 item 9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.planning import services
from kinerja.planning.models import Kpi, Objective
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

MANUAL = {
    "name_id": "Persentase layanan tepat waktu",
    "validity": "proxy",
    "controllability": "moderate",
    "polarity": "max",
    "consolidation": "last",
    "frequency": "yearly",
    "unit_of_measure": "dokumen",
    "target": "100",
}


@pytest.fixture
def setting(org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    manager = make_user(org.kpp_a, Role.MANAGER)
    api = APIClient()
    api.force_login(manager)
    return strategy_map, manager, api


@pytest.mark.parametrize(("weight", "message"), [("-5", "negatif"), ("-0,01", "negatif"), ("100.5", "100")])
def test_the_api_refuses_an_objective_weight_outside_0_to_100(setting, weight, message):
    strategy_map, _, api = setting
    body = {
        "map": strategy_map.pk,
        "code": "C9",
        "perspective": "customer",
        "name_id": "SS",
        "weight": weight,
    }
    response = api.post("/api/objectives/", body, format="json")
    assert response.status_code == 400, response.json()
    assert message in " ".join(response.json()["weight"])
    assert not Objective.objects.filter(code="C9").exists()
    s1 = strategy_map.objectives.get(code="S1")
    patched = api.patch(f"/api/objectives/{s1.pk}/", {"weight": weight}, format="json")
    assert patched.status_code == 400 and "weight" in patched.json()


@pytest.mark.parametrize("weight", ["-1", -20, "101"])
def test_the_api_refuses_a_kpi_weight_outside_0_to_100(setting, weight):
    strategy_map, _, api = setting
    c1 = strategy_map.objectives.get(code="C1")
    response = api.post(
        "/api/kpis/", {"objective": c1.pk, "code": "C1.9", **MANUAL, "weight": weight}, format="json"
    )
    assert response.status_code == 400, response.json()
    assert "weight" in response.json()
    assert not Kpi.objects.filter(code="C1.9").exists()


def test_a_weight_of_0_to_100_is_accepted(setting):
    strategy_map, _, api = setting
    c1 = strategy_map.objectives.get(code="C1")
    response = api.post(
        "/api/kpis/", {"objective": c1.pk, "code": "C1.9", **MANUAL, "weight": "0"}, format="json"
    )
    assert response.status_code == 201, response.json()


def test_the_objective_form_refuses_a_negative_weight(client, setting):
    strategy_map, manager, _ = setting
    client.force_login(manager)
    customer = strategy_map.perspectives.get(code="customer")
    response = client.post(
        reverse("strategy:objective-add", args=[strategy_map.pk]),
        {"perspective": customer.pk, "code": "C9", "name_id": "SS baru", "weight": "-5"},
    )
    assert response.status_code == 200
    assert "negatif" in response.content.decode()
    assert not Objective.objects.filter(code="C9").exists()


def test_the_services_refuse_negative_perspective_weights_and_objective_weights(setting):
    strategy_map, manager, _ = setting
    perspectives = list(strategy_map.perspectives.order_by("order"))
    weights = [Decimal(130), Decimal(-10), Decimal(-10), Decimal(-10)]  # totals 100
    with pytest.raises(ValidationError) as refused:
        services.update_perspectives(
            strategy_map=strategy_map,
            values={p.pk: {"weight": w} for p, w in zip(perspectives, weights, strict=True)},
            by=manager,
        )
    assert "weight" in refused.value.message_dict
    s1 = strategy_map.objectives.get(code="S1")
    with pytest.raises(ValidationError) as refused:
        services.save_objective(
            strategy_map=strategy_map,
            objective=s1,
            perspective=s1.perspective,
            code=s1.code,
            name_id=s1.name_id,
            weight=Decimal(-1),
            by=manager,
        )
    assert "Bobot tidak boleh negatif." in refused.value.message_dict["weight"]


def test_the_api_refuses_a_negative_budget_and_progress_outside_0_to_100(setting):
    strategy_map, _, api = setting
    response = api.post(
        "/api/initiatives/",
        {"map": strategy_map.pk, "code": "I9", "name_id": "Inisiatif", "budget": "-1"},
        format="json",
    )
    assert response.status_code == 400 and "budget" in response.json(), response.json()
