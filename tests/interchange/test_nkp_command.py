"""`kinerja nkp` (interchange.md, "Employee score files and the `kinerja nkp` command")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kinerja.cli import main
from kinerja.interchange.employees import read_workbook, write_workbook
from tests.interchange.support import example_nkp, write_csv

NIP = "198001012005011001"


def nkp(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["kinerja", "nkp", *args])
    out, err = capsys.readouterr()
    return status, out, err


def nkp_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    status, out, err = nkp(capsys, *args, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def folder(tmp_path: Path, pegawai: str, iki: str, perilaku: str) -> Path:
    for name, text in (("pegawai.csv", pegawai), ("iki.csv", iki), ("perilaku.csv", perilaku)):
        write_csv(tmp_path, text, name=name)
    return tmp_path


def test_the_example_scores_nkp_104_54(capsys: pytest.CaptureFixture[str]) -> None:
    data = nkp_json(capsys, str(example_nkp()), "--rules", "kmk-127-2026")
    assert data == [
        {
            "nip": NIP,
            "rules": "kmk-127-2026",
            "kpis": [
                {"code": "IKI-1", "index": 110.0, "k3": 1.1, "value": 120.0, "weight": 52.38},
                {"code": "IKI-2", "index": 95.0, "k3": 1.0, "value": 95.0, "weight": 47.62},
            ],
            "nhk": 108.1,
            "nhk_calibrated": 106.07,
            "npk": 102.86,
            "npk_calibrated": 102.14,
            "nkp_before": 105.09,
            "discipline": 0.0,
            "impact": 0.0,
            "correction": 0.0,
            "result": 105.09,
            "nko_weight": 0.5,
            "nkp": 104.54,
            "work_result": {"value": 105.04, "rating": "above"},
            "behaviour": {"value": 102.33, "rating": "above"},
            "predicate": "Sangat Baik",
            "complete": True,
            "missing": [],
        }
    ]


def test_the_example_as_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = nkp(capsys, str(example_nkp()), "--rules", "kmk-127-2026")
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "rules kmk-127-2026"
    assert lines[3].split() == [
        NIP,
        "Contoh",
        "Pegawai",
        "108.10",
        "106.07",
        "102.86",
        "102.14",
        "104.54",
        "105.04",
        "above",
        "102.33",
        "above",
        "Sangat",
        "Baik",
    ]


def test_explain_an_employee(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = nkp(capsys, str(example_nkp()), "--rules", "kmk-127-2026", "--explain", NIP)
    assert status == 0
    assert out.startswith(f"NKP {NIP} = 104.54")
    assert "K3 IKI-1 = 1.10" in out and "NHK calibrated = 106.07" in out
    status, _, err = nkp(capsys, str(example_nkp()), "--rules", "kmk-127-2026", "--explain", "42")
    assert status == 1 and "no employee with NIP '42'" in err


def test_the_example_as_an_xlsx_workbook(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "pegawai.xlsx"
    write_workbook(path, read_workbook(example_nkp()))
    assert nkp_json(capsys, str(path), "--rules", "kmk-127-2026")[0]["nkp"] == 104.54


def test_the_wrong_rule_set_for_the_sheet(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = nkp(capsys, str(example_nkp()))  # kmk-467-2014 by default
    assert (status, out) == (2, "")
    assert err.splitlines()[0] == (
        "perilaku.csv, row 1: sheet perilaku has the columns of rule set kmk-127-2026, not of kmk-467-2014"
    )


def test_a_bad_workbook_exits_2_with_every_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,tier,nko\n1,1,104\n2,2,100",
        """
        nip,kpi_code,polarity,target,realization,validity,controllability,kpi_kind
        1,A,max,100,95,exact,high,new
        1,B,max,0,95,proxy,moderate,new
        2,A,max,100,95,exact,moderate,existing
        3,A,max,100,95,exact,moderate,new
        """,
        """
        nip,period,service,accountable,competent,harmonious,loyal,adaptive,collaborative
        1,2026,100,100,100,100,100,100,100
        2,2026,100,100,100,100,100,100,100
        """,
    )
    status, out, err = nkp(capsys, str(path), "--rules", "kmk-127-2026")
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert (
        lines[0]
        == "iki.csv, row 3, column target: KPI B: polarity max with target 0 cannot be scored (R / 0)"
    )
    assert lines[1] == "iki.csv, row 5, column nip: NIP 3 is not in sheet pegawai"
    assert lines[-1] == "kinerja nkp: 2 errors; nothing scored"


def test_scoring_errors_name_the_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,tier,nko\n1,1,104\n2,2,100",
        """
        nip,kpi_code,polarity,target,realization,validity,controllability,kpi_kind
        1,A,max,100,95,exact,high,new
        2,A,max,100,95,exact,moderate,existing
        """,
        """
        nip,period,service,accountable,competent,harmonious,loyal,adaptive,collaborative
        1,2026,100,100,100,100,100,100,100
        2,2026,100,100,100,100,100,100,100
        """,
    )
    status, out, err = nkp(capsys, str(path), "--rules", "kmk-127-2026")
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert lines[0].startswith("iki.csv, row 2, column ") and "KPI A" in lines[0] and "employee 1" in lines[0]
    assert lines[1].startswith("iki.csv, row 3, column ") and "employee 2" in lines[1]
    # JSON into a pipe scores one employee at a time (`stream_workbook`): the same rows are named
    status, out, streamed = nkp(capsys, str(path), "--rules", "kmk-127-2026", "--format", "json")
    assert (status, out, streamed) == (2, "", err)


def test_missing_behaviour_is_incomplete(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,tier,nko\n1,1,104",
        "nip,kpi_code,index,k3\n1,A,100,1",
        "nip,period,service,accountable,competent,harmonious,loyal,adaptive,collaborative",
    )
    (data,) = nkp_json(capsys, str(path), "--rules", "kmk-127-2026")
    assert (data["nhk"], data["npk"], data["nkp"], data["complete"]) == (100.0, None, None, False)
    assert data["missing"] == ["behaviour"]


def test_periods_and_as_of(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder(
        tmp_path,
        "nip,tier,nko\n1,2,100",
        """
        nip,kpi_code,period,polarity,consolidation,target,realization,k3
        1,A,2026-S1,max,sum,50,40,1
        1,A,2026-S2,max,sum,50,70,1
        """,
        """
        nip,period,service,accountable,competent,harmonious,loyal,adaptive,collaborative
        1,2026-S1,90,90,90,90,90,90,90
        1,2026-S2,100,100,100,100,100,100,100
        """,
    )
    (s1,) = nkp_json(capsys, str(path), "--rules", "kmk-127-2026", "--period", "2026-S1")
    assert (s1["kpis"][0]["index"], s1["npk"]) == (80.0, 90.0)
    (year,) = nkp_json(capsys, str(path), "--rules", "kmk-127-2026")  # as of the latest period
    assert (year["kpis"][0]["index"], year["npk"]) == (110.0, 95.0)  # (40 + 70) / 100; mean of the periods
    status, _, err = nkp(capsys, str(path), "--rules", "kmk-127-2026", "--period", "2025")
    assert status == 1 and "no iki or perilaku rows up to period 2025" in err


RATINGS_PEGAWAI = """
nip,nama,nip_atasan,unit,kelompok_jabatan
100,Ani,900,KPP-A,pelaksana
101,Budi,900,KPP-A,pelaksana
900,Dodi,,KPP-A,eselon4
"""
RATINGS_IKI = """
nip,kode_iki,polaritas,target,realisasi,bobot
100,A1,max,100,110,60
100,A2,min,10,12,40
101,B1,max,100,90,
900,D1,max,100,105,
"""
RATINGS = """
nip,semester,nip_penilai,kelompok_penilai,orientasi_pelayanan,integritas,komitmen,disiplin,kerja_sama,kepemimpinan
100,2026-S1,900,atasan,90,85,80,95,90,
100,2026-S1,101,rekan,80,80,80,80,80,
101,2026-S1,900,atasan,70,75,80,85,90,
900,2026-S1,800,atasan,90,90,90,90,90,85
"""


def test_under_kmk_467_2014(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = folder(tmp_path, RATINGS_PEGAWAI, RATINGS_IKI, RATINGS)
    data = nkp_json(capsys, str(path))
    first = data[0]
    assert [d["nip"] for d in data] == ["100", "101", "900"]  # the order of sheet pegawai
    assert (first["rules"], first["ckp"], first["np"], first["np_band"], first["nkp"]) == (
        "kmk-467-2014",
        98.0,  # 0.6 × 110 + 0.4 × 80
        84.0,
        "baik",
        92.4,  # 0.6 × 98 + 0.4 × 84
    )
    assert first["kpis"][0]["weight"] == 60.0
    assert "distribution" in first
    status, out, _ = nkp(capsys, str(path))
    assert status == 0 and out.splitlines()[3].split()[:6] == [
        "100",
        "Ani",
        "98.00",
        "84.00",
        "baik",
        "92.40",
    ]


def test_not_found(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, err = nkp(capsys, str(tmp_path / "nowhere"))
    assert (status, out) == (1, "")
    assert "no such file or folder" in err
