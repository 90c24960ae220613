"""Employee appraisal under `kmk-467-2014` in a browser (issue 13: the 360° assessment, scores, leniency
diagnostics, calibration), through the pages only: the builders set up the organisation and the CKP inputs,
everything after that is done by people in the browser.

The world: the contracts' tax office (KPP-A owns an approved 2026 map → SEKSI-A), its plan year under
`kmk-467-2014`. The head of office Ratna Sari (reports to Hendra Gunawan of the regional office) holds the map's
two KPIs; the head of section Sri Lestari and the executors Andi, Budi and Citra one IKI each; every contract is
signed and its realization for the year approved (the CKP inputs); a performance manager and a leader on KPP-A.

In the browser: the manager creates the 360° assessment of KPP-A for semester I, has the raters drawn from the
organisation (15 forms) and launches it. Ratna, Sri and Andi sign in one after another and answer their forms
(each aspect with the meaning of the bands beside; leadership only for the structural officials); Sri gives
only top-band scores. Budi opens a form but does not send it in time: the manager reads the progress (8 of 15)
and closes the assessment, and Budi's form refuses the answer with the reason. The manager computes KPP-A's
scores on the appraisal index and reads on the leniency diagnostics that Sri gave only top-band scores. The
leader opens KPP-A's calibration session, raises Citra's NKP from 84.76 to 87.50 with a reason, is refused 90
(beyond ±5) and closes the session. Citra then reads her own page: the calibrated NKP, the original beside it,
the reason, and no name of who rated her as a peer; the unit recap shows the calibrated value.

Two pictures are saved in a temporary directory (the closed assessment, the calibration session); with
KINERJA_SCREENSHOT_DIR=docs/screenshots they refresh docs/screenshots/appraisal-e2e-campaign.png and
docs/screenshots/appraisal-e2e-calibration.png.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kinerja.accounts.models import Role
from kinerja.appraisals.models import (
    CalibrationAdjustment,
    CalibrationSession,
    CalibrationState,
    Campaign,
    CampaignState,
    RaterAssignment,
)
from kinerja.contracts import services as contracts
from kinerja.organisations.models import Employee, PositionType
from kinerja.planning.models import Kpi, PlanYear
from tests.appraisals.builders import approved, rule_set
from tests.contracts.builders import add_iki, sign
from tests.contracts.conftest import _person, office  # noqa: F401  (the office fixture, shared)
from tests.e2e.helpers import PASSWORD, login, path_of, pick_unit
from tests.factories import PositionFactory

pytestmark = pytest.mark.e2e

D = Decimal
YEAR = 2026
NAMES = {"kanwil": "Hendra Gunawan", "head": "Ratna Sari", "kasi": "Sri Lestari"}
STAFF = ["Andi Pratama", "Budi Santoso", "Citra Dewi"]
# the one IKI of the head of section and of each executor (target 100, maximise): the year's realization
REALIZED = {"Sri Lestari": 101, "Andi Pratama": 98, "Budi Santoso": 95, "Citra Dewi": 90}


@dataclass
class World:
    office: Any
    year: PlanYear
    people: dict[str, Employee]
    leader: Any  # the leader of KPP-A, who holds the calibration session

    def user(self, name: str) -> Any:
        return self.office.user(self.people[name])


@pytest.fixture
def world(office, make_user) -> World:  # noqa: F811  (the imported fixture)
    """The contracts' tax office (KPP-A → SEKSI-A) under `kmk-467-2014`: the head of office reports to the head
    of the regional office (outside KPP-A); each of the five holds a signed contract whose realizations for the
    year are approved (their CKP); a manager and a leader on KPP-A, with names. No campaign yet."""
    org = office.org
    year = rule_set(office, "kmk-467-2014")
    kanwil_position = PositionFactory(
        unit=org.kanwil, type=PositionType.STRUCTURAL, echelon=2, is_head=True, title_id="Kepala Kanwil"
    )
    kanwil_head = _person(org.kanwil, kanwil_position, None, office.users)
    office.head.position.superior = kanwil_position
    office.head.position.save()
    office.head.superior = kanwil_head
    for person, name in zip(
        (kanwil_head, office.head, office.kasi, *office.staff),
        (NAMES["kanwil"], NAMES["head"], NAMES["kasi"], *STAFF),
        strict=True,
    ):
        person.name = name
        person.save()
    people = {p.name: p for p in (office.head, office.kasi, *office.staff)}
    # the head of office holds the map's two KPIs: S1.1 (monthly, summed, 1,200) and S1.2 (quarterly, 90)
    Kpi.all_kpis.filter(pk__in=[office.kpi_sum.pk, office.kpi_pct.pk]).update(evidence_required=False)
    head = contracts.create_contract(employee=office.head, plan_year=year, by=office.manager)
    sign(head, office, [D(50), D(50)])
    for month in range(1, 13):
        approved(office.kpi_sum, office, f"{YEAR}-{month:02d}", 104)  # 1,248: index 104
    approved(office.kpi_pct, office, f"{YEAR}-Q4", D("93.6"))  # index 104
    for name, value in REALIZED.items():
        contract = contracts.create_contract(employee=people[name], plan_year=year, by=office.manager)
        kpi = add_iki(contract, office, "IKI-1", target=D(100))
        sign(contract, office)
        approved(kpi, office, f"{YEAR}-Q4", value)
    office.manager.first_name, office.manager.last_name = "Dewi", "Kartika"
    office.manager.save()
    leader = make_user(org.kpp_a, Role.LEADER, first_name="Bambang", last_name="Wijaya")
    return World(office, year, people, leader)


# --------------------------------------------------------------------------- page helpers


def text(locator) -> str:
    return " ".join(locator.inner_text().split())


def messages(page) -> str:
    return text(page.locator(".messages"))


def sign_in(page, live_server, user) -> None:
    """Sign out whoever was signed in and sign in as `user`."""
    page.context.clear_cookies()
    login(page, live_server, user.username, PASSWORD)


def click_and_wait(page, locator) -> None:
    with page.expect_navigation():
        locator.click()


def confirm_and_wait(page, locator) -> None:
    """A button whose form asks first (data-confirm): say yes, and wait for the page it leads to."""
    page.once("dialog", lambda dialog: dialog.accept())
    click_and_wait(page, locator)


def name_of(cell: str) -> str:
    """A person's name from a cell holding the name and the NIP."""
    return re.sub(r"\s*\d{18}$", "", cell)


