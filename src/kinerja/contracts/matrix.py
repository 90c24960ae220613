"""The cascading matrix of a map owner for a plan year (domain.md glossary "Cascading matrix", rules 5, 14, 15).

Rows: the owner map's SS and their KPIs, and below each KPI, recursively, the KPIs cascaded from it that
people of the owner's own area hold and cascade further; then the other KPIs of the head's contract that
go down. Columns: the child units (the nearest map owners below the owner, each with its map of the year)
and the people (the positions holding a contract of the year in the owner's own area — its subtree without
the child units' subtrees — below the head), grouped by unit. A cell says how the row's KPI reaches the
column: DF (direct full), DS (direct shared, with the share), I (indirect, the child KPIs), or nothing;
an SS row's cell lists the column's SS that support it (rule 5). Each direct-shared row carries its
consolidation check: the shares against the parent's target under the KPI's consolidation (rule 15).

Everything is read in a fixed handful of queries, whatever the size of the subtree (`build_matrix`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.organisations.models import Position, Unit
from kinerja.planning.models import Kpi, Objective, PlanYear, StrategyMap

from .models import Cascade, CascadeLink, CascadeMode, Contract, ObjectiveSupport, SupportKind
from .support import ancestor_paths

ABBREVIATIONS = {
    CascadeMode.DIRECT_FULL: "DF",
    CascadeMode.DIRECT_SHARED: "DS",
    CascadeMode.INDIRECT: "I",
    CascadeMode.NONE: "—",
}
SUPPORT_ABBREVIATIONS = {SupportKind.DIRECT: "L", SupportKind.INDIRECT: "TL"}
_TOLERANCE = Decimal("0.000001")


# --------------------------------------------------------------------------- the consolidation check


@dataclass(frozen=True)
class ShareCheck:
    """Do the direct-shared children's targets add up to the parent's (rule 15)?

    sum: Σ shares = target; average: the mean of the shares = target; last (the latest value): each share =
    target. A share not set never adds up.
    """

    ok: bool
    how: str  # "sum" | "average" | "each"
    value: Decimal | None
    target: Decimal
    missing: int

    @property
    def text(self) -> str:
        target = shown(self.target)
        if self.missing:
            return _("%(n)d porsi belum diisi") % {"n": self.missing}
        if self.how == "sum":
            value = shown(self.value or Decimal(0))
            return f"Σ {value} = {target}" if self.ok else f"Σ {value} ≠ {target}"
        if self.how == "average":
            value = shown((self.value or Decimal(0)).quantize(_TOLERANCE).normalize())
            mean = _("rata-rata")
            return f"{mean} {value} = {target}" if self.ok else f"{mean} {value} ≠ {target}"
        return (
            _("setiap porsi = %(target)s") % {"target": target}
            if self.ok
            else _("tidak setiap porsi = %(target)s") % {"target": target}
        )


def share_check(
    target: Decimal | None, consolidation: str, shares: Sequence[Decimal | None]
) -> ShareCheck | None:
    """The check of `shares` against `target` under `consolidation`; None when there is nothing to check."""
    if target is None or not shares:
        return None
    missing = sum(1 for s in shares if s is None)
    given = [s for s in shares if s is not None]
    if consolidation == "sum":
        value: Decimal | None = sum(given, Decimal(0))
        ok = value == target
        how = "sum"
    elif consolidation == "average":
        value = sum(given, Decimal(0)) / len(given) if given else None
        ok = value is not None and abs(value - target) <= _TOLERANCE
        how = "average"
    else:
        value = None
        ok = all(s == target for s in given)
        how = "each"
    return ShareCheck(ok and not missing, how, value, target, missing)


def link_share(link: CascadeLink) -> Decimal | None:
    """A direct-shared child's share: the link's, else the child KPI's own target (a joined lower map KPI)."""
    return link.share if link.share is not None else link.child.target


def cascade_of(kpi: Kpi) -> Cascade | None:
    try:
        return kpi.cascade
    except Cascade.DoesNotExist:
        return None


def kpi_unit_path(kpi: Kpi) -> str:
    """Where a KPI sits: its holder's unit (individual KPIs), else its map's unit."""
    if kpi.holder is not None:
        return str(kpi.holder.unit.path)
    return str(kpi.objective.map.unit.path)


