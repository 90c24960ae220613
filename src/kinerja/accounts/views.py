"""Account pages: my profile and my API tokens. Role management lives with the units (organisations/views.py)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .models import ApiToken, User
from .tokens import issue_token, lifetime, revoke_token


def _signed_in(request: HttpRequest) -> User:
    """The request's user, for views behind `login_required` (never anonymous there)."""
    user = request.user
    assert isinstance(user, User)
    return user


@login_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    user = _signed_in(request)
    roles = user.roles.select_related("unit").order_by("unit__path", "role")
    employee = user.employee if user.employee_id else None
    return render(request, "accounts/profile.html", {"roles": roles, "employee": employee})


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Nama token"),
        max_length=100,
        help_text=gettext_lazy("Untuk apa token ini, mis. “skrip impor realisasi KPP”."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_list(request: HttpRequest) -> HttpResponse:
    """My API tokens: what exists, when each expires and was last used; make one (shown once) or revoke."""
    user = _signed_in(request)
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = issue_token(user=user, name=form.cleaned_data["name"])
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at")
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key, "days": lifetime().days},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _signed_in(request)
    token = get_object_or_404(ApiToken, pk=pk, user=user)  # someone else's token does not exist for you
    revoke_token(token=token, by=user)
    messages.success(
        request,
        _("Token %(name)s dicabut; skrip yang memakainya tidak dapat masuk lagi.") % {"name": token.name},
    )
    return redirect("accounts:tokens")
