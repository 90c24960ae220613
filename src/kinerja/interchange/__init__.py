"""Kinerja's interchange formats (`shared/spec/interchange.md`): pure Python and openpyxl, no Django.

Scorecard table (CSV or .xlsx, one row per KPI and period)
    `read_scorecard(source, name=, fmt=, rules=, check=)` → `ScorecardTable` of
    `ScorecardRow`s; `write_scorecard(destination, rows, fmt=, indices=)`.
Employee workbook (.xlsx with sheets pegawai, iki, perilaku, or a folder of CSV files)
    `read_workbook(source, rules=, shape=, name=, fmt=, check=)` → `EmployeeWorkbook` of
    `EmployeeRow`, `EmployeeKpiRow` and `CoreValuesRow` or `RatingRow`;
    `write_workbook(destination, book, fmt=)`.
Scoring through the scoring core (`kinerja.scoring`)
    `score_table(table, rules=, unit=, period=)` → `ScoredScorecard`s (one per
    unit and period, `to_dict()` is the JSON of `kinerja score`);
    `score_indices(rows, scored)` for a scored export; `check_targets(table, rules)`;
    `score_workbook(book, rules=, period=)` → `ScoredEmployee`s.
Problems
    Every rule a file breaks is a `Problem` (file or sheet, row as a spreadsheet
    numbers it, column, message key); a reader raises one `InvalidFileError`
    with all of them, shown in English or Indonesian with
    `InvalidFileError.lines(lang)` / `Problem.text(lang)` (`lang` is `en` or `id`).
    `SelectionError`: a unit or period the file does not have.
Commands
    `kinerja.interchange.commands.run_standalone(name, argv)` runs
    `kinerja score` and `kinerja nkp`.
"""

from kinerja.interchange.cells import Period, parse_period
from kinerja.interchange.core import check_targets
from kinerja.interchange.employees import (
    CoreValuesRow,
    EmployeeKpiRow,
    EmployeeRow,
    EmployeeWorkbook,
    RatingRow,
    read_workbook,
    workbook_tables,
    write_workbook,
)
from kinerja.interchange.messages import InterchangeError, InvalidFileError, Lang, Problem
from kinerja.interchange.nkp import ScoredEmployee, score_workbook
from kinerja.interchange.scorecard import (
    SCORECARD_COLUMNS,
    ScorecardRow,
    ScorecardTable,
    read_scorecard,
    scorecard_records,
    write_scorecard,
)
from kinerja.interchange.scoring import ScoredScorecard, SelectionError, score_indices, score_table

__all__ = [
    "SCORECARD_COLUMNS",
    "CoreValuesRow",
    "EmployeeKpiRow",
    "EmployeeRow",
    "EmployeeWorkbook",
    "InterchangeError",
    "InvalidFileError",
    "Lang",
    "Period",
    "Problem",
    "RatingRow",
    "ScorecardRow",
    "ScorecardTable",
    "ScoredEmployee",
    "ScoredScorecard",
    "SelectionError",
    "check_targets",
    "parse_period",
    "read_scorecard",
    "read_workbook",
    "score_indices",
    "score_table",
    "score_workbook",
    "scorecard_records",
    "workbook_tables",
    "write_scorecard",
    "write_workbook",
]
