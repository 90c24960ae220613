"""One employee picker for long lists of people: a search box (name or NIP) that asks the server for at most
`LIMIT` matches, the unit picker's twin (`unit_picker`, both on `kinerja.common.picker`).

A form that offered "anyone in the unit's subtree" used to render every such person as an `<option>` or a
checkbox (1,000 on a ministry's 'new dialogue' page). The pickers render only the chosen people:
`EmployeePicker` (one person: a `<select>` filled by the search) and `EmployeesPicker` (several: the chosen as
checked boxes, unchecked to remove; a search lists matches to tick). Without JavaScript the picker's «Cari»
button re-renders the page with the matches (the view asks `picker.searching(request.POST)` before saving).

Security: the options view (`organisations:employee-options`) lists people from a *registered* function
`(user, scope) -> QuerySet[Employee]` named by the field key; `scope` is the page's context (e.g. the unit a
dialogue is for), a string from the request that the function checks itself (returning nobody when the user
may not act there). The form's field takes its queryset from the same function (`employee_field`), so the
list and the server-side check are one set. An unknown key is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet

from kinerja.common import picker
from kinerja.common.picker import LIMIT

from .models import Employee
from .selectors import filter_employees

PeopleFor = Callable[[Any, str], QuerySet[Employee]]
_REGISTRY: picker.Registry[PeopleFor] = picker.Registry("employee")


def register(key: str, people_for: PeopleFor) -> PeopleFor:
    """Name the allowed-people function `(user, scope)` of one form field (idempotent for the same function)."""
    return _REGISTRY.register(key, people_for)


def allowed_people(key: str, user: Any, scope: Any = "") -> QuerySet[Employee]:
    """The people field `key` lets `user` pick in `scope` (KeyError for an unknown key)."""
    people: QuerySet[Employee] = _REGISTRY.scoped(key, user, scope)
    return people


def search(people: QuerySet[Employee], term: str) -> QuerySet[Employee]:
    """`people` whose NIP starts with `term` (digits) or whose name contains it, by name; the first `LIMIT`."""
    return filter_employees(people, q=term.strip()[:100])[:LIMIT]


def employee_label(employee: Employee) -> str:
    """«Name (NIP) — position», else the unit's name."""
    position = employee.position if employee.position_id else None
    where = position.title if position is not None else employee.unit.name
    return f"{employee.name} ({employee.nip}) — {where}"


def rows(people: Iterable[Employee]) -> list[tuple[int, str]]:
    return [(e.pk, employee_label(e)) for e in people]


class EmployeePicker(picker.SearchSelect):
    """One person: a `<select>` holding only the chosen one (or the matches of a submitted search)."""

    template_name = "organisations/widgets/employee_picker.html"
    url_name = "organisations:employee-options"
    search = staticmethod(search)


class EmployeesPicker(picker.PickerMixin, forms.SelectMultiple):
    """Several people: the chosen ones as checked boxes (untick to remove), a search box listing matches to tick."""

    template_name = "organisations/widgets/employees_picker.html"
    url_name = "organisations:employee-options"
    search = staticmethod(search)

    def id_for_label(self, id_: str, index: str | None = None) -> str:
        return id_ + picker.SEARCH_SUFFIX if id_ else id_

    def optgroups(self, name: str, value: list[Any], attrs: dict[str, Any] | None = None) -> list[Any]:
        """None: the template draws the chosen and found rows (`picker`), never an option per allowed person —
        `SelectMultiple` would make one for each (80,000 for an administrator's 'new dialogue' page: 6 s)."""
        return []

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["attrs"]["id"] = widget_id
        chosen, found = self.chosen_and_found(context["widget"]["value"])
        context["picker"] = {
            **self.picker_context(name, widget_id),
            "chosen": rows(chosen),
            "found": rows(found),
            "results_id": widget_id + "_hasil",
            "include": f"#{widget_id}_dipilih input",
        }
        return context


class EmployeeField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return employee_label(obj)


class EmployeesField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return employee_label(obj)


def employee_field(
    key: str,
    user: Any,
    scope: Any = "",
    *,
    multiple: bool = False,
    keep: Iterable[int] = (),
    **kwargs: Any,
) -> forms.ModelChoiceField:
    """A person field (`multiple`: several) whose choices, list and check, are the registered `key` function's
    people for `user` in `scope`, and whoever is already chosen (`keep`, e.g. a participant since moved away)."""
    people = allowed_people(key, user, scope)
    kept = [pk for pk in keep if pk]
    if kept:
        people = people | Employee.objects.filter(pk__in=kept)
    people = people.select_related("position", "unit")
    if multiple:
        kwargs.setdefault("required", False)
        return EmployeesField(people, widget=EmployeesPicker(key, scope=scope), **kwargs)
    return EmployeeField(people, widget=EmployeePicker(key, scope=scope), **kwargs)


__all__ = [
    "LIMIT",
    "EmployeePicker",
    "EmployeesPicker",
    "allowed_people",
    "employee_field",
    "employee_label",
    "register",
    "rows",
    "search",
]
