"""`kinerja restore FILE`: bring a `kinerja backup` archive back into an empty database, checksums first."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinerja.common.backup import BackupError, restore


class Command(BaseCommand):
    help = _("Memulihkan arsip `kinerja backup` ke basis data kosong setelah memeriksa setiap checksum.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("arsip yang dipulihkan"))

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        try:
            summary = restore(file, report=self.stdout.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                _("Pemulihan selesai: %(rows)d baris, %(files)d berkas.")
                % {"rows": summary.rows, "files": summary.files}
            )
        )
