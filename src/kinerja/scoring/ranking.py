"""Ranking by a score: highest first, ties sharing a rank, N/A never ranked.

`rank(items, key, tie_break=)` is competition ranking ("1224"): equal keys share
the rank of the first of them and the next key's rank skips as many places
(1, 2, 2, 4), so an item's rank is 1 + the number of items with a strictly
greater key. Keys compare as numbers (`Decimal("85.0")` ties with `Decimal(85)`).
An item whose key is None (N/A) gets no rank and comes after every ranked item.
Within equal keys, and among the N/A items, the order is `tie_break` ascending,
then the input order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from kinerja.scoring.explain import settle

__all__ = ["Ranked", "rank"]


def _settled(value: Decimal | None) -> Decimal | None:
    """The key at 22 digits (`explain.settle`): figures equal in exact value tie, whatever their 28th digit."""
    return value if value is None or value.is_nan() else settle(value)


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Ranked(Generic[T]):
    """One ranked item: its `rank` (1 for the highest, None when `key` is N/A) and its `key`."""

    rank: int | None
    item: T
    key: Decimal | None


def rank(
    items: Sequence[T],
    key: Callable[[T], Decimal | None],
    *,
    tie_break: Callable[[T], Any] | None = None,
) -> list[Ranked[T]]:
    """`items` highest `key` first, with competition ranks; N/A keys last and unranked.

    `key` is called once per item; `tie_break` (ascending, e.g. a unit's tree path)
    orders items with equal keys and the N/A items; without it they keep the input
    order. A NaN key is a ValueError (N/A is None).
    """
    keyed = [(_settled(key(item)), item) for item in items]
    for value, _ in keyed:
        if value is not None and value.is_nan():
            raise ValueError("rank: a key is NaN (use None for N/A)")
    if tie_break is not None:
        order = tie_break
        keyed.sort(key=lambda pair: order(pair[1]))  # stable: equal tie-breaks keep the input order
    scored = [(value, item) for value, item in keyed if value is not None]
    scored.sort(key=lambda pair: pair[0], reverse=True)  # stable too, also in reverse
    ranked: list[Ranked[T]] = []
    current, last = 0, Decimal(0)
    for position, (value, item) in enumerate(scored, start=1):
        if position == 1 or value != last:
            current, last = position, value
        ranked.append(Ranked(current, item, value))
    ranked.extend(Ranked(None, item, None) for value, item in keyed if value is None)
    return ranked
