"""The 360° behaviour assessment under `kmk-467-2014` (`scoring.md` §6, `domain.md` rule 25): the services and
selectors of campaigns, rater assignments and answers.

A campaign rates the employees of a unit's subtree for one semester. The performance manager creates it,
generates the raters from the organisation (the direct superior, peers of the same unit and level, the direct
subordinates, oneself where allowed), edits them while it is a draft, launches it, reminds the raters who have
not answered, and closes it. Each rater answers their own forms: six aspects 0–100, leadership only for the
holder of a structural position. A closed campaign takes no answers.

Anonymity: who gave a peer or subordinate answer is never shown to the person rated, nor to colleagues.
Only the managers' progress tallies and rater list (who has not answered yet, for reminders) name raters;
`rater_rows` hides the raters of the viewer's own peer and subordinate forms even from a manager rated in
the campaign. No selector returns another person's answer values.

The writes follow the services' conventions (`docs/architecture.md`): keyword-only, `by: Actor`, one
transaction, `ensure` for the permission, a coded `ValidationError` for a broken rule; the campaign's states
run on `campaign_workflow.CAMPAIGN_WORKFLOW`.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import APPRAISAL_MANAGE_ROLES, APPRAISAL_READ_ROLES, ensure
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.history import Actor, author, recorded
from kinerja.common.workflow import locked
from kinerja.organisations.models import Employee, PositionType, Unit
from kinerja.planning import scoring_bridge
from kinerja.planning.models import PlanYear
from kinerja.scoring import NkpMethod
from kinerja.scoring.enums import RaterGroup as CoreRaterGroup

from .campaign_workflow import CAMPAIGN_WORKFLOW
from .models import ASPECT_FIELDS, Campaign, CampaignState, RaterAssignment, RaterGroup

DEFAULT_PEER_CAP = 3
"""Peers drawn per employee when the rule set names no cap (`scoring.md` §6 leaves the number open)."""
SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(100)
LEADERSHIP = "leadership"
CORE_ASPECTS = tuple(a for a in ASPECT_FIELDS if a != LEADERSHIP)
ANONYMOUS_GROUPS = frozenset({RaterGroup.PEER, RaterGroup.SUBORDINATE})
"""Rater groups whose identity the person rated never learns (issue 13, item 3)."""
ASSIGNMENT_RELATED = ("campaign", "campaign__unit", "campaign__plan_year", "employee", "employee__position")

# What each aspect asks the rater to judge (PP 46/2011 on the 2014 behaviour aspects), shown on the form.
ASPECT_MEANINGS: dict[str, Any] = {
    "service_orientation": gettext_lazy(
        "Sikap dan perilaku dalam memberikan pelayanan terbaik kepada yang dilayani: pegawai lain, unit lain, "
        "dan masyarakat."
    ),
    "integrity": gettext_lazy(
        "Bertindak sesuai nilai, norma, dan etika organisasi; jujur dan tidak menyalahgunakan wewenang."
    ),
    "commitment": gettext_lazy(
        "Kemauan dan kemampuan menyelaraskan sikap dan tindakan untuk mewujudkan tujuan organisasi."
    ),
    "discipline": gettext_lazy("Menaati kewajiban dan menghindari larangan, termasuk jam kerja dan tenggat."),
    "cooperation": gettext_lazy(
        "Kemauan dan kemampuan bekerja sama dengan rekan, atasan, bawahan, dan unit lain."
    ),
    "leadership": gettext_lazy(
        "Kemampuan memotivasi, mengarahkan, dan mengembangkan bawahan serta mengambil keputusan "
        "(hanya untuk pejabat struktural)."
    ),
}
# What each NP band means (`scoring.md` §6: 91–100 sangat baik … ≤ 50 kurang), keyed by the rule set's label.
BAND_MEANINGS: dict[str, Any] = {
    "sangat baik": gettext_lazy("Perilaku selalu ditunjukkan dan menjadi teladan bagi orang lain."),
    "baik": gettext_lazy("Perilaku ditunjukkan secara konsisten."),
    "cukup": gettext_lazy("Perilaku ditunjukkan, tetapi belum konsisten."),
    "sedang": gettext_lazy("Perilaku jarang ditunjukkan; perlu perbaikan."),
    "kurang": gettext_lazy("Perilaku tidak ditunjukkan; perlu pembinaan."),
}


# =========================================================================== rule-set facts


def nkp2014_rules(plan_year: PlanYear) -> Any:
    """The plan year's 360° parameters (`Nkp2014Rules`), or None when its rule set has no 360° method."""
    rule_set = scoring_bridge.rule_set(plan_year.rule_set)
    if rule_set.nkp_method.value != NkpMethod.CKP_NP or rule_set.nkp2014 is None:
        return None
    return rule_set.nkp2014