def cells(row) -> list[str]:
    return [text(cell) for cell in row.locator("td").all()]


def screenshot(page, tmp_path: Path, name: str) -> Path:
    picture = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or tmp_path) / name
    picture.parent.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.screenshot(path=str(picture), full_page=False, animations="disabled", caret="hide")
    assert picture.stat().st_size > 10_000
    return picture


ASPECTS = ("Orientasi pelayanan", "Integritas", "Komitmen", "Disiplin", "Kerja sama", "Kepemimpinan")
# (rater, person rated): the scores given, aspect by aspect (the sixth, leadership, for structural officials)
ANSWERS = {
    ("Ratna Sari", "Sri Lestari"): ("85", "88", "84", "80", "86", "82"),
    ("Sri Lestari", "Ratna Sari"): ("96", "98", "95", "97", "96", "94"),
    ("Sri Lestari", "Andi Pratama"): ("95", "96", "97", "98", "99"),
    ("Sri Lestari", "Budi Santoso"): ("93", "94", "92", "95", "96"),
    ("Sri Lestari", "Citra Dewi"): ("92", "93", "91", "94", "95"),
    ("Andi Pratama", "Sri Lestari"): ("80", "85", "78", "82", "88", "76"),
    ("Andi Pratama", "Budi Santoso"): ("75", "80", "70", "85", "78"),
    ("Andi Pratama", "Citra Dewi"): ("70", "72", "68", "80", "74"),
}
# the raters the organisation gives (person rated, rater, group): the superior, the peers of the same unit and
# level, the direct subordinates; Ratna's superior sits in the regional office, outside KPP-A
RATERS = {
    ("Ratna Sari", "Hendra Gunawan", "Atasan langsung"),
    ("Ratna Sari", "Sri Lestari", "Bawahan"),
    ("Sri Lestari", "Ratna Sari", "Atasan langsung"),
    *(("Sri Lestari", name, "Bawahan") for name in STAFF),
    *((name, "Sri Lestari", "Atasan langsung") for name in STAFF),
    *((name, peer, "Rekan kerja") for name in STAFF for peer in STAFF if peer != name),
}
STRUCTURAL = {"Ratna Sari", "Sri Lestari"}


