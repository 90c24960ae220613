"""The dashboard's chart data: plain JSON for `json_script`, read by `static/reports/dashboard.js`.

Values are the figures as shown (rounded half-up to 2 decimals); an N/A
value is `null`, which ECharts draws as a gap — never as 0. Labels travel
with the data so the script holds no user-facing text of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kinerja.reporting.scorecard import shown

from .selectors import Dashboard


def _value(value: Decimal | None) -> float | None:
    rounded = shown(value)
    return None if rounded is None else float(rounded)


def chart_data(board: Dashboard) -> dict[str, Any]:
    return {
        "trend": {
            "labels": [p.label for p in board.trend],
            "values": [_value(p.nko) for p in board.trend],
            "predicates": [p.head.predicate if p.head is not None else "" for p in board.trend],
            "current": next(
                (i for i, p in enumerate(board.trend) if board.period and p.period.pk == board.period.pk),
                None,
            ),
        },
        "perspectives": {
            "labels": [p.name for p in board.perspectives],
            "values": [_value(p.index) for p in board.perspectives],
            "statuses": [p.status or "na" for p in board.perspectives],
        },
        "text": {
            "nko": _("NKO"),
            "index": _("Indeks"),
            "na": _("belum dilaporkan"),
            "target": _("Target 100"),
        },
    }