def self_rating_allowed(plan_year: PlanYear) -> bool:
    """May a campaign of this year let people rate themselves? An explicit rule-set parameter
    (`self_rating`) when the rule set has one; otherwise whether the self group weighs in NP at all."""
    rules = nkp2014_rules(plan_year)
    if rules is None:
        return False
    explicit = getattr(rules, "self_rating", None)
    if explicit is not None:
        return bool(getattr(explicit, "value", explicit))
    weights = rules.group_weights.value
    return Decimal(weights.get(CoreRaterGroup.SELF, 0)) > 0


def peer_cap(plan_year: PlanYear) -> int:
    """Peers drawn per employee: the rule set's `peers_per_employee` when it names one, else 3."""
    rules = nkp2014_rules(plan_year)
    param = getattr(rules, "peers_per_employee", None) if rules is not None else None
    value = getattr(param, "value", param)
    return int(value) if value is not None else DEFAULT_PEER_CAP


@dataclass(frozen=True)
class Band:
    low: str
    high: str
    label: str
    meaning: str


def _bound_text(value: Decimal, strict: bool) -> str:
    if strict and value == value.to_integral_value():
        return str(int(value) + 1)
    return f"{'> ' if strict else ''}{value.normalize():f}"


def score_bands(plan_year: PlanYear) -> list[Band]:
    """The NP bands of the year's rule set, highest first, with their meaning (the form shows them)."""
    rules = nkp2014_rules(plan_year)
    if rules is None:
        return []
    bands = rules.np_bands.value
    top = Decimal(rules.np_score_max.value)
    out: list[Band] = []
    high = f"{top.normalize():f}"
    for step in bands.steps:
        out.append(
            Band(
                _bound_text(step.bound, step.strict), high, step.label, str(BAND_MEANINGS.get(step.label, ""))
            )
        )
        high = f"{step.bound.normalize():f}" if step.strict else _bound_text(step.bound - 1, False)
    out.append(Band("0", high, bands.otherwise, str(BAND_MEANINGS.get(bands.otherwise, ""))))
    return out


def holds_structural(employee: Employee) -> bool:
    """Rule 25: the leadership aspect is for structural officials only."""
    position = employee.position
    return position is not None and position.type == PositionType.STRUCTURAL


def aspects_for(employee: Employee) -> tuple[str, ...]:
    """The aspects a form about `employee` asks (leadership only for a structural official)."""
    return ASPECT_FIELDS if holds_structural(employee) else CORE_ASPECTS


# =========================================================================== selectors


def campaigns_readable_by(user: Viewer) -> QuerySet[Campaign]:
    """Campaigns of the units where `user` is a manager, leader, auditor or administrator."""
    return Campaign.objects.filter(unit_filter(user, "unit__path", APPRAISAL_READ_ROLES)).select_related(
        "unit", "plan_year"
    )


def units_for_campaigns(user: Viewer) -> QuerySet[Unit]:
    """The units `user` may open a campaign on (performance manager or administrator)."""
    return Unit.objects.filter(unit_filter(user, "path", APPRAISAL_MANAGE_ROLES), is_active=True).order_by(
        "path"
    )


def campaign_plan_years() -> QuerySet[PlanYear]:
    """The plan years whose rule set scores behaviour by a 360° assessment."""
    codes = [
        code
        for code in scoring_bridge.rule_set_codes()
        if scoring_bridge.rule_set(code).nkp_method.value == NkpMethod.CKP_NP
    ]
    return PlanYear.objects.filter(rule_set__in=codes).order_by("-year")


@dataclass(frozen=True)
class Progress:
    answered: int = 0
    assigned: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.answered / self.assigned) if self.assigned else 0


@dataclass(frozen=True)
class UnitProgress:
    unit_id: int
    code: str
    name: str
    employees: int
    progress: Progress


def campaign_progress(campaign_ids: Iterable[int]) -> dict[int, Progress]:
    """{campaign pk: answered / assigned} in one query."""
    rows = (
        RaterAssignment.objects.filter(campaign_id__in=list(campaign_ids))
        .order_by()
        .values("campaign_id")
        .annotate(n_assigned=Count("pk"), n_answered=Count("pk", filter=Q(submitted_at__isnull=False)))
    )
    return {r["campaign_id"]: Progress(r["n_answered"], r["n_assigned"]) for r in rows}


