"""Writes to the organisation: units, positions, employees and their moves.

Each service takes keyword-only arguments, checks the permission of `by`
through the rules layer, validates the business rules (raising
`ValidationError` keyed by field, so a form can show each message next to its
input) and writes in one transaction. The `check_*` functions are the rules
themselves; forms call them in `clean()` so users see every problem at once,
and the services call them again so the API and imports obey the same rules.

`by=None` is a system action (data import, demo data): no permission check and
no user in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from treebeard.exceptions import InvalidMoveToDescendant

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, recorded

from .accounts_sync import sync_accounts
from .models import (
    LEVEL_ORDER,
    Assignment,
    AssignmentKind,
    Employee,
    Position,
    PositionType,
    Unit,
    UnitLevel,
)
from .selectors import level_label, level_rank
from .validators import nip_problem

MAP_OWNER_LEVELS = frozenset({UnitLevel.WIDE, UnitLevel.ONE, UnitLevel.TWO, UnitLevel.THREE})


def _raise(errors: dict[str, list[str]]) -> None:
    errors = {k: v for k, v in errors.items() if v}
    if errors:
        raise ValidationError(errors)


# ---------------------------------------------------------------- units


def check_unit(
    *,
    code: str,
    level: str,
    owns_map: bool,
    parent: Unit | None,
    unit: Unit | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> None:
    """The rules for a unit's own fields and its place under `parent`; `unit` is None for a new unit."""
    errors: dict[str, list[str]] = {"code": [], "level": [], "owns_map": [], "valid_to": []}
    duplicates = Unit.objects.filter(code=code)
    if unit is not None and unit.pk:
        duplicates = duplicates.exclude(pk=unit.pk)
    if code and duplicates.exists():
        errors["code"].append(_("Kode unit “%(code)s” sudah dipakai oleh unit lain.") % {"code": code})
    if level in LEVEL_ORDER:
        if parent is not None and level_rank(level) <= level_rank(parent.level):
            errors["level"].append(
                _("Level unit harus lebih rendah dari level unit induknya (%(parent)s: %(level)s).")
                % {"parent": parent.code, "level": level_label(parent.level)}
            )
        if unit is not None and unit.pk and unit.numchild:
            child_levels = set(Unit.objects.get_children(unit).values_list("level", flat=True))
            too_low = [lv for lv in child_levels if lv in LEVEL_ORDER and level_rank(lv) <= level_rank(level)]
            if too_low:
                highest = min(too_low, key=level_rank)
                errors["level"].append(
                    _("Level unit harus lebih tinggi dari level unit di bawahnya (ada unit %(level)s).")
                    % {"level": level_label(highest)}
                )
        if owns_map and level not in MAP_OWNER_LEVELS:
            errors["owns_map"].append(
                _(
                    "Hanya unit level Kemenkeu-Wide, Kemenkeu-One, Kemenkeu-Two, atau Kemenkeu-Three "
                    "yang dapat menjadi pemilik peta strategi."
                )
            )
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"].append(_("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai berlaku."))
    _raise(errors)


def check_unit_move(*, unit: Unit, new_parent: Unit) -> None:
    """A unit cannot go under itself or its own subtree, and must stay below its new parent's level."""
    if new_parent.pk == unit.pk or new_parent.path.startswith(unit.path):
        raise ValidationError(
            {
                "new_parent": _(
                    "Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau ke bawah unit "
                    "turunannya (%(code)s berada di dalam %(unit)s)."
                )
                % {"code": new_parent.code, "unit": unit.code}
            }
        )
    if level_rank(unit.level) <= level_rank(new_parent.level):
        raise ValidationError(
            {
                "new_parent": _(
                    "Unit %(level)s tidak dapat ditempatkan di bawah unit %(parent_level)s: "
                    "level unit induk harus lebih tinggi."
                )
                % {"level": level_label(unit.level), "parent_level": level_label(new_parent.level)}
            }
        )


