"""The `kinerja_numbers` filters render in the active language: `1.234.567,5` / `1,234,567.5`."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation

D = Decimal


def render(source: str, lang: str, **context: object) -> str:
    with translation.override(lang):
        return Template("{% load kinerja_numbers %}" + source).render(Context(context))


MONEY = SimpleNamespace(unit_of_measure="Rp")
COUNT = SimpleNamespace(unit_of_measure="kegiatan")
PERCENT = {"unit_of_measure": "%"}  # a scorecard line's data


@pytest.mark.parametrize(
    ("source", "context", "id_", "en"),
    [
        ("{{ v|kpi_value:k }}", {"v": D("1234567.500000"), "k": MONEY}, "1.234.567,5", "1,234,567.5"),
        ("{{ v|kpi_value:k }}", {"v": D("6.010000"), "k": COUNT}, "6", "6"),
        ("{{ v|kpi_value:k }}", {"v": D("92.500000"), "k": PERCENT}, "92,5", "92.5"),
        ("{{ v|kpi_value:k }}", {"v": D("4.200000"), "k": None}, "4,2", "4.2"),
        ("{{ v|kpi_value:k }}", {"v": None, "k": MONEY}, "—", "—"),
        ("{{ v|kpi_value:'orang' }}", {"v": D("1500")}, "1.500", "1,500"),
        ("{{ v|num }}", {"v": D("6.010000")}, "6,01", "6.01"),
        ("{{ v|num:0 }}", {"v": D("2500000000.40")}, "2.500.000.000", "2,500,000,000"),
        ("{{ v|num:2 }}", {"v": None}, "—", "—"),
        ("{{ v|score }}", {"v": D("92.5")}, "92,50", "92.50"),
        ("{{ v|score }}", {"v": "1234.565"}, "1.234,57", "1,234.57"),
        ("{{ v|score }}", {"v": -0.5}, "-0,50", "-0.50"),
        ("{{ v|percent }}", {"v": D("92.500000")}, "92,5%", "92.5%"),
        ("{{ v|percent:0 }}", {"v": D("66.6667")}, "67%", "67%"),
        ("{{ v|percent }}", {"v": None}, "—", "—"),
    ],
)
def test_filters_in_indonesian_and_english(source, context, id_, en):
    assert render(source, "id", **context) == id_
    assert render(source, "en", **context) == en


def test_score_spells_out_na():
    assert render("{{ v|score }}", "id", v=None) == "belum dilaporkan"
    assert render('{{ v|score:"—" }}', "id", v=None) == "—"
    assert render("{{ v|score }}", "en", v=None) == "not reported"


def test_the_reporting_filters_follow_the_same_rule():
    source = "{% load reporting %}{{ a|number }} {{ a|number:k }} {{ s|score }} {{ s|explained }}"
    context = {"a": D("1234567.500000"), "k": COUNT, "s": D("105.255")}
    assert render(source, "id", **context) == "1.234.567,5 1.234.568 105,26 105,26"
    assert render(source, "en", **context) == "1,234,567.5 1,234,568 105.26 105.26"
