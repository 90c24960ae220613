"""The API's permission class maps methods to the rules layer's permission names."""

from __future__ import annotations

import pytest

from kinerja.common.api import permission_name
from kinerja.organisations.models import Employee, Unit


@pytest.mark.parametrize(
    ("model", "method", "expected"),
    [
        (Unit, "GET", "organisations.view_unit"),
        (Unit, "HEAD", "organisations.view_unit"),
        (Employee, "options", "organisations.view_employee"),
        (Employee, "POST", "organisations.add_employee"),
        (Employee, "PUT", "organisations.change_employee"),
        (Employee, "PATCH", "organisations.change_employee"),
        (Employee, "DELETE", "organisations.delete_employee"),
        (Employee, "TRACE", ""),
    ],
)
def test_methods_map_to_rules_permissions(model, method, expected):
    assert permission_name(model, method) == expected
