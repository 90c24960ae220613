"""The audit trail: who changed what and when, merged from the history tables, newest first (issue 11).

Reads only. Every source is one queryset of the same shape — `(at, source key, row pk)` — limited to the
viewer's audit reach and the filters; the sources are merged by one SQL `UNION ALL`, ordered by time and
sliced to the page window in the database. The rows of the page are then read once per source that
appears on it (the historical rows with the pk of their previous record, found by a subquery, and those
previous records), plus one query each for the units, people, periods and the pages to link to. A page
costs what it shows, whatever the size of the history.

Sources: simple_history's `Historical*` tables (units, positions, employees, role assignments, plan years,
strategy maps, objectives, KPIs, period targets, initiatives, risks, realizations), the map's state
changes (`planning.StateChange`), the realization's workflow steps (`reporting.WorkflowEvent`), period
closings (the open closing on `ReportingPeriod`, the undone ones on `PeriodReopen.closed_at`), reopenings
(`reporting.PeriodReopen`) and score snapshots (`reporting.ScoreSnapshot`).

Scope: a row belongs to a unit (the unit itself, the unit of a position, employee or role, the unit of the
map a planning or reporting object hangs from). The viewer sees the rows of the units their auditor or
administrator roles reach. Plan years and reporting periods are ministry-wide: their rows carry no unit,
and every viewer holding the permission sees them (as everyone sees the periods), unless a unit below
the root is chosen in the filter.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import connection, models
from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.accounts.models import Role, User
from kinerja.accounts.scope import Viewer, paths_for, unit_filter
from kinerja.organisations.models import Unit
from kinerja.reporting.models import LABEL_FORMAT, ReportingPeriod
from kinerja.scoring import display

AUDIT_ROLES = (Role.AUDITOR, Role.ADMIN)
PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
CHUNK = 500  # ids per `IN (...)`: below SQLite's limit on query parameters

# Bookkeeping columns a diff leaves out: they change with every save and say nothing new.
NOISE = frozenset({"created_at", "updated_at", "path", "depth", "numchild", "result"})


@dataclass(frozen=True)
class Source:
    """One table of the trail. `kind` is what the filter and the page call it (two sources may share one)."""

    key: str
    kind: str
    model: str  # "app.Model"
    at: str  # the time of the change
    by: str | None  # the user foreign key's attname path (None: not recorded)
    unit: str | None  # lookup to the unit's pk (None: ministry-wide)
    extra: dict[str, str] = field(default_factory=dict)  # more columns for the label: name → lookup
    where: Q = field(default_factory=Q)  # which rows of the table are events
    historical: bool = False


def _h(key: str, model: str, unit: str | None, **extra: str) -> Source:
    return Source(key, key, model, "history_date", "history_user_id", unit, extra, historical=True)


SOURCES: tuple[Source, ...] = (
    _h("unit", "organisations.HistoricalUnit", "id"),
    _h("position", "organisations.HistoricalPosition", "unit_id"),
    _h("employee", "organisations.HistoricalEmployee", "unit_id"),
    _h("role", "accounts.HistoricalRoleAssignment", "unit_id"),
    _h("plan_year", "planning.HistoricalPlanYear", None),
    _h("map", "planning.HistoricalStrategyMap", "unit_id", year="plan_year__year"),
    Source(
        "map_state",
        "map_state",
        "planning.StateChange",
        "at",
        "by_id",
        "map__unit_id",
        {"year": "map__plan_year__year"},
    ),
    _h("objective", "planning.HistoricalObjective", "map__unit_id", year="map__plan_year__year"),
    _h("kpi", "planning.HistoricalKpi", "objective__map__unit_id"),
    _h("target", "planning.HistoricalPeriodTarget", "kpi__objective__map__unit_id", kpi_code="kpi__code"),
    _h("initiative", "planning.HistoricalInitiative", "map__unit_id"),
    _h("risk", "planning.HistoricalRisk", "objective__map__unit_id"),
    _h(
        "realization", "reporting.HistoricalRealization", "kpi__objective__map__unit_id", kpi_code="kpi__code"
    ),
    Source(
        "workflow",
        "workflow",
        "reporting.WorkflowEvent",
        "at",
        "actor_id",
        "realization__kpi__objective__map__unit_id",
        {"kpi_code": "realization__kpi__code", "period_id": "realization__period_id"},
    ),
    Source(
        "period_close",
        "period_close",
        "reporting.ReportingPeriod",
        "closed_at",
        "closed_by_id",
        None,
        where=Q(closed_at__isnull=False),
    ),
    Source(  # an earlier closing, undone by a reopening: its time is kept, not who closed
        "period_close_undone",
        "period_close",
        "reporting.PeriodReopen",
        "closed_at",
        None,
        None,
        where=Q(closed_at__isnull=False),
    ),
    Source("period_reopen", "period_reopen", "reporting.PeriodReopen", "at", "by_id", None),
    Source(
        "snapshot",
        "snapshot",
        "reporting.ScoreSnapshot",
        "computed_at",
        "computed_by_id",
        "strategy_map__unit_id",
        {"year": "strategy_map__plan_year__year"},
    ),
)
BY_KEY = {s.key: s for s in SOURCES}

KINDS: dict[str, Promise] = {
    "unit": gettext_lazy("Unit organisasi"),
    "position": gettext_lazy("Jabatan"),
    "employee": gettext_lazy("Pegawai"),
    "role": gettext_lazy("Peran pengguna"),
    "plan_year": gettext_lazy("Tahun rencana"),
    "map": gettext_lazy("Peta strategi"),
    "map_state": gettext_lazy("Status peta strategi"),
    "objective": gettext_lazy("Sasaran strategis"),
    "kpi": gettext_lazy("IKU"),
    "target": gettext_lazy("Target periode"),
    "initiative": gettext_lazy("Inisiatif strategis"),
    "risk": gettext_lazy("Risiko"),
    "realization": gettext_lazy("Realisasi"),
    "workflow": gettext_lazy("Langkah alur kerja realisasi"),
    "period_close": gettext_lazy("Penutupan periode"),
    "period_reopen": gettext_lazy("Pembukaan kembali periode"),
    "snapshot": gettext_lazy("Potret skor"),
}


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class AuditFilter:
    unit: Unit | None = None  # the unit and its subtree
    person: str = ""  # a username, NIP or part of a name
    kind: str = ""  # a key of KINDS
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def may_audit(viewer: Viewer) -> bool:
    return bool(getattr(viewer, "is_authenticated", False) and viewer.has_perm("dashboards.view_audit"))


def units_in_reach(viewer: Viewer) -> QuerySet[Unit]:
    """The units whose trail the viewer reads (the choices of the unit filter), in tree order."""
    return Unit.objects.filter(unit_filter(viewer, "path", AUDIT_ROLES)).order_by("path")


def _is_root(unit: Unit) -> bool:
    return len(unit.path) == Unit.steplen


def _reaches_root(viewer: Viewer) -> bool:
    if getattr(viewer, "is_superuser", False) and getattr(viewer, "is_active", False):
        return True
    return any(len(p) == Unit.steplen for p in paths_for(viewer, AUDIT_ROLES))


def _people(person: str) -> QuerySet[Any]:
    person = person.strip()
    return User.objects.filter(
        Q(username__iexact=person) | Q(employee__nip=person) | Q(employee__name__icontains=person)
    ).values("pk")


def _start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _source_rows(source: Source, viewer: Viewer, filters: AuditFilter) -> QuerySet[Any] | None:
    """The source's events as `(a_at, a_src, a_pk)` within the viewer's reach and the filters (None: none)."""
    if filters.kind and source.kind != filters.kind:
        return None
    model = apps.get_model(source.model)
    rows = model._default_manager.filter(source.where).filter(**{f"{source.at}__isnull": False})
    if source.unit is None:
        if filters.unit is not None and not _is_root(filters.unit):
            return None
    else:
        if not (getattr(viewer, "is_superuser", False) and getattr(viewer, "is_active", False)):
            rows = rows.filter(**{f"{source.unit}__in": units_in_reach(viewer).values("pk")})
        if filters.unit is not None:
            subtree = Unit.objects.filter(path__startswith=filters.unit.path).values("pk")
            rows = rows.filter(**{f"{source.unit}__in": subtree})
    if filters.person:
        if source.by is None:
            return None
        rows = rows.filter(**{f"{source.by}__in": _people(filters.person)})
    if filters.date_from is not None:
        rows = rows.filter(**{f"{source.at}__gte": _start(filters.date_from)})
    if filters.date_to is not None:
        rows = rows.filter(**{f"{source.at}__lt": _start(filters.date_to + dt.timedelta(days=1))})
    pk = "history_id" if source.historical else "pk"
    return (
        rows.order_by()
        .annotate(a_at=F(source.at), a_src=Value(source.key, output_field=models.CharField()), a_pk=F(pk))
        .values_list("a_at", "a_src", "a_pk")
    )


NEWEST = ("-a_at", "-a_src", "-a_pk")


def _merged(viewer: Viewer, filters: AuditFilter, keep: int | None = None) -> QuerySet[Any] | None:
    """All sources as one UNION ALL, newest first (None: no source can have a row).

    `keep`: only the newest `keep` rows will be read. Where the database allows a limit inside a UNION
    (PostgreSQL), each source then gives its own newest `keep` (read backwards from its `history_date` index)
    and only those are merged and sorted: the ministry's history — a million rows over eighteen tables — was
    sorted whole for a page of 50 (0.55 s). The newest `keep` of all are among them."""
    parts = [q for s in SOURCES if (q := _source_rows(s, viewer, filters)) is not None]
    if not parts:
        return None
    if keep is not None and len(parts) > 1 and connection.features.supports_slicing_ordering_in_compound:
        parts = [part.order_by(*NEWEST)[:keep] for part in parts]
    first, *rest = parts
    merged = first.union(*rest, all=True) if rest else first
    return merged.order_by(*NEWEST)


# --------------------------------------------------------------------------- rows


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class AuditRow:
    at: dt.datetime
    kind: str
    kind_label: str
    action: str  # "Dibuat", "Diubah", "Dihapus", or the workflow step
    object_label: str
    url: str | None = None
    user: User | None = None
    changes: list[Change] = field(default_factory=list)
    note: str = ""  # the step from → to, the reason, the NKO of a snapshot
    unit: Unit | None = None
    unit_id: int | None = None
    # read from the row, resolved in one go for the page
    _links: tuple[str, Any] | None = None
    _user_id: int | None = None
    _period_id: int | None = None

    @property
    def who(self) -> str:
        if self.user is None:
            return _("sistem") if self._user_id is None else f"#{self._user_id}"
        return _person(self.user)

    @property
    def nip(self) -> str:
        employee = getattr(self.user, "employee", None) if self.user is not None else None
        return employee.nip if employee is not None else ""

    @property
    def unit_label(self) -> str:
        if self.unit is not None:
            return self.unit.code
        return _("seluruh kementerian") if self.unit_id is None else f"#{self.unit_id}"


@dataclass
class AuditPage:
    rows: list[AuditRow]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def _person(user: User) -> str:
    employee = getattr(user, "employee", None)
    return employee.name if employee is not None else (user.get_full_name() or user.username)


def page(viewer: Viewer, filters: AuditFilter, number: int = 1, size: int = PAGE_SIZE) -> AuditPage:
    """The page `number` (from 1) of the trail, `size` rows, newest first."""
    number = max(1, number)
    start = (number - 1) * size
    merged = _merged(viewer, filters, keep=start + size + 1)
    if merged is None:
        return AuditPage([], number, False)
    keys = list(merged[start : start + size + 1])
    return AuditPage(_rows(keys[:size]), number, len(keys) > size)


def export_rows(
    viewer: Viewer, filters: AuditFilter, limit: int = EXPORT_LIMIT
) -> tuple[list[AuditRow], bool]:
    """At most `limit` rows for a download, newest first, and whether more were left out."""
    merged = _merged(viewer, filters, keep=limit + 1)
    if merged is None:
        return [], False
    keys = list(merged[: limit + 1])
    return _rows(keys[:limit]), len(keys) > limit


def _chunks(ids: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _rows(keys: Iterable[tuple[dt.datetime, str, int]]) -> list[AuditRow]:
    """The page's `(at, source, pk)` keys read as rows, in the same order."""
    keys = list(keys)
    by_source: dict[str, list[int]] = defaultdict(list)
    for _at, key, pk in keys:
        by_source[key].append(pk)
    built: dict[tuple[str, int], AuditRow] = {}
    for key, pks in by_source.items():
        source = BY_KEY[key]
        for chunk in _chunks(pks):
            for pk, row in _read(source, chunk):
                built[(key, pk)] = row
    rows = [built[(key, pk)] for _at, key, pk in keys if (key, pk) in built]
    _resolve(rows)
    return rows


