import django.db.models.deletion
from django.db import migrations, models

from kinerja.reporting import versions


def install(apps, schema_editor):  # noqa: ANN001, ANN201
    versions.install(schema_editor)


def uninstall(apps, schema_editor):  # noqa: ANN001, ANN201
    versions.uninstall(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0005_trigram_search"),
        ("reporting", "0003_historical_import"),
    ]

    operations = [
        migrations.CreateModel(
            name="MapDataVersion",
            fields=[
                (
                    "map",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="data_version",
                        serialize=False,
                        to="planning.strategymap",
                        verbose_name="peta strategi",
                    ),
                ),
                ("version", models.BigIntegerField(verbose_name="versi")),
            ],
            options={
                "verbose_name": "versi data peta strategi",
                "verbose_name_plural": "versi data peta strategi",
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