@contextmanager
def _unique_code(code: str) -> Iterator[None]:
    """Write in a transaction; the unique index refusing the code (a concurrent insert) is a ValidationError."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise ValidationError(
            {"code": _("Kode unit “%(code)s” sudah dipakai oleh unit lain.") % {"code": code}}
        ) from exc


def create_unit(
    *,
    parent: Unit,
    code: str,
    name_id: str,
    level: str,
    kind: str,
    name_en: str = "",
    owns_map: bool = False,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    is_active: bool = True,
    by: Actor,
) -> Unit:
    """Add a unit as a child of `parent` (kept in code order among its siblings)."""
    ensure(by, "organisations.add_unit", parent)
    code = code.strip()
    check_unit(
        code=code, level=level, owns_map=owns_map, parent=parent, valid_from=valid_from, valid_to=valid_to
    )
    unit = Unit(
        code=code,
        name_id=name_id,
        name_en=name_en,
        level=level,
        kind=kind,
        owns_map=owns_map,
        valid_from=valid_from,
        valid_to=valid_to,
        is_active=is_active,
    )
    recorded(unit, by)
    with _unique_code(code):
        return Unit.objects.add_child(parent, instance=unit)


def update_unit(
    *,
    unit: Unit,
    code: str,
    name_id: str,
    level: str,
    kind: str,
    name_en: str = "",
    owns_map: bool = False,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    is_active: bool = True,
    by: Actor,
) -> Unit:
    """Change a unit's own fields (its place in the tree changes only through `move_unit`)."""
    ensure(by, "organisations.change_unit", unit)
    code = code.strip()
    parent = Unit.objects.get_parent(unit, update=True)
    check_unit(
        code=code,
        level=level,
        owns_map=owns_map,
        parent=parent,
        unit=unit,
        valid_from=valid_from,
        valid_to=valid_to,
    )
    unit.code, unit.name_id, unit.name_en = code, name_id, name_en
    unit.level, unit.kind, unit.owns_map = level, kind, owns_map
    unit.valid_from, unit.valid_to, unit.is_active = valid_from, valid_to, is_active
    recorded(unit, by)
    with _unique_code(code):
        unit.save()
    return unit


def move_unit(*, unit: Unit, new_parent: Unit, by: Actor) -> Unit:
    """Put a unit (with its whole subtree) under another parent; the history records the move."""
    ensure(by, "organisations.change_unit", unit)
    ensure(by, "organisations.add_unit", new_parent)
    with transaction.atomic():
        unit = Unit.objects.select_for_update().get(pk=unit.pk)
        new_parent = Unit.objects.get(pk=new_parent.pk)
        check_unit_move(unit=unit, new_parent=new_parent)
        old_parent = Unit.objects.get_parent(unit, update=True)
        if old_parent is not None and old_parent.pk == new_parent.pk:
            return unit
        try:
            Unit.objects.move(unit, new_parent, "sorted-child")
        except InvalidMoveToDescendant as exc:
            raise ValidationError(
                {
                    "new_parent": _(
                        "Unit tidak dapat dipindahkan ke bawah dirinya sendiri atau ke bawah unit turunannya."
                    )
                }
            ) from exc
        unit.refresh_from_db()
        recorded(
            unit,
            by,
            _("Dipindahkan dari %(old)s ke %(new)s")
            % {"old": old_parent.code if old_parent else "—", "new": new_parent.code},
        )
        unit.save()
    return unit


# ---------------------------------------------------------------- positions


def check_position(
    *,
    unit: Unit,
    code: str,
    type: str,
    echelon: int | None,
    superior: Position | None,
    is_head: bool = False,
    position: Position | None = None,
) -> None:
    errors: dict[str, list[str]] = {"code": [], "echelon": [], "superior": [], "is_head": []}
    duplicates = Position.objects.filter(code=code)
    if position is not None and position.pk:
        duplicates = duplicates.exclude(pk=position.pk)
    if code and duplicates.exists():
        errors["code"].append(_("Kode jabatan “%(code)s” sudah dipakai.") % {"code": code})
    if type == PositionType.STRUCTURAL:
        # The Minister and Vice Minister (Kemenkeu-Wide) are state officials above every echelon.
        if unit.level == UnitLevel.WIDE and echelon is None:
            pass
        elif echelon is None or not 1 <= echelon <= 5:
            errors["echelon"].append(_("Jabatan struktural harus memiliki eselon 1 sampai 5."))
    elif echelon is not None:
        errors["echelon"].append(_("Eselon hanya diisi untuk jabatan struktural."))
    if superior is not None:
        if position is not None and superior.pk == position.pk:
            errors["superior"].append(_("Jabatan atasan tidak boleh jabatan itu sendiri."))
        elif not unit.path.startswith(superior.unit.path):
            errors["superior"].append(
                _("Jabatan atasan harus berada di unit yang sama atau di unit atasannya.")
            )
        elif position is not None and position.pk:
            seen: set[int] = set()
            current: Position | None = superior
            while current is not None and current.pk not in seen:
                if current.pk == position.pk:
                    errors["superior"].append(
                        _(
                            "Jabatan atasan ini adalah bawahan dari jabatan ini; garis komando tidak boleh melingkar."
                        )
                    )
                    break
                seen.add(current.pk)
                current = current.superior
    if is_head:
        heads = Position.objects.filter(unit=unit, is_head=True)
        if position is not None and position.pk:
            heads = heads.exclude(pk=position.pk)
        other = heads.first()
        if other is not None:
            errors["is_head"].append(
                _("Unit ini sudah memiliki kepala unit: %(title)s.") % {"title": other.title}
            )
    _raise(errors)


