"""Pages for the organisation: the unit tree, unit pages, positions and employees.

Views stay thin: fetch within reach (selectors), ask the rules layer, call a
service, render. An object outside the user's subtree is not found (404); one
inside it that the user may not change is forbidden (403).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.accounts.services import revoke_role
from kinerja.common import picker
from kinerja.common.search import CappedPaginator
from kinerja.common.web import is_htmx, object_for, require, service_errors_on

from . import employee_picker, position_picker, selectors, services, unit_picker
from .filters import EmployeeFilter, UnitFilter
from .forms import EmployeeForm, GrantRoleForm, PositionForm, UnitForm, UnitMoveForm
from .models import Employee, Unit
from .reorganisation import lineage_of

LIST_PAGE_SIZE = 50
SEARCH_COUNT_CAP = 1000  # a search counts this many matches past its page at most ("more than …")
UNIT_EMPLOYEES_PAGE_SIZE = 25


def _page(request: HttpRequest, queryset: QuerySet[Any], size: int, param: str = "page") -> Page:
    return Paginator(queryset, size).get_page(request.GET.get(param))


def _search_page(request: HttpRequest, queryset: QuerySet[Any], size: int, param: str = "page") -> Page:
    """A page of search results, counting at most SEARCH_COUNT_CAP matches past it (kinerja.common.search)."""
    number = request.GET.get(param)
    return CappedPaginator(queryset, size, number=number, cap=SEARCH_COUNT_CAP).get_page(number)


def _querystring_without(request: HttpRequest, param: str) -> str:
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


# ---------------------------------------------------------------- units


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    """The tree of units the user reaches (top two levels; deeper levels load on demand) or search results."""
    user = request.user
    filterset = UnitFilter(request.GET, queryset=selectors.units_for(user))
    context: dict[str, Any] = {"filter": filterset, "searching": filterset.is_searching}
    if filterset.is_searching:
        page = _search_page(request, filterset.qs, LIST_PAGE_SIZE)
        page.object_list = units = list(page.object_list)
        parents = selectors.parents_of_many(units)
        for unit in units:
            unit.parent_unit = parents.get(unit.path[: -Unit.steplen])
        context.update(page=page, query=_querystring_without(request, "page"))
    else:
        roots = list(selectors.unit_roots(user))
        children = selectors.children_of_many(roots)
        context["tree"] = [(root, children[root.pk]) for root in roots]
    if is_htmx(request, "unit-results"):
        return render(request, "organisations/_unit_results.html", {**context, "oob": True})
    return render(request, "organisations/unit_list.html", context)


@login_required
@require_GET
def unit_children(request: HttpRequest, code: str) -> HttpResponse:
    """The children of a unit as tree items (htmx, when a branch is opened)."""
    unit = object_for(request, selectors.units_for(request.user), "organisations.view_unit", code=code)
    return render(request, "organisations/_unit_branch.html", {"units": selectors.unit_children(unit)})


@login_required
@require_GET
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    unit = object_for(request, selectors.units_for(user), "organisations.view_unit", code=code)
    employees = _page(request, selectors.employees_in(unit), UNIT_EMPLOYEES_PAGE_SIZE, "hal")
    context = {
        "unit": unit,
        "crumbs": selectors.unit_ancestors(unit, user=user),
        "children": selectors.unit_children(unit),
        "positions": selectors.positions_in(unit),
        "employees": employees,
        "history": selectors.history_of(unit),
        "lineage": lineage_of(unit),  # closed by / formed by a reorganisation (issue 15)
    }
    if is_htmx(request, "unit-employees"):
        return render(request, "organisations/_unit_employees.html", context)
    return render(request, "organisations/unit_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, code: str) -> HttpResponse:
    """A new unit under the unit `code`."""
    parent = object_for(request, selectors.units_for(request.user), "organisations.add_unit", code=code)
    form = UnitForm(request.POST or None, parent=parent)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            unit = services.create_unit(parent=parent, by=request.user, **form.service_kwargs())
            messages.success(request, _("Unit %(code)s ditambahkan.") % {"code": unit.code})
            return redirect("organisations:unit-detail", unit.code)
    return render(
        request,
        "organisations/unit_form.html",
        {
            "form": form,
            "parent": parent,
            "title": _("Tambah unit di bawah %(name)s") % {"name": parent.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_update(request: HttpRequest, code: str) -> HttpResponse:
    unit = object_for(request, selectors.units_for(request.user), "organisations.change_unit", code=code)
    parent = selectors.parent_of(unit)
    # the form works on its own copy, so a rejected edit never shows in the page's headings
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk), parent=parent)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_unit(unit=unit, by=request.user, **form.service_kwargs())
            messages.success(request, _("Perubahan unit %(code)s disimpan.") % {"code": unit.code})
            return redirect("organisations:unit-detail", unit.code)
    return render(
        request,
        "organisations/unit_form.html",
        {
            "form": form,
            "unit": unit,
            "parent": parent,
            "title": _("Ubah unit %(code)s") % {"code": unit.code},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, code: str) -> HttpResponse:
    unit = object_for(request, selectors.units_for(request.user), "organisations.change_unit", code=code)
    form = UnitMoveForm(request.POST or None, unit=unit, user=request.user)
    if request.method == "POST" and form.is_valid():
        new_parent = form.cleaned_data["new_parent"]
        require(request, "organisations.add_unit", new_parent)
        with service_errors_on(form):
            services.move_unit(unit=unit, new_parent=new_parent, by=request.user)
            messages.success(
                request,
                _("Unit %(code)s dipindahkan ke bawah %(parent)s.")
                % {"code": unit.code, "parent": new_parent.code},
            )
            return redirect("organisations:unit-detail", unit.code)
    return render(
        request,
        "organisations/unit_move.html",
        {
            "form": form,
            "unit": unit,
            "parent": selectors.parent_of(unit),
        },
    )


# ---------------------------------------------------------------- positions


@login_required
@require_http_methods(["GET", "POST"])
def position_create(request: HttpRequest, code: str) -> HttpResponse:
    unit = object_for(request, selectors.units_for(request.user), "organisations.add_position", code=code)
    form = PositionForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.create_position(unit=unit, by=request.user, **form.service_kwargs())
            messages.success(request, _("Jabatan ditambahkan."))
            return redirect("organisations:unit-detail", unit.code)
    return render(
        request,
        "organisations/position_form.html",
        {
            "form": form,
            "unit": unit,
            "title": _("Tambah jabatan di %(name)s") % {"name": unit.name},
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def position_update(request: HttpRequest, code: str) -> HttpResponse:
    position = object_for(
        request, selectors.positions_for(request.user), "organisations.change_position", code=code
    )
    unit = position.unit
    form = PositionForm(request.POST or None, instance=type(position).objects.get(pk=position.pk), unit=unit)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            services.update_position(position=position, by=request.user, **form.service_kwargs())
            messages.success(request, _("Perubahan jabatan disimpan."))
            return redirect("organisations:unit-detail", unit.code)
    return render(
        request,
        "organisations/position_form.html",
        {
            "form": form,
            "unit": unit,
            "position": position,
            "title": _("Ubah jabatan %(title)s") % {"title": position.title},
        },
    )


@login_required
@require_GET
def position_options(request: HttpRequest) -> HttpResponse:
    """<option>s for the positions of the unit chosen in the employee form (htmx)."""
    code = request.GET.get("unit", "")
    unit = selectors.units_for(request.user).filter(code=code).first() if code else None
    positions = selectors.positions_in(unit) if unit is not None else []
    return render(request, "organisations/_position_options.html", {"positions": positions})


@login_required
@require_GET
def position_picker_options(request: HttpRequest) -> HttpResponse:
    """<option>s for a position picker (htmx): the first matches of `<name>_cari` (title or unit code) among the
    positions the registered field `field` lets this user pick in `scope`, never more (see `position_picker`)."""
    found = picker.matches(request, "jabatan", position_picker.allowed_positions, position_picker.search)
    return render(
        request, "organisations/_position_picker_options.html", {"rows": position_picker.rows(found)}
    )


def _units_allowed(key: str, user: Any, _scope: str) -> Any:
    return unit_picker.allowed_units(key, user)  # a unit field has no scope


@login_required
@require_GET
def unit_options(request: HttpRequest) -> HttpResponse:
    """<option>s for a unit picker (htmx): the first matches of `<name>_cari` among the units the registered
    field `field` lets this user pick, never more (see `unit_picker`)."""
    units = picker.matches(request, "unit", _units_allowed, unit_picker.search)
    by_code = request.GET.get("by") == "code"  # a field that names units by code (`UnitPicker.by_code`)
    return render(request, "organisations/_unit_options.html", {"units": units, "by_code": by_code})


@login_required
@require_GET
def employee_options(request: HttpRequest) -> HttpResponse:
    """<option>s (or, `multi`, boxes to tick) for an employee picker (htmx): the first matches of `<name>_cari`
    (name or NIP) among the people the registered field `field` lets this user pick in `scope`, less those
    already chosen (`<name>`), never more (see `employee_picker`)."""
    key, name, term = picker.options_query(request, "employee")
    people: list[Any] = []
    if key:
        try:
            allowed = employee_picker.allowed_people(key, request.user, request.GET.get("scope", ""))
        except KeyError:
            raise Http404 from None
        chosen = [v for v in request.GET.getlist(name)[:500] if v.isdigit() and len(v) < 12]
        people = list(employee_picker.search(allowed.exclude(pk__in=chosen), term))
    context = {"rows": employee_picker.rows(people), "multi": bool(request.GET.get("multi")), "name": name}
    return render(request, "organisations/_employee_options.html", context)


# ---------------------------------------------------------------- employees


@login_required
@require_GET
def employee_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = EmployeeFilter(request.GET, queryset=selectors.scoped_employees(user), user=user)
    # the page's units and positions read for its rows only (two small queries): joined into the search,
    # PostgreSQL hashes all 3,000 units and 9,000 positions before it keeps the page's 25 people
    people = filterset.qs.select_related(None).prefetch_related("unit", "position")
    page = _search_page(request, people, LIST_PAGE_SIZE)
    context = {"filter": filterset, "page": page, "query": _querystring_without(request, "page")}
    if is_htmx(request, "employee-results"):
        return render(request, "organisations/_employee_results.html", {**context, "oob": True})
    return render(request, "organisations/employee_list.html", context)


def _employee_queryset(user: Any) -> QuerySet[Employee]:
    return selectors.scoped_employees(user).select_related("unit", "position", "superior", "superior__unit")


@login_required
@require_GET
def employee_detail(request: HttpRequest, nip: str) -> HttpResponse:
    employee = object_for(request, _employee_queryset(request.user), "organisations.view_employee", nip=nip)
    return render(
        request,
        "organisations/employee_detail.html",
        {
            "employee": employee,
            "subordinates": selectors.subordinates_of(employee),
            "assignments": selectors.assignments_of(employee),
            "history": selectors.history_of(employee),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def employee_create(request: HttpRequest) -> HttpResponse:
    require(request, "organisations.add_employee")
    initial: dict[str, Any] = {"start": dt.date.today()}
    if code := request.GET.get("unit"):
        initial["unit"] = selectors.units_for(request.user).filter(code=code).first()
    form = EmployeeForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        require(request, "organisations.add_employee", form.cleaned_data["unit"])
        with service_errors_on(form):
            employee = services.create_employee(by=request.user, **form.service_kwargs())
            messages.success(request, _("Pegawai %(name)s ditambahkan.") % {"name": employee.name})
            return redirect("organisations:employee-detail", employee.nip)
    return render(request, "organisations/employee_form.html", {"form": form, "title": _("Tambah pegawai")})


@login_required
@require_http_methods(["GET", "POST"])
def employee_update(request: HttpRequest, nip: str) -> HttpResponse:
    employee = object_for(request, _employee_queryset(request.user), "organisations.change_employee", nip=nip)
    form = EmployeeForm(
        request.POST or None, instance=_employee_queryset(request.user).get(pk=employee.pk), user=request.user
    )
    if request.method == "POST" and form.is_valid():
        if form.moves:
            require(request, "organisations.move_employee", employee)
            require(request, "organisations.add_employee", form.cleaned_data["unit"])
        with service_errors_on(form):
            employee = services.update_employee(employee=employee, by=request.user, **form.service_kwargs())
            messages.success(request, _("Perubahan data %(name)s disimpan.") % {"name": employee.name})
            return redirect("organisations:employee-detail", employee.nip)
    return render(
        request,
        "organisations/employee_form.html",
        {
            "form": form,
            "employee": employee,
            "title": _("Ubah data pegawai"),
        },
    )


# --------------------------------------------------------------------------- roles on units


@login_required
@require_http_methods(["GET", "POST"])
def role_list(request: HttpRequest) -> HttpResponse:
    require(request, "accounts.manage_roles")
    form = GrantRoleForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        granted = form.save()
        messages.success(
            request,
            _("Peran %(role)s pada %(unit)s diberikan kepada %(user)s.")
            % {"role": granted.get_role_display(), "unit": granted.unit.code, "user": granted.user.username},
        )
        return redirect("organisations:role-list")
    page = Paginator(selectors.role_assignments_managed_by(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "organisations/role_list.html", {"form": form, "page": page})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    granted = object_for(
        request, selectors.role_assignments_managed_by(request.user), "accounts.manage_roles", pk=pk
    )
    user = granted.user
    try:
        revoke_role(granted=granted, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("organisations:role-list")
    messages.success(
        request,
        _("Peran %(role)s pada %(unit)s dicabut dari %(user)s.")
        % {"role": granted.get_role_display(), "unit": granted.unit.code, "user": user.username},
    )
    return redirect("organisations:role-list")
