"""Due and missing realizations as notifications (issue 14 item 9; rule 24): `notify_due`, run daily by
`kinerja send_reminders`.

For each open period whose due date is near (`KINERJA_REMINDER_DAYS_BEFORE`) or past, the KPIs whose
realization is still missing or a draft, and the people who must report them: for a map KPI, those holding
the employee or performance-manager role on the KPI's unit (else on its nearest ancestor where somebody
does); for an individual KPI (IKI), the holder. Each person hears once a day per period, in one message
counting their own KPIs. Set-based: per period one query for the missing KPIs of every unit, then one query
for the role holders and one for the IKI holders, whatever the number of units.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kinerja.accounts.models import Role, User
from kinerja.notifications.models import Kind
from kinerja.notifications.recipients import nearest_role_holders
from kinerja.notifications.services import Message, notify_each
from kinerja.planning.models import Kpi

from . import conf
from .models import PeriodState, Realization, RealizationState, ReportingPeriod
from .selectors import reportable_kpis

ENTRY_ROLES = (Role.EMPLOYEE, Role.MANAGER)  # who enters and submits realizations (accounts/rules.py)
LISTED = 8  # KPIs named in one message; the rest counted


@dataclass(frozen=True)
class Missing:
    """One KPI still missing in a period: where it reports and how it is named."""

    unit_code: str
    unit_path: str
    map_id: int
    kpi_code: str
    kpi_name: str
    holder_id: int | None


def due_periods(day: dt.date) -> list[ReportingPeriod]:
    """Open periods whose due date is within the reminder window of `day`, or already past."""
    window = dt.timedelta(days=int(conf.get("KINERJA_REMINDER_DAYS_BEFORE")))
    return list(
        ReportingPeriod.objects.filter(state=PeriodState.OPEN, due_date__lte=day + window)
        .select_related("plan_year")
        .order_by("due_date", "end")
    )


def missing_in(period: ReportingPeriod) -> list[Missing]:
    """The KPIs that report in `period` and have no realization beyond draft yet: one query."""
    submitted = Realization.objects.filter(kpi=OuterRef("pk"), period=period).exclude(
        state=RealizationState.DRAFT
    )
    rows = (
        Kpi.all_kpis.filter(
            reportable_kpis(), frequency=period.frequency, objective__map__plan_year_id=period.plan_year_id
        )
        .filter(~Exists(submitted))
        .order_by("objective__map__unit__path", "objective__code", "code")
        .values_list(
            "objective__map__unit__code",
            "objective__map__unit__path",
            "objective__map_id",
            "code",
            "name_id",
            "holder_id",
            "holder__unit__code",
            "holder__unit__path",
        )
    )
    return [
        Missing(
            unit_code=holder_unit_code if holder_id else unit_code,
            unit_path=holder_unit_path if holder_id else unit_path,
            map_id=map_id,
            kpi_code=code,
            kpi_name=name,
            holder_id=holder_id,
        )
        for unit_code, unit_path, map_id, code, name, holder_id, holder_unit_code, holder_unit_path in rows
    ]


def _title(period: ReportingPeriod, count: int, day: dt.date) -> str:
    values = {"count": count, "period": period.display_name, "date": period.due_date.strftime("%d-%m-%Y")}
    late = (day - period.due_date).days
    if late > 0:
        values["days"] = late
        return (
            ngettext(
                "%(count)d realisasi periode %(period)s belum diajukan, terlambat %(days)d hari",
                "%(count)d realisasi periode %(period)s belum diajukan, terlambat %(days)d hari",
                count,
            )
            % values
        )
    return (
        ngettext(
            "%(count)d realisasi periode %(period)s belum diajukan, batas waktu %(date)s",
            "%(count)d realisasi periode %(period)s belum diajukan, batas waktu %(date)s",
            count,
        )
        % values
    )


def _body(items: list[Missing]) -> str:
    lines = [f"- {m.unit_code} · {m.kpi_code} {m.kpi_name}" for m in items[:LISTED]]
    if len(items) > LISTED:
        lines.append(_("dan %(count)d lainnya") % {"count": len(items) - LISTED})
    return "\n".join(lines)


def _link(period: ReportingPeriod, items: list[Missing]) -> str:
    maps = {m.map_id for m in items if m.holder_id is None}
    if len(maps) == 1 and all(m.holder_id is None for m in items):
        return reverse("reporting:map", kwargs={"pk": maps.pop()}) + f"?periode={period.pk}"
    return reverse("reporting:index")


def notify_due(*, today: dt.date | None = None) -> int:
    """Tell everyone who must report a realization still missing in a period due soon or late; returns the
    notifications stored (a second run on the same day stores none)."""
    day = today or timezone.localdate()
    stored = 0
    with transaction.atomic():  # the e-mails are queued once everything is stored
        stored = _notify_due(day)
    return stored


def _notify_due(day: dt.date) -> int:
    stored = 0
    for period in due_periods(day):
        missing = missing_in(period)
        if not missing:
            continue
        paths = {m.unit_path for m in missing if m.holder_id is None}
        holders = nearest_role_holders(paths, ENTRY_ROLES)
        positions = {m.holder_id for m in missing if m.holder_id is not None}
        by_position: dict[int, list[int]] = defaultdict(list)
        if positions:
            for user_id, position_id in User.objects.filter(
                is_active=True, employee__is_active=True, employee__position_id__in=positions
            ).values_list("pk", "employee__position_id"):
                by_position[position_id].append(user_id)
        mine: dict[int, list[Missing]] = defaultdict(list)
        for item in missing:
            told = by_position.get(item.holder_id, []) if item.holder_id else holders.get(item.unit_path, [])
            for user_id in told:
                mine[user_id].append(item)
        key = f"due:{period.pk}:{day.isoformat()}"
        messages = [
            Message(
                user_id,
                partial(_title, period, len(items), day),
                _link(period, items),
                partial(_body, items),
                key,
            )
            for user_id, items in mine.items()
        ]
        stored += len(notify_each(kind=Kind.REALIZATION_DUE, messages=messages))
    return stored
