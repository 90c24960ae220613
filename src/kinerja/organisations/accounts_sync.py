"""Everyone can log in (issue 15 item 3): an account for every active employee, and the roles the organisation
gives, kept in step with the organisation.

`sync_accounts(employee_ids=None, by=None)` — for the given employees (None: everybody):

- an active employee without an account gets one: username = NIP, an unusable password until they set one
  (the set-your-password e-mail, `password_mails.py`) or sign in through single sign-on, the e-mail address
  of the employee. An account whose username is the NIP but that is linked to nobody is linked to the
  employee; a username taken by another employee's account is reported (`conflicts`), never overwritten;
- an account follows its employee's state: a departed (inactive) employee's account is deactivated (they
  cannot log in; the employee, the account and everything they did stay), a returning one's reactivated;
- roles follow the organisation: the `employee` role on one's own unit, and the `leader` role on the unit
  whose head position (`Position.is_head`) one holds — definitively or as acting (Plt./Plh.: an open
  acting assignment to the head position). These are automatic roles (`RoleAssignment.source = "auto"`):
  the sync adds the missing ones and removes those the organisation no longer gives (a move, a new head,
  a departure). A role granted by hand (`manual`) is never touched, and one already granted by hand is not
  added again.

Set-based: a fixed number of queries whatever the number of employees (four reads; the writes in batches),
nothing written when nothing differs (a second sync writes nothing). Role changes are in the role history
(simple_history), with `by` and the reason.

Called at the end of every applied organisation import (`importing.apply_plan`), on a first single sign-on
(through `kinerja.accounts.hooks`, registered in `OrganisationsConfig.ready`), after the employee services
and by `kinerja sync-accounts`.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.models import Role, RoleAssignment, RoleSource, User
from kinerja.common.history import Actor

from .models import Assignment, AssignmentKind, Employee

log = logging.getLogger(__name__)
T = TypeVar("T")
BATCH = 2000  # rows of one INSERT (fewer on SQLite: Django splits by its 999 bound values)
# Above this many employee ids a full sync replaces long `IN (…)` lists (SQLite binds at most 999 values a
# statement): as right, since it is a superset.
FULL_SYNC_ABOVE = 400
REASON = "Sinkronisasi akun dari organisasi"
AUTO_ROLES = (Role.EMPLOYEE, Role.LEADER)

Key = tuple[int, int, str]  # (user id, unit id, role)


@dataclass
class SyncResult:
    """What a sync did: accounts made, linked, deactivated and reactivated; automatic roles granted and revoked;
    NIPs whose username is another employee's account (left alone)."""

    created: int = 0
    linked: int = 0
    deactivated: int = 0
    reactivated: int = 0
    granted: int = 0
    revoked: int = 0
    conflicts: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.created + self.linked + self.deactivated + self.reactivated + self.granted + self.revoked

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "linked": self.linked,
            "deactivated": self.deactivated,
            "reactivated": self.reactivated,
            "granted": self.granted,
            "revoked": self.revoked,
            "conflicts": list(self.conflicts),
        }


@dataclass(slots=True)
class _Person:
    pk: int
    nip: str
    name: str
    email: str
    active: bool
    unit_id: int
    heads: tuple[int, ...]  # the units whose head position they hold (definitive or acting)


def sync_accounts(*, employee_ids: Iterable[int] | None = None, by: Actor = None) -> SyncResult:
    """Bring the accounts and automatic roles of these employees (None: all) in line with the organisation."""
    ids = None if employee_ids is None else sorted(set(employee_ids))
    if ids is not None and len(ids) > FULL_SYNC_ABOVE:
        ids = None
    if ids == []:
        return SyncResult()
    return _Sync(ids, by).run()