def create_position(
    *,
    unit: Unit,
    code: str,
    title_id: str,
    type: str,
    title_en: str = "",
    echelon: int | None = None,
    job_grade: int | None = None,
    superior: Position | None = None,
    is_head: bool = False,
    by: Actor,
) -> Position:
    ensure(by, "organisations.add_position", unit)
    code = code.strip()
    check_position(unit=unit, code=code, type=type, echelon=echelon, superior=superior, is_head=is_head)
    position = Position(
        unit=unit,
        code=code,
        title_id=title_id,
        title_en=title_en,
        type=type,
        echelon=echelon,
        job_grade=job_grade,
        superior=superior,
        is_head=is_head,
    )
    recorded(position, by)
    with transaction.atomic():
        position.save()
    return position


def update_position(
    *,
    position: Position,
    code: str,
    title_id: str,
    type: str,
    title_en: str = "",
    echelon: int | None = None,
    job_grade: int | None = None,
    superior: Position | None = None,
    is_head: bool = False,
    by: Actor,
) -> Position:
    ensure(by, "organisations.change_position", position)
    code = code.strip()
    check_position(
        unit=position.unit,
        code=code,
        type=type,
        echelon=echelon,
        superior=superior,
        is_head=is_head,
        position=position,
    )
    position.code, position.title_id, position.title_en, position.type = code, title_id, title_en, type
    position.echelon, position.job_grade, position.superior, position.is_head = (
        echelon,
        job_grade,
        superior,
        is_head,
    )
    recorded(position, by)
    with transaction.atomic():
        position.save()
    return position


# ---------------------------------------------------------------- employees


def check_employee(
    *,
    nip: str,
    unit: Unit,
    position: Position | None,
    superior: Employee | None,
    employee: Employee | None = None,
) -> None:
    """NIP well formed and unique; position in the unit; the superior line without loops."""
    errors: dict[str, list[str]] = {"nip": [], "position": [], "superior": []}
    problem = nip_problem(nip)
    if problem:
        errors["nip"].append(problem)
    else:
        duplicates = Employee.objects.filter(nip=nip)
        if employee is not None and employee.pk:
            duplicates = duplicates.exclude(pk=employee.pk)
        if duplicates.exists():
            errors["nip"].append(_("NIP %(nip)s sudah terdaftar untuk pegawai lain.") % {"nip": nip})
    if position is not None and position.unit_id != unit.pk:
        errors["position"].append(_("Jabatan harus berada di unit yang dipilih."))
    if superior is not None and employee is not None and employee.pk:
        if superior.pk == employee.pk:
            errors["superior"].append(_("Atasan langsung tidak boleh pegawai itu sendiri."))
        else:
            seen: set[int] = set()
            current: Employee | None = superior
            while current is not None and current.pk not in seen:
                if current.superior_id == employee.pk:
                    errors["superior"].append(
                        _(
                            "%(name)s adalah bawahan (langsung atau tidak langsung) dari pegawai ini; "
                            "garis atasan tidak boleh melingkar."
                        )
                        % {"name": superior.name}
                    )
                    break
                seen.add(current.pk)
                current = current.superior
    _raise(errors)


