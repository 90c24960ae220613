"""Strategy planning in a browser (issue 5): a performance manager builds a map, the leader approves it.

The manager of KPP-A creates the 2026 map, sets the perspective weights, adds one SS in each
perspective, links them, gives each a KPI with its manual and trajectory (the trajectory inputs
are redrawn by htmx when the reporting period changes) and submits; the health panel shows the
findings as they appear and go. A user of KPP-B cannot see the draft; KPP-A's leader approves it;
the approved map is drawn with one box per SS, each box opening its SS.

The picture of the approved map page is saved in a temporary directory; with
KINERJA_SCREENSHOT_DIR=docs/screenshots it refreshes docs/screenshots/strategy-map-page.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from kinerja.accounts.models import Role
from kinerja.planning.models import MapState, StrategyMap
from tests.e2e.helpers import PASSWORD, login, path_of, pick_unit
from tests.planning.builders import plan_year

pytestmark = pytest.mark.e2e

# (perspective, code, name) — one SS per perspective, linked bottom-up L1 → P1 → C1 → S1.
OBJECTIVES = [
    ("Pemangku Kepentingan", "S1", "Penerimaan pajak yang optimal"),
    ("Pelanggan", "C1", "Kepatuhan wajib pajak yang tinggi"),
    ("Proses Bisnis Internal", "P1", "Pengawasan wajib pajak yang efektif"),
    ("Pembelajaran dan Pertumbuhan", "L1", "SDM yang kompeten dan berintegritas"),
]
NAMES = {code: f"{code} {name}" for _perspective, code, name in OBJECTIVES}
LINKS = [("L1", "P1"), ("P1", "C1"), ("C1", "S1")]
FIRST_PERIOD = {"Bulanan": "B1", "Triwulanan": "TW1", "Semesteran": "S1", "Tahunan": "Tahunan"}


def messages(page) -> str:
    return page.locator(".messages").inner_text().strip()


def health(page):
    """The map's health panel (findings that block submission and warnings)."""
    return page.locator("section", has=page.get_by_role("heading", name="Kesehatan peta"))


def health_items(page) -> list[str]:
    return [" ".join(text.split()) for text in health(page).locator("li").all_inner_texts()]


def cells(row) -> list[str]:
    """The texts of a table row's cells, white space collapsed."""
    return [" ".join(text.split()) for text in row.locator("td").all_inner_texts()]


def open_map(page, map_url: str) -> None:
    page.goto(map_url)
    assert page.locator("main h1").inner_text().startswith("Peta strategi KPP Pratama A 2026")


