"""Who hears about a contract's step (issue 14, notifications): the next person to act on it.

proposed → the superior who agrees it (rule 18); agreed → the holder, who signs it; returned to draft → the
holder, with the reason; opened for revision → the holder, with the reason. The person who took the step is
not told about it.
"""

from __future__ import annotations

from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.accounts.models import User
from kinerja.common.history import Actor
from kinerja.notifications.models import Kind
from kinerja.notifications.services import notify

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
    if action not in TOLD:
        return 0
    who, kind = TOLD[action]
    employee_id = contract.superior_id if who == "superior" else contract.employee_id
    if employee_id is None:
        return 0
    users = User.objects.filter(employee_id=employee_id, is_active=True)
    if by is not None:
        users = users.exclude(pk=by.pk)
    return len(
        notify(
            users=list(users.values_list("pk", flat=True)),
            kind=kind,
            title=partial(_title, action, contract),
            body=partial(_body, reason),
            url=reverse("contracts:detail", kwargs={"pk": contract.pk}),
        )
    )
