"""The dialogues API: schedule, read with participants and agenda, change while open, close, minutes PDF."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kinerja.meetings.models import Attendance, MeetingState

from .builders import Office

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_schedule_read_change_close_and_minutes(office: Office) -> None:
    leader = api(office.leader)
    body = {
        "unit": "KPP-A",
        "period": "2026-09",
        "starts_at": "2026-10-15T09:00:00+07:00",
        "chair": office.head.nip,
        "secretary": office.secretary.nip,
        "participants": [office.member.nip],
    }
    created = leader.post("/api/meetings/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    assert {p["nip"] for p in data["participants"]} == {
        office.head.nip,
        office.secretary.nip,
        office.member.nip,
    }
    assert any(i["kind"] == "red_kpi" and i["kpi"] == "S1.1" for i in data["agenda"])
    pk = data["id"]
    assert leader.post("/api/meetings/", body, format="json").status_code == 400  # the same period again
    assert (
        api(office.member.user)
        .post("/api/meetings/", {**body, "period": "2026-10"}, format="json")
        .status_code
        == 403
    )
    changed = leader.patch(f"/api/meetings/{pk}/", {"place": "Aula Lantai 5"}, format="json")
    assert changed.status_code == 200 and changed.json()["place"] == "Aula Lantai 5"
    assert api(office.stranger).get(f"/api/meetings/{pk}/").status_code == 404
    assert api(office.auditor).get(f"/api/meetings/{pk}/").status_code == 200
    refused = leader.post(f"/api/meetings/{pk}/close/")
    assert refused.status_code == 400  # attendance not recorded
    from kinerja.meetings.models import Participant

    Participant.objects.filter(meeting_id=pk).update(attendance=Attendance.PRESENT)
    closed = leader.post(f"/api/meetings/{pk}/close/")
    assert closed.status_code == 200 and closed.json()["state"] == MeetingState.CLOSED
    assert leader.patch(f"/api/meetings/{pk}/", {"place": "lain"}, format="json").status_code == 400
    pdf = api(office.member.user).get(f"/api/meetings/{pk}/minutes/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
