"""The monthly performance report (issue 14 item 3): gathering, PDF, Excel, query ceiling.

World (tests/reporting/conftest.py): KPP-A's map with S1.1 (quarterly, target 100, last value) and C1.1
(monthly, 10 a month, summed); KPP-B's map; KANWIL above both. The report for March 2026: S1.1 reported 50
for Q1 (red, with an analysis), C1.1 approved for January and February and only a draft for March.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from kinerja.dashboards import monthly_pdf, monthly_xlsx
from kinerja.dashboards.monthly_report import MISSING, YearContext, gather, gather_many
from kinerja.meetings.models import Action, ActionState
from kinerja.planning.models import Initiative, Milestone, ProgressReport
from kinerja.reporting.models import RealizationState
from tests.planning import builders as b

from .conftest import realize, score

D = Decimal
TODAY = dt.date(2026, 4, 20)
ANALYSIS = "Penerimaan turun karena restitusi besar pada bulan Maret."


@pytest.fixture
def march(world, org, employee_in):
    """KPP-A's March 2026: a red KPI with its analysis, missing data, an initiative, follow-ups; scored."""
    red = realize(world, world.quarterly, "2026-Q1", 50)
    red.analysis = ANALYSIS
    red.save()
    realize(world, world.monthly, "2026-01", 10)
    realize(world, world.monthly, "2026-02", 11)
    realize(world, world.monthly, "2026-03", 9, state=RealizationState.DRAFT)
    owner = employee_in(org.kpp_a, name="Rina Kartika")
    Action.objects.create(
        unit=org.kpp_a, description="Percepat penagihan tunggakan", owner=owner, due_date=dt.date(2026, 4, 10)
    )
    Action.objects.create(
        unit=org.kpp_a,
        description="Susun rencana sosialisasi",
        due_date=dt.date(2026, 6, 1),
        state=ActionState.IN_PROGRESS,
    )
    Action.objects.create(unit=org.kpp_a, description="Sudah selesai", state=ActionState.DONE)
    Action.objects.create(unit=org.kpp_b, description="Milik KPP B", due_date=dt.date(2026, 4, 1))
    initiative = Initiative.objects.create(map=world.map, code="IS1", name_id="Digitalisasi layanan")
    Milestone.objects.create(initiative=initiative, name="Uji coba", due_date=dt.date(2026, 3, 15))
    Milestone.objects.create(
        initiative=initiative,
        name="Kajian",
        due_date=dt.date(2026, 2, 1),
        done=True,
        done_on=dt.date(2026, 2, 1),
    )
    ProgressReport.objects.create(
        initiative=initiative, date=dt.date(2026, 3, 20), percent=D(40), note="Berjalan"
    )
    ProgressReport.objects.create(
        initiative=initiative, date=dt.date(2026, 4, 15), percent=D(60)
    )  # after March
    period = world.period("2026-03")
    score(world.map, period)
    return period


def _report(world, period, **kwargs):
    context = YearContext.load(period.plan_year_id, today=TODAY)
    return gather(world.map, period, context=context, **kwargs)


def test_gathering_red_kpi_analysis_missing_data_and_follow_ups(world, march, org):
    with translation.override("id"):
        report = _report(world, march)
    assert report.unit == org.kpp_a
    assert report.scored and report.nko is not None and not report.complete
    s11 = next(k for k in report.kpis if k.code == "S1.1")
    assert s11.status == "red" and s11.index == D(50)
    assert [k.code for k in report.off_target] == ["S1.1"]
    assert report.off_target[0].analysis == ANALYSIS
    # missing data: C1.1 March is only a draft (the sum reads every month so far; Jan and Feb are approved)
    assert [(m.kpi_code, m.period.label, m.state) for m in report.missing] == [("C1.1", "2026-03", "draft")]
    # the open follow-ups of KPP-A only, the overdue one first
    assert [(a.description, a.overdue) for a in report.follow_ups] == [
        ("Percepat penagihan tunggakan", True),
        ("Susun rencana sosialisasi", False),
    ]
    assert report.follow_ups[0].owner == "Rina Kartika"
    # the initiative as of 31 March: late (a milestone due 15 March not done), the March progress report
    (initiative,) = report.initiatives
    assert initiative.late and initiative.late_milestones == ("Uji coba",)
    assert initiative.progress == D(40) and (initiative.milestones_done, initiative.milestones_total) == (
        1,
        2,
    )
    # the NKO trend: every month of the year, March scored, the others gaps (never 0)
    assert len(report.trend) == 12
    assert [p.value is not None for p in report.trend][:4] == [False, False, True, False]
    assert report.trend[2].current
    # the sparkline of C1.1: counted months only, against the trajectory
    c11 = next(k for k in report.kpis if k.code == "C1.1")
    assert [(p.value, p.target) for p in c11.trend[:4]] == [
        (D(10), D(10)),
        (D(11), D(10)),
        (None, D(10)),
        (None, D(10)),
    ]
    assert not report.has_below and report.below == []


