"""What the search-as-you-type pickers share (`organisations.unit_picker`, `organisations.employee_picker`).

A picker renders only the chosen row(s) and a search box; typing fetches at most `LIMIT` matches (htmx) from
an options view that lists the rows of a *registered* function, named by the field's key, for the signed-in
user. The form's field takes its queryset from the same function, so the list offered and the server-side
check are one set. Without JavaScript the search box is submitted with the form (`<name>_cari`) and the
re-rendered page lists the matches; a form that saves on POST asks `searching(request.POST)` first: a search
button (`SEARCH_BUTTON`) pressed means "show the matches", not "save".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Generic, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

LIMIT = 30
SEARCH_SUFFIX = "_cari"
# the name of a picker's own search button (its value: the field's name), for forms that save on POST
SEARCH_BUTTON = "_cari_pilihan"

F = TypeVar("F", bound=Callable[..., Any])


class Registry(Generic[F]):
    """The allowed-rows functions of the picker fields of one kind, by key."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._known: dict[str, F] = {}

    def register(self, key: str, rows_for: F) -> F:
        """Name the allowed-rows function of one form field (idempotent for the same function)."""
        known = self._known.get(key)
        if known is not None and known is not rows_for:
            raise ValueError(f"{self.kind} picker key {key!r} is already registered")
        self._known[key] = rows_for
        return rows_for

    def __getitem__(self, key: str) -> F:
        """The function of field `key` (KeyError for an unknown key: the options view's 404)."""
        return self._known[key]

    def scoped(self, key: str, user: Any, scope: Any = "") -> Any:
        """The rows field `key` lets `user` pick in `scope` (a page's context, at most 40 characters of it; the
        function checks it itself). KeyError for an unknown key."""
        return self._known[key](user, str(scope or "")[:40])


def options_query(request: Any, default_name: str) -> tuple[str, str, str]:
    """An options view's request: the field key, the widget's name and the search typed."""
    name = request.GET.get("name", default_name)[:100]
    return request.GET.get("field", ""), name, search_term(request.GET, name)


def matches(
    request: Any,
    default_name: str,
    allowed: Callable[[str, Any, str], Any],
    search: Callable[[Any, str], Iterable[Any]],
) -> list[Any]:
    """An options view's rows: `search(allowed(key, user, scope), term)` for the registered field the request
    names (none when it names no field); `Http404` for an unknown field."""
    key, _name, term = options_query(request, default_name)
    if not key:
        return []
    try:
        rows = allowed(key, request.user, request.GET.get("scope", ""))
    except KeyError:
        raise Http404 from None
    return list(search(rows, term))


def scope_pk(scope: str) -> int | None:
    """A picker scope naming a row by primary key (a unit, a meeting, a campaign), else None."""
    return int(scope) if scope.isascii() and scope.isdigit() and len(scope) < 12 else None


def search_term(data: Any, name: str) -> str:
    """The search typed in picker `name`'s box (at most 100 characters)."""
    return (data.get(name + SEARCH_SUFFIX) or "").strip()[:100]


def searching(data: Any) -> bool:
    """A form was submitted by a picker's search button (no JavaScript): show the matches, do not save."""
    return bool(data) and SEARCH_BUTTON in data


def one_field_form(
    name: str, field: forms.Field, *, initial: Any = None, data: Any = None, auto_id: str = "id_%s"
) -> forms.Form:
    """A form of one picker field `name`, for a page's own filter or pick form (render `form[name]` in its
    `<form>`). Unbound: the page reads and checks the value itself; `data` (the query string) only brings
    back a search typed without JavaScript, whose matches are then listed."""
    form = forms.Form(initial={name: initial}, auto_id=auto_id)
    form.fields[name] = field
    if data is not None:
        assert isinstance(field.widget, PickerMixin)
        field.widget.term = search_term(data, name)
    return form


class PickerMixin:
    """The widget side: the chosen rows and, after a search submitted without JavaScript, its matches.

    A subclass names `url_name` (the options view) and `search(queryset, term)` (the first `LIMIT` matches);
    `scope` is passed to the options view and to the registered function (e.g. the unit a dialogue is for)."""

    url_name = ""
    choices: Any

    def __init__(self, key: str, attrs: dict[str, Any] | None = None, *, scope: Any = "") -> None:
        super().__init__(attrs)  # type: ignore[call-arg]
        self.key = key
        self.scope = str(scope or "")
        self.term = ""

    @staticmethod
    def search(queryset: Any, term: str, /) -> Any:
        raise NotImplementedError

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        self.term = search_term(data, name)
        return super().value_from_datadict(data, files, name)  # type: ignore[misc]

    def chosen_and_found(
        self, values: Iterable[Any], *, most: int | None = None
    ) -> tuple[list[Any], list[Any]]:
        """The chosen rows among `values` (at most `most`), and the matches of the submitted search not chosen."""
        field = getattr(self.choices, "field", None)
        queryset = getattr(self.choices, "queryset", None)
        if field is None or queryset is None:
            return [], []
        key = field.to_field_name or "pk"
        wanted = [str(v) for v in values if v not in (None, "")]
        chosen: list[Any] = []
        if wanted:
            try:
                rows = queryset.filter(**{f"{key}__in": wanted})
                chosen = list(rows[:most] if most else rows)
            except (ValueError, TypeError, ValidationError):
                chosen = []
        found = [row for row in self.search(queryset, self.term) if row not in chosen] if self.term else []
        return chosen, found

    def picker_context(self, name: str, widget_id: str) -> dict[str, Any]:
        return {
            "url": reverse(self.url_name),
            "key": self.key,
            "scope": self.scope,
            "search_name": name + SEARCH_SUFFIX,
            "search_id": widget_id + SEARCH_SUFFIX,
            "button_name": SEARCH_BUTTON,
            "term": self.term,
            "limit": LIMIT,
        }


class SearchSelect(PickerMixin, forms.Select):
    """A single-choice picker: a `<select>` holding only the chosen row (or the matches of a submitted search)."""

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        field = getattr(self.choices, "field", None)
        if field is None:
            return []
        chosen, found = self.chosen_and_found(value, most=1)
        choices: list[Any] = [("", field.empty_label)] if field.empty_label is not None else []
        choices += [(field.prepare_value(row), field.label_from_instance(row)) for row in chosen + found]
        groups = []
        has_selected = False
        for index, (option_value, option_label) in enumerate(choices):
            if option_value is None:
                option_value = ""
            selected = str(option_value) in value and not has_selected
            has_selected |= selected
            option = self.create_option(name, option_value, option_label, selected, index, attrs=attrs)
            groups.append((None, [option], index))
        return groups

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["attrs"]["id"] = widget_id
        context["picker"] = self.picker_context(name, widget_id)
        return context
