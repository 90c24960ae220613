"""Reporting data at a chosen size, written in bulk, for the tests that a page's queries do not grow with it
(issue 16 item 2), and brute-force answers to check the pages' figures against.

`grow(world, maps, kpis)` adds approved 2026 maps of new units under KANWIL (so the ministry's and the
regional office's users reach them, KPP-A's users do not), each with two SS and `kpis` KPIs (a target of 100 every period) (three in four
monthly, the rest quarterly; "last", "sum" and "average" in turn), and realizations of the periods ended by
`TODAY` in every workflow state (and some missing), entered by the world's employee or by the ministry's
manager. `TODAY` (5 August 2026) leaves June overdue and July not yet due.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from kinerja.planning.models import (
    PERSPECTIVE_DEFAULTS,
    REPORTABLE_MAP_STATES,
    Kpi,
    MapState,
    Objective,
    PeriodTarget,
    Perspective,
    StrategyMap,
)
from kinerja.reporting import workflow
from kinerja.reporting.models import PeriodState, Realization, RealizationState, ReportingPeriod
from tests.factories import make_unit

TODAY = dt.date(2026, 8, 5)
STATES = (
    RealizationState.APPROVED,
    RealizationState.SUBMITTED,
    RealizationState.VERIFIED,
    RealizationState.DRAFT,
    None,  # not entered
    RealizationState.APPROVED,
    RealizationState.SUBMITTED,
)
_units = itertools.count(1)


def grow(world: Any, org: Any, maps: int, kpis: int) -> list[StrategyMap]:
    """`maps` more approved maps of `kpis` KPIs each, with their realizations (see the module docstring)."""
    year = world.year
    units = [make_unit(f"SCALE-{next(_units):03d}", parent=org.kanwil) for _ in range(maps)]
    created = StrategyMap.objects.bulk_create(
        [StrategyMap(unit=u, plan_year=year, state=MapState.APPROVED) for u in units]
    )
    Perspective.objects.bulk_create(
        [
            Perspective(map=m, code=code, order=order, name_id=name_id, name_en=name_en)
            for m in created
            for code, order, name_id, name_en in PERSPECTIVE_DEFAULTS
        ]
    )
    first = {p.map_id: p for p in Perspective.objects.filter(map__in=created, order=1)}
    Objective.objects.bulk_create(
        [
            Objective(map=m, perspective=first[m.pk], code=f"S{i}", name_id=f"Sasaran {i}")
            for m in created
            for i in (1, 2)
        ]
    )
    objectives = {(o.map_id, o.code): o for o in Objective.objects.filter(map__in=created)}
    Kpi.objects.bulk_create(
        [
            Kpi(
                objective=objectives[(m.pk, f"S{1 + i % 2}")],
                code=f"K{i:02d}",
                name_id=f"Indikator {i}",
                validity="proxy",
                controllability="moderate",
                polarity="max",
                consolidation=("last", "sum", "average")[i % 3],
                frequency="quarterly" if i % 4 == 3 else "monthly",
                target=Decimal(100),
            )
            for m in created
            for i in range(1, kpis + 1)
        ]
    )
    PeriodTarget.objects.bulk_create(
        [
            PeriodTarget(kpi=kpi, period=n, target=Decimal(100))
            for kpi in Kpi.objects.filter(objective__map__in=created)
            for n in range(1, kpi.period_count + 1)
        ]
    )
    periods = list(ReportingPeriod.objects.filter(plan_year=year, end__lt=TODAY))
    rows = []
    for n, kpi in enumerate(Kpi.objects.filter(objective__map__in=created).order_by("pk")):
        for period in periods:
            if period.frequency != kpi.frequency:
                continue
            state = STATES[(n + period.number) % len(STATES)]
            if state is None:
                continue
            by = world.mko if (n + period.number) % 5 == 0 else world.employee
            rows.append(
                Realization(
                    kpi=kpi,
                    period=period,
                    value=Decimal(90 + n % 20),
                    state=state,
                    created_by=by,
                    submitted_by=None if state == RealizationState.DRAFT else by,
                    verified_by=world.manager
                    if state in (RealizationState.VERIFIED, RealizationState.APPROVED)
                    else None,
                    approved_by=world.leader if state == RealizationState.APPROVED else None,
                )
            )
    Realization.objects.bulk_create(rows)
    return created


# ------------------------------------------------------------------ brute-force answers (the old loops)


def expected_due(user: Any, day: dt.date = TODAY) -> list[tuple[int, int, bool]]:
    """(KPI id, period id, overdue) of every map KPI the user may see in an open ended period of its frequency
    with no realization past draft, in the pages' order — the per-KPI loop the pages no longer run."""
    periods = sorted(
        ReportingPeriod.objects.filter(state=PeriodState.OPEN, end__lt=day),
        key=lambda p: (p.due_date, p.end, p.start, p.pk),
    )
    kpis = sorted(
        (
            k
            for k in Kpi.all_kpis.select_related("objective__map__unit")
            if k.holder_id is None
            and not k.rolled_up
            and k.objective.map.state in REPORTABLE_MAP_STATES
            and user.has_perm("reporting.view_realization", k)
        ),
        key=lambda k: (k.objective.map.unit.path, k.objective.code, k.code),
    )
    done = {(r.kpi_id, r.period_id) for r in Realization.objects.exclude(state=RealizationState.DRAFT)}
    return [
        (k.pk, p.pk, p.due_date < day)
        for p in periods
        for k in kpis
        if k.frequency == p.frequency
        and k.objective.map.plan_year_id == p.plan_year_id
        and (k.pk, p.pk) not in done
    ]


def expected_waiting(user: Any, step: str) -> list[int]:
    """Ids of the realizations on which the workflow itself lets `user` take `step` now, asked row by row."""
    found = Realization.objects.select_related(
        "kpi__objective__map__unit", "kpi__holder__unit", "period"
    ).order_by("period__end", "kpi__objective__map__unit__path", "kpi__code", "pk")
    flow = workflow.REALIZATION_WORKFLOW
    return [r.pk for r in found if flow.may(r, step, user) and flow.problem(r, step, user) is None]
