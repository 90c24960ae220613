"""The home page tells each user what waits for them (it reads the reporting selectors)."""

from __future__ import annotations

import pytest

from kinerja.reporting import services

from .conftest import enter, pdf

pytestmark = pytest.mark.django_db


def test_the_manager_sees_what_to_verify_and_the_leader_what_to_approve(client, world):
    realization = enter(world, world.quarterly, "2026-Q1", "90")
    services.add_evidence(realization=realization, upload=pdf(), by=world.employee)
    services.submit_realization(realization=realization, by=world.employee)
    client.force_login(world.manager)
    page = client.get("/")
    assert (page.context["to_verify"], page.context["to_approve"]) == (1, 0)
    services.verify_realization(realization=realization, by=world.manager)
    client.force_login(world.leader)
    page = client.get("/")
    assert (page.context["to_verify"], page.context["to_approve"]) == (0, 1)
    client.force_login(world.outsider)  # KPP-B's manager sees nothing of KPP-A
    page = client.get("/")
    assert (page.context["to_verify"], page.context["to_approve"]) == (0, 0)


def test_due_realizations_are_listed_at_most_five(client, world):
    client.force_login(world.employee)
    page = client.get("/")
    assert page.status_code == 200
    listed = page.context["due_items"]
    assert 0 < len(listed) <= 5 and page.context["due_count"] >= len(listed)
    assert {item.kpi.code for item in listed} <= {"S1.1", "C1.1"}
    assert "S1.1" in page.text or "C1.1" in page.text
