"""Pages of the reporting cycle. Thin: reads come from `selectors`, writes go through `services`.

What a user's roles do not reach does not exist for them (404); what they see
but may not do is refused by the service (403 for a missing permission, the
service's message for a rule such as a closed period).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kinerja.common.web import is_htmx, require, service_errors_on
from kinerja.planning.models import PlanYear, StrategyMap

from . import exporting, selectors, services, workflow
from .forms import BulkForm, EvidenceForm, ImportForm, RealizationForm, ReasonForm
from .models import ImportJob, PeriodState, Realization, RealizationState, ReportingPeriod, ScoreSnapshot
from .signals import endorsed_figure

ACTIONS = {"ajukan": "submit", "verifikasi": "verify", "setujui": "approve", "kembalikan": "return"}


def _map(request: HttpRequest, pk: int) -> StrategyMap:
    strategy_map = selectors.visible_map(request.user, pk)
    if strategy_map is None:
        raise Http404
    return strategy_map


def _period(strategy_map: StrategyMap, pk: int) -> ReportingPeriod:
    period = ReportingPeriod.objects.filter(pk=pk, plan_year_id=strategy_map.plan_year_id).first()
    if period is None:
        raise Http404
    return period


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- the landing page: what is due


PER_PAGE = 50
"""Rows per page of the reporting index's lists (what is due, to verify, to approve, the maps)."""

PAGE_PARAMS = {
    "due": "halaman",
    "to_verify": "halaman_verifikasi",
    "to_approve": "halaman_persetujuan",
    "maps": "halaman_peta",
}
"""The page parameter of each list of the reporting index (each list pages on its own)."""


def _query_without(request: HttpRequest, param: str) -> str:
    """The request's query string without `param`, for the links of one list's pages."""
    query = request.GET.copy()
    query.pop(param, None)
    return query.urlencode()


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """What is due, and what waits for the user's verification or approval, 50 rows a page per list.

    ``?menunggu=verifikasi`` (or ``persetujuan``) shows only that list: exactly
    the realizations the home page counts (`selectors.awaiting_rows`). Each list
    is counted and read a page at a time in the database (issue 16 item 2).
    """
    today = timezone.localdate()
    user = request.user
    waiting = request.GET.get("menunggu", "")
    step = selectors.WAITING_STEPS.get(waiting)
    maps = selectors.maps_in_reach(user)  # read once for the lists counted per map
    steps = [s for s in ("verify", "approve") if step in (None, s)]
    queues = selectors.waiting_lists(user, steps, maps)
    lists: dict[str, Any] = {
        "due": None if step else selectors.due_list(user, today=today, maps=maps),
        "to_verify": queues.get("verify"),
        "to_approve": queues.get("approve"),
        "maps": None if step else selectors.reporting_maps_for(user),
    }
    context: dict[str, Any] = {"waiting": waiting if step else "", "today": today}
    for name, rows in lists.items():
        param = PAGE_PARAMS[name]
        page = Paginator(rows, PER_PAGE).get_page(request.GET.get(param)) if rows is not None else None
        context[name] = list(page) if page is not None else []
        context[f"{name}_page"] = page
        context[f"{name}_param"] = param
        context[f"{name}_query"] = _query_without(request, param)
    return render(request, "reporting/index.html", context)


# --------------------------------------------------------------------------- a map's realizations


