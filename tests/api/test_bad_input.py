"""Bad input is a 400 with a message (a 404 for a page address), never a server error (issue 11 item 7)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from tests.reporting.conftest import world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 29  # 30 digits: beyond any database integer


@pytest.fixture
def api(world):  # noqa: F811
    client = APIClient(raise_request_exception=False)
    client.force_login(world.manager)
    return client


def test_deeply_nested_json_is_a_400(api):
    response = api.post("/api/realizations/", "[" * 50_000, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        f"/api/realizations/?kpi={HUGE}",
        f"/api/realizations/?period={HUGE}",
        f"/api/realizations/?map={HUGE}",
        f"/api/scorecards/?map={HUGE}",
        f"/api/scorecards/latest/?map={HUGE}&period=2026-Q1",
        f"/api/scorecards/latest/?map=1&period={HUGE}",
        f"/api/objectives/?map={HUGE}",
        f"/api/kpis/?objective={HUGE}",
        f"/api/reporting-periods/?year={HUGE}",
    ],
)
def test_a_huge_id_in_a_query_string_is_a_400_or_an_empty_answer(api, url):
    response = api.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code, response.content[:300])
    if response.status_code == 400:
        assert response.json()  # a message naming the parameter


@pytest.mark.parametrize("param", ["kpi", "period", "map"])
def test_a_huge_id_filter_names_the_limit(api, param):
    response = api.get(f"/api/realizations/?{param}={HUGE}")
    assert response.status_code == 400
    assert param in response.json()


@pytest.mark.parametrize(
    "url",
    [f"/api/realizations/{HUGE}/", f"/api/kpis/{HUGE}/", f"/api/units/{HUGE}/", f"/api/objectives/{HUGE}/"],
)
def test_a_huge_id_in_an_api_path_is_a_404(api, url):
    response = api.get(url)
    assert response.status_code == 404, (url, response.status_code, response.content[:300])


@pytest.mark.parametrize("path", ["bulk-submit", "bulk-verify", "bulk-approve"])
def test_a_huge_id_in_a_bulk_body_is_a_400(api, path):
    response = api.post(f"/api/realizations/{path}/", {"ids": [int(HUGE)]}, format="json")
    assert response.status_code == 400, response.content
    assert "ids" in response.json()


def test_a_huge_id_in_a_create_body_is_a_400(api):
    response = api.post(
        "/api/realizations/", {"kpi": int(HUGE), "period": int(HUGE), "value": 1}, format="json"
    )
    assert response.status_code == 400, response.content


def test_an_import_csv_with_unknown_headers_is_a_400_naming_them(api, world):  # noqa: F811
    upload = SimpleUploadedFile("realisasi.csv", b"foo,bar\n1,2\n", content_type="text/csv")
    response = api.post(
        "/api/realization-imports/", {"file": upload, "map": world.map.pk}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert response.json()["errors"]


@pytest.mark.parametrize("target", ["-Infinity", "Infinity", "NaN", "nan", "-inf", "1e999999"])
def test_the_trajectory_helper_refuses_non_finite_targets(client, world, target):  # noqa: F811
    client.force_login(world.manager)
    client.raise_request_exception = False
    response = client.get(
        "/iku/trajectory/", {"frequency": "quarterly", "consolidation": "sum", "target": target}
    )
    assert response.status_code == 200, response.status_code
    assert b'value=""' in response.content or b"value=" not in response.content  # no suggestion from it


def test_a_huge_id_in_any_page_path_is_a_404(client, django_user_model):
    """Every page route with an `<int:…>` part, as a superuser, with a 30-digit id: a 404, never a 500."""
    import re

    from django.urls import URLResolver, get_resolver

    def routes(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    client.raise_request_exception = False
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    answers = {}
    for route in routes(get_resolver().url_patterns):
        if "<int:" in route and not route.startswith("^"):
            url = "/" + re.sub(r"<[^>]+>", "x", re.sub(r"<int:\w+>", HUGE, route))
            answers[url] = client.get(url).status_code
    assert len(answers) > 20
    assert {url: code for url, code in answers.items() if code >= 500} == {}


def test_an_address_the_router_does_not_know_is_a_json_404(api):
    response = api.get("/api/kpis/0.5/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json() == {
        "detail": "Tidak ditemukan."
    }


@pytest.mark.parametrize("target", ["-Infinity", "Infinity", "NaN", "sNaN"])
def test_suggested_trajectory_of_a_non_finite_target_is_empty(target):
    from decimal import Decimal

    from kinerja.planning.kpi_selectors import suggested_trajectory

    assert suggested_trajectory(frequency="quarterly", consolidation="sum", target=Decimal(target)) == []
