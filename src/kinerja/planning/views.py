"""Strategy pages: thin views over `selectors`, `services`, `validation` and `drawing`.

A map the user may not see answers 404 (its existence is not disclosed); an
action the user may not take answers 403. Both questions go to the one
permission layer (`accounts/rules.py`).
"""

from __future__ import annotations

import base64
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.accounts.rules import PLAN_ROLES
from kinerja.common.web import form_errors, require, visible_or_404

from . import drawing, exports, selectors, services, workbook
from .forms import (
    CopyForm,
    ImportForm,
    InitiativeForm,
    LinkForm,
    MapCreateForm,
    MapForm,
    MilestoneForm,
    MonitoringForm,
    ObjectiveForm,
    PerspectivesForm,
    ProgressForm,
    ReasonForm,
    RiskForm,
    ThemeForm,
    UnitPlanForm,
)
from .models import Initiative, Milestone, Objective, ObjectiveLink, Risk, StrategyMap, Theme
from .validation import validate_map


def _visible_map(request: HttpRequest, pk: int) -> StrategyMap:
    return visible_or_404(request, selectors.map_for_page, "planning.view_strategymap", pk=pk)


def _require_change(request: HttpRequest, strategy_map: StrategyMap) -> None:
    """403 unless the user may edit the map now (its state allows edits and the user plans for its unit)."""
    if not services.can(request.user, "change", strategy_map):
        raise PermissionDenied


@login_required
def index(request: HttpRequest) -> HttpResponse:
    maps = list(selectors.maps_visible_to(request.user))
    by_year: dict[int, list[StrategyMap]] = defaultdict(list)
    for strategy_map in maps:
        by_year[strategy_map.plan_year.year].append(strategy_map)
    return render(
        request,
        "planning/index.html",
        {
            "years": sorted(by_year.items(), reverse=True),
            "can_create": request.user.has_perm("planning.add_strategymap"),
        },
    )


@login_required
def map_create(request: HttpRequest) -> HttpResponse:
    require(request, "planning.add_strategymap", None)
    units = selectors.map_owner_units(request.user, PLAN_ROLES)
    form = MapCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            strategy_map = services.create_map(
                unit=form.cleaned_data["unit"], plan_year=form.cleaned_data["plan_year"], by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Peta strategi dibuat."))
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "planning/form.html",
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
    previous = selectors.previous_year_map(strategy_map)
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
        "can_copy": user.has_perm("planning.copy_strategymap", strategy_map),
        "can_plan_unit": user.has_perm("planning.add_strategymap", strategy_map.unit),
        "reason_form": ReasonForm(),
        "initiatives": selectors.initiatives_of_map(strategy_map),
        "themes": list(strategy_map.themes.order_by("code")),
        "previous_map": previous
        if previous and user.has_perm("planning.view_strategymap", previous)
        else None,
    }


@login_required
def map_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    return render(request, "planning/map_detail.html", _map_context(request, strategy_map))


@login_required
def map_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """What changed since the unit's map of the year before (404 if there is none the user may see)."""
    strategy_map = _visible_map(request, pk)
    previous = selectors.previous_year_map(strategy_map)
    if previous is None or not request.user.has_perm("planning.view_strategymap", previous):
        raise Http404
    comparison = selectors.compare_maps(
        selectors.load_map_data(previous), selectors.load_map_data(strategy_map)
    )
    return render(
        request,
        "planning/map_compare.html",
        {"map": strategy_map, "previous": previous, "comparison": comparison},
    )


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
            form_errors(form, error)
        else:
            return redirect("strategy:map", strategy_map.pk)
    return render(
        request,
        "planning/form.html",
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
            form_errors(form, error)
        else:
            messages.success(request, _("Perspektif disimpan."))
            return redirect("strategy:map", strategy_map.pk)
    return render(request, "planning/perspectives_form.html", {"form": form, "map": strategy_map})


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
            form_errors(form, error)
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
        "planning/form.html",
        {"form": form, "map": strategy_map, "title": title, "cancel_url": cancel},
    )


@login_required
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    return _save_objective(request, strategy_map, None)


def _visible_objective(request: HttpRequest, pk: int) -> Objective:
    return visible_or_404(
        request,
        Objective.objects.select_related(
            "map__unit", "map__plan_year", "perspective", "theme", "owner_position"
        ),
        "planning.view_objective",
        pk=pk,
    )


@login_required
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _visible_objective(request, pk)
    _require_change(request, objective.map)
    return _save_objective(request, objective.map, objective)