def _read(source: Source, pks: Sequence[int]) -> Iterator[tuple[int, AuditRow]]:
    model = apps.get_model(source.model)
    annotations: dict[str, Any] = {f"x_{name}": F(lookup) for name, lookup in source.extra.items()}
    if source.unit is not None:
        annotations["x_unit"] = F(source.unit)
    if source.historical:
        previous = (
            model._default_manager.filter(id=OuterRef("id"), history_date__lt=OuterRef("history_date"))
            .order_by("-history_date", "-history_id")
            .values("history_id")[:1]
        )
        records = list(
            model._default_manager.filter(history_id__in=pks).annotate(
                x_prev=Subquery(previous), **annotations
            )
        )
        prev_ids = [r.x_prev for r in records if r.x_prev is not None]
        previous_records = {
            p.history_id: p
            for chunk in _chunks(prev_ids)
            for p in model._default_manager.filter(history_id__in=chunk)
        }
        for record in records:
            yield record.history_id, _historical_row(source, record, previous_records.get(record.x_prev))
        return
    for obj in model._default_manager.filter(pk__in=pks).annotate(**annotations):
        yield obj.pk, _event_row(source, obj)


ACTIONS = {"+": gettext_lazy("Dibuat"), "~": gettext_lazy("Diubah"), "-": gettext_lazy("Dihapus")}


