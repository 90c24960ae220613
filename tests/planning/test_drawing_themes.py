"""Themes on the map picture: a coloured tag inside each member box and a legend, boxes and arrows unchanged."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from kinerja.accounts.models import Role
from kinerja.planning import drawing as d
from kinerja.planning import services
from kinerja.planning.selectors import load_map_data
from tests.planning import builders as b
from tests.planning.test_drawing import BANDS, SVG, assert_drawing_is_clean, parse, random_map


def themed(nodes, every=3):
    return [
        d.Node(
            n.key,
            n.code,
            n.name,
            n.band,
            n.href,
            n.status,
            f"T{n.key % 2 + 1}" if n.key % every == 0 else None,
        )
        for n in nodes
    ]


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_theme_tags_stay_inside_their_boxes_and_leave_the_layout_alone(seed):
    nodes, edges = random_map(seed, 18, 2)
    plain = d.layout(BANDS, nodes, edges)
    lay = d.layout(BANDS, themed(nodes), edges)
    assert [(b.x, b.y, b.w, b.h) for b in plain.boxes.values()] == [
        (b.x, b.y, b.w, b.h) for b in lay.boxes.values()
    ]
    assert [a.points for a in plain.arrows] == [a.points for a in lay.arrows]
    lay.themes = [d.ThemeKey("T1", "Kepatuhan", "#c0392b"), d.ThemeKey("T2", "Layanan", "#16756b")]
    svg = d.render_svg(lay)
    assert_drawing_is_clean(svg, themed(nodes), edges)
    root = ET.fromstring(svg)
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "objective" or not g.get("data-theme"):
            continue
        x, y, w, h = (float(g.find(f"{SVG}rect").get(k)) for k in ("x", "y", "width", "height"))
        tag = next(e for e in g if e.get("class") == "theme-tag")
        if tag.tag == f"{SVG}rect":
            tx, ty, tw, th = (float(tag.get(k)) for k in ("x", "y", "width", "height"))
            assert x < tx and tx + tw < x + w and y < ty and ty + th < y + h
            code = next(e for e in g if e.get("class") == "theme-code")
            assert (
                tx < float(code.get("x"))
                and float(code.get("x")) + d.text_width(code.text, d.THEME_FONT) <= tx + tw
            )
        name_tops = [
            float(t.get("y")) - float(t.get("font-size"))
            for t in g.iter(f"{SVG}text")
            if t.get("class") == "name"
        ]
        assert all(top >= y + d.PAD - 3 + d.THEME_TAG_H for top in name_tops)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "theme-legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["T1 Kepatuhan", "T2 Layanan"]
    assert float(root.get("height")) > lay.height
    legend_tops = [float(r.get("y")) for r in legend.iter(f"{SVG}rect")]
    assert min(legend_tops) >= max(a.y + a.h for a in lay.bands)


def test_a_long_code_gets_a_dot_instead_of_a_tag():
    node = d.Node(0, "SS-PANJANG-SEKALI-01", "Nama", 0, "/x", None, "TEMA-PANJANG")
    lay = d.layout(BANDS[:1], [node], [])
    lay.themes = [d.ThemeKey("TEMA-PANJANG", "Tema", "#c0392b")]
    svg = d.render_svg(lay)
    assert 'class="theme-tag" cx=' in svg
    assert_drawing_is_clean(svg, [node], [])


def test_draw_map_marks_theme_members(org, make_user):
    manager = make_user(org.kpp_a, Role.MANAGER)
    strategy_map = b.sound_map(org.kpp_a)
    theme = services.save_theme(strategy_map=strategy_map, code="T1", name_id="Kepatuhan", by=manager)
    for obj in strategy_map.objectives.filter(code__in=["S1", "L2"]):
        obj.theme = theme
        obj.save()
    svg = d.draw_map(load_map_data(strategy_map), href=lambda pk: f"/ss/{pk}/")
    _root, boxes, _links, _anchors = parse(svg)
    assert svg.count('data-theme="T1"') == 2 and "T1 Kepatuhan" in svg and "(tema T1)" in svg
    assert len(boxes) == 8
