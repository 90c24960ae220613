"""Importing realizations (interchange.md): dry run with every error, all or nothing, closed periods refused."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from kinerja.reporting import exporting, services
from kinerja.reporting.models import Realization

from .conftest import enter, pdf

D = Decimal
pytestmark = pytest.mark.django_db


def xlsx(rows: list[list[object]]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def csv_file(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode())


def run(world, source, name="realisasi.xlsx", dry_run=False, by=None, **kwargs):
    return services.import_realizations(
        source=source,
        name=name,
        strategy_map=kwargs.pop("strategy_map", world.map),
        dry_run=dry_run,
        by=by or world.employee,
        **kwargs,
    )


def test_a_dry_run_lists_every_error_and_writes_nothing(world):
    submitted = enter(world, world.quarterly, "2026-Q3", "90")
    services.add_evidence(realization=submitted, upload=pdf(), by=world.employee)
    services.submit_realization(realization=submitted, by=world.employee)
    services.close_period(period=world.period("2026-Q2"), by=world.mko)
    before = list(Realization.objects.values_list("pk", "value", "state"))
    source = xlsx(
        [
            ["Kode IKU", "Periode", "Realisasi", "Analisis"],
            ["S1.1", "2026-Q1", "8o", ""],
            ["X9", "2026-Q1", 5, ""],
            ["S1.1", "2026-Q2", 95, ""],
            ["C1.1", "2026-Q1", 30, ""],
            ["S1.1", "2025-Q1", 80, ""],
            ["C1.1", "2026-01", 10, "ok"],
            ["C1.1", "2026-01", 11, ""],
            ["S1.1", "2026-Q3", 91, ""],
            ["C1.1", "bulan 2", 10, ""],
        ]
    )
    for dry_run in (True, False):
        source.seek(0)
        result = run(world, source, dry_run=dry_run)
        found = [(p.row, p.column, p.message) for p in result.problems]
        assert [(row, column) for row, column, _ in found] == [
            (2, "Realisasi"),
            (3, "Kode IKU"),
            (4, "Periode"),
            (5, "Periode"),
            (6, "Periode"),
            (8, "Kode IKU"),
            (9, "Realisasi"),
            (10, "Periode"),
        ], found
        messages = dict(((row, message) for row, _, message in found))
        assert messages[2] == '"8o" bukan angka'
        assert "IKU X9 tidak ada pada peta" in messages[3]
        assert (
            messages[4]
            == "periode Triwulan II 2026 (2026-Q2) sudah ditutup; realisasinya tidak dapat diimpor"
        )
        assert "dilaporkan bulanan" in messages[5]
        assert "bukan periode tahun rencana 2026" in messages[6]
        assert "muncul dua kali (juga baris 7)" in messages[8]
        assert "sudah berstatus Diajukan" in messages[9]
        assert not result.written and not result.ok
        assert list(Realization.objects.values_list("pk", "value", "state")) == before


def test_an_import_of_a_closed_period_is_refused_with_a_clear_message(world):
    services.close_period(period=world.period("2026-Q1"), by=world.mko)
    result = run(world, csv_file("kpi_code,period,realization\nS1.1,2026-Q1,90\n"), name="r.csv")
    assert [p.text() for p in result.problems] == [
        "baris 2, kolom period: periode Triwulan I 2026 (2026-Q1) sudah ditutup; realisasinya tidak dapat diimpor"
    ]
    assert not Realization.objects.exists()


def test_a_good_file_is_written_all_at_once_as_drafts(world, django_capture_on_commit_callbacks):
    source = xlsx(
        [
            ["kpi_code", "period", "realization", "analysis", "index"],
            ["S1.1", "2026-Q1", 90, "Sesuai rencana", 90],
            ["C1.1", "2026-01", "10.5", "", None],
            ["C1.1", "2026-02", None, "", None],  # blank: not reported, skipped
            ["C1.1", "2026-03", "85%", "", None],
        ]
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = run(world, source)
    assert result.ok and result.written
    assert (result.created, result.updated, result.skipped) == (3, 0, 1)
    values = dict(Realization.objects.values_list("period__start__month", "value").filter(kpi=world.monthly))
    assert values == {1: D("10.5"), 3: D(85)}
    q1 = Realization.objects.get(kpi=world.quarterly)
    assert (q1.state, q1.analysis, q1.created_by) == ("draft", "Sesuai rencana", world.employee)
    assert q1.history.count() == 1 and q1.history.first().history_user == world.employee
    assert callbacks  # the scores are recomputed after commit

    again = run(
        world,
        xlsx([["kpi_code", "period", "realization"], ["S1.1", "2026-Q1", 92], ["C1.1", "2026-01", 10.5]]),
    )
    assert (again.created, again.updated, again.unchanged) == (0, 1, 1)
    q1.refresh_from_db()
    assert (q1.value, q1.analysis) == (D(92), "Sesuai rencana")  # no analysis column: the analysis is kept


def test_a_dry_run_of_a_good_file_writes_nothing(world):
    result = run(
        world, csv_file("kpi_code,period,realization\nS1.1,2026-Q1,90\n"), name="r.csv", dry_run=True
    )
    assert result.ok and result.created == 1 and not result.written
    assert not Realization.objects.exists()


def test_the_template_round_trip(world):
    periods = [world.period("2026-Q1"), world.period("2026-01")]
    content = exporting.entry_template(world.map, periods, "xlsx")
    book = load_workbook(io.BytesIO(content))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["unit", "period", "perspective", "objective_code", "kpi_code"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[4], r[7]) for r in rows] == [("2026-01", "C1.1", 10), ("2026-Q1", "S1.1", 100)]
    column = header.index("realization") + 1
    for number in range(2, sheet.max_row + 1):
        sheet.cell(row=number, column=column, value=42)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    result = run(world, out, name="templat.xlsx")
    assert result.ok and result.created == 2, [p.text() for p in result.problems]


def test_who_may_import(world):
    with pytest.raises(PermissionDenied):
        run(world, csv_file("kpi_code,period,realization\nS1.1,2026-Q1,90\n"), name="r.csv", by=world.auditor)
    with pytest.raises(PermissionDenied):
        run(
            world, csv_file("kpi_code,period,realization\nS1.1,2026-Q1,90\n"), name="r.csv", by=world.outsider
        )


def test_a_file_for_several_units_by_plan_year(world, make_user, org):
    text = "unit,kpi_code,period,realization\nKPP-A,S1.1,2026-Q1,90\nKPP-B,S1.1,2026-Q1,40\nKPP-C,S1.1,2026-Q1,1\n"
    result = services.import_realizations(
        source=csv_file(text), name="r.csv", plan_year=world.year, by=world.employee
    )
    assert [(p.row, p.column) for p in result.problems] == [(3, "unit"), (4, "unit")]
    kanwil_manager = make_user(org.kanwil, "manager")
    result = services.import_realizations(
        source=csv_file(text.replace("KPP-C,S1.1,2026-Q1,1\n", "")),
        name="r.csv",
        plan_year=world.year,
        by=kanwil_manager,
    )
    assert result.written and result.created == 2


def test_unreadable_and_headerless_files(world):
    result = run(world, csv_file("kode,nilai\nS1.1,90\n"), name="r.csv")
    assert [p.message for p in result.problems][:1] == ["kolom wajib period (periode) tidak ada"]
    result = run(world, io.BytesIO(b"PK\x03\x04 not really"), name="r.xlsx")
    assert result.problems and not result.written


def test_values_are_read_as_people_write_them_and_too_large_ones_refused(world):
    """Issue 10 items 5-6: `85,5` and `85%` read as the forms read them; a number too large for the column
    (or with more decimals than it keeps) is a row/column problem, never a database error."""
    accepted = run(
        world, csv_file('kode_iku,periode,realisasi\nS1.1,2026-Q1,"85,5"\nC1.1,2026-01,85%\n'), name="r.csv"
    )
    assert accepted.ok and accepted.written, accepted.problems
    values = dict(Realization.objects.values_list("kpi__code", "value"))
    assert values == {"S1.1": D("85.5"), "C1.1": D(85)}
    refused = run(
        world,
        csv_file(
            "kode_iku,periode,realisasi\nS1.1,2026-Q2,99999999999999999999999999\nC1.1,2026-02,1.1234567\n"
        ),
        name="r.csv",
    )
    assert [(p.row, p.column) for p in refused.problems] == [(2, "realisasi"), (3, "realisasi")]
    assert not refused.written and Realization.objects.count() == 2
