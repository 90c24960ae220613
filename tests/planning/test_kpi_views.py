"""KPI pages: the list, the printable manual, the manual form with its trajectory, the htmx trajectory inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.planning.models import Kpi, MapState
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "code": "C1.1",
        "name_id": "Indeks kepuasan layanan",
        "name_en": "Service satisfaction index",
        "description": "Hasil survei kepuasan pengguna jasa",
        "formula": "Rata-rata skor survei",
        "unit_of_measure": "indeks",
        "validity": "exact",
        "controllability": "moderate",
        "lead_lag": "lag",
        "polarity": "max",
        "consolidation": "average",
        "frequency": "quarterly",
        "data_source": "Survei",
        "measured_by": "Seksi Kepatuhan Internal",
        "owner_text": "Kepala Kantor",
        "target": "75",
        "period_1": "75",
        "period_2": "75",
        "period_3": "75",
        "period_4": "75",
    }
    data.update(overrides)
    return data


@pytest.fixture
def objective(org):
    strategy_map = b.bare_map(org.kpp_a)
    return b.objective(strategy_map, "customer", "C1")


def test_add_a_kpi_with_its_trajectory(client, org, make_user, objective):
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(reverse("kpis:kpi-add", args=[objective.pk]), form_data())
    kpi = Kpi.objects.get(code="C1.1")
    assert response.url == reverse("kpis:kpi", args=[kpi.pk])
    assert list(kpi.period_targets.values_list("target", flat=True)) == [D(75)] * 4


def test_a_trajectory_that_misses_the_target_is_refused_with_the_finding(client, org, make_user, objective):
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    response = client.post(reverse("kpis:kpi-add", args=[objective.pk]), form_data(period_4="60"))
    assert response.status_code == 200
    assert "tidak mencapai target tahunan 75" in response.content.decode()
    assert not Kpi.objects.exists()
    partial = client.post(reverse("kpis:kpi-add", args=[objective.pk]), form_data(period_4=""))
    assert "Isi target untuk setiap periode pelaporan." in partial.content.decode()
    zero = client.post(
        reverse("kpis:kpi-add", args=[objective.pk]),
        form_data(target="0", period_1="0", period_2="0", period_3="0", period_4="0"),
    )
    assert "target 0" in zero.content.decode()


def test_edit_form_shows_the_stored_trajectory_unlocalised(client, org, make_user, objective):
    kpi = b.kpi(objective, "C1.1", frequency="quarterly", consolidation="sum", target=D("10.5"),
                trajectory=[D("2.5"), D(3), D(2), D(3)])  # fmt: skip
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    html = client.get(reverse("kpis:kpi-edit", args=[kpi.pk])).content.decode()
    assert 'name="period_1" id="id_period_1" value="2.5"' in html
    assert 'value="10.5"' in html


def test_trajectory_inputs_follow_the_frequency(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    url = reverse("kpis:trajectory-fields")
    monthly = client.get(
        url, {"frequency": "monthly", "consolidation": "sum", "target": "120"}
    ).content.decode()
    assert monthly.count("<input") == 12 and 'value="10"' in monthly and "B12" in monthly
    yearly = client.get(
        url, {"frequency": "yearly", "consolidation": "last", "target": "75"}
    ).content.decode()
    assert yearly.count("<input") == 1 and 'value="75"' in yearly
    empty = client.get(url, {"frequency": "semester"}).content.decode()
    assert empty.count("<input") == 2 and 'value=""' in empty


def test_manual_page_has_every_field_and_a_print_stylesheet(client, org, make_user, objective):
    kpi = b.kpi(objective, "C1.1", worst=D(3), baseline=D(70), mandatory=True)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(reverse("kpis:kpi", args=[kpi.pk]))
    html = response.content.decode()
    for label in (
        "Deskripsi",
        "Formula",
        "Satuan pengukuran",
        "Jenis IKU",
        "Tingkat kendali IKU",
        "Polarisasi data",
        "Jenis konsolidasi data",
        "Periode pelaporan",
        "Sumber data",
        "Pihak yang mengukur",
        "Penanggung jawab",
        "Baseline",
        "Nilai terburuk yang dapat ditoleransi",
        "IKU mandatory",
        "Target per periode",
    ):
        assert f">{label}</th>" in html, label
    assert "planning/strategy.css" in html and not response.context["can_edit"]


def test_kpi_list_shows_only_visible_maps(client, org, make_user):
    mine = b.sound_map(org.kpp_a)
    b.sound_map(org.kpp_b)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    groups = client.get(reverse("kpis:index")).context["groups"]
    assert [g["map"] for g in groups] == [mine]
    assert len(groups[0]["kpis"]) == 8


def test_kpi_pages_respect_permissions(client, org, make_user, objective):
    kpi = b.kpi(objective, "C1.1")
    client.force_login(make_user(org.kpp_b, Role.MANAGER))
    assert client.get(reverse("kpis:kpi", args=[kpi.pk])).status_code == 404
    assert client.get(reverse("kpis:kpi-edit", args=[kpi.pk])).status_code == 404
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    objective.map.state = MapState.APPROVED
    objective.map.save()
    assert client.get(reverse("kpis:kpi-edit", args=[kpi.pk])).status_code == 403
    assert client.post(reverse("kpis:kpi-delete", args=[kpi.pk])).status_code == 403
    objective.map.state = MapState.DRAFT
    objective.map.save()
    assert client.post(reverse("kpis:kpi-delete", args=[kpi.pk])).status_code == 302
    assert not Kpi.objects.exists()
