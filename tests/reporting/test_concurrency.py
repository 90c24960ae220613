"""Concurrent writers on PostgreSQL (issue 11 item 6): threads race on the same rows; each gets a clean
answer (done, a service's message, or a `Conflict`), never an IntegrityError or a deadlock.

Marked `postgres`: SQLite has no row locks and serialises writers, so the races cannot happen there (the
tests skip). CI's PostgreSQL stage runs them: `DATABASE_URL=postgresql://… pytest -m postgres`.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections

from kinerja.common.races import Conflict
from kinerja.reporting import services
from kinerja.reporting.models import Realization, RealizationState

from .conftest import enter, pdf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent writers need PostgreSQL (SQLite serialises every writer)")


def race(*work: Callable[[], Any]) -> list[Any]:
    """Run each callable in its own thread (own connection), all released at once; their results or errors."""
    barrier = threading.Barrier(len(work))
    results: list[Any] = [None] * len(work)

    def run(i: int, fn: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = fn()
        except BaseException as error:  # collected and judged by the test
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, fn)) for i, fn in enumerate(work)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def clean(result: Any) -> bool:
    """Done, or refused with a message (a `Conflict` is a ValidationError); never a database error."""
    return not isinstance(result, BaseException) or (
        isinstance(result, ValidationError) and not isinstance(result, DatabaseError)
    )


@pytest.mark.parametrize("round_", range(3))
def test_threads_creating_the_same_realization_make_one_row_and_no_error(world, round_):
    period = world.period("2026-Q1")
    results = race(
        *[
            (
                lambda v=v: services.save_realization(
                    kpi=world.quarterly, period=period, value=v, by=world.employee
                )
            )
            for v in range(80, 88)
        ]
    )
    assert all(clean(r) for r in results), results
    assert Realization.objects.filter(kpi=world.quarterly, period=period).count() == 1
    assert sum(isinstance(r, Realization) for r in results) >= 1


@pytest.mark.parametrize("label", ["2026-Q1", "2026-Q2", "2026-Q3"])
def test_an_import_racing_a_submit_never_deadlocks(world, label):
    draft = enter(world, world.quarterly, label, "70")
    services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
    months = [p.label for p in services.generate_periods(plan_year=world.year) if p.frequency == "monthly"]
    rows = "".join(f"C1.1,{m},10\n" for m in months)
    content = f"kode_iku,periode,realisasi\nS1.1,{label},75\n{rows}".encode()

    def do_import() -> Any:
        return services.import_realizations(
            source=io.BytesIO(content), name="r.csv", strategy_map=world.map, by=world.manager
        )

    def do_submit() -> Any:
        return services.submit_realization(
            realization=Realization.objects.get(pk=draft.pk), by=world.employee
        )

    imported, submitted = race(do_import, do_submit)
    assert clean(imported) and clean(submitted), (imported, submitted)
    draft.refresh_from_db()
    if isinstance(imported, services.ImportResult) and imported.written:
        # the import went first (the submit waited for its row lock) and the submit then took the new value
        assert draft.value == Decimal(75)
    else:  # the submit went first: the import names the row it may not overwrite, and writes nothing
        assert draft.state == RealizationState.SUBMITTED and draft.value == Decimal(70)
        assert isinstance(imported, Conflict) or not imported.ok
        assert not Realization.objects.filter(kpi=world.monthly).exists()


def test_two_imports_of_the_same_new_rows_one_writes_the_other_is_clean(world):
    content = b"kode_iku,periode,realisasi\nS1.1,2026-Q1,75\nS1.1,2026-Q2,76\n"

    def do_import() -> Any:
        return services.import_realizations(
            source=io.BytesIO(content), name="r.csv", strategy_map=world.map, by=world.manager
        )

    results = race(do_import, do_import, do_import)
    assert all(clean(r) for r in results), results
    assert Realization.objects.filter(kpi=world.quarterly).count() == 2
