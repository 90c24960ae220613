"""The home page as the demo admin sees it, styled, at 1280×800: the screenshot the README shows.

Run as a test it checks that the page is styled and saves the picture in a temporary directory;
`python tests/e2e/screenshot_home.py` runs it with KINERJA_SCREENSHOT_DIR=docs/screenshots to
refresh docs/screenshots/home.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.helpers import DEMO_PASSWORD, login, path_of

pytestmark = pytest.mark.e2e

NAVY = "rgb(11, 61, 110)"  # --navy in kinerja.css: the top bar's colour once the stylesheet has loaded


def assert_styled(page) -> None:
    """The stylesheet and scripts loaded, the layout fits the window, no script failed."""
    assert page.kinerja_errors == [], f"failed static files or script errors: {page.kinerja_errors}"
    top_bar = page.locator(".topbar").evaluate("el => getComputedStyle(el).backgroundColor")
    assert top_bar == NAVY, f"the top bar is {top_bar}: kinerja.css did not load"
    assert page.evaluate("() => typeof window.htmx") == "object", "htmx.min.js did not load"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the window"


def test_home_page_screenshot_as_the_demo_admin(page, live_server, demo, tmp_path):
    login(page, live_server, "admin", DEMO_PASSWORD)
    assert path_of(page.url) == "/"
    page.wait_for_load_state("networkidle")

    assert page.locator("h1").inner_text() == "Selamat datang, Administrator Kinerja"
    assert_styled(page)
    stats = page.locator("#org-stats .stat").all_inner_texts()
    assert len(stats) == 3 and all(s.strip().isdigit() and int(s) > 0 for s in stats), stats
    queue = page.locator("#work-queue .stat").all_inner_texts()
    # due, to verify, to approve, and — when a period has KPIs missing — how many are incomplete
    assert len(queue) in (3, 4) and all(s.strip().isdigit() for s in queue), queue

    target = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or tmp_path) / "home.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no hover effect in the picture
    page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
    assert target.stat().st_size > 10_000
