"""Every page, as every demo role, on a laptop (1366 px) and a phone (390 px), in Indonesian and in English
(issue 10 item 12 and "what done looks like").

One demo build and one browser for the whole walk. For each demo login the walk opens every entry of the
side navigation, the profile, and the pages those link to (one page per kind of URL: the first map, the
first KPI, the first realization, …), up to two links deep. It fails on:

- a server error (status 500 or more) or a Django debug page (a traceback or the URLconf list);
- horizontal scrolling of the page itself (a wide table or the map may scroll inside its own box);
- an error in the browser's console (a script error, a refused inline script, a missing file).

In English it also lists the common Indonesian words left in the main content (stored names that exist only
in Indonesian, unit and person names are allowed), and in Indonesian the common English words (issue 10
item 8, "English means English"; also "Trajectory" in Indonesian pages). With ENGLISH_IS_REQUIRED (set since
item 8 was done) either is a hard failure like the others; without it the test ends in xfail listing them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

import pytest

from .helpers import DEMO_PASSWORD, login, path_of

pytestmark = pytest.mark.e2e

ENGLISH_IS_REQUIRED = True  # issue 10 item 8 is done: English means English (and Indonesian Indonesian)

ROLES = ["admin", "pengelola.djp", "pimpinan.kpp.malang", "pegawai.kpp.malang", "auditor.itjen"]
LAPTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
MAX_DEPTH = 2  # the menu pages are depth 0
MAX_PAGES_PER_ROLE = 45

# Not pages of this app (Django's admin, the API and its docs) or not HTML (downloads), or leaving the session.
SKIP = re.compile(
    r"^/(admin|api|i18n|jsi18n|static|media)/|/accounts/logout/|/data-dukung/\d+/$|"
    r"/unduh\.|/peta\.\w+$|/templat\.\w+$|/excel/$|\.(csv|xlsx|pdf|png|svg|json)$"
)
DEBUG_PAGE = ("Traceback", "Using the URLconf", "URLconf defined in")

# Indonesian words that in English mode mean a string was not translated.
INDONESIAN = [
    "Belum",
    "Tambah",
    "Simpan",
    "Ubah",
    "Hapus",
    "Capaian",
    "Realisasi",
    "Periode",
    "Triwulan",
    "Sasaran",
    "Perspektif",
    "Cukup",
    "Baik",
    "Kurang",
]
INDONESIAN_RE = re.compile(r"\b(" + "|".join(INDONESIAN) + r")\b", re.IGNORECASE)
# English words that in Indonesian mode mean a string was left in English (the reverse check; "Target" and
# "Status" are Indonesian words too and are not listed).
ENGLISH = [
    "Trajectory",
    "Realization",
    "Weight",
    "Index",
    "Missing",
    "Approved",
    "Submitted",
    "Quarter",
    "Objective",
    "Perspective",
    "Predicate",
    "Adequate",
    "clamped",
]
ENGLISH_RE = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b", re.IGNORECASE)
# Proper nouns that stay Indonesian in English (beside the names read from the database, see allowed_phrases).
PROPER_NOUNS = [
    "Direktorat Jenderal Pajak",
    "Kantor Pelayanan Pajak",
    "KPP Madya Malang",
    "Kementerian Keuangan",
    "Direktorat Jenderal Bea dan Cukai",
    "Bea dan Cukai",
    # The Indonesian aliases of import columns, named as such on the import page.
    "(kode_iku)",
    "(periode:",
    "(realisasi)",
    # An import column's name (interchange.md: English column names in every language) with its alias.
    "realization (realisasi)",
]


def pattern(path: str) -> str:
    """The kind of a URL: '/strategi/peta/12/' -> '/strategi/peta/N/', '/organisasi/unit/DJP-KPP/' -> '.../X/'."""
    path = re.sub(r"/(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]*(?=/|$)", "/X", path)  # unit and position codes
    return re.sub(r"/\d+(?=/|$)", "/N", path)  # ids and NIPs


def allowed_phrases() -> list[str]:
    """Text stored in the database that may stay Indonesian: names of units and people, and every stored
    text except the Indonesian name of a record that has an English one (that one must be shown in English)."""
    from django.apps import apps
    from django.db import models

    phrases: set[str] = set(PROPER_NOUNS)
    for model in apps.get_models():
        # the minutes of a dialogue (titles, agenda, decisions, actions) are stored text as written
        if model._meta.app_label not in {"organisations", "planning", "reporting", "accounts", "meetings"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        fields = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField) and not f.choices and f.concrete
        ]
        if not fields:
            continue
        bilingual = "name_id" in fields and "name_en" in fields
        for row in model._default_manager.values(*fields):
            for name, value in row.items():
                if not value or len(value) < 3:
                    continue
                if bilingual and name == "name_id" and row.get("name_en") and model.__name__ != "Unit":
                    continue  # an English name exists: the Indonesian one must not show in English
                phrases.add(value)
                phrases.update(line.strip() for line in value.splitlines() if len(line.strip()) >= 3)
                # a long text shown shortened (`truncatechars:N` keeps N - 1 characters and adds "…")
                phrases.update(value[: n - 1].strip() for n in (120, 200) if len(value) > n)
    return sorted(phrases, key=len, reverse=True)


class Walk:
    def __init__(self, browser: Any, live_server: Any, allowed: list[str]) -> None:
        self.browser = browser
        self.live_server = live_server
        self.allowed = allowed
        self.hard: list[str] = []
        self.english: dict[tuple[str, str], str] = {}  # (URL kind, word) -> where and in what context
        self.loads = 0

    def context(self, language: str) -> Any:
        context = self.browser.new_context(
            base_url=self.live_server.url,
            locale="id-ID",
            extra_http_headers={"Accept-Language": "id-ID"},
            viewport=LAPTOP,
            timezone_id="Asia/Jakarta",
        )
        context.set_default_timeout(15_000)
        context.set_default_navigation_timeout(15_000)
        if language == "en":
            context.add_cookies([{"name": "django_language", "value": "en", "url": self.live_server.url}])
        return context

    def pages_of(self, page: Any, username: str) -> list[str]:
        """The walk's pages for one login: the menu and the profile, then one page per URL kind, MAX_DEPTH deep."""
        page.goto("/")
        start = [
            path_of(h) for h in page.locator("#sidenav a[href]").evaluate_all("els => els.map(a => a.href)")
        ]
        start.append("/accounts/profil/")
        start = [p for p in dict.fromkeys(start) if not SKIP.search(p)]
        seen = {pattern(p) for p in start}
        order = list(start)
        frontier = list(start)
        for _depth in range(MAX_DEPTH):
            found: list[str] = []
            for path in frontier:
                if len(order) >= MAX_PAGES_PER_ROLE:
                    break
                response = page.goto(path)
                if response is None or response.status >= 400:
                    continue
                for href in self.links(page):
                    kind = pattern(href)
                    if kind in seen or SKIP.search(href):
                        continue
                    seen.add(kind)
                    found.append(href)
                    order.append(href)
            frontier = found
        return order[:MAX_PAGES_PER_ROLE]

    def links(self, page: Any) -> Iterable[str]:
        origin = self.live_server.url
        hrefs = page.locator("main a[href]").evaluate_all(
            "els => els.map(a => new URL(a.getAttribute('href'), location.href).href)"  # SVG links too
        )
        return [path_of(h) for h in hrefs if h.startswith(origin) and "#" not in h[len(origin) :]]

    def check(self, page: Any, path: str, where: str, console: list[str], english: bool) -> None:
        console.clear()
        self.loads += 1
        try:
            response = page.goto(path, wait_until="load")
        except Exception as exc:  # a hang or a download where a page was expected
            self.hard.append(f"{where} {path}: did not load: {exc}")
            return
        status = response.status if response is not None else 0
        if status >= 500:
            self.hard.append(f"{where} {path}: status {status}")
            return
        body = page.locator("body").inner_text()
        if any(marker in body for marker in DEBUG_PAGE):
            self.hard.append(f"{where} {path}: Django debug page")
            return
        overflow = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if overflow[0] > overflow[1] + 1:
            wide = page.evaluate(WIDEST)
            self.hard.append(
                f"{where} {path}: page is {overflow[0]} px wide in {overflow[1]} px; widest: {wide}"
            )
        for problem in page.evaluate(STICKING_OUT):
            self.hard.append(f"{where} {path}: {problem}")
        if (
            pattern(path) == "/capaian/peta/N/skor/N/"
        ):  # the scorecard's index column is on screen, even at 390 px
            right = page.evaluate(
                "() => { const th = [...document.querySelectorAll('main table.data thead th')].pop();"
                " return th ? th.getBoundingClientRect().right : 0; }"
            )
            if right > overflow[1] + 1:
                self.hard.append(f"{where} {path}: the index column ends at {right:.0f} px, off screen")
        for message in console:
            self.hard.append(f"{where} {path}: console: {message}")
        if status < 400:
            main = page.locator("main")
            text = main.inner_text() if main.count() else body
            for phrase in self.allowed:
                if phrase in text:
                    text = text.replace(phrase, " ")
            for match in (INDONESIAN_RE if english else ENGLISH_RE).finditer(text):
                key = (pattern(path), match.group(0))
                if key not in self.english:
                    context = " ".join(text[max(0, match.start() - 40) : match.end() + 40].split())
                    self.english[key] = f"{where} {path}: {match.group(0)!r} in …{context}…"

    def walk(self, username: str, language: str, paths: list[str] | None = None) -> list[str]:
        """Walk one login's pages in one language (found on the way when `paths` is None); returns them."""
        context = self.context(language)
        try:
            page = context.new_page()
            console: list[str] = []
            page.on(
                "console",
                lambda msg: console.append(f"{msg.type}: {msg.text}") if msg.type == "error" else None,
            )
            page.on("pageerror", lambda exc: console.append(f"script error: {exc}"))
            login(page, self.live_server, username, DEMO_PASSWORD)
            if paths is None:
                paths = self.pages_of(page, username)
            viewports = [("1366", LAPTOP), ("390", PHONE)] if language == "id" else [("1366", LAPTOP)]
            for label, viewport in viewports:
                page.set_viewport_size(viewport)
                for path in paths:
                    self.check(
                        page, path, f"[{username} {language} {label}px]", console, english=language == "en"
                    )
        finally:
            context.close()
        return paths


