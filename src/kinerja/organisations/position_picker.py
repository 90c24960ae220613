"""A position picker for long lists of positions: a search box (the position's title, or its unit's code) that
asks the server for at most `LIMIT` matches, the twin of the unit, employee and meeting pickers
(`kinerja.common.picker`).

A contract's replacement offered every position of the contract's unit subtree as an `<option>` (1,708 for a
regional office at ministry scale, thousands for an echelon I). The picker renders only the chosen position;
typing lists the matches, in tree order.

Security: the options view (`organisations:position-picker-options`) lists positions from a *registered*
function `(user, scope) -> QuerySet[Position]` named by the field key; `scope` (e.g. the contract being replaced)
is a string from the request that the function checks itself (returning none when the user may not act there).
The form's field takes its queryset from the same function (`position_field`), so the list and the server-side
check are one set. An unknown key is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from kinerja.common import picker
from kinerja.common.picker import LIMIT

from .models import Position

PositionsFor = Callable[[Any, str], QuerySet[Position]]
_REGISTRY: picker.Registry[PositionsFor] = picker.Registry("position")


def register(key: str, positions_for: PositionsFor) -> PositionsFor:
    """Name the allowed-positions function `(user, scope)` of one form field (idempotent for the same function)."""
    return _REGISTRY.register(key, positions_for)


def allowed_positions(key: str, user: Any, scope: Any = "") -> QuerySet[Position]:
    """The positions field `key` lets `user` pick in `scope` (KeyError for an unknown key)."""
    positions: QuerySet[Position] = _REGISTRY.scoped(key, user, scope)
    return positions


def search(positions: QuerySet[Position], term: str) -> QuerySet[Position]:
    """`positions` whose title contains `term` or whose unit's code starts with it, in tree order; the first
    `LIMIT` (the first of all of them for an empty term)."""
    term = term.strip()[:100]
    if term:
        positions = positions.filter(
            Q(title_id__icontains=term) | Q(title_en__icontains=term) | Q(unit__code__istartswith=term)
        )
    return positions.select_related("unit").order_by("unit__path", "title_id", "pk")[:LIMIT]


def position_label(position: Position) -> str:
    """«title — unit code»."""
    return f"{position.title} — {position.unit.code}"


def rows(positions: Iterable[Position]) -> list[tuple[int, str]]:
    return [(p.pk, position_label(p)) for p in positions]


class PositionPicker(picker.SearchSelect):
    """One position: a `<select>` holding only the chosen one (or the matches of a submitted search)."""

    template_name = "organisations/widgets/position_picker.html"
    url_name = "organisations:position-picker-options"
    search = staticmethod(search)


class PositionField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return position_label(obj)


def position_field(key: str, user: Any, scope: Any = "", **kwargs: Any) -> PositionField:
    """A position field whose choices, list and check, are the registered `key` function's positions for `user`
    in `scope`."""
    positions = allowed_positions(key, user, scope).select_related("unit")
    return PositionField(positions, widget=PositionPicker(key, scope=scope), **kwargs)


__all__ = [
    "LIMIT",
    "PositionPicker",
    "allowed_positions",
    "position_field",
    "position_label",
    "register",
    "rows",
    "search",
]
