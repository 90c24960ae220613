"""The agenda proposed to the chair of a dialogue (issue 14 item 1): what the period's figures ask to discuss.

In this order:

1. **red KPIs** — index status red in the latest score snapshot of the unit's map as of the meeting's period
   (the period's own snapshot, else the latest one of an earlier period of the year);
2. **missing KPIs** — due as of the period and without a counted realization (`reporting.scorecard.completeness`,
   the one rule of completeness, read live); one point per KPI, or one point listing them when there are more
   than `MISSING_GROUPED_OVER`;
3. **late initiatives** — a milestone past its due date and not done (`planning.selectors.initiative_status`),
   with the latest progress report;
4. **high risks** — likelihood × impact in the "high" or "extreme" band (`planning.models.risk_band`);
5. **open follow-ups** — every open or in-progress action of the unit decided in an earlier meeting (or
   recorded outside one): carried over as an item of kind follow-up pointing at the action.

Nothing is written here: `services.propose_agenda` adds the proposals not yet on the agenda.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.planning.models import Initiative, Kpi, Milestone, ProgressReport, Risk, StrategyMap, risk_band
from kinerja.planning.selectors import LATE, initiative_status
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from kinerja.reporting.selectors import map_completeness

from .models import OPEN_ACTION_STATES, Action, AgendaKind, Meeting

HIGH_RISK_BANDS = frozenset({"high", "extreme"})
RED = "red"


@dataclass(frozen=True)
class Proposal:
    """One proposed agenda item: its kind, its title and what it points at."""

    kind: str
    title: str
    kpi_id: int | None = None
    initiative_id: int | None = None
    risk_id: int | None = None
    action_id: int | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return item_key(self.kind, self.kpi_id, self.initiative_id, self.risk_id, self.action_id)


def item_key(
    kind: str, kpi_id: int | None, initiative_id: int | None, risk_id: int | None, action_id: int | None
) -> tuple[str, int | None]:
    """What makes two items the same point: the kind and the object it is about."""
    targets: dict[str, int | None] = {
        AgendaKind.RED_KPI: kpi_id,
        AgendaKind.MISSING_KPI: kpi_id,
        AgendaKind.LATE_INITIATIVE: initiative_id,
        AgendaKind.HIGH_RISK: risk_id,
        AgendaKind.FOLLOW_UP: action_id,
    }
    return (str(kind), targets.get(str(kind)))


def unit_map(meeting: Meeting) -> StrategyMap | None:
    return (
        StrategyMap.objects.filter(unit_id=meeting.unit_id, plan_year_id=meeting.period.plan_year_id)
        .select_related("unit", "plan_year")
        .first()
    )


def snapshot_for(strategy_map: StrategyMap, period: ReportingPeriod) -> ScoreSnapshot | None:
    """The latest snapshot of the map as of the period; failing one, the latest of an earlier period."""
    found = (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period)
        .order_by("-computed_at", "-pk")
        .first()
    )
    if found is not None:
        return found
    return (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map, period__end__lte=period.end)
        .select_related("period")
        .order_by("-period__end", "-computed_at", "-pk")
        .first()
    )


def _index(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    except (InvalidOperation, ValueError, TypeError):
        return "—"


def red_kpis(strategy_map: StrategyMap, period: ReportingPeriod) -> list[Proposal]:
    snapshot = snapshot_for(strategy_map, period)
    if snapshot is None:
        return []
    rows = [row for row in snapshot.result.get("kpis", []) if row.get("status") == RED]
    live = set(
        Kpi.objects.filter(pk__in=[r.get("id") for r in rows], objective__map=strategy_map).values_list(
            "pk", flat=True
        )
    )
    return [
        Proposal(
            AgendaKind.RED_KPI,
            _("IKU %(code)s %(name)s: indeks %(index)s (merah)")
            % {
                "code": row.get("code", ""),
                "name": row.get("name_id") or row.get("name", ""),
                "index": _index(row.get("index")),
            },
            kpi_id=row.get("id") if row.get("id") in live else None,
        )
        for row in rows
    ]


MISSING_GROUPED_OVER = 5
"""More missing KPIs than this make one agenda point listing them (a chair reads one line, not twenty)."""


def missing_kpis(strategy_map: StrategyMap, period: ReportingPeriod) -> list[Proposal]:
    kpis, found = map_completeness([strategy_map], period)[strategy_map.pk]
    missing = set(found.missing)
    rows = [kpi for kpi in kpis if kpi.code in missing]
    if len(rows) > MISSING_GROUPED_OVER:
        return [
            Proposal(
                AgendaKind.MISSING_KPI,
                _("%(n)d IKU belum dilaporkan untuk %(period)s: %(codes)s")
                % {"n": len(rows), "period": period.display_name, "codes": ", ".join(k.code for k in rows)},
            )
        ]
    return [
        Proposal(
            AgendaKind.MISSING_KPI,
            _("IKU %(code)s %(name)s: realisasi belum dilaporkan") % {"code": kpi.code, "name": kpi.name_id},
            kpi_id=kpi.pk,
        )
        for kpi in rows
    ]


def late_initiatives(strategy_map: StrategyMap, *, today: dt.date | None = None) -> list[Proposal]:
    day = today or timezone.localdate()
    initiatives = Initiative.objects.filter(map=strategy_map).prefetch_related(
        Prefetch(
            "milestones", queryset=Milestone.objects.order_by("due_date", "pk"), to_attr="milestone_list"
        ),
        Prefetch(
            "progress_reports", queryset=ProgressReport.objects.order_by("date", "pk"), to_attr="report_list"
        ),
    )
    found = []
    for initiative in initiatives.order_by("code"):
        if initiative_status(initiative.milestone_list, day) != LATE:
            continue
        late = [m for m in initiative.milestone_list if not m.done and m.due_date < day]
        reports = initiative.report_list
        progress = (
            _("; kemajuan %(percent)s%%") % {"percent": _index(reports[-1].percent).removesuffix(",00")}
            if reports
            else ""
        )
        found.append(
            Proposal(
                AgendaKind.LATE_INITIATIVE,
                _("Inisiatif %(code)s %(name)s terlambat: %(milestone)s (batas %(due)s)%(progress)s")
                % {
                    "code": initiative.code,
                    "name": initiative.name_id,
                    "milestone": late[0].name,
                    "due": late[0].due_date.strftime("%d-%m-%Y"),
                    "progress": progress,
                },
                initiative_id=initiative.pk,
            )
        )
    return found


def high_risks(strategy_map: StrategyMap) -> list[Proposal]:
    risks = (
        Risk.objects.filter(objective__map=strategy_map)
        .select_related("objective")
        .order_by("objective__perspective__order", "objective__code", "code")
    )
    found = []
    for risk in risks:
        level = risk.likelihood * risk.impact
        band, label = risk_band(level)
        if band not in HIGH_RISK_BANDS:
            continue
        found.append(
            Proposal(
                AgendaKind.HIGH_RISK,
                _("Risiko %(code)s (%(band)s, level %(level)s): %(description)s")
                % {
                    "code": risk.code,
                    "band": label.lower(),
                    "level": level,
                    "description": risk.description[:300],
                },
                risk_id=risk.pk,
            )
        )
    return found


def open_follow_ups(meeting: Meeting) -> list[Proposal]:
    actions = (
        Action.objects.filter(unit_id=meeting.unit_id, state__in=OPEN_ACTION_STATES)
        .exclude(meeting_id=meeting.pk)
        .select_related("owner", "meeting")
        .order_by("due_date", "pk")
    )
    if meeting.pk is not None and meeting.starts_at is not None:
        actions = actions.exclude(meeting__starts_at__gt=meeting.starts_at)
    found = []
    for action in actions:
        owner = action.owner.name if action.owner is not None else _("tanpa penanggung jawab")
        due = action.due_date.strftime("%d-%m-%Y") if action.due_date else _("tanpa batas waktu")
        found.append(
            Proposal(
                AgendaKind.FOLLOW_UP,
                _("Tindak lanjut: %(description)s (%(owner)s, batas %(due)s, %(state)s)")
                % {
                    "description": action.description[:300],
                    "owner": owner,
                    "due": due,
                    "state": action.get_state_display(),
                },
                action_id=action.pk,
            )
        )
    return found


def propose(meeting: Meeting, *, today: dt.date | None = None) -> list[Proposal]:
    """Everything the figures ask the dialogue to discuss, in the order above; initiatives late as of the
    meeting's day (today for a meeting still to come)."""
    found: list[Proposal] = []
    day = today or min(timezone.localdate(), timezone.localtime(meeting.starts_at).date())
    strategy_map = unit_map(meeting)
    if strategy_map is not None:
        found += red_kpis(strategy_map, meeting.period)
        found += missing_kpis(strategy_map, meeting.period)
        found += late_initiatives(strategy_map, today=day)
        found += high_risks(strategy_map)
    found += open_follow_ups(meeting)
    return found