def progress_by_unit(campaign: Campaign) -> list[UnitProgress]:
    """Answered / assigned forms per unit of the people rated, in the tree's order (one query)."""
    rows = (
        RaterAssignment.objects.filter(campaign=campaign)
        .order_by()
        .values(
            "employee__unit_id", "employee__unit__code", "employee__unit__name_id", "employee__unit__path"
        )
        .annotate(
            n_assigned=Count("pk"),
            n_answered=Count("pk", filter=Q(submitted_at__isnull=False)),
            n_employees=Count("employee_id", distinct=True),
        )
    )
    return [
        UnitProgress(
            r["employee__unit_id"],
            r["employee__unit__code"],
            r["employee__unit__name_id"],
            r["n_employees"],
            Progress(r["n_answered"], r["n_assigned"]),
        )
        for r in sorted(rows, key=lambda r: r["employee__unit__path"])
    ]


@dataclass(frozen=True)
class RaterRow:
    """One line of the managers' rater table. `rater` is None when hidden from this viewer (anonymity)."""

    pk: int
    employee: Employee
    rater: Employee | None
    group: str
    group_label: str
    answered: bool


def rater_rows(campaign: Campaign, user: Viewer) -> list[RaterRow]:
    """The rater table of a campaign for a viewer who may read it: who rates whom and whether they answered.

    Never the answer values. The raters of the viewer's own peer and subordinate forms are hidden (the
    person rated never learns who they are, even as the unit's manager)."""
    me = getattr(user, "employee_id", None)
    labels = dict(RaterGroup.choices)
    rows = []
    for a in (
        campaign.assignments.select_related("employee", "employee__unit", "rater")
        .order_by("employee__unit__path", "employee__name", "employee_id", "group", "rater__name")
        .only(
            "pk",
            "campaign",  # the related manager sets each row's campaign from it: deferred, a query per row
            "group",
            "submitted_at",
            "employee__name",
            "employee__nip",
            "employee__unit__code",
            "rater__name",
            "rater__nip",
        )
    ):
        hidden = me is not None and a.employee_id == me and a.group in ANONYMOUS_GROUPS
        rows.append(
            RaterRow(a.pk, a.employee, None if hidden else a.rater, a.group, str(labels[a.group]), a.answered)
        )
    return rows


def assignments_of_rater(user: Viewer) -> QuerySet[RaterAssignment]:
    """The forms `user` must fill (or has filled): their own assignments in launched campaigns, nobody else's."""
    employee_id = getattr(user, "employee_id", None)
    if not getattr(user, "is_authenticated", False) or employee_id is None:
        return RaterAssignment.objects.none()
    return (
        RaterAssignment.objects.filter(rater_id=employee_id)
        .exclude(campaign__state=CampaignState.DRAFT)
        .select_related(*ASSIGNMENT_RELATED)
        .order_by(
            "-campaign__plan_year__year", "-campaign__semester", "submitted_at", "group", "employee__name"
        )
    )


def rateable_employees(campaign: Campaign) -> QuerySet[Employee]:
    """The people a campaign rates: active employees holding a position in the unit's subtree."""
    return Employee.objects.filter(
        is_active=True, position__isnull=False, unit__path__startswith=campaign.unit.path
    ).select_related("position")


def candidate_raters(campaign: Campaign) -> QuerySet[Employee]:
    """Who may be added as a rater by hand: active employees of the campaign unit's parent subtree (the
    superior of the unit's head sits one level up)."""
    unit = campaign.unit
    top = unit.path[: -Unit.steplen] if unit.depth > 1 else unit.path
    return Employee.objects.filter(is_active=True, unit__path__startswith=top).order_by("name")


# =========================================================================== services: the campaign


def _refuse(message: str, code: str, field: str | None = None) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code=code)]} if field else message, code=code)


