"""The reporting demo: realizations in mixed states with evidence, periods closed through Q3, snapshots; idempotent."""

from __future__ import annotations

import pytest

from kinerja.demo.planning import build_strategy_demo
from kinerja.demo.reporting import build_reporting_demo, clear_reporting_demo
from kinerja.reporting.models import Evidence, Realization, ReportingPeriod, ScoreSnapshot, WorkflowEvent

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_approved_maps_and_is_idempotent(org):
    assert build_reporting_demo().total == 0  # no plan year yet: nothing, no error
    build_strategy_demo()  # maps for the org fixture's KEMENKEU, DJP and DJBC
    lines: list[str] = []
    first = build_reporting_demo(stdout=lines.append)
    assert first.created > 0 and lines
    states = set(Realization.objects.values_list("state", flat=True))
    assert {"approved", "submitted", "draft"} <= states
    assert Realization.objects.exclude(return_reason="").exists()
    assert WorkflowEvent.objects.filter(to_state="draft").exclude(reason="").exists()
    assert Evidence.objects.count() == Realization.objects.count()
    closed = {p.label for p in ReportingPeriod.objects.filter(state="closed")}
    assert {"2026-01", "2026-09", "2026-Q1", "2026-Q3", "2026-S1"} <= closed and "2026-10" not in closed
    assert ScoreSnapshot.objects.filter(final=True).exists()
    counts = (Realization.objects.count(), Evidence.objects.count(), ScoreSnapshot.objects.count())
    again = build_reporting_demo()
    assert again.created == 0
    assert (Realization.objects.count(), Evidence.objects.count(), ScoreSnapshot.objects.count()) == counts
    assert clear_reporting_demo() > 0
    assert not Realization.objects.exists() and not ReportingPeriod.objects.exists()
