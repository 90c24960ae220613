"""Score snapshots' JSON compressed with lz4 rather than pglz on PostgreSQL (issue 16 item 3).

A snapshot of a map of 40 KPIs is about 60 kB of JSON, compressed out of line (TOAST); with pglz that
compression was about half the time of inserting a period's snapshots (400 maps, the recompute bench's data:
the insert 0.96-1.05 s with pglz, 0.50-0.63 s with lz4). The JSON itself is unchanged; rows already stored keep their compression until rewritten. Nothing
happens on another database, or on a PostgreSQL built without lz4 (before 14, or without `--with-lz4`).
"""

from typing import Any

from django.db import migrations

TABLE = "reporting_scoresnapshot"


def _lz4_available(schema_editor: Any) -> bool:
    if schema_editor.connection.vendor != "postgresql":
        return False
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
        )
        return cursor.fetchone() is not None


def lz4(apps: Any, schema_editor: Any) -> None:
    if _lz4_available(schema_editor):
        schema_editor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "result" SET COMPRESSION lz4')


def default(apps: Any, schema_editor: Any) -> None:
    if _lz4_available(schema_editor):
        schema_editor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "result" SET COMPRESSION DEFAULT')


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_map_data_version")]

    operations = [migrations.RunPython(lz4, default, elidable=False)]