def test_every_page_as_every_role_fits_and_works(browser: Any, live_server: Any, demo: Any) -> None:
    started = time.monotonic()
    walk = Walk(browser, live_server, allowed_phrases())
    kinds: set[str] = set()
    for username in ROLES:
        paths = walk.walk(username, "id")
        walk.walk(username, "en", paths)
        kinds.update(pattern(p) for p in paths)
    for must in [
        "/strategi/peta/N/",
        "/iku/N/",
        "/capaian/realisasi/N/",
        "/laporan/dasbor/",
        "/aturan-penilaian/",
    ]:
        assert must in kinds, f"the walk never reached {must}: {sorted(kinds)}"
    elapsed = time.monotonic() - started
    assert walk.loads > 100, f"the walk saw only {walk.loads} pages"
    # Hard failures: server errors, debug pages, page-level horizontal overflow, console errors.
    assert not walk.hard, f"{len(walk.hard)} problem(s) in {walk.loads} page loads:\n" + "\n".join(walk.hard)
    # The English check (issue 10 item 8): expected to find untranslated strings until that item is done.
    findings = sorted(walk.english.values())
    if findings:
        report = (
            f"{len(findings)} word(s) in the other language (Indonesian in en, English in id):\n"
            + "\n".join(findings)
        )
        if ENGLISH_IS_REQUIRED:
            pytest.fail(report)
        pytest.xfail(f"issue 10 item 8 not done yet ({walk.loads} pages in {elapsed:.0f} s). {report}")


