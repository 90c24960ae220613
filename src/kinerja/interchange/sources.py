"""Raw tables out of CSV files and .xlsx sheets, and back.

A `Sheet` is a header and data rows of text cells, each row with the number a
spreadsheet gives it (header = row 1). The CSV reader is the standard library's;
the .xlsx reader is openpyxl in read-only mode. Excel cells are turned into the
text a person sees: `200.0` → `200`, a percent-formatted `0.85` → `85`, a date
typed as `2026-06` → `2026-06-01`, TRUE → `yes`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice, repeat
from pathlib import Path
from typing import IO, Any

from kinerja.interchange.cells import looks_like_formula, neutralise, restore_neutralised
from kinerja.interchange.messages import InvalidFileError, Problem

Source = str | Path | IO[bytes]


CHUNK = 50_000  # rows parsed at a time


@dataclass(slots=True)
class Sheet:
    """A table: `source` (the file name) and `sheet` (the sheet's name in a workbook) name it in errors.

    `records` are the rows after the header as read, blank ones included (the
    row a spreadsheet shows is the position + 2); for a CSV file they are read
    as they are consumed, a chunk at a time (`chunks`).
    """

    source: str
    sheet: str | None
    header: list[str]
    records: Iterable[list[str]]

    def problem(
        self, key: str, row: int | None = None, column: str | None = None, **params: object
    ) -> Problem:
        return Problem(self.source, key, params, row=row, column=column, sheet=self.sheet)

    def chunks(self, width: int, size: int = CHUNK) -> Iterator[tuple[list[int], list[list[str]]]]:
        """The rows with a value in some cell, each cut or padded to `width` cells, with their row
        numbers, `size` rows of the file at a time."""
        records = iter(self.records)
        start = 2
        while True:
            raw = list(islice(records, size))
            if not raw:
                return
            first, start = start, start + len(raw)
            if set(map(len, raw)) == {width} and all(map(any, raw)):
                yield list(range(first, start)), raw  # the usual file: nothing to mend
                continue
            numbers: list[int] = []
            rows: list[list[str]] = []
            for number, cells in enumerate(raw, start=first):
                if not any(cells):
                    continue
                n = len(cells)
                if n != width:
                    cells = cells[:width] if n > width else cells + [""] * (width - n)
                numbers.append(number)
                rows.append(cells)
            if rows:
                yield numbers, rows


def source_name(source: Source, name: str | None = None) -> str:
    if name:
        return Path(name).name
    if isinstance(source, str | Path):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "")).name or "upload"


def detect_format(source: Source, name: str | None = None, fmt: str | None = None) -> str:
    """`csv` or `xlsx`, from `fmt`, else the file name's suffix, else the content (a zip is .xlsx)."""
    if fmt:
        return fmt.lower().lstrip(".")
    label = name or (str(source) if isinstance(source, str | Path) else str(getattr(source, "name", "")))
    suffix = Path(label).suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        return "xlsx"
    if suffix in {".csv", ".txt"}:
        return "csv"
    if isinstance(source, str | Path):
        with open(source, "rb") as f:
            start = f.read(4)
    else:
        position = source.tell()
        start = source.read(4)
        source.seek(position)
    return "xlsx" if start.startswith(b"PK\x03\x04") else "csv"


# ---------------------------------------------------------------- CSV


def read_csv(source: Source, name: str | None = None) -> Sheet:
    """The sheet of a UTF-8 CSV file (a byte-order mark is ignored), or InvalidFileError.

    The header is read at once, the rows as the sheet is consumed; the file is
    closed (a stream given is detached, not closed) when they have all been read.
    """
    label = source_name(source, name)
    owned = isinstance(source, str | Path)
    stream: IO[str]
    if isinstance(source, str | Path):
        stream = open(source, encoding="utf-8-sig", newline="")  # noqa: SIM115 - closed by _csv_records
    else:
        stream = io.TextIOWrapper(source, encoding="utf-8-sig", newline="")
    reader = csv.reader(stream)
    try:
        header = next(reader, None)
    except (UnicodeDecodeError, csv.Error) as exc:
        _release(stream, owned)
        raise InvalidFileError([_unreadable(label, exc)]) from exc
    if header is None or not any(h.strip() for h in header):
        _release(stream, owned)
        raise InvalidFileError([Problem(label, "empty_file")])
    return Sheet(label, None, [h.strip() for h in header], _csv_records(reader, stream, owned, label))


def _unreadable(label: str, exc: Exception) -> Problem:
    return Problem(label, "unreadable", {"detail": f"not a UTF-8 CSV file ({exc})"})


def _release(stream: IO[str], owned: bool) -> None:
    if owned:
        stream.close()
    else:
        stream.detach()  # type: ignore[attr-defined]


_QUOTE = repeat("'")


def _csv_records(
    reader: Iterator[list[str]], stream: IO[str], owned: bool, label: str
) -> Iterator[list[str]]:
    try:
        for row in reader:
            # a text our writer neutralised (`'=…`) reads back as written; other rows pass untouched
            if any(map(str.startswith, row, _QUOTE)):  # all in C: a row without a leading `'` costs ~nothing
                row = [restore_neutralised(cell) for cell in row]
            yield row
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidFileError([_unreadable(label, exc)]) from exc
    finally:
        _release(stream, owned)


def csv_download(data: bytes) -> bytes:
    """A CSV file as the product hands it out: UTF-8 with a byte-order mark, so Excel reads the text right
    (`read_csv` ignores the mark). Excel in an Indonesian locale splits columns on `;`, not `,`: every CSV
    download has an .xlsx beside it for Excel, and the CSV keeps the interchange format for scripts
    (docs/decisions/0009-csv-and-excel.md)."""
    return codecs.BOM_UTF8 + data


def write_csv(
    path_or_stream: str | Path | IO[str],
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ",",
) -> None:
    """A UTF-8 CSV with a header row (no byte-order mark; `\\r\\n` line ends as the csv module writes).

    Text that a spreadsheet would evaluate as a formula is written with a leading `'` (`cells.neutralise`);
    `read_csv` takes it off again, so Kinerja's own files read back as they were.
    """
    if isinstance(path_or_stream, str | Path):
        with open(path_or_stream, "w", encoding="utf-8", newline="") as f:
            write_csv(f, header, rows, delimiter=delimiter)
        return
    writer = csv.writer(path_or_stream, delimiter=delimiter)
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(cell) for cell in row] for row in rows)


