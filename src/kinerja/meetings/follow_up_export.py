"""The follow-up matrix as an Excel workbook (openpyxl, streaming): one row per action the matrix's filters
select, with the same columns as the page, and a second sheet with the count per state and the rule 24
warnings. Texts are text cells (a description starting with `=` is never a formula); dates are dates.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kinerja.organisations.models import Unit

from . import follow_ups
from .models import Action, ActionState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename(unit: Unit, today: dt.date) -> str:
    return f"matriks-tindak-lanjut-{slugify(unit.code) or unit.pk}-{today.isoformat()}.xlsx"


def columns() -> list[str]:
    return [
        _("No."),
        _("Tindak lanjut"),
        _("Unit"),
        _("Penanggung jawab"),
        _("NIP"),
        _("Batas waktu"),
        _("Status"),
        _("Terlambat (hari)"),
        _("Rapat asal"),
        _("Tanggal rapat"),
        _("Dibawa ke rapat berikutnya (kali)"),
        _("Sasaran strategis"),
        _("IKU"),
        _("Bukti penyelesaian"),
        _("Perkembangan"),
        _("Alasan pembatalan"),
        _("Diselesaikan pada"),
        _("Peringatan"),
    ]


WIDTHS = (6, 60, 14, 28, 20, 12, 14, 10, 40, 12, 12, 24, 24, 28, 40, 30, 18, 30)


def row_values(number: int, action: Action, today: dt.date) -> list[Any]:
    overdue = follow_ups.is_overdue(action, today)
    meeting = action.meeting
    objective = action.objective
    kpi = action.kpi
    warns = []
    if action.is_open:
        if action.owner_id is None:
            warns.append(str(follow_ups.WARNING_LABELS["no_owner"]))
        if action.due_date is None:
            warns.append(str(follow_ups.WARNING_LABELS["no_due_date"]))
        if overdue:
            warns.append(str(follow_ups.WARNING_LABELS["overdue"]))
    return [
        number,
        action.description,
        action.unit.code,
        action.owner.name if action.owner else "",
        action.owner.nip if action.owner else "",
        action.due_date,
        action.get_state_display(),
        (today - action.due_date).days if overdue and action.due_date else None,
        meeting.title if meeting else "",
        timezone.localtime(meeting.starts_at).date() if meeting else None,
        getattr(action, "carried", 0),
        f"{objective.code} {objective.name}".strip() if objective else "",
        f"{kpi.code} {kpi.name}".strip() if kpi else "",
        (action.evidence_name or _("ada")) if action.evidence else "",
        action.progress_note,
        action.drop_reason if action.state == ActionState.DROPPED else "",
        timezone.localtime(action.completed_at).replace(tzinfo=None) if action.completed_at else None,
        "; ".join(warns),
    ]


def render_xlsx(unit: Unit, rows: QuerySet[Action] | Iterable[Action], today: dt.date) -> bytes:
    """The workbook: the matrix (frozen bold header), then the counts per state and the rule 24 warnings of the
    whole subtree."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cells(sheet: Any, values: list[Any], *, header: bool = False) -> list[Any]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a text is text, never a formula
            elif isinstance(value, dt.datetime):
                cell.number_format = "DD-MM-YYYY HH:MM"
            elif isinstance(value, dt.date):
                cell.number_format = "DD-MM-YYYY"
            if header:
                cell.font = bold
            out.append(cell)
        return out

    sheet = workbook.create_sheet(_("Matriks tindak lanjut")[:31])
    sheet.freeze_panes = "A4"
    for i, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.append(cells(sheet, [_("Matriks tindak lanjut"), f"{unit.code} — {unit.name}"], header=True))
    sheet.append(cells(sheet, [_("Per tanggal"), today]))
    sheet.append(cells(sheet, columns(), header=True))
    iterator = rows.iterator(chunk_size=2000) if isinstance(rows, QuerySet) else rows
    for number, action in enumerate(iterator, start=1):
        sheet.append(cells(sheet, row_values(number, action, today)))

    actions = follow_ups.actions_of(unit)
    counts = follow_ups.state_counts(actions, today)
    warnings = follow_ups.warnings(actions, today, limit=0)
    summary = workbook.create_sheet(_("Ringkasan")[:31])
    summary.column_dimensions["A"].width = 40
    summary.append(cells(summary, [_("Status"), _("Jumlah")], header=True))
    for _state, label, count in counts.items():
        summary.append(cells(summary, [label, count]))
    summary.append(cells(summary, [_("Jumlah"), counts.total], header=True))
    summary.append([])
    summary.append(cells(summary, [_("Peringatan (aturan 24)"), _("Jumlah")], header=True))
    for kind in follow_ups.WARNING_KINDS:
        summary.append(cells(summary, [str(follow_ups.WARNING_LABELS[kind]), getattr(warnings, kind)]))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
