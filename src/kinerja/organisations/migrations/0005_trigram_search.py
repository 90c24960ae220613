"""Search and list indexes for ministry scale (issue 16).

Trigram (pg_trgm) indexes for the employee and unit searches, on PostgreSQL only (kinerja.common.search),
and the employee list's order (name, NIP) as an index, on every database.
"""

from django.db import migrations, models

from kinerja.common.search import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("organisations", "0004_reorganisation")]

    operations = [
        TrigramIndexes("organisations_employee", ["name"]),
        TrigramIndexes("organisations_unit", ["code", "name_id", "name_en"]),
        migrations.AddIndex(
            model_name="employee",
            index=models.Index(fields=["name", "nip"], name="employee_name_nip"),
        ),
    ]
