"""The page of one follow-up action (issue 14 item 2, creation side): the action, its history, the meetings it was
carried through, and — for its owner or the unit's leader or manager, while it is open — the status change:
in progress, done (with the evidence of completion) or dropped (with a reason). The evidence file is served to
whoever sees the action. Closed actions are read-only (the services refuse)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kinerja.common.web import require, service_errors_on

from .. import selectors, services
from ..forms import ActionStatusForm
from ..models import Action


def _action(request: HttpRequest, pk: int) -> Action:
    found = selectors.action_for_page(request.user, pk)
    if found is None or not request.user.has_perm("meetings.view_action", found):
        raise Http404
    return found


def _page(
    request: HttpRequest, action: Action, form: ActionStatusForm | None, status: int = 200
) -> HttpResponse:
    may_change = action.is_open and request.user.has_perm("meetings.change_action", action)
    context = {
        "action": action,
        "meetings": selectors.carried_through(action),
        "history": selectors.action_history(action),
        "warnings": selectors.action_warnings(action),
        "overdue": selectors.is_overdue(action),
        "may_change": may_change,
        "form": (form or ActionStatusForm()) if may_change else None,
    }
    return render(request, "meetings/action.html", context, status=status)


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if request.method != "POST":
        return _page(request, action, None)
    require(request, "meetings.change_action", action)
    form = ActionStatusForm(request.POST, request.FILES)
    if form.is_valid():
        step = form.cleaned_data["step"]
        note = form.cleaned_data["note"] or ""
        with service_errors_on(form):
            if step == "start":
                services.start_action(action=action, note=note, by=request.user)
                messages.success(request, _("Tindak lanjut dalam proses."))
            elif step == "progress":
                services.update_progress(action=action, note=note, by=request.user)
                messages.success(request, _("Catatan perkembangan disimpan."))
            elif step == "done":
                services.complete_action(
                    action=action, upload=form.cleaned_data.get("evidence"), note=note, by=request.user
                )
                messages.success(request, _("Tindak lanjut selesai; bukti penyelesaian tersimpan."))
            else:
                services.drop_action(action=action, reason=form.cleaned_data["reason"] or "", by=request.user)
                messages.success(request, _("Tindak lanjut dibatalkan."))
            return redirect("meetings:action-detail", action.pk)
    action.refresh_from_db()
    return _page(request, action, form, status=400)


@login_required
@require_safe
def action_evidence(request: HttpRequest, pk: int) -> FileResponse:
    action = _action(request, pk)
    if not action.evidence:
        raise Http404
    try:
        handle = action.evidence.open("rb")
    except (FileNotFoundError, ValidationError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=action.evidence_name or "bukti")


__all__ = ["action_detail", "action_evidence"]
