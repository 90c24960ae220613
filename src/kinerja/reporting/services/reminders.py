"""Reminders about realizations still missing near or after their due date (rule 24)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _

from kinerja.accounts.models import Role, RoleAssignment, User
from kinerja.organisations.models import Unit

from ..selectors import ReminderItem, missing_items, reporting_unit
from .periods import _today

__all__ = ["ReminderItem", "ReminderReport", "missing_items", "send_reminders"]


@dataclass
class ReminderReport:
    """What `send_reminders` did: the e-mails sent and the missing items, per recipient address."""

    emails: int = 0
    items: dict[str, list[ReminderItem]] = field(default_factory=dict)


def _managers_by_unit(units: Iterable[Unit]) -> dict[int, list[Any]]:
    """Each unit's performance managers: those on the unit itself, else those of its nearest ancestor."""
    units = list(units)
    paths = {u.path[:i] for u in units for i in range(Unit.steplen, len(u.path) + 1, Unit.steplen)}
    by_path: dict[str, list[Any]] = defaultdict(list)
    for assignment in RoleAssignment.objects.filter(role=Role.MANAGER, unit__path__in=paths).select_related(
        "user__employee", "unit"
    ):
        if assignment.user.is_active:
            by_path[assignment.unit.path].append(assignment.user)
    found: dict[int, list[Any]] = {}
    for unit in units:
        for i in range(len(unit.path), 0, -Unit.steplen):
            managers = by_path.get(unit.path[:i])
            if managers:
                found[unit.pk] = managers
                break
    return found


def _address(user: User) -> str:
    employee = getattr(user, "employee", None)
    return user.email or (employee.email if employee is not None else "") or ""


def send_reminders(*, today: dt.date | None = None, dry_run: bool = False) -> ReminderReport:
    """E-mail each unit's performance manager the realizations still missing near or after their due date.

    One e-mail per manager, listing every missing KPI and period of the units
    they manage (their own unit, or the units below with no manager of their
    own). `dry_run` builds the report without sending.
    """
    day = _today(today)
    items = missing_items(today=day)
    report = ReminderReport()
    if not items:
        return report
    units = {reporting_unit(item.kpi).pk: reporting_unit(item.kpi) for item in items}
    managers = _managers_by_unit(units.values())
    for item in items:
        for user in managers.get(reporting_unit(item.kpi).pk, []):
            address = _address(user)
            if address:
                report.items.setdefault(address, []).append(item)
    messages = []
    for address, mine in sorted(report.items.items()):
        lines = [
            _("Yth. pengelola kinerja,"),
            "",
            _("Realisasi berikut belum diajukan per %(day)s:") % {"day": day.isoformat()},
            "",
        ]
        for item in mine:
            if item.days_late > 0:
                when = _("terlambat %(days)d hari") % {"days": item.days_late}
            else:
                when = _("batas waktu %(date)s") % {"date": item.period.due_date.isoformat()}
            state = _("konsep") if item.realization is not None else _("belum diisi")
            lines.append(
                f"- {reporting_unit(item.kpi).code} · {item.kpi.code} {item.kpi.name} · "
                f"{item.period.display_name} · {state} · {when}"
            )
        lines += ["", _("Pesan ini dikirim otomatis oleh Kinerja.")]
        subject = _("[Kinerja] %(count)d realisasi belum diajukan") % {"count": len(mine)}
        messages.append(EmailMessage(subject, "\n".join(lines), to=[address]))
    if not dry_run:
        connection = get_connection()
        report.emails = connection.send_messages(messages) or 0
    return report
