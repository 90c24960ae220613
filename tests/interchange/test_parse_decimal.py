"""`parse_decimal`: the one parser of numbers, in the file style and as people type them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kinerja.interchange.cells import (
    DECIMAL_MARK,
    CellError,
    NumberStyle,
    check_digits,
    parse_decimal,
    parse_nonnegative,
    parse_number,
)
from kinerja.interchange.messages import CATALOGUE, LANGS, text

D = Decimal
FILE = NumberStyle.FILE
HUMAN = NumberStyle.HUMAN
EXAMPLES = settings(max_examples=300, deadline=None)


# ---------------------------------------------------------------- the file style


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("85", D(85)),
        (" 85.5 ", D("85.5")),
        ("85%", D(85)),
        ("85 %", D(85)),
        ("-3", D(-3)),
        ("0.25", D("0.25")),
        ("1e3", D(1000)),
        (".5", D("0.5")),
        ("", None),
        ("   ", None),
    ],
)
def test_file_style(raw: str, value: Decimal | None) -> None:
    assert parse_decimal(raw, style=FILE) == value
    assert parse_number(raw) == value


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("85,5", "decimal_comma"),
        ("1.234,5", "decimal_comma"),
        ("1,234", "decimal_comma"),
        ("8o", "not_a_number"),
        ("nan", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("-Infinity", "not_a_number"),
        ("1 234", "not_a_number"),
        ("%", "not_a_number"),
    ],
)
def test_file_style_refuses(raw: str, key: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_decimal(raw, style=FILE)
    assert caught.value.key == key
    with pytest.raises(CellError) as again:
        parse_number(raw)
    assert again.value.key == key


@pytest.mark.parametrize("mark", [None, ",", "."])
def test_file_style_ignores_the_hint(mark: str | None) -> None:
    assert parse_decimal("1.234", style=FILE, decimal_mark=mark) == D("1.234")  # type: ignore[arg-type]


# ---------------------------------------------------------------- the human style


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("85", D(85)),
        ("85,5", D("85.5")),
        ("85.5", D("85.5")),
        ("1.234,5", D("1234.5")),
        ("1,234.5", D("1234.5")),
        ("1.234.567", D(1234567)),
        ("1,234,567", D(1234567)),
        ("1.234.567,89", D("1234567.89")),
        ("1,234,567.89", D("1234567.89")),
        ("85%", D(85)),
        ("85 %", D(85)),
        ("85,5%", D("85.5")),
        (" -3 ", D(-3)),
        ("+3", D(3)),
        ("- 3", D(-3)),
        ("\u22123,5", D("-3.5")),  # the minus sign
        ("-1.234,5", D("-1234.5")),
        ("1 234,5", D("1234.5")),
        ("1\u00a0234,5", D("1234.5")),  # no-break space
        ("1\u202f234\u202f567.5", D("1234567.5")),  # narrow no-break space
        ("1 234 567", D(1234567)),
        ("1 234", D(1234)),
        (",5", D("0.5")),
        (".5", D("0.5")),
        ("-,5", D("-0.5")),
        ("0,001", D("0.001")),
        ("007", D(7)),
        ("0", D(0)),
        ("", None),
        ("   ", None),
        ("\u00a0", None),
        # a single separator with 3 digits after it, without a hint: decimal
        ("1.234", D("1.234")),
        ("1,234", D("1.234")),
    ],
)
def test_human_style(raw: str, value: Decimal | None) -> None:
    assert parse_decimal(raw, style=HUMAN) == value
    assert parse_decimal(raw) == value  # the default style


@pytest.mark.parametrize(
    ("raw", "mark", "value"),
    [
        # the ambiguous case: the other mark than the hint groups thousands
        ("1.234", ",", D(1234)),
        ("1.234", ".", D("1.234")),
        ("1,234", ".", D(1234)),
        ("1,234", ",", D("1.234")),
        ("100.000", ",", D(100000)),
        ("-999.000", ",", D(-999000)),
        # not thousands, so decimal whatever the hint
        ("0.500", ",", D("0.5")),  # a leading group of 0
        ("1234.567", ",", D("1234.567")),  # 4 digits before
        ("1.2345", ",", D("1.2345")),  # 4 digits after
        ("85.5", ",", D("85.5")),
        ("85,5", ".", D("85.5")),
        # unambiguous writing is read the same whatever the hint
        ("1,234.5", ",", D("1234.5")),
        ("1.234,5", ".", D("1234.5")),
        ("1.234.567", ".", D(1234567)),
        ("1,234,567", ",", D(1234567)),
        ("1 234", ".", D(1234)),
    ],
)
def test_human_style_with_a_hint(raw: str, mark: str, value: Decimal) -> None:
    assert parse_decimal(raw, style=HUMAN, decimal_mark=mark) == value  # type: ignore[arg-type]


def test_decimal_mark_by_language() -> None:
    assert parse_decimal("1.234", decimal_mark=DECIMAL_MARK["id"]) == D(1234)
    assert parse_decimal("1.234", decimal_mark=DECIMAL_MARK["en"]) == D("1.234")


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("abc", "not_a_number"),
        ("8o", "not_a_number"),
        ("%", "not_a_number"),
        ("-", "not_a_number"),
        ("nan", "not_a_number"),
        ("NaN", "not_a_number"),
        ("sNaN", "not_a_number"),
        ("inf", "not_a_number"),
        ("Infinity", "not_a_number"),
        ("-Infinity", "not_a_number"),
        ("1e3", "not_a_number"),  # no exponent in what people type
        ("Rp 100", "not_a_number"),
        ("1_000", "not_a_number"),
        ("--3", "not_a_number"),
        ("3-", "not_a_number"),
        ("(3)", "not_a_number"),
        ("85%%", "not_a_number"),
        ("%85", "not_a_number"),
        ("\u0663", "not_a_number"),  # an Arabic-Indic digit
        ("1,23,4.5", "misplaced_separator"),
        ("1.2.3,4,5", "misplaced_separator"),
        ("1.234,567,8", "misplaced_separator"),
        ("1,234.567.8", "misplaced_separator"),
        ("1.5,3", "misplaced_separator"),
        ("12.34.567", "misplaced_separator"),
        ("1234.567.890", "misplaced_separator"),
        ("1.234 567", "misplaced_separator"),
        ("1 234.567,8", "misplaced_separator"),
        ("12 34", "misplaced_separator"),
        ("1..5", "misplaced_separator"),
        ("1,,5", "misplaced_separator"),
        ("1 ,5", "misplaced_separator"),
        ("5,", "misplaced_separator"),
        ("5.", "misplaced_separator"),
        (",", "not_a_number"),
        (",5.0", "misplaced_separator"),
        (". 5", "misplaced_separator"),
    ],
)
def test_human_style_refuses(raw: str, key: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_decimal(raw, style=HUMAN)
    assert caught.value.key == key
    assert caught.value.params["value"] == raw.strip()


def test_a_bad_hint_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="decimal_mark"):
        parse_decimal("1", decimal_mark=";")  # type: ignore[arg-type]


# ---------------------------------------------------------------- digits and minimum


def test_too_many_digits_for_a_decimal_field() -> None:
    with pytest.raises(CellError) as caught:
        parse_decimal("99999999999999999999999999", max_digits=18, decimal_places=6)
    error = caught.value
    assert error.key == "too_many_digits"
    assert error.params == {
        "value": "99999999999999999999999999",
        "max_digits": 18,
        "decimal_places": 6,
        "whole_digits": 12,
    }
    assert "at most 12" in error.message("en")
    assert "paling banyak 12" in error.message("id")


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("999.999.999.999,999999", D("999999999999.999999")),  # the largest that fits (18, 6)
        ("-999999999999.999999", D("-999999999999.999999")),
        ("0,000001", D("0.000001")),
        ("85,5", D("85.5")),
        ("85,50000000", D("85.500000")),  # trailing zeros are no decimals too many
        ("0", D(0)),
    ],
)
def test_digits_that_fit(raw: str, value: Decimal) -> None:
    found = parse_decimal(raw, max_digits=18, decimal_places=6)
    assert found == value
    assert found is not None
    exponent = found.as_tuple().exponent
    assert isinstance(exponent, int)
    assert exponent >= -6


@pytest.mark.parametrize(
    "raw", ["1.000.000.000.000", "1000000000000", "-1000000000000", "1e12"]
)  # 13 whole digits
def test_one_whole_digit_too_many(raw: str) -> None:
    style = FILE if "e" in raw else HUMAN
    with pytest.raises(CellError) as caught:
        parse_decimal(raw, style=style, max_digits=18, decimal_places=6)
    assert caught.value.key == "too_many_digits"


def test_too_many_decimals_are_refused_unless_rounding_is_asked() -> None:
    with pytest.raises(CellError) as caught:
        parse_decimal("1,23456789", max_digits=18, decimal_places=6)
    assert caught.value.key == "too_many_decimals"
    assert caught.value.params["decimal_places"] == 6
    assert "at most 6" in caught.value.message()
    assert parse_decimal("1,23456789", max_digits=18, decimal_places=6, round_half_up=True) == D("1.234568")


@pytest.mark.parametrize(
    ("value", "rounded"),
    [
        (D("2.5"), D(3)),
        (D("-2.5"), D(-3)),
        (D("0.125"), D("0.13")),
        (D("0.124999"), D("0.12")),
    ],
)
def test_rounding_is_half_up(value: Decimal, rounded: Decimal) -> None:
    places = -rounded.as_tuple().exponent  # type: ignore[operator]
    assert check_digits(value, 10, places, round_half_up=True) == rounded


def test_rounding_that_carries_past_the_limit() -> None:
    with pytest.raises(CellError) as caught:
        check_digits(D("999999999999.9999995"), 18, 6, round_half_up=True)
    assert caught.value.key == "too_many_digits"
    assert check_digits(D("999999999999.9999994"), 18, 6, round_half_up=True) == D("999999999999.999999")


def test_check_digits() -> None:
    assert check_digits(D("12.5"), 5, 2) == D("12.5")
    assert check_digits(D("1E+2"), 5, 2) == D(100)
    assert check_digits(D("-0E-10"), 5, 2) == 0
    with pytest.raises(CellError) as caught:
        check_digits(D("1000"), 5, 2)
    assert caught.value.key == "too_many_digits"
    assert caught.value.params["value"] == "1000"
    with pytest.raises(CellError) as caught:
        check_digits(D("NaN"), 5, 2)
    assert caught.value.key == "not_a_number"
    with pytest.raises(ValueError, match="limits"):
        check_digits(D(1), 2, 3)
    with pytest.raises(TypeError, match="both"):
        parse_decimal("1", max_digits=5)


def test_digits_of_the_file_style() -> None:
    assert parse_decimal("1e3", style=FILE, max_digits=4, decimal_places=0) == D(1000)
    with pytest.raises(CellError) as caught:
        parse_decimal("1e4", style=FILE, max_digits=4, decimal_places=0)
    assert caught.value.key == "too_many_digits"


def test_min_value() -> None:
    assert parse_decimal("0", min_value=0) == 0
    assert parse_decimal("", min_value=0) is None
    with pytest.raises(CellError) as caught:
        parse_decimal(" -0,5 ", min_value=0)
    assert caught.value.key == "negative"
    assert caught.value.params == {"value": "-0,5"}
    with pytest.raises(CellError) as caught:
        parse_decimal("-0.5", style=FILE, min_value=0)
    assert caught.value.key == "negative"
    with pytest.raises(CellError) as caught:
        parse_decimal("0,5", min_value=D("1.5"))
    assert caught.value.key == "below_minimum"
    assert caught.value.message("en") == "0,5 must be at least 1.5"
    assert caught.value.message("id") == "0,5 tidak boleh kurang dari 1.5"
    # the file style's own refusal stays what it was
    with pytest.raises(CellError) as caught:
        parse_nonnegative("-1")
    assert caught.value.key == "negative"


def test_every_number_message_in_both_languages() -> None:
    params = {"value": "x", "max_digits": 18, "decimal_places": 6, "whole_digits": 12, "minimum": 1}
    for key in (
        "not_a_number",
        "decimal_comma",
        "misplaced_separator",
        "too_many_digits",
        "too_many_decimals",
        "negative",
        "below_minimum",
    ):
        assert set(CATALOGUE[key]) == set(LANGS)
        for lang in LANGS:
            assert text(key, lang, **params)


# ---------------------------------------------------------------- properties

# any Decimal with up to 18 digits, from 18 digits before the point to 18 after it
decimals18 = st.builds(
    lambda digits, places: Decimal(digits).scaleb(-places),
    st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1),
    st.integers(min_value=0, max_value=18),
)


def english(value: Decimal) -> str:
    """`1,234,567.5`: `,` groups thousands, `.` is the decimal mark."""
    return format(value, ",f")


def indonesian(value: Decimal) -> str:
    """`1.234.567,5`: `.` groups thousands, `,` is the decimal mark."""
    return english(value).translate(str.maketrans(",.", ".,"))


@EXAMPLES
@given(decimals18)
@example(D(1234))
@example(D("1.234"))
@example(D("0.5"))
@example(D(-1000))
@example(D("123456789012345678"))
@example(D("0.000000000000000001"))
def test_both_writings_read_back(value: Decimal) -> None:
    # with the hint of the language each was written in
    assert parse_decimal(indonesian(value), decimal_mark=",") == value
    assert parse_decimal(english(value), decimal_mark=".") == value
    # with a percent sign and spaces around too
    assert parse_decimal(f" {indonesian(value)} %", decimal_mark=",") == value
    # and with spaces (here no-break) grouping the thousands
    assert parse_decimal(english(value).replace(",", "\u00a0"), decimal_mark=".") == value


@EXAMPLES
@given(decimals18.filter(lambda d: d.as_tuple().exponent != 0))
def test_writings_with_decimals_read_back_without_a_hint(value: Decimal) -> None:
    # a decimal part leaves nothing ambiguous: the last separator is the decimal mark
    assert parse_decimal(indonesian(value)) == value
    assert parse_decimal(english(value)) == value


@EXAMPLES
@given(decimals18)
def test_plain_writing_reads_the_same_in_both_styles(value: Decimal) -> None:
    plain = format(value, "f")
    assert parse_decimal(plain, style=HUMAN) == parse_decimal(plain, style=FILE) == value


@EXAMPLES
@given(st.text(alphabet=st.sampled_from("0123456789.,%-+ \u00a0eEnaINf_x"), max_size=14))
def test_any_text_is_a_number_or_a_cell_error(raw: str) -> None:
    for style in NumberStyle:
        for mark in (None, ",", "."):
            try:
                value = parse_decimal(raw, style=style, decimal_mark=mark)
            except CellError as error:
                assert error.key in CATALOGUE
            else:
                assert value is None or value.is_finite()