# A table wider than its card sticks out of it, unless it scrolls inside a box of its own (or the card scrolls).
STICKING_OUT = """() => {
  const out = [];
  for (const table of document.querySelectorAll('main table')) {
    const card = table.closest('.card');
    if (!card) continue;
    let el = table, scrolls = false;
    while (el) {
      if (['auto', 'scroll'].includes(getComputedStyle(el).overflowX)) { scrolls = true; break; }
      if (el === card) break;
      el = el.parentElement;
    }
    const t = table.getBoundingClientRect(), c = card.getBoundingClientRect();
    if (!scrolls && t.right > c.right + 1) {
      const heading = card.querySelector('h2, h3');
      out.push(`a table sticks out of its card "${heading ? heading.textContent.trim() : ''}" by ${Math.round(t.right - c.right)} px`);
    }
  }
  return out;
}"""

WIDEST = """() => {
  const limit = window.innerWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && r.width > 0) {
      // Clipped by a scrolling or hiding ancestor, unless it is positioned out of that ancestor's reach.
      let parent = el.parentElement, clipped = false;
      let escaping = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      while (parent && parent !== document.body) {
        const s = getComputedStyle(parent);
        if (!escaping && ['auto', 'scroll', 'hidden'].includes(s.overflowX)) { clipped = true; break; }
        if (s.position !== 'static') escaping = ['absolute', 'fixed'].includes(s.position);
        parent = parent.parentElement;
      }
      if (!clipped) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}` +
        `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}` +
        ` (${Math.round(r.right)})`);
    }
  }
  return out.slice(0, 4).join(', ');
}"""
