"""The demo ministry built once for the tests that read it (instead of once per test)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="module")
def demo_ministry(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """`kinerja demo` run once, inside a transaction held open for the module and rolled back at its end.

    Each test's own transaction (the `db` fixture) nests in it as a savepoint, so a test that changes the
    demo (runs it again, repairs it, resets it) is rolled back to the built demo, and no later module
    ever sees it. The fixture is module-scoped rather than session-scoped for that reason: a build left
    open for the whole session would leak into every other module's tests; only this module reads it.
    """
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            out = StringIO()
            call_command("demo", stdout=out)
            yield out.getvalue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