def answer_forms(page, rater: str, expected: dict[str, str]) -> None:
    """On "Formulir penilaian saya", the rater's forms waiting (person rated → "Anda sebagai"); each opened,
    read (the bands and their meaning beside, leadership only for a structural official) and answered."""
    page.goto("/penilaian/")
    waiting = f"{len(expected)} menunggu diisi"
    assert text(page.locator("#ratings li").filter(has_text="Formulir penilaian 360° saya")).endswith(waiting)
    click_and_wait(page, page.get_by_role("link", name="Formulir penilaian 360° saya"))
    assert page.locator("main h1").inner_text() == "Formulir penilaian saya"
    todo = page.locator("section", has=page.get_by_role("heading", name="Belum diisi"))
    expect(todo.locator("tbody tr")).to_have_count(len(expected))
    for rated, group in expected.items():
        assert cells(todo.locator("tbody tr").filter(has_text=rated))[1] == group, rated
    for rated in expected:
        scores = ANSWERS[(rater, rated)]
        click_and_wait(page, todo.locator("tbody tr").filter(has_text=rated).get_by_role("link", name="Isi"))
        assert page.locator("main h1").inner_text() == f"Penilaian perilaku {rated}"
        bands = page.locator("aside", has=page.get_by_role("heading", name="Arti nilai"))
        top, bottom = cells(bands.locator("tbody tr").first), cells(bands.locator("tbody tr").last)
        assert (top[0], top[1].lower(), top[2]) == (
            "91–100",
            "sangat baik",
            "Perilaku selalu ditunjukkan dan menjadi teladan bagi orang lain.",
        )
        assert (bottom[0], bottom[1].lower()) == ("≤ 50", "kurang")
        if expected[rated] in ("Rekan kerja", "Bawahan"):
            assert "Jawaban Anda dirahasiakan" in text(page.locator("main"))
        leadership = page.get_by_label("Kepemimpinan")
        if rated in STRUCTURAL:
            expect(leadership).to_have_count(1)
            assert len(scores) == 6
        else:
            expect(leadership).to_have_count(0)
            assert "Aspek kepemimpinan hanya dinilai untuk pejabat struktural" in text(page.locator("main"))
            assert len(scores) == 5
        for aspect, score in zip(ASPECTS, scores, strict=False):
            page.get_by_label(aspect).fill(score)
        click_and_wait(page, page.get_by_role("button", name="Kirim jawaban"))
        assert messages(page) == f"Jawaban untuk {rated} disimpan."
    expect(
        page.locator("section", has=page.get_by_role("heading", name="Belum diisi")).locator("tbody tr")
    ).to_have_count(0)


