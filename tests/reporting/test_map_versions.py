"""Per-map data versions (`kinerja.reporting.versions`) and the figures kept under them (issue 16 item 2).

Two promises: every kind of write to a map's realizations, KPIs, objectives or the map row changes that
map's version (and no other map's), whoever makes it — a service, a bulk step, `QuerySet.update`,
`bulk_create`, `bulk_update`, a deletion cascade, raw SQL; and after each such write the figures the
pages read from the cache (the completeness figures, the count of missing KPIs, what is due, what waits
for verification and approval) equal a fresh recount with an empty cache, and the brute-force answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection

from kinerja.planning.models import Kpi, MapState, Objective, StrategyMap
from kinerja.reporting import selectors, services, versions
from kinerja.reporting.figures import map_figures
from kinerja.reporting.models import MapDataVersion, Realization, RealizationState, ReportingPeriod

from .conftest import enter, pdf
from .scale import TODAY, expected_due, expected_waiting, grow

pytestmark = pytest.mark.django_db


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user(None, is_superuser=True, is_staff=True)


def _versions() -> dict[int, int]:
    return dict(MapDataVersion.objects.values_list("map_id", "version"))


def _changed(write: Callable[[], object]) -> set[int]:
    before = _versions()
    write()
    after = _versions()
    return {pk for pk in set(before) | set(after) if before.get(pk) != after.get(pk)}


def _realization(world: Any, kpi: Kpi, label: str, state: str = RealizationState.DRAFT) -> Realization:
    return Realization(
        kpi=kpi, period=world.period(label), value=Decimal(7), state=state, created_by=world.employee
    )


def test_every_kind_of_write_changes_its_maps_version_and_no_other(world: Any, make_user: Any) -> None:
    mine, other = world.map.pk, world.other_map.pk
    monthly = world.monthly
    january = Realization.objects.none()

    def service_entry() -> None:
        nonlocal january
        january = enter(world, monthly, "2026-01", "10")

    assert _changed(service_entry) == {mine}

    def service_steps() -> None:
        services.add_evidence(realization=january, upload=pdf(), by=world.employee)
        services.submit_realization(realization=january, by=world.employee)

    assert _changed(service_steps) == {mine}
    january.refresh_from_db()
    assert _changed(
        lambda: services.bulk_step(realizations=[january], action="verify", by=world.manager)
    ) == {mine}
    assert _changed(lambda: Realization.objects.bulk_create([_realization(world, monthly, "2026-02")])) == {
        mine
    }
    assert _changed(lambda: Realization.objects.filter(kpi=monthly).update(value=Decimal(3))) == {mine}
    rows = list(Realization.objects.filter(kpi=monthly))
    for row in rows:
        row.value = Decimal(4)
    assert _changed(lambda: Realization.objects.bulk_update(rows, ["value"])) == {mine}

    def raw_sql() -> None:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE reporting_realization SET value = value WHERE kpi_id = %s", [monthly.pk])

    assert _changed(raw_sql) == {mine}
    assert _changed(lambda: Realization.objects.filter(kpi=monthly, period__number=2).delete()) == {mine}

    def kpi_changed() -> None:
        monthly.consolidation = "average"
        monthly.save()

    assert _changed(kpi_changed) == {mine}
    assert _changed(lambda: world.quarterly.delete()) == {mine}  # with its realizations (a cascade)
    moved = Objective.objects.filter(map=world.map).first()
    assert moved is not None

    def objective_moved() -> None:
        Objective.objects.filter(pk=moved.pk).update(map=world.other_map, code="MOVED")

    assert _changed(objective_moved) == {mine, other}  # its KPIs leave one map for the other
    assert _changed(lambda: StrategyMap.objects.filter(pk=other).update(state=MapState.REVISED)) == {other}
    assert _changed(lambda: None) == set()  # reading changes nothing


def test_rebuild_gives_every_map_a_new_version(world: Any) -> None:
    enter(world, world.monthly, "2026-01", "10")
    before = _versions()
    assert versions.bump_all() == StrategyMap.objects.count()
    after = _versions()
    assert set(after) == set(StrategyMap.objects.values_list("pk", flat=True))
    assert all(after[pk] != before.get(pk) for pk in after)


def _read(user: Any) -> dict[str, Any]:
    """Every figure kept per map, as the pages read them (through the cache)."""
    maps = selectors.maps_in_reach(user)
    period = ReportingPeriod.objects.get(plan_year__year=2026, frequency="monthly", number=6)
    periods = list(ReportingPeriod.objects.filter(plan_year_id=period.plan_year_id))
    due = selectors.due_list(user, today=TODAY, maps=maps)
    waiting = selectors.waiting_lists(user, ("verify", "approve"), maps)
    return {
        "figures": map_figures(selectors.reporting_maps_for(user, 2026), period, periods),
        "missing": selectors.missing_count(maps, period, periods),
        "due": due.counts(),
        "due items": [(i.kpi.pk, i.period.pk, i.overdue) for i in due.items(0, None)],
        "due window": [(i.kpi.pk, i.period.pk) for i in due.items(7, 19)],
        "verify": [r.pk for r in waiting["verify"][0:1000]],
        "verify count": waiting["verify"].count(),
        "approve": [r.pk for r in waiting["approve"][0:1000]],
        "approve window": [r.pk for r in waiting["approve"][3:9]],
    }


def _fresh(user: Any) -> dict[str, Any]:
    cache.clear()
    return _read(user)


def test_the_kept_figures_equal_a_fresh_recount_after_every_kind_of_write(
    world: Any, org: Any, admin: Any, today: None
) -> None:
    created = grow(world, org, maps=3, kpis=6)
    first = created[0]
    kpis = list(Kpi.objects.filter(objective__map=first).order_by("pk"))
    june = ReportingPeriod.objects.get(plan_year=world.year, frequency="monthly", number=6)
    users = (admin, world.mko)

    def new_realization() -> None:
        taken = set(Realization.objects.filter(period=june).values_list("kpi_id", flat=True))
        kpi = next(k for k in kpis if k.frequency == "monthly" and k.pk not in taken)
        Realization.objects.create(
            kpi=kpi,
            period=june,
            value=Decimal(5),
            state=RealizationState.SUBMITTED,
            created_by=world.employee,
        )

    def approve_some() -> None:
        Realization.objects.filter(kpi__objective__map=first, state=RealizationState.VERIFIED).update(
            state=RealizationState.APPROVED, approved_by=world.leader
        )

    def submit_drafts() -> None:
        Realization.objects.filter(kpi__objective__map=first, state=RealizationState.DRAFT).update(
            state=RealizationState.SUBMITTED, submitted_by=world.employee
        )

    def delete_some() -> None:
        Realization.objects.filter(kpi=kpis[0]).delete()

    def kpi_frequency() -> None:
        Kpi.objects.filter(pk=kpis[1].pk).update(frequency="quarterly")

    def kpi_deleted() -> None:
        Kpi.objects.filter(pk=kpis[2].pk).delete()

    def map_returned() -> None:
        StrategyMap.objects.filter(pk=created[1].pk).update(state=MapState.DRAFT)

    writes: list[tuple[str, Callable[[], None]]] = [
        ("a realization entered", new_realization),
        ("realizations approved", approve_some),
        ("drafts submitted", submit_drafts),
        ("realizations deleted", delete_some),
        ("a KPI's frequency changed", kpi_frequency),
        ("a KPI deleted", kpi_deleted),
        ("a map returned to draft", map_returned),
    ]
    for name, write in writes:
        before = {user.pk: _read(user) for user in users}  # kept in the cache
        write()
        for user in users:
            kept = _read(user)
            fresh = _fresh(user)
            assert kept == fresh, (name, user)
            assert kept["due items"] == expected_due(user), (name, user)
            assert kept["verify"] == expected_waiting(user, "verify"), (name, user)
            assert kept["approve"] == expected_waiting(user, "approve"), (name, user)
            _read(user)  # keep the fresh figures for the next write
        assert any(before[user.pk] != _read(user) for user in users), name  # the write changed something


def test_a_day_later_what_is_due_is_counted_again(world: Any, org: Any, admin: Any) -> None:
    grow(world, org, maps=1, kpis=4)
    maps = selectors.maps_in_reach(admin)
    early = dt.date(2026, 7, 31)
    assert selectors.due_list(admin, today=early, maps=maps).counts()[0] == len(expected_due(admin, early))
    later = dt.date(2026, 8, 5)  # July ended: its KPIs are due too, though no map changed
    assert selectors.due_list(admin, today=later, maps=maps).counts()[0] == len(expected_due(admin, later))
    assert len(expected_due(admin, later)) > len(expected_due(admin, early))


def test_the_rebuild_command_renews_every_version(world: Any) -> None:
    from io import StringIO

    from django.core.management import call_command

    before = _versions()
    out = StringIO()
    call_command("rebuild_map_versions", stdout=out)
    after = _versions()
    assert set(after) == set(StrategyMap.objects.values_list("pk", flat=True))
    assert all(after[pk] != before.get(pk) for pk in after)
    assert str(StrategyMap.objects.count()) in out.getvalue()
    assert _changed(lambda: enter(world, world.monthly, "2026-01", "10")) == {
        world.map.pk
    }  # triggers still on
