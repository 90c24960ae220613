"""Positions: listed on the unit page, created and edited by admins only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.organisations.models import Position
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def test_admin_creates_a_structural_position(client, org, make_user):
    admin = make_user(org.kpp_a, Role.ADMIN)
    head = PositionFactory(unit=org.kpp_a, type="structural", echelon=3, is_head=True)
    client.force_login(admin)
    response = client.post(
        reverse("organisations:position-create", args=["SEKSI-A"]),
        {
            "code": "SEKSI-A-KEPALA",
            "title_id": "Kepala Seksi A",
            "title_en": "Head of Section A",
            "type": "structural",
            "echelon": "4",
            "job_grade": "12",
            "superior": head.pk,
            "is_head": "on",
        },
    )
    assert response.status_code == 302
    position = Position.objects.get(code="SEKSI-A-KEPALA")
    assert position.unit == org.section_a and position.superior == head and position.is_head
    assert position.history.latest().history_user == admin
    assert "Kepala Seksi A" in client.get(reverse("organisations:unit-detail", args=["SEKSI-A"])).text


def test_echelon_only_for_structural_and_required_there(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    url = reverse("organisations:position-create", args=["KPP-A"])
    response = client.post(url, {"code": "P1", "title_id": "Pelaksana", "type": "executor", "echelon": "4"})
    assert "Eselon hanya diisi untuk jabatan struktural." in response.text
    response = client.post(url, {"code": "P1", "title_id": "Kepala", "type": "structural"})
    assert "Jabatan struktural harus memiliki eselon 1 sampai 5." in response.text
    assert not Position.objects.filter(code="P1").exists()


def test_one_head_per_unit_and_no_superior_loops(client, org, make_user):
    head = PositionFactory(
        unit=org.kpp_a, type="structural", echelon=3, is_head=True, title_id="Kepala Kantor"
    )
    deputy = PositionFactory(unit=org.kpp_a, superior=head)
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    response = client.post(
        reverse("organisations:position-create", args=["KPP-A"]),
        {"code": "P2", "title_id": "Kepala Lain", "type": "structural", "echelon": "3", "is_head": "on"},
    )
    assert "Unit ini sudah memiliki kepala unit: Kepala Kantor." in response.text
    response = client.post(
        reverse("organisations:position-update", args=[head.code]),
        {
            "code": head.code,
            "title_id": head.title_id,
            "type": "structural",
            "echelon": "3",
            "is_head": "on",
            "superior": deputy.pk,
        },
    )
    assert "garis komando tidak boleh melingkar" in response.text
    head.refresh_from_db()
    assert head.superior is None


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.AUDITOR])
def test_non_admins_cannot_manage_positions(client, org, make_user, role):
    position = PositionFactory(unit=org.kpp_a)
    client.force_login(make_user(org.kpp_a, role))
    assert client.get(reverse("organisations:position-create", args=["KPP-A"])).status_code == 403
    assert client.get(reverse("organisations:position-update", args=[position.code])).status_code == 403


def test_position_outside_the_subtree_is_not_found(client, org, make_user):
    position = PositionFactory(unit=org.kpp_b)
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    assert client.get(reverse("organisations:position-update", args=[position.code])).status_code == 404
    assert client.get(reverse("organisations:position-create", args=["KPP-B"])).status_code == 404


def test_the_minister_position_needs_no_echelon(client, org, make_user):
    """Kemenkeu-Wide's structural positions (Minister, Vice Minister) are above every echelon."""
    client.force_login(make_user(org.ministry, Role.ADMIN))
    response = client.post(
        reverse("organisations:position-create", args=["KEMENKEU"]),
        {"code": "MENKEU", "title_id": "Menteri Keuangan", "type": "structural", "is_head": "on"},
    )
    assert response.status_code == 302
    assert Position.objects.get(code="MENKEU").echelon is None
