"""Strategy pages: thin views over `selectors`, `services`, `validation` and `drawing`.

A map the user may not see answers 404 (its existence is not disclosed); an
action the user may not take answers 403. Both questions go to the one
permission layer (`accounts/rules.py`).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.accounts.rules import PLAN_ROLES

from . import drawing, exports, selectors, services
from .forms import CopyForm, LinkForm, MapCreateForm, MapForm, ObjectiveForm, PerspectivesForm, ReasonForm
from .models import Objective, ObjectiveLink, StrategyMap
from .validation import validate_map


def _visible_map(request: HttpRequest, pk: int) -> StrategyMap:
    try:
        strategy_map = selectors.map_for_page(pk)
    except StrategyMap.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm("strategy.view_strategymap", strategy_map):
        raise Http404
    return strategy_map


def _require(request: HttpRequest, perm: str, obj: Any) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


def _require_change(request: HttpRequest, strategy_map: StrategyMap) -> None:
    """403 unless the user may edit the map now (its state allows edits and the user plans for its unit)."""
    if not services.can(request.user, "change", strategy_map):
        raise PermissionDenied


def _form_errors(form: Any, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    maps = list(selectors.maps_visible_to(request.user))
    by_year: dict[int, list[StrategyMap]] = defaultdict(list)
    for strategy_map in maps:
        by_year[strategy_map.plan_year.year].append(strategy_map)
    return render(
        request,
        "strategy/index.html",
        {
            "years": sorted(by_year.items(), reverse=True),
            "can_create": request.user.has_perm("strategy.add_strategymap"),
        },
    )


@login_required
def map_create(request: HttpRequest) -> HttpResponse:
    _require(request, "strategy.add_strategymap", None)
    units = selectors.map_owner_units(request.user, PLAN_ROLES)
    form = MapCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_map = services.create_map(
                unit=form.cleaned_data["unit"], plan_year=form.cleaned_data["plan_year"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Peta strategi dibuat."))
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "strategy/form.html",
        {"form": form, "title": _("Peta strategi baru"), "cancel_url": reverse("strategy:index")},
    )


def _map_context(request: HttpRequest, strategy_map: StrategyMap) -> dict[str, Any]:
    data = selectors.load_map_data(strategy_map)
    findings = validate_map(data)
    user = request.user
    svg = drawing.draw_map(data, href=lambda pk: reverse("strategy:objective", args=[pk]), title="")
    kpi_counts = {o.pk: len(data.kpis_of(o)) for o in data.objectives}
    bands = [
        {"perspective": p, "objectives": [(o, kpi_counts[o.pk]) for o in data.objectives_of(p)]}
        for p in data.perspectives
    ]
    weights = [p.weight for p in data.perspectives if p.weight is not None]
    return {
        "map": strategy_map,
        "data": data,
        "svg": svg,
        "bands": bands,
        "weight_total": sum(weights) if weights else None,
        "findings": findings,
        "blocking": [f for f in findings if f.blocks],
        "warnings": [f for f in findings if not f.blocks],
        "changes": selectors.state_changes(strategy_map),
        "can_edit": services.can(user, "change", strategy_map),
        "can_submit": services.can(user, "submit", strategy_map),
        "can_approve": services.can(user, "approve", strategy_map),
        "can_return": services.can(user, "return", strategy_map),
        "can_revise": services.can(user, "revise", strategy_map),
        "can_copy": user.has_perm("strategy.copy_strategymap", strategy_map),
        "reason_form": ReasonForm(),
    }


@login_required
def map_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    return render(request, "strategy/map_detail.html", _map_context(request, strategy_map))


def _download_name(strategy_map: StrategyMap, ext: str) -> str:
    return f"peta-strategi-{slugify(strategy_map.unit.code)}-{strategy_map.plan_year.year}.{ext}"


def _map_svg(strategy_map: StrategyMap) -> str:
    data = selectors.load_map_data(strategy_map)
    return drawing.draw_map(
        data,
        title=_("Peta Strategi %(unit)s %(year)s")
        % {
            "unit": strategy_map.unit.name,
            "year": strategy_map.plan_year.year,
        },
    )


@login_required
def map_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The map picture as SVG, PNG or PDF (PNG and PDF rendered from the same SVG)."""
    strategy_map = _visible_map(request, pk)
    svg = _map_svg(strategy_map)
    if fmt == "svg":
        body, content_type = svg.encode("utf-8"), "image/svg+xml"
    elif fmt == "png":
        body, content_type = exports.svg_to_png(svg), "image/png"
    elif fmt == "pdf":
        body, content_type = exports.svg_to_pdf(svg), "application/pdf"
    else:
        raise Http404
    response = HttpResponse(body, content_type=content_type)
    disposition = "inline" if fmt == "svg" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{_download_name(strategy_map, fmt)}"'
    return response


