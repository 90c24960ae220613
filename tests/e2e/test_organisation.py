"""The organisation pages in a browser: the unit tree (htmx), a unit's page, editing an employee, isolation."""

from __future__ import annotations

import re

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations.models import Employee
from tests.e2e.helpers import PASSWORD, login, path_of

pytestmark = pytest.mark.e2e

NIP_LENGTH_ERROR = "NIP harus terdiri dari 18 angka."
FORM_ERROR = "Data belum dapat disimpan. Periksa isian yang ditandai."


def tree_node(page, unit_name: str):
    """The <li> of a unit in the tree: the innermost item holding the unit's link."""
    return page.locator("ul.tree li").filter(has=page.get_by_role("link", name=unit_name, exact=True)).last


def expand(page, unit_name: str) -> None:
    """Open a branch of the unit tree with its toggle, as a person would (its children load with htmx)."""
    toggle = tree_node(page, unit_name).locator("button, summary").first
    toggle.click()
    if toggle.get_attribute("aria-expanded") is not None:
        assert toggle.get_attribute("aria-expanded") == "true", (
            f"the toggle of {unit_name} does not say it is open"
        )


def test_browse_the_unit_tree_down_to_a_unit_and_its_employees(
    page, live_server, org, make_user, employee_in
):
    """A DJP performance manager opens the tree, expands two levels (loaded on demand) and opens a KPP."""
    employee_in(org.kpp_a, name="Ahmad Fauzi")
    employee_in(org.kpp_a, name="Dewi Lestari")
    employee_in(org.section_a, name="Rudi Hartono")  # in a section below KPP-A: not KPP-A's own staff
    make_user(org.djp, Role.MANAGER, username="pengelola.djp")
    login(page, live_server, "pengelola.djp", PASSWORD)

    page.locator("#sidenav").get_by_role("link", name="Organisasi").click()
    page.wait_for_url("**/organisasi/")
    tree = page.locator("ul.tree")
    # The user's own unit and its children come with the page; deeper levels do not.
    assert tree.get_by_role("link", name="Direktorat Jenderal Pajak").is_visible()
    assert tree.get_by_role("link", name="Unit KANWIL").is_visible()
    assert tree.get_by_role("link", name="KPP Pratama A").count() == 0
    assert tree.get_by_text("Kementerian Keuangan", exact=True).count() == 0  # above the user's reach
    assert tree.get_by_role("link", name="Unit DJBC").count() == 0  # a sibling of the user's unit

    # Opening KANWIL fetches its children with htmx.
    with page.expect_response(re.compile(r"/organisasi/unit/KANWIL/cabang/$")) as branch:
        expand(page, "Unit KANWIL")
    assert branch.value.status == 200
    kpp_a = tree.get_by_role("link", name="KPP Pratama A")
    kpp_a.wait_for()
    assert tree.get_by_role("link", name="KPP Pratama B").is_visible()

    # ...and one level further: KPP-A's section.
    with page.expect_response(re.compile(r"/organisasi/unit/KPP-A/cabang/$")):
        expand(page, "KPP Pratama A")
    tree.get_by_role("link", name="Unit SEKSI-A").wait_for()

    # The unit's page: breadcrumbs from the top, the employees of the unit itself.
    kpp_a.click()
    page.wait_for_url("**/organisasi/unit/KPP-A/")
    assert page.locator("main h1").inner_text().startswith("KPP Pratama A")
    crumbs = page.get_by_role("navigation", name="Jejak navigasi")
    assert [c.strip() for c in crumbs.locator("li").all_inner_texts()] == [
        "Organisasi",
        "Kementerian Keuangan",
        "Direktorat Jenderal Pajak",
        "Unit KANWIL",
        "KPP Pratama A",
    ]
    # Ancestors outside the user's reach are named but not linked; the current page is marked.
    assert crumbs.get_by_role("link", name="Kementerian Keuangan").count() == 0
    assert (
        crumbs.get_by_role("link", name="Direktorat Jenderal Pajak").get_attribute("href")
        == "/organisasi/unit/DJP/"
    )
    assert crumbs.locator("[aria-current=page]").inner_text() == "KPP Pratama A"

    staff = page.locator("#unit-employees")
    names = staff.locator("tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(names) == ["Ahmad Fauzi", "Dewi Lestari"]
    staff.get_by_role("link", name="Dewi Lestari").click()
    page.wait_for_url(re.compile(r"/organisasi/pegawai/\d{18}/$"))
    assert page.locator("main h1").inner_text() == "Dewi Lestari"


def test_a_performance_manager_edits_an_employee(page, live_server, org, make_user, employee_in):
    employee = employee_in(org.kpp_a, name="Dewi Lestari", email="dewi.lama@kemenkeu.go.id")
    original_nip = employee.nip
    make_user(org.kpp_a, Role.MANAGER, username="pengelola.kpp")
    login(page, live_server, "pengelola.kpp", PASSWORD)

    page.goto(f"/organisasi/pegawai/{original_nip}/")
    page.locator("main .page-head").get_by_role("link", name="Ubah").click()
    page.wait_for_url(f"**/organisasi/pegawai/{original_nip}/ubah/")
    edit_url = page.url

    # A new e-mail address is saved, the page says so, and the database has it.
    page.get_by_label("Surel").fill("dewi.lestari@kemenkeu.go.id")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan").click()
    assert path_of(page.url) == f"/organisasi/pegawai/{original_nip}/"
    assert page.locator(".messages").inner_text().strip() == "Perubahan data Dewi Lestari disimpan."
    assert page.locator("main dl.props").get_by_role("link", name="dewi.lestari@kemenkeu.go.id").is_visible()
    employee.refresh_from_db()
    assert employee.email == "dewi.lestari@kemenkeu.go.id"

    # A malformed NIP: the Indonesian message next to the NIP field, nothing saved.
    page.goto(edit_url)
    page.locator("#id_nip").fill("1980010120050110")
    page.get_by_label("Surel").fill("jangan.disimpan@kemenkeu.go.id")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Simpan").click()
    assert navigation.value.status == 200
    assert page.url == edit_url
    assert page.get_by_role("alert").inner_text().strip().startswith(FORM_ERROR)
    nip_field = page.locator(".field", has=page.locator("#id_nip"))
    assert "has-error" in (nip_field.get_attribute("class") or "")
    assert nip_field.locator(".errorlist").inner_text().strip() == NIP_LENGTH_ERROR
    # ...and tied to the input for screen readers.
    nip_input = page.locator("#id_nip")
    assert nip_input.get_attribute("aria-invalid") == "true"
    described_by = (nip_input.get_attribute("aria-describedby") or "").split()
    assert NIP_LENGTH_ERROR in [page.locator(f"#{i}").inner_text().strip() for i in described_by]
    assert page.locator("#id_nip").input_value() == "1980010120050110"  # the user's input is kept to fix
    employee.refresh_from_db()
    assert (employee.nip, employee.email) == (original_nip, "dewi.lestari@kemenkeu.go.id")
    assert not Employee.objects.filter(nip="1980010120050110").exists()


def test_a_user_of_one_office_cannot_reach_another_office(page, live_server, org, make_user, employee_in):
    own = employee_in(org.kpp_a, name="Ahmad Fauzi")
    other = employee_in(org.kpp_b, name="Bambang Sutrisno")
    make_user(org.kpp_a, Role.MANAGER, username="pengelola.kpp.a")
    login(page, live_server, "pengelola.kpp.a", PASSWORD)

    # Pages: KPP-B's employee and KPP-B itself are not found; the user's own office works.
    assert page.goto(f"/organisasi/pegawai/{own.nip}/").status == 200
    response = page.goto(f"/organisasi/pegawai/{other.nip}/")
    assert response.status in (403, 404), f"KPP-B's employee page answered {response.status}"
    assert "Bambang Sutrisno" not in page.content()
    assert page.goto(f"/organisasi/pegawai/{other.nip}/ubah/").status in (403, 404)
    assert page.goto("/organisasi/unit/KPP-B/").status in (403, 404)

    # The API, with the same browser session.
    mine = page.request.get(f"/api/employees/{own.nip}/")
    assert mine.status == 200, f"the user's own employee record: {mine.status} {mine.text()[:300]}"
    assert mine.json()["nip"] == own.nip
    theirs = page.request.get(f"/api/employees/{other.nip}/")
    assert theirs.status in (403, 404), f"KPP-B's employee in the API: {theirs.status} {theirs.text()[:300]}"
    assert "Bambang" not in theirs.text()
    listed = page.request.get("/api/employees/?page_size=500")
    assert listed.status == 200
    assert other.nip not in listed.text()
    # The htmx branch of the shared parent would list KPP-B: not reachable either.
    assert page.request.get("/organisasi/unit/KANWIL/cabang/").status in (403, 404)

    # The tree shows KPP-A and its section only; nothing of KPP-B, nor of the offices above.
    page.goto("/organisasi/")
    tree = page.locator("ul.tree")
    assert tree.get_by_role("link", name="KPP Pratama A").is_visible()
    assert tree.get_by_role("link", name="Unit SEKSI-A").is_visible()
    main = page.locator("main").inner_text()
    for absent in ("KPP Pratama B", "KPP-B", "Unit KANWIL", "Direktorat Jenderal Pajak"):
        assert absent not in main, f"{absent!r} shows in the unit tree of a KPP-A user"
    # Searching does not find it either.
    page.goto("/organisasi/?q=KPP-B")
    assert "KPP Pratama B" not in page.locator("main").inner_text()
