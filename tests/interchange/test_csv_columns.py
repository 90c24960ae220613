"""`read_csv(...).column_chunks` (columns cut from the text) gives what the csv module's rows give.

`Sheet.column_chunks` of a CSV file read by `read_csv` splits its text itself where the
text allows it (no quote, no lone carriage return) and falls back to `csv.reader` from the
first block that needs it; either way the row numbers and cells must be those of
`Sheet.chunks` over `csv.reader`'s rows, transposed (the path every other sheet takes).
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.interchange import sources
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import Sheet, read_csv

WIDTH = 4


def _generic(data: bytes, width: int) -> list[tuple[list[int], list[list[str]]]]:
    """The reference: `Sheet.chunks` over the csv module's rows (records not cut into columns)."""
    sheet = read_csv(io.BytesIO(data), "t.csv")
    rows = iter(list(sheet.records))  # a plain iterator: `column_chunks` transposes `chunks`
    plain = Sheet(sheet.source, None, sheet.header, rows)
    return [(numbers, [list(c) for c in columns]) for numbers, columns in plain.column_chunks(width)]


def _columns(data: bytes, width: int) -> list[tuple[list[int], list[list[str]]]]:
    sheet = read_csv(io.BytesIO(data), "t.csv")
    chunks = sheet.column_chunks(width)
    return [(numbers, [list(c) for c in columns]) for numbers, columns in chunks]


def _joined(chunks: Sequence[tuple[list[int], list[list[str]]]]) -> tuple[list[int], list[list[str]]]:
    """The chunks as one: where a file is cut into chunks may differ, what they hold may not."""
    numbers: list[int] = []
    columns: list[list[str]] = []
    for chunk_numbers, chunk_columns in chunks:
        numbers.extend(chunk_numbers)
        if not columns:
            columns = [[] for _ in chunk_columns]
        for whole, part in zip(columns, chunk_columns, strict=True):
            whole.extend(part)
    return numbers, columns


cell = st.sampled_from(["", "a", " b ", "12.5", "85%", "IKI-1", "'=1+2", "'x", "x'y", "é", "\t", "a b"])
quoted = st.sampled_from(['"a,b"', '"two\nlines"', '"say ""hi"""', "x\ry"])


@st.composite
def files(draw: st.DrawFn) -> bytes:
    lines = ["h1,h2,h3,h4"]
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append("")  # a blank line
        elif kind == 1:
            lines.append(",,,")  # a row of empty cells
        else:
            count = WIDTH if kind > 3 else draw(st.integers(1, WIDTH + 2))  # short or long rows too
            cells = draw(st.lists(cell, min_size=count, max_size=count))
            if draw(st.integers(0, 19)) == 0:
                cells[0] = draw(quoted)
            lines.append(",".join(cells))
    end = draw(st.sampled_from(["\n", "\r\n"]))
    text = end.join(lines) + draw(st.sampled_from(["", end]))
    prefix = b"\xef\xbb\xbf" if draw(st.booleans()) else b""
    return prefix + text.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(data=files(), block=st.sampled_from([1, 7, 40, 1 << 22]))
def test_columns_are_the_csv_modules_rows_transposed(data: bytes, block: int) -> None:
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(sources, "_BLOCK", block)  # small blocks: many, a quote in a later one
        assert _joined(_columns(data, WIDTH)) == _joined(_generic(data, WIDTH))


def test_a_plain_file_is_cut_without_the_csv_module(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*args: object, **kwargs: object) -> Iterator[list[str]]:
        raise AssertionError("the csv module read a file without quotes")

    data = b"h1,h2,h3,h4\r\n1,2,3,4\r\n,,,\r\n\r\n5,6\r\n7,8,9,10,11\r\n'=1,x,y,z\r\n"
    expected = _generic(data, WIDTH)
    monkeypatch.setattr(sources, "_csv_records", refused)
    got = _columns(data, WIDTH)
    assert got == expected
    assert got == [
        (
            [2, 5, 6, 7],
            [["1", "5", "7", "=1"], ["2", "6", "8", "x"], ["3", "", "9", "y"], ["4", "", "10", "z"]],
        )
    ]


def test_too_many_rows_is_refused_as_the_rows_are_read() -> None:
    data = b"a,b\n" + b"1,2\n" * 5
    sheet = read_csv(io.BytesIO(data), "t.csv", limits=sources.Limits(max_rows=4))
    with pytest.raises(InvalidFileError) as refused:
        list(sheet.column_chunks(2))
    assert refused.value.problems[0].key == "too_many_rows"
    sheet = read_csv(io.BytesIO(data), "t.csv", limits=sources.Limits(max_rows=5))
    assert _joined(list(sheet.column_chunks(2)))[0] == [2, 3, 4, 5, 6]


def test_not_utf8_is_unreadable() -> None:
    # beyond what reading the header decodes
    sheet = read_csv(io.BytesIO(b"a,b\n" + b"1,2\n" * 10_000 + b"1,\xff\n"), "t.csv")
    with pytest.raises(InvalidFileError) as refused:
        list(sheet.column_chunks(2))
    assert refused.value.problems[0].key == "unreadable"


def test_records_are_read_once() -> None:
    sheet = read_csv(io.BytesIO(b"a,b\n1,2\n3,4\n"), "t.csv")
    assert list(sheet.records) == [["1", "2"], ["3", "4"]]
    assert list(sheet.records) == []  # as the generator it was: the file is let go once
