"""The strategy map coloured by status (issue 14 item 5): each objective filled by its index status of the chosen
period (the rule set's bands), grey without data, a legend, a period picker, each box a link to its row on the
scorecard; as a page and as an A4 landscape PDF/PNG; the map's and the scorecard's read rules; the plain map is
unchanged."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.dashboards import status_map
from kinerja.planning import drawing
from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod
from tests.planning import builders as b

from .conftest import realize, score

D = Decimal
pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def coloured(world):
    """As of Q1 2026 (kmk-467-2014: green from 100, yellow from 80): S1 green (100), P1 yellow (90), C2 red
    (50), C1 without data (its monthly KPI not reported) and L1 without data; scored for Q1."""
    m = world.map
    p1 = b.objective(m, "internal_process", "P1", "Pengawasan yang efektif")
    c2 = b.objective(m, "customer", "C2", "Kepatuhan yang tinggi")
    l1 = b.objective(m, "learning_growth", "L1", "SDM yang kompeten")
    b.kpi(p1, "P1.1", target=D(100), frequency="quarterly")
    b.kpi(c2, "C2.1", target=D(100), frequency="quarterly")
    l1_kpi = b.kpi(l1, "L1.1", target=D(100), frequency="quarterly")
    realize(world, world.quarterly, "2026-Q1", 100)
    realize(world, p1.kpis.get(), "2026-Q1", 90)
    realize(world, c2.kpis.get(), "2026-Q1", 50)
    assert l1_kpi.realizations.count() == 0
    q1 = world.period("2026-Q1")
    score(world.map, q1)
    return q1


def svg_of(html: str) -> ET.Element:
    found = re.search(r"<svg .*?</svg>", html, re.DOTALL)
    assert found, "no inline SVG"
    return ET.fromstring(found.group(0))


def boxes(root: ET.Element) -> dict[str, tuple[str, str, str | None]]:
    """Per objective code: (its status attribute, its rectangle's fill, the link around it)."""
    out = {}
    links = {id(g): a.get("href") for a in root.iter(f"{SVG}a") for g in a.iter(f"{SVG}g")}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") == "objective":
            rect = g.find(f"{SVG}rect")
            out[g.get("data-code")] = (g.get("data-status"), rect.get("fill"), links.get(id(g)))
    return out


def page(client: Any, user: Any, strategy_map: Any, period: Any = None) -> Any:
    client.force_login(user)
    url = reverse("dashboards:status-map", args=[strategy_map.pk])
    return client.get(url + (f"?periode={period.pk}" if period is not None else ""))


def test_each_objective_is_filled_by_its_status_grey_without_data(client, world, coloured):
    with translation.override("id"):
        response = page(client, world.employee, world.map, coloured)
    assert response.status_code == 200
    found = boxes(svg_of(response.content.decode()))
    expected = {"S1": "green", "P1": "yellow", "C2": "red", "C1": "none", "L1": "none"}
    assert {code: status for code, (status, _fill, _href) in found.items()} == expected
    for code, status in expected.items():
        assert found[code][1] == drawing.STATUS_FILL[status], code
    assert len(set(drawing.STATUS_FILL.values())) == 4  # four distinct fills


def test_the_colours_follow_the_snapshot_of_the_chosen_period(client, world, coloured):
    """Q2: S1 drops to 70 (red); the Q1 picture is unchanged."""
    realize(world, world.quarterly, "2026-Q2", 70)
    q2 = world.period("2026-Q2")
    score(world.map, q2)
    assert boxes(svg_of(page(client, world.employee, world.map, q2).content.decode()))["S1"][0] == "red"
    assert (
        boxes(svg_of(page(client, world.employee, world.map, coloured).content.decode()))["S1"][0] == "green"
    )


def test_the_index_is_drawn_beside_the_code(client, world, coloured):
    with translation.override("id"):
        root = svg_of(page(client, world.employee, world.map, coloured).content.decode())
    badges = {
        g.get("data-code"): g.find(f"{SVG}text[@class='badge']")
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "objective"
    }
    assert badges["P1"] is not None and badges["P1"].text == "90,00"
    assert badges["C2"].text == "50,00"
    assert badges["L1"] is None  # no figure, no badge


def test_each_box_links_to_its_row_on_the_scorecard(client, world, coloured):
    scorecard = reverse("reporting:scorecard", args=[world.map.pk, coloured.pk])
    found = boxes(svg_of(page(client, world.employee, world.map, coloured).content.decode()))
    for code, (_status, _fill, href) in found.items():
        assert href == f"{scorecard}#ss-{code}"
    # … and the scorecard has that row
    card = client.get(scorecard).content.decode()
    for code in found:
        assert f'id="ss-{code}"' in card
    # the scorecard links back to the coloured map of its period
    assert f"{reverse('dashboards:status-map', args=[world.map.pk])}?periode={coloured.pk}" in card


def test_the_legend_names_the_rule_sets_bands(client, world, coloured):
    with translation.override("id"):
        html = page(client, world.employee, world.map, coloured).content.decode()
    root = svg_of(html)
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "status-legend")
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts == [
        "Hijau: indeks ≥ 100",
        "Kuning: 80 ≤ indeks < 100",
        "Merah: indeks < 80",
        "Abu-abu: belum ada data",
    ]
    assert [r.get("fill") for r in legend.iter(f"{SVG}rect")] == [
        drawing.STATUS_FILL[s] for s in ("green", "yellow", "red", "none")
    ]
    assert "Hijau: indeks ≥ 100" in html.split("<svg", 1)[0]  # the page's own legend above the picture


