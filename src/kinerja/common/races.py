"""Concurrent writers get a clean answer: a lost race becomes a `Conflict`, never a 500.

A `Conflict` is a Django `ValidationError` with the code `conflict`: a page shows its message like
any service error, the API answers it (409 when the exception handler maps the code; 400 otherwise).
`retry_on_race` runs a unit of work again when it lost a race it can win on a second try (an insert
under a unique constraint that another writer made first: the second try finds the row).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, OperationalError
from django.utils.translation import gettext as _

T = TypeVar("T")

# PostgreSQL's SQLSTATEs of a lost race: deadlock_detected, serialization_failure, lock_not_available
RACE_STATES = frozenset({"40P01", "40001", "55P03"})
CONFLICT_CODE = "conflict"  # the ValidationError code of a lost race (the API answers it with 409)


class Conflict(ValidationError):
    """Another writer changed the same rows at the same time; the request may be tried again."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _("Data yang sama sedang diubah oleh pengguna lain; muat ulang halaman lalu coba lagi."),
            code=CONFLICT_CODE,
        )


def is_race(error: DatabaseError) -> bool:
    """An IntegrityError (a unique row someone else inserted first) or a deadlock / serialization failure."""
    if isinstance(error, IntegrityError):
        return True
    if isinstance(error, OperationalError):
        state = getattr(getattr(error, "__cause__", None), "sqlstate", None) or getattr(
            getattr(error, "__cause__", None), "pgcode", None
        )
        return state in RACE_STATES
    return False


@contextmanager
def conflicts(message: str | None = None) -> Iterator[None]:
    """A lost race inside the block (which must be or contain its own `atomic()`) becomes a `Conflict`."""
    try:
        yield
    except DatabaseError as error:
        if is_race(error):
            raise Conflict(message) from error
        raise


def retry_on_race(work: Callable[[], T], *, attempts: int = 3, message: str | None = None) -> T:
    """`work()` (one transaction of its own), tried again after a lost race; a `Conflict` when every try lost."""
    for attempt in range(attempts):
        try:
            return work()
        except DatabaseError as error:
            if not is_race(error):
                raise
            if attempt == attempts - 1:
                raise Conflict(message) from error
    raise AssertionError("unreachable")
