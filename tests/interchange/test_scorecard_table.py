"""Reading and writing the scorecard table (interchange.md, "The table")."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kinerja.interchange.cells import Period
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.scorecard import ScorecardRow, read_scorecard, write_scorecard
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
        "table.csv, row 2, column perspective_weight: perspective weights total 90 %, not 100 %",
        "table.csv, row 3, column perspective_weight: perspective stakeholder weighs 35 here but 30 on row 2",
        "table.csv, row 5, column perspective: objective S1 is in perspective customer here but stakeholder on row 2",
        "table.csv, row 5, column kpi_weight: KPI C1.b has no weight while other KPIs of objective S1 have one",
        "table.csv, row 6, column kpi_code: KPI C1.a appears twice in the file (also row 4)",
        "table.csv, row 7, column target: KPI P1.a: polarity max with target 0 cannot be scored (R / 0)",
    ]


@pytest.mark.parametrize(
    ("rows", "problems"),
    [
        # a unit's KPIs in two runs: fine, and a code given in both runs found
        (["U1,S1.a", "U2,S1.a", "U1,S1.b"], []),
        (
            ["U1,S1.a", "U2,S1.a", "U1,S1.a"],
            ["table.csv, row 4, column kpi_code: KPI S1.a appears twice in unit U1 (also row 2)"],
        ),
    ],
)
def test_a_kpi_twice_is_found_wherever_its_rows_are(
    tmp_path: Path, rows: list[str], problems: list[str]
) -> None:
    path = write_csv(
        tmp_path,
        "unit,perspective,objective_code,kpi_code,polarity,target,realization\n"
        + "\n".join(
            f"{unit_code.split(',')[0]},stakeholder,S1,{unit_code.split(',')[1]},max,100,95"
            for unit_code in rows
        ),
    )
    if problems:
        assert problems_of(path) == problems
    else:
        table = read_scorecard(path)
        assert [(r.unit, r.kpi_code) for r in table.rows] == [("U1", "S1.a"), ("U2", "S1.a"), ("U1", "S1.b")]


def test_weights_totals(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,perspective_weight,objective_code,kpi_code,kpi_weight,polarity,target,realization
        stakeholder,50,S1,S1.a,60,max,200,190
        stakeholder,50,S1,S1.b,30,max,200,190
        customer,40,C1,C1.a,,max,4,3.6
        """,
    )
    assert problems_of(path) == [
        "table.csv, row 2, column perspective_weight: perspective weights total 90 %, not 100 %",
        "table.csv, row 2, column kpi_weight: KPI weights of objective S1 total 90 %, not 100 %",
    ]


@pytest.mark.parametrize(
    ("cells", "problem"),
    [
        (
            "min,0,,,,5",
            "column worst: KPI X.1: polarity min with target 0 needs the worst tolerable value (worst)",
        ),
        ("stabilize,,60,40,,50", "column target_low: KPI X.1: band 60..40: target_low is above target_high"),
        ("stabilize,,0,40,,50", "column target_low: KPI X.1: band 0..40: bounds must be positive"),
        (
            "max,,40,60,,50",
            "column target_low: KPI X.1: a band target_low..target_high is only for polarity stabilize",
        ),
        ("max,,,,,50", "column target: KPI X.1: a target (or a band target_low..target_high) is required"),
        ("stabilize,50,40,60,,50", "column target: KPI X.1: give either a target or a band, not both"),
    ],
)
def test_polarity_fits_the_target(tmp_path: Path, cells: str, problem: str) -> None:
    path = write_csv(
        tmp_path,
        f"""
        perspective,objective_code,kpi_code,polarity,target,target_low,target_high,worst,realization
        stakeholder,X,X.1,{cells}
        """,
    )
    assert problems_of(path) == [f"table.csv, row 2, {problem}"]