class _Sync:
    def __init__(self, ids: list[int] | None, by: Actor) -> None:
        self.ids, self.by = ids, by
        self.result = SyncResult()
        self.now = dt.datetime.now(dt.UTC)

    # ------------------------------------------------------------ reading (four queries)

    def _people(self) -> dict[int, _Person]:
        employees = Employee.objects.all() if self.ids is None else Employee.objects.filter(pk__in=self.ids)
        people: dict[int, _Person] = {}
        rows = employees.values_list(
            "pk", "nip", "name", "email", "is_active", "unit_id", "position__unit_id", "position__is_head",
            "position__is_active",
        )  # fmt: skip
        for pk, nip, name, email, active, unit_id, head_unit, is_head, position_active in rows.iterator(
            chunk_size=BATCH
        ):
            heads = (head_unit,) if is_head and position_active and head_unit is not None else ()
            people[pk] = _Person(pk, nip, name, email, active, unit_id, heads)
        acting = Assignment.objects.filter(
            end__isnull=True, kind=AssignmentKind.ACTING, position__is_head=True, position__is_active=True
        )
        if self.ids is not None:
            acting = acting.filter(employee_id__in=self.ids)
        for employee_id, unit_id in acting.values_list("employee_id", "position__unit_id"):
            if employee_id in people and unit_id not in people[employee_id].heads:
                people[employee_id].heads += (unit_id,)
        return people

    def _users(self, people: dict[int, _Person]) -> list[tuple[int, int | None, bool, str]]:
        users = User.objects.all()
        if self.ids is not None:
            users = users.filter(
                Q(employee_id__in=self.ids) | Q(username__in=[p.nip for p in people.values()])
            )
        return list(
            users.values_list("pk", "employee_id", "is_active", "username").iterator(chunk_size=BATCH)
        )

    def _roles(self, user_ids: list[int] | None) -> list[tuple[int, int, int, str, str, dt.datetime]]:
        roles = RoleAssignment.objects.filter(role__in=AUTO_ROLES)
        if user_ids is not None:
            roles = roles.filter(user_id__in=user_ids)
        return list(
            roles.values_list("pk", "user_id", "unit_id", "role", "source", "created_at").iterator(
                chunk_size=BATCH
            )
        )

    # ------------------------------------------------------------ working out and writing

    def run(self) -> SyncResult:
        people = self._people()
        users = self._users(people)
        account: dict[int, int] = {}  # employee → user
        active: dict[int, bool] = {}  # user → is_active
        by_username: dict[str, tuple[int, int | None]] = {}
        for pk, employee_id, is_active, username in users:
            active[pk] = is_active
            by_username[username] = (pk, employee_id)
            if employee_id is not None:
                account[employee_id] = pk

        new_users: list[
            _Person
        ] = []  # their User objects are built a batch at a time (80,000 at once is heavy)
        links: list[User] = []
        for person in people.values():
            if person.pk in account or not person.active:
                continue
            taken = by_username.get(person.nip)
            if taken is None:
                new_users.append(person)
            elif taken[1] is None:
                links.append(User(pk=taken[0], employee_id=person.pk))
                account[person.pk] = taken[0]
            else:
                self.result.conflicts.append(person.nip)

        deactivate = [uid for epk, uid in account.items() if not people[epk].active and active.get(uid)]
        reactivate = [uid for epk, uid in account.items() if people[epk].active and not active.get(uid, True)]

        # the roles of the accounts in scope (all of them for a full sync)
        scope_users = None if self.ids is None else sorted(set(account.values()))
        role_rows = self._roles(scope_users) if scope_users != [] else []
        auto: dict[Key, tuple[int, dt.datetime]] = {}
        manual: set[Key] = set()
        for pk, user_id, unit_id, role, source, created_at in role_rows:
            if source == RoleSource.AUTO:
                auto[(user_id, unit_id, role)] = (pk, created_at)
            else:
                manual.add((user_id, unit_id, role))
        wanted: set[Key] = set()
        wanted_by_employee: dict[int, set[tuple[int, str]]] = {}
        for person in people.values():
            if not person.active:
                continue
            grants = {(person.unit_id, str(Role.EMPLOYEE))} | {
                (unit, str(Role.LEADER)) for unit in person.heads
            }
            owner = account.get(person.pk)
            if owner is None:
                wanted_by_employee[person.pk] = grants  # an account made below
            else:
                wanted.update((owner, unit, role) for unit, role in grants)
        revoke = [(key, row) for key, row in auto.items() if key not in wanted]
        grant = wanted - auto.keys() - manual

        if not (new_users or links or deactivate or reactivate or revoke or grant):
            return self.result  # nothing differs: nothing written
        with transaction.atomic():
            if new_users:
                for user_id, employee_id in self._create_users(new_users):
                    grant.update((user_id, unit, role) for unit, role in wanted_by_employee[employee_id])
                self.result.created = len(new_users)
            if links:
                User.objects.bulk_update(links, ["employee"], batch_size=BATCH)
                self.result.linked = len(links)
            for chunk in _chunks(deactivate, BATCH):
                User.objects.filter(pk__in=chunk).update(is_active=False)
            for chunk in _chunks(reactivate, BATCH):
                User.objects.filter(pk__in=chunk).update(is_active=True)
            self.result.deactivated, self.result.reactivated = len(deactivate), len(reactivate)
            self._revoke(revoke)
            self._grant(sorted(grant))
        if self.result.changes:
            log.info("account sync: %s", self.result.as_dict())
        return self.result

    def _new_user(self, person: _Person) -> User:
        first, _sep, last = person.name.partition(" ")
        return User(
            username=person.nip,
            email=person.email,
            first_name=first[:150],
            last_name=last[:150],
            # unusable until they set one (Django's own marker: `!` and random characters; no hashing needed)
            password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
            employee_id=person.pk,
            is_active=True,
            date_joined=self.now,
        )

    def _create_users(self, people: list[_Person]) -> list[tuple[int, int]]:
        """Insert the new accounts a batch at a time; (user id, employee id) of each."""
        made: list[tuple[int, int]] = []
        for chunk in _chunks(people, BATCH):
            created = User.objects.bulk_create([self._new_user(p) for p in chunk], batch_size=BATCH)
            if any(user.pk is None for user in created):  # a database that returns no ids from a bulk insert
                ids = [p.pk for p in chunk]
                made.extend(User.objects.filter(employee_id__in=ids).values_list("pk", "employee_id"))
            else:
                made.extend((user.pk, user.employee_id or 0) for user in created)
        return made

    def _grant(self, keys: list[Key]) -> None:
        for chunk in _chunks(keys, BATCH):
            rows = [
                RoleAssignment(user_id=u, unit_id=unit, role=role, source=RoleSource.AUTO)
                for u, unit, role in chunk
            ]
            bulk_create_with_history(
                rows,
                RoleAssignment,
                batch_size=BATCH,
                default_user=self.by,
                default_change_reason=REASON,
                default_date=self.now,
            )
        self.result.granted = len(keys)

    def _revoke(self, revoke: list[tuple[Key, tuple[int, dt.datetime]]]) -> None:
        """Delete automatic roles in bulk, each with its history row ("-", who, why), no query per role."""
        if not revoke:
            return
        history = RoleAssignment.history.model
        gone = [
            RoleAssignment(
                pk=pk,
                user_id=user_id,
                unit_id=unit_id,
                role=role,
                source=RoleSource.AUTO,
                created_at=created_at,
            )
            for (user_id, unit_id, role), (pk, created_at) in revoke
        ]
        history.objects.bulk_create(
            [
                history(
                    history_date=self.now,
                    history_user_id=getattr(self.by, "pk", None),
                    history_change_reason=REASON,
                    history_type="-",
                    **{f.attname: getattr(role, f.attname) for f in history.tracked_fields},
                )
                for role in gone
            ],
            batch_size=BATCH,
        )
        for chunk in _chunks([role.pk for role in gone], BATCH):
            # a plain DELETE: a queryset delete would send a signal (and write a history row) per role
            RoleAssignment.objects.filter(pk__in=chunk)._raw_delete(RoleAssignment.objects.db)
        self.result.revoked = len(gone)


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