@login_required
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from kinerja.planning.kpi_selectors import kpis_of_objective

    objective = _visible_objective(request, pk)
    links = ObjectiveLink.objects.filter(map=objective.map_id).select_related("cause", "effect")
    return render(
        request,
        "planning/objective_detail.html",
        {
            "objective": objective,
            "map": objective.map,
            "kpis": kpis_of_objective(objective),
            "causes": [link for link in links if link.effect_id == objective.pk],
            "effects": [link for link in links if link.cause_id == objective.pk],
            "can_edit": services.can(request.user, "change", objective.map),
            "risks": selectors.risks_of_objective(objective),
            "initiatives": objective.initiatives.order_by("code"),
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
        "planning/confirm_delete.html",
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
            form_errors(form, error)
        else:
            messages.success(request, _("Hubungan sebab-akibat ditambahkan."))
            return redirect(reverse("strategy:map", args=[pk]) + "#hubungan")
    return render(
        request,
        "planning/form.html",
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
    link = visible_or_404(
        request,
        ObjectiveLink.objects.select_related("map__unit", "map__plan_year"),
        "planning.view_strategymap",
        of=lambda link: link.map,
        pk=pk,
    )
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
    require(request, services.ACTION_PERM[step], strategy_map)
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
            return render(request, "planning/map_detail.html", context, status=400)
    return redirect("strategy:map", pk)


@login_required
def map_copy(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    require(request, "planning.copy_strategymap", strategy_map)
    form = CopyForm(request.POST or None, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.copy_year(
                from_map=strategy_map, to_year=form.cleaned_data["to_year"], by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(
                request, _("Peta strategi disalin ke tahun %(year)s.") % {"year": copy.plan_year.year}
            )
            return redirect("strategy:map", copy.pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Salin peta ke tahun lain"),
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


# --------------------------------------------------------------------------- initiatives


def _visible_initiative(request: HttpRequest, pk: int) -> Initiative:
    return visible_or_404(request, selectors.initiative_for_page, "planning.view_initiative", pk=pk)


def _save_initiative(
    request: HttpRequest, strategy_map: StrategyMap, initiative: Initiative | None
) -> HttpResponse:
    form = InitiativeForm(request.POST or None, instance=initiative, strategy_map=strategy_map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_initiative(
                strategy_map=strategy_map,
                initiative=initiative,
                code=data["code"],
                name_id=data["name_id"],
                name_en=data["name_en"],
                description=data["description"],
                owner_position=data["owner_position"],
                owner_text=data["owner_text"],
                budget=data["budget"],
                start=data["start"],
                end=data["end"],
                objectives=data["objectives"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Inisiatif %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:initiative", saved.pk)
    title = (
        _("Ubah inisiatif %(code)s") % {"code": initiative.code}
        if initiative
        else _("Inisiatif strategis baru")
    )
    cancel = (
        reverse("strategy:initiative", args=[initiative.pk])
        if initiative
        else reverse("strategy:map", args=[strategy_map.pk]) + "#inisiatif"
    )
    return render(
        request,
        "planning/form.html",
        {"form": form, "map": strategy_map, "title": title, "cancel_url": cancel},
    )


@login_required
def initiative_add(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _visible_map(request, pk)
    _require_change(request, strategy_map)
    return _save_initiative(request, strategy_map, None)


@login_required
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    return render(
        request,
        "planning/initiative_detail.html",
        {
            "initiative": initiative,
            "map": initiative.map,
            "can_edit": services.can(request.user, "change", initiative.map),
            "can_monitor": request.user.has_perm("planning.monitor_initiative", initiative),
            "progress_form": ProgressForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    _require_change(request, initiative.map)
    return _save_initiative(request, initiative.map, initiative)


@login_required
def initiative_delete(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    _require_change(request, initiative.map)
    if request.method == "POST":
        services.delete_initiative(initiative=initiative, by=request.user)
        messages.success(request, _("Inisiatif %(code)s dihapus.") % {"code": initiative.code})
        return redirect(reverse("strategy:map", args=[initiative.map_id]) + "#inisiatif")
    return render(
        request,
        "planning/confirm_delete.html",
        {
            "object": initiative,
            "map": initiative.map,
            "cancel_url": reverse("strategy:initiative", args=[pk]),
        },
    )


@login_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a progress report (monitoring: allowed on an approved map too)."""
    initiative = _visible_initiative(request, pk)
    require(request, "planning.monitor_initiative", initiative)
    form = ProgressForm(request.POST)
    if form.is_valid():
        try:
            services.add_progress_report(
                initiative=initiative,
                date=form.cleaned_data["date"],
                percent=form.cleaned_data["percent"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Laporan kemajuan dicatat."))
            return redirect(reverse("strategy:initiative", args=[pk]) + "#kemajuan")
    context = {
        "initiative": initiative,
        "map": initiative.map,
        "can_edit": services.can(request.user, "change", initiative.map),
        "can_monitor": True,
        "progress_form": form,
    }
    return render(request, "planning/initiative_detail.html", context, status=400)


def _visible_milestone(request: HttpRequest, pk: int) -> Milestone:
    return visible_or_404(
        request,
        Milestone.objects.select_related("initiative__map__unit", "initiative__map__plan_year"),
        "planning.view_initiative",
        of=lambda milestone: milestone.initiative,
        pk=pk,
    )


def _save_milestone(
    request: HttpRequest, initiative: Initiative, milestone: Milestone | None
) -> HttpResponse:
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_milestone(
                initiative=initiative,
                milestone=milestone,
                name=data["name"],
                due_date=data["due_date"],
                done=data["done"],
                done_on=data["done_on"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Tonggak capaian disimpan."))
            return redirect(reverse("strategy:initiative", args=[initiative.pk]) + "#tonggak")
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": initiative.map,
            "title": _("Tonggak capaian %(code)s") % {"code": initiative.code},
            "cancel_url": reverse("strategy:initiative", args=[initiative.pk]),
        },
    )


@login_required
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = _visible_initiative(request, pk)
    _require_change(request, initiative.map)
    return _save_milestone(request, initiative, None)


@login_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    _require_change(request, milestone.initiative.map)
    return _save_milestone(request, milestone.initiative, milestone)


@login_required
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _visible_milestone(request, pk)
    _require_change(request, milestone.initiative.map)
    services.delete_milestone(milestone=milestone, by=request.user)
    messages.success(request, _("Tonggak capaian dihapus."))
    return redirect(reverse("strategy:initiative", args=[milestone.initiative_id]) + "#tonggak")


@login_required
@require_POST
def milestone_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a milestone done or not done (monitoring: allowed on an approved map too)."""
    milestone = _visible_milestone(request, pk)
    require(request, "planning.monitor_initiative", milestone.initiative)
    services.set_milestone_done(milestone=milestone, done=request.POST.get("done") == "1", by=request.user)
    return redirect(reverse("strategy:initiative", args=[milestone.initiative_id]) + "#tonggak")


# --------------------------------------------------------------------------- risks


def _visible_risk(request: HttpRequest, pk: int) -> Risk:
    return visible_or_404(request, selectors.risk_for_page, "planning.view_risk", pk=pk)


def _save_risk(request: HttpRequest, objective: Objective, risk: Risk | None) -> HttpResponse:
    form = RiskForm(request.POST or None, instance=risk, strategy_map=objective.map)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_risk(
                objective=objective,
                risk=risk,
                code=data["code"],
                description=data["description"],
                likelihood=data["likelihood"],
                impact=data["impact"],
                mitigation=data["mitigation"],
                owner_position=data["owner_position"],
                owner_text=data["owner_text"],
                by=request.user,
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Risiko %(code)s disimpan.") % {"code": saved.code})
            return redirect("strategy:risk", saved.pk)
    title = (
        _("Ubah risiko %(code)s") % {"code": risk.code}
        if risk
        else _("Risiko baru untuk SS %(code)s") % {"code": objective.code}
    )
    cancel = (
        reverse("strategy:risk", args=[risk.pk])
        if risk
        else reverse("strategy:objective", args=[objective.pk])
    )
    return render(
        request,
        "planning/form.html",
        {"form": form, "map": objective.map, "objective": objective, "title": title, "cancel_url": cancel},
    )


@login_required
def risk_add(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _visible_objective(request, pk)
    _require_change(request, objective.map)
    return _save_risk(request, objective, None)


@login_required
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    return render(
        request,
        "planning/risk_detail.html",
        {
            "risk": risk,
            "objective": risk.objective,
            "map": risk.objective.map,
            "can_edit": services.can(request.user, "change", risk.objective.map),
            "can_monitor": request.user.has_perm("planning.monitor_risk", risk),
            "monitoring_form": MonitoringForm(initial={"date": timezone.localdate()}),
        },
    )


@login_required
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    _require_change(request, risk.objective.map)
    return _save_risk(request, risk.objective, risk)


@login_required
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    risk = _visible_risk(request, pk)
    _require_change(request, risk.objective.map)
    if request.method == "POST":
        services.delete_risk(risk=risk, by=request.user)
        messages.success(request, _("Risiko %(code)s dihapus.") % {"code": risk.code})
        return redirect("strategy:objective", risk.objective_id)
    return render(
        request,
        "planning/confirm_delete.html",
        {"object": risk, "map": risk.objective.map, "cancel_url": reverse("strategy:risk", args=[pk])},
    )


@login_required
@require_POST
def monitoring_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a risk monitoring entry (monitoring: allowed on an approved map too)."""
    risk = _visible_risk(request, pk)
    require(request, "planning.monitor_risk", risk)
    form = MonitoringForm(request.POST)
    if form.is_valid():
        try:
            services.add_risk_monitoring(
                risk=risk, date=form.cleaned_data["date"], note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            form_errors(form, error)
        else:
            messages.success(request, _("Pemantauan risiko dicatat."))
            return redirect(reverse("strategy:risk", args=[pk]) + "#pemantauan")
    context = {
        "risk": risk,
        "objective": risk.objective,
        "map": risk.objective.map,
        "can_edit": services.can(request.user, "change", risk.objective.map),
        "can_monitor": True,
        "monitoring_form": form,
    }
    return render(request, "planning/risk_detail.html", context, status=400)


# --------------------------------------------------------------------------- themes and the Renstra plan


@login_required
def themes(request: HttpRequest, pk: int) -> HttpResponse:
    """The map's themes: list (with their SS), add or rename (same code), delete."""
    strategy_map = _visible_map(request, pk)
    can_edit = services.can(request.user, "change", strategy_map)
    form = ThemeForm(request.POST or None)
    if request.method == "POST":
        _require_change(request, strategy_map)
        if form.is_valid():
            try:
                services.save_theme(
                    strategy_map=strategy_map,
                    code=form.cleaned_data["code"].strip(),
                    name_id=form.cleaned_data["name_id"],
                    name_en=form.cleaned_data["name_en"],
                    by=request.user,
                )
            except ValidationError as error:
                form_errors(form, error)
            else:
                messages.success(request, _("Tema disimpan."))
                return redirect("strategy:themes", pk)
    listed = strategy_map.themes.prefetch_related("objectives").order_by("code")
    return render(
        request,
        "planning/themes.html",
        {"map": strategy_map, "themes": listed, "form": form, "can_edit": can_edit},
    )


@login_required
@require_POST
def theme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    theme = visible_or_404(
        request,
        Theme.objects.select_related("map__unit", "map__plan_year"),
        "planning.view_strategymap",
        of=lambda theme: theme.map,
        pk=pk,
    )
    _require_change(request, theme.map)
    services.delete_theme(theme=theme, by=request.user)
    messages.success(request, _("Tema dihapus."))
    return redirect("strategy:themes", theme.map_id)


@login_required
def unit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's Renstra plan (vision, mission, goals) for the map's plan period."""
    strategy_map = _visible_map(request, pk)
    require(request, "planning.add_strategymap", strategy_map.unit)
    current = selectors.unit_plan_of(strategy_map)
    form = UnitPlanForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.set_unit_plan(
            plan_period=strategy_map.plan_year.plan_period,
            unit=strategy_map.unit,
            vision=form.cleaned_data["vision"],
            mission=form.cleaned_data["mission"],
            goals=form.cleaned_data["goals"],
            by=request.user,
        )
        messages.success(request, _("Visi, misi, dan tujuan Renstra disimpan."))
        return redirect("strategy:map", pk)
    return render(
        request,
        "planning/form.html",
        {
            "form": form,
            "map": strategy_map,
            "title": _("Renstra %(unit)s: visi, misi, dan tujuan") % {"unit": strategy_map.unit.code},
            "cancel_url": reverse("strategy:map", args=[pk]),
        },
    )


# --------------------------------------------------------------------------- Excel export and import

IMPORT_SESSION_KEY = "strategy-import-%s"


@login_required
def map_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The map and its KPI manuals as an Excel workbook (one sheet per entity)."""
    strategy_map = _visible_map(request, pk)
    response = HttpResponse(workbook.export_map(strategy_map), content_type=workbook.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_download_name(strategy_map, "xlsx")}"'
    return response


@login_required
def map_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → dry run report (every problem by sheet, row and column) → confirm: all or nothing."""
    strategy_map = _visible_map(request, pk)
    require(request, "planning.import_strategymap", strategy_map)
    key = IMPORT_SESSION_KEY % strategy_map.pk
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    try:
        if confirmed:
            stored = request.session.get(key)
            if stored is None:
                messages.error(request, _("Unggah berkas lagi: uji coba impor sudah kedaluwarsa."))
                return redirect("strategy:map-import", pk)
            report = workbook.import_map(
                strategy_map=strategy_map, content=base64.b64decode(stored), by=request.user, dry_run=False
            )
            if report.applied:
                del request.session[key]
                messages.success(request, _("Impor selesai: peta diperbarui dari berkas Excel."))
                return redirect("strategy:map", pk)
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > workbook.MAX_BYTES:
                form.add_error("file", _("Berkas terlalu besar."))
            else:
                content = upload.read()
                report = workbook.import_map(strategy_map=strategy_map, content=content, by=request.user)
                if report.ok:
                    request.session[key] = base64.b64encode(content).decode("ascii")
                else:
                    request.session.pop(key, None)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("strategy:map", pk)
    return render(
        request,
        "planning/import.html",
        {"map": strategy_map, "form": form, "report": report, "sheets": workbook.SHEETS},
        status=400 if report is not None and not report.ok else 200,
    )