def test_without_a_score_for_the_period_every_box_is_grey(client, world, coloured):
    q3 = world.period("2026-Q3")
    with translation.override("id"):
        response = page(client, world.employee, world.map, q3)
    found = boxes(svg_of(response.content.decode()))
    assert {status for status, _fill, _href in found.values()} == {"none"}
    assert "belum dihitung" in response.content.decode()


def test_the_default_period_is_the_latest_scored_and_the_picker_lists_the_periods(client, world, coloured):
    realize(world, world.monthly, "2026-01", 10)
    score(world.map, world.period("2026-01"))  # an earlier period scored after Q1
    with translation.override("id"):
        response = page(client, world.employee, world.map)
    assert response.context["period"] == coloured
    html = response.content.decode()
    assert f'<option value="{coloured.pk}" selected>' in html
    assert html.count("<option") >= 4 + 12  # quarters and months at least
    assert reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "pdf"]) in html


def pdf_text(pdf: bytes, tmp_path: Any) -> tuple[str, str]:
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "map.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, timeout=60)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, timeout=60)
    return " ".join(text.stdout.decode().split()), info.stdout.decode()


def test_pdf_and_png_on_an_a4_landscape_page(client, world, coloured, tmp_path):
    client.force_login(world.manager)
    url = reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "pdf"])
    with translation.override("id"):
        response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert 'filename="peta-status-kpp-a-2026-q1.pdf"' in response["Content-Disposition"]
    text, info = pdf_text(response.content, tmp_path)
    assert re.search(r"Page size:\s+842 x 595 pts", info)
    assert "Triwulan I 2026" in text
    for legend in ("Hijau: indeks ≥ 100", "Kuning: 80 ≤ indeks < 100", "Merah: indeks < 80", "Abu-abu"):
        assert legend in text
    assert "90,00" in text and "50,00" in text
    png = client.get(reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "png"]))
    assert png.status_code == 200 and png["Content-Type"] == "image/png"
    assert png.content.startswith(b"\x89PNG")
    width, height = int.from_bytes(png.content[16:20], "big"), int.from_bytes(png.content[20:24], "big")
    assert width > height and abs(width / height - 842 / 595) < 0.01
    bad = reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "svgz"])
    assert client.get(bad).status_code == 404


def test_the_plain_map_stays_uncoloured(client, world, coloured):
    client.force_login(world.employee)
    html = client.get(reverse("strategy:map", args=[world.map.pk])).content.decode()
    found = boxes(svg_of(html))
    assert {status for status, _fill, _href in found.values()} == {None}
    assert {fill for _status, fill, _href in found.values()} == {"#ffffff"}
    assert "status-legend" not in html
    # … and links to the coloured one and to the booklet
    assert reverse("dashboards:status-map", args=[world.map.pk]) in html


