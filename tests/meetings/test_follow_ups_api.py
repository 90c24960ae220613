"""The actions API (issue 14 items 2, 10): what a user lists and reads, the filters, and the change of state."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kinerja.meetings.models import Action, ActionState
from tests.meetings.test_follow_ups import (
    FU,
    action,
    fu_fixture,  # noqa: F401  (the fixture `fu`)
    pdf,
)
from tests.reporting.conftest import world as reporting_world  # noqa: F401  (the fixture `world`)

pytestmark = pytest.mark.django_db
LIST = "/api/actions/"


def ago(n: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=n)


def client_of(user: Any) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.fixture
def actions(fu: FU, org: Any) -> dict[str, Action]:
    return {
        "late": action(fu.unit, "Terlambat", owner=fu.owner, due_date=ago(3), meeting=fu.origin),
        "below": action(org.section_a, "Di seksi", owner=fu.colleague, due_date=ago(-3), state="in_progress"),
        "nobody": action(fu.unit, "Tanpa penanggung jawab"),
        "other": action(org.kpp_b, "Unit lain milik Rina", owner=fu.owner, due_date=ago(1)),
        "elsewhere": action(org.djbc, "Unit lain"),
    }


def test_a_manager_lists_the_subtree_and_filters(fu: FU, actions: dict[str, Action], org: Any) -> None:
    api = client_of(fu.world.manager)
    a = {k: v.pk for k, v in actions.items()}
    assert ids(api.get(LIST)) == {a["late"], a["below"], a["nobody"]}
    assert ids(api.get(LIST, {"unit": "SEKSI-A"})) == {a["below"]}
    assert ids(api.get(LIST, {"unit": "KPP-A"})) == {a["late"], a["below"], a["nobody"]}
    assert ids(api.get(LIST, {"unit": "TIDAK-ADA"})) == set()
    assert ids(api.get(LIST, {"state": "in_progress"})) == {a["below"]}
    assert ids(api.get(LIST, {"owner": fu.owner.nip})) == {a["late"]}
    assert ids(api.get(LIST, {"overdue": "true"})) == {a["late"]}
    assert ids(api.get(LIST, {"overdue": "false"})) == {a["below"], a["nobody"]}
    assert api.get(LIST, {"state": "selesai"}).status_code == 400


def test_a_row_says_what_the_matrix_says(fu: FU, actions: dict[str, Action]) -> None:
    row = client_of(fu.world.leader).get(f"{LIST}{actions['late'].pk}/").json()
    assert row["unit"] == "KPP-A" and row["owner"] == fu.owner.nip and row["owner_name"] == "Rina Marlina"
    assert row["state"] == "open" and row["overdue"] is True and row["warnings"] == ["overdue"]
    assert row["meeting_title"] == "Dialog Kinerja Januari 2026" and row["carried_over"] == 0
    assert row["has_evidence"] is False
    nobody = client_of(fu.world.leader).get(f"{LIST}{actions['nobody'].pk}/").json()
    assert nobody["warnings"] == ["no_owner", "no_due_date"] and nobody["owner"] is None


def test_an_owner_lists_their_own_only(fu: FU, actions: dict[str, Action]) -> None:
    api = client_of(fu.owner_user)
    assert ids(api.get(LIST)) == {actions["late"].pk, actions["other"].pk}
    assert api.get(f"{LIST}{actions['other'].pk}/").status_code == 200
    assert api.get(f"{LIST}{actions['nobody'].pk}/").status_code == 404


def test_outside_the_reach_is_404(fu: FU, actions: dict[str, Action]) -> None:
    api = client_of(fu.world.outsider)  # a manager of KPP-B
    assert ids(api.get(LIST)) == {actions["other"].pk}
    for key in ("late", "elsewhere"):
        assert api.get(f"{LIST}{actions[key].pk}/").status_code == 404
        assert api.post(f"{LIST}{actions[key].pk}/state/", {"state": "in_progress"}).status_code == 404
    assert APIClient().get(LIST).status_code in (401, 403)


def test_the_owner_marks_done_with_evidence(fu: FU, actions: dict[str, Action]) -> None:
    api = client_of(fu.owner_user)
    url = f"{LIST}{actions['late'].pk}/state/"
    refused = api.post(url, {"state": "done"}, format="json")
    assert refused.status_code == 400 and "evidence" in refused.json()
    done = api.post(url, {"state": "done", "evidence": pdf("laporan.pdf")}, format="multipart")
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "done" and done.json()["has_evidence"] is True
    assert done.json()["overdue"] is False and done.json()["warnings"] == []
    again = api.post(url, {"state": "in_progress"}, format="json")
    assert again.status_code == 400 and "state" in again.json()
    assert Action.objects.get(pk=actions["late"].pk).state == ActionState.DONE


def test_dropping_needs_a_reason_and_an_auditor_may_not(fu: FU, actions: dict[str, Action]) -> None:
    url = f"{LIST}{actions['nobody'].pk}/state/"
    assert (
        client_of(fu.world.auditor).post(url, {"state": "dropped", "reason": "x"}, format="json").status_code
        == 403
    )
    api = client_of(fu.world.leader)
    refused = api.post(url, {"state": "dropped"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    dropped = api.post(url, {"state": "dropped", "reason": "Sudah tercakup inisiatif lain"}, format="json")
    assert dropped.status_code == 200 and dropped.json()["drop_reason"] == "Sudah tercakup inisiatif lain"
    assert api.post(url, {"state": "bogus"}, format="json").status_code == 400
