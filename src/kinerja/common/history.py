"""Who made a change, for django-simple-history: one helper every service uses before it saves."""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias, TypeVar

T = TypeVar("T")
HISTORY_REASON_MAX = 100  # simple_history's change-reason column


class User(Protocol):
    """What the workflow asks of a user: who it is, and whether the permission layer lets it act."""

    @property
    def pk(self) -> Any: ...

    def has_perm(self, perm: str, obj: Any = ...) -> bool: ...


Actor: TypeAlias = User | None
"""Who takes an action: a user, or `None` for the system (the demo, a scheduled job, an administrator's command)."""


def recorded(obj: T, by: Actor, reason: str = "") -> T:
    """Stamp `obj`'s next save with its author (`None` = a system action) and, when given, the reason.

    Outside a request no middleware tells simple_history the user, so services say it themselves.
    """
    if by is not None:
        obj._history_user = by  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason[:HISTORY_REASON_MAX]  # type: ignore[attr-defined]
    return obj


def author(by: Actor) -> Any:
    """`by` as a model's user foreign key takes it: the concrete user model (unknown to common), or None (the system)."""
    return by
