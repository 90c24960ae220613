"""Writes of the reporting cycle: periods, realizations, evidence, the workflow, locks, snapshots, imports.

Every function takes keyword-only, typed arguments and runs in one
transaction. Who may act is asked of the one permission layer
(`accounts/rules.py` through `user.has_perm`, raising `PermissionDenied`);
what stops an action (a closed period, the wrong state, a verifier who
submitted, missing evidence) raises a `ValidationError` whose message says so
in Indonesian. `by=None` means the system itself (a management command or a
task) and skips the permission check.

Scores are recomputed after the transaction commits (`transaction.on_commit`
→ the `recompute_scorecard` task), explicitly from the services that change
what a score reads — a realization's value or state, a period reopening — and
from `schedule_map_recompute`, which the KPI services may call when a target
changes. No signals.

Rules (domain.md §5): 20 (realizations are numbers, for periods of the KPI's
frequency, on an approved map), 21 (evidence before submission), 22 (the
workflow), 23 (a closed period takes no edits or imports; reopening needs a
reason and keeps the old snapshot), 24 (reminders about missing realizations).
Realizations derived from lower units (scoring.md §5) are not handled here:
the KPI models have no cascading links yet, so every realization is typed in.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.rules import ensure
from kinerja.common.history import recorded
from kinerja.organisations.models import Unit
from kinerja.planning.models import PERIODS_PER_YEAR, Frequency, Kpi, MapState, PlanYear, StrategyMap
from kinerja.planning.selectors import load_map_data
from kinerja.scoring.errors import ScoringError

from . import conf, evidence, scorecard, workflow
from .models import (
    Evidence,
    PeriodReopen,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)

# Maps whose KPIs take realizations: an approved plan, or one under a recorded revision.
REPORTABLE_MAP_STATES = frozenset({MapState.APPROVED, MapState.REVISED})
NKO_PLACES = Decimal("0.000001")


def _today(today: dt.date | None = None) -> dt.date:
    return today or timezone.localdate()


# --------------------------------------------------------------------------- periods


def _add_months(year: int, month: int) -> tuple[int, int]:
    return (year + 1, month - 12) if month > 12 else (year, month)


def period_dates(year: int, frequency: str, number: int) -> tuple[dt.date, dt.date]:
    """First and last day of period `number` of `frequency` in `year`."""
    months = 12 // PERIODS_PER_YEAR[frequency]
    first_month = (number - 1) * months + 1
    last_month = first_month + months - 1
    end_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, end_day)


def generate_periods(*, plan_year: PlanYear, by: Any = None) -> list[ReportingPeriod]:
    """The plan year's reporting periods — 12 months, 4 quarters, 2 semesters, the year — created when missing.

    Idempotent: existing periods are kept as they are (their dates and state
    too). A due date is `KINERJA_REPORTING_DUE_DAYS` after the period's end; it
    locks `KINERJA_REPORTING_CLOSE_DAYS` after its end.
    """
    ensure(by, "reporting.add_reportingperiod")
    due_days = int(conf.get("KINERJA_REPORTING_DUE_DAYS"))
    close_days = int(conf.get("KINERJA_REPORTING_CLOSE_DAYS"))
    with transaction.atomic():
        existing = {(p.frequency, p.number) for p in ReportingPeriod.objects.filter(plan_year=plan_year)}
        new = []
        for frequency, count in PERIODS_PER_YEAR.items():
            for number in range(1, count + 1):
                if (frequency, number) in existing:
                    continue
                start, end = period_dates(plan_year.year, frequency, number)
                new.append(
                    ReportingPeriod(
                        plan_year=plan_year,
                        frequency=frequency,
                        number=number,
                        start=start,
                        end=end,
                        due_date=end + dt.timedelta(days=due_days),
                        closes_on=end + dt.timedelta(days=close_days),
                    )
                )
        if new:
            ReportingPeriod.objects.bulk_create(new)
    return list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))


def ensure_periods(plan_year: PlanYear) -> None:
    """Create the plan year's periods the first time they are needed (system action)."""
    if ReportingPeriod.objects.filter(plan_year=plan_year).count() < sum(PERIODS_PER_YEAR.values()):
        generate_periods(plan_year=plan_year)


def ensure_period_open(period: ReportingPeriod) -> None:
    """Rule 23: a closed period takes no edits, no evidence and no imports."""
    if period.state == PeriodState.CLOSED:
        raise ValidationError(workflow.period_closed_message(period), code="period_closed")


def reportable_maps(plan_year_id: int) -> list[StrategyMap]:
    return list(
        StrategyMap.objects.filter(plan_year_id=plan_year_id, state__in=REPORTABLE_MAP_STATES)
        .select_related("unit", "plan_year")
        .order_by("unit__path")
    )