def check_move(*, employee: Employee, start: dt.date) -> None:
    current = _open_assignment(employee)
    if current is not None and start < current.start:
        raise ValidationError(
            {
                "start": _(
                    "Tanggal mulai penugasan baru tidak boleh sebelum tanggal mulai penugasan saat ini "
                    "(%(date)s)."
                )
                % {"date": current.start.strftime("%d-%m-%Y")}
            }
        )


def _open_assignment(employee: Employee) -> Assignment | None:
    if not employee.pk:
        return None
    return employee.assignments.filter(end__isnull=True).order_by("-start", "-pk").first()


def create_employee(
    *,
    nip: str,
    name: str,
    unit: Unit,
    start: dt.date,
    email: str = "",
    position: Position | None = None,
    superior: Employee | None = None,
    kind: str = AssignmentKind.DEFINITIVE,
    by: Actor,
) -> Employee:
    """Register an employee and open their first assignment."""
    ensure(by, "organisations.add_employee", unit)
    if superior is not None:
        ensure(by, "organisations.view_employee", superior)
    nip = nip.strip()
    check_employee(nip=nip, unit=unit, position=position, superior=superior)
    employee = Employee(nip=nip, name=name, email=email, unit=unit, position=position, superior=superior)
    recorded(employee, by)
    with transaction.atomic():
        employee.save()
        Assignment.objects.create(employee=employee, unit=unit, position=position, kind=kind, start=start)
        sync_accounts(employee_ids=[employee.pk], by=by)  # their account and roles (accounts_sync.py)
    return employee


def update_employee(
    *,
    employee: Employee,
    nip: str,
    name: str,
    email: str,
    unit: Unit,
    position: Position | None,
    superior: Employee | None,
    is_active: bool = True,
    move_start: dt.date | None = None,
    move_kind: str = AssignmentKind.DEFINITIVE,
    by: Actor,
) -> Employee:
    """Change an employee; a new unit or position is a move (closes the assignment, opens the next one)."""
    ensure(by, "organisations.change_employee", employee)
    if superior is not None and superior.pk != employee.superior_id:
        ensure(by, "organisations.view_employee", superior)
    nip = nip.strip()
    moved = unit.pk != employee.unit_id or (position.pk if position else None) != employee.position_id
    check_employee(nip=nip, unit=unit, position=position, superior=superior, employee=employee)
    start = move_start or dt.date.today()
    if moved:
        check_move(employee=employee, start=start)
    with transaction.atomic():
        employee.nip, employee.name, employee.email = nip, name, email
        employee.superior, employee.is_active = superior, is_active
        if moved:
            # move_employee saves the employee (one history record for the whole change)
            move_employee(employee=employee, unit=unit, position=position, start=start, kind=move_kind, by=by)
        else:
            recorded(employee, by)
            employee.save()
        sync_accounts(employee_ids=[employee.pk], by=by)  # a departure, a return, a move: accounts_sync.py
    return employee


def move_employee(
    *,
    employee: Employee,
    unit: Unit,
    position: Position | None,
    start: dt.date,
    by: Actor,
    kind: str = AssignmentKind.DEFINITIVE,
    note: str = "",
) -> Assignment:
    """Close the current assignment the day before `start` and open a new one in `unit`/`position`.

    A move dated the same day as the current assignment's start is a correction:
    the current assignment then ends on that same day.
    """
    ensure(by, "organisations.move_employee", employee)
    ensure(by, "organisations.add_employee", unit)
    if position is not None and position.unit_id != unit.pk:
        raise ValidationError({"position": _("Jabatan harus berada di unit yang dipilih.")})
    check_move(employee=employee, start=start)
    with transaction.atomic():
        for current in employee.assignments.select_for_update().filter(end__isnull=True):
            current.end = max(start - dt.timedelta(days=1), current.start)
            current.save(update_fields=["end"])
        assignment = Assignment.objects.create(
            employee=employee, unit=unit, position=position, kind=kind, start=start, note=note
        )
        employee.unit, employee.position = unit, position
        recorded(employee, by, _("Pindah ke %(unit)s") % {"unit": unit.code})
        employee.save()
        sync_accounts(employee_ids=[employee.pk], by=by)  # roles follow the move (accounts_sync.py)
    return assignment
