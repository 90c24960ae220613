"""PNG and PDF of the strategy map picture, rendered from the very SVG the page shows.

CairoSVG (LGPL, pure Python over the system's cairo library) converts the SVG
in-process, fast enough for a web request and with no browser or external
program: see docs/decisions/0004-cairosvg-map-pictures.md. The SVG references no external
file or URL, so the conversion reads nothing but the string it is given.
"""

from __future__ import annotations

PNG_SCALE = 2.0  # a sharp picture for slides and reports


def svg_to_png(svg: str, *, scale: float = PNG_SCALE) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=scale, unsafe=False)


def svg_to_pdf(svg: str) -> bytes:
    import cairosvg

    return cairosvg.svg2pdf(bytestring=svg.encode("utf-8"), unsafe=False)
