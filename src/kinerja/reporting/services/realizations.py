"""Realizations: entry (rule 20) and the workflow steps (rule 22), one by one or in bulk."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import HISTORY_REASON_MAX, Actor, author, recorded
from kinerja.common.races import conflicts, retry_on_race
from kinerja.planning.models import (
    REPORTABLE_MAP_STATES,
    Frequency,
    Kpi,
)

from .. import workflow
from ..models import (
    Evidence,
    Realization,
    RealizationState,
    ReportingPeriod,
    WorkflowEvent,
)
from ..signals import realizations_changed
from ..workflow import REALIZATION_WORKFLOW
from .notices import realizations_stepped
from .periods import ensure_period_open
from .scores import schedule_recompute

BULK_CHUNK = 1000  # rows read, locked and written at a time by a bulk step


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


def rolled_up_message(kpi: Kpi) -> str:
    return _(
        "IKU %(code)s diturunkan langsung ke bawahan: realisasinya dihitung dari realisasi IKU turunannya "
        "(roll-up) dan tidak dapat diisi (aturan 20)."
    ) % {"code": kpi.code}


def contract_not_signed_message(kpi: Kpi) -> str:
    return _(
        "IKI %(code)s belum termasuk kontrak kinerja yang ditandatangani; realisasi dapat diisi setelah "
        "kontraknya ditandatangani (aturan 20)."
    ) % {"code": kpi.code}


def reportable_problem(kpi: Kpi) -> str | None:
    """Rule 20, what the KPI itself decides (no period): why it takes no typed realization now, or None.

    A rolled-up KPI never does (its realization is derived from its children's); an individual KPI (IKI)
    only once a signed contract holds it; a map KPI once its map is approved (or under revision).
    """
    if kpi.rolled_up:
        return rolled_up_message(kpi)
    if kpi.holder_id is not None:
        return None if kpi.contract_signed else contract_not_signed_message(kpi)
    strategy_map = kpi.objective.map
    if strategy_map.state not in REPORTABLE_MAP_STATES:
        return _("Peta strategi %(map)s belum disetujui; realisasi dapat diisi setelah peta disetujui.") % {
            "map": str(strategy_map)
        }
    return None


def check_reportable(kpi: Kpi, period: ReportingPeriod) -> None:
    """Rule 20: the KPI takes typed realizations (`reportable_problem`) and the period is one of its own.

    A map KPI needs its map approved (or under revision); an individual KPI (IKI) a signed contract; a
    rolled-up KPI is refused (its realization is derived). The period is of the plan year of the KPI's map
    (for an IKI: the map of the objective it supports) and of the KPI's frequency.
    """
    problem = reportable_problem(kpi)
    if problem is not None:
        code = (
            "rolled_up"
            if kpi.rolled_up
            else "contract_not_signed"
            if kpi.holder_id is not None
            else "map_not_approved"
        )
        raise ValidationError(problem, code=code)
    strategy_map = kpi.objective.map
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
    *, kpi: Kpi, period: ReportingPeriod, value: Any, by: Actor, analysis: str | None = None
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

    def write() -> Realization:
        # the row is locked (its own row only) when it exists; when two writers create it at once, the
        # unique (kpi, period) constraint refuses the second insert and `retry_on_race` runs this again,
        # which then finds the row the first writer made and updates it as a draft
        with transaction.atomic():
            realization = (
                Realization.objects.select_for_update(of=("self",)).filter(kpi=kpi, period=period).first()
            )
            if realization is None:
                realization = Realization(kpi=kpi, period=period, value=number, created_by=author(by))
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
            if changed and kpi.holder_id is None:  # an IKI never moves a map's score
                schedule_recompute([(kpi.objective.map_id, period)], trigger="value")
        return realization

    return retry_on_race(write)


def _step(realization: Realization, action: str, by: Actor, reason: str = "") -> Realization:
    """Take one workflow step on the locked row (`REALIZATION_WORKFLOW.run`); the score is recomputed after commit."""
    with conflicts(), transaction.atomic():
        REALIZATION_WORKFLOW.run(
            realization,
            action,
            by=by,
            reason=reason,
            related=workflow.LOCK_RELATED,
            sync=workflow.STEP_FIELDS,
        )
        if realization.kpi.holder_id is None:
            schedule_recompute([(realization.kpi.objective.map_id, realization.period)], trigger=action)
        realizations_stepped(action=action, realizations=[realization], by=by, reason=reason)
    return realization


def submit_realization(*, realization: Realization, by: Actor) -> Realization:
    """draft → submitted, by an employee or manager of the unit; evidence first (rule 21)."""
    return _step(realization, "submit", by)


def verify_realization(*, realization: Realization, by: Actor) -> Realization:
    """submitted → verified, by the unit's performance manager, who did not submit it."""
    return _step(realization, "verify", by)


def approve_realization(*, realization: Realization, by: Actor) -> Realization:
    """verified → approved, by the unit's leader; an approved realization counts in the score."""
    return _step(realization, "approve", by)


def return_realization(*, realization: Realization, reason: str, by: Actor) -> Realization:
    """submitted / verified / approved → draft, by a manager or leader, with a reason the submitter sees."""
    return _step(realization, "return", by, reason)


@dataclass(frozen=True)
class BulkResult:
    """One item of a bulk action: the realization, whether the step was taken, and why not."""

    realization_id: int
    ok: bool
    message: str = ""


def bulk_step(
    *, realizations: Sequence[Realization], action: str, by: Actor, reason: str = ""
) -> list[BulkResult]:
    """Take one workflow step on many realizations in one transaction; each item reports its own result.

    An item that may not take the step (another unit, wrong state, its own
    submission …) is skipped with its message; the others are saved.

    Set-based: the rows are read and locked a chunk at a time (in the order of their pk, as imports lock
    them, so two writers never wait on each other), the current evidence of a submission is counted in one
    query per chunk, each row is checked in Python exactly as `submit_realization` and the others check it
    (`REALIZATION_WORKFLOW.may` and `problem`), and the steps taken are written with one bulk update (with
    their history rows: who and the reason) and one bulk insert of workflow events per chunk.
    """
    reason = REALIZATION_WORKFLOW.required_reason(action, reason)
    step = REALIZATION_WORKFLOW.step(action)
    results: dict[int, BulkResult] = {}
    pending: set[tuple[int, ReportingPeriod]] = set()
    stepped: list[Realization] = []
    ids = sorted({r.pk for r in realizations})
    with conflicts(), transaction.atomic():
        for start in range(0, len(ids), BULK_CHUNK):
            chunk = ids[start : start + BULK_CHUNK]
            rows = list(
                Realization.objects.select_for_update(of=("self",))
                .select_related(*workflow.LOCK_RELATED)
                .filter(pk__in=chunk)
                .order_by("pk")
            )
            evidence = _current_evidence(rows) if action == "submit" else {}
            now = timezone.now()
            done: list[tuple[Realization, str]] = []
            before = {r.pk: _step_values(r) for r in rows}
            for current in rows:
                if not REALIZATION_WORKFLOW.may(current, action, by):
                    results[current.pk] = BulkResult(
                        current.pk, False, _("Anda tidak berwenang atas realisasi ini.")
                    )
                    continue
                found = REALIZATION_WORKFLOW.problem(
                    current, action, by, current_evidence=evidence.get(current.pk, 0)
                )
                if found is not None:
                    results[current.pk] = BulkResult(current.pk, False, found)
                    continue
                from_state = current.state
                target = step.target_for(current)
                assert target is not None  # a realization's steps all move the state
                current.state = target
                if step.effect is not None:
                    step.effect(current, by, reason)
                current.updated_at = now
                done.append((current, from_state))
                results[current.pk] = BulkResult(current.pk, True)
            if not done:
                continue
            _write_steps([r for r, _from in done], before, by=by, reason=reason, now=now)
            WorkflowEvent.objects.bulk_create(
                [
                    WorkflowEvent(
                        realization=r,
                        from_state=from_state,
                        to_state=r.state,
                        actor=author(by),
                        reason=reason,
                    )
                    for r, from_state in done
                ],
                batch_size=BULK_CHUNK,
            )
            for r, _from in done:
                if r.kpi.holder_id is None:
                    pending.add((r.kpi.objective.map_id, r.period))
                stepped.append(r)
        schedule_recompute(pending, trigger=f"bulk_{action}")
        realizations_stepped(action=action, realizations=stepped, by=by, reason=reason)
        if stepped:
            # a bulk write sends no post_save per row: tell the layers above once, after commit (roll-ups)
            kpi_ids = sorted({r.kpi_id for r in stepped})
            period_ids = sorted({r.period_id for r in stepped})
            transaction.on_commit(
                lambda: realizations_changed.send(sender=Realization, kpi_ids=kpi_ids, period_ids=period_ids)
            )
    gone = _("Realisasi ini sudah tidak ada.")
    return [results.get(r.pk) or BulkResult(r.pk, False, gone) for r in realizations]


_STEP_ATTNAMES = tuple(
    str(getattr(Realization._meta.get_field(name), "attname", name))
    for name in workflow.STEP_FIELDS
    if name != "updated_at"
)


def _step_values(realization: Realization) -> tuple[Any, ...]:
    return tuple(getattr(realization, name) for name in _STEP_ATTNAMES)


def _write_steps(
    rows: Sequence[Realization], before: dict[int, tuple[Any, ...]], *, by: Actor, reason: str, now: Any
) -> None:
    """Save the stepped rows: one UPDATE per set of changed values (a step changes every row alike, so one
    or two), then their history rows (who, when, the reason) in one bulk insert."""
    groups: dict[tuple[tuple[str, Any], ...], list[int]] = defaultdict(list)
    for row in rows:
        old, new = before[row.pk], _step_values(row)
        changed = tuple(
            (name, value) for name, was, value in zip(_STEP_ATTNAMES, old, new, strict=True) if was != value
        )
        groups[changed].append(row.pk)
    for changed, pks in groups.items():
        Realization.objects.filter(pk__in=pks).update(updated_at=now, **dict(changed))
    Realization.history.bulk_history_create(
        list(rows),
        batch_size=BULK_CHUNK,
        default_user=by,
        default_change_reason=reason[:HISTORY_REASON_MAX] or None,
        default_date=now,
    )


def _current_evidence(rows: Sequence[Realization]) -> dict[int, int]:
    """{realization id: its current (not superseded) evidence files}, for the rows whose KPI requires them."""
    needing = [r.pk for r in rows if workflow.evidence_required(r.kpi)]
    if not needing:
        return {}
    counted = (
        Evidence.objects.filter(realization_id__in=needing, superseded_by__isnull=True)
        .values("realization_id")
        .annotate(n=Count("pk"))
        .values_list("realization_id", "n")
    )
    return dict(counted)


def bulk_submit(*, realizations: Sequence[Realization], by: Actor) -> list[BulkResult]:
    """Submit many draft realizations at once (an employee or manager of the unit); per-item results.

    Each item is checked as `submit_realization` checks it: the permission on
    its unit, an open period, the draft state and evidence first (rule 21).
    """
    return bulk_step(realizations=realizations, action="submit", by=by)


def bulk_verify(*, realizations: Sequence[Realization], by: Actor) -> list[BulkResult]:
    """Verify many submitted realizations at once (a performance manager); per-item results."""
    return bulk_step(realizations=realizations, action="verify", by=by)


def bulk_approve(*, realizations: Sequence[Realization], by: Actor) -> list[BulkResult]:
    """Approve many verified realizations at once (a leader); per-item results."""
    return bulk_step(realizations=realizations, action="approve", by=by)
