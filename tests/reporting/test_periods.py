"""Reporting periods: generation, closing (by date and by hand), reopening with a reason (rule 23)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from kinerja.reporting import selectors, services, tasks
from kinerja.reporting.models import PeriodReopen, PeriodState, ReportingPeriod, ScoreSnapshot

from .conftest import approved, enter, pdf

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_plan_year_has_19_periods_with_labels_dates_and_due_dates(world):
    periods = list(ReportingPeriod.objects.filter(plan_year=world.year))
    assert len(periods) == 19
    labels = {p.label for p in periods}
    assert {"2026-01", "2026-12", "2026-Q1", "2026-Q4", "2026-S1", "2026-S2", "2026"} <= labels
    february = world.period("2026-02")
    assert (february.start, february.end) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert february.due_date == dt.date(2026, 3, 10)
    assert february.closes_on == dt.date(2026, 3, 30)
    q3 = world.period("2026-Q3")
    assert (q3.start, q3.end, q3.display_name) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        "Triwulan III 2026",
    )
    assert services.generate_periods(plan_year=world.year)  # idempotent
    assert ReportingPeriod.objects.filter(plan_year=world.year).count() == 19


def test_a_kpi_reports_only_in_the_periods_of_its_frequency(world):
    with pytest.raises(ValidationError) as caught:
        enter(world, world.quarterly, "2026-03", "90")
    assert caught.value.code == "period_frequency"
    enter(world, world.monthly, "2026-03", "9")


def test_a_realization_is_a_number(world):
    for bad in ("8o", "", "NaN", "Infinity", True):
        with pytest.raises(ValidationError):
            enter(world, world.quarterly, "2026-Q1", bad)
    assert enter(world, world.quarterly, "2026-Q1", "85.5").value == D("85.5")


def test_no_realizations_on_a_map_not_yet_approved(world):
    world.map.state = "draft"
    world.map.save()
    world.quarterly.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        enter(world, world.quarterly, "2026-Q1", "90")
    assert caught.value.code == "map_not_approved"


def test_a_closed_period_refuses_edits_evidence_and_steps_naming_the_period(world):
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    services.close_period(period=world.period("2026-Q1"), by=world.mko)
    realization.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        enter(world, world.quarterly, "2026-Q1", "91")
    assert "Triwulan I 2026" in caught.value.messages[0]
    assert "sudah ditutup" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    with pytest.raises(ValidationError) as caught:
        services.submit_realization(realization=realization, by=world.employee)
    assert "Triwulan I 2026" in caught.value.messages[0]


def test_closing_is_for_the_ministrys_manager_and_idempotent(world):
    q1 = world.period("2026-Q1")
    with pytest.raises(PermissionDenied):
        services.close_period(
            period=q1, by=world.manager
        )  # a KPP's manager cannot lock the ministry's period
    services.close_period(period=q1, by=world.mko)
    first = q1.closed_at
    services.close_period(period=q1, by=world.mko)
    q1.refresh_from_db()
    assert q1.state == PeriodState.CLOSED and q1.closed_at == first and q1.closed_by == world.mko
    assert ScoreSnapshot.objects.filter(period=q1, final=True).count() == 2  # one per approved map, once


def test_close_periods_command_and_task_close_by_date_idempotently(world):
    call_command("close_periods", "--date", "2026-05-01")
    closed = set(ReportingPeriod.objects.filter(state="closed").values_list("pk", flat=True))
    expected = {
        p.pk for p in ReportingPeriod.objects.filter(plan_year=world.year, closes_on__lte=dt.date(2026, 5, 1))
    }
    assert closed == expected and world.period("2026-Q1").pk in closed
    assert world.period("2026-04").pk not in closed
    call_command("close_periods", "--date", "2026-05-01")
    assert set(ReportingPeriod.objects.filter(state="closed").values_list("pk", flat=True)) == closed
    result = tasks.close_periods.enqueue("2026-05-31")
    assert result.return_value == [world.period("2026-04").pk]


def test_reopening_needs_a_reason_is_recorded_and_keeps_the_final_snapshot(
    world, django_capture_on_commit_callbacks
):
    realization = approved(world, world.quarterly, "2026-Q1", "90")
    q1 = world.period("2026-Q1")
    services.close_period(period=q1, by=world.mko)
    final = selectors.final_snapshot(world.map, q1)
    assert final.final and final.result["kpis"][0]["index"] == "90"
    with pytest.raises(ValidationError):
        services.reopen_period(period=q1, reason=" ", by=world.mko)
    with pytest.raises(PermissionDenied):
        services.reopen_period(period=q1, reason="Koreksi data.", by=world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        record = services.reopen_period(period=q1, reason="Koreksi data realisasi S1.1.", by=world.mko)
    assert isinstance(record, PeriodReopen) and record.closed_at is not None and record.by == world.mko
    q1.refresh_from_db()
    assert q1.state == PeriodState.OPEN
    with django_capture_on_commit_callbacks(execute=True):
        services.return_realization(realization=realization, reason="Koreksi.", by=world.manager)
        services.save_realization(kpi=world.quarterly, period=q1, value="80", by=world.employee)
        services.submit_realization(realization=realization, by=world.employee)
        services.verify_realization(realization=realization, by=world.manager)
        services.approve_realization(realization=realization, by=world.leader)
    latest = selectors.latest_snapshot(world.map, q1)
    assert latest.pk != final.pk and not latest.final
    assert latest.result["kpis"][0]["index"] == "80"
    final.refresh_from_db()
    assert final.result["kpis"][0]["index"] == "90"  # the old final snapshot is kept as it was
    services.close_period(period=q1, by=world.mko)
    assert selectors.final_snapshot(world.map, q1).result["kpis"][0]["index"] == "80"
    assert ScoreSnapshot.objects.filter(strategy_map=world.map, period=q1, final=True).count() == 2


def test_a_closed_periods_figures_are_not_recomputed(world):
    approved(world, world.quarterly, "2026-Q1", "90")
    q1 = world.period("2026-Q1")
    services.close_period(period=q1, by=world.mko)
    final = selectors.final_snapshot(world.map, q1)
    again = services.compute_scorecard(strategy_map=world.map, period=q1)
    assert again.pk == final.pk
    assert tasks.recompute_scorecard.enqueue(world.map.pk, q1.pk, "test").return_value is None
