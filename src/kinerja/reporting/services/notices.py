"""Who hears about a realization's step (issue 14, notifications): the next person in the workflow.

submitted → the unit's performance managers (to verify); verified → its leaders (to approve); returned →
the one who submitted it, with the reason. The unit is the one the KPI reports to (an IKI: its holder's). A
step taken on many realizations at once tells each person once per unit and period (one message listing
the KPIs), in a constant number of queries. The person who took the step is never told about it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import partial

from django.urls import reverse
from django.utils.translation import gettext as _

from kinerja.accounts.models import Role
from kinerja.common.history import Actor
from kinerja.notifications.models import Kind
from kinerja.notifications.recipients import nearest_role_holders
from kinerja.notifications.services import Message, notify_each
from kinerja.organisations.models import Unit

from ..models import Realization
from ..selectors import reporting_unit

# action → (the roles told, the kind); "return" tells the submitter instead
NEXT_STEP = {"submit": ((Role.MANAGER,), Kind.WAITING), "verify": ((Role.LEADER,), Kind.WAITING)}
LISTED = 5  # KPIs named in one message; the rest counted


def _link(realizations: Sequence[Realization]) -> str:
    first = realizations[0]
    if len(realizations) == 1 or first.kpi.holder_id is not None:
        return reverse("reporting:realization", kwargs={"pk": first.pk})
    return reverse("reporting:map", kwargs={"pk": first.kpi.objective.map_id}) + f"?periode={first.period_id}"


def _body(realizations: Sequence[Realization], reason: str = "") -> str:
    codes = _codes(realizations)
    return (_("Alasan: %(reason)s") % {"reason": reason} + "\n" + codes) if reason else codes


def _codes(realizations: Sequence[Realization]) -> str:
    codes = [f"{r.kpi.code} {r.kpi.name}" for r in realizations[:LISTED]]
    if len(realizations) > LISTED:
        codes.append(_("dan %(count)d lainnya") % {"count": len(realizations) - LISTED})
    return "\n".join(f"- {c}" for c in codes)


def _title(action: str, realizations: Sequence[Realization], unit: Unit | None) -> str:
    """Written in the active language: `notify_each` calls it under each recipient's."""
    count = len(realizations)
    values = {
        "code": realizations[0].kpi.code,
        "count": count,
        "unit": unit.name if unit is not None else "",
        "period": realizations[0].period.display_name,
    }
    if action == "submit":
        if count == 1:
            return _("Realisasi %(code)s %(unit)s periode %(period)s menunggu verifikasi Anda") % values
        return _("%(count)d realisasi %(unit)s periode %(period)s menunggu verifikasi Anda") % values
    if action == "verify":
        if count == 1:
            return _("Realisasi %(code)s %(unit)s periode %(period)s menunggu persetujuan Anda") % values
        return _("%(count)d realisasi %(unit)s periode %(period)s menunggu persetujuan Anda") % values
    if count == 1:
        return _("Realisasi %(code)s periode %(period)s dikembalikan kepada Anda") % values
    return _("%(count)d realisasi periode %(period)s dikembalikan kepada Anda") % values


def realizations_stepped(
    *, action: str, realizations: Iterable[Realization], by: Actor, reason: str = ""
) -> int:
    """Tell the next person about `realizations` that just took `action`; returns the notifications stored.

    The realizations carry their KPI's map unit and holder unit and their period (as the workflow's locked
    rows do: `workflow.LOCK_RELATED`)."""
    done = list(realizations)
    if not done or (action not in NEXT_STEP and action != "return"):
        return 0
    by_id = getattr(by, "pk", None)
    groups: dict[tuple[str, int], list[Realization]] = defaultdict(list)  # (unit path, period) → realizations
    units: dict[str, Unit] = {}
    for realization in done:
        unit = reporting_unit(realization.kpi)
        units[unit.path] = unit
        groups[(unit.path, realization.period_id)].append(realization)
    messages: list[Message] = []
    if action == "return":
        mine: dict[tuple[int, int], list[Realization]] = defaultdict(
            list
        )  # (submitter, period) → realizations
        for realization in done:
            if realization.submitted_by_id is not None and realization.submitted_by_id != by_id:
                mine[(realization.submitted_by_id, realization.period_id)].append(realization)
        for (user_id, _period), items in mine.items():
            title = partial(_title, action, items, None)
            messages.append(Message(user_id, title, _link(items), partial(_body, items, reason)))
        return len(notify_each(kind=Kind.RETURNED, messages=messages))
    roles, kind = NEXT_STEP[action]
    holders = nearest_role_holders(units, roles)
    for (path, _period), items in groups.items():
        # separation of duties: neither the one who took this step nor the submitter is asked for the next
        skip = {by_id, *(r.submitted_by_id for r in items)}
        title = partial(_title, action, items, units[path])
        for user_id in holders.get(path, []):
            if user_id not in skip:
                messages.append(Message(user_id, title, _link(items), partial(_body, items)))
    return len(notify_each(kind=kind, messages=messages))
