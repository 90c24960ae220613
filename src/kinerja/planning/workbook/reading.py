"""Reading a planning workbook: every sheet's rows typed by the layout's columns, with every cell problem.

A cell is read by the shared cell parsers of `kinerja.interchange.cells`: numbers as
people type them (`parse_decimal`, `NumberStyle.HUMAN`: `85,5`, `1.234,5`, `85%`) within
the model field's digits, whole numbers (`parse_whole_number`), yes/no (`YES_NO`) and the
closed vocabularies of choice columns (`Keywords`: case, spaces, `_` and `-` ignored).
A number, date or yes/no cell that Excel already typed is taken as it is.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from kinerja.interchange.cells import (
    YES_NO,
    CellError,
    Keywords,
    NumberStyle,
    check_digits,
    parse_decimal,
    parse_whole_number,
)
from kinerja.interchange.messages import Lang, text

from .layout import SHEETS, Column


@dataclass(frozen=True)
class Issue:
    """One problem of an import: where (sheet, row, column) and what, in Indonesian."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("%(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}
        if self.column is None:
            return _("%(sheet)s, baris %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("%(sheet)s, baris %(row)s, kolom %(column)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    def counts(self) -> list[tuple[str, int, int]]:
        return [(s.name, self.created.get(s.name, 0), self.updated.get(s.name, 0)) for s in SHEETS]


def _norm(text: Any) -> str:
    return str(text or "").strip().lower().replace(" ", "_").replace("-", "_")


class _Bad(Exception):
    pass


_NOT_A_NUMBER = frozenset({"not_a_number", "misplaced_separator", "decimal_comma"})


def _decimal(raw: Any, digits: tuple[int, int] | None) -> Decimal:
    """A number cell, or a number as people type it (`85,5`, `1.234,5`, `85%`: the shared parser), within
    the model field's digits."""
    max_digits, places = digits if digits is not None else (None, None)
    try:
        if isinstance(raw, int | float | Decimal):
            number = Decimal(str(raw))
            return number if digits is None else check_digits(number, max_digits or 0, places or 0)
        value = parse_decimal(str(raw), style=NumberStyle.HUMAN, max_digits=max_digits, decimal_places=places)
    except CellError as error:
        if error.key in _NOT_A_NUMBER:
            raise _Bad(_('"%(value)s" bukan angka') % {"value": raw}) from None
        raise _Bad(error.message(_language())) from None
    if value is None:  # pragma: no cover - blanks never reach here
        raise _Bad(_('"%(value)s" bukan angka') % {"value": raw})
    return value


def _whole(raw: Any) -> int:
    """A whole-number cell: a number Excel typed, or text the shared parser reads as a whole number."""
    if isinstance(raw, bool):
        raise _Bad(_('"%(value)s" bukan bilangan bulat') % {"value": raw})
    try:
        if isinstance(raw, int | float | Decimal):
            number = Decimal(str(raw))
            if number.is_finite() and number == number.to_integral_value():
                return int(number)
        else:
            value = parse_whole_number(str(raw), style=NumberStyle.HUMAN)
            if value is not None:
                return value
    except CellError:
        pass
    raise _Bad(_('"%(value)s" bukan bilangan bulat') % {"value": raw})


def _yes_no(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    try:
        value = YES_NO.parse(str(raw))
    except CellError:
        value = None
    if value is None:
        raise _Bad(_('"%(value)s" bukan nilai ya/tidak') % {"value": raw})
    return value == "yes"


@cache
def _vocabulary(choices: tuple[str, ...]) -> Keywords:
    """A choice column's closed vocabulary: its values, no aliases."""
    return Keywords({choice: () for choice in choices})


def _choice(column: Column, raw: Any) -> str:
    text = str(raw).strip()
    try:
        value = _vocabulary(column.choices).parse(text)
    except CellError:
        value = None
    if value is None:
        raise _Bad(
            _('"%(value)s" bukan nilai yang dikenal (%(choices)s)')
            % {"value": text, "choices": ", ".join(column.choices)}
        )
    return value


def _language() -> Lang:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _parse(column: Column, raw: Any, digits: tuple[int, int] | None = None) -> Any:
    """The typed value of a cell, or _Bad with the Indonesian message."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if column.required:
            raise _Bad(_("wajib diisi"))
        if column.kind in ("text",):
            return ""
        if column.kind == "list":
            return []
        return column.default
    if column.kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw)
    if column.kind == "list":
        return [part.strip() for part in str(raw).replace(";", ",").split(",") if part.strip()]
    if column.kind == "decimal":
        if isinstance(raw, bool):
            raise _Bad(_('"%(value)s" bukan angka') % {"value": raw})
        return _decimal(raw, digits)
    if column.kind == "int":
        return _whole(raw)
    if column.kind == "bool":
        return _yes_no(raw)
    if column.kind == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            raise _Bad(_('"%(value)s" bukan tanggal (TTTT-BB-HH)') % {"value": raw}) from None
    return _choice(column, raw)


def read_workbook(
    content: bytes, report: ImportReport, *, max_rows: int | None = None
) -> dict[str, list[Row]]:
    """Every sheet's rows, typed and streamed; cell problems go to `report` (the row is then left out).

    A sheet with more than `max_rows` data rows (`KINERJA_IMPORT_MAX_ROWS`) stops the reading: one issue
    names the limit and nothing is imported.
    """
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an XLSX workbook
        report.issues.append(
            Issue(_("berkas"), None, None, _("Berkas bukan buku kerja Excel (.xlsx) yang valid."))
        )
        return {}
    by_name = {_norm(ws.title): ws for ws in book.worksheets}
    out: dict[str, list[Row]] = {}
    known = {s.name for s in SHEETS} | {s.alias for s in SHEETS}
    for title in by_name:
        if title not in known:
            report.issues.append(
                Issue(
                    title,
                    None,
                    None,
                    _("lembar tidak dikenal; lembar yang dikenal: %(names)s")
                    % {"names": ", ".join(s.name for s in SHEETS)},
                )
            )
    for sheet in SHEETS:
        ws = by_name.get(sheet.name) or by_name.get(sheet.alias)
        if ws is None:
            continue
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            continue
        lookup = {}
        for c in sheet.columns:
            for name in (c.header, c.key, *c.aliases):
                lookup[_norm(name)] = c
        positions: dict[int, Column] = {}
        for index, title in enumerate(header):
            if title is None or str(title).strip() == "":
                continue
            column = lookup.get(_norm(title))
            if column is None:
                report.issues.append(Issue(sheet.name, 1, str(title), _("judul kolom tidak dikenal")))
            else:
                positions[index] = column
        present = set(positions.values())
        missing = [c.header for c in sheet.columns if c.required and c not in present]
        if missing:
            report.issues.append(
                Issue(
                    sheet.name, 1, None, _("kolom wajib tidak ada: %(names)s") % {"names": ", ".join(missing)}
                )
            )
            continue
        parsed: list[Row] = []
        for number, values in enumerate(rows, start=2):
            if max_rows is not None and number - 1 > max_rows:
                report.issues.append(
                    Issue(
                        sheet.name,
                        None,
                        None,
                        text("too_many_rows", _language(), limit=max_rows),
                    )
                )
                book.close()
                return {}
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            typed: dict[str, Any] = {
                c.key: _parse(c, None) if not c.required else None for c in sheet.columns if c not in present
            }
            bad = False
            for index, column in positions.items():
                raw = values[index] if index < len(values) else None
                try:
                    typed[column.key] = _parse(column, raw, sheet.digits(column))
                except _Bad as problem:
                    report.issues.append(Issue(sheet.name, number, column.header, str(problem)))
                    bad = True
            if not bad:
                parsed.append(Row(number, typed))
            else:
                parsed.append(Row(number, {**typed, "_bad": True}))
        out[sheet.name] = parsed
    return out
