"""The one door for telling people something: `notify()` (one message to many) and `notify_each()` (a
message per user). Apps above call them; this app knows none of them.

A notification is stored for every user who takes its kind in the application or by e-mail (an e-mail-only
row is hidden from the inbox but records the e-mail); the e-mails go after the transaction commits, through
the `send_notification_emails` task (`tasks.py`), so a slow mail server never holds a request. A `key` makes
a fact notified once per user (a daily reminder run twice adds nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor

from .models import Kind, Notification, Preference, Recipient

logger = logging.getLogger(__name__)

# what a user gets before choosing: everything in the application, nothing by e-mail
DEFAULTS: dict[str, tuple[bool, bool]] = {kind.value: (True, False) for kind in Kind}


Text = str | Callable[[], str]
"""A message's title or body: a string, or a callable writing it in the active language (called once per
recipient under their language, so each user reads it in the language they chose, else Indonesian)."""


@dataclass(frozen=True)
class Message:
    """One notification for one user (`notify_each`): the user (a User or an id) and what they are told."""

    user: Any
    title: Text
    url: str = ""
    body: Text = ""
    key: str = ""


def _user_id(user: Any) -> int | None:
    if user is None:
        return None
    return user if isinstance(user, int) else int(user.pk)


def preferences(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) of each user for `kind`, defaults filled in; one query."""
    ids = list(user_ids)
    chosen = {
        row["user_id"]: (row["in_app"], row["email"])
        for row in Preference.objects.filter(user_id__in=ids, kind=kind).values("user_id", "in_app", "email")
    }
    return {uid: chosen.get(uid, DEFAULTS[kind]) for uid in ids}


def notify(
    *, users: Iterable[Any], kind: str, title: Text, url: str = "", body: Text = "", key: str = ""
) -> list[Notification]:
    """Tell `users` (User objects or ids) the same thing of `kind`; returns the notifications stored.

    Set-based: one query for the preferences, one for the keys already told, one insert."""
    return notify_each(kind=kind, messages=[Message(u, title, url, body, key) for u in users])


def notify_each(*, kind: str, messages: Iterable[Message]) -> list[Notification]:
    """Tell each message's user their own message of `kind` (a reminder listing their own figures).

    Users are those of the messages (a keyed message repeated for the same user is dropped). Three queries
    whatever the number of messages (preferences, keys already told, the insert), a fourth when a key
    is used and e-mails are owed. The e-mails are queued after commit."""
    if kind not in DEFAULTS:
        raise ValueError(f"unknown notification kind {kind!r}")
    wanted: list[tuple[int, str, Message]] = []
    pairs: set[tuple[int, str]] = set()
    for message in messages:
        uid, key = _user_id(message.user), message.key[:120]
        if uid is None or (key and (uid, key) in pairs):
            continue  # a keyed fact named twice for the same user is told once
        pairs.add((uid, key))
        wanted.append((uid, key, message))
    if not wanted:
        return []
    prefs = preferences({uid for uid, _key, _m in wanted}, kind)
    keys = {key for _uid, key, _m in wanted if key}
    if keys:
        seen = set(Notification.objects.filter(user_id__in=prefs, key__in=keys).values_list("user_id", "key"))
        wanted = [(uid, key, m) for uid, key, m in wanted if not key or (uid, key) not in seen]
    told = [(uid, key, m) for uid, key, m in wanted if prefs[uid][0] or prefs[uid][1]]
    if not told:
        return []
    languages: dict[int, str] = {}
    if any(callable(m.title) or callable(m.body) for _uid, _key, m in told):
        languages = dict(
            Recipient.objects.filter(user_id__in={uid for uid, _key, _m in told}).values_list(
                "user_id", "language"
            )
        )
    rows = []
    for uid, key, m in told:
        with translation.override(email_language(languages.get(uid, ""))):
            title, body = _text(m.title), _text(m.body)
        rows.append(
            Notification(
                user_id=uid,
                kind=kind,
                title=title[:255],
                body=body,
                url=m.url[:500],
                key=key,
                in_app=prefs[uid][0],
                email=prefs[uid][1],
            )
        )
    keyed = [row for row in rows if row.key]
    plain = [row for row in rows if not row.key]
    owed: list[int] = []
    if plain:
        Notification.objects.bulk_create(plain)
        owed += [row.pk for row in plain if row.email]
    if keyed:
        # a concurrent run may have told the same fact meanwhile: its row wins, ours is skipped (and, as
        # an insert that ignores conflicts gives no ids back, the rows owing an e-mail are read again)
        Notification.objects.bulk_create(keyed, ignore_conflicts=True)
        mailed = [row for row in keyed if row.email]
        if mailed:
            owed += Notification.objects.filter(
                user_id__in={row.user_id for row in mailed},
                key__in={row.key for row in mailed},
                email=True,
                emailed_at__isnull=True,
            ).values_list("pk", flat=True)
    _queue_emails(owed)
    return rows


