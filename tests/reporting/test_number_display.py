"""Issue 10 item 7: values show with the KPI's own precision, `.`/`,` in Indonesian and `,`/`.` in English.

The rule (`kinerja.common.templatetags.kinerja_numbers`): a KPI's value (target, realization,
baseline) shows at most the decimals of its unit, trailing zeros dropped (`92,5`, a count `6`,
money `1.234.567,5`); an index or NKO always shows 2 decimals (`92,50`).
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from kinerja.reporting import selectors, services
from tests.planning import builders as b

from .conftest import approved

D = Decimal
MONEY = {"id": "1.234.567,5", "en": "1,234,567.5"}


@pytest.fixture
def kpis(world):
    objective = world.quarterly.objective
    money = b.kpi(objective, "S1.2", target=D("1234567.5"), frequency="quarterly", unit_of_measure="Rp")
    count = b.kpi(objective, "S1.3", target=D(6), frequency="quarterly", unit_of_measure="kegiatan")
    return money, count


def page(client, user, url: str, lang: str) -> str:
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    with translation.override(translation.get_language()):  # the request's language stays in it
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_realization_page_shows_money_with_thousands(world, kpis, client, lang):
    money, count = kpis
    realization = approved(world, money, "2026-Q1", "1234567.5")
    html = page(client, world.auditor, reverse("reporting:realization", args=[realization.pk]), lang)
    assert MONEY[lang] in html
    assert "1234567" not in html and "1.234.567,500000" not in html
    counted = approved(world, count, "2026-Q1", "6")
    html = page(client, world.auditor, reverse("reporting:realization", args=[counted.pk]), lang)
    assert ">6 <small" in html and "6,000000" not in html and "6.000000" not in html


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_scorecard_shows_each_kpi_with_its_precision(world, kpis, client, lang):
    money, count = kpis
    approved(world, world.quarterly, "2026-Q1", "92.5")
    approved(world, money, "2026-Q1", "1234567.5")
    approved(world, count, "2026-Q1", "6.01")  # stored before counts were whole: shown whole
    q1 = world.period("2026-Q1")
    services.compute_scorecard(strategy_map=world.map, period=q1)
    url = reverse("reporting:scorecard", args=[world.map.pk, q1.pk])
    html = page(client, world.auditor, url, lang)
    assert html.count(MONEY[lang]) >= 2  # target and realization
    realization_cells = {"id": ">92,5<", "en": ">92.5<"}
    assert realization_cells[lang] in html  # a percentage KPI's realization: trimmed
    index = {"id": "92,50", "en": "92.50"}
    assert index[lang] in html  # its index: always 2 decimals
    assert ">6<" in html and "6,01" not in html and "6.01" not in html and "6,010000" not in html
    assert "92,500000" not in html and "92.500000" not in html
    assert selectors.latest_snapshot(world.map, q1) is not None


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_kpi_manual_shows_the_target_with_its_precision(world, kpis, client, lang):
    money, count = kpis
    html = page(client, world.auditor, reverse("kpis:kpi", args=[money.pk]), lang)
    assert f"{MONEY[lang]} Rp" in html
    html = page(client, world.auditor, reverse("kpis:kpi", args=[count.pk]), lang)
    assert "6 kegiatan" in html and "6,00" not in html and "6.00" not in html
