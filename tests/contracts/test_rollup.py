"""Roll-up of directly cascaded KPIs (`scoring.md` §5, rule 20): derived by the system, never typed in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kinerja.contracts import rollup, services
from kinerja.contracts.models import CascadeMode
from kinerja.organisations.models import PositionType
from kinerja.planning.models import Kpi
from kinerja.reporting import services as reporting
from kinerja.reporting.models import Realization, RealizationState, WorkflowEvent
from tests.contracts.builders import cascade_office, period, sign, submitted
from tests.contracts.conftest import _person
from tests.factories import PositionFactory
from tests.planning import builders as b

D = Decimal
pytestmark = pytest.mark.django_db


def test_a_direct_shared_parent_is_the_sum_of_its_three_children(office):
    world = cascade_office(office)
    january = period(office, "2026-01")
    for kpi, person, value in zip(world.staff_kpis, office.staff, (40, 30, 20), strict=True):
        submitted(kpi, january, value, office, person)

    assert rollup.recompute_parents([k.pk for k in world.staff_kpis], [january.pk]) == 2

    derived = Realization.objects.get(kpi=world.kasi_kpi, period=january)
    assert derived.value == D(90) and derived.state == RealizationState.SUBMITTED
    assert derived.created_by is None and derived.submitted_by is None  # the system wrote it
    assert "roll-up" in derived.analysis and all(
        f"({p.position.title}, SEKSI-A)" in derived.analysis for p in office.staff
    )
    assert derived.history.first().history_user is None
    # the chain climbs: the map KPI S1.1 (direct full to the head of section, sum of one) follows
    assert Realization.objects.get(kpi=world.map_kpi, period=january).value == D(90)
    # the read gives the same answer, with the core's explanation
    found = rollup.roll_up_kpi(world.kasi_kpi, january)
    assert found.complete and found.value == D(90) and found.state == RealizationState.SUBMITTED
    assert found.result is not None and found.result.explain().formula == "Σ child realizations"
    # nothing changed: nothing written
    assert rollup.recompute_parents([k.pk for k in world.staff_kpis], [january.pk]) == 0


def test_a_child_not_reported_makes_the_parent_incomplete_never_lower(office):
    world = cascade_office(office)
    january = period(office, "2026-01")
    first = submitted(world.staff_kpis[0], january, 40, office, office.staff[0])
    submitted(world.staff_kpis[1], january, 30, office, office.staff[1])
    draft = reporting.save_realization(
        kpi=world.staff_kpis[2], period=january, value=20, by=office.user(office.staff[2])
    )  # a draft does not count

    rollup.recompute_parents([k.pk for k in world.staff_kpis], [january.pk])
    assert not Realization.objects.filter(kpi__in=[world.kasi_kpi, world.map_kpi], period=january).exists()
    found = rollup.roll_up_kpi(world.kasi_kpi, january)
    assert not found.complete and found.value is None
    assert [c.kpi.pk for c in found.missing] == [world.staff_kpis[2].pk]

    reporting.submit_realization(realization=draft, by=office.user(office.staff[2]))
    rollup.recompute_parents([world.staff_kpis[2].pk], [january.pk])
    assert Realization.objects.get(kpi=world.kasi_kpi, period=january).value == D(90)

    # a child returned to draft: the derived realization is removed (with a history row), not lowered
    reporting.return_realization(realization=first, reason="Angka salah", by=office.manager)
    assert rollup.recompute_parents([world.staff_kpis[0].pk], [january.pk]) == 2
    assert not Realization.objects.filter(kpi__in=[world.kasi_kpi, world.map_kpi], period=january).exists()
    assert Realization.history.filter(kpi_id=world.kasi_kpi.pk, history_type="-").count() == 1


def test_the_derived_state_is_the_lowest_of_the_children(office, make_user):
    world = cascade_office(office)
    leader = make_user(office.org.kpp_a, "leader")
    january = period(office, "2026-01")
    rows = [
        submitted(k, january, v, office, p)
        for k, p, v in zip(world.staff_kpis, office.staff, (40, 30, 20), strict=True)
    ]
    for row in rows:
        reporting.verify_realization(realization=row, by=office.manager)
    for row in rows[:2]:
        reporting.approve_realization(realization=row, by=leader)
    rollup.recompute_parents([k.pk for k in world.staff_kpis], [january.pk])
    derived = Realization.objects.get(kpi=world.kasi_kpi, period=january)
    assert derived.state == RealizationState.VERIFIED
    reporting.approve_realization(realization=rows[2], by=leader)
    rollup.recompute_parents([world.staff_kpis[2].pk], [january.pk])
    derived.refresh_from_db()
    assert derived.state == RealizationState.APPROVED
    assert [e.to_state for e in WorkflowEvent.objects.filter(realization=derived).order_by("pk")] == [
        "verified",
        "approved",
    ]
    # a person cannot step a derived realization by hand (rule 20)
    with pytest.raises(ValidationError) as error:
        reporting.return_realization(realization=derived, reason="Coba", by=office.manager)
    assert "roll-up" in error.value.messages[0]


def test_a_saved_child_recomputes_its_parents_after_commit(office, django_capture_on_commit_callbacks):
    world = cascade_office(office)
    january = period(office, "2026-01")
    with django_capture_on_commit_callbacks(execute=True):
        for kpi, person, value in zip(world.staff_kpis, office.staff, (40, 30, 20), strict=True):
            submitted(kpi, january, value, office, person)
    assert Realization.objects.get(kpi=world.kasi_kpi, period=january).value == D(90)
    assert Realization.objects.get(kpi=world.map_kpi, period=january).value == D(90)
    # the derived rows are written in bulk: no post_save, so no recompute of their own (no loop)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rollup.recompute_parents([world.staff_kpis[0].pk], [january.pk])
    assert not [c for c in callbacks if "schedule_rollups" in c.__qualname__]


def _four_levels(office):
    """S1.1 of the map → head of section → executor 1 → a junior under executor 1, each direct full."""
    year = office.map.plan_year
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    kasi_kpi = services.cascade_to(
        parent=office.kpi_sum, contract=kasi, mode=CascadeMode.DIRECT_FULL, by=office.manager
    ).kpi
    executor = office.staff[0]
    mid = services.create_contract(employee=executor, plan_year=year, by=office.manager)
    mid_kpi = services.cascade_to(
        parent=kasi_kpi, contract=mid, mode=CascadeMode.DIRECT_FULL, by=office.manager
    ).kpi
    junior_position = PositionFactory(
        unit=office.org.section_a, type=PositionType.FUNCTIONAL, superior=executor.position
    )
    junior = _person(office.org.section_a, junior_position, executor, office.users)
    low = services.create_contract(employee=junior, plan_year=year, by=office.manager)
    leaf = services.cascade_to(
        parent=mid_kpi, contract=low, mode=CascadeMode.DIRECT_FULL, by=office.manager
    ).kpi
    Kpi.all_kpis.filter(pk__in=[office.kpi_sum.pk, kasi_kpi.pk, mid_kpi.pk, leaf.pk]).update(
        evidence_required=False
    )
    for contract in (kasi, mid, low):
        sign(contract, office)
    ids = [office.kpi_sum.pk, kasi_kpi.pk, mid_kpi.pk, leaf.pk]
    fresh = Kpi.all_kpis.in_bulk(ids)
    return [fresh[pk] for pk in ids], junior


def test_a_four_level_chain_recomputes_after_one_leaf_changes_in_a_few_queries(
    office, django_assert_max_num_queries
):
    chain, junior = _four_levels(office)
    leaf = chain[-1]
    months = [period(office, f"2026-{m:02d}") for m in (1, 2, 3)]
    for month in months:
        submitted(leaf, month, 100, office, junior)

    # three parents × three months created, read and written set-based: the query count does not grow with
    # the rows (one query per level to climb, four reads, the bulk writes and their history)
    with django_assert_max_num_queries(16):
        assert rollup.recompute_parents([leaf.pk], [m.pk for m in months]) == 9
    assert (
        sorted(
            Realization.objects.filter(kpi__in=chain[:3], period__in=months).values_list("value", flat=True)
        )
        == [D(100)] * 9
    )

    realization = Realization.objects.get(kpi=leaf, period=months[0])
    reporting.return_realization(realization=realization, reason="Koreksi", by=office.manager)
    reporting.save_realization(kpi=leaf, period=months[0], value=120, by=office.user(junior))
    reporting.submit_realization(realization=realization, by=office.user(junior))
    with django_assert_max_num_queries(16):
        assert rollup.recompute_parents([leaf.pk], [months[0].pk]) == 3
    assert (
        list(Realization.objects.filter(kpi__in=chain[:3], period=months[0]).values_list("value", flat=True))
        == [D(120)] * 3
    )


def test_an_indirect_cascade_is_not_rolled_up_but_shows_its_children(office):
    year = office.map.plan_year
    kasi = services.create_contract(employee=office.kasi, plan_year=year, by=office.manager)
    entry = services.cascade_to(
        parent=office.kpi_pct,
        contract=kasi,
        mode=CascadeMode.INDIRECT,
        by=office.manager,
        code="IKI-9",
        trajectory=[D(96)] * 4,
        fields={
            "name_id": "Indeks kepuasan",
            "polarity": "max",
            "validity": "exact",
            "controllability": "moderate",
            "consolidation": "last",
            "frequency": "quarterly",
            "target": D(96),
            "evidence_required": False,
            **b.MANUAL,
        },
    )
    sign(kasi, office)
    q1 = period(office, "2026-Q1")
    submitted(Kpi.all_kpis.get(pk=entry.kpi_id), q1, 97, office, office.kasi)
    assert rollup.recompute_parents([entry.kpi.pk], [q1.pk]) == 0
    office.kpi_pct.refresh_from_db()
    assert not office.kpi_pct.rolled_up
    assert not Realization.objects.filter(kpi=office.kpi_pct).exists()
    found = rollup.roll_up_kpi(office.kpi_pct, q1)
    assert found.result is None and found.mode == CascadeMode.INDIRECT
    assert [(c.kpi.code, c.realization.value) for c in rollup.children_of(office.kpi_pct, q1)] == [
        ("IKI-9", D(97))
    ]
