"""The follow-up matrix of a unit (its subtree's actions, rule 24 warnings, the Excel file) and "my follow-ups".
Thin: every read is `meetings.follow_ups`; state changes and evidence are on the action's page
(`meetings:action-detail`).

Query parameters, Indonesian like the paths: `status` (open/in_progress/done/dropped), `pj` (the owner's
employee id, or `kosong` for the actions without one), `terlambat` (1: overdue only), `rapat` (the origin
meeting's id), `peringatan` (a rule 24 warning: no_owner/no_due_date/overdue), `halaman` (page).
A unit the user may not read the matrix of does not exist for them (404).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.rules import FOLLOW_UP_READ_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.common import picker
from kinerja.organisations import employee_picker
from kinerja.organisations.models import Employee, Unit

from .. import follow_ups, meeting_picker
from ..follow_up_export import XLSX, filename, render_xlsx
from ..models import Action, ActionState, Meeting

__all__ = ["follow_up_matrix", "follow_up_matrix_xlsx", "my_follow_ups"]

PAGE_SIZE = 50
NO_OWNER = "kosong"
YES = ("1", "ya", "on", "true")  # a ticked box or a typed yes in the query string
OWNER_PICKER = "meetings.follow-ups.owner"
MEETING_PICKER = "meetings.follow-ups.meeting"


def matrix_unit(user: Any, unit_pk: Any) -> Unit | None:
    """The unit, when `user` may read its follow-up matrix (else None)."""
    unit = Unit.objects.filter(unit_filter(user, "path", FOLLOW_UP_READ_ROLES), pk=unit_pk).first()
    if unit is None or not user.has_perm("meetings.view_followups", unit):
        return None
    return unit


def matrix_unit_or_404(request: HttpRequest, unit_pk: int) -> Unit:
    """The unit, when the user may read its follow-up matrix (else 404, as for a unit that does not exist)."""
    unit = matrix_unit(request.user, unit_pk)
    if unit is None:
        raise Http404
    return unit


def _matrix_column(user: Any, scope: str, column: str) -> QuerySet[Action] | None:
    """The `column` values of the actions of the matrix of unit `scope` (None when the user may not read it)."""
    pk = picker.scope_pk(scope)
    unit = matrix_unit(user, pk) if pk is not None else None
    return None if unit is None else follow_ups.actions_of(unit).order_by().values(column)


def owners_to_pick(user: Any, scope: str) -> QuerySet[Employee]:
    """The owner filter's people: the owners of the actions of the matrix of unit `scope` (nobody when the user
    may not read that matrix). A picker searches them; the page never lists them all."""
    owners = _matrix_column(user, scope, "owner_id")
    return Employee.objects.none() if owners is None else Employee.objects.filter(pk__in=owners)


employee_picker.register(OWNER_PICKER, owners_to_pick)


def meetings_to_pick(user: Any, scope: str) -> QuerySet[Meeting]:
    """The origin-meeting filter's meetings: those the actions of the matrix of unit `scope` come from (none
    when the user may not read that matrix). A picker searches them; the page never lists them all."""
    origins = _matrix_column(user, scope, "meeting_id")
    return Meeting.objects.none() if origins is None else Meeting.objects.filter(pk__in=origins)


meeting_picker.register(MEETING_PICKER, meetings_to_pick)


def owner_form(request: HttpRequest, unit: Unit, filters: follow_ups.MatrixFilter) -> forms.Form:
    """The owner filter (`pj`): a search-as-you-type picker holding the chosen person only."""
    field = employee_picker.employee_field(
        OWNER_PICKER,
        request.user,
        unit.pk,
        required=False,
        label=_("Penanggung jawab"),
        empty_label=_("semua"),
    )
    return picker.one_field_form("pj", field, initial=filters.owner, data=request.GET, auto_id="f-%s")


def meeting_form(request: HttpRequest, unit: Unit, filters: follow_ups.MatrixFilter) -> forms.Form:
    """The origin-meeting filter (`rapat`): a search-as-you-type picker holding the chosen meeting only."""
    field = meeting_picker.meeting_field(
        MEETING_PICKER,
        request.user,
        unit.pk,
        required=False,
        label=_("Rapat asal"),
        empty_label=_("semua rapat"),
    )
    return picker.one_field_form("rapat", field, initial=filters.meeting, data=request.GET, auto_id="f-%s")


def _id(value: str) -> int | None:
    return int(value) if value.isdigit() and len(value) < 19 else None


def read_filters(request: HttpRequest) -> follow_ups.MatrixFilter:
    """The filters of the query string; an unknown value is no filter."""
    get = request.GET
    state = get.get("status", "")
    owner = get.get("pj", "").strip()
    warning = get.get("peringatan", "")
    return follow_ups.MatrixFilter(
        state=state if state in ActionState.values else "",
        owner=_id(owner),
        no_owner=owner == NO_OWNER or get.get("tanpa_pj", "") in YES,
        overdue=get.get("terlambat", "") in YES,
        meeting=_id(get.get("rapat", "").strip()),
        warning=warning if warning in follow_ups.WARNING_KINDS else "",
    )


def query_of(filters: follow_ups.MatrixFilter) -> str:
    params: dict[str, Any] = {
        "status": filters.state,
        "pj": NO_OWNER if filters.no_owner else (filters.owner or ""),
        "terlambat": "1" if filters.overdue else "",
        "rapat": filters.meeting or "",
        "peringatan": filters.warning,
    }
    return urlencode({k: v for k, v in params.items() if v})


def _page(request: HttpRequest, rows: Any) -> Any:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("halaman"))


@login_required
def follow_up_matrix(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """The unit subtree's actions, filtered and paginated, with the count per state and the rule 24 warnings.
    A fixed number of queries whatever the number of actions."""
    unit = matrix_unit_or_404(request, unit_pk)
    today = timezone.localdate()
    filters = read_filters(request)
    actions = follow_ups.actions_of(unit)
    page = _page(request, follow_ups.matrix(actions, filters, today))
    warnings = follow_ups.warnings(actions, today)
    follow_ups.decorate(warnings.actions, today)
    return render(
        request,
        "meetings/follow_ups/matrix.html",
        {
            "unit": unit,
            "page": page,
            "rows": follow_ups.decorate(list(page.object_list), today),
            "counts": follow_ups.state_counts(actions, today),
            "warnings": warnings,
            "warning_labels": follow_ups.WARNING_LABELS,
            "filters": filters,
            "query": query_of(filters),
            "states": ActionState.choices,
            "owner_form": owner_form(request, unit, filters),
            "meeting_form": meeting_form(request, unit, filters),
            "no_owner": NO_OWNER,
            "today": today,
        },
    )


@login_required
def follow_up_matrix_xlsx(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """The matrix as an Excel workbook: every action the filters select (not only one page)."""
    unit = matrix_unit_or_404(request, unit_pk)
    today = timezone.localdate()
    rows = follow_ups.matrix(follow_ups.actions_of(unit), read_filters(request), today)
    response = HttpResponse(render_xlsx(unit, rows, today), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename(unit, today)}"'
    return response


@login_required
def my_follow_ups(request: HttpRequest) -> HttpResponse:
    """The actions the signed-in person owns, open ones first; filtered by state or overdue, paginated."""
    today = timezone.localdate()
    employee_id = getattr(request.user, "employee_id", None)
    filters = read_filters(request)
    filters = follow_ups.MatrixFilter(state=filters.state, overdue=filters.overdue)
    mine = Action.objects.filter(owner_id=employee_id) if employee_id else Action.objects.none()
    page = _page(request, follow_ups.matrix(mine, filters, today))
    return render(
        request,
        "meetings/follow_ups/mine.html",
        {
            "page": page,
            "rows": follow_ups.decorate(list(page.object_list), today),
            "counts": follow_ups.state_counts(mine, today),
            "filters": filters,
            "query": query_of(filters),
            "states": ActionState.choices,
            "has_employee": employee_id is not None,
            "today": today,
        },
    )
