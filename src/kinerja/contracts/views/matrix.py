"""The cascading matrix of a map owner: the chooser, the page (scrolling box, sticky header and first column)
and the same content as an Excel workbook."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kinerja.accounts.scope import unit_filter
from kinerja.common.search import paged, unit_matches
from kinerja.common.web import visible_or_404
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear, StrategyMap

from ..matrix import build_matrix, legend, matrix_table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_unit(request: HttpRequest, unit_pk: int) -> Unit:
    """A unit of the user's reach on which they may read cascades (`contracts.view_cascade`), else 404."""
    return visible_or_404(
        request, Unit.objects.filter(unit_filter(request.user, "path")), "contracts.view_cascade", pk=unit_pk
    )


def plan_year_or_404(year: int) -> PlanYear:
    return get_object_or_404(PlanYear, year=year)


def _owner(request: HttpRequest, unit_pk: int) -> Unit:
    unit = visible_unit(request, unit_pk)
    if not unit.owns_map:
        raise Http404
    return unit


MATRIX_INDEX_PAGE = 50


@login_required
def matrix_index(request: HttpRequest) -> HttpResponse:
    """Choose a map owner and a year (the map owners of the user's reach with a map), 50 a page, searchable."""
    owners = StrategyMap.objects.filter(unit_filter(request.user, "unit__path"), unit__owns_map=True)
    years = sorted(set(owners.order_by().values_list("plan_year__year", flat=True).distinct()), reverse=True)
    asked = request.GET.get("tahun", "")
    year = int(asked) if asked.isdigit() else (years[0] if years else 0)
    shown = owners.filter(plan_year__year=year)
    unit_pk = request.GET.get("unit", "")
    if unit_pk.isdigit() and shown.filter(unit_id=int(unit_pk)).exists():
        target = "contracts:alignment" if request.GET.get("lihat") == "penyelarasan" else "contracts:matrix"
        return redirect(target, int(unit_pk), year)
    q = request.GET.get("q", "").strip()
    if q:
        shown = shown.filter(unit_matches(q))
    page, query = paged(
        request,
        shown.select_related("unit", "plan_year").order_by("unit__path"),
        MATRIX_INDEX_PAGE,
        tahun=year,
    )
    return render(
        request,
        "contracts/matrix_index.html",
        {"maps": page.object_list, "years": years, "year": year, "q": q, "page": page, "query": query},
    )


@login_required
def matrix(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _owner(request, unit_pk)
    plan_year = plan_year_or_404(year)
    return render(
        request,
        "contracts/matrix.html",
        {"matrix": build_matrix(unit, plan_year), "legend": legend()},
    )


@login_required
def matrix_xlsx(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _owner(request, unit_pk)
    plan_year = plan_year_or_404(year)
    content = write_matrix_xlsx(unit, plan_year)
    response = HttpResponse(content, content_type=XLSX)
    name = f"matriks-cascading-{slugify(unit.code)}-{year}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def write_matrix_xlsx(unit: Unit, plan_year: PlanYear) -> bytes:
    """The matrix as a workbook: a header row styled and frozen with the row labels, then the legend sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from kinerja.interchange.cells import looks_like_formula

    data = build_matrix(unit, plan_year)
    header, records = matrix_table(data)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Matriks cascading")[:31]
    sheet.append(
        [_("Matriks cascading %(unit)s tahun %(year)d") % {"unit": unit.name, "year": plan_year.year}]
    )
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(header)
    fill = PatternFill("solid", fgColor="0B3D6E")
    for cell in sheet[2]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for record, row in zip(records, data.rows, strict=True):
        sheet.append([float(v) if hasattr(v, "as_tuple") else v for v in record])
        current = sheet[sheet.max_row]
        for cell in current:
            if isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.data_type = "s"  # text from the database is never a live formula
        if row.kind != "kpi":
            for cell in current:
                cell.font = Font(bold=True)
        if row.check is not None and not row.check.ok:
            current[5].font = Font(bold=True, color="B42318")
    widths = [12, 46, 22, 20, 12, 18] + [18] * len(data.columns)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "C3"
    notes = workbook.create_sheet(_("Keterangan")[:31])
    notes.append([_("Kode"), _("Arti")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for abbr, meaning in legend():
        notes.append([abbr, meaning])
    notes.column_dimensions["B"].width = 60
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
