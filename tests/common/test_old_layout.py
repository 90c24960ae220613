"""A database made by the layout before the layers is refused by `migrate` with a clear message."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder


@pytest.mark.django_db
def test_migrate_refuses_a_database_of_the_old_layout():
    recorder = MigrationRecorder(connection)
    recorder.record_applied("strategy", "0001_initial")
    with pytest.raises(CommandError, match="make clean"):
        call_command("migrate", verbosity=0)


@pytest.mark.django_db
def test_migrate_runs_on_a_database_of_this_layout():
    call_command("migrate", verbosity=0)  # nothing to do, no complaint
