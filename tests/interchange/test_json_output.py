"""The JSON of `kinerja score` / `kinerja nkp` written directly (`to_json`) is the text `json.dumps` gives."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinerja.interchange.commands import JSON_SLICE, _dump_json_array
from kinerja.interchange.employees import read_workbook
from kinerja.interchange.nkp import score_workbook
from kinerja.interchange.scorecard import read_scorecard
from kinerja.interchange.scoring import score_table
from tests.bench import bench_nkp, bench_score
from tests.interchange.support import example_nkp, example_scorecard


def dumped(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


@pytest.mark.parametrize("rules", ["kmk-467-2014", "kmk-127-2026"])
def test_scorecard_to_json_is_json_dumps_of_to_dict(tmp_path: Path, rules: str) -> None:
    path = tmp_path / "scorecards.csv"
    bench_score.generate(path, units=30, kpis=40)  # max, min, min with worst, bands, %, blanks
    scored = score_table(read_scorecard(path, rules=rules), rules=rules)
    assert len(scored) == 30
    for s in scored:
        assert s.to_json() == dumped(s.to_dict())


def test_example_scorecard_to_json() -> None:
    scored = score_table(read_scorecard(example_scorecard()))
    assert [s.to_json() for s in scored] == [dumped(s.to_dict()) for s in scored]


def test_employee_to_json_is_json_dumps_of_to_dict(tmp_path: Path) -> None:
    bench_nkp.generate(tmp_path, employees=60)
    scored = score_workbook(read_workbook(tmp_path, rules="kmk-127-2026"), rules="kmk-127-2026")
    assert len(scored) == 60
    for s in scored:
        assert s.to_json() == dumped(s.to_dict())
    for s in score_workbook(read_workbook(example_nkp(), rules="kmk-127-2026"), rules="kmk-127-2026"):
        assert s.to_json() == dumped(s.to_dict())


class Item:
    def __init__(self, n: int) -> None:
        self.n = n

    def to_dict(self) -> dict[str, object]:
        return {"n": self.n, "name": "ü"}

    def to_json(self) -> str:
        return dumped(self.to_dict())


@pytest.mark.parametrize("count", [0, 1, JSON_SLICE, JSON_SLICE + 1])
def test_dump_json_array_is_one_json_array(capsys: pytest.CaptureFixture[str], count: int) -> None:
    import sys

    items = [Item(n) for n in range(count)]
    _dump_json_array(items, Item.to_dict, sys.stdout)
    out = capsys.readouterr().out
    assert out == dumped([i.to_dict() for i in items]) + "\n"
