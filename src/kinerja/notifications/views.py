"""Pages of the notifications: my list (unread first), following one (marks it read), marking all read,
and my preferences per kind. Every page is the signed-in user's own."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.accounts.models import User
from kinerja.common.web import is_htmx, service_errors_on

from . import selectors, services
from .forms import PreferencesForm

PER_PAGE = 25
PANEL_SIZE = 6


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """My notifications, unread first, newest first; paged. The bell's panel asks it for the first few."""
    if is_htmx(request) and request.GET.get("panel"):
        items = list(selectors.inbox(request.user)[:PANEL_SIZE])
        return render(request, "notifications/_panel.html", {"items": items})
    page = Paginator(selectors.inbox(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/index.html", {"page": page})


@login_required
@require_GET
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a notification: it is marked read, then the user goes where it is acted on (this site only)."""
    notification = selectors.notification_for(request.user, pk)
    if notification is None:
        raise Http404
    services.mark_read(notification=notification, by=cast(User, request.user))
    target = selectors.safe_target(notification.url, request.get_host())
    return redirect(target or reverse("notifications:index"))


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(by=cast(User, request.user))
    messages.success(request, _("%(count)d pemberitahuan ditandai sudah dibaca.") % {"count": count})
    return redirect("notifications:index")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """For each kind: in the application and/or by e-mail; and the language of the e-mails."""
    user = cast(User, request.user)
    rows = selectors.preferences_of(user)
    form = PreferencesForm(
        request.POST or None, initial_rows=rows, initial={"language": selectors.email_language_of(user)}
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.save_preferences(by=user, choices=form.choices(), language=form.cleaned_data["language"])
            messages.success(request, _("Pilihan pemberitahuan disimpan."))
            return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form, "has_email": bool(user.email)})
