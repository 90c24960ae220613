"""Visibility: one predicate per rule (maps readable by, maps reportable by, KPIs, units), for every role.

Issue 10 item 4: the administrator on the ministry root saw 1 of 6 maps (an
empty "no restriction" filter OR-ed with "approved maps above" narrowed it).
"""

from __future__ import annotations

import pytest

from kinerja.accounts.models import Role
from kinerja.organisations import selectors as org_selectors
from kinerja.planning import kpi_selectors
from kinerja.planning import selectors as planning_selectors
from kinerja.planning.models import MapState
from kinerja.reporting import selectors as reporting_selectors
from tests.planning.builders import bare_map, kpi, objective

pytestmark = pytest.mark.django_db

STATES = {
    "ministry": MapState.APPROVED,
    "djp": MapState.APPROVED,
    "djbc": MapState.DRAFT,
    "kanwil": MapState.DRAFT,
    "kpp_a": MapState.APPROVED,
    "kpp_b": MapState.REVISED,
}
ALL = set(STATES)
# Roles on KPP-A: their own map, and the approved maps of the units above (read as plans).
KPP_READS = {"kpp_a", "ministry", "djp"}


@pytest.fixture
def maps(org):
    found = {}
    for name, state in STATES.items():
        strategy_map = bare_map(getattr(org, name), state=state)
        kpi(objective(strategy_map, "stakeholder", f"S1-{name}"), f"IKU-{name}")
        found[name] = strategy_map
    return found


def _names(maps, queryset):
    by_pk = {m.pk: name for name, m in maps.items()}
    return {by_pk[pk] for pk in queryset.values_list("pk", flat=True)}


def _kpi_names(queryset):
    return {code.removeprefix("IKU-") for code in queryset.values_list("code", flat=True)}


CASES = [
    # (unit, role, superuser, readable maps, reportable maps)
    ("ministry", Role.ADMIN, True, ALL, {"ministry", "djp", "kpp_a", "kpp_b"}),
    ("ministry", Role.ADMIN, False, ALL, {"ministry", "djp", "kpp_a", "kpp_b"}),
    ("ministry", Role.AUDITOR, False, ALL, {"ministry", "djp", "kpp_a", "kpp_b"}),
    ("kpp_a", Role.MANAGER, False, KPP_READS, {"kpp_a"}),
    ("kpp_a", Role.LEADER, False, KPP_READS, {"kpp_a"}),
    ("kpp_a", Role.EMPLOYEE, False, KPP_READS, {"kpp_a"}),
]


@pytest.mark.parametrize(("unit", "role", "superuser", "readable", "reportable"), CASES)
def test_each_role_sees_the_maps_and_kpis_of_its_rule(
    org, maps, make_user, unit, role, superuser, readable, reportable
):
    user = make_user(getattr(org, unit), role, is_superuser=superuser)
    assert _names(maps, planning_selectors.maps_readable_by(user)) == readable
    assert _names(maps, planning_selectors.maps_visible_to(user)) == readable
    assert _kpi_names(kpi_selectors.kpis_readable_by(user)) == readable
    assert _kpi_names(kpi_selectors.kpis_visible_to(user)) == readable
    assert _names(maps, planning_selectors.maps_reportable_by(user)) == reportable
    assert _names(maps, reporting_selectors.reporting_maps_for(user)) == reportable
    # the permission layer gives the same answer, map by map
    assert {name for name, m in maps.items() if user.has_perm("planning.view_strategymap", m)} == readable


def test_the_administrator_on_the_root_reads_every_map(org, maps, make_user):
    admin = make_user(org.ministry, Role.ADMIN, is_superuser=True, is_staff=True)
    assert planning_selectors.maps_readable_by(admin).count() == len(STATES)
    assert kpi_selectors.kpis_visible_to(admin).count() == len(STATES)


def test_units_readable_and_managed(org, make_user):
    leader = make_user(org.kpp_a, Role.LEADER)
    assert set(org_selectors.units_readable_by(leader)) == {org.kpp_a, org.section_a}
    assert not org_selectors.units_managed_by(leader).exists()
    manager = make_user(org.kanwil, Role.MANAGER)
    assert set(org_selectors.units_managed_by(manager)) == {org.kanwil, org.kpp_a, org.kpp_b, org.section_a}
    admin = make_user(org.ministry, Role.ADMIN)
    assert org_selectors.units_managed_by(admin).count() == 7
