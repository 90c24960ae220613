"""Performance contracts, cascading and alignment in a browser (issue 12, "What done looks like").

The world (built with the services): KPP-A owns an approved 2026 map whose monthly *sum* KPI S1.1 has the
target 1,200. The head of the office holds it in a signed contract (agreed by the head of the regional
office); the head of section SEKSI-A holds it cascaded direct full from the head's contract, signed too;
three executors with users and positions under the head of section have no contract yet; the office has a
performance manager.

In the browser: the manager opens the section's bulk page, sees the three executors in the preview and
creates their draft contracts; from the head of section's contract the manager splits S1.1 *direct shared*
among the three (500, 400, 200); the office's alignment panel flags the shares (1,100 for 1,200), the
manager follows its fix link, sets the third share to 300 and the finding is gone. One executor gives the
KPI its weight of 100 and proposes the contract, the head of section agrees, the executor signs and
downloads the PDF. The other two executors' contracts are signed and their January realizations submitted
through the services (the same steps, already shown for the first); then the first executor enters and
submits January's realization on the entry page (from his personal scorecard), and the head of section's
S1.1 shows the rolled-up sum (105) on his scorecard and the realization's page, which he cannot type in.
The three are then verified and approved through the services (issue 6's workflow, tested in
test_reporting.py): the derived realization follows them, and Andi's scorecard counts his 45 (index 108,
NHK 116.10).

Fixed on the way: the contract page's link to the personal scorecard never showed; the child holder's KPI
page offered a share form the service refuses.

Two pictures are saved in a temporary directory (the alignment panel with its finding, the executor's
personal scorecard); with KINERJA_SCREENSHOT_DIR=docs/screenshots they refresh
docs/screenshots/contract-e2e-alignment.png and docs/screenshots/contract-e2e-scorecard.png.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from kinerja.accounts.models import Role
from kinerja.contracts import services
from kinerja.contracts.models import CascadeLink, CascadeMode, Contract, ContractState, KpiKind
from kinerja.organisations.models import PositionType
from kinerja.planning.models import Kpi
from kinerja.reporting import services as reporting
from kinerja.reporting.models import Realization, RealizationState
from tests.contracts.builders import period, sign, submitted
from tests.contracts.conftest import _person, office  # noqa: F401  (the office fixture, shared)
from tests.e2e.helpers import PASSWORD, login, path_of
from tests.factories import PositionFactory

pytestmark = pytest.mark.e2e

D = Decimal
YEAR = 2026
NAMES = {"kanwil": "Hendra Gunawan", "head": "Ratna Sari", "kasi": "Sri Lestari"}
STAFF = ["Andi Pratama", "Budi Santoso", "Citra Dewi"]
JANUARY = {"Andi Pratama": "45", "Budi Santoso": "35", "Citra Dewi": "25"}  # 105 in all


@dataclass
class World:
    office: Any
    head: Contract
    kasi: Contract
    kasi_kpi: Kpi  # S1.1 of the head of section (direct full from the head's)
    leader: Any  # approves realizations in KPP-A

    def user(self, employee: Any) -> Any:
        return self.office.user(employee)


@pytest.fixture
def world(office, make_user) -> World:  # noqa: F811  (the imported fixture)
    """The office of tests/contracts/conftest.py with a superior for its head, names that read well, the head's
    and the head of section's contracts signed, S1.1 cascaded direct full to the head of section."""
    org = office.org
    kanwil_position = PositionFactory(
        unit=org.kanwil, type=PositionType.STRUCTURAL, echelon=2, is_head=True, title_id="Kepala Kanwil"
    )
    kanwil_head = _person(org.kanwil, kanwil_position, None, office.users)
    office.head.position.superior = kanwil_position
    office.head.position.save()
    office.head.superior = kanwil_head
    office.head.name = NAMES["head"]
    office.head.save()
    kanwil_head.name = NAMES["kanwil"]
    kanwil_head.save()
    office.kasi.name = NAMES["kasi"]
    office.kasi.save()
    for person, name in zip(office.staff, STAFF, strict=True):
        person.name = name
        person.save()
    # the realizations in the test are typed, not documented: no evidence asked (the children copy the manual)
    Kpi.all_kpis.filter(pk=office.kpi_sum.pk).update(evidence_required=False)
    office.kpi_sum.refresh_from_db()

    plan_year = office.map.plan_year
    head = services.create_contract(employee=office.head, plan_year=plan_year, by=office.manager)
    sign(head, office, [D(60), D(40)])  # S1.1 and S1.2 of the map
    kasi = services.create_contract(employee=office.kasi, plan_year=plan_year, by=office.manager)
    kasi_kpi = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    ).kpi
    sign(kasi, office)
    assert head.state == kasi.state == ContractState.SIGNED
    leader = make_user(org.kpp_a, Role.LEADER)
    return World(office, head, kasi, Kpi.all_kpis.get(pk=kasi_kpi.pk), leader)


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


