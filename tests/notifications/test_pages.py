"""Pages, the bell and the API: a user sees and marks only their own notifications."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from kinerja.notifications import services
from kinerja.notifications.models import Kind, Notification, Preference, Recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def me(client: Client):
    user = UserFactory()
    client.force_login(user)
    return user


def _tell(user, n=1, **kwargs):
    for i in range(n):
        services.notify(
            users=[user],
            kind=kwargs.get("kind", Kind.WAITING),
            title=f"Pesan {i}",
            url=kwargs.get("url", "/capaian/"),
        )


def test_the_list_shows_mine_unread_first_and_pages(client, me, django_assert_max_num_queries):
    other = UserFactory()
    _tell(other)
    _tell(me, 30)
    first = Notification.objects.filter(user=me).order_by("pk").first()
    first.read_at = first.created_at
    first.save()
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:index"))
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert all(n.user_id == me.pk for n in page.object_list)
    assert all(n.read_at is None for n in page.object_list)  # unread first
    last = list(client.get(reverse("notifications:index"), {"page": 2}).context["page"].object_list)
    assert last[-1].pk == first.pk  # the read one comes last


def test_following_marks_read_and_goes_only_to_this_site(client, me):
    services.notify(users=[me], kind=Kind.WAITING, title="A", url="/capaian/realisasi/1/")
    services.notify(users=[me], kind=Kind.WAITING, title="B", url="https://evil.example/phish")
    services.notify(users=[me], kind=Kind.WAITING, title="C", url="//evil.example/x")
    a, b, c = Notification.objects.filter(user=me).order_by("pk")
    response = client.get(reverse("notifications:follow", args=[a.pk]))
    assert response.status_code == 302 and response["Location"] == "/capaian/realisasi/1/"
    a.refresh_from_db()
    assert a.read_at is not None
    for outside in (b, c):
        response = client.get(reverse("notifications:follow", args=[outside.pk]))
        assert response["Location"] == reverse("notifications:index")
        outside.refresh_from_db()
        assert outside.read_at is not None


def test_anothers_notification_is_a_404_and_stays_unread(client, me):
    other = UserFactory()
    _tell(other)
    theirs = Notification.objects.get(user=other)
    assert client.get(reverse("notifications:follow", args=[theirs.pk])).status_code == 404
    api = client.post(reverse("api-notification-read", args=[theirs.pk]))
    assert api.status_code == 404
    assert client.get(reverse("api-notification-detail", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(client, me):
    other = UserFactory()
    _tell(me, 3)
    _tell(other, 2)
    assert client.get(reverse("notifications:read-all")).status_code == 405
    response = client.post(reverse("notifications:read-all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=me, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_preferences_page_saves_per_kind_and_the_language(client, me):
    with translation.override("id"):
        response = client.get(reverse("notifications:preferences"))
    assert response.status_code == 200
    assert response.context["form"][f"{Kind.WAITING}-in_app"].value() is True
    data = {f"{k.value}-in_app": "on" for k in Kind}
    data[f"{Kind.RETURNED}-email"] = "on"
    del data[f"{Kind.MEETING}-in_app"]
    data["language"] = "en"
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    prefs = {p.kind: (p.in_app, p.email) for p in Preference.objects.filter(user=me)}
    assert prefs[Kind.RETURNED] == (True, True)
    assert prefs[Kind.MEETING] == (False, False)
    assert Recipient.objects.get(user=me).language == "en"
    bad = client.post(reverse("notifications:preferences"), {**data, "language": "fr"})
    assert bad.status_code == 200 and "language" in bad.context["form"].errors


def test_the_bell_costs_one_query_and_shows_the_count(client, me, django_assert_num_queries):
    _tell(me, 4)
    first = Notification.objects.filter(user=me).order_by("pk").first()
    Notification.objects.filter(pk=first.pk).update(read_at=first.created_at)
    url = reverse("home:rule-sets")
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    html = response.content.decode()
    assert 'class="bell-count" data-unread="3"' in html
    assert len([q for q in ctx.captured_queries if "notifications_notification" in q["sql"]]) == 1


def test_the_bell_panel_lists_the_latest(client, me):
    _tell(me, 8)
    response = client.get(reverse("notifications:index"), {"panel": 1}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.content.decode().count('class="notice notice-unread"') == 6


def test_api_lists_counts_and_marks(client, me):
    other = UserFactory()
    _tell(other, 2)
    _tell(me, 3)
    listed = client.get(reverse("api-notification-list")).json()
    assert listed["count"] == 3 and all(row["unread"] for row in listed["results"])
    assert client.get(reverse("api-notification-unread-count")).json() == {"unread": 3}
    one = listed["results"][0]["id"]
    marked = client.post(reverse("api-notification-read", args=[one])).json()
    assert marked["unread"] is False and marked["read_at"]
    assert client.get(reverse("api-notification-list"), {"unread": "true"}).json()["count"] == 2
    assert client.post(reverse("api-notification-read-all")).json() == {"marked": 2}
    assert client.get(reverse("api-notification-unread-count")).json() == {"unread": 0}
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 2


def test_api_preferences_get_and_put(client, me):
    url = reverse("api-notification-preferences")
    got = client.get(url).json()
    assert {row["kind"] for row in got["kinds"]} == {k.value for k in Kind}
    assert got["language"] == ""
    body = {"kinds": [{"kind": "returned", "in_app": False, "email": True}], "language": "en"}
    put = client.put(url, json.dumps(body), content_type="application/json")
    assert put.status_code == 200
    rows = {row["kind"]: row for row in put.json()["kinds"]}
    assert rows["returned"]["email"] is True and rows["returned"]["in_app"] is False
    assert rows["waiting"]["in_app"] is True  # not named: unchanged
    assert put.json()["language"] == "en"
    bad = client.put(
        url,
        json.dumps({"kinds": [{"kind": "gossip", "in_app": True, "email": True}]}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and "kinds" in bad.json()


def test_anonymous_is_sent_to_sign_in(client):
    assert client.get(reverse("notifications:index")).status_code == 302
    assert client.get(reverse("api-notification-list")).status_code in (401, 403)
