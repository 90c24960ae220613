"""`common.db`: ANALYZE after a bulk load (issue 16 item 3)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.common import db
from kinerja.reporting.models import Realization, ScoreSnapshot

pytestmark = pytest.mark.django_db


def test_analyze_runs_analyze_on_each_table_and_its_history():
    with CaptureQueriesContext(connection) as captured:
        tables = db.analyze(Realization, ScoreSnapshot)
    assert tables == ["reporting_realization", "reporting_historicalrealization", "reporting_scoresnapshot"]
    assert [q["sql"].split()[0].upper() for q in captured] == ["ANALYZE"] * 3


def test_a_small_load_is_left_to_autovacuum_a_big_one_is_analysed_after_commit(
    django_capture_on_commit_callbacks,
):
    assert db.analyze_if_many(db.ANALYZE_AFTER_ROWS - 1, Realization) == []
    with django_capture_on_commit_callbacks() as callbacks:
        db.analyze_after_commit(db.ANALYZE_AFTER_ROWS - 1, Realization)
    assert callbacks == []
    with (
        mock.patch.object(db, "analyze") as analyze,  # entered first, left last: the callbacks run inside it
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        db.analyze_after_commit(db.ANALYZE_AFTER_ROWS, Realization)
    assert len(callbacks) == 1
    analyze.assert_called_once_with(Realization)