# --------------------------------------------------------------------------- the matrix


@dataclass
class Column:
    key: str
    kind: str  # "unit" | "person"
    unit: Unit
    position: Position | None = None
    strategy_map: StrategyMap | None = None
    contracts: list[Contract] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.kind == "unit":
            return str(self.unit.code)
        assert self.position is not None
        return str(self.position.title)

    @property
    def names(self) -> str:
        """The holders of the position's contracts this year (a replacement adds a second name)."""
        seen: list[str] = []
        for contract in self.contracts:
            if contract.employee.name not in seen:
                seen.append(contract.employee.name)
        return ", ".join(seen)

    group: str = ""  # the column's unit, shortened for the header (its code without the owner's prefix)

    @property
    def sublabel(self) -> str:
        if self.kind == "unit":
            return str(self.unit.name)
        return self.names or _("tanpa kontrak")


@dataclass
class Cell:
    """How a row's KPI reaches one column (one entry per child KPI there), or which of its SS support the row."""

    abbr: str
    kpis: list[Kpi] = field(default_factory=list)
    share: Decimal | None = None
    objectives: list[Objective] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.objectives:
            return ", ".join(f"{o.code}" for o in self.objectives) + f" ({self.abbr})"
        if self.abbr == "DS":
            return "DS " + (shown(self.share) if self.share is not None else "?")
        if self.abbr == "I":
            return "I " + ", ".join(k.code for k in self.kpis)
        return self.abbr


@dataclass
class Row:
    kind: str  # "objective" | "kpi" | "heading"
    depth: int
    objective: Objective | None = None
    kpi: Kpi | None = None
    cascade: Cascade | None = None
    check: ShareCheck | None = None
    cells: dict[str, list[Cell]] = field(default_factory=dict)
    line: list[list[Cell]] = field(default_factory=list)  # the cells in column order, for the page
    title: str = ""

    @property
    def code(self) -> str:
        if self.kpi is not None:
            return str(self.kpi.code)
        if self.objective is not None:
            return str(self.objective.code)
        return ""

    @property
    def name(self) -> str:
        if self.kpi is not None:
            return str(self.kpi.name)
        if self.objective is not None:
            return str(self.objective.name)
        return self.title

    @property
    def mode_label(self) -> str:
        return self.cascade.get_mode_display() if self.cascade is not None else ""

    @property
    def holder_label(self) -> str:
        if self.kpi is not None and self.kpi.holder is not None:
            return str(self.kpi.holder.title)
        return ""


@dataclass
class Matrix:
    unit: Unit
    plan_year: PlanYear
    strategy_map: StrategyMap | None
    columns: list[Column]
    rows: list[Row]
    years: list[int]

    @property
    def unit_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "unit"]

    @property
    def person_columns(self) -> list[Column]:
        return [c for c in self.columns if c.kind == "person"]

    @property
    def problems(self) -> int:
        return sum(1 for r in self.rows if r.check is not None and not r.check.ok)


def child_owner_units(unit: Unit, plan_year: PlanYear | None = None) -> list[Unit]:
    """The nearest map owners below `unit` (the matrix's child units), by path: the active ones, and a unit
    closed by a reorganisation when it has a map of `plan_year` (a past year's matrix keeps its columns)."""
    current = Q(is_active=True)
    if plan_year is not None:
        current |= Q(pk__in=StrategyMap.objects.filter(plan_year=plan_year).values("unit_id"))
    below = list(
        Unit.objects.filter(current, path__startswith=unit.path, owns_map=True)
        .exclude(pk=unit.pk)
        .order_by("path")
    )
    nearest: list[Unit] = []
    for candidate in below:
        if not any(candidate.path.startswith(n.path) for n in nearest):
            nearest.append(candidate)
    return nearest


def area_filter(unit: Unit, children: Sequence[Unit], field_name: str = "path") -> Q:
    """The owner's own area as a filter on a unit path: its subtree without the child units' subtrees."""
    condition = Q(**{f"{field_name}__startswith": unit.path})
    for child in children:
        condition &= ~Q(**{f"{field_name}__startswith": child.path})
    return condition


