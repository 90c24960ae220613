"""The monthly (or quarterly) performance report of a unit (laporan kinerja bulanan, domain.md §6): gathering.

What the report shows, for a map-owning unit and a reporting period, read set-based (`gather_many`: a fixed
number of queries for any number of maps and KPIs; `gather` is one map):

* the unit, the period, the plan year's rule set;
* the NKO with its predicate and completeness, from the newest stored `ScoreSnapshot` of the map and period
  (nothing is scored here), and its trend over the plan year's periods of the same frequency up to the
  report's period (a period without a snapshot, or N/A, is a gap — never 0; later periods stay empty);
* the perspectives' indices, and every KPI with target, realization, index and status colour (the
  snapshot's figures), with a small trend of its counted realizations against its period targets over the
  year's periods of the KPI's own frequency;
* the analysis text of the off-target KPIs (status red or yellow: the index is below the target), taken
  from the realization of the period the KPI's result reads;
* the initiatives' progress as of the period (the last progress report by then; late = a milestone due by
  then and not done by then);
* the missing data: each due KPI and period its result reads whose realization is not counted (not
  entered, draft, submitted or verified but not approved — the completeness rule,
  `reporting.scorecard.completeness`, read live);
* the unit's open follow-ups (`meetings.Action` open or in progress; overdue when past their due date);
* for a unit with map-owning units below: those units (the nearest level, `selectors.nearest_below`) ranked
  by NKO for the period, with predicate, completeness and the NKO of the period before.

Names are in the active language (a snapshot keeps both; an older one falls back to the live records).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinerja.meetings.models import OPEN_ACTION_STATES, Action
from kinerja.organisations.models import Unit
from kinerja.planning.models import Initiative, Kpi, Milestone, PeriodTarget, ProgressReport, StrategyMap
from kinerja.planning.scoring_bridge import rule_set as rule_set_named
from kinerja.planning.selectors import LATE, ON_TRACK
from kinerja.reporting import conf
from kinerja.reporting import selectors as reporting
from kinerja.reporting.models import Realization, ReportingPeriod, ScoreSnapshot
from kinerja.reporting.models import RealizationState as State
from kinerja.reporting.scorecard import completeness as completeness_rule
from kinerja.scoring import rank

from .selectors import Head, PerspectiveFigure, RankRow, latest_heads, previous_period, short_label

OFF_TARGET = ("red", "yellow")
MISSING = "missing"


def _decimal(value: Any) -> Decimal | None:
    return None if value is None or value == "" else Decimal(str(value))


# --------------------------------------------------------------------------- what the report holds


@dataclass(frozen=True)
class Point:
    """One period of a trend: its short label, the value (None = not reported) and, for a KPI, its target."""

    label: str
    value: Decimal | None
    target: Decimal | None = None
    current: bool = False


@dataclass
class KpiRow:
    id: int
    code: str
    name: str
    objective: str
    objective_name: str
    perspective: str
    perspective_name: str
    unit_of_measure: str
    polarity: str
    frequency: str
    target: Decimal | None
    target_low: Decimal | None
    target_high: Decimal | None
    realization: Decimal | None
    index: Decimal | None
    status: str | None
    result_period: str = ""  # the period whose data the result shows (its display name), "" when none
    carried: bool = False  # the result comes from an earlier period than the KPI's own (`carried_from`)
    due: bool = True
    missing: bool = False
    analysis: str = ""
    analysis_state: str = ""  # the realization's workflow state, when it is not counted yet
    trend: list[Point] = field(default_factory=list)

    @property
    def off_target(self) -> bool:
        return self.status in OFF_TARGET

    @property
    def banded(self) -> bool:
        return self.target_low is not None or self.target_high is not None


@dataclass(frozen=True)
class InitiativeRow:
    code: str
    name: str
    owner: str
    status: str  # on_track / late (as of the report's date)
    progress: Decimal | None  # the last progress report's percent by then, None = none reported
    progress_on: dt.date | None
    note: str
    milestones_done: int
    milestones_total: int
    late_milestones: tuple[str, ...] = ()
    next_milestone: str = ""
    next_due: dt.date | None = None

    @property
    def late(self) -> bool:
        return self.status == LATE


@dataclass(frozen=True)
class MissingRow:
    kpi_code: str
    kpi_name: str
    period: ReportingPeriod
    state: str  # missing (nothing entered) or the realization's state: draft / submitted / verified
    overdue: bool

    @property
    def state_label(self) -> str:
        if self.state == MISSING:
            return _("belum diisi")
        return str(State(self.state).label)


@dataclass(frozen=True)
class FollowUpRow:
    description: str
    owner: str
    due_date: dt.date | None
    state: str
    state_label: str
    progress_note: str
    meeting: str
    kpi_code: str
    overdue: bool


@dataclass
class MonthlyReport:
    """Everything the monthly report of one map-owning unit shows for one period (see the module docstring)."""

    strategy_map: StrategyMap
    period: ReportingPeriod
    as_of: dt.date  # the period's end, or today while the period runs
    generated_at: dt.datetime
    rule_set: str
    rule_set_name: str
    head: Head | None = None
    nko_status: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    trend: list[Point] = field(default_factory=list)
    perspectives: list[PerspectiveFigure] = field(default_factory=list)
    kpis: list[KpiRow] = field(default_factory=list)
    initiatives: list[InitiativeRow] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    follow_ups: list[FollowUpRow] = field(default_factory=list)
    below: list[RankRow] = field(default_factory=list)
    has_below: bool = False  # the unit has map-owning units below (the ranking section is shown)
    previous: ReportingPeriod | None = None

    @property
    def unit(self) -> Unit:
        return self.strategy_map.unit

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def nko(self) -> Decimal | None:
        return None if self.head is None else self.head.nko

    @property
    def predicate(self) -> str:
        return "" if self.head is None else self.head.predicate

    @property
    def complete(self) -> bool:
        return bool(self.head and self.head.complete)

    @property
    def scored(self) -> bool:
        return self.head is not None

    @property
    def off_target(self) -> list[KpiRow]:
        """The KPIs below target: red first, then yellow, lowest index first."""
        found = [k for k in self.kpis if k.off_target]
        return sorted(
            found,
            key=lambda k: (OFF_TARGET.index(k.status or ""), k.index if k.index is not None else 0, k.code),
        )

    @property
    def counts(self) -> dict[str, int]:
        out = {"green": 0, "yellow": 0, "red": 0, "na": 0}
        for k in self.kpis:
            out[k.status if k.status in out else "na"] += 1
        return out

    @property
    def late_initiatives(self) -> int:
        return sum(1 for i in self.initiatives if i.late)

    @property
    def overdue_follow_ups(self) -> int:
        return sum(1 for a in self.follow_ups if a.overdue)


# --------------------------------------------------------------------------- what every report of a year shares


@dataclass
class YearContext:
    """The plan year's periods and map-owning units (read once for many reports: 2 queries)."""

    plan_year_id: int
    periods: list[ReportingPeriod]
    maps: list[StrategyMap]
    below: dict[int, list[StrategyMap]]  # map id → the maps of the nearest map-owning units below
    today: dt.date

    @classmethod
    def load(cls, plan_year_id: int, *, today: dt.date | None = None) -> YearContext:
        periods = reporting.periods_of(plan_year_id)
        maps = reporting.reportable_maps(plan_year_id)
        return cls(plan_year_id, periods, maps, nearest_below_all(maps), today or timezone.localdate())


