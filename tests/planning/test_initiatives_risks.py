"""Strategic initiatives (milestones, progress, derived status) and risks (level bands, monitoring): services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role
from kinerja.planning import selectors, services
from kinerja.planning.models import MapState, risk_band
from tests.factories import PositionFactory
from tests.planning import builders as b

D = Decimal
TODAY = dt.date(2026, 6, 30)
pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(org, make_user):
    return make_user(org.kpp_a, Role.MANAGER)


@pytest.fixture
def strategy_map(org):
    return b.sound_map(org.kpp_a)


def initiative(strategy_map, manager, code="IS1", **kwargs):
    objectives = list(strategy_map.objectives.filter(code__in=["P1", "L1"]))
    values = {
        "name_id": "Digitalisasi layanan",
        "budget": D("1250000000.00"),
        "start": dt.date(2026, 1, 1),
        "end": dt.date(2026, 12, 31),
        "objectives": objectives,
    }
    values.update(kwargs)
    return services.save_initiative(strategy_map=strategy_map, code=code, by=manager, **values)


def test_initiative_is_saved_with_its_objectives_and_history(strategy_map, manager):
    made = initiative(strategy_map, manager)
    assert sorted(made.objectives.values_list("code", flat=True)) == ["L1", "P1"]
    assert made.budget == D("1250000000.00")
    assert made.history.first().history_user == manager


def test_initiative_rules(org, strategy_map, manager):
    other = b.sound_map(org.kpp_b)
    with pytest.raises(ValidationError) as error:
        initiative(strategy_map, manager, objectives=[other.objectives.first()])
    assert "objectives" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        initiative(strategy_map, manager, start=dt.date(2026, 5, 1), end=dt.date(2026, 4, 1))
    assert "end" in error.value.message_dict
    with pytest.raises(ValidationError):
        initiative(strategy_map, manager, budget=D(-1))
    with pytest.raises(ValidationError):
        initiative(strategy_map, manager, owner_position=PositionFactory(unit=org.kpp_b))
    initiative(strategy_map, manager)
    with pytest.raises(ValidationError, match="IS1"):
        initiative(strategy_map, manager)


def test_status_is_late_when_an_open_milestone_is_past_due(strategy_map, manager):
    made = initiative(strategy_map, manager)
    first = services.save_milestone(initiative=made, name="Desain", due_date=dt.date(2026, 3, 31), by=manager)
    services.save_milestone(initiative=made, name="Uji coba", due_date=dt.date(2026, 9, 30), by=manager)
    [listed] = selectors.initiatives_of_map(strategy_map, today=TODAY)
    assert listed.status == selectors.LATE
    services.set_milestone_done(milestone=first, done=True, done_on=dt.date(2026, 4, 2), by=manager)
    [listed] = selectors.initiatives_of_map(strategy_map, today=TODAY)
    assert listed.status == selectors.ON_TRACK and listed.progress is None
    services.add_progress_report(
        initiative=made, date=TODAY, percent=D(40), note="Desain selesai", by=manager
    )
    assert selectors.initiatives_of_map(strategy_map, today=TODAY)[0].progress == D(40)


def test_progress_and_monitoring_are_allowed_after_approval_planning_is_not(org, manager):
    approved = b.sound_map(org.kpp_a, state=MapState.APPROVED)
    with pytest.raises(ValidationError) as error:
        initiative(approved, manager)
    assert error.value.code == "map_read_only"
    approved.state = MapState.DRAFT
    approved.save()
    made = initiative(approved, manager)
    milestone = services.save_milestone(initiative=made, name="A", due_date=dt.date(2026, 2, 1), by=manager)
    risk = services.save_risk(
        objective=approved.objectives.get(code="S1"),
        code="R1",
        description="Penerimaan tidak tercapai",
        likelihood=3,
        impact=4,
        by=manager,
    )
    approved.state = MapState.APPROVED
    approved.save()
    made.refresh_from_db()
    report = services.add_progress_report(initiative=made, date=TODAY, percent=D(55), by=manager)
    assert report.by == manager
    services.set_milestone_done(milestone=milestone, done=True, by=manager)
    entry = services.add_risk_monitoring(risk=risk, date=TODAY, note="Mitigasi berjalan", by=manager)
    assert entry.by == manager
    with pytest.raises(ValidationError):
        services.save_milestone(initiative=made, name="B", due_date=TODAY, by=manager)
    with pytest.raises(ValidationError):
        services.delete_risk(risk=risk, by=manager)


def test_employee_and_other_unit_may_not_plan_or_monitor(org, strategy_map, manager, make_user):
    made = initiative(strategy_map, manager)
    for user in (make_user(org.kpp_a, Role.EMPLOYEE), make_user(org.kpp_b, Role.MANAGER)):
        with pytest.raises(PermissionDenied):
            initiative(strategy_map, user, code="IS2")
        with pytest.raises(PermissionDenied):
            services.add_progress_report(initiative=made, date=TODAY, percent=D(1), by=user)


def test_progress_percent_range(strategy_map, manager):
    made = initiative(strategy_map, manager)
    with pytest.raises(ValidationError):
        services.add_progress_report(initiative=made, date=TODAY, percent=D(101), by=manager)


@pytest.mark.parametrize(
    ("likelihood", "impact", "band"),
    [
        (1, 1, "low"),
        (2, 2, "low"),
        (1, 5, "medium"),
        (3, 3, "medium"),
        (2, 5, "high"),
        (4, 4, "high"),
        (4, 5, "extreme"),
    ],
)
def test_risk_level_and_band(strategy_map, manager, likelihood, impact, band):
    risk = services.save_risk(
        objective=strategy_map.objectives.first(),
        code="R1",
        description="Risiko",
        likelihood=likelihood,
        impact=impact,
        by=manager,
    )
    assert risk.level == likelihood * impact and risk.band == band
    assert risk_band(risk.level)[0] == band


def test_risk_scale_and_code_are_checked(strategy_map, manager):
    objective = strategy_map.objectives.first()
    with pytest.raises(ValidationError) as error:
        services.save_risk(
            objective=objective, code="R1", description="x", likelihood=0, impact=6, by=manager
        )
    assert set(error.value.message_dict) == {"likelihood", "impact"}
    services.save_risk(objective=objective, code="R1", description="x", likelihood=1, impact=1, by=manager)
    with pytest.raises(ValidationError, match="R1"):
        services.save_risk(
            objective=objective, code="R1", description="y", likelihood=1, impact=1, by=manager
        )
    with pytest.raises(ValidationError):
        services.add_risk_monitoring(risk=objective.risks.get(), date=TODAY, note=" ", by=manager)