# ---------------------------------------------------------------- xlsx


def _excel_text(value: Any, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float | Decimal):
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if number_format and "%" in number_format:
            number *= 100
        if number == number.to_integral_value() and abs(number) < Decimal("1e15"):
            return str(int(number))
        text = format(number.normalize(), "f")
        return text
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _xlsx_records(worksheet: Any) -> list[list[str]]:
    return [
        [
            "" if cell.value is None else _excel_text(cell.value, getattr(cell, "number_format", None))
            for cell in cells
        ]
        for cells in worksheet.iter_rows(min_row=2)
    ]


def _xlsx_header(worksheet: Any) -> list[str]:
    for cells in worksheet.iter_rows(min_row=1, max_row=1, values_only=True):
        return [_excel_text(v, None).strip() for v in cells]
    return []


def open_workbook(source: Source, name: str | None = None) -> Any:
    """An openpyxl workbook in read-only mode (values, not formulas), or InvalidFileError."""
    # openpyxl is imported only when a workbook is read or written: a CSV run starts without it (startup time).
    from openpyxl import load_workbook

    label = source_name(source, name)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on a bad file
        raise InvalidFileError(
            [Problem(label, "unreadable", {"detail": f"not an .xlsx workbook ({exc})"})]
        ) from exc


def xlsx_sheet(worksheet: Any, label: str, sheet_name: str | None) -> Sheet:
    # the stored dimension is sometimes wrong (some writers leave "A1"): read what is there
    worksheet.reset_dimensions()
    header = _xlsx_header(worksheet)
    if not any(header):
        raise InvalidFileError([Problem(label, "empty_file", sheet=sheet_name)])
    return Sheet(label, sheet_name, header, _xlsx_records(worksheet))


def write_xlsx_sheets(
    path_or_stream: str | Path | IO[bytes],
    sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]],
) -> None:
    """An .xlsx workbook with one sheet per `(title, header, rows)`, written in openpyxl's streaming mode.

    Cells hold numbers as numbers (`Decimal` → float when exact enough, else text) and
    everything else as text, so a spreadsheet shows what the CSV would hold.
    """
    from openpyxl import Workbook  # only when writing a workbook (startup time)

    workbook = Workbook(write_only=True)
    for title, header, rows in sheets:
        worksheet = workbook.create_sheet(title)
        worksheet.append(list(header))

        for row in rows:
            values = [_excel_value(v) for v in row]
            worksheet.append(
                [
                    _text_cell(worksheet, v) if isinstance(v, str) and looks_like_formula(v) else v
                    for v in values
                ]
            )
    workbook.save(path_or_stream)


def _text_cell(worksheet: Any, value: str) -> Any:
    """A cell holding `value` as text even when it looks like a formula: a file's data is never evaluated."""
    from openpyxl.cell import WriteOnlyCell  # only when writing a workbook (startup time)

    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = "s"
    return cell


def _excel_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, Decimal):
        as_float = float(value)
        # keep the number a number when the float shows the same digits; else keep the exact text
        if Decimal(repr(as_float)) == value:
            return int(value) if value == value.to_integral_value() and abs(value) < 10**15 else as_float
        return format(value, "f")
    if value == "":
        return None
    return value
