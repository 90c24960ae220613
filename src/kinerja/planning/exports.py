"""PNG and PDF of the strategy map picture, rendered from the very SVG the page shows.

CairoSVG (LGPL, pure Python over the system's cairo library) converts the SVG
in-process, fast enough for a web request and with no browser or external
program: see docs/decisions/0004-cairosvg-map-pictures.md. The SVG references no external
file or URL, so the conversion reads nothing but the string it is given.

The PDF is a page to put in front of a leader: A4 landscape (842 × 595 pt),
the drawing scaled to fit inside the margins, a title block (title, unit, plan
year, status, print date), a legend (the perspectives' colours, what an arrow
means, the themes if any) and, on a map not yet approved, a diagonal "KONSEP"
("DRAFT") watermark. Its text is in the active language (the request's). The
unit, year and state come from the drawing's own `data-*` attributes
(`drawing.draw_map`), so the page is built from the same SVG string.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .drawing import BAND_STROKE, FONT_FAMILY, text_width
from .models import MapState

PNG_SCALE = 2.0  # a sharp picture for slides and reports

# A4 landscape, in PostScript points (the page's user unit).
PAGE_W = 842.0
PAGE_H = 595.0
PAGE_MARGIN = 28.0  # about 1 cm
HEADER_H = 50.0
LEGEND_FONT = 8.0
LEGEND_ROW = 14.0
INK = "#1f2d3d"
MUTED = "#5b6b7f"
WATERMARK_FILL = "#c0392b"

_SVG_NS = "http://www.w3.org/2000/svg"
_NS = {"svg": _SVG_NS}


def page_to_png(svg: str, *, printed: datetime.date | None = None, scale: float = PNG_SCALE) -> bytes:
    """The printed page (`map_page_svg`, A4 landscape with title block and legend) as a PNG."""
    return svg_to_png(map_page_svg(svg, printed=printed), scale=scale)


def svg_to_png(svg: str, *, scale: float = PNG_SCALE) -> bytes:
    # Imported when a picture is asked for: cairosvg loads the system's cairo library, and a server without
    # it still runs everything else (only the map downloads answer with an error). Not a cycle.
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)


def svg_to_pdf(svg: str, *, printed: datetime.date | None = None) -> bytes:
    """The map on one A4 landscape page with its title block and legend (see `map_page_svg`)."""
    import cairosvg  # when asked for, as in svg_to_png

    page = map_page_svg(svg, printed=printed)
    return cairosvg.svg2pdf(bytestring=page.encode("utf-8"), unsafe=False)


@dataclass(frozen=True)
class _Key:
    """One legend entry: a swatch (`colour`), or an arrow when `colour` is None, and its text."""

    colour: str | None
    text: str
    outlined: bool = False  # a light swatch (a status fill) gets a thin border


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def map_page_svg(svg: str, *, printed: datetime.date | None = None) -> str:
    """The printed page as SVG (842 × 595 pt): title block, the map scaled to fit, legend, watermark if a draft."""
    ET.register_namespace("", _SVG_NS)
    root = ET.fromstring(svg)
    title_el = root.find("svg:title", _NS)
    title = (title_el.text or "").strip() if title_el is not None else ""
    unit = root.get("data-unit", "")
    unit_code = root.get("data-unit-code", "")
    year = root.get("data-year", "")
    state = root.get("data-state", "")
    approved = state == MapState.APPROVED
    state_label = str(MapState(state).label) if state in MapState.values else ""
    printed = printed or timezone.localdate()

    # The legend: perspectives (colour of their band), the arrow, the themes; the drawing's own theme
    # legend is left out of the page (it is in this one), and so is its title (it is in the header).
    keys: list[_Key] = []
    for band in root.iter(f"{{{_SVG_NS}}}g"):
        if band.get("class") == "band":
            keys.append(_Key(band.get("data-colour", BAND_STROKE[0]), band.get("data-label", "")))
    keys.append(_Key(None, _("hubungan sebab-akibat (penyebab → akibat)")))
    status_keys: list[_Key] = []
    for child in list(root):
        if child.get("class") == "status-legend":  # a map coloured by status: its statuses lead the legend
            rects = [r.get("fill", INK) for r in child.findall("svg:rect", _NS)]
            texts = [(t.text or "") for t in child.findall("svg:text", _NS)]
            status_keys = [_Key(c, t, outlined=True) for c, t in zip(rects, texts, strict=False)]
            root.remove(child)
        elif child.get("class") == "theme-legend":
            rects = [r.get("fill", INK) for r in child.findall("svg:rect", _NS)]
            texts = [(t.text or "") for t in child.findall("svg:text", _NS)]
            keys += [
                _Key(colour, _("Tema %(theme)s") % {"theme": text})
                for colour, text in zip(rects, texts, strict=False)
            ]
            root.remove(child)
        elif child.tag == f"{{{_SVG_NS}}}text" and child.get("class") == "map-title":
            root.remove(child)

    legend_w = PAGE_W - 2 * PAGE_MARGIN - text_width(_("Legenda") + ":", LEGEND_FONT) - 8
    # the statuses on their own line(s), above the perspectives
    legend_lines = (_flow(status_keys, legend_w) if status_keys else []) + _flow(keys, legend_w)
    legend_h = len(legend_lines) * LEGEND_ROW + 10
    footer_top = PAGE_H - PAGE_MARGIN - legend_h

    # The drawing: its bands only (without the title strip above them), scaled to fit the free area.
    map_w = float(root.get("width", "1100"))
    full_h = float(root.get("height", "600"))
    map_h = float(root.get("data-drawing-height", full_h))
    top_cut = 0.0
    if title:
        first_band = next((g for g in root.iter(f"{{{_SVG_NS}}}g") if g.get("class") == "band"), None)
        rect = first_band.find("svg:rect", _NS) if first_band is not None else None
        if rect is not None:
            top_cut = max(0.0, float(rect.get("y", "0")) - 8)
    area_x, area_y = PAGE_MARGIN, PAGE_MARGIN + HEADER_H + 6
    area_w, area_h = PAGE_W - 2 * PAGE_MARGIN, footer_top - 6 - area_y
    scale = min(area_w / map_w, area_h / (map_h - top_cut))
    draw_w, draw_h = map_w * scale, (map_h - top_cut) * scale
    draw_x, draw_y = area_x + (area_w - draw_w) / 2, area_y + (area_h - draw_h) / 2
    for attr in ("role", "aria-labelledby", "class"):
        root.attrib.pop(attr, None)
    root.set("x", _n(draw_x))
    root.set("y", _n(draw_y))
    root.set("width", _n(draw_w))
    root.set("height", _n(draw_h))
    root.set("viewBox", f"0 {_n(top_cut)} {_n(map_w)} {_n(map_h - top_cut)}")
    root.set("preserveAspectRatio", "xMidYMid meet")
    drawing = ET.tostring(root, encoding="unicode")

    right = PAGE_W - PAGE_MARGIN
    status_text = _("Status: %(state)s") % {"state": state_label} if state_label else ""
    status_w = text_width(status_text, 9) + 14
    status_fill = "#d6f0de" if approved else "#fde2e0"
    status_ink = "#1e6b3a" if approved else "#a32619"
    subtitle = " · ".join(
        part
        for part in (
            _("Unit: %(unit)s") % {"unit": f"{unit} ({unit_code})" if unit_code else unit} if unit else "",
            _("Tahun %(year)s") % {"year": year} if year else "",
        )
        if part
    )
    heading = title or _("Peta Strategi %(unit)s %(year)s") % {"unit": unit, "year": year}
    date_text = _("Dicetak %(date)s") % {"date": formats.date_format(printed, "j F Y")}
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="{_SVG_NS}" width="{_n(PAGE_W)}pt" height="{_n(PAGE_H)}pt" '
        f'viewBox="0 0 {_n(PAGE_W)} {_n(PAGE_H)}" font-family="{escape(FONT_FAMILY, {chr(34): "&quot;"})}">',
        f"<title>{escape(heading)}</title>",
        f'<rect x="0" y="0" width="{_n(PAGE_W)}" height="{_n(PAGE_H)}" fill="#ffffff"/>',
        f'<text class="page-title" x="{_n(PAGE_MARGIN)}" y="{_n(PAGE_MARGIN + 14)}" font-size="15" '
        f'font-weight="bold" fill="{INK}">{escape(heading)}</text>',
        f'<text class="page-subtitle" x="{_n(PAGE_MARGIN)}" y="{_n(PAGE_MARGIN + 32)}" font-size="10" '
        f'fill="{MUTED}">{escape(subtitle)}</text>',
    ]
    if status_text:
        out.append(
            f'<rect x="{_n(right - status_w)}" y="{_n(PAGE_MARGIN + 2)}" width="{_n(status_w)}" height="16" rx="8" '
            f'fill="{status_fill}"/>'
            f'<text class="page-status" x="{_n(right - status_w / 2)}" y="{_n(PAGE_MARGIN + 13.5)}" '
            f'font-size="9" font-weight="bold" text-anchor="middle" fill="{status_ink}">{escape(status_text)}</text>'
        )
    out += [
        f'<text class="page-date" x="{_n(right)}" y="{_n(PAGE_MARGIN + 32)}" font-size="9" text-anchor="end" '
        f'fill="{MUTED}">{escape(date_text)}</text>',
        f'<line x1="{_n(PAGE_MARGIN)}" y1="{_n(PAGE_MARGIN + HEADER_H - 10)}" x2="{_n(right)}" '
        f'y2="{_n(PAGE_MARGIN + HEADER_H - 10)}" stroke="#c9d3df" stroke-width="0.8"/>',
        "<defs>"
        '<marker id="legend-arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#44546a"/></marker>'
        "</defs>",
        drawing,
    ]
    if not approved:
        cx, cy = area_x + area_w / 2, area_y + area_h / 2
        mark = _("KONSEP")
        size = min(130.0, (area_w * 0.75) / max(1.0, text_width(mark, 1)))
        out.append(
            f'<text class="watermark" x="{_n(cx)}" y="{_n(cy + size * 0.35)}" font-size="{_n(size)}" '
            f'font-weight="bold" text-anchor="middle" fill="{WATERMARK_FILL}" fill-opacity="0.16" '
            f'letter-spacing="6" transform="rotate(-24 {_n(cx)} {_n(cy)})">{escape(mark)}</text>'
        )
    # Legend.
    y0 = footer_top + 6
    out.append(
        f'<line x1="{_n(PAGE_MARGIN)}" y1="{_n(footer_top)}" x2="{_n(right)}" y2="{_n(footer_top)}" '
        'stroke="#c9d3df" stroke-width="0.8"/>'
    )
    label = _("Legenda") + ":"
    out.append(
        f'<text class="legend-label" x="{_n(PAGE_MARGIN)}" y="{_n(y0 + 9)}" font-size="{_n(LEGEND_FONT)}" '
        f'font-weight="bold" fill="{INK}">{escape(label)}</text>'
    )
    x_start = PAGE_MARGIN + text_width(label, LEGEND_FONT) + 8
    for row, line in enumerate(legend_lines):
        x, y = x_start, y0 + row * LEGEND_ROW
        for key, width in line:
            if key.colour is None:
                out.append(
                    f'<line x1="{_n(x)}" y1="{_n(y + 6)}" x2="{_n(x + 18)}" y2="{_n(y + 6)}" stroke="#44546a" '
                    'stroke-width="1.2" marker-end="url(#legend-arrowhead)"/>'
                )
            else:
                border = ' stroke="#8a99ab" stroke-width="0.5"' if key.outlined else ""
                out.append(
                    f'<rect x="{_n(x)}" y="{_n(y + 1)}" width="10" height="10" rx="2" fill="{key.colour}"{border}/>'
                )
            out.append(
                f'<text class="legend-entry" x="{_n(x + 24 if key.colour is None else x + 14)}" y="{_n(y + 9)}" '
                f'font-size="{_n(LEGEND_FONT)}" fill="{INK}">{escape(key.text)}</text>'
            )
            x += width
    out.append("</svg>")
    return "\n".join(out)


def _flow(keys: list[_Key], width: float) -> list[list[tuple[_Key, float]]]:
    """Legend entries wrapped into lines of at most `width` pt: each (entry, the width it takes)."""
    lines: list[list[tuple[_Key, float]]] = [[]]
    used = 0.0
    for key in keys:
        w = (24 if key.colour is None else 14) + text_width(key.text, LEGEND_FONT) + 14
        if lines[-1] and used + w > width:
            lines.append([])
            used = 0.0
        lines[-1].append((key, w))
        used += w
    return lines
