"""schemathesis against the committed schema (src/kinerja/api/schema.yml), through the WSGI application (no
server), as an administrator and as a unit's performance manager: no server error, and every answer — its
status code, content type and body — as the schema says (issue 11, "schemathesis in CI").

Each operation runs with a bounded number of generated cases per role (`MAX_EXAMPLES`), so the whole file
stays within about two minutes on two cores; `-m "not schemathesis"` leaves it out of a quick local run.
Operations taking a file (multipart uploads: evidence, realization imports) are generated too: their file
parts are arbitrary bytes, which the content checks refuse with a 400.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import translation
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import kinerja.api
from kinerja.accounts.models import Role
from kinerja.reporting import services
from tests.reporting.conftest import enter, pdf, world  # noqa: F401  (world: a map, KPIs, periods, users)

pytestmark = [pytest.mark.django_db, pytest.mark.schemathesis]

MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COMMITTED = Path(kinerja.api.__file__).resolve().parent / "schema.yml"

schema = schemathesis.openapi.from_path(COMMITTED)
# Not fuzzed: the schema and its documentation pages (not part of the API), the token endpoint (a password
# guesser by design; throttled, and tested in tests/api/test_auth.py).
schema = schema.exclude(path_regex=r"^/api/(schema|docs|auth/token)/")
# Example-based and random cases; the coverage phase (every boundary of every parameter) would take ten
# times longer.
schema.config.phases.update(phases=["examples", "fuzzing"])
CASES = {"count": 0}


@pytest.fixture
def wsgi_app():
    # As Django's test client does: keep the test's database connection (and its transaction) open
    # across requests.
    # The language a request activates (LocaleMiddleware, from a generated Accept-Language) stays with
    # the thread: put the test's back afterwards.
    language = translation.get_language()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        translation.activate(language)


@pytest.fixture(params=["admin", "manager"])
def token(request, world, django_user_model):  # noqa: F811
    # something in every list: a draft realization with evidence, a submitted one, a score snapshot
    draft = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=draft, upload=pdf(), by=world.employee)
    submitted = enter(world, world.quarterly, "2026-Q2", "95")
    services.add_evidence(realization=submitted, upload=pdf(), by=world.employee)
    services.submit_realization(realization=submitted, by=world.employee)
    services.compute_scorecard(strategy_map=world.map, period=world.period("2026-Q1"), trigger="api")
    if request.param == "admin":
        user = django_user_model.objects.create_superuser("admin.api", "admin@kemenkeu.example", "x")
    else:
        user = world.manager
        assert user.roles.filter(role=Role.MANAGER).exists()
    return Token.objects.get_or_create(user=user)[0].key


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_answers_as_its_schema_says(case, token, wsgi_app):
    CASES["count"] += 1
    case.call_and_validate(
        base_url="http://testserver",
        app=wsgi_app,
        headers={"Authorization": f"Token {token}"},
        checks=CHECKS,
    )


def test_zz_report_the_case_count():  # runs last in the file: the number of cases sent
    print(f"\nschemathesis: {CASES['count']} cases")
