"""One unit picker for long unit lists: a search box that asks the server for at most `LIMIT` matching units.

A page that offers "any unit you may pick" used to render every such unit as an `<option>` (3,000 at ministry
scale). The picker renders only the chosen unit; typing in its search box fetches matches (htmx, `options`
view) into the `<select>`. Without JavaScript the search box is submitted with the form and the re-rendered
page lists the matches (`UnitPicker.value_from_datadict` keeps the term).

The machinery is shared with the employee picker (`kinerja.common.picker`).

Security: the options view lists units from a *registered* function `(user) -> QuerySet[Unit]`, named by the
`field` key; the form builds its field's queryset from the same function (`unit_field`), so the list and the
server-side check (the ModelChoiceField's queryset) are the same set. An unknown key is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.common import picker
from kinerja.common.picker import LIMIT, SEARCH_SUFFIX

from .models import Unit

__all__ = [
    "LIMIT",
    "SEARCH_SUFFIX",
    "UnitPicker",
    "allowed_units",
    "register",
    "search",
    "unit_field",
    "unit_form",
]

UnitsFor = Callable[[Any], QuerySet[Unit]]
_REGISTRY: picker.Registry[UnitsFor] = picker.Registry("unit")


def register(key: str, units_for: UnitsFor) -> UnitsFor:
    """Name the allowed-units function of one form field (idempotent for the same function)."""
    return _REGISTRY.register(key, units_for)


def allowed_units(key: str, user: Any) -> QuerySet[Unit]:
    """The units field `key` lets `user` pick (KeyError for an unknown key)."""
    return _REGISTRY[key](user)


def search(units: QuerySet[Unit], term: str) -> QuerySet[Unit]:
    """`units` whose code or name (either language) contains `term`, by code; the first `LIMIT`."""
    term = term.strip()[:100]
    if term:
        units = units.filter(
            Q(code__icontains=term) | Q(name_id__icontains=term) | Q(name_en__icontains=term)
        )
    return units.order_by("code").only("pk", "code", "name_id", "name_en")[:LIMIT]


def unit_label(unit: Unit) -> str:
    return f"{unit.code} — {unit.name}"


class UnitPicker(picker.SearchSelect):
    """A `<select>` holding only the chosen unit (or the matches of a submitted search), with a search box.
    `by_code`: the options found carry the unit's code, not its id (a field with `to_field_name="code"`, for
    addresses a person can read, `?unit=KPP-001`)."""

    template_name = "organisations/widgets/unit_picker.html"
    url_name = "organisations:unit-options"
    search = staticmethod(search)

    def __init__(self, key: str, attrs: dict[str, Any] | None = None, *, by_code: bool = False) -> None:
        super().__init__(key, attrs)
        self.by_code = by_code

    def picker_context(self, name: str, widget_id: str) -> dict[str, Any]:
        return {**super().picker_context(name, widget_id), "by": "code" if self.by_code else ""}


class UnitPickerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


def unit_field(key: str, user: Any, **kwargs: Any) -> UnitPickerField:
    """A unit field whose choices, list and check, are the registered `key` function's units for `user`."""
    kwargs.setdefault("label", _("Unit"))
    widget = UnitPicker(key, by_code=kwargs.get("to_field_name") == "code")
    return UnitPickerField(allowed_units(key, user), widget=widget, **kwargs)


def unit_form(
    key: str,
    user: Any,
    *,
    data: Any = None,
    unit: Unit | None = None,
    auto_id: str = "id_%s",
    **field_kwargs: Any,
) -> forms.Form:
    """A one-field form (`unit`) for a page's own filter or pick form (`picker.one_field_form`)."""
    field = unit_field(key, user, **field_kwargs)
    return picker.one_field_form("unit", field, initial=unit.pk if unit else None, data=data, auto_id=auto_id)
