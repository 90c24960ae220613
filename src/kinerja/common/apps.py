from django.apps import AppConfig
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.recorder import MigrationRecorder
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Apps of the layout before the layers (0.1.0): a database that recorded their migrations cannot be
# migrated to the regenerated ones (docs/decisions/0002-layout.md).
OLD_LAYOUT_APPS = frozenset({"strategy", "kpis", "reports", "core"})


def refuse_old_layout(using: str = "default") -> None:
    """Stop `migrate` with a clear message on a database made by the old layout, before it half-migrates."""
    recorder = MigrationRecorder(connections[using])
    if not recorder.has_table():
        return
    found = sorted({app for app, _name in recorder.applied_migrations()} & OLD_LAYOUT_APPS)
    if found:
        raise CommandError(
            _(
                "Basis data ini dibuat oleh versi Kinerja sebelum penataan ulang aplikasi (%(apps)s) dan tidak "
                "dapat dimigrasikan. Untuk basis data lokal: hapus folder var/ (make clean), lalu make run. "
                "Untuk data yang harus dipertahankan: buat cadangan dengan versi lama, lalu hubungi pengembang."
            )
            % {"apps": ", ".join(found)}
        )


class CommonConfig(AppConfig):
    name = "kinerja.common"
    label = "common"
    verbose_name = gettext_lazy("Umum")
