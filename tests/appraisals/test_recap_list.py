"""The appraisal index's unit recap at ministry scale: a page of units (searched by code or name), per unit
its active employees and those scored in the year, and totals for the whole selection computed in the database
(each employee once, however many listed units they sit under); queries independent of the units in reach."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.appraisals.models import ScoreRecord
from kinerja.appraisals.views.scores import RECAP_PAGE_SIZE
from kinerja.organisations.models import Employee
from tests.factories import make_unit
from tests.planning import builders as b

pytestmark = pytest.mark.django_db
INDEX = reverse("appraisals:index")


@pytest.fixture
def staffed(org):
    year = b.plan_year()
    people = []
    for n, unit in enumerate([org.kpp_a, org.kpp_a, org.section_a, org.kpp_b, org.djbc]):
        people.append(Employee.objects.create(nip=f"1980010120000110{n:02d}", name=f"P{n}", unit=unit))
    Employee.objects.create(nip="198001012000011099", name="Keluar", unit=org.kpp_a, is_active=False)
    for person in people[:3]:  # two in KPP-A, one in its section
        ScoreRecord.objects.create(employee=person, plan_year=year, rule_set="kmk-300-2026")
    ScoreRecord.objects.create(employee=people[0], plan_year=year, rule_set="kmk-300-2026")  # recomputed
    return year


def _rows(page) -> dict[str, tuple[int, int]]:
    return {u.code: (u.active_count, u.scored_count) for u in page.context["units"]}


def test_rows_and_totals_for_the_whole_selection(client, org, make_user, staffed):
    client.force_login(make_user(org.ministry, Role.MANAGER))
    page = client.get(INDEX)
    rows = _rows(page)
    # a unit's figures are its subtree's: KPP-A holds its section; KANWIL holds both offices
    assert rows["KPP-A"] == (3, 3) and rows["KPP-B"] == (1, 0) and rows["KANWIL"] == (4, 3)
    assert rows["KEMENKEU"] == (5, 3)
    # the totals count each person once though KEMENKEU, DJP, KANWIL and KPP-A all list them
    assert page.context["totals"] == {"units": 6, "employees": 5, "scored": 3}
    searched = client.get(INDEX, {"q": "pratama"})  # KPP-A and KPP-B by their Indonesian names
    assert set(_rows(searched)) == {"KPP-A", "KPP-B"}
    assert searched.context["totals"] == {"units": 2, "employees": 4, "scored": 3}


def test_a_user_sees_only_their_subtree(client, org, make_user, staffed):
    client.force_login(make_user(org.kpp_b, Role.MANAGER))
    page = client.get(INDEX)
    assert set(_rows(page)) == {"KPP-B"}
    assert page.context["totals"] == {"units": 1, "employees": 1, "scored": 0}
    found = client.get(INDEX, {"q": "KPP-A"})
    assert _rows(found) == {} and found.context["totals"]["units"] == 0
    assert reverse("appraisals:unit", args=[org.kpp_a.pk, staffed.year]) not in found.content.decode()


def test_paged_with_totals_and_thousands(client, org, make_user, staffed):
    for i in range(RECAP_PAGE_SIZE + 5):
        make_unit(f"KPP-X{i:02d}", parent=org.kanwil)
    client.force_login(make_user(org.ministry, Role.MANAGER))
    first = client.get(INDEX)
    assert len(first.context["units"]) == RECAP_PAGE_SIZE
    assert first.context["totals"]["units"] == 6 + RECAP_PAGE_SIZE + 5
    second = client.get(INDEX, {"page": 2, "tahun": staffed.year})
    assert len(second.context["units"]) == 6 + 5
    assert not set(_rows(first)) & set(_rows(second))
    with translation.override("id"):
        html = client.get(INDEX).content.decode()
    assert re.search(r'id="recap-totals".*?<td class="num">5</td><td class="num">3</td>', html, re.S)
    assert 'rel="next"' in html


def test_the_recap_costs_the_same_for_more_units(client, org, make_user, staffed):
    client.force_login(make_user(org.ministry, Role.MANAGER))

    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(INDEX, {"q": "kpp"}).status_code == 200
        return len(queries)

    small = measure()
    for i in range(60):
        make_unit(f"KPP-Y{i:02d}", parent=org.kanwil)
    assert measure() == small
