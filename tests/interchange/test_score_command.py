"""`kinerja score` (interchange.md, "The command"): JSON, table, explanations, exit status."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kinerja.cli import main
from kinerja.interchange.commands import run_standalone
from tests.interchange.support import example_scorecard, write_csv

KINERJA = Path(sys.executable).parent / "kinerja"


def score(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["kinerja", "score", *args])
    out, err = capsys.readouterr()
    return status, out, err


def score_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    status, out, err = score(capsys, *args, "--format", "json")
    assert status == 0, err
    return json.loads(out)


def test_the_example_scores_to_nko_101_25(capsys: pytest.CaptureFixture[str]) -> None:
    data = score_json(capsys, str(example_scorecard()))
    assert data == {
        "unit": None,
        "period": None,
        "rules": "kmk-467-2014",
        "nko": 101.25,
        "predicate": "Baik",
        "complete": True,
        "perspectives": [
            {"code": "stakeholder", "weight": 30.0, "index": 95.0, "contribution": 28.5},
            {"code": "customer", "weight": 20.0, "index": 92.5, "contribution": 18.5},
            {"code": "internal_process", "weight": 30.0, "index": 100.83, "contribution": 30.25},
            {"code": "learning_growth", "weight": 20.0, "index": 120.0, "contribution": 24.0},
        ],
        "objectives": [
            {"code": "S1", "perspective": "stakeholder", "index": 95.0},
            {"code": "C1", "perspective": "customer", "index": 92.5},
            {"code": "P1", "perspective": "internal_process", "index": 100.0},
            {"code": "P2", "perspective": "internal_process", "index": 101.67},
            {"code": "L1", "perspective": "learning_growth", "index": 120.0},
        ],
        "kpis": [
            {
                "code": "S1.a",
                "objective": "S1",
                "target": 200.0,
                "realization": 190.0,
                "index": 95.0,
                "status": "yellow",
            },
            {
                "code": "C1.a",
                "objective": "C1",
                "target": 4.0,
                "realization": 3.6,
                "index": 90.0,
                "status": "yellow",
            },
            {
                "code": "C1.b",
                "objective": "C1",
                "target": 10.0,
                "realization": 10.5,
                "index": 95.0,
                "status": "yellow",
            },
            {
                "code": "P1.a",
                "objective": "P1",
                "target": 100.0,
                "realization": 100.0,
                "index": 100.0,
                "status": "green",
            },
            {
                "code": "P2.a",
                "objective": "P2",
                "target": None,
                "target_low": 40.0,
                "target_high": 60.0,
                "realization": 70.0,
                "index": 83.33,
                "status": "yellow",
            },
            {
                "code": "P2.b",
                "objective": "P2",
                "target": 50.0,
                "realization": 60.0,
                "index": 120.0,
                "status": "green",
            },
            {
                "code": "L1.a",
                "objective": "L1",
                "target": 80.0,
                "realization": 100.0,
                "index": 120.0,
                "status": "green",
            },
        ],
        "missing": [],
    }


def test_json_keys_in_the_documented_order(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = score(capsys, str(example_scorecard()), "--format", "json")
    assert status == 0
    assert list(json.loads(out)) == [
        "unit",
        "period",
        "rules",
        "nko",
        "predicate",
        "complete",
        "perspectives",
        "objectives",
        "kpis",
        "missing",
    ]
    assert '"nko": 101.25' in out and '"weight": 30.0' in out


def test_run_standalone_is_the_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_standalone("score", [str(example_scorecard()), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["nko"] == 101.25


def test_console_script(tmp_path: Path) -> None:
    if not KINERJA.exists():
        pytest.skip(f"the console script is not installed beside {sys.executable}")
    done = subprocess.run(
        [str(KINERJA), "score", str(example_scorecard()), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["nko"] == 101.25
    assert done.stderr == ""


def test_table_for_people(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    status, out, _ = score(capsys, str(example_scorecard()))
    assert status == 0
    assert "\033[" not in out  # not a terminal: no colours
    lines = out.splitlines()
    assert lines[0] == "rules kmk-467-2014"
    assert lines[-1] == "NKO 101.25  Baik"
    s1a = next(line for line in lines if line.strip().startswith("S1.a"))
    assert s1a.split()[-4:] == ["200.00", "190.00", "95.00", "yellow"]
    p2a = next(line for line in lines if line.strip().startswith("P2.a"))
    assert "40.00..60.00" in p2a and p2a.endswith("83.33  yellow")
    internal = next(line for line in lines if line.startswith("internal_process"))
    assert internal.split()[-2:] == ["100.83", "green"]
    # aligned: every status starts in the same column
    starts = {max(line.rfind(" green"), line.rfind(" yellow"), line.rfind(" red")) for line in lines[3:-2]}
    assert len(starts) == 1


def test_colours_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from kinerja.interchange.report import use_colour

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_colour(Terminal()) and not use_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour(Terminal())


@pytest.mark.parametrize(
    ("code", "first_line"),
    [
        ("S1.a", "KPI S1.a index = 95.00    [R / T × 100]"),
        ("P2", "objective P2 index = 101.67    [mean of reported KPI indices]"),
        ("internal_process", "perspective internal_process index = 100.83    [mean of objective indices]"),
        ("nko", "NKO = 101.25"),
    ],
)
def test_explain(capsys: pytest.CaptureFixture[str], code: str, first_line: str) -> None:
    status, out, _ = score(capsys, str(example_scorecard()), "--explain", code)
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "rules kmk-467-2014"
    assert lines[1].startswith(first_line)


def test_explain_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    data = score_json(capsys, str(example_scorecard()), "--explain", "C1")
    assert data["subject"] == "objective C1 index" and data["result"] == 92.5
    assert [c["code"] for c in data["children"]] == ["C1.a", "C1.b"]


def test_explain_an_unknown_code(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = score(capsys, str(example_scorecard()), "--explain", "Z9")
    assert (status, out) == (1, "")
    assert "nothing to explain" in err and "Z9" in err


def test_a_bad_file_lists_every_error_and_scores_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,perspective_weight,objective_code,kpi_code,polarity,target,realization
        stakeholder,30,S1,S1.a,max,200,190
        customer,20,C1,C1.a,maximize,8o,3.6
        customer,20,C1,C1.b,sideways,10,10.5
        internal_process,30,P1,P1.a,max,0,100%
        learning_growth,20,L1,L1.a,max,80,lots
        """,
        name="example.csv",
    )
    status, out, err = score(capsys, str(path), "--format", "json")
    assert status == 2
    assert out == ""
    assert err.splitlines() == [
        'example.csv, row 3, column target: "8o" is not a number',
        'example.csv, row 4, column polarity: "sideways" is not one of max, min or stabilize',
        "example.csv, row 5, column target: KPI P1.a: polarity max with target 0 cannot be scored (R / 0)",
        'example.csv, row 6, column realization: "lots" is not a number',
        "kinerja score: 4 errors; nothing scored",
    ]


