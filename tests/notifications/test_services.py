"""notify(): preferences per kind, idempotence by key, e-mail after commit in the user's language."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import translation

from kinerja.notifications import services
from kinerja.notifications.models import Kind, Notification, Preference, Recipient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_defaults_store_in_the_application_and_send_no_email(django_capture_on_commit_callbacks):
    user = UserFactory(email="a@kemenkeu.example")
    with django_capture_on_commit_callbacks(execute=True):
        stored = services.notify(
            users=[user], kind=Kind.WAITING, title="Menunggu verifikasi", url="/capaian/"
        )
    assert len(stored) == 1 and stored[0].in_app and not stored[0].email
    assert mail.outbox == []
    assert Notification.objects.get(user=user).read_at is None


def test_preferences_choose_per_kind(django_capture_on_commit_callbacks):
    app_only, both, mail_only, nothing = (UserFactory(email=f"u{i}@kemenkeu.example") for i in range(4))
    Preference.objects.create(user=both, kind=Kind.RETURNED, in_app=True, email=True)
    Preference.objects.create(user=mail_only, kind=Kind.RETURNED, in_app=False, email=True)
    Preference.objects.create(user=nothing, kind=Kind.RETURNED, in_app=False, email=False)
    Preference.objects.create(user=app_only, kind=Kind.WAITING, in_app=False, email=True)  # another kind
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.notify(
            users=[app_only, both, mail_only, nothing], kind=Kind.RETURNED, title="Dikembalikan", url="/x/"
        )
        assert mail.outbox == []  # nothing goes before the commit
    assert len(callbacks) == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["u1@kemenkeu.example", "u2@kemenkeu.example"]
    rows = {n.user_id: n for n in Notification.objects.all()}
    assert set(rows) == {app_only.pk, both.pk, mail_only.pk}  # `nothing` chose nothing
    assert rows[app_only.pk].in_app and rows[app_only.pk].emailed_at is None
    assert rows[both.pk].in_app and rows[both.pk].emailed_at is not None
    # e-mail only: recorded (sent, when) but never shown in the application
    assert not rows[mail_only.pk].in_app and rows[mail_only.pk].emailed_at is not None
    from kinerja.notifications.selectors import inbox, unread_count

    assert unread_count(mail_only) == 0 and list(inbox(mail_only)) == []
    message = next(m for m in mail.outbox if m.to == ["u1@kemenkeu.example"])
    assert message.subject == "[Kinerja] Dikembalikan"
    assert "http://localhost:8000/x/" in message.body
    html = message.alternatives[0]
    assert html[1] == "text/html" and "http://localhost:8000/x/" in html[0]


def test_a_key_tells_a_fact_once(django_capture_on_commit_callbacks):
    user = UserFactory(email="a@kemenkeu.example")
    Preference.objects.create(user=user, kind=Kind.REALIZATION_DUE, in_app=True, email=True)
    with django_capture_on_commit_callbacks(execute=True):
        first = services.notify(users=[user.pk], kind=Kind.REALIZATION_DUE, title="Jatuh tempo", key="due:1")
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify(users=[user], kind=Kind.REALIZATION_DUE, title="Jatuh tempo", key="due:1")
    assert len(first) == 1 and again == []
    assert Notification.objects.filter(user=user).count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    user = UserFactory(email="a@kemenkeu.example")
    Preference.objects.create(user=user, kind=Kind.WAITING, in_app=True, email=True)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify(users=[user], kind=Kind.WAITING, title="X")
                raise RuntimeError("rollback")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == [] and not Notification.objects.exists()


def test_the_email_is_in_the_users_language_else_indonesian(django_capture_on_commit_callbacks):
    english = UserFactory(email="en@kemenkeu.example")
    indonesian = UserFactory(email="id@kemenkeu.example")
    Recipient.objects.create(user=english, language="en")
    for user in (english, indonesian):
        Preference.objects.create(user=user, kind=Kind.CONTRACT, in_app=True, email=True)
    from django.utils.translation import gettext as _

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        # the producer's text is written per recipient, in their language
        services.notify(users=[english, indonesian], kind=Kind.CONTRACT, title=lambda: str(_("Keluar")))
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "Pesan ini dikirim otomatis oleh Kinerja." in by_to["id@kemenkeu.example"].body
    assert "Pesan ini dikirim otomatis" not in by_to["en@kemenkeu.example"].body
    titles = dict(Notification.objects.values_list("user_id", "title"))
    assert titles[indonesian.pk] == "Keluar" and titles[english.pk] == "Log out"


def test_a_user_without_an_address_gets_no_email_and_a_failed_send_is_retried(
    django_capture_on_commit_callbacks, monkeypatch
):
    silent = UserFactory(email="")
    loud = UserFactory(email="loud@kemenkeu.example")
    for user in (silent, loud):
        Preference.objects.create(user=user, kind=Kind.WAITING, in_app=True, email=True)

    def refuse(self, *args, **kwargs):
        raise OSError("mail server away")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(users=[silent, loud], kind=Kind.WAITING, title="X")
    assert Notification.objects.filter(emailed_at__isnull=False).count() == 0
    monkeypatch.undo()
    assert services.send_pending_emails() == 1
    assert [m.to for m in mail.outbox] == [["loud@kemenkeu.example"]]
    assert services.send_pending_emails() == 0  # sent once


def test_notify_costs_the_same_for_many_users(
    django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    users = [UserFactory() for _ in range(30)]
    with django_assert_max_num_queries(4):
        services.notify(users=users, kind=Kind.WAITING, title="X", key="k")
    with django_assert_max_num_queries(4):
        services.notify_each(
            kind=Kind.WAITING, messages=[services.Message(u, f"untuk {u.pk}", key=f"m{u.pk}") for u in users]
        )
    assert Notification.objects.count() == 60


def test_unknown_kind_and_language_are_refused():
    from django.core.exceptions import ValidationError

    user = UserFactory()
    with pytest.raises(ValueError):
        services.notify(users=[user], kind="gossip", title="X")
    with pytest.raises(ValidationError) as error:
        services.save_preferences(by=user, choices={"gossip": (True, True)})
    assert "gossip" in str(error.value)
    with pytest.raises(ValidationError):
        services.save_preferences(by=user, choices={}, language="fr")
    assert not Preference.objects.exists()
