"""The strategy map PDF: one A4 landscape page with a title block, a legend and, on a draft, a KONSEP mark;
objectives in code order; arrows without small kinks (issue 10 item 13)."""

from __future__ import annotations

import datetime
import itertools
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from kinerja.planning import drawing as d
from kinerja.planning import exports, services
from kinerja.planning.models import MapState
from kinerja.planning.selectors import load_map_data
from tests.planning import builders as b
from tests.planning.test_drawing import BANDS, SVG, assert_drawing_is_clean, parse, random_map

PRINTED = datetime.date(2026, 12, 5)


def media_box(pdf: bytes) -> tuple[float, ...]:
    boxes = re.findall(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", pdf)
    assert len(boxes) == 1, "one page"
    return tuple(float(v) for v in boxes[0])


def pdf_text(pdf: bytes, tmp_path) -> str | None:
    """The PDF's text by pdftotext (poppler-utils), None where it is not installed."""
    if shutil.which("pdftotext") is None:
        return None
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    # -raw: in content-stream order, so the rotated watermark comes out as one word
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, timeout=30)
    return " ".join(out.stdout.decode("utf-8").split())


def page_text(page_svg: str) -> str:
    return " ".join(" ".join(t.itertext()) for t in ET.fromstring(page_svg).iter(f"{SVG}text"))


def map_svg(strategy_map) -> str:
    """The SVG the download view converts (planning.views._map_svg): titled with unit and year."""
    data = load_map_data(strategy_map)
    return d.draw_map(data, title=f"Peta Strategi {strategy_map.unit.name} {strategy_map.plan_year.year}")


@pytest.mark.parametrize("state", [MapState.DRAFT, MapState.APPROVED])
def test_the_pdf_is_one_a4_landscape_page_with_title_unit_year_status_date_and_legend(org, state, tmp_path):
    strategy_map = b.sound_map(org.kpp_a, state=state)
    svg = map_svg(strategy_map)
    with translation.override("id"):
        page = exports.map_page_svg(svg, printed=PRINTED)
        pdf = exports.svg_to_pdf(svg, printed=PRINTED)
    assert media_box(pdf) == (0, 0, 842, 595)
    unit = strategy_map.unit.name
    label = str(MapState(state).label)
    expected = [
        f"Peta Strategi {unit} 2026",
        f"Unit: {unit}",
        "Tahun 2026",
        f"Status: {label}",
        "Dicetak 5 Desember 2026",
    ]
    expected += ["Legenda", "Pemangku Kepentingan", "Pembelajaran dan Pertumbuhan", "penyebab → akibat"]
    text = page_text(page)
    for item in expected:
        assert item in text, item
    draft_mark = "KONSEP" in text
    assert draft_mark == (state != MapState.APPROVED)
    from_pdf = pdf_text(pdf, tmp_path)
    if from_pdf is not None:  # the text really is on the page, not only in the SVG before conversion
        for item in [
            f"Peta Strategi {unit} 2026",
            "Tahun 2026",
            f"Status: {label}",
            "Dicetak 5 Desember 2026",
        ]:
            assert item in from_pdf, (item, from_pdf)
        assert ("KONSEP" in from_pdf) == (state != MapState.APPROVED)


def test_the_pdf_speaks_english_to_an_english_user(org):
    strategy_map = b.sound_map(org.kpp_a, state=MapState.SUBMITTED)
    with translation.override("en"):
        text = page_text(exports.map_page_svg(map_svg(strategy_map), printed=PRINTED))
    assert "DRAFT" in text and "KONSEP" not in text  # submitted is not approved yet: still a draft to print
    assert "Printed 5 December 2026" in text and "Legend" in text and "Year 2026" in text
    assert "Stakeholder" in text  # the perspectives' English names


def test_the_drawing_fits_inside_the_margins_and_keeps_its_proportions(org):
    strategy_map = b.sound_map(org.kpp_a, per_band=5)
    svg = map_svg(strategy_map)
    page = ET.fromstring(exports.map_page_svg(svg, printed=PRINTED))
    inner = page.find(f"{SVG}svg")
    x, y, w, h = (float(inner.get(k)) for k in ("x", "y", "width", "height"))
    m = exports.PAGE_MARGIN
    assert m <= x and x + w <= 842 - m + 0.01 and m <= y and y + h <= 595 - m + 0.01
    _vx, _vy, vw, vh = (float(v) for v in inner.get("viewBox").split())
    assert w / h == pytest.approx(vw / vh, rel=1e-3)
    # The header has the title once; the drawing's own title and theme legend are left to the page.
    assert all(t.get("class") != "map-title" for t in inner.iter(f"{SVG}text"))


