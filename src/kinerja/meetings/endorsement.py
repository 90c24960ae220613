"""NKO endorsement (issue 14 item 6): reads shared by the pages, the API and the dashboards, and the writes.

Reads
* `year_end_period(plan_year)` — the period whose snapshot is the year's final NKO (the yearly period; without
  one, the last period to end, the longest of those).
* `case_for(unit, year)` — everything the endorse page needs: the unit's map of the year, the year-end period,
  its current snapshot, the endorsement in force (or prepared, or reopened), the history, and the rule 26
  warnings (the snapshot not complete, not final, stale; periods of the year still open).
* `endorsement_list(user, year)` — the year's map owners in reach with their status (endorsed, prepared,
  reopened, pending) and the unit that endorses each, plus units with only an entered figure; a fixed number of
  queries.
* `endorsed_by_unit(unit_ids, year)` — {unit id: endorsement in force} in one query (dashboards, ranking, the
  scorecard headline).

Writes (one transaction each, permission first)
* `prepare` — the performance manager prepares the endorsement (a note; the figure is taken at endorsement).
* `endorse` — the leader of the level above endorses the current year-end figure; on incomplete data (rule 26)
  only with `acknowledge=True`. The figure is copied and frozen.
* `reopen` — a revision with a reason: the endorsement becomes `reopened` (its figure and history kept); a new
  endorsement later supersedes it.
* `enter` — an administrator enters the endorsed figure of a past year known only as a number (with a reason).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import endorsing_unit, ensure
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.history import Actor, author, recorded
from kinerja.organisations.models import Unit
from kinerja.planning.models import REPORTABLE_MAP_STATES, Frequency, PlanYear, StrategyMap
from kinerja.reporting import selectors as reporting
from kinerja.reporting.models import PeriodState, ReportingPeriod, ScoreSnapshot
from kinerja.scoring import RULE_SETS, get_rule_set

from .models import EndorsementSource, EndorsementState, IncompleteReason, NkoEndorsement

__all__ = [
    "Case",
    "ListRow",
    "case_for",
    "endorse",
    "endorsed_by_unit",
    "endorsement_list",
    "enter",
    "prepare",
    "reopen",
    "year_end_period",
]

NKO_MAX = Decimal(200)  # a sanity bound for an entered figure (the rule sets cap indices well below it)


# --------------------------------------------------------------------------- reads


def year_end_period(plan_year: PlanYear | int) -> ReportingPeriod | None:
    """The period whose snapshot is the year's final NKO: the yearly period, else the last to end (longest)."""
    return pick_year_end(
        list(ReportingPeriod.objects.filter(plan_year=plan_year).select_related("plan_year"))
    )


def pick_year_end(periods: Sequence[ReportingPeriod]) -> ReportingPeriod | None:
    """`year_end_period` among periods already read (all of one plan year)."""
    if not periods:
        return None
    yearly = [p for p in periods if p.frequency == Frequency.YEARLY]
    if yearly:
        return yearly[0]
    return max(periods, key=lambda p: (p.end, -(p.start.toordinal())))


def _map_of(unit: Unit, year: int) -> StrategyMap | None:
    return (
        StrategyMap.objects.filter(unit=unit, plan_year__year=year, state__in=list(REPORTABLE_MAP_STATES))
        .select_related("unit", "plan_year")
        .first()
    )


