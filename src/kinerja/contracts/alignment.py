"""The alignment panel: what is out of line in a unit's subtree for a plan year (domain.md rules 5, 10, 13–17).

`build_panel(unit, plan_year)` lists, with a link to fix each:

* a map KPI in no contract of the year (rule 15);
* a KPI cascaded (direct or indirect) with no child holding it (rule 15);
* direct-shared shares not adding up to the parent's target under its consolidation (rule 15, `matrix.share_check`);
* a child KPI whose parent KPI does not exist that year — it sits on a map, or in contracts, of another year (rule 14);
* peer KPIs from one direct cascade differing in formula, polarity or unit of measure (rule 15; the children of
  an indirect cascade are different KPIs by definition and are not compared);
* contract weights not at 100 % (rule 13), too many KPIs for the level (rule 10), a contract unsigned after its
  deadline or a replacement made late (rule 17) — the per-contract checks of `checks.py`, fed from bulk reads;
* an SS of a lower map (a map with a map above it that year) supporting nothing (rule 5).

The subtree is read in a fixed number of simple queries (about fifteen: sets of ids, then the rows by id), but
every contract, KPI and link of it is read and checked: a subtree with more than `settings.KINERJA_ALIGNMENT_MAX_CONTRACTS` contracts that year (a whole
ministry or an echelon I, tens of thousands) is not checked at once — `oversize` says so, with the units below
to choose from, at the cost of a capped count and the list of children.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.organisations.models import Unit
from kinerja.organisations.selectors import unit_children
from kinerja.planning.models import Kpi, Objective, PlanYear, StrategyMap
from kinerja.planning.validation import WARN, Finding

from . import checks
from .matrix import cascade_of, kpi_unit_path, link_share, share_check
from .models import DIRECT_MODES, CascadeLink, CascadeMode, Contract, ContractKpi
from .support import ancestor_paths

# kind → (rule, label), in the order the panel shows them
KINDS: dict[str, tuple[int, object]] = {
    "map_kpi_uncontracted": (15, gettext_lazy("IKU peta strategi belum masuk kontrak")),
    "cascade_without_children": (15, gettext_lazy("IKU diturunkan tanpa turunan yang memegangnya")),
    "shares_not_adding_up": (15, gettext_lazy("Porsi target turunan tidak sesuai target induk")),
    "parent_other_year": (14, gettext_lazy("IKU induk tidak ada pada tahun ini")),
    "peers_differ": (15, gettext_lazy("IKU turunan sejawat berbeda formula, polarisasi, atau satuan")),
    "weights": (13, gettext_lazy("Bobot IKU kontrak tidak 100%")),
    "contract_kpi_cap": (10, gettext_lazy("IKU kontrak melebihi batas level")),
    "contract_late": (17, gettext_lazy("Kontrak terlambat ditandatangani atau dibuat")),
    "objective_supports_nothing": (5, gettext_lazy("SS peta bawahan tidak mendukung SS mana pun")),
}
_KIND_OF_CODE = {
    "weights_missing": "weights",
    "weights_partial": "weights",
    "weights_not_100": "weights",
    "unsigned_after_deadline": "contract_late",
    "replacement_late": "contract_late",
}
_FIELDS = {
    "formula": gettext_lazy("formula"),
    "polarity": gettext_lazy("polarisasi"),
    "unit_of_measure": gettext_lazy("satuan pengukuran"),
}


@dataclass
class Item:
    """A finding with where it is (the unit) and the pages that fix it, the first the main one."""

    finding: Finding
    unit: Unit | None
    links: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return _KIND_OF_CODE.get(self.finding.code, self.finding.code)


@dataclass
class Group:
    kind: str
    rule: int
    label: str
    items: list[Item]

    @property
    def count(self) -> int:
        return len(self.items)


@dataclass
class SupportMap:
    """A lower map of the subtree (a map with a map above it that year): where its SS supports are given (rule 5)."""

    strategy_map: StrategyMap
    idle: int  # its SS supporting nothing

    @property
    def url(self) -> str:
        return reverse("contracts:supports", args=[self.strategy_map.pk])


@dataclass
class Panel:
    unit: Unit
    plan_year: PlanYear
    items: list[Item]
    years: list[int]
    lower_maps: list[StrategyMap] = field(default_factory=list)

    @property
    def groups(self) -> list[Group]:
        by_kind: dict[str, list[Item]] = defaultdict(list)
        for item in self.items:
            by_kind[item.kind].append(item)
        return [
            Group(kind, rule, str(label), by_kind[kind])
            for kind, (rule, label) in KINDS.items()
            if by_kind.get(kind)
        ]

    @property
    def counts(self) -> list[Group]:
        """Every kind, found or not (zero), for the summary on top."""
        found = {g.kind: g for g in self.groups}
        return [found.get(kind) or Group(kind, rule, str(label), []) for kind, (rule, label) in KINDS.items()]

    def of_kind(self, kind: str) -> list[Item]:
        return [i for i in self.items if i.kind == kind]

    @property
    def supports(self) -> list[SupportMap]:
        """Each lower map of the subtree with the number of its SS supporting nothing (the "Dukungan SS" links)."""
        idle: dict[int, int] = defaultdict(int)
        for item in self.of_kind("objective_supports_nothing"):
            idle[item.finding.object.map_id] += 1
        return [SupportMap(m, idle[m.pk]) for m in self.lower_maps]


@dataclass
class Oversize:
    """A subtree too large for one panel: more than `limit` contracts in the year; `children` are the units
    below, whose panels are checked one at a time."""

    unit: Unit
    plan_year: PlanYear
    limit: int
    children: list[Unit]


def oversize(unit: Unit, plan_year: PlanYear) -> Oversize | None:
    """`Oversize` when `unit`'s subtree has more than `KINERJA_ALIGNMENT_MAX_CONTRACTS` contracts in the year (counted
    up to one past the limit, whatever the subtree's size), else None."""
    limit = settings.KINERJA_ALIGNMENT_MAX_CONTRACTS
    counted = Contract.objects.filter(unit__path__startswith=unit.path, plan_year=plan_year).order_by()[
        : limit + 1
    ]
    if counted.count() <= limit:
        return None
    return Oversize(unit, plan_year, limit, list(unit_children(unit)))


