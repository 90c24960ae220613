"""Reads of contracts and cascades, always limited to what the user may see.

A person sees their own contracts, the contracts they agree (their subordinates') and every contract of the
units their roles reach (`accounts/rules.py`, "contracts and cascading").
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from kinerja.accounts.scope import READ_ROLES, Viewer, reaches_everything, unit_filter

from .models import Contract


def contract_scope(user: Viewer) -> Q:
    """The contracts `user` may read, as a filter (the same answer as `contracts.view_contract`)."""
    if reaches_everything(user):
        return Q()
    condition = unit_filter(user, "unit__path", READ_ROLES)
    employee_id = getattr(user, "employee_id", None)
    if employee_id is not None:
        condition |= Q(employee_id=employee_id) | Q(superior_id=employee_id)
    return condition


def contracts_readable_by(user: Viewer) -> QuerySet[Contract]:
    return Contract.objects.filter(contract_scope(user))
