"""Calibration sessions (issue 13 item 7; `scoring.md` §6, `domain.md` rule 26): the leader and the performance
managers of a map-owner unit review the year's ranking (`standing.standings`), adjust a person's NKP within the
rule set's bound (`appraisal.calibration_limit`, ± NKP points) with a required reason, and close the session.

* `open_session` — one session per unit and year, by the unit's leader or performance manager
  (`appraisals.manage_calibrationsession`); the unit owns a strategy map for the year. A closed session stays
  closed: it is never opened again.
* `adjust` — while the session is open: a person of the unit's subtree with a current `ScoreRecord` holding an
  NKP; the original is that NKP, kept beside the new value; |new − original| ≤ the bound and the new value ≥ 0.
  Adjusting the same person again edits the row (the history keeps every version, with who and why). A person
  is adjusted in one session of the year only (the standings apply one adjustment per person).
* `remove_adjustment` — while the session is open.
* `close_session` — refused while the rule set enforces the predicate limits and a map owner of the unit
  breaches them (the error lists the breaches); otherwise closed, the breaches staying on the page as warnings.

Every write runs in one transaction on the locked session row and saves with its author (simple_history): a
refused write changes nothing. The states run on the shared workflow engine (`CALIBRATION_WORKFLOW`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import APPRAISAL_READ_ROLES, ensure
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.history import Actor, author, recorded
from kinerja.common.labels import predicate_label
from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.common.workflow import Step, Workflow, locked
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear, StrategyMap
from kinerja.scoring import LimitCheck, get_rule_set

from . import selectors
from .models import CalibrationAdjustment, CalibrationSession, CalibrationState
from .standing import Owner, standings

__all__ = [
    "CALIBRATION_WORKFLOW",
    "adjust",
    "breach_text",
    "close_session",
    "limit_of",
    "open_session",
    "remove_adjustment",
    "sessions_readable_by",
]

MANAGE = "appraisals.manage_calibrationsession"
OPEN = frozenset({CalibrationState.OPEN})
CENT = Decimal("0.01")


# =========================================================================== the workflow


def breach_text(owner: Owner, check: LimitCheck) -> str:
    """One rule 26 breach as people read it: the unit, its rating, the predicates counted and the bound."""
    predicates = " / ".join(predicate_label(p) for p in check.limit.predicates)
    bounds = []
    if check.allowed_most is not None and check.count > check.allowed_most:
        bounds.append(_("paling banyak %(n)d orang") % {"n": check.allowed_most})
    if check.required_least is not None and check.count < check.required_least:
        bounds.append(_("paling sedikit %(n)d orang") % {"n": check.required_least})
    return _(
        "%(unit)s (rating organisasi %(rating)s): %(predicates)s %(count)d dari %(total)d orang, "
        "seharusnya %(bound)s"
    ) % {
        "unit": owner.unit.code,
        "rating": predicate_label(owner.rating) or "—",
        "predicates": predicates,
        "count": check.count,
        "total": check.total,
        "bound": _(" dan ").join(bounds) or "—",
    }


def _limits_kept(session: Any, actor: Actor, context: Any) -> str | None:
    """Rule 26 when the rule set enforces it: every map owner of the unit keeps the predicate limits."""
    found = context.get("standings")
    if found is None:
        found = standings(session.unit, session.plan_year)
    if not found.enforced or not found.breaches:
        return None
    return _(
        "Sidang kalibrasi tidak dapat ditutup: sebaran predikat melanggar batas aturan penilaian (aturan 26): "
        "%(breaches)s."
    ) % {"breaches": "; ".join(breach_text(o, c) for o, c in found.breaches)}


def _wrong_state(session: Any, step: Step) -> str:
    if step.action == "adjust":
        return _("Sidang kalibrasi ini telah ditutup; nilai tidak dapat disesuaikan lagi.")
    return _("Sidang kalibrasi ini telah ditutup.")


def _closed(session: Any, by: Actor, reason: str) -> None:
    session.closed_at = timezone.now()
    session.closed_by = author(by)


CALIBRATION_WORKFLOW = Workflow(
    steps=(
        Step("adjust", OPEN, None, MANAGE, code="calibration_closed"),
        Step(
            "close",
            OPEN,
            CalibrationState.CLOSED,
            MANAGE,
            guards=(_limits_kept,),
            effect=_closed,
            fields=("closed_at", "closed_by"),
        ),
    ),
    code="calibration_cannot_{action}",
    wrong_state=_wrong_state,
    permission_first=True,
)


# =========================================================================== selectors


def sessions_readable_by(user: Viewer) -> QuerySet[CalibrationSession]:
    """Sessions of the units where `user` is a manager, leader, auditor or administrator."""
    return CalibrationSession.objects.filter(
        unit_filter(user, "unit__path", APPRAISAL_READ_ROLES)
    ).select_related("unit", "plan_year", "opened_by", "closed_by")


def limit_of(plan_year: PlanYear, rule_set: str | None = None) -> Decimal:
    """The bound of an adjustment (± NKP points) by the rule set of the record (else of the year)."""
    return Decimal(get_rule_set(rule_set or plan_year.rule_set).appraisal.calibration_limit.value)


# =========================================================================== services


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]} if field else message, code=code)


def _exists_message(unit: Unit, plan_year: PlanYear, state: str) -> str:
    if state == CalibrationState.CLOSED:
        return _(
            "Sidang kalibrasi unit %(unit)s tahun %(year)s sudah ditutup dan tidak dapat dibuka kembali."
        ) % {"unit": unit.code, "year": plan_year.year}
    return _("Sidang kalibrasi unit %(unit)s tahun %(year)s sudah dibuka.") % {
        "unit": unit.code,
        "year": plan_year.year,
    }


def open_session(
    unit: Unit,
    plan_year: PlanYear,
    by: Actor,
    *,
    held_on: dt.date | None = None,
    note: str = "",
) -> CalibrationSession:
    """Open the calibration session of a map-owner unit's year (one per unit and year, never reopened)."""
    ensure(by, MANAGE, unit)
    if not StrategyMap.objects.filter(unit=unit, plan_year=plan_year).exists():
        raise _refuse(
            _(
                "Unit %(unit)s tidak memiliki peta strategi tahun %(year)s; sidang kalibrasi diadakan oleh "
                "unit pemilik peta."
            )
            % {"unit": unit.code, "year": plan_year.year},
            "not_a_map_owner",
        )
    existing = CalibrationSession.objects.filter(unit=unit, plan_year=plan_year).values_list(
        "state", flat=True
    )
    for state in existing:
        raise _refuse(_exists_message(unit, plan_year, state), "calibration_exists")
    session = CalibrationSession(
        unit=unit,
        plan_year=plan_year,
        held_on=held_on or timezone.localdate(),
        note=note.strip(),
        opened_by=author(by),
    )
    try:
        with transaction.atomic():
            recorded(session, by).save()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise _refuse(_exists_message(unit, plan_year, CalibrationState.OPEN), "calibration_exists") from None
    return session