def close_period(*, period: ReportingPeriod, by: Any = None) -> ReportingPeriod:
    """Close (lock) a period and store each reportable map's final snapshot for it; idempotent.

    From then on the period takes no edits, evidence or imports. The final
    snapshots are computed inside the same transaction, so a closed period
    always has them.
    """
    ensure(by, "reporting.close_reportingperiod", period)
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().select_related("plan_year").get(pk=period.pk)
        if current.state == PeriodState.CLOSED:
            _refresh(period, current)
            return period
        current.state = PeriodState.CLOSED
        current.closed_at = timezone.now()
        current.closed_by = by
        current.save(update_fields=["state", "closed_at", "closed_by"])
        for strategy_map in reportable_maps(current.plan_year_id):
            compute_scorecard(strategy_map=strategy_map, period=current, final=True, trigger="close")
    _refresh(period, current)
    return period


def _refresh(target: ReportingPeriod, source: ReportingPeriod) -> None:
    target.state, target.closed_at, target.closed_by_id = source.state, source.closed_at, source.closed_by_id


def reopen_period(*, period: ReportingPeriod, reason: str, by: Any) -> PeriodReopen:
    """Open a closed period again, with a reason (rule 23); scores are recomputed into new snapshots.

    The final snapshot stored at the closing is kept as it is.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan membuka kembali periode wajib diisi."), code="reason_required")
    ensure(by, "reporting.reopen_reportingperiod", period)
    with transaction.atomic():
        current = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if current.state != PeriodState.CLOSED:
            raise ValidationError(
                _("Periode %(period)s masih terbuka.") % {"period": current.display_name}, code="period_open"
            )
        record = PeriodReopen.objects.create(
            period=current, reason=reason, by=by, closed_at=current.closed_at
        )
        current.state, current.closed_at, current.closed_by = PeriodState.OPEN, None, None
        current.save(update_fields=["state", "closed_at", "closed_by"])
        schedule_recompute([(m.pk, current) for m in reportable_maps(current.plan_year_id)], trigger="reopen")
    _refresh(period, current)
    return record


def close_due_periods(*, today: dt.date | None = None) -> list[ReportingPeriod]:
    """Close every open period whose lock date (`closes_on`) has come; idempotent (`kinerja close_periods`)."""
    day = _today(today)
    for plan_year in PlanYear.objects.filter(year__lte=day.year):
        ensure_periods(plan_year)
    closed = []
    for period in ReportingPeriod.objects.filter(state=PeriodState.OPEN, closes_on__lte=day).order_by("end"):
        closed.append(close_period(period=period))
    return closed


# --------------------------------------------------------------------------- recomputing scores


def affected_periods(period: ReportingPeriod, *, today: dt.date | None = None) -> list[ReportingPeriod]:
    """The periods whose score as of them reads `period`: itself and the later open periods already begun."""
    day = _today(today)
    return [
        p
        for p in ReportingPeriod.objects.filter(
            plan_year_id=period.plan_year_id, state=PeriodState.OPEN, end__gte=period.end
        )
        if p.pk == period.pk or p.start <= day
    ]


def schedule_recompute(
    pairs: Iterable[tuple[int, ReportingPeriod]], *, trigger: str, today: dt.date | None = None
) -> set[tuple[int, int]]:
    """Enqueue `recompute_scorecard` for each (map id, period) — and the periods it feeds — after commit.

    Returns the (map id, period id) pairs that will be recomputed; each once.
    """
    by_period: dict[int, tuple[ReportingPeriod, set[int]]] = {}
    for map_id, period in pairs:
        by_period.setdefault(period.pk, (period, set()))[1].add(map_id)
    keys: set[tuple[int, int]] = set()
    for period, map_ids in by_period.values():
        for affected in affected_periods(period, today=today):
            keys.update((map_id, affected.pk) for map_id in map_ids)
    if keys:
        ordered = sorted(keys)
        transaction.on_commit(lambda: _enqueue(ordered, trigger))
    return keys


def _enqueue(keys: Sequence[tuple[int, int]], trigger: str) -> None:
    from .tasks import recompute_scorecard

    for map_id, period_id in keys:
        recompute_scorecard.enqueue(map_id, period_id, trigger)


def schedule_map_recompute(*, strategy_map: StrategyMap, trigger: str = "target") -> set[tuple[int, int]]:
    """Recompute a map's scores for every open period already begun (after a KPI's target or weight changed).

    For the KPI services to call once their change is saved; it enqueues after commit.
    """
    ensure_periods(strategy_map.plan_year)
    day = _today()
    periods = ReportingPeriod.objects.filter(
        plan_year_id=strategy_map.plan_year_id, state=PeriodState.OPEN, start__lte=day
    )
    keys = {(strategy_map.pk, p.pk) for p in periods}
    if keys:
        ordered = sorted(keys)
        transaction.on_commit(lambda: _enqueue(ordered, trigger))
    return keys


def plan_changed(*, strategy_map: StrategyMap) -> None:
    """Planning services call this after saving a change that can move scores (a KPI, a target, a weight).

    Only maps that are scored (approved, or under revision after approval) are recomputed; a draft has no
    scores yet. The work is queued after the planning transaction commits.
    """
    if strategy_map.state in REPORTABLE_MAP_STATES:
        schedule_map_recompute(strategy_map=strategy_map, trigger="target")


def on_plan_changed(sender: object, *, strategy_map: StrategyMap, **kwargs: object) -> None:
    """The receiver of `planning.signals.plan_changed` (connected in `ReportingConfig.ready`)."""
    plan_changed(strategy_map=strategy_map)


def _jsonable(data: dict[str, Any]) -> Any:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def compute_scorecard(
    *,
    strategy_map: StrategyMap,
    period: ReportingPeriod,
    final: bool = False,
    by: Any = None,
    trigger: str = "",
    today: dt.date | None = None,
) -> ScoreSnapshot:
    """Score a strategy map as of a reporting period with the scoring core and store the result as a snapshot.

    * Inputs: the map's perspectives (weights), objectives (weights), KPIs
      (polarity, consolidation, band, worst value, cap-on-target, weight) and,
      per KPI, every reporting period of its frequency from the start of the
      plan year up to `period` (its trajectory target and — only when the
      realization's state is counted, `KINERJA_SCORED_STATES`, by default
      *approved* only — its realization). Anything not counted is N/A, never 0.
      A KPI with no period of its frequency ending by `period` is not yet due:
      N/A like the others (it changes no figure), but listed under `not_due`
      rather than `missing`, and it does not make the result incomplete
      (`scorecard.score`).
    * The core (`kinerja.scoring.score_scorecard`) scores it with the plan
      year's rule set; the result — or the core's errors, when the map cannot
      be scored (weights not totalling 100 …) — becomes `ScoreSnapshot.result`
      (JSON described in `kinerja.reporting.scorecard`).
    * A snapshot is never changed. A new one is stored unless the latest
      snapshot of the map and period says exactly the same (and is not final);
      `final=True` (a period closing) always stores a new final snapshot.
    * A closed period keeps its figures: asked again without `final`, the
      latest final snapshot is returned as it is.

    `by` (a user) needs `reporting.compute_scoresnapshot` on the map; `None` is
    the system. `trigger` records why ("close", "reopen", "submit", "import" …).
    """
    ensure(by, "reporting.compute_scoresnapshot", strategy_map)
    with transaction.atomic():
        latest = (
            ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period)
            .order_by("-computed_at", "-pk")
            .first()
        )
        if period.is_closed and not final:
            last_final = (
                ScoreSnapshot.objects.filter(strategy_map=strategy_map, period=period, final=True)
                .order_by("-computed_at", "-pk")
                .first()
            )
            if last_final is not None:
                return last_final
        if strategy_map.plan_year_id != period.plan_year_id:
            raise ValidationError(
                _("Periode %(period)s bukan periode tahun rencana peta %(map)s.")
                % {"period": period.display_name, "map": str(strategy_map)},
                code="period_other_year",
            )
        data = load_map_data(strategy_map)
        periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
        states = conf.scored_states()
        values = {
            (kpi_id, period_id): value
            for kpi_id, period_id, value in Realization.objects.filter(
                kpi__objective__map=strategy_map,
                period__plan_year_id=period.plan_year_id,
                period__end__lte=period.end,
                state__in=states,
            ).values_list("kpi_id", "period_id", "value")
        }
        prepared = scorecard.build_input(data, period, periods, values, today=_today(today))
        try:
            result = scorecard.score(prepared)
        except ScoringError as error:
            body = scorecard.payload(prepared, None, data=data, scored_states=states, error=error)
            result = None
        else:
            body = scorecard.payload(prepared, result, data=data, scored_states=states)
        body = _jsonable(body)
        if (
            not final
            and latest is not None
            and not latest.final
            and latest.rule_set == prepared.rules.code
            and latest.result == body
        ):
            return latest
        nko = None if result is None or result.nko is None else result.nko.quantize(NKO_PLACES, ROUND_HALF_UP)
        snapshot = ScoreSnapshot(
            strategy_map=strategy_map,
            period=period,
            rule_set=prepared.rules.code,
            computed_by=by,
            trigger=trigger,
            final=final,
            nko=nko,
            predicate=(result.predicate or "") if result is not None else "",
            complete=bool(result is not None and result.complete),
            result=body,
        )
        snapshot.save()
    return snapshot


# --------------------------------------------------------------------------- realizations


def as_number(value: Any) -> Decimal:
    """Rule 20: a realization is a number (a Decimal, an int or a numeric text); anything else is refused."""
    if isinstance(value, bool):
        raise ValidationError(_("Realisasi harus berupa angka."), code="not_a_number")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(
            _("Realisasi harus berupa angka, bukan “%(value)s”.") % {"value": value}, code="not_a_number"
        ) from None
    if not number.is_finite():
        raise ValidationError(_("Realisasi harus berupa angka."), code="not_a_number")
    return number


def check_reportable(kpi: Kpi, period: ReportingPeriod) -> None:
    """Rule 20: the KPI's map is approved (or under revision) and the period is one of the KPI's own periods."""
    strategy_map = kpi.objective.map
    if strategy_map.state not in REPORTABLE_MAP_STATES:
        raise ValidationError(
            _("Peta strategi %(map)s belum disetujui; realisasi dapat diisi setelah peta disetujui.")
            % {"map": str(strategy_map)},
            code="map_not_approved",
        )
    if period.plan_year_id != strategy_map.plan_year_id:
        raise ValidationError(
            _("Periode %(period)s bukan periode tahun rencana %(year)s.")
            % {"period": period.display_name, "year": strategy_map.plan_year.year},
            code="period_other_year",
        )
    if period.frequency != kpi.frequency:
        raise ValidationError(
            _("IKU %(code)s dilaporkan %(frequency)s; %(period)s bukan periode pelaporannya.")
            % {
                "code": kpi.code,
                "frequency": Frequency(kpi.frequency).label.lower(),
                "period": period.display_name,
            },
            code="period_frequency",
        )


def save_realization(
    *, kpi: Kpi, period: ReportingPeriod, value: Any, by: Any, analysis: str | None = None
) -> Realization:
    """Enter (or correct) the realization of a KPI for a period, as a draft (rules 20, 23).

    Creating and correcting are the same call: an existing draft is updated,
    a realization already submitted or beyond must be returned to draft first.
    `analysis` None keeps the stored analysis.
    """
    ensure(by, "reporting.add_realization", kpi)
    number = as_number(value)
    check_reportable(kpi, period)
    ensure_period_open(period)
    with transaction.atomic():
        realization = Realization.objects.select_for_update().filter(kpi=kpi, period=period).first()
        if realization is None:
            realization = Realization(kpi=kpi, period=period, value=number, created_by=by)
            realization.analysis = analysis or ""
            changed = True
        else:
            if realization.state != RealizationState.DRAFT:
                raise ValidationError(
                    _(
                        "Realisasi %(code)s periode %(period)s berstatus %(state)s dan tidak dapat diubah; "
                        "kembalikan ke konsep lebih dahulu."
                    )
                    % {
                        "code": kpi.code,
                        "period": period.display_name,
                        "state": realization.get_state_display(),
                    },
                    code="not_draft",
                )
            changed = realization.value != number
            realization.value = number
            if analysis is not None:
                realization.analysis = analysis
        realization.kpi, realization.period = kpi, period
        recorded(realization, by).save()
        if changed:
            schedule_recompute([(kpi.objective.map_id, period)], trigger="value")
    return realization


def _locked(realization: Realization) -> Realization:
    current = (
        Realization.objects.select_for_update()
        .select_related("kpi__objective__map__unit", "kpi__objective__map__plan_year", "period")
        .get(pk=realization.pk)
    )
    return current


def _apply(
    realization: Realization, step: workflow.Step, by: Any, reason: str = "", pending: set[Any] | None = None
) -> Realization:
    """Take one workflow step on a locked realization; record the event; note the score to recompute."""
    ensure(by, step.perm, realization)
    found = workflow.problem(realization, step, by)
    if found is not None:
        raise ValidationError(found, code=f"cannot_{step.action}")
    now = timezone.now()
    event = WorkflowEvent(
        realization=realization, from_state=realization.state, to_state=step.target, actor=by, reason=reason
    )
    realization.state = step.target
    if step is workflow.SUBMIT:
        realization.submitted_by, realization.submitted_at = by, now
        realization.return_reason = ""
    elif step is workflow.VERIFY:
        realization.verified_by, realization.verified_at = by, now
    elif step is workflow.APPROVE:
        realization.approved_by, realization.approved_at = by, now
    elif step is workflow.RETURN:
        realization.verified_by, realization.verified_at = None, None
        realization.approved_by, realization.approved_at = None, None
        realization.return_reason = reason
    recorded(realization, by).save()
    event.save()
    key = (realization.kpi.objective.map_id, realization.period)
    if pending is None:
        schedule_recompute([key], trigger=step.action)
    else:
        pending.add(key)
    return realization


def _step(realization: Realization, step: workflow.Step, by: Any, reason: str = "") -> Realization:
    with transaction.atomic():
        current = _locked(realization)
        _apply(current, step, by, reason)
    for name in ("state", "return_reason", "submitted_by_id", "submitted_at", "verified_by_id"):
        setattr(realization, name, getattr(current, name))
    for name in ("verified_at", "approved_by_id", "approved_at", "updated_at"):
        setattr(realization, name, getattr(current, name))
    return realization


def submit_realization(*, realization: Realization, by: Any) -> Realization:
    """draft → submitted, by an employee or manager of the unit; evidence first (rule 21)."""
    return _step(realization, workflow.SUBMIT, by)


def verify_realization(*, realization: Realization, by: Any) -> Realization:
    """submitted → verified, by the unit's performance manager, who did not submit it."""
    return _step(realization, workflow.VERIFY, by)


