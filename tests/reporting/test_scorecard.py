"""Scorecard computation: the core's figures stored as immutable snapshots; N/A is never 0; recompute on change."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kinerja.planning.models import Kpi
from kinerja.planning.models import Perspective as MapPerspective
from kinerja.reporting import selectors, services
from kinerja.reporting.models import ScoreSnapshot, SnapshotImmutableError
from kinerja.scoring import ScorecardKpi, score_scorecard
from kinerja.scoring.enums import Perspective, Polarity
from tests.planning import builders as b

from .conftest import approved, enter, pdf

D = Decimal
pytestmark = pytest.mark.django_db


def snapshot(world, label):
    return services.compute_scorecard(strategy_map=world.map, period=world.period(label))


def test_an_unreported_kpi_is_na_not_zero_and_the_weights_renormalise(world):
    approved(world, world.quarterly, "2026-Q1", "90")
    result = snapshot(world, "2026-Q1").result
    monthly = next(k for k in result["kpis"] if k["code"] == "C1.1")
    assert monthly["index"] is None and monthly["realization"] is None and monthly["reported"] is False
    assert result["missing"] == ["C1.1"] and result["complete"] is False
    customer = next(p for p in result["perspectives"] if p["code"] == "customer")
    assert customer["index"] is None and customer["effective_weight"] is None
    # the NKO is the stakeholder perspective alone (90), not (90 + 0) / 2
    assert D(result["nko"]) == D(90)


def test_only_approved_realizations_count_the_rest_are_na(world):
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=world.manager)
    result = snapshot(world, "2026-Q1")
    assert result.nko is None and result.result["nko"] is None and result.predicate == ""
    assert result.result["scored_states"] == ["approved"]
    services.approve_realization(realization=realization, by=world.leader)
    assert snapshot(world, "2026-Q1").nko == D(90)


def test_counted_states_are_a_setting(world, settings):
    settings.KINERJA_SCORED_STATES = ("verified", "approved")
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    services.submit_realization(realization=realization, by=world.employee)
    services.verify_realization(realization=realization, by=world.manager)
    assert snapshot(world, "2026-Q1").nko == D(90)


def test_the_figures_are_the_scoring_cores(world):
    """The monthly KPI sums January–March (target 30), as the core consolidates it."""
    approved(world, world.quarterly, "2026-Q1", "90")
    for month, value in (("01", "12"), ("02", "9"), ("03", "12")):
        approved(world, world.monthly, f"2026-{month}", value)
    stored = snapshot(world, "2026-Q1")
    expected = score_scorecard(
        [
            ScorecardKpi(
                code="S1.1",
                polarity=Polarity.MAX,
                target=D(100),
                realization=D(90),
                perspective=Perspective.STAKEHOLDER,
                objective="S1",
            ),
            ScorecardKpi(
                code="C1.1",
                polarity=Polarity.MAX,
                target=D(30),
                realization=D(33),
                perspective=Perspective.CUSTOMER,
                objective="C1",
            ),
        ]
    )
    assert D(stored.result["nko"]) == expected.nko == D(100)
    monthly = next(k for k in stored.result["kpis"] if k["code"] == "C1.1")
    assert (monthly["target"], monthly["realization"], monthly["index"]) == ("30", "33", "110")
    assert stored.complete and stored.predicate == "Baik"
    assert stored.rule_set == "kmk-467-2014"
    assert stored.result["explanation"]["subject"] == "NKO"


def test_a_quarterly_kpi_in_january_is_not_yet_due(world):
    approved(world, world.monthly, "2026-01", "10")
    stored = snapshot(world, "2026-01")
    result = stored.result
    assert result["not_due"] == ["S1.1"]
    assert next(k for k in result["kpis"] if k["code"] == "S1.1")["due"] is False
    assert D(result["nko"]) == D(100)
    # nothing is missing: the KPI has nothing to report yet
    assert result["missing"] == [] and result["complete"] is True and stored.complete


def yearly_kpi(world) -> Kpi:
    """L1.1: a yearly KPI (target 100) in the learning & growth perspective."""
    return b.kpi(b.objective(world.map, "learning_growth", "L1"), "L1.1", target=D(100), frequency="yearly")


def approve_q1(world) -> None:
    approved(world, world.quarterly, "2026-Q1", "90")
    for month, value in (("01", "12"), ("02", "9"), ("03", "12")):
        approved(world, world.monthly, f"2026-{month}", value)


def test_a_yearly_kpi_is_not_yet_due_in_q1_and_the_score_is_complete(world):
    yearly = yearly_kpi(world)
    approve_q1(world)
    stored = snapshot(world, "2026-Q1")
    result = stored.result
    assert result["not_due"] == ["L1.1"]
    assert result["missing"] == [] and result["complete"] is True and stored.complete
    learning = next(p for p in result["perspectives"] if p["code"] == "learning_growth")
    assert learning["complete"] is True and learning["index"] is None and learning["effective_weight"] is None
    assert next(o for o in result["objectives"] if o["code"] == "L1")["complete"] is True
    line = next(k for k in result["kpis"] if k["code"] == "L1.1")
    assert (line["due"], line["reported"], line["index"]) == (False, False, None)
    # the NKO is the one without the yearly KPI: S1.1 90, C1.1 110 → 100 (it contributes nothing yet)
    assert stored.nko == D(100) and result["predicate"] == "Baik"
    assert "not reported" not in " ".join(result["explanation"]["notes"])
    # the same KPI is due, and missing, in the year's own period
    year = snapshot(world, "2026").result
    assert year["not_due"] == [] and year["complete"] is False
    assert "L1.1" in year["missing"]
    approved(world, yearly, "2026", "100")
    assert "L1.1" not in snapshot(world, "2026").result["missing"]


def test_an_unreported_due_kpi_still_makes_the_score_incomplete(world):
    yearly_kpi(world)
    approved(world, world.quarterly, "2026-Q1", "90")
    stored = snapshot(world, "2026-Q1")
    result = stored.result
    assert result["missing"] == ["C1.1"] and result["not_due"] == ["L1.1"]
    assert result["complete"] is False and not stored.complete
    customer = next(p for p in result["perspectives"] if p["code"] == "customer")
    assert customer["complete"] is False
    assert "incomplete: not reported C1.1" in result["explanation"]["notes"]
    assert D(result["nko"]) == D(90)


def test_a_perspective_with_only_kpis_not_yet_due_keeps_its_weight_and_is_left_out(world):
    """Perspective weights 50/30/20 still total 100: the not-due perspective is N/A, the others renormalised."""
    yearly_kpi(world)
    for code, weight in (("stakeholder", 50), ("customer", 30), ("learning_growth", 20)):
        MapPerspective.objects.filter(map=world.map, code=code).update(weight=D(weight))
    approve_q1(world)
    stored = snapshot(world, "2026-Q1")
    assert stored.result["errors"] == [] and stored.complete
    # (50 × 90 + 30 × 110) / 80, exactly what the core gives with the KPI N/A
    assert stored.nko == D("97.5")


def test_a_snapshot_is_never_changed(world):
    stored = snapshot(world, "2026-Q1")
    stored.final = True
    with pytest.raises(SnapshotImmutableError):
        stored.save()


def test_an_unchanged_score_adds_no_snapshot_a_changed_one_does(world):
    first = snapshot(world, "2026-Q1")
    assert snapshot(world, "2026-Q1").pk == first.pk
    approved(world, world.quarterly, "2026-Q1", "90")
    second = snapshot(world, "2026-Q1")
    assert second.pk != first.pk
    assert ScoreSnapshot.objects.filter(strategy_map=world.map).count() == 2


def test_recomputed_after_commit_when_a_realization_changes_state(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        approved(world, world.quarterly, "2026-Q1", "90")
    assert callbacks  # queued with transaction.on_commit, not run inside the transaction
    latest = selectors.latest_snapshot(world.map, world.period("2026-Q1"))
    assert latest is not None and latest.nko == D(90)
    # the later periods whose score reads Q1 were recomputed too
    assert selectors.latest_snapshot(world.map, world.period("2026")).nko == D(90)


def _score_recomputes(callbacks):
    # the score's own recompute; the contracts app's roll-up hook (`post_save`) queues its own callback
    return [c for c in callbacks if "schedule_recompute" in c.__qualname__]


def test_recomputed_when_a_draft_value_changes(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enter(world, world.quarterly, "2026-Q1", "90")
    assert len(_score_recomputes(callbacks)) == 1
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enter(world, world.quarterly, "2026-Q1", "90")  # same value: nothing to recompute
    assert _score_recomputes(callbacks) == []


def test_a_target_change_can_be_scheduled_by_the_kpi_services(world, django_capture_on_commit_callbacks):
    approved(world, world.quarterly, "2026-Q1", "90")
    before = snapshot(world, "2026-Q1")
    world.quarterly.period_targets.filter(period=1).update(target=D(90))
    with django_capture_on_commit_callbacks(execute=True):
        keys = services.schedule_map_recompute(strategy_map=world.map)
    assert (world.map.pk, world.period("2026-Q1").pk) in keys
    after = selectors.latest_snapshot(world.map, world.period("2026-Q1"))
    assert after.pk != before.pk and after.nko == D(100)


def test_a_map_that_cannot_be_scored_stores_the_cores_errors(world):
    MapPerspective.objects.filter(map=world.map, code="stakeholder").update(weight=D(60))
    MapPerspective.objects.filter(map=world.map, code="customer").update(weight=D(30))
    MapPerspective.objects.filter(map=world.map).exclude(code__in=["stakeholder", "customer"]).update(
        weight=D(5)
    )
    approved(world, world.quarterly, "2026-Q1", "90")
    stored = snapshot(world, "2026-Q1")
    assert stored.nko is None and stored.has_errors
    assert stored.result["errors"][0]["code"] in {"weights_total", "weights_partial"}


def test_trend_and_ranking_for_the_dashboard(world, org):
    approved(world, world.quarterly, "2026-Q1", "90")
    approved(world, world.quarterly, "2026-Q2", "110")
    q1, q2 = snapshot(world, "2026-Q1"), snapshot(world, "2026-Q2")
    trend = selectors.nko_trend(world.map, frequency="quarterly")
    assert [(p.period.label, p.nko) for p in trend] == [("2026-Q1", D(90)), ("2026-Q2", D(110))]
    assert [s.pk for s in selectors.snapshots_for(world.map)] == [q1.pk, q2.pk]
    # KPP-B reports 60 of 50 in Q2 (index 120) and ranks first; a unit without a score is last, unranked
    other = services.save_realization(
        kpi=world.other_kpi, period=world.period("2026-Q2"), value="60", by=world.outsider
    )
    services.add_evidence(realization=other, upload=pdf(), by=world.outsider)
    services.submit_realization(realization=other, by=world.outsider)
    other.state = "approved"  # verified and approved by others in real life; the ranking is what matters here
    other.save()
    services.compute_scorecard(strategy_map=world.other_map, period=world.period("2026-Q2"))
    ranking = selectors.unit_ranking([org.kpp_a, org.kpp_b, org.kanwil], world.period("2026-Q2"))
    assert [(r.rank, r.unit.code, r.nko) for r in ranking] == [(1, "KPP-B", D(120)), (2, "KPP-A", D(110))]
    ranking_q3 = selectors.unit_ranking([org.kpp_a, org.kpp_b], world.period("2026-Q3"))
    assert [(r.rank, r.nko) for r in ranking_q3] == [(None, None), (None, None)]


def test_scorecard_view_and_explanations(world):
    approved(world, world.quarterly, "2026-Q1", "90")
    stored = snapshot(world, "2026-Q1")
    view = selectors.scorecard_view(stored)
    assert view.nko.shown == D("90.00") and view.nko.status == "yellow"
    assert [b.data["code"] for b in view.perspectives] == ["stakeholder", "customer"]
    kpi_line = view.perspectives[0].objectives[0].kpis[0]
    assert kpi_line.figure.value == D(90) and kpi_line.figure.status_class == "status-yellow"
    na_line = view.perspectives[1].objectives[0].kpis[0]
    assert na_line.figure.value is None and na_line.figure.status_class == "status-na"
    node = selectors.explanation(stored, "kpi", "S1.1")
    assert node["subject"] == "KPI S1.1 index" and node["formula"] == "R / T × 100"
    assert selectors.explanation(stored, "objective", "S1")["subject"] == "objective S1 index"
    assert selectors.explanation(stored, "nko")["subject"] == "NKO"
    assert selectors.explanation(stored, "kpi", "nope") is None


def test_a_target_changed_in_a_revision_recomputes_the_scores(world, django_capture_on_commit_callbacks):
    """The KPI service itself queues the recomputation: no one has to remember to."""
    from kinerja.planning import kpi_services
    from kinerja.planning import services as strategy_services

    approved(world, world.quarterly, "2026-Q1", "90")
    before = snapshot(world, "2026-Q1")
    assert before.nko == D(90)
    revised = strategy_services.revise_map(
        strategy_map=world.map, reason="Target TW1 dikoreksi", by=world.leader
    )
    kpi = Kpi.objects.select_related("objective__map").get(pk=world.quarterly.pk)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        kpi_services.save_kpi(
            objective=kpi.objective,
            code="S1.1",
            fields={},
            trajectory=[D(90), D(100), D(100), D(100)],
            by=world.manager,
            kpi=kpi,
        )
    assert callbacks, "the KPI service queued no recomputation"
    after = selectors.latest_snapshot(revised, world.period("2026-Q1"))
    assert after.pk != before.pk and after.nko == D(100)
    assert ScoreSnapshot.objects.get(pk=before.pk).nko == D(90)  # the old snapshot is kept as it was


def test_editing_a_draft_map_queues_nothing(org, make_user, django_capture_on_commit_callbacks):
    from kinerja.planning import kpi_services
    from tests.planning import builders as b

    draft = b.sound_map(org.kpp_b)
    kpi = draft.objectives.first().kpis.first()
    manager = b.planner(make_user, org.kpp_b)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        kpi_services.save_kpi(
            objective=kpi.objective, code=kpi.code, fields={}, trajectory=None, by=manager, kpi=kpi
        )
    assert ScoreSnapshot.objects.filter(strategy_map=draft).count() == 0
    assert callbacks == []
