"""Services of strategy planning: maps, perspectives, objectives, links, the workflow, revisions, copy_year."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role
from kinerja.planning import services
from kinerja.planning.models import (
    Kpi,
    MapState,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    PlanYear,
    StateChange,
    StrategyMap,
    Theme,
)
from kinerja.planning.validation import FindingsError
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_user):
    return make_user(org.kpp_a, Role.MANAGER)


@pytest.fixture
def leader(org, make_user):
    return make_user(org.kpp_a, Role.LEADER)


def test_create_map_adds_the_four_perspectives_and_records_the_draft(org, manager):
    strategy_map = services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)
    assert [p.code for p in strategy_map.perspectives.order_by("order")] == [
        "stakeholder",
        "customer",
        "internal_process",
        "learning_growth",
    ]
    change = strategy_map.state_changes.get()
    assert (change.to_state, change.by) == (MapState.DRAFT, manager)
    assert strategy_map.history.first().history_user == manager


def test_create_map_takes_vision_and_mission_from_the_renstra_plan(org, manager, make_user):
    year = b.plan_year()
    services.save_unit_plan(
        plan_period=year.plan_period, unit=org.kpp_a, vision="Visi A", mission="Misi A", goals="", by=manager
    )
    strategy_map = services.create_map(unit=org.kpp_a, plan_year=year, by=manager)
    assert (strategy_map.vision, strategy_map.mission) == ("Visi A", "Misi A")


def test_only_map_owners_get_a_map(org, make_user):
    user = make_user(org.kpp_a, Role.MANAGER)
    with pytest.raises(FindingsError) as caught:
        services.create_map(unit=org.section_a, plan_year=b.plan_year(), by=user)
    assert caught.value.findings[0].rule == 1
    assert not StrategyMap.objects.exists()


def test_a_unit_has_one_map_per_year(org, manager):
    services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)
    with pytest.raises(ValidationError):
        services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)


def test_employee_and_other_units_manager_cannot_create_a_map(org, make_user):
    with pytest.raises(PermissionDenied):
        services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=make_user(org.kpp_a, Role.EMPLOYEE))
    with pytest.raises(PermissionDenied):
        services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=make_user(org.kpp_b, Role.MANAGER))


def test_a_manager_higher_up_plans_for_the_subtree(org, make_user):
    strategy_map = services.create_map(
        unit=org.kpp_a, plan_year=b.plan_year(), by=make_user(org.djp, Role.MANAGER)
    )
    assert strategy_map.unit == org.kpp_a


def test_plan_year_rule_set_must_be_known(org, make_user):
    admin = make_user(org.ministry, Role.ADMIN)
    period = services.create_plan_period(name="Renstra", start_year=2025, end_year=2029, by=admin)
    with pytest.raises(ValidationError):
        services.create_plan_year(plan_period=period, year=2026, rule_set="kmk-999", by=admin)
    with pytest.raises(ValidationError):
        services.create_plan_year(plan_period=period, year=2031, rule_set="kmk-127-2026", by=admin)
    with pytest.raises(ValidationError):
        services.create_plan_year(plan_period=period, year=2025, rule_set="kmk-127-2026", by=admin)
    services.create_plan_year(plan_period=period, year=2025, rule_set="kmk-467-2014", by=admin)
    year = services.create_plan_year(plan_period=period, year=2026, rule_set="kmk-127-2026", by=admin)
    assert PlanYear.objects.get(pk=year.pk).rule_set == "kmk-127-2026"
    assert PlanYear._meta.get_field("rule_set").default == "kmk-467-2014"


def test_perspective_weights_must_total_100(org, manager):
    strategy_map = services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)
    ids = list(strategy_map.perspectives.order_by("order").values_list("pk", flat=True))
    with pytest.raises(FindingsError):
        services.update_perspectives(
            strategy_map=strategy_map, values={pk: {"weight": D(20)} for pk in ids}, by=manager
        )
    weights = [D(30), D(20), D(30), D(20)]
    services.update_perspectives(
        strategy_map=strategy_map,
        values={
            pk: {"weight": w, "name_id": f"P{i}"} for i, (pk, w) in enumerate(zip(ids, weights, strict=True))
        },
        by=manager,
    )
    assert list(strategy_map.perspectives.order_by("order").values_list("weight", "name_id")) == [
        (D(30), "P0"),
        (D(20), "P1"),
        (D(30), "P2"),
        (D(20), "P3"),
    ]


def test_objectives_and_links(org, manager):
    strategy_map = services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)
    s1 = services.save_objective(
        strategy_map=strategy_map,
        perspective=b.perspective(strategy_map, "stakeholder"),
        code="S1",
        name_id="Penerimaan negara yang optimal",
        by=manager,
    )
    c1 = services.save_objective(
        strategy_map=strategy_map,
        perspective=b.perspective(strategy_map, "customer"),
        code="C1",
        name_id="Kepuasan layanan yang tinggi",
        by=manager,
    )
    with pytest.raises(ValidationError):
        services.save_objective(
            strategy_map=strategy_map,
            perspective=b.perspective(strategy_map, "customer"),
            code="C1",
            name_id="Duplikat",
            by=manager,
        )
    link = services.add_link(cause=c1, effect=s1, by=manager)
    assert ObjectiveLink.objects.get() == link
    with pytest.raises(ValidationError):
        services.add_link(cause=c1, effect=s1, by=manager)
    other = b.bare_map(org.kpp_b)
    with pytest.raises(FindingsError) as caught:
        services.add_link(cause=c1, effect=b.objective(other, "stakeholder", "S1"), by=manager)
    assert caught.value.findings[0].code == "link_other_map"
    with pytest.raises(FindingsError):
        services.save_objective(
            strategy_map=strategy_map,
            perspective=b.perspective(other, "customer"),
            code="C2",
            name_id="Di perspektif peta lain",
            by=manager,
        )


def test_submit_is_refused_while_a_block_finding_remains(org, manager):
    strategy_map = b.sound_map(org.kpp_a)
    strategy_map.objectives.get(code="S1").kpis.all().delete()
    with pytest.raises(FindingsError) as caught:
        services.submit_map(strategy_map=strategy_map, by=manager)
    assert [f.code for f in caught.value.findings] == ["objective_without_kpi"]
    strategy_map.refresh_from_db()
    assert strategy_map.state == MapState.DRAFT


def test_workflow_submit_approve_and_read_only(org, manager, leader):
    strategy_map = b.sound_map(org.kpp_a)
    with pytest.raises(PermissionDenied):
        services.submit_map(strategy_map=strategy_map, by=leader)
    services.submit_map(strategy_map=strategy_map, by=manager)
    with pytest.raises(PermissionDenied):
        services.approve_map(strategy_map=strategy_map, by=manager)
    services.approve_map(strategy_map=strategy_map, by=leader)
    strategy_map.refresh_from_db()
    assert strategy_map.state == MapState.APPROVED
    with pytest.raises(ValidationError):
        services.update_map(strategy_map=strategy_map, vision="x", mission="y", by=manager)
    with pytest.raises(ValidationError):
        services.save_objective(
            strategy_map=strategy_map,
            perspective=b.perspective(strategy_map, "customer"),
            code="C9",
            name_id="Baru",
            by=manager,
        )
    with pytest.raises(ValidationError):
        b.kpi_via_service(strategy_map.objectives.get(code="C1"), "C1.9", manager)
    assert list(strategy_map.state_changes.values_list("to_state", "by")) == [
        (MapState.SUBMITTED, manager.pk),
        (MapState.APPROVED, leader.pk),
    ]


def test_return_needs_a_reason_and_goes_back_to_draft(org, manager, leader):
    strategy_map = b.sound_map(org.kpp_a)
    services.submit_map(strategy_map=strategy_map, by=manager)
    with pytest.raises(ValidationError):
        services.return_map(strategy_map=strategy_map, reason="  ", by=leader)
    services.return_map(strategy_map=strategy_map, reason="Perbaiki SS C2", by=leader)
    strategy_map.refresh_from_db()
    assert strategy_map.state == MapState.DRAFT
    change = strategy_map.state_changes.last()
    assert (change.from_state, change.to_state, change.reason, change.by) == (
        MapState.SUBMITTED,
        MapState.DRAFT,
        "Perbaiki SS C2",
        leader,
    )


def test_revision_records_reason_and_who(org, manager, leader):
    strategy_map = b.sound_map(org.kpp_a)
    services.submit_map(strategy_map=strategy_map, by=manager)
    services.approve_map(strategy_map=strategy_map, by=leader)
    with pytest.raises(ValidationError):
        services.revise_map(strategy_map=strategy_map, reason="", by=manager)
    services.revise_map(strategy_map=strategy_map, reason="Perubahan organisasi", by=manager)
    strategy_map.refresh_from_db()
    assert (strategy_map.state, strategy_map.revision, strategy_map.is_editable) == (
        MapState.REVISED,
        1,
        True,
    )
    change = StateChange.objects.filter(map=strategy_map).last()
    assert (change.from_state, change.to_state, change.revision, change.reason, change.by) == (
        MapState.APPROVED,
        MapState.REVISED,
        1,
        "Perubahan organisasi",
        manager,
    )
    services.update_map(strategy_map=strategy_map, vision="Visi baru", mission="", by=manager)
    services.submit_map(strategy_map=strategy_map, by=manager)
    services.return_map(strategy_map=strategy_map, reason="Belum", by=leader)
    strategy_map.refresh_from_db()
    assert strategy_map.state == MapState.REVISED  # a returned revision stays a revision
    services.submit_map(strategy_map=strategy_map, by=manager)
    services.approve_map(strategy_map=strategy_map, by=leader)
    strategy_map.refresh_from_db()
    assert (strategy_map.state, strategy_map.revision, strategy_map.vision) == (
        MapState.APPROVED,
        1,
        "Visi baru",
    )


def test_only_an_approved_map_is_revised(org, manager):
    strategy_map = b.sound_map(org.kpp_a)
    with pytest.raises(ValidationError):
        services.revise_map(strategy_map=strategy_map, reason="x", by=manager)


def test_state_rules_hold_for_a_superuser_too(org, make_user):
    root = make_user(is_superuser=True)
    strategy_map = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    assert not services.can(root, "change", strategy_map) and not services.can(root, "submit", strategy_map)
    for action in (services.submit_map, services.approve_map):
        with pytest.raises(ValidationError):
            action(strategy_map=strategy_map, by=root)
    with pytest.raises(ValidationError):
        services.update_map(strategy_map=strategy_map, vision="x", mission="", by=root)
    assert services.can(root, "revise", strategy_map)
    strategy_map.refresh_from_db()
    assert strategy_map.state == MapState.APPROVED


def test_copy_year_copies_everything_in_one_go(org, manager):
    source = b.sound_map(org.kpp_a, year=2026, state=MapState.APPROVED)
    b.perspective(source, "stakeholder").__class__.objects.filter(map=source).update(weight=25)
    monthly = b.kpi(
        source.objectives.get(code="P1"),
        "P1.2",
        frequency="monthly",
        consolidation="sum",
        target=D(120),
        trajectory=[D(10)] * 12,
        baseline=D(95),
        worst=D(5),
        mandatory=True,
    )
    next_year = b.plan_year(2027)
    copy = services.copy_year(from_map=source, to_year=next_year, by=manager)
    assert (copy.unit, copy.plan_year, copy.state, copy.revision) == (org.kpp_a, next_year, MapState.DRAFT, 0)
    assert set(copy.perspectives.values_list("code", "weight")) == set(
        source.perspectives.values_list("code", "weight")
    )
    assert sorted(copy.objectives.values_list("code", "perspective__code")) == sorted(
        source.objectives.values_list("code", "perspective__code")
    )
    assert sorted(copy.links.values_list("cause__code", "effect__code")) == sorted(
        source.links.values_list("cause__code", "effect__code")
    )
    assert all(link.cause.map_id == copy.pk and link.effect.map_id == copy.pk for link in copy.links.all())
    cloned = Kpi.objects.get(objective__map=copy, code="P1.2")
    assert cloned.pk != monthly.pk
    for name in (
        "formula",
        "description",
        "frequency",
        "consolidation",
        "target",
        "baseline",
        "worst",
        "mandatory",
    ):
        assert getattr(cloned, name) == getattr(monthly, name)
    assert list(PeriodTarget.objects.filter(kpi=cloned).values_list("period", "target")) == [
        (i, D(10)) for i in range(1, 13)
    ]
    assert (
        Kpi.objects.filter(objective__map=copy).count() == Kpi.objects.filter(objective__map=source).count()
    )
    assert b.findings(copy) == []
    assert Objective.objects.filter(map=source).count() == 8  # the source is untouched
    with pytest.raises(ValidationError):
        services.copy_year(from_map=source, to_year=next_year, by=manager)


def test_copy_year_is_one_transaction(org, manager, monkeypatch):
    source = b.sound_map(org.kpp_a)
    next_year = b.plan_year(2027)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("kinerja.planning.services.bulk_create_with_history", broken)
    with pytest.raises(RuntimeError):
        services.copy_year(from_map=source, to_year=next_year, by=manager)
    assert not StrategyMap.objects.filter(plan_year=next_year).exists()
    assert Objective.objects.count() == 8


def test_themes_group_objectives_of_their_own_map(org, manager):
    strategy_map = services.create_map(unit=org.kpp_a, plan_year=b.plan_year(), by=manager)
    theme = services.save_theme(strategy_map=strategy_map, code="T1", name_id="Pelayanan prima", by=manager)
    objective = services.save_objective(
        strategy_map=strategy_map,
        perspective=b.perspective(strategy_map, "customer"),
        code="C1",
        name_id="Kepuasan layanan yang tinggi",
        theme=theme,
        by=manager,
    )
    assert objective.theme == theme
    other_theme = Theme.objects.create(map=b.bare_map(org.kpp_b), code="T9", name_id="Lain")
    with pytest.raises(ValidationError):
        services.save_objective(
            strategy_map=strategy_map,
            objective=objective,
            perspective=b.perspective(strategy_map, "customer"),
            code="C1",
            name_id="Kepuasan layanan yang tinggi",
            theme=other_theme,
            by=manager,
        )
    copy = services.copy_year(from_map=strategy_map, to_year=b.plan_year(2027), by=manager)
    copied = copy.objectives.get(code="C1")
    assert copied.theme.code == "T1" and copied.theme.map == copy


def test_copy_year_carries_initiatives_and_risks_but_not_last_years_monitoring(org, manager):
    import datetime as dt

    source = b.sound_map(org.kpp_a, year=2026)
    p1 = source.objectives.get(code="P1")
    initiative = services.save_initiative(
        strategy_map=source,
        code="IS1",
        name_id="Digitalisasi layanan",
        by=manager,
        budget=Decimal("1500000000"),
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        objectives=[p1],
    )
    services.save_milestone(
        initiative=initiative, name="Aplikasi siap", due_date=dt.date(2026, 6, 30), by=manager
    )
    services.add_progress_report(
        initiative=initiative, date=dt.date(2026, 3, 31), percent=Decimal(25), by=manager
    )
    risk = services.save_risk(
        objective=p1,
        code="R1",
        description="Gangguan jaringan",
        likelihood=3,
        impact=4,
        by=manager,
        mitigation="Jalur cadangan",
    )
    services.add_risk_monitoring(risk=risk, date=dt.date(2026, 2, 1), note="Dua gangguan", by=manager)
    copy = services.copy_year(from_map=source, to_year=b.plan_year(2027), by=manager)
    cloned = copy.initiatives.get(code="IS1")
    assert (cloned.name_id, cloned.budget, cloned.start) == (
        "Digitalisasi layanan",
        Decimal("1500000000"),
        None,
    )
    assert [o.code for o in cloned.objectives.all()] == ["P1"]
    assert cloned.objectives.get().map_id == copy.pk
    assert not cloned.milestones.exists() and not cloned.progress_reports.exists()
    copied_risk = copy.objectives.get(code="P1").risks.get(code="R1")
    assert (copied_risk.likelihood, copied_risk.impact, copied_risk.mitigation) == (3, 4, "Jalur cadangan")
    assert not copied_risk.monitoring.exists()
    assert risk.monitoring.count() == 1 and initiative.milestones.count() == 1  # the source keeps its history