def save(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan", exact=True).click()


def set_weights(page, weights: dict[str, str]) -> None:
    for perspective, weight in weights.items():
        row = page.locator("tr", has=page.get_by_role("rowheader", name=perspective, exact=True))
        row.get_by_label("Bobot (%)").fill(weight)
    save(page)


def add_objective(page, map_url: str, perspective: str, code: str, name: str) -> str:
    open_map(page, map_url)
    page.get_by_role("link", name="Tambah SS").click()
    page.get_by_label("Perspektif").select_option(label=perspective)
    page.get_by_label("Kode:", exact=True).fill(code)
    page.get_by_label("Nama (Indonesia)").fill(name)
    save(page)
    assert re.search(r"/strategi/ss/\d+/$", page.url), f"after saving SS {code}: {page.url}"
    assert messages(page) == f"SS {code} disimpan."
    return path_of(page.url)


def add_link(page, cause: str, effect: str) -> None:
    """From the map page, back on it once saved."""
    page.get_by_role("link", name="Tambah hubungan").click()
    page.get_by_label("Sebab (SS pendorong)").select_option(label=NAMES[cause])
    page.get_by_label("Akibat (SS yang didorong)").select_option(label=NAMES[effect])
    save(page)
    assert messages(page) == "Hubungan sebab-akibat ditambahkan."


def fill_manual(page, code: str, name: str, *, target: str, consolidation: str) -> None:
    """The KPI manual and the yearly target, as a planner fills the form top to bottom."""
    page.get_by_label("Kode:", exact=True).fill(code)
    page.get_by_label("Nama (Indonesia)").fill(name)
    page.get_by_label("Deskripsi:", exact=True).fill(f"Mengukur {name.lower()}.")
    page.get_by_label("Formula:", exact=True).fill("realisasi / target × 100%")
    page.get_by_label("Satuan pengukuran").fill("%")
    page.get_by_label("Jenis IKU").select_option(label="Proxy")
    page.get_by_label("Tingkat kendali").select_option(label="Sedang")
    page.get_by_label("Sumber data").fill("Aplikasi Approweb")
    page.get_by_label("Pihak yang mengukur").fill("Seksi Pengawasan")
    page.get_by_label("Penanggung jawab (teks)").fill("Kepala Kantor")
    page.get_by_label("Polarisasi data").select_option(label="Maksimal (makin tinggi makin baik)")
    page.get_by_label("Jenis konsolidasi data").select_option(label=consolidation)
    page.get_by_label("Target tahunan").fill(target)


def choose_frequency(page, label: str) -> None:
    """Pick the reporting period; htmx redraws the trajectory inputs (pre-filled to reach the target)."""
    with page.expect_response(re.compile(r"/iku/trajectory/\?")) as redraw:
        page.get_by_label("Periode pelaporan").select_option(label=label)
    assert redraw.value.status == 200
    # The answer is in; wait for htmx to swap it in.
    expect(page.locator("#trajectory label").first).to_have_text(FIRST_PERIOD[label])


def trajectory(page) -> dict[str, str]:
    """The trajectory inputs now on the form: {period label: value}."""
    grid = page.locator("#trajectory")
    # all_inner_texts does not wait: wait for the inputs to be on the page first.
    expect(grid.locator("label").first).to_be_visible()
    labels = [t.strip() for t in grid.locator("label").all_inner_texts()]
    return {label: grid.get_by_label(label, exact=True).input_value() for label in labels}


def add_kpi(page, objective_url: str, code: str, name: str) -> None:
    """A yearly KPI (target 100, one trajectory input) on an SS."""
    page.goto(objective_url)
    page.get_by_role("link", name="Tambah IKU").click()
    fill_manual(page, code, name, target="100", consolidation="Nilai terakhir (take last known value)")
    choose_frequency(page, "Tahunan")
    assert trajectory(page) == {"Tahunan": "100"}
    save(page)
    assert messages(page) == f"IKU {code} disimpan.", page.locator("[role=alert]").all_inner_texts()


def test_a_manager_builds_a_map_the_leader_approves_it_and_another_office_cannot_see_the_draft(
    page, live_server, org, make_user, tmp_path
):
    plan_year(2026)
    make_user(org.kpp_a, Role.MANAGER, username="pengelola.kpp.a", first_name="Dewi", last_name="Lestari")
    make_user(org.kpp_a, Role.LEADER, username="kepala.kpp.a", first_name="Budi", last_name="Santoso")
    make_user(org.kpp_b, Role.MANAGER, username="pengelola.kpp.b")

    # ---- the performance manager creates the map for 2026
    login(page, live_server, "pengelola.kpp.a", PASSWORD)
    page.locator("#sidenav").get_by_role("link", name="Strategi").click()
    page.wait_for_url("**/strategi/")
    page.get_by_role("link", name="Peta strategi baru").click()
    # A unit picker: the page holds no unit list; typing asks the server for the matches among the map owners
    # the user plans for: KPP-A (not its section, not KPP-B).
    page.wait_for_url("**/strategi/peta/baru/")
    units = page.get_by_label("Unit pemilik peta")
    assert [o.strip() for o in units.locator("option").all_inner_texts()] == ["---------"]
    pick_unit(page, "id_unit", "KP", "KPP-A — KPP Pratama A")
    assert [o.strip() for o in units.locator("option").all_inner_texts()][1:] == ["KPP-A — KPP Pratama A"]
    page.get_by_label("Tahun rencana").select_option(label="2026")
    save(page)
    assert re.search(r"/strategi/peta/\d+/$", page.url), page.url
    map_url = path_of(page.url)
    assert messages(page) == "Peta strategi dibuat."
    assert page.locator("main .page-head .state").inner_text() == "Konsep"

    # ---- perspective weights: a total other than 100 % is refused with the finding; fixed, it is saved
    page.get_by_role("link", name="Perspektif dan bobot").click()
    page.wait_for_url(f"**{map_url}perspektif/")
    set_weights(
        page,
        {
            "Pemangku Kepentingan": "40",
            "Pelanggan": "30",
            "Proses Bisnis Internal": "20",
            "Pembelajaran dan Pertumbuhan": "20",
        },
    )
    assert path_of(page.url) == f"{map_url}perspektif/"
    assert page.get_by_role("alert").inner_text().strip() == "Jumlah bobot perspektif 110%, harus 100%."
    set_weights(page, {"Pembelajaran dan Pertumbuhan": "10"})
    assert path_of(page.url) == map_url
    assert messages(page) == "Perspektif disimpan."
    assert "Jumlah bobot perspektif: 100%" in page.locator("#ss").inner_text()
    assert not any("bobot perspektif" in item.lower() for item in health_items(page))

    # ---- one SS in each perspective: each shows in the health panel until it has a KPI and a link
    objective_urls: dict[str, str] = {}
    for perspective, code, name in OBJECTIVES:
        objective_urls[code] = add_objective(page, map_url, perspective, code, name)
    open_map(page, map_url)
    items = health_items(page)
    for _perspective, code, _name in OBJECTIVES:
        assert f"BLOKIR SS {code} belum memiliki IKU. (aturan 6) Perbaiki" in items, items
        assert f"PERINGATAN SS {code} tidak memiliki hubungan sebab-akibat. (aturan 4) Perbaiki" in items, (
            items
        )
    assert health(page).locator("p").first.inner_text() == "4 temuan menghalangi pengajuan, 4 peringatan."

    # Submitting now is refused, naming what blocks it.
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan untuk persetujuan").click()
    assert "SS S1 belum memiliki IKU." in messages(page)
    assert page.locator("main .page-head .state").inner_text() == "Konsep"

    for cause, effect in LINKS:
        add_link(page, cause, effect)
    assert path_of(page.url) == map_url
    assert not any("hubungan sebab-akibat." in item for item in health_items(page)), health_items(page)
    rows = page.locator("#hubungan tbody tr").all()
    assert [tuple(cells(row)[:2]) for row in rows] == [(NAMES[c], NAMES[e]) for c, e in LINKS]

    # ---- the KPI of S1: quarterly, summed; the trajectory inputs follow the reporting period (htmx)
    page.goto(objective_urls["S1"])
    page.get_by_role("link", name="Tambah IKU").click()
    fill_manual(
        page,
        "S1.1",
        "Realisasi penerimaan pajak (miliar rupiah)",
        target="1200",
        consolidation="Jumlah (sum)",
    )
    choose_frequency(page, "Semesteran")
    assert trajectory(page) == {"S1": "600", "S2": "600"}
    choose_frequency(page, "Triwulanan")
    assert trajectory(page) == {"TW1": "300", "TW2": "300", "TW3": "300", "TW4": "300"}
    # The planner spreads the year unevenly; the quarters still add up to the yearly target.
    grid = page.locator("#trajectory")
    for label, value in {"TW1": "250", "TW2": "300", "TW3": "300", "TW4": "350"}.items():
        grid.get_by_label(label, exact=True).fill(value)
    save(page)
    assert messages(page) == "IKU S1.1 disimpan."
    kpi_s1 = path_of(page.url)
    assert re.search(r"/iku/\d+/$", kpi_s1), kpi_s1

    # ...and a trajectory that misses the target is refused (rule 12) and the input kept.
    with page.expect_navigation():
        page.get_by_role("link", name="Ubah", exact=True).click()
    assert trajectory(page) == {"TW1": "250", "TW2": "300", "TW3": "300", "TW4": "350"}
    page.locator("#trajectory").get_by_label("TW4", exact=True).fill("300")
    save(page)
    assert "tidak mencapai target tahunan 1200" in page.get_by_role("alert").inner_text()
    assert page.locator("#trajectory").get_by_label("TW4", exact=True).input_value() == "300"

    # ---- yearly KPIs on the other SS; a fourth KPI on P1 brings a warning (rule 7) that goes with it
    add_kpi(page, objective_urls["C1"], "C1.1", "Persentase kepatuhan penyampaian SPT")
    add_kpi(page, objective_urls["L1"], "L1.1", "Persentase pegawai yang memenuhi standar kompetensi")
    for n in range(1, 5):
        add_kpi(page, objective_urls["P1"], f"P1.{n}", f"Indikator pengawasan {n}")
    too_many = "PERINGATAN SS P1 diukur dengan 4 IKU (lebih dari 3). (aturan 7) Perbaiki"
    open_map(page, map_url)
    assert too_many in health_items(page), health_items(page)
    assert "P1 Pengawasan wajib pajak yang efektif — 4 IKU" in page.locator("#ss").inner_text()
    page.goto(objective_urls["P1"])
    page.get_by_role("link", name="P1.4", exact=True).click()
    page.locator("main .page-head").get_by_role("link", name="Hapus").click()
    with page.expect_navigation():
        page.locator("main form").get_by_role("button", name="Hapus").click()
    assert messages(page) == "IKU P1.4 dihapus."
    open_map(page, map_url)
    assert too_many not in health_items(page)
    assert health(page).locator("p").first.inner_text() == "Tidak ada temuan: peta siap diajukan."

    # ---- submitted: no more editing for the manager
    with page.expect_navigation():
        page.get_by_role("button", name="Ajukan untuk persetujuan").click()
    assert messages(page) == "Peta strategi diajukan."
    assert page.locator("main .page-head .state").inner_text() == "Diajukan"
    assert page.get_by_role("link", name="Tambah SS").count() == 0
    assert page.get_by_role("button", name="Setujui").count() == 0  # the manager does not approve

    # ---- before approval, a user of another office does not even learn that the map exists
    page.context.clear_cookies()
    login(page, live_server, "pengelola.kpp.b", PASSWORD)
    assert page.goto(map_url).status == 404
    assert "KPP Pratama A" not in page.locator("body").inner_text()
    assert page.goto(objective_urls["S1"]).status == 404
    assert page.goto(kpi_s1).status == 404
    page.goto("/strategi/")
    assert "KPP Pratama A" not in page.locator("main").inner_text()

    # ---- the leader approves
    page.context.clear_cookies()
    login(page, live_server, "kepala.kpp.a", PASSWORD)
    open_map(page, map_url)
    assert page.get_by_role("link", name="Tambah SS").count() == 0  # the leader does not edit
    with page.expect_navigation():
        page.get_by_role("button", name="Setujui").click()
    assert messages(page) == "Peta strategi disetujui."
    assert page.locator("main .page-head .state").inner_text() == "Disetujui"
    assert StrategyMap.objects.get(unit=org.kpp_a).state == MapState.APPROVED
    history = page.locator("section", has=page.get_by_role("heading", name="Riwayat status"))
    assert [cells(row)[1:] for row in history.locator("tbody tr").all()] == [
        ["Konsep (rev. 0)", "Dewi Lestari"],
        ["Konsep → Diajukan (rev. 0)", "Dewi Lestari"],
        ["Diajukan → Disetujui (rev. 0)", "Budi Santoso"],
    ]

    # ---- the approved map is drawn: one box per SS, each linked to the SS's page
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(map_url)  # without the flash message, for the picture
    drawing = page.locator(".map-frame svg.strategy-map")
    assert drawing.is_visible()
    boxes = drawing.locator("g.objective")
    # One box per SS, top to bottom in the order of the perspectives.
    tops = boxes.evaluate_all("els => els.map(g => [g.getBoundingClientRect().top, g.dataset.code])")
    assert [code for _top, code in sorted(tops)] == ["S1", "C1", "P1", "L1"]
    assert drawing.locator("path.link").count() == len(LINKS)
    for box in boxes.all():
        assert box.bounding_box()["width"] > 40, "an SS box is drawn too small to read"
    assert page.kinerja_errors == [], page.kinerja_errors
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the map page is {overflow}px wider than the window"

    target = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or tmp_path) / "strategy-map-page.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)  # no hover effect in the picture
    page.screenshot(path=str(target), full_page=False, animations="disabled", caret="hide")
    assert target.stat().st_size > 10_000

    with page.expect_navigation():
        drawing.get_by_role("link", name=re.compile(r"^S1 Penerimaan pajak")).click()
    assert path_of(page.url) == objective_urls["S1"]
    assert page.locator("main h1").inner_text() == "S1 — Penerimaan pajak yang optimal"
    # The page's <title> and the risk section once, in the content (not in <head>, nor in the breadcrumbs).
    assert page.title() == "S1 Penerimaan pajak yang optimal · Kinerja", (
        f"the objective page's <title> is {page.title()!r}"
    )
    assert page.locator("#risiko").count() == 1, "the objective page shows its risk section more than once"
    assert "S1.1" in page.locator("main").get_by_role("table").first.inner_text()
