"""The set-based recompute on the demo ministry: the same snapshots as the per-map path, byte for byte what the
code before the fast recompute stored (issue 16 item 3)."""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction

from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod, ScoreSnapshot
from kinerja.reporting.selectors import reportable_maps

from .test_recompute import _per_map_body, as_stored, headline, stored_text


@pytest.fixture(scope="module")
def demo_ministry(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """`kinerja demo` once for the module, in a transaction rolled back at its end (as tests/demo does)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("demo", stdout=StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.mark.django_db
def test_the_demo_maps_recomputed_together_store_what_each_computed_alone_does(demo_ministry):
    open_periods = ReportingPeriod.objects.select_related("plan_year").filter(state="open").order_by("end")
    checked = 0
    for period in [p for p in open_periods if p.frequency in ("quarterly", "yearly")][:3]:
        maps = reportable_maps(period.plan_year_id)
        if not maps:
            continue
        ScoreSnapshot.objects.filter(period=period).delete()
        done = services.recompute_period(period, trigger="test")
        assert len(done.created) == len(maps)
        for strategy_map in maps:
            rule_set, body = _per_map_body(strategy_map, period)
            stored = ScoreSnapshot.objects.get(pk=done.snapshots[strategy_map.pk].pk)
            assert (stored.rule_set, stored.result) == (rule_set, body), strategy_map
            # byte for byte what the code before the fast recompute stored (`reference_snapshot`)
            assert stored_text(stored.pk) == as_stored(body), strategy_map
            assert (stored.nko, stored.predicate, stored.complete) == headline(body), strategy_map
            checked += 1
    assert checked >= 3
