"""Writes on accounts: granting and revoking roles. Each checks permission, runs in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.common import history
from kinerja.common.history import recorded

from .models import RoleAssignment, RoleSource, User
from .scope import forget

if TYPE_CHECKING:  # a type only: accounts sits below organisations
    from kinerja.organisations.models import Unit


def grant_problem(*, user: User, unit: Unit, role: str, by: history.User) -> tuple[str, str] | None:
    """Why `by` may not give `user` the `role` on `unit`, as (code, message); None when nothing is wrong."""
    if not by.has_perm("accounts.manage_roles", unit):
        return "forbidden", _("Anda tidak berwenang memberi peran pada unit ini.")
    if RoleAssignment.objects.filter(user=user, unit=unit, role=role).exists():
        return "duplicate", _("Pengguna ini sudah memiliki peran tersebut pada unit ini.")
    return None


def grant_role(*, user: User, unit: Unit, role: str, by: history.User) -> RoleAssignment:
    """Give `user` the `role` on `unit` (and so on its whole subtree)."""
    problem = grant_problem(user=user, unit=unit, role=role, by=by)
    if problem is not None:
        code, message = problem
        raise PermissionDenied(message) if code == "forbidden" else ValidationError(message, code=code)
    with transaction.atomic():
        granted = recorded(RoleAssignment(user=user, unit=unit, role=role), by)
        granted.save()
    forget(user)
    return granted


def revoke_role(*, granted: RoleAssignment, by: history.User) -> None:
    """Take a role away; nobody revokes their own (an administrator cannot lock themself out by mistake)."""
    if not by.has_perm("accounts.manage_roles", granted):
        raise PermissionDenied(_("Anda tidak berwenang mencabut peran ini."))
    if granted.user_id == by.pk:
        raise ValidationError(_("Anda tidak dapat mencabut peran Anda sendiri."), code="own_role")
    if granted.source == RoleSource.AUTO:
        raise ValidationError(
            _(
                "Peran ini diberikan otomatis menurut organisasi (unit atau jabatan kepala unit pegawai); "
                "ubah data pegawainya untuk mengubahnya."
            ),
            code="automatic",
        )
    with transaction.atomic():
        recorded(granted, by).delete()
    forget(granted.user)