def test_min_with_target_zero_and_a_worst_value(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,objective_code,kpi_code,polarity,target,batas_toleransi,realization
        stakeholder,X,X.1,min,0,20,5
        """,
    )
    assert read_scorecard(path).rows[0].worst == 20


def test_unknown_columns_are_ignored_and_listed(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,objective_code,kpi_code,polarity,target,realization,PIC,index,status
        stakeholder,X,X.1,max,10,5,Budi,50,red
        """,
    )
    table = read_scorecard(path)
    assert table.ignored_columns == ["PIC"]  # index and status: what a scored export adds


def test_same_column_twice(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, "perspective,perspektif,objective_code,kpi_code,polarity,target\ns,s,X,X.1,max,1"
    )
    assert problems_of(path) == [
        "table.csv, row 1, column perspektif: columns perspective and perspektif both give perspective"
    ]


def test_empty_and_headless_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert problems_of(empty) == ["empty.csv: no header row: the file is empty"]
    only_header = write_csv(
        tmp_path, "perspective,objective_code,kpi_code,polarity,target", name="header.csv"
    )
    assert problems_of(only_header) == ["header.csv: no data rows"]


def test_blank_rows_keep_the_spreadsheet_numbering(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,objective_code,kpi_code,polarity,target,realization
        stakeholder,X,X.1,max,10,5
        ,,,,,
        stakeholder,X,X.2,max,1o,5
        """,
    )
    assert problems_of(path) == ['table.csv, row 4, column target: "1o" is not a number']


def test_units_and_periods_on_every_row_once_some_row_has_one(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        unit,period,perspective,objective_code,kpi_code,polarity,target,realization
        A,2026-Q1,stakeholder,X,X.1,max,10,5
        ,2026-Q1,stakeholder,X,X.2,max,10,5
        A,,stakeholder,X,X.3,max,10,5
        A,2026-Q5,stakeholder,X,X.4,max,10,5
        """,
    )
    assert problems_of(path) == [
        "table.csv, row 3, column unit: is required",
        "table.csv, row 4, column period: is required",
        'table.csv, row 5, column period: "2026-Q5" is not a period (2026, 2026-Q2, 2026-S1 or 2026-06)',
    ]


