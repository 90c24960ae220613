"""Account pages: my profile, and role management for administrators (within their subtree)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .forms import GrantRoleForm
from .models import Role, RoleAssignment, User
from .scope import unit_filter
from .services import revoke_role


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


def _managed_roles(user: object):
    """Role assignments on units in the subtrees the user administers."""
    return (
        RoleAssignment.objects.filter(unit_filter(user, "unit__path", (Role.ADMIN,)))
        .select_related("user", "user__employee", "unit")
        .order_by("unit__path", "user__username", "role")
    )


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("accounts.manage_roles"):
        raise PermissionDenied
    form = GrantRoleForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        granted = form.save()
        messages.success(
            request,
            _("Peran %(role)s pada %(unit)s diberikan kepada %(user)s.")
            % {"role": granted.get_role_display(), "unit": granted.unit.code, "user": granted.user.username},
        )
        return redirect("accounts:role-list")
    page = Paginator(_managed_roles(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/role_list.html", {"form": form, "page": page})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    granted = get_object_or_404(_managed_roles(request.user), pk=pk)
    if not request.user.has_perm("accounts.manage_roles", granted):
        raise PermissionDenied
    user = granted.user
    try:
        revoke_role(granted=granted, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:role-list")
    messages.success(
        request,
        _("Peran %(role)s pada %(unit)s dicabut dari %(user)s.")
        % {"role": granted.get_role_display(), "unit": granted.unit.code, "user": user.username},
    )
    return redirect("accounts:role-list")