def _historical_row(source: Source, record: Any, previous: Any) -> AuditRow:
    row = AuditRow(
        at=record.history_date,
        kind=source.kind,
        kind_label=str(KINDS[source.kind]),
        action=str(ACTIONS.get(record.history_type, record.history_type)),
        object_label=_label(source, record),
        unit_id=getattr(record, "x_unit", None),
        _user_id=record.history_user_id,
        _links=_link(source, record),
    )
    if record.history_type == "~" and previous is not None:
        row.changes = _diff(record, previous)
    if source.kind == "realization":
        row._period_id = record.period_id
    if record.history_change_reason:
        row.note = record.history_change_reason
    return row


def _diff(record: Any, previous: Any) -> list[Change]:
    """The fields that changed since the previous record, as simple_history's diff finds them."""
    tracked = record.instance_type
    m2m = {f.name for f in getattr(record, "_history_m2m_fields", ())}
    skip = NOISE | m2m | {f.name for f in tracked._meta.fields if f.name not in _field_names(record)}
    delta = record.diff_against(previous, excluded_fields=sorted(skip))
    changes = []
    for change in delta.changes:
        model_field = tracked._meta.get_field(change.field)
        changes.append(
            Change(
                str(getattr(model_field, "verbose_name", change.field)),
                _shown(model_field, change.old),
                _shown(model_field, change.new),
            )
        )
    return changes