def check_campaign(*, unit: Unit, plan_year: PlanYear, semester: int, allow_self: bool) -> None:
    """The rules of a new campaign: a 360° rule set, semester 1 or 2, self-rating only if allowed, one per
    unit, year and semester."""
    if nkp2014_rules(plan_year) is None:
        raise _refuse(
            _(
                "Tahun %(year)s memakai aturan penilaian %(rule_set)s yang tidak menilai perilaku dengan "
                "penilaian 360°."
            )
            % {"year": plan_year.year, "rule_set": plan_year.rule_set},
            "no_360_method",
            "plan_year",
        )
    if semester not in (1, 2):
        raise _refuse(_("Semester adalah 1 atau 2."), "invalid_semester", "semester")
    if allow_self and not self_rating_allowed(plan_year):
        raise _refuse(
            _("Aturan penilaian tahun ini tidak mengizinkan penilaian diri sendiri (aturan 25)."),
            "self_rating_not_allowed",
            "allow_self",
        )
    if Campaign.objects.filter(unit=unit, plan_year=plan_year, semester=semester).exists():
        raise _refuse(
            _("Penilaian 360° unit %(unit)s tahun %(year)s semester %(semester)s sudah ada.")
            % {"unit": unit.code, "year": plan_year.year, "semester": semester},
            "campaign_exists",
        )


def create_campaign(
    *,
    unit: Unit,
    plan_year: PlanYear,
    semester: int,
    by: Actor,
    allow_self: bool | None = None,
    due_date: dt.date | None = None,
) -> Campaign:
    """A draft campaign of `unit` (and its subtree) for a semester; by the unit's performance manager."""
    ensure(by, "appraisals.manage_campaign", unit)
    if allow_self is None:
        allow_self = False
    check_campaign(unit=unit, plan_year=plan_year, semester=semester, allow_self=allow_self)
    campaign = Campaign(
        unit=unit,
        plan_year=plan_year,
        semester=semester,
        allow_self=allow_self,
        due_date=due_date,
        created_by=author(by),
    )
    try:
        with transaction.atomic():
            recorded(campaign, by).save()
    except IntegrityError:  # a concurrent twin won the unique constraint
        raise _refuse(
            _("Penilaian 360° unit %(unit)s tahun %(year)s semester %(semester)s sudah ada.")
            % {"unit": unit.code, "year": plan_year.year, "semester": semester},
            "campaign_exists",
        ) from None
    return campaign


def launch(*, campaign: Campaign, by: Actor) -> Campaign:
    """draft → open: the raters may answer from now on."""
    return CAMPAIGN_WORKFLOW.run(campaign, "launch", by=by)


def close(*, campaign: Campaign, by: Actor) -> Campaign:
    """open → closed: no more answers or edits."""
    return CAMPAIGN_WORKFLOW.run(campaign, "close", by=by)


# =========================================================================== services: the raters


def _peers(members: list[Employee], cap: int) -> dict[int, list[Employee]]:
    """{employee pk: peers}: the next `cap` people of the same group in a fixed ring (ordered by NIP), so
    every person is drawn as a peer about as often as they draw, and a rerun draws the same."""
    ring = sorted(members, key=lambda e: (e.nip, e.pk))
    n = len(ring)
    out: dict[int, list[Employee]] = {}
    for i, employee in enumerate(ring):
        out[employee.pk] = [ring[(i + k) % n] for k in range(1, min(cap, n - 1) + 1)]
    return out


def planned_raters(campaign: Campaign) -> list[tuple[Employee, Employee, str]]:
    """(employee rated, rater, group) the organisation gives for a campaign: direct superior, peers (same
    unit, position type and echelon, up to the cap), direct subordinates, oneself where allowed. Two queries."""
    people = list(rateable_employees(campaign))
    by_pk = {e.pk: e for e in people}
    outside = {e.superior_id for e in people if e.superior_id and e.superior_id not in by_pk}
    superiors = {e.pk: e for e in Employee.objects.filter(pk__in=outside, is_active=True)} if outside else {}
    subordinates: dict[int, list[Employee]] = defaultdict(list)
    groups: dict[tuple[int, str, int | None], list[Employee]] = defaultdict(list)
    for e in people:
        if e.superior_id in by_pk:
            subordinates[e.superior_id].append(e)
        assert e.position is not None
        groups[(e.unit_id, e.position.type, e.position.echelon)].append(e)
    cap = peer_cap(campaign.plan_year)
    peers: dict[int, list[Employee]] = {}
    for members in groups.values():
        peers.update(_peers(members, cap))
    planned: list[tuple[Employee, Employee, str]] = []
    for e in sorted(people, key=lambda p: (p.nip, p.pk)):
        seen: set[int] = {e.pk}
        superior = by_pk.get(e.superior_id) or superiors.get(e.superior_id)  # type: ignore[arg-type]
        if superior is not None and superior.pk not in seen:
            planned.append((e, superior, RaterGroup.SUPERIOR))
            seen.add(superior.pk)
        for peer in peers.get(e.pk, []):
            if peer.pk not in seen:
                planned.append((e, peer, RaterGroup.PEER))
                seen.add(peer.pk)
        for sub in sorted(subordinates.get(e.pk, []), key=lambda p: (p.nip, p.pk)):
            if sub.pk not in seen:
                planned.append((e, sub, RaterGroup.SUBORDINATE))
                seen.add(sub.pk)
        if campaign.allow_self:
            planned.append((e, e, RaterGroup.SELF))
    return planned


