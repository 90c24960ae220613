"""The KPI manual booklet of a unit and year as PDF (issue 14 item 4): a cover, a contents page with the page of
each manual, every KPI's manual with every field on a page of its own, page numbers; the user's language; the
map's read rule; a fixed number of queries whatever the number of KPIs."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from kinerja.accounts.models import Role
from kinerja.dashboards import booklet
from kinerja.planning.models import Kpi, MapState
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def pdf_pages(pdf: bytes, tmp_path: Any) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed), whitespace flattened."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    path = tmp_path / "booklet.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, check=True, timeout=60)
    pages = out.stdout.decode("utf-8").split("\f")
    return [" ".join(p.split()) for p in pages if p.strip()]


def manual_kpis(world: Any) -> list[Kpi]:
    """Every KPI of the world's map with a manual of its own (distinct text in every free field), plus two
    more: P2.1 (minimise, a position as owner) and P10.1 (natural order: after P2)."""
    m = world.map
    p2 = b.objective(m, "internal_process", "P2", "Pengawasan yang efektif")
    p10 = b.objective(m, "internal_process", "P10", "Layanan digital yang andal")
    b.kpi(
        p2,
        "P2.1",
        polarity="min",
        target=D(5),
        frequency="semester",
        consolidation="average",
        worst=D(12),
        baseline=D(7),
        mandatory=True,
        evidence_required=True,
        weight=D(60),
        lead_lag="lead",
        validity="exact",
        controllability="high",
    )
    b.kpi(p10, "P10.1", frequency="yearly", cap_on_target=True)
    kpis = list(Kpi.objects.filter(objective__map=m).select_related("objective").order_by("pk"))
    for kpi in kpis:
        kpi.name_en = f"Indicator {kpi.code} in English"
        kpi.description = f"Deskripsi khusus {kpi.code} untuk manual"
        kpi.formula = f"Rumus {kpi.code} = realisasi / target × 100%"
        kpi.data_source = f"Aplikasi sumber {kpi.code}"
        kpi.measured_by = f"Seksi pengukur {kpi.code}"
        kpi.owner_text = f"Penanggung jawab {kpi.code}"
        kpi.unit_of_measure = "%"
        kpi.save()
    return kpis


def download(client: Any, user: Any, strategy_map: Any, lang: str = "") -> Any:
    client.force_login(user)
    url = reverse("dashboards:kpi-booklet", args=[strategy_map.pk]) + (f"?lang={lang}" if lang else "")
    return client.get(url)


def test_every_kpi_of_the_map_has_its_own_page_with_every_field(client, world, tmp_path):
    kpis = manual_kpis(world)
    with translation.override("id"):
        response = download(client, world.employee, world.map)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="manual-iku-kpp-a-2026.pdf"' in response["Content-Disposition"]
        pages = pdf_pages(response.content, tmp_path)

        cover, contents, sheets = pages[0], pages[1], pages[2:]
        assert "MANUAL INDIKATOR KINERJA UTAMA" in cover and "KPP-A" in cover and "TAHUN 2026" in cover
        assert "KMK 467/KMK.01/2014" in cover  # the plan year's rule set
        assert "DAFTAR ISI" in contents
        assert len(sheets) == len(kpis) == 4  # one page each
        # in perspective order, then natural code order: P2.1 before P10.1
        order = [re.search(r"MANUAL IKU (\S+)", page).group(1) for page in sheets]
        assert order == ["S1.1", "C1.1", "P2.1", "P10.1"]
        for kpi, page in zip(sorted(kpis, key=lambda k: order.index(k.code)), sheets, strict=True):
            expected = [
                kpi.code,
                kpi.name_id,
                kpi.name_en,
                f"{kpi.objective.code} {kpi.objective.name_id}",
                kpi.description,
                kpi.formula,
                kpi.data_source,
                kpi.measured_by,
                kpi.owner_text,
                str(kpi.get_polarity_display()),
                str(kpi.get_consolidation_display()),
                str(kpi.get_frequency_display()),
                str(kpi.get_validity_display()),
                str(kpi.get_controllability_display()),
                str(kpi.get_lead_lag_display()),
            ]
            for text in expected:
                assert text in page, (kpi.code, text)
            for label in (
                "Perspektif",
                "Satuan pengukuran",
                "Jenis IKU",
                "Tingkat kendali IKU",
                "Leading/lagging",
                "Periode pelaporan",
                "Sumber data",
                "Pihak yang mengukur",
                "Penanggung jawab",
                "Baseline",
                "Target tahunan",
                "Target per periode",
                "Nilai terburuk yang dapat ditoleransi",
                "Wajib data dukung",
                "Bobot dalam SS",
            ):
                assert label in page, (kpi.code, label)


def test_the_manual_shows_targets_per_period_and_the_flags(client, world, tmp_path):
    manual_kpis(world)
    with translation.override("id"):
        pages = pdf_pages(download(client, world.employee, world.map).content, tmp_path)
    p2 = next(p for p in pages[2:] if "MANUAL IKU P2.1" in p)
    assert "Minimal" in p2 or "minimal" in p2.lower()
    assert "S1: 5 · S2: 5" in p2  # the trajectory, per semester
    assert "Nilai terburuk yang dapat ditoleransi 12" in p2 and "Baseline 7" in p2
    assert "IKU mandatory Ya" in p2 and "Wajib: pengajuan tanpa data dukung ditolak" in p2
    assert "Bobot dalam SS 60%" in p2
    monthly = next(p for p in pages[2:] if "MANUAL IKU C1.1" in p)
    assert "B1: 10" in monthly and "B12: 10" in monthly  # twelve months
    p10 = next(p for p in pages[2:] if "MANUAL IKU P10.1" in p)
    assert "Target adalah capaian maksimal Ya" in p10


def test_the_contents_lists_every_kpi_with_the_page_of_its_manual(client, world, tmp_path):
    kpis = manual_kpis(world)
    with translation.override("id"):
        pages = pdf_pages(download(client, world.employee, world.map).content, tmp_path)
    contents = pages[1]
    for kpi in kpis:
        page = next(n for n, text in enumerate(pages, start=1) if f"MANUAL IKU {kpi.code} " in text)
        found = re.search(rf"{re.escape(kpi.code)} {re.escape(kpi.name_id)}[ .]*?(\d+)", contents)
        assert found, kpi.code
        assert int(found.group(1)) == page, kpi.code
    # objectives and perspectives head their KPIs
    assert contents.index("Pemangku Kepentingan") < contents.index("S1 ") < contents.index("S1.1")
    assert contents.index("P2 Pengawasan yang efektif") < contents.index("P10 Layanan digital yang andal")
    # every page but the cover is numbered "Halaman n dari N"
    total = len(pages)
    for n, text in enumerate(pages[1:], start=2):
        assert f"Halaman {n} dari {total}" in text


def test_english_on_request_and_by_the_users_language(client, world, tmp_path):
    manual_kpis(world)
    pages = pdf_pages(download(client, world.employee, world.map, lang="en").content, tmp_path)
    assert "Indicator S1.1 in English" in pages[1]  # the contents in English names
    assert "Stakeholder" in pages[1]
    with translation.override("id"):
        pages = pdf_pages(download(client, world.employee, world.map).content, tmp_path)
    assert "Indicator S1.1 in English" not in pages[1] and "Pemangku Kepentingan" in pages[1]


def test_a_map_not_approved_is_marked_as_a_draft(client, org, world, tmp_path):
    draft = b.bare_map(org.kpp_a, 2027, MapState.DRAFT)
    b.kpi(b.objective(draft, "stakeholder", "S1"), "S1.1")
    with translation.override("id"):
        pages = pdf_pages(download(client, world.manager, draft).content, tmp_path)
    assert "KONSEP" in pages[0] and "KONSEP" in pages[2]
    with translation.override("id"):
        approved = pdf_pages(download(client, world.manager, world.map).content, tmp_path)
    assert "KONSEP" not in " ".join(approved)


def test_a_map_without_kpis_still_has_a_cover_and_contents(client, org, world, tmp_path):
    empty = b.bare_map(org.kpp_a, 2027, MapState.APPROVED)
    b.objective(empty, "stakeholder", "S1", "Penerimaan yang optimal")
    with translation.override("id"):
        pages = pdf_pages(download(client, world.manager, empty).content, tmp_path)
    assert len(pages) == 2
    assert "Belum ada IKU." in pages[1]


def _queries(client: Any, user: Any, strategy_map: Any) -> int:
    client.force_login(user)
    url = reverse("dashboards:kpi-booklet", args=[strategy_map.pk])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_query_count_does_not_grow_with_the_kpis(client, world, django_assert_max_num_queries):
    small = _queries(client, world.employee, world.map)
    objective = b.objective(world.map, "learning_growth", "L9", "SDM yang kompeten")
    for n in range(1, 13):
        b.kpi(objective, f"L9.{n}", frequency="monthly", consolidation="sum", owner_text=f"Seksi {n}")
    large = _queries(client, world.employee, world.map)
    assert large == small
    with django_assert_max_num_queries(14):
        download(client, world.employee, world.map)


def test_only_readers_of_the_map(client, org, world, make_user):
    url = reverse("dashboards:kpi-booklet", args=[world.map.pk])
    client.force_login(world.outsider)  # KPP-B's manager: KPP-A's map does not exist for them
    assert client.get(url).status_code == 404
    client.force_login(world.auditor)
    assert client.get(url).status_code == 200
    # an approved map is read from the units below it (offices read the maps they cascade from)
    client.force_login(make_user(org.section_a, Role.EMPLOYEE))
    assert client.get(url).status_code == 200
    # … but not its drafts, which only the unit's own roles read
    draft_url = reverse("dashboards:kpi-booklet", args=[b.bare_map(org.kpp_a, 2027, MapState.DRAFT).pk])
    assert client.get(draft_url).status_code == 404
    client.force_login(world.employee)
    assert client.get(draft_url).status_code == 200
    client.force_login(make_user(org.kpp_b, Role.LEADER))
    assert client.get(draft_url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_the_booklet_is_linked_from_the_map_and_the_kpi_list(client, world):
    client.force_login(world.employee)
    url = reverse("dashboards:kpi-booklet", args=[world.map.pk])
    assert url in client.get(reverse("strategy:map", args=[world.map.pk])).content.decode()
    assert url in client.get(reverse("kpis:index")).content.decode()


def test_the_build_orders_codes_naturally(world):
    manual_kpis(world)
    built = booklet.build(world.map)
    internal = next(p for p in built.contents if p.perspective.code == "internal_process")
    assert [o.objective.code for o in internal.objectives] == ["P2", "P10"]
    assert [s.kpi.code for s in built.sheets][:2] == ["S1.1", "C1.1"]


def test_the_pages_rendered_to_png_are_a4_portrait_and_not_blank(client, world, tmp_path):
    """The booklet as a person sees it (pdftoppm, 60 dpi): every page A4 portrait, with ink on it."""
    image = pytest.importorskip("PIL.Image")
    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils is not installed")
    manual_kpis(world)
    (tmp_path / "booklet.pdf").write_bytes(download(client, world.employee, world.map).content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(tmp_path / "booklet.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pngs = sorted(tmp_path.glob("page*.png"))
    assert len(pngs) == 2 + 4  # cover, contents, four manuals
    for png in pngs:
        page = image.open(png).convert("L")
        assert abs(page.height / page.width - 297 / 210) < 0.01
        histogram = page.histogram()  # pixels per grey level, 0 (black) … 255 (white)
        assert sum(histogram[:128]) > 500, png.name