def test_errors_in_indonesian(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspektif,kode_ss,kode_iku,polaritas,target,realisasi
        pelanggan,C1,C1.a,max,0,3
        """,
        name="contoh.csv",
    )
    status, _, err = score(capsys, str(path), "--lang", "id")
    assert status == 2
    assert err.splitlines()[0] == (
        "contoh.csv, baris 2, kolom target: IKU C1.a: polaritas max dengan target 0 tidak dapat dihitung (R / 0)"
    )


def test_a_scoring_error_of_an_unreported_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,objective_code,kpi_code,polarity,target,target_low,target_high,realization
        stakeholder,S1,S1.a,max,200,,,190
        stakeholder,S1,S1.b,stabilize,,60,40,
        """,
    )
    status, out, err = score(capsys, str(path))
    assert (status, out) == (2, "")
    assert (
        err.splitlines()[0]
        == "table.csv, row 3, column target_low: KPI S1.b: band 60..40: target_low is above target_high"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv"], "kinerja score: no such file or folder: missing.csv"),
        (["{example}", "--rules", "kmk-999"], "kinerja score: unknown rule set 'kmk-999'"),
        (["{example}", "--unit", "KPP-A"], "kinerja score: example-scorecard.csv: no unit 'KPP-A'"),
        (["{example}", "--period", "2026-Q1"], "--period 2026-Q1 given but the file has no period column"),
        (["{example}", "--format", "yaml"], "argument --format: invalid choice: 'yaml'"),
        ([], "the following arguments are required: FILE"),
    ],
)
def test_anything_else_exits_1(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    example = str(example_scorecard())
    status, out, err = score(capsys, *(a.replace("{example}", example) for a in args))
    assert (status, out) == (1, "")
    assert message in err
    assert "Traceback" not in err


def test_a_folder_is_not_a_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = score(capsys, str(tmp_path))
    assert status == 1 and "is a folder" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = score(capsys, "--help")
    assert status == 0 and "--explain CODE" in out


# ---------------------------------------------------------------- units and periods

SEVERAL_UNITS = """
unit,perspective,objective_code,kpi_code,polarity,target,realization
KPP-A,stakeholder,S1,S1.a,max,100,90
KPP-A,customer,C1,C1.a,max,100,110
KPP-B,stakeholder,S1,S1.a,max,100,80
KPP-B,customer,C1,C1.a,min,10,
"""


def test_several_units_make_an_array(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = score_json(capsys, str(write_csv(tmp_path, SEVERAL_UNITS)))
    assert [(d["unit"], d["period"], d["nko"], d["complete"], d["missing"]) for d in data] == [
        ("KPP-A", None, 100.0, True, []),
        ("KPP-B", None, 80.0, False, ["C1.a"]),  # C1.a not reported: left out, weights renormalised
    ]


def test_unit_picks_one(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = score_json(capsys, str(write_csv(tmp_path, SEVERAL_UNITS)), "--unit", "kpp-b")
    assert isinstance(data, dict) and data["unit"] == "KPP-B"
    assert data["kpis"][1] == {
        "code": "C1.a",
        "objective": "C1",
        "target": 10.0,
        "realization": None,
        "index": None,
        "status": None,
    }


def test_several_units_as_a_table(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, out, _ = score(capsys, str(write_csv(tmp_path, SEVERAL_UNITS)))
    assert status == 0
    assert out.count("NKO ") == 2
    assert "unit KPP-A · rules kmk-467-2014" in out and "unit KPP-B · rules kmk-467-2014" in out
    assert "incomplete: not reported C1.a" in out
    unit_b = out[out.index("unit KPP-B") :].splitlines()
    assert "not reported" in next(line for line in unit_b if line.strip().startswith("C1.a  "))


PERIODS = """
unit,period,perspective,objective_code,kpi_code,polarity,consolidation,target,realization
KPP-A,2026-Q1,stakeholder,S1,S1.a,max,sum,100,80
KPP-A,2026-Q1,stakeholder,S1,S1.b,max,average,50,40
KPP-A,2026-Q1,stakeholder,S1,S1.c,min,last,10,12
KPP-A,2026-Q2,stakeholder,S1,S1.a,max,sum,100,130
KPP-A,2026-Q2,stakeholder,S1,S1.b,max,average,50,
KPP-A,2026-Q2,stakeholder,S1,S1.c,min,last,10,9
"""


def test_as_of_a_period_consolidates_the_year_up_to_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = str(write_csv(tmp_path, PERIODS))
    q2 = score_json(capsys, path, "--period", "2026-Q2")
    assert q2["period"] == "2026-Q2"
    kpis = {k["code"]: (k["target"], k["realization"], k["index"]) for k in q2["kpis"]}
    assert kpis == {
        "S1.a": (200.0, 210.0, 105.0),  # sum: 80 + 130 of 100 + 100
        "S1.b": (50.0, 40.0, 80.0),  # average over the periods reported so far: only Q1
        "S1.c": (10.0, 9.0, 110.0),  # last known value: Q2
    }
    assert q2["nko"] == 98.33 and q2["complete"] is True

    q1 = score_json(capsys, path, "--period", "2026-Q1")
    assert [k["index"] for k in q1["kpis"]] == [80.0, 80.0, 80.0]

    june = score_json(capsys, path, "--period", "2026-06")  # a month: the quarters ended by then
    assert june["kpis"] == q2["kpis"] and june["period"] == "2026-06"


def test_without_period_one_object_per_period(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = score_json(capsys, str(write_csv(tmp_path, PERIODS)))
    assert [(d["unit"], d["period"], d["nko"]) for d in data] == [
        ("KPP-A", "2026-Q1", 80.0),
        ("KPP-A", "2026-Q2", 98.33),
    ]


def test_a_period_with_nothing_up_to_it(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = score(capsys, str(write_csv(tmp_path, PERIODS)), "--period", "2027")
    assert status == 1 and "no rows of unit KPP-A up to period 2027" in err


def test_a_kpi_reported_later_in_the_year_is_missing_before(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path,
        """
        period,perspective,objective_code,kpi_code,polarity,target,realization
        2026-Q1,stakeholder,S1,S1.a,max,100,90
        2026-Q2,stakeholder,S1,S1.a,max,100,100
        2026-Q2,customer,C1,C1.a,max,100,120
        """,
    )
    q1, q2 = score_json(capsys, str(path))
    assert (q1["nko"], q1["missing"], q1["complete"]) == (90.0, ["C1.a"], False)
    assert (q2["nko"], q2["missing"]) == (110.0, [])


def test_xlsx_scores_the_same(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from kinerja.interchange.scorecard import read_scorecard, write_scorecard

    path = tmp_path / "example.xlsx"
    write_scorecard(path, read_scorecard(example_scorecard()).rows)
    assert score_json(capsys, str(path))["nko"] == 101.25


def test_under_kmk_127_2026(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        """
        perspective,objective_code,kpi_code,polarity,target,realization
        stakeholder,S1,S1.a,stabilize,100,95
        stakeholder,S1,S1.b,stabilize,100,104
        """,
    )
    data = score_json(capsys, str(path), "--rules", "kmk-127-2026")
    assert data["rules"] == "kmk-127-2026"
    assert [k["index"] for k in data["kpis"]] == [110.0, 112.0]  # scoring.md §7.1 examples
