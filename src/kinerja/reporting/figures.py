"""A map's completeness figures as of a period, counted in the database and kept per map (issue 16 item 2).

The rule is `kinerja.reporting.scorecard.completeness` — the one the score snapshot's ``complete`` and
``missing`` follow — expressed in SQL, once, for the completeness report (`dashboards.completeness`) and the
home page's count (`reporting.selectors.missing_count`):

* a KPI's **own periods** as of the chosen period P are the plan year's periods of its frequency ending no
  later than P (`scorecard.periods_as_of`); a KPI with none is not yet due;
* the periods it **reads**: its last own period for "last value", every own period for sum and average;
* a read is **counted** when its realization's state is one the score counts (`KINERJA_SCORED_STATES`),
  else it is a **gap** (its state, or "missing" when no realization was entered); a due KPI with a gap is
  **missing**.

Since the reads depend only on a KPI's frequency and consolidation, the periods read are known in Python
from the (at most 19) periods of the plan year, and every figure is a count: one query over the maps' KPIs
joined to the realizations they read, grouped per KPI (per state, and the reads expected), summed per map.

A map's figures only change when its data does, so they are kept in the cache under the map's data version
(`reporting.versions`, changed by the database on every write to the map's realizations, KPIs and
objectives) and the period, the plan year's periods and the states counted: a page reads the versions of
the maps in scope (one query) and counts only the maps changed since (one query, none when none changed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When

from kinerja.scoring.enums import Consolidation

from . import conf, versions
from .models import RealizationState, ReportingPeriod
from .scorecard import periods_as_of

MISSING = "missing"
LAST = Consolidation.LAST.value


@dataclass(frozen=True)
class MapFigures:
    """A map's counts as of the period: reads per realization state, counted reads, due and missing KPIs."""

    map_id: int
    path: str
    counts: dict[str, int]
    counted: int = 0
    due_kpis: int = 0
    missing_kpis: int = 0

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def percent(self) -> Decimal | None:
        return None if not self.expected else Decimal(self.counted * 100) / Decimal(self.expected)


@dataclass(frozen=True)
class Reads:
    """The periods read as of `period`, from the plan year's periods: per frequency, the own periods."""

    period: ReportingPeriod
    own: dict[str, list[ReportingPeriod]]

    @classmethod
    def of(cls, period: ReportingPeriod, periods: Sequence[ReportingPeriod]) -> Reads:
        return cls(period, periods_as_of(period, periods))

    @property
    def last_ids(self) -> list[int]:
        return [own[-1].pk for own in self.own.values() if own]

    @property
    def read_periods(self) -> list[ReportingPeriod]:
        """Every period some KPI reads, in the report's order (end, start)."""
        return sorted((p for own in self.own.values() for p in own), key=lambda p: (p.end, p.start, p.pk))

    def reads_case(self) -> Case:
        """How many periods a KPI reads (0: not yet due), on a KPI queryset."""
        whens = []
        for frequency, own in self.own.items():
            if own:
                whens.append(When(frequency=frequency, consolidation=LAST, then=Value(1)))
                whens.append(When(frequency=frequency, then=Value(len(own))))
        return Case(*whens, default=Value(0), output_field=IntegerField())

    def read_filter(self, prefix: str = "") -> Q:
        """A realization one of its KPI's reads, on a KPI queryset's join to its realizations (`prefix`
        "realizations__") or on Realization itself (`prefix` "", the KPI through "kpi__")."""
        kpi = "" if prefix else "kpi__"
        found = Q(pk__in=[])
        for frequency, own in self.own.items():
            if not own:
                continue
            found |= Q(**{f"{kpi}frequency": frequency}) & (
                Q(**{f"{kpi}consolidation": LAST, f"{prefix}period_id": own[-1].pk})
                | (~Q(**{f"{kpi}consolidation": LAST}) & Q(**{f"{prefix}period_id__in": [p.pk for p in own]}))
            )
        return found

    def realization_filter(self, prefix: str = "") -> Q:
        """A realization that one of its KPI's reads (on Realization; `prefix` for a path to one)."""
        return Q(
            **{
                f"{prefix}period__plan_year_id": self.period.plan_year_id,
                f"{prefix}period__end__lte": self.period.end,
                f"{prefix}period__frequency": F(f"{prefix}kpi__frequency"),
            }
        ) & (~Q(**{f"{prefix}kpi__consolidation": LAST}) | Q(**{f"{prefix}period_id__in": self.last_ids}))


Counted = tuple[dict[str, int], int, int, int]
"""What is kept per map: (reads per state, counted reads, due KPIs, missing KPIs)."""


def count_maps(map_ids: Sequence[int], reads: Reads, scored: Sequence[str]) -> dict[int, Counted]:
    """The figures of `map_ids` counted in the database: one query, one row per KPI, summed per map here."""
    from kinerja.planning.models import Kpi

    states = [s.value for s in RealizationState]
    read = reads.read_filter("realizations__")
    rows: Any = (
        Kpi.objects.filter(objective__map_id__in=list(map_ids))
        .annotate(
            reads=reads.reads_case(),
            **{f"n_{s}": Count("realizations", filter=read & Q(realizations__state=s)) for s in states},
        )
        .order_by()
        .values_list("objective__map_id", "reads", *(f"n_{s}" for s in states))
    )
    found: dict[int, Counted] = {}
    counted_states = set(scored)
    for map_id, expected, *per_state in rows:
        counts, counted, due, missing = found.get(map_id, ({}, 0, 0, 0))
        entered = 0
        counted_here = 0
        for state, n in zip(states, per_state, strict=True):
            if n:
                counts[state] = counts.get(state, 0) + n
                entered += n
                if state in counted_states:
                    counted_here += n
        if expected > entered:
            counts[MISSING] = counts.get(MISSING, 0) + expected - entered
        found[map_id] = (
            counts,
            counted + counted_here,
            due + (1 if expected else 0),
            missing + (1 if expected and counted_here < expected else 0),
        )
    return found


def map_figures(
    maps: QuerySet[Any] | Sequence[tuple[int, str, int]],
    period: ReportingPeriod,
    periods: Sequence[ReportingPeriod],
) -> dict[int, MapFigures]:
    """{map id: MapFigures} as of `period` for every map of `maps` (a queryset, or (id, unit path, data
    version) rows already read): one query reading the maps with their data versions (none when given the
    rows), one more counting the maps whose figures are not kept for their current version."""
    if isinstance(maps, QuerySet):
        rows = list(
            maps.order_by()
            .annotate(kept_version=versions.version_column())
            .values_list("pk", "unit__path", "kept_version")
        )
    else:
        rows = list(maps)
    if not rows:
        return {}
    reads = Reads.of(period, periods)
    scored = sorted(conf.scored_states())
    context = versions.key_of(period.pk, versions.periods_key(periods), scored)
    kept = versions.cached_per_map(
        "completeness",
        context,
        {pk: version for pk, _path, version in rows},
        lambda missed: count_maps(missed, reads, scored),
        lambda _pk: ({}, 0, 0, 0),
    )
    return {pk: MapFigures(pk, path, *kept[pk]) for pk, path, _version in rows}
