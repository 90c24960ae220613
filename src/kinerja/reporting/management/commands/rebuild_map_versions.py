"""`kinerja rebuild_map_versions`: reinstall the map data versions' triggers and give every map a new version.

The figures the pages keep per map (`kinerja.reporting.versions`) are then counted afresh on the next
request. For after a restore from a backup taken without the triggers, or a change to a watched table made
with the triggers switched off; never needed in normal running (the triggers change a map's version in the
same transaction as every write to its data).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from kinerja.reporting import versions


class Command(BaseCommand):
    help = _("Memasang ulang pemicu versi data peta strategi dan memberi setiap peta versi baru.")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            versions.install_on(connection)
            count = versions.bump_all()
        self.stdout.write(_("%(count)d peta strategi diberi versi data baru.") % {"count": count})
