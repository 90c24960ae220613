"""Writing a unit's scorecard, and the data-entry template, in the scorecard table format (interchange.md).

The scorecard export is made from a stored snapshot (so an old snapshot exports
exactly as it was computed): one row per KPI, without a period column, with
the target and realization *as of* the snapshot's period (consolidated by the
scoring core) and the KPI's index and status in two more columns. Scoring
the file again (`kinerja score FILE`) gives the same indices and NKO. The
.xlsx adds a second sheet, `ringkasan`, with the unit, period, rule set, NKO,
predicate and completeness.

The template lists the KPIs of a map for its open periods, one row per KPI and
period of its frequency, with the period's target and a blank `realization`
(or the draft value already entered) to fill in and import.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kinerja.interchange.cells import PERSPECTIVE, POLARITY, format_cell
from kinerja.interchange.scorecard import ScorecardRow, scorecard_records, write_scorecard
from kinerja.interchange.sources import csv_download, write_csv, write_xlsx_sheets
from kinerja.planning.models import Kpi, StrategyMap
from kinerja.scoring.enums import Consolidation, Controllability, Validity

from .models import Realization, ReportingPeriod, ScoreSnapshot
from .scorecard import shown

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def scorecard_rows(
    snapshot: ScoreSnapshot,
) -> tuple[list[ScorecardRow], dict[int, tuple[Decimal | None, str | None]]]:
    """The table rows of a snapshot (one per KPI) and each row's index and status."""
    result = snapshot.result
    unit = snapshot.strategy_map.unit.code
    perspectives = {p["code"]: p for p in result.get("perspectives", [])}
    objectives = {o["code"]: o for o in result.get("objectives", [])}
    weighted = any(p.get("set_weight") is not None for p in perspectives.values())
    rows: list[ScorecardRow] = []
    indices: dict[int, tuple[Decimal | None, str | None]] = {}
    for position, k in enumerate(result.get("kpis", [])):
        perspective = perspectives.get(k["perspective"], {})
        rows.append(
            ScorecardRow(
                perspective=PERSPECTIVE.parse(k["perspective"]),  # type: ignore[arg-type]
                objective_code=k["objective"],
                kpi_code=k["code"],
                polarity=POLARITY.parse(k["polarity"]),  # type: ignore[arg-type]
                unit=unit,
                perspective_weight=_decimal(perspective.get("set_weight")) if weighted else None,
                objective_name=objectives.get(k["objective"], {}).get("name", ""),
                kpi_name=k.get("name", ""),
                kpi_weight=_decimal(k.get("weight")),
                target=_decimal(k.get("target")),
                target_low=_decimal(k.get("target_low")),
                target_high=_decimal(k.get("target_high")),
                worst=_decimal(k.get("worst")),
                realization=_decimal(k.get("realization")),
                consolidation=Consolidation(k.get("consolidation") or "last"),
                cap_on_target=bool(k.get("cap_on_target")),
                measure_unit=k.get("unit_of_measure", ""),
                validity=Validity(k["validity"]) if k.get("validity") else None,
                controllability=Controllability(k["controllability"]) if k.get("controllability") else None,
            )
        )
        indices[position] = (shown(k.get("index")), k.get("status"))
    return rows, indices


def summary_rows(snapshot: ScoreSnapshot) -> list[list[object]]:
    result = snapshot.result
    return [
        ["unit", snapshot.strategy_map.unit.code],
        ["unit_name", snapshot.strategy_map.unit.name_id],
        ["period", snapshot.period.label],
        ["rules", snapshot.rule_set],
        ["nko", shown(result.get("nko"))],
        ["predicate", result.get("predicate") or ""],
        ["complete", "yes" if result.get("complete") else "no"],
        ["missing", ", ".join(result.get("missing", []))],
        ["not_due", ", ".join(result.get("not_due", []))],
        ["computed_at", snapshot.computed_at.isoformat(timespec="seconds")],
        ["final", "yes" if snapshot.final else "no"],
        ["snapshot", snapshot.pk],
    ]


def export_scorecard(snapshot: ScoreSnapshot, fmt: str) -> bytes:
    """The snapshot as a scorecard table: `csv` (the table) or `xlsx` (the table and a summary sheet)."""
    rows, indices = scorecard_rows(snapshot)
    out = io.BytesIO()
    if fmt == "xlsx":
        header, records = scorecard_records(rows, indices)
        write_xlsx_sheets(
            out,
            [("scorecard", header, records), ("ringkasan", ["item", "value"], summary_rows(snapshot))],
        )
    else:
        write_scorecard(out, rows, fmt="csv", indices=indices)
        return csv_download(out.getvalue())
    return out.getvalue()


TEMPLATE_COLUMNS = [
    "unit",
    "period",
    "perspective",
    "objective_code",
    "kpi_code",
    "kpi_name",
    "polarity",
    "target",
    "target_low",
    "target_high",
    "measure_unit",
    "realization",
    "analysis",
]


def template_records(strategy_map: StrategyMap, periods: Sequence[ReportingPeriod]) -> list[list[object]]:
    """One row per KPI of the map and period of its frequency among `periods` (draft values filled in)."""
    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map)
        .select_related("objective__perspective")
        .prefetch_related("period_targets")
        .order_by("objective__perspective__order", "objective__code", "code")
    )
    entered = {
        (r.kpi_id, r.period_id): r for r in Realization.objects.filter(kpi__in=kpis, period__in=list(periods))
    }
    records: list[list[object]] = []
    for period in sorted(periods, key=lambda p: (p.end, p.start)):
        for kpi in kpis:
            if kpi.frequency != period.frequency:
                continue
            band = kpi.target is None and kpi.target_low is not None
            target = next(
                (t.target for t in kpi.period_targets.all() if t.period == period.number), kpi.target
            )
            realization = entered.get((kpi.pk, period.pk))
            records.append(
                [
                    strategy_map.unit.code,
                    period.label,
                    kpi.objective.perspective.code,
                    kpi.objective.code,
                    kpi.code,
                    kpi.name,
                    kpi.polarity,
                    None if band else target,
                    kpi.target_low if band else None,
                    kpi.target_high if band else None,
                    kpi.unit_of_measure,
                    realization.value if realization is not None else None,
                    realization.analysis if realization is not None else None,
                ]
            )
    return records


def entry_template(strategy_map: StrategyMap, periods: Sequence[ReportingPeriod], fmt: str) -> bytes:
    """The data-entry template for the map's KPIs in `periods`, as CSV or .xlsx."""
    records = template_records(strategy_map, periods)
    out = io.BytesIO()
    if fmt == "xlsx":
        write_xlsx_sheets(out, [("realisasi", TEMPLATE_COLUMNS, records)])
        return out.getvalue()
    text = io.StringIO()
    write_csv(text, TEMPLATE_COLUMNS, ([format_cell(v) for v in r] for r in records))
    return csv_download(text.getvalue().encode("utf-8"))


def file_name(strategy_map: StrategyMap, period: ReportingPeriod | None, kind: str, fmt: str) -> str:
    label = period.label if period is not None else str(strategy_map.plan_year.year)
    return f"{kind}-{strategy_map.unit.code}-{label}.{fmt}".lower()


__all__ = ["CONTENT_TYPES", "entry_template", "export_scorecard", "file_name", "scorecard_rows"]