def _field_names(record: Any) -> set[str]:
    return {f.name for f in record._meta.fields}


def _shown(model_field: Any, value: Any) -> str:
    if value is None or value == "":
        return "–"
    choices = dict(getattr(model_field, "flatchoices", None) or ())
    if value in choices:
        return str(choices[value])
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(model_field, models.ForeignKey):
        return f"#{value}"
    return str(value)


def _label(source: Source, record: Any) -> str:
    """The object as the trail names it, from the row itself (so a deleted object keeps its name)."""
    kind = source.kind
    if kind == "unit":
        return f"{record.code} — {record.name_id}"
    if kind == "position":
        return f"{record.code} — {record.title_id}"
    if kind == "employee":
        return f"{record.name} ({record.nip})"
    if kind == "role":
        return f"{record.get_role_display()} · #{record.user_id}"  # the user's name is resolved later
    if kind == "plan_year":
        return str(record.year)
    if kind == "map":
        return f"{getattr(record, 'x_year', '')}"
    if kind in ("objective", "kpi", "initiative"):
        return f"{record.code} {record.name_id}"
    if kind == "risk":
        return f"{record.code} {record.description[:80]}"
    if kind == "target":
        return f"{getattr(record, 'x_kpi_code', '')} · {_('periode ke')} {record.period}: {record.target.normalize():f}"
    if kind == "realization":
        return f"{getattr(record, 'x_kpi_code', '')}"
    return str(record)


