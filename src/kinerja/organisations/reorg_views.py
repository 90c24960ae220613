"""Pages of the reorganisation (issue 15 item 4): the list, a form per kind, the preview and applying it.

Administrators only, within their subtree: every unit a plan touches must be in a subtree where the user
holds the administrator role (the service asks `organisations.reorganise` on each); a reorganisation outside
the user's reach does not exist for them (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.common.web import require, service_errors_on, visible_or_404

from . import reorganisation as reorg
from .models import Reorganisation, ReorganisationKind, ReorganisationState
from .reorg_forms import (
    KIND_SLUGS,
    SLUG_OF,
    MergeForm,
    MoveForm,
    ReorganisationForm,
    SplitForm,
    SplitSourceForm,
)

PAGE_SIZE = 25


@login_required
@require_GET
def reorg_list(request: HttpRequest) -> HttpResponse:
    require(request, "organisations.view_reorganisation")
    page = Paginator(reorg.reorganisations_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/reorg/list.html",
        {
            "page": page,
            "kinds": [(slug, ReorganisationKind(kind).label) for slug, kind in KIND_SLUGS.items()],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reorg_create(request: HttpRequest, kind: str) -> HttpResponse:
    """The form of one kind of reorganisation; a valid form is recorded as a draft and shown as a preview."""
    require(request, "organisations.view_reorganisation")
    if kind not in KIND_SLUGS:
        raise Http404
    chosen = KIND_SLUGS[kind]
    data = request.POST if request.method == "POST" else None
    context: dict[str, Any] = {"kind": chosen, "slug": kind, "title": ReorganisationKind(chosen).label}
    form: ReorganisationForm
    if chosen == ReorganisationKind.SPLIT:
        picker = SplitSourceForm(request.GET or None, user=request.user)
        if not picker.is_valid():
            return render(request, "organisations/reorg/split_pick.html", {**context, "picker": picker})
        source = picker.cleaned_data["unit"]
        form = SplitForm(data, user=request.user, source=source, parts=picker.cleaned_data["jumlah"])
        context.update(source=source)
    elif chosen == ReorganisationKind.MERGE:
        form = MergeForm(data, user=request.user)
    else:
        form = MoveForm(data, user=request.user)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            record = reorg.plan_reorganisation(
                kind=chosen,
                plan=form.plan(),
                effective_date=form.cleaned_data["effective_date"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            return redirect("organisations:reorg-detail", record.pk)
    return render(request, "organisations/reorg/form.html", {**context, "form": form})


def _record(request: HttpRequest, pk: int, perm: str) -> Reorganisation:
    return visible_or_404(request, reorg.reorganisations_for(request.user), perm, pk=pk)


@login_required
@require_GET
def reorg_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft: the preview (what applying would change, and what stops it). Applied: what it changed."""
    record = _record(request, pk, "organisations.view_reorganisation")
    context: dict[str, Any] = {"record": record, "slug": SLUG_OF[ReorganisationKind(record.kind)]}
    if record.state == ReorganisationState.DRAFT:
        shown = reorg.preview(kind=record.kind, plan=record.plan, effective_date=record.effective_date)
        context["preview"] = shown.as_dict()
        context["ok"] = shown.ok
    else:
        context["preview"] = record.result
        context["ok"] = False
    _dates(context["preview"])
    context["links"] = list(record.units.select_related("unit", "old_parent").order_by("role", "unit__path"))
    return render(request, "organisations/reorg/detail.html", context)


def _dates(shown: dict[str, Any]) -> None:
    """The preview's ISO dates as dates, for the template's date format."""
    for row in shown.get("closed", []):
        row["valid_to"] = dt.date.fromisoformat(row["valid_to"])
    for row in shown.get("created", []):
        row["valid_from"] = dt.date.fromisoformat(row["valid_from"])


@login_required
@require_POST
def reorg_apply(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, "organisations.view_reorganisation")
    require(request, "organisations.apply_reorganisation", record)
    try:
        reorg.apply_reorganisation(reorganisation=record, by=request.user)
    except ValidationError as exc:
        messages.error(
            request,
            _("Reorganisasi tidak diterapkan; tidak ada yang diubah. %(problems)s")
            % {"problems": " ".join(exc.messages)},
        )
        return redirect("organisations:reorg-detail", record.pk)
    messages.success(
        request,
        _("Reorganisasi diterapkan, berlaku mulai %(date)s.")
        % {"date": record.effective_date.strftime("%d-%m-%Y")},
    )
    return redirect("organisations:reorg-detail", record.pk)


@login_required
@require_POST
def reorg_discard(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record(request, pk, "organisations.view_reorganisation")
    require(request, "organisations.apply_reorganisation", record)
    try:
        reorg.discard_reorganisation(reorganisation=record, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organisations:reorg-detail", record.pk)
    messages.success(request, _("Rancangan reorganisasi dibatalkan."))
    return redirect("organisations:reorg-list")
