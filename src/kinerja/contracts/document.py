"""The performance contract as a PDF document, laid out as the Ministry's contract (issue 12 item 3).

One HTML document (`templates/contracts/pdf/contract.html`) rendered by WeasyPrint, A4 portrait:

1. the commitment page: the title of the year's rule set (`TITLES`: Kontrak Kinerja under KMK 467/2014,
   Perjanjian Kinerja under KMK 127/2026), the parties (holder; the superior who agrees it, "Plt." when
   acting in the superior post), the commitment statement, place and date, and the signature block of
   both, side by side;
2. for a map owner's head (`services.holder_map`), the strategy map: the very page of the map's own PDF
   (`planning.exports.map_page_svg` over `planning.drawing.draw_map`), on an A4 landscape page as there;
3. Annex I: the KPI table (SS, KPI, weight, year target and unit; K3 under a rule set that has it) and the
   trajectory annex (each KPI's period targets, one table per reporting frequency) — the targets frozen at
   signing once signed, the current ones before;
4. Annex II, for map owners: the strategic initiatives of the map.

Every page has a header (title, year, holder, revision) and a footer (generated-at, "Halaman 1 dari 5"); a
contract not signed carries a diagonal "KONSEP" mark on every page, as an unapproved map does. The text is
in the active language (the caller's `translation.override`), numbers as the rest of the application writes
them (`interchange.numbers.format_decimal`). The document fetches no file or URL: the map is an inline
data URL and every other URL is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.interchange.numbers import SCORE_DECIMALS, unit_decimals
from kinerja.organisations.models import Assignment, AssignmentKind, Employee
from kinerja.planning import drawing, exports
from kinerja.planning.models import PERIODS_PER_YEAR, Frequency, Kpi, PeriodTarget, StrategyMap, period_label
from kinerja.planning.selectors import load_map_data

from .checks import k3_rows
from .models import REPORTING_CONTRACT_STATES, Contract, ContractKpi
from .services import holder_map

# The document's title per rule set (the decree in force for the plan year); a rule set not named here
# takes the title of the first decree.
TITLES: Mapping[str, Promise] = {
    "kmk-467-2014": gettext_lazy("KONTRAK KINERJA"),
    "kmk-127-2026": gettext_lazy("PERJANJIAN KINERJA"),
}
DEFAULT_TITLE = TITLES["kmk-467-2014"]

_FREQUENCY_ORDER = (Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.SEMESTER, Frequency.YEARLY)
_DASH = "—"


def title_for(contract: Contract) -> str:
    return str(TITLES.get(contract.plan_year.rule_set, DEFAULT_TITLE))


def is_signed(contract: Contract) -> bool:
    """Signed, or signed and since ended by a replacement: no KONSEP mark, frozen targets."""
    return contract.state in REPORTING_CONTRACT_STATES


def filename(contract: Contract) -> str:
    """A clean download name: `kontrak-kinerja-2026-<NIP>[-rev-1].pdf` (in the active language)."""
    parts = [slugify(title_for(contract)), str(contract.plan_year.year), slugify(contract.employee.nip)]
    if contract.revision:
        parts.append(f"rev-{contract.revision}")
    return "-".join(p for p in parts if p) + ".pdf"


# --------------------------------------------------------------------------- what the template shows


@dataclass(frozen=True)
class Party:
    """One side of the contract on the commitment page and in the signature block."""

    name: str
    nip: str
    position: str
    unit: str
    acting: bool = False


@dataclass(frozen=True)
class KpiRow:
    no: int
    objective: str
    code: str
    name: str
    source: str
    weight: str
    target: str
    unit_of_measure: str
    k3: str = ""


@dataclass(frozen=True)
class TrajectoryRow:
    code: str
    name: str
    unit_of_measure: str
    values: list[str]


@dataclass
class TrajectoryTable:
    frequency: str
    columns: list[str]
    rows: list[TrajectoryRow] = field(default_factory=list)

    @property
    def name_width(self) -> str:
        """The KPI name's share of the row: narrower when twelve months need the room."""
        count = len(self.columns)
        return "34%" if count <= 4 else "22%" if count <= _WIDE_COLUMNS else "96pt"


# A table of more periods than this whose figures are long is printed in halves (B1–B6, B7–B12), so that
# every figure fits its column on an A4 portrait page.
_WIDE_COLUMNS = 6
_NARROW_FIGURE = 5  # characters a figure may take in a twelve-column table ("1.200", "95,5")


def _halves(table: TrajectoryTable) -> list[TrajectoryTable]:
    count = len(table.columns)
    widest = max((len(v) for row in table.rows for v in row.values), default=0)
    if count <= _WIDE_COLUMNS or widest <= _NARROW_FIGURE:
        return [table]
    parts = []
    for first in range(0, count, _WIDE_COLUMNS):
        last = min(first + _WIDE_COLUMNS, count)
        columns = table.columns[first:last]
        parts.append(
            TrajectoryTable(
                frequency=f"{table.frequency} ({columns[0]}–{columns[-1]})",
                columns=columns,
                rows=[
                    TrajectoryRow(r.code, r.name, r.unit_of_measure, r.values[first:last]) for r in table.rows
                ],
            )
        )
    return parts


