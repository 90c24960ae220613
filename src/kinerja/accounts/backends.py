"""Log in with a username or with the 18-digit NIP of the employee linked to the account."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

NIP_LENGTH = 18


def nip_of(value: Any) -> str | None:
    """What was typed as a sign-in name, read as an 18-digit NIP (spaces around ignored); None if it is not one.

    The shape only: whether an employee holds it is the caller's query (organisations validates NIPs fully).
    """
    text = str(value or "").strip()
    return text if len(text) == NIP_LENGTH and text.isdigit() else None


class UsernameOrNipBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if username is None or password is None:
            return None
        username = username.strip()
        nip = nip_of(username)
        if nip is not None:
            user_model = get_user_model()
            user = user_model._default_manager.filter(employee__nip=nip).first()
            if user is None:
                user_model().set_password(password)  # same work as a hit: no timing oracle
                return None
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    # One permission layer: django-rules (accounts/rules.py) decides every permission.
    # Django's per-user/per-group model permissions are not consulted, so a stray
    # permission row can never reach past a user's unit subtree.
    def get_user_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def get_group_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        return set()

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return False

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return bool(user_obj.is_active and user_obj.is_superuser)
