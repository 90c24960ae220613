"""The committed OpenAPI schema (src/kinerja/api/schema.yml) matches the code, and generates without warnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

import kinerja.api

COMMITTED = Path(kinerja.api.__file__).resolve().parent / "schema.yml"


@pytest.mark.django_db
def test_the_committed_schema_is_current(tmp_path):
    generated = tmp_path / "schema.yml"
    # Indonesian is the source language of every label, as `make schema` writes it.
    with translation.override("id"):
        call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    expected = generated.read_text(encoding="utf-8")
    committed = COMMITTED.read_text(encoding="utf-8") if COMMITTED.exists() else ""
    assert committed == expected, (
        "src/kinerja/api/schema.yml differs from the API in the code: run `make schema` and commit the result."
    )


@pytest.mark.django_db
def test_the_schema_is_served(client, django_user_model):
    assert client.get("/api/schema/").status_code in (401, 403)  # for signed-in users and tokens only
    client.force_login(django_user_model.objects.create_user("pembaca.api"))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/employees/{nip}/" in response.content


def test_every_operation_documents_its_error_answers():
    import yaml

    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            codes = set(operation["responses"])
            assert {"400", "401", "403", "404", "429"} <= codes, (method, path, codes)
            if method in {"post", "put", "patch", "delete"}:
                assert "409" in codes, (method, path)
    imported = schema["paths"]["/api/realization-imports/"]["post"]["responses"]["400"]
    assert imported["content"]["application/json"]["schema"] == {
        "anyOf": [
            {"$ref": "#/components/schemas/ImportFailure"},
            {"$ref": "#/components/schemas/ValidationError"},
        ]
    }
