"""Reading a realization file: the scorecard table's `kpi_code`, `period` and `realization` columns (interchange.md).

A file for data entry needs three columns — `kpi_code` (`kode_iku`), `period`
(`periode`: `2026-03`, `2026-Q1`, `2026-S1`, `2026`) and `realization`
(`realisasi`) — and may add `unit` (`unit_kerja`, the unit code, for a file
covering several units) and `analysis` (`analisis`). Every other column of the
scorecard table (perspective, objective, target …, and an export's index and
status) is accepted and ignored, so an exported scorecard or the data-entry
template can be filled in and imported back. A blank realization is a row left
out (not reported), never a 0.

The file is read with the interchange readers (`kinerja.interchange`: CSV, or
the first sheet of an .xlsx in openpyxl's read-only mode), column by column;
every problem found names its row (as a spreadsheet numbers it) and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.interchange.cells import (
    DECIMAL_MARK,
    NumberStyle,
    Period,
    optional_text_column,
    parse_decimal,
    parse_optional_text,
    parse_period,
    period_column,
    text_column,
)
from kinerja.interchange.messages import InvalidFileError, Lang, Problem
from kinerja.interchange.schema import Column, Field, Schema, build, parse_columns
from kinerja.interchange.scorecard import SCORECARD_COLUMNS
from kinerja.interchange.sources import (
    NO_LIMITS,
    Limits,
    Source,
    detect_format,
    open_workbook,
    read_csv,
    source_name,
    xlsx_sheet,
)

from .models import Realization

_OWN = {"unit", "period", "kpi_code", "realization"}
_SCORECARD_NAMES = [
    name
    for column in SCORECARD_COLUMNS.columns
    if column.name not in _OWN
    for name in (column.name, *column.aliases)
]
_TOLERATED = (*_SCORECARD_NAMES, "index", "indeks", "indeks_capaian", "status", "state", "status_realisasi")

ENTRY_COLUMNS = Schema(
    [
        Column("unit", ("unit_kerja",)),
        Column("period", ("periode",), required=True),
        Column("kpi_code", ("kode_iku",), required=True),
        Column("realization", ("realisasi", "realisation"), required=True),
        Column("analysis", ("analisis",)),
    ],
    tolerated=_TOLERATED,
)


@dataclass(slots=True)
class EntryRow:
    """One row of a realization file."""

    unit: str | None
    period: Period | None
    kpi_code: str
    realization: Decimal | None
    analysis: str
    row: int = 0


ENTRY_FIELDS = [
    Field("unit", parse_optional_text, fast=optional_text_column),
    Field("period", parse_period, required=True, fast=period_column),
    Field("kpi_code", str.strip, "", required=True, fast=text_column),
    Field("realization", lambda raw: parse_realization(raw)),
    Field("analysis", str.strip, "", fast=text_column),
]


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an import: the row (spreadsheet numbering) and column, and what is wrong."""

    row: int | None
    column: str | None
    message: str

    def text(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(_("baris %(row)d") % {"row": self.row})
        if self.column:
            parts.append(_("kolom %(column)s") % {"column": self.column})
        where = ", ".join(parts)
        return f"{where}: {self.message}" if where else self.message

    def __str__(self) -> str:
        return self.text()


@dataclass
class EntryTable:
    """The rows of a realization file, how its header names each column, and whether it has an analysis."""

    rows: list[EntryRow]
    labels: dict[str, str]
    source: str

    def column(self, name: str) -> str:
        return self.labels.get(name, name)

    @property
    def has_analysis(self) -> bool:
        return "analysis" in self.labels


# The realization column of the database: a value it cannot hold is refused with its row and column.
_VALUE = Realization._meta.get_field("value")
REALIZATION_DIGITS: int = _VALUE.max_digits
REALIZATION_PLACES: int = _VALUE.decimal_places


def parse_realization(raw: str) -> Decimal | None:
    """A realization as a person types it (`85,5`, `1.234,5`, `85%`), as the forms read it; blank → None.

    Refused (a `CellError`, reported with the row and column): text, and a number
    with more digits than the realization column holds (never a database error).
    """
    return parse_decimal(
        raw,
        style=NumberStyle.HUMAN,
        decimal_mark=DECIMAL_MARK[language()],
        max_digits=REALIZATION_DIGITS,
        decimal_places=REALIZATION_PLACES,
    )


def language() -> Lang:
    return "en" if (get_language() or "id").startswith("en") else "id"


def converted(problems: Iterable[Problem]) -> list[ImportProblem]:
    """The interchange readers' problems as import problems, in the active language."""
    lang = language()
    return [ImportProblem(p.row, p.column, p.message(lang)) for p in problems]


def read_entries(
    source: Source,
    *,
    name: str | None = None,
    limits: Limits = NO_LIMITS,
    progress: Callable[[int], None] | None = None,
) -> tuple[EntryTable | None, list[ImportProblem]]:
    """Read a realization file (CSV or .xlsx); the table (None when unreadable) and every problem found.

    `limits` (the upload limits, `common.uploads.limits()`) are checked before the file is opened and
    while its rows are streamed; a breach makes the file unreadable, with a message naming the limit.
    `progress` is told the number of rows read so far, every `PROGRESS_EVERY` rows.
    """
    label = source_name(source, name)
    problems: list[Problem] = []
    workbook = None
    try:
        try:
            if detect_format(source, name) == "xlsx":
                workbook = open_workbook(source, name, limits=limits)
                sheet = xlsx_sheet(workbook.worksheets[0], label, None, max_rows=limits.max_rows, stream=True)
            else:
                sheet = read_csv(source, name, limits=limits)
            header = ENTRY_COLUMNS.match(sheet, problems)
            if problems:
                return None, converted(problems)
            if progress is not None:
                sheet.records = _counted(sheet.records, progress)
            numbers, values, bad = parse_columns(sheet, header, ENTRY_FIELDS, problems)
        except InvalidFileError as error:
            return None, converted(error.problems)
    finally:
        if workbook is not None:
            workbook.close()
    rows: list[EntryRow] = build(EntryRow, ENTRY_FIELDS, numbers, values, bad)
    table = EntryTable(rows, dict(header.label), label)
    found = converted(problems)
    if not numbers:
        found.append(ImportProblem(None, None, _("Berkas tidak berisi baris data.")))
    return table, found


PROGRESS_EVERY = 1000


def _counted(records: Iterable[list[str]], progress: Callable[[int], None]) -> Iterator[list[str]]:
    count = 0
    for count, record in enumerate(records, start=1):
        if count % PROGRESS_EVERY == 0:
            progress(count)
        yield record
    progress(count)