def nearest_below_all(maps: Sequence[StrategyMap]) -> dict[int, list[StrategyMap]]:
    """For every map, the maps of the units directly below it in the map hierarchy (as
    `selectors.nearest_below`): each map hangs under its nearest map-owning ancestor. Linear in the maps."""
    by_path = {m.unit.path: m for m in maps}
    steplen = Unit.steplen
    below: dict[int, list[StrategyMap]] = {m.pk: [] for m in maps}
    for m in sorted(maps, key=lambda x: x.unit.path):
        path = m.unit.path
        for length in range(len(path) - steplen, 0, -steplen):
            parent = by_path.get(path[:length])
            if parent is not None:
                below[parent.pk].append(m)
                break
    return below


def subtree_maps(context: YearContext, unit: Unit) -> list[StrategyMap]:
    """The reportable maps of `unit` and every unit below it, in tree order."""
    return [m for m in context.maps if m.unit.path.startswith(unit.path)]


def report_date(period: ReportingPeriod, today: dt.date) -> dt.date:
    """The date the report speaks of: the period's end, or today while the period has not ended."""
    return min(period.end, today)


# --------------------------------------------------------------------------- gathering


def gather(
    strategy_map: StrategyMap, period: ReportingPeriod, *, context: YearContext | None = None
) -> MonthlyReport:
    """The monthly report of one map for `period` (a fixed number of queries, whatever its size)."""
    context = context or YearContext.load(period.plan_year_id)
    return gather_many([strategy_map], period, context=context)[0]


