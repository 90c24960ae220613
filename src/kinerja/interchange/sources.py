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
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import chain, islice, repeat
from pathlib import Path
from typing import IO, Any

from kinerja.interchange.cells import looks_like_formula, neutralise, restore_neutralised
from kinerja.interchange.messages import InvalidFileError, Problem

Source = str | Path | IO[bytes]


CHUNK = 50_000  # rows parsed at a time


@dataclass(frozen=True, slots=True)
class Limits:
    """What an uploaded file may cost before it is read; None = no limit (the command line).

    - `max_bytes`: the file's size as uploaded;
    - `max_unzipped`: an .xlsx's members, unpacked (the sum of the zip directory's sizes, read before
      openpyxl opens the file: a zip bomb is refused without inflating a byte);
    - `max_ratio`: unpacked size ÷ packed size of an .xlsx (a real workbook is 5-20 times; a bomb 1000);
    - `max_rows`: data rows of a sheet, counted as they are streamed (the reading stops at the first
      row beyond it).

    The web reads them from the `KINERJA_IMPORT_*` settings (`kinerja.common.uploads.limits`).
    """

    max_bytes: int | None = None
    max_unzipped: int | None = None
    max_ratio: int | None = None
    max_rows: int | None = None


NO_LIMITS = Limits()


def source_size(source: Source) -> int:
    """The size in bytes of a file or of a seekable stream (its position is kept)."""
    if isinstance(source, str | Path):
        return os.path.getsize(source)
    position = source.tell()
    try:
        source.seek(0, io.SEEK_END)
        return source.tell()
    finally:
        source.seek(position)


def check_size(source: Source, label: str, limits: Limits) -> None:
    """InvalidFileError `too_large` when the file is over `limits.max_bytes`."""
    if limits.max_bytes is None:
        return
    size = source_size(source)
    if size > limits.max_bytes:
        raise InvalidFileError([Problem(label, "too_large", {"size": size, "limit": limits.max_bytes})])


