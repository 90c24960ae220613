"""Scores as a person reads them: aligned text tables, status colours on a terminal.

Every figure is the scoring core's, shown with the core's display rounding
(half-up, 2 decimals); nothing is computed here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from decimal import Decimal
from typing import IO

from kinerja.interchange.scoring import ScoredScorecard
from kinerja.scoring import RuleSet, display, status_of

COLOURS = {"green": "\033[32m", "yellow": "\033[33m", "red": "\033[31m"}
BOLD, RESET = "\033[1m", "\033[0m"
PERSPECTIVE_LABELS = {
    "stakeholder": "Stakeholder",
    "customer": "Customer",
    "internal_process": "Internal process",
    "learning_growth": "Learning & growth",
}
NAME_WIDTH = 44


def use_colour(stream: IO[str]) -> bool:
    """ANSI colours only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def number(value: Decimal | None) -> str:
    return "N/A" if value is None else f"{display(value):,.2f}".replace(",", " ")


def percent(value: Decimal | None) -> str:
    if value is None:
        return ""
    shown = display(value)
    text = f"{shown:f}".rstrip("0").rstrip(".") if "." in f"{shown:f}" else f"{shown:f}"
    return f"{text} %"


def _status(index: Decimal | None, rules: RuleSet) -> str:
    return "" if index is None else status_of(index, rules).value


def _name(text: str) -> str:
    return text if len(text) <= NAME_WIDTH else text[: NAME_WIDTH - 1] + "…"


class Table:
    """Rows of cells laid out in aligned columns; `right` names the columns aligned right."""

    def __init__(self, header: Sequence[str], right: set[int]) -> None:
        self.header = list(header)
        self.right = right
        self.rows: list[tuple[list[str], str | None, bool]] = []

    def add(self, cells: Sequence[str], status: str | None = None, bold: bool = False) -> None:
        self.rows.append((list(cells), status, bold))

    def render(self, colour: bool) -> list[str]:
        widths = [len(h) for h in self.header]
        for cells, _, _ in self.rows:
            for i, cell in enumerate(cells):
                widths[i] = max(widths[i], len(cell))

        def line(cells: Sequence[str], status: str | None, bold: bool) -> str:
            parts = []
            for i, cell in enumerate(cells):
                text = cell.rjust(widths[i]) if i in self.right else cell.ljust(widths[i])
                if colour and i == len(cells) - 1 and status in COLOURS:
                    text = f"{COLOURS[status]}{text}{RESET}"
                parts.append(text)
            text = "  ".join(parts).rstrip()
            return f"{BOLD}{text}{RESET}" if colour and bold else text

        out = [line(self.header, None, False), "  ".join("-" * w for w in widths)]
        out.extend(line(cells, status, bold) for cells, status, bold in self.rows)
        return out


def scorecard_text(scored: ScoredScorecard, colour: bool = False) -> str:
    """One scorecard: every perspective, objective and KPI with its index and status, then the NKO."""
    result = scored.result
    rules = result.rules
    title = [f"rules {rules.code}"]
    if scored.period is not None:
        title.insert(0, f"as of {scored.period}")
    if scored.unit is not None:
        title.insert(0, f"unit {scored.unit}")
    table = Table(["code", "name", "weight", "target", "realization", "index", "status"], {2, 3, 4, 5})
    for perspective in result.perspectives:
        status = _status(perspective.index, rules)
        table.add(
            [
                perspective.code.value,
                PERSPECTIVE_LABELS.get(perspective.code.value, perspective.code.value),
                percent(perspective.weight),
                "",
                "",
                number(perspective.index),
                status,
            ],
            status,
            bold=True,
        )
        for objective in perspective.objectives:
            status = _status(objective.index, rules)
            table.add(
                [f"  {objective.code}", _name(objective.name), "", "", "", number(objective.index), status],
                status,
            )
            for kpi in objective.kpis:
                row = scored.rows.get(kpi.code)
                if kpi.target is None and kpi.target_low is not None:
                    target = f"{number(kpi.target_low)}..{number(kpi.target_high)}"
                else:
                    target = number(kpi.target) if kpi.target is not None else ""
                weight = percent(row.kpi_weight) if row is not None else ""
                status = "" if kpi.status is None else kpi.status.value
                table.add(
                    [
                        f"    {kpi.code}",
                        _name(kpi.kpi.name or (row.kpi_name if row else "")),
                        weight,
                        target,
                        number(kpi.realization) if kpi.realization is not None else "not reported",
                        number(kpi.index),
                        status,
                    ],
                    status,
                )
    lines = [" · ".join(title), *table.render(colour)]
    nko = f"NKO {number(result.nko)}"
    if result.predicate:
        nko += f"  {result.predicate}"
    lines += ["", f"{BOLD}{nko}{RESET}" if colour else nko]
    if result.missing:
        lines.append(f"incomplete: not reported {', '.join(result.missing)}")
    return "\n".join(lines)
