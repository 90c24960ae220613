"""Keyboard smoke test: the skip link comes first, the navigation is reachable, the login form needs no mouse."""

from __future__ import annotations

import pytest

from kinerja.accounts.models import Role
from tests.e2e.helpers import PASSWORD, login, path_of, signed_in_as

pytestmark = pytest.mark.e2e

FOCUSED = """() => {
    const el = document.activeElement;
    return {tag: el.tagName.toLowerCase(), id: el.id, cls: el.className, text: (el.innerText || '').trim(),
            inNav: !!el.closest('#sidenav'), inMain: !!el.closest('main'), href: el.getAttribute('href')};
}"""


def test_tab_reaches_the_skip_link_first_then_the_navigation(page, live_server, org, make_user):
    make_user(org.kpp_a, Role.EMPLOYEE, username="budi")
    login(page, live_server, "budi", PASSWORD)
    page.goto("/")  # a fresh load: focus at the top of the page

    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["cls"] == "skip-link", f"the first Tab stop is {first}, not the skip link"
    assert first["href"] == "#main"
    box = page.locator(".skip-link").bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"

    # Walk on: the header's controls, then the navigation links in order, before anything in <main>.
    nav_links = page.locator("#sidenav a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert nav_links[:2] == ["/", "/organisasi/"]
    reached: list[str] = []
    for _ in range(20):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert not focused["inMain"] or reached == nav_links, (
            f"Tab reached {focused} in the content before the navigation; navigation reached so far: {reached}"
        )
        if focused["inNav"]:
            reached.append(focused["href"])
        if reached == nav_links:
            break
    assert reached == nav_links

    # Following the skip link puts the focus on the content.
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_login_form_works_with_the_keyboard_alone(page, live_server, org, make_user):
    make_user(org.kpp_a, Role.EMPLOYEE, username="budi")
    page.goto("/accounts/login/")

    # The username field has the focus on arrival, with a visible label.
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert page.get_by_label("Nama pengguna atau NIP").evaluate("el => el === document.activeElement")
    page.keyboard.type("budi")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_password"
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert path_of(page.url) == "/"
    assert signed_in_as(page) == "budi"