def _link(source: Source, record: Any) -> tuple[str, Any] | None:
    """What the row links to, as (live model, pk), resolved for the page in one query per model."""
    kind = source.kind
    if kind == "unit":
        return ("unit", record.id)
    if kind in ("position", "role"):
        return ("unit", record.unit_id)
    if kind == "employee":
        return ("employee", record.id)
    if kind == "map":
        return ("map", record.id)
    if kind in ("objective", "initiative"):
        return ("map", record.map_id)
    if kind == "kpi":
        return ("kpi", record.id)
    if kind == "target":
        return ("kpi", record.kpi_id)
    if kind == "realization":
        return ("realization", record.id)
    if kind == "risk":
        return ("objective", record.objective_id)
    return None


STEPS = {
    ("draft", "submitted"): gettext_lazy("Diajukan"),
    ("submitted", "verified"): gettext_lazy("Diverifikasi"),
    ("verified", "approved"): gettext_lazy("Disetujui"),
    ("submitted", "approved"): gettext_lazy("Disetujui"),
    ("draft", "approved"): gettext_lazy("Disetujui"),
}


def _event_row(source: Source, obj: Any) -> AuditRow:
    kind = source.kind
    row = AuditRow(
        at=getattr(obj, source.at),
        kind=kind,
        kind_label=str(KINDS[kind]),
        action="",
        object_label="",
        unit_id=getattr(obj, "x_unit", None),
        _user_id=getattr(obj, source.by) if source.by else None,
    )
    if kind == "workflow":
        step = STEPS.get((obj.from_state, obj.to_state))
        if step is None:
            step = gettext_lazy("Dikembalikan") if obj.to_state == "draft" else obj.get_to_state_display()
        row.action = str(step)
        row.object_label = getattr(obj, "x_kpi_code", "")
        row._period_id = getattr(obj, "x_period_id", None)
        row.note = _step(obj.get_from_state_display(), obj.get_to_state_display(), obj.reason)
        row._links = ("realization", obj.realization_id)
    elif kind == "map_state":
        row.action = str(obj.get_to_state_display())
        row.object_label = f"{getattr(obj, 'x_year', '')} · {_('revisi ke')} {obj.revision}"
        from_label = obj.get_from_state_display() if obj.from_state else "–"
        row.note = _step(from_label, obj.get_to_state_display(), obj.reason)
        row._links = ("map", obj.map_id)
    elif kind == "period_close":
        row.action = str(gettext_lazy("Ditutup"))
        row._period_id = obj.pk if source.key == "period_close" else obj.period_id
        if source.key == "period_close_undone":
            row.note = _("kemudian dibuka kembali")
    elif kind == "period_reopen":
        row.action = str(gettext_lazy("Dibuka kembali"))
        row._period_id = obj.period_id
        row.note = _("Alasan: %(reason)s") % {"reason": obj.reason}
    elif kind == "snapshot":
        row.action = str(gettext_lazy("Dihitung"))
        row.object_label = f"{getattr(obj, 'x_year', '')}"
        row._period_id = obj.period_id
        nko = "–" if obj.nko is None else f"{display(obj.nko)}"
        parts = [_("NKO %(nko)s") % {"nko": nko}]
        if obj.predicate:
            parts.append(obj.predicate)
        if obj.final:
            parts.append(_("final"))
        if obj.trigger:
            parts.append(_("pemicu: %(trigger)s") % {"trigger": obj.trigger})
        row.note = " · ".join(parts)
        row._links = ("map", obj.strategy_map_id)
    return row


