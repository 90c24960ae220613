"""The alignment panel of a subtree with more contracts than KINERJA_ALIGNMENT_MAX_CONTRACTS (a ministry, an echelon
I): the units below to check one at a time instead of every contract, KPI and link at once — page and API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.contracts.models import Contract
from tests.contracts.cascading import build

pytestmark = pytest.mark.django_db


def _contracts_under(unit) -> int:
    return Contract.objects.filter(unit__path__startswith=unit.path, plan_year__year=2026).count()


def test_up_to_the_limit_the_panel_is_checked_above_it_the_units_below_are_listed(client, office, settings):
    build(office)
    office_unit = office.org.kpp_a  # the office, with its sections and service post below
    total = _contracts_under(office_unit)
    assert total > 1
    client.force_login(office.manager)
    api = reverse("api-contract-alignment")
    url = reverse("contracts:alignment", args=[office_unit.pk, 2026])

    settings.KINERJA_ALIGNMENT_MAX_CONTRACTS = total
    page = client.get(url)
    assert page.status_code == 200 and "panel" in page.context

    settings.KINERJA_ALIGNMENT_MAX_CONTRACTS = total - 1
    page = client.get(url)
    assert page.status_code == 200 and "panel" not in page.context
    html = page.content.decode()
    children = list(
        type(office_unit)
        .objects.filter(depth=office_unit.depth + 1, path__startswith=office_unit.path)
        .order_by("path")
    )
    assert children and [c.code for c in page.context["oversize"].children] == [c.code for c in children]
    for child in children:
        link = reverse("contracts:alignment", args=[child.pk, 2026])
        assert f'href="{link}"' in html
    assert "lebih dari" in html

    # the oversized page costs a capped count and the children, whatever the number of contracts
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    settings.KINERJA_ALIGNMENT_MAX_CONTRACTS = 1
    with CaptureQueriesContext(connection) as fewer_allowed:
        client.get(url)
    assert len(few) == len(fewer_allowed)

    # the API says the same, naming the units below
    response = client.get(api, {"unit": office_unit.code, "year": 2026})
    assert response.status_code == 400
    message = response.json()["unit"][0]
    assert office_unit.code in message and all(child.code in message for child in children)
    settings.KINERJA_ALIGNMENT_MAX_CONTRACTS = total
    assert client.get(api, {"unit": office_unit.code, "year": 2026}).status_code == 200
