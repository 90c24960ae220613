"""Calibration pages (issue 13 item 7): the sessions of a unit's year (the map owners of its subtree, each with
its session or the button to open one), a session (the ranking by group with the original beside the adjusted
NKP, who and why; the adjustment form; the distribution and the rule 26 warnings; the leniency flags; close)
and the POST actions (open, adjust, remove an adjustment, close).

Every write goes through `calibration.py` (which asks the permission and the state again). Lookups: a unit or a
session outside the user's reading scope does not exist for them (404); in scope without the right to act, 403.
Bounded queries whatever the unit's size: the standings are read set-based (`standing.standings`, four
queries) and the ranking is shown a page of groups at a time; names are read for the page shown only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from kinerja.accounts.rules import APPRAISAL_READ_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.common.web import object_for, require, service_errors_on
from kinerja.organisations.models import Employee, PositionType, Unit
from kinerja.planning.models import PlanYear, StrategyMap
from kinerja.scoring import DistributionLabel

from .. import calibration
from ..diagnostics import diagnostics
from ..models import CalibrationAdjustment, CalibrationSession
from ..standing import Group, Standing, Standings, standings

ROWS_PER_PAGE = 50
"""People per page of the ranking (a group is never split: a page holds whole groups)."""
OWNERS_PER_PAGE = 50
HISTORY_ROWS = 30

LABELS = {
    DistributionLabel.BEST: gettext_lazy("Terbaik"),
    DistributionLabel.AVERAGE: gettext_lazy("Rata-rata"),
    DistributionLabel.BELOW: gettext_lazy("Di bawah rata-rata"),
}


class AdjustmentForm(forms.Form):
    employee = forms.CharField(label=gettext_lazy("NIP pegawai"), max_length=18)
    adjusted = forms.CharField(
        label=gettext_lazy("NKP setelah kalibrasi"),
        max_length=12,
        help_text=gettext_lazy("Dua angka desimal paling banyak, misalnya 96,50."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": gettext_lazy(
                "Alasan penyesuaian wajib diisi: tuliskan mengapa nilai ini disesuaikan."
            )
        },
    )


# --------------------------------------------------------------------------- lookups


def _unit(request: HttpRequest, unit_pk: int) -> Unit:
    """A unit the user reads calibrations of, else 404."""
    found = Unit.objects.filter(unit_filter(request.user, "path", APPRAISAL_READ_ROLES), pk=unit_pk).first()
    if found is None or not request.user.has_perm("appraisals.view_calibrationsession", found):
        raise Http404
    return found


def _session(request: HttpRequest, pk: int) -> CalibrationSession:
    return object_for(
        request,
        calibration.sessions_readable_by(request.user),
        "appraisals.view_calibrationsession",
        pk=pk,
    )


def _back(session: CalibrationSession, anchor: str = "") -> HttpResponse:
    return redirect(reverse("appraisals:calibration", args=[session.pk]) + anchor)


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- the sessions of a unit's year


@dataclass(frozen=True)
class OwnerRow:
    unit: Unit
    session: CalibrationSession | None
    adjustments: int
    may_open: bool


@login_required
@require_GET
def calibrations(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """The map owners of the unit's subtree in the year, each with its calibration session (or none)."""
    unit = _unit(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    owners = (
        Unit.objects.filter(
            path__startswith=unit.path,
            pk__in=StrategyMap.objects.filter(plan_year=plan_year).values("unit_id"),
        )
        .order_by("path")
        .only("pk", "code", "name_id", "name_en", "path", "depth")
    )
    page = Paginator(owners, OWNERS_PER_PAGE).get_page(request.GET.get("page"))
    sessions = {
        s.unit_id: s
        for s in CalibrationSession.objects.filter(plan_year=plan_year, unit__in=list(page.object_list))
        .select_related("opened_by", "closed_by")
        .annotate(n_adjustments=Count("adjustments"))
    }
    may_manage = request.user.has_perm("appraisals.manage_calibrationsession", unit)
    rows = [
        OwnerRow(
            u,
            sessions.get(u.pk),
            getattr(sessions.get(u.pk), "n_adjustments", 0),
            may_manage and u.pk not in sessions,
        )
        for u in page.object_list
    ]
    context = {
        "unit": unit,
        "plan_year": plan_year,
        "page": page,
        "rows": rows,
        "years": list(PlanYear.objects.order_by("-year").values_list("year", flat=True)),
        "may_diagnose": request.user.has_perm("appraisals.view_diagnostics", unit),
    }
    return render(request, "appraisals/calibrations.html", context)


@login_required
@require_POST
def calibration_open(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    require(request, "appraisals.manage_calibrationsession", unit)
    try:
        session = calibration.open_session(unit, plan_year, request.user)
    except ValidationError as error:
        _say(request, error)
        return redirect("appraisals:calibrations", unit.pk, plan_year.year)
    messages.success(
        request,
        _("Sidang kalibrasi %(unit)s tahun %(year)s dibuka.") % {"unit": unit.code, "year": plan_year.year},
    )
    return _back(session)


# --------------------------------------------------------------------------- one session


@dataclass(frozen=True)
class Line:
    rank: int
    standing: Standing
    label: str
    adjustment: CalibrationAdjustment | None
    here: bool
    """The adjustment belongs to this session (else to another session of the year)."""


@dataclass(frozen=True)
class GroupView:
    group: Group
    category: str
    superior: str
    lines: list[Line]
    expected: tuple[int, int, int]


def _pages(groups: list[Group], rows: int = ROWS_PER_PAGE) -> list[list[Group]]:
    """Whole groups cut into pages of about `rows` people (a larger group is a page of its own)."""
    pages: list[list[Group]] = []
    current: list[Group] = []
    count = 0
    for group in groups:
        size = len(group.members)
        if current and count + size > rows:
            pages.append(current)
            current, count = [], 0
        current.append(group)
        count += size
    if current:
        pages.append(current)
    return pages


def _ranking(
    session: CalibrationSession, found: Standings, page_number: Any
) -> tuple[Any, list[GroupView], list[CalibrationAdjustment]]:
    """The page of groups shown, with the superiors' names and every adjustment shown (this session's all).
    Two queries."""
    page = Paginator(_pages(found.groups), 1).get_page(page_number)
    groups: list[Group] = page.object_list[0] if page.object_list else []
    other_ids = [
        m.adjustment.pk
        for g in groups
        for m in g.members
        if m.adjustment is not None and m.adjustment.session_id != session.pk
    ]
    adjustments = list(
        CalibrationAdjustment.objects.filter(Q(session=session) | Q(pk__in=other_ids))
        .select_related("employee", "by", "session__unit")
        .order_by("employee__name", "pk")
    )
    by_pk = {a.pk: a for a in adjustments}
    superiors = dict(
        Employee.objects.filter(pk__in={g.superior_id for g in groups if g.superior_id}).values_list(
            "pk", "name"
        )
    )
    categories = dict(PositionType.choices)
    views = []
    for group in groups:
        lines = []
        for rank, member in enumerate(group.members, start=1):
            shown = by_pk.get(member.adjustment.pk) if member.adjustment is not None else None
            lines.append(
                Line(
                    rank,
                    member,
                    str(LABELS.get(member.label, "")) if member.label else "",
                    shown,
                    shown is not None and shown.session_id == session.pk,
                )
            )
        views.append(
            GroupView(
                group,
                str(categories.get(group.category, group.category or _("tanpa jabatan"))),
                superiors.get(group.superior_id or 0, ""),
                lines,
                group.expected,
            )
        )
    return page, views, [a for a in adjustments if a.session_id == session.pk]


def _history(session: CalibrationSession) -> list[Any]:
    """The latest versions of the session's adjustments (added, changed, removed), with who. One query."""
    return list(
        CalibrationAdjustment.history.filter(session_id=session.pk)
        .select_related("history_user", "employee")
        .order_by("-history_date", "-history_id")[:HISTORY_ROWS]
    )


def _initial(session: CalibrationSession, found: Standings, nip: str) -> dict[str, Any]:
    """The form for one person: their NIP and, when this session adjusted them already, the value and reason."""
    initial: dict[str, Any] = {"employee": nip}
    row = next((s for s in found.rows if s.employee.nip == nip), None)
    if row is not None and row.adjustment is not None and row.adjustment.session_id == session.pk:
        initial["adjusted"] = shown(row.adjustment.adjusted, 2, trim=False)
        initial["reason"] = row.adjustment.reason
    return initial


def _session_context(
    request: HttpRequest, session: CalibrationSession, form: AdjustmentForm | None = None
) -> dict[str, Any]:
    found = standings(session.unit, session.plan_year)
    page, groups, adjustments = _ranking(session, found, request.GET.get("page"))
    allowed = calibration.CALIBRATION_WORKFLOW.allowed(session, request.user, standings=found)
    chosen = (request.GET.get("pegawai") or "").strip()
    if form is None and allowed["adjust"]:
        form = AdjustmentForm(initial=_initial(session, found, chosen) if chosen else None)
    nip = str(form["employee"].value() or "").strip() if form is not None else ""
    target = next((s for s in found.rows if s.employee.nip == nip), None) if nip else None
    limit = calibration.limit_of(session.plan_year, found.rows[0].record.rule_set if found.rows else None)
    diag = diagnostics(session.unit, session.plan_year)
    expected = found.expected
    actual = found.actual
    return {
        "session": session,
        "unit": session.unit,
        "plan_year": session.plan_year,
        "allowed": allowed,
        "may_manage": request.user.has_perm("appraisals.manage_calibrationsession", session),
        "standings": found,
        "rule_set": found.rules.code,
        "page": page,
        "groups": groups,
        "adjustments": adjustments,
        "history": _history(session),
        "form": form if allowed["adjust"] else None,
        "target": target,
        "target_low": max(Decimal(0), target.original - limit)
        if target and target.original is not None
        else None,
        "target_high": target.original + limit if target and target.original is not None else None,
        "limit": limit,
        "breaches": [calibration.breach_text(o, c) for o, c in found.breaches],
        "enforced": found.enforced,
        "curve": [(LABELS[label], actual[label], expected[label]) for label in DistributionLabel],
        "scored": sum(1 for s in found.rows if s.nkp is not None),
        "people": len(found.rows),
        "diagnostics": diag,
        "may_diagnose": request.user.has_perm("appraisals.view_diagnostics", session.unit),
    }


@login_required
@require_GET
def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return render(request, "appraisals/calibration.html", _session_context(request, session))


@login_required
@require_POST
def calibration_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    """Adjust one person's NKP (by NIP) with a reason; errors on the form, the page answered 400."""
    session = _session(request, pk)
    require(request, "appraisals.manage_calibrationsession", session)
    form = AdjustmentForm(request.POST)
    if form.is_valid():
        nip = form.cleaned_data["employee"].strip()
        person = (
            Employee.objects.select_related("unit")
            .filter(nip=nip, unit__path__startswith=session.unit.path)
            .first()
        )
        if person is None:
            form.add_error(
                "employee",
                _("Pegawai dengan NIP %(nip)s tidak ada di unit %(unit)s atau unit di bawahnya.")
                % {"nip": nip, "unit": session.unit.code},
            )
        else:
            with service_errors_on(form):
                calibration.adjust(
                    session, person, form.cleaned_data["adjusted"], form.cleaned_data["reason"], request.user
                )
                messages.success(
                    request,
                    _("NKP %(name)s disesuaikan; nilai semula tetap tercatat.") % {"name": person.name},
                )
                return _back(session, "#penyesuaian")
    context = _session_context(request, session, form)
    context["form"] = form
    return render(request, "appraisals/calibration.html", context, status=400)


@login_required
@require_POST
def calibration_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw the adjustment of one person (POST `pegawai`: the employee's pk) while the session is open."""
    session = _session(request, pk)
    require(request, "appraisals.manage_calibrationsession", session)
    key = request.POST.get("pegawai") or ""
    adjustment = (
        CalibrationAdjustment.objects.filter(session=session, employee_id=int(key)).first()
        if key.isdigit() and len(key) < 12
        else None
    )
    if adjustment is None:
        messages.error(request, _("Penyesuaian yang akan dihapus tidak ditemukan dalam sidang ini."))
        return _back(session, "#penyesuaian")
    try:
        calibration.remove_adjustment(adjustment, request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Penyesuaian dihapus; NKP kembali ke nilai semula."))
    return _back(session, "#penyesuaian")


@login_required
@require_POST
def calibration_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    require(request, "appraisals.manage_calibrationsession", session)
    try:
        calibration.close_session(session, request.user)
    except ValidationError as error:
        _say(request, error)
    else:
        messages.success(request, _("Sidang kalibrasi ditutup; penyesuaian tidak dapat diubah lagi."))
    return _back(session)


__all__ = [
    "calibration_adjust",
    "calibration_close",
    "calibration_detail",
    "calibration_open",
    "calibration_remove",
    "calibrations",
]