def open_contract(page, name: str) -> None:
    """From the contract list, the 2026 contract of `name`."""
    page.goto("/kontrak/")
    row = page.locator("tbody tr").filter(has_text=name)
    click_and_wait(page, row.get_by_role("link").first)
    assert page.locator("main h1").inner_text() == f"Kontrak kinerja {name} {YEAR}"


def contract_action(page, button: str) -> None:
    group = page.get_by_role("group", name="Tindakan kontrak")
    click_and_wait(page, group.get_by_role("button", name=button))


def state_of(page) -> str:
    return page.locator(".page-head .state").inner_text().strip()


def share_finding(page):
    """The alignment panel's findings of shares not adding up."""
    return page.locator("li[data-code=shares_not_adding_up]")


def screenshot(page, tmp_path: Path, name: str) -> Path:
    picture = Path(os.environ.get("KINERJA_SCREENSHOT_DIR") or tmp_path) / name
    picture.parent.mkdir(parents=True, exist_ok=True)
    page.mouse.move(0, 0)
    page.screenshot(path=str(picture), full_page=False, animations="disabled", caret="hide")
    assert picture.stat().st_size > 10_000
    return picture


# --------------------------------------------------------------------------- the test


def test_a_section_gets_its_contracts_a_shared_target_is_split_signed_and_rolled_up(
    page, live_server, world, tmp_path
):
    kpp = world.office
    org = kpp.org
    executors = {person.name: person for person in kpp.staff}
    andi = executors["Andi Pratama"]

    # ---- the manager previews the section's contracts for the year and creates them
    sign_in(page, live_server, kpp.manager)
    page.goto(f"/kontrak/massal/{org.section_a.pk}/{YEAR}/")
    summary = page.locator("section", has=page.get_by_role("heading", name="Yang akan dibuat"))
    stats = dict(
        zip(
            [t.strip() for t in summary.locator("dt").all_inner_texts()],
            [t.strip() for t in summary.locator("dd").all_inner_texts()],
            strict=True,
        )
    )
    assert stats["Kontrak baru"] == "3" and stats["Sudah memiliki kontrak"] == "1"  # the head of section
    preview = page.locator("section", has=page.get_by_role("heading", name="Rincian")).locator("tbody tr")
    assert sorted(row.locator("td").nth(1).inner_text() for row in preview.all()) == STAFF
    for row in preview.all():
        assert row.locator("td").nth(4).inner_text() == NAMES["kasi"]  # the superior who agrees
    click_and_wait(page, page.get_by_role("button", name="Buat 3 kontrak"))
    job = page.locator("#bulk-job")
    expect(job).to_have_attribute("data-state", "done")  # locally the task runs at once
    assert "Selesai: 3 kontrak dibuat" in text(job)
    click_and_wait(page, job.get_by_role("link", name="Ke daftar kontrak"))
    assert path_of(page.url) == "/kontrak/"
    for name in STAFF:
        row = page.locator("tbody tr").filter(has_text=name)
        expect(row).to_have_count(1)
        assert "Konsep" in text(row)
    staff_contracts = {c.employee.name: c for c in Contract.objects.filter(employee__in=kpp.staff)}
    assert sorted(staff_contracts) == STAFF
    assert {c.state for c in staff_contracts.values()} == {ContractState.DRAFT}

    # ---- the manager splits the head of section's S1.1 among the three: 500, 400, 200
    open_contract(page, NAMES["kasi"])
    kasi_row = page.locator("#iku tbody tr").filter(has_text="S1.1")
    click_and_wait(page, kasi_row.get_by_role("link", name="Turunkan"))
    assert page.locator("main h1").inner_text() == "Turunkan IKU S1.1"
    page.get_by_label("Langsung berbagi target").check()
    for name, share in zip(STAFF, ("500", "400", "200"), strict=True):
        row = page.locator("tbody tr").filter(has_text=name)
        row.get_by_role("checkbox").check()
        row.get_by_label("Porsi target").fill(share)
    click_and_wait(page, page.get_by_role("button", name="Turunkan"))
    assert messages(page) == f"IKU S1.1 diturunkan ke: {', '.join(STAFF)}."
    children = page.locator("#iku ul.children li")
    expect(children).to_have_count(3)
    links = CascadeLink.objects.filter(cascade__parent=world.kasi_kpi).select_related("cascade")
    assert {link.cascade.mode for link in links} == {CascadeMode.DIRECT_SHARED}
    assert sorted(link.share for link in links) == [D(200), D(400), D(500)]

    # ---- the office's alignment panel flags the shares: 1,100 for 1,200
    page.goto("/kontrak/")
    click_and_wait(page, page.get_by_role("link", name="Penyelarasan"))
    assert path_of(page.url) == f"/kontrak/penyelarasan/{org.kpp_a.pk}/{YEAR}/"
    finding = share_finding(page)
    expect(finding).to_have_count(1)
    assert (
        "Porsi target turunan IKU S1.1 (Kepala Seksi) tidak sesuai target induk menurut konsolidasi "
        "Jumlah (sum): Σ 1.100 ≠ 1.200." in text(finding)
    )
    page.locator("#counts").evaluate("grid => grid.scrollIntoView()")  # the counts, then the finding
    alignment_picture = screenshot(page, tmp_path, "contract-e2e-alignment.png")

    # ---- the manager follows the fix link and sets Citra's share to 300
    click_and_wait(page, finding.get_by_role("link", name=f"Kontrak {NAMES['kasi']}"))
    assert page.locator("main h1").inner_text() == f"Kontrak kinerja {NAMES['kasi']} {YEAR}"
    child = page.locator("#iku ul.children li").filter(has_text="Citra Dewi")
    child.get_by_label("Porsi target").fill("300")
    click_and_wait(page, child.get_by_role("button", name="Simpan porsi"))
    assert messages(page) == "Porsi target IKU S1.1 untuk Citra Dewi disimpan."
    page.goto("/kontrak/")
    click_and_wait(page, page.get_by_role("link", name="Penyelarasan"))
    expect(share_finding(page)).to_have_count(0)
    expect(page.locator("#counts [data-kind=shares_not_adding_up] .n")).to_have_text("0")
    assert sorted(link.share for link in CascadeLink.objects.filter(cascade__parent=world.kasi_kpi)) == [
        D(300),
        D(400),
        D(500),
    ]

    # ---- Andi weights his KPI 100 % and proposes his contract
    sign_in(page, live_server, world.user(andi))
    open_contract(page, "Andi Pratama")
    assert state_of(page) == "Konsep"
    weight = page.get_by_label("Bobot S1.1 (%)")
    weight.fill("100")
    with page.expect_response(lambda r: "/kontrak/iku/" in r.url and r.request.method == "POST"):
        weight.press("Tab")  # htmx saves the weight on change and redraws the table
    expect(page.locator("#weight-total")).to_have_class("weight-total ok")
    assert text(page.locator("#weight-total")) == "Jumlah bobot: 100% ✓ 100%"
    # the KPI is new to him: no history for Q_target (K3); his share is not his to change
    click_and_wait(
        page, page.locator("#iku tbody tr").filter(has_text="S1.1").get_by_role("link", name="Ubah")
    )
    assert page.locator("main h1").inner_text() == "IKU S1.1 dalam kontrak"
    assert page.get_by_role("button", name="Simpan porsi").count() == 0
    page.get_by_label("Riwayat IKU (K3)").select_option(label="IKU baru tanpa riwayat")
    click_and_wait(page, page.get_by_role("button", name="Simpan", exact=True))
    assert messages(page) == "IKU S1.1 dalam kontrak disimpan."
    cells = [text(cell) for cell in page.locator("#iku tbody tr").filter(has_text="S1.1").locator("td").all()]
    assert cells[5:8] == ["1,15", "1", "1,075"]  # Q_kpi (exact, moderate), Q_target (new), K3 while drafting
    contract_action(page, "Ajukan kepada atasan")
    assert messages(page) == "Kontrak diajukan kepada atasan untuk disetujui."
    assert state_of(page) == "Diajukan"

    # ---- the head of section agrees
    sign_in(page, live_server, world.user(kpp.kasi))
    open_contract(page, "Andi Pratama")
    contract_action(page, "Setujui")
    assert messages(page) == "Kontrak disetujui; pemegang kontrak dapat menandatanganinya."

    # ---- Andi signs (the page asks first) and downloads the PDF
    sign_in(page, live_server, world.user(andi))
    open_contract(page, "Andi Pratama")
    page.once("dialog", lambda dialog: dialog.accept())
    contract_action(page, "Tandatangani")
    assert messages(page) == "Kontrak ditandatangani; target dan target per periode kini dibekukan."
    assert state_of(page) == "Ditandatangani"
    pdf_link = page.get_by_role("link", name="Unduh PDF kontrak")
    with page.expect_download() as download:
        pdf_link.click()
    body = Path(download.value.path()).read_bytes()
    assert body.startswith(b"%PDF") and len(body) > 5_000
    assert download.value.suggested_filename.endswith(".pdf")
    answer = page.request.get(pdf_link.get_attribute("href"))
    assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
    assert answer.body().startswith(b"%PDF")

    # ---- the other two sign and submit January through the services (the same steps as Andi's)
    january = period(kpp, "2026-01")
    for name in ("Budi Santoso", "Citra Dewi"):
        contract = staff_contracts[name]
        entry = contract.kpis.get()
        services.update_contract_kpi(entry=entry, fields={"kind": KpiKind.NEW}, by=kpp.manager)
        sign(contract, kpp)
        submitted(entry.kpi, january, D(JANUARY[name]), kpp, executors[name])
    assert not Realization.objects.filter(kpi=world.kasi_kpi, period=january).exists()  # Andi's is missing

    # ---- Andi enters January from his personal scorecard and submits it
    click_and_wait(page, page.get_by_role("link", name="Kartu kinerja pribadi"))
    click_and_wait(
        page, page.get_by_role("navigation", name="Periode").get_by_role("link", name="Januari 2026")
    )
    row = page.locator("tbody tr").filter(has_text="S1.1")
    click_and_wait(page, row.get_by_role("link", name="Isi"))
    andi_kpi = staff_contracts["Andi Pratama"].kpis.get().kpi
    assert path_of(page.url) == f"/capaian/iku/{andi_kpi.pk}/periode/{january.pk}/"
    page.get_by_label("Realisasi").fill(JANUARY["Andi Pratama"])
    page.get_by_label("Analisis").fill("Penerimaan Januari dari tiga wajib pajak besar.")
    click_and_wait(page, page.get_by_role("button", name="Simpan sebagai konsep"))
    assert messages(page) == "Realisasi S1.1 disimpan sebagai konsep."
    click_and_wait(page, page.get_by_role("group", name="Tindakan").get_by_role("button", name="Ajukan"))
    assert messages(page) == "Status realisasi: Diajukan."

    # ---- it rolls up: the head of section's S1.1 is the sum, derived, and cannot be typed in
    derived = Realization.objects.get(kpi=world.kasi_kpi, period=january)
    assert derived.value == D(105) and derived.state == RealizationState.SUBMITTED
    assert derived.created_by is None  # written by the system
    sign_in(page, live_server, world.user(kpp.kasi))
    open_contract(page, NAMES["kasi"])
    click_and_wait(page, page.get_by_role("link", name="Kartu kinerja pribadi"))
    click_and_wait(
        page, page.get_by_role("navigation", name="Periode").get_by_role("link", name="Januari 2026")
    )
    row = page.locator("tbody tr").filter(has_text="S1.1")
    assert "roll-up" in text(row.locator("td").nth(1))
    # submitted, not yet approved: shown with its state, not yet counted in the score
    assert text(row.locator("td").nth(5)) == "belum dihitung Diajukan"
    assert row.get_by_role("link", name="Isi").count() == 0  # nothing to type in
    rolled = page.get_by_role("region", name="Turunan S1.1")
    lines = [text(line) for line in rolled.locator("li").all()]
    assert text(rolled).startswith("Turunan IKU S1.1 Realisasi roll-up: 105 ")
    assert lines == [
        f"S1.1 ({executors[name].position.title}, SEKSI-A): {value} Diajukan"
        for name, value in JANUARY.items()
    ]
    click_and_wait(page, row.get_by_role("link", name="Rincian"))
    detail = text(page.locator("main"))
    assert "Realisasi IKU ini dihitung dari realisasi IKU turunannya (roll-up)" in detail
    assert "Realisasi 105 %" in detail and "Dihitung sistem; tidak diisi." in detail
    assert page.get_by_role("link", name="Ubah").count() == 0
    page.goto(f"/capaian/iku/{world.kasi_kpi.pk}/periode/{january.pk}/")
    assert text(page.get_by_role("status").filter(has_text="roll-up")) == (
        "IKU S1.1 diturunkan langsung ke bawahan: realisasinya dihitung dari realisasi IKU turunannya "
        "(roll-up) dan tidak dapat diisi (aturan 20)."
    )
    assert page.get_by_label("Realisasi").count() == 0  # no form to type into

    # ---- verified and approved (issue 6's workflow, through the services): the derived one follows
    for realization in Realization.objects.filter(kpi__cascaded_from__cascade__parent=world.kasi_kpi):
        reporting.verify_realization(realization=realization, by=kpp.manager)
        reporting.approve_realization(realization=realization, by=world.leader)
    derived.refresh_from_db()
    assert derived.value == D(105) and derived.state == RealizationState.APPROVED

    # ---- Andi's personal scorecard for January
    sign_in(page, live_server, world.user(andi))
    page.goto("/kontrak/saya/")
    click_and_wait(
        page, page.get_by_role("navigation", name="Periode").get_by_role("link", name="Januari 2026")
    )
    row = page.locator("tbody tr").filter(has_text="S1.1")
    assert [text(cell) for cell in row.locator("td").all()][3:10] == [
        "100%",  # weight
        "41,67",  # January's target: his 500 a year over twelve months
        "45 Disetujui",
        "108,00",  # index 45 / 41.67
        "1,075",  # K3
        "31",  # days of the contract up to January's end
        "100%",
    ]
    score = page.locator("section", has=page.get_by_role("heading", name="Nilai hasil kerja (NHK)"))
    assert text(score.locator(".stat")).startswith("116,10")  # min(cap, 108 × 1.075)
    scorecard_picture = screenshot(page, tmp_path, "contract-e2e-scorecard.png")
    assert alignment_picture.exists() and scorecard_picture.exists()
    assert page.kinerja_errors == []
