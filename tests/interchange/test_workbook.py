"""Reading and writing the employee workbook (interchange.md, "The workbook")."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from kinerja.interchange.employees import (
    CoreValuesRow,
    EmployeeKpiRow,
    EmployeeRow,
    EmployeeWorkbook,
    RatingRow,
    read_workbook,
    write_workbook,
)
from kinerja.interchange.messages import InvalidFileError
from tests.interchange.support import example_nkp, write_csv

NIP = "198001012005011001"


def folder(tmp_path: Path, pegawai: str, iki: str, perilaku: str) -> Path:
    for name, text in (("pegawai.csv", pegawai), ("iki.csv", iki), ("perilaku.csv", perilaku)):
        write_csv(tmp_path, text, name=name)
    return tmp_path


def problems_of(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(InvalidFileError) as caught:
        read_workbook(path, **kwargs)  # type: ignore[arg-type]
    return caught.value.lines()


def test_reads_the_example() -> None:
    book = read_workbook(example_nkp())
    assert book.shape == "core_values"
    assert book.employees == [EmployeeRow(nip=NIP, name="Contoh Pegawai", tier=1, nko=Decimal(104), row=2)]
    assert [(k.kpi_code, k.polarity, k.target, k.realization, k.validity, k.kpi_kind) for k in book.kpis] == [
        ("IKI-1", "max", 100, 110, "proxy", "existing"),
        ("IKI-2", "max", 100, 95, "proxy", "new"),
    ]
    (values,) = book.behaviour
    assert isinstance(values, CoreValuesRow)
    assert values.values == tuple(Decimal(v) for v in (100, 105, 110, 100, 100, 95, 110))
    assert str(values.period) == "2026"


def test_every_problem_of_every_sheet(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        """
        nip,nama,tier,nko,hukdis,skor_hukdis,koreksi
        1001,Ani,1,104,,,
        1001,Ani lagi,3,104,,,6
        ,Tanpa NIP,2,100,,,
        1003,Cici,2,100,ringan,,
        """,
        """
        nip,kode_iki,polaritas,target,realisasi,bobot
        1001,A,max,100,95,60
        1001,B,max,100,9o,30
        9999,C,max,100,95,
        1003,D,,100,95,
        1003,E,max,100,95,
        1003,E,max,100,96,
        """,
        """
        nip,period,service,accountable,competent,harmonious,loyal,adaptive,collaborative
        1001,2026,100,105,110,100,100,95,121
        8888,2026,100,100,100,100,100,100,100
        1003,2026,100,100,100,100,100,100,100
        1003,2026,100,100,100,100,100,100,100
        """,
    )
    assert problems_of(path) == [
        'pegawai.csv, row 3, column tier: "3" is not 1 or 2',
        "pegawai.csv, row 3, column koreksi: 6 is outside -5..5",
        "pegawai.csv, row 4, column nip: is required",
        "pegawai.csv, row 5, column skor_hukdis: is required (with hukdis)",
        'iki.csv, row 3, column realisasi: "9o" is not a number',
        "iki.csv, row 4, column nip: NIP 9999 is not in sheet pegawai",
        "iki.csv, row 5, column polaritas: KPI D: give an index, or a polarity with a target",
        "iki.csv, row 7, column kode_iki: KPI E of NIP 1003 appears twice (also row 6)",
        "perilaku.csv, row 2, column collaborative: 121 is outside 0..120",
        "perilaku.csv, row 3, column nip: NIP 8888 is not in sheet pegawai",
        "perilaku.csv, row 5, column period: NIP 1003 has two behaviour rows for period 2026 (also row 4)",
    ]


@pytest.mark.parametrize(
    ("iki", "problems"),
    [
        # an employee's KPIs in two runs: fine, and a code given in both runs found
        ("1001,A\n1002,A\n1001,B", []),
        (
            "1001,A\n1002,A\n1001,A",
            ["iki.csv, row 4, column kode_iki: KPI A of NIP 1001 appears twice (also row 2)"],
        ),
        (
            "1001,A\n1001,A\n1002,A",
            ["iki.csv, row 3, column kode_iki: KPI A of NIP 1001 appears twice (also row 2)"],
        ),
    ],
)
def test_a_kpi_twice_is_found_wherever_its_rows_are(tmp_path: Path, iki: str, problems: list[str]) -> None:
    path = folder(
        tmp_path,
        "nip,nama\n1001,Ani\n1002,Budi",
        "nip,kode_iki,polaritas,target,realisasi\n"
        + "\n".join(f"{row},max,100,95" for row in iki.split("\n")),
        "nip,service,accountable,competent,harmonious,loyal,adaptive,collaborative\n1001,1,1,1,1,1,1,1",
    )
    if problems:
        assert problems_of(path) == problems
    else:
        book = read_workbook(path)
        assert [(k.nip, k.kpi_code) for k in book.kpis] == [("1001", "A"), ("1002", "A"), ("1001", "B")]


def test_nips_unique_and_weights_total(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,nama\n1001,Ani\n1002,Budi\n1001,Ani lagi",
        "nip,kode_iki,index,bobot\n1001,A,100,60\n1001,B,100,30\n1002,A,100,\n1002,B,100,50",
        "nip,service,accountable,competent,harmonious,loyal,adaptive,collaborative\n1001,1,1,1,1,1,1,1",
    )
    assert problems_of(path) == [
        "pegawai.csv, row 4, column nip: NIP 1001 appears twice (also row 2)",
        "iki.csv, row 2, column bobot: KPI weights of NIP 1001 total 90 %, not 100 %",
        "iki.csv, row 4, column bobot: KPI A of NIP 1002 has no weight while other KPIs of the employee have one",
    ]


def test_missing_files_and_columns(tmp_path: Path) -> None:
    write_csv(tmp_path, "nama\nAni", name="pegawai.csv")
    write_csv(tmp_path, "nip,kpi_code\n1,A", name="iki.csv")
    assert problems_of(tmp_path) == [f"{tmp_path.name}: missing file perilaku.csv"]
    write_csv(tmp_path, "nip,period,service\n1,2026,100", name="perilaku.csv")
    assert problems_of(tmp_path) == [
        "pegawai.csv, row 1: missing required column nip",
        "perilaku.csv, row 1: missing required column accountable (akuntabel)",
        "perilaku.csv, row 1: missing required column competent (kompeten)",
        "perilaku.csv, row 1: missing required column harmonious (harmonis)",
        "perilaku.csv, row 1: missing required column loyal",
        "perilaku.csv, row 1: missing required column adaptive (adaptif)",
        "perilaku.csv, row 1: missing required column collaborative (kolaboratif)",
    ]


def test_the_perilaku_sheet_must_fit_the_rule_set() -> None:
    assert problems_of(example_nkp(), shape="ratings") == [
        "perilaku.csv, row 1: sheet perilaku has the columns of rule set kmk-127-2026, not of kmk-467-2014"
    ]


RATINGS = """
nip,semester,nip_penilai,kelompok_penilai,orientasi_pelayanan,integritas,komitmen,disiplin,kerja_sama,kepemimpinan
100,2026-S1,900,atasan,90,85,80,95,90,
100,2026-S1,101,rekan,80,80,80,80,80,
900,2026-S1,800,atasan,90,90,90,90,90,85
"""


def test_reads_360_ratings(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,nama,nip_atasan\n100,Ani,900\n900,Dodi,",
        "nip,kode_iki,polaritas,target,realisasi\n100,A1,max,100,110\n900,D1,max,100,105",
        RATINGS,
    )
    book = read_workbook(path)
    assert book.shape == "ratings"
    first = book.behaviour[0]
    assert isinstance(first, RatingRow)
    assert (str(first.semester), first.rater_nip, first.rater_group, first.leadership) == (
        "2026-S1",
        "900",
        "superior",
        None,
    )
    assert book.behaviour[2].leadership == 85  # type: ignore[union-attr]


def test_ratings_need_a_semester(tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip\n100",
        "nip,kpi_code,index\n100,A,100",
        """
        nip,semester,rater_nip,rater_group,service_orientation,integrity,commitment,discipline,cooperation
        100,2026-Q1,1,peer,80,80,80,80,80
        100,,2,peer,80,80,80,80,101
        """,
    )
    assert problems_of(path) == [
        'perilaku.csv, row 2, column semester: "2026-Q1" is not a semester (such as 2026-S1)',
        "perilaku.csv, row 3, column semester: is required",
        "perilaku.csv, row 3, column cooperation: 101 is outside 0..100",
    ]


def _book() -> EmployeeWorkbook:
    return EmployeeWorkbook(
        employees=[
            EmployeeRow(nip=NIP, name="Contoh, Pegawai", tier=1, nko=Decimal("104.5"), row=2),
            EmployeeRow(
                nip="198001012005011002",
                superior_nip=NIP,
                unit="KPP-A",
                job_category="pelaksana",
                tier=2,
                discipline_category="light",  # type: ignore[arg-type]
                discipline_score=Decimal(20),
                correction=Decimal("-2.5"),
                calibrate=False,
                row=3,
            ),
        ],
        kpis=[
            EmployeeKpiRow(
                nip=NIP,
                kpi_code="IKI-1",
                kpi_name="Realisasi penerimaan",
                polarity="max",  # type: ignore[arg-type]
                target=Decimal(100),
                realization=Decimal(110),
                validity="proxy",  # type: ignore[arg-type]
                controllability="moderate",  # type: ignore[arg-type]
                target_prev=Decimal(90),
                realization_prev=Decimal(95),
                days=Decimal(365),
                row=2,
            ),
            EmployeeKpiRow(
                nip="198001012005011002",
                kpi_code="IKI-2",
                polarity="stabilize",  # type: ignore[arg-type]
                target_low=Decimal(40),
                target_high=Decimal(60),
                realization=Decimal("55.5"),
                consolidation="average",  # type: ignore[arg-type]
                cap_on_target=True,
                kpi_kind="mandatory",  # type: ignore[arg-type]
                fixed_target=True,
                k3=Decimal("1.1"),
                row=3,
            ),
            EmployeeKpiRow(nip="198001012005011002", kpi_code="IKI-3", index=Decimal(98), row=4),
        ],
        behaviour=[
            CoreValuesRow(NIP, None, *(Decimal(v) for v in (100, 105, 110, 100, 100, 95, 110)), row=2),  # type: ignore[arg-type]
        ],
    )


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_round_trip(tmp_path: Path, as_xlsx: bool) -> None:
    book = _book()
    target = tmp_path / ("book.xlsx" if as_xlsx else "book")
    write_workbook(target, book)
    again = read_workbook(target)
    assert again.employees == book.employees
    assert again.kpis == book.kpis
    assert again.behaviour == book.behaviour
    if as_xlsx:
        assert again.sheets == {"pegawai": "pegawai", "iki": "iki", "perilaku": "perilaku"}


def test_round_trip_of_the_example(tmp_path: Path) -> None:
    book = read_workbook(example_nkp())
    stream = io.BytesIO()
    write_workbook(stream, book)
    stream.seek(0)
    again = read_workbook(stream, name="example.xlsx")
    assert (again.employees, again.kpis, again.behaviour) == (book.employees, book.kpis, book.behaviour)


def test_xlsx_problems_name_the_sheet(tmp_path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Pegawai"
    sheet.append(["NIP", "Nama"])
    sheet.append([NIP, "Ani"])
    iki = workbook.create_sheet("IKI")
    iki.append(["nip", "kpi_code", "index"])
    iki.append(["123", "A", "banyak"])
    path = tmp_path / "book.xlsx"
    workbook.save(path)
    assert problems_of(path) == ["book.xlsx: missing sheet perilaku"]
    perilaku = workbook.create_sheet("perilaku")
    perilaku.append(
        [
            "nip",
            "period",
            *(["service", "accountable", "competent", "harmonious", "loyal", "adaptive", "collaborative"]),
        ]
    )
    perilaku.append([NIP, "2026", 100, 100, 100, 100, 100, 100, 100])
    workbook.save(path)
    assert problems_of(path) == [
        'book.xlsx, sheet IKI, row 2, column index: "banyak" is not a number',
    ]