@dataclass
class Case:
    """A unit's year as the endorse page shows it."""

    unit: Unit
    year: int
    strategy_map: StrategyMap | None
    period: ReportingPeriod | None
    snapshot: ScoreSnapshot | None
    history: list[NkoEndorsement]
    open_periods: list[ReportingPeriod] = field(default_factory=list)
    stale: bool = False
    endorser: Unit | None = None

    @property
    def current(self) -> NkoEndorsement | None:
        """The newest endorsement row of the unit and year (in force, prepared or reopened)."""
        return self.history[0] if self.history else None

    @property
    def endorsed(self) -> NkoEndorsement | None:
        current = self.current
        return current if current is not None and current.is_endorsed else None

    @property
    def prepared(self) -> NkoEndorsement | None:
        current = self.current
        return current if current is not None and current.state == EndorsementState.PREPARED else None

    @property
    def status(self) -> str:
        return self.current.state if self.current is not None else "pending"

    @property
    def warnings(self) -> list[str]:
        """Rule 26: why endorsing now would endorse incomplete data (codes of `IncompleteReason`)."""
        found: list[str] = []
        snapshot = self.snapshot
        if snapshot is None:
            return found
        if not snapshot.complete:
            found.append(IncompleteReason.SNAPSHOT_INCOMPLETE.value)
        if self.open_periods:
            found.append(IncompleteReason.PERIODS_OPEN.value)
        if not snapshot.final:
            found.append(IncompleteReason.NOT_FINAL.value)
        if self.stale:
            found.append(IncompleteReason.STALE.value)
        return found

    @property
    def warning_labels(self) -> list[str]:
        known = dict(IncompleteReason.choices)
        return [str(known[c]) for c in self.warnings]

    @property
    def blocker(self) -> str:
        """Why the figure cannot be endorsed at all ("" when it can)."""
        if self.endorsed is not None:
            return _("NKO tahun ini sudah disahkan; buka kembali dengan alasan untuk merevisinya.")
        if self.strategy_map is None:
            return _("Unit ini tidak memiliki peta strategi yang disetujui untuk tahun ini.")
        if self.period is None:
            return _("Tahun ini belum memiliki periode pelaporan.")
        if self.snapshot is None:
            return _("NKO akhir tahun belum dihitung.")
        if self.snapshot.nko is None or self.snapshot.has_errors:
            return _("NKO akhir tahun tidak tersedia (N/A): tidak ada angka untuk disahkan.")
        return ""

    @property
    def missing(self) -> list[str]:
        return list((self.snapshot.result or {}).get("missing", [])) if self.snapshot is not None else []


def case_for(unit: Unit, year: int) -> Case:
    strategy_map = _map_of(unit, year)
    period = year_end_period(strategy_map.plan_year) if strategy_map is not None else None
    snapshot = reporting.latest_snapshot(strategy_map, period) if strategy_map and period else None
    history = list(
        NkoEndorsement.objects.filter(unit=unit, year=year)
        .select_related("snapshot", "period", "endorsed_by", "prepared_by", "reopened_by", "supersedes")
        .order_by("-created_at", "-pk")
    )
    case = Case(unit, year, strategy_map, period, snapshot, history, endorser=endorsing_unit(unit))
    if strategy_map is not None:
        case.open_periods = list(
            ReportingPeriod.objects.filter(plan_year=strategy_map.plan_year, state=PeriodState.OPEN)
        )
    if snapshot is not None:
        case.stale = reporting.staleness(snapshot).stale
    return case


def endorsed_by_unit(unit_ids: Iterable[int], year: int) -> dict[int, NkoEndorsement]:
    """{unit id: the endorsement in force} for the year, one query."""
    ids = list(unit_ids)
    if not ids:
        return {}
    rows = NkoEndorsement.objects.filter(unit_id__in=ids, year=year, state=EndorsementState.ENDORSED)
    return {e.unit_id: e for e in rows.select_related("endorsed_by")}


def endorsement_for_snapshot(snapshot: ScoreSnapshot) -> NkoEndorsement | None:
    """The endorsement in force of the snapshot's unit and year when the snapshot is of the year-end period
    (the reporting scorecard's headline asks through `kinerja.reporting.signals`)."""
    period = snapshot.period
    end = year_end_period(period.plan_year_id)
    if end is None or end.pk != period.pk:
        return None
    return (
        NkoEndorsement.objects.filter(
            unit_id=snapshot.strategy_map.unit_id, year=period.plan_year.year, state=EndorsementState.ENDORSED
        )
        .select_related("endorsed_by")
        .first()
    )


@dataclass
class ListRow:
    unit: Unit
    strategy_map: StrategyMap | None
    snapshot_nko: Decimal | None
    snapshot_complete: bool
    has_snapshot: bool
    endorsement: NkoEndorsement | None
    endorser: Unit | None

    @property
    def status(self) -> str:
        return self.endorsement.state if self.endorsement is not None else "pending"

    @property
    def status_label(self) -> str:
        if self.endorsement is None:
            return _("Belum disahkan")
        return str(EndorsementState(self.endorsement.state).label)