def generate_raters(campaign: Campaign, by: Actor) -> int:
    """Add the raters the organisation gives (`planned_raters`) that the draft campaign lacks; returns how
    many were added. Pairs already present (or edited by hand) are kept. A handful of queries and one
    bulk insert with its history, for a unit of any size."""
    with transaction.atomic():
        current = locked(campaign, related=("unit", "plan_year"))
        CAMPAIGN_WORKFLOW.ensure(current, "change", by)
        existing = set(current.assignments.values_list("employee_id", "rater_id"))
        new = [
            RaterAssignment(campaign=current, employee=employee, rater=rater, group=group)
            for employee, rater, group in planned_raters(current)
            if (employee.pk, rater.pk) not in existing
        ]
        if new:
            bulk_create_with_history(new, RaterAssignment, batch_size=500, default_user=author(by))
    return len(new)


def add_rater(
    *, campaign: Campaign, employee: Employee, rater: Employee, group: str, by: Actor
) -> RaterAssignment:
    """Add one rater by hand while the campaign is a draft."""
    CAMPAIGN_WORKFLOW.ensure(campaign, "change", by)
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    if group not in RaterGroup.values:
        errors["group"].append(ValidationError(_("Kelompok penilai tidak dikenal."), code="invalid_group"))
    if not rateable_employees(campaign).filter(pk=employee.pk).exists():
        errors["employee"].append(
            ValidationError(
                _("%(name)s bukan pegawai aktif dengan jabatan di unit penilaian ini.")
                % {"name": employee.name},
                code="not_rated_here",
            )
        )
    if not rater.is_active:
        errors["rater"].append(ValidationError(_("Penilai harus pegawai aktif."), code="inactive_rater"))
    if group == RaterGroup.SELF:
        if not campaign.allow_self:
            errors["group"].append(
                ValidationError(
                    _("Penilaian diri sendiri tidak diizinkan pada penilaian ini (aturan 25)."),
                    code="self_rating_not_allowed",
                )
            )
        elif rater.pk != employee.pk:
            errors["rater"].append(
                ValidationError(
                    _("Penilaian diri sendiri diisi oleh pegawai itu sendiri."), code="self_mismatch"
                )
            )
    elif rater.pk == employee.pk:
        errors["rater"].append(
            ValidationError(
                _("Pegawai tidak dapat menjadi penilai dirinya sendiri di kelompok ini."), code="self_rater"
            )
        )
    if campaign.assignments.filter(employee=employee, rater=rater).exists():
        errors["rater"].append(
            ValidationError(
                _("%(rater)s sudah menjadi penilai %(name)s.") % {"rater": rater.name, "name": employee.name},
                code="duplicate_rater",
            )
        )
    if errors:
        raise ValidationError(dict(errors))
    with transaction.atomic():
        current = locked(campaign)
        CAMPAIGN_WORKFLOW.ensure(current, "change", by)
        assignment = RaterAssignment(campaign=current, employee=employee, rater=rater, group=group)
        recorded(assignment, by).save()
    return assignment


def remove_rater(*, assignment: RaterAssignment, by: Actor) -> None:
    """Remove one rater while the campaign is a draft."""
    CAMPAIGN_WORKFLOW.ensure(assignment.campaign, "change", by)
    with transaction.atomic():
        current = locked(assignment.campaign)
        CAMPAIGN_WORKFLOW.ensure(current, "change", by)
        recorded(assignment, by).delete()


# =========================================================================== services: answers


