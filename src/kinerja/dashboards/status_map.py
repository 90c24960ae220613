"""The strategy map coloured by status (issue 14 item 5; domain.md §6 "Strategy map picture … optionally
coloured by status").

The very picture of the map (`planning.drawing.draw_map`), with each objective (SS) filled by its index
status as of a chosen period: green, yellow or red by the bands of the rule set the score was computed
with, grey when the objective has no figure (nothing reported, not due, or no score computed yet). Each box
links to the objective's row on the unit's scorecard of that period (`reporting:scorecard`, `#ss-<code>`),
and carries its index beside the code.

The figures are read, never computed: the latest score snapshot of the map and period
(`reporting.selectors.latest_snapshot`, its JSON in `reporting.scorecard`). The page, the PDF and the PNG
(A4 landscape, `planning.exports.map_page_svg`) are built from the same SVG.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.interchange.numbers import SCORE_DECIMALS, format_decimal
from kinerja.planning import drawing
from kinerja.planning.models import StrategyMap
from kinerja.planning.scoring_bridge import rule_set
from kinerja.planning.selectors import MapData, load_map_data
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from kinerja.reporting.selectors import default_period, latest_snapshot

STATUSES = drawing.STATUS_ORDER  # green, yellow, red, none


@dataclass(frozen=True)
class ObjectiveStatus:
    """One objective's line in the table under the picture."""

    pk: int
    code: str
    name: str
    perspective: str
    status: str  # green / yellow / red / none
    index: str  # the index as shown ("101,00"), "" without one
    href: str

    @property
    def fill(self) -> str:
        return drawing.STATUS_FILL[self.status]


@dataclass
class StatusMap:
    map: StrategyMap
    period: ReportingPeriod | None
    snapshot: ScoreSnapshot | None
    svg: str
    legend: dict[str, str]
    rows: list[ObjectiveStatus] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return {s: sum(1 for r in self.rows if r.status == s) for s in STATUSES}

    @property
    def legend_items(self) -> list[tuple[str, str, str]]:
        """(status, text, fill) per legend entry, for a page's own legend."""
        return [(s, self.legend[s], drawing.STATUS_FILL[s]) for s in STATUSES if s in self.legend]

    @property
    def has_errors(self) -> bool:
        return self.snapshot is not None and self.snapshot.has_errors


def _bound(value: Decimal) -> str:
    return format_decimal(value, decimals=SCORE_DECIMALS, lang=get_language(), trim=True)


def legend(rule_set_code: str) -> dict[str, str]:
    """The status legend in the active language, with the rule set's bands (status_green, status_yellow)."""
    rules = rule_set(rule_set_code)
    green, yellow = _bound(rules.status_green.value), _bound(rules.status_yellow.value)
    return {
        "green": _("Hijau: indeks ≥ %(green)s") % {"green": green},
        "yellow": _("Kuning: %(yellow)s ≤ indeks < %(green)s") % {"yellow": yellow, "green": green},
        "red": _("Merah: indeks < %(yellow)s") % {"yellow": yellow},
        "none": _("Abu-abu: belum ada data"),
    }


def _index_text(value: Any) -> str:
    if value in (None, ""):
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return ""
    return format_decimal(number, decimals=SCORE_DECIMALS, lang=get_language(), trim=False)


def objective_figures(snapshot: ScoreSnapshot | None) -> dict[str, tuple[str | None, str]]:
    """Per objective code, its (status, index as shown) in the snapshot; empty without one or on errors."""
    if snapshot is None or snapshot.has_errors:
        return {}
    out: dict[str, tuple[str | None, str]] = {}
    for row in snapshot.result.get("objectives", []) or []:
        status = row.get("status")
        out[str(row.get("code"))] = (
            status if status in ("green", "yellow", "red") else None,
            _index_text(row.get("index")),
        )
    return out


def pick_period(
    strategy_map: StrategyMap, periods: list[ReportingPeriod], asked: int | None
) -> ReportingPeriod | None:
    """The period asked for (None when it is not one of the map's year: the caller answers 404), else the
    latest period with a score of the map, else the map's default period."""
    if asked is not None:
        return next((p for p in periods if p.pk == asked), None)
    latest = (
        ScoreSnapshot.objects.filter(strategy_map=strategy_map)
        .order_by("-period__end", "-period__start", "-computed_at", "-pk")
        .values_list("period_id", flat=True)
        .first()
    )
    if latest is not None:
        found = next((p for p in periods if p.pk == latest), None)
        if found is not None:
            return found
    return default_period(strategy_map)


def title(strategy_map: StrategyMap, period: ReportingPeriod | None) -> str:
    heading = _("Peta Strategi %(unit)s %(year)s") % {
        "unit": strategy_map.unit.name,
        "year": strategy_map.plan_year.year,
    }
    if period is None:
        return heading
    return _("%(map)s — status capaian %(period)s") % {"map": heading, "period": period.display_name}


def build(
    strategy_map: StrategyMap,
    period: ReportingPeriod | None,
    *,
    data: MapData | None = None,
    heading: str | None = None,
) -> StatusMap:
    """The coloured picture and its table for `period` (all grey when nothing is scored for it)."""
    data = data or load_map_data(strategy_map)
    snapshot = latest_snapshot(strategy_map, period) if period is not None else None
    figures = objective_figures(snapshot)
    texts = legend(snapshot.rule_set if snapshot is not None else strategy_map.plan_year.rule_set)
    base = reverse("reporting:scorecard", args=[strategy_map.pk, period.pk]) if period is not None else ""
    status: dict[int, str | None] = {}
    badge: dict[int, str] = {}
    href: dict[int, str] = {}
    rows = []
    for objective in data.objectives:
        found, index = figures.get(objective.code, (None, ""))
        status[objective.pk] = found
        if index:
            badge[objective.pk] = index
        link = f"{base}#ss-{quote(objective.code)}" if base else ""
        if link:
            href[objective.pk] = link
        rows.append(
            ObjectiveStatus(
                pk=objective.pk,
                code=objective.code,
                name=objective.name,
                perspective=objective.perspective.name,
                status=found or "none",
                index=index,
                href=link,
            )
        )
    colouring = drawing.Colouring(status=status, legend=texts, badge=badge, href=href)
    svg = drawing.draw_map(
        data,
        title=heading if heading is not None else title(strategy_map, period),
        colouring=colouring,
    )
    return StatusMap(strategy_map, period, snapshot, svg, texts, rows)