def _step(from_label: str, to_label: str, reason: str) -> str:
    text = f"{from_label} → {to_label}"
    return f"{text} · {_('Alasan: %(reason)s') % {'reason': reason}}" if reason else text


def _period_label(period: ReportingPeriod) -> str:
    return LABEL_FORMAT[period.frequency].format(year=period.start.year, n=period.number)  # type: ignore[index]


def _resolve(rows: list[AuditRow]) -> None:
    """Fill in the units, people, periods and links of the rows: one query for each, whatever the count."""
    unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
    links: dict[str, set[Any]] = defaultdict(set)
    for r in rows:
        if r._links is not None and r._links[1] is not None:
            links[r._links[0]].add(r._links[1])
    unit_ids |= links.get("unit", set())
    role_users = {
        int(r.object_label.rsplit("#", 1)[1]) for r in rows if r.kind == "role" and "#" in r.object_label
    }
    user_ids = {r._user_id for r in rows if r._user_id is not None} | role_users
    period_ids = {r._period_id for r in rows if r._period_id is not None}

    units = {u.pk: u for chunk in _chunks(sorted(unit_ids)) for u in Unit.objects.filter(pk__in=chunk)}
    users = {
        u.pk: u
        for chunk in _chunks(sorted(user_ids))
        for u in User.objects.filter(pk__in=chunk).select_related("employee")
    }
    periods = {
        p.pk: p for chunk in _chunks(sorted(period_ids)) for p in ReportingPeriod.objects.filter(pk__in=chunk)
    }
    live: dict[str, dict[Any, str]] = {
        "unit": {pk: reverse("organisations:unit-detail", args=[u.code]) for pk, u in units.items()}
    }
    lookups = {
        "employee": ("organisations.Employee", "nip", "organisations:employee-detail"),
        "map": ("planning.StrategyMap", "pk", "strategy:map"),
        "objective": ("planning.Objective", "map_id", "strategy:map"),
        "kpi": ("planning.Kpi", "pk", "kpis:kpi"),
        "realization": ("reporting.Realization", "pk", "reporting:realization"),
    }
    for name, (model_name, arg, url_name) in lookups.items():
        ids = sorted(links.get(name, set()))
        if not ids:
            continue
        model = apps.get_model(model_name)
        live[name] = {
            pk: reverse(url_name, args=[value])
            for chunk in _chunks(ids)
            for pk, value in model._default_manager.filter(pk__in=chunk).values_list("pk", arg)
        }
    for r in rows:
        r.unit = units.get(r.unit_id) if r.unit_id is not None else None
        r.user = users.get(r._user_id) if r._user_id is not None else None
        if r._links is not None:
            r.url = live.get(r._links[0], {}).get(r._links[1])
        if r.kind == "role" and "#" in r.object_label:
            head, user_id = r.object_label.rsplit("#", 1)
            holder = users.get(int(user_id))
            r.object_label = head + (f"{_person(holder)}" if holder is not None else f"#{user_id}")
        if r.kind in ("map", "map_state", "snapshot") and r.unit is not None:
            r.object_label = f"{r.unit.code} {r.object_label}"
        if r._period_id is not None:
            period = periods.get(r._period_id)
            label = _period_label(period) if period is not None else f"#{r._period_id}"
            r.object_label = f"{r.object_label} · {label}" if r.object_label else label
