"""Dashboard and the leader's reports. Thin: every read is a selector limited to the user's reach.

A unit the user's roles do not reach does not exist for them (404). Query
parameters are Indonesian, like the paths: `unit`, `tahun`, `periode`,
`tingkat` (level), `jenis` (kind), `status`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse

from kinerja.meetings import follow_ups

from . import exporting, selectors
from .charts import chart_data


def _int(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


def _known_format(fmt: str) -> None:
    """404 for an export format the exporters do not write."""
    if fmt not in exporting.CONTENT_TYPES:
        raise Http404


def _label(*parts: str) -> str:
    """A file name's label: the given parts, blanks left out, joined by hyphens."""
    return "-".join(x for x in parts if x)


def _download(content: bytes, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.urlencode()
    return redirect(reverse("dashboards:dashboard") + (f"?{query}" if query else ""))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    board = selectors.dashboard(
        request.user,
        unit=_int(request, "unit"),
        year=_int(request, "tahun"),
        period=_int(request, "periode"),
        below_page=request.GET.get("halaman"),
    )
    if board is None:
        raise Http404
    return render(
        request,
        "dashboards/dashboard.html",
        {
            "board": board,
            "charts": chart_data(board),
            "below_query": _query_without(request, "halaman"),
            **follow_up_context(request, board),
        },
    )


def follow_up_context(request: HttpRequest, board: selectors.Dashboard) -> dict[str, Any]:
    """The unit's open and overdue follow-ups (issue 14 item 2; shown by `meetings/follow_ups/_dashboard_card.html`
    to those who may read its follow-up matrix)."""
    return {"follow_ups": follow_ups.dashboard_summary(request.user, board.unit)}


def _ranking(request: HttpRequest, *, every_row: bool = False) -> selectors.RankingReport:
    return selectors.nko_ranking(
        request.user,
        year=_int(request, "tahun"),
        period=_int(request, "periode"),
        level=request.GET.get("tingkat", ""),
        kind=request.GET.get("jenis", ""),
        page=None if every_row else (request.GET.get("halaman") or 1),
    )


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    """50 units a page, best first; every unit in the file downloads."""
    report = _ranking(request)
    return render(
        request,
        "dashboards/ranking.html",
        {"report": report, "page_query": _query_without(request, "halaman")},
    )


@login_required
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _known_format(fmt)
    report = _ranking(request, every_row=True)
    label = _label(report.period.label if report.period else "", report.level, report.kind)
    return _download(
        exporting.export_ranking(report, fmt), fmt, exporting.file_name("peringkat-nko", None, label, fmt)
    )


def _completeness(request: HttpRequest, *, with_items: bool = True) -> selectors.CompletenessReport:
    report = selectors.completeness(
        request.user,
        year=_int(request, "tahun"),
        period=_int(request, "periode"),
        unit=_int(request, "unit"),
        state=request.GET.get("status", ""),
        page=request.GET.get("halaman"),
        items_page=request.GET.get("halaman_iku"),
        with_items=with_items,
    )
    if report is None:
        raise Http404
    return report


def _query_without(request: HttpRequest, name: str) -> str:
    """The request's query string without the parameter `name` (for the links of a paginator)."""
    query = request.GET.copy()
    query.pop(name, None)
    return query.urlencode()


@login_required
def completeness(request: HttpRequest) -> HttpResponse:
    """One row per map-owning unit (50 a page, least complete first) and a page of what is not yet counted;
    a unit's name narrows the report to its subtree (the drill-down)."""
    report = _completeness(request)
    return render(
        request,
        "dashboards/completeness.html",
        {
            "report": report,
            "report_query": _query_without(request, "halaman"),
            "items_query": _query_without(request, "halaman_iku"),
        },
    )


@login_required
def completeness_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """Every gap of the chosen scope, streamed from the database (CSV row by row; the .xlsx from the same
    iterator in openpyxl's write-only mode)."""
    _known_format(fmt)
    report = _completeness(request, with_items=False)
    label = _label(report.unit.code if report.unit else "", report.period.label if report.period else "")
    name = exporting.file_name("kelengkapan", None, label, fmt)
    items = selectors.all_items(report, request.user)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exporting.stream_completeness_csv(items), content_type=exporting.CONTENT_TYPES[fmt]
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _download(exporting.export_completeness(items, fmt), fmt, name)
