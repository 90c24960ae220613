"""Indonesian by default; English through the header's language select, kept from page to page."""

from __future__ import annotations

import pytest

from kinerja.accounts.models import Role
from tests.e2e.helpers import PASSWORD, login, nav_labels, path_of

pytestmark = pytest.mark.e2e

NAV_ID = [
    "Beranda",
    "Organisasi",
    "Strategi",
    "IKU",
    "Kontrak",
    "Capaian",
    "Penilaian Pegawai",
    "Rapat Kinerja",
    "Laporan",
]
NAV_EN = [
    "Home",
    "Organisation",
    "Strategy",
    "KPIs",
    "Contracts",
    "Achievements",
    "Employee Appraisal",
    "Performance Dialogues",
    "Reports",
]


def test_switching_to_english_in_the_header_translates_the_ui_and_persists(page, live_server, org, make_user):
    make_user(org.kpp_a, Role.MANAGER, username="pengelola")
    login(page, live_server, "pengelola", PASSWORD)

    assert page.locator("html").get_attribute("lang") == "id"
    assert nav_labels(page)[: len(NAV_ID)] == NAV_ID

    with page.expect_navigation():
        page.locator("#lang-select").select_option("en")  # the select submits its form on change

    assert path_of(page.url) == "/"  # back where we were
    assert page.locator("html").get_attribute("lang") == "en"
    labels = nav_labels(page)[: len(NAV_EN)]
    assert labels == NAV_EN, (
        f"the navigation is not in English after the switch: {labels} "
        "(is src/kinerja/locale/en/LC_MESSAGES/django.po translated and compiled to django.mo?)"
    )
    assert page.locator("#lang-select").input_value() == "en"

    # The choice holds on the next page, reached through the (now English) navigation.
    page.locator("#sidenav").get_by_role("link", name="Organisation").click()
    page.wait_for_url("**/organisasi/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert nav_labels(page)[: len(NAV_EN)] == NAV_EN
    assert page.locator("#lang-select").input_value() == "en"
    assert page.locator("main h1").first.inner_text() == "Organisation"

    # ...and back to Indonesian the same way.
    with page.expect_navigation():
        page.locator("#lang-select").select_option("id")
    assert path_of(page.url) == "/organisasi/"
    assert page.locator("html").get_attribute("lang") == "id"
    assert nav_labels(page)[: len(NAV_ID)] == NAV_ID