def gather_many(
    maps: Sequence[StrategyMap], period: ReportingPeriod, *, context: YearContext | None = None
) -> list[MonthlyReport]:
    """The monthly reports of `maps` (of the period's plan year) for `period`, in the order given.

    A fixed number of queries whatever the number of maps, KPIs, initiatives or follow-ups (the batch job
    reads its units in chunks with it).
    """
    if not maps:
        return []
    context = context or YearContext.load(period.plan_year_id)
    today = context.today
    as_of = report_date(period, today)
    now = timezone.now()
    english = translation.get_language() == "en"
    periods = context.periods
    by_label = {p.label: p for p in periods}
    map_ids = [m.pk for m in maps]
    same_frequency = [p for p in periods if p.frequency == period.frequency]
    previous = previous_period(period, periods)
    below = {m.pk: context.below.get(m.pk, []) for m in maps}
    below_ids = [b.pk for m in maps for b in below[m.pk]]

    # 1 — the headlines: the trend of every map, and the period (and the one before) of the units below
    heads = latest_heads(map_ids, [p.pk for p in same_frequency])
    if below_ids:
        heads.update(latest_heads(below_ids, [period.pk] + ([previous.pk] if previous else [])))
    # 2 — the period's snapshots (their JSON)
    wanted = set(map_ids)
    current_ids = [h.snapshot_id for (m, p), h in heads.items() if p == period.pk and m in wanted]
    results = dict(ScoreSnapshot.objects.filter(pk__in=current_ids).values_list("strategy_map_id", "result"))
    # 3 — the KPIs (live) and the completeness rule as of the period
    kpis = list(
        Kpi.objects.filter(objective__map_id__in=map_ids)
        .select_related("objective__perspective")
        .order_by("objective__perspective__order", "objective__code", "code")
    )
    kpis_of: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in kpis:
        kpis_of[kpi.objective.map_id].append(kpi)
    ended = [p for p in periods if p.end <= period.end]
    # 4 — the realizations of the year so far (values, states, analysis)
    scored_states = set(conf.scored_states())
    realizations: dict[tuple[int, int], tuple[Decimal, str, str]] = {}
    for kpi_id, period_id, value, state, analysis in Realization.objects.filter(
        kpi__objective__map_id__in=map_ids, period_id__in=[p.pk for p in ended]
    ).values_list("kpi_id", "period_id", "value", "state", "analysis"):
        realizations[(kpi_id, period_id)] = (value, state, analysis)
    counted = {pair for pair, (_v, state, _a) in realizations.items() if state in scored_states}
    # 5 — the period targets (the KPIs' trajectories)
    targets: dict[tuple[int, int], Decimal] = {
        (kpi_id, number): target
        for kpi_id, number, target in PeriodTarget.objects.filter(kpi__objective__map_id__in=map_ids)
        .order_by()  # kept in a dict: the model's ordering would join five tables to sort them
        .values_list("kpi_id", "period", "target")
    }
    # 6–8 — initiatives, milestones, progress reports by the report's date
    initiatives_of = _initiatives(map_ids, as_of)
    # 9 — the open follow-ups of the units
    follow_ups_of = _follow_ups([m.unit_id for m in maps], today)

    rules_name = _rule_set_name(maps[0].plan_year.rule_set if maps else "")
    reports = []
    for strategy_map in maps:
        report = MonthlyReport(
            strategy_map=strategy_map,
            period=period,
            as_of=as_of,
            generated_at=now,
            rule_set=strategy_map.plan_year.rule_set,
            rule_set_name=rules_name,
            head=heads.get((strategy_map.pk, period.pk)),
            previous=previous,
        )
        result = results.get(strategy_map.pk) or {}
        report.nko_status = result.get("nko_status")
        report.errors = list(result.get("errors", []))
        report.trend = [
            Point(
                short_label(p),
                _nko(heads.get((strategy_map.pk, p.pk))) if p.end <= period.end else None,
                current=p.pk == period.pk,
            )
            for p in same_frequency
        ]
        live = kpis_of.get(strategy_map.pk, [])
        report.perspectives = _perspectives(result, live, english)
        report.kpis = _kpi_rows(
            result,
            report.perspectives,
            live,
            english,
            periods,
            by_label,
            ended,
            realizations,
            scored_states,
            targets,
        )
        answer = completeness_rule(live, period, periods, counted)
        names = {k.pk: k.name for k in live}
        report.missing = sorted(
            (
                MissingRow(
                    kpi_code=due.code,
                    kpi_name=names.get(due.kpi_id, ""),
                    period=p,
                    state=realizations[(due.kpi_id, p.pk)][1]
                    if (due.kpi_id, p.pk) in realizations
                    else MISSING,
                    overdue=today > p.due_date,
                )
                for due in answer.due
                for p in due.gaps
            ),
            key=lambda r: (r.period.end, r.period.start, r.kpi_code),
        )
        report.initiatives = initiatives_of.get(strategy_map.pk, [])
        report.follow_ups = follow_ups_of.get(strategy_map.unit_id, [])
        lower = below[strategy_map.pk]
        report.has_below = bool(lower)
        report.below = _ranking(lower, period, previous, heads)
        reports.append(report)
    return reports


