"""The demo maps as files: one Kinerja planning workbook (.xlsx) per map, plus `maps.json` for what a workbook
does not carry.

`data/maps/<UNIT>.xlsx` is exactly what a user downloads with "Ekspor Excel" and
imports with "Impor Excel" (`kinerja.planning.workbook`): perspectives, themes,
SS, links, KPIs with their manuals and trajectories, initiatives and risks.
`data/maps/maps.json` holds the rest, in the order the demo loads the maps: the
Renstra period and plan year, and per map its target workflow state, vision and
mission, the initiatives' milestones and progress reports, and the risks'
monitoring entries (the workbook format has no sheet for them).

The files were made once from the former Python builders of the demo
(`kinerja demo`, then `kinerja demo --export-maps src/kinerja/demo/data/maps`);
`export_maps` rewrites them from the demo maps in the database, so changing the
demo is: load it, edit the maps in Kinerja (or the workbooks in Excel), export.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kinerja.planning.models import Initiative, Milestone, ProgressReport, RiskMonitoring, StrategyMap
from kinerja.planning.workbook import export_map

MAPS_DIR = Path(__file__).resolve().parent / "data" / "maps"
MANIFEST = "maps.json"


@dataclass(frozen=True)
class MapFile:
    """One demo map: its unit, workbook, target state and what the workbook cannot carry."""

    unit: str
    workbook: str
    state: str
    vision: str
    mission: str
    milestones: tuple[dict[str, Any], ...]
    progress: tuple[dict[str, Any], ...]
    risk_monitoring: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class Manifest:
    plan_period: dict[str, Any]
    plan_year: dict[str, Any]
    maps: tuple[MapFile, ...]

    def workbook(self, entry: MapFile, directory: Path = MAPS_DIR) -> bytes:
        return (directory / entry.workbook).read_bytes()


def load_manifest(directory: Path = MAPS_DIR) -> Manifest:
    raw = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    maps = tuple(
        MapFile(
            unit=m["unit"],
            workbook=m["workbook"],
            state=m["state"],
            vision=m.get("vision", ""),
            mission=m.get("mission", ""),
            milestones=tuple(m.get("milestones", ())),
            progress=tuple(m.get("progress", ())),
            risk_monitoring=tuple(m.get("risk_monitoring", ())),
        )
        for m in raw["maps"]
    )
    return Manifest(plan_period=raw["plan_period"], plan_year=raw["plan_year"], maps=maps)


def _map_entry(strategy_map: StrategyMap) -> dict[str, Any]:
    initiatives = Initiative.objects.filter(map=strategy_map)
    milestones = [
        {
            "initiative": m.initiative.code,
            "name": m.name,
            "due": m.due_date.isoformat(),
            "done_on": m.done_on.isoformat() if m.done and m.done_on else None,
        }
        for m in Milestone.objects.filter(initiative__in=initiatives)
        .select_related("initiative")
        .order_by("initiative__code", "due_date", "pk")
    ]
    progress = [
        {
            "initiative": p.initiative.code,
            "date": p.date.isoformat(),
            "percent": f"{p.percent.normalize():f}",
            "note": p.note,
        }
        for p in ProgressReport.objects.filter(initiative__in=initiatives)
        .select_related("initiative")
        .order_by("initiative__code", "date", "pk")
    ]
    monitoring = [
        {"objective": e.risk.objective.code, "risk": e.risk.code, "date": e.date.isoformat(), "note": e.note}
        for e in RiskMonitoring.objects.filter(risk__objective__map=strategy_map)
        .select_related("risk__objective")
        .order_by("risk__objective__code", "risk__code", "date", "pk")
    ]
    return {
        "unit": strategy_map.unit.code,
        "workbook": f"{strategy_map.unit.code}.xlsx",
        "state": strategy_map.state,
        "vision": strategy_map.vision,
        "mission": strategy_map.mission,
        "milestones": milestones,
        "progress": progress,
        "risk_monitoring": monitoring,
    }


def export_maps(directory: Path, units: list[str], year: int) -> list[Path]:
    """Write each listed unit's map of `year` as a workbook, and the manifest; return the files written."""
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    entries = []
    plan_year = None
    for code in units:
        strategy_map = (
            StrategyMap.objects.select_related("unit", "plan_year__plan_period")
            .filter(unit__code=code, plan_year__year=year)
            .first()
        )
        if strategy_map is None:
            continue
        plan_year = strategy_map.plan_year
        entry = _map_entry(strategy_map)
        path = directory / entry["workbook"]
        path.write_bytes(export_map(strategy_map))
        written.append(path)
        entries.append(entry)
    if plan_year is None:
        return written
    period = plan_year.plan_period
    manifest = {
        "plan_period": {"name": period.name, "start_year": period.start_year, "end_year": period.end_year},
        "plan_year": {"year": plan_year.year, "rule_set": plan_year.rule_set},
        "maps": entries,
    }
    path = directory / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    written.append(path)
    return written