def build_matrix(unit: Unit, plan_year: PlanYear) -> Matrix:
    """The cascading matrix of `unit` (a map owner) for `plan_year`: a fixed number of queries (nine)."""
    years = sorted(
        set(StrategyMap.objects.filter(unit=unit).values_list("plan_year__year", flat=True)), reverse=True
    )
    strategy_map = (
        StrategyMap.objects.filter(unit=unit, plan_year=plan_year).select_related("unit", "plan_year").first()
    )
    children = child_owner_units(unit, plan_year)
    child_maps = {m.unit_id: m for m in StrategyMap.objects.filter(unit__in=children, plan_year=plan_year)}
    columns: dict[str, Column] = {}
    for child in children:
        columns[f"u{child.pk}"] = Column(f"u{child.pk}", "unit", child, strategy_map=child_maps.get(child.pk))
    by_path = {child.path: f"u{child.pk}" for child in children}

    contracts = list(
        Contract.objects.filter(area_filter(unit, children, "unit__path"), plan_year=plan_year)
        .select_related("employee", "position__unit", "unit")
        .order_by("unit__path", "-position__is_head", "position__code", "start")
    )
    head_positions = {c.position_id for c in contracts if c.position.is_head and c.unit_id == unit.pk}
    people: dict[str, Column] = {}
    for contract in contracts:
        if contract.position_id in head_positions:
            continue
        key = f"p{contract.position_id}"
        column = people.setdefault(key, Column(key, "person", contract.position.unit, contract.position))
        column.contracts.append(contract)

    map_filter = Q(holder__isnull=True, objective__map=strategy_map) if strategy_map else Q(pk__in=[])
    area_condition = map_filter | (
        area_filter(unit, children, "holder__unit__path") & Q(objective__map__plan_year=plan_year)
    )
    area = (
        Kpi.all_kpis.filter(area_condition)
        .select_related("cascade", "holder__unit", "objective__perspective", "objective__map__unit")
        .order_by("objective__perspective__order", "objective__code", "code", "pk")
    )
    area_kpis = list(area)
    area_by_id = {k.pk: k for k in area_kpis}
    links = list(
        CascadeLink.objects.filter(cascade__parent__in=Kpi.all_kpis.filter(area_condition).values("pk"))
        .select_related("cascade", "child__holder__unit", "child__objective__map__unit")
        .order_by("pk")
    )
    links_of: dict[int, list[CascadeLink]] = defaultdict(list)
    for link in links:
        links_of[link.cascade.parent_id].append(link)
        holder = link.child.holder
        if holder is not None and holder.pk not in head_positions:
            key = f"p{holder.pk}"
            if _column_of(holder.unit.path, by_path) is None and key not in people:
                people[key] = Column(key, "person", holder.unit, holder)

    ordered_people = sorted(
        people.values(),
        key=lambda c: (
            c.unit.path,
            not (c.position and c.position.is_head),
            c.position.code if c.position else "",
        ),
    )
    columns.update({c.key: c for c in ordered_people})

    objectives = (
        list(
            Objective.objects.filter(map=strategy_map)
            .select_related("perspective")
            .order_by("perspective__order", "code")
        )
        if strategy_map
        else []
    )
    supports = (
        []
        if strategy_map is None
        else list(
            ObjectiveSupport.objects.filter(parent__map=strategy_map)
            .select_related("child__map__unit")
            .order_by("child__code")
        )
    )
    supports_of: dict[int, list[ObjectiveSupport]] = defaultdict(list)
    for support in supports:
        supports_of[support.parent_id].append(support)

    def kpi_rows(kpi: Kpi, depth: int, seen: set[int]) -> list[Row]:
        cascade = cascade_of(kpi)
        row = Row("kpi", depth, objective=kpi.objective, kpi=kpi, cascade=cascade)
        out = [row]
        if cascade is None:
            return out
        own = links_of.get(kpi.pk, [])
        if cascade.mode == CascadeMode.DIRECT_SHARED:
            row.check = share_check(kpi.target, kpi.consolidation, [link_share(link) for link in own])
        for link in own:
            child = link.child
            key = _column_key(child, by_path, head_positions)
            if key is None:
                continue
            cells = row.cells.setdefault(key, [])
            abbr = ABBREVIATIONS[CascadeMode(cascade.mode)]
            if abbr == "I" and cells:
                cells[0].kpis.append(child)
            else:
                cells.append(Cell(abbr, [child], link_share(link) if abbr == "DS" else None))
        for link in own:
            child_id = link.child_id
            if child_id in area_by_id and child_id not in seen and links_of.get(child_id):
                out += kpi_rows(area_by_id[child_id], depth + 1, seen | {child_id})
        return out

    rows: list[Row] = []
    map_kpis: dict[int, list[Kpi]] = defaultdict(list)
    for kpi in area_kpis:
        if kpi.holder_id is None:
            map_kpis[kpi.objective_id].append(kpi)
    for objective in objectives:
        row = Row("objective", 0, objective=objective)
        for support in supports_of.get(objective.pk, []):
            found = _column_of(support.child.map.unit.path, by_path)
            if found is None:
                continue
            abbr = SUPPORT_ABBREVIATIONS[SupportKind(support.kind)]
            cells = row.cells.setdefault(found, [])
            match = next((c for c in cells if c.abbr == abbr), None)
            if match is None:
                cells.append(Cell(abbr, objectives=[support.child]))
            else:
                match.objectives.append(support.child)
        rows.append(row)
        for kpi in map_kpis.get(objective.pk, []):
            rows += kpi_rows(kpi, 1, {kpi.pk})
    own_kpis = [k for k in area_kpis if k.holder_id in head_positions and links_of.get(k.pk)]
    if own_kpis:
        rows.append(Row("heading", 0, title=_("IKU lain dalam kontrak kepala unit yang diturunkan")))
        for kpi in own_kpis:
            rows += kpi_rows(kpi, 1, {kpi.pk})

    ordered = list(columns.values())
    prefix = f"{unit.code}-"
    for column in ordered:
        code = str(column.unit.code)
        column.group = code[len(prefix) :] if code.startswith(prefix) else code
    for row in rows:
        row.line = [row.cells.get(c.key, []) for c in ordered]
    return Matrix(unit, plan_year, strategy_map, ordered, rows, years)


