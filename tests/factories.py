"""factory_boy factories shared by every test package."""

from __future__ import annotations

import datetime as dt
import itertools

import factory

from kinerja.accounts.models import Role, RoleAssignment, User
from kinerja.organisations.models import Employee, Position, PositionType, Unit, UnitKind, UnitLevel

_nip_seq = itertools.count(1)


def make_nip(seq: int | None = None, *, gender: str = "1") -> str:
    """A valid 18-digit NIP; `seq` (a running number by default) makes it unique."""
    n = next(_nip_seq) if seq is None else seq
    born = dt.date(1975, 1, 1) + dt.timedelta(days=n // 999)
    return f"{born:%Y%m%d}{born.year + 23}01{gender}{n % 999 + 1:03d}"


def make_unit(
    code: str,
    *,
    parent: Unit | None = None,
    level: str = UnitLevel.THREE,
    kind: str = UnitKind.KPP,
    owns_map: bool = True,
    name_id: str | None = None,
    name_en: str | None = None,
) -> Unit:
    """Create a unit in the tree (treebeard needs add_root/add_child, not a plain create)."""
    fields = {
        "code": code,
        "name_id": name_id or f"Unit {code}",
        "name_en": name_en or f"Unit {code} (en)",
        "level": level,
        "kind": kind,
        "owns_map": owns_map,
    }
    if parent is None:
        return Unit.objects.add_root(create_kwargs=fields)
    parent.refresh_from_db()
    return Unit.objects.add_child(parent, create_kwargs=fields)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"POS-{n:05d}")
    title_id = factory.Sequence(lambda n: f"Pelaksana {n}")
    title_en = factory.Sequence(lambda n: f"Officer {n}")
    type = PositionType.EXECUTOR


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    nip = factory.LazyFunction(make_nip)
    name = factory.Faker("name", locale="id_ID")
    email = factory.LazyAttribute(lambda o: f"{o.nip}@kemenkeu.go.id")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "rahasia-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def grant(user: User, unit: Unit, role: str = Role.EMPLOYEE) -> RoleAssignment:
    from kinerja.accounts.scope import forget

    forget(user)
    return RoleAssignment.objects.create(user=user, unit=unit, role=role)
