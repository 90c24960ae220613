"""The reporting queue and the verification queues cost what they show (issue 16 item 2): each list is counted
and read 50 rows a page in the database, with the same number of queries for two maps of five KPIs as for
eight maps of twenty; what they list is what the old loops listed (`tests.reporting.scale`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.planning.models import Kpi
from kinerja.reporting import selectors
from kinerja.reporting.models import PeriodState, Realization, RealizationState, ReportingPeriod
from kinerja.reporting.views import PER_PAGE

from .scale import TODAY, expected_due, expected_waiting, grow

pytestmark = pytest.mark.django_db

INDEX_BUDGET = 16
"""/capaian/: session and user (2), roles (1), the bell (1), the maps in reach with their data versions (1),
what is due: the open periods with the IKIs due (1) and its page: keys, KPIs and drafts (3), to verify and to
approve: the open periods with the user's own and the IKI rows (1) and a page each (2), the maps counted and
paged (2) — 14 — and the figures kept per map counted again for the maps changed since the last request
(what is due, what waits: up to 2)."""
WAITING_BUDGET = 8
"""/capaian/?menunggu=…: session, user, roles (not for a superuser), the bell, the maps in reach with their data
versions, the open periods with the user's own and the IKI rows, the page — 7 — and the kept counts of the
maps changed since the last request (one more; the list counted and paged was 2 queries before the counts were
kept per map, 6 in all, but those 2 read every realization waiting in reach)."""
URLS = ("/capaian/", "/capaian/?menunggu=verifikasi", "/capaian/?menunggu=persetujuan")


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user(None, is_superuser=True, is_staff=True)


def _get(client: Any, url: str) -> tuple[Any, int]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url)
    assert page.status_code == 200
    return page, len(queries.captured_queries)


def _check(page: Any, user: Any, url: str) -> None:
    context = page.context
    if "menunggu" not in url:
        due = expected_due(user)
        assert [(i.kpi.pk, i.period.pk, i.overdue) for i in context["due"]] == due[:PER_PAGE]
        assert context["due_page"].paginator.count == len(due)
    if url.endswith("persetujuan"):
        assert context["to_verify"] == []
    else:
        waiting = expected_waiting(user, "verify")
        assert [r.pk for r in context["to_verify"]] == waiting[:PER_PAGE]
        assert context["to_verify_page"].paginator.count == len(waiting)
    if not url.endswith("verifikasi"):
        waiting = expected_waiting(user, "approve")
        assert [r.pk for r in context["to_approve"]] == waiting[:PER_PAGE]


def test_the_reporting_queues_cost_the_same_for_two_maps_as_for_eight(
    client: Any, world: Any, org: Any, admin: Any, today: None, django_assert_max_num_queries: Any
) -> None:
    users = {"admin": admin, "ministry manager": world.mko, "KPP-A leader": world.leader}
    grow(world, org, maps=2, kpis=5)
    small: dict[tuple[str, str], int] = {}
    for name, user in users.items():
        client.force_login(user)
        for url in URLS:
            page, small[(name, url)] = _get(client, url)
            _check(page, user, url)

    grow(world, org, maps=6, kpis=20)
    for name, user in users.items():
        client.force_login(user)
        for url in URLS:
            budget = WAITING_BUDGET if "menunggu" in url else INDEX_BUDGET
            with django_assert_max_num_queries(budget) as large:
                page = client.get(url)
            assert len(large.captured_queries) == small[(name, url)], (name, url)
            _check(page, user, url)
    assert len(expected_due(admin)) > PER_PAGE  # the large set needs more than one page


def test_a_long_verification_queue_is_paged_fifty_at_a_time(
    client: Any, world: Any, org: Any, today: None
) -> None:
    grow(world, org, maps=6, kpis=20)
    waiting = expected_waiting(world.mko, "verify")
    assert len(waiting) > PER_PAGE
    client.force_login(world.mko)
    first, _count = _get(client, "/capaian/?menunggu=verifikasi")
    assert [r.pk for r in first.context["to_verify"]] == waiting[:PER_PAGE]
    html = first.content.decode()
    pages = first.context["to_verify_page"].paginator.num_pages
    assert f"Halaman 1 dari {pages}" in html
    assert "?menunggu=verifikasi&amp;halaman_verifikasi=2" in html
    second, _count = _get(client, "/capaian/?menunggu=verifikasi&halaman_verifikasi=2")
    assert [r.pk for r in second.context["to_verify"]] == waiting[PER_PAGE : 2 * PER_PAGE]
    seen: list[int] = []
    for number in range(1, pages + 1):
        page, _count = _get(client, f"/capaian/?menunggu=verifikasi&halaman_verifikasi={number}")
        seen.extend(r.pk for r in page.context["to_verify"])
    assert seen == waiting


def test_the_due_list_pages_through_everything_due_in_order(
    client: Any, world: Any, org: Any, admin: Any, today: None
) -> None:
    grow(world, org, maps=3, kpis=12)
    due = expected_due(admin)
    assert len(due) > PER_PAGE
    client.force_login(admin)
    page, _count = _get(client, "/capaian/")
    pages = page.context["due_page"].paginator.num_pages
    seen: list[tuple[int, int, bool]] = []
    for number in range(1, pages + 1):
        page, _count = _get(client, f"/capaian/?halaman={number}")
        seen.extend((i.kpi.pk, i.period.pk, i.overdue) for i in page.context["due"])
    assert seen == due
    html = page.content.decode()
    assert "terlambat" in html and "belum diisi" in html


@pytest.mark.parametrize("separation", [True, False])
def test_waiting_rows_are_exactly_what_the_workflow_allows(
    world: Any, org: Any, admin: Any, today: None, settings: Any, separation: bool
) -> None:
    """The database filter of `awaiting_rows` against the workflow asked row by row, with the cases its
    guards refuse: a closed period, a rolled-up KPI, the submitter, the verifier, another unit."""
    settings.KINERJA_SEPARATION_OF_DUTIES = separation
    grow(world, org, maps=2, kpis=8)
    january = ReportingPeriod.objects.get(plan_year=world.year, frequency="monthly", number=1)
    ReportingPeriod.objects.filter(pk=january.pk).update(state=PeriodState.CLOSED)
    rolled = Realization.objects.filter(state=RealizationState.SUBMITTED).exclude(period=january).first()
    assert rolled is not None
    Kpi.all_kpis.filter(pk=rolled.kpi_id).update(rolled_up=True)
    # the KPP-A manager verifies what they submitted themselves and approves a row they verified
    Realization.objects.filter(kpi__objective__map=world.map).delete()
    for kpi in (world.quarterly, world.monthly):
        period = ReportingPeriod.objects.get(plan_year=world.year, frequency=kpi.frequency, number=2)
        Realization.objects.create(
            kpi=kpi,
            period=period,
            value=1,
            state=RealizationState.VERIFIED,
            submitted_by=world.employee,
            verified_by=world.manager,
        )
    period = ReportingPeriod.objects.get(plan_year=world.year, frequency="monthly", number=3)
    Realization.objects.create(
        kpi=world.monthly,
        period=period,
        value=1,
        state=RealizationState.SUBMITTED,
        submitted_by=world.manager,
    )
    for user in (
        admin,
        world.mko,
        world.manager,
        world.manager2,
        world.leader,
        world.outsider,
        world.employee,
    ):
        for step in ("verify", "approve"):
            found = [r.pk for r in selectors.awaiting_rows(user, step)]
            assert found == expected_waiting(user, step), (user.username, step)
    assert rolled.pk not in [r.pk for r in selectors.awaiting_rows(admin, "verify")]
    assert selectors.awaiting_rows(world.manager, "verify").count() == 0
