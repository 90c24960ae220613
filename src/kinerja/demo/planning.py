"""Demo strategy maps for plan year 2026, loaded from planning workbooks through the product's own services.

The maps are data: one Kinerja planning workbook per map in `data/maps/`
(the `.xlsx` a user exports and imports) and `data/maps/maps.json` for what a
workbook does not carry (see `kinerja.demo.maps`). For each map, in the order
of the manifest, `build_strategy_demo`:

1. creates the draft map (`planning.services.create_map`) with its vision and mission;
2. imports the workbook (`planning.workbook.import_map`, not a dry run): perspectives and
   weights, SS, links, KPIs with manuals and trajectories, initiatives and risks, each row
   through the service the pages use;
3. adds the milestones (`save_milestone`), progress reports (`add_progress_report`) and risk
   monitoring entries (`add_risk_monitoring`) the workbook has no sheet for;
4. moves it through the real workflow: `submit_map` by the unit's performance manager, then
   `approve_map` by its leader, as far as the manifest's state says.

The maps: KEMENKEU, DJP and DJBC approved, DJPB submitted, KPPBC Tipe Madya
Pabean Tanjung Perak a draft with the 10 SS and 20 IKU of domain.md §7 (its
health panel shows the two warnings domain.md predicts), and KPP Madya Malang
complete and approved (9 SS, 16 IKU, initiatives and risks), so the demo leader
`pimpinan.kpp.malang` has a map and a scorecard to look at.

Idempotent: a map that exists is left as it is (an approved map changes only
through a recorded revision). `clear_strategy_demo` removes the maps for
`kinerja demo --reset`. The acting users are the demo logins; when a login is
missing (a test database without them) the step acts as the system (`by=None`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy

from kinerja.organisations.models import Unit
from kinerja.planning import services
from kinerja.planning.models import Initiative, MapState, PlanPeriod, PlanYear, Risk, StrategyMap
from kinerja.planning.selectors import load_map_data
from kinerja.planning.validation import validate_map
from kinerja.planning.workbook import import_map

from .maps import MapFile, load_manifest
from .steps import Counts, DemoRun, DemoStep, demo_user

MANIFEST = load_manifest()
DEMO_YEAR: int = MANIFEST.plan_year["year"]
DEMO_RULE_SET: str = MANIFEST.plan_year["rule_set"]
DEMO_MAPS: tuple[MapFile, ...] = MANIFEST.maps

# Who plans (creates, imports, submits) and who approves each map; a unit not listed: the administrator.
PLANNER = {
    "DJP": "pengelola.djp",
    "DJP-KPP-MADYA-MALANG": "pengelola.djp",
    "DJBC-KPPBC-TANJUNG-PERAK": "pengelola.kppbc.perak",
}
LEADER = {"DJP-KPP-MADYA-MALANG": "pimpinan.kpp.malang", "DJP": "pimpinan.djp"}
ADMIN = "admin"


class DemoDataError(RuntimeError):
    """A demo workbook the importer refused: the data files and the product's rules disagree."""


@dataclass
class DemoCounts:
    total: int = 0
    created: int = 0
    updated: int = 0


def _plan_year() -> PlanYear:
    period_spec, year_spec = MANIFEST.plan_period, MANIFEST.plan_year
    period = PlanPeriod.objects.filter(
        start_year=period_spec["start_year"], end_year=period_spec["end_year"]
    ).first() or services.create_plan_period(by=None, **period_spec)
    return PlanYear.objects.filter(year=year_spec["year"]).first() or services.create_plan_year(
        plan_period=period, by=None, **year_spec
    )


