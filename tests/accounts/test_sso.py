"""Single sign-on by NIP: OpenID Connect (mozilla-django-oidc) and LDAP (ldap3 against a mocked directory)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import RequestFactory, override_settings
from ldap3 import MOCK_SYNC, Connection, Server

from kinerja.accounts.models import User
from kinerja.accounts.sso import LdapBackend, NipOIDCBackend, account_for_nip
from tests.factories import EmployeeFactory, UserFactory, make_unit

pytestmark = pytest.mark.django_db
NIP = "198808152012032267"
OIDC = {
    "OIDC_RP_CLIENT_ID": "kinerja",
    "OIDC_RP_CLIENT_SECRET": "rahasia",
    "OIDC_OP_TOKEN_ENDPOINT": "https://sso.kemenkeu.example/token",
    "OIDC_OP_USER_ENDPOINT": "https://sso.kemenkeu.example/userinfo",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.kemenkeu.example/authorize",
    "OIDC_RP_SIGN_ALGO": "HS256",
}


@pytest.fixture
def employee():
    return EmployeeFactory(nip=NIP, unit=make_unit("KPP-SSO"))


# --------------------------------------------------------------------------- the NIP rule both share


def test_an_existing_account_of_the_employee_is_the_one_signed_in(employee):
    user = UserFactory(username="pegawai.sso", employee=employee)
    assert account_for_nip(NIP) == user


def test_a_first_sign_in_makes_an_account_without_a_password_with_the_employee_role(employee):
    user = account_for_nip(NIP, email="x@kemenkeu.go.id")
    assert user.username == NIP and user.employee == employee and user.email == "x@kemenkeu.go.id"
    assert not user.has_usable_password()
    # the role the organisation gives (organisations/accounts_sync.py): employee on their own unit
    assert [(r.unit, r.role, r.source) for r in user.roles.all()] == [(employee.unit, "employee", "auto")]


def test_nobody_else_gets_in(employee):
    assert account_for_nip("199001012015011001") is None  # unknown NIP
    employee.is_active = False
    employee.save()
    assert account_for_nip(NIP) is None  # departed
    assert account_for_nip("bukan-nip") is None
    assert not User.objects.filter(username=NIP).exists()


# --------------------------------------------------------------------------- OpenID Connect


def _oidc_sign_in(claims):
    request = RequestFactory().get("/oidc/callback/", {"code": "kode", "state": "keadaan"})
    request.session = {}
    with override_settings(**OIDC):
        backend = NipOIDCBackend()
        with (
            mock.patch.object(backend, "get_token", return_value={"id_token": "id", "access_token": "akses"}),
            mock.patch.object(backend, "verify_token", return_value={"sub": "x"}),
            mock.patch.object(backend, "get_userinfo", return_value=claims),
            mock.patch("mozilla_django_oidc.auth.reverse", return_value="/oidc/callback/"),
        ):
            return backend.authenticate(request, nonce=None)


def test_oidc_signs_in_the_employee_by_the_nip_claim(employee):
    user = _oidc_sign_in({"sub": "x", "nip": NIP, "email": "a@kemenkeu.go.id", "given_name": "Ani"})
    assert user is not None and user.employee == employee and user.first_name == "Ani"
    assert _oidc_sign_in({"sub": "x", "nip": NIP}) == user  # the second time: the same account


def test_oidc_without_a_known_nip_is_refused(employee):
    assert _oidc_sign_in({"sub": "x", "email": "a@kemenkeu.go.id"}) is None  # no NIP claim
    assert _oidc_sign_in({"sub": "x", "nip": "199001012015011001"}) is None


# --------------------------------------------------------------------------- LDAP


class MockedDirectory(LdapBackend):
    """The backend bound to an in-memory directory (ldap3's MOCK_SYNC strategy)."""

    directory = Server("kemenkeu-ldap")

    def server(self) -> Server:
        return self.directory

    def connection(self, user_dn: str, password: str) -> Connection:
        return Connection(self.directory, user=user_dn, password=password, client_strategy=MOCK_SYNC)


@pytest.fixture
def directory():
    admin = Connection(MockedDirectory.directory, client_strategy=MOCK_SYNC)
    admin.strategy.add_entry(
        "uid=ani,ou=people,dc=kemenkeu,dc=go,dc=id",
        {"uid": "ani", "userPassword": "sandi-ldap", "employeeNumber": NIP, "objectClass": "person"},
    )
    with override_settings(KINERJA_LDAP_URL="ldap://kemenkeu-ldap"):
        yield MockedDirectory()


def test_ldap_binds_as_the_person_and_finds_them_by_nip(directory, employee):
    user = directory.authenticate(None, username="ani", password="sandi-ldap")
    assert user is not None and user.employee == employee


def test_ldap_refuses_a_wrong_password_or_an_unknown_person(directory, employee):
    assert directory.authenticate(None, username="ani", password="salah") is None
    assert directory.authenticate(None, username="budi", password="sandi-ldap") is None
    assert not User.objects.filter(username=NIP).exists()


def test_ldap_is_off_without_its_url(employee):
    assert MockedDirectory().authenticate(None, username="ani", password="sandi-ldap") is None