def _nko(head: Head | None) -> Decimal | None:
    return None if head is None else head.nko


def _rule_set_name(code: str) -> str:
    try:
        return str(rule_set_named(code).name)
    except Exception:  # an unknown code: show the code itself
        return code


def _name(entry: dict[str, Any], english: bool, fallback: str) -> str:
    if "name_id" in entry:
        return str((entry.get("name_en") if english else "") or entry["name_id"])
    return fallback or str(entry.get("name", ""))


def _perspectives(result: dict[str, Any], live: list[Kpi], english: bool) -> list[PerspectiveFigure]:
    live_names = {k.objective.perspective.code: k.objective.perspective.name for k in live}
    if not result.get("perspectives"):  # no snapshot: the live perspectives, without figures
        return [
            PerspectiveFigure(code=c, name=n, weight=None, index=None, status=None, complete=False)
            for c, n in live_names.items()
        ]
    return [
        PerspectiveFigure(
            code=p["code"],
            name=_name(p, english, live_names.get(p["code"], "")),
            weight=_decimal(p.get("weight")),
            index=_decimal(p.get("index")),
            status=p.get("status"),
            complete=bool(p.get("complete")),
        )
        for p in result.get("perspectives", [])
    ]


def _kpi_rows(
    result: dict[str, Any],
    perspectives: list[PerspectiveFigure],
    live: list[Kpi],
    english: bool,
    periods: list[ReportingPeriod],
    by_label: dict[str, ReportingPeriod],
    ended: list[ReportingPeriod],
    realizations: dict[tuple[int, int], tuple[Decimal, str, str]],
    scored_states: set[str],
    targets: dict[tuple[int, int], Decimal],
) -> list[KpiRow]:
    """The snapshot's KPI rows (the live KPIs, with no figures, when the period has no snapshot)."""
    by_id = {k.pk: k for k in live}
    objectives = {k.objective.code: k.objective for k in live}
    perspective_names = {p.code: p.name for p in perspectives}
    rows: list[KpiRow] = []
    entries = result.get("kpis")
    if not entries:
        entries = [
            {
                "id": k.pk,
                "code": k.code,
                "objective": k.objective.code,
                "perspective": k.objective.perspective.code,
                "unit_of_measure": k.unit_of_measure,
                "polarity": k.polarity,
                "frequency": k.frequency,
                "target": k.target,
            }
            for k in live
        ]
    ended_ids = {p.pk for p in ended}
    for entry in entries:
        kpi = by_id.get(entry.get("id"))
        objective = objectives.get(entry.get("objective", ""))
        own = by_label.get(entry.get("period") or "")
        analysis, state = "", ""
        if own is not None and (entry["id"], own.pk) in realizations:
            _value, state, analysis = realizations[(entry["id"], own.pk)]
            state = "" if state in scored_states else state
        frequency = entry.get("frequency") or (kpi.frequency if kpi else "")
        trend = [
            Point(
                short_label(p),
                _counted(realizations.get((entry["id"], p.pk)), scored_states) if p.pk in ended_ids else None,
                targets.get((entry["id"], p.number)),
            )
            for p in periods
            if p.frequency == frequency
        ]
        rows.append(
            KpiRow(
                id=entry["id"],
                code=entry["code"],
                name=_name(entry, english, kpi.name if kpi else ""),
                objective=entry.get("objective", ""),
                objective_name=objective.name if objective is not None else "",
                perspective=entry.get("perspective", ""),
                perspective_name=perspective_names.get(entry.get("perspective", ""), ""),
                unit_of_measure=str(entry.get("unit_of_measure") or ""),
                polarity=str(entry.get("polarity") or ""),
                frequency=frequency,
                target=_decimal(entry.get("target")),
                target_low=_decimal(entry.get("target_low")),
                target_high=_decimal(entry.get("target_high")),
                realization=_decimal(entry.get("realization")),
                index=_decimal(entry.get("index")),
                status=entry.get("status"),
                result_period=own.display_name if own is not None else "",
                carried=bool(entry.get("carried_from"))
                and own is not None
                and _is_carried(entry, own, ended),
                due=bool(entry.get("due", True)),
                missing=bool(entry.get("missing")),
                analysis=analysis.strip(),
                analysis_state=state,
                trend=trend,
            )
        )
    return rows


