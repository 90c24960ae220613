from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from kinerja.organisations.models import Position, PositionType


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def api_as(api, make_user):
    """api_as(unit, role) -> an API client signed in (session) as a new user holding `role` on `unit`."""

    def _as(unit=None, role="employee", **kwargs) -> APIClient:
        api.force_login(make_user(unit, role, **kwargs))
        return api

    return _as


@pytest.fixture
def position_in(db):
    counter = iter(range(1, 10_000))

    def _make(unit, *, head: bool = False, superior: Position | None = None, **kwargs) -> Position:
        n = next(counter)
        fields = {
            "code": f"{unit.code}-POS-{n}",
            "title_id": f"Pelaksana {n}",
            "title_en": f"Officer {n}",
            "type": PositionType.STRUCTURAL if head else PositionType.EXECUTOR,
            "echelon": 3 if head else None,
            "is_head": head,
            "superior": superior,
        }
        fields.update(kwargs)
        return Position.objects.create(unit=unit, **fields)

    return _make
