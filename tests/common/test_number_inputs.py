"""One reading of a typed number: a page form and the API give the same answer for the same input.

The reading is `interchange.cells.parse_decimal` (its own tests: tests/interchange/test_numbers.py),
wrapped once as a form field (`common.forms.DecimalInputField`) and once as a DRF field
(`common.api.HumanDecimalField`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework import serializers
from rest_framework.test import APIClient

from kinerja.accounts.models import Role
from kinerja.common.api import HumanDecimalField
from kinerja.common.forms import DecimalInputField, shown_number
from kinerja.planning.models import Kpi
from kinerja.reporting.models import Realization
from tests.planning import builders as b
from tests.planning.test_kpi_views import form_data
from tests.reporting import conftest as reporting

D = Decimal
world = reporting.world  # the reporting pages' fixture, used here as well
NINES_26 = "9" * 26

# input → the number read, or a piece of the message that refuses it (the same on both sides)
CASES = [
    ("85,5", D("85.5")),
    ("1.234,5", D("1234.5")),
    ("85%", D("85")),
    ("-5", D("-5")),
    ("", "harus diisi"),
    ("abc", "harus berupa angka"),
    (NINES_26, "paling banyak 18 digit sebelum tanda desimal"),
]


def _page_errors(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def _errors_in(html: str) -> list[str]:
    return re.findall(r"(?s)(?:errorlist|invalid-feedback|alert)[^>]*>(.{0,300})", html)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


# ---------------------------------------------------------------- the fields themselves


@pytest.mark.parametrize(("raw", "expected"), [*CASES, ("1.234", D("1234"))])
def test_the_form_field_and_the_api_field_read_alike(raw, expected):
    form_field = DecimalInputField(max_digits=24, decimal_places=6)
    api_field = HumanDecimalField(max_digits=24, decimal_places=6)
    with translation.override("id"):
        try:
            page: object = form_field.clean(raw)
        except Exception as exc:
            page = " ".join(getattr(exc, "messages", [str(exc)]))
        try:
            api: object = api_field.run_validation(raw)
        except serializers.ValidationError as exc:
            api = " ".join(str(m) for m in exc.detail)  # type: ignore[union-attr]
    if isinstance(expected, Decimal):
        assert page == expected and api == expected
    else:
        assert expected in str(page) and expected in str(api)
        assert page == api


def test_a_minimum_of_zero_refuses_a_negative_number_on_both_sides():
    form_field = DecimalInputField(max_digits=6, decimal_places=2, min_value=D(0))
    api_field = HumanDecimalField(max_digits=6, decimal_places=2, min_value=D(0))
    with translation.override("id"):
        with pytest.raises(Exception) as page:
            form_field.clean("-5")
        with pytest.raises(serializers.ValidationError) as api:
            api_field.run_validation("-5")
    assert page.value.messages == [str(m) for m in api.value.detail] == ["-5 tidak boleh negatif."]  # type: ignore[attr-defined, union-attr]


def test_messages_follow_the_language():
    with translation.override("en"), pytest.raises(serializers.ValidationError) as api:
        HumanDecimalField(max_digits=18, decimal_places=6).run_validation(NINES_26)
    assert "at most 12 digits before the decimal mark" in str(api.value.detail)


def test_the_decimal_mark_of_the_language_decides_the_ambiguous_case():
    field = DecimalInputField(max_digits=24, decimal_places=6)
    with translation.override("id"):
        assert field.clean("1.234") == D("1234")
    with translation.override("en"):
        assert field.clean("1.234") == D("1.234")
        assert field.clean("1,234") == D("1234")


def test_json_numbers_are_read_as_written():
    field = HumanDecimalField(max_digits=24, decimal_places=6)
    with translation.override("id"):
        assert field.run_validation(1.234) == D("1.234")
        assert field.run_validation(85) == D(85)


def test_a_shown_value_reads_back_the_same_in_every_language():
    field = DecimalInputField(max_digits=24, decimal_places=6)
    for value in (D("1.234000"), D("85.500000"), D("1234"), D("-1.5"), D("0.001")):
        shown = field.prepare_value(value)
        for lang in ("id", "en"):
            with translation.override(lang):
                assert field.clean(shown) == value, (value, shown, lang)
    assert shown_number(D("85.500000")) == "85.5"


# ---------------------------------------------------------------- a realization: the entry page and the API


@pytest.mark.parametrize(("raw", "expected"), CASES)
def test_a_realization_reads_alike_on_the_page_and_in_the_api(world, client, raw, expected):
    client.force_login(world.employee)
    period = world.period("2026-Q1")
    page = client.post(reverse("reporting:entry", args=[world.quarterly.pk, period.pk]), {"value": raw})
    api = _api(world.employee).post(
        "/api/realizations/",
        {"kpi": world.quarterly.pk, "period": world.period("2026-Q2").pk, "value": raw},
        format="json",
    )
    if isinstance(expected, Decimal):
        assert page.status_code == 302
        assert api.status_code == 201, api.content
        saved = {r.period.label: r.value for r in Realization.objects.select_related("period")}
        assert saved == {"2026-Q1": expected, "2026-Q2": expected}
    else:
        assert page.status_code == 200 and not Realization.objects.exists()
        assert api.status_code == 400
        (message,) = api.json()["value"]
        assert expected in message
        assert message in _page_errors(page.content.decode())


# ---------------------------------------------------------------- a KPI's target: the manual form and the API

KPI_CASES = [(raw, expected) for raw, expected in CASES if raw != ""]  # a blank target is a rule of its own


@pytest.mark.parametrize(("raw", "expected"), KPI_CASES)
def test_a_kpi_target_reads_alike_on_the_page_and_in_the_api(org, make_user, client, raw, expected):
    strategy_map = b.bare_map(org.kpp_a)
    objective = b.objective(strategy_map, "customer", "C1")
    manager = make_user(org.kpp_a, Role.MANAGER)
    client.force_login(manager)
    annual = {"frequency": "yearly", "consolidation": "last", "target": raw}
    data = form_data(code="C1.1", **annual)
    for n in range(1, 5):
        data.pop(f"period_{n}")
    page = client.post(reverse("kpis:kpi-add", args=[objective.pk]), data)
    api = _api(manager).post(
        "/api/kpis/",
        {**{k: v for k, v in form_data(code="C1.2", **annual).items() if not k.startswith("period_")},
         "objective": objective.pk},
        format="json",
    )  # fmt: skip
    if isinstance(expected, Decimal):
        assert page.status_code == 302, _errors_in(page.content.decode())
        assert api.status_code == 201, api.content
        assert {k.code: k.target for k in Kpi.objects.all()} == {"C1.1": expected, "C1.2": expected}
    else:
        assert page.status_code == 200 and not Kpi.objects.exists()
        assert api.status_code == 400
        (message,) = api.json()["target"]
        assert expected in message
        assert message in _page_errors(page.content.decode())
