"""Reads of the organisation that pages and the API share.

Every function takes the user (or an object already fetched within the user's
reach) and plain arguments, and returns a queryset or plain data; nothing here
knows about requests. Reach comes from `accounts.scope`: a role on a unit
reaches its whole subtree and nothing else.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from django.db.models import Field as ModelField
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Upper
from django.utils.translation import gettext

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.rules import EDIT_PEOPLE_ROLES as MANAGE_ROLES
from kinerja.accounts.scope import READ_ROLES, Viewer, paths_for, reaches, reaches_everything, unit_filter

from .models import LEVEL_ORDER, Assignment, Employee, Position, Unit, UnitLevel

# ---------------------------------------------------------------- units


def units_readable_by(user: Viewer) -> QuerySet[Unit]:
    """The units `user` reaches with any role (a role on a unit reaches its subtree; a superuser reaches all)."""
    return Unit.objects.filter(unit_filter(user, "path", READ_ROLES))


def units_managed_by(user: Viewer) -> QuerySet[Unit]:
    """The units whose people and positions `user` manages: the subtrees where the user is administrator or manager."""
    return Unit.objects.filter(unit_filter(user, "path", MANAGE_ROLES))


def units_for(
    user: Viewer,
    *,
    q: str = "",
    level: str = "",
    kind: str = "",
    owns_map: bool | None = None,
    is_active: bool | None = None,
    roles: Iterable[str] = READ_ROLES,
) -> QuerySet[Unit]:
    """The units the user reaches (with one of `roles`), optionally searched and filtered, in tree order."""
    return filter_units(
        Unit.objects.filter(unit_filter(user, "path", roles)),
        q=q,
        level=level,
        kind=kind,
        owns_map=owns_map,
        is_active=is_active,
    ).order_by("path")


def filter_units(
    queryset: QuerySet[Unit],
    *,
    q: str = "",
    level: str = "",
    kind: str = "",
    owns_map: bool | None = None,
    is_active: bool | None = None,
) -> QuerySet[Unit]:
    """Search by code or name and filter by level, kind, map owner and active flag."""
    q = (q or "").strip()
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name_id__icontains=q) | Q(name_en__icontains=q))
    if level:
        queryset = queryset.filter(level=level)
    if kind:
        queryset = queryset.filter(kind=kind)
    if owns_map is not None:
        queryset = queryset.filter(owns_map=owns_map)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset


def unit_roots(user: Viewer) -> QuerySet[Unit]:
    """The top units the user's roles reach: the tree roots for a superuser, else the units roles sit on."""
    if reaches_everything(user):
        return Unit.objects.filter(depth=1).order_by("path")
    paths = paths_for(user)
    return Unit.objects.filter(path__in=paths).order_by("path")


def unit_children(unit: Unit, *, user: Viewer | None = None) -> QuerySet[Unit]:
    """The direct children of a unit (within the user's reach when a user is given)."""
    children = Unit.objects.filter(depth=unit.depth + 1, path__startswith=unit.path).order_by("path")
    if user is not None:
        children = children.filter(unit_filter(user))
    return children


def children_of_many(units: Sequence[Unit]) -> dict[int, list[Unit]]:
    """{unit pk: [direct children]} for several units in one query (the eager top of the tree)."""
    parents = [u for u in units if u.numchild]
    result: dict[int, list[Unit]] = {u.pk: [] for u in units}
    if not parents:
        return result
    condition = Q()
    for unit in parents:
        condition |= Q(depth=unit.depth + 1, path__startswith=unit.path)
    by_path = {u.path: u.pk for u in parents}
    for child in Unit.objects.filter(condition).order_by("path"):
        parent_pk = by_path.get(child.path[: -Unit.steplen])
        if parent_pk is not None:
            result[parent_pk].append(child)
    return result


@dataclass(frozen=True)
class Crumb:
    unit: Unit
    visible: bool  # False: outside the user's reach, shown as plain text


