"""Trigram (pg_trgm) indexes for the employee and unit searches, on PostgreSQL only (kinerja.common.search)."""

from django.db import migrations

from kinerja.common.search import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_reorganisation")]

    operations = [
        TrigramIndexes("organisations_employee", ["name"]),
        TrigramIndexes("organisations_unit", ["code", "name_id", "name_en"]),
    ]
