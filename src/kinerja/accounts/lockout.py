"""Lockout after repeated failed sign-ins (django-axes): who is counted, and what a locked-out person sees.

Failures are counted per account and client address together, so a guessed password cannot be tried
more than `AXES_FAILURE_LIMIT` times from one place, and nobody can lock a whole office (one NAT address)
out by failing on purpose. A NIP counts as the account it belongs to, so switching between username and
NIP gives no extra tries. A success resets the count.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .backends import nip_of


def username_of(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in attempt names: the username, or the username behind an 18-digit NIP."""
    given = (credentials or {}).get("username")
    if given is None and request is not None:
        given = request.POST.get("username", "")
    given = (given or "").strip()
    nip = nip_of(given)
    if nip is not None:
        found = (
            get_user_model()
            ._default_manager.filter(employee__nip=nip)
            .values_list("username", flat=True)
            .first()
        )
        if found:
            return str(found)
    return given


def minutes_locked() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out_message() -> str:
    return _(
        "Terlalu banyak percobaan masuk yang gagal. Akun ini dikunci sementara dari alamat ini; coba lagi "
        "setelah %(minutes)d menit, atau minta administrator unit Anda mengatur ulang kata sandi."
    ) % {"minutes": minutes_locked()}


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    """429 with a message naming how long to wait: a page for people, JSON for the API."""
    message = locked_out_message()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "accounts/locked.html", {"message": message}, status=429)
