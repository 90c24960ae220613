"""The monthly performance report as an .xlsx workbook: the PDF's tables, one sheet each.

Sheets: the summary (unit, period, rule set, NKO, predicate, completeness, the NKO trend with a line
chart), the perspectives, the KPIs (target, realization, index, status, filled in the status colour), the
KPIs' trend (one row per KPI and period: counted realization and period target), the analysis of the
off-target KPIs, the initiatives, the missing data, the open follow-ups and, for a unit with map-owning
units below, their NKO ranking. Figures are numbers (indices and the NKO rounded half-up to 2 decimals as
shown); N/A is an empty cell, never 0. Text that looks like a formula stays text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _

from kinerja.common.labels import predicate_label
from kinerja.interchange.cells import looks_like_formula
from kinerja.reporting.scorecard import shown

from .monthly_pdf import title_for
from .monthly_report import MonthlyReport

FILLS = {"green": "C8E6C9", "yellow": "FFF3C4", "red": "FFCDD2"}
HEADER_FILL = "E8EEF5"


def status_label(status: str | None) -> str:
    return {"green": _("hijau"), "yellow": _("kuning"), "red": _("merah")}.get(status or "", _("N/A"))


def _value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


class _Sheet:
    """A worksheet written row by row, with a bold shaded header and widths set at the end."""

    def __init__(self, workbook: Any, title: str, header: Sequence[str], widths: Sequence[int]) -> None:
        from openpyxl.styles import Alignment, Font, PatternFill

        self.sheet = workbook.create_sheet(title[:31])
        self.sheet.append(list(header))
        for cell in self.sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
            cell.alignment = Alignment(vertical="center", wrap_text=True)
        self.sheet.freeze_panes = "A2"
        from openpyxl.utils import get_column_letter

        for i, width in enumerate(widths, start=1):
            self.sheet.column_dimensions[get_column_letter(i)].width = width

    def row(
        self, values: Sequence[Any], *, status: str | None = None, status_column: int | None = None
    ) -> None:
        from openpyxl.styles import PatternFill

        self.sheet.append([_value(v) for v in values])
        row = self.sheet.max_row
        for i, value in enumerate(values, start=1):
            if isinstance(value, str) and looks_like_formula(value):
                self.sheet.cell(row=row, column=i).data_type = "s"
        if status in FILLS and status_column is not None:
            self.sheet.cell(row=row, column=status_column).fill = PatternFill("solid", fgColor=FILLS[status])


def build_workbook(report: MonthlyReport) -> Any:
    from openpyxl import Workbook
    from openpyxl.chart import LineChart, Reference
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Ringkasan")[:31]
    summary.append([title_for(report)])
    summary["A1"].font = Font(bold=True, size=14)
    facts: list[tuple[str, Any]] = [
        (_("Unit"), f"{report.unit.name} ({report.unit.code})"),
        (_("Periode"), report.period.display_name),
        (_("Aturan penilaian"), report.rule_set_name),
        (_("Data per"), report.as_of),
        (_("NKO"), shown(report.nko)),
        (_("Status NKO"), status_label(report.nko_status) if report.scored else _("belum dihitung")),
        (_("Predikat"), predicate_label(report.predicate)),
        (
            _("Kelengkapan"),
            "" if not report.scored else (_("lengkap") if report.complete else _("belum lengkap")),
        ),
        (
            _("IKU hijau / kuning / merah"),
            " / ".join(str(report.counts[c]) for c in ("green", "yellow", "red")),
        ),
        (_("Data belum lengkap"), len(report.missing)),
        (_("Inisiatif terlambat"), report.late_initiatives),
        (_("Tindak lanjut terbuka"), len(report.follow_ups)),
        (_("Dibuat"), formats.date_format(report.generated_at, "j F Y H:i")),
    ]
    for label, value in facts:
        summary.append([label, _value(value)])
        if isinstance(value, str) and looks_like_formula(value):
            summary.cell(row=summary.max_row, column=2).data_type = "s"
    if report.scored and report.nko_status in FILLS:
        summary.cell(row=6, column=2).fill = PatternFill("solid", fgColor=FILLS[report.nko_status or ""])
    for row in range(2, summary.max_row + 1):
        summary.cell(row=row, column=1).font = Font(bold=True)
    summary.append([])
    trend_head = summary.max_row + 1
    summary.append([_("Periode"), _("NKO")])
    summary.cell(row=trend_head, column=1).font = Font(bold=True)
    summary.cell(row=trend_head, column=2).font = Font(bold=True)
    for point in report.trend:
        summary.append([point.label, _value(shown(point.value))])
    summary.column_dimensions["A"].width = 28
    summary.column_dimensions["B"].width = 48
    if report.trend:
        chart = LineChart()
        chart.title = _("Tren NKO")
        chart.height, chart.width = 7, 16
        chart.legend = None
        data = Reference(summary, min_col=2, min_row=trend_head, max_row=trend_head + len(report.trend))
        labels = Reference(summary, min_col=1, min_row=trend_head + 1, max_row=trend_head + len(report.trend))
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(labels)
        summary.add_chart(chart, "D2")

    sheet = _Sheet(
        workbook,
        _("Perspektif"),
        [_("Kode"), _("Perspektif"), _("Bobot (%)"), _("Indeks"), _("Status"), _("Kelengkapan")],
        [18, 36, 10, 10, 10, 14],
    )
    for p in report.perspectives:
        sheet.row(
            [
                p.code,
                p.name,
                p.weight,
                shown(p.index),
                status_label(p.status),
                _("lengkap") if p.complete else _("belum lengkap"),
            ],
            status=p.status,
            status_column=5,
        )

    sheet = _Sheet(
        workbook,
        _("IKU"),
        [
            _("Kode"),
            _("Indikator kinerja utama"),
            _("Sasaran strategis"),
            _("Perspektif"),
            _("Satuan"),
            _("Target"),
            _("Target bawah"),
            _("Target atas"),
            _("Realisasi"),
            _("Indeks"),
            _("Status"),
            _("Periode data"),
            _("Keterangan"),
        ],
        [9, 44, 30, 22, 10, 10, 10, 10, 10, 9, 9, 18, 26],
    )
    for k in report.kpis:
        notes = []
        if not k.due:
            notes.append(_("belum jatuh tempo"))
        elif k.missing:
            notes.append(_("data periode ini belum disetujui"))
        if k.carried:
            notes.append(_("nilai periode sebelumnya"))
        sheet.row(
            [
                k.code,
                k.name,
                f"{k.objective} {k.objective_name}".strip(),
                k.perspective_name,
                k.unit_of_measure,
                k.target,
                k.target_low,
                k.target_high,
                k.realization,
                shown(k.index),
                status_label(k.status),
                k.result_period,
                "; ".join(notes),
            ],
            status=k.status,
            status_column=11,
        )

    sheet = _Sheet(
        workbook,
        _("Tren IKU"),
        [
            _("Kode"),
            _("Indikator kinerja utama"),
            _("Periode"),
            _("Realisasi disetujui"),
            _("Target periode"),
        ],
        [9, 44, 12, 18, 16],
    )
    for k in report.kpis:
        for point in k.trend:
            sheet.row([k.code, k.name, point.label, point.value, point.target])

    sheet = _Sheet(
        workbook,
        _("Analisis"),
        [_("Kode"), _("Indikator kinerja utama"), _("Status"), _("Indeks"), _("Periode data"), _("Analisis")],
        [9, 40, 9, 9, 18, 80],
    )
    for k in report.off_target:
        sheet.row(
            [k.code, k.name, status_label(k.status), shown(k.index), k.result_period, k.analysis],
            status=k.status,
            status_column=3,
        )

    sheet = _Sheet(
        workbook,
        _("Inisiatif"),
        [
            _("Kode"),
            _("Inisiatif"),
            _("Penanggung jawab"),
            _("Kemajuan (%)"),
            _("Tanggal laporan"),
            _("Tonggak selesai"),
            _("Jumlah tonggak"),
            _("Status"),
            _("Tonggak terlambat"),
            _("Catatan"),
        ],
        [8, 44, 28, 12, 14, 12, 12, 14, 36, 40],
    )
    for i in report.initiatives:
        sheet.row(
            [
                i.code,
                i.name,
                i.owner,
                i.progress,
                i.progress_on,
                i.milestones_done,
                i.milestones_total,
                _("terlambat") if i.late else _("sesuai jadwal"),
                "; ".join(i.late_milestones),
                i.note,
            ],
            status="red" if i.late else None,
            status_column=8,
        )

    sheet = _Sheet(
        workbook,
        _("Data belum lengkap"),
        [_("Kode"), _("IKU"), _("Periode"), _("Batas waktu"), _("Status"), _("Terlambat")],
        [9, 44, 20, 14, 16, 10],
    )
    for m in report.missing:
        sheet.row(
            [
                m.kpi_code,
                m.kpi_name,
                m.period.display_name,
                m.period.due_date,
                m.state_label,
                _("ya") if m.overdue else _("tidak"),
            ]
        )

    sheet = _Sheet(
        workbook,
        _("Tindak lanjut"),
        [
            _("Tindak lanjut"),
            _("Penanggung jawab"),
            _("Batas waktu"),
            _("Status"),
            _("Lewat batas"),
            _("Rapat asal"),
            _("IKU"),
            _("Perkembangan"),
        ],
        [60, 28, 14, 14, 12, 30, 9, 40],
    )
    for a in report.follow_ups:
        sheet.row(
            [
                a.description,
                a.owner,
                a.due_date,
                a.state_label,
                _("ya") if a.overdue else _("tidak"),
                a.meeting,
                a.kpi_code,
                a.progress_note,
            ],
            status="red" if a.overdue else None,
            status_column=5,
        )

    if report.has_below:
        sheet = _Sheet(
            workbook,
            _("Peringkat unit"),
            [
                _("Peringkat"),
                _("Kode unit"),
                _("Nama unit"),
                _("NKO"),
                _("Predikat"),
                _("Kelengkapan"),
                _("NKO periode sebelumnya"),
            ],
            [10, 26, 44, 10, 16, 14, 18],
        )
        for r in report.below:
            sheet.row(
                [
                    r.rank,
                    r.unit.code,
                    r.unit.name,
                    shown(r.nko),
                    predicate_label(r.predicate),
                    _("belum dilaporkan")
                    if r.nko is None
                    else (_("lengkap") if r.complete else _("belum lengkap")),
                    shown(r.previous_nko),
                ]
            )
    return workbook


def render_xlsx(report: MonthlyReport) -> bytes:
    """The report as .xlsx bytes, in the active language."""
    out = io.BytesIO()
    build_workbook(report).save(out)
    return out.getvalue()
