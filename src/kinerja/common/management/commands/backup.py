"""`kinerja backup FILE`: the whole installation (rows and evidence files) in one checked archive."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kinerja.common.backup import backup


class Command(BaseCommand):
    help = _(
        "Menulis seluruh data dan berkas data dukung ke satu arsip .tar.gz dengan manifest ber-checksum."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=_("arsip yang ditulis, mis. kinerja-2026-12-05.tar.gz"))

    def handle(self, *args: Any, file: str, **options: Any) -> None:
        summary = backup(file, report=self.stdout.write)
        self.stdout.write(
            self.style.SUCCESS(
                _("Cadangan selesai: %(path)s (%(rows)d baris, %(files)d berkas).")
                % {"path": summary.path, "rows": summary.rows, "files": summary.files}
            )
        )
