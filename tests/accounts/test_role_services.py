"""Granting and revoking roles: permission, duplicates, own role, and the history of who did it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.scope import reaches
from kinerja.accounts.services import grant_role, revoke_role

pytestmark = pytest.mark.django_db


def test_grant_reaches_the_subtree_and_is_recorded(org, make_user):
    admin = make_user(org.djp, Role.ADMIN)
    target = make_user()
    granted = grant_role(user=target, unit=org.kpp_a, role=Role.MANAGER, by=admin)
    assert reaches(target, org.section_a.path, (Role.MANAGER,))
    assert not reaches(target, org.kpp_b.path)
    assert granted.history.latest().history_user == admin
    with pytest.raises(ValidationError):
        grant_role(user=target, unit=org.kpp_a, role=Role.MANAGER, by=admin)


def test_no_grant_outside_the_administrators_subtree(org, make_user):
    admin = make_user(org.kpp_a, Role.ADMIN)
    with pytest.raises(PermissionDenied):
        grant_role(user=make_user(), unit=org.kpp_b, role=Role.EMPLOYEE, by=admin)
    assert not RoleAssignment.objects.filter(unit=org.kpp_b).exists()


def test_revoke_is_recorded_and_own_role_is_kept(org, make_user):
    admin = make_user(org.djp, Role.ADMIN)
    target = make_user(org.kpp_a, Role.EMPLOYEE)
    granted = target.roles.get()
    revoke_role(granted=granted, by=admin)
    assert not target.roles.exists()
    assert not reaches(target, org.kpp_a.path)
    assert RoleAssignment.history.filter(history_type="-").latest("history_date").history_user == admin
    own = admin.roles.get()
    with pytest.raises(ValidationError):
        revoke_role(granted=own, by=admin)
    assert admin.roles.exists()
