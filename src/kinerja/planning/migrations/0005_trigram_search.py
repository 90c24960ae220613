"""Trigram (pg_trgm) indexes for the KPI search, on PostgreSQL only (kinerja.common.search)."""

from django.db import migrations

from kinerja.common.search import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("planning", "0004_individual_kpis")]

    operations = [TrigramIndexes("planning_kpi", ["code", "name_id", "name_en"])]
