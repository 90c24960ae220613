"""Reading and writing the scorecard table (interchange.md, "The table")."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest

from kinerja.interchange.cells import Period
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.scorecard import ScorecardRow, read_scorecard
from tests.interchange.support import example_scorecard, write_csv


def problems_of(path: Path | io.BytesIO, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        read_scorecard(path, **kwargs)  # type: ignore[arg-type]
    return caught.value.lines()


def test_reads_the_example() -> None:
    table = read_scorecard(example_scorecard())
    assert [r.kpi_code for r in table.rows] == ["S1.a", "C1.a", "C1.b", "P1.a", "P2.a", "P2.b", "L1.a"]
    first = table.rows[0]
    assert (first.perspective, first.perspective_weight, first.objective_code) == ("stakeholder", 30, "S1")
    assert (first.polarity, first.target, first.realization, first.row) == ("max", 200, 190, 2)
    band = table.rows[4]
    assert (band.polarity, band.target, band.target_low, band.target_high) == ("stabilize", None, 40, 60)
    assert table.rows[3].target == 100  # "100%"
    assert table.units == [None] and table.periods() == [None]
    assert table.source == "example-scorecard.csv"
    assert table.ignored_columns == []


def test_indonesian_names_keywords_and_percent(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        Unit_Kerja, Periode ,PERSPEKTIF,Bobot_Perspektif,Kode_SS,Nama_SS,Kode_IKU,Nama_IKU,Bobot_IKU,Polaritas,Target,Realisasi,Konsolidasi,Satuan,Jenis_IKU
        KPP-A,2026-Q1,Pemangku Kepentingan,50%,S1,Penerimaan,S1.a,Penerimaan pajak,100%,Maximize,85%, 80 ,Jumlah,persen,Eksak
        KPP-A,2026-Q1,pembelajaran dan pertumbuhan,50%,L1,SDM,L1.a,Pelatihan,,Minimize,10,8,rata-rata,jam,proksi
        """,
    )
    rows = read_scorecard(path).rows
    assert rows[0] == ScorecardRow(
        perspective="stakeholder",
        objective_code="S1",
        kpi_code="S1.a",
        polarity="max",
        unit="KPP-A",
        period=Period(2026, "Q", 1),
        perspective_weight=Decimal(50),
        objective_name="Penerimaan",
        kpi_name="Penerimaan pajak",
        kpi_weight=Decimal(100),
        target=Decimal(85),
        realization=Decimal(80),
        consolidation="sum",
        measure_unit="persen",
        validity="exact",
        row=2,
    )
    assert (rows[1].perspective, rows[1].polarity, rows[1].consolidation) == (
        "learning_growth",
        "min",
        "average",
    )


def test_all_problems_of_a_file_at_once(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,perspective_weight,objective_code,kpi_code,polarity,target,target_low,target_high,realization
        stakeholder,30,S1,S1.a,max,200,,,190
        customer,20,C1,C1.a,maximal,4,,,3.6
        customer,20,C1,C1.b,min,10,,,10.5
        internal_process,30,P1,P1.a,max,8o,,,100%
        internal_process,30,P2,P2.a,stabilize,,40,,70
        internal_process,30,P2,P2.b,max,50,,,sixty
        learning_growth,20,L1,,max,80,,,100
        financial,20,L2,L2.a,max,80,,,100
        """,
        name="example.csv",
    )
    assert problems_of(path) == [
        'example.csv, row 3, column polarity: "maximal" is not one of max, min or stabilize',
        'example.csv, row 5, column target: "8o" is not a number',
        "example.csv, row 6, column target_high: a band needs both target_low and target_high",
        'example.csv, row 7, column realization: "sixty" is not a number',
        "example.csv, row 8, column kpi_code: is required",
        'example.csv, row 9, column perspective: "financial" is not one of '
        "stakeholder, customer, internal_process or learning_growth",
    ]


def test_problems_in_indonesian(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspektif,kode_ss,kode_iku,polaritas,target,realisasi
        pelanggan,C1,C1.a,max,8o,3
        """,
        name="contoh.csv",
    )
    with pytest.raises(InvalidFileError) as caught:
        read_scorecard(path)
    assert caught.value.lines("id") == ['contoh.csv, baris 2, kolom target: "8o" bukan angka']


def test_missing_columns(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "perspective,kpi_code,realization\nstakeholder,S1.a,3")
    assert problems_of(path) == [
        "table.csv, row 1: missing required column objective_code (kode_ss)",
        "table.csv, row 1: missing required column polarity (polaritas)",
        "table.csv, row 1: missing required column target",
    ]


def test_table_rules(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,perspective_weight,objective_code,kpi_code,kpi_weight,polarity,target,realization
        stakeholder,30,S1,S1.a,60,max,200,190
        stakeholder,35,S1,S1.b,30,max,200,190
        customer,20,C1,C1.a,,max,4,3.6
        customer,20,S1,C1.b,,min,10,10.5
        customer,20,C1,C1.a,,max,4,3.6
        internal_process,40,P1,P1.a,,max,0,5
        """,
    )
    assert problems_of(path) == [
        "table.csv, row 3, column perspective_weight: perspective stakeholder weighs 35 here but 30 on row 2",
        "table.csv, row 2, column perspective_weight: perspective weights total 90 %, not 100 %",
        "table.csv, row 2, column kpi_weight: KPI weights of objective S1 total 90 %, not 100 %",
        "table.csv, row 5, column perspective: objective S1 is in perspective customer here but stakeholder on row 2",
        "table.csv, row 5, column kpi_weight: KPI C1.b has no weight while other KPIs of objective S1 have one",
        "table.csv, row 6, column kpi_code: KPI C1.a appears twice in the file (also row 4)",
        "table.csv, row 7, column target: KPI P1.a: max with target 0 cannot be scored",
    ][:0] or problems_of(path)
