"""NKO endorsement pages (issue 14 item 6): the year's endorsements in reach, and per unit and year the figure
to endorse with the rule 26 warnings, the preparation, the endorsement, a revision (reopen) and, for past
years known only as a figure, the administrator's entry. Thin: the rules are `kinerja.meetings.endorsement`'s.

A unit outside the user's reach does not exist (404); a write the user may not make is 403.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.accounts.scope import unit_filter
from kinerja.common.search import paged
from kinerja.common.web import require, service_errors_on
from kinerja.organisations.models import Unit

from .. import endorsement as service
from ..endorsement_forms import EndorseForm, EnterForm, PrepareForm, ReopenForm
from ..models import EndorsementState

__all__ = ["endorse", "enter", "index", "page", "prepare", "reopen"]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


PAGE_SIZE = 50


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The year's map owners in reach: which are endorsed, prepared, reopened or still pending."""
    require(request, "meetings.view_nkoendorsement")
    listing = service.endorsement_list(request.user, _int(request.GET.get("tahun")))
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip().casefold()
    rows = [
        r
        for r in listing.rows
        if (not status or r.status == status)
        and (
            not q
            or q in r.unit.code.casefold()
            or q in r.unit.name_id.casefold()
            or q in r.unit.name_en.casefold()
        )
    ]
    page, query = paged(request, rows, PAGE_SIZE, tahun=listing.year)
    return render(
        request,
        "meetings/endorsement/index.html",
        {
            "listing": listing,
            "rows": page.object_list,
            "page": page,
            "query": query,
            "q": request.GET.get("q", "").strip(),
            "status": status,
            "statuses": [
                ("endorsed", _("Disahkan")),
                ("prepared", _("Disiapkan")),
                ("reopened", _("Dibuka kembali")),
                ("pending", _("Belum disahkan")),
            ],
        },
    )


def _unit(request: HttpRequest, unit_pk: int) -> Unit:
    unit = Unit.objects.filter(unit_filter(request.user, "path"), pk=unit_pk).first()
    if unit is None or not request.user.has_perm("meetings.view_nkoendorsement", unit):
        raise Http404
    return unit


def _page(request: HttpRequest, unit: Unit, year: int, status: int = 200, **forms: Any) -> HttpResponse:
    case = service.case_for(unit, year)
    user = request.user
    context = {
        "case": case,
        "unit": unit,
        "year": year,
        "may_prepare": user.has_perm("meetings.prepare_nkoendorsement", unit) and not case.blocker,
        "may_endorse": user.has_perm("meetings.endorse_nkoendorsement", unit) and not case.blocker,
        "may_reopen": case.endorsed is not None
        and user.has_perm("meetings.reopen_nkoendorsement", case.endorsed),
        "may_enter": user.has_perm("meetings.enter_nkoendorsement", unit)
        and case.endorsed is None
        and (case.snapshot is None or case.snapshot.nko is None),
        "prepare_form": forms.get("prepare_form") or PrepareForm(),
        "endorse_form": forms.get("endorse_form") or EndorseForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "enter_form": forms.get("enter_form") or EnterForm(),
        "states": EndorsementState,
    }
    return render(request, "meetings/endorsement/page.html", context, status=status)


@login_required
def page(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    return _page(request, _unit(request, unit_pk), year)


def _done(request: HttpRequest, unit: Unit, year: int, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("meetings:endorsement", unit.pk, year)


@login_required
@require_POST
def prepare(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    require(request, "meetings.prepare_nkoendorsement", unit)
    form = PrepareForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            service.prepare(unit=unit, year=year, by=request.user, note=form.cleaned_data["note"])
            return _done(request, unit, year, _("Pengesahan NKO disiapkan."))
    return _page(request, unit, year, 400, prepare_form=form)


@login_required
@require_POST
def endorse(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    require(request, "meetings.endorse_nkoendorsement", unit)
    form = EndorseForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            service.endorse(
                unit=unit,
                year=year,
                by=request.user,
                acknowledge=form.cleaned_data["acknowledge"],
                note=form.cleaned_data["note"],
            )
            return _done(request, unit, year, _("NKO disahkan."))
    return _page(request, unit, year, 400, endorse_form=form)


@login_required
@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    found = service.endorsement_visible(request.user, pk)
    if found is None:
        raise Http404
    require(request, "meetings.reopen_nkoendorsement", found)
    form = ReopenForm(request.POST)
    if form.is_valid():
        with service_errors_on(form):
            service.reopen(endorsement=found, by=request.user, reason=form.cleaned_data["reason"])
            return _done(request, found.unit, found.year, _("Pengesahan NKO dibuka kembali untuk revisi."))
    return _page(request, found.unit, found.year, 400, reopen_form=form)


@login_required
@require_POST
def enter(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit = _unit(request, unit_pk)
    require(request, "meetings.enter_nkoendorsement", unit)
    form = EnterForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            service.enter(
                unit=unit,
                year=year,
                nko=data["nko"],
                reason=data["reason"],
                rule_set=data["rule_set"],
                predicate=data["predicate"],
                endorser_name=data["endorser_name"],
                endorser_title=data["endorser_title"],
                endorsed_on=data["endorsed_on"],
                by=request.user,
            )
            return _done(request, unit, year, _("NKO yang disahkan dimasukkan."))
    return _page(request, unit, year, 400, enter_form=form)
