"""Single sign-on: the ministry's identity provider (OpenID Connect) or directory (LDAP), switched on by settings.

Both map a person to a Kinerja account by NIP, the one identifier the HR system, the directory and Kinerja
share:
- an account already linked to the employee with that NIP is the one signed in;
- otherwise, when an active employee has that NIP, an account is made for them (username = NIP, no
  password of its own: they sign in through the provider), with the roles the organisation gives (the
  `employee` role on their unit, `leader` on the unit they head: `organisations.accounts_sync`);
- nobody else gets in (a NIP the organisation does not know, a departed employee).

OpenID Connect uses mozilla-django-oidc (`OIDC_*` settings, see docs/deploy.md); the NIP comes from the
claim named by `KINERJA_OIDC_NIP_CLAIM` (default `nip`). LDAP binds as the person with the typed password
(ldap3, pure Python) and reads the NIP from `KINERJA_LDAP_NIP_ATTRIBUTE` (default `employeeNumber`).
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.db import transaction
from ldap3 import Connection, Server
from ldap3.core.exceptions import LDAPException
from ldap3.utils.dn import escape_rdn
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .backends import nip_of
from .hooks import sync_employee_accounts

log = logging.getLogger(__name__)


def account_for_nip(nip: str | None, *, email: str = "", first_name: str = "", last_name: str = "") -> Any:
    """The active account of the employee with `nip`, made on first sign-in; None for anyone else."""
    if nip is None:
        return None
    users = get_user_model()._default_manager
    user = users.filter(employee__nip=nip).first()
    if user is not None:
        return user if user.is_active else None
    # by name: accounts sits below organisations
    employee = (
        apps.get_model("organisations", "Employee")._default_manager.filter(nip=nip, is_active=True).first()
    )
    if employee is None:
        log.info("single sign-on refused: no active employee with NIP %s", nip)
        return None
    with transaction.atomic():
        # the organisation's account sync makes it, with the roles the organisation gives (hooks.py)
        sync_employee_accounts(employee_ids=[employee.pk])
        user = users.filter(employee=employee).first()
        if user is None:  # no sync registered, or the NIP is another account's username
            if users.filter(username=nip).exists():
                log.warning("single sign-on refused: username %s belongs to another account", nip)
                return None
            user = users.create_user(username=nip, email=employee.email)
            user.set_unusable_password()
            user.employee = employee
        user.email = email or user.email or employee.email
        user.first_name, user.last_name = first_name or user.first_name, last_name or user.last_name
        user.save()
    log.info("single sign-on: account %s made for employee %s", user.username, nip)
    return user


class NipOIDCBackend(OIDCAuthenticationBackend):
    """OpenID Connect sign-in, the person found by the NIP claim (mozilla-django-oidc does the protocol)."""

    def _claim(self, claims: dict[str, Any]) -> str | None:
        return nip_of(claims.get(getattr(settings, "KINERJA_OIDC_NIP_CLAIM", "nip")))

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return self._claim(claims) is not None

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        nip = self._claim(claims)
        users = get_user_model()._default_manager
        return users.filter(employee__nip=nip, is_active=True) if nip else users.none()

    def create_user(self, claims: dict[str, Any]) -> Any:
        return account_for_nip(
            self._claim(claims),
            email=claims.get("email", ""),
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
        )

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"NIP {self._claim(claims)}"


class LdapBackend(BaseBackend):
    """Sign-in against the directory: bind as the person, read their NIP, find or make their account."""

    def server(self) -> Server:
        return Server(settings.KINERJA_LDAP_URL, connect_timeout=5)

    def connection(self, user_dn: str, password: str) -> Connection:
        return Connection(self.server(), user=user_dn, password=password, receive_timeout=10)

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        url = getattr(settings, "KINERJA_LDAP_URL", "")
        if not url or not username or not password:
            return None
        user_dn = settings.KINERJA_LDAP_USER_DN_TEMPLATE % {"user": escape_rdn(username.strip())}
        attribute = getattr(settings, "KINERJA_LDAP_NIP_ATTRIBUTE", "employeeNumber")
        try:
            with self.connection(user_dn, password) as conn:
                if not conn.bound:
                    return None
                conn.search(user_dn, "(objectClass=*)", attributes=[attribute])
                if not conn.entries:
                    return None
                values = conn.entries[0].entry_attributes_as_dict.get(attribute) or [None]
        except LDAPException as exc:  # a wrong password is `bound = False`; this is the directory failing
            log.warning("LDAP sign-in failed for %s: %s", username, exc)
            return None
        return account_for_nip(nip_of(values[0]))

    def get_user(self, user_id: int) -> Any:
        return get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
