"""One unit picker for long unit lists: a search box that asks the server for at most `LIMIT` matching units.

A page that offers "any unit you may pick" used to render every such unit as an `<option>` (3,000 at ministry
scale). The picker renders only the chosen unit; typing in its search box fetches matches (htmx, `options`
view) into the `<select>`. Without JavaScript the search box is submitted with the form and the re-rendered
page lists the matches (`UnitPicker.value_from_datadict` keeps the term).

Security: the options view lists units from a *registered* function `(user) -> QuerySet[Unit]`, named by the
`field` key; the form builds its field's queryset from the same function (`unit_field`), so the list and the
server-side check (the ModelChoiceField's queryset) are the same set. An unknown key is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Unit

LIMIT = 30
SEARCH_SUFFIX = "_cari"

UnitsFor = Callable[[Any], QuerySet[Unit]]
_REGISTRY: dict[str, UnitsFor] = {}


def register(key: str, units_for: UnitsFor) -> UnitsFor:
    """Name the allowed-units function of one form field (idempotent for the same function)."""
    known = _REGISTRY.get(key)
    if known is not None and known is not units_for:
        raise ValueError(f"unit picker key {key!r} is already registered")
    _REGISTRY[key] = units_for
    return units_for


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


class UnitPicker(forms.Select):
    """A `<select>` holding only the chosen unit (or the matches of a submitted search), with a search box."""

    template_name = "organisations/widgets/unit_picker.html"

    def __init__(self, key: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.key = key
        self.term = ""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.term = (data.get(name + SEARCH_SUFFIX) or "").strip()[:100]
        return super().value_from_datadict(data, files, name)

    def _chosen(self, values: Iterable[str]) -> list[Any]:
        iterator = self.choices
        field = getattr(iterator, "field", None)
        queryset = getattr(iterator, "queryset", None)
        if field is None or queryset is None:
            return []
        key = field.to_field_name or "pk"
        wanted = [v for v in values if v]
        objs: list[Any] = []
        if wanted:
            try:
                objs = list(queryset.filter(**{f"{key}__in": wanted})[:1])
            except (ValueError, TypeError, ValidationError):
                objs = []
        if self.term:
            found = search(queryset, self.term)
            objs += [u for u in found if u not in objs]
        choices: list[Any] = []
        if field.empty_label is not None:
            choices.append(("", field.empty_label))
        choices += [(field.prepare_value(obj), field.label_from_instance(obj)) for obj in objs]
        return choices

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        groups = []
        has_selected = False
        for index, (option_value, option_label) in enumerate(self._chosen(value)):
            if option_value is None:
                option_value = ""
            selected = str(option_value) in value and not has_selected
            has_selected |= selected
            groups.append(
                (
                    None,
                    [self.create_option(name, option_value, option_label, selected, index, attrs=attrs)],
                    index,
                )
            )
        return groups

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["attrs"]["id"] = widget_id
        context["picker"] = {
            "url": reverse("organisations:unit-options"),
            "key": self.key,
            "search_name": name + SEARCH_SUFFIX,
            "search_id": widget_id + SEARCH_SUFFIX,
            "term": self.term,
            "limit": LIMIT,
        }
        return context


class UnitPickerField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return unit_label(obj)


def unit_field(key: str, user: Any, **kwargs: Any) -> UnitPickerField:
    """A unit field whose choices, list and check, are the registered `key` function's units for `user`."""
    kwargs.setdefault("label", _("Unit"))
    return UnitPickerField(allowed_units(key, user), widget=UnitPicker(key), **kwargs)


def unit_form(
    key: str,
    user: Any,
    *,
    data: Any = None,
    unit: Unit | None = None,
    auto_id: str = "id_%s",
    **field_kwargs: Any,
) -> forms.Form:
    """A one-field form (`unit`) for a page's own filter or pick form: render `form.unit` in its `<form>`.

    Unbound: the page reads and checks `unit` itself; `data` (the query string) only brings back a search
    typed without JavaScript, whose matches are then listed."""
    form = forms.Form(initial={"unit": unit.pk if unit else None}, auto_id=auto_id)
    field = unit_field(key, user, **field_kwargs)
    form.fields["unit"] = field
    if data is not None:
        assert isinstance(field.widget, UnitPicker)
        field.widget.term = (data.get("unit" + SEARCH_SUFFIX) or "").strip()[:100]
    return form
