"""The audit trail page and its downloads (dashboards/audit.py reads; these pages only parse and show).

Query parameters, Indonesian like the paths: `unit` (pk; the unit and its subtree, within the viewer's
reach, else 404), `orang` (a username, NIP or part of a name), `jenis` (object type), `dari` / `sampai`
(dates, ISO), `halaman` (page number).
"""

from __future__ import annotations

import datetime as dt
import io
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.interchange.cells import format_cell
from kinerja.interchange.sources import csv_download, write_csv, write_xlsx_sheets
from kinerja.organisations import unit_picker

from . import audit
from .exporting import CONTENT_TYPES

AUDIT_UNIT_PICKER = "dashboards.audit-unit"
unit_picker.register(AUDIT_UNIT_PICKER, audit.units_in_reach)


def _date(request: HttpRequest, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.GET.get(name, "").strip())
    except ValueError:
        return None


def _filters(request: HttpRequest) -> audit.AuditFilter:
    if not audit.may_audit(request.user):
        raise PermissionDenied
    unit = None
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise Http404
        unit = audit.units_in_reach(request.user).filter(pk=int(raw)).first()
        if unit is None:
            raise Http404
    kind = request.GET.get("jenis", "")
    return audit.AuditFilter(
        unit=unit,
        person=request.GET.get("orang", "").strip()[:100],
        kind=kind if kind in audit.KINDS else "",
        date_from=_date(request, "dari"),
        date_to=_date(request, "sampai"),
    )


def _query(filters: audit.AuditFilter) -> str:
    params = {
        "unit": filters.unit.pk if filters.unit else "",
        "orang": filters.person,
        "jenis": filters.kind,
        "dari": filters.date_from.isoformat() if filters.date_from else "",
        "sampai": filters.date_to.isoformat() if filters.date_to else "",
    }
    return urlencode({k: v for k, v in params.items() if v})


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    raw_page = request.GET.get("halaman", "")
    number = int(raw_page) if raw_page.isdigit() and len(raw_page) < 7 else 1
    result = audit.page(request.user, filters, number)
    return render(
        request,
        "dashboards/audit.html",
        {
            "page": result,
            "filters": filters,
            "query": _query(filters),
            # a search-as-you-type picker: the page holds the chosen unit only, not every unit in reach
            "unit_form": unit_picker.unit_form(
                AUDIT_UNIT_PICKER,
                request.user,
                data=request.GET,
                unit=filters.unit,
                auto_id="f-%s",
                required=False,
                empty_label=_("semua unit dalam jangkauan"),
                label=_("Unit (beserta unit di bawahnya)"),
            ),
            "kinds": [(key, str(label)) for key, label in audit.KINDS.items()],
        },
    )


def header() -> list[str]:
    return [
        _("Waktu"),
        _("Pengguna"),
        _("NIP"),
        _("Jenis objek"),
        _("Objek"),
        _("Tindakan"),
        _("Perubahan"),
        _("Keterangan"),
        _("Unit"),
    ]


def records(rows: list[audit.AuditRow]) -> list[list[object]]:
    return [
        [
            timezone.localtime(row.at).strftime("%Y-%m-%d %H:%M:%S"),
            row.who,
            row.nip,
            row.kind_label,
            row.object_label,
            row.action,
            "; ".join(f"{c.field}: {c.old} → {c.new}" for c in row.changes),
            row.note,
            row.unit_label,
        ]
        for row in rows
    ]


@login_required
def audit_export(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    filters = _filters(request)
    rows, cut = audit.export_rows(request.user, filters)
    table = records(rows)
    if cut:
        note = _("Unduhan dibatasi %(limit)s baris terbaru; persempit saringan untuk melihat sisanya.") % {
            "limit": f"{audit.EXPORT_LIMIT:,}".replace(",", ".")
        }
        table.append([note, *([""] * (len(header()) - 1))])
    if fmt == "xlsx":
        out = io.BytesIO()
        write_xlsx_sheets(out, [(_("riwayat"), header(), table)])
        content = out.getvalue()
    else:
        text = io.StringIO()
        write_csv(text, header(), ([format_cell(v) for v in r] for r in table))
        content = csv_download(text.getvalue().encode("utf-8"))
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="riwayat-perubahan-{stamp}.{fmt}"'
    if cut:
        response["X-Kinerja-Truncated"] = str(audit.EXPORT_LIMIT)
    return response