@dataclass
class EndorsementList:
    years: list[int]
    year: int | None
    rows: list[ListRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def counts(self) -> dict[str, int]:
        return {s: self.count(s) for s in ("endorsed", "prepared", "reopened", "pending")}


def years_for(user: Viewer) -> list[int]:
    years = set(reporting.reporting_maps_for(user).order_by().values_list("plan_year__year", flat=True))
    years |= set(
        NkoEndorsement.objects.filter(unit_filter(user, "unit__path"))
        .order_by()
        .values_list("year", flat=True)
    )
    return sorted(years, reverse=True)


def _endorsers(units: Sequence[Unit]) -> dict[int, Unit | None]:
    """{unit id: its endorsing unit}, one query for all their ancestors."""
    step = Unit.steplen
    prefixes = {u.path[:end] for u in units for end in range(step, len(u.path), step)}
    ancestors = {a.path: a for a in Unit.objects.filter(path__in=prefixes)}
    found: dict[int, Unit | None] = {}
    for unit in units:
        chain = [
            ancestors[p] for p in (unit.path[:e] for e in range(step, len(unit.path), step)) if p in ancestors
        ]
        chain.reverse()  # nearest first
        found[unit.pk] = next((a for a in chain if a.owns_map), chain[0] if chain else None)
    return found


def endorsement_list(
    user: Viewer, year: int | None = None, *, today: dt.date | None = None
) -> EndorsementList:
    """The year's map owners in reach (and units with an entered figure), each with its endorsement status."""
    day = today or timezone.localdate()
    years = years_for(user)
    if year not in years:
        year = (day.year - 1) if (day.year - 1) in years else (years[0] if years else None)
    if year is None:
        return EndorsementList(years, None, [])
    maps = list(reporting.reporting_maps_for(user, year).select_related("unit", "plan_year"))
    rows_by_unit: dict[int, NkoEndorsement] = {}
    for e in (
        NkoEndorsement.objects.filter(unit_filter(user, "unit__path"), year=year)
        .select_related("unit", "endorsed_by", "prepared_by", "reopened_by")
        .order_by("unit_id", "-created_at", "-pk")
    ):
        rows_by_unit.setdefault(e.unit_id, e)
    period = year_end_period(maps[0].plan_year) if maps else None
    heads: dict[int, tuple[Decimal | None, bool]] = {}
    if period is not None:
        for map_id, nko, complete in (
            ScoreSnapshot.objects.filter(strategy_map__in=maps, period=period)
            .order_by("strategy_map_id", "-computed_at", "-pk")
            .values_list("strategy_map_id", "nko", "complete")
        ):
            heads.setdefault(map_id, (nko, complete))
    units: dict[int, tuple[Unit, StrategyMap | None]] = {m.unit_id: (m.unit, m) for m in maps}
    for unit_id, e in rows_by_unit.items():
        units.setdefault(unit_id, (e.unit, None))
    endorsers = _endorsers([u for u, _m in units.values()])
    rows = []
    for unit, strategy_map in sorted(units.values(), key=lambda pair: pair[0].path):
        head = heads.get(strategy_map.pk) if strategy_map is not None else None
        rows.append(
            ListRow(
                unit=unit,
                strategy_map=strategy_map,
                snapshot_nko=head[0] if head else None,
                snapshot_complete=bool(head and head[1]),
                has_snapshot=head is not None,
                endorsement=rows_by_unit.get(unit.pk),
                endorser=endorsers.get(unit.pk),
            )
        )
    return EndorsementList(years, year, rows)


def endorsement_visible(user: Viewer, pk: int) -> NkoEndorsement | None:
    found = (
        NkoEndorsement.objects.filter(unit_filter(user, "unit__path"), pk=pk)
        .select_related("unit", "snapshot", "period", "endorsed_by", "prepared_by", "reopened_by")
        .first()
    )
    if found is None or not user.has_perm("meetings.view_nkoendorsement", found):
        return None
    return found


def endorsements_visible(user: Viewer) -> QuerySet[NkoEndorsement]:
    return (
        NkoEndorsement.objects.filter(unit_filter(user, "unit__path"))
        .select_related("unit", "snapshot", "period", "endorsed_by", "prepared_by", "reopened_by")
        .order_by("-year", "unit__path", "-created_at", "-pk")
    )


# --------------------------------------------------------------------------- writes


def _who(by: Actor) -> tuple[str, str]:
    """The endorser's name and position as printed (the employee linked to the user, else the user)."""
    if by is None:
        return "", ""
    employee = getattr(by, "employee", None)
    if employee is not None:
        position = getattr(employee, "position", None)
        return employee.name, (position.title if position is not None else "")
    full = getattr(by, "get_full_name", lambda: "")() or str(getattr(by, "username", ""))
    return full, ""


def _stamp_history(endorsement: NkoEndorsement, by: Actor, reason: str) -> NkoEndorsement:
    return recorded(endorsement, by, reason)


def prepare(*, unit: Unit, year: int, by: Actor, note: str = "") -> NkoEndorsement:
    """The performance manager prepares the endorsement of the unit's year-end NKO (the figure is taken when
    it is endorsed). Refused when there is nothing to endorse or it is already endorsed."""
    ensure(by, "meetings.prepare_nkoendorsement", unit)
    with transaction.atomic():
        case = case_for(unit, year)
        if case.blocker:
            raise ValidationError({"__all__": case.blocker})
        endorsement = case.prepared or NkoEndorsement(
            unit=unit, year=year, supersedes=_reopened_to_supersede(case)
        )
        endorsement.strategy_map = case.strategy_map
        endorsement.period = case.period
        endorsement.snapshot = case.snapshot
        endorsement.note = note.strip()
        endorsement.state = EndorsementState.PREPARED
        endorsement.prepared_by = author(by)
        endorsement.prepared_at = timezone.now()
        _stamp_history(endorsement, by, _("disiapkan"))
        _save(endorsement)
        return endorsement


def _reopened_to_supersede(case: Case) -> NkoEndorsement | None:
    current = case.current
    return current if current is not None and current.state == EndorsementState.REOPENED else None


def _save(endorsement: NkoEndorsement) -> None:
    try:
        with transaction.atomic():
            endorsement.save()
    except IntegrityError as error:  # two people at once: the other endorsement stands
        raise ValidationError(
            {"__all__": _("Unit dan tahun ini sudah memiliki pengesahan yang berlaku.")}
        ) from error


def endorse(*, unit: Unit, year: int, by: Actor, acknowledge: bool = False, note: str = "") -> NkoEndorsement:
    """Endorse the unit's current year-end NKO (leader of the level above, or an administrator).

    Rule 26: when the snapshot is not complete or final, is stale, or periods of the year are still open, the
    endorsement needs `acknowledge=True` and records what was incomplete. The figure is copied and frozen.
    """
    ensure(by, "meetings.endorse_nkoendorsement", unit)
    with transaction.atomic():
        case = case_for(unit, year)
        if case.blocker:
            raise ValidationError({"__all__": case.blocker})
        warnings = case.warnings
        if warnings and not acknowledge:
            raise ValidationError(
                {
                    "acknowledge": _(
                        "Data belum lengkap (aturan 26): %(what)s. Centang pernyataan bahwa Anda mengesahkan "
                        "NKO dengan data belum lengkap."
                    )
                    % {"what": "; ".join(case.warning_labels)}
                }
            )
        snapshot = case.snapshot
        assert snapshot is not None  # the blocker says so
        endorsement = case.prepared or NkoEndorsement(
            unit=unit, year=year, supersedes=_reopened_to_supersede(case)
        )
        name, title = _who(by)
        endorsement.strategy_map = case.strategy_map
        endorsement.period = case.period
        endorsement.snapshot = snapshot
        endorsement.source = EndorsementSource.COMPUTED
        endorsement.nko = snapshot.nko
        endorsement.predicate = snapshot.predicate
        endorsement.complete = snapshot.complete
        endorsement.rule_set = snapshot.rule_set
        endorsement.incomplete = warnings
        endorsement.acknowledged = bool(warnings)
        if note.strip():
            endorsement.note = "\n".join(filter(None, [endorsement.note, note.strip()]))
        endorsement.state = EndorsementState.ENDORSED
        endorsement.endorsed_by = author(by)
        endorsement.endorsed_at = timezone.now()
        endorsement.endorser_name, endorsement.endorser_title = name, title
        _stamp_history(endorsement, by, _("disahkan"))
        _save(endorsement)
        return endorsement


def reopen(*, endorsement: NkoEndorsement, by: Actor, reason: str) -> NkoEndorsement:
    """A revision: the endorsed figure is reopened with a reason (kept, with its history); a new endorsement
    later supersedes it."""
    ensure(by, "meetings.reopen_nkoendorsement", endorsement)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan pembukaan kembali wajib diisi.")})
    with transaction.atomic():
        locked = NkoEndorsement.objects.select_for_update().get(pk=endorsement.pk)
        if locked.state != EndorsementState.ENDORSED:
            raise ValidationError({"__all__": _("Hanya NKO yang sudah disahkan yang dapat dibuka kembali.")})
        locked.state = EndorsementState.REOPENED
        locked.reopen_reason = reason
        locked.reopened_by = author(by)
        locked.reopened_at = timezone.now()
        _stamp_history(locked, by, reason)
        locked.save()
        return locked


def _decimal(value: Any, name: str) -> Decimal:
    try:
        number = Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, AttributeError) as error:
        raise ValidationError({name: _("Masukkan angka, misalnya 98,75.")}) from error
    if not number.is_finite():
        raise ValidationError({name: _("Masukkan angka, misalnya 98,75.")})
    return number


