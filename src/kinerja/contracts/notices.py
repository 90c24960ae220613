"""Who hears about a contract's step (issue 14, notifications): the next person to act on it.

proposed → the superior who agrees it (rule 18); agreed → the holder, who signs it; returned to draft → the
holder, with the reason; opened for revision → the holder, with the reason. The person who took the step is
not told about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.accounts.models import User
from kinerja.common.history import Actor
from kinerja.notifications.models import Kind
from kinerja.notifications.services import Message, notify_each

from .models import Contract

# action → (who is told: "superior" or "holder", the kind)
TOLD = {
    "propose": ("superior", Kind.CONTRACT),
    "agree": ("holder", Kind.CONTRACT),
    "return": ("holder", Kind.RETURNED),
    "revise": ("holder", Kind.CONTRACT),
}


def _title(action: str, contract: Contract) -> str:
    values = {"name": contract.employee.name, "year": contract.plan_year.year, "revision": contract.revision}
    if action == "propose":
        return _("Kontrak kinerja %(name)s tahun %(year)s menunggu persetujuan Anda") % values
    if action == "agree":
        return (
            _("Kontrak kinerja Anda tahun %(year)s sudah disetujui atasan dan menunggu tanda tangan Anda")
            % values
        )
    if action == "return":
        return _("Kontrak kinerja Anda tahun %(year)s dikembalikan ke konsep") % values
    return _("Kontrak kinerja Anda tahun %(year)s dibuka untuk revisi ke-%(revision)s") % values


def _body(reason: str) -> str:
    return _("Alasan: %(reason)s") % {"reason": reason} if reason else ""


def contract_stepped(*, contract: Contract, action: str, by: Actor, reason: str = "") -> int:
    """Tell the next person about `contract`, which just took `action`; returns the notifications stored."""
    return contracts_stepped(contracts=[contract], action=action, by=by, reason=reason)


def contracts_stepped(*, contracts: Sequence[Contract], action: str, by: Actor, reason: str = "") -> int:
    """`contract_stepped` for many contracts that took the same step (`services.bulk_step`): the same people
    told the same thing, in two queries (their users, then one `notify_each`) whatever the number."""
    if action not in TOLD or not contracts:
        return 0
    who, kind = TOLD[action]
    told = {c.pk: (c.superior_id if who == "superior" else c.employee_id) for c in contracts}
    users: dict[int, list[int]] = {}
    found = User.objects.filter(employee_id__in={e for e in told.values() if e is not None}, is_active=True)
    if by is not None:
        found = found.exclude(pk=by.pk)
    for pk, employee_id in found.values_list("pk", "employee_id"):
        users.setdefault(employee_id, []).append(pk)
    messages = [
        Message(
            user,
            partial(_title, action, contract),
            reverse("contracts:detail", kwargs={"pk": contract.pk}),
            partial(_body, reason),
        )
        for contract in contracts
        for user in users.get(told[contract.pk] or 0, [])
    ]
    return len(notify_each(kind=kind, messages=messages))