def _column_of(path: str, by_path: dict[str, str]) -> str | None:
    for prefix in [*ancestor_paths(path), path]:
        if prefix in by_path:
            return by_path[prefix]
    return None


def _column_key(child: Kpi, by_path: dict[str, str], head_positions: set[int]) -> str | None:
    """The column a child KPI falls in: the child unit whose subtree holds it, else the person holding it."""
    found = _column_of(kpi_unit_path(child), by_path)
    if found is not None:
        return found
    if child.holder_id is not None and child.holder_id not in head_positions:
        return f"p{child.holder_id}"
    return None


def legend() -> list[tuple[str, str]]:
    return [
        ("DF", str(CascadeMode.DIRECT_FULL.label)),
        ("DS", str(CascadeMode.DIRECT_SHARED.label) + " — " + _("dengan porsi target")),
        ("I", str(CascadeMode.INDIRECT.label) + " — " + _("dengan IKU turunan")),
        ("L", _("SS didukung langsung (SS sama)")),
        ("TL", _("SS didukung tidak langsung (SS pendukung)")),
    ]


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list[Any]]]:
    """The matrix as a header and rows of plain values (the Excel file holds what the page shows)."""
    header = [
        _("Kode"),
        _("SS / IKU"),
        _("Pemegang"),
        _("Jenis cascading"),
        _("Target"),
        _("Cek porsi"),
    ] + [
        f"{c.label} — {c.sublabel}" if c.kind == "unit" else f"{c.unit.code}: {c.label} — {c.sublabel}"
        for c in matrix.columns
    ]
    records: list[list[Any]] = []
    for row in matrix.rows:
        target = row.kpi.target if row.kpi is not None else None
        records.append(
            [
                ("  " * row.depth) + row.code,
                row.name,
                row.holder_label,
                row.mode_label,
                target,
                row.check.text if row.check is not None else "",
                *["; ".join(c.text for c in cells) for cells in row.line],
            ]
        )
    return header, records
