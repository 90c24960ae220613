"""Fixtures shared by the whole suite: a small organisation tree and users with roles on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # the Django imports happen inside the fixtures, so that the scoring and
    # interchange suites also run without Django (`pytest tests/scoring -p no:django`).
    from kinerja.organisations.models import Unit


@pytest.fixture(autouse=True)
def _empty_cache():
    """Every test starts with an empty cache: the database is rolled back between tests (ids come round again
    on SQLite), so a cached per-period summary of an earlier test must not be met under a reused key."""
    from django.conf import settings

    if settings.configured:
        from django.core.cache import cache

        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Indonesian): a request through the test client leaves the
    language LocaleMiddleware chose active in the thread, so a test after an English request would otherwise
    write English texts (audit notes, derived-realization analyses) where it expects Indonesian ones."""
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        translation.activate(settings.LANGUAGE_CODE)
    yield


@dataclass
class OrgTree:
    ministry: Unit
    djp: Unit
    kanwil: Unit
    kpp_a: Unit
    kpp_b: Unit
    section_a: Unit
    djbc: Unit


@pytest.fixture
def org(db) -> OrgTree:
    """KEMENKEU → DJP → KANWIL → (KPP-A → SEKSI-A, KPP-B); KEMENKEU → DJBC."""
    from kinerja.organisations.models import Unit, UnitKind, UnitLevel
    from tests.factories import make_unit

    ministry = make_unit(
        "KEMENKEU",
        level=UnitLevel.WIDE,
        kind=UnitKind.MINISTRY,
        name_id="Kementerian Keuangan",
        name_en="Ministry of Finance",
    )
    djp = make_unit(
        "DJP",
        parent=ministry,
        level=UnitLevel.ONE,
        kind=UnitKind.ECHELON_1,
        name_id="Direktorat Jenderal Pajak",
        name_en="Directorate General of Taxes",
    )
    djbc = make_unit("DJBC", parent=ministry, level=UnitLevel.ONE, kind=UnitKind.ECHELON_1)
    kanwil = make_unit("KANWIL", parent=djp, level=UnitLevel.TWO, kind=UnitKind.REGIONAL_OFFICE)
    kpp_a = make_unit("KPP-A", parent=kanwil, name_id="KPP Pratama A", name_en="Tax Office A")
    kpp_b = make_unit("KPP-B", parent=kanwil, name_id="KPP Pratama B", name_en="Tax Office B")
    section_a = make_unit(
        "SEKSI-A", parent=kpp_a, level=UnitLevel.FOUR, kind=UnitKind.SECTION, owns_map=False
    )
    return OrgTree(
        *(Unit.objects.get(pk=u.pk) for u in (ministry, djp, kanwil, kpp_a, kpp_b, section_a, djbc))
    )


@pytest.fixture
def make_user(db):
    """make_user(unit, role) -> a user holding `role` on `unit` (password 'rahasia-123')."""

    from tests.factories import UserFactory, grant

    def _make(unit: Unit | None = None, role: str = "employee", **kwargs):
        user = UserFactory(**kwargs)
        if unit is not None:
            grant(user, unit, role)
        return user

    return _make


@pytest.fixture
def employee_in(db):
    from tests.factories import EmployeeFactory

    def _make(unit: Unit, **kwargs):
        return EmployeeFactory(unit=unit, **kwargs)

    return _make


# ---------------------------------------------------------------- API clients (tests/api, tests/organisations)
@pytest.fixture
def api():
    """An API client, not signed in."""
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def api_as(api, make_user):
    """api_as(unit, role) -> an API client signed in (session) as a new user holding `role` on `unit`."""

    def _as(unit=None, role="employee", **kwargs):
        api.force_login(make_user(unit, role, **kwargs))
        return api

    return _as


@pytest.fixture
def position_in(db):
    """position_in(unit, head=False, superior=None, **fields) -> a new position on `unit`."""
    from kinerja.organisations.models import Position, PositionType

    counter = iter(range(1, 10_000))

    def _make(unit, *, head: bool = False, superior=None, **kwargs):
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
