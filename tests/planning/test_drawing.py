"""The strategy map drawing: well-formed SVG, a linked box per SS, arrows that never cross a box, text that fits."""

from __future__ import annotations

import itertools
import random
import re
import xml.etree.ElementTree as ET

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kinerja.planning import drawing as d
from kinerja.planning.selectors import load_map_data
from tests.planning import builders as b

SVG = "{http://www.w3.org/2000/svg}"
BANDS = [
    d.Band(0, "Pemangku Kepentingan"),
    d.Band(1, "Pelanggan"),
    d.Band(2, "Proses Bisnis Internal"),
    d.Band(3, "Pembelajaran dan Pertumbuhan"),
]
NAMES = [
    "Penerimaan negara yang optimal",
    "Kepuasan layanan yang tinggi",
    "Pengelolaan keuangan negara yang akuntabel, transparan dan berkelanjutan",
    "SDM yang kompeten",
    "Pemanfaatan sistem teknologi informasi yang optimal dan terintegrasi",
    "Perencanaan dan penyerapan anggaran yang efisien dan efektif",
    "Organisasi",
    "Pengawasan kepabeanan dan cukai yang efektif serta pemberantasan penyelundupan",
]


def random_map(seed: int, count: int, extra_links: int = 0) -> tuple[list[d.Node], list[d.Edge]]:
    rng = random.Random(seed)
    nodes = [
        d.Node(i, f"{'SCPL'[band]}{i + 1}", rng.choice(NAMES), band, f"/strategi/ss/{i}/")
        for i, band in enumerate(sorted(rng.randrange(4) for _ in range(count)))
    ]
    edges: list[d.Edge] = []
    for node in nodes:
        targets = [n for n in nodes if n.band < node.band] or [n for n in nodes if n.key != node.key]
        for target in rng.sample(targets, min(len(targets), rng.randint(0, 2))):
            edges.append(d.Edge(len(edges), node.key, target.key))
    for _ in range(extra_links):  # downward and same-band links too
        a, c = rng.sample(nodes, 2)
        edges.append(d.Edge(len(edges), a.key, c.key))
    return nodes, edges


def parse(svg: str):
    root = ET.fromstring(svg)
    boxes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "objective":
            rect = g.find(f"{SVG}rect")
            x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
            texts = [
                (t.text or "", float(t.get("x")), float(t.get("y")), float(t.get("font-size")))
                for t in g.findall(f"{SVG}text")
                if t.get("class") == "name"
            ]
            boxes[int(g.get("data-key"))] = {"rect": (x, y, w, h), "texts": texts, "code": g.get("data-code")}
    links = []
    for path in root.iter(f"{SVG}path"):
        if path.get("class") == "link":
            pts = [
                tuple(map(float, p.split(","))) for p in re.findall(r"[ML]([-\d.]+,[-\d.]+)", path.get("d"))
            ]
            links.append((int(path.get("data-cause")), int(path.get("data-effect")), pts))
    anchors = {a.get("href"): a for a in root.iter(f"{SVG}a")}
    return root, boxes, links, anchors


def segment_hits_box(p, q, rect, margin) -> bool:
    """Does the axis-aligned segment p–q meet the rectangle grown by `margin` (negative: its interior only)?"""
    x, y, w, h = rect
    x0, x1 = x - margin, x + w + margin
    y0, y1 = y - margin, y + h + margin
    sx0, sx1 = sorted((p[0], q[0]))
    sy0, sy1 = sorted((p[1], q[1]))
    return sx0 <= x1 and sx1 >= x0 and sy0 <= y1 and sy1 >= y0


