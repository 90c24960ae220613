"""Account pages: my profile. Role management lives with the units (organisations/views.py)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import User


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
