"""The bell in the page header: the signed-in user's unread count, asked once per request and only when shown."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest

from .selectors import unread_count

_CACHE_ATTR = "_kinerja_unread"


def unread_for(request: HttpRequest) -> int:
    """The unread count of the request's user, counted at most once per request."""
    cached = getattr(request, _CACHE_ATTR, None)
    if cached is None:
        cached = unread_count(request.user)
        setattr(request, _CACHE_ATTR, cached)
    return int(cached)


def bell(request: HttpRequest) -> dict[str, Any]:
    # a callable: the template calls it where the bell is drawn (never on a page without it), once
    return {"notifications_unread": partial(unread_for, request)}