def _value(value: Any) -> Decimal:
    try:
        found = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", "."))
    except (InvalidOperation, TypeError, ValueError):
        raise _refuse(_("NKP setelah kalibrasi harus berupa angka."), "not_a_number", "adjusted") from None
    if not found.is_finite():
        raise _refuse(_("NKP setelah kalibrasi harus berupa angka."), "not_a_number", "adjusted")
    if found != found.quantize(CENT):
        raise _refuse(_("NKP paling banyak dua angka desimal."), "too_precise", "adjusted")
    return found


def adjust(
    session: CalibrationSession,
    employee: Employee,
    value: Any,
    reason: str,
    by: Actor,
) -> CalibrationAdjustment:
    """Adjust one person's NKP in an open session, within the rule set's bound, with a reason.

    Refused (`ValidationError`, nothing changed): a blank reason, a closed session, a person outside the unit's
    subtree, without a current NKP, or adjusted in another session of the year; a value beyond
    ± `calibration_limit` of the original or below 0. A second adjustment of the same person edits the row.
    """
    CALIBRATION_WORKFLOW.ensure(session, "adjust", by)
    reason = (reason or "").strip()
    if not reason:
        raise _refuse(
            _("Alasan penyesuaian wajib diisi: tuliskan mengapa nilai ini disesuaikan."),
            "reason_required",
            "reason",
        )
    new = _value(value)
    unit, plan_year = session.unit, session.plan_year
    if not employee.unit.path.startswith(unit.path):
        raise _refuse(
            _("%(name)s (NIP %(nip)s) tidak berada di unit %(unit)s atau unit di bawahnya.")
            % {"name": employee.name, "nip": employee.nip, "unit": unit.code},
            "outside_unit",
            "employee",
        )
    with transaction.atomic():
        current = locked(session, related=("unit", "plan_year"))
        CALIBRATION_WORKFLOW.ensure(current, "adjust", by)
        record = selectors.latest(employee, plan_year)
        if record is None or record.nkp is None:
            raise _refuse(
                _("%(name)s (NIP %(nip)s) belum memiliki NKP tahun %(year)s; hitung nilai unit lebih dahulu.")
                % {"name": employee.name, "nip": employee.nip, "year": plan_year.year},
                "no_score",
                "employee",
            )
        elsewhere = (
            CalibrationAdjustment.objects.filter(session__plan_year=plan_year, employee=employee)
            .exclude(session=current)
            .select_related("session__unit")
            .first()
        )
        if elsewhere is not None:
            raise _refuse(
                _(
                    "NKP %(name)s tahun %(year)s sudah disesuaikan dalam sidang kalibrasi unit %(unit)s; "
                    "satu pegawai disesuaikan dalam satu sidang saja."
                )
                % {"name": employee.name, "year": plan_year.year, "unit": elsewhere.session.unit.code},
                "adjusted_elsewhere",
                "employee",
            )
        original = record.nkp
        limit = limit_of(plan_year, record.rule_set)
        if abs(new - original) > limit:
            raise _refuse(
                _(
                    "Penyesuaian paling banyak ±%(limit)s dari NKP semula %(original)s, yaitu antara %(low)s "
                    "dan %(high)s (batas aturan penilaian %(rule_set)s)."
                )
                % {
                    "limit": shown(limit),
                    "original": shown(original, 2, trim=False),
                    "low": shown(max(Decimal(0), original - limit), 2, trim=False),
                    "high": shown(original + limit, 2, trim=False),
                    "rule_set": record.rule_set,
                },
                "beyond_limit",
                "adjusted",
            )
        if new < 0:
            raise _refuse(_("NKP setelah kalibrasi paling sedikit 0."), "below_zero", "adjusted")
        if new == original:
            raise _refuse(
                _("Nilai sama dengan NKP semula %(original)s; tidak ada yang disesuaikan.")
                % {"original": shown(original, 2, trim=False)},
                "unchanged",
                "adjusted",
            )
        row = CalibrationAdjustment.objects.filter(session=current, employee=employee).first()
        if row is None:
            row = CalibrationAdjustment(session=current, employee=employee)
        row.record = record
        row.original = original
        row.adjusted = new
        row.reason = reason
        row.by = author(by)
        recorded(row, by, reason).save()
    return row


def remove_adjustment(adjustment: CalibrationAdjustment, by: Actor) -> None:
    """Withdraw an adjustment while its session is open (the history keeps it, with who removed it)."""
    CALIBRATION_WORKFLOW.ensure(adjustment.session, "adjust", by)
    with transaction.atomic():
        current = locked(adjustment.session)
        CALIBRATION_WORKFLOW.ensure(current, "adjust", by)
        recorded(adjustment, by).delete()


def close_session(session: CalibrationSession, by: Actor) -> CalibrationSession:
    """Close the session: refused while the rule set enforces the predicate limits and they are breached.

    The permission and the state are asked first; the standings are read once, on the locked row."""
    with transaction.atomic():
        current = locked(session, related=("unit", "plan_year"))
        CALIBRATION_WORKFLOW.ensure(current, "close", by)
        CALIBRATION_WORKFLOW.apply(current, "close", by=by)
    for name in ("state", "closed_at", "closed_by_id"):
        setattr(session, name, getattr(current, name))
    return session
