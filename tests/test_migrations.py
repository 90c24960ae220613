"""Models and migrations agree (`makemigrations --check`), as djangoproject.com's suite checks."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_missing_migrations():
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"Missing migrations (run `kinerja makemigrations`):\n{out.getvalue()}\n{exc}")
