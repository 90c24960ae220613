"""Cell values: numbers with `%`, keywords with aliases, periods."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.interchange.cells import (
    CONSOLIDATION,
    PERSPECTIVE,
    POLARITY,
    CellError,
    Period,
    format_number,
    name_key,
    parse_number,
    parse_period,
    parse_whole_number,
    parse_yes_no,
)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("85", Decimal(85)),
        (" 85.5 ", Decimal("85.5")),
        ("85%", Decimal(85)),
        ("85 %", Decimal(85)),
        ("-3", Decimal(-3)),
        ("0.25", Decimal("0.25")),
        ("1e3", Decimal(1000)),
        ("", None),
        ("   ", None),
    ],
)
def test_numbers(raw: str, value: Decimal | None) -> None:
    assert parse_number(raw) == value


@pytest.mark.parametrize("raw", ["8o", "abc", "nan", "inf", "%", "1,5", "12 34"])
def test_not_numbers(raw: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_number(raw)
    assert caught.value.key in {"not_a_number", "decimal_comma"}


def test_decimal_comma_is_explained() -> None:
    with pytest.raises(CellError) as caught:
        parse_number("3,6")
    assert caught.value.key == "decimal_comma"


@pytest.mark.parametrize(
    ("keywords", "raw", "value"),
    [
        (PERSPECTIVE, "Stakeholder", "stakeholder"),
        (PERSPECTIVE, " pemangku kepentingan ", "stakeholder"),
        (PERSPECTIVE, "PELANGGAN", "customer"),
        (PERSPECTIVE, "internal process", "internal_process"),
        (PERSPECTIVE, "Proses Bisnis Internal", "internal_process"),
        (PERSPECTIVE, "pembelajaran dan pertumbuhan", "learning_growth"),
        (PERSPECTIVE, "Learning_Growth", "learning_growth"),
        (POLARITY, "MAXIMIZE", "max"),
        (POLARITY, "minimize", "min"),
        (POLARITY, "Stabilisasi", "stabilize"),
        (CONSOLIDATION, "Take last known value", "last"),
        (CONSOLIDATION, "AVERAGE", "average"),
    ],
)
def test_keywords(keywords, raw: str, value: str) -> None:  # type: ignore[no-untyped-def]
    assert keywords.parse(raw) == value


def test_unknown_keyword_lists_the_choices() -> None:
    with pytest.raises(CellError) as caught:
        POLARITY.parse("maximal")
    assert caught.value.key == "not_a_keyword"
    describe = caught.value.params["choices"]
    assert callable(describe)
    assert describe("en") == "max, min or stabilize"
    assert describe("id") == "max, min atau stabilize"


def test_blank_keyword() -> None:
    assert POLARITY.parse("  ") is None


@pytest.mark.parametrize(
    ("raw", "period"),
    [
        ("2026", Period(2026, "Y", 1)),
        ("2026-Q2", Period(2026, "Q", 2)),
        ("2026-q2", Period(2026, "Q", 2)),
        ("2026-S1", Period(2026, "S", 1)),
        ("2026-06", Period(2026, "M", 6)),
        ("2026-6", Period(2026, "M", 6)),
        ("2026-06-01", Period(2026, "M", 6)),
        (" 2026 ", Period(2026, "Y", 1)),
        ("", None),
    ],
)
def test_periods(raw: str, period: Period | None) -> None:
    assert parse_period(raw) == period


@pytest.mark.parametrize("raw", ["2026-Q5", "2026-S3", "2026-13", "26", "Q2", "june"])
def test_not_periods(raw: str) -> None:
    with pytest.raises(CellError):
        parse_period(raw)


def test_period_order_and_inclusion() -> None:
    q1, q2, june, s1, year = (parse_period(p) for p in ("2026-Q1", "2026-Q2", "2026-06", "2026-S1", "2026"))
    assert sorted([year, s1, q2, june, q1]) == [q1, june, q2, s1, year]  # type: ignore[type-var]
    assert q2 is not None and q2.includes(q1) and q2.includes(june)  # type: ignore[arg-type]
    assert not parse_period("2026-05").includes(q2)  # type: ignore[union-attr, arg-type]
    assert not parse_period("2027-Q4").includes(q1)  # type: ignore[union-attr, arg-type]
    assert [str(p) for p in (q1, june, s1, year)] == ["2026-Q1", "2026-06", "2026-S1", "2026"]


def test_names_and_yes_no() -> None:
    assert name_key(" Kode IKU ") == "kode_iku"
    assert name_key("Bobot-Perspektif") == "bobot_perspektif"
    assert parse_yes_no("Ya", False) is True
    assert parse_yes_no("no", True) is False
    assert parse_yes_no("", True) is True


def test_format_number() -> None:
    assert format_number(Decimal("85.00")) == "85"
    assert format_number(Decimal("3.60")) == "3.6"
    assert format_number(Decimal("1E+3")) == "1000"
    assert format_number(None) == ""


def test_parse_whole_number():
    assert parse_whole_number("") is None
    assert parse_whole_number(" 12 ") == 12
    assert parse_whole_number("3,0") == 3
    assert parse_whole_number("1.000", decimal_mark=",") == 1000
    for raw, key in (("3,5", "not_a_whole_number"), ("tiga", "not_a_number")):
        with pytest.raises(CellError) as raised:
            parse_whole_number(raw)
        assert raised.value.key == key


# --------------------------------------------------------------------------- formulas in downloads (issue 11 item 2)


@pytest.mark.parametrize(
    "text", ["=1+1", "+SUM(A1)", "-cmd|' /C calc'!A0", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']
)
def test_text_that_a_spreadsheet_would_evaluate_is_neutralised(text):
    from kinerja.interchange.cells import neutralise, restore_neutralised

    assert neutralise(text) == "'" + text
    assert restore_neutralised(neutralise(text)) == text


@pytest.mark.parametrize("value", ["-5", "+3.5", "-0.25", "Pelanggan", "", "'quoted", 12, None])
def test_numbers_and_plain_text_pass_unchanged(value):
    from kinerja.interchange.cells import neutralise, restore_neutralised

    assert neutralise(value) == value
    if isinstance(value, str):
        assert restore_neutralised(value) == value


def test_every_csv_and_xlsx_writer_neutralises(tmp_path):
    import csv as csv_module

    from openpyxl import load_workbook

    from kinerja.interchange.sources import read_csv, write_csv, write_xlsx_sheets

    rows = [["=cmd()", "-5", "@x", "biasa"]]
    path = tmp_path / "t.csv"
    write_csv(path, ["a", "b", "c", "d"], rows)
    with path.open(encoding="utf-8") as f:
        assert list(csv_module.reader(f))[1] == ["'=cmd()", "-5", "'@x", "biasa"]
    assert list(read_csv(path).records) == rows  # Kinerja reads its own file back as written
    book = tmp_path / "t.xlsx"
    write_xlsx_sheets(book, [("s", ["a", "b", "c", "d"], rows)])
    cells = next(iter(load_workbook(book).active.iter_rows(min_row=2)))
    assert [c.data_type for c in cells[:1]] == ["s"] and cells[0].value == "=cmd()"