def unit_ancestors(unit: Unit, *, user: Viewer) -> list[Crumb]:
    """The unit's ancestors from the root down, each flagged with whether the user may open it."""
    ancestors = Unit.objects.get_ancestors(unit)
    return [Crumb(unit=a, visible=reaches(user, a.path)) for a in ancestors]


def parent_of(unit: Unit) -> Unit | None:
    if unit.depth <= 1:
        return None
    return Unit.objects.filter(path=unit.path[: -Unit.steplen]).first()


def parents_of_many(units: Iterable[Unit]) -> dict[str, Unit]:
    """{parent path: parent unit} for a page of units, in one query."""
    paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    if not paths:
        return {}
    return {u.path: u for u in Unit.objects.filter(path__in=paths)}


# ---------------------------------------------------------------- positions


def positions_for(
    user: Viewer, *, unit: Unit | None = None, roles: Iterable[str] = READ_ROLES
) -> QuerySet[Position]:
    """Positions in the units the user reaches (only `unit`'s own positions when given)."""
    positions = Position.objects.filter(unit_filter(user, "unit__path", roles)).select_related(
        "unit", "superior"
    )
    if unit is not None:
        positions = positions.filter(unit=unit)
    return positions.order_by("unit__path", "-is_head", "code")


def positions_in(unit: Unit) -> QuerySet[Position]:
    """A unit's own positions, heads first, with their superior positions."""
    return Position.objects.filter(unit=unit).select_related("superior").order_by("-is_head", "code")


# ---------------------------------------------------------------- employees


def scoped_employees(user: Viewer, *, roles: Iterable[str] = READ_ROLES) -> QuerySet[Employee]:
    """Employees the user reaches, plus the user's own employee record (everyone may see themself)."""
    condition = unit_filter(user, "unit__path", roles)
    own = getattr(user, "employee_id", None)
    if own is not None and set(roles) == set(READ_ROLES):
        condition |= Q(pk=own)
    return Employee.objects.filter(condition)


def employees_for(
    user: Viewer,
    *,
    q: str = "",
    unit: Unit | None = None,
    position_type: str = "",
    is_active: bool | None = None,
    roles: Iterable[str] = READ_ROLES,
) -> QuerySet[Employee]:
    """Employees the user reaches, searched and filtered, ordered by name, with unit and position joined."""
    return filter_employees(
        scoped_employees(user, roles=roles), q=q, unit=unit, position_type=position_type, is_active=is_active
    )


def filter_employees(
    queryset: QuerySet[Employee],
    *,
    q: str = "",
    unit: Unit | None = None,
    position_type: str = "",
    is_active: bool | None = None,
) -> QuerySet[Employee]:
    """Search by NIP (prefix) or name; limit to a unit's subtree, a position type, active or not. By name
    (a name search: ignoring case), then NIP."""
    q = (q or "").strip()
    order: tuple[Any, ...] = ("name", "nip")
    if q:
        if q.isdigit():
            queryset = queryset.filter(nip__startswith=q)
        else:
            queryset = queryset.filter(name__icontains=q)
            # Not the (name, nip) index's order: walking that index for a page of matches reads every name
            # sorted before the first match (53,000 rows for "rina" among 80,000: 77 ms); ordered by
            # UPPER(name) PostgreSQL takes the matches from the trigram index and keeps the top of them
            # (a few ms), and people are sorted ignoring case, as they are searched.
            order = (Upper("name"), "nip")
    if unit is not None:
        queryset = queryset.filter(unit__path__startswith=unit.path)
    if position_type:
        queryset = queryset.filter(position__type=position_type)
    if is_active is not None:
        queryset = queryset.filter(is_active=is_active)
    return queryset.select_related("unit", "position").order_by(*order)


def employees_in(unit: Unit) -> QuerySet[Employee]:
    """A unit's own employees (not its subtree), heads first."""
    return (
        Employee.objects.filter(unit=unit)
        .select_related("position")
        .order_by("-is_active", "-position__is_head", "name")
    )