def test_themes_are_in_the_page_legend(org, make_user):
    from kinerja.accounts.models import Role

    manager = make_user(org.kpp_a, Role.MANAGER)
    strategy_map = b.sound_map(org.kpp_a)
    theme = services.save_theme(strategy_map=strategy_map, code="T1", name_id="Kepatuhan", by=manager)
    strategy_map.objectives.filter(code="S1").update(theme=theme)
    with translation.override("id"):
        page = exports.map_page_svg(map_svg(strategy_map), printed=PRINTED)
    assert "Tema T1 Kepatuhan" in page_text(page)
    assert 'class="theme-legend"' not in page


def test_objectives_are_in_code_order_within_each_perspective():
    # Links that a crossing-reducing sweep would reorder: P3 and P10 feed C1 on the left, P1 and P2 C2 on the right.
    nodes = [
        d.Node(1, "C1", "a", 1, "/1"),
        d.Node(2, "C2", "b", 1, "/2"),
        d.Node(3, "P3", "c", 2, "/3"),
        d.Node(4, "P10", "d", 2, "/4"),
        d.Node(5, "P1", "e", 2, "/5"),
        d.Node(6, "P2", "f", 2, "/6"),
    ]
    edges = [d.Edge(0, 3, 2), d.Edge(1, 4, 2), d.Edge(2, 5, 1), d.Edge(3, 6, 1)]
    lay = d.layout(BANDS, nodes, edges)
    left_to_right = [b.node.code for b in sorted(lay.boxes.values(), key=lambda b: (b.row, b.x))]
    assert left_to_right == ["C1", "C2", "P1", "P2", "P3", "P10"]
    assert_drawing_is_clean(d.render_svg(lay), nodes, edges)


def test_a_map_from_the_database_is_drawn_in_code_order(org):
    strategy_map = b.bare_map(org.kpp_a)
    for code in ["P3", "P2", "P1", "P10", "P4"]:
        b.objective(strategy_map, "internal_process", code)
    _root, boxes, _links, _anchors = parse(d.draw_map(load_map_data(strategy_map)))
    codes = [box["code"] for box in sorted(boxes.values(), key=lambda box: (box["rect"][1], box["rect"][0]))]
    assert codes == ["P1", "P2", "P3", "P4", "P10"]


def short_segments(lay: d.Layout) -> list[tuple[int, tuple[float, float], tuple[float, float]]]:
    return [
        (arrow.edge.key, p, q)
        for arrow in lay.arrows
        for p, q in itertools.pairwise(arrow.points)
        if abs(p[0] - q[0]) + abs(p[1] - q[1]) < d.MIN_SEGMENT
    ]


@pytest.mark.parametrize("seed", range(0, 60, 3))
def test_arrows_have_no_small_kinks(seed):
    nodes, edges = random_map(seed, 6 + seed % 24, seed % 5)
    lay = d.layout(BANDS, nodes, edges)
    # Every generated map of this suite is kink-free; a jog no move can remove would be the only exception.
    assert short_segments(lay) == []
    assert_drawing_is_clean(d.render_svg(lay), nodes, edges)


def test_an_almost_aligned_pair_is_joined_by_a_straight_arrow():
    # P1 sits a few px off under C1: the arrow must not jog sideways by those few px.
    nodes = [d.Node(0, "C1", "Kepuasan", 1, "/0"), d.Node(1, "P1", "Layanan", 2, "/1")]
    lay = d.layout(BANDS, nodes, [d.Edge(0, 1, 0)])
    (arrow,) = lay.arrows
    assert len(arrow.points) == 2 and arrow.points[0][0] == arrow.points[1][0]


def test_the_demo_like_map_has_no_kinks(org):
    strategy_map = b.sound_map(org.kpp_a, per_band=4)
    data = load_map_data(strategy_map)
    bands = [d.Band(p.pk, p.name) for p in data.perspectives]
    nodes = [d.Node(o.pk, o.code, o.name, o.perspective_id, f"/{o.pk}") for o in data.objectives]
    edges = [d.Edge(link.pk, link.cause_id, link.effect_id) for link in data.links]
    assert short_segments(d.layout(bands, nodes, edges)) == []
