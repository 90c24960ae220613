"""`kinerja send_reminders [--date YYYY-MM-DD]`: the daily reminders, as notifications (in the application
and by e-mail, as each user chose): realizations due or missing (`reporting.reminders.notify_due`) and
follow-up actions overdue (`meetings.follow_ups.notify_overdue`); then any e-mail still owed is sent.
Run it once a day (cron or a systemd timer, docs/deploy.md); a second run on the same day tells nobody again.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from kinerja.notifications.services import send_pending_emails
from kinerja.reporting.reminders import notify_due

# the follow-up matrix lands with the meetings work; until then this command runs without it
FOLLOW_UPS = "kinerja.meetings.follow_ups"


def _notify_overdue(day: dt.date) -> int | None:
    if importlib.util.find_spec(FOLLOW_UPS) is None:
        return None
    module = importlib.import_module(FOLLOW_UPS)
    return int(module.notify_overdue(today=day))


class Command(BaseCommand):
    help = _(
        "Mengirim pengingat harian sebagai pemberitahuan: realisasi yang jatuh tempo atau belum diajukan, "
        "dan tindak lanjut yang terlambat."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help=_("Tanggal acuan (bawaan: hari ini)."))

    def handle(self, *args: Any, date: dt.date | None = None, **options: Any) -> None:
        day = date or timezone.localdate()
        due = notify_due(today=day)
        self.stdout.write(
            _("Realisasi jatuh tempo atau belum diajukan: %(count)d pemberitahuan.") % {"count": due}
        )
        overdue = _notify_overdue(day)
        if overdue is None:
            self.stdout.write(_("Tindak lanjut terlambat: modul rapat belum tersedia."))
        else:
            self.stdout.write(_("Tindak lanjut terlambat: %(count)d pemberitahuan.") % {"count": overdue})
        sent = send_pending_emails()
        self.stdout.write(_("Surel tertunda yang terkirim: %(count)d.") % {"count": sent})
