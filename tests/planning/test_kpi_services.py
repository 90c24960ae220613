"""KPI manual, target and trajectory writes: rules 11 and 12 refuse the save; the vocabularies are the scoring core's."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role
from kinerja.planning import kpi_selectors
from kinerja.planning import kpi_services as services
from kinerja.planning.models import (
    PERIODS_PER_YEAR,
    ConsolidationChoice,
    ControllabilityChoice,
    Kpi,
    MapState,
    PolarityChoice,
    ValidityChoice,
)
from kinerja.planning.validation import FindingsError
from kinerja.scoring import enums
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(org, make_user):
    strategy_map = b.bare_map(org.kpp_a)
    objective = b.objective(strategy_map, "customer", "C1")
    return objective, make_user(org.kpp_a, Role.MANAGER)


def test_choices_are_the_scoring_cores_keywords():
    assert set(PolarityChoice.values) == {p.value for p in enums.Polarity}
    assert set(ConsolidationChoice.values) == {c.value for c in enums.Consolidation}
    assert set(ValidityChoice.values) == {v.value for v in enums.Validity}
    assert set(ControllabilityChoice.values) == {c.value for c in enums.Controllability}


def test_a_yearly_kpi_gets_its_single_period_from_the_target(setting):
    objective, manager = setting
    kpi = b.kpi_via_service(objective, "C1.1", manager, target=D(75))
    assert list(kpi.period_targets.values_list("period", "target")) == [(1, D(75))]
    assert kpi.history.first().history_user == manager


def test_polarity_must_fit_the_target(setting):
    objective, manager = setting
    with pytest.raises(FindingsError) as caught:
        b.kpi_via_service(objective, "C1.1", manager, polarity="max", target=D(0))
    assert caught.value.findings[0].code == "target_max_zero_target"
    assert not Kpi.objects.exists()
    with pytest.raises(FindingsError):
        b.kpi_via_service(objective, "C1.1", manager, polarity="min", target=D(0))
    kpi = b.kpi_via_service(objective, "C1.1", manager, polarity="min", target=D(0), worst=D(10))
    assert kpi.worst == D(10)


def test_a_quarterly_kpi_needs_a_trajectory_that_reaches_the_target(setting):
    objective, manager = setting
    common = {"frequency": "quarterly", "consolidation": "sum", "target": D(100)}
    with pytest.raises(FindingsError) as caught:
        b.kpi_via_service(objective, "C1.1", manager, **common)
    assert caught.value.findings[0].code == "trajectory_incomplete"
    with pytest.raises(FindingsError) as caught:
        b.kpi_via_service(objective, "C1.1", manager, trajectory=[D(20)] * 4, **common)
    assert caught.value.findings[0].code == "trajectory_target"
    kpi = b.kpi_via_service(objective, "C1.1", manager, trajectory=[D(10), D(20), D(30), D(40)], **common)
    assert list(kpi.period_targets.values_list("target", flat=True)) == [D(10), D(20), D(30), D(40)]
    # Updating the manual alone keeps the stored trajectory, which must still fit.
    services.save_kpi(
        objective=objective, kpi=kpi, code="C1.1", fields={"formula": "a / b"}, trajectory=None, by=manager
    )
    with pytest.raises(FindingsError):
        services.save_kpi(
            objective=objective, kpi=kpi, code="C1.1", fields={"target": D(90)}, trajectory=None, by=manager
        )
    kpi.refresh_from_db()
    assert kpi.target == D(100)


@pytest.mark.parametrize("consolidation", ["sum", "average", "last"])
@pytest.mark.parametrize("frequency", list(PERIODS_PER_YEAR))
def test_the_suggested_trajectory_always_reaches_the_target(setting, consolidation, frequency):
    objective, manager = setting
    trajectory = kpi_selectors.suggested_trajectory(
        frequency=frequency, consolidation=consolidation, target=D(100)
    )
    assert len(trajectory) == PERIODS_PER_YEAR[frequency]
    kpi = b.kpi_via_service(
        objective, "C1.1", manager, frequency=frequency, consolidation=consolidation, trajectory=trajectory
    )
    assert kpi.period_targets.count() == PERIODS_PER_YEAR[frequency]


def test_kpi_codes_are_unique_on_a_map(setting):
    objective, manager = setting
    b.kpi_via_service(objective, "IKU-1", manager)
    other = b.objective(objective.map, "stakeholder", "S1")
    with pytest.raises(ValidationError):
        b.kpi_via_service(other, "IKU-1", manager)


def test_no_kpi_changes_on_an_approved_map_or_by_an_employee(org, setting, make_user):
    objective, manager = setting
    with pytest.raises(PermissionDenied):
        b.kpi_via_service(objective, "C1.1", make_user(org.kpp_a, Role.EMPLOYEE))
    kpi = b.kpi_via_service(objective, "C1.1", manager)
    objective.map.state = MapState.APPROVED
    objective.map.save()
    with pytest.raises(ValidationError):
        services.delete_kpi(kpi=kpi, by=manager)
    assert Kpi.objects.filter(pk=kpi.pk).exists()
