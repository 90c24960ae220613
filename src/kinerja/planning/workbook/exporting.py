"""Writing a map as a planning workbook (openpyxl): one sheet per entity, in the layout's columns."""

from __future__ import annotations

import io
from collections import defaultdict
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from kinerja.interchange.cells import looks_like_formula
from kinerja.organisations.models import Position
from kinerja.planning.models import Initiative, Risk, StrategyMap
from kinerja.planning.selectors import load_map_data

from .layout import IKU, SHEETS


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, Decimal):
        if value == value.to_integral():
            return int(value)
        as_float = float(value)
        # A number cell when a float holds the value exactly enough to read back the same; else text.
        return as_float if Decimal(str(as_float)) == value else f"{value.normalize():f}"
    return value


def export_map(strategy_map: StrategyMap) -> bytes:
    """The map (perspectives, themes, SS, links, KPIs with manuals and trajectories, initiatives, risks) as XLSX."""
    data = load_map_data(strategy_map)
    objectives = {o.pk: o for o in data.objectives}
    positions = dict(Position.objects.filter(unit=strategy_map.unit_id).values_list("pk", "code"))

    def position(pk: int | None) -> str:
        return positions.get(pk, "") if pk else ""

    rows: dict[str, list[list[Any]]] = defaultdict(list)
    for p in data.perspectives:
        rows["perspektif"].append([p.code, p.name_id, p.name_en, p.weight])
    for t in strategy_map.themes.order_by("code"):
        rows["tema"].append([t.code, t.name_id, t.name_en])
    for o in data.objectives:
        rows["sasaran"].append(
            [
                o.code,
                o.perspective.code,
                o.name_id,
                o.name_en,
                o.description,
                o.theme.code if o.theme is not None else "",
                position(o.owner_position_id),
                o.weight,
            ]
        )
    for link in data.links:
        rows["hubungan"].append([objectives[link.cause_id].code, objectives[link.effect_id].code])
    for kpi in data.kpis:
        rows["iku"].append(
            [
                kpi.objective.code,
                kpi.code,
                *[getattr(kpi, c.key) for c in IKU.columns[2:15]],
                position(kpi.owner_position_id),
                *[getattr(kpi, c.key) for c in IKU.columns[16:]],
            ]
        )
        for period_target in data.trajectory(kpi):
            rows["target_periode"].append([kpi.code, period_target.period, period_target.target])
    for i in Initiative.objects.filter(map=strategy_map).prefetch_related("objectives").order_by("code"):
        rows["inisiatif"].append(
            [
                i.code,
                i.name_id,
                i.name_en,
                i.description,
                ", ".join(o.code for o in sorted(i.objectives.all(), key=lambda o: o.code)),
                position(i.owner_position_id),
                i.owner_text,
                i.budget,
                i.start,
                i.end,
            ]
        )
    for r in (
        Risk.objects.filter(objective__map=strategy_map)
        .select_related("objective")
        .order_by("objective__perspective__order", "objective__code", "code")
    ):
        rows["risiko"].append(
            [
                r.objective.code,
                r.code,
                r.description,
                r.likelihood,
                r.impact,
                r.mitigation,
                position(r.owner_position_id),
                r.owner_text,
            ]
        )
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet.name]:
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if cell.data_type == "f" or (isinstance(cell.value, str) and looks_like_formula(cell.value)):
                    cell.data_type = "s"  # a name that starts with `=` is text, never a live formula
        for column in ws.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
