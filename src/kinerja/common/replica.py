"""Reads from a PostgreSQL read replica for the pages that only summarise (dashboards, reports).

Active only when the settings define a `replica` database (DATABASE_REPLICA_URL); otherwise every query
goes to `default` as before. Nothing is routed to the replica by accident: reads go there only

- inside `replica_reads()` (a context manager, also a decorator), which a view enters — the middleware
  `ReplicaReadsMiddleware` enters it for GET/HEAD requests to the URL namespaces in
  KINERJA_REPLICA_NAMESPACES (the dashboards and the reports) —,
- for the models of the domain apps (organisation, planning, reporting, ...): sessions, users, roles,
  lockouts and the task queue always read the primary, so signing in and permissions never see lag,
- outside any transaction on the primary, and only until the first write in the same context: a page that
  writes something (a snapshot recomputed inline) reads its own write back from the primary.

Every write goes to `default`; migrations run only there (the replica is a copy of it).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

REPLICA = "replica"
PRIMARY = "default"
# the apps whose data the dashboards and reports summarise; anything else always reads the primary
REPLICA_APPS = frozenset(
    {
        "organisations",
        "planning",
        "reporting",
        "contracts",
        "appraisals",
        "meetings",
        "dashboards",
    }
)


class _State:
    __slots__ = ("wrote",)

    def __init__(self) -> None:
        self.wrote = False


_active: contextvars.ContextVar[_State | None] = contextvars.ContextVar("kinerja_replica_reads", default=None)


def replica_configured() -> bool:
    return REPLICA in connections.settings  # settings.DATABASES, as the connection handler read it


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within this block, reads of domain data go to the replica (when one is configured)."""
    token = _active.set(_State())
    try:
        yield
    finally:
        _active.reset(token)


def _in_transaction(alias: str) -> bool:
    """True inside a transaction the code opened (a test case's own wrapping transaction does not count)."""
    return any(not getattr(block, "_from_testcase", False) for block in connections[alias].atomic_blocks)


class ReplicaRouter:
    """The database router (settings.DATABASE_ROUTERS); see the module's docstring for the rules."""

    def db_for_read(self, model: type[Model], **hints: Any) -> str | None:
        state = _active.get()
        if state is None or state.wrote or not replica_configured():
            return None
        if model._meta.app_label not in REPLICA_APPS:
            return None
        if _in_transaction(PRIMARY):
            return None  # inside a transaction: read what the transaction sees
        return REPLICA

    def db_for_write(self, model: type[Model], **hints: Any) -> str | None:
        state = _active.get()
        if state is not None:
            state.wrote = True  # read your own writes: the rest of this context reads the primary
        return PRIMARY if replica_configured() else None

    def allow_relation(self, obj1: Model, obj2: Model, **hints: Any) -> bool | None:
        if replica_configured() and {obj1._state.db, obj2._state.db} <= {PRIMARY, REPLICA}:
            return True  # the same data: an object read from the replica may point to one from the primary
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if db == REPLICA:
            return False  # the replica follows the primary; it is never migrated itself
        return None


class ReplicaReadsMiddleware:
    """Enters `replica_reads()` for GET/HEAD requests to the namespaces in KINERJA_REPLICA_NAMESPACES."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and replica_configured() and self._summarising(request):
            with replica_reads():
                return self.get_response(request)
        return self.get_response(request)

    @staticmethod
    def _summarising(request: HttpRequest) -> bool:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        namespaces = set(getattr(settings, "KINERJA_REPLICA_NAMESPACES", ()))
        return bool(namespaces.intersection(match.namespaces))
