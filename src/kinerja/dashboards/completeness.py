"""The completeness status report, counted in the database (issue 16 item 2).

The rule is `kinerja.reporting.scorecard.completeness` — the one the score
snapshot's ``complete`` and ``missing`` follow — expressed in SQL:

* a KPI's **own periods** as of the chosen period P are the plan year's periods
  of its frequency ending no later than P (`scorecard.periods_as_of`); a KPI
  with none is not yet due;
* the periods it **reads**: its last own period for "last value", every own
  period for sum and average;
* a read is **counted** when its realization's state is one the score counts
  (`KINERJA_SCORED_STATES`), else it is a **gap** (its state, or "missing"
  when no realization was entered); a due KPI with a gap is **missing**.

The figures of each map (reads per state, counted reads, due and missing
KPIs) are `kinerja.reporting.figures.map_figures`: counted in the database in
one query and kept per map under the map's data version, so a request counts
only the maps changed since the last one. The gaps themselves (the drill-down
list) are one ``UNION ALL`` of one select per period read, for the maps the
page spans only, ordered and sliced in the database: a page of 50 costs a page
of 50, and the export streams the same query.

The report shows one row per map-owning unit, least complete first, 50 a
page; the units offered for narrowing are the scope's units above and its
nearest map-owning units below (drilling down reaches the rest). A fixed
number of queries, whatever the number of maps, KPIs and realizations.
`tests/dashboards/test_completeness_sql.py` checks the figures equal
`reporting.selectors.map_completeness` (the rule in Python) on mixed data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinerja.accounts.scope import Viewer
from kinerja.organisations.models import Unit
from kinerja.organisations.selectors import units_readable_by
from kinerja.planning.models import Kpi, StrategyMap
from kinerja.reporting import conf
from kinerja.reporting import selectors as reporting
from kinerja.reporting.figures import MISSING, MapFigures, Reads, map_figures
from kinerja.reporting.models import Realization, RealizationState, ReportingPeriod
from kinerja.scoring.enums import Consolidation

COMPLETENESS_STATES = (
    MISSING,
    RealizationState.DRAFT.value,
    RealizationState.SUBMITTED.value,
    RealizationState.VERIFIED.value,
    RealizationState.APPROVED.value,
)
PAGE_SIZE = 50
STEP = 4  # the unit tree's path step (treebeard's default): a unit's ancestors are its path's prefixes
LAST = Consolidation.LAST.value


def state_label(state: str) -> str:
    if state == MISSING:
        return _("belum diisi")
    return str(RealizationState(state).label)


# --------------------------------------------------------------------------- what the page shows


@dataclass(frozen=True)
class CompletenessItem:
    """A due KPI and one period its result reads whose realization is not counted (`missing` = none entered)."""

    unit_code: str
    unit_name: str
    kpi_id: int
    kpi_code: str
    kpi_name: str
    period: ReportingPeriod
    state: str
    realization_id: int | None
    today: dt.date

    @property
    def state_label(self) -> str:
        return state_label(self.state)

    @property
    def overdue(self) -> bool:
        return self.today > self.period.due_date


@dataclass
class UnitCompleteness:
    strategy_map: StrategyMap
    counts: dict[str, int]
    counted: int = 0  # periods read with a counted realization
    missing_kpis: int = 0  # KPIs missing as of the period (the snapshot's `missing`)
    due_kpis: int = 0

    @property
    def unit(self) -> Unit:
        return self.strategy_map.unit

    @property
    def expected(self) -> int:
        return sum(self.counts.values())

    @property
    def approved(self) -> int:
        return self.counted

    @property
    def missing(self) -> int:
        """Due KPIs missing as of the period (`scorecard.completeness`; the snapshot's `missing`)."""
        return self.missing_kpis

    @property
    def complete(self) -> bool:
        return self.missing_kpis == 0

    @property
    def percent(self) -> Decimal | None:
        """Counted share of what was due, 0–100 (None when nothing was due yet)."""
        if not self.expected:
            return None
        return Decimal(self.counted * 100) / Decimal(self.expected)

    @property
    def states(self) -> list[tuple[str, int]]:
        return [(s, self.counts.get(s, 0)) for s in COMPLETENESS_STATES]


@dataclass
class CompletenessReport:
    years: list[int]
    year: int | None
    maps: list[StrategyMap] = field(
        default_factory=list
    )  # the units offered: above, the scope, nearest below
    unit: Unit | None = None
    periods: list[ReportingPeriod] = field(default_factory=list)
    period: ReportingPeriod | None = None
    state: str = ""
    units: list[UnitCompleteness] = field(default_factory=list)  # the page's rows
    page: Page | None = None  # of `MapFigures`, least complete first
    figures: list[MapFigures] = field(default_factory=list)  # every map in scope, in page order
    items: list[CompletenessItem] = field(default_factory=list)  # the page of gaps (the drill-down)
    items_page: Page | None = None
    above: list[StrategyMap] = field(default_factory=list)
    below: list[StrategyMap] = field(default_factory=list)

    @property
    def totals(self) -> list[tuple[str, int]]:
        return [(s, sum(f.counts.get(s, 0) for f in self.figures)) for s in COMPLETENESS_STATES]

    @property
    def expected(self) -> int:
        return sum(f.expected for f in self.figures)

    @property
    def missing(self) -> int:
        """Due KPIs not reported for the period, over every unit in scope (what the home page counts)."""
        return sum(f.missing_kpis for f in self.figures)

    @property
    def unit_count(self) -> int:
        return len(self.figures)

    @property
    def complete_units(self) -> int:
        return sum(1 for f in self.figures if f.expected and not f.missing_kpis)

    @property
    def item_count(self) -> int:
        return self.items_page.paginator.count if self.items_page is not None else 0

    @property
    def state_choices(self) -> list[tuple[str, str]]:
        return [(s, state_label(s)) for s in COMPLETENESS_STATES if s != RealizationState.APPROVED]


# --------------------------------------------------------------------------- the rule, as queries


GAP_FIELDS = (
    "unit_path",
    "period_order",
    "code",
    "pk",
    "period_ref",
    "state_value",
    "realization_pk",
    "name_id",
    "name_en",
    "unit_code",
    "unit_name_id",
    "unit_name_en",
)


def gaps(
    maps: QuerySet[StrategyMap] | list[int],
    period: ReportingPeriod,
    periods: Sequence[ReportingPeriod],
    state: str = "",
) -> QuerySet[Kpi] | None:
    """Every (KPI, period read) whose realization is not counted, as rows of `GAP_FIELDS`, by unit, period, KPI.

    One select per period read, joined by ``UNION ALL`` (ordered and sliced in the database); `state`
    narrows to one state (`missing`: no realization). None when nothing is read yet.
    """
    reads = Reads.of(period, periods)
    scored = list(conf.scored_states())
    last = set(reads.last_ids)
    map_ids: Any = maps if isinstance(maps, list) else maps.order_by().values("pk")
    parts = []
    for order, p in enumerate(reads.read_periods):
        found = Realization.objects.filter(kpi=OuterRef("pk"), period_id=p.pk).order_by()
        kpis = Kpi.objects.filter(objective__map_id__in=map_ids, frequency=p.frequency)
        if p.pk not in last:
            kpis = kpis.exclude(consolidation=LAST)
        kpis = (
            kpis.annotate(
                state_value=Coalesce(
                    Subquery(found.values("state")[:1], output_field=CharField()), Value(MISSING)
                ),
                realization_pk=Subquery(found.values("pk")[:1], output_field=IntegerField()),
                period_ref=Value(p.pk, output_field=IntegerField()),
                period_order=Value(order, output_field=IntegerField()),
                unit_path=F("objective__map__unit__path"),
                unit_code=F("objective__map__unit__code"),
                unit_name_id=F("objective__map__unit__name_id"),
                unit_name_en=F("objective__map__unit__name_en"),
            )
            .exclude(state_value__in=scored)
            .order_by()
        )
        if state:
            kpis = kpis.filter(state_value=state)
        parts.append(kpis.values_list(*GAP_FIELDS))
    if not parts:
        return None
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return combined.order_by("unit_path", "period_order", "code", "pk")


def gap_items(rows: Any, periods: Sequence[ReportingPeriod], today: dt.date) -> Iterator[CompletenessItem]:
    """`CompletenessItem`s of rows of `gaps` (names in the active language)."""
    by_id = {p.pk: p for p in periods}
    english = translation.get_language() == "en"
    for (
        _path,
        _order,
        code,
        pk,
        period_id,
        state_value,
        realization_pk,
        name_id,
        name_en,
        unit_code,
        unit_name_id,
        unit_name_en,
    ) in rows:
        yield CompletenessItem(
            unit_code=unit_code,
            unit_name=(unit_name_en if english else "") or unit_name_id,
            kpi_id=pk,
            kpi_code=code,
            kpi_name=(name_en if english else "") or name_id,
            period=by_id[period_id],
            state=state_value,
            realization_id=realization_pk,
            today=today,
        )


# --------------------------------------------------------------------------- the report


def ancestor_paths(path: str, above_depth: int = 0) -> list[str]:
    """The paths of a unit's ancestors deeper than `above_depth` (treebeard: a path's prefixes)."""
    return [path[: STEP * d] for d in range(above_depth + 1, len(path) // STEP)]


def nearest_below(root: str | None, maps: Sequence[tuple[int, str]]) -> list[int]:
    """Of `maps` ((id, unit path)), those below `root` (None: the tops) with no other of them in between."""
    paths = {path for _pk, path in maps}
    depth = len(root) // STEP if root else 0
    return [
        pk
        for pk, path in maps
        if (root is None or (path.startswith(root) and path != root))
        and not any(p in paths for p in ancestor_paths(path, depth))
    ]


def completeness(
    user: Viewer,
    *,
    year: int | None = None,
    period: int | None = None,
    unit: int | None = None,
    state: str = "",
    page: int | str | None = 1,
    items_page: int | str | None = 1,
    with_items: bool = True,
    today: dt.date | None = None,
) -> CompletenessReport | None:
    """Per map-owning unit in reach (or in the subtree of `unit`): is the chosen period complete, and what is
    missing. None when `unit` is outside the reach (404).

    Rows: one per map, least complete first (then the most missing KPIs, then tree order), `PAGE_SIZE` a
    page (`page`). Items: the gaps of the whole scope narrowed to `state`, `PAGE_SIZE` a page
    (`items_page`; none with `with_items=False`). The period defaults to the last one ended by today.
    """
    from .selectors import choose_year, pick_period, years_in_reach  # the shared small reads

    day = today or timezone.localdate()
    years = years_in_reach(user)
    chosen_year = choose_year(years, year, day)
    report = CompletenessReport(years=years, year=chosen_year)
    report.state = state if state in COMPLETENESS_STATES and state != RealizationState.APPROVED else ""
    if unit is not None:
        report.unit = units_readable_by(user).filter(pk=unit).first()
        if report.unit is None:
            return None
    if chosen_year is None:
        return report
    reach = reporting.reporting_maps_for(user, chosen_year).order_by()
    scope = reach.filter(unit__path__startswith=report.unit.path) if report.unit is not None else reach
    plan_year_id = (
        scope.values_list("plan_year_id", flat=True).first()
        or reach.values_list("plan_year_id", flat=True).first()
    )
    report.periods = reporting.periods_of(plan_year_id) if plan_year_id is not None else []
    ended = [p for p in report.periods if p.end <= day]
    default = pick_period(ended, {}, today=day) if ended else None
    report.period = next((p for p in report.periods if p.pk == period), None) or default

    if report.period is not None:
        figures = map_figures(scope, report.period, report.periods)
    else:
        figures = {pk: MapFigures(pk, path, {}) for pk, path in scope.values_list("pk", "unit__path")}
    report.figures = sorted(
        figures.values(),
        key=lambda f: (
            f.percent is None,
            f.percent if f.percent is not None else Decimal(0),
            -f.missing_kpis,
            f.path,
        ),
    )
    report.page = Paginator(report.figures, PAGE_SIZE).get_page(page)
    shown = [f.map_id for f in report.page.object_list]

    root = report.unit.path if report.unit is not None else None
    below = nearest_below(root, [(f.map_id, f.path) for f in report.figures])
    above_paths = [*ancestor_paths(root), root] if root else []
    loaded = {
        m.pk: m
        for m in reach.filter(
            Q(pk__in=set(shown) | set(below)) | Q(unit__path__in=above_paths)
        ).select_related("unit", "plan_year")
    }
    by_path = {m.unit.path: m for m in loaded.values()}
    report.above = [by_path[p] for p in ancestor_paths(root) if p in by_path] if root else []
    own = by_path.get(root) if root else None
    report.below = sorted((loaded[pk] for pk in below), key=lambda m: m.unit.path)
    report.maps = [*report.above, *([own] if own else []), *report.below]
    report.units = [
        UnitCompleteness(loaded[f.map_id], f.counts, f.counted, f.missing_kpis, f.due_kpis)
        for f in report.page.object_list
    ]

    if with_items and report.period is not None:
        window = GapWindow(scope, report.period, report.periods, report.state, report.figures)
        report.items_page = Paginator(cast(Any, window), PAGE_SIZE).get_page(items_page)
        report.items = list(gap_items(report.items_page.object_list, report.periods, day))
    return report


class GapWindow:
    """The gaps of a scope as a sequence a paginator slices: its length is known from the maps' figures
    (no count query), and a slice reads only the maps whose gaps fall into it (in tree order), so a page
    of 50 costs about 50 rows whatever the size of the scope."""

    def __init__(
        self,
        scope: QuerySet[StrategyMap],
        period: ReportingPeriod,
        periods: Sequence[ReportingPeriod],
        state: str,
        figures: Sequence[MapFigures],
    ) -> None:
        self.scope, self.period, self.periods, self.state = scope, period, periods, state
        scored = set(conf.scored_states())
        self.per_map = [(f.map_id, self._gaps_of(f, scored)) for f in sorted(figures, key=lambda f: f.path)]

    def _gaps_of(self, figures: MapFigures, scored: set[str]) -> int:
        if self.state:
            return 0 if self.state in scored else figures.counts.get(self.state, 0)
        return sum(n for s, n in figures.counts.items() if s not in scored)

    def count(self) -> int:
        return sum(n for _pk, n in self.per_map)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, window: slice) -> list[Any]:
        start, stop = window.start or 0, window.stop if window.stop is not None else self.count()
        chosen: list[int] = []
        skip = 0
        running = 0
        for pk, n in self.per_map:
            if n and running + n > start and running < stop:
                if not chosen:
                    skip = start - running
                chosen.append(pk)
            running += n
            if running >= stop:
                break
        if not chosen:
            return []
        rows = gaps(chosen, self.period, self.periods, self.state)  # maps of the scope (its figures)
        return [] if rows is None else list(rows[skip : skip + (stop - start)])


def all_items(
    report: CompletenessReport, user: Viewer, *, today: dt.date | None = None
) -> Iterator[CompletenessItem]:
    """Every gap of the report's scope and state, streamed from the database (for the export)."""
    if report.period is None or report.year is None:
        return iter(())
    reach = reporting.reporting_maps_for(user, report.year).order_by()
    scope = reach.filter(unit__path__startswith=report.unit.path) if report.unit is not None else reach
    rows = gaps(scope, report.period, report.periods, report.state)
    if rows is None:
        return iter(())
    return gap_items(rows.iterator(chunk_size=2000), report.periods, today or timezone.localdate())