def _score(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(str(value))
    return Decimal(value)


def check_answer(assignment: RaterAssignment, scores: Mapping[str, Any]) -> dict[str, Decimal | None]:
    """The scores cleaned, or a `ValidationError` per aspect (rule 25: 0–100, every aspect asked,
    leadership only for a structural official)."""
    errors: dict[str, list[ValidationError]] = defaultdict(list)
    unknown = set(scores) - set(ASPECT_FIELDS)
    if unknown:
        errors["__all__"].append(
            ValidationError(
                _("Aspek tidak dikenal: %(names)s.") % {"names": ", ".join(sorted(unknown))},
                code="unknown_aspect",
            )
        )
    asked = aspects_for(assignment.employee)
    clean: dict[str, Decimal | None] = {}
    for name in ASPECT_FIELDS:
        try:
            value = _score(scores.get(name))
        except (InvalidOperation, TypeError, ValueError):
            errors[name].append(ValidationError(_("Nilai harus berupa angka."), code="not_a_number"))
            continue
        if name not in asked:
            if value is not None:
                errors[name].append(
                    ValidationError(
                        _("Aspek kepemimpinan hanya dinilai untuk pejabat struktural (aturan 25)."),
                        code="leadership_not_structural",
                    )
                )
            clean[name] = None
            continue
        if value is None:
            errors[name].append(ValidationError(_("Nilai aspek ini wajib diisi."), code="required"))
        elif not value.is_finite() or value < SCORE_MIN or value > SCORE_MAX:
            errors[name].append(
                ValidationError(_("Nilai antara 0 dan 100 (aturan 25)."), code="out_of_range")
            )
        elif value != value.quantize(Decimal("0.01")):
            errors[name].append(
                ValidationError(_("Nilai paling banyak dua angka desimal."), code="too_precise")
            )
        clean[name] = value
    if errors:
        raise ValidationError(dict(errors))
    return clean


def save_answer(*, assignment: RaterAssignment, scores: Mapping[str, Any], by: Actor) -> RaterAssignment:
    """The rater's answer to one form, while the campaign is open; answering again replaces it."""
    ensure(by, "appraisals.answer_raterassignment", assignment)
    problem = CAMPAIGN_WORKFLOW.problem(assignment.campaign, "answer", by)
    if problem:
        raise ValidationError(problem, code="campaign_not_open")
    clean = check_answer(assignment, scores)
    with transaction.atomic():
        campaign = locked(assignment.campaign)  # a close racing this answer waits, or wins and refuses it
        problem = CAMPAIGN_WORKFLOW.problem(campaign, "answer", by)
        if problem:
            raise ValidationError(problem, code="campaign_not_open")
        current = locked(assignment)
        for name, value in clean.items():
            setattr(current, name, value)
        current.submitted_at = timezone.now()
        recorded(current, by).save()
    for name in (*ASPECT_FIELDS, "submitted_at"):
        setattr(assignment, name, getattr(current, name))
    return assignment


# =========================================================================== services: reminders


def _address(employee: Employee) -> str:
    if employee.email:
        return employee.email
    user = getattr(employee, "user", None)
    return getattr(user, "email", "") or ""


def send_reminders(campaign: Campaign, by: Actor = None) -> int:
    """E-mail every rater with unanswered forms of an open campaign (one message each, listing whom they
    still rate and the due date); returns how many messages were sent."""
    CAMPAIGN_WORKFLOW.ensure(campaign, "remind", by)
    pending: dict[int, list[RaterAssignment]] = defaultdict(list)
    raters: dict[int, Employee] = {}
    for a in (
        campaign.assignments.filter(submitted_at__isnull=True)
        .select_related("rater", "rater__user", "employee")
        .order_by("rater_id", "employee__name")
    ):
        pending[a.rater_id].append(a)
        raters[a.rater_id] = a.rater
    link = reverse("appraisals:my-ratings")
    messages = []
    for rater_id, forms in pending.items():
        address = _address(raters[rater_id])
        if not address:
            continue
        lines = [
            _("Yth. %(name)s,") % {"name": raters[rater_id].name},
            "",
            _("Anda belum mengisi %(count)d formulir penilaian perilaku 360° %(campaign)s:")
            % {"count": len(forms), "campaign": f"{campaign.unit.code} {campaign.label}"},
            "",
        ]
        lines += [f"- {a.employee.name} ({a.get_group_display()})" for a in forms]
        if campaign.due_date:
            lines += ["", _("Batas waktu pengisian: %(date)s.") % {"date": campaign.due_date.isoformat()}]
        lines += [
            "",
            _("Isi formulir di %(link)s") % {"link": link},
            "",
            _("Pesan ini dikirim otomatis oleh Kinerja."),
        ]
        subject = _("[Kinerja] %(count)d formulir penilaian 360° belum diisi") % {"count": len(forms)}
        messages.append(EmailMessage(subject, "\n".join(lines), to=[address]))
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0
