"""Rewards inputs (issue 14 item 8; domain.md §1 step 8, §4 "a reward record … cites an employee's score
record"): employee-of-the-month and exemplary-employee nominations drawn from the scores. Payroll stays outside.

Candidates
* exemplary employee (the year): the unit's current scores (`standing.standings`: the latest `ScoreRecord`,
  after calibration), best NKP first; equal NKPs are ordered by the work result (CKP / NHK), then by behaviour
  (NP / NPK), and each tie is explained; people still equal on all three share the rank (the leader chooses).
* employee of the month: the work result as of the month, as the scoring core computes it from the inputs of
  that month (`inputs.gather(as_of=month)`; not stored — nothing here changes the year's records), best first;
  ties by the NKP as of the month, then behaviour.

A unit with more than `settings.KINERJA_REWARDS_MAX_PEOPLE` active people in its subtree (an echelon I, the
ministry) gets no candidates (`crowded`): drawing them scores or ranks every person of the subtree; its units
below are listed to draw them from instead, and a nomination is made there.

Writes (one transaction each, permission first): `nominate` (a leader reaching the unit, with a reason; the
nominee must be a candidate with a figure, which is copied), `decide` (accept, or reject with a reason: a
leader reaching the unit who did not nominate, or an administrator).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.history import Actor, author, recorded
from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Frequency, PlanYear
from kinerja.reporting.models import ReportingPeriod
from kinerja.scoring import display

from .inputs import gather, units_below_if_crowded
from .models import FigureKind, Nomination, NominationKind, NominationState, ScoreRecord
from .services import _figures, score_gathered
from .standing import standings

__all__ = [
    "Candidate",
    "crowded",
    "decide",
    "month_candidates",
    "months_of",
    "nominate",
    "nominations_of",
    "year_candidates",
]

_LOW = Decimal("-1e9")


@dataclass
class Candidate:
    """One employee as a candidate: the figure ranked on, the tie-breakers, the record cited (year only)."""

    employee: Employee
    figure_kind: str
    figure: Decimal
    second: Decimal | None
    third: Decimal | None
    as_of: str
    record: ScoreRecord | None = None
    rank: int = 0
    tie: str = ""

    @property
    def figure_label(self) -> str:
        return str(FigureKind(self.figure_kind).label)


def _key(c: Candidate) -> tuple[Decimal, Decimal, Decimal]:
    return (c.figure, c.second if c.second is not None else _LOW, c.third if c.third is not None else _LOW)


def _ranked(candidates: list[Candidate], second_label: str, third_label: str) -> list[Candidate]:
    """Best first; equal keys share a rank; a tie on the figure is explained (what decided it, or nothing)."""
    candidates.sort(key=lambda c: (tuple(-v for v in _key(c)), c.employee.nip))
    for index, c in enumerate(candidates):
        before = candidates[index - 1] if index else None
        c.rank = before.rank if before is not None and _key(before) == _key(c) else index + 1
    for c in candidates:
        equals = [o for o in candidates if o is not c and o.figure == c.figure]
        if not equals:
            continue
        names = ", ".join(o.employee.name for o in equals[:3])
        same_all = [o for o in equals if _key(o) == _key(c)]
        if same_all:
            c.tie = _("Sama persis dengan %(names)s pada %(a)s, %(b)s dan %(c)s: pimpinan memilih.") % {
                "names": ", ".join(o.employee.name for o in same_all[:3]),
                "a": c.figure_label,
                "b": second_label,
                "c": third_label,
            }
        elif all(o.second == c.second for o in equals):
            c.tie = _("%(a)s sama dengan %(names)s (%(v)s); diurutkan menurut %(c)s: %(mine)s.") % {
                "a": c.figure_label,
                "names": names,
                "v": shown(c.figure),
                "c": third_label,
                "mine": shown(c.third) if c.third is not None else "N/A",
            }
        else:
            c.tie = _("%(a)s sama dengan %(names)s (%(v)s); diurutkan menurut %(b)s: %(mine)s.") % {
                "a": c.figure_label,
                "names": names,
                "v": shown(c.figure),
                "b": second_label,
                "mine": shown(c.second) if c.second is not None else "N/A",
            }
    return candidates


def crowded(unit: Unit) -> list[Unit] | None:
    """None when candidates are drawn for `unit` (at most `KINERJA_REWARDS_MAX_PEOPLE` active people in its
    subtree, counted up to one past the limit whatever its size); else the units below to draw them from."""
    return units_below_if_crowded(unit, settings.KINERJA_REWARDS_MAX_PEOPLE)


def year_candidates(unit: Unit, plan_year: PlanYear) -> list[Candidate]:
    """The unit's people with a current NKP of the year (after calibration), best first, ties explained."""
    found = [
        Candidate(
            employee=s.employee,
            figure_kind=FigureKind.NKP,
            figure=s.nkp,
            second=s.record.work,
            third=s.record.behaviour,
            as_of=s.record.as_of or str(plan_year.year),
            record=s.record,
        )
        for s in standings(unit, plan_year).rows
        if s.nkp is not None
    ]
    return _ranked(found, _("hasil kerja"), _("perilaku"))


def months_of(plan_year: PlanYear) -> list[ReportingPeriod]:
    return list(
        ReportingPeriod.objects.filter(plan_year=plan_year, frequency=Frequency.MONTHLY).order_by("number")
    )


