"""Pages of initiatives, risks, themes and the Renstra plan: who sees (404), who may act (403), monitoring after approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.planning import services
from kinerja.planning.models import (
    Initiative,
    MapState,
    Milestone,
    ProgressReport,
    Risk,
    RiskMonitoring,
    Theme,
    UnitPlan,
)
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_user):
    return make_user(org.kpp_a, Role.MANAGER)


@pytest.fixture
def planned(org, manager):
    strategy_map = b.sound_map(org.kpp_a)
    initiative = services.save_initiative(
        strategy_map=strategy_map, code="IS1", name_id="Digitalisasi layanan", budget=D(5000000), by=manager
    )
    milestone = services.save_milestone(
        initiative=initiative, name="Desain", due_date=dt.date(2020, 1, 1), by=manager
    )
    risk = services.save_risk(
        objective=strategy_map.objectives.get(code="S1"),
        code="R1",
        description="Penerimaan turun",
        likelihood=4,
        impact=5,
        by=manager,
    )
    return strategy_map, initiative, milestone, risk


def test_manager_plans_initiatives_and_risks_through_the_pages(client, org, manager):
    strategy_map = b.sound_map(org.kpp_a)
    client.force_login(manager)
    p1 = strategy_map.objectives.get(code="P1")
    response = client.post(
        reverse("strategy:initiative-add", args=[strategy_map.pk]),
        {
            "code": "IS1",
            "name_id": "Layanan daring",
            "objectives": [p1.pk],
            "budget": "1500000",
            "start": "2026-01-01",
            "end": "2026-06-30",
        },
    )
    initiative = Initiative.objects.get(code="IS1")
    assert response.status_code == 302 and list(initiative.objectives.all()) == [p1]
    response = client.post(
        reverse("strategy:milestone-add", args=[initiative.pk]),
        {"name": "Uji coba", "due_date": "2099-03-31"},
    )
    assert response.status_code == 302 and initiative.milestones.count() == 1
    response = client.post(
        reverse("strategy:initiative-add", args=[strategy_map.pk]),
        {"code": "IS2", "name_id": "Salah", "start": "2026-05-01", "end": "2026-04-01"},
    )
    assert response.status_code == 200 and not Initiative.objects.filter(code="IS2").exists()
    response = client.post(
        reverse("strategy:risk-add", args=[p1.pk]),
        {"code": "R1", "description": "Sistem gagal", "likelihood": "2", "impact": "3"},
    )
    assert response.status_code == 302 and Risk.objects.get(code="R1").level == 6
    page = client.get(reverse("strategy:map", args=[strategy_map.pk]))
    assert b"Layanan daring" in page.content and page.context["initiatives"][0].status == "on_track"
    page = client.get(reverse("strategy:objective", args=[p1.pk]))
    assert b"Sistem gagal" in page.content and b"Sedang" in page.content


def test_detail_pages_show_status_and_level(client, org, planned, make_user):
    _map, initiative, _milestone, risk = planned
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    page = client.get(reverse("strategy:initiative", args=[initiative.pk]))
    assert page.status_code == 200 and b"Terlambat" in page.content and not page.context["can_monitor"]
    page = client.get(reverse("strategy:risk", args=[risk.pk]))
    assert page.status_code == 200 and b"20" in page.content and b"Ekstrem" in page.content


def test_other_unit_gets_404_and_employee_gets_403(client, org, planned, make_user):
    strategy_map, initiative, milestone, risk = planned
    objective = risk.objective
    client.force_login(make_user(org.kpp_b, Role.MANAGER))
    for url in (
        reverse("strategy:initiative", args=[initiative.pk]),
        reverse("strategy:initiative-edit", args=[initiative.pk]),
        reverse("strategy:risk", args=[risk.pk]),
        reverse("strategy:risk-add", args=[objective.pk]),
        reverse("strategy:themes", args=[strategy_map.pk]),
        reverse("strategy:map-export", args=[strategy_map.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("strategy:progress-add", args=[initiative.pk]), {}).status_code == 404
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    for url in (
        reverse("strategy:initiative-add", args=[strategy_map.pk]),
        reverse("strategy:initiative-edit", args=[initiative.pk]),
        reverse("strategy:initiative-delete", args=[initiative.pk]),
        reverse("strategy:milestone-add", args=[initiative.pk]),
        reverse("strategy:risk-add", args=[objective.pk]),
        reverse("strategy:risk-edit", args=[risk.pk]),
        reverse("strategy:unit-plan", args=[strategy_map.pk]),
    ):
        assert client.get(url).status_code == 403, url
    for url in (
        reverse("strategy:progress-add", args=[initiative.pk]),
        reverse("strategy:milestone-done", args=[milestone.pk]),
        reverse("strategy:monitoring-add", args=[risk.pk]),
        reverse("strategy:themes", args=[strategy_map.pk]),
    ):
        assert client.post(url, {}).status_code == 403, url


def test_approved_map_is_read_only_but_monitoring_continues(client, planned, manager):
    strategy_map, initiative, milestone, risk = planned
    strategy_map.state = MapState.APPROVED
    strategy_map.save()
    client.force_login(manager)
    for url in (
        reverse("strategy:initiative-add", args=[strategy_map.pk]),
        reverse("strategy:initiative-edit", args=[initiative.pk]),
        reverse("strategy:risk-edit", args=[risk.pk]),
        reverse("strategy:milestone-add", args=[initiative.pk]),
        reverse("strategy:map-import", args=[strategy_map.pk]),
    ):
        assert client.get(url).status_code == 403, url
    page = client.get(reverse("strategy:initiative", args=[initiative.pk]))
    assert page.context["can_monitor"] and not page.context["can_edit"]
    response = client.post(
        reverse("strategy:progress-add", args=[initiative.pk]),
        {"date": "2026-04-01", "percent": "35", "note": "Berjalan"},
    )
    assert response.status_code == 302 and ProgressReport.objects.get().percent == D(35)
    response = client.post(
        reverse("strategy:progress-add", args=[initiative.pk]), {"date": "2026-04-01", "percent": "135"}
    )
    assert response.status_code == 400
    assert (
        client.post(reverse("strategy:milestone-done", args=[milestone.pk]), {"done": "1"}).status_code == 302
    )
    assert Milestone.objects.get().done
    response = client.post(
        reverse("strategy:monitoring-add", args=[risk.pk]), {"date": "2026-04-01", "note": "Terkendali"}
    )
    assert response.status_code == 302 and RiskMonitoring.objects.get().by == manager


def test_themes_and_unit_plan_pages(client, org, manager):
    strategy_map = b.sound_map(org.kpp_a)
    b.plan_year()
    client.force_login(manager)
    url = reverse("strategy:themes", args=[strategy_map.pk])
    assert client.post(url, {"code": "T1", "name_id": "Kepatuhan"}).status_code == 302
    theme = Theme.objects.get(map=strategy_map, code="T1")
    assert client.get(url).status_code == 200
    assert client.post(reverse("strategy:theme-delete", args=[theme.pk])).status_code == 302
    assert not Theme.objects.exists()
    url = reverse("strategy:unit-plan", args=[strategy_map.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"vision": "Visi", "mission": "Misi", "goals": "Tujuan 1"})
    assert response.status_code == 302 and UnitPlan.objects.get(unit=org.kpp_a).goals == "Tujuan 1"