def _monitoring(strategy_map: StrategyMap, entry: MapFile, by: Any) -> None:
    """What the workbook has no sheet for: milestones, progress reports and risk monitoring."""
    initiatives = {i.code: i for i in Initiative.objects.filter(map=strategy_map)}
    for m in entry.milestones:
        done_on = dt.date.fromisoformat(m["done_on"]) if m["done_on"] else None
        services.save_milestone(
            initiative=initiatives[m["initiative"]],
            name=m["name"],
            due_date=dt.date.fromisoformat(m["due"]),
            done=done_on is not None,
            done_on=done_on,
            by=by,
        )
    for p in entry.progress:
        services.add_progress_report(
            initiative=initiatives[p["initiative"]],
            date=dt.date.fromisoformat(p["date"]),
            percent=Decimal(p["percent"]),
            note=p["note"],
            by=by,
        )
    for r in entry.risk_monitoring:
        risk = Risk.objects.get(objective__map=strategy_map, objective__code=r["objective"], code=r["risk"])
        services.add_risk_monitoring(risk=risk, date=dt.date.fromisoformat(r["date"]), note=r["note"], by=by)


def load_map(entry: MapFile, unit: Unit, plan_year: PlanYear) -> StrategyMap:
    """Create one demo map from its workbook and move it to its state, through the services."""
    planner = demo_user(PLANNER.get(entry.unit, ADMIN))
    leader = demo_user(LEADER.get(entry.unit, ADMIN))
    strategy_map = services.create_map(
        unit=unit, plan_year=plan_year, vision=entry.vision, mission=entry.mission, by=planner
    )
    report = import_map(
        strategy_map=strategy_map, content=MANIFEST.workbook(entry), by=planner, dry_run=False
    )
    if not report.applied:
        raise DemoDataError(f"{entry.workbook}: " + "; ".join(str(i) for i in report.issues))
    _monitoring(strategy_map, entry, planner)
    if entry.state in (MapState.SUBMITTED, MapState.APPROVED):
        services.submit_map(strategy_map=strategy_map, by=planner)
    if entry.state == MapState.APPROVED:
        services.approve_map(strategy_map=strategy_map, by=leader)
    if strategy_map.state != entry.state:
        raise DemoDataError(f"{entry.unit}: state {strategy_map.state}, expected {entry.state}")
    return strategy_map


def build_strategy_demo(*, stdout: Callable[[str], Any] | None = None) -> DemoCounts:
    """Load the 2026 demo maps (idempotent); report each map's findings to `stdout` when given."""
    counts = DemoCounts()
    with transaction.atomic():
        plan_year = _plan_year()
        for entry in DEMO_MAPS:
            unit = Unit.objects.filter(code=entry.unit).first()
            if unit is None:
                if stdout:
                    stdout(f"  {entry.unit}: unit tidak ditemukan, peta dilewati")
                continue
            counts.total += 1
            strategy_map = StrategyMap.objects.filter(unit=unit, plan_year=plan_year).first()
            if strategy_map is None:
                try:
                    strategy_map = load_map(entry, unit, plan_year)
                except ValidationError as error:
                    raise DemoDataError(f"{entry.unit}: {'; '.join(error.messages)}") from error
                counts.created += 1
            if stdout:
                strategy_map = StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)
                data = load_map_data(strategy_map)
                findings = validate_map(data)
                blocking = sum(f.blocks for f in findings)
                stdout(
                    f"  {entry.unit} {DEMO_YEAR}: {len(data.objectives)} SS, {len(data.kpis)} IKU, "
                    f"{strategy_map.get_state_display()}, {blocking} temuan blokir, "
                    f"{len(findings) - blocking} peringatan"
                )
    return counts


def clear_strategy_demo() -> int:
    """Remove the demo maps (and the demo plan year and period when nothing else uses them)."""
    units = [entry.unit for entry in DEMO_MAPS]
    removed = 0
    with transaction.atomic():
        for strategy_map in StrategyMap.objects.filter(unit__code__in=units, plan_year__year=DEMO_YEAR):
            strategy_map.delete()
            removed += 1
        year = PlanYear.objects.filter(year=DEMO_YEAR, maps__isnull=True).first()
        if year is not None:
            period = year.plan_period
            year.delete()
            if not period.years.exists():
                period.delete()
    return removed


def _build(run: DemoRun) -> Counts:
    made = build_strategy_demo(stdout=run.report)
    return Counts(total=made.total, created=made.created, updated=made.updated)


STEP = DemoStep(
    "strategy", gettext_lazy("Peta strategi dan IKU 2026"), _build, lambda run: clear_strategy_demo()
)
