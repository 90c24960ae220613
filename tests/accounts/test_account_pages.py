"""My profile, and role management by administrators within their subtree."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role, RoleAssignment
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROLES = "organisations:role-list"


@pytest.mark.parametrize("role", Role.values)
def test_profile_shows_roles_and_linked_employee(client, org, make_user, employee_in, role):
    me = employee_in(org.kpp_a, name="Maya Sari")
    client.force_login(make_user(org.kpp_a, role, employee=me))
    text = client.get(reverse("accounts:profile")).text
    assert "Maya Sari" in text and me.nip in text
    assert str(Role(role).label) in text
    assert ("Kelola peran pengguna" in text) is (role == Role.ADMIN)


def test_profile_without_roles_or_employee(client, db):
    client.force_login(UserFactory())
    text = client.get(reverse("accounts:profile")).text
    assert "belum terhubung dengan data pegawai" in text
    assert "belum memiliki peran" in text


@pytest.mark.parametrize("role", [Role.MANAGER, Role.EMPLOYEE, Role.LEADER, Role.AUDITOR])
def test_only_admins_manage_roles(client, org, make_user, role):
    client.force_login(make_user(org.kpp_a, role))
    assert client.get(reverse(ROLES)).status_code == 403


def test_admin_grants_a_role_in_the_subtree(client, org, make_user, employee_in):
    admin = make_user(org.kanwil, Role.ADMIN)
    person = employee_in(org.kpp_a)
    target = UserFactory(username="citra", employee=person)
    client.force_login(admin)
    response = client.post(reverse(ROLES), {"user": person.nip, "role": Role.MANAGER, "unit": "KPP-A"})
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=target, unit=org.kpp_a, role=Role.MANAGER).exists()
    page = client.get(reverse(ROLES)).text
    assert "citra" in page


def test_admin_cannot_grant_outside_the_subtree(client, org, make_user):
    client.force_login(make_user(org.kpp_a, Role.ADMIN))
    UserFactory(username="dodi")
    response = client.post(reverse(ROLES), {"user": "dodi", "role": Role.ADMIN, "unit": "KPP-B"})
    assert response.status_code == 200
    assert "tidak ditemukan atau di luar wewenang Anda" in response.text
    assert not RoleAssignment.objects.filter(user__username="dodi").exists()


def test_unknown_user_and_duplicate_role_are_refused(client, org, make_user):
    client.force_login(make_user(org.kanwil, Role.ADMIN))
    response = client.post(reverse(ROLES), {"user": "tidak-ada", "role": Role.MANAGER, "unit": "KPP-A"})
    assert "Pengguna dengan nama pengguna atau NIP ini tidak ditemukan." in response.text
    other = make_user(org.kpp_a, Role.MANAGER)
    response = client.post(reverse(ROLES), {"user": other.username, "role": Role.MANAGER, "unit": "KPP-A"})
    assert "sudah memiliki peran tersebut" in response.text
    assert RoleAssignment.objects.filter(user=other).count() == 1


def test_admin_revokes_a_role_in_the_subtree_only(client, org, make_user):
    admin = make_user(org.kpp_a, Role.ADMIN)
    inside = make_user(org.section_a, Role.EMPLOYEE)
    outside = make_user(org.kpp_b, Role.EMPLOYEE)
    client.force_login(admin)
    inside_role = inside.roles.get()
    assert client.post(reverse("organisations:role-revoke", args=[inside_role.pk])).status_code == 302
    assert not RoleAssignment.objects.filter(pk=inside_role.pk).exists()
    outside_role = outside.roles.get()
    assert client.post(reverse("organisations:role-revoke", args=[outside_role.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=outside_role.pk).exists()
    own = admin.roles.get()
    client.post(reverse("organisations:role-revoke", args=[own.pk]))
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