def test_a_kpi_keeps_its_definition_over_the_year(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        period,perspective,objective_code,kpi_code,polarity,consolidation,target,realization
        2026-Q1,stakeholder,X,X.1,max,sum,10,5
        2026-Q2,stakeholder,X,X.1,min,sum,10,5
        2026-Q2,stakeholder,X,X.1,max,sum,10,5
        2027-Q1,stakeholder,X,X.1,min,last,10,5
        """,
    )
    assert problems_of(path) == [
        "table.csv, row 3, column polarity: KPI X.1 has min here but max on row 2",
        "table.csv, row 4, column kpi_code: KPI X.1 appears twice in period 2026-Q2 (also row 3)",
    ]


def test_reads_a_stream_with_a_name() -> None:
    data = b"perspective,objective_code,kpi_code,polarity,target,realization\nstakeholder,X,X.1,max,10,5\n"
    table = read_scorecard(io.BytesIO(data), name="upload.csv")
    assert table.source == "upload.csv" and table.rows[0].realization == 5


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "perspective,objective_code,kpi_code,polarity,target\npemangku,Sé,X,max,1\n".encode("latin-1")
    )
    (line,) = problems_of(path)
    assert line.startswith("latin1.csv: cannot be read: not a UTF-8 CSV file")


# ---------------------------------------------------------------- xlsx


def test_reads_the_first_sheet_of_a_workbook(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Perspektif", "Kode_SS", "Kode_IKU", "Polaritas", "Target", "Realisasi", "Satuan"])
    sheet.append(["pelanggan", "C1", 1, "max", 4, 3.6, None])
    sheet.append([None] * 7)
    sheet.append(["pelanggan", "C1", "1b", "MIN", 0.85, 0.8, "%"])
    sheet.append(["pelanggan", "C1", "1c", "max", "8o", 3, None])
    sheet["E4"].number_format = "0%"  # shown as 85 %
    sheet["F4"].number_format = "0.00%"
    path = tmp_path / "kartu.xlsx"
    workbook.save(path)
    with pytest.raises(InvalidFileError) as caught:
        read_scorecard(path)
    assert caught.value.lines() == ['kartu.xlsx, row 5, column Target: "8o" is not a number']

    sheet.delete_rows(5)
    workbook.save(path)
    rows = read_scorecard(path).rows
    assert [(r.kpi_code, r.polarity, r.target, r.realization, r.row) for r in rows] == [
        ("1", "max", 4, Decimal("3.6"), 2),
        ("1b", "min", 85, 80, 4),
    ]


# ---------------------------------------------------------------- writing


def _rows_without_numbers(rows: list[ScorecardRow]) -> list[ScorecardRow]:
    return [ScorecardRow(**{**{f: getattr(r, f) for f in r.__dataclass_fields__}, "row": 0}) for r in rows]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    original = read_scorecard(example_scorecard()).rows
    path = tmp_path / f"copy.{suffix}"
    write_scorecard(path, original)
    again = read_scorecard(path).rows
    assert again == original  # the same rows, row numbers included


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip_of_every_column(tmp_path: Path, suffix: str) -> None:
    path = write_csv(
        tmp_path,
        '''
        unit_kerja,periode,perspektif,bobot_perspektif,kode_ss,nama_ss,kode_iku,nama_iku,bobot_iku,polaritas,target,target_low,target_high,batas_toleransi,realisasi,konsolidasi,cap_on_target,satuan,jenis_iku,controllability
        KPP-A,2026-Q1,stakeholder,100,S1,"Revenue, optimal",S1.a,"Revenue ""net""",25,max,0.125,,,,0.1,sum,yes,%,exact,moderate
        KPP-A,2026-Q1,stakeholder,100,S1,"Revenue, optimal",S1.b,Complaints,25,min,0,,,20,3,average,,days,proxy,low
        KPP-A,2026-Q1,stakeholder,100,S1,"Revenue, optimal",S1.c,Inspections,50,stabilize,,40,60,,,last,,%,activity,high
        KPP-A,2026-06,stakeholder,100,S1,"Revenue, optimal",S1.a,"Revenue ""net""",25,max,1E+3,,,,-2.50,sum,yes,%,exact,moderate
        ''',
        name="source.csv",
    )
    original = read_scorecard(path).rows
    copy = tmp_path / f"copy.{suffix}"
    write_scorecard(copy, original)
    assert read_scorecard(copy).rows == original


def test_scored_export_reads_back(tmp_path: Path) -> None:
    from kinerja.interchange.scoring import score_indices, score_table

    table = read_scorecard(example_scorecard())
    indices = score_indices(table.rows, score_table(table))
    path = tmp_path / "scored.xlsx"
    write_scorecard(path, table.rows, indices=indices)
    sheet = load_workbook(path, read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(max_row=2, values_only=True))
    assert header[-2:] == ("index", "status")
    assert first[-2:] == (95, "yellow")
    assert read_scorecard(path).rows == table.rows


def test_write_to_streams() -> None:
    rows = read_scorecard(example_scorecard()).rows
    text = io.StringIO()
    write_scorecard(text, rows)
    assert text.getvalue().splitlines()[0].startswith("perspective,perspective_weight,objective_code")
    binary = io.BytesIO()
    write_scorecard(binary, rows, fmt="xlsx")
    binary.seek(0)
    assert read_scorecard(binary, name="x.xlsx").rows == rows


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    rows = read_scorecard(example_scorecard()).rows
    rows[0].kpi_name = '=HYPERLINK("http://example.com")'
    path = tmp_path / "export.xlsx"
    write_scorecard(path, rows)
    cell = load_workbook(path).worksheets[0]["F2"]
    assert (cell.data_type, cell.value) == ("s", rows[0].kpi_name)
    assert read_scorecard(path).rows == rows