def oversize_message(found: Oversize) -> str:
    """What the API answers for an oversized subtree: the limit and the units below to ask for instead."""
    return _(
        "Unit %(unit)s memiliki lebih dari %(limit)s kontrak kinerja pada %(year)s: penyelarasan diperiksa per unit "
        "di bawahnya (%(children)s)."
    ) % {
        "unit": found.unit.code,
        "limit": found.limit,
        "year": found.plan_year.year,
        "children": ", ".join(child.code for child in found.children) or "—",
    }


def _link_ids(kpi_ids: list[int]) -> set[int]:
    """The cascade links from or to any of the KPIs (two simple queries, not one OR across a join)."""
    found = set(CascadeLink.objects.filter(child_id__in=kpi_ids).values_list("pk", flat=True))
    found.update(CascadeLink.objects.filter(cascade__parent_id__in=kpi_ids).values_list("pk", flat=True))
    return found


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", (text or "").strip()).casefold()


def build_panel(unit: Unit, plan_year: PlanYear, *, today: dt.date | None = None) -> Panel:
    """Every alignment finding of `unit`'s subtree for `plan_year`."""
    today = today or dt.date.today()
    year = plan_year.year
    path = unit.path
    years = sorted(
        set(
            StrategyMap.objects.filter(
                Q(unit__path__startswith=path) | Q(unit__path__in=ancestor_paths(path))
            ).values_list("plan_year__year", flat=True)
        )
        | set(Contract.objects.filter(unit__path__startswith=path).values_list("plan_year__year", flat=True)),
        reverse=True,
    )
    maps = list(
        StrategyMap.objects.filter(
            Q(unit__path__startswith=path) | Q(unit__path__in=ancestor_paths(path)), plan_year=plan_year
        ).select_related("unit")
    )
    map_paths = {m.unit.path for m in maps}
    subtree_maps = [m for m in maps if m.unit.path.startswith(path)]
    map_by_path = {m.unit.path: m for m in subtree_maps}

    contracts = {
        c.pk: c
        for c in Contract.objects.filter(unit__path__startswith=path, plan_year=plan_year)
        .select_related("employee", "position", "unit", "plan_year")
        .order_by("unit__path", "employee__name", "start")
    }
    # The KPIs and contract entries of the subtree, each set read by simple queries and then fetched by id: one
    # query OR-ing conditions across joined tables made PostgreSQL scan every KPI and contract KPI of the
    # ministry (0.65 s each for one office's panel).
    personal = Kpi.all_kpis.filter(holder__unit__path__startswith=path)
    kpi_ids = set(
        Kpi.all_kpis.filter(holder__isnull=True, objective__map__in=[m.pk for m in subtree_maps]).values_list(
            "pk", flat=True
        )
    )
    kpi_ids.update(personal.filter(objective__map__plan_year=plan_year).values_list("pk", flat=True))
    kpi_ids.update(
        personal.filter(contract_entries__contract__plan_year=plan_year).values_list("pk", flat=True)
    )
    ids = sorted(kpi_ids)
    kpis = {
        k.pk: k
        for k in Kpi.all_kpis.filter(pk__in=ids).select_related(
            "cascade", "holder__unit", "objective__map__unit", "objective__map__plan_year"
        )
    }
    links = list(
        CascadeLink.objects.filter(pk__in=_link_ids(ids))
        .select_related(
            "cascade__parent__objective__map__plan_year",
            "cascade__parent__holder__unit",
            "cascade__parent__objective__map__unit",
            "child__holder__unit",
            "child__objective__map__unit",
        )
        .order_by("pk")
    )
    outside_parents = {link.cascade.parent_id for link in links} - set(kpis)
    entry_ids = set(
        ContractKpi.objects.filter(
            contract__unit__path__startswith=path, contract__plan_year=plan_year
        ).values_list("pk", flat=True)
    )
    entry_ids.update(
        ContractKpi.objects.filter(kpi_id__in=sorted(kpi_ids | outside_parents)).values_list("pk", flat=True)
    )
    entries = list(
        ContractKpi.objects.filter(pk__in=sorted(entry_ids)).values_list(
            "pk", "contract_id", "kpi_id", "weight", "contract__plan_year__year"
        )
    )

    contract_years: dict[int, set[int]] = defaultdict(set)
    entries_of: dict[int, list[ContractKpi]] = defaultdict(list)
    holding: dict[int, Contract] = {}  # KPI → a contract of the year in the subtree holding it
    for pk, contract_id, kpi_id, weight, entry_year in entries:
        contract_years[kpi_id].add(entry_year)
        contract = contracts.get(contract_id)
        if contract is not None:
            entries_of[contract_id].append(
                ContractKpi(pk=pk, contract=contract, kpi_id=kpi_id, weight=weight)
            )
            holding.setdefault(kpi_id, contract)

    def years_of(kpi: Kpi) -> set[int]:
        if kpi.holder_id is None:
            return {kpi.objective.map.plan_year.year}
        return contract_years.get(kpi.pk) or {kpi.objective.map.plan_year.year}

    def owner_path(kpi_path: str) -> str | None:
        for prefix in [kpi_path, *reversed(ancestor_paths(kpi_path))]:
            if prefix in map_by_path:
                return prefix
        return None

    def kpi_links(kpi: Kpi) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        contract = holding.get(kpi.pk)
        if contract is not None:
            entry = next((e for e in entries_of[contract.pk] if e.kpi_id == kpi.pk), None)
            anchor = f"#kpi-{entry.pk}" if entry is not None else "#iku"
            out.append((_("Kontrak %(name)s") % {"name": contract.employee.name}, _detail(contract, anchor)))
        if kpi.holder_id is None:
            out.append((_("IKU %(code)s") % {"code": kpi.code}, reverse("kpis:kpi", args=[kpi.pk])))
        owner = owner_path(kpi_unit_path(kpi))
        if owner is not None:
            out.append((_("Matriks cascading"), _matrix_url(map_by_path[owner].unit, year)))
        return out

    def unit_of(kpi: Kpi) -> Unit:
        return kpi.holder.unit if kpi.holder is not None else kpi.objective.map.unit

    items: list[Item] = []

    # rule 15: a map KPI in no contract of the year
    for kpi in kpis.values():
        if kpi.holder_id is None and year not in contract_years.get(kpi.pk, set()):
            head = next(
                (
                    c
                    for c in contracts.values()
                    if c.unit_id == kpi.objective.map.unit_id and c.position.is_head
                ),
                None,
            )
            links_ = [(_("IKU %(code)s") % {"code": kpi.code}, reverse("kpis:kpi", args=[kpi.pk]))]
            if head is not None:
                links_.insert(
                    0, (_("Kontrak %(name)s") % {"name": head.employee.name}, _detail(head, "#iku"))
                )
            message = _(
                "IKU peta %(code)s %(name)s (%(unit)s) belum dimuat dalam kontrak kinerja tahun %(year)d."
            )
            items.append(
                Item(
                    Finding(
                        15,
                        WARN,
                        message
                        % {
                            "code": kpi.code,
                            "name": kpi.name,
                            "unit": kpi.objective.map.unit.code,
                            "year": year,
                        },
                        kpi,
                        links_[0][1],
                        "map_kpi_uncontracted",
                    ),
                    kpi.objective.map.unit,
                    links_,
                )
            )

    links_of: dict[int, list[CascadeLink]] = defaultdict(list)
    for link in links:
        links_of[link.cascade.parent_id].append(link)
    contracted = {kpi_id for kpi_id, found in contract_years.items() if year in found}

    for kpi in kpis.values():
        cascade = cascade_of(kpi)
        if cascade is None or cascade.mode == CascadeMode.NONE:
            continue
        own = links_of.get(kpi.pk, [])
        held = [ln for ln in own if ln.child.holder_id is None or ln.child_id in contracted]
        fix = kpi_links(kpi)
        # rule 15: cascaded with no child holding it
        if not held:
            message = (
                _(
                    "IKU %(code)s (%(holder)s) diturunkan secara %(mode)s tetapi belum ada turunan yang memegangnya."
                )
                if cascade.mode != CascadeMode.INDIRECT
                else _(
                    "IKU %(code)s (%(holder)s) diturunkan tidak langsung tetapi belum memiliki IKU turunan."
                )
            )
            items.append(
                Item(
                    Finding(
                        15,
                        WARN,
                        message
                        % {"code": kpi.code, "holder": _holder(kpi), "mode": cascade.get_mode_display()},
                        kpi,
                        fix[0][1] if fix else None,
                        "cascade_without_children",
                    ),
                    unit_of(kpi),
                    fix,
                )
            )
        # rule 15: shares not adding up
        if cascade.mode == CascadeMode.DIRECT_SHARED and own:
            check = share_check(kpi.target, kpi.consolidation, [link_share(ln) for ln in own])
            if check is not None and not check.ok:
                message = _(
                    "Porsi target turunan IKU %(code)s (%(holder)s) tidak sesuai target induk menurut konsolidasi "
                    "%(consolidation)s: %(check)s."
                )
                items.append(
                    Item(
                        Finding(
                            15,
                            WARN,
                            message
                            % {
                                "code": kpi.code,
                                "holder": _holder(kpi),
                                "consolidation": kpi.get_consolidation_display(),
                                "check": check.text,
                            },
                            kpi,
                            fix[0][1] if fix else None,
                            "shares_not_adding_up",
                        ),
                        unit_of(kpi),
                        fix,
                    )
                )

    # rule 14: a child whose parent does not exist that year
    for link in links:
        child = kpis.get(link.child_id)
        parent = link.cascade.parent
        if child is None:
            continue
        parent_years = years_of(parent)
        if year in parent_years:
            continue
        message = _(
            "IKU %(child)s (%(holder)s) diturunkan dari IKU %(parent)s yang tidak ada pada tahun %(year)d (IKU induk "
            "tahun %(other)s)."
        )
        fix = kpi_links(child)
        items.append(
            Item(
                Finding(
                    14,
                    WARN,
                    message
                    % {
                        "child": child.code,
                        "holder": _holder(child),
                        "parent": parent.code,
                        "year": year,
                        "other": ", ".join(str(y) for y in sorted(parent_years)),
                    },
                    child,
                    fix[0][1] if fix else None,
                    "parent_other_year",
                ),
                unit_of(child),
                fix,
            )
        )

    # rule 15: peers of one direct cascade differing
    by_cascade: dict[int, list[CascadeLink]] = defaultdict(list)
    for link in links:
        if link.cascade.mode in DIRECT_MODES and link.child_id in kpis:
            by_cascade[link.cascade_id].append(link)
    for peers in by_cascade.values():
        if len(peers) < 2:
            continue
        parent = peers[0].cascade.parent
        differing = [
            str(label)
            for name, label in _FIELDS.items()
            if len({_normal(getattr(p.child, name)) for p in peers}) > 1
        ]
        if not differing:
            continue
        message = _(
            "IKU turunan dari %(parent)s (%(children)s) berbeda %(fields)s; IKU sejawat harus seragam."
        )
        fix = kpi_links(parent) if parent.pk in kpis else kpi_links(peers[0].child)
        items.append(
            Item(
                Finding(
                    15,
                    WARN,
                    message
                    % {
                        "parent": parent.code,
                        "children": ", ".join(f"{p.child.code} — {_holder(p.child)}" for p in peers),
                        "fields": ", ".join(differing),
                    },
                    parent,
                    fix[0][1] if fix else None,
                    "peers_differ",
                ),
                unit_of(parent) if parent.pk in kpis else unit_of(peers[0].child),
                fix,
            )
        )

    # rules 13, 10, 17: the per-contract checks, fed from the bulk reads
    for contract in contracts.values():
        found = (
            checks._rule_13(contract, entries_of[contract.pk])
            + checks._rule_10(contract, entries_of[contract.pk])
            + checks._rule_17(contract, today)
        )
        for finding in found:
            label = _("Kontrak %(name)s") % {"name": contract.employee.name}
            items.append(Item(finding, contract.unit, [(label, finding.fix_url or _detail(contract))]))

    # rule 5 (warn): an SS of a lower map supporting nothing
    lower_maps = [m for m in subtree_maps if any(p in map_paths for p in ancestor_paths(m.unit.path))]
    idle = (
        Objective.objects.filter(map__in=[m.pk for m in lower_maps])
        .annotate(supporting=Count("supports"))
        .filter(supporting=0)
        .select_related("map__unit", "perspective")
        .order_by("map__unit__path", "perspective__order", "code")
    )
    for objective in idle if lower_maps else []:
        url = reverse("contracts:supports", args=[objective.map_id])
        message = _(
            "SS %(code)s %(name)s pada peta %(unit)s belum mendukung SS mana pun pada peta unit di atasnya."
        )
        items.append(
            Item(
                Finding(
                    5,
                    WARN,
                    message
                    % {"code": objective.code, "name": objective.name, "unit": objective.map.unit.code},
                    objective,
                    url,
                    "objective_supports_nothing",
                ),
                objective.map.unit,
                [(_("Dukungan SS peta %(unit)s") % {"unit": objective.map.unit.code}, url)],
            )
        )

    order = list(KINDS)
    items.sort(
        key=lambda i: (order.index(i.kind) if i.kind in order else len(order), i.unit.path if i.unit else "")
    )
    lower_maps.sort(key=lambda m: m.unit.path)
    return Panel(unit, plan_year, items, years, lower_maps)


def _holder(kpi: Kpi) -> str:
    if kpi.holder is not None:
        return str(kpi.holder.title)
    return str(kpi.objective.map.unit.code)


def _detail(contract: Contract, anchor: str = "") -> str:
    return reverse("contracts:detail", args=[contract.pk]) + anchor


def _matrix_url(unit: Unit, year: int) -> str:
    return reverse("contracts:matrix", args=[unit.pk, year])