def check_zip(source: Source, label: str, limits: Limits) -> None:
    """Refuse a zip (an .xlsx) that unpacks beyond the limits, from its directory alone (nothing inflated).

    Not a zip at all is left to the reader, which says the file cannot be read.
    """
    if limits.max_unzipped is None and limits.max_ratio is None:
        return
    position = None if isinstance(source, str | Path) else source.tell()
    try:
        try:
            with zipfile.ZipFile(source) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return
        unpacked = sum(m.file_size for m in members)
        packed = max(sum(m.compress_size for m in members), 1)
        if limits.max_unzipped is not None and unpacked > limits.max_unzipped:
            raise InvalidFileError(
                [Problem(label, "too_large_unzipped", {"size": unpacked, "limit": limits.max_unzipped})]
            )
        if limits.max_ratio is not None and unpacked > 1024 * 1024 and unpacked / packed > limits.max_ratio:
            raise InvalidFileError(
                [Problem(label, "too_compressed", {"ratio": unpacked // packed, "limit": limits.max_ratio})]
            )
    finally:
        if position is not None:
            assert not isinstance(source, str | Path)
            source.seek(position)


def limited(
    records: Iterable[list[str]], label: str, sheet: str | None, max_rows: int | None
) -> Iterator[list[str]]:
    """`records` as they come, refused (`too_many_rows`) at the first row beyond `max_rows`."""
    if max_rows is None:
        yield from records
        return
    for count, record in enumerate(records, start=1):
        if count > max_rows:
            raise InvalidFileError([Problem(label, "too_many_rows", {"limit": max_rows}, sheet=sheet)])
        yield record


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

    def column_chunks(self, width: int) -> Iterator[tuple[list[int], list[Sequence[str]]]]:
        """`chunks` turned into columns: each chunk's row numbers and its `width` columns of cells.

        A CSV file read as it came (`read_csv`, its records not wrapped since) is cut into columns
        straight from its text, with no list per row, where that gives what `chunks` gives
        (`_CsvRecords.column_chunks`); any other sheet is `chunks` transposed.
        """
        if isinstance(self.records, _CsvRecords):
            yield from self.records.column_chunks(width)
            return
        for numbers, rows in self.chunks(width):
            columns: list[Sequence[str]] = list(zip(*rows, strict=True))
            del rows
            yield numbers, columns

    def chunks(
        self, width: int, size: int = CHUNK, *, start: int = 2
    ) -> Iterator[tuple[list[int], list[list[str]]]]:
        """The rows with a value in some cell, each cut or padded to `width` cells, with their row
        numbers (the first record's is `start`), `size` rows of the file at a time."""
        records = iter(self.records)
        while True:
            raw = list(islice(records, size))
            if not raw:
                return
            first, start = start, start + len(raw)
            if set(map(len, raw)) == {width} and all(map(any, raw)):
                yield list(range(first, start)), raw  # the usual file: nothing to mend
                continue
            numbers, rows = _mended(raw, first, width)
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


def read_csv(source: Source, name: str | None = None, *, limits: Limits = NO_LIMITS) -> Sheet:
    """The sheet of a UTF-8 CSV file (a byte-order mark is ignored), or InvalidFileError.

    The header is read at once, the rows as the sheet is consumed; the file is
    closed (a stream given is detached, not closed) when they have all been read.
    """
    label = source_name(source, name)
    check_size(source, label, limits)
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
    records = _CsvRecords(reader, stream, owned, label, limits.max_rows)
    return Sheet(label, None, [h.strip() for h in header], records)


def _unreadable(label: str, exc: Exception) -> Problem:
    return Problem(label, "unreadable", {"detail": f"not a UTF-8 CSV file ({exc})"})


def _release(stream: IO[str], owned: bool) -> None:
    if owned:
        stream.close()
    else:
        stream.detach()  # type: ignore[attr-defined]


_QUOTE = repeat("'")
_BATCH = 5_000  # CSV rows read and checked at a time


def _mended(raw: Iterable[list[str]], first: int, width: int) -> tuple[list[int], list[list[str]]]:
    """The row numbers (from `first`) and cells of the rows of `raw` that are not blank, each cut or padded
    with empty cells to `width`."""
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
    return numbers, rows


def _csv_records(
    reader: Iterator[list[str]], stream: IO[str], owned: bool, label: str
) -> Iterator[list[str]]:
    try:
        while True:
            rows = list(islice(reader, _BATCH))
            if not rows:
                return
            # a text our writer neutralised (`'=…`) reads back as written; other rows pass untouched.
            # One search in C over the batch's cells joined, each after a NUL: a cell starting with `'`
            # shows as NUL + `'` (a NUL inside a cell can only make a false alarm, which the rows' own
            # test below then clears). A batch without a leading `'` costs ~nothing.
            if "\0'" in "\0" + "\0".join(chain.from_iterable(rows)):
                rows = [
                    [restore_neutralised(cell) for cell in row]
                    if any(map(str.startswith, row, _QUOTE))
                    else row
                    for row in rows
                ]
            yield from rows
    except (UnicodeDecodeError, csv.Error) as exc:
        raise InvalidFileError([_unreadable(label, exc)]) from exc
    finally:
        _release(stream, owned)


# characters of CSV text cut into columns at a time (`_CsvRecords.column_chunks`): small enough that
# a block's cells are still in the processor's cache when their columns are parsed (1 << 22 took
# 15 % more time on the 80 000-employee workbook, 1 << 15 a little more too)
_BLOCK = 1 << 17


class _CsvRecords:
    """The data rows of a CSV file after its header (`read_csv`): iterated, the csv module's rows
    (`_csv_records`), refused beyond `max_rows`; or, in `column_chunks`, cut into columns from the
    text directly. Either way once: the file is let go when its last row has been read."""

    def __init__(
        self, reader: Iterator[list[str]], stream: IO[str], owned: bool, label: str, max_rows: int | None
    ) -> None:
        self.reader, self.stream, self.owned, self.label, self.max_rows = (
            reader,
            stream,
            owned,
            label,
            max_rows,
        )
        self.rows: Iterator[list[str]] | None = None

    def __iter__(self) -> Iterator[list[str]]:
        # one iterator, however often asked for (as the generator `read_csv` gave before): read once
        if self.rows is None:
            self.rows = limited(
                _csv_records(self.reader, self.stream, self.owned, self.label),
                self.label,
                None,
                self.max_rows,
            )
        return self.rows

    def column_chunks(self, width: int) -> Iterator[tuple[list[int], list[Sequence[str]]]]:
        """What `Sheet.chunks` gives, transposed: row numbers and `width` columns, a block of text at a time.

        A block (about `_BLOCK` characters, ending at a line end) without a quote or a lone carriage
        return holds one record a line and its cells between commas: what `csv.reader` makes of
        it, got with `str.split` and list slices (no list per row, no transposing). Its rows are
        mended (blank ones dropped, cut or padded to `width`) as `Sheet.chunks` mends them. At the first
        block with a quote (a cell may span lines) the rest of the file is read by `csv.reader`, as
        `Sheet.chunks` reads it.
        """
        stream, label = self.stream, self.label
        start = 2  # the row number of the next record (the header is row 1)
        limit = csv.field_size_limit()
        blank = "\n" + "," * (width - 1) + "\n"  # a line of empty cells (csv.reader's row of "")
        released = False
        try:
            while True:
                try:
                    raw = stream.read(_BLOCK)
                    if raw and raw[-1] != "\n":
                        raw += stream.readline()  # up to the line end (the file's last line may have none)
                except UnicodeDecodeError as exc:
                    raise InvalidFileError([_unreadable(label, exc)]) from exc
                if not raw:
                    return
                text = raw.replace("\r\n", "\n") if "\r" in raw else raw
                if text[-1] != "\n":
                    text += "\n"
                lines = text.split("\n")
                lines.pop()  # after the last line end
                if '"' in text or "\r" in text or max(map(len, lines)) > limit:
                    # the csv module from here on: the block's lines first, then the rest of the file
                    released = True  # `_csv_records` lets the file go
                    rest = Sheet(label, None, [], self._rest(raw, start))
                    for read_numbers, read_rows in rest.chunks(width, start=start):
                        columns: list[Sequence[str]] = list(zip(*read_rows, strict=True))
                        del read_rows
                        yield read_numbers, columns
                    return
                del raw
                first, start = start, start + len(lines)
                if self.max_rows is not None and start - 2 > self.max_rows:
                    raise InvalidFileError([Problem(label, "too_many_rows", {"limit": self.max_rows})])
                if "'" in text:  # `'=…` as our writer neutralises a formula reads back as written
                    lines = [
                        ",".join(map(restore_neutralised, line.split(","))) if "'" in line else line
                        for line in lines
                    ]
                    text = "\n".join(lines) + "\n"
                if set(map(str.count, lines, repeat(","))) == {width - 1} and blank not in "\n" + text:
                    # the usual block: every line `width` cells, none blank
                    del lines
                    cells = text.replace("\n", ",").split(",")
                    del text
                    end = (start - first) * width
                    yield list(range(first, start)), [cells[i:end:width] for i in range(width)]
                    del cells
                    continue
                numbers, rows = _mended((line.split(",") for line in lines), first, width)
                del lines, text
                if rows:
                    columns = list(zip(*rows, strict=True))
                    del rows
                    yield numbers, columns
        finally:
            if not released:
                _release(stream, self.owned)

    def _rest(self, text: str, start: int) -> Iterator[list[str]]:
        """The records from a block's text on (its first one numbered `start`), by the csv module."""
        lines = io.StringIO(text, newline="")  # lines as the file gives them to csv.reader
        records = _csv_records(csv.reader(chain(lines, self.stream)), self.stream, self.owned, self.label)
        if self.max_rows is None:
            return records
        return limited(records, self.label, None, self.max_rows - (start - 2))


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


def _xlsx_records(worksheet: Any) -> Iterator[list[str]]:
    """The rows after the header, streamed (openpyxl's read-only mode parses the sheet as it is consumed)."""
    for cells in worksheet.iter_rows(min_row=2):
        yield [
            "" if cell.value is None else _excel_text(cell.value, getattr(cell, "number_format", None))
            for cell in cells
        ]


def _xlsx_header(worksheet: Any) -> list[str]:
    for cells in worksheet.iter_rows(min_row=1, max_row=1, values_only=True):
        return [_excel_text(v, None).strip() for v in cells]
    return []


def open_workbook(source: Source, name: str | None = None, *, limits: Limits = NO_LIMITS) -> Any:
    """An openpyxl workbook in read-only mode (values, not formulas), or InvalidFileError.

    `limits` are checked first (the size, then the zip directory), before openpyxl reads a byte.
    The worksheets are read lazily: a sheet's rows are parsed as they are consumed, so the workbook
    must stay open until its sheets have been read (`xlsx_sheet`).
    """
    # openpyxl is imported only when a workbook is read or written: a CSV run starts without it (startup time).
    from openpyxl import load_workbook

    label = source_name(source, name)
    check_size(source, label, limits)
    check_zip(source, label, limits)
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on a bad file
        raise InvalidFileError(
            [Problem(label, "unreadable", {"detail": f"not an .xlsx workbook ({exc})"})]
        ) from exc


def xlsx_sheet(
    worksheet: Any, label: str, sheet_name: str | None, *, max_rows: int | None = None, stream: bool = False
) -> Sheet:
    """The sheet of `worksheet`, its rows read at once, or with `stream` parsed as they are consumed (the
    workbook must then stay open until they have been read); refused beyond `max_rows` either way."""
    # the stored dimension is sometimes wrong (some writers leave "A1"): read what is there
    worksheet.reset_dimensions()
    header = _xlsx_header(worksheet)
    if not any(header):
        raise InvalidFileError([Problem(label, "empty_file", sheet=sheet_name)])
    records = limited(_xlsx_records(worksheet), label, sheet_name, max_rows)
    return Sheet(label, sheet_name, header, records if stream else list(records))


def count_rows(source: Source, name: str | None = None) -> int:
    """About how many data rows a file holds, cheaply, to choose between a request and a background job.

    A CSV: its line ends (a quoted cell spanning lines counts more); an .xlsx: the first sheet's stored
    dimension, or its rows counted when the writer left none.
    """
    if detect_format(source, name) == "xlsx":
        workbook = open_workbook(source, name)
        try:
            worksheet = workbook.worksheets[0]
            rows = worksheet.max_row if worksheet.calculate_dimension(force=False) != "A1:A1" else None
            if rows is None:
                rows = sum(1 for _ in worksheet.iter_rows(values_only=True))
            return max(int(rows) - 1, 0)
        except Exception:  # an unreadable sheet: the import itself says what is wrong
            return 0
        finally:
            workbook.close()
            if not isinstance(source, str | Path):
                source.seek(0)
    if isinstance(source, str | Path):
        with open(source, "rb") as f:
            return _count_lines(f)
    position = source.tell()
    try:
        return _count_lines(source)
    finally:
        source.seek(position)


def _count_lines(stream: IO[bytes]) -> int:
    lines, last = 0, b"\n"
    while chunk := stream.read(1 << 20):
        lines += chunk.count(b"\n")
        last = chunk[-1:]
    return max(lines + (last != b"\n") - 1, 0)


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