@login_required
def map_detail(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _map(request, pk)
    periods = selectors.periods_of(strategy_map.plan_year_id)
    chosen = request.GET.get("periode")
    period = next((p for p in periods if str(p.pk) == chosen), None) or selectors.default_period(strategy_map)
    if period is None:
        raise Http404
    rows = selectors.map_grid(strategy_map, period)
    user = request.user
    return render(
        request,
        "reporting/map_detail.html",
        {
            "map": strategy_map,
            "period": period,
            "periods": periods,
            "rows": rows,
            "can_enter": user.has_perm("reporting.add_realization", strategy_map)
            and strategy_map.state in services.REPORTABLE_MAP_STATES,
            "can_import": user.has_perm("reporting.import_realizations", strategy_map),
            "can_submit": user.has_perm("reporting.submit_realization", strategy_map)
            and strategy_map.state in services.REPORTABLE_MAP_STATES,
            "can_verify": user.has_perm("reporting.verify_realization", strategy_map),
            "can_approve": user.has_perm("reporting.approve_realization", strategy_map),
        },
    )


@login_required
@require_POST
def bulk(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _map(request, pk)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih tindakan massal."))
        return redirect("reporting:map", strategy_map.pk)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    chosen = [
        r
        for r in selectors.realizations_by_ids(request.user, ids)
        if r.kpi.objective.map_id == strategy_map.pk
    ]
    results = services.bulk_step(realizations=chosen, action=form.cleaned_data["action"], by=request.user)
    done = sum(r.ok for r in results)
    messages.success(
        request, _("%(done)d dari %(total)d realisasi diproses.") % {"done": done, "total": len(results)}
    )
    by_id = {r.pk: r for r in chosen}
    for result in results:
        if not result.ok:
            realization = by_id[result.realization_id]
            messages.error(
                request, f"{realization.kpi.code} {realization.period.display_name}: {result.message}"
            )
    back = request.POST.get("periode")
    url = reverse("reporting:map", args=[strategy_map.pk])
    return redirect(f"{url}?periode={back}" if back and back.isdigit() else url)


# --------------------------------------------------------------------------- entering and moving one realization


@login_required
def entry(request: HttpRequest, kpi: int, period: int) -> HttpResponse:
    found = selectors.kpi_for(request.user, kpi)
    if found is None:
        raise Http404
    reporting_period = _period(found.objective.map, period)
    existing = found.realizations.filter(period=reporting_period).first()
    locked = _entry_locked(reporting_period, existing, found)
    if not locked and not _may_enter(request.user, found, existing):
        # a reader (an auditor, a leader) sees the page read-only instead of a form the rules would refuse
        locked = _(
            "Peran Anda hanya dapat membaca realisasi IKU ini; pengisian dilakukan oleh pegawai atau pengelola kinerja unitnya."
        )
    initial = {"value": existing.value, "analysis": existing.analysis} if existing else None
    form = RealizationForm(request.POST or None, initial=initial)
    if request.method == "POST" and locked:
        form.add_error(None, locked)
    elif request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            realization = services.save_realization(
                kpi=found,
                period=reporting_period,
                value=form.cleaned_data["value"],
                analysis=form.cleaned_data["analysis"],
                by=request.user,
            )
            messages.success(request, _("Realisasi %(code)s disimpan sebagai konsep.") % {"code": found.code})
            return redirect("reporting:realization", realization.pk)
    return render(
        request,
        "reporting/entry.html",
        {
            "kpi": found,
            "period": reporting_period,
            "form": form,
            "realization": existing,
            "map": found.objective.map,
            "locked": locked,
        },
    )


def _may_enter(user: Any, kpi: Any, existing: Realization | None) -> bool:
    # the KPI itself: a map KPI answers to its map's unit, an individual KPI to its holder's (rules.py)
    if existing is not None:
        return bool(user.has_perm("reporting.change_realization", existing))
    return bool(user.has_perm("reporting.add_realization", kpi))


def _entry_locked(period: ReportingPeriod, existing: Realization | None, kpi: Any = None) -> str:
    """Why the entry form is read-only ("" when it is not): a rolled-up KPI or an individual KPI of no signed
    contract (rule 20), a closed period, or a realization past draft.

    The services refuse such a save anyway; the page says so before the user types.
    """
    if kpi is not None and (kpi.rolled_up or kpi.holder_id is not None):
        problem = services.reportable_problem(kpi)
        if problem:
            return problem
    if period.state == PeriodState.CLOSED:
        return workflow.period_closed_message(period)
    if existing is not None and existing.state != RealizationState.DRAFT:
        return _(
            "Realisasi ini berstatus %(state)s; hanya konsep yang dapat diubah. Bila perlu koreksi, "
            "minta pengelola kinerja mengembalikannya."
        ) % {"state": existing.get_state_display()}
    return ""


@login_required
def realization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    realization = selectors.realization_for(request.user, pk)
    if realization is None:
        raise Http404
    return render(request, "reporting/realization_detail.html", _detail_context(request, realization))


def _detail_context(request: HttpRequest, realization: Any, **extra: Any) -> dict[str, Any]:
    user = request.user
    files = selectors.evidence_of(realization)
    current = [e for e in files if e.is_current]
    steps = workflow.allowed_steps(realization, user, current_evidence=len(current))
    return {
        "realization": realization,
        "kpi": realization.kpi,
        "map": realization.kpi.objective.map,
        "period": realization.period,
        "events": selectors.events_of(realization),
        "evidence": files,
        "current_evidence": current,
        "steps": steps,
        "can_edit": realization.is_draft
        and realization.period.state == PeriodState.OPEN
        and user.has_perm("reporting.change_realization", realization),
        "evidence_required": workflow.evidence_required(realization.kpi),
        "reason_form": extra.pop("reason_form", ReasonForm()),
        "evidence_form": extra.pop("evidence_form", EvidenceForm()),
        **extra,
    }


@login_required
@require_POST
def realization_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    realization = selectors.realization_for(request.user, pk)
    if realization is None or action not in ACTIONS:
        raise Http404
    step = ACTIONS[action]
    reason_form = ReasonForm(request.POST) if step == "return" else ReasonForm()
    try:
        if step == "submit":
            services.submit_realization(realization=realization, by=request.user)
        elif step == "verify":
            services.verify_realization(realization=realization, by=request.user)
        elif step == "approve":
            services.approve_realization(realization=realization, by=request.user)
        else:
            reason = reason_form.data.get("reason", "")
            services.return_realization(realization=realization, reason=reason, by=request.user)
    except ValidationError as error:
        _errors(request, error)
        context = _detail_context(request, realization, reason_form=reason_form)
        return render(request, "reporting/realization_detail.html", context, status=400)
    messages.success(request, _("Status realisasi: %(state)s.") % {"state": realization.get_state_display()})
    return redirect("reporting:realization", realization.pk)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    realization = selectors.realization_for(request.user, pk)
    if realization is None:
        raise Http404
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        replaces = None
        if form.cleaned_data.get("replaces"):
            replaces = realization.evidence.filter(pk=form.cleaned_data["replaces"]).first()
        try:
            services.add_evidence(
                realization=realization,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
                replaces=replaces,
                by=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("Data dukung diunggah."))
            return redirect("reporting:realization", realization.pk)
    context = _detail_context(request, realization, evidence_form=form)
    return render(request, "reporting/realization_detail.html", context, status=400)


@login_required
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    item = selectors.evidence_for(request.user, pk)
    if item is None or not request.user.has_perm("reporting.view_evidence", item):
        raise Http404
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)


# --------------------------------------------------------------------------- periods


@login_required
def periods(request: HttpRequest) -> HttpResponse:
    require(request, "reporting.view_reportingperiod")
    years = list(PlanYear.objects.order_by("-year"))
    chosen = request.GET.get("tahun")
    year = next((y for y in years if str(y.year) == chosen), years[0] if years else None)
    return render(
        request,
        "reporting/periods.html",
        {
            "years": years,
            "year": year,
            "periods": selectors.periods_of(year) if year else [],
            "can_close": request.user.has_perm("reporting.close_reportingperiod"),
            "can_generate": request.user.has_perm("reporting.add_reportingperiod"),
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def periods_generate(request: HttpRequest, year: int) -> HttpResponse:
    plan_year = PlanYear.objects.filter(year=year).first()
    if plan_year is None:
        raise Http404
    created = services.generate_periods(plan_year=plan_year, by=request.user)
    messages.success(request, _("%(count)d periode pelaporan tersedia.") % {"count": len(created)})
    return redirect(f"{reverse('reporting:periods')}?tahun={year}")


@login_required
@require_POST
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    period = ReportingPeriod.objects.select_related("plan_year").filter(pk=pk).first()
    if period is None:
        raise Http404
    services.close_period(period=period, by=request.user)
    messages.success(request, _("Periode %(period)s ditutup.") % {"period": period.display_name})
    return redirect(f"{reverse('reporting:periods')}?tahun={period.plan_year.year}")


@login_required
@require_POST
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    period = ReportingPeriod.objects.select_related("plan_year").filter(pk=pk).first()
    if period is None:
        raise Http404
    try:
        services.reopen_period(period=period, reason=request.POST.get("reason", ""), by=request.user)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Periode %(period)s dibuka kembali.") % {"period": period.display_name})
    return redirect(f"{reverse('reporting:periods')}?tahun={period.plan_year.year}")


# --------------------------------------------------------------------------- scorecards


def _visible_snapshot_page(
    request: HttpRequest, strategy_map: StrategyMap, period: ReportingPeriod
) -> ScoreSnapshot | None:
    """The latest snapshot, or None when none has been computed yet (a GET never computes one: the
    recompute task and the "Hitung ulang" POST do)."""
    if not request.user.has_perm("reporting.view_scoresnapshot", strategy_map):
        raise Http404
    return selectors.latest_snapshot(strategy_map, period)


@login_required
def scorecard(request: HttpRequest, pk: int, period: int) -> HttpResponse:
    strategy_map = _map(request, pk)
    reporting_period = _period(strategy_map, period)
    if request.method == "POST":
        services.compute_scorecard(
            strategy_map=strategy_map, period=reporting_period, by=request.user, trigger="manual"
        )
        messages.success(request, _("Skor dihitung ulang."))
        return redirect("reporting:scorecard", strategy_map.pk, reporting_period.pk)
    snapshot = _visible_snapshot_page(request, strategy_map, reporting_period)
    if snapshot is None:
        return render(
            request,
            "reporting/scorecard_pending.html",
            {
                "map": strategy_map,
                "period": reporting_period,
                "can_recompute": request.user.has_perm("reporting.compute_scoresnapshot", strategy_map)
                and not reporting_period.is_closed,
            },
        )
    return _scorecard_page(request, snapshot)


@login_required
def snapshot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = selectors.snapshot_for(request.user, pk)
    if snapshot is None or not request.user.has_perm("reporting.view_scoresnapshot", snapshot):
        raise Http404
    return _scorecard_page(request, snapshot)


def _scorecard_page(request: HttpRequest, snapshot: ScoreSnapshot) -> HttpResponse:
    strategy_map = snapshot.strategy_map
    return render(
        request,
        "reporting/scorecard.html",
        {
            "map": strategy_map,
            "period": snapshot.period,
            "view": selectors.scorecard_view(snapshot),
            "snapshot": snapshot,
            **_history(strategy_map, snapshot.period),
            "periods": selectors.periods_of(strategy_map.plan_year_id),
            "can_recompute": request.user.has_perm("reporting.compute_scoresnapshot", strategy_map)
            and not snapshot.period.is_closed,
            "latest": selectors.latest_snapshot(strategy_map, snapshot.period),
            "staleness": selectors.staleness(snapshot),
            "endorsed": endorsed_figure(snapshot),
        },
    )


HISTORY_SHOWN = 20
"""How many of a period's snapshots the scorecard page lists (the newest; every one stays in the database)."""


def _history(strategy_map: StrategyMap, period: ReportingPeriod) -> dict[str, Any]:
    """The newest `HISTORY_SHOWN` snapshots of the map and period (without their JSON) and how many there are,
    in one query (the number is a window count over the rows before the limit)."""
    found = (
        selectors.snapshots_for(strategy_map)
        .filter(period=period)
        .defer("result")
        .annotate(total=Window(Count("pk")))
    )
    history = list(found[:HISTORY_SHOWN])
    return {"history": history, "history_total": history[0].total if history else 0}


@login_required
def explanation(request: HttpRequest, pk: int) -> HttpResponse:
    snapshot = selectors.snapshot_for(request.user, pk)
    if snapshot is None or not request.user.has_perm("reporting.view_scoresnapshot", snapshot):
        raise Http404
    kind = request.GET.get("jenis", "nko")
    code = request.GET.get("kode", "")
    node = selectors.explanation(snapshot, kind, code)
    if node is None:
        raise Http404
    template = "reporting/_explanation_panel.html" if is_htmx(request) else "reporting/explanation.html"
    return render(request, template, {"node": node, "snapshot": snapshot, "map": snapshot.strategy_map})


@login_required
def export(request: HttpRequest, pk: int, period: int, fmt: str) -> HttpResponse:
    if fmt not in exporting.CONTENT_TYPES:
        raise Http404
    strategy_map = _map(request, pk)
    reporting_period = _period(strategy_map, period)
    snapshot = _visible_snapshot_page(request, strategy_map, reporting_period)
    if snapshot is None:  # nothing computed yet: the scorecard page says so
        return redirect("reporting:scorecard", strategy_map.pk, reporting_period.pk)
    response = HttpResponse(
        exporting.export_scorecard(snapshot, fmt), content_type=exporting.CONTENT_TYPES[fmt]
    )
    name = exporting.file_name(strategy_map, reporting_period, "skor", fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def template_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in exporting.CONTENT_TYPES:
        raise Http404
    strategy_map = _map(request, pk)
    if not request.user.has_perm("reporting.view_realization", strategy_map):
        raise Http404
    chosen = request.GET.get("periode")
    periods = [
        p
        for p in selectors.periods_of(strategy_map.plan_year_id)
        if p.state == PeriodState.OPEN and (not chosen or str(p.pk) == chosen)
    ]
    content = exporting.entry_template(strategy_map, periods, fmt)
    response = HttpResponse(content, content_type=exporting.CONTENT_TYPES[fmt])
    name = exporting.file_name(strategy_map, None, "templat-realisasi", fmt)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_view(request: HttpRequest, pk: int) -> HttpResponse:
    strategy_map = _map(request, pk)
    require(request, "reporting.import_realizations", strategy_map)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            started = services.start_import(
                source=upload.file if hasattr(upload, "file") else upload,
                name=upload.name,
                strategy_map=strategy_map,
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
        except ValidationError as error:  # a lost race (`Conflict`): nothing written, try again
            _errors(request, error)
            return redirect("reporting:import", strategy_map.pk)
        if isinstance(started, ImportJob):  # a large file: its progress page
            return redirect("reporting:import-job", started.pk)
        result = started
        if result.written:
            messages.success(
                request,
                _("Impor selesai: %(created)d realisasi baru, %(updated)d diperbarui.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("reporting:map", strategy_map.pk)
    status = 400 if result is not None and result.problems else 200
    return render(
        request, "reporting/import.html", {"map": strategy_map, "form": form, "result": result}, status=status
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background import's progress: the page, and (htmx, every 2 s until it ends) its status block."""
    job = selectors.import_job_for(request.user, pk)
    if job is None:
        raise Http404
    template = "reporting/_import_job_status.html" if is_htmx(request) else "reporting/import_job.html"
    return render(request, template, {"job": job, "map": job.strategy_map})
