"""The reporting cycle in a browser (issue 6): from a realization entered to the scorecard, a closed period.

KPP-A's approved 2026 map (the reporting world, tests/reporting/conftest.py) has the quarterly KPI
S1.1 (target 100). An employee enters its realization for Triwulan I with an analysis, uploads a PDF
and submits; the performance manager returns it with a reason; the employee reads the reason, fixes
the value and submits again; the manager verifies; the leader approves. The scorecard and the
dashboard then show S1.1's index and the NKO. The ministry's administrator closes the quarter: the
entry form refuses the change it is given. The administrator reopens it with a reason; after a
correction goes through the workflow again a new score is computed, and the final snapshot stored
when the quarter closed still shows the old figures. A program renamed .pdf is refused and not stored.

The picture of the scorecard after approval is saved in a temporary directory; with
KINERJA_SCREENSHOT_DIR=docs/screenshots it refreshes docs/screenshots/scorecard.png.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from kinerja.accounts.models import Role
from kinerja.reporting.models import Evidence, Realization, ScoreSnapshot
from tests.e2e.helpers import PASSWORD, login, path_of
from tests.reporting.conftest import PDF, world  # noqa: F401  (the reporting world fixture, shared)

pytestmark = pytest.mark.e2e

QUARTER = "Triwulan I 2026"  # the period 2026-Q1 as a person reads it
CLOSED = "Periode Triwulan I 2026 (2026-Q1) sudah ditutup; datanya hanya dapat dibaca."
RETURN_REASON = "Angka belum sesuai laporan penerimaan MPN; periksa kembali."
PROGRAM_REFUSED = (
    "Berkas x.pdf ditolak: isinya program Windows (EXE/DLL), bukan PDF. "
    "Demi keamanan, program dan skrip tidak dapat diunggah sebagai data dukung."
)


def messages(page) -> str:
    return " ".join(page.locator(".messages").inner_text().split())


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def sign_in(page, live_server, user) -> None:
    """Sign out whoever was signed in and sign in as `user`."""
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def open_quarter(page, map_pk: int) -> None:
    """KPP-A's realizations for Triwulan I 2026, reached from the reporting page as a person would."""
    page.goto("/capaian/")
    click_and_wait(page, page.get_by_role("link", name="KPP Pratama A 2026"))
    assert path_of(page.url) == f"/capaian/peta/{map_pk}/"
    select = page.get_by_label("Periode")
    label = select.locator("option", has_text=QUARTER).inner_text().strip()  # "… — ditutup" once closed
    if select.locator("option:checked").inner_text().strip() != label:
        with page.expect_navigation():  # the select submits its form when changed
            select.select_option(label=label)


def kpi_row(page, code: str):
    """A KPI's row in a table (the builders name KPI S1.1 "Indikator S1.1")."""
    return page.locator("tbody tr").filter(has_text=f"{code} Indikator {code}")


def open_waiting(page, heading: str) -> None:
    """From the reporting page, open the realization waiting in the list `heading` (verification/approval)."""
    page.goto("/capaian/")
    waiting = page.locator("section", has=page.get_by_role("heading", name=heading))
    click_and_wait(page, waiting.get_by_role("link", name=f"KPP-A · S1.1 · {QUARTER}"))


def step(page, button: str, state: str) -> None:
    """Press a workflow button on a realization's page; the page says the new state."""
    click_and_wait(page, page.get_by_role("group", name="Tindakan").get_by_role("button", name=button))
    assert messages(page) == f"Status realisasi: {state}."


def return_with_reason(page, reason: str) -> None:
    actions = page.get_by_role("group", name="Tindakan")
    actions.get_by_text("Kembalikan ke konsep").click()  # the <summary> opens the reason form
    actions.get_by_label("Alasan").fill(reason)
    click_and_wait(page, actions.get_by_role("button", name="Kembalikan dengan alasan"))
    assert messages(page) == "Status realisasi: Konsep."


def enter_value(page, value: str, analysis: str | None = None) -> None:
    page.get_by_label("Realisasi").fill(value)
    if analysis is not None:
        page.get_by_label("Analisis").fill(analysis)
    click_and_wait(page, page.get_by_role("button", name="Simpan sebagai konsep"))


def period_row(page):
    return page.locator("tbody tr").filter(has_text=QUARTER)


def scorecard_line(page, code: str) -> list[str]:
    """The cells of a KPI's line on the scorecard: name, target, realization, index."""
    return [" ".join(t.split()) for t in kpi_row(page, code).locator("td").all_inner_texts()]


def stored_files(path: str = "") -> set[str]:
    """Every file in the default storage (in memory under the test settings)."""
    try:
        folders, files = default_storage.listdir(path)
    except FileNotFoundError:
        return set()
    found = {f"{path}/{name}".lstrip("/") for name in files}
    for folder in folders:
        found |= stored_files(f"{path}/{folder}".lstrip("/"))
    return found