@dataclass(frozen=True)
class InitiativeRow:
    no: int
    code: str
    name: str
    objectives: str
    budget: str
    period: str
    owner: str


def _date(day: dt.date | None) -> str:
    return formats.date_format(day, "j F Y") if day is not None else ""


def _short_date(day: dt.date | None) -> str:
    return formats.date_format(day, "j M Y") if day is not None else "…"


def _acting_in(employee: Employee, contract: Contract) -> bool:
    """Whether `employee` holds the contract's superior post as acting (Plt./Plh.) during the contract."""
    post_id = contract.position.superior_id
    if post_id is None:
        return False
    return (
        Assignment.objects.filter(employee=employee, position_id=post_id, kind=AssignmentKind.ACTING)
        .filter(start__lte=contract.end)
        .filter(Q(end__isnull=True) | Q(end__gte=contract.start))
        .exists()
    )


def holder_party(contract: Contract) -> Party:
    employee = contract.employee
    return Party(employee.name, employee.nip, contract.position.title, contract.unit.name)


def superior_party(contract: Contract) -> Party | None:
    """The superior who agrees the contract; acting (Plt.) when they hold the superior post as acting."""
    superior = contract.superior
    if superior is None:
        return None
    post = contract.position.superior
    acting = _acting_in(superior, contract)
    if acting and post is not None:
        position, unit = post.title, post.unit.name
    elif superior.position is not None:
        position, unit = superior.position.title, superior.position.unit.name
    elif post is not None:
        position, unit = post.title, post.unit.name
    else:
        position, unit = "", superior.unit.name
    return Party(superior.name, superior.nip, position, unit, acting=acting)


def _entries(contract: Contract) -> list[ContractKpi]:
    return list(contract.kpis.select_related("kpi", "kpi__objective").order_by("order", "pk"))


def _year_target(entry: ContractKpi) -> Decimal | None:
    return entry.target if entry.target is not None else entry.kpi.target


def kpi_rows(contract: Contract, entries: list[ContractKpi]) -> tuple[list[KpiRow], bool]:
    """Annex I rows, and whether the rule set has a K3 column (kmk-127-2026)."""
    k3 = k3_rows(contract)
    k3_by_entry = {row.entry.pk: row.k3 for row in k3} if k3 is not None else {}
    rows = []
    for no, entry in enumerate(entries, start=1):
        kpi = entry.kpi
        objective = kpi.objective
        rows.append(
            KpiRow(
                no=no,
                objective=f"{objective.code} {objective.name}",
                code=kpi.code,
                name=kpi.name,
                source=str(entry.get_source_display()),
                weight=shown(entry.weight, SCORE_DECIMALS, trim=False),
                target=shown(_year_target(entry), unit_decimals(kpi.unit_of_measure)),
                unit_of_measure=kpi.unit_of_measure,
                k3=shown(k3_by_entry.get(entry.pk), 3, trim=False) if k3 is not None else "",
            )
        )
    return rows, k3 is not None


def total_weight(entries: list[ContractKpi]) -> str:
    weights = [e.weight for e in entries if e.weight is not None]
    if not weights:
        return _DASH
    return shown(sum(weights, Decimal(0)), SCORE_DECIMALS, trim=False)


def _decimal(text: Any) -> Decimal | None:
    try:
        return Decimal(str(text))
    except (InvalidOperation, ValueError):
        return None


def trajectory_tables(contract: Contract, entries: list[ContractKpi]) -> list[TrajectoryTable]:
    """Per reporting frequency, a table of each KPI's period targets: frozen at signing, else current."""
    frozen = is_signed(contract)
    current: dict[int, dict[int, Decimal]] = {}
    if not frozen:
        for kpi_id, period, target in PeriodTarget.objects.filter(
            kpi__in=[e.kpi_id for e in entries]
        ).values_list("kpi_id", "period", "target"):
            current.setdefault(kpi_id, {})[period] = target
    tables: dict[str, TrajectoryTable] = {}
    for entry in entries:
        kpi: Kpi = entry.kpi
        count = PERIODS_PER_YEAR[kpi.frequency]
        if frozen:
            values = {int(k): _decimal(v) for k, v in (entry.trajectory or {}).items() if str(k).isdigit()}
        else:
            values = dict(current.get(kpi.pk, {}))
        if count == 1 and values.get(1) is None:
            values[1] = _year_target(entry)
        table = tables.get(kpi.frequency)
        if table is None:
            table = tables[kpi.frequency] = TrajectoryTable(
                frequency=str(Frequency(kpi.frequency).label),
                columns=[period_label(kpi.frequency, n) for n in range(1, count + 1)],
            )
        decimals = unit_decimals(kpi.unit_of_measure)
        table.rows.append(
            TrajectoryRow(
                code=kpi.code,
                name=kpi.name,
                unit_of_measure=kpi.unit_of_measure,
                values=[shown(values.get(n), decimals) for n in range(1, count + 1)],
            )
        )
    return [part for f in _FREQUENCY_ORDER if f in tables for part in _halves(tables[f])]


