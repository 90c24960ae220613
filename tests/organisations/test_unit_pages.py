"""Unit pages: the tree, search, detail, and who may see what (404 outside the subtree)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from tests.factories import PositionFactory, make_unit

pytestmark = pytest.mark.django_db


def detail(unit):
    return reverse("organisations:unit-detail", args=[unit.code])


@pytest.mark.parametrize("role", Role.values)
def test_every_role_sees_the_tree_and_the_unit_page(client, org, make_user, role):
    client.force_login(make_user(org.kpp_a, role))
    tree = client.get(reverse("organisations:unit-list"))
    assert tree.status_code == 200
    assert "KPP-A" in tree.text and "KPP-B" not in tree.text
    page = client.get(detail(org.kpp_a))
    assert page.status_code == 200
    assert "KPP Pratama A" in page.text


def test_anonymous_user_is_sent_to_login(client, org):
    response = client.get(reverse("organisations:unit-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_unit_outside_the_subtree_is_not_found(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    assert client.get(detail(org.kpp_b)).status_code == 404
    assert client.get(detail(org.kanwil)).status_code == 404
    assert client.get(reverse("organisations:unit-children", args=[org.kanwil.code])).status_code == 404
    assert client.get(reverse("organisations:unit-update", args=[org.kpp_b.code])).status_code == 404


def test_tree_shows_top_two_levels_and_loads_deeper_levels_lazily(client, org, make_user):
    client.force_login(make_user(org.djp, Role.EMPLOYEE))
    response = client.get(reverse("organisations:unit-list"))
    text = response.text
    assert "Direktorat Jenderal Pajak" in text
    assert "KANWIL" in text  # eager child of the root
    assert "KPP Pratama A" not in text  # grandchildren come through htmx
    assert reverse("organisations:unit-children", args=["KANWIL"]) in text
    assert "DJBC" not in text


def test_children_partial_lists_the_children(client, org, make_user):
    client.force_login(make_user(org.djp, Role.EMPLOYEE))
    response = client.get(reverse("organisations:unit-children", args=["KANWIL"]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "KPP Pratama A" in response.text and "KPP Pratama B" in response.text
    assert "<html" not in response.text
    # KPP-A has a child, so it is expandable through htmx in turn
    assert reverse("organisations:unit-children", args=["KPP-A"]) in response.text


def test_superuser_sees_the_roots(client, org, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    text = client.get(reverse("organisations:unit-list")).text
    assert "Kementerian Keuangan" in text and "DJBC" in text


def test_search_is_a_flat_list_within_reach(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.EMPLOYEE))
    response = client.get(reverse("organisations:unit-list"), {"q": "pratama"})
    assert response.status_code == 200
    assert "KPP Pratama A" in response.text and "KPP Pratama B" in response.text
    assert "2 unit ditemukan" in response.text
    response = client.get(reverse("organisations:unit-list"), {"q": "DJBC"})
    assert "0 unit ditemukan" in response.text


def test_filters_by_level_kind_and_map_owner(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.AUDITOR))
    url = reverse("organisations:unit-list")
    text = client.get(url, {"level": "four"}).text
    assert "1 unit ditemukan" in text
    assert detail(org.section_a) in text and detail(org.kpp_a) not in text
    assert ">KPP-A</span>" in text  # the parent column
    text = client.get(url, {"kind": "echelon_1"}).text
    assert detail(org.djbc) in text and detail(org.djp) in text and detail(org.kanwil) not in text
    text = client.get(url, {"owns_map": "0"}).text
    assert detail(org.section_a) in text and detail(org.kpp_b) not in text


def test_search_over_htmx_returns_the_results_fragment(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.EMPLOYEE))
    response = client.get(
        reverse("organisations:unit-list"),
        {"q": "KPP-B"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="unit-results",
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="unit-results"' in response.text and "KPP-B" in response.text
    assert 'hx-swap-oob="innerHTML:#unit-count"' in response.text


def test_breadcrumbs_link_only_ancestors_within_reach(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    text = client.get(detail(org.section_a)).text
    assert f'href="{detail(org.kpp_a)}"' in text
    assert "Direktorat Jenderal Pajak" in text  # shown ...
    assert f'href="{detail(org.djp)}"' not in text  # ... but not linked
    assert f'href="{detail(org.ministry)}"' not in text


def test_detail_shows_children_positions_employees_and_history(client, org, make_user, employee_in):
    PositionFactory(unit=org.kpp_a, title_id="Kepala Kantor", is_head=True, type="structural", echelon=3)
    employee_in(org.kpp_a, name="Budi Santoso")
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    text = client.get(detail(org.kpp_a)).text
    assert "SEKSI-A" in text
    assert "Kepala Kantor" in text
    assert "Budi Santoso" in text
    assert "Riwayat perubahan" in text


def test_detail_paginates_employees(client, org, make_user, employee_in):
    for i in range(30):
        employee_in(org.kpp_b, name=f"Pegawai {i:02d}")
    client.force_login(make_user(org.kpp_b, Role.EMPLOYEE))
    first = client.get(detail(org.kpp_b)).text
    assert "Pegawai 00" in first and "Pegawai 29" not in first
    second = client.get(
        detail(org.kpp_b), {"hal": 2}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="unit-employees"
    )
    assert "Pegawai 29" in second.text and "<html" not in second.text


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, False),
        (Role.EMPLOYEE, False),
        (Role.LEADER, False),
        (Role.AUDITOR, False),
    ],
)
def test_edit_buttons_only_when_permitted(client, org, make_user, role, can_edit):
    client.force_login(make_user(org.kpp_a, role))
    text = client.get(detail(org.kpp_a)).text
    assert (reverse("organisations:unit-update", args=["KPP-A"]) in text) is can_edit
    assert (reverse("organisations:unit-create", args=["KPP-A"]) in text) is can_edit


def test_many_children_still_render(client, org, make_user):
    for i in range(5):
        make_unit(f"SEKSI-B{i}", parent=org.kpp_b, level="four", kind="section", owns_map=False)
    client.force_login(make_user(org.kanwil, Role.EMPLOYEE))
    response = client.get(reverse("organisations:unit-children", args=["KPP-B"]))
    assert response.text.count("<li>") == 5
