"""`kinerja send_reminders [--date YYYY-MM-DD] [--dry-run]`: e-mail managers about realizations still missing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kinerja.reporting import services


class Command(BaseCommand):
    help = _(
        "Mengirim surel pengingat kepada pengelola kinerja tentang realisasi yang belum diajukan "
        "menjelang atau setelah batas waktunya."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", type=dt.date.fromisoformat, help=_("Tanggal acuan (bawaan: hari ini)."))
        parser.add_argument("--dry-run", action="store_true", help=_("Tampilkan saja, jangan kirim."))

    def handle(self, *args: Any, date: dt.date | None = None, dry_run: bool = False, **options: Any) -> None:
        report = services.send_reminders(today=date, dry_run=dry_run)
        for address, items in sorted(report.items.items()):
            self.stdout.write(f"{address}: {len(items)}")
        if dry_run:
            self.stdout.write(_("Uji coba: %(count)d surel akan dikirim.") % {"count": len(report.items)})
        else:
            self.stdout.write(_("%(count)d surel pengingat dikirim.") % {"count": report.emails})
