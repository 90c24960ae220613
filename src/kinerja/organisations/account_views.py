"""Pages for set-your-password e-mails in bulk (issue 15 item 3; the work is in `password_mails.py`).

`password_mails`: choose a unit (its subtree) and "only those who never logged in", see how many e-mails would
go, send them (a background job). `password_mail_job`: the job's progress and its report, line by line.
Administrators only, on units they reach.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from kinerja.accounts.models import MailOutcome, PasswordMailJob, Role
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.web import is_htmx, object_for, require

from . import selectors
from .forms import UnitChoiceField
from .password_mails import mail_preview, mail_rate, report_lines, start_password_mails

REPORT_PAGE_SIZE = 50
RECENT_JOBS = 10


class PasswordMailForm(forms.Form):
    never_logged_in = forms.BooleanField(
        label=_("Hanya yang belum pernah masuk"),
        required=False,
        initial=True,
        help_text=_("Pegawai yang sudah pernah masuk ke Kinerja tidak dikirimi surel."),
    )

    def __init__(self, *args: Any, by: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "unit": UnitChoiceField(
                selectors.units_for(by, roles=(Role.ADMIN,)),
                label=_("Unit"),
                help_text=_("Surel dikirim ke pegawai aktif unit ini dan seluruh unit di bawahnya."),
            ),
            **self.fields,
        }


def jobs_for(user: Viewer) -> QuerySet[PasswordMailJob]:
    """The sendings on units the user administers, newest first."""
    return (
        PasswordMailJob.objects.filter(unit_filter(user, "unit__path", roles=(Role.ADMIN,)))
        .select_related("unit", "created_by")
        .order_by("-created_at", "-pk")
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_mails(request: HttpRequest) -> HttpResponse:
    """GET: the form, and with a unit chosen the counts; POST: start the sending, then its page."""
    require(request, "accounts.send_password_mails")
    data = request.POST if request.method == "POST" else (request.GET if "unit" in request.GET else None)
    form = PasswordMailForm(data, by=request.user)
    preview = None
    if data is not None and form.is_valid():
        unit, never = form.cleaned_data["unit"], form.cleaned_data["never_logged_in"]
        require(request, "accounts.send_password_mails", unit)
        if request.method == "POST":
            job = start_password_mails(unit=unit, never_logged_in=never, by=request.user)
            return redirect("organisations:password-mail-job", job.pk)
        preview = mail_preview(unit, never_logged_in=never)
    return render(
        request,
        "organisations/password_mails.html",
        {
            "form": form,
            "preview": preview,
            "rate": mail_rate(),
            "jobs": jobs_for(request.user)[:RECENT_JOBS],
        },
    )


@login_required
@require_GET
def password_mail_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A sending's progress (htmx refreshes the status block until it ends) and its report."""
    job = object_for(request, jobs_for(request.user), "accounts.view_passwordmailjob", pk=pk)
    if is_htmx(request, "mail-job"):
        return render(request, "organisations/_password_mail_status.html", {"job": job})
    outcome = request.GET.get("hasil", "")
    outcome = outcome if outcome in MailOutcome.values else ""
    page = Paginator(report_lines(job, outcome or None), REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/password_mail_job.html",
        {"job": job, "page": page, "outcome": outcome, "outcomes": MailOutcome.choices},
    )