def test_a_realization_travels_from_entry_to_the_scorecard_and_a_closed_quarter_keeps_its_figures(
    page,
    live_server,
    world,  # noqa: F811  (the imported fixture)
    org,
    make_user,
    tmp_path,
):
    admin = make_user(org.ministry, Role.ADMIN, username="admin.kemenkeu")
    q1 = world.period("2026-Q1")
    evidence_file = tmp_path / "laporan-penerimaan-tw1.pdf"
    evidence_file.write_bytes(PDF)

    # ---- the employee enters 85 with an analysis, attaches the PDF and submits
    sign_in(page, live_server, world.employee)
    open_quarter(page, world.map.pk)
    click_and_wait(page, kpi_row(page, "S1.1").get_by_role("link", name="Isi"))
    assert path_of(page.url) == f"/capaian/iku/{world.quarterly.pk}/periode/{q1.pk}/"
    enter_value(page, "85", "Penerimaan triwulan I tertahan restitusi yang besar.")
    assert messages(page) == "Realisasi S1.1 disimpan sebagai konsep."
    realization = Realization.objects.get(kpi=world.quarterly, period=q1)
    detail_url = f"/capaian/realisasi/{realization.pk}/"
    assert path_of(page.url) == detail_url
    assert "Penerimaan triwulan I tertahan restitusi yang besar." in text(page.locator("main"))
    # evidence first (rule 21): no submit button yet
    assert "Data dukung wajib dilampirkan sebelum realisasi diajukan." in text(page.locator("main"))
    assert page.get_by_role("button", name="Ajukan").count() == 0
    page.get_by_label("Berkas data dukung").set_input_files(str(evidence_file))
    page.get_by_label("Keterangan").fill("Laporan penerimaan MPN Januari–Maret")
    click_and_wait(page, page.get_by_role("button", name="Unggah"))
    assert messages(page) == "Data dukung diunggah."
    assert page.get_by_role("link", name="laporan-penerimaan-tw1.pdf").is_visible()
    stored = Evidence.objects.get(realization=realization)
    assert stored.kind == "pdf" and stored.file.name in stored_files()  # kept in the (in-memory) storage
    step(page, "Ajukan", "Diajukan")

    # ---- the manager returns it with a reason
    sign_in(page, live_server, world.manager)
    open_waiting(page, "Menunggu verifikasi")
    assert path_of(page.url) == detail_url
    return_with_reason(page, RETURN_REASON)

    # ---- the employee sees the reason, fixes the value and submits again
    sign_in(page, live_server, world.employee)
    open_quarter(page, world.map.pk)
    row = kpi_row(page, "S1.1")
    assert row.locator(".state").inner_text() == "Konsep"
    assert row.get_by_text("dikembalikan").get_attribute("title") == RETURN_REASON
    click_and_wait(page, row.get_by_role("link", name="Rincian"))
    assert (
        text(page.get_by_role("status").filter(has_text="Dikembalikan:")) == f"Dikembalikan: {RETURN_REASON}"
    )
    click_and_wait(page, page.get_by_role("link", name="Ubah"))
    assert f"Dikembalikan dengan alasan: {RETURN_REASON}" in text(page.locator("main"))
    assert (
        page.get_by_label("Analisis").input_value() == "Penerimaan triwulan I tertahan restitusi yang besar."
    )
    enter_value(page, "95")
    assert messages(page) == "Realisasi S1.1 disimpan sebagai konsep."
    step(page, "Ajukan", "Diajukan")  # the evidence is still there

    # ---- the manager verifies, the leader approves
    sign_in(page, live_server, world.manager)
    open_waiting(page, "Menunggu verifikasi")
    step(page, "Verifikasi", "Diverifikasi")
    sign_in(page, live_server, world.leader)
    open_waiting(page, "Menunggu persetujuan")
    step(page, "Setujui", "Disetujui")
    realization.refresh_from_db()
    assert realization.state == "approved" and realization.value == 95
    events = page.locator("section", has=page.get_by_role("heading", name="Riwayat alur kerja"))
    assert events.locator("tbody tr").count() == 5  # submit, return, submit, verify, approve
    assert RETURN_REASON in text(events)

    # ---- the scorecard of the quarter counts the approved realization
    click_and_wait(page, page.get_by_role("navigation", name="Jejak").get_by_role("link", name="KPP-A 2026"))
    click_and_wait(page, page.get_by_role("link", name="Skor (NKO)"))
    assert path_of(page.url) == f"/capaian/peta/{world.map.pk}/skor/{q1.pk}/"
    assert scorecard_line(page, "S1.1") == ["S1.1 Indikator S1.1", "100", "95", "95,00"]
    assert "belum dilaporkan" in scorecard_line(page, "C1.1")[2]  # the monthly KPI: nothing approved
    assert text(page.locator("#nko")) == "95,00"
    assert page.kinerja_errors == []
    page.set_viewport_size({"width": 1280, "height": 900})
    picture = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or tmp_path) / "scorecard.png"
    picture.parent.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.screenshot(path=str(picture), full_page=False, animations="disabled", caret="hide")
    assert picture.stat().st_size > 10_000

    # ---- the dashboard of KPP-A for the quarter shows the NKO
    page.goto(f"/laporan/dasbor/?unit={org.kpp_a.pk}&tahun=2026&periode={q1.pk}")
    assert page.locator("main h1").inner_text() == "Dasbor KPP Pratama A"
    assert text(page.locator("#nko")) == "95,00"

    # ---- the ministry's administrator closes the quarter
    sign_in(page, live_server, admin)
    page.goto("/capaian/")
    click_and_wait(page, page.get_by_role("link", name="Periode pelaporan"))
    click_and_wait(page, period_row(page).get_by_role("button", name="Tutup"))
    assert messages(page) == f"Periode {QUARTER} ditutup."
    assert "Ditutup" in text(period_row(page))
    final = ScoreSnapshot.objects.get(strategy_map=world.map, period=q1, final=True)
    assert final.nko == 95

    # ---- the closed quarter is read-only: no entry link, the entry form refuses the change
    sign_in(page, live_server, world.employee)
    open_quarter(page, world.map.pk)
    assert (
        page.get_by_label("Periode").locator("option:checked").inner_text().strip() == f"{QUARTER} — ditutup"
    )
    click_and_wait(page, kpi_row(page, "S1.1").get_by_role("link", name="Rincian"))
    assert page.locator(".page-head .badge").inner_text() == "periode ditutup"
    assert page.get_by_role("link", name="Ubah").count() == 0
    assert page.get_by_label("Berkas data dukung").count() == 0
    page.goto(f"/capaian/iku/{world.quarterly.pk}/periode/{q1.pk}/")
    assert CLOSED in text(page.get_by_role("status").filter(has_text="ditutup"))
    assert page.get_by_label("Realisasi").count() == 0  # read-only: no form to type into
    realization.refresh_from_db()
    assert realization.value == 95 and realization.state == "approved"

    # ---- the administrator reopens it with a reason
    sign_in(page, live_server, admin)
    page.goto("/capaian/periode/")
    row = period_row(page)
    row.get_by_text("Buka kembali").first.click()  # the <summary> shows the reason form
    row.get_by_label("Alasan").fill("Koreksi realisasi S1.1 atas hasil rekonsiliasi MPN.")
    click_and_wait(page, row.locator("form").get_by_role("button", name="Buka kembali"))
    assert messages(page) == f"Periode {QUARTER} dibuka kembali."
    assert "Terbuka" in text(period_row(page))

    # ---- a correction goes through the workflow again: 95 → 100
    sign_in(page, live_server, world.manager)
    page.goto(detail_url)
    return_with_reason(page, "Koreksi setelah rekonsiliasi.")
    sign_in(page, live_server, world.employee)
    page.goto(detail_url)
    click_and_wait(page, page.get_by_role("link", name="Ubah"))
    enter_value(page, "100")
    step(page, "Ajukan", "Diajukan")
    sign_in(page, live_server, world.manager)
    page.goto(detail_url)
    step(page, "Verifikasi", "Diverifikasi")
    sign_in(page, live_server, world.leader)
    page.goto(detail_url)
    step(page, "Setujui", "Disetujui")

    # ---- a new score for the quarter; the final snapshot of the closing still says 95
    page.goto(f"/capaian/peta/{world.map.pk}/skor/{q1.pk}/")
    assert text(page.locator("#nko")) == "100,00"
    assert scorecard_line(page, "S1.1")[2:] == ["100", "100,00"]
    latest = ScoreSnapshot.objects.filter(strategy_map=world.map, period=q1).latest("computed_at", "pk")
    assert latest.pk != final.pk and not latest.final and latest.nko == 100
    history = page.locator(
        "section", has=page.get_by_role("heading", name="Potret sebelumnya untuk periode ini")
    )
    old = history.locator("li").filter(has_text="final")
    assert old.count() == 1 and "NKO 95,00" in text(old)
    click_and_wait(page, old.get_by_role("link"))
    assert path_of(page.url) == f"/capaian/skor/{final.pk}/"
    assert text(page.locator("#nko")) == "95,00"
    assert scorecard_line(page, "S1.1")[2:] == ["95", "95,00"]
    assert page.get_by_role("link", name="Lihat potret terbaru").is_visible()
    final.refresh_from_db()
    assert final.nko == 95 and final.final
    assert page.kinerja_errors == []


def test_a_program_renamed_pdf_is_refused_and_not_stored(page, live_server, world, tmp_path):  # noqa: F811
    program = tmp_path / "x.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48)
    sign_in(page, live_server, world.employee)
    page.goto(f"/capaian/iku/{world.quarterly.pk}/periode/{world.period('2026-Q1').pk}/")
    enter_value(page, "90", "Sesuai laporan.")
    before = stored_files()

    page.get_by_label("Berkas data dukung").set_input_files(str(program))
    click_and_wait(page, page.get_by_role("button", name="Unggah"))

    field = page.locator(".field", has=page.get_by_label("Berkas data dukung"))
    assert PROGRAM_REFUSED in text(field)
    assert "Data belum dapat disimpan. Periksa isian yang ditandai." in text(page.get_by_role("alert"))
    assert "Belum ada data dukung." in text(page.locator("main"))
    assert page.get_by_role("button", name="Ajukan").count() == 0
    assert Evidence.objects.count() == 0
    assert stored_files() == before
