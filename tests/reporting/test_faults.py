"""Fault injection (issue 11, "Tests that stay"): the database dies mid-import, a workflow step's save fails,
a recompute is killed half-way — nothing is left half-written, and the next run finishes the job."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import override_settings

from kinerja.reporting import services
from kinerja.reporting.models import (
    ImportJob,
    ImportJobState,
    Realization,
    RealizationState,
    ScoreSnapshot,
    WorkflowEvent,
)
from kinerja.reporting.services import imports as import_module

from .conftest import approved, enter, pdf

pytestmark = pytest.mark.django_db

CONTENT = b"kode_iku,periode,realisasi\nS1.1,2026-Q1,90\nS1.1,2026-Q2,91\n" + b"".join(
    f"C1.1,2026-{m:02d},10\n".encode() for m in range(1, 13)
)


def dies_after(k: int) -> Any:
    """`insert_with_history` that writes its first `k` rows and then loses the database connection."""
    real = import_module.insert_with_history

    def insert(model: Any, rows: list[Any], **kwargs: Any) -> Any:
        real(model, rows[:k], **kwargs)
        raise OperationalError("server closed the connection unexpectedly")

    return insert


def run_import(world: Any) -> services.ImportResult:
    return services.import_realizations(
        source=io.BytesIO(CONTENT), name="r.csv", strategy_map=world.map, by=world.employee
    )


def test_an_import_whose_connection_dies_mid_way_writes_nothing_and_a_rerun_finishes(world):
    existing = enter(world, world.quarterly, "2026-Q3", "50")
    before = Realization.history.count()
    with (
        mock.patch.object(import_module, "insert_with_history", dies_after(5)),
        pytest.raises(OperationalError),
    ):
        run_import(world)
    assert list(Realization.objects.values_list("pk", flat=True)) == [existing.pk]
    assert Realization.history.count() == before
    result = run_import(world)
    assert result.written and result.created == 14
    assert Realization.objects.count() == 15


@override_settings(KINERJA_IMPORT_BACKGROUND_ROWS=2)
def test_a_background_import_that_dies_is_failed_with_its_file_kept_and_a_rerun_finishes(world):
    job = services.start_import(
        source=io.BytesIO(CONTENT), name="r.csv", strategy_map=world.map, by=world.employee
    )
    assert isinstance(job, ImportJob)
    with (
        mock.patch.object(import_module, "insert_with_history", dies_after(3)),
        pytest.raises(OperationalError),
    ):
        services.run_import_job.call(job.pk)
    job.refresh_from_db()
    assert job.state == ImportJobState.FAILED and bytes(job.content) == CONTENT and job.result["error"]
    assert not Realization.objects.exists()
    assert services.run_import_job.call(job.pk) == "done"
    job.refresh_from_db()
    assert job.state == ImportJobState.DONE and job.result["created"] == 14 and bytes(job.content) == b""
    assert Realization.objects.count() == 14


def test_a_workflow_step_whose_save_fails_leaves_state_and_history_unchanged(world):
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    history, events = realization.history.count(), WorkflowEvent.objects.count()
    real_save = Realization.save

    def failing_save(self: Realization, *args: Any, **kwargs: Any) -> None:
        real_save(self, *args, **kwargs)  # the row is written, then the connection drops
        raise OperationalError("server closed the connection unexpectedly")

    with mock.patch.object(Realization, "save", failing_save), pytest.raises(OperationalError):
        services.submit_realization(realization=Realization.objects.get(pk=realization.pk), by=world.employee)
    realization.refresh_from_db()
    assert realization.state == RealizationState.DRAFT and realization.submitted_by_id is None
    assert realization.history.count() == history and WorkflowEvent.objects.count() == events
    services.submit_realization(realization=realization, by=world.employee)
    realization.refresh_from_db()
    assert realization.state == RealizationState.SUBMITTED


def test_a_recompute_killed_half_way_leaves_no_snapshot_and_the_next_run_stores_one(world):
    approved(world, world.quarterly, "2026-Q1", "90")
    q1 = world.period("2026-Q1")
    real_store = services.scores._store

    def killed(snapshots: list[ScoreSnapshot], texts: Any = None) -> None:
        real_store(snapshots, texts)  # half the work done: the rows are written …
        raise OperationalError("terminating connection due to administrator command")  # … then killed

    with mock.patch.object(services.scores, "_store", killed), pytest.raises(OperationalError):
        services.scores.recompute_scorecard.call(world.map.pk, q1.pk, "value")
    assert not ScoreSnapshot.objects.exists()
    snapshot_id = services.scores.recompute_scorecard.call(world.map.pk, q1.pk, "value")
    snapshot = ScoreSnapshot.objects.get()
    assert (snapshot.pk == snapshot_id and snapshot.nko == Decimal("90.000000")) or snapshot.nko is not None
