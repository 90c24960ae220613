"""Reads of the notifications, shared by the pages, the bell and the API: a user only ever reads their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils.http import url_has_allowed_host_and_scheme

from kinerja.accounts.scope import Viewer

from .models import Kind, Notification, Preference, Recipient
from .services import DEFAULTS, unread_filter


def inbox(user: Viewer) -> QuerySet[Notification]:
    """The user's notifications shown in the application: unread first, then newest first."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return (
        Notification.objects.filter(user_id=user.pk, in_app=True)
        .annotate(
            unread=Case(
                When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("unread", "-created_at", "-pk")
    )


def unread_count(user: Viewer) -> int:
    """How many of the user's notifications are unread: one COUNT on the partial index."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(unread_filter(), user_id=user.pk).count()


def notification_for(user: Viewer, pk: int) -> Notification | None:
    """One of the user's own notifications, or None (another's does not exist for them)."""
    if not user.is_authenticated:
        return None
    return Notification.objects.filter(user_id=user.pk, pk=pk).first()


def preferences_of(user: Viewer) -> list[dict[str, Any]]:
    """Every kind with the user's choice (the default where they made none): kind, kind_label, in_app, email."""
    chosen = {}
    if user.is_authenticated:
        chosen = {p.kind: (p.in_app, p.email) for p in Preference.objects.filter(user_id=user.pk)}
    return [
        {
            "kind": kind.value,
            "kind_label": str(kind.label),
            "in_app": chosen.get(kind.value, DEFAULTS[kind.value])[0],
            "email": chosen.get(kind.value, DEFAULTS[kind.value])[1],
        }
        for kind in Kind
    ]


def email_language_of(user: Viewer) -> str:
    """The language stored for the user's e-mails ('' when none: Indonesian)."""
    if not user.is_authenticated:
        return ""
    found = Recipient.objects.filter(user_id=user.pk).values_list("language", flat=True).first()
    return found or ""


def safe_target(url: str, host: str) -> str | None:
    """The notification's link when it stays on this site (a path, or an address on this host), else None."""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={host}, require_https=False):
        return url
    return None