def _is_carried(entry: dict[str, Any], own: ReportingPeriod, ended: list[ReportingPeriod]) -> bool:
    """The result's period is earlier than the KPI's own latest ended period (the value was carried)."""
    latest = max((p for p in ended if p.frequency == own.frequency), key=lambda p: p.end, default=None)
    return latest is not None and latest.pk != own.pk


def _counted(found: tuple[Decimal, str, str] | None, scored_states: set[str]) -> Decimal | None:
    if found is None or found[1] not in scored_states:
        return None
    return found[0]


def _initiatives(map_ids: Sequence[int], as_of: dt.date) -> dict[int, list[InitiativeRow]]:
    """Per map: its initiatives with their progress and status as of `as_of` (3 queries)."""
    initiatives = list(
        Initiative.objects.filter(map_id__in=list(map_ids))
        .select_related("owner_position")
        .order_by("map_id", "code")
    )
    milestones: dict[int, list[Milestone]] = defaultdict(list)
    for milestone in Milestone.objects.filter(initiative__map_id__in=list(map_ids)).order_by(
        "due_date", "pk"
    ):
        milestones[milestone.initiative_id].append(milestone)
    progress: dict[int, ProgressReport] = {}
    for item in ProgressReport.objects.filter(initiative__map_id__in=list(map_ids), date__lte=as_of).order_by(
        "date", "pk"
    ):
        progress[item.initiative_id] = item  # the last by the date wins
    out: dict[int, list[InitiativeRow]] = defaultdict(list)
    for initiative in initiatives:
        stones = milestones.get(initiative.pk, [])

        def done_by(m: Milestone) -> bool:
            return m.done and (m.done_on is None or m.done_on <= as_of)

        late = tuple(m.name for m in stones if m.due_date < as_of and not done_by(m))
        upcoming = next((m for m in stones if not done_by(m) and m.due_date >= as_of), None)
        last = progress.get(initiative.pk)
        out[initiative.map_id].append(
            InitiativeRow(
                code=initiative.code,
                name=initiative.name,
                owner=initiative.owner_label,
                status=LATE if late else ON_TRACK,
                progress=last.percent if last is not None else None,
                progress_on=last.date if last is not None else None,
                note=last.note.strip() if last is not None else "",
                milestones_done=sum(1 for m in stones if done_by(m)),
                milestones_total=len(stones),
                late_milestones=late,
                next_milestone=upcoming.name if upcoming is not None else "",
                next_due=upcoming.due_date if upcoming is not None else None,
            )
        )
    return out


