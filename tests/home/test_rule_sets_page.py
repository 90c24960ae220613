"""The rule-set page shows every parameter of both shipped rule sets with label and source."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from kinerja.scoring import RULE_SETS


@pytest.mark.django_db
def test_every_parameter_is_shown_with_its_source(client, org, make_user):
    client.force_login(make_user(org.kpp_a))
    page = client.get("/aturan-penilaian/")
    assert page.status_code == 200
    for code, rules in RULE_SETS.items():
        assert code in page.text
        for _name, param in rules.parameters():
            assert escape(param.label_id) in page.text
    assert "KMK 127/2026" in page.text


def test_the_page_needs_a_login(client, db):
    assert client.get("/aturan-penilaian/").status_code == 302


@pytest.mark.django_db
def test_parameters_read_like_the_decree_not_like_python(client, org, make_user):
    """Issue 10 item 9: no `frozenset(`, `Decimal(`, `<Validity.` or "otherwise" on the page."""
    client.force_login(make_user(org.kpp_a))
    text = client.get("/aturan-penilaian/").text
    for leak in ("frozenset", "Decimal(", "<Validity", "mappingproxy", "otherwise", "Bands(", "Step("):
        assert leak not in text
    # bands as ranges, shares as percentages, factors as multipliers, numbers the Indonesian way
    assert "≥ 100 dan &lt; 110" in text and "&lt; 80" in text
    assert "75 %" in text and "25 %" in text  # NHK and NPK weights
    assert "× 1,2" in text  # the exact / low-control KPI quality factor
    assert "Exact — kendali tinggi" in text  # an avoided pair


@pytest.mark.django_db
def test_the_rules_page_in_english(client, org, make_user):
    client.force_login(make_user(org.kpp_a))
    client.cookies["django_language"] = "en"
    text = client.get("/aturan-penilaian/").text
    assert "≥ 100 and &lt; 110" in text
    assert "Very good" in text and "Sangat Baik" not in text
    assert "× 1.2" in text and "Exact — high control" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "label"),
    [
        ("id", "Batas IKU per kontrak menurut level"),
        ("en", "KPI cap per contract by level"),
    ],
)
def test_planning_limits_are_shown_per_level_on_one_line(client, org, make_user, lang, label):
    """Issue 12: the KPI caps per level, KPIs per SS and per map and the replacement deadline are shown."""
    client.force_login(make_user(org.kpp_a))
    client.cookies["django_language"] = lang
    text = client.get("/aturan-penilaian/").text
    line = "Kemenkeu-One 25 · Kemenkeu-Two 20 · Kemenkeu-Three 20 · Kemenkeu-Four 10 · Kemenkeu-Five 10"
    assert text.count(line) == len(RULE_SETS)
    assert label in text
    assert "UnitLevel" not in text and "&#x27;one&#x27;" not in text and "one: 25" not in text
    for _code, rules in RULE_SETS.items():
        for name in (
            "kpi_cap_three_non_owner",
            "map_kpi_limit",
            "kpis_per_objective",
            "replacement_working_days",
        ):
            param = getattr(rules, name)
            assert escape(param.label_en if lang == "en" else param.label_id) in text


@pytest.mark.django_db
def test_the_appraisal_parameters_read_as_tables(client, org, make_user):
    """Rule 26's predicate limits, the allowance shares and the switches read as tables and words."""
    client.force_login(make_user(org.kpp_a))
    text = client.get("/aturan-penilaian/").text
    assert "PredicateLimit" not in text and "True" not in text and "False" not in text
    assert "Rating organisasi" in text and "paling banyak 70%" in text and "paling sedikit 1 orang" in text
    assert "Tunjangan dibayarkan (%)" in text
    client.cookies["django_language"] = "en"
    english = client.get("/aturan-penilaian/").text
    assert "Outstanding" in english and "at most 70%" in english
