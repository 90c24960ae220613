"""`kinerja import-organisation`: bring units, positions and employees from the HR system's organisation file.

The file is read and checked by `kinerja.interchange.organisation` (no
database there); this module compares it with the database and applies the
differences — a sync, not a load: importing the same file twice changes
nothing the second time, next month's export changes only what changed.

- `plan_import` reads the whole organisation in a handful of queries (units,
  positions, employees, open assignments: one each), checks the file against
  it and works out every change; nothing is written (the dry run).
- `apply_plan` writes a plan in one transaction: units first (new ones with
  their materialised paths computed here and inserted in bulk; moves through
  treebeard), then positions, then employees and their assignments, in bulk
  (`bulk_create_with_history` / `bulk_update_with_history`, so every change is
  in the history with who and when).
- `import_organisation` is both: the dry run by default, `apply=True` to write.

Without `partial`, the file is the whole organisation: units and positions it
does not list are closed (`is_active`, `valid_to`), employees it does not list
are deactivated and their assignment ends — nothing is ever deleted. With
`partial`, only the rows given are synced.

A move (another position, or another unit) closes the open assignment the day
before `since` and opens one from `since` (definitive or acting).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinerja.accounts.models import RoleAssignment, User
from kinerja.common.db import analyze_after_commit
from kinerja.common.history import HISTORY_REASON_MAX, Actor, recorded
from kinerja.interchange.messages import InvalidFileError, Lang, Problem
from kinerja.interchange.organisation import (
    LEVEL_RANK,
    MAP_OWNER_KINDS_AT_THREE,
    MAP_OWNER_LEVELS,
    Existing,
    KnownEmployee,
    KnownPosition,
    KnownUnit,
    OrganisationFile,
    Target,
    check_organisation,
    problem_dict,
    read_organisation,
)
from kinerja.interchange.sources import NO_LIMITS, Limits, Source

from .accounts_sync import sync_accounts
from .models import Assignment, AssignmentKind, Employee, Position, PositionType, Unit, UnitKind, UnitLevel

T = TypeVar("T")
Progress = Callable[[int, int], None]  # (processed, total)
BATCH = 2000
REASON = "Impor organisasi"
STEPLEN = Unit.steplen

DEFAULT_KIND = {
    UnitLevel.WIDE: UnitKind.MINISTRY,
    UnitLevel.ONE: UnitKind.ECHELON_1,
    UnitLevel.TWO: UnitKind.DIRECTORATE,
    UnitLevel.THREE: UnitKind.SUBDIRECTORATE,
    UnitLevel.FOUR: UnitKind.SECTION,
    UnitLevel.FIVE: UnitKind.OTHER,
}


def default_owns_map(level: str, kind: str) -> bool:
    """domain.md §2: Wide, One and Two own a map; at Three only the offices and technical units."""
    if level == UnitLevel.THREE:
        return kind in MAP_OWNER_KINDS_AT_THREE
    return level in MAP_OWNER_LEVELS


def echelon_of(level: str | None) -> int | None:
    """The echelon of a structural position in a unit of `level` (None for the Minister's level)."""
    return None if level in (None, UnitLevel.WIDE) else LEVEL_RANK[level]


# ---------------------------------------------------------------- the result


@dataclass
class Counts:
    new: int = 0
    changed: int = 0
    gone: int = 0  # closed (units, positions) or deactivated (employees)
    moved: int = 0
    unchanged: int = 0

    def as_dict(self, gone: str, moved: bool = False) -> dict[str, int]:
        out = {"new": self.new, "changed": self.changed}
        if moved:
            out["moved"] = self.moved
        out[gone] = self.gone
        out["unchanged"] = self.unchanged
        return out

    @property
    def changes(self) -> int:
        return self.new + self.changed + self.gone + self.moved


@dataclass
class ImportResult:
    """What an import did (or would do): the counts of the spec's JSON, and every problem of the file."""

    applied: bool = False
    units: Counts = field(default_factory=Counts)
    positions: Counts = field(default_factory=Counts)
    employees: Counts = field(default_factory=Counts)
    problems: list[Problem] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems

    @property
    def changes(self) -> int:
        return self.units.changes + self.positions.changes + self.employees.changes

    def to_dict(self, lang: Lang = "en") -> dict[str, Any]:
        """The JSON of `kinerja import-organisation --format json` (interchange.md)."""
        return {
            "applied": self.applied,
            "units": self.units.as_dict("closed"),
            "positions": self.positions.as_dict("closed"),
            "employees": self.employees.as_dict("deactivated", moved=True),
            "errors": [problem_dict(p, lang) for p in self.problems],
        }


# ---------------------------------------------------------------- reading the database


@dataclass
class Database:
    """The organisation as the database holds it, read in four queries (plain tuples, no model instances)."""

    units: dict[str, dict[str, Any]]  # code → fields (+ pk, parent code)
    positions: dict[str, dict[str, Any]]
    employees: dict[str, dict[str, Any]]
    open_assignments: dict[int, dict[str, Any]]  # employee pk → its open assignment (the latest)

    @classmethod
    def read(cls) -> Database:
        unit_fields = (
            "pk", "code", "path", "depth", "numchild", "name_id", "name_en", "level", "kind",
            "owns_map", "valid_from", "valid_to", "is_active",
        )  # fmt: skip
        units = {row["code"]: row for row in _rows(Unit.objects.all(), unit_fields)}
        by_path = {u["path"]: u["code"] for u in units.values()}
        for unit in units.values():
            unit["parent"] = by_path.get(unit["path"][:-STEPLEN]) if unit["depth"] > 1 else None
        unit_code = {u["pk"]: u["code"] for u in units.values()}
        position_fields = (
            "pk", "code", "unit_id", "title_id", "title_en", "type", "echelon", "job_grade",
            "superior_id", "is_head", "is_active",
        )  # fmt: skip
        positions = {row["code"]: row for row in _rows(Position.objects.all(), position_fields)}
        for position in positions.values():
            position["unit"] = unit_code[position["unit_id"]]
        employee_fields = ("pk", "nip", "name", "email", "unit_id", "position_id", "superior_id", "is_active")
        employees = {row["nip"]: row for row in _rows(Employee.objects.all(), employee_fields)}
        assignment_fields = ("pk", "employee_id", "unit_id", "position_id", "kind", "start")
        open_assignments: dict[int, dict[str, Any]] = {}
        for row in _rows(
            Assignment.objects.filter(end__isnull=True).order_by("start", "pk"), assignment_fields
        ):
            open_assignments[row["employee_id"]] = row  # the latest open one wins
        return cls(units, positions, employees, open_assignments)

    def existing(self) -> Existing:
        position_code = {p["pk"]: p["code"] for p in self.positions.values()}
        unit_code = {u["pk"]: u["code"] for u in self.units.values()}
        employee_nip = {e["pk"]: e["nip"] for e in self.employees.values()}
        known = Existing()
        known.units = {c: KnownUnit(u["parent"], u["level"], u["is_active"]) for c, u in self.units.items()}
        known.positions = {
            c: KnownPosition(p["unit"], p["is_head"], p["is_active"]) for c, p in self.positions.items()
        }
        for nip, e in self.employees.items():
            current = self.open_assignments.get(e["pk"])
            known.employees[nip] = KnownEmployee(
                active=e["is_active"],
                unit=unit_code[e["unit_id"]],
                position=position_code.get(e["position_id"]),
                superior=employee_nip.get(e["superior_id"]),
                start=current["start"] if current else None,
            )
        return known


def _rows(queryset: Any, names: tuple[str, ...]) -> Iterable[dict[str, Any]]:
    for values in queryset.values_list(*names).iterator(chunk_size=BATCH):
        yield dict(zip(names, values, strict=True))


# ---------------------------------------------------------------- the plan


@dataclass
class UnitChange:
    code: str
    values: dict[str, Any]  # the unit's own fields as they will be
    parent: str | None
    pk: int | None = None  # None for a new unit
    fields: list[str] = field(default_factory=list)  # the fields that change (an existing unit)
    moved_from: str | None = None
    move: bool = False
    depth: int = 0  # in the tree once applied


@dataclass
class PositionChange:
    code: str
    values: dict[str, Any]  # with `unit` and `superior` as codes
    pk: int | None = None
    fields: list[str] = field(default_factory=list)


@dataclass
class EmployeeChange:
    nip: str
    values: dict[str, Any]  # with `position`, `unit` and `superior` as codes / NIPs
    pk: int | None = None
    fields: list[str] = field(default_factory=list)
    open_from: dt.date | None = None  # a new assignment from this day (a move, a new or returning employee)
    close_on: dt.date | None = None  # the open assignment ends on this day
    kind: str = AssignmentKind.DEFINITIVE
    moved: bool = False


@dataclass
class Plan:
    """Every change an import makes, worked out before anything is written."""

    result: ImportResult
    today: dt.date
    units: list[UnitChange] = field(default_factory=list)
    positions: list[PositionChange] = field(default_factory=list)
    employees: list[EmployeeChange] = field(default_factory=list)
    database: Database | None = None


def plan_import(
    source: Source | OrganisationFile,
    *,
    name: str | None = None,
    partial: bool = False,
    today: dt.date | None = None,
    limits: Limits = NO_LIMITS,
    progress: Progress | None = None,
) -> Plan:
    """Read the file, check it against the database and work out every change; writes nothing.

    `progress(processed, total)`, when given, is told the rows of the file planned so far (a sheet at a time).
    """
    today = today or dt.date.today()
    result = ImportResult()
    plan = Plan(result, today)
    try:
        book = (
            source if isinstance(source, OrganisationFile) else read_organisation(source, name, limits=limits)
        )
    except InvalidFileError as exc:
        result.problems = list(exc.problems)
        return plan
    database = Database.read()
    plan.database = database
    existing = database.existing()
    result.problems = check_organisation(book, existing, partial=partial, today=today)
    if result.problems:
        return plan
    target = Target(book, existing, partial)
    total = len(book.units) + len(book.positions) + len(book.employees)
    if progress is not None:
        progress(0, total)
    _plan_units(plan, book, database, target, partial)
    if progress is not None:
        progress(len(book.units), total)
    _plan_positions(plan, book, database, target, partial)
    if progress is not None:
        progress(len(book.units) + len(book.positions), total)
    _plan_employees(plan, book, database, target, partial)
    if progress is not None:
        progress(total, total)
    return plan


def _differs(current: dict[str, Any], values: dict[str, Any]) -> list[str]:
    return [name for name, value in values.items() if current[name] != value]


def _day_before(day: dt.date, floor: dt.date | None) -> dt.date:
    end = day - dt.timedelta(days=1)
    return max(end, floor) if floor is not None else end


def _plan_units(plan: Plan, book: OrganisationFile, db: Database, target: Target, partial: bool) -> None:
    counts = plan.result.units
    has_name_en = book.has("unit", "name_en")
    depth: dict[str, int] = {}

    def depth_of(code: str) -> int:
        if code not in depth:
            chain = list(target.ancestors(code))
            depth[code] = len(chain)
        return depth[code]

    for code, row in target.unit_rows.items():
        current = db.units.get(code)
        level = row.level
        assert level is not None  # a valid file
        kind = row.kind or (current["kind"] if current else DEFAULT_KIND[UnitLevel(level)])
        if row.owns_map is not None:
            owns_map = row.owns_map
        elif current is not None and (not current["owns_map"] or level in MAP_OWNER_LEVELS):
            owns_map = current["owns_map"]
        else:
            owns_map = default_owns_map(level, kind)
        values: dict[str, Any] = {
            "name_id": row.name_id,
            "name_en": (row.name_en or "") if has_name_en else (current["name_en"] if current else ""),
            "level": level,
            "kind": kind,
            "owns_map": owns_map,
            "is_active": row.active,
        }
        change = UnitChange(code, values, row.parent_code, depth=depth_of(code))
        if current is None:
            values["valid_to"] = None
            plan.units.append(change)
            counts.new += 1
            continue
        change.pk = current["pk"]
        if row.active and not current["is_active"]:
            values["valid_to"] = None  # reopened
        elif not row.active and current["is_active"]:
            values["valid_to"] = _day_before(plan.today, current["valid_from"])
        change.fields = _differs(current, values)
        change.move = current["parent"] != row.parent_code
        change.moved_from = current["parent"]
        if change.fields or change.move:
            plan.units.append(change)
            if not row.active and current["is_active"]:
                counts.gone += 1
            else:
                counts.changed += 1
        else:
            counts.unchanged += 1
    if not partial:
        for code, current in db.units.items():
            if code not in target.unit_rows and current["is_active"]:
                values = {"is_active": False, "valid_to": _day_before(plan.today, current["valid_from"])}
                plan.units.append(UnitChange(code, values, current["parent"], current["pk"], list(values)))
                counts.gone += 1


def _plan_positions(plan: Plan, book: OrganisationFile, db: Database, target: Target, partial: bool) -> None:
    counts = plan.result.positions
    has_name_en, has_grade = book.has("jabatan", "name_en"), book.has("jabatan", "grade")
    superior_code = {p["pk"]: p["code"] for p in db.positions.values()}
    for code, row in target.position_rows.items():
        current = db.positions.get(code)
        old = (
            dict(current, unit=current["unit"], superior=superior_code.get(current["superior_id"]))
            if current
            else None
        )
        kind = row.kind
        assert kind is not None
        if kind == PositionType.STRUCTURAL:
            echelon = row.echelon if row.echelon is not None else echelon_of(target.level.get(row.unit_code))
        else:
            echelon = None
        values: dict[str, Any] = {
            "unit": row.unit_code,
            "title_id": row.name_id,
            "title_en": (row.name_en or "") if has_name_en else (old["title_en"] if old else ""),
            "type": kind,
            "echelon": echelon,
            "job_grade": row.grade if has_grade else (old["job_grade"] if old else None),
            "is_head": row.heads_unit,
            "superior": target.superior_position(code),
            "is_active": target.unit_active.get(row.unit_code, False),
        }
        change = PositionChange(code, values)
        if old is None:
            plan.positions.append(change)
            counts.new += 1
            continue
        change.pk = old["pk"]
        change.fields = _differs(old, values)
        if change.fields:
            plan.positions.append(change)
            if old["is_active"] and not values["is_active"]:
                counts.gone += 1
            else:
                counts.changed += 1
        else:
            counts.unchanged += 1
    for code, current in db.positions.items():
        if code in target.position_rows or not current["is_active"]:
            continue
        if not partial or not target.unit_active.get(current["unit"], True):
            values = {"is_active": False}
            plan.positions.append(PositionChange(code, values, current["pk"], ["is_active"]))
            counts.gone += 1


def _plan_employees(plan: Plan, book: OrganisationFile, db: Database, target: Target, partial: bool) -> None:
    counts = plan.result.employees
    today = plan.today
    has_email, has_kind = book.has("pegawai", "email"), book.has("pegawai", "assignment")
    position_code = {p["pk"]: p["code"] for p in db.positions.values()}
    unit_code = {u["pk"]: u["code"] for u in db.units.values()}
    nip_of = {e["pk"]: e["nip"] for e in db.employees.values()}
    for nip, row in target.employee_rows.items():
        current = db.employees.get(nip)
        old: dict[str, Any] | None = None
        if current is not None:
            old = dict(
                current,
                position=position_code.get(current["position_id"]),
                unit=unit_code[current["unit_id"]],
                superior=nip_of.get(current["superior_id"]),
            )
        email = (row.email or "") if has_email else (old["email"] if old else "")
        if not row.active:
            if old is None:
                counts.unchanged += 1  # a departed employee Kinerja never knew: nothing to keep
                continue
            values: dict[str, Any] = {"name": row.name, "email": email, "is_active": False}
            change = EmployeeChange(nip, values, old["pk"], _differs(old, values))
            opened = db.open_assignments.get(old["pk"])
            if old["is_active"] and opened is not None:
                change.close_on = _day_before(row.since or today, opened["start"])
            if change.fields or change.close_on:
                plan.employees.append(change)
                if old["is_active"]:
                    counts.gone += 1
                else:
                    counts.changed += 1
            else:
                counts.unchanged += 1
            continue
        position = row.position_code
        assert position is not None
        values = {
            "name": row.name,
            "email": email,
            "position": position,
            "unit": target.position_unit[position],
            "superior": target.superior(nip),
            "is_active": True,
        }
        change = EmployeeChange(nip, values)
        opened = db.open_assignments.get(old["pk"]) if old else None
        kind = row.assignment or (AssignmentKind.DEFINITIVE if has_kind or opened is None else opened["kind"])
        change.kind = kind
        if old is None:
            change.open_from = row.since or today
            plan.employees.append(change)
            counts.new += 1
            continue
        change.pk = old["pk"]
        change.fields = _differs(old, values)
        change.moved = "position" in change.fields or "unit" in change.fields
        if change.moved or opened is None or not old["is_active"] or opened["kind"] != kind:
            change.open_from = row.since or today
            if opened is not None:
                change.close_on = _day_before(change.open_from, opened["start"])
        if change.fields or change.open_from:
            plan.employees.append(change)
            if change.moved:
                counts.moved += 1
            else:
                counts.changed += 1
        else:
            counts.unchanged += 1
    if not partial:
        for nip, current in db.employees.items():
            if nip in target.employee_rows or not current["is_active"]:
                continue
            change = EmployeeChange(nip, {"is_active": False}, current["pk"], ["is_active"])
            opened = db.open_assignments.get(current["pk"])
            if opened is not None:
                change.close_on = _day_before(today, opened["start"])
            plan.employees.append(change)
            counts.gone += 1


# ---------------------------------------------------------------- applying


def import_organisation(
    source: Source,
    *,
    name: str | None = None,
    apply: bool = False,
    partial: bool = False,
    by: Actor = None,
    today: dt.date | None = None,
    limits: Limits = NO_LIMITS,
) -> ImportResult:
    """The dry run (the default) or, with `apply`, the import in one transaction; see the module's docstring."""
    plan = plan_import(source, name=name, partial=partial, today=today, limits=limits)
    if apply and plan.result.valid:
        apply_plan(plan, by=by)
    return plan.result


def apply_plan(plan: Plan, *, by: Actor = None, progress: Progress | None = None) -> ImportResult:
    """Write a valid plan in one transaction (nothing when it changes nothing).

    `progress(processed, total)`, when given, is told the changes written so far (a sheet at a time).
    """
    result = plan.result
    if not result.valid:
        raise ValueError("a plan with problems cannot be applied")
    if result.changes:
        total = len(plan.units) + len(plan.positions) + len(plan.employees)
        with transaction.atomic():
            writer = _Writer(plan, by)
            writer.units()
            if progress is not None:
                progress(len(plan.units), total)
            writer.positions()
            if progress is not None:
                progress(len(plan.units) + len(plan.positions), total)
            writer.employees()
            # everyone can log in: accounts and automatic roles follow the organisation (accounts_sync.py)
            sync_accounts(by=by)
            if progress is not None:
                progress(total, total)
        # a big load leaves the planner's statistics of these tables behind (issue 16): refresh them
        analyze_after_commit(result.changes, Unit, Position, Employee, Assignment, User, RoleAssignment)
    result.applied = True
    return result


class _Writer:
    def __init__(self, plan: Plan, by: Actor) -> None:
        assert plan.database is not None
        self.plan, self.db, self.by = plan, plan.database, by
        self.when = dt.datetime.now(dt.UTC)
        self.unit_pk = {code: u["pk"] for code, u in self.db.units.items()}
        self.position_pk = {code: p["pk"] for code, p in self.db.positions.items()}
        self.employee_pk = {nip: e["pk"] for nip, e in self.db.employees.items()}

    def _history(self) -> dict[str, Any]:
        return {"default_user": self.by, "default_change_reason": REASON, "default_date": self.when}

    # ------------------------------------------------------------ units

    def units(self) -> None:
        changes = self.plan.units
        new = sorted((c for c in changes if c.pk is None), key=lambda c: (c.depth, c.parent or "", c.code))
        self._create_units(new)
        moves = sorted((c for c in changes if c.pk is not None and c.move), key=lambda c: c.depth)
        for change in moves:
            node = Unit.objects.get(pk=change.pk)
            parent = Unit.objects.get(pk=self.unit_pk[change.parent]) if change.parent else None
            if parent is None:
                continue  # a unit becoming a root: the file has one root, the ministry's, already a root
            Unit.objects.move(node, parent, "sorted-child")
        updated = [c for c in changes if c.pk is not None and (c.fields or c.move)]
        if updated:
            units = Unit.objects.in_bulk([c.pk for c in updated])
            fields: set[str] = set()
            for change in updated:
                unit = units[change.pk]
                for name in change.fields:
                    setattr(unit, name, change.values[name])
                fields.update(change.fields)
                if change.move:
                    recorded(
                        unit,
                        self.by,
                        f"{REASON}: dipindahkan dari {change.moved_from or '—'} ke {change.parent}",
                    )
            bulk_update_with_history(
                list(units.values()), Unit, sorted(fields) or ["name_id"], batch_size=BATCH, **self._history()
            )
        self._fix_numchild()

    def _create_units(self, new: list[UnitChange]) -> None:
        """Insert the new units a depth at a time, their paths computed (appended after the last sibling
        when their codes sort after it, as treebeard's sorted order wants; else treebeard inserts them)."""
        if not new:
            return
        tree = {u["path"]: u["code"] for u in self.db.units.values()}
        by_depth: dict[int, list[UnitChange]] = defaultdict(list)
        for change in new:
            by_depth[change.depth].append(change)
        for depth in sorted(by_depth):
            path_of = {code: path for path, code in tree.items()}
            children: dict[str, list[str]] = defaultdict(list)  # parent path → child paths
            for path in tree:
                children[path[:-STEPLEN]].append(path)
            batch: list[Unit] = []
            shifted = False
            groups: dict[str | None, list[UnitChange]] = defaultdict(list)
            for change in by_depth[depth]:
                groups[change.parent].append(change)
            for parent, group in groups.items():
                parent_path = path_of[parent] if parent else ""
                siblings = sorted(children.get(parent_path, []))
                last_code = max((tree[p] for p in siblings), default=None)
                group.sort(key=lambda c: c.code)
                if last_code is None or group[0].code > last_code:
                    step = Unit._str2int(siblings[-1][-STEPLEN:]) if siblings else 0
                    for offset, change in enumerate(group, start=1):
                        path = parent_path + Unit._int2str(step + offset).rjust(STEPLEN, Unit.alphabet[0])
                        batch.append(self._unit(change, path, depth))
                        tree[path] = change.code
                    continue
                for change in group:  # among existing siblings: treebeard shifts them to keep the order
                    unit = recorded(self._unit(change, "", depth), self.by, REASON)
                    unit._history_date = self.when
                    Unit.objects.add_child(Unit.objects.get(path=parent_path), instance=unit)
                    self.unit_pk[change.code] = unit.pk
                    shifted = True
            if batch:
                for unit in bulk_create_with_history(batch, Unit, batch_size=BATCH, **self._history()):
                    self.unit_pk[unit.code] = unit.pk
            if shifted:  # paths moved under our feet: read them again
                tree = dict(Unit.objects.values_list("path", "code"))

    def _unit(self, change: UnitChange, path: str, depth: int) -> Unit:
        return Unit(code=change.code, path=path, depth=depth, numchild=0, **change.values)

    def _fix_numchild(self) -> None:
        rows = list(Unit.objects.values_list("pk", "path", "numchild"))
        count: dict[str, int] = defaultdict(int)
        for _pk, path, _n in rows:
            if len(path) > STEPLEN:
                count[path[:-STEPLEN]] += 1
        wrong = [Unit(pk=pk, numchild=count[path]) for pk, path, n in rows if count[path] != n]
        if wrong:
            Unit.objects.bulk_update(wrong, ["numchild"], batch_size=BATCH)  # not in the history (excluded)

    # ------------------------------------------------------------ positions

    def positions(self) -> None:
        changes = self.plan.positions
        new = [c for c in changes if c.pk is None]
        for wave in _waves(new, key=lambda c: c.code, needs=lambda c: c.values["superior"]):
            created = bulk_create_with_history(
                [self._position(c) for c in wave], Position, batch_size=BATCH, **self._history()
            )
            self.position_pk.update((p.code, p.pk) for p in created)
        updated = [c for c in changes if c.pk is not None]
        if updated:
            positions = Position.objects.in_bulk([c.pk for c in updated])
            fields: set[str] = set()
            for change in updated:
                position = positions[change.pk]
                for name in change.fields:
                    self._set_position(position, name, change.values[name])
                fields.update(change.fields)
            bulk_update_with_history(
                list(positions.values()),
                Position,
                sorted(_attname(f) for f in fields),
                batch_size=BATCH,
                **self._history(),
            )

    def _set_position(self, position: Position, name: str, value: Any) -> None:
        if name == "unit":
            position.unit_id = self.unit_pk[value]
        elif name == "superior":
            position.superior_id = self.position_pk[value] if value else None
        else:
            setattr(position, name, value)

    def _position(self, change: PositionChange) -> Position:
        position = Position(code=change.code)
        for name, value in change.values.items():
            self._set_position(position, name, value)
        return position

    # ------------------------------------------------------------ employees

    def employees(self) -> None:
        changes = self.plan.employees
        new = [c for c in changes if c.pk is None]
        for wave in _waves(new, key=lambda c: c.nip, needs=lambda c: c.values["superior"]):
            created = bulk_create_with_history(
                [self._employee(c) for c in wave], Employee, batch_size=BATCH, **self._history()
            )
            self.employee_pk.update((e.nip, e.pk) for e in created)
        updated = [c for c in changes if c.pk is not None]
        if updated:
            employees = Employee.objects.in_bulk([c.pk for c in updated])
            fields: set[str] = set()
            for change in updated:
                employee = employees[change.pk]
                for name in change.fields:
                    self._set_employee(employee, name, change.values[name])
                fields.update(change.fields)
                if change.moved:
                    recorded(employee, self.by, f"Pindah ke {change.values['unit']}"[:HISTORY_REASON_MAX])
                elif not change.values["is_active"] and change.close_on:
                    recorded(employee, self.by, "Tidak aktif (impor organisasi)")
            bulk_update_with_history(
                list(employees.values()),
                Employee,
                sorted(_attname(f) for f in fields) or ["name"],
                batch_size=BATCH,
                **self._history(),
            )
        self._assignments(changes)

    def _set_employee(self, employee: Employee, name: str, value: Any) -> None:
        if name == "unit":
            employee.unit_id = self.unit_pk[value]
        elif name == "position":
            employee.position_id = self.position_pk[value] if value else None
        elif name == "superior":
            employee.superior_id = self.employee_pk[value] if value else None
        else:
            setattr(employee, name, value)

    def _employee(self, change: EmployeeChange) -> Employee:
        employee = Employee()
        for name, value in change.values.items():
            self._set_employee(employee, name, value)
        employee.nip = change.nip
        return employee

    def _assignments(self, changes: list[EmployeeChange]) -> None:
        closing = {c.pk: c.close_on for c in changes if c.pk is not None and c.close_on is not None}
        if closing:
            ended = []
            for employee_id, opened in self.db.open_assignments.items():
                if employee_id in closing:
                    ended.append(Assignment(pk=opened["pk"], end=closing[employee_id]))
            Assignment.objects.bulk_update(ended, ["end"], batch_size=BATCH)
        opening = [
            Assignment(
                employee_id=self.employee_pk[c.nip],
                unit_id=self.unit_pk[c.values["unit"]],
                position_id=self.position_pk[c.values["position"]],
                kind=c.kind,
                start=c.open_from,
                note=REASON,
            )
            for c in changes
            if c.open_from is not None
        ]
        Assignment.objects.bulk_create(opening, batch_size=BATCH)


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("unit", "position", "superior") else name


def _waves(items: list[T], *, key: Callable[[T], str], needs: Callable[[T], str | None]) -> Iterable[list[T]]:
    """`items` in batches, each item after the one it needs (its superior) when that one is new too."""
    pending = {key(item): item for item in items}
    while pending:
        wave = [item for item in pending.values() if needs(item) not in pending]
        if not wave:  # cannot happen for a checked file (no cycles); write the rest rather than loop
            wave = list(pending.values())
        for item in wave:
            del pending[key(item)]
        yield wave
