"""The performance-allowance recap of a unit's year as files: Excel (openpyxl, written row by row) and PDF
(WeasyPrint, A4 landscape, as the contract document renders: `kinerja.contracts.document`).

Both carry, per employee, the NIP, name, unit, position, NKP before and after calibration, the predicate
(`kmk-127-2026`) or behaviour band (`kmk-467-2014`) and the share of the allowance paid; the totals by
predicate; and the rule set's parameter table (`appraisal.allowance_shares`) with its source. The records are
read with one streamed query and the calibration adjustments with one more, whatever the number of people.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.contracts.document import css_string, page_counter_css
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear
from kinerja.scoring import RuleSet, get_rule_set

from . import selectors
from .recaps import AllowanceRow, adjustments_for, allowance_rows, allowance_totals, by_predicate, share_table

__all__ = ["columns", "filename", "render_pdf", "render_xlsx", "rows", "rules_of"]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 2000


def rules_of(plan_year: PlanYear) -> RuleSet:
    return get_rule_set(plan_year.rule_set)


def filename(unit: Unit, plan_year: PlanYear, extension: str) -> str:
    """`rekap-tunjangan-kinerja-<unit>-<year>.<ext>` (in the active language)."""
    name = slugify(_("rekap tunjangan kinerja"))
    return f"{name}-{slugify(unit.code)}-{plan_year.year}.{extension}"


def predicate_heading(rules: RuleSet) -> str:
    return _("Predikat") if by_predicate(rules) else _("Kategori nilai perilaku")


def columns(rules: RuleSet) -> list[str]:
    return [
        _("NIP"),
        _("Nama"),
        _("Unit"),
        _("Jabatan"),
        _("NKP semula"),
        _("NKP setelah kalibrasi"),
        predicate_heading(rules),
        _("Tunjangan dibayarkan (%)"),
    ]


def rows(unit: Unit, plan_year: PlanYear, rules: RuleSet) -> Iterator[AllowanceRow]:
    """Every row of the recap, streamed (two queries in all)."""
    adjustments = adjustments_for(unit, plan_year)
    records = selectors.unit_records(unit, plan_year).iterator(chunk_size=_CHUNK)
    return allowance_rows(records, adjustments, rules)


# --------------------------------------------------------------------------- Excel


def render_xlsx(unit: Unit, plan_year: PlanYear) -> bytes:
    """Three sheets: the employees (frozen bold header), the totals by predicate, the parameter table."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    rules = rules_of(plan_year)
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)

    def cells(sheet: Any, values: list[Any], *, header: bool = False) -> list[Any]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # a name or NIP is text, never a formula or a number
            if header:
                cell.font = bold
            out.append(cell)
        return out

    def number(value: Any) -> float | None:
        return None if value is None else float(value)

    sheet = workbook.create_sheet(_("Tunjangan kinerja")[:31])
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (22, 32, 28, 36, 12, 14, 18, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(cells(sheet, columns(rules), header=True))
    for r in rows(unit, plan_year, rules):
        sheet.append(
            cells(
                sheet,
                [
                    r.nip,
                    r.name,
                    r.unit_code,
                    r.position,
                    number(r.original),
                    number(r.nkp),
                    r.predicate_shown,
                    number(r.share),
                ],
            )
        )

    totals, count = allowance_totals(selectors.unit_records(unit, plan_year), rules)
    summary = workbook.create_sheet(_("Rekap predikat")[:31])
    summary.freeze_panes = "A2"
    summary.column_dimensions["A"].width = 24
    summary.append(
        cells(
            summary,
            [predicate_heading(rules), _("Jumlah pegawai"), _("Tunjangan dibayarkan (%)")],
            header=True,
        )
    )
    for t in totals:
        summary.append(cells(summary, [t.label, t.count, number(t.share)]))
    summary.append(cells(summary, [_("Jumlah"), count, None], header=True))

    table = share_table(rules)
    params = workbook.create_sheet(_("Parameter")[:31])
    params.freeze_panes = "A2"
    params.column_dimensions["A"].width = 24
    params.column_dimensions["B"].width = 24
    params.append(cells(params, [predicate_heading(rules), _("Tunjangan dibayarkan (%)")], header=True))
    for _key, label, value in table["rows"]:
        params.append(cells(params, [label, number(value)]))
    params.append([])
    for label, value in (
        (_("Parameter"), table["label"]),
        (_("Sumber"), table["source"]),
        (_("Aturan penilaian"), f"{rules.name} ({rules.code})"),
        (_("Unit"), f"{unit.code} — {unit.name}"),
        (_("Tahun"), plan_year.year),
    ):
        params.append(cells(params, [label, value]))

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- PDF


def context(unit: Unit, plan_year: PlanYear, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    rules = rules_of(plan_year)
    totals, count = allowance_totals(selectors.unit_records(unit, plan_year), rules)
    title = _("Rekap Tunjangan Kinerja")
    return {
        "lang": get_language() or "id",
        "title": title,
        "unit": unit,
        "plan_year": plan_year,
        "rules": rules,
        "columns": columns(rules),
        "rows": rows(unit, plan_year, rules),
        "totals": totals,
        "count": count,
        "table": share_table(rules),
        "predicate_heading": predicate_heading(rules),
        "generated": formats.date_format(now, "j F Y H:i"),
        "page_counter": page_counter_css(),
        "header_left": css_string(f"{title} · {unit.code} — {unit.name} · {plan_year.year}"),
        "header_right": css_string(
            _("Aturan penilaian: %(rules)s") % {"rules": f"{rules.name} ({rules.code})"}
        ),
        "footer_left": css_string(_("Dibuat %(when)s") % {"when": formats.date_format(now, "j F Y H:i")}),
    }


def render_html(unit: Unit, plan_year: PlanYear, *, now: dt.datetime | None = None) -> str:
    return render_to_string("appraisals/pdf/allowance.html", context(unit, plan_year, now=now))


def render_pdf(unit: Unit, plan_year: PlanYear, *, now: dt.datetime | None = None) -> bytes:
    """The recap as PDF bytes, in the active language. Nothing is fetched from files or the network."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    html = render_html(unit, plan_year, now=now)
    pdf = HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()
    assert pdf is not None
    return bytes(pdf)