def browser_for(browser, live_server):
    """A second browser window of its own (cookies and all), as `page` is made in conftest.py."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        extra_http_headers={"Accept-Language": "id-ID"},
        viewport={"width": 1280, "height": 800},
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(10_000)
    context.set_default_navigation_timeout(10_000)
    return context


# --------------------------------------------------------------------------- the test


def test_a_360_campaign_scores_leniency_and_calibration_through_the_pages(
    page, browser, live_server, world, tmp_path
):
    kpp = world.office
    org = kpp.org
    people = world.people

    # ---- the manager creates KPP-A's 360° assessment for semester I
    sign_in(page, live_server, kpp.manager)
    page.goto("/penilaian/")
    click_and_wait(page, page.get_by_role("link", name="Penilaian perilaku 360° unit"))
    assert page.locator("main h1").inner_text() == "Penilaian perilaku 360°"
    click_and_wait(page, page.get_by_role("link", name="Buat penilaian 360°"))
    pick_unit(page, "id_unit", "KPP-A", "KPP-A — KPP Pratama A")
    page.get_by_label("Tahun rencana").select_option(label=f"{YEAR} (kmk-467-2014)")
    page.get_by_label("Semester").select_option(label="Semester I (Januari–Juni)")
    page.get_by_label("Batas waktu pengisian").fill(f"{YEAR}-07-15")
    click_and_wait(page, page.get_by_role("button", name="Buat"))
    assert messages(page) == "Penilaian 360° dibuat. Susun penilainya, lalu mulai penilaian."
    assert page.locator("main h1").inner_text() == f"Penilaian perilaku 360° KPP Pratama A, {YEAR} semester 1"
    campaign = Campaign.objects.get()
    assert (campaign.unit, campaign.plan_year, campaign.semester) == (org.kpp_a, world.year, 1)
    assert campaign.state == CampaignState.DRAFT

    # ---- the raters drawn from the organisation, then launched
    click_and_wait(page, page.get_by_role("button", name="Susun penilai dari struktur organisasi"))
    assert messages(page) == "15 penilai ditambahkan dari struktur organisasi."
    raters = page.locator("#penilai tbody tr")
    expect(raters).to_have_count(15)
    drawn = {(name_of(c[0]), name_of(c[1]), c[2], c[3]) for c in map(cells, raters.all())}
    assert drawn == {(*pair, "belum") for pair in RATERS}
    confirm_and_wait(page, page.get_by_role("button", name="Mulai penilaian"))
    assert messages(page) == "Penilaian dimulai: para penilai dapat mengisi formulirnya."
    assert text(page.locator("#campaign-state")) == "Berjalan"
    assert "0 dari 15 formulir terisi (0%)." in text(page.locator("main"))

    # ---- three raters answer their forms, one after another
    sign_in(page, live_server, world.user("Ratna Sari"))
    answer_forms(page, "Ratna Sari", {"Sri Lestari": "Atasan langsung"})
    sign_in(page, live_server, world.user("Sri Lestari"))
    answer_forms(
        page,
        "Sri Lestari",
        {
            "Andi Pratama": "Atasan langsung",
            "Budi Santoso": "Atasan langsung",
            "Citra Dewi": "Atasan langsung",
            "Ratna Sari": "Bawahan",
        },
    )
    sign_in(page, live_server, world.user("Andi Pratama"))
    answer_forms(
        page,
        "Andi Pratama",
        {"Budi Santoso": "Rekan kerja", "Citra Dewi": "Rekan kerja", "Sri Lestari": "Bawahan"},
    )
    assert RaterAssignment.objects.filter(submitted_at__isnull=False).count() == 8

    # ---- Budi opens his form for Citra in another window and leaves it there
    budi = browser_for(browser, live_server)
    late = budi.new_page()
    login(late, live_server, world.user("Budi Santoso").username, PASSWORD)
    late.goto("/penilaian/360/saya/")
    click_and_wait(
        late, late.locator("tbody tr").filter(has_text="Citra Dewi").get_by_role("link", name="Isi")
    )
    for aspect, score in zip(ASPECTS, ("80", "82", "79", "85", "81"), strict=False):
        late.get_by_label(aspect).fill(score)

    # ---- the manager reads the progress and closes the assessment
    sign_in(page, live_server, kpp.manager)
    page.goto("/penilaian/360/")
    row = page.locator("tbody tr").filter(has_text="KPP-A")
    assert cells(row)[3:] == ["Berjalan", "15 Jul 2026", "8 / 15"]
    assert row.locator("progress").get_attribute("value") == "53"
    click_and_wait(page, row.get_by_role("link"))
    assert "8 dari 15 formulir terisi (53%)." in text(page.locator("main"))
    units = page.locator("section", has=page.get_by_role("heading", name="Kemajuan per unit")).locator(
        "tbody tr"
    )
    assert [cells(u) for u in units.all()] == [
        ["KPP-A — KPP Pratama A", "1", "1 / 2"],
        ["SEKSI-A — Unit SEKSI-A", "4", "7 / 13"],
    ]
    click_and_wait(page, page.get_by_role("link", name="Tampilkan yang belum mengisi saja"))
    pending = page.locator("#penilai tbody tr")
    expect(pending).to_have_count(7)
    assert {name_of(cells(r)[1]) for r in pending.all()} == {
        "Budi Santoso",
        "Citra Dewi",
        "Hendra Gunawan",
    }
    confirm_and_wait(page, page.get_by_role("button", name="Tutup penilaian"))
    assert messages(page) == "Penilaian ditutup; jawaban tidak dapat diubah lagi."
    assert text(page.locator("#campaign-state")) == "Ditutup"
    campaign_picture = screenshot(page, tmp_path, "appraisal-e2e-campaign.png")

    # ---- Budi sends his form: refused, with the reason; the form cannot be sent again
    with late.expect_navigation() as sent:
        late.get_by_role("button", name="Kirim jawaban").click()
    assert sent.value.status == 400
    closed = "Penilaian 360° ini telah ditutup; jawaban tidak dapat disimpan lagi (aturan 25)."
    expect(late.get_by_role("alert")).to_have_count(1)  # said once, and no field is marked wrong
    assert text(late.get_by_role("alert")) == closed
    assert late.get_by_label("Integritas").input_value() == ""  # what is on record: nothing
    expect(late.get_by_role("button", name="Kirim jawaban")).to_have_count(0)
    expect(late.get_by_label("Integritas")).to_be_disabled()
    assert not RaterAssignment.objects.get(
        rater=people["Budi Santoso"], employee=people["Citra Dewi"]
    ).answered
    budi.close()

    # ---- the manager computes KPP-A's scores from the appraisal index
    page.goto("/penilaian/")
    pick_unit(page, "f-unit", "KPP-A", "KPP-A — KPP Pratama A")
    page.get_by_label("Tahun").select_option(str(YEAR))
    click_and_wait(page, page.get_by_role("button", name="Hitung ulang"))
    assert messages(page) == "Nilai 5 pegawai dihitung ulang."
    assert path_of(page.url) == f"/penilaian/unit/{org.kpp_a.pk}/{YEAR}/"
    recap = {name_of(c[0]): c[1:5] for c in map(cells, page.locator("#recap tbody tr").all())}
    assert recap == {
        "Ratna Sari": ["104,00", "96,00", "100,80", "Sangat Baik"],
        "Sri Lestari": ["101,00", "82,83", "93,73", "Baik"],
        "Andi Pratama": ["98,00", "97,00", "97,60", "Sangat Baik"],
        "Budi Santoso": ["95,00", "79,80", "88,92", "Baik"],
        "Citra Dewi": ["90,00", "76,90", "84,76", "Baik"],
    }

    # ---- the leniency diagnostics: Sri gave only top-band scores
    page.goto("/penilaian/")
    click_and_wait(page, page.locator("#calibration").get_by_role("link", name="diagnostik bias penilaian"))
    assert page.locator("main h1").inner_text() == f"Diagnostik bias penilaian KPP Pratama A, {YEAR}"
    sri = page.locator("#penilai tbody tr").filter(has_text="Sri Lestari")
    assert cells(sri)[1:] == ["21", "95,05", "2,08", "100%", "semua tinggi seragam tinggi"]
    for name in ("Ratna Sari", "Andi Pratama"):
        assert cells(page.locator("#penilai tbody tr").filter(has_text=name))[-1] == "—"

    # ---- the leader opens KPP-A's calibration session
    sign_in(page, live_server, world.leader)
    page.goto("/penilaian/")
    click_and_wait(page, page.locator("#calibration").get_by_role("link", name="sidang kalibrasi"))
    owner = page.locator("tbody tr").filter(has_text="KPP-A")
    assert "belum dibuka" in text(owner)
    click_and_wait(page, owner.get_by_role("button", name="Buka sidang"))
    assert messages(page) == f"Sidang kalibrasi KPP-A tahun {YEAR} dibuka."
    session = CalibrationSession.objects.get()
    assert session.opened_by == world.leader and session.unit == org.kpp_a

    # ---- raises Citra's NKP within the bound, with a reason
    citra = people["Citra Dewi"]
    line = page.locator("#ranking tbody tr").filter(has_text="Citra Dewi")
    assert cells(line)[2:4] == ["84,76", "84,76"]
    click_and_wait(page, line.get_by_role("link", name="Sesuaikan"))
    form = page.locator("#sesuaikan")
    assert "Citra Dewi: NKP semula 84,76; nilai setelah kalibrasi antara 79,76 dan 89,76." in text(form)
    assert page.get_by_label("NIP pegawai").input_value() == citra.nip
    reason = "Menangani tambahan pemeriksaan wajib pajak besar pada semester II."
    page.get_by_label("NKP setelah kalibrasi").fill("87,50")
    page.get_by_label("Alasan").fill(reason)
    click_and_wait(page, form.get_by_role("button", name="Simpan penyesuaian"))
    assert messages(page) == "NKP Citra Dewi disesuaikan; nilai semula tetap tercatat."
    adjusted = page.locator("#penyesuaian tbody tr").filter(has_text="Citra Dewi")
    assert cells(adjusted)[1:5] == ["84,76", "87,50", "+2,74", reason]
    assert "Bambang Wijaya" in cells(adjusted)[5]

    # ---- beyond the bound: refused, the adjustment left as it was
    click_and_wait(
        page,
        page.locator("#ranking tbody tr").filter(has_text="Citra Dewi").get_by_role("link", name="Sesuaikan"),
    )
    page.get_by_label("NKP setelah kalibrasi").fill("90")
    with page.expect_navigation() as refused:
        page.locator("#sesuaikan").get_by_role("button", name="Simpan penyesuaian").click()
    assert refused.value.status == 400
    error = text(page.locator("#sesuaikan .errorlist"))
    assert "±5" in error and "84,76" in error and "79,76" in error and "89,76" in error, error
    record = CalibrationAdjustment.objects.get()
    assert (record.employee, record.original, record.adjusted) == (citra, D("84.76"), D("87.50"))
    assert (record.by, record.reason) == (world.leader, reason)
    assert record.history.count() == 1 and record.history.get().history_user == world.leader

    # ---- and closes the session
    page.goto(f"/penilaian/kalibrasi/{session.pk}/")
    confirm_and_wait(page, page.get_by_role("button", name="Tutup sidang"))
    assert messages(page) == "Sidang kalibrasi ditutup; penyesuaian tidak dapat diubah lagi."
    session.refresh_from_db()
    assert session.state == CalibrationState.CLOSED and session.closed_by == world.leader
    expect(page.get_by_role("button", name="Simpan penyesuaian")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 1300})  # the head, the closed state and the ranking
    calibration_picture = screenshot(page, tmp_path, "appraisal-e2e-calibration.png")
    page.set_viewport_size({"width": 1280, "height": 800})

    # ---- Citra reads her own page: the calibrated NKP, the original beside it, the reason; no rater's name
    sign_in(page, live_server, kpp.user(citra))
    page.goto("/penilaian/")
    own = page.locator("#own")
    assert "NKP 87,50 (setelah kalibrasi; semula 84,76)" in text(own)
    click_and_wait(page, own.get_by_role("link", name="Lihat rincian dan penjelasan"))
    score = {text(r.locator("th")): text(r.locator("td")) for r in page.locator("#score tbody tr").all()}
    assert score["NKP semula"] == "84,76" and score["NKP setelah kalibrasi"].startswith("87,50")
    calibrated = {
        text(r.locator("th")): text(r.locator("td")) for r in page.locator("#calibration tbody tr").all()
    }
    assert calibrated["NKP semula"] == "84,76" and calibrated["NKP setelah kalibrasi"] == "87,50"
    assert calibrated["Alasan"] == reason and calibrated["Oleh"].startswith("Bambang Wijaya")
    mine = text(page.locator("main"))
    for secret in ("Andi Pratama", people["Andi Pratama"].nip, "Budi Santoso", people["Budi Santoso"].nip):
        assert secret not in mine, secret

    # ---- the unit recap shows the calibrated value, the original beside it
    sign_in(page, live_server, kpp.manager)
    page.goto(f"/penilaian/unit/{org.kpp_a.pk}/{YEAR}/")
    row = page.locator("#recap tbody tr").filter(has_text="Citra Dewi")
    assert cells(row)[3] == "87,50 (semula 84,76)"
    assert campaign_picture.exists() and calibration_picture.exists()
    assert page.kinerja_errors == []
