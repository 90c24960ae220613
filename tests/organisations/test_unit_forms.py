"""Creating, editing and moving units: admin role only, clear messages, nothing changed on error."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.organisations.models import Unit

pytestmark = pytest.mark.django_db

NEW_UNIT = {
    "code": "SEKSI-B",
    "name_id": "Seksi Pelayanan",
    "name_en": "Service Section",
    "level": "four",
    "kind": "section",
    "is_active": "on",
}


def paths() -> dict[str, str]:
    return dict(Unit.objects.values_list("code", "path"))


def test_admin_creates_a_child_unit_and_history_records_the_user(client, org, make_user):
    admin = make_user(org.kanwil, Role.ADMIN)
    client.force_login(admin)
    response = client.post(reverse("organisations:unit-create", args=["KPP-B"]), NEW_UNIT)
    assert response.status_code == 302
    unit = Unit.objects.get(code="SEKSI-B")
    assert Unit.objects.get_parent(unit).code == "KPP-B"
    assert unit.history.latest().history_user == admin
    assert unit.history.latest().history_type == "+"


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.LEADER, Role.AUDITOR])
def test_other_roles_may_not_create_edit_or_move(client, org, make_user, role):
    client.force_login(make_user(org.kanwil, role))
    before = paths()
    assert client.get(reverse("organisations:unit-create", args=["KPP-B"])).status_code == 403
    assert client.post(reverse("organisations:unit-create", args=["KPP-B"]), NEW_UNIT).status_code == 403
    assert client.get(reverse("organisations:unit-update", args=["KPP-B"])).status_code == 403
    assert (
        client.post(reverse("organisations:unit-move", args=["SEKSI-A"]), {"new_parent": "KPP-B"}).status_code
        == 403
    )
    assert paths() == before


def test_duplicate_code_is_refused_with_a_clear_message(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    before = Unit.objects.count()
    response = client.post(
        reverse("organisations:unit-create", args=["KPP-B"]), {**NEW_UNIT, "code": "KPP-A"}
    )
    assert response.status_code == 200
    assert "Kode unit “KPP-A” sudah dipakai oleh unit lain." in response.text
    assert Unit.objects.count() == before


def test_level_must_be_below_the_parent(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.post(reverse("organisations:unit-create", args=["KPP-B"]), {**NEW_UNIT, "level": "one"})
    assert response.status_code == 200
    assert "Level unit harus lebih rendah dari level unit induknya" in response.text
    assert "Kemenkeu-Three" in response.text
    assert not Unit.objects.filter(code="SEKSI-B").exists()


def test_same_level_as_parent_is_refused_too(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.post(
        reverse("organisations:unit-create", args=["KPP-B"]), {**NEW_UNIT, "level": "three"}
    )
    assert "Level unit harus lebih rendah" in response.text
    assert not Unit.objects.filter(code="SEKSI-B").exists()


def test_map_owner_only_for_levels_wide_to_three(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.post(
        reverse("organisations:unit-create", args=["KPP-B"]), {**NEW_UNIT, "owns_map": "on"}
    )
    assert "pemilik peta strategi" in response.text
    assert "Hanya unit level Kemenkeu-Wide" in response.text
    assert not Unit.objects.filter(code="SEKSI-B").exists()


def test_edit_keeps_level_above_the_children(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    data = {
        "code": "KPP-A",
        "name_id": "KPP Pratama A",
        "name_en": "",
        "level": "five",
        "kind": "kpp",
        "is_active": "on",
    }
    response = client.post(reverse("organisations:unit-update", args=["KPP-A"]), data)
    assert response.status_code == 200
    assert "Level unit harus lebih tinggi dari level unit di bawahnya" in response.text
    assert Unit.objects.get(code="KPP-A").level == "three"


def test_admin_edits_a_unit_and_history_shows_the_change(client, org, make_user):
    admin = make_user(org.kanwil, Role.ADMIN, first_name="Sri", last_name="Admin")
    client.force_login(admin)
    data = {
        "code": "KPP-A",
        "name_id": "KPP Pratama A Baru",
        "name_en": "Tax Office A",
        "level": "three",
        "kind": "kpp",
        "owns_map": "on",
        "is_active": "on",
        "valid_from": "2024-01-01",
    }
    response = client.post(reverse("organisations:unit-update", args=["KPP-A"]), data)
    assert response.status_code == 302
    unit = Unit.objects.get(code="KPP-A")
    assert unit.name_id == "KPP Pratama A Baru"
    assert unit.history.latest().history_user == admin
    page = client.get(reverse("organisations:unit-detail", args=["KPP-A"])).text
    assert "Sri Admin" in page
    assert "KPP Pratama A Baru" in page


def test_edit_with_a_duplicate_code_changes_nothing(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    data = {"code": "KPP-B", "name_id": "Ganti", "level": "three", "kind": "kpp", "is_active": "on"}
    response = client.post(reverse("organisations:unit-update", args=["KPP-A"]), data)
    assert "sudah dipakai oleh unit lain" in response.text
    assert Unit.objects.get(pk=org.kpp_a.pk).name_id == "KPP Pratama A"
    assert "KPP Pratama A" in response.text  # the page headings still show the stored unit


def test_move_under_own_descendant_is_refused_and_changes_nothing(client, org, make_user):
    client.force_login(make_user(org.djp, Role.ADMIN))
    before = paths()
    response = client.post(reverse("organisations:unit-move", args=["KANWIL"]), {"new_parent": "SEKSI-A"})
    assert response.status_code == 200
    assert "tidak dapat dipindahkan ke bawah dirinya sendiri atau ke bawah unit turunannya" in response.text
    assert paths() == before


def test_move_above_level_is_refused(client, org, make_user):
    client.force_login(make_user(org.djp, Role.ADMIN))
    before = paths()
    response = client.post(reverse("organisations:unit-move", args=["KPP-B"]), {"new_parent": "SEKSI-A"})
    assert response.status_code == 200
    assert "level unit induk harus lebih tinggi" in response.text
    assert paths() == before


def test_move_to_a_unit_outside_the_admin_subtree_is_refused(client, org, make_user):
    client.force_login(make_user(org.djp, Role.ADMIN))
    before = paths()
    response = client.post(reverse("organisations:unit-move", args=["KPP-B"]), {"new_parent": "DJBC"})
    assert response.status_code == 200
    assert "tidak ditemukan atau di luar wewenang Anda" in response.text
    assert paths() == before


def test_admin_moves_a_unit_with_its_subtree(client, org, make_user):
    admin = make_user(org.djp, Role.ADMIN)
    client.force_login(admin)
    other = Unit.objects.add_child(
        Unit.objects.get(code="DJP"),
        create_kwargs={"code": "KANWIL-2", "name_id": "Kanwil 2", "level": "two", "kind": "regional_office"},
    )
    response = client.post(reverse("organisations:unit-move", args=["KPP-A"]), {"new_parent": "KANWIL-2"})
    assert response.status_code == 302
    kpp_a = Unit.objects.get(code="KPP-A")
    assert Unit.objects.get_parent(kpp_a, update=True).code == "KANWIL-2"
    section = Unit.objects.get(code="SEKSI-A")
    assert section.path.startswith(kpp_a.path)
    assert Unit.objects.get(pk=other.pk).numchild == 1
    assert Unit.objects.get(code="KANWIL").numchild == 1
    record = kpp_a.history.latest()
    assert record.history_user == admin
    assert "KANWIL" in record.history_change_reason and "KANWIL-2" in record.history_change_reason


def test_create_form_renders_with_labels(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.get(reverse("organisations:unit-create", args=["KPP-B"]))
    assert response.status_code == 200
    assert '<label for="id_code">' in response.text
    assert "Tambah unit di bawah KPP Pratama B" in response.text


def test_new_unit_defaults_to_the_level_below_the_parent(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.get(reverse("organisations:unit-create", args=["KPP-B"]))
    assert response.context["form"]["level"].value() == "four"


def test_a_long_unit_list_becomes_a_code_box(client, org, make_user, employee_in, monkeypatch):
    from kinerja.organisations import forms

    monkeypatch.setattr(forms, "UNIT_SELECT_LIMIT", 2)
    person = employee_in(org.kpp_a)
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    response = client.get(reverse("organisations:employee-update", args=[person.nip]))
    assert '<input type="text" name="unit" value="KPP-A"' in response.text
    response = client.post(
        reverse("organisations:employee-update", args=[person.nip]),
        {
            "nip": person.nip,
            "name": person.name,
            "unit": "TIDAK-ADA",
            "kind": "definitive",
            "is_active": "on",
        },
    )
    assert "Unit dengan kode ini tidak ditemukan atau di luar wewenang Anda." in response.text