def test_missing_data_lists_kpis_not_entered(world, org):
    period = world.period("2026-02")
    report = _report(world, period)
    assert {(m.kpi_code, m.period.label, m.state) for m in report.missing} == {
        ("C1.1", "2026-01", MISSING),
        ("C1.1", "2026-02", MISSING),
    }
    assert not report.scored and report.nko is None
    assert {k.code for k in report.kpis} == {"S1.1", "C1.1"}  # the live KPIs, without figures


def test_a_unit_with_units_below_ranks_them(world, org, kanwil_map):
    period = world.period("2026-03")
    realize(world, world.quarterly, "2026-Q1", 100)
    score(world.map, period)
    context = YearContext.load(period.plan_year_id, today=TODAY)
    report = gather(kanwil_map, period, context=context)
    assert report.has_below
    assert [(r.unit.code, r.rank) for r in report.below] == [("KPP-A", 1), ("KPP-B", None)]


@pytest.mark.parametrize("kpis", [2, 40])
def test_gathering_costs_a_fixed_number_of_queries(world, org, kpis, django_assert_max_num_queries):
    objective = b.objective(world.other_map, "customer", "C9")
    for n in range(kpis):
        b.kpi(objective, f"C9.{n}", frequency="monthly", consolidation="sum", target=D(12))
    period = world.period("2026-03")
    score(world.map, period)
    score(world.other_map, period)
    context = YearContext.load(period.plan_year_id, today=TODAY)
    maps = [m for m in context.maps if m.pk in (world.map.pk, world.other_map.pk)]
    with django_assert_max_num_queries(12):
        reports = gather_many(maps, period, context=context)
    assert len(reports[1].kpis) == kpis + 1


def _text(pdf: bytes, tmp_path: Path) -> str:
    source = tmp_path / "report.pdf"
    source.write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_holds_the_figures_and_renders_to_png(world, march, tmp_path):
    with translation.override("id"):
        report = _report(world, march)
        pdf = monthly_pdf.render_pdf(report)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf, tmp_path)
    assert "LAPORAN KINERJA BULANAN" in text
    assert "KPP Pratama A" in text and "Maret 2026" in text
    assert "S1.1" in text and "C1.1" in text
    assert "restitusi besar" in text  # the red KPI's analysis
    assert "Percepat penagihan tunggakan" in text and "Digitalisasi layanan" in text
    assert "Halaman 1 dari" in text
    if shutil.which("pdftoppm"):
        (tmp_path / "report.pdf").write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", str(tmp_path / "report.pdf"), str(tmp_path / "p")], check=True
        )
        pages = sorted(tmp_path.glob("p-*.png"))
        assert pages and all(p.stat().st_size > 5000 for p in pages)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_pdf_in_english(world, march, tmp_path):
    with translation.override("en"):
        report = _report(world, march)
        text = _text(monthly_pdf.render_pdf(report), tmp_path)
    assert "Tax Office A" in text and "March 2026" in text


def test_excel_holds_the_same_tables(world, march):
    from openpyxl import load_workbook

    with translation.override("id"):
        report = _report(world, march)
        book = load_workbook(io.BytesIO(monthly_xlsx.render_xlsx(report)))
    assert book.sheetnames[:4] == ["Ringkasan", "Perspektif", "IKU", "Tren IKU"]
    kpis = {row[0]: row for row in book["IKU"].iter_rows(min_row=2, values_only=True)}
    assert set(kpis) == {"S1.1", "C1.1"}
    assert kpis["S1.1"][9] == 50 and kpis["S1.1"][10] == "merah"
    red_row = next(r for r in book["IKU"].iter_rows(min_row=2) if r[0].value == "S1.1")
    assert red_row[10].fill.fgColor.rgb.endswith("FFCDD2")
    analysis = list(book["Analisis"].iter_rows(min_row=2, values_only=True))
    assert analysis[0][0] == "S1.1" and analysis[0][5] == ANALYSIS
    missing = list(book["Data belum lengkap"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[4]) for r in missing] == [("C1.1", "Konsep")]
    follow = [r[0] for r in book["Tindak lanjut"].iter_rows(min_row=2, values_only=True)]
    assert follow == ["Percepat penagihan tunggakan", "Susun rencana sosialisasi"]
    summary = {r[0]: r[1] for r in book["Ringkasan"].iter_rows(min_row=2, max_row=14, values_only=True)}
    assert summary["NKO"] == float(round(report.nko, 2))


def test_formula_like_text_stays_text(world, march, org):
    from openpyxl import load_workbook

    Action.objects.create(unit=org.kpp_a, description='=HYPERLINK("http://x")', due_date=dt.date(2026, 5, 1))
    report = _report(world, march)
    book = load_workbook(io.BytesIO(monthly_xlsx.render_xlsx(report)))
    cells = [r[0] for r in book["Tindak lanjut"].iter_rows(min_row=2)]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
