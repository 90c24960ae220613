"""Bringing a closed past year in (issue 15 item 5): plan year, strategy map, targets and approved realizations.

A ministry that starts with Kinerja has years behind it: last year's maps, targets and scores, which the
year-on-year comparisons and the 2026 contract-quality factor K3 (last year's target and realization,
`scoring.md` §7.2) need from the first day. `import_history` brings one year in for an administrator, with a
reason, in ONE transaction (all or nothing; a dry run rolls everything back and reports what would happen):

1. `prepare_past_year` — the plan year (in the Renstra period covering it, created when missing) and its
   reporting periods; periods created here are closed at once. A past year whose periods are still open is
   refused: the ordinary imports serve it.
2. With a workbook and a unit: the unit's map of the year (created when missing; an approved one opened for a
   recorded revision with the reason), filled by the planning workbook import (`planning.workbook.import_map`,
   its own checks), then approved as it was back then (refused while a block finding remains), the approval
   recorded with the reason.
3. With a realization file: `import_realizations` in the historical mode (`Historical`): into the closed
   periods only, written approved, each with a workflow step and a history row carrying the reason.
4. The final snapshots of every closed period of the year are stored again for the maps touched; the periods
   stay closed.
5. A `HistoricalImport` records who, when, why, the files, the periods and the counts; the history rows of
   every objective, KPI, period target and realization written carry the reason.

Rule 23 still holds for everybody else: only this explicit mode, for `reporting.import_history`
(administrators), writes into a closed period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import HISTORY_REASON_MAX, Actor, author, recorded
from kinerja.organisations.models import Unit
from kinerja.planning import services as planning_services
from kinerja.planning import validation, workbook
from kinerja.planning.models import (
    EDITABLE_STATES,
    Frequency,
    Kpi,
    MapState,
    Objective,
    PeriodTarget,
    PlanPeriod,
    PlanYear,
    StateChange,
    StrategyMap,
)
from kinerja.planning.scoring_bridge import DEFAULT_RULE_SET, RULE_SET_FIRST_YEAR, rule_set_codes
from kinerja.planning.selectors import load_map_data

from ..models import HistoricalImport, PeriodState, Realization, ReportingPeriod, ScoreSnapshot
from .imports import HISTORY_PERM, Historical, ImportResult, history_note, import_realizations
from .periods import generate_periods
from .scores import final_snapshots

RENSTRA_YEARS = 5


@dataclass
class PastYear:
    plan_year: PlanYear
    created: bool = False  # the plan year was created by this import
    closed: int = 0  # periods created and closed by this import


@dataclass
class HistoryResult:
    """What a historical import found and did; nothing is written unless `applied`."""

    year: int
    dry_run: bool
    problems: list[str] = field(default_factory=list)  # refusals outside the files (a year still open …)
    plan_year_created: bool = False
    periods_closed: int = 0
    map_created: bool = False
    strategy_map: StrategyMap | None = None
    workbook: workbook.ImportReport | None = None
    realizations: ImportResult | None = None
    snapshots: list[ScoreSnapshot] = field(default_factory=list)
    record: HistoricalImport | None = None
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not (
            self.problems
            or (self.workbook is not None and self.workbook.issues)
            or (self.realizations is not None and self.realizations.problems)
        )

    @property
    def final_nko(self) -> list[ScoreSnapshot]:
        """The year-end snapshot of each map among those stored (the yearly period's, else the last to end)."""
        best: dict[int, ScoreSnapshot] = {}
        for snapshot in self.snapshots:
            rank = (
                snapshot.period.frequency == Frequency.YEARLY,
                snapshot.period.end,
                -snapshot.period.start.toordinal(),
            )
            found = best.get(snapshot.strategy_map_id)
            if found is None or rank >= (
                found.period.frequency == Frequency.YEARLY,
                found.period.end,
                -found.period.start.toordinal(),
            ):
                best[snapshot.strategy_map_id] = snapshot
        return list(best.values())

    def summary(self) -> dict[str, Any]:
        """The counts, as `HistoricalImport.summary` and `kinerja import-history --format json` give them."""
        found: dict[str, Any] = {
            "year": self.year,
            "plan_year_created": self.plan_year_created,
            "periods_closed": self.periods_closed,
            "map_created": self.map_created,
            "snapshots": len(self.snapshots),
        }
        if self.strategy_map is not None:
            found["map"] = str(self.strategy_map)
        if self.workbook is not None:
            found["workbook"] = {
                "created": {k: v for k, v in self.workbook.created.items() if v},
                "updated": {k: v for k, v in self.workbook.updated.items() if v},
            }
        if self.realizations is not None:
            r = self.realizations
            found["realizations"] = {
                "rows": r.rows,
                "created": r.created,
                "updated": r.updated,
                "unchanged": r.unchanged,
                "skipped": r.skipped,
            }
        found["nko"] = {
            str(s.strategy_map.unit.code): (None if s.nko is None else str(s.nko)) for s in self.final_nko
        }
        return found


class _Failed(Exception):
    """Raised inside the transaction to roll everything back once a problem is found."""


def _renstra_for(year: int) -> tuple[int, int]:
    """The five-year Renstra block holding `year`, aligned on the periods already known (2025–2029 → 2020–2024)."""
    anchor = PlanPeriod.objects.order_by("start_year").values_list("start_year", flat=True).first()
    if anchor is None:
        return year, year + RENSTRA_YEARS - 1
    start = anchor + ((year - anchor) // RENSTRA_YEARS) * RENSTRA_YEARS
    return start, start + RENSTRA_YEARS - 1


def rule_set_for(year: int) -> str:
    """The rule set a past year scores under: the default when it already applied, else the newest that did."""
    if RULE_SET_FIRST_YEAR.get(DEFAULT_RULE_SET, 0) <= year:
        return DEFAULT_RULE_SET
    usable = [code for code in rule_set_codes() if RULE_SET_FIRST_YEAR.get(code, 0) <= year]
    return usable[-1] if usable else DEFAULT_RULE_SET


def prepare_past_year(*, year: int, by: Actor, today: dt.date | None = None) -> PastYear:
    """The plan year `year` with its reporting periods, all closed; created when missing (administrators).

    Periods created here are closed at once (by `by`, now). Refused for the current or a future year, and for
    a past year some of whose periods are still open (close them first, or use the ordinary imports).
    """
    ensure(by, HISTORY_PERM)
    day = today or timezone.localdate()
    if year >= day.year:
        raise ValidationError(
            {
                "year": _(
                    "Tahun %(year)d belum berakhir; impor data tahun lalu hanya untuk tahun yang sudah lewat."
                )
                % {"year": year}
            },
            code="year_not_past",
        )
    with transaction.atomic():
        found = PastYear(plan_year=PlanYear.objects.filter(year=year).first())  # type: ignore[arg-type]
        if found.plan_year is None:
            renstra = PlanPeriod.objects.filter(start_year__lte=year, end_year__gte=year).order_by(
                "-start_year"
            )
            plan_period = renstra.first()
            if plan_period is None:
                start, end = _renstra_for(year)
                plan_period = recorded(
                    PlanPeriod(
                        name=_("Renstra %(start)d–%(end)d") % {"start": start, "end": end},
                        start_year=start,
                        end_year=end,
                    ),
                    by,
                )
                plan_period.full_clean()
                plan_period.save()
            plan_year = recorded(
                PlanYear(year=year, plan_period=plan_period, rule_set=rule_set_for(year)), by
            )
            plan_year.full_clean()
            plan_year.save()  # its periods come with it (`on_plan_year_saved`)
            found = PastYear(plan_year=plan_year, created=True)
        before = set(ReportingPeriod.objects.filter(plan_year=found.plan_year).values_list("pk", flat=True))
        generate_periods(plan_year=found.plan_year)
        fresh = ReportingPeriod.objects.filter(plan_year=found.plan_year, state=PeriodState.OPEN)
        if not found.created:
            fresh = fresh.exclude(pk__in=before)
        found.closed = fresh.update(state=PeriodState.CLOSED, closed_at=timezone.now(), closed_by=author(by))
        still_open = list(
            ReportingPeriod.objects.filter(plan_year=found.plan_year, state=PeriodState.OPEN).order_by("end")
        )
        if still_open:
            raise ValidationError(
                {
                    "year": _(
                        "Periode %(periods)s tahun %(year)d masih terbuka: impor data tahun lalu hanya mengisi "
                        "periode yang sudah ditutup. Tutup periodenya dahulu, atau gunakan impor biasa."
                    )
                    % {"periods": ", ".join(p.display_name for p in still_open[:3]), "year": year}
                },
                code="year_open",
            )
    return found


def _open_for_history(strategy_map: StrategyMap, by: Actor, note: str) -> None:
    """An existing map of the past year made editable for the import: an approved one through a recorded
    revision, a submitted one returned, both with the import's reason."""
    if strategy_map.state == MapState.APPROVED:
        planning_services.revise_map(strategy_map=strategy_map, reason=note, by=by)
    elif strategy_map.state == MapState.SUBMITTED:
        planning_services.return_map(strategy_map=strategy_map, reason=note, by=None)
    strategy_map.refresh_from_db()


def _approve_as_then(strategy_map: StrategyMap, by: Actor, note: str) -> list[str]:
    """Approve the imported map as it was approved back then; the block findings that stop it, if any."""
    current = StrategyMap.objects.select_related("unit", "plan_year").get(pk=strategy_map.pk)
    if current.state not in EDITABLE_STATES:
        return []
    blocking = [f for f in validation.validate_map(load_map_data(current)) if f.blocks]
    if blocking:
        return [
            _("Peta %(map)s: %(finding)s") % {"map": str(current), "finding": f.message} for f in blocking
        ]
    before = current.state
    current.state = MapState.APPROVED
    recorded(current, by, note).save(update_fields=["state", "updated_at"])
    StateChange.objects.create(
        map=current,
        revision=current.revision,
        from_state=before,
        to_state=MapState.APPROVED,
        by=author(by),
        reason=note,
    )
    strategy_map.state = current.state
    return []


def _stamp(model: Any, pks: list[int], since: dt.datetime, note: str) -> None:
    """Give the history rows this import wrote for `pks` its reason (the services save them without one)."""
    if pks:
        model.history.filter(id__in=pks, history_date__gte=since).update(
            history_change_reason=note[:HISTORY_REASON_MAX]
        )


def import_history(
    *,
    year: int,
    reason: str,
    by: Actor,
    unit: Unit | None = None,
    workbook_content: bytes | None = None,
    workbook_name: str = "",
    realizations: Any = None,
    realizations_name: str | None = None,
    dry_run: bool = True,
    today: dt.date | None = None,
) -> HistoryResult:
    """Bring a closed past year in (see the module): all or nothing; a dry run (the default) writes nothing.

    `unit` is required with a workbook (the workbook is one unit's map); without it the realization file's
    `unit` column names each row's unit (their maps of the year must exist, approved). Raises
    `ValidationError` for a missing reason, a year not past or still open, a workbook without a unit, or no
    file at all, and `PermissionDenied` for anybody but an administrator (on the unit); every problem in the
    files is in the result.
    """
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Alasan impor data tahun lalu wajib diisi.")
    if workbook_content is None and realizations is None:
        errors["__all__"] = _("Pilih berkas peta strategi (workbook) atau berkas realisasi.")
    if workbook_content is not None and unit is None:
        errors["unit"] = _("Pilih unit pemilik peta strategi dalam workbook.")
    if errors:
        raise ValidationError(errors)
    ensure(by, HISTORY_PERM, unit)
    note = history_note(reason)
    result = HistoryResult(year=year, dry_run=dry_run)
    try:
        with transaction.atomic():
            since = timezone.now()
            past = prepare_past_year(year=year, by=by, today=today)
            plan_year = past.plan_year
            result.plan_year_created, result.periods_closed = past.created, past.closed
            strategy_map = None
            if unit is not None:
                strategy_map = (
                    StrategyMap.objects.select_related("unit", "plan_year")
                    .filter(unit=unit, plan_year=plan_year)
                    .first()
                )
            if workbook_content is not None:
                assert unit is not None
                if strategy_map is None:
                    strategy_map = planning_services.create_map(unit=unit, plan_year=plan_year, by=by)
                    result.map_created = True
                else:
                    _open_for_history(strategy_map, by, note)
                result.workbook = workbook.import_map(
                    strategy_map=strategy_map, content=workbook_content, by=by, dry_run=False
                )
                if result.workbook.issues:
                    raise _Failed
                result.problems = _approve_as_then(strategy_map, by, note)
                if result.problems:
                    raise _Failed
            result.strategy_map = strategy_map
            if realizations is not None:
                if unit is not None and strategy_map is None:
                    result.problems.append(
                        _(
                            "Unit %(unit)s tidak memiliki peta strategi tahun %(year)d: impor workbook-nya dahulu."
                        )
                        % {"unit": unit.code, "year": year}
                    )
                    raise _Failed
                result.realizations = import_realizations(
                    source=realizations,
                    name=realizations_name,
                    strategy_map=strategy_map,
                    plan_year=plan_year,
                    by=by,
                    historical=Historical(reason),
                )
                if result.realizations.problems:
                    raise _Failed
            written_maps = set()
            if strategy_map is not None:
                written_maps.add(strategy_map.pk)
            realized = Realization.objects.filter(
                period__plan_year=plan_year, updated_at__gte=since, kpi__holder__isnull=True
            )
            written_maps.update(realized.values_list("kpi__objective__map_id", flat=True).distinct())
            # the figures of the closed periods, stored again and final (`import_realizations` did it for its maps)
            fresh = {
                s.strategy_map_id
                for s in ScoreSnapshot.objects.filter(
                    period__plan_year=plan_year, computed_at__gte=since, final=True
                )
            }
            final_snapshots(map_ids=written_maps - fresh, plan_year_id=plan_year.pk, by=by)
            result.snapshots = list(
                ScoreSnapshot.objects.filter(
                    strategy_map_id__in=written_maps,
                    period__plan_year=plan_year,
                    computed_at__gte=since,
                    final=True,
                )
                .select_related("strategy_map__unit", "period")
                .order_by("strategy_map_id", "period__end", "period__start", "pk")
            )
            if strategy_map is not None and result.workbook is not None:
                _stamp(
                    Objective,
                    list(Objective.objects.filter(map=strategy_map).values_list("pk", flat=True)),
                    since,
                    note,
                )
                kpis = list(Kpi.objects.filter(objective__map=strategy_map).values_list("pk", flat=True))
                _stamp(Kpi, kpis, since, note)
                _stamp(
                    PeriodTarget,
                    list(PeriodTarget.objects.filter(kpi_id__in=kpis).values_list("pk", flat=True)),
                    since,
                    note,
                )
            periods = _periods_written(plan_year, result, since)
            result.applied = not dry_run
            if dry_run:
                transaction.set_rollback(True)
                return result
            record = HistoricalImport.objects.create(
                plan_year=plan_year,
                unit=unit,
                reason=reason,
                by=author(by),
                workbook_name=workbook_name[:255],
                realizations_name=(realizations_name or "")[:255],
                summary=result.summary(),
            )
            record.periods.set(periods)
            result.record = record
    except _Failed:
        result.applied = False
    except PermissionDenied:
        raise
    return result


def _periods_written(plan_year: PlanYear, result: HistoryResult, since: dt.datetime) -> list[ReportingPeriod]:
    """The periods the import wrote into: every period of the year for a map and its targets, else those with
    realizations written now."""
    periods = ReportingPeriod.objects.filter(plan_year=plan_year)
    if result.workbook is None:
        periods = periods.filter(realizations__updated_at__gte=since).distinct()
    return list(periods.order_by("end", "start"))
