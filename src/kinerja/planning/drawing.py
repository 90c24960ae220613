"""The strategy map picture: a plain, server-side SVG in the Ministry's style.

Perspectives are horizontal bands, top to bottom (stakeholder, customer,
internal process, learning & growth); objectives are rounded boxes with their
code and wrapped name, each a link to the objective's page; cause-effect links
are orthogonal arrows that never cross a box.

How the picture is built (`layout`, then `render_svg`):

1. **Order within a band** — the natural order of the codes (P1, P2, …, P10),
   as a reader expects (a barycentre sweep that reduces crossings is kept as an
   option). A band with more SS than fit in a row is split into rows,
   interleaved so both rows keep the left-to-right order.
2. **Boxes** — every row spreads its boxes evenly over the width. Text is
   wrapped by measuring each character with the widths of DejaVu Sans Bold
   (wider than the regular face and than Arial, the usual fallbacks), so a
   line never overflows; a long name shrinks the font and then grows the box.
3. **Arrows** — routed through the horizontal gaps between rows and the
   vertical gaps between boxes: an upward arrow leaves the top of the cause,
   runs along its own track in the gap above the cause's row, climbs through a
   column that is free in every row it passes (there is always one at the
   edges), runs along a track in the gap below the effect's row and enters the
   effect from below. Gaps grow with the number of tracks they carry; the
   ports on a box edge are spread and ordered by where their arrows go.
4. **No small kinks** — a jog of fewer than MIN_SEGMENT px between two
   vertical runs is taken out by moving one of the verticals onto the other
   when the moved run stays on its box edge, clear of every box and of the
   other arrows; what remains is a jog that cannot be removed that way.

The module is pure Python over small input records (`Band`, `Node`, `Edge`),
so the geometry is tested without a database; `draw_map` adapts a `MapData`.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from .selectors import MapData

FONT_FAMILY = "DejaVu Sans, Bitstream Vera Sans, Arial, Helvetica, sans-serif"

# Advance widths of DejaVu Sans Bold in em (from the font's hmtx table). Using the
# bold face for regular text too, and 1 em for any character not listed, keeps the
# estimate at or above what a browser draws with DejaVu Sans, Arial or Helvetica.
_EM: dict[str, float] = {
    **dict.fromkeys("abdghnpqu", 0.716),
    "c": 0.593, "e": 0.678, "f": 0.435, "i": 0.343, "j": 0.343, "k": 0.665, "l": 0.343, "m": 1.042,
    "o": 0.687, "r": 0.493, "s": 0.595, "t": 0.478, "v": 0.652, "w": 0.924, "x": 0.645, "y": 0.652,
    "z": 0.582, "A": 0.774, "B": 0.762, "C": 0.734, "D": 0.83, "E": 0.683, "F": 0.683, "G": 0.821,
    "H": 0.837, "I": 0.372, "J": 0.372, "K": 0.775, "L": 0.637, "M": 0.995, "N": 0.837, "O": 0.85,
    "P": 0.733, "Q": 0.85, "R": 0.77, "S": 0.72, "T": 0.682, "U": 0.812, "V": 0.774, "W": 1.103,
    "X": 0.771, "Y": 0.724, "Z": 0.725, **dict.fromkeys("0123456789", 0.696), " ": 0.348, ".": 0.38,
    ",": 0.38, ";": 0.4, ":": 0.4, "!": 0.456, "?": 0.58, "'": 0.306, '"': 0.521, "(": 0.457,
    ")": 0.457, "[": 0.457, "]": 0.457, "/": 0.365, "-": 0.415, "–": 0.5, "—": 1.0, "&": 0.872,
    "%": 1.002, "+": 0.838, "×": 0.838, "=": 0.838, "<": 0.838, ">": 0.838, "_": 0.5, "#": 0.838,
}  # fmt: skip
_EM_DEFAULT = 1.0

# Geometry (px).
WIDTH_MIN = 1100
LABEL_W = 150  # the band label column on the left
SIDE = 20  # free margin right of the label column and at the right edge: always a vertical corridor
BOX_W = 168  # the narrowest box; boxes widen up to BOX_W_MAX when the rows leave room
BOX_W_MAX = 210
PORT_SEP = 9  # two arrows' vertical stubs in one gap never run closer than this
BOX_GAP_MIN = 40
MAX_PER_ROW = 6
PAD = 8
CODE_FONT = 12.0
NAME_FONTS = (12.0, 11.0, 10.0)
MAX_LINES = 4
LINE_GAP = 1.25  # line height as a multiple of the font size
GAP_MIN = 44  # vertical space between rows
BAND_GAP_MIN = 56  # between rows of different bands
TRACK_STEP = 7
CLEAR = 8  # an arrow keeps this far from a box it passes
TITLE_H = 44
MARGIN = 16
PORT_INSET = 10
MIN_SEGMENT = 12.0  # a horizontal jog shorter than this is a kink: straightened where it can be

BAND_FILL = ("#eaf1fb", "#f1edf9", "#e9f6ee", "#fcf3e6")
BAND_STROKE = ("#2f5e9e", "#6a4ca3", "#2e7d4f", "#a8661a")
# Status fills: the index status of an objective (green/yellow/red by the rule set's bands), grey for none.
STATUS_FILL = {"green": "#9fd8ae", "yellow": "#ffdc73", "red": "#f29b9b", "none": "#dde2e8"}
STATUS_LABEL = {"green": "hijau", "yellow": "kuning", "red": "merah", "none": "tanpa data"}
STATUS_ORDER = ("green", "yellow", "red", "none")
BADGE_FONT = 11.0
# Themes are drawn inside the boxes (a tag in the top-right corner) and in a legend below the bands, so
# they never change where boxes and arrows go: the no-crossing and no-overflow guarantees are untouched.
THEME_COLOURS = ("#c0392b", "#16756b", "#8e44ad", "#b7770b", "#1f618d", "#6e2c00", "#2e4053", "#a93266")
THEME_FONT = 9.0
THEME_TAG_H = 13.0
LEGEND_ROW = 20


# --------------------------------------------------------------------------- text


def text_width(text: str, size: float) -> float:
    """A conservative width of `text` at font `size` (px): per-character DejaVu Sans Bold advances."""
    return sum(_EM.get(ch, _EM_DEFAULT) for ch in text) * size


def wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap to `width` px; a word longer than a line is broken with a hyphen."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while text_width(word, size) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut] + "-", size) > width:
                cut -= 1
            lines.append(word[:cut] + "-")
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines or [""]


def fit_text(text: str, width: float) -> tuple[float, list[str]]:
    """The largest name font whose wrap fits in MAX_LINES lines (else the smallest), and its lines."""
    for size in NAME_FONTS:
        lines = wrap(text, width, size)
        if len(lines) <= MAX_LINES:
            return size, lines
    return NAME_FONTS[-1], wrap(text, width, NAME_FONTS[-1])


# --------------------------------------------------------------------------- inputs and outputs


@dataclass(frozen=True)
class Band:
    key: int
    label: str
    weight: Decimal | None = None


@dataclass(frozen=True)
class Node:
    key: int
    code: str
    name: str
    band: int  # Band.key
    href: str | None = None
    status: str | None = None
    theme: str | None = None  # Theme.code: drawn as a coloured tag in the box's corner
    badge: str | None = None  # a short figure beside the code (the index on a map coloured by status)


@dataclass(frozen=True)
class Colouring:
    """What colours the boxes by status (the map coloured by status, issue 14 item 5).

    `status` maps an objective id to "green", "yellow" or "red"; an objective not in it (or None) has no
    data and is grey ("none"). `legend` gives, per status, the text of the legend and of each box's title
    (in the reader's language: the caller translates); `badge` an optional short figure per objective (its
    index) drawn beside the code when it fits; `href` an optional link per objective that replaces the
    default one (the scorecard row instead of the objective's page).
    """

    status: Mapping[int, str | None]
    legend: Mapping[str, str]
    badge: Mapping[int, str] = field(default_factory=dict)
    href: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ThemeKey:
    """A theme in the legend: code, name and the colour of its tags."""

    code: str
    name: str
    colour: str


@dataclass(frozen=True)
class Edge:
    key: int
    cause: int  # Node.key
    effect: int


@dataclass
class Box:
    node: Node
    row: int
    x: float
    y: float = 0.0
    w: float = BOX_W
    h: float = 0.0
    font: float = NAME_FONTS[0]
    lines: list[str] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def top(self) -> float:
        return self.y

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass
class Arrow:
    edge: Edge
    points: list[tuple[float, float]]


@dataclass
class BandArea:
    band: Band
    y: float
    h: float
    index: int


@dataclass
class Layout:
    width: float
    height: float
    bands: list[BandArea]
    boxes: dict[int, Box]
    arrows: list[Arrow]
    title: str = ""
    themes: list[ThemeKey] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)  # the status legend (status → text), when coloured


# --------------------------------------------------------------------------- ordering


def _natural(code: str) -> list[object]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", code)]


def _positions(order: Mapping[int, list[int]]) -> dict[int, float]:
    pos: dict[int, float] = {}
    for keys in order.values():
        n = len(keys)
        for i, key in enumerate(keys):
            pos[key] = (i + 0.5) / n
    return pos


def _crossings(
    order: Mapping[int, list[int]], band_index: Mapping[int, int], edges: Sequence[tuple[int, int]]
) -> int:
    """Straight-line crossings of the links, nodes placed at their relative position in their band."""
    pos = _positions(order)
    segments = []
    for a, b in edges:
        ya, yb = band_index[a], band_index[b]
        if ya == yb:
            continue
        if ya > yb:
            a, b, ya, yb = b, a, yb, ya
        segments.append((ya, pos[a], yb, pos[b]))
    count = 0
    for i, (a0, ax0, a1, ax1) in enumerate(segments):
        for b0, bx0, b1, bx1 in segments[i + 1 :]:
            lo, hi = max(a0, b0), min(a1, b1)
            if lo >= hi:
                continue

            def at(y: float, y0: float, x0: float, y1: float, x1: float) -> float:
                return x0 + (x1 - x0) * (y - y0) / (y1 - y0)

            d_lo = at(lo, a0, ax0, a1, ax1) - at(lo, b0, bx0, b1, bx1)
            d_hi = at(hi, a0, ax0, a1, ax1) - at(hi, b0, bx0, b1, bx1)
            if d_lo * d_hi < 0:
                count += 1
    return count


def order_bands(
    bands: Sequence[Band],
    nodes: Sequence[Node],
    edges: Sequence[Edge],
    sweeps: int = 6,
    *,
    by_code: bool = True,
) -> dict[int, list[int]]:
    """Node keys per band, left to right.

    By default in the natural order of their codes (P1, P2, …, P10): the order a
    reader of the map expects and the one the Ministry's maps use. With
    `by_code=False`, ordered by a barycentre sweep to reduce crossings.
    """
    order: dict[int, list[int]] = {band.key: [] for band in bands}
    for node in sorted(nodes, key=lambda n: _natural(n.code)):
        order[node.band].append(node.key)
    if by_code:
        return order
    band_index = {node.key: [b.key for b in bands].index(node.band) for node in nodes}
    pairs = [(e.cause, e.effect) for e in edges if e.cause in band_index and e.effect in band_index]
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in pairs:
        if band_index[a] != band_index[b]:
            neighbours[a].append(b)
            neighbours[b].append(a)
    best = {k: list(v) for k, v in order.items()}
    best_count = _crossings(best, band_index, pairs)
    keys = [b.key for b in bands]
    for sweep in range(sweeps):
        sequence = keys[1:] if sweep % 2 == 0 else list(reversed(keys[:-1]))
        for band_key in sequence:
            pos = _positions(order)
            current = order[band_key]

            def centre(key: int, pos: dict[int, float] = pos) -> float:
                linked = neighbours.get(key)
                return sum(pos[k] for k in linked) / len(linked) if linked else pos[key]

            order[band_key] = sorted(current, key=lambda k: (centre(k), pos[k]))
        count = _crossings(order, band_index, pairs)
        if count < best_count:
            best, best_count = {k: list(v) for k, v in order.items()}, count
    return best


# --------------------------------------------------------------------------- layout


@dataclass
class _Route:
    edge: Edge
    cause: Box
    effect: Box
    start_side: str  # "top" | "bottom"
    end_side: str
    gap_a: int
    gap_b: int
    corridor: float | None = None
    corridor_interval: tuple[float, float] | None = None
    corridor_options: list[tuple[float, float]] = field(default_factory=list)
    track_a: float = 0.0
    track_b: float = 0.0
    x1: float = 0.0
    x2: float = 0.0


def _free_intervals(row: Sequence[Box], left: float, right: float) -> list[tuple[float, float]]:
    free, x = [], left
    for box in sorted(row, key=lambda b: b.x):
        if box.x - CLEAR > x:
            free.append((x, box.x - CLEAR))
        x = box.x + box.w + CLEAR
    if right > x:
        free.append((x, right))
    return free


def _intersect(a: list[tuple[float, float]], b: list[tuple[float, float]]) -> list[tuple[float, float]]:
    out = []
    for a0, a1 in a:
        for b0, b1 in b:
            lo, hi = max(a0, b0), min(a1, b1)
            if hi - lo > 2:
                out.append((lo, hi))
    return out


def layout(bands: Sequence[Band], nodes: Sequence[Node], edges: Sequence[Edge], *, title: str = "") -> Layout:
    """Place bands, boxes and arrows; see the module docstring for the method."""
    order = order_bands(bands, nodes, edges)
    by_key = {n.key: n for n in nodes}
    # Rows: each band gets ceil(n / MAX_PER_ROW) rows, its ordered SS interleaved over them.
    rows: list[list[int]] = []
    row_band: list[int] = []
    for index, band in enumerate(bands):
        keys = order[band.key]
        count = max(1, math.ceil(len(keys) / MAX_PER_ROW))
        for r in range(count):
            rows.append(keys[r::count])
            row_band.append(index)
    per_row = max((len(r) for r in rows), default=1)
    # The side margins are corridors free in every row: wide enough for every arrow that may need one.
    row_of = {key: r for r, keys in enumerate(rows) for key in keys}
    long_links = sum(
        1
        for e in edges
        if e.cause in row_of and e.effect in row_of and abs(row_of[e.cause] - row_of[e.effect]) > 1
    )
    side = SIDE + math.ceil(long_links / 2) * PORT_SEP
    width = max(WIDTH_MIN, LABEL_W + 2 * side + 2 * MARGIN + per_row * (BOX_W + BOX_GAP_MIN))
    area_left = MARGIN + LABEL_W + SIDE // 2
    area_right = width - MARGIN - SIDE // 2
    inner_left, inner_right = area_left + side, area_right - side

    # Boxes: x, text and a common height.
    widest_row = max((len(keys) for keys in rows), default=1)
    box_w = min(BOX_W_MAX, max(BOX_W, (inner_right - inner_left) / max(1, widest_row) - BOX_GAP_MIN * 1.5))
    text_w = box_w - 2 * PAD
    boxes: dict[int, Box] = {}
    for r, keys in enumerate(rows):
        slot = (inner_right - inner_left) / max(1, len(keys))
        for i, key in enumerate(keys):
            node = by_key[key]
            font, lines = fit_text(node.name, text_w)
            boxes[key] = Box(
                node, r, inner_left + slot * i + (slot - box_w) / 2, w=box_w, font=font, lines=lines
            )
    box_h = max(
        (PAD * 2 + CODE_FONT * LINE_GAP + len(b.lines) * b.font * LINE_GAP for b in boxes.values()),
        default=60.0,
    )
    box_h = max(60.0, math.ceil(box_h))
    for box in boxes.values():
        box.h = box_h
        code_w = text_width(box.node.code, CODE_FONT)
        if code_w > text_w:  # an unusually long code widens its box rather than overflow
            box.w = code_w + 2 * PAD

    # Routes: sides, gaps and corridors (x only; y comes after the gaps are sized).
    row_boxes: list[list[Box]] = [[boxes[k] for k in keys] for keys in rows]
    routes: list[_Route] = []
    for edge in edges:
        if edge.cause not in boxes or edge.effect not in boxes or edge.cause == edge.effect:
            continue
        cause, effect = boxes[edge.cause], boxes[edge.effect]
        rc, re_ = cause.row, effect.row
        if re_ < rc:
            route = _Route(edge, cause, effect, "top", "bottom", rc, re_ + 1)
            between = range(re_ + 1, rc)
        elif re_ > rc:
            route = _Route(edge, cause, effect, "bottom", "top", rc + 1, re_)
            between = range(rc + 1, re_)
        else:
            route = _Route(edge, cause, effect, "top", "top", rc, rc)
            between = range(0)
        if route.gap_a != route.gap_b:
            free: list[tuple[float, float]] = [(float(area_left), float(area_right))]
            for r in between:
                free = _intersect(free, _free_intervals(row_boxes[r], area_left, area_right))
            want = (cause.cx + effect.cx) / 2
            route.corridor_options = free or [(float(area_left), float(area_left + side))]
            route.corridor_interval = min(
                route.corridor_options,
                key=lambda iv: (abs(min(max(want, iv[0]), iv[1]) - want), -(iv[1] - iv[0])),
            )
        routes.append(route)
    # Spread the arrows sharing a corridor across it, in the order of where they head.
    by_corridor: dict[tuple[float, float], list[_Route]] = defaultdict(list)
    for route in routes:
        if route.corridor_interval is not None:
            by_corridor[route.corridor_interval].append(route)
    for (lo, hi), group in by_corridor.items():
        group.sort(key=lambda r: (r.cause.cx + r.effect.cx) / 2)
        step = (hi - lo) / (len(group) + 1)
        for i, route in enumerate(group):
            route.corridor = lo + step * (i + 1)
    _separate_corridors([r for r in routes if r.corridor_interval is not None])

    # Ports: spread along each box edge, ordered by where the arrow goes next, and kept PORT_SEP away from
    # the corridors and the other boxes' ports in the same gap (else two arrows would read as one line).
    ports: dict[tuple[int, str], list[tuple[float, _Route, str]]] = defaultdict(list)
    for route in routes:
        toward_a = route.corridor if route.corridor is not None else route.effect.cx
        toward_b = route.corridor if route.corridor is not None else route.cause.cx
        ports[(route.edge.cause, route.start_side)].append((toward_a, route, "start"))
        ports[(route.edge.effect, route.end_side)].append((toward_b, route, "end"))
    taken: dict[int, list[tuple[float, int]]] = defaultdict(list)  # gap -> (x, edge key) already used
    for route in routes:
        if route.corridor is not None:
            for gap in range(min(route.gap_a, route.gap_b), max(route.gap_a, route.gap_b) + 1):
                taken[gap].append((route.corridor, route.edge.key))

    def edge_gap(node_key: int, edge_side: str) -> int:
        return boxes[node_key].row if edge_side == "top" else boxes[node_key].row + 1

    for (node_key, edge_side), on_edge in sorted(
        ports.items(), key=lambda item: (edge_gap(*item[0]), boxes[item[0][0]].x)
    ):
        box = boxes[node_key]
        gap = edge_gap(node_key, edge_side)
        on_edge.sort(key=lambda e: (e[0], e[1].edge.key))
        xs = _port_positions(box, [(toward, route) for toward, route, _end in on_edge], taken[gap])
        taken[gap].extend((x, route.edge.key) for x, (_toward, route, _end) in zip(xs, on_edge, strict=True))
        for x, (_toward, route, end) in zip(xs, on_edge, strict=True):
            if end == "start":
                route.x1 = x
            else:
                route.x2 = x

    # Tracks: each horizontal run gets its own track in its gap; gaps grow to carry them.
    gap_count = len(rows) + 1
    runs: dict[int, list[_Run]] = defaultdict(list)
    for route in routes:
        up = route.start_side == "top"
        if route.corridor is None:
            # Same row (top to top): both ends hang below the gap; otherwise one end on each side.
            far = "below" if route.start_side == route.end_side else ("above" if up else "below")
            runs[route.gap_a].append(
                _Run(route, "a", ((route.x1, "below" if up else "above"), (route.x2, far)))
            )
        else:
            near, far = ("below", "above") if up else ("above", "below")
            runs[route.gap_a].append(_Run(route, "a", ((route.x1, near), (route.corridor, far))))
            runs[route.gap_b].append(_Run(route, "b", ((route.corridor, near), (route.x2, far))))
    gap_h: list[float] = []
    for g in range(gap_count):
        base = GAP_MIN if 0 < g < len(rows) and row_band[g - 1] == row_band[g] else BAND_GAP_MIN
        if g in (0, len(rows)):
            base = GAP_MIN
        # Tracks keep MIN_SEGMENT from both rows, so the stubs at the boxes are no kinks either.
        gap_h.append(max(base, 2 * MIN_SEGMENT + max(0, len(runs[g]) - 1) * TRACK_STEP))
    y: float = TITLE_H if title else MARGIN
    row_y: list[float] = []
    gap_y: list[float] = []
    for r in range(len(rows)):
        gap_y.append(y)
        y += gap_h[r]
        row_y.append(y)
        y += box_h
    gap_y.append(y)
    y += gap_h[-1]
    height = y + MARGIN
    for box in boxes.values():
        box.y = row_y[box.row]
    for g, gap_runs in runs.items():
        ordered = _track_order(gap_runs)
        inner = gap_h[g] - 2 * MIN_SEGMENT
        step = inner / (len(ordered) - 1) if len(ordered) > 1 else 0.0
        for i, run in enumerate(ordered):
            track = gap_y[g] + MIN_SEGMENT + (step * i if len(ordered) > 1 else inner / 2)
            if run.which == "a":
                run.route.track_a = track
            else:
                run.route.track_b = track

    arrows = []
    for route in routes:
        y1 = route.cause.top if route.start_side == "top" else route.cause.bottom
        y2 = route.effect.bottom if route.end_side == "bottom" else route.effect.top
        points = [(route.x1, y1), (route.x1, route.track_a)]
        if route.corridor is None:
            points += [(route.x2, route.track_a)]
        else:
            points += [
                (route.corridor, route.track_a),
                (route.corridor, route.track_b),
                (route.x2, route.track_b),
            ]
        points.append((route.x2, y2))
        arrows.append(Arrow(route.edge, _simplify(points)))
    _straighten(arrows, boxes)

    areas = []
    for index, band in enumerate(bands):
        band_rows = [r for r, b in enumerate(row_band) if b == index]
        top = gap_y[band_rows[0]] + (0 if band_rows[0] == 0 else gap_h[band_rows[0]] / 2)
        last = band_rows[-1]
        bottom = gap_y[last + 1] + (gap_h[last + 1] if last + 1 == len(rows) else gap_h[last + 1] / 2)
        areas.append(BandArea(band, top, bottom - top, index))
    return Layout(width, height, areas, boxes, arrows, title)


def _separate_corridors(routes: Sequence[_Route]) -> None:
    """Corridors of overlapping intervals may land on one x; move each clear of those placed before it.

    Two corridors clash when their gap spans overlap and they run closer than
    PORT_SEP; a clashing corridor takes the nearest free x of any column free
    in every row it crosses (the side margins are sized to hold them all).
    """
    placed: list[tuple[float, int, int]] = []
    for route in sorted(routes, key=lambda r: r.corridor or 0.0):
        assert route.corridor_interval is not None and route.corridor is not None
        first, last = sorted((route.gap_a, route.gap_b))

        def clear(x: float, first: int = first, last: int = last) -> bool:
            return all(abs(x - px) >= PORT_SEP or pl < first or pf > last for px, pf, pl in placed)

        if not clear(route.corridor):
            here = route.corridor
            candidates = sorted(
                (float(x) for a, b in route.corridor_options for x in range(math.ceil(a) + 1, math.floor(b))),
                key=lambda x: abs(x - here),
            )
            route.corridor = next((x for x in candidates if clear(x)), route.corridor)
        placed.append((route.corridor, first, last))


def _port_positions(
    box: Box, arrows: Sequence[tuple[float, _Route]], taken: Sequence[tuple[float, int]]
) -> list[float]:
    """An x on a box edge for each arrow, in order, evenly spread where possible, PORT_SEP clear of `taken`.

    `arrows` are (where the arrow heads, route), sorted by the first. An arrow
    whose corridor runs straight above or below the edge takes the corridor's x
    (no jog at the box); the others aim at their even share of the edge. Each
    takes the free whole-pixel position nearest its aim, right of the previous
    port; on a crowded edge, any free one; then one at least 2 px from the
    others; failing that, its aim itself.
    """
    lo, hi = box.x + PORT_INSET / 2, box.x + box.w - PORT_INSET / 2
    usable = box.w - 2 * PORT_INSET
    edge = [float(x) for x in range(math.ceil(lo), math.floor(hi) + 1)]
    near = [(t, key) for t, key in taken if lo - PORT_SEP < t < hi + PORT_SEP]  # only these can clash
    chosen: list[float] = []
    count = len(arrows)
    for i, (toward, route) in enumerate(arrows):
        straight = route.corridor is not None and lo + PORT_INSET / 2 <= toward <= hi - PORT_INSET / 2
        aim = toward if straight else box.x + PORT_INSET + usable * (i + 1) / (count + 1)
        floor = chosen[-1] + PORT_SEP if chosen else lo
        mine = route.edge.key

        def apart(x: float, gap: float, mine: int = mine) -> bool:
            return all(abs(x - t) >= gap for t, key in near if key != mine) and all(
                abs(x - c) >= gap for c in chosen
            )

        if straight and toward >= floor and apart(toward, PORT_SEP):
            chosen.append(toward)
            continue
        free = (
            [x for x in edge if x >= floor and apart(x, PORT_SEP)]
            or [x for x in edge if apart(x, PORT_SEP)]  # out of order, still apart
            or [x for x in edge if apart(x, 2)]  # a crowded edge: at least not on top of another
        )
        chosen.append(min(free, key=lambda x: abs(x - aim)) if free else aim)
    return chosen


@dataclass
class _Run:
    """A horizontal run of an arrow in one gap; `ends` are its two verticals: (x, side of the gap they go to)."""

    route: _Route
    which: str  # "a" (the gap by the cause) or "b" (the gap by the effect)
    ends: tuple[tuple[float, str], tuple[float, str]]

    @property
    def span(self) -> tuple[float, float]:
        (x0, _s0), (x1, _s1) = self.ends
        return min(x0, x1), max(x0, x1)


def _track_order(runs: Sequence[_Run]) -> list[_Run]:
    """Runs of one gap from the top track down, avoiding crossings where the constraints allow.

    A run whose vertical drops *below* the gap at an x inside another run's span
    must sit lower than that run (or its vertical would cut the other's
    horizontal), and one rising *above* must sit higher: the channel-routing
    vertical constraints. They are sorted topologically; a cycle is broken at
    the run with the fewest runs required above it.
    """
    above: dict[int, set[int]] = {i: set() for i in range(len(runs))}  # i -> runs that must be above i
    for i, a in enumerate(runs):
        for j, b in enumerate(runs):
            if i == j:
                continue
            lo, hi = b.span
            for x, side in a.ends:
                if lo + 0.5 < x < hi - 0.5:
                    if side == "below":
                        above[i].add(j)  # a lower than b
                    else:
                        above[j].add(i)  # a higher than b
    placed: list[int] = []
    left = set(range(len(runs)))
    while left:
        free = [i for i in left if not (above[i] & left)]
        pick = (
            min(free, key=lambda i: (runs[i].span[1] - runs[i].span[0], runs[i].span[0]))
            if free
            else min(left, key=lambda i: (len(above[i] & left), runs[i].span[0]))
        )
        placed.append(pick)
        left.discard(pick)
    return [runs[i] for i in placed]


def _segments_clash(
    p: tuple[float, float], q: tuple[float, float], r: tuple[float, float], s: tuple[float, float], gap: float
) -> bool:
    """Do two axis-parallel segments run along each other closer than `gap` (an overlap of their spans)?"""
    for axis in (0, 1):
        other = 1 - axis
        if abs(p[axis] - q[axis]) < 0.01 and abs(r[axis] - s[axis]) < 0.01 and abs(p[axis] - r[axis]) < gap:
            lo1, hi1 = sorted((p[other], q[other]))
            lo2, hi2 = sorted((r[other], s[other]))
            if min(hi1, hi2) - max(lo1, lo2) > -gap:
                return True
    return False


def _hits(p: tuple[float, float], q: tuple[float, float], box: Box, margin: float) -> bool:
    sx0, sx1 = sorted((p[0], q[0]))
    sy0, sy1 = sorted((p[1], q[1]))
    return (
        sx0 <= box.x + box.w + margin
        and sx1 >= box.x - margin
        and sy0 <= box.y + box.h + margin
        and sy1 >= box.y - margin
    )


def _straighten(arrows: Sequence[Arrow], boxes: Mapping[int, Box]) -> None:
    """Take out the small kinks: a horizontal jog shorter than MIN_SEGMENT between two vertical runs.

    One of the two verticals moves onto the other's x (the jog disappears) when
    the moved run, and the horizontal runs it now ends, stay clear of every box
    (its own boxes: only its edge; a port stays PORT_INSET / 2 inside the edge)
    and of every other arrow (PORT_SEP apart where they run side by side).
    A jog no move can take out stays: it is unavoidable in this layout.
    """
    for _round in range(3):
        changed = False
        for arrow in arrows:
            k = 1
            while k < len(arrow.points) - 2:
                pts = arrow.points
                (ax, ay), (bx, by) = pts[k], pts[k + 1]
                if abs(ay - by) < 0.01 and 0.01 < abs(ax - bx) < MIN_SEGMENT:
                    candidate = _unkink(arrow, k, arrows, boxes)
                    if candidate is not None:
                        arrow.points = candidate
                        changed = True
                        continue
                k += 1
        if not changed:
            return


def _unkink(
    arrow: Arrow, k: int, arrows: Sequence[Arrow], boxes: Mapping[int, Box]
) -> list[tuple[float, float]] | None:
    """The points of `arrow` with the jog pts[k]–pts[k+1] taken out, or None when no move is clean."""
    pts = arrow.points
    cause, effect = boxes[arrow.edge.cause], boxes[arrow.edge.effect]
    others = [(p, q) for a in arrows if a is not arrow for p, q in itertools.pairwise(a.points)]
    # Move the vertical before the jog (points k-1, k) to x of the one after, or the other way round.
    for moved, target_x in (((k - 1, k), pts[k + 1][0]), ((k + 1, k + 2), pts[k][0])):
        new = list(pts)
        for i in moved:
            new[i] = (target_x, new[i][1])
        # A moved end stays on its box edge, inside the insets.
        for end, box in ((0, cause), (len(new) - 1, effect)):
            if end in moved and not (box.x + PORT_INSET / 2 <= target_x <= box.x + box.w - PORT_INSET / 2):
                break
        else:
            new = _simplify(new)
            changed = [
                (p, q)
                for p, q in itertools.pairwise(new)
                if abs(p[0] - target_x) < 0.01 or abs(q[0] - target_x) < 0.01
            ]
            clean = True
            for p, q in changed:
                for box in boxes.values():
                    own = box is cause or box is effect
                    if own:
                        if _hits(p, q, box, -0.5):
                            clean = False
                    elif _hits(p, q, box, CLEAR / 2):
                        clean = False
                if any(_segments_clash(p, q, r, s, PORT_SEP) for r, s in others):
                    clean = False
            if clean and len(new) >= 2:
                return new
    return None


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and the middle of three collinear ones."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and abs(out[-1][0] - p[0]) < 0.01 and abs(out[-1][1] - p[1]) < 0.01:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (abs(ax - bx) < 0.01 and abs(bx - p[0]) < 0.01) or (
                abs(ay - by) < 0.01 and abs(by - p[1]) < 0.01
            ):
                out[-1] = p
                continue
        out.append(p)
    return out


# --------------------------------------------------------------------------- SVG


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attr(value: str) -> str:
    return escape(value, {'"': "&quot;"})


@dataclass(frozen=True)
class _LegendEntry:
    x: float
    y: float
    colour: str
    text: str
    status: str | None = None  # a status swatch (else a theme's)


def _legend(lay: Layout) -> tuple[float, list[_LegendEntry]]:
    """The legend below the bands: the statuses (a map coloured by status) on their own line(s), then the
    themes; its height and each entry, wrapped to the width."""
    groups: list[list[tuple[str, str, str | None]]] = []
    if lay.statuses:
        groups.append([(STATUS_FILL[s], text, s) for s, text in lay.statuses.items() if s in STATUS_FILL])
    if lay.themes:
        groups.append([(t.colour, f"{t.code} {t.name}", None) for t in lay.themes])
    if not groups:
        return 0.0, []
    entries = []
    row = -1
    for group in groups:
        x, row = float(MARGIN + 16), row + 1
        for colour, text, status in group:
            w = 14 + 6 + text_width(text, 12) + 24
            if x + w > lay.width - MARGIN and x > MARGIN + 16:
                x, row = float(MARGIN + 16), row + 1
            entries.append(_LegendEntry(x, lay.height + row * LEGEND_ROW, colour, text, status))
            x += w
    return (row + 1) * LEGEND_ROW + 8, entries


def render_svg(lay: Layout, *, description: str = "", meta: Mapping[str, str] | None = None) -> str:
    """The SVG document of a layout, as a string (UTF-8, no external resources).

    `meta` goes onto the root element as `data-*` attributes (unit, year,
    state): what a printed page (`exports.map_page_svg`) puts in its title
    block. `data-drawing-height` is where the bands end and the theme legend
    begins, for a page that draws its own legend.
    """
    legend_h, legend = _legend(lay)
    height = lay.height + legend_h
    data = "".join(f' data-{key}="{_attr(value)}"' for key, value in (meta or {}).items())
    out: list[str] = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(lay.width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(lay.width)} {_n(height)}" role="img" aria-labelledby="map-title map-desc" '
        f'font-family="{_attr(FONT_FAMILY)}" class="strategy-map" data-drawing-height="{_n(lay.height)}"{data}>',
        f'<title id="map-title">{escape(lay.title or "Peta strategi")}</title>',
        f'<desc id="map-desc">{escape(description)}</desc>',
        "<defs>"
        '<marker id="arrowhead" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="9" markerHeight="9" '
        'markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#44546a"/></marker>'
        "</defs>",
        f'<rect x="0" y="0" width="{_n(lay.width)}" height="{_n(height)}" fill="#ffffff"/>',
    ]
    if lay.title:
        out.append(
            f'<text class="map-title" x="{_n(lay.width / 2)}" y="28" text-anchor="middle" font-size="17" '
            'font-weight="bold" '
            f'fill="#1f2d3d">{escape(lay.title)}</text>'
        )
    for area in lay.bands:
        i = area.index % len(BAND_FILL)
        out.append(
            f'<g class="band" data-band="{area.band.key}" data-label="{_attr(area.band.label)}" '
            f'data-colour="{BAND_STROKE[i]}">'
            f'<rect x="{MARGIN}" y="{_n(area.y)}" width="{_n(lay.width - 2 * MARGIN)}" height="{_n(area.h)}" '
            f'rx="6" fill="{BAND_FILL[i]}" stroke="{BAND_STROKE[i]}" stroke-opacity="0.35"/>'
            f'<rect x="{MARGIN}" y="{_n(area.y)}" width="6" height="{_n(area.h)}" fill="{BAND_STROKE[i]}"/>'
        )
        label_lines = wrap(area.band.label, LABEL_W - 24, 13)
        if area.band.weight is not None:
            label_lines.append(f"{_fmt_weight(area.band.weight)}%")
        first = area.y + area.h / 2 - (len(label_lines) - 1) * 8
        for j, line in enumerate(label_lines):
            weight = "bold" if j < len(label_lines) - (area.band.weight is not None) else "normal"
            out.append(
                f'<text x="{MARGIN + 16}" y="{_n(first + j * 16 + 4)}" font-size="13" font-weight="{weight}" '
                f'fill="{BAND_STROKE[i]}">{escape(line)}</text>'
            )
        out.append("</g>")
    for arrow in lay.arrows:
        d = " ".join(f"{'M' if k == 0 else 'L'}{_n(x)},{_n(y)}" for k, (x, y) in enumerate(arrow.points))
        out.append(
            f'<path class="link" data-cause="{arrow.edge.cause}" data-effect="{arrow.edge.effect}" d="{d}" '
            'fill="none" stroke="#44546a" stroke-width="1.6" stroke-linejoin="round" marker-end="url(#arrowhead)"/>'
        )
    for box in lay.boxes.values():
        out.append(_box_svg(box, lay))
    for kind, entries in (
        ("status-legend", [e for e in legend if e.status is not None]),
        ("theme-legend", [e for e in legend if e.status is None]),
    ):
        if not entries:
            continue
        out.append(f'<g class="{kind}">')
        for e in entries:
            status = f' data-status="{e.status}" stroke="#8a99ab" stroke-width="0.8"' if e.status else ""
            name = "status-name" if e.status else "theme-name"
            out.append(
                f'<rect x="{_n(e.x)}" y="{_n(e.y)}" width="14" height="14" rx="3" fill="{e.colour}"{status}/>'
                f'<text class="{name}" x="{_n(e.x + 20)}" y="{_n(e.y + 11)}" font-size="12" fill="#1f2d3d">'
                f"{escape(e.text)}</text>"
            )
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _fmt_weight(weight: Decimal) -> str:
    text = f"{weight:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _box_svg(box: Box, lay: Layout) -> str:
    node = box.node
    band_index = next((a.index for a in lay.bands if a.band.key == node.band), 0) % len(BAND_STROKE)
    fill = STATUS_FILL.get(node.status or "", "#ffffff")
    stroke = BAND_STROKE[band_index]
    label = f"{node.code} {node.name}"
    if node.status in lay.statuses:
        label += f" ({lay.statuses[node.status]}{f': {node.badge}' if node.badge else ''})"
    elif node.status in STATUS_LABEL:
        label += f" (status {STATUS_LABEL[node.status]})"
    if node.theme:
        label += f" (tema {node.theme})"
    theme_attr = f' data-theme="{_attr(node.theme)}"' if node.theme else ""
    status_attr = f' data-status="{_attr(node.status)}"' if node.status else ""
    parts = [
        f'<g class="objective" data-key="{node.key}" data-code="{_attr(node.code)}"{theme_attr}{status_attr}>',
        f"<title>{escape(label)}</title>",
        f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" rx="10" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="1.8"/>',
        f'<text x="{_n(box.x + PAD)}" y="{_n(box.y + PAD + CODE_FONT)}" font-size="{_n(CODE_FONT)}" '
        f'font-weight="bold" fill="{stroke}">{escape(node.code)}</text>',
    ]
    first = box.y + PAD + CODE_FONT * LINE_GAP + box.font
    for j, line in enumerate(box.lines):
        parts.append(
            f'<text class="name" x="{_n(box.x + PAD)}" y="{_n(first + j * box.font * LINE_GAP)}" '
            f'font-size="{_n(box.font)}" fill="#1f2d3d">{escape(line)}</text>'
        )
    theme = next((t for t in lay.themes if t.code == node.theme), None) if node.theme else None
    if theme is not None:
        parts.append(_theme_tag(box, theme))
    if node.badge:
        parts.append(_badge(box, theme))
    parts.append("</g>")
    inner = "".join(parts)
    if node.href:
        return f'<a href="{_attr(node.href)}" aria-label="{_attr(label)}">{inner}</a>'
    return inner


def _badge(box: Box, theme: ThemeKey | None) -> str:
    """The box's badge (its index) on the code line, right-aligned left of the theme tag; left out when the
    line has no room for it, so it never overlaps the code, the tag or the name."""
    text = box.node.badge or ""
    right = box.x + box.w - PAD
    if theme is not None:
        tag_w = text_width(theme.code, THEME_FONT) + 8
        room = box.w - 2 * PAD - text_width(box.node.code, CODE_FONT) - 6
        right -= (tag_w if tag_w <= room else 10) + 6
    left = box.x + PAD + text_width(box.node.code, CODE_FONT) + 8
    if right - left < text_width(text, BADGE_FONT):
        return ""
    return (
        f'<text class="badge" x="{_n(right)}" y="{_n(box.y + PAD + CODE_FONT)}" font-size="{_n(BADGE_FONT)}" '
        f'font-weight="bold" text-anchor="end" fill="#1f2d3d">{escape(text)}</text>'
    )


def _theme_tag(box: Box, theme: ThemeKey) -> str:
    """The theme's tag in the box's top-right corner, on the code line: its code when it fits beside the SS code,
    else a dot. It stays inside the box and above the name lines, so nothing overflows or overlaps."""
    room = box.w - 2 * PAD - text_width(box.node.code, CODE_FONT) - 6
    tag_w = text_width(theme.code, THEME_FONT) + 8
    top = box.y + PAD - 3
    if tag_w <= room:
        x = box.x + box.w - PAD - tag_w
        return (
            f'<rect class="theme-tag" x="{_n(x)}" y="{_n(top)}" width="{_n(tag_w)}" height="{_n(THEME_TAG_H)}" '
            f'rx="3" fill="{theme.colour}"/>'
            f'<text class="theme-code" x="{_n(x + 4)}" y="{_n(top + THEME_TAG_H - 3.5)}" font-size="{_n(THEME_FONT)}" '
            f'font-weight="bold" fill="#ffffff">{escape(theme.code)}</text>'
        )
    return (
        f'<circle class="theme-tag" cx="{_n(box.x + box.w - PAD / 2 - 4)}" cy="{_n(top + 5)}" r="4" '
        f'fill="{theme.colour}"/>'
    )


# --------------------------------------------------------------------------- from a map


def draw_map(
    data: MapData,
    *,
    href: Callable[[int], str] | None = None,
    status: Mapping[int, str] | None = None,
    title: str | None = None,
    colouring: Colouring | None = None,
) -> str:
    """The SVG of a loaded strategy map; `href(objective_id)` links each box, `status` colours it.

    With `colouring` the map is coloured by status: every box is filled by its status (grey without
    data), carries its badge and links where the colouring says, and a status legend is drawn below."""

    def box_status(pk: int) -> str | None:
        if colouring is not None:
            found = colouring.status.get(pk)
            return found if found in STATUS_FILL else "none"
        return (status or {}).get(pk)

    def box_href(pk: int) -> str | None:
        if colouring is not None and pk in colouring.href:
            return colouring.href[pk]
        return href(pk) if href else None

    bands = [Band(p.pk, p.name, p.weight) for p in data.perspectives]
    nodes = [
        Node(
            o.pk,
            o.code,
            o.name,
            o.perspective_id,
            box_href(o.pk),
            box_status(o.pk),
            o.theme.code if o.theme is not None else None,
            colouring.badge.get(o.pk) if colouring is not None else None,
        )
        for o in data.objectives
    ]
    used = sorted({o.theme for o in data.objectives if o.theme is not None}, key=lambda t: _natural(t.code))
    themes = [ThemeKey(t.code, t.name, THEME_COLOURS[i % len(THEME_COLOURS)]) for i, t in enumerate(used)]
    edges = [Edge(link.pk, link.cause_id, link.effect_id) for link in data.links]
    strategy_map = data.map
    heading = title if title is not None else f"{strategy_map.unit.name} — {strategy_map.plan_year.year}"
    lay = layout(bands, nodes, edges, title=heading)
    lay.themes = themes
    if colouring is not None:
        lay.statuses = {s: colouring.legend.get(s, STATUS_LABEL[s]) for s in STATUS_ORDER}
    description = f"{len(nodes)} SS, {len(edges)} →"
    meta = {
        "unit": strategy_map.unit.name,
        "unit-code": strategy_map.unit.code,
        "year": str(strategy_map.plan_year.year),
        "state": str(strategy_map.state),
    }
    return render_svg(lay, description=description, meta=meta)