def default_month(months: Sequence[ReportingPeriod], today: dt.date | None = None) -> ReportingPeriod | None:
    """The last month that has ended, else the first."""
    day = today or timezone.localdate()
    ended = [m for m in months if m.end < day]
    return ended[-1] if ended else (months[0] if months else None)


def month_candidates(unit: Unit, plan_year: PlanYear, month: ReportingPeriod) -> list[Candidate]:
    """The unit's people by their work result as of the month (the scoring core on that month's inputs; not
    stored), best first; ties by the NKP as of the month, then behaviour."""
    gathered = gather(unit, plan_year, as_of=month)
    results, _errors = score_gathered(gathered)
    found = []
    for person in gathered.people:
        result = results.get(person.nip)
        if result is None:
            continue
        work, behaviour, _predicate = _figures(result)
        if work is None:
            continue
        found.append(
            Candidate(
                employee=person,
                figure_kind=FigureKind.WORK,
                figure=display(work),
                second=None if result.nkp is None else display(result.nkp),
                third=None if behaviour is None else display(behaviour),
                as_of=gathered.as_of,
            )
        )
    return _ranked(found, _("NKP"), _("perilaku"))


def nominations_of(unit: Unit, plan_year: PlanYear) -> QuerySet[Nomination]:
    """The unit's nominations of the year (its subtree's units), newest first within each kind."""
    return (
        Nomination.objects.filter(unit=unit, plan_year=plan_year)
        .select_related("employee__unit", "period", "nominated_by", "decided_by", "score_record")
        .order_by("kind", "-period__end", "-nominated_at", "-pk")
    )


def nominations_visible(user: Viewer) -> QuerySet[Nomination]:
    from kinerja.accounts.rules import APPRAISAL_READ_ROLES

    return (
        Nomination.objects.filter(unit_filter(user, "unit__path", APPRAISAL_READ_ROLES))
        .select_related("unit", "plan_year", "employee", "period", "nominated_by", "decided_by")
        .order_by("-plan_year__year", "unit__path", "kind", "-nominated_at", "-pk")
    )


def nominate(
    *,
    unit: Unit,
    plan_year: PlanYear,
    kind: str,
    employee: Employee,
    reason: str,
    by: Actor,
    month: ReportingPeriod | None = None,
) -> Nomination:
    """A leader nominates a candidate of the unit, citing the candidate's figure, with a reason."""
    ensure(by, "appraisals.add_nomination", unit)
    errors: dict[str, str] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = _("Alasan usulan wajib diisi.")
    if kind not in NominationKind.values:
        errors["kind"] = _("Pilih jenis penghargaan.")
    if kind == NominationKind.EMPLOYEE_OF_MONTH and (
        month is None or month.plan_year_id != plan_year.pk or month.frequency != Frequency.MONTHLY
    ):
        errors["month"] = _("Pilih bulan tahun rencana ini.")
    if not employee.unit.path.startswith(unit.path):
        errors["employee"] = _("Pegawai bukan pegawai unit ini.")
    if not errors and crowded(unit) is not None:
        errors["employee"] = _(
            "Unit ini terlalu besar untuk menarik kandidat (lebih dari %(n)s pegawai): usulkan dari unit di bawahnya."
        ) % {"n": settings.KINERJA_REWARDS_MAX_PEOPLE}
    if errors:
        raise ValidationError(errors)
    if kind == NominationKind.EMPLOYEE_OF_MONTH:
        assert month is not None
        candidates = month_candidates(unit, plan_year, month)
    else:
        month = None
        candidates = year_candidates(unit, plan_year)
    chosen = next((c for c in candidates if c.employee.pk == employee.pk), None)
    if chosen is None:
        raise ValidationError({"employee": _("Pegawai ini belum memiliki nilai untuk periode ini.")})
    nomination = Nomination(
        kind=kind,
        unit=unit,
        plan_year=plan_year,
        period=month,
        employee=employee,
        score_record=chosen.record,
        figure_kind=chosen.figure_kind,
        figure=chosen.figure,
        as_of=chosen.as_of,
        rank=chosen.rank,
        reason=reason,
        nominated_by=author(by),
    )
    recorded(nomination, by, _("diusulkan"))
    try:
        with transaction.atomic():
            nomination.save()
    except IntegrityError as error:
        raise ValidationError(
            {"employee": _("Pegawai ini sudah diusulkan untuk penghargaan yang sama.")}
        ) from error
    return nomination


def decide(*, nomination: Nomination, accept: bool, by: Actor, note: str = "") -> Nomination:
    """Accept, or reject with a reason, a proposed nomination."""
    ensure(by, "appraisals.decide_nomination", nomination)
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError({"note": _("Alasan penolakan wajib diisi.")})
    with transaction.atomic():
        locked = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if locked.state != NominationState.PROPOSED:
            raise ValidationError({"__all__": _("Usulan ini sudah diputuskan.")})
        locked.state = NominationState.ACCEPTED if accept else NominationState.REJECTED
        locked.decided_by = author(by)
        locked.decided_at = timezone.now()
        locked.decision_note = note
        recorded(locked, by, note or _("diterima"))
        locked.save()
        return locked
