"""`format_decimal` and `unit_decimals`: numbers as people read them, and read back by `parse_decimal`."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.interchange.cells import DECIMAL_MARK, NumberStyle, parse_decimal
from kinerja.interchange.numbers import format_decimal, separators, unit_decimals

D = Decimal


@pytest.mark.parametrize(
    ("value", "decimals", "trim", "id_", "en"),
    [
        (D("1234567.5"), 2, True, "1.234.567,5", "1,234,567.5"),
        (D("1234567.5"), 2, False, "1.234.567,50", "1,234,567.50"),
        (D("6.010000"), 0, True, "6", "6"),
        (D("6.010000"), None, True, "6,01", "6.01"),
        (D("92.500000"), 2, True, "92,5", "92.5"),
        (D("92.500000"), 2, False, "92,50", "92.50"),
        (D("4.200000"), 2, True, "4,2", "4.2"),
        (D("100.000000"), 2, True, "100", "100"),
        (D("1234"), 0, True, "1.234", "1,234"),
        (D("999"), 0, True, "999", "999"),
        (D("0"), 2, False, "0,00", "0.00"),
        (D("0.5"), 2, True, "0,5", "0.5"),
        (D("-1234.5"), 2, True, "-1.234,5", "-1,234.5"),
        (D("-0.001"), 2, True, "0", "0"),
        (D("-0.001"), 2, False, "0,00", "0.00"),
        (D("999999999999999999.999999"), 2, True, "1.000.000.000.000.000.000", "1,000,000,000,000,000,000"),
        (
            D("123456789012345678.123456"),
            None,
            True,
            "123.456.789.012.345.678,123456",
            "123,456,789,012,345,678.123456",
        ),
        (7, 2, False, "7,00", "7.00"),
        ("85.5", 2, True, "85,5", "85.5"),
    ],
)
def test_format_decimal_in_indonesian_and_english(value, decimals, trim, id_, en):
    assert format_decimal(value, decimals=decimals, lang="id", trim=trim) == id_
    assert format_decimal(value, decimals=decimals, lang="en", trim=trim) == en


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2.345", "2,35"), ("2.344", "2,34"), ("-2.345", "-2,35"), ("0.005", "0,01"), ("999.995", "1.000,00")],
)
def test_rounding_is_half_up_away_from_zero(value, shown):
    assert format_decimal(D(value), decimals=2, lang="id", trim=False) == shown


def test_blank_none_and_text():
    assert format_decimal(None, decimals=2, lang="id") == ""
    assert format_decimal("", decimals=2, lang="en") == ""
    assert format_decimal("n/a", decimals=2, lang="en") == "n/a"
    assert format_decimal(D("NaN"), decimals=2, lang="en") == "NaN"


def test_without_thousands_and_language_variants():
    assert format_decimal(D("1234567.5"), decimals=2, lang="id", thousands=False) == "1234567,5"
    assert separators("en-gb") == separators("en_US") == (",", ".")
    assert separators("id") == separators(None) == separators("fr") == (".", ",")


def test_negative_decimals_are_refused():
    with pytest.raises(ValueError):
        format_decimal(D(1), decimals=-1, lang="id")


@pytest.mark.parametrize(
    ("unit", "decimals"),
    [
        ("kegiatan", 0),
        ("Dokumen", 0),
        ("orang", 0),
        ("unit", 0),
        ("laporan", 0),
        ("kali", 0),
        ("wajib pajak", 0),
        ("%", 2),
        ("persen", 2),
        ("% dokumen", 2),
        ("indeks", 2),
        ("indeks (skala 5)", 2),
        ("skala (WTP = 4)", 2),
        ("nilai", 2),
        ("Rp", 2),
        ("Rp miliar", 2),
        ("triliun rupiah", 2),
        ("hari", 2),
        ("", 2),
        (None, 2),
    ],
)
def test_the_precision_of_a_kpi_follows_its_unit(unit, decimals):
    assert unit_decimals(unit) == decimals


_values = st.decimals(
    min_value=D("-999999999999999999.999999"),
    max_value=D("999999999999999999.999999"),
    places=6,
    allow_nan=False,
    allow_infinity=False,
)


@given(
    value=_values,
    decimals=st.one_of(st.none(), st.integers(0, 6)),
    lang=st.sampled_from(["id", "en"]),
    trim=st.booleans(),
    thousands=st.booleans(),
)
def test_parse_decimal_reads_back_what_format_decimal_writes(value, decimals, lang, trim, thousands):
    shown = format_decimal(value, decimals=decimals, lang=lang, trim=trim, thousands=thousands)
    expected = value if decimals is None else value.quantize(D(1).scaleb(-decimals), "ROUND_HALF_UP")
    read = parse_decimal(shown, style=NumberStyle.HUMAN, decimal_mark=DECIMAL_MARK[lang])
    assert read == expected