def approve_realization(*, realization: Realization, by: Any) -> Realization:
    """verified → approved, by the unit's leader; an approved realization counts in the score."""
    return _step(realization, workflow.APPROVE, by)


def return_realization(*, realization: Realization, reason: str, by: Any) -> Realization:
    """submitted / verified / approved → draft, by a manager or leader, with a reason the submitter sees."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Alasan pengembalian wajib diisi."), code="reason_required")
    return _step(realization, workflow.RETURN, by, reason)


@dataclass(frozen=True)
class BulkResult:
    """One item of a bulk action: the realization, whether the step was taken, and why not."""

    realization_id: int
    ok: bool
    message: str = ""


def bulk_step(
    *, realizations: Sequence[Realization], action: str, by: Any, reason: str = ""
) -> list[BulkResult]:
    """Take one workflow step on many realizations in one transaction; each item reports its own result.

    An item that may not take the step (another unit, wrong state, its own
    submission …) is skipped with its message; the others are saved.
    """
    step = workflow.STEPS[action]
    if step is workflow.RETURN and not reason.strip():
        raise ValidationError(_("Alasan pengembalian wajib diisi."), code="reason_required")
    results: list[BulkResult] = []
    pending: set[Any] = set()
    with transaction.atomic():
        for realization in realizations:
            try:
                with transaction.atomic():
                    _apply(_locked(realization), step, by, reason.strip(), pending)
            except PermissionDenied:
                results.append(
                    BulkResult(realization.pk, False, _("Anda tidak berwenang atas realisasi ini."))
                )
            except ValidationError as error:
                results.append(BulkResult(realization.pk, False, " ".join(error.messages)))
            else:
                results.append(BulkResult(realization.pk, True))
        schedule_recompute(pending, trigger=f"bulk_{action}")
    return results


def bulk_submit(*, realizations: Sequence[Realization], by: Any) -> list[BulkResult]:
    """Submit many draft realizations at once (an employee or manager of the unit); per-item results.

    Each item is checked as `submit_realization` checks it: the permission on
    its unit, an open period, the draft state and evidence first (rule 21).
    """
    return bulk_step(realizations=realizations, action="submit", by=by)


def bulk_verify(*, realizations: Sequence[Realization], by: Any) -> list[BulkResult]:
    """Verify many submitted realizations at once (a performance manager); per-item results."""
    return bulk_step(realizations=realizations, action="verify", by=by)


def bulk_approve(*, realizations: Sequence[Realization], by: Any) -> list[BulkResult]:
    """Approve many verified realizations at once (a leader); per-item results."""
    return bulk_step(realizations=realizations, action="approve", by=by)


# --------------------------------------------------------------------------- evidence


def add_evidence(
    *,
    realization: Realization,
    upload: Any,
    by: Any,
    name: str | None = None,
    description: str = "",
    replaces: Evidence | None = None,
) -> Evidence:
    """Attach an evidence file to a draft realization; the type is checked by content, the size limited.

    The SHA-256 is stored. Nothing is ever overwritten: every upload gets a new
    name in storage, and `replaces` (a current file of the same realization)
    is marked superseded by the new one; both are kept.
    """
    ensure(by, "reporting.add_evidence", realization)
    ensure_period_open(realization.period)
    if realization.state != RealizationState.DRAFT:
        raise ValidationError(
            _("Data dukung hanya dapat ditambahkan selama realisasi berstatus konsep."), code="not_draft"
        )
    if replaces is not None and (replaces.realization_id != realization.pk or not replaces.is_current):
        raise ValidationError(
            _("Berkas yang diganti bukan data dukung terkini realisasi ini."), code="evidence_replaces"
        )
    original = (name or getattr(upload, "name", "") or "berkas").replace("\\", "/").rsplit("/", 1)[-1]
    stream = evidence.upload_stream(upload)
    checked = evidence.check_file(original, stream, getattr(upload, "size", None))
    with transaction.atomic():
        item = Evidence(
            realization=realization,
            original_name=original[:255],
            kind=checked.kind,
            size=checked.size,
            sha256=checked.sha256,
            description=description[:255],
            uploaded_by=by,
        )
        stream.seek(0)
        from django.core.files import File

        item.file.save(original, upload if hasattr(upload, "chunks") else File(stream, original), save=False)
        item.save()
        if replaces is not None:
            replaces.superseded_by = item
            replaces.superseded_at = timezone.now()
            replaces.save(update_fields=["superseded_by", "superseded_at"])
    return item


# --------------------------------------------------------------------------- reminders


@dataclass
class ReminderItem:
    kpi: Kpi
    period: ReportingPeriod
    realization: Realization | None
    days_late: int


@dataclass
class ReminderReport:
    """What `send_reminders` did: the e-mails sent and the missing items, per recipient address."""

    emails: int = 0
    items: dict[str, list[ReminderItem]] = field(default_factory=dict)


def missing_items(*, today: dt.date | None = None, plan_year: PlanYear | None = None) -> list[ReminderItem]:
    """Realizations not yet submitted in open periods whose due date is near (or past), rule 24."""
    day = _today(today)
    window = dt.timedelta(days=int(conf.get("KINERJA_REMINDER_DAYS_BEFORE")))
    periods = ReportingPeriod.objects.filter(state=PeriodState.OPEN, due_date__lte=day + window)
    if plan_year is not None:
        periods = periods.filter(plan_year=plan_year)
    items: list[ReminderItem] = []
    for period in periods.order_by("due_date", "end"):
        kpis = Kpi.objects.filter(
            frequency=period.frequency,
            objective__map__plan_year_id=period.plan_year_id,
            objective__map__state__in=REPORTABLE_MAP_STATES,
        ).select_related("objective__map__unit")
        found = {r.kpi_id: r for r in Realization.objects.filter(period=period, kpi__in=kpis)}
        for kpi in kpis.order_by("objective__map__unit__path", "objective__code", "code"):
            realization = found.get(kpi.pk)
            if realization is not None and realization.state != RealizationState.DRAFT:
                continue
            items.append(ReminderItem(kpi, period, realization, (day - period.due_date).days))
    return items


def _managers_by_unit(units: Iterable[Unit]) -> dict[int, list[Any]]:
    """Each unit's performance managers: those on the unit itself, else those of its nearest ancestor."""
    units = list(units)
    paths = {u.path[:i] for u in units for i in range(Unit.steplen, len(u.path) + 1, Unit.steplen)}
    by_path: dict[str, list[Any]] = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(role=Role.MANAGER, unit__path__in=paths).select_related(
        "user__employee", "unit"
    ):
        if assignment.user.is_active:
            by_path[assignment.unit.path].append(assignment.user)
    found: dict[int, list[Any]] = {}
    for unit in units:
        for i in range(len(unit.path), 0, -Unit.steplen):
            managers = by_path.get(unit.path[:i])
            if managers:
                found[unit.pk] = managers
                break
    return found


