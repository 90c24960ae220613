"""`kinerja close_periods [--date YYYY-MM-DD]`: close every reporting period whose lock date has come (idempotent)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kinerja.reporting import services


class Command(BaseCommand):
    help = _("Menutup periode pelaporan yang tanggal penguncinya telah tiba dan menyimpan potret skor final.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help=_("Tanggal acuan (bawaan: hari ini)."))

    def handle(self, *args: Any, date: dt.date | None = None, **options: Any) -> None:
        closed = services.close_due_periods(today=date)
        for period in closed:
            self.stdout.write(
                _("Ditutup: %(period)s (%(label)s)") % {"period": period.display_name, "label": period.label}
            )
        self.stdout.write(_("%(count)d periode ditutup.") % {"count": len(closed)})
