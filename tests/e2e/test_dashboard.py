"""The dashboard in a browser: the vendored ECharts draws both charts from the JSON blob, with no script error."""

from __future__ import annotations

import pytest

from tests.dashboards.conftest import realize, score
from tests.e2e.helpers import PASSWORD, login
from tests.reporting.conftest import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.e2e


def test_the_charts_are_drawn_and_have_a_table_alternative(page, live_server, world):  # noqa: F811
    realize(world, world.quarterly, "2026-Q1", 70)
    realize(world, world.quarterly, "2026-Q3", 105)
    score(world.map, world.period("2026-Q1"))
    score(world.map, world.period("2026-Q3"))
    world.leader.username = "pimpinan"
    world.leader.save(update_fields=["username"])

    login(page, live_server, "pimpinan", PASSWORD)
    page.goto("/laporan/dasbor/")

    page.locator("#chart-trend svg").wait_for()
    page.locator("#chart-perspectives svg").wait_for()
    assert page.kinerja_errors == []
    assert page.locator("#chart-trend svg path").count() > 0  # the line and the axes
    assert page.locator("#chart-perspectives svg path").count() > 0  # the bars
    # the text alternative: a table behind a disclosure, read by everyone once opened
    page.get_by_text("Tabel data tren NKO").click()
    rows = page.locator("#trend-table tbody tr").all_inner_texts()
    assert len(rows) == 4
    assert "70,00" in rows[0] and "belum dilaporkan" in rows[1] and "105,00" in rows[2]


def test_a_perspective_name_with_markup_stays_text_in_the_tooltips(page, live_server, world):  # noqa: F811
    """Stored XSS (issue 11 item 1): a manager names a perspective with markup; everyone above hovers it."""
    realize(world, world.quarterly, "2026-Q1", 70)
    payload = '<img src=x onerror="window.__xss=1">Pelanggan'
    perspective = world.map.perspectives.order_by("order").first()
    perspective.name_id = perspective.name_en = payload
    perspective.save(update_fields=["name_id", "name_en"])
    score(world.map, world.period("2026-Q1"))
    world.leader.username = "pimpinan"
    world.leader.save(update_fields=["username"])

    login(page, live_server, "pimpinan", PASSWORD)
    page.goto("/laporan/dasbor/")
    page.locator("#chart-perspectives svg").wait_for()
    # ask each chart's own tooltip formatter for the HTML it would show on hover, for every bar
    shown = page.evaluate(
        """() => ["chart-trend", "chart-perspectives"].flatMap((id) => {
            const chart = window.echarts.getInstanceByDom(document.getElementById(id));
            const option = chart.getOption();
            const labels = option.xAxis[0].data || option.yAxis[0].data;
            return labels.map((label, i) => option.tooltip[0].formatter([{axisValue: label, dataIndex: i}]));
        })"""
    )
    assert any("&lt;img src=x onerror=" in html for html in shown)
    assert not any("<img" in html for html in shown)
    page.locator("#chart-perspectives svg").hover()
    assert page.evaluate("() => window.__xss") is None
    assert page.kinerja_errors == []
