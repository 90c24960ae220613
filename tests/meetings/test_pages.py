"""The dialogue pages: who sees and does what, bounded queries, the minutes PDF (rendered to PNG and looked at)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kinerja.meetings import minutes, services
from kinerja.meetings.models import ActionState, AgendaKind, Attendance, MeetingState

from .builders import PDF, Office, at, post_data

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def closed_meeting(office: Office):
    meeting = services.schedule_meeting(
        unit=office.unit,
        period=office.september,
        starts_at=at("2026-10-15"),
        chair=office.head,
        secretary=office.secretary,
        participants=[office.member, office.kasi],
        place="Ruang Rapat Lantai 3",
        by=office.leader,
    )
    entries = {p.pk: (Attendance.PRESENT, "") for p in meeting.participants.all()}
    services.record_attendance(meeting=meeting, entries=entries, by=office.secretary.user)
    for item in meeting.agenda_items.all():
        services.record_minutes(
            item=item, discussion="Capaian dibahas bersama.", decision="Dipantau.", by=office.secretary.user
        )
    red = meeting.agenda_items.get(kind=AgendaKind.RED_KPI)
    for n in range(3):
        services.add_action(
            item=red,
            description=f"Tindak lanjut {n}",
            owner=office.kasi,
            due_date=dt.date(2026, 11, 1 + n),
            by=office.secretary.user,
        )
    return services.close_meeting(meeting=meeting, by=office.leader, now=at("2026-10-15", 12))


def test_index_and_detail_read_by_reach_and_participation(
    office: Office, django_assert_max_num_queries
) -> None:
    meeting = closed_meeting(office)
    for user in (office.leader, office.manager, office.auditor, office.member.user, office.kasi.user):
        client = client_for(user)
        assert client.get(reverse("meetings:index")).status_code == 200
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    assert client_for(office.stranger).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    assert (
        client_for(office.outsider.user).get(reverse("meetings:detail", args=[meeting.pk])).status_code == 404
    )
    # the section head reaches only his section, yet takes part: he sees it
    with translation.override("id"):
        body = client_for(office.kasi.user).get(reverse("meetings:index")).content.decode()
    assert meeting.title in body


def test_pages_cost_what_they_show(office: Office, django_assert_max_num_queries) -> None:
    meeting = closed_meeting(office)
    for n in range(6):
        services.schedule_meeting(
            unit=office.unit,
            period=office.october.plan_year.reporting_periods.get(frequency="monthly", number=n + 1),
            starts_at=at(f"2026-0{n + 1}-20"),
            chair=office.head,
            by=office.leader,
            propose=False,
            invite=False,
        )
    client = client_for(office.leader)
    client.get(reverse("meetings:index"))
    with django_assert_max_num_queries(14):
        assert client.get(reverse("meetings:index")).status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get(reverse("meetings:detail", args=[meeting.pk])).status_code == 200
    open_one = meeting.unit.meetings.filter(state=MeetingState.SCHEDULED).first()
    with django_assert_max_num_queries(30):
        assert client.get(reverse("meetings:detail", args=[open_one.pk])).status_code == 200


def test_closed_meeting_page_is_read_only_and_refuses_posts(office: Office) -> None:
    meeting = closed_meeting(office)
    item = meeting.agenda_items.first()
    client = client_for(office.leader)
    with translation.override("id"):
        body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert "Capaian dibahas bersama." in body and "Tindak lanjut 2" in body
    assert reverse("meetings:agenda-minutes", args=[item.pk]) not in body
    client.post(
        reverse("meetings:agenda-minutes", args=[item.pk]), {"discussion": "ubah", "decision": "ubah"}
    )
    item.refresh_from_db()
    assert item.discussion == "Capaian dibahas bersama."


def test_schedule_through_the_page(office: Office) -> None:
    client = client_for(office.leader)
    assert client.get(reverse("meetings:create")).status_code == 200
    response = client.post(reverse("meetings:create"), post_data(office, extra_nips=office.kasi.nip))
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting = office.unit.meetings.get()
    assert meeting.participants.count() == 4
    assert meeting.agenda_items.filter(kind=AgendaKind.RED_KPI, kpi=office.red).exists()
    bad = client.post(
        reverse("meetings:create"),
        {
            "unit": office.unit.pk,
            "period": office.september.pk,
            "starts_at": "2026-10-15T09:00",
            "chair": office.head.pk,
            "extra_nips": office.outsider.nip,
        },
    )
    assert bad.status_code == 400
    assert client_for(office.member.user).get(reverse("meetings:create")).status_code == 403


def test_action_page_owner_marks_done_with_evidence(office: Office) -> None:
    meeting = closed_meeting(office)
    action = meeting.actions.first()
    url = reverse("meetings:action-detail", args=[action.pk])
    # a colleague who neither owns the action nor leads or manages the unit does not see it (404)
    assert client_for(office.member.user).post(url, {"step": "start"}).status_code == 404
    owner = client_for(office.kasi.user)
    refused = owner.post(url, {"step": "done"})
    assert refused.status_code == 400
    action.refresh_from_db()
    assert action.state == ActionState.OPEN
    done = owner.post(
        url, {"step": "done", "note": "Selesai", "evidence": SimpleUploadedFile("laporan.pdf", PDF)}
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.state == ActionState.DONE
    page = owner.get(url)
    assert page.status_code == 200 and b"laporan.pdf" in page.content
    evidence = owner.get(reverse("meetings:action-evidence", args=[action.pk]))
    assert evidence.status_code == 200 and b"".join(evidence.streaming_content).startswith(b"%PDF")
    assert client_for(office.stranger).get(url).status_code == 404


def test_minutes_pdf_renders_pages(office: Office, tmp_path: Path) -> None:
    meeting = closed_meeting(office)
    response = client_for(office.member.user).get(reverse("meetings:minutes", args=[meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    with translation.override("id"):
        html = minutes.render_html(meeting)
    assert (
        "NOTULA DIALOG KINERJA ORGANISASI" in html
        and "Matriks tindak lanjut" in html
        and "KONSEP" not in html
    )
    target = tmp_path / "notula.pdf"
    target.write_bytes(response.content)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(target), str(tmp_path / "page")], check=True)
        pages = sorted(tmp_path.glob("page*.png"))
        assert len(pages) >= 1
        for png in pages:
            assert png.stat().st_size > 5000


def test_a_participant_is_linked_only_to_the_actions_and_schedule_that_open_for_them(office: Office) -> None:
    """The meeting page lists every action of its matrix to whoever takes part, but links only the actions the
    user may open (a participant without a reading role: their own) and the schedule only when they may read it."""
    import re

    meeting = closed_meeting(office)  # three actions owned by the section head (kasi), who takes part
    actions = list(meeting.actions.all())
    action_urls = {reverse("meetings:action-detail", args=[a.pk]) for a in actions}
    schedule_url = reverse("meetings:schedule", args=[office.unit.pk])
    linked_by_user = {}
    for user in (office.leader, office.manager, office.member.user, office.kasi.user):
        client = client_for(user)
        body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        for action in actions:
            assert action.description in body
        links = set(re.findall(r'href="([^"#?]+)"', body))
        for url in links & (action_urls | {schedule_url}):
            assert client.get(url).status_code == 200, (user, url)
        linked_by_user[user.username] = links & (action_urls | {schedule_url})
    assert linked_by_user["kepala"] == action_urls | {schedule_url}  # the unit's leader opens all
    # the section head reaches only his section: his own actions, not the office's schedule
    assert linked_by_user["kasi"] == action_urls
    assert client_for(office.kasi.user).get(schedule_url).status_code == 404
    # an employee of the office who takes part: the schedule, not the actions of another
    assert linked_by_user["ratih"] == {schedule_url}
    client = client_for(office.member.user)
    assert all(client.get(url).status_code == 404 for url in action_urls)