def _text(text: Text) -> str:
    return str(text()) if callable(text) else str(text)


def _queue_emails(ids: list[int]) -> None:
    if not ids:
        return

    def enqueue() -> None:
        from .tasks import send_notification_emails  # the task module imports this one

        send_notification_emails.enqueue(ids)

    transaction.on_commit(enqueue)


# --------------------------------------------------------------------------- e-mail


def email_language(language: str) -> str:
    """The language an e-mail is written in: the user's when stored and known, else the site's (Indonesian)."""
    known = {code for code, _label in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def absolute_url(url: str) -> str:
    """A link in an e-mail: a path of this site made absolute with `KINERJA_SITE_URL`."""
    if not url or not url.startswith("/") or url.startswith("//"):
        return url if url.startswith(("http://", "https://")) else ""
    base = str(getattr(settings, "KINERJA_SITE_URL", "") or "").rstrip("/")
    return f"{base}{url}"


def _address(user: Any) -> str:
    if user.email:
        return str(user.email)
    employee = user.employee if user.employee_id else None
    return str(getattr(employee, "email", "") or "")


def _email(notification: Notification, language: str) -> EmailMultiAlternatives | None:
    user = notification.user
    address = _address(user)
    if not address or not user.is_active:
        return None
    context = {
        "notification": notification,
        "user": user,
        "link": absolute_url(notification.url),
        "preferences_link": absolute_url(reverse("notifications:preferences")),
    }
    with translation.override(email_language(language)):
        subject = "[Kinerja] " + " ".join(notification.title.split())
        text = render_to_string("notifications/email.txt", context)
        html = render_to_string("notifications/email.html", context)
    message = EmailMultiAlternatives(subject[:200], text, to=[address])
    message.attach_alternative(html, "text/html")
    return message


def send_emails(*, notification_ids: Iterable[int]) -> int:
    """Send the e-mails owed for these notifications (not yet sent); returns the number sent.

    Each row is claimed (`emailed_at` set) before its e-mail goes, so two workers never send it twice;
    a failed send gives the claim back for a later run. A user without an address gets nothing."""
    ids = list(notification_ids)
    pending = list(
        Notification.objects.filter(pk__in=ids, email=True, emailed_at__isnull=True).select_related(
            "user__employee"
        )
    )
    if not pending:
        return 0
    languages = dict(
        Recipient.objects.filter(user_id__in={n.user_id for n in pending}).values_list("user_id", "language")
    )
    sent = 0
    connection = get_connection(fail_silently=False)
    for notification in pending:
        message = _email(notification, languages.get(notification.user_id, ""))
        if message is None:
            continue
        now = timezone.now()
        claimed = Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=now
        )
        if not claimed:
            continue
        message.connection = connection
        try:
            message.send()
        except Exception:  # the mail server refused or is away: the next run tries again
            logger.exception(
                "notification e-mail %s to user %s failed", notification.pk, notification.user_id
            )
            Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
            continue
        sent += 1
    return sent


def send_pending_emails() -> int:
    """Send every e-mail still owed (a failed send, a worker that died): for the daily command."""
    ids = Notification.objects.filter(email=True, emailed_at__isnull=True).values_list("pk", flat=True)
    return send_emails(notification_ids=list(ids[:5000]))


# --------------------------------------------------------------------------- the user's own writes


def _ensure_self(by: Actor) -> Any:
    if by is None or not getattr(by, "is_authenticated", False):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))
    return by


def mark_read(*, notification: Notification, by: Actor) -> Notification:
    """Mark one of `by`'s own notifications read (again: nothing changes)."""
    user = _ensure_self(by)
    ensure(user, "notifications.change_notification", notification)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, by: Actor) -> int:
    """Mark every unread notification of `by` read; returns how many were unread."""
    user = _ensure_self(by)
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def save_preferences(
    *, by: Actor, choices: Mapping[str, tuple[bool, bool]], language: str | None = None
) -> None:
    """Store `by`'s choice (in_app, email) for each kind named in `choices`, and the e-mails' language."""
    user = _ensure_self(by)
    unknown = sorted(set(choices) - set(DEFAULTS))
    if unknown:
        raise ValidationError(
            _("Jenis pemberitahuan tidak dikenal: %(kinds)s.") % {"kinds": ", ".join(unknown)},
            code="unknown_kind",
        )
    if language is not None and language and language not in {c for c, _l in settings.LANGUAGES}:
        raise ValidationError(
            {"language": _("Bahasa “%(language)s” tidak tersedia.") % {"language": language}},
            code="unknown_language",
        )
    with transaction.atomic():
        for kind, (in_app, email) in choices.items():
            Preference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": bool(in_app), "email": bool(email)}
            )
        if language is not None:
            Recipient.objects.update_or_create(user=user, defaults={"language": language})


def unread_filter() -> Q:
    return Q(in_app=True, read_at__isnull=True)
