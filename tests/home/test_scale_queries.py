"""The home page costs what it shows (issue 16 item 2): the same number of queries for two maps of five KPIs
as for eight maps of twenty, and at both sizes the figures the old per-KPI loops gave (checked against
brute-force answers: `tests.reporting.scale`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kinerja.dashboards import selectors as dashboards
from kinerja.home.selectors import DUE_SHOWN
from tests.reporting.scale import TODAY, expected_due, expected_waiting, grow

pytestmark = pytest.mark.django_db

HOME_BUDGET = 21
"""The home page's queries for any user at any size: session and user (2), the user's roles (1), the
notification bell (1), units, map owners and employees counted (3), the top units (2) and roles listed (1),
the maps in reach with their data versions (1), what is due: the open periods with the IKIs due (1) and its
first five: their keys, KPIs and drafts (3), to verify and to approve: the open periods with the user's own and
the IKI rows (1), the completeness count's year and periods (2), the overdue follow-ups (1) — 18 — and the
figures kept per map counted again for the maps changed since the last request (what is due, what waits, the
completeness figures: up to 3, none when nothing changed)."""


@pytest.fixture
def today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def admin(make_user: Any) -> Any:
    return make_user(None, is_superuser=True, is_staff=True)


def _home(client: Any, user: Any) -> tuple[Any, int]:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/")
    assert page.status_code == 200
    return page, len(queries.captured_queries)


def _check(page: Any, user: Any) -> None:
    """The page's work queue against the brute-force answers and the completeness report itself."""
    due = expected_due(user)
    context = page.context
    assert context["due_count"] == len(due)
    assert context["overdue_count"] == sum(overdue for *_, overdue in due)
    shown = [(i.kpi.pk, i.period.pk, i.overdue) for i in context["due_items"]]
    assert shown == due[:DUE_SHOWN]
    assert context["to_verify"] == len(expected_waiting(user, "verify"))
    assert context["to_approve"] == len(expected_waiting(user, "approve"))
    report = dashboards.completeness(user, today=TODAY)
    assert report is not None and report.period is not None
    assert context["incomplete_period"] == report.period
    assert context["incomplete_count"] == report.missing
    html = page.content.decode()
    for item in context["due_items"]:
        assert f"{item.kpi.code} {item.kpi.name}" in html
    if any(overdue for *_, overdue in due[:DUE_SHOWN]):
        assert "terlambat" in html


def test_the_home_page_costs_the_same_for_two_maps_as_for_eight(
    client: Any, world: Any, org: Any, admin: Any, today: None, django_assert_max_num_queries: Any
) -> None:
    users = {
        "admin": admin,
        "ministry manager": world.mko,
        "KPP-A manager": world.manager,
        "leader": world.leader,
    }
    grow(world, org, maps=2, kpis=5)
    small: dict[str, int] = {}
    figures: dict[str, tuple[int, int, int]] = {}
    for name, user in users.items():
        page, small[name] = _home(client, user)
        _check(page, user)
        figures[name] = (page.context["due_count"], page.context["to_verify"], page.context["to_approve"])
    assert figures["admin"][0] > DUE_SHOWN and figures["ministry manager"][1] > 0

    grow(world, org, maps=6, kpis=20)
    for name, user in users.items():
        client.force_login(user)
        with django_assert_max_num_queries(HOME_BUDGET) as large:
            page = client.get("/")
        assert len(large.captured_queries) == small[name], name
        _check(page, user)
    # a unit sees its own subtree: KPP-A's people see nothing of the new maps under KANWIL
    for name in ("KPP-A manager", "leader"):
        page, _count = _home(client, users[name])
        assert (page.context["due_count"], page.context["to_verify"], page.context["to_approve"]) == figures[
            name
        ]
    page, _count = _home(client, world.mko)
    assert page.context["due_count"] > figures["ministry manager"][0]


def test_an_overdue_item_is_marked_and_the_count_links_to_the_whole_list(
    client: Any, world: Any, org: Any, admin: Any, today: None
) -> None:
    grow(world, org, maps=1, kpis=4)
    page, _count = _home(client, admin)
    assert page.context["overdue_count"] > 0
    first = page.context["due_items"][0]
    assert first.overdue and first.period.due_date < TODAY  # the oldest due first
    html = page.content.decode()
    assert 'href="/capaian/"' in html and "?menunggu=verifikasi" in html
