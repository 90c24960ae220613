"""The KPI manual booklet of a unit and year as PDF (issue 14 item 4; domain.md §6 "KPI manual … a booklet
per unit and year").

One HTML document (`templates/dashboards/documents/booklet.html`) rendered by WeasyPrint, A4 portrait:

1. a cover: the unit, the year, the rule set of the year, the map's state and revision, how many SS and KPIs;
2. the contents: perspective → objective (SS) → each KPI's code and name with the page its manual starts on
   (CSS `target-counter()`, dotted leaders);
3. every KPI's manual, each on a page of its own, with every field of the manual as the KPI page shows it
   (the rows are the KPI page's own, `planning/_manual_rows.html`): perspective, SS, code, name, description,
   formula, unit of measure, validity (KPI type), controllability, lead/lag, polarity, consolidation,
   reporting period, data source, who measures, owner, baseline, year target, the target per period
   (trajectory), worst tolerable value, cap on target, mandatory, evidence requirement, weight in the SS.

Headers and footers name the unit, year and rule set, when it was made and "Halaman 1 dari 9"; a map that
is not approved yet carries a diagonal "KONSEP" mark, as its picture does. The text is in the active
language (the caller's `translation.override`). Everything is read in a fixed number of queries
(`planning.selectors.load_map_data`), whatever the number of KPIs. The document fetches no file or URL.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.contracts.document import css_string, page_counter_css
from kinerja.planning.models import Kpi, MapState, Objective, Perspective, StrategyMap, period_label
from kinerja.planning.scoring_bridge import rule_set
from kinerja.planning.selectors import MapData, load_map_data


def _natural(code: str) -> list[Any]:
    """P2 before P10: digits compared as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", code)]


@dataclass(frozen=True)
class Sheet:
    """One KPI's manual page."""

    kpi: Kpi
    objective: Objective
    trajectory: list[tuple[str, Decimal]]

    @property
    def anchor(self) -> str:
        return f"iku-{self.kpi.pk}"


@dataclass
class ObjectiveEntry:
    objective: Objective
    sheets: list[Sheet] = field(default_factory=list)


@dataclass
class PerspectiveEntry:
    perspective: Perspective
    objectives: list[ObjectiveEntry] = field(default_factory=list)


@dataclass
class Booklet:
    map: StrategyMap
    contents: list[PerspectiveEntry]

    @property
    def sheets(self) -> list[Sheet]:
        return [s for p in self.contents for o in p.objectives for s in o.sheets]

    @property
    def objective_count(self) -> int:
        return sum(len(p.objectives) for p in self.contents)


def build(strategy_map: StrategyMap, data: MapData | None = None) -> Booklet:
    """The booklet's contents in perspective, SS code and KPI code order (natural order: P2 before P10)."""
    data = data or load_map_data(strategy_map)
    contents = []
    for perspective in data.perspectives:
        entry = PerspectiveEntry(perspective)
        for objective in sorted(data.objectives_of(perspective), key=lambda o: _natural(o.code)):
            item = ObjectiveEntry(objective)
            for kpi in sorted(data.kpis_of(objective), key=lambda k: _natural(k.code)):
                trajectory = [(period_label(kpi.frequency, t.period), t.target) for t in data.trajectory(kpi)]
                item.sheets.append(Sheet(kpi, objective, trajectory))
            entry.objectives.append(item)
        contents.append(entry)
    return Booklet(strategy_map, contents)


def filename(strategy_map: StrategyMap) -> str:
    """`manual-iku-<unit code>-<year>.pdf` (`kpi-manual-…` in English)."""
    stem = _("manual-iku")
    return f"{slugify(stem)}-{slugify(strategy_map.unit.code)}-{strategy_map.plan_year.year}.pdf"


def context(strategy_map: StrategyMap, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    booklet = build(strategy_map)
    rules = rule_set(strategy_map.plan_year.rule_set)
    unit, year = strategy_map.unit, strategy_map.plan_year.year
    state = str(strategy_map.get_state_display())
    generated = formats.date_format(now, "j F Y H:i")
    return {
        "lang": get_language() or "id",
        "map": strategy_map,
        "unit": unit,
        "year": year,
        "booklet": booklet,
        "sheets": booklet.sheets,
        "rule_set": rules.name,
        "rule_set_code": rules.code,
        "state": state,
        "approved": strategy_map.state == MapState.APPROVED,
        "generated": generated,
        "page_counter": page_counter_css(),
        "header_left": css_string(
            _("Manual IKU %(unit)s Tahun %(year)s") % {"unit": unit.name, "year": year}
        ),
        "header_right": css_string(_("Aturan penilaian %(rules)s") % {"rules": rules.name}),
        "footer_left": css_string(
            _("Dibuat %(when)s · peta %(state)s, revisi %(revision)s")
            % {"when": generated, "state": state, "revision": strategy_map.revision}
        ),
    }


def render_html(strategy_map: StrategyMap, *, now: dt.datetime | None = None) -> str:
    return render_to_string("dashboards/documents/booklet.html", context(strategy_map, now=now))


def render_pdf(strategy_map: StrategyMap, *, now: dt.datetime | None = None) -> bytes:
    """The booklet as PDF bytes, in the active language."""
    # Imported when a document is asked for, as the contract document does (WeasyPrint loads pango).
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    html = render_html(strategy_map, now=now)
    fetcher = URLFetcher(allowed_protocols=["data"])  # nothing is read from files or the network
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)