def initiative_rows(strategy_map: StrategyMap) -> list[InitiativeRow]:
    rows = []
    initiatives = strategy_map.initiatives.select_related("owner_position").prefetch_related(
        "objectives__perspective"
    )
    for no, initiative in enumerate(initiatives.order_by("code"), start=1):
        supported = sorted(initiative.objectives.all(), key=lambda o: (o.perspective.order, o.code))
        objectives = ", ".join(o.code for o in supported)
        if initiative.start or initiative.end:
            period = f"{_short_date(initiative.start)} – {_short_date(initiative.end)}"
        else:
            period = _DASH
        rows.append(
            InitiativeRow(
                no=no,
                code=initiative.code,
                name=initiative.name,
                objectives=objectives or _DASH,
                budget=shown(initiative.budget, 0),
                period=period,
                owner=initiative.owner_label or _DASH,
            )
        )
    return rows


_WATERMARK = re.compile(r'<text class="watermark"[^>]*>.*?</text>', re.DOTALL)


def map_picture(strategy_map: StrategyMap, *, printed: dt.date, draft_marked: bool) -> str:
    """The map's printed page (the map PDF's page) as an SVG data URL; without the map's own KONSEP mark
    when the whole contract carries one already."""
    svg = drawing.draw_map(
        load_map_data(strategy_map),
        title=_("Peta Strategi %(unit)s %(year)s")
        % {"unit": strategy_map.unit.name, "year": strategy_map.plan_year.year},
    )
    page = exports.map_page_svg(svg, printed=printed)
    if draft_marked:
        page = _WATERMARK.sub("", page)
    return "data:image/svg+xml;base64," + base64.b64encode(page.encode("utf-8")).decode("ascii")


# --------------------------------------------------------------------------- CSS strings


def css_string(text: str) -> str:
    """`text` as a CSS string literal (for the page margin boxes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ")
    return f'"{escaped}"'


def page_counter_css() -> str:
    """ "Halaman 1 dari 5" as a CSS `content` value: the translated sentence around the two counters."""
    sentence = _("Halaman %(page)s dari %(pages)s") % {"page": "\x00page\x00", "pages": "\x00pages\x00"}
    out = []
    for i, part in enumerate(sentence.split("\x00")):
        if i % 2:
            out.append(f"counter({part})")
        elif part:
            out.append(css_string(part))
    return " ".join(out)


# --------------------------------------------------------------------------- the document


def context(contract: Contract, *, now: dt.datetime | None = None) -> dict[str, Any]:
    now = timezone.localtime(now or timezone.now())
    entries = _entries(contract)
    strategy_map = holder_map(contract)
    signed = is_signed(contract)
    rows, with_k3 = kpi_rows(contract, entries)
    title = title_for(contract)
    signed_on = timezone.localtime(contract.signed_at).date() if contract.signed_at else None
    return {
        "contract": contract,
        "lang": get_language() or "id",
        "title": title,
        "year": contract.plan_year.year,
        "holder": holder_party(contract),
        "superior": superior_party(contract),
        "signed": signed,
        "signed_on": _date(signed_on) if signed and signed_on else "",
        "period": _("%(start)s sampai dengan %(end)s")
        % {"start": _date(contract.start), "end": _date(contract.end)},
        "state": str(contract.get_state_display()),
        "commitment": contract.commitment,
        "rows": rows,
        "with_k3": with_k3,
        "total_weight": total_weight(entries),
        "trajectories": trajectory_tables(contract, entries),
        "frozen": signed,
        "owner": strategy_map is not None,
        "map_picture": map_picture(strategy_map, printed=now.date(), draft_marked=not signed)
        if strategy_map is not None
        else "",
        "initiatives": initiative_rows(strategy_map) if strategy_map is not None else [],
        "generated": formats.date_format(now, "j F Y H:i"),
        "page_counter": page_counter_css(),
        "header_left": css_string(f"{title} {contract.plan_year.year} · {contract.employee.name}"),
        "header_right": css_string(_("Revisi %(revision)s") % {"revision": contract.revision}),
        "footer_left": css_string(
            _("Dibuat %(when)s · %(state)s")
            % {"when": formats.date_format(now, "j F Y H:i"), "state": str(contract.get_state_display())}
        ),
    }


def render_html(contract: Contract, *, now: dt.datetime | None = None) -> str:
    return render_to_string("contracts/pdf/contract.html", context(contract, now=now))


def render_pdf(contract: Contract, *, now: dt.datetime | None = None) -> bytes:
    """The contract document as PDF bytes, in the active language."""
    # Imported when a document is asked for: WeasyPrint loads pango; a server without it still runs the rest.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # no "Step 1 …" lines per request
    html = render_html(contract, now=now)
    # inline data URLs only (the map picture): nothing is read from files or the network
    fetcher = URLFetcher(allowed_protocols=["data"])
    pdf = HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert pdf is not None
    return bytes(pdf)