def test_readers_of_the_map_and_its_scores_only(client, org, world, coloured, make_user):
    url = reverse("dashboards:status-map", args=[world.map.pk])
    download = reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "pdf"])
    client.force_login(world.outsider)  # KPP-B: the map does not exist for them
    assert client.get(url).status_code == 404
    assert client.get(download).status_code == 404
    # a unit below reads the approved map, not its scores: no coloured map, and no link to one
    below = make_user(org.section_a, Role.EMPLOYEE)
    client.force_login(below)
    assert client.get(reverse("strategy:map", args=[world.map.pk])).status_code == 200
    assert url not in client.get(reverse("strategy:map", args=[world.map.pk])).content.decode()
    assert client.get(url).status_code == 404
    client.force_login(world.auditor)
    assert client.get(url).status_code == 200
    # a period of another year, or not a number
    other_year = b.plan_year(2027, "kmk-467-2014")
    services.generate_periods(plan_year=other_year)
    foreign = ReportingPeriod.objects.filter(plan_year=other_year).first()
    assert foreign is not None
    assert client.get(f"{url}?periode={foreign.pk}").status_code == 404
    other = reverse("dashboards:status-map-download", args=[world.map.pk, foreign.pk, "pdf"])
    assert client.get(other).status_code == 404
    assert client.get(f"{url}?periode=abc").status_code == 404
    assert client.get(f"{url}?periode=999999").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def _queries(client: Any, user: Any, strategy_map: Any, period: Any) -> int:
    client.force_login(user)
    url = reverse("dashboards:status-map", args=[strategy_map.pk]) + f"?periode={period.pk}"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_objectives(
    client, world, coloured, django_assert_max_num_queries
):
    small = _queries(client, world.employee, world.map, coloured)
    for n in range(2, 8):
        objective = b.objective(world.map, "learning_growth", f"L{n}", f"Sasaran pembelajaran {n}")
        realize(world, b.kpi(objective, f"L{n}.1", frequency="quarterly"), "2026-Q1", 80 + n)
    score(world.map, coloured)
    large = _queries(client, world.employee, world.map, coloured)
    assert large == small
    client.force_login(world.employee)
    with django_assert_max_num_queries(16):
        client.get(reverse("dashboards:status-map", args=[world.map.pk]) + f"?periode={coloured.pk}")


def test_the_drawing_colours_without_a_database():
    """The colouring input of the drawing: grey for an objective without status, badge, status legend."""
    bands = [drawing.Band(0, "Pemangku Kepentingan"), drawing.Band(1, "Pelanggan")]
    nodes = [drawing.Node(1, "S1", "Penerimaan", 0), drawing.Node(2, "C1", "Kepuasan", 1)]
    lay = drawing.layout(bands, nodes, [drawing.Edge(1, 2, 1)])
    plain = drawing.render_svg(lay)
    assert "data-status" not in plain and "status-legend" not in plain
    nodes = [
        drawing.Node(1, "S1", "Penerimaan", 0, "/x#ss-S1", "red", badge="42,00"),
        drawing.Node(2, "C1", "Kepuasan", 1, None, "none"),
    ]
    lay = drawing.layout(bands, nodes, [drawing.Edge(1, 2, 1)])
    lay.statuses = {"red": "Merah", "none": "Tanpa data"}
    root = ET.fromstring(drawing.render_svg(lay))
    found = boxes(root)
    assert found["S1"] == ("red", drawing.STATUS_FILL["red"], "/x#ss-S1")
    assert found["C1"] == ("none", drawing.STATUS_FILL["none"], None)
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "badge"] == ["42,00"]
    assert status_map.STATUSES == ("green", "yellow", "red", "none")


def test_the_pdf_rendered_to_png_shows_every_status_colour(client, world, coloured, tmp_path):
    """The PDF as a person sees it (pdftoppm, 60 dpi): a landscape page where each status fill is painted."""
    image = pytest.importorskip("PIL.Image")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed")
    client.force_login(world.manager)
    pdf = client.get(
        reverse("dashboards:status-map-download", args=[world.map.pk, coloured.pk, "pdf"])
    ).content
    (tmp_path / "map.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "map.pdf"), str(tmp_path / "map")],
        check=True,
        timeout=60,
    )
    (png,) = sorted(tmp_path.glob("map*.png"))
    picture = image.open(png).convert("RGB")
    assert picture.width > picture.height
    colours = {colour for _count, colour in picture.getcolors(maxcolors=1 << 20)}
    for status, fill in drawing.STATUS_FILL.items():
        rgb = tuple(int(fill[i : i + 2], 16) for i in (1, 3, 5))
        assert any(all(abs(a - b) <= 3 for a, b in zip(rgb, c, strict=True)) for c in colours), status