def subordinates_of(employee: Employee) -> QuerySet[Employee]:
    return employee.subordinates.select_related("unit", "position").order_by("name")


def assignments_of(employee: Employee) -> QuerySet[Assignment]:
    """The history of moves, newest first."""
    return employee.assignments.select_related("unit", "position").order_by("-start", "-pk")


def superior_chain(employee: Employee, *, limit: int = 50) -> list[Employee]:
    """The employee's superiors, nearest first (stops at a cycle or after `limit`)."""
    chain: list[Employee] = []
    seen = {employee.pk}
    current = employee.superior
    while current is not None and current.pk not in seen and len(chain) < limit:
        chain.append(current)
        seen.add(current.pk)
        current = current.superior
    return chain


# ---------------------------------------------------------------- history


@dataclass
class HistoryEntry:
    when: Any
    who: Any
    kind: str  # "+" created, "~" changed, "-" deleted
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, old, new)


def history_of(obj: Model, *, limit: int = 20) -> list[HistoryEntry]:
    """The newest `limit` history records of an object with what changed in each (a fixed number of queries)."""
    # the manager that simple_history's HistoricalRecords adds to the model (not known to the type checker)
    history_manager = cast(Any, obj).history
    records = list(
        history_manager.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    model = type(obj)
    fk_fields = {f.name: f for f in model._meta.concrete_fields if f.is_relation}
    deltas = []
    wanted: dict[str, set[Any]] = {name: set() for name in fk_fields}
    for newer, older in itertools.pairwise(records):
        delta = newer.diff_against(older)
        deltas.append(delta)
        for change in delta.changes:
            if change.field in wanted:
                wanted[change.field].update(v for v in (change.old, change.new) if v is not None)
    labels: dict[str, dict[Any, str]] = {}
    for name, pks in wanted.items():
        if pks:
            related_model = fk_fields[name].related_model
            assert related_model is not None  # a concrete relation field always has one
            related = related_model._default_manager.filter(pk__in=pks)
            labels[name] = {r.pk: str(r) for r in related}
    entries = []
    for index, record in enumerate(records[:limit]):
        entry = HistoryEntry(
            when=record.history_date,
            who=record.history_user,
            kind=record.history_type,
            reason=record.history_change_reason or "",
        )
        if index < len(deltas):
            for change in deltas[index].changes:
                changed = model._meta.get_field(change.field)
                assert isinstance(changed, ModelField)  # history records only the model's own fields
                entry.changes.append(
                    (
                        str(changed.verbose_name),
                        _display(model, change.field, change.old, labels),
                        _display(model, change.field, change.new, labels),
                    )
                )
        entries.append(entry)
    return entries


def _display(model: type[Model], name: str, value: Any, labels: dict[str, dict[Any, str]]) -> str:
    if value is None or value == "":
        return "—"
    if name in labels:
        return labels[name].get(value, f"#{value}")
    model_field = model._meta.get_field(name)
    if isinstance(model_field, ModelField) and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ya") if value else gettext("tidak")
    return str(value)


# ---------------------------------------------------------------- levels


def level_label(level: str) -> str:
    """The level's name as shown (`Kemenkeu-Two`)."""
    return str(UnitLevel(level).label)


def level_rank(level: str) -> int:
    """0 for Kemenkeu-Wide down to 5 for Kemenkeu-Five."""
    return LEVEL_ORDER.index(level)


def role_assignments_managed_by(user: Viewer) -> QuerySet[RoleAssignment]:
    """Role assignments on units in the subtrees the user administers (the role pages list and revoke these)."""
    return (
        RoleAssignment.objects.filter(unit_filter(user, "unit__path", (Role.ADMIN,)))
        .select_related("user", "user__employee", "unit")
        .order_by("unit__path", "user__username", "role")
    )
