"""Browser tests: Playwright (sync API) driving Debian's Chromium against pytest-django's live server.

One browser for the whole session, a fresh context (cookies, language, viewport) per test.
Without /usr/bin/chromium the tests are skipped, unless KINERJA_REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure. Never `playwright install`: the browser is the system's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.e2e.helpers")

# Playwright's sync API keeps an asyncio loop running in the test thread (in a greenlet), so Django's
# guard against ORM calls from async code would refuse every query a test makes after the browser starts.
# The live server runs in its own thread and is not affected.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("KINERJA_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000  # a page of this app renders in well under a second; fail fast when something hangs


def _no_browser(reason: str) -> None:
    if os.environ.get("KINERJA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (KINERJA_REQUIRE_BROWSER=1: browser tests are required here)", pytrace=False)
    pytest.skip(f"{reason}; browser tests skipped (install Debian's chromium to run them)")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium for the whole session."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _no_browser(f"{CHROMIUM} not found")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the dev extra installs it
        _no_browser("the playwright Python package is not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as exc:
        playwright.stop()
        _no_browser(f"{CHROMIUM} does not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def browser_locale() -> str:
    """The browser's language (Accept-Language). Override with @pytest.mark.parametrize("browser_locale", [...])."""
    return "id-ID"


@pytest.fixture
def page(browser: Any, live_server: Any, browser_locale: str) -> Iterator[Any]:
    """A fresh browser context (no cookies, Indonesian browser, 1280×800) and a page in it.

    Relative URLs resolve against the live server: page.goto("/organisasi/").
    """
    context = browser.new_context(
        base_url=live_server.url,
        locale=browser_locale,
        extra_http_headers={"Accept-Language": browser_locale},
        viewport=VIEWPORT,
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    # What went wrong in the browser is the first thing to read when a test fails.
    errors: list[str] = []

    def on_response(response: Any) -> None:
        if response.status >= 400 and "/static/" in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: errors.append(f"JS error: {exc}"))
    page.on("response", on_response)
    page.kinerja_errors = errors  # failed static files and script errors, for assertions
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db: None) -> Any:
    """The whole demo of `kinerja demo` (organisation, strategy maps, reporting, in their declared order)."""
    from kinerja.demo import build

    return build.build_demo(report=lambda line: None)


@pytest.fixture
def demo_organisation(transactional_db: None) -> Any:
    """Only the demo's organisation (units, positions, employees, the demo logins): faster than `demo`."""
    from kinerja.demo import build, organisation

    return build.build_demo(report=lambda line: None, steps=organisation.STEPS)