def assert_drawing_is_clean(svg: str, nodes: list[d.Node], edges: list[d.Edge]) -> None:
    _root, boxes, links, anchors = parse(svg)
    assert set(boxes) == {n.key for n in nodes}
    for node in nodes:
        anchor = anchors[node.href]
        assert anchor.find(f"{SVG}g").get("data-key") == str(node.key)
    assert len(links) == len(edges)
    for cause, effect, points in links:
        assert len(points) >= 2
        for p, q in itertools.pairwise(points):
            assert p[0] == q[0] or p[1] == q[1], "orthogonal segments only"
            for key, box in boxes.items():
                if key in (cause, effect):
                    assert not segment_hits_box(p, q, box["rect"], -0.5), (cause, effect, key, p, q)
                else:
                    assert not segment_hits_box(p, q, box["rect"], 2.0), (cause, effect, key, p, q)
        start, end = points[0], points[-1]
        cx, cy, cw, ch = boxes[cause]["rect"]
        ex, ey, ew, eh = boxes[effect]["rect"]
        assert cx < start[0] < cx + cw and start[1] in (cy, cy + ch)
        assert ex < end[0] < ex + ew and end[1] in (ey, ey + eh)
    segments = [
        (index, p, q) for index, (_c, _e, points) in enumerate(links) for p, q in itertools.pairwise(points)
    ]
    for i, (a, p1, q1) in enumerate(segments):
        for b_, p2, q2 in segments[i + 1 :]:
            if a == b_:
                continue
            for axis in (0, 1):  # two arrows never run along the same line (they would read as one)
                other = 1 - axis
                if p1[axis] == q1[axis] and p2[axis] == q2[axis] and abs(p1[axis] - p2[axis]) < 1:
                    lo1, hi1 = sorted((p1[other], q1[other]))
                    lo2, hi2 = sorted((p2[other], q2[other]))
                    assert min(hi1, hi2) - max(lo1, lo2) <= 0, (links[a][:2], links[b_][:2], p1, q1, p2, q2)
    for box in boxes.values():
        x, y, w, h = box["rect"]
        for text, tx, ty, size in box["texts"]:
            assert tx >= x and tx + d.text_width(text, size) <= x + w - d.PAD + 0.01, text
            assert y < ty <= y + h - d.PAD / 2, text


@pytest.mark.parametrize("count", [1, 5, 10, 20, 30])
def test_generated_maps_are_clean(count):
    nodes, edges = random_map(count, count)
    svg = d.render_svg(d.layout(BANDS, nodes, edges, title="Peta & <uji>"))
    assert_drawing_is_clean(svg, nodes, edges)
    assert "Peta &amp; &lt;uji&gt;" in svg


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), count=st.integers(2, 32), extra=st.integers(0, 6))
def test_no_arrow_crosses_a_box_and_no_text_overflows(seed, count, extra):
    nodes, edges = random_map(seed, count, extra)
    assert_drawing_is_clean(d.render_svg(d.layout(BANDS, nodes, edges)), nodes, edges)


def test_long_words_are_broken_and_long_names_shrink_the_font_then_grow_the_box():
    long_word = d.Node(0, "S1", "Supercalifragilisticexpialidocious-kepabeanan-dan-cukai-nasional", 0, "/a")
    very_long = d.Node(1, "C1", " ".join(NAMES), 1, "/b")
    short = d.Node(2, "P1", "Layanan", 2, "/c")
    lay = d.layout(BANDS, [long_word, very_long, short], [])
    assert all(line.endswith("-") for line in lay.boxes[0].lines[:-1])
    assert lay.boxes[1].font == min(d.NAME_FONTS) and len(lay.boxes[1].lines) > d.MAX_LINES
    assert lay.boxes[2].font == max(d.NAME_FONTS)
    assert lay.boxes[2].h == lay.boxes[1].h  # one box height for the whole map
    assert_drawing_is_clean(d.render_svg(lay), [long_word, very_long, short], [])


def test_barycentre_order_removes_an_avoidable_crossing():
    nodes = [
        d.Node(0, "S1", "a", 0),
        d.Node(1, "S2", "b", 0),
        d.Node(2, "C1", "c", 1),
        d.Node(3, "C2", "d", 1),
    ]
    edges = [d.Edge(0, 2, 1), d.Edge(1, 3, 0)]
    order = d.order_bands(BANDS[:2], nodes, edges, by_code=False)
    index = {0: 0, 1: 0, 2: 1, 3: 1}
    assert d._crossings(order, index, [(2, 1), (3, 0)]) == 0


def test_band_labels_weights_and_status_colours():
    bands = [d.Band(0, "Pemangku Kepentingan", weight=d.Decimal("30.00"))]
    nodes = [d.Node(0, "S1", "Penerimaan", 0, "/x", "red")]
    svg = d.render_svg(d.layout(bands, nodes, []))
    assert "30%" in svg and d.STATUS_FILL["red"] in svg and "status merah" in svg


def test_stakeholder_band_on_top_learning_and_growth_at_the_bottom(org, make_user):
    strategy_map = b.sound_map(org.kpp_a)
    data = load_map_data(strategy_map)
    svg = d.draw_map(data, href=lambda pk: f"/ss/{pk}/")
    _root, boxes, links, _anchors = parse(svg)
    y = {box["code"]: box["rect"][1] for box in boxes.values()}
    assert y["S1"] < y["C1"] < y["P1"] < y["L1"]
    assert len(links) == len(data.links)
    nodes = [d.Node(o.pk, o.code, o.name, o.perspective_id, f"/ss/{o.pk}/") for o in data.objectives]
    edges = [d.Edge(link.pk, link.cause_id, link.effect_id) for link in data.links]
    assert_drawing_is_clean(svg, nodes, edges)
