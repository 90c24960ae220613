"""The monthly performance report as a PDF (WeasyPrint, A4 portrait), and its small charts as inline SVG.

One HTML document (`templates/dashboards/monthly/report.html`): the title block (unit, period, rule set, the
date the figures speak of), the headline figures, the NKO trend (an SVG line over the year's periods of the
report's frequency; a period without a figure is a gap, never 0), the perspectives, every KPI with target,
realization, index, status colour and a sparkline of its counted realizations against its period targets,
the analysis of the off-target KPIs, the initiatives' progress, the missing data, the open follow-ups and,
for a unit with map-owning units below, their ranking. Every page has a header (title, unit, period) and a
footer (generated at, "Halaman 1 dari 3"). No JavaScript and no fetched file: the charts are inline SVG.
Text in the active language (the caller's `translation.override`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.common.templatetags.kinerja_numbers import score
from kinerja.contracts.document import css_string, page_counter_css
from kinerja.planning.models import Frequency

from .monthly_report import MonthlyReport, Point

STATUS_COLOURS = {"green": "#2e7d32", "yellow": "#e0a800", "red": "#c62828"}
NA_COLOUR = "#8a99ab"
INK = "#1f2d3d"
MUTED = "#5b6b7f"


def title_for(report: MonthlyReport) -> str:
    """ "LAPORAN KINERJA BULANAN" for a month, "TRIWULANAN" for a quarter, and so on."""
    return {
        Frequency.MONTHLY: _("Laporan Kinerja Bulanan"),
        Frequency.QUARTERLY: _("Laporan Kinerja Triwulanan"),
        Frequency.SEMESTER: _("Laporan Kinerja Semesteran"),
        Frequency.YEARLY: _("Laporan Kinerja Tahunan"),
    }.get(Frequency(report.period.frequency), _("Laporan Kinerja Bulanan"))


def filename(report: MonthlyReport, fmt: str) -> str:
    """`laporan-kinerja-bulanan-<unit code>-2026-11.pdf` (in the active language)."""
    parts = [slugify(title_for(report)), slugify(report.unit.code), report.period.label.lower()]
    return "-".join(p for p in parts if p) + f".{fmt}"


# --------------------------------------------------------------------------- charts


def _fmt(value: Decimal | None) -> str:
    return "" if value is None else score(value)


def _polyline(points: list[tuple[float, float] | None], **attrs: str) -> str:
    """Polylines through the points, broken at each gap (None)."""
    runs: list[list[tuple[float, float]]] = [[]]
    for point in points:
        if point is None:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(point)
    extra = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in attrs.items())
    out = []
    for run in runs:
        if len(run) >= 2:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            out.append(f'<polyline points="{coords}" fill="none" {extra}/>')
    return "".join(out)


def nko_chart(trend: Sequence[Point], *, width: int = 640, height: int = 150) -> SafeString:
    """The NKO over the periods: a line with a dot and its value per period, the target (100) dashed.

    The scale spans the values and 100, with a margin; a period without a figure is a gap in the line and an
    empty slot on the axis.
    """
    values = [p.value for p in trend if p.value is not None]
    low = min([Decimal(90), *values]) - 5
    high = max([Decimal(105), *values]) + 3
    left, right, top, bottom = 34.0, 8.0, 14.0, 22.0
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(trend), 1)

    def x(i: int) -> float:
        return left + step * (i + 0.5)

    def y(value: Decimal) -> float:
        return top + plot_h * float((high - value) / (high - low))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart nko-chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_("Tren NKO"))}">',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#f7f9fb" stroke="#d5dde6" '
        'stroke-width="0.6"/>',
    ]
    for tick in _ticks(low, high):
        ty = y(Decimal(tick))
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="#e3e8ee" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{ty + 3:.1f}" font-size="7" text-anchor="end" fill="{MUTED}">{tick}</text>'
        )
    ty = y(Decimal(100))
    parts.append(
        f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" stroke="{STATUS_COLOURS["green"]}" '
        'stroke-width="0.8" stroke-dasharray="4 3"/>'
    )
    coords = [None if p.value is None else (x(i), y(p.value)) for i, p in enumerate(trend)]
    parts.append(_polyline(coords, stroke="#1f5fa8", stroke_width="1.6", stroke_linejoin="round"))
    for i, p in enumerate(trend):
        label_weight = ' font-weight="bold"' if p.current else ""
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" font-size="7" text-anchor="middle" fill="{INK}"'
            f"{label_weight}>{escape(p.label)}</text>"
        )
        if p.value is None:
            continue
        cx, cy = x(i), y(p.value)
        radius = 3.2 if p.current else 2.2
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{radius}" fill="#1f5fa8" stroke="#fff" stroke-width="0.6"/>'
        )
        parts.append(
            f'<text x="{cx:.1f}" y="{cy - 5:.1f}" font-size="6.5" text-anchor="middle" fill="{INK}"'
            f"{label_weight}>{escape(_fmt(p.value))}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _ticks(low: Decimal, high: Decimal) -> list[int]:
    span = high - low
    stride = 5 if span <= 40 else 10 if span <= 80 else 25
    first = int(low) + (-int(low)) % stride
    return list(range(first, int(high) + 1, stride))


def sparkline(
    points: Sequence[Point], status: str | None, *, width: int = 78, height: int = 20
) -> SafeString:
    """A KPI's realizations over its periods (solid, in its status colour) and its period targets (dashed
    grey); a period not reported is a gap. Empty when there is nothing to draw."""
    values = [p.value for p in points if p.value is not None]
    targets = [p.target for p in points if p.target is not None]
    if not values and not targets:
        return mark_safe("")
    every = values + targets
    low, high = min(every), max(every)
    if low == high:
        low, high = low - 1, high + 1
    pad = 2.5
    step = (width - 2 * pad) / max(len(points) - 1, 1)

    def x(i: int) -> float:
        return pad + step * i if len(points) > 1 else width / 2

    def y(value: Decimal) -> float:
        return pad + (height - 2 * pad) * float((high - value) / (high - low))

    colour = STATUS_COLOURS.get(status or "", NA_COLOUR)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">'
    ]
    parts.append(
        _polyline(
            [None if p.target is None else (x(i), y(p.target)) for i, p in enumerate(points)],
            stroke="#9aa7b5",
            stroke_width="0.8",
            stroke_dasharray="2 1.5",
        )
    )
    parts.append(
        _polyline(
            [None if p.value is None else (x(i), y(p.value)) for i, p in enumerate(points)],
            stroke=colour,
            stroke_width="1.3",
        )
    )
    for i, p in enumerate(points):
        if p.value is not None:
            parts.append(f'<circle cx="{x(i):.1f}" cy="{y(p.value):.1f}" r="1.3" fill="{colour}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


# --------------------------------------------------------------------------- the document


def context(report: MonthlyReport) -> dict[str, Any]:
    title = title_for(report)
    generated = formats.date_format(timezone.localtime(report.generated_at), "j F Y H:i")
    unit = report.unit
    return {
        "report": report,
        "lang": get_language() or "id",
        "title": title,
        "nko_chart": nko_chart(report.trend),
        "kpi_rows": [(k, sparkline(k.trend, k.status)) for k in report.kpis],
        "generated": generated,
        "page_counter": page_counter_css(),
        "header_left": css_string(f"{title} · {unit.name}"),
        "header_right": css_string(report.period.display_name),
        "footer_left": css_string(_("Dibuat %(when)s · Kinerja") % {"when": generated}),
    }


def render_html(report: MonthlyReport) -> str:
    return render_to_string("dashboards/monthly/report.html", context(report))


class Renderer:
    """Renders reports to PDF bytes; one for many reports (the batch) keeps WeasyPrint's setup warm."""

    def __init__(self) -> None:
        # Imported when a document is asked for: WeasyPrint loads pango; a server without it runs the rest.
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        self.fonts = FontConfiguration()
        self.fetcher = URLFetcher(allowed_protocols=["data"])  # nothing is read from files or the network

    def pdf(self, report: MonthlyReport) -> bytes:
        from weasyprint import HTML

        document = HTML(string=render_html(report), url_fetcher=self.fetcher)
        pdf = document.write_pdf(font_config=self.fonts)
        assert pdf is not None
        return bytes(pdf)


_shared: list[Renderer] = []


def shared_renderer() -> Renderer:
    """One renderer per process (its font configuration is built once: the first report pays for it)."""
    if not _shared:
        _shared.append(Renderer())
    return _shared[0]


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as PDF bytes, in the active language."""
    return shared_renderer().pdf(report)