def enter(
    *,
    unit: Unit,
    year: int,
    nko: Any,
    reason: str,
    by: Actor,
    rule_set: str = "",
    predicate: str = "",
    endorser_name: str = "",
    endorser_title: str = "",
    endorsed_on: dt.date | None = None,
) -> NkoEndorsement:
    """An administrator enters the endorsed NKO of a past year known only as a figure (source "entered").

    Refused when the unit has a computed year-end figure for that year (endorse that one instead), when a
    figure is in force already, without a reason, or with an NKO outside 0–200.
    """
    ensure(by, "meetings.enter_nkoendorsement", unit)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Alasan wajib diisi (mengapa angka dimasukkan langsung).")
    try:
        value = _decimal(nko, "nko")
        if value < 0 or value > NKO_MAX:
            errors["nko"] = _("NKO harus antara 0 dan %(max)s.") % {"max": NKO_MAX}
    except ValidationError as error:
        errors.update({k: str(v[0]) for k, v in error.message_dict.items()})
        value = Decimal(0)
    if not (1990 <= year <= timezone.localdate().year):
        errors["year"] = _("Tahun harus tahun yang sudah berjalan.")
    plan_year = PlanYear.objects.filter(year=year).first()
    code = (rule_set or (plan_year.rule_set if plan_year is not None else "")).strip()
    if code not in RULE_SETS:
        errors["rule_set"] = _("Pilih aturan penilaian yang dikenal.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        case = case_for(unit, year)
        if case.endorsed is not None:
            raise ValidationError({"__all__": _("NKO tahun ini sudah disahkan; buka kembali dahulu.")})
        if case.snapshot is not None and case.snapshot.nko is not None:
            raise ValidationError(
                {"__all__": _("Unit ini memiliki NKO akhir tahun yang dihitung: sahkan angka itu.")}
            )
        rules = get_rule_set(code)
        chosen_predicate = predicate.strip() or rules.nko_predicates.value.classify(value)
        endorsement = case.prepared or NkoEndorsement(
            unit=unit, year=year, supersedes=_reopened_to_supersede(case)
        )
        endorsement.source = EndorsementSource.ENTERED
        endorsement.strategy_map = case.strategy_map
        endorsement.period = case.period
        endorsement.snapshot = None
        endorsement.nko = value
        endorsement.predicate = chosen_predicate
        endorsement.complete = True
        endorsement.rule_set = code
        endorsement.reason = reason
        endorsement.state = EndorsementState.ENDORSED
        endorsement.endorsed_by = author(by)
        when = endorsed_on or timezone.localdate()
        endorsement.endorsed_at = timezone.make_aware(dt.datetime.combine(when, dt.time(12)))
        name, title = _who(by)
        endorsement.endorser_name = endorser_name.strip() or name
        endorsement.endorser_title = endorser_title.strip() or title
        _stamp_history(endorsement, by, reason)
        _save(endorsement)
        return endorsement
