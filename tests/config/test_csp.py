"""The Content-Security-Policy: scripts only from our own files, so injected markup runs nothing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

import kinerja

TEMPLATES = sorted(Path(kinerja.__file__).parent.rglob("templates/**/*.html"))
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["accounts:login", "healthz"])
def test_every_response_carries_the_policy(client, name):
    policy = _directives(client.get(reverse(name))["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert all("'unsafe-eval'" not in sources for sources in policy.values())
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    "template", TEMPLATES, ids=lambda p: str(p.relative_to(Path(kinerja.__file__).parent))
)
def test_no_template_holds_an_inline_script_or_handler(template):
    text = template.read_text()
    assert not INLINE_HANDLER.search(text), "an inline event handler: use a data attribute and kinerja.js"
    for attributes in SCRIPT_TAG.findall(text):
        assert "src=" in attributes or 'type="application/json"' in attributes, (
            "an inline <script>: move it to a static file"
        )
