"""Helpers shared by the browser tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from typing import Any

# Every demo account shares this password (README, `kinerja demo`).
DEMO_PASSWORD = "kinerja-demo"
# The password of tests/factories.UserFactory's users.
PASSWORD = "rahasia-123"


def login(page: Any, live_server: Any, username: str, password: str, *, expect_success: bool = True) -> Any:
    """Sign in through the login form, as a person would; returns the response the form leads to."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation() as navigation:
        page.locator("main form button[type=submit]").click()
    response = navigation.value
    if expect_success:
        assert "/accounts/login/" not in page.url, (
            f"login as {username!r} failed: still on {page.url}; "
            f"errors shown: {page.locator('.errorlist').all_inner_texts()}"
        )
    return response


def path_of(url: str) -> str:
    """The path of a URL: 'http://localhost:41234/organisasi/?x=1#top' -> '/organisasi/'."""
    return re.sub(r"^https?://[^/]+", "", url).split("?")[0].split("#")[0]


def nav_labels(page: Any) -> list[str]:
    """The labels of the main navigation, without icons and the 'coming soon' mark."""
    return [
        text.strip()
        for text in page.locator("#sidenav li").evaluate_all(
            """items => items.map(li => {
                const el = li.firstElementChild.cloneNode(true);
                el.querySelectorAll('[aria-hidden=true], small').forEach(n => n.remove());
                return el.textContent;
            })"""
        )
    ]


def signed_in_as(page: Any) -> str | None:
    """The username of the browser's session (asked of /api/me/ with the page's cookies), None when signed out."""
    response = page.request.get("/api/me/")
    if response.status in (401, 403):
        return None
    assert response.status == 200, f"/api/me/ answered {response.status}: {response.text()[:300]}"
    return response.json()["username"]


def pick_unit(page: Any, select_id: str, search: str, option: str) -> Any:
    """Choose a unit in a unit picker (its `<select>`'s id): type `search` in its search box, wait for
    `option` among the matches the server sends (htmx), select it. Returns the `<select>`."""
    select = page.locator(f"#{select_id}")
    page.get_by_label("Cari unit (kode atau nama)").fill(search)
    select.locator("option", has_text=option).wait_for(state="attached")
    select.select_option(label=option)
    return select
