"""Issue 10 items 2, 3 and 10: stale snapshots say so; completeness has one answer; counts are actionable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from kinerja.dashboards import selectors as dashboards
from kinerja.reporting import selectors, services
from kinerja.reporting.models import Realization, RealizationState
from kinerja.reporting.workflow import REALIZATION_WORKFLOW

from .conftest import enter, pdf

pytestmark = pytest.mark.django_db
AFTER_Q3 = dt.date(2026, 10, 20)


def realize(world, kpi, label, value, state=RealizationState.APPROVED):
    return Realization.objects.create(kpi=kpi, period=world.period(label), value=Decimal(value), state=state)


# ------------------------------------------------------------------ item 3: one answer to "is this period complete?"


@pytest.fixture
def q2_only(world):
    """S1.1 (quarterly, last value): Q1 and Q2 approved, Q3 not reported. C1.1 (monthly, sum): every month to
    September approved. KPP-B's S1.1: Q1..Q3 approved."""
    realize(world, world.quarterly, "2026-Q1", "90")
    realize(world, world.quarterly, "2026-Q2", "95")
    for month in range(1, 10):
        realize(world, world.monthly, f"2026-{month:02d}", "10")
    for q in (1, 2, 3):
        realize(world, world.other_kpi, f"2026-Q{q}", "50")
    return world.period("2026-Q3")


def test_a_value_carried_from_q2_leaves_q3_incomplete_everywhere(
    client, world, org, make_user, q2_only, monkeypatch
):
    q3 = q2_only
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: AFTER_Q3)
    snapshot = services.compute_scorecard(strategy_map=world.map, period=q3, final=True, trigger="test")

    # the snapshot: Q2's value shown as Q3's result, but Q3 is missing
    assert snapshot.complete is False
    assert snapshot.result["missing"] == ["S1.1"]
    s11 = next(k for k in snapshot.result["kpis"] if k["code"] == "S1.1")
    assert (s11["realization"], s11["carried_from"], s11["missing"]) == ("95", "2026-Q2", True)
    c11 = next(k for k in snapshot.result["kpis"] if k["code"] == "C1.1")
    assert (c11["carried_from"], c11["missing"]) == (None, False)

    # the completeness report (same period, same map) and the home page count
    leader = make_user(org.kpp_a, Role.LEADER)
    report = dashboards.completeness(leader, period=q3.pk, today=AFTER_Q3)
    kpp_a = next(r for r in report.units if r.unit.code == "KPP-A")
    assert kpp_a.complete is snapshot.complete
    assert kpp_a.missing == len(snapshot.result["missing"]) == 1
    assert [(i.kpi_code, i.period.label) for i in report.items if i.unit_code == "KPP-A"] == [
        ("S1.1", "2026-Q3")
    ]

    client.force_login(leader)
    page = client.get("/")
    assert page.context["incomplete_period"].end == q3.end
    assert page.context["incomplete_count"] == kpp_a.missing == report.missing

    # the dashboard: the same KPI is listed as not reported
    board = dashboards.dashboard(leader, period=q3.pk, today=AFTER_Q3)
    assert [k.code for k in board.missing] == snapshot.result["missing"]

    # the scorecard page marks the carried value
    client.force_login(world.leader)
    html = client.get(reverse("reporting:snapshot", args=[snapshot.pk])).content.decode()
    assert "nilai Triwulan II" in html


def test_reporting_q3_makes_it_complete_and_drops_the_mark(world, q2_only):
    realize(world, world.quarterly, "2026-Q3", "99")
    snapshot = services.compute_scorecard(strategy_map=world.map, period=q2_only, trigger="test")
    assert snapshot.complete is True and snapshot.result["missing"] == []
    s11 = next(k for k in snapshot.result["kpis"] if k["code"] == "S1.1")
    assert (s11["realization"], s11["carried_from"]) == ("99", None)


def test_a_gap_in_a_summed_kpi_is_missing_but_an_old_gap_of_a_last_value_kpi_is_not(world):
    """Sum reads every month so far; last value reads its own period only (scorecard.completeness)."""
    realize(world, world.quarterly, "2026-Q3", "99")  # Q1 and Q2 never reported: superseded, not missing
    for month in (1, 2, 4, 5, 6, 7, 8, 9):  # March missing
        realize(world, world.monthly, f"2026-{month:02d}", "10")
    snapshot = services.compute_scorecard(strategy_map=world.map, period=world.period("2026-Q3"), trigger="t")
    assert snapshot.result["missing"] == ["C1.1"]


def test_an_unapproved_realization_does_not_count(world, q2_only):
    realize(world, world.quarterly, "2026-Q3", "99", state=RealizationState.VERIFIED)
    snapshot = services.compute_scorecard(strategy_map=world.map, period=q2_only, trigger="test")
    assert snapshot.result["missing"] == ["S1.1"]


def test_a_kpi_not_yet_due_is_neither_missing_nor_counted(world):
    snapshot = services.compute_scorecard(strategy_map=world.map, period=world.period("2026-01"), trigger="t")
    assert snapshot.result["not_due"] == ["S1.1"] and snapshot.result["missing"] == ["C1.1"]


