"""The demo's organisation file: the demo ministry as the HR system would export it for `kinerja import-organisation`.

`kinerja demo` does not create its units, positions and employees itself: it
writes them as an organisation file (interchange.md, "The organisation file": a
folder with `unit.csv`, `jabatan.csv` and `pegawai.csv`) and loads that through
the import (`kinerja.organisations.importing.import_organisation`), so the
import is exercised on every demo load. The file is generated at demo time from
the demo's one source of truth in `kinerja.demo.organisation`: the units of
`data/kemenkeu-units.csv` and `data/demo-units.csv`, the positions of
`position_specs()` and the people of `people()`.

- `unit`: every demo unit with its parent, level, kind, map ownership and names;
- `jabatan`: every demo position; the head of each unit marked `heads_unit`, the
  echelon and job grade as the demo sets them (the superior position is not a
  column: the import derives it, the head of the unit, or of the unit above for a
  head, which is how the demo defines it);
- `pegawai`: everyone in their current position (definitive), since the day the
  demo's assignments begin, or since the day of their move for the two mid-year
  movers (`MOVES`); the superior is left to the import (the holder of the head
  position above, which is the demo's rule too).

`before_moves` writes the movers given (by slot) in the post they held before
their move, since the demo's first day: the demo imports that file first for
movers it does not know yet, then the final one, so the move itself goes
through the import and lands in the assignment history from its date.
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterator
from pathlib import Path

from .organisation import (
    ASSIGNMENT_SINCE,
    moves,
    people,
    position_specs,
    unit_rows,
)

SHEETS: dict[str, tuple[str, ...]] = {
    "unit": ("code", "parent_code", "level", "kind", "owns_map", "name_id", "name_en"),
    "jabatan": ("code", "unit_code", "name_id", "name_en", "kind", "grade", "echelon", "heads_unit"),
    "pegawai": ("nip", "name", "email", "position_code", "assignment", "since", "active"),
}


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _number(value: int | None) -> str:
    return "" if value is None else str(value)


def unit_sheet() -> Iterator[tuple[str, ...]]:
    for row in unit_rows():
        yield (
            row.code,
            row.parent_code,
            row.level,
            row.kind,
            _yes_no(row.owns_map),
            row.name_id,
            row.name_en,
        )


def position_sheet() -> Iterator[tuple[str, ...]]:
    for spec in position_specs():
        yield (
            spec.code,
            spec.unit_code,
            spec.title_id,
            spec.title_en,
            spec.type,
            _number(spec.job_grade),
            _number(spec.echelon),
            _yes_no(spec.is_head),
        )


def employee_sheet(before_moves: Collection[str] = ()) -> Iterator[tuple[str, ...]]:
    """Everyone, in their current post (or, for the movers in `before_moves`, in the post before the move)."""
    moved = moves()
    for person in people():
        move = moved.get(person.slot)
        if move is None or person.slot in before_moves:
            position, since = person.position_code, ASSIGNMENT_SINCE
        else:
            position, since = move.to_position, move.on
        yield (person.nip, person.name, person.email, position, "definitive", since.isoformat(), "yes")


def organisation_sheets(before_moves: Collection[str] = ()) -> dict[str, list[tuple[str, ...]]]:
    """The three sheets, header first."""
    return {
        "unit": [SHEETS["unit"], *unit_sheet()],
        "jabatan": [SHEETS["jabatan"], *position_sheet()],
        "pegawai": [SHEETS["pegawai"], *employee_sheet(before_moves)],
    }


def write_organisation_file(folder: Path, *, before_moves: Collection[str] = ()) -> Path:
    """Write `unit.csv`, `jabatan.csv` and `pegawai.csv` (UTF-8) into `folder` (created); returns `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in organisation_sheets(before_moves).items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows(rows)
    return folder
