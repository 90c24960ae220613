"""The demo ministry of `kinerja demo`: every login the README lists works and sees what it should."""

from __future__ import annotations

import pytest

from kinerja.accounts.models import User
from kinerja.organisations.models import Employee
from tests.e2e.helpers import DEMO_PASSWORD, login, path_of, signed_in_as

pytestmark = pytest.mark.e2e

# (username, role shown on the home page, unit of the role) — README and `kinerja demo`'s table.
DEMO_LOGINS = [
    ("admin", "Administrator", "Kementerian Keuangan"),
    ("pengelola.djp", "Pengelola kinerja", "Direktorat Jenderal Pajak"),
    ("pimpinan.kpp.malang", "Pimpinan (pemilik peta)", "KPP Madya Malang"),
    ("pegawai.kpp.malang", "Pegawai", "KPP Madya Malang"),
    ("auditor.itjen", "Auditor (hanya baca)", "Kementerian Keuangan"),
]


def log_out(page) -> None:
    with page.expect_navigation():
        page.locator(".topbar").get_by_role("button", name="Keluar").click()
    assert path_of(page.url) == "/accounts/login/"


def test_every_demo_login_signs_in_and_sees_its_role(page, live_server, demo_organisation):
    for username, role, unit in DEMO_LOGINS:
        login(page, live_server, username, DEMO_PASSWORD)
        roles_card = page.locator(".card", has=page.get_by_role("heading", name="Peran Anda"))
        roles = [r.strip() for r in roles_card.locator("li").all_inner_texts()]
        assert any(r.startswith(f"{role} — {unit}") for r in roles), f"{username}: {roles}"
        log_out(page)

    # The leader of KPP Madya Malang is an employee too, and signs in with the NIP.
    nip = User.objects.select_related("employee").get(username="pimpinan.kpp.malang").employee.nip
    login(page, live_server, nip, DEMO_PASSWORD)
    assert signed_in_as(page) == "pimpinan.kpp.malang"


def test_a_demo_employee_of_a_tax_office_does_not_reach_a_customs_office(
    page, live_server, demo_organisation
):
    customs = Employee.objects.filter(unit__code__startswith="DJBC-KPPBC-TANJUNG-PERAK").first()
    assert customs is not None, "the demo has no employee in KPPBC Tanjung Perak"
    login(page, live_server, "pegawai.kpp.malang", DEMO_PASSWORD)

    assert page.goto(f"/organisasi/pegawai/{customs.nip}/").status == 404
    assert page.goto("/organisasi/unit/DJBC-KPPBC-TANJUNG-PERAK/").status == 404
    assert page.request.get(f"/api/employees/{customs.nip}/").status == 404
    page.goto("/organisasi/")
    tree = page.locator("ul.tree")
    assert tree.get_by_role("link", name="KPP Madya Malang", exact=True).is_visible()
    assert "Tanjung Perak" not in page.locator("main").inner_text()
