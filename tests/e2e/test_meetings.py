"""A performance dialogue in a browser (issue 14): the chair schedules the dialogue of his office for September
2026 and finds the red KPI proposed on the agenda; the secretary records the attendance, the discussion and the
decision on the red KPI and two follow-up actions; the chair closes the meeting and the secretary downloads the
minutes (a PDF); one action owner marks his action done with a PDF as evidence; the chair schedules the October
dialogue and its agenda carries the other action, still open. Every step waits for the page it leads to.

With KINERJA_SCREENSHOT_DIR=docs/screenshots the closed meeting refreshes docs/screenshots/meeting-detail.png.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kinerja.meetings.models import Action, ActionState, AgendaKind, Meeting, MeetingState
from tests.e2e.helpers import PASSWORD, login
from tests.meetings.builders import PDF, Office, build_office

pytestmark = pytest.mark.e2e


@pytest.fixture
def office(transactional_db: None) -> Office:
    return build_office()


def sign_in_as(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def submit(page: Any, button: Any) -> None:
    """Click a submit button and wait for the page the form leads to."""
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("domcontentloaded")


def test_dialogue_from_schedule_to_minutes_and_carry_over(
    page: Any, live_server: Any, office: Office, tmp_path: Path
) -> None:
    # the chair schedules the dialogue; the agenda proposes the red KPI
    sign_in_as(page, live_server, "kepala")
    page.goto("/rapat/")
    with page.expect_navigation():
        page.get_by_role("link", name="Jadwalkan dialog").first.click()
    page.locator("#id_period").select_option(label="September 2026")
    page.locator("#id_starts_at").fill("2026-10-15T09:00")
    page.locator("#id_place").fill("Ruang Rapat Lantai 3")
    # the people pickers: the chair (the unit's head) is proposed; the others are found by a search
    expect(page.locator("#id_chair option:checked")).to_have_attribute("value", str(office.head.pk))
    page.locator("#id_secretary_cari").fill("Slamet")
    expect(page.locator(f"#id_secretary option[value='{office.secretary.pk}']")).to_have_count(1)
    page.locator("#id_secretary").select_option(str(office.secretary.pk))
    page.locator("#id_participants_cari").fill("Ratih")
    page.locator(f"#id_participants_hasil input[value='{office.member.pk}']").check()
    expect(page.locator(f"#id_participants_dipilih input[value='{office.member.pk}']")).to_be_checked()
    page.locator("#id_extra_nips").fill(office.kasi.nip)
    submit(page, page.get_by_role("button", name="Jadwalkan"))
    meeting = Meeting.objects.get(unit=office.unit)
    assert page.url.endswith(f"/rapat/{meeting.pk}/")
    red = meeting.agenda_items.get(kind=AgendaKind.RED_KPI)
    expect(page.locator(f"#agenda-{red.pk} h3")).to_contain_text("IKU S1.1")
    expect(page.locator(f"#agenda-{red.pk} h3")).to_contain_text("(merah)")
    expect(page.locator("#participants tbody tr")).to_have_count(4)

    # the secretary records attendance, the discussion and decision, two actions
    sign_in_as(page, live_server, "notulis")
    page.goto(f"/rapat/{meeting.pk}/")
    for select in page.locator("#attendance-form select").all():
        select.select_option("present")
    submit(page, page.get_by_role("button", name="Simpan kehadiran"))
    expect(page.locator(".msg-success")).to_contain_text("Kehadiran disimpan")
    block = page.locator(f"#agenda-{red.pk}")
    block.locator("textarea[name=discussion]").fill("Pencairan piutang baru 72% dari target triwulan III.")
    block.locator("textarea[name=decision]").fill(
        "Penagihan aktif diprioritaskan pada 15 penunggak terbesar."
    )
    submit(page, block.get_by_role("button", name="Simpan pembahasan dan keputusan"))
    for description, owner, due in (
        ("Menerbitkan surat paksa bagi penunggak terbesar", office.kasi, "2026-11-10"),
        ("Rekonsiliasi saldo piutang dengan kanwil", office.member, "2026-11-30"),
    ):
        block = page.locator(f"#agenda-{red.pk}")
        block.locator("summary", has_text="Tambah tindak lanjut").click()
        block.locator("textarea[name=description]").fill(description)
        block.locator("input[name=owner_cari]").fill(owner.name.split()[0])
        expect(block.locator(f"select[name=owner] option[value='{owner.pk}']")).to_have_count(1)
        block.locator("select[name=owner]").select_option(str(owner.pk))
        block.locator("input[name=due_date]").fill(due)
        submit(page, block.get_by_role("button", name="Simpan tindak lanjut"))
        expect(page.locator(".msg-success")).to_contain_text("Tindak lanjut dicatat")
    expect(page.locator("#follow-up-matrix tbody tr")).to_have_count(2)
    assert page.locator("#close-meeting").count() == 0  # the secretary does not close

    # the chair closes the meeting; everything stays readable, nothing editable
    sign_in_as(page, live_server, "kepala")
    page.goto(f"/rapat/{meeting.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    submit(page, page.locator("#close-meeting"))
    expect(page.locator(".msg-success").first).to_contain_text("ditutup")
    meeting.refresh_from_db()
    assert meeting.state == MeetingState.CLOSED
    expect(page.locator(f"#agenda-{red.pk}")).to_contain_text("Penagihan aktif diprioritaskan")
    assert page.locator("textarea[name=discussion]").count() == 0
    if os.environ.get("KINERJA_SCREENSHOT_DIR"):
        page.screenshot(
            path=str(Path(os.environ["KINERJA_SCREENSHOT_DIR"]) / "meeting-detail.png"), full_page=True
        )

    # the secretary downloads the minutes
    sign_in_as(page, live_server, "notulis")
    page.goto(f"/rapat/{meeting.pk}/")
    with page.expect_download() as download_info:
        page.locator("#minutes-pdf").click()
    saved = tmp_path / "notula.pdf"
    download_info.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")

    # the owner of the first action marks it done with evidence
    done = Action.objects.get(owner=office.kasi)
    other = Action.objects.get(owner=office.member)
    evidence = tmp_path / "surat-paksa.pdf"
    evidence.write_bytes(PDF)
    sign_in_as(page, live_server, "kasi")
    page.goto(f"/rapat/tindak-lanjut/{done.pk}/")
    page.locator("input[name=step][value=done]").check()
    page.locator("input[name=evidence]").set_input_files(str(evidence))
    page.locator("textarea[name=note]").fill("Surat paksa terbit untuk 12 wajib pajak.")
    submit(page, page.locator("#status button[type=submit]"))
    expect(page.locator("#action-state")).to_contain_text("Selesai")
    done.refresh_from_db()
    assert done.state == ActionState.DONE and done.evidence_name == "surat-paksa.pdf"

    # the next dialogue carries the other action, still open
    sign_in_as(page, live_server, "kepala")
    page.goto("/rapat/baru/")
    page.locator("#id_period").select_option(label="Oktober 2026")
    page.locator("#id_starts_at").fill("2026-11-16T09:00")
    submit(page, page.get_by_role("button", name="Jadwalkan"))
    following = Meeting.objects.exclude(pk=meeting.pk).get(unit=office.unit)
    carried = following.agenda_items.filter(kind=AgendaKind.FOLLOW_UP)
    assert [i.action_id for i in carried] == [other.pk]
    expect(page.locator(f"#agenda-{carried[0].pk}")).to_contain_text("Rekonsiliasi saldo piutang")
    expect(page.locator("#follow-up-matrix")).to_contain_text("dibawa")
    assert page.kinerja_errors == []
