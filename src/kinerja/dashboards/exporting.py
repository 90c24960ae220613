"""The leader's reports as files: the NKO ranking and the completeness status, as CSV or .xlsx.

Figures are written as shown on the page: the NKO rounded half-up to 2
decimals (scoring.md), a number in the spreadsheet. An N/A NKO is an empty
cell with "belum dilaporkan" in the status column — never 0. The CSV and the
.xlsx hold the same rows (the .xlsx writer keeps text that looks like a
formula as text).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.utils.translation import gettext as _

from kinerja.common.labels import predicate_label
from kinerja.interchange.cells import format_cell, neutralise
from kinerja.interchange.sources import csv_download, write_csv, write_xlsx_sheets
from kinerja.reporting.scorecard import shown

from .completeness import CompletenessItem
from .selectors import RankingReport

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _write(title: str, header: Sequence[str], records: list[list[object]], fmt: str) -> bytes:
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx_sheets(out, [(title, header, records)])
        return out.getvalue()
    text = io.StringIO()
    write_csv(text, header, ([format_cell(v) for v in r] for r in records))
    return csv_download(text.getvalue().encode("utf-8"))


def ranking_header() -> list[str]:
    return [
        _("Peringkat"),
        _("Kode unit"),
        _("Nama unit"),
        _("Level"),
        _("Jenis"),
        _("Periode"),
        _("NKO"),
        _("Predikat"),
        _("Kelengkapan"),
        _("NKO periode sebelumnya"),
        _("Keterangan"),
    ]


def ranking_records(report: RankingReport) -> list[list[object]]:
    period = report.period.label if report.period is not None else ""
    records: list[list[object]] = []
    for row in report.rows:
        na = row.nko is None
        records.append(
            [
                row.rank,
                row.unit.code,
                row.unit.name,
                row.unit.get_level_display(),
                row.unit.get_kind_display(),
                period,
                shown(row.nko),
                predicate_label(row.predicate),
                "" if na else (_("lengkap") if row.complete else _("belum lengkap")),
                shown(row.previous_nko),
                _("belum dilaporkan") if na else "",
            ]
        )
    return records


def export_ranking(report: RankingReport, fmt: str) -> bytes:
    return _write(_("peringkat-nko"), ranking_header(), ranking_records(report), fmt)


def completeness_header() -> list[str]:
    return [
        _("Kode unit"),
        _("Nama unit"),
        _("Kode IKU"),
        _("Nama IKU"),
        _("Periode"),
        _("Batas waktu"),
        _("Status"),
        _("Terlambat"),
    ]


def completeness_records(items: Iterable[CompletenessItem]) -> Iterator[list[object]]:
    """One record per gap, as they come (the export streams them from the database)."""
    for item in items:
        yield [
            item.unit_code,
            item.unit_name,
            item.kpi_code,
            item.kpi_name,
            item.period.label,
            item.period.due_date.isoformat(),
            item.state_label,
            _("ya") if item.overdue else _("tidak"),
        ]


def export_completeness(items: Iterable[CompletenessItem], fmt: str) -> bytes:
    """The .xlsx (or a CSV in one piece) of the gaps; the rows are written as they are read."""
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx_sheets(out, [(_("kelengkapan"), completeness_header(), completeness_records(items))])
        return out.getvalue()
    return b"".join(stream_completeness_csv(items))


def stream_completeness_csv(items: Iterable[CompletenessItem], chunk: int = 500) -> Iterator[bytes]:
    """The CSV of the gaps in pieces of `chunk` rows (a byte-order mark first, as `csv_download` gives)."""
    buffer = io.StringIO()

    def take() -> bytes:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text.encode("utf-8")

    write_csv(buffer, completeness_header(), [])
    yield csv_download(take())
    writer = csv.writer(buffer)
    for n, record in enumerate(completeness_records(items), start=1):
        writer.writerow([neutralise(format_cell(v)) for v in record])
        if n % chunk == 0:
            yield take()
    rest = take()
    if rest:
        yield rest


def file_name(kind: str, year: int | None, label: str, fmt: str) -> str:
    parts = [kind, str(year or ""), label]
    return "-".join(p for p in parts if p).lower() + f".{fmt}"
