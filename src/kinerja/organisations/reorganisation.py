"""Reorganisation (issue 15 item 4): move a subtree, merge units, split a unit — previewed, then applied.

A reorganisation is a `Reorganisation` record: its `kind`, `effective_date`, `reason` and `plan` (unit codes,
so it can be stored, shown and re-checked). `preview()` reads the database and says what applying the plan
would change, and every problem that stops it; `apply_reorganisation()` checks again under a lock and writes
everything in one transaction or nothing.

What applying does:

- **closed units** (the merged-away units, the split unit) get `valid_to` = effective date − 1 day and
  `is_active=False`; they are never deleted, and what hangs from them (strategy maps, KPIs, contracts,
  realizations, scores, meetings) stays attached to them, readable under their old names for past periods;
- **new units** (a merge into a new unit, the parts of a split) start on the effective date (`valid_from`);
- **positions** of a closed unit move to its successor (a head position becomes the successor's head only when
  the successor has none; otherwise it is closed and stays with the old unit); **employees** move with their
  positions, in the `Assignment` history: the open assignment ends the day before, the new one starts on the
  effective date;
- **child units** of a closed unit move (with their subtrees, their maps and everything else) under its
  successor; a **moved** unit keeps its maps. The old parent is in the unit's history (the change reason) and
  in the record (`ReorganisationUnit.old_parent`);
- **roles** held on a closed unit stay (they keep its past data readable) and are copied to the successor
  (for a split: to the new unit the holder's own employee record moves to, else to every new unit).

Plans (JSON):
    move:  {"unit": code, "new_parent": code}
    merge: {"sources": [code, ...], "into": code | None,
            "new_unit": {code, name_id, name_en, level, kind, owns_map, parent} | None, "head": position code | None}
    split: {"source": code, "new_units": [{code, name_id, name_en, level, kind, owns_map, parent}, ...],
            "positions": {position code: index}, "children": {unit code: index}, "employees": {nip: index}}
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.models import RoleAssignment
from kinerja.accounts.rules import EDIT_ORG_ROLES, ensure
from kinerja.accounts.scope import unit_filter
from kinerja.common.history import Actor, author, recorded

from . import services
from .models import (
    LEVEL_ORDER,
    Assignment,
    Employee,
    Position,
    Reorganisation,
    ReorganisationKind,
    ReorganisationRole,
    ReorganisationState,
    ReorganisationUnit,
    Unit,
    UnitKind,
)
from .selectors import level_label, level_rank

MAX_NEW_UNITS = 6


def _d(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


# ---------------------------------------------------------------- the preview


@dataclass
class NewUnit:
    """A unit the reorganisation creates (not in the database until applied)."""

    code: str
    name_id: str
    name_en: str
    level: str
    kind: str
    owns_map: bool
    parent: Unit | None

    @property
    def name(self) -> str:
        return self.name_id


Target = Unit | int  # an existing unit, or the index of a NewUnit


@dataclass
class Work:
    """What applying the plan does, with the objects (the preview's dicts are made from it)."""

    closing: list[Unit] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    kept: list[Unit] = field(default_factory=list)  # a merge's existing target
    successors: dict[int, list[Target]] = field(default_factory=dict)  # closing unit pk → targets
    unit_moves: list[tuple[Unit, Target]] = field(default_factory=list)
    position_moves: list[tuple[Position, Target, bool]] = field(default_factory=list)  # (…, is head there)
    position_closes: list[Position] = field(default_factory=list)
    employee_moves: list[tuple[Employee, Target, Position | None]] = field(default_factory=list)
    role_copies: list[tuple[RoleAssignment, Target]] = field(default_factory=list)
    involved: list[Unit] = field(default_factory=list)  # every existing unit the permission is asked on


@dataclass
class Preview:
    """What applying a reorganisation would change, and what stops it (`errors`)."""

    kind: str
    effective_date: dt.date
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    closed: list[dict[str, Any]] = field(default_factory=list)
    created: list[dict[str, Any]] = field(default_factory=list)
    moved_units: list[dict[str, Any]] = field(default_factory=list)
    positions: list[dict[str, Any]] = field(default_factory=list)
    employees: list[dict[str, Any]] = field(default_factory=list)
    attached: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    work: Work = field(default_factory=Work, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("work")
        data["effective_date"] = self.effective_date.isoformat()
        return data


class _Builder:
    def __init__(self, kind: str, plan: dict[str, Any], effective_date: dt.date) -> None:
        self.plan = plan
        self.date = effective_date
        self.close_on = effective_date - dt.timedelta(days=1)
        self.preview = Preview(kind=kind, effective_date=effective_date)
        self.work = self.preview.work

    # -- small helpers

    def error(self, message: str) -> None:
        if message not in self.preview.errors:
            self.preview.errors.append(message)

    def unit(self, code: Any, what: str) -> Unit | None:
        code = str(code or "").strip()
        if not code:
            self.error(_("%(what)s belum diisi.") % {"what": what})
            return None
        found = Unit.objects.filter(code=code).first()
        if found is None:
            self.error(
                _("%(what)s: unit dengan kode “%(code)s” tidak ditemukan.") % {"what": what, "code": code}
            )
        return found

    def active(self, unit: Unit, what: str) -> None:
        if not unit.is_active:
            self.error(
                _("%(what)s %(code)s sudah ditutup (berlaku sampai %(to)s).")
                % {"what": what, "code": unit.code, "to": _d(unit.valid_to)}
            )

    def exists_on_date(self, unit: Unit, what: str) -> None:
        """The unit must exist on the effective date (it receives units, positions or people then)."""
        if unit.valid_from and unit.valid_from > self.date:
            self.error(
                _("Tanggal berlaku %(date)s sebelum tanggal mulai berlaku %(what)s %(code)s (%(from)s).")
                % {"date": _d(self.date), "what": what, "code": unit.code, "from": _d(unit.valid_from)}
            )

    def closable(self, unit: Unit) -> None:
        """A unit closed the day before the effective date must have started before it."""
        if unit.valid_from and unit.valid_from >= self.date:
            self.error(
                _(
                    "Tanggal berlaku %(date)s harus setelah tanggal mulai berlaku unit %(code)s (%(from)s): "
                    "unit itu ditutup sehari sebelum tanggal berlaku."
                )
                % {"date": _d(self.date), "code": unit.code, "from": _d(unit.valid_from)}
            )

    def label(self, target: Target) -> tuple[str, str]:
        if isinstance(target, int):
            new = self.work.new_units[target]
            return new.code, new.name_id
        return target.code, target.name

    def level_of(self, target: Target) -> str:
        return self.work.new_units[target].level if isinstance(target, int) else target.level

    def below(self, unit: Unit, target: Target, *, what: str) -> None:
        """`unit` goes directly under `target`: its level must be lower."""
        level = self.level_of(target)
        if level in LEVEL_ORDER and level_rank(unit.level) <= level_rank(level):
            code, _name = self.label(target)
            self.error(
                _(
                    "%(what)s %(code)s (%(level)s) tidak dapat ditempatkan di bawah %(target)s (%(target_level)s): "
                    "level unit harus lebih rendah dari level unit induknya."
                )
                % {
                    "what": what,
                    "code": unit.code,
                    "level": level_label(unit.level),
                    "target": code,
                    "target_level": level_label(level),
                }
            )

    def new_unit(self, data: Any, index: int, closing: list[Unit]) -> NewUnit | None:
        """Read and check a new unit of the plan (its place under an existing parent)."""
        if not isinstance(data, dict):
            self.error(_("Data unit baru ke-%(n)d tidak lengkap.") % {"n": index + 1})
            return None
        code = str(data.get("code") or "").strip()
        name_id = str(data.get("name_id") or "").strip()
        level = str(data.get("level") or "")
        kind = str(data.get("kind") or UnitKind.OTHER)
        what = (
            _("Unit baru %(code)s") % {"code": code} if code else _("Unit baru ke-%(n)d") % {"n": index + 1}
        )
        if not code:
            self.error(_("%(what)s: kode belum diisi.") % {"what": what})
        if not name_id:
            self.error(_("%(what)s: nama (Indonesia) belum diisi.") % {"what": what})
        if level not in LEVEL_ORDER:
            self.error(_("%(what)s: level belum dipilih.") % {"what": what})
        if kind not in UnitKind.values:
            self.error(_("%(what)s: jenis unit tidak dikenal.") % {"what": what})
        parent = self.unit(data.get("parent"), _("%(what)s: unit induk") % {"what": what})
        if parent is not None:
            self.active(parent, _("Unit induk"))
            self.exists_on_date(parent, _("unit induk"))
            for unit in closing:
                if parent.path.startswith(unit.path):
                    self.error(
                        _(
                            "%(what)s tidak dapat ditempatkan di bawah %(parent)s: unit itu berada di dalam "
                            "%(code)s yang ditutup (susunan unit akan melingkar)."
                        )
                        % {"what": what, "parent": parent.code, "code": unit.code}
                    )
            self.work.involved.append(parent)
        new = NewUnit(
            code=code,
            name_id=name_id,
            name_en=str(data.get("name_en") or "").strip(),
            level=level,
            kind=kind,
            owns_map=bool(data.get("owns_map")),
            parent=parent,
        )
        if code and level in LEVEL_ORDER:
            try:
                services.check_unit(code=code, level=level, owns_map=new.owns_map, parent=parent)
            except ValidationError as exc:
                for message in exc.messages:
                    self.error(f"{what}: {message}")
        return new

    # -- the three kinds

    def move(self) -> None:
        unit = self.unit(self.plan.get("unit"), _("Unit yang dipindahkan"))
        new_parent = self.unit(self.plan.get("new_parent"), _("Unit induk baru"))
        if unit is None or new_parent is None:
            return
        self.work.involved += [unit, new_parent]
        self.active(unit, _("Unit"))
        self.active(new_parent, _("Unit induk baru"))
        old_parent = Unit.objects.get_parent(unit, update=True)
        if old_parent is not None and old_parent.pk == new_parent.pk:
            self.error(
                _("Unit %(code)s sudah berada di bawah %(parent)s.")
                % {"code": unit.code, "parent": new_parent.code}
            )
        try:
            services.check_unit_move(unit=unit, new_parent=new_parent)
        except ValidationError as exc:
            for message in exc.messages:
                self.error(message)
        if unit.valid_from and unit.valid_from > self.date:
            self.error(
                _("Tanggal berlaku %(date)s sebelum tanggal mulai berlaku unit %(code)s (%(from)s).")
                % {"date": _d(self.date), "code": unit.code, "from": _d(unit.valid_from)}
            )
        self.exists_on_date(new_parent, _("unit induk baru"))
        self.work.unit_moves.append((unit, new_parent))
        self.preview.moved_units.append(
            {
                "code": unit.code,
                "name": unit.name,
                "old_parent": old_parent.code if old_parent else "",
                "new_parent": new_parent.code,
                "descendants": Unit.objects.filter(path__startswith=unit.path).exclude(pk=unit.pk).count(),
            }
        )

    def merge(self) -> None:
        codes = [str(c).strip() for c in self.plan.get("sources") or [] if str(c).strip()]
        if len(set(codes)) != len(codes):
            self.error(_("Unit yang digabung tidak boleh dipilih lebih dari sekali."))
        codes = list(dict.fromkeys(codes))
        if len(codes) < 2:
            self.error(_("Pilih paling sedikit dua unit yang digabung."))
        sources = [u for c in codes if (u := self.unit(c, _("Unit yang digabung"))) is not None]
        for unit in sources:
            self.active(unit, _("Unit"))
            for other in sources:
                if other.pk != unit.pk and other.path.startswith(unit.path):
                    self.error(
                        _(
                            "Unit %(inner)s berada di bawah %(outer)s; unit tidak dapat digabung dengan unit di bawahnya."
                        )
                        % {"inner": other.code, "outer": unit.code}
                    )
        self.work.involved += sources
        into_code = str(self.plan.get("into") or "").strip()
        target: Target
        if into_code:
            kept = next((u for u in sources if u.code == into_code), None)
            if kept is None:
                self.error(
                    _("Unit tujuan penggabungan (%(code)s) harus salah satu unit yang digabung.")
                    % {"code": into_code}
                )
                return
            self.exists_on_date(kept, _("unit tujuan"))
            closing = [u for u in sources if u.pk != kept.pk]
            self.work.kept.append(kept)
            target = kept
            has_head = Position.objects.filter(unit=kept, is_head=True, is_active=True).exists()
        else:
            closing = sources
            new = self.new_unit(self.plan.get("new_unit"), 0, closing)
            if new is None:
                return
            if new.code in codes:
                self.error(
                    _("Kode unit baru %(code)s sama dengan kode unit yang digabung.") % {"code": new.code}
                )
            self.work.new_units.append(new)
            target = 0
            has_head = False
        self.work.closing = closing
        head_code = str(self.plan.get("head") or "").strip()
        head_moves = False
        if head_code:
            if into_code:
                self.error(_("Kepala unit hanya dipilih bila unit digabung menjadi unit baru."))
            elif not Position.objects.filter(
                code=head_code, unit__in=closing, is_head=True, is_active=True
            ).exists():
                self.error(
                    _("Jabatan %(code)s bukan jabatan kepala salah satu unit yang digabung.")
                    % {"code": head_code}
                )
            else:
                head_moves = True
        for unit in closing:
            self.closable(unit)
            self.work.successors[unit.pk] = [target]
        # positions and people of the closed units go to the target
        positions = list(Position.objects.filter(unit__in=closing, is_active=True).select_related("unit"))
        destinations: dict[int, tuple[Target, bool]] = {}
        for position in positions:
            if position.is_head and (has_head or not head_moves or position.code != head_code):
                self.work.position_closes.append(position)
            else:
                destinations[position.pk] = (target, position.is_head)
                self.work.position_moves.append((position, target, position.is_head))
        self._people(
            closing, lambda e: destinations.get(e.position_id or 0, (target, False))[0], destinations
        )
        self._children(closing, lambda child: target)
        if not has_head and not head_moves:
            code, _name = self.label(target)
            self.preview.warnings.append(
                _(
                    "Unit %(code)s belum memiliki jabatan kepala unit; tambahkan setelah reorganisasi diterapkan."
                )
                % {"code": code}
            )

    def split(self) -> None:
        source = self.unit(self.plan.get("source"), _("Unit yang dipecah"))
        if source is None:
            return
        self.work.involved.append(source)
        self.active(source, _("Unit"))
        self.closable(source)
        raw = self.plan.get("new_units") or []
        if len(raw) < 2:
            self.error(_("Unit dipecah menjadi paling sedikit dua unit baru."))
        if len(raw) > MAX_NEW_UNITS:
            self.error(_("Paling banyak %(n)d unit baru sekaligus.") % {"n": MAX_NEW_UNITS})
        for index, data in enumerate(raw[:MAX_NEW_UNITS]):
            new = self.new_unit(data, index, [source])
            if new is None:
                return
            if new.code and new.code == source.code:
                self.error(
                    _("Kode unit baru %(code)s sama dengan kode unit yang dipecah.") % {"code": new.code}
                )
            if new.code and any(n.code == new.code for n in self.work.new_units):
                self.error(_("Kode unit baru %(code)s dipakai lebih dari sekali.") % {"code": new.code})
            self.work.new_units.append(new)
        count = len(self.work.new_units)
        self.work.closing = [source]
        self.work.successors[source.pk] = list(range(count))

        def index_of(mapping_name: str, key: str, what: str) -> int | None:
            value: Any = (self.plan.get(mapping_name) or {}).get(key)
            try:
                index = int(value)
            except (TypeError, ValueError):
                index = -1
            if not 0 <= index < count:
                self.error(_("%(what)s belum ditentukan akan masuk ke unit baru yang mana.") % {"what": what})
                return None
            return index

        destinations: dict[int, tuple[Target, bool]] = {}
        for position in (
            Position.objects.filter(unit=source, is_active=True)
            .select_related("unit")
            .order_by("-is_head", "code")
        ):
            chosen = index_of("positions", position.code, _("Jabatan %(code)s") % {"code": position.code})
            if chosen is not None:
                destinations[position.pk] = (chosen, position.is_head)
                self.work.position_moves.append((position, chosen, position.is_head))
        heads = {t for t, is_head in destinations.values() if is_head}
        for index, new in enumerate(self.work.new_units):
            if index not in heads:
                self.preview.warnings.append(
                    _(
                        "Unit baru %(code)s belum memiliki jabatan kepala unit; tambahkan setelah reorganisasi diterapkan."
                    )
                    % {"code": new.code}
                )

        def employee_target(employee: Employee) -> Target:
            if employee.position_id in destinations:
                return destinations[employee.position_id][0]
            index = index_of(
                "employees",
                employee.nip,
                _("Pegawai %(name)s (%(nip)s)") % {"name": employee.name, "nip": employee.nip},
            )
            return index if index is not None else 0

        self._people([source], employee_target, destinations)

        def child_target(child: Unit) -> Target:
            index = index_of("children", child.code, _("Unit %(code)s di bawahnya") % {"code": child.code})
            return index if index is not None else 0

        self._children([source], child_target)

    # -- shared by merge and split

    def _people(
        self, closing: list[Unit], target_of: Any, destinations: dict[int, tuple[Target, bool]]
    ) -> None:
        employees = list(
            Employee.objects.filter(unit__in=closing, is_active=True)
            .select_related("unit", "position")
            .order_by("unit__path", "name")
        )
        opened = {
            a.employee_id: a
            for a in Assignment.objects.filter(employee__in=employees, end__isnull=True).order_by(
                "start", "pk"
            )
        }
        for employee in employees:
            target = target_of(employee)
            position = employee.position if employee.position_id in destinations else None
            current = opened.get(employee.pk)
            if current is not None and current.start >= self.date:
                self.error(
                    _(
                        "Penugasan %(name)s (%(nip)s) saat ini dimulai %(start)s, tidak sebelum tanggal berlaku "
                        "%(date)s; perbaiki penugasannya atau pilih tanggal berlaku yang lebih akhir."
                    )
                    % {
                        "name": employee.name,
                        "nip": employee.nip,
                        "start": _d(current.start),
                        "date": _d(self.date),
                    }
                )
            self.work.employee_moves.append((employee, target, position))
            code, _name = self.label(target)
            self.preview.employees.append(
                {
                    "nip": employee.nip,
                    "name": employee.name,
                    "from": employee.unit.code,
                    "to": code,
                    "position": position.title_id if position else "",
                }
            )
            if position is None and employee.position is not None:
                self.preview.warnings.append(
                    _("%(name)s (%(nip)s) pindah ke %(unit)s tanpa jabatan (jabatan %(title)s ditutup).")
                    % {
                        "name": employee.name,
                        "nip": employee.nip,
                        "unit": code,
                        "title": employee.position.title_id,
                    }
                )
        for position, target, is_head in self.work.position_moves:
            code, _name = self.label(target)
            self.preview.positions.append(
                {
                    "code": position.code,
                    "title": position.title_id,
                    "from": position.unit.code if position.unit_id else "",
                    "to": code,
                    "head": is_head,
                    "action": "moved",
                }
            )
        for position in self.work.position_closes:
            self.preview.positions.append(
                {
                    "code": position.code,
                    "title": position.title_id,
                    "from": position.unit.code,
                    "to": "",
                    "head": position.is_head,
                    "action": "closed",
                }
            )
        # roles on the closed units are copied to the successors
        holders_target = {e.pk: t for e, t, _p in self.work.employee_moves}
        for role in (
            RoleAssignment.objects.filter(unit__in=closing)
            .select_related("user", "unit")
            .order_by("unit__path", "user__username")
        ):
            own = holders_target.get(getattr(role.user, "employee_id", None) or 0)
            targets = [own] if own is not None else self.work.successors.get(role.unit_id, [])
            for target in targets:
                self.work.role_copies.append((role, target))
                code, _name = self.label(target)
                self.preview.roles.append(
                    {
                        "user": role.user.username,
                        "role": role.get_role_display(),
                        "from": role.unit.code,
                        "to": code,
                    }
                )

    def _children(self, closing: list[Unit], target_of: Any) -> None:
        for unit in closing:
            for child in Unit.objects.get_children(unit):
                target = target_of(child)
                self.below(child, target, what=_("Unit"))
                self.work.unit_moves.append((child, target))
                code, _name = self.label(target)
                self.preview.moved_units.append(
                    {
                        "code": child.code,
                        "name": child.name,
                        "old_parent": unit.code,
                        "new_parent": code,
                        "descendants": Unit.objects.filter(path__startswith=child.path)
                        .exclude(pk=child.pk)
                        .count(),
                    }
                )

    def finish(self) -> Preview:
        work, preview = self.work, self.preview
        for unit in work.closing:
            preview.closed.append(
                {
                    "code": unit.code,
                    "name": unit.name,
                    "valid_to": self.close_on.isoformat(),
                    "successors": [self.label(t)[0] for t in work.successors.get(unit.pk, [])],
                    "owns_map": unit.owns_map,
                }
            )
            items = attached_to(unit)
            if items:
                preview.attached.append({"unit": unit.code, "items": items})
        for new in work.new_units:
            preview.created.append(
                {
                    "code": new.code,
                    "name": new.name_id,
                    "level": level_label(new.level) if new.level in LEVEL_ORDER else "",
                    "parent": new.parent.code if new.parent else "",
                    "owns_map": new.owns_map,
                    "valid_from": self.date.isoformat(),
                }
            )
        owned = [u.code for u in work.closing if u.owns_map]
        if owned and not any(n.owns_map for n in work.new_units) and not any(u.owns_map for u in work.kept):
            preview.warnings.append(
                _(
                    "Unit %(codes)s memiliki peta strategi, tetapi unit penggantinya tidak ditandai sebagai pemilik "
                    "peta strategi."
                )
                % {"codes": ", ".join(owned)}
            )
        if self.date > timezone.localdate():
            preview.warnings.append(
                _(
                    "Tanggal berlaku di masa depan: susunan baru langsung tampil setelah diterapkan, riwayat penugasan dan masa berlaku unit mengikuti tanggal berlaku."
                )
            )
        return preview


def attached_to(unit: Unit) -> list[tuple[str, int]]:
    """What other parts of the application keep on a unit (strategy maps, contracts, meetings…), counted.

    Read through the model's reverse relations, so this layer needs to import none of the apps above it.
    """
    skip = {
        "positions",
        "employees",
        "assignments",
        "reorganisations",
        "reorganisation_links",
        "role_assignments",
    }
    items: list[tuple[str, int]] = []
    for relation in Unit._meta.related_objects:
        if not relation.one_to_many or relation.related_model is None:
            continue
        accessor = relation.get_accessor_name()
        model = relation.related_model
        if accessor in skip or accessor is None or model._meta.app_label == "organisations":
            continue
        if getattr(model, "instance_type", None) is not None or model.__name__.startswith("Historical"):
            continue
        count = model._default_manager.filter(**{relation.field.name: unit}).count()
        if count:
            items.append((str(model._meta.verbose_name_plural), count))
    return items


def preview(*, kind: str, plan: dict[str, Any], effective_date: dt.date) -> Preview:
    """What applying `plan` on `effective_date` would change, and every problem that stops it (reads only)."""
    builder = _Builder(kind, plan, effective_date)
    if kind == ReorganisationKind.MOVE:
        builder.move()
    elif kind == ReorganisationKind.MERGE:
        builder.merge()
    elif kind == ReorganisationKind.SPLIT:
        builder.split()
    else:
        builder.error(_("Jenis reorganisasi tidak dikenal."))
    return builder.finish()


def scope_unit(units: list[Unit]) -> Unit | None:
    """The lowest unit above or equal to every unit in `units` (None when they share no root)."""
    paths = [u.path for u in units if u is not None]
    if not paths:
        return None
    prefix = paths[0]
    for path in paths[1:]:
        while not path.startswith(prefix):
            prefix = prefix[: -Unit.steplen]
            if not prefix:
                return None
    return Unit.objects.filter(path=prefix).first()


# ---------------------------------------------------------------- the writes


def plan_reorganisation(
    *, kind: str, plan: dict[str, Any], effective_date: dt.date | None, reason: str, by: Actor
) -> Reorganisation:
    """Record a reorganisation as a draft (its preview may still show problems: they stop only `apply`)."""
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Alasan reorganisasi wajib diisi.")]
    if effective_date is None:
        errors["effective_date"] = [_("Tanggal berlaku wajib diisi.")]
    if kind not in ReorganisationKind.values:
        errors["kind"] = [_("Jenis reorganisasi tidak dikenal.")]
    if errors:
        raise ValidationError(errors)
    assert effective_date is not None
    shown = preview(kind=kind, plan=plan, effective_date=effective_date)
    involved = shown.work.involved
    for unit in involved:
        ensure(by, "organisations.reorganise", unit)
    scope = scope_unit(involved)
    if scope is None:
        raise ValidationError(shown.errors or [_("Unit yang direorganisasi belum dipilih.")])
    record = Reorganisation.objects.create(
        kind=kind,
        effective_date=effective_date,
        reason=reason,
        unit=scope,
        plan=plan,
        created_by=author(by),
    )
    return record


def discard_reorganisation(*, reorganisation: Reorganisation, by: Actor) -> Reorganisation:
    ensure(by, "organisations.apply_reorganisation", reorganisation)
    if reorganisation.state != ReorganisationState.DRAFT:
        raise ValidationError(_("Hanya rancangan reorganisasi yang dapat dibatalkan."))
    reorganisation.state = ReorganisationState.DISCARDED
    reorganisation.save(update_fields=["state"])
    return reorganisation


def apply_reorganisation(*, reorganisation: Reorganisation, by: Actor) -> Reorganisation:
    """Check the plan again and write all of it in one transaction; any problem writes nothing."""
    ensure(by, "organisations.apply_reorganisation", reorganisation)
    with transaction.atomic():
        record = Reorganisation.objects.select_for_update().get(pk=reorganisation.pk)
        if record.state != ReorganisationState.DRAFT:
            raise ValidationError(_("Reorganisasi ini sudah diterapkan atau dibatalkan."))
        shown = preview(kind=record.kind, plan=record.plan, effective_date=record.effective_date)
        if shown.errors:
            raise ValidationError(shown.errors)
        for unit in shown.work.involved:
            ensure(by, "organisations.reorganise", unit)
        _write(record, shown, by)
        record.state = ReorganisationState.APPLIED
        record.result = shown.as_dict()
        record.by = author(by)
        record.at = timezone.now()
        record.save()
    reorganisation.refresh_from_db()
    return reorganisation


def _write(record: Reorganisation, shown: Preview, by: Actor) -> None:
    work, date = shown.work, record.effective_date
    close_on = date - dt.timedelta(days=1)
    tag = _("Reorganisasi #%(pk)d") % {"pk": record.pk}
    links: list[ReorganisationUnit] = []

    created: list[Unit] = []
    for new in work.new_units:
        assert new.parent is not None
        new.parent.refresh_from_db()
        unit = Unit(
            code=new.code,
            name_id=new.name_id,
            name_en=new.name_en,
            level=new.level,
            kind=new.kind,
            owns_map=new.owns_map,
            valid_from=date,
        )
        recorded(unit, by, f"{tag}: {_('dibentuk')}")
        unit = Unit.objects.add_child(new.parent, instance=unit)
        created.append(unit)
        links.append(ReorganisationUnit(reorganisation=record, unit=unit, role=ReorganisationRole.CREATED))

    def resolve(target: Target) -> Unit:
        return created[target] if isinstance(target, int) else target

    for unit in work.kept:
        links.append(ReorganisationUnit(reorganisation=record, unit=unit, role=ReorganisationRole.KEPT))

    for unit, target in work.unit_moves:
        unit.refresh_from_db()
        parent = resolve(target)
        parent.refresh_from_db()
        old_parent = Unit.objects.get_parent(unit, update=True)
        Unit.objects.move(unit, parent, pos="sorted-child")
        unit.refresh_from_db()
        recorded(
            unit,
            by,
            _("%(tag)s: dipindahkan dari %(old)s ke %(new)s")
            % {"tag": tag, "old": old_parent.code if old_parent else "—", "new": parent.code},
        )
        unit.save()
        links.append(
            ReorganisationUnit(
                reorganisation=record, unit=unit, role=ReorganisationRole.MOVED, old_parent=old_parent
            )
        )

    moved_positions: dict[int, Unit] = {}
    for position, target, is_head in work.position_moves:
        unit = resolve(target)
        position.unit = unit
        position.is_head = is_head
        moved_positions[position.pk] = unit
        recorded(position, by, _("%(tag)s: pindah ke %(unit)s") % {"tag": tag, "unit": unit.code})
        position.save()
    for position in work.position_closes:
        position.is_active = False
        recorded(position, by, f"{tag}: {_('ditutup')}")
        position.save()
    _fix_superiors(moved_positions, work, by, tag)

    note = f"{tag}: {record.get_kind_display()}"
    for employee, target, new_position in work.employee_moves:
        unit = resolve(target)
        for current in employee.assignments.select_for_update().filter(end__isnull=True):
            current.end = close_on
            current.save(update_fields=["end"])
        Assignment.objects.create(
            employee=employee,
            unit=unit,
            position=new_position,
            kind=_current_kind(employee),
            start=date,
            note=note[:255],
        )
        employee.unit, employee.position = unit, new_position
        recorded(employee, by, _("%(tag)s: pindah ke %(unit)s") % {"tag": tag, "unit": unit.code})
        employee.save()

    for role, target in work.role_copies:
        unit = resolve(target)
        if not RoleAssignment.objects.filter(user=role.user, unit=unit, role=role.role).exists():
            recorded(RoleAssignment(user=role.user, unit=unit, role=role.role), by, tag).save()

    for unit in work.closing:
        unit.refresh_from_db()
        unit.valid_to = close_on
        unit.is_active = False
        recorded(unit, by, f"{tag}: {_('ditutup')}")
        unit.save()
        links.append(ReorganisationUnit(reorganisation=record, unit=unit, role=ReorganisationRole.CLOSED))
    ReorganisationUnit.objects.bulk_create(links)


def _current_kind(employee: Employee) -> str:
    current = employee.assignments.order_by("-start", "-pk").first()
    return current.kind if current is not None else "definitive"


def _fix_superiors(moved: dict[int, Unit], work: Work, by: Actor, tag: str) -> None:
    """A position whose superior position is closed, or no longer in its unit or above it (its unit moved, or
    it moved), reports to the nearest head position in its unit or above it (or to nobody)."""
    condition = Q(pk__in=list(moved)) | Q(superior__in=list(moved)) | Q(superior__in=work.position_closes)
    for unit, _target in work.unit_moves:
        condition |= Q(unit__path__startswith=Unit.objects.get(pk=unit.pk).path)
    candidates = Position.objects.filter(condition, superior__isnull=False, is_active=True).select_related(
        "superior__unit", "unit"
    )
    for position in candidates:
        superior = position.superior
        assert superior is not None
        if (
            superior.is_active
            and position.unit.path.startswith(superior.unit.path)
            and superior.pk != position.pk
        ):
            continue
        prefixes = [
            position.unit.path[:n] for n in range(Unit.steplen, len(position.unit.path) + 1, Unit.steplen)
        ]
        head = (
            Position.objects.filter(unit__path__in=prefixes, is_head=True, is_active=True)
            .exclude(pk=position.pk)
            .order_by("-unit__depth")
            .first()
        )
        position.superior = head
        recorded(position, by, f"{tag}: {_('jabatan atasan disesuaikan')}")
        position.save()


# ---------------------------------------------------------------- reads for the pages


def reorganisations_for(user: Any) -> QuerySet[Reorganisation]:
    """Reorganisations whose scope unit the user administers, newest first."""
    return (
        Reorganisation.objects.filter(unit_filter(user, "unit__path", EDIT_ORG_ROLES))
        .select_related("unit", "by", "created_by")
        .prefetch_related("units__unit", "units__old_parent")
        .order_by("-effective_date", "-pk")
    )


@dataclass
class Lineage:
    """How a unit came about and how it ended, from applied reorganisations."""

    closed_by: Reorganisation | None = None
    successors: list[Unit] = field(default_factory=list)
    created_by: Reorganisation | None = None
    predecessors: list[Unit] = field(default_factory=list)
    moves: list[ReorganisationUnit] = field(default_factory=list)


def lineage_of(unit: Unit) -> Lineage:
    """The reorganisations that closed, created or moved `unit`, with the units on the other side (3 queries)."""
    lineage = Lineage()
    own = list(
        ReorganisationUnit.objects.filter(unit=unit, reorganisation__state=ReorganisationState.APPLIED)
        .select_related("reorganisation", "old_parent")
        .order_by("reorganisation__effective_date", "pk")
    )
    if not own:
        return lineage
    others = list(
        ReorganisationUnit.objects.filter(reorganisation__in={link.reorganisation_id for link in own})
        .exclude(unit=unit)
        .select_related("unit")
        .order_by("unit__path")
    )
    for link in own:
        related = [o for o in others if o.reorganisation_id == link.reorganisation_id]
        if link.role == ReorganisationRole.CLOSED:
            lineage.closed_by = link.reorganisation
            lineage.successors = [
                o.unit for o in related if o.role in (ReorganisationRole.CREATED, ReorganisationRole.KEPT)
            ]
        elif link.role in (ReorganisationRole.CREATED, ReorganisationRole.KEPT):
            closed = [o.unit for o in related if o.role == ReorganisationRole.CLOSED]
            if link.role == ReorganisationRole.CREATED or closed:
                lineage.created_by = link.reorganisation
                lineage.predecessors = closed
        elif link.role == ReorganisationRole.MOVED:
            lineage.moves.append(link)
    return lineage
