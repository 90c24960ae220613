"""The read-replica router: dashboards and reports read the replica; everything else reads the primary.

A second SQLite database plays the replica: it holds one table (plan periods) with rows the primary does not
have, so where a query went shows in what it returns.
"""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test import RequestFactory
from django.urls import reverse

from kinerja.accounts.models import User
from kinerja.common import replica as replica_module
from kinerja.common.replica import REPLICA, ReplicaReadsMiddleware, ReplicaRouter, replica_reads
from kinerja.planning.models import PlanPeriod


@pytest.fixture(scope="module", autouse=True)
def replica_alias(tmp_path_factory, django_db_setup, django_db_blocker):
    """A `replica` alias (SQLite file) with a plan_period table holding two rows the primary lacks."""
    path = tmp_path_factory.mktemp("replica") / "replica.sqlite3"
    config = connections.configure_settings(
        {
            "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"},
            REPLICA: {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)},
        }
    )[REPLICA]
    connections.settings[REPLICA] = config
    try:
        with django_db_blocker.unblock():
            with connections[REPLICA].schema_editor() as editor:
                editor.create_model(PlanPeriod)
            PlanPeriod.objects.using(REPLICA).bulk_create(
                [
                    PlanPeriod(name="Replika 1", start_year=2020, end_year=2024),
                    PlanPeriod(name="Replika 2", start_year=2025, end_year=2029),
                ]
            )
            connections[REPLICA].close()
        yield
    finally:
        del connections.settings[REPLICA]
        if hasattr(connections._connections, REPLICA):
            connections[REPLICA].close()
            delattr(connections._connections, REPLICA)


replica_db = pytest.mark.django_db(databases=["default", REPLICA])


@pytest.fixture
def no_replica(db):
    config = connections.settings.pop(REPLICA)
    yield
    connections.settings[REPLICA] = config


def test_without_a_replica_everything_reads_the_primary(no_replica):
    with replica_reads():
        assert ReplicaRouter().db_for_read(PlanPeriod) is None
        assert PlanPeriod.objects.count() == 0


@replica_db
def test_reads_go_to_the_replica_only_inside_replica_reads():
    assert PlanPeriod.objects.count() == 0  # the primary
    with replica_reads():
        assert PlanPeriod.objects.count() == 2
        assert sorted(PlanPeriod.objects.values_list("name", flat=True)) == ["Replika 1", "Replika 2"]
    assert PlanPeriod.objects.count() == 0


@replica_db
def test_accounts_and_sessions_always_read_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(User) is None
        assert router.db_for_read(PlanPeriod) == REPLICA
        assert "accounts" not in replica_module.REPLICA_APPS


@replica_db
def test_a_transaction_reads_the_primary():
    with replica_reads(), transaction.atomic():
        assert PlanPeriod.objects.count() == 0


@replica_db
def test_after_a_write_the_context_reads_its_own_write_from_the_primary():
    with replica_reads():
        assert PlanPeriod.objects.count() == 2
        PlanPeriod.objects.create(name="Baru", start_year=2030, end_year=2034)  # to the primary
        assert list(PlanPeriod.objects.values_list("name", flat=True)) == ["Baru"]
    assert PlanPeriod.objects.using(REPLICA).count() == 2  # the write never went to the replica
    with replica_reads():  # a new request starts on the replica again
        assert PlanPeriod.objects.count() == 2


@replica_db
def test_writes_and_migrations_stay_on_the_primary():
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_write(PlanPeriod) == "default"
    assert router.allow_migrate(REPLICA, "planning") is False
    assert router.allow_migrate("default", "planning") is None


def _seen_by(path: str, method: str = "get") -> list[bool]:
    seen: list[bool] = []

    def view(request):
        seen.append(replica_module._active.get() is not None)
        return None

    ReplicaReadsMiddleware(view)(getattr(RequestFactory(), method)(path))
    return seen


@replica_db
def test_the_middleware_routes_dashboard_reads_only(settings):
    settings.KINERJA_REPLICA_NAMESPACES = ["dashboards"]
    assert _seen_by(reverse("dashboards:completeness")) == [True]
    assert _seen_by(reverse("dashboards:completeness"), "post") == [False]
    assert _seen_by(reverse("organisations:employee-list")) == [False]
    assert _seen_by("/no-such-page/") == [False]


def test_the_middleware_does_nothing_without_a_replica(no_replica):
    assert _seen_by(reverse("dashboards:completeness")) == [False]