def _follow_ups(unit_ids: Sequence[int], today: dt.date) -> dict[int, list[FollowUpRow]]:
    """Per unit: its open follow-ups (open or in progress), the earliest due first, undated last (1 query)."""
    out: dict[int, list[FollowUpRow]] = defaultdict(list)
    actions = (
        Action.objects.filter(Q(unit_id__in=list(unit_ids)), state__in=list(OPEN_ACTION_STATES))
        .select_related("owner", "meeting", "kpi")
        .order_by("unit_id", "due_date", "pk")
    )
    rows = sorted(actions, key=lambda a: (a.unit_id, a.due_date is None, a.due_date or today, a.pk))
    for action in rows:
        out[action.unit_id].append(
            FollowUpRow(
                description=action.description,
                owner=action.owner.name if action.owner is not None else "",
                due_date=action.due_date,
                state=action.state,
                state_label=str(action.get_state_display()),
                progress_note=action.progress_note.strip(),
                meeting=action.meeting.title if action.meeting is not None else "",
                kpi_code=action.kpi.code if action.kpi is not None else "",
                overdue=action.due_date is not None and action.due_date < today,
            )
        )
    return out


def _ranking(
    lower: list[StrategyMap],
    period: ReportingPeriod,
    previous: ReportingPeriod | None,
    heads: dict[tuple[int, int], Head],
) -> list[RankRow]:
    def head(m: StrategyMap, of: ReportingPeriod | None) -> Head | None:
        return None if of is None else heads.get((m.pk, of.pk))

    return [
        RankRow(r.rank, r.item, head(r.item, period), head(r.item, previous))
        for r in rank(lower, lambda m: _nko(head(m, period)), tie_break=lambda m: m.unit.path)
    ]


# --------------------------------------------------------------------------- choices for the page


def report_periods(context: YearContext) -> list[ReportingPeriod]:
    """The periods a report may be asked for: the year's months and quarters (semesters and the year too)."""
    return list(context.periods)


def default_period(periods: Sequence[ReportingPeriod], today: dt.date) -> ReportingPeriod | None:
    """The latest monthly period that is closed or has ended by today; else the first month of the year."""
    months = [p for p in periods if p.frequency == "monthly"] or list(periods)
    ended = [p for p in months if p.is_closed or p.end <= today]
    if ended:
        return max(ended, key=lambda p: p.end)
    current = [p for p in months if p.start <= today <= p.end]
    return current[0] if current else (months[0] if months else None)


__all__ = [
    "FollowUpRow",
    "InitiativeRow",
    "KpiRow",
    "MissingRow",
    "MonthlyReport",
    "Point",
    "YearContext",
    "default_period",
    "gather",
    "gather_many",
    "nearest_below_all",
    "report_date",
    "subtree_maps",
]