@login_required
def map_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    form = MapForm(request.POST or None, instance=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_map(
                strategy_map=strategy_map,
                vision=form.cleaned_data["vision"],
                mission=form.cleaned_data["mission"],
                by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Visi dan misi"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


@login_required
def perspectives_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    perspectives = list(strategy_map.perspectives.order_by("order"))
    form = PerspectivesForm(request.POST or None, perspectives=perspectives)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_perspectives(strategy_map=strategy_map, values=form.values(), by=request.user)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Perspektif disimpan."))
            return redirect("strategy:map", strategy_map.pk)
    return render(request, "strategy/perspectives_form.html", {"form": form, "map": strategy_map})


def _save_objective(
    request: HttpRequest, strategy_map: StrategyMap, objective: Objective | None
) -> HttpResponse:
    form = ObjectiveForm(request.POST or None, instance=objective, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_objective(
                strategy_map=strategy_map,
                objective=objective,
                perspective=data["perspective"],
                code=data["code"],
                name_id=data["name_id"],
                name_en=data["name_en"],
                description=data["description"],
                theme=data["theme"],
                owner_position=data["owner_position"],
                weight=data["weight"],
                by=request.user,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("SS %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:objective", saved.pk)
    title = _("Ubah SS %(code)s") % {"code": objective.code} if objective else _("SS baru")
    cancel = (
        reverse("strategy:objective", args=[objective.pk])
        if objective
        else reverse("strategy:map", args=[strategy_map.pk])
    )
    return render(
        request,
        "strategy/form.html",
        {"form": form, "map": strategy_map, "title": title, "cancel_url": cancel},
    )


@login_required
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    return _save_objective(request, strategy_map, None)


def _visible_objective(request: HttpRequest, pk: int) -> Objective:
    objective = get_object_or_404(
        Objective.objects.select_related(
            "map__unit", "map__plan_year", "perspective", "theme", "owner_position"
        ),
        pk=pk,
    )
    if not request.user.has_perm("strategy.view_objective", objective):
        raise Http404
    return objective


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _visible_objective(request, pk)
    _require_change(request, objective.map)
    return _save_objective(request, objective.map, objective)


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from kinerja.kpis.selectors import kpis_of_objective

    objective = _visible_objective(request, pk)
    links = ObjectiveLink.objects.filter(map=objective.map_id).select_related("cause", "effect")
    return render(
        request,
        "strategy/objective_detail.html",
        {
            "objective": objective,
            "map": objective.map,
            "kpis": kpis_of_objective(objective),
            "causes": [link for link in links if link.effect_id == objective.pk],
            "effects": [link for link in links if link.cause_id == objective.pk],
            "can_edit": services.can(request.user, "change", objective.map),
        },
    )


@login_required
def objective_delete(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _visible_objective(request, pk)
    _require_change(request, objective.map)
    if request.method == "POST":
        services.delete_objective(objective=objective, by=request.user)
        messages.success(request, _("SS %(code)s dihapus.") % {"code": objective.code})
        return redirect("strategy:map", objective.map_id)
    return render(
        request,
        "strategy/confirm_delete.html",
        {"object": objective, "map": objective.map, "cancel_url": reverse("strategy:objective", args=[pk])},
    )


@login_required
def link_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    form = LinkForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_link(
                cause=form.cleaned_data["cause"], effect=form.cleaned_data["effect"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Hubungan sebab-akibat ditambahkan."))
            return redirect(reverse("strategy:map", args=[pk]) + "#hubungan")
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Hubungan sebab-akibat baru"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


@login_required
@require_POST
def link_delete(request: HttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(ObjectiveLink.objects.select_related("map__unit", "map__plan_year"), pk=pk)
    if not request.user.has_perm("strategy.view_strategymap", link.map):
        raise Http404
    _require_change(request, link.map)
    services.delete_link(link=link, by=request.user)
    messages.success(request, _("Hubungan sebab-akibat dihapus."))
    return redirect(reverse("strategy:map", args=[link.map_id]) + "#hubungan")


TRANSITIONS = {  # URL word: (service action, needs a reason)
    "ajukan": ("submit", False),
    "setujui": ("approve", False),
    "kembalikan": ("return", True),
    "revisi": ("revise", True),
}


@login_required
@require_POST
def map_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Workflow buttons: submit, approve, return (with reason), revise (with reason)."""
    strategy_map = _visible_map(request, pk)
    if action not in TRANSITIONS:
        raise Http404
    step, needs_reason = TRANSITIONS[action]
    _require(request, services.ACTION_PERM[step], strategy_map)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        if action == "ajukan":
            services.submit_map(strategy_map=strategy_map, by=request.user)
            messages.success(request, _("Peta strategi diajukan."))
        elif action == "setujui":
            services.approve_map(strategy_map=strategy_map, by=request.user)
            messages.success(request, _("Peta strategi disetujui."))
        elif action == "kembalikan":
            services.return_map(strategy_map=strategy_map, reason=reason, by=request.user)
            messages.success(request, _("Peta strategi dikembalikan untuk diperbaiki."))
        else:
            services.revise_map(strategy_map=strategy_map, reason=reason, by=request.user)
            messages.success(request, _("Revisi peta strategi dimulai."))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        if needs_reason and not form.is_valid():
            context = _map_context(request, selectors.map_for_page(pk))
            context["reason_form"] = form
            return render(request, "strategy/map_detail.html", context, status=400)
    return redirect("strategy:map", pk)


@login_required
def map_copy(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require(request, "strategy.copy_strategymap", strategy_map)
    form = CopyForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_year(
                from_map=strategy_map, to_year=form.cleaned_data["to_year"], by=request.user
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Peta strategi disalin ke tahun %(year)s.") % {"year": copy.plan_year.year}
            )
            return redirect("strategy:map", copy.pk)
    return render(
        request,
        "strategy/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Salin peta ke tahun lain"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )
