"""Employee list and detail pages, and who may reach them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.organisations.models import Assignment
from tests.factories import EmployeeFactory, PositionFactory

pytestmark = pytest.mark.django_db
LIST = "organisations:employee-list"


def detail(employee):
    return reverse("organisations:employee-detail", args=[employee.nip])


@pytest.mark.parametrize("role", Role.values)
def test_every_role_sees_the_employee_list_and_detail(client, org, make_user, employee_in, role):
    mine, theirs = employee_in(org.kpp_a, name="Ani Wijaya"), employee_in(org.kpp_b, name="Bambang Susilo")
    client.force_login(make_user(org.kpp_a, role))
    text = client.get(reverse(LIST)).text
    assert "Ani Wijaya" in text and "Bambang Susilo" not in text
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(theirs)).status_code == 404


def test_employee_of_another_office_is_not_found_for_view_or_edit(client, org, make_user, employee_in):
    theirs = employee_in(org.kpp_b)
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    assert client.get(detail(theirs)).status_code == 404
    assert client.get(reverse("organisations:employee-update", args=[theirs.nip])).status_code == 404
    assert (
        client.post(reverse("organisations:employee-update", args=[theirs.nip]), {"name": "x"}).status_code
        == 404
    )


def test_an_employee_without_a_role_sees_their_own_page(client, org, make_user, employee_in):
    me = employee_in(org.kpp_b)
    client.force_login(make_user(None, employee=me))
    assert client.get(detail(me)).status_code == 200
    assert client.get(reverse("organisations:employee-update", args=[me.nip])).status_code == 403


def test_search_by_nip_prefix_and_by_name(client, org, make_user, employee_in):
    a = employee_in(org.kpp_a, name="Citra Lestari", nip="198001012005012001")
    employee_in(org.kpp_a, name="Dedi Kurniawan", nip="199002022015011002")
    client.force_login(make_user(org.kanwil, Role.EMPLOYEE))
    text = client.get(reverse(LIST), {"q": "19800101"}).text
    assert a.name in text and "Dedi Kurniawan" not in text
    text = client.get(reverse(LIST), {"q": "kurnia"}).text
    assert "Dedi Kurniawan" in text and a.name not in text


def test_filters_by_unit_subtree_position_type_and_status(client, org, make_user, employee_in):
    boss_position = PositionFactory(unit=org.kpp_a, type="structural", echelon=3)
    employee_in(org.section_a, name="Eka Seksi")
    employee_in(org.kpp_a, name="Fajar Kepala", position=boss_position)
    employee_in(org.kpp_b, name="Gita Lain")
    employee_in(org.kpp_b, name="Hadi Pensiun", is_active=False)
    client.force_login(make_user(org.kanwil, Role.EMPLOYEE))
    text = client.get(reverse(LIST), {"unit": "KPP-A"}).text
    assert "Eka Seksi" in text and "Fajar Kepala" in text and "Gita Lain" not in text
    text = client.get(reverse(LIST), {"position_type": "structural"}).text
    assert "Fajar Kepala" in text and "Eka Seksi" not in text
    text = client.get(reverse(LIST), {"is_active": "0"}).text
    assert "Hadi Pensiun" in text and "Gita Lain" not in text


def test_unit_filter_outside_reach_is_an_error_not_a_leak(client, org, make_user, employee_in):
    employee_in(org.kpp_b, name="Gita Lain")
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(reverse(LIST), {"unit": "KPP-B"})
    assert response.status_code == 200
    assert "Gita Lain" not in response.text


def test_live_search_returns_the_results_fragment(client, org, make_user, employee_in):
    employee_in(org.kpp_a, name="Indah Permata")
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(
        reverse(LIST), {"q": "Indah"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="employee-results"
    )
    assert "<html" not in response.text
    assert 'id="employee-results"' in response.text and "Indah Permata" in response.text
    assert "1 pegawai ditemukan" in response.text


def test_list_is_paginated_by_fifty(client, org, make_user):
    EmployeeFactory.create_batch(55, unit=org.kpp_a)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    response = client.get(reverse(LIST))
    assert len(response.context["page"].object_list) == 50
    assert "Halaman 1 dari 2" in response.text
    assert len(client.get(reverse(LIST), {"page": 2}).context["page"].object_list) == 5


def test_detail_shows_superior_subordinates_assignments_and_history(client, org, make_user, employee_in):
    boss = employee_in(org.kanwil, name="Joko Atasan")
    me = employee_in(org.kpp_a, name="Kartika Pegawai", superior=boss)
    sub = employee_in(org.section_a, name="Lukman Bawahan", superior=me)
    Assignment.objects.create(
        employee=me, unit=org.kpp_b, start=dt.date(2020, 1, 1), end=dt.date(2022, 12, 31)
    )
    Assignment.objects.create(employee=me, unit=org.kpp_a, start=dt.date(2023, 1, 1))
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    text = client.get(detail(me)).text
    assert me.nip in text and me.email in text
    assert "Joko Atasan" in text and f'href="{detail(boss)}"' not in text  # out of reach: plain text
    assert f'href="{detail(sub)}"' in text
    assert "01-01-2020" in text and "31-12-2022" in text and "saat ini" in text
    assert f'href="{reverse("organisations:unit-detail", args=["KPP-A"])}"' in text
    assert "Riwayat perubahan data" in text


@pytest.mark.parametrize(
    ("role", "can_edit"),
    [
        (Role.ADMIN, True),
        (Role.MANAGER, True),
        (Role.EMPLOYEE, False),
        (Role.LEADER, False),
        (Role.AUDITOR, False),
    ],
)
def test_edit_button_only_when_permitted(client, org, make_user, employee_in, role, can_edit):
    me = employee_in(org.kpp_a)
    client.force_login(make_user(org.kpp_a, role))
    text = client.get(detail(me)).text
    assert (reverse("organisations:employee-update", args=[me.nip]) in text) is can_edit


def test_the_unit_filter_is_a_picker_holding_the_chosen_unit_only(client, org, make_user, employee_in):
    """The unit filter renders the chosen unit, never every unit in reach (the page's queries do not depend on
    how many units the user reaches); typed units come back named by code, as the address names them."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_unit

    employee_in(org.kpp_a, name="Ani Wijaya")
    client.force_login(make_user(org.kanwil, Role.MANAGER))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(LIST)).status_code == 200
        return len(captured.captured_queries)

    few = queries()
    for n in range(40):
        make_unit(f"KPP-P{n:02d}", parent=org.kanwil)
    assert queries() == few
    html = client.get(reverse(LIST)).text
    assert "KPP-P05" not in html  # no option per unit
    chosen = client.get(reverse(LIST), {"unit": "KPP-A"}).text
    select = re.search(r'<select name="unit".*?</select>', chosen, re.S).group(0)
    assert 'value="KPP-A" selected' in select and "KPP-B" not in select
    assert "Ani Wijaya" in chosen
    # the picker asks for options named by code; another picker's options still carry ids
    found = client.get(
        reverse("organisations:unit-options"),
        {"field": "organisations.employee-filter.unit", "name": "unit", "unit_cari": "KPP-P0", "by": "code"},
    ).text
    assert 'value="KPP-P01"' in found and "KPP-P12" not in found
    assert 'data-by="code"' not in html and '"by": "code"' in html


def test_a_name_search_sorts_people_ignoring_case(client, org, make_user, employee_in):
    for name in ("BUDI Cepat", "Budi Besar", "budi Awal", "Ani Budiman"):
        employee_in(org.kpp_a, name=name)
    client.force_login(make_user(org.kpp_a, Role.EMPLOYEE))
    page = client.get(reverse(LIST), {"q": "budi"}).context["page"]
    # by byte order it would be BUDI, Budi, budi
    assert [e.name for e in page.object_list] == ["Ani Budiman", "budi Awal", "Budi Besar", "BUDI Cepat"]