def _address(user: Any) -> str:
    employee = getattr(user, "employee", None)
    return user.email or (employee.email if employee is not None else "") or ""


def send_reminders(*, today: dt.date | None = None, dry_run: bool = False) -> ReminderReport:
    """E-mail each unit's performance manager the realizations still missing near or after their due date.

    One e-mail per manager, listing every missing KPI and period of the units
    they manage (their own unit, or the units below with no manager of their
    own). `dry_run` builds the report without sending.
    """
    day = _today(today)
    items = missing_items(today=day)
    report = ReminderReport()
    if not items:
        return report
    units = {item.kpi.objective.map.unit.pk: item.kpi.objective.map.unit for item in items}
    managers = _managers_by_unit(units.values())
    for item in items:
        for user in managers.get(item.kpi.objective.map.unit_id, []):
            address = _address(user)
            if address:
                report.items.setdefault(address, []).append(item)
    messages = []
    for address, mine in sorted(report.items.items()):
        lines = [
            _("Yth. pengelola kinerja,"),
            "",
            _("Realisasi berikut belum diajukan per %(day)s:") % {"day": day.isoformat()},
            "",
        ]
        for item in mine:
            if item.days_late > 0:
                when = _("terlambat %(days)d hari") % {"days": item.days_late}
            else:
                when = _("batas waktu %(date)s") % {"date": item.period.due_date.isoformat()}
            state = _("konsep") if item.realization is not None else _("belum diisi")
            lines.append(
                f"- {item.kpi.objective.map.unit.code} · {item.kpi.code} {item.kpi.name} · "
                f"{item.period.display_name} · {state} · {when}"
            )
        lines += ["", _("Pesan ini dikirim otomatis oleh Kinerja.")]
        subject = _("[Kinerja] %(count)d realisasi belum diajukan") % {"count": len(mine)}
        messages.append(EmailMessage(subject, "\n".join(lines), to=[address]))
    if not dry_run:
        connection = get_connection()
        report.emails = connection.send_messages(messages) or 0
    return report


