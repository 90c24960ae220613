"""The fast paths of `kinerja score` and `kinerja nkp` print what the whole-result path prints.

`kinerja nkp --format json` into a pipe or file streams (each employee's text made as it is scored,
`stream_workbook`); `kinerja score` writes `to_json()`. Both must give, byte for byte, what
`json.dumps([... to_dict() ...])` of the results of `score_workbook` / `score_table` gives, on
generated files of the benchmarks' kind (every polarity, bands, blanks, percent signs, tiers,
discipline, corrections, new and existing KPIs), and report the same problems when a file is bad.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

from kinerja.cli import main
from kinerja.interchange.employees import read_workbook
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.nkp import score_workbook, stream_workbook
from kinerja.interchange.scorecard import read_scorecard
from kinerja.interchange.scoring import score_table
from kinerja.interchange.sources import read_csv, write_csv

BENCH = Path(__file__).resolve().parents[1] / "bench"


def bench(name: str) -> ModuleType:
    """A benchmark module, for its generator of big files (loaded from its path: tests/bench is no package)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(["kinerja", *args])
    out, err = capsys.readouterr()
    return status, out, err


def test_nkp_streamed_json_is_the_whole_results_json(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bench("bench_nkp").generate(tmp_path, employees=400, seed=7)
    status, out, err = run(capsys, "nkp", str(tmp_path), "--rules", "kmk-127-2026", "--format", "json")
    assert status == 0, err
    book = read_workbook(tmp_path, rules="kmk-127-2026", check=False)
    whole = score_workbook(book, rules="kmk-127-2026")
    assert out == json.dumps([s.to_dict() for s in whole], ensure_ascii=False) + "\n"
    assert len(json.loads(out)) == 400


def test_stream_workbook_gives_score_workbooks_results(tmp_path: Path) -> None:
    bench("bench_nkp").generate(tmp_path, employees=120, seed=11)
    whole = score_workbook(read_workbook(tmp_path, rules="kmk-127-2026"), rules="kmk-127-2026")
    streamed: list[str] = []
    stream_workbook(
        read_workbook(tmp_path, rules="kmk-127-2026"),
        lambda s: streamed.append(s.to_json()),
        rules="kmk-127-2026",
    )
    assert streamed == [s.to_json() for s in whole]
    assert [json.loads(text) for text in streamed] == [s.to_dict() for s in whole]


def _break_two_rows(folder: Path) -> None:
    """Make the KPIs on data rows 30 and 250 of iki.csv a pair the decree does not allow (exact / high)."""
    path = folder / "iki.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    for position in (29, 249):
        rows[position + 1][5:7] = ["exact", "high"]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)


def test_nkp_a_scoring_error_among_many_prints_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bench("bench_nkp").generate(tmp_path, employees=60, seed=3)
    _break_two_rows(tmp_path)
    status, out, err = run(capsys, "nkp", str(tmp_path), "--rules", "kmk-127-2026", "--format", "json")
    assert (status, out) == (2, "")
    with pytest.raises(InvalidFileError) as whole:
        score_workbook(read_workbook(tmp_path, rules="kmk-127-2026", check=False), rules="kmk-127-2026")
    with pytest.raises(InvalidFileError) as streamed:
        stream_workbook(
            read_workbook(tmp_path, rules="kmk-127-2026", check=False), print, rules="kmk-127-2026"
        )
    assert whole.value.lines("en") == streamed.value.lines("en")
    lines = err.splitlines()
    assert lines[:-1] == whole.value.lines("en")
    assert [line.split(",")[1] for line in lines[:-1]] == [" row 31", " row 251"]


def test_stream_workbook_is_for_kmk_127_2026_only(tmp_path: Path) -> None:
    bench("bench_nkp").generate(tmp_path, employees=3, seed=1)
    book = read_workbook(tmp_path, rules="kmk-127-2026")
    with pytest.raises(ValueError, match="kmk-127-2026"):
        stream_workbook(book, print, rules="kmk-467-2014")


def test_score_json_is_the_whole_results_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "scorecards.csv"
    rows = bench("bench_score").generate(path, units=30, kpis=40, seed=5)
    status, out, err = run(capsys, "score", str(path), "--format", "json")
    assert status == 0, err
    scored = score_table(read_scorecard(path))
    assert out == json.dumps([s.to_dict() for s in scored], ensure_ascii=False) + "\n"
    assert sum(len(unit["kpis"]) for unit in json.loads(out)) == rows


def test_csv_restores_neutralised_text_in_every_batch(tmp_path: Path) -> None:
    """Rows are read and checked for a leading `'` a batch at a time: a row far down is restored too."""
    path = tmp_path / "table.csv"
    rows = [[f"K{n}", "plain"] for n in range(12_000)]
    rows[7] = ["K7", "=SUM(A1)"]  # written as '=SUM(A1), read back as written
    rows[11_500] = ["K11500", "+62 811"]
    write_csv(path, ["code", "name"], rows)
    assert "'=SUM(A1)" in path.read_text(encoding="utf-8")
    sheet = read_csv(path)
    assert list(sheet.records) == rows