# ------------------------------------------------------------------ item 2: a stale snapshot says so


def test_a_snapshot_goes_stale_when_a_counted_realization_changes(
    client, world, django_capture_on_commit_callbacks
):
    q1 = world.period("2026-Q1")
    snapshot = services.compute_scorecard(strategy_map=world.map, period=q1, trigger="test")
    assert selectors.staleness(snapshot).stale is False

    realize(world, world.quarterly, "2026-Q1", "80", state=RealizationState.DRAFT)
    assert selectors.staleness(snapshot).stale is False  # a draft changes no figure

    Realization.objects.filter(kpi=world.quarterly).update(state=RealizationState.APPROVED)
    Realization.objects.get(kpi=world.quarterly).save()  # updated_at moves, as an approval's does
    found = selectors.staleness(snapshot)
    assert found.stale is True and found.changed_at is not None and found.changed_at > snapshot.computed_at

    client.force_login(world.leader)
    html = client.get(reverse("reporting:snapshot", args=[snapshot.pk])).content.decode()
    assert 'id="stale"' in html and "Belum diperbarui" in html
    board = client.get(reverse("dashboards:dashboard"), {"periode": q1.pk}).context["board"]
    if board.snapshot is not None and board.snapshot.pk == snapshot.pk:
        assert board.staleness.stale is True

    fresh = services.compute_scorecard(strategy_map=world.map, period=q1, trigger="test")
    assert fresh.pk != snapshot.pk and selectors.staleness(fresh).stale is False
    html = client.get(reverse("reporting:scorecard", args=[world.map.pk, q1.pk])).content.decode()
    assert 'id="stale"' not in html


def test_a_target_change_makes_the_snapshot_stale(world):
    q1 = world.period("2026-Q1")
    realize(world, world.quarterly, "2026-Q1", "90")
    snapshot = services.compute_scorecard(strategy_map=world.map, period=q1, trigger="test")
    target = world.quarterly.period_targets.get(period=1) if world.quarterly.period_targets.exists() else None
    if target is not None:
        target.target = Decimal(120)
        target.save()
    else:
        world.quarterly.target = Decimal(120)
        world.quarterly.save()
    assert selectors.staleness(snapshot).stale is True


def test_a_closed_period_is_never_stale(world):
    q1 = world.period("2026-Q1")
    services.close_period(period=q1, by=None)
    snapshot = selectors.final_snapshot(world.map, q1)
    realize(world, world.quarterly, "2026-Q1", "90")
    assert snapshot is not None and selectors.staleness(snapshot).stale is False


# ------------------------------------------------------------------ item 10: only what the user can do


def _submitted(world, kpi, label, by):
    realization = enter(world, kpi, label, "9", by=by)
    services.add_evidence(realization=realization, upload=pdf(), by=by)
    services.submit_realization(realization=realization, by=by)
    return realization


def test_counts_are_what_the_workflow_allows_and_what_the_link_lists(client, world):
    mine = _submitted(world, world.monthly, "2026-01", world.manager)  # the manager submitted it himself
    theirs = _submitted(world, world.monthly, "2026-02", world.employee)
    closed = _submitted(world, world.monthly, "2026-03", world.employee)
    services.close_period(period=world.period("2026-03"), by=None)
    verified = _submitted(world, world.quarterly, "2026-Q1", world.employee)
    services.verify_realization(realization=verified, by=world.manager2)
    for_approval = _submitted(world, world.monthly, "2026-04", world.employee)
    services.verify_realization(realization=for_approval, by=world.manager)

    everything = list(Realization.objects.all())
    for user, step, url_key, count_key, expected in (
        (world.manager, "verify", "to_verify_url", "to_verify", {theirs.pk}),
        (world.leader, "approve", "to_approve_url", "to_approve", {verified.pk, for_approval.pk}),
    ):
        client.force_login(user)
        home = client.get("/").context
        allowed = {
            r.pk
            for r in everything
            if REALIZATION_WORKFLOW.allowed(Realization.objects.get(pk=r.pk), user)[step]
        }
        listed = client.get(home[url_key]).context
        shown = {r.pk for r in listed["to_verify" if step == "verify" else "to_approve"]}
        assert home[count_key] == len(shown) == len(allowed)
        assert shown == allowed == expected
    assert mine.pk not in shown and closed.pk not in shown


def test_separation_of_duties_hides_what_the_leader_verified(client, world, make_user, org):
    boss = make_user(org.kpp_a, Role.LEADER)
    realization = _submitted(world, world.monthly, "2026-05", world.employee)
    services.verify_realization(realization=realization, by=world.manager)
    client.force_login(world.manager)  # a manager cannot approve: no count
    assert client.get("/").context["to_approve"] == 0
    client.force_login(boss)
    assert client.get("/").context["to_approve"] == 1
    page = client.get(reverse("reporting:index"), {"menunggu": "persetujuan"})
    assert [r.pk for r in page.context["to_approve"]] == [realization.pk]
    assert page.context["due"] == [] and 'id="waiting-filter"' in page.content.decode()