# --------------------------------------------------------------------------- importing realizations


@dataclass
class ImportResult:
    """What an import found and did. Nothing is written when `problems` is not empty (or on a dry run)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Any] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def import_realizations(
    *,
    source: Any,
    by: Any,
    name: str | None = None,
    strategy_map: StrategyMap | None = None,
    plan_year: PlanYear | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Import realizations for many KPIs and periods at once, all or nothing (rules 20, 23).

    `source` is a CSV or .xlsx file (path or binary stream) read by
    `importing.read_entries`. With `strategy_map`, every row is a KPI of that
    map (a `unit` column, when present, must name its unit); without it, the
    `unit` column names each row's unit and its map of `plan_year`. Every
    problem is listed — a text in a number cell, an unknown KPI code, a period
    of another year or of another frequency, a closed period, a realization
    already submitted, a row given twice — with its row and column, and then
    nothing is written. Otherwise new realizations are created as drafts and
    changed drafts updated, in one transaction with their history, and the
    scores recomputed after commit. `dry_run` checks everything and writes
    nothing.
    """
    from .importing import ImportProblem, read_entries

    if strategy_map is None and plan_year is None:
        raise ValueError("import_realizations needs a strategy map or a plan year")
    if strategy_map is not None:
        ensure(by, "reporting.import_realizations", strategy_map)
        plan_year = strategy_map.plan_year
    assert plan_year is not None
    result = ImportResult(dry_run=dry_run)
    table, problems = read_entries(source, name=name)
    result.problems = list(problems)
    if table is None:
        return result
    result.rows = len(table.rows) + len({p.row for p in problems if p.row is not None})
    col = table.column
    if strategy_map is not None and strategy_map.state not in REPORTABLE_MAP_STATES:
        result.problems.insert(
            0,
            ImportProblem(
                None,
                None,
                _("Peta strategi %(map)s belum disetujui; realisasi dapat diisi setelah peta disetujui.")
                % {"map": str(strategy_map)},
            ),
        )
        return result
    with transaction.atomic():
        ensure_periods(plan_year)
        periods = {
            p.label: p for p in ReportingPeriod.objects.select_for_update().filter(plan_year=plan_year)
        }
        # the maps the rows may name, by unit code
        if strategy_map is not None:
            maps = {strategy_map.unit.code: strategy_map}
        else:
            codes = {r.unit for r in table.rows if r.unit}
            maps = {
                m.unit.code: m
                for m in StrategyMap.objects.filter(
                    plan_year=plan_year, unit__code__in=codes, state__in=REPORTABLE_MAP_STATES
                ).select_related("unit", "plan_year")
            }
        allowed = {
            code: (by is None or by.has_perm("reporting.import_realizations", m)) for code, m in maps.items()
        }
        map_ids = [m.pk for m in maps.values()]
        kpis = {
            (map_id, code): (pk, frequency)
            for pk, code, frequency, map_id in Kpi.objects.filter(objective__map_id__in=map_ids).values_list(
                "pk", "code", "frequency", "objective__map_id"
            )
        }
        wanted_periods = {str(r.period) for r in table.rows if r.period is not None}
        period_ids = [p.pk for label, p in periods.items() if label in wanted_periods]
        existing = {
            (r.kpi_id, r.period_id): r
            for r in Realization.objects.filter(kpi__objective__map_id__in=map_ids, period_id__in=period_ids)
        }
        seen: dict[tuple[int, int], int] = {}
        new: list[tuple[int, int, Decimal, str]] = []
        changed: list[Realization] = []
        touched: set[tuple[int, int]] = set()
        found = result.problems
        single = strategy_map.unit.code if strategy_map is not None else None
        year = plan_year.year
        closed_problem: dict[int, str] = {}
        for row in table.rows:
            if row.realization is None:
                result.skipped += 1
                continue
            number = row.row
            if single is not None:
                if row.unit is not None and row.unit != single:
                    found.append(
                        ImportProblem(
                            number,
                            col("unit"),
                            _("unit %(unit)s bukan unit peta ini (%(map_unit)s)")
                            % {"unit": row.unit, "map_unit": single},
                        )
                    )
                    continue
                target_map = strategy_map
            else:
                if row.unit is None:
                    found.append(ImportProblem(number, col("unit"), _("wajib diisi")))
                    continue
                target_map = maps.get(row.unit)
                if target_map is None or not allowed.get(row.unit, False):
                    found.append(
                        ImportProblem(
                            number,
                            col("unit"),
                            _(
                                "unit %(unit)s tidak memiliki peta strategi %(year)s yang disetujui dan dapat Anda isi"
                            )
                            % {"unit": row.unit, "year": year},
                        )
                    )
                    continue
            assert target_map is not None and row.period is not None
            label = str(row.period)
            period = periods.get(label) if row.period.year == year else None
            if period is None:
                found.append(
                    ImportProblem(
                        number,
                        col("period"),
                        _("periode %(period)s bukan periode tahun rencana %(year)s")
                        % {"period": label, "year": year},
                    )
                )
                continue
            kpi = kpis.get((target_map.pk, row.kpi_code))
            if kpi is None:
                found.append(
                    ImportProblem(
                        number,
                        col("kpi_code"),
                        _("IKU %(code)s tidak ada pada peta %(map)s")
                        % {"code": row.kpi_code, "map": str(target_map)},
                    )
                )
                continue
            kpi_id, frequency = kpi
            if frequency != period.frequency:
                found.append(
                    ImportProblem(
                        number,
                        col("period"),
                        _("IKU %(code)s dilaporkan %(frequency)s; %(period)s bukan periode pelaporannya")
                        % {
                            "code": row.kpi_code,
                            "frequency": Frequency(frequency).label.lower(),
                            "period": label,
                        },
                    )
                )
                continue
            if period.state == PeriodState.CLOSED:
                message = closed_problem.get(period.pk)
                if message is None:
                    message = closed_problem[period.pk] = _(
                        "periode %(period)s (%(label)s) sudah ditutup; realisasinya tidak dapat diimpor"
                    ) % {"period": period.display_name, "label": label}
                found.append(ImportProblem(number, col("period"), message))
                continue
            key = (kpi_id, period.pk)
            other = seen.get(key)
            if other is not None:
                found.append(
                    ImportProblem(
                        number,
                        col("kpi_code"),
                        _("IKU %(code)s periode %(period)s muncul dua kali (juga baris %(other)d)")
                        % {"code": row.kpi_code, "period": label, "other": other},
                    )
                )
                continue
            seen[key] = number
            current = existing.get(key)
            if current is None:
                new.append((kpi_id, period.pk, row.realization, row.analysis))
                touched.add((target_map.pk, period.pk))
                continue
            if current.state != RealizationState.DRAFT:
                found.append(
                    ImportProblem(
                        number,
                        col("realization"),
                        _(
                            "realisasi IKU %(code)s periode %(period)s sudah berstatus %(state)s dan tidak dapat ditimpa"
                        )
                        % {"code": row.kpi_code, "period": label, "state": current.get_state_display()},
                    )
                )
                continue
            analysis = row.analysis if table.has_analysis else current.analysis
            if current.value == row.realization and current.analysis == analysis:
                result.unchanged += 1
                continue
            current.value, current.analysis = row.realization, analysis
            changed.append(current)
            touched.add((target_map.pk, period.pk))
        if found:
            found.sort(key=lambda p: p.row or 0)
            return result
        result.created, result.updated = len(new), len(changed)
        if dry_run:
            return result
        from simple_history.utils import bulk_update_with_history

        from .bulk import insert_with_history

        now = timezone.now()
        if new:
            insert_with_history(
                Realization,
                new,
                varying=("kpi_id", "period_id", "value", "analysis"),
                constant={"created_by_id": getattr(by, "pk", None)},
                key=("kpi_id", "period_id"),
                user=by,
                now=now,
            )
        if changed:
            for realization in changed:
                realization.updated_at = now
            bulk_update_with_history(
                changed, Realization, ["value", "analysis", "updated_at"], batch_size=1000, default_user=by
            )
        by_id = {p.pk: p for p in periods.values()}
        schedule_recompute([(map_id, by_id[period_id]) for map_id, period_id in touched], trigger="import")
        result.written = True
    return result
