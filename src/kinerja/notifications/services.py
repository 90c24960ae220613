"""The one door for telling people something: `notify()`. Apps above call it; this app knows none of them.

A notification is stored for every user whose preference for its kind says "in the application" and an
e-mail is sent (after the transaction commits) to those whose preference says "by e-mail". A `key` makes a
fact notified once per user (a daily reminder run twice adds nothing).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from kinerja.notifications.models import Kind, Notification, Preference

# what a user gets before choosing: everything in the application, nothing by e-mail
DEFAULTS: dict[str, tuple[bool, bool]] = {kind.value: (True, False) for kind in Kind}


def preferences(user_ids: Iterable[int], kind: str) -> dict[int, tuple[bool, bool]]:
    """(in_app, email) of each user for `kind`, defaults filled in; one query."""
    ids = list(user_ids)
    chosen = {
        row["user_id"]: (row["in_app"], row["email"])
        for row in Preference.objects.filter(user_id__in=ids, kind=kind).values("user_id", "in_app", "email")
    }
    return {uid: chosen.get(uid, DEFAULTS[kind]) for uid in ids}


def notify(
    *, users: Iterable[Any], kind: str, title: str, url: str = "", body: str = "", key: str = ""
) -> list[Notification]:
    """Tell `users` (User objects or ids) something of `kind`; returns the notifications stored.

    Set-based: one query for the preferences, one bulk insert. E-mail goes out after commit
    (`send_emails`, replaced by the notifications work with the real sender)."""
    ids = sorted({u if isinstance(u, int) else u.pk for u in users if u is not None})
    if not ids:
        return []
    prefs = preferences(ids, kind)
    if key:
        seen = set(Notification.objects.filter(user_id__in=ids, key=key).values_list("user_id", flat=True))
        ids = [uid for uid in ids if uid not in seen]
    rows = [
        Notification(user_id=uid, kind=kind, title=title[:255], body=body, url=url[:500], key=key[:120])
        for uid in ids
        if prefs[uid][0]
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(key))
    mail_to = [uid for uid in ids if prefs[uid][1]]
    if mail_to:
        transaction.on_commit(lambda: send_emails(user_ids=mail_to, title=title, url=url, body=body))
    return created


def send_emails(*, user_ids: list[int], title: str, url: str, body: str) -> int:
    """Placeholder until the notifications work lands its e-mail sender: sends nothing."""
    return 0
