"""The rule-set page shows every parameter of both shipped rule sets with label and source."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from kinerja.scoring import RULE_SETS


@pytest.mark.django_db
def test_every_parameter_is_shown_with_its_source(client, org, make_user):
    client.force_login(make_user(org.kpp_a))
    page = client.get("/aturan-penilaian/")
    assert page.status_code == 200
    for code, rules in RULE_SETS.items():
        assert code in page.text
        for _name, param in rules.parameters():
            assert escape(param.label_id) in page.text
    assert "KMK 127/2026" in page.text


def test_the_page_needs_a_login(client, db):
    assert client.get("/aturan-penilaian/").status_code == 302
