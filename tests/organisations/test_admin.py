"""The Django admin: superusers only, and every registered page opens."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kinerja.accounts.models import Role
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def test_superuser_opens_the_admin_pages(client, org, django_user_model, employee_in):
    person = employee_in(org.kpp_a, position=PositionFactory(unit=org.kpp_a))
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    client.force_login(root)
    for name in (
        "organisations_unit",
        "organisations_position",
        "organisations_employee",
        "organisations_assignment",
        "accounts_user",
        "accounts_roleassignment",
    ):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    assert client.get(reverse("admin:organisations_unit_change", args=[org.kpp_a.pk])).status_code == 200
    assert client.get(reverse("admin:organisations_unit_history", args=[org.kpp_a.pk])).status_code == 200
    assert client.get(reverse("admin:organisations_employee_change", args=[person.pk])).status_code == 200
    assert client.get(reverse("admin:accounts_user_change", args=[root.pk])).status_code == 200


def test_staff_admin_role_holder_is_kept_out(client, org, make_user):
    user = make_user(org.ministry, Role.ADMIN, is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:organisations_unit_changelist")).status_code == 403
