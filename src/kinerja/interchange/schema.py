"""Column sets of the interchange tables and the matching of a file's header to them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kinerja.interchange.cells import CellError, has_none, name_key
from kinerja.interchange.messages import Problem
from kinerja.interchange.sources import Sheet


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its name, the other names it may have (Indonesian first), whether it must be there."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def describe(self) -> str:
        return f"{self.name} ({self.aliases[0]})" if self.aliases else self.name


@dataclass(slots=True)
class Header:
    """Where each known column is in a file (`index`), how the file spells it (`label`), what was ignored."""

    width: int
    index: dict[str, int] = field(default_factory=dict)
    label: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)

    def position(self, name: str) -> int:
        """The column's index, or `width` (a blank cell padded on every row) when the file lacks it."""
        return self.index.get(name, self.width)

    def has(self, name: str) -> bool:
        return name in self.index

    def name(self, column: str) -> str:
        return self.label.get(column, column)


class Schema:
    """The columns of one table, matched case-insensitively by name or alias."""

    def __init__(self, columns: list[Column], tolerated: tuple[str, ...] = ()) -> None:
        self.columns = columns
        self._lookup: dict[str, Column] = {}
        for column in columns:
            for alias in (column.name, *column.aliases):
                self._lookup[name_key(alias)] = column
        self._tolerated = {name_key(t) for t in tolerated}

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def match(self, sheet: Sheet, problems: list[Problem]) -> Header:
        """Map the sheet's header; a missing required column or a column given twice is a problem."""
        header = Header(width=len(sheet.header))
        for position, written in enumerate(sheet.header):
            if not written:
                continue
            column = self._lookup.get(name_key(written))
            if column is None:
                if name_key(written) not in self._tolerated:
                    header.ignored.append(written)
                continue
            if column.name in header.index:
                problems.append(
                    sheet.problem(
                        "duplicate_column",
                        row=1,
                        column=written,
                        first=header.label[column.name],
                        second=written,
                        name=column.name,
                    )
                )
                continue
            header.index[column.name] = position
            header.label[column.name] = written
        for column in self.columns:
            if column.required and column.name not in header.index:
                problems.append(sheet.problem("missing_column", row=1, name=column.describe()))
        return header


Parser = Callable[[str], object]
ColumnParser = Callable[[Sequence[str]], list[Any]]


@dataclass(frozen=True, slots=True)
class Field:
    """How one column becomes one attribute of a record.

    `parser` reads one cell (raising `CellError`); `fast` reads a whole column at
    once and may raise anything on a cell it cannot take, the column is then read
    cell by cell with `parser`. `default` is the value of a blank cell (and of an
    absent column); a `required` column must have a value on every row.
    """

    column: str
    parser: Parser
    default: object = None
    required: bool = False
    fast: ColumnParser | None = None


def parse_columns(
    sheet: Sheet, header: Header, fields: Sequence[Field], problems: list[Problem]
) -> tuple[list[int], dict[str, list[Any]], set[int]]:
    """Read the sheet column by column: row numbers, the values of each field, the positions of bad rows.

    The rows are read a chunk at a time (so the text of the whole file is never
    held at once); a column of a chunk is parsed in one pass (`Field.fast`, or
    `Field.parser` mapped over it) and, only when that fails, cell by cell to
    name every bad cell. Problems are added in row order, and in the file's
    column order within a row.
    """
    numbers: list[int] = []
    values: dict[str, list[Any]] = {f.column: [] for f in fields}
    found: list[tuple[int, int, Problem]] = []
    bad: set[int] = set()
    for chunk_numbers, columns in sheet.column_chunks(header.width):
        offset = len(numbers)
        numbers.extend(chunk_numbers)
        for f in fields:
            index = header.index.get(f.column)
            if index is None:
                values[f.column].extend([f.default] * len(chunk_numbers))
                continue
            parsed = _parse_column(sheet, header, f, index, columns[index], chunk_numbers, offset, bad, found)
            values[f.column].extend(parsed)
    found.sort(key=lambda item: (item[0], item[1]))
    problems.extend(problem for _, _, problem in found)
    return numbers, values, bad


def _parse_column(
    sheet: Sheet,
    header: Header,
    f: Field,
    index: int,
    column: Sequence[str],
    numbers: list[int],
    offset: int,
    bad: set[int],
    found: list[tuple[int, int, Problem]],
) -> list[Any]:
    label = header.name(f.column)
    parsed: list[Any] | None
    try:
        parsed = f.fast(column) if f.fast is not None else list(map(f.parser, column))
    except Exception:
        parsed = None
    if parsed is None:
        parsed = []
        for position, raw in enumerate(column):
            try:
                parsed.append(f.parser(raw))
            except CellError as exc:
                parsed.append(None)
                bad.add(offset + position)
                problem = sheet.problem(exc.key, row=numbers[position], column=label, **exc.params)
                found.append((numbers[position], index, problem))
    # `not all(...)`: truth in C; None and "" are false (as are a few others, looked at below). Not `None in`
    # nor `"" in`: they call each value's `__eq__`, which is slow for a Decimal (`cells.has_none`).
    if f.required and not all(parsed):
        for position, value in enumerate(parsed):
            if (value is None or (isinstance(value, str) and value == "")) and offset + position not in bad:
                bad.add(offset + position)
                problem = sheet.problem("required", row=numbers[position], column=label)
                found.append((numbers[position], index, problem))
    elif f.default is not None and has_none(parsed):
        default = f.default
        parsed = [default if v is None else v for v in parsed]
    return parsed


def build(
    cls: Callable[..., Any],
    fields: Sequence[Field],
    numbers: list[int],
    values: dict[str, list[Any]],
    bad: set[int],
) -> list[Any]:
    """The records `cls(*field values, row number)` of the good rows."""
    records = list(map(cls, *(values[f.column] for f in fields), numbers))
    if bad:
        records = [r for position, r in enumerate(records) if position not in bad]
    return records
