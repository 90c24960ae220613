"""The unit picker (`organisations.unit_picker`): pages hold the chosen unit only, the options endpoint lists
at most 30 matches among the units the field allows this user, and the forms still check the unit."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.organisations import unit_picker
from kinerja.planning.models import StrategyMap
from tests.factories import make_unit
from tests.planning import builders as b

pytestmark = pytest.mark.django_db

OPTIONS = reverse("organisations:unit-options")


def _select(html: str, name: str = "unit") -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return match.group(1)


def _options(html: str) -> int:
    return html.count("<option")


def _many_units(parent, n: int = 40) -> None:
    for i in range(n):
        make_unit(f"KPP-X{i:02d}", parent=parent, name_id=f"KPP Tambahan {i}", name_en=f"Extra Office {i}")


PAGES = [
    # (url name, role at the ministry, whether the page starts with a unit chosen)
    ("dashboards:audit", Role.ADMIN, False),
    ("meetings:evaluation-round-create", Role.MANAGER, True),
    ("appraisals:campaign-create", Role.MANAGER, False),
    ("strategy:map-create", Role.MANAGER, False),
    ("meetings:create", Role.MANAGER, True),
    ("appraisals:index", Role.MANAGER, True),
]


@pytest.mark.parametrize(("url_name", "role", "chosen"), PAGES)
def test_the_page_does_not_grow_with_the_number_of_units(client, org, make_user, url_name, role, chosen):
    b.plan_year()
    client.force_login(make_user(org.ministry, role))
    url = reverse(url_name)

    def measure() -> tuple[int, int, str]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        return len(queries), _options(html), _select(html)

    queries, options, select = measure()
    _many_units(org.kanwil)
    assert measure() == (queries, options, select)
    assert _options(select) <= 2  # the empty choice and the chosen unit, not the 47 units in reach
    assert (" selected>KEMENKEU —" in select) is chosen
    assert 'hx-trigger="input changed delay:300ms, search"' in client.get(url).content.decode()


def test_the_options_list_matches_by_code_or_name_in_both_languages(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.ADMIN))

    def codes(term: str) -> list[str]:
        response = client.get(OPTIONS, {"field": "dashboards.audit-unit", "name": "unit", "unit_cari": term})
        assert response.status_code == 200
        return re.findall(r'<option value="\d+">([^ ]+) —', response.content.decode())

    assert codes("kpp-a") == ["KPP-A"]
    assert codes("pratama b") == ["KPP-B"]  # Indonesian name
    assert codes("tax office") == ["KPP-A", "KPP-B"]  # English name
    assert codes("tidak ada") == []
    _many_units(org.kanwil)
    assert len(codes("")) == unit_picker.LIMIT
    assert len(codes("tambahan")) == unit_picker.LIMIT


def test_the_options_list_only_the_units_the_field_allows(client, org, make_user):
    """An auditor of KPP-A reads the trail of KPP-A and its section only; a manager of KPP-A plans KPP-A's map
    only (the section owns no map)."""
    client.force_login(make_user(org.kpp_a, Role.AUDITOR))
    audit = client.get(OPTIONS, {"field": "dashboards.audit-unit", "unit_cari": ""}).content.decode()
    assert "KPP-A" in audit and "SEKSI-A" in audit
    assert "KPP-B" not in audit and "KANWIL" not in audit and "DJBC" not in audit
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    maps = client.get(OPTIONS, {"field": "planning.map-owner", "unit_cari": "KPP"}).content.decode()
    assert "KPP-A" in maps and "KPP-B" not in maps and "SEKSI-A" not in maps
    # the auditor-only field is empty for a manager (no audit role), not a way round the rule
    audit = client.get(OPTIONS, {"field": "dashboards.audit-unit", "unit_cari": ""}).content.decode()
    assert "KPP-" not in audit


def test_the_options_need_a_login_and_a_known_field(client, org, make_user):
    response = client.get(OPTIONS, {"field": "dashboards.audit-unit", "unit_cari": "KPP"})
    assert response.status_code == 302 and "KPP" not in response.content.decode()
    client.force_login(make_user(org.ministry, Role.ADMIN))
    assert client.get(OPTIONS, {"field": "no.such-field"}).status_code == 404
    nothing = client.get(OPTIONS, {"unit_cari": "KPP"})  # no field named: an empty list
    assert nothing.status_code == 200 and "KPP" not in nothing.content.decode()


def test_without_javascript_a_submitted_search_lists_its_matches(client, org, make_user):
    client.force_login(make_user(org.ministry, Role.ADMIN))
    select = _select(client.get(reverse("dashboards:audit"), {"unit_cari": "KPP-B"}).content.decode())
    assert f'value="{org.kpp_b.pk}"' in select and "KPP-A" not in select
    # a new map: the form is refused (no unit yet) and shows the matches of the search to choose from
    client.force_login(make_user(org.kanwil, Role.MANAGER))
    response = client.post(
        reverse("strategy:map-create"), {"unit": "", "unit_cari": "pratama", "plan_year": b.plan_year().pk}
    )
    select = _select(response.content.decode())
    assert f'value="{org.kpp_a.pk}"' in select and f'value="{org.kpp_b.pk}"' in select
    assert not StrategyMap.objects.exists()


def test_the_chosen_unit_is_shown_and_the_forms_check_the_unit(client, org, make_user):
    year = b.plan_year()
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    url = reverse("strategy:map-create")
    refused = client.post(url, {"unit": org.kpp_b.pk, "plan_year": year.pk})
    assert refused.status_code == 200 and refused.context["form"].errors["unit"]
    assert f'value="{org.kpp_b.pk}"' not in _select(refused.content.decode())
    assert not StrategyMap.objects.exists()
    assert client.post(url, {"unit": org.kpp_a.pk, "plan_year": year.pk}).status_code == 302
    assert StrategyMap.objects.get().unit == org.kpp_a
    # the audit filter: a unit in reach is the one option kept, selected; one out of reach is a 404
    client.force_login(make_user(org.kpp_a, Role.AUDITOR))
    select = _select(client.get(reverse("dashboards:audit"), {"unit": org.section_a.pk}).content.decode())
    assert re.search(rf'<option value="{org.section_a.pk}" selected>SEKSI-A', select)
    assert client.get(reverse("dashboards:audit"), {"unit": org.kpp_b.pk}).status_code == 404


def test_campaign_and_round_forms_refuse_a_unit_out_of_reach(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.MANAGER))
    year = b.plan_year()
    campaign = client.post(
        reverse("appraisals:campaign-create"), {"unit": org.kpp_b.pk, "plan_year": year.pk, "semester": "1"}
    )
    assert campaign.status_code == 400 and campaign.context["form"].errors["unit"]
    round_ = client.post(
        reverse("meetings:evaluation-round-create"),
        {"unit": org.kpp_b.pk, "year": 2026, "opens_on": "2026-04-01", "closes_on": "2026-09-30"},
    )
    assert round_.status_code == 400 and round_.context["form"].errors["unit"]
