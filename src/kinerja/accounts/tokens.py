"""API tokens that expire and die with a password change (issue 11 item 3), and the DRF authentication.

`issue_token` makes a key (shown once) for a user; `TokenAuthentication` reads `Authorization: Token <key>`
as DRF's did, and refuses a key that is unknown, revoked, expired, or older than its owner's password.
A key's lifetime is `KINERJA_API_TOKEN_DAYS` (30 by default).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import ApiToken, User

DEFAULT_DAYS = 30
KEY_BYTES = 32


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def password_mark(user: User) -> str:
    """A digest of the user's current password hash: it changes whenever the password does."""
    return _digest(f"{user.pk}:{user.password}")


def lifetime() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "KINERJA_API_TOKEN_DAYS", DEFAULT_DAYS)))


def issue_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it and its key (the only time the key is seen)."""
    key = secrets.token_urlsafe(KEY_BYTES)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or _("token API"),
        digest=_digest(key),
        prefix=key[:8],
        password_mark=password_mark(user),
        expires_at=timezone.now() + lifetime(),
    )
    return token, key


def revoke_token(*, token: ApiToken, by: User) -> None:
    """Revoke one of `by`'s own tokens (nobody revokes someone else's key here)."""
    if token.user_id != by.pk:
        raise exceptions.PermissionDenied(_("Token ini bukan milik Anda."))
    token.delete()


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` against `ApiToken`: unknown, expired or pre-password-change keys fail."""

    def authenticate_credentials(self, key: str) -> tuple[Any, ApiToken]:
        token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Token tidak dikenal atau sudah dicabut."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("Akun pemilik token ini tidak aktif."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Token ini sudah kedaluwarsa; buat token baru."))
        if token.password_mark != password_mark(user):
            raise exceptions.AuthenticationFailed(
                _("Kata sandi pemilik token ini telah berubah sejak token dibuat; buat token baru.")
            )
        if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)  # at most once a minute
        return user, token

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        return super().authenticate(request)
