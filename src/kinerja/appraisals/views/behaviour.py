"""Behaviour pages under `kmk-127-2026` (`scoring.md` §7.3): the superior's team form for BerAKHLAK, an
employee's behaviour (scores, who gave them, sentences, corrections), a unit's disciplinary sentences and the
leader's correction of an employee's year.

Someone the user may not see does not exist for them (404); an allowed reader who may not write gets 403 on a
write. The rules are the services' (`behaviour.py`); these views only gather and show.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kinerja.common.web import form_errors, service_errors_on, visible_or_404
from kinerja.organisations.models import Employee, Unit
from kinerja.organisations.selectors import history_of
from kinerja.planning.models import PlanYear
from kinerja.scoring import RULE_SETS

from .. import behaviour
from ..forms import BehaviourScoreForm, CorrectionForm, SentenceDeleteForm, SentenceForm
from ..models import CORE_VALUE_FIELDS, DisciplinarySentence, RaterGroup


def _employees() -> Any:
    return Employee.objects.select_related("unit", "position", "superior")


# ---------------------------------------------------------------- the superior's team


@login_required
def team(request: HttpRequest, year: int) -> HttpResponse:
    """The signed-in superior's direct subordinates, each with seven core-value inputs for one period and
    what they already gave; one form saves the whole team (all or nothing)."""
    plan_year = get_object_or_404(PlanYear, year=year)
    rater: Employee | None = getattr(request.user, "employee", None)
    params = behaviour.behaviour_rules(plan_year)
    periods = list(behaviour.behaviour_periods(plan_year))
    wanted = request.POST.get("period") or request.GET.get("period")
    period = next((p for p in periods if str(p.pk) == wanted), None) or behaviour.default_period(periods)
    rows: list[dict[str, Any]] = []
    saved = 0
    if rater is not None and params is not None and period is not None:
        posted = request.method == "POST"
        for row in [*behaviour.team_rows(rater, period), *behaviour.peer_rows(rater, period)]:
            prefix = f"e{row.employee.pk}"
            initial = (
                {**{f: getattr(row.score, f) for f in CORE_VALUE_FIELDS}, "note": row.score.note}
                if row.score
                else None
            )
            form = BehaviourScoreForm(request.POST if posted else None, prefix=prefix, initial=initial)
            rows.append({"employee": row.employee, "score": row.score, "form": form, "group": row.group})
        if posted and rows:
            failed = False
            with transaction.atomic():
                for item in rows:
                    form = item["form"]
                    if form.is_blank():
                        continue
                    if not form.is_valid():
                        failed = True
                        continue
                    try:
                        behaviour.save_behaviour_score(
                            employee=item["employee"],
                            period=period,
                            rater=rater,
                            values=form.values(),
                            note=form.cleaned_data.get("note") or "",
                            by=request.user,
                        )
                        saved += 1
                    except ValidationError as exc:
                        form_errors(form, exc)
                        failed = True
                if failed:
                    transaction.set_rollback(True)
            if not failed:
                if saved:
                    messages.success(
                        request,
                        _("Nilai BerAKHLAK %(n)s pegawai untuk %(period)s disimpan.")
                        % {"n": saved, "period": period.display_name},
                    )
                else:
                    messages.info(request, _("Tidak ada nilai yang diisi."))
                return redirect(f"{request.path}?period={period.pk}")
            messages.error(request, _("Belum ada yang disimpan: periksa isian yang ditandai."))
    return render(
        request,
        "appraisals/team.html",
        {
            "plan_year": plan_year,
            "rater": rater,
            "params": params,
            "periods": periods,
            "period": period,
            "rows": rows,
            "peers": [r for r in rows if r["group"] == RaterGroup.PEER],
            "core_values": behaviour.CORE_VALUES,
            "frequency": behaviour.behaviour_frequency(plan_year),
        },
    )


# ---------------------------------------------------------------- one employee's behaviour


@login_required
@require_GET
def employee_behaviour(request: HttpRequest, employee_pk: int) -> HttpResponse:
    """An employee's BerAKHLAK scores over the periods (who scored, the values, the mean), the changes, their
    disciplinary sentences and corrections: the person, their direct superior and the roles reading the unit."""
    employee = visible_or_404(request, _employees(), "appraisals.view_behaviourscore", pk=employee_pk)
    scores = [(s, behaviour.mean_of(s)) for s in behaviour.behaviour_scores_of(employee)]
    # The person rated sees that a colleague scored them, never which one (nor in the change history).
    anonymous_peers = getattr(request.user, "employee_id", None) == employee.pk
    may_sentences = request.user.has_perm("appraisals.view_disciplinarysentence", employee)
    may_corrections = request.user.has_perm("appraisals.view_correction", employee)
    corrections = (
        list(employee.corrections.select_related("plan_year", "by").order_by("-plan_year__year"))
        if may_corrections
        else []
    )
    years = list(PlanYear.objects.filter(rule_set__in=_rule_sets_with_behaviour()).order_by("-year"))
    return render(
        request,
        "appraisals/behaviour.html",
        {
            "employee": employee,
            "scores": scores,
            "changes": behaviour.score_changes_of(employee),
            "core_values": behaviour.CORE_VALUES,
            "sentences": behaviour.sentence_rows(behaviour.sentences_of(employee)) if may_sentences else None,
            "corrections": corrections if may_corrections else None,
            "years": years,
            "is_superior": getattr(request.user, "employee_id", None) == employee.superior_id,
            "anonymous_peers": anonymous_peers,
            "setting": behaviour.peers_setting(employee.unit),
        },
    )


def _rule_sets_with_behaviour() -> list[str]:
    return [code for code, rules in RULE_SETS.items() if rules.nkp2026 is not None]


# ---------------------------------------------------------------- disciplinary sentences of a unit


@login_required
def sentences(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """The sentences of a unit's subtree with whether each is in force now (the scoring core's
    `sentence_in_force`); the performance manager adds one, or deletes one entered in error with a reason."""
    unit = visible_or_404(request, Unit.objects.all(), "appraisals.view_disciplinarysentence", pk=unit_pk)
    may_manage = request.user.has_perm("appraisals.add_disciplinarysentence", unit)
    employees = Employee.objects.filter(unit__path__startswith=unit.path)
    form = SentenceForm(employees=employees)
    delete_form = SentenceDeleteForm()
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if "delete" in request.POST:
            delete_form = SentenceDeleteForm(request.POST)
            if delete_form.is_valid():
                sentence = get_object_or_404(
                    DisciplinarySentence.objects.select_related("employee__unit"),
                    pk=delete_form.cleaned_data["delete"],
                    employee__unit__path__startswith=unit.path,
                )
                with service_errors_on(delete_form):
                    behaviour.delete_sentence(
                        sentence=sentence, reason=delete_form.cleaned_data["reason"], by=request.user
                    )
                    messages.success(
                        request,
                        _("Hukuman disiplin %(employee)s (%(decree)s) dihapus.")
                        % {"employee": sentence.employee.name, "decree": sentence.decree},
                    )
                    return redirect("appraisals:sentences", unit.pk)
        else:
            form = SentenceForm(request.POST, employees=employees)
            if form.is_valid():
                data = form.cleaned_data
                with service_errors_on(form):
                    added = behaviour.add_sentence(
                        employee=data["nip"],
                        category=data["category"],
                        severity=data["severity"],
                        start_year=data["start_year"],
                        start_quarter=data["start_quarter"],
                        quarters=data["quarters"],
                        decree=data["decree"],
                        note=data["note"],
                        by=request.user,
                    )
                    messages.success(
                        request,
                        _("Hukuman disiplin %(employee)s mulai %(start)s dicatat.")
                        % {"employee": added.employee.name, "start": added.start_label},
                    )
                    return redirect("appraisals:sentences", unit.pk)
    now = behaviour.current_quarter()
    return render(
        request,
        "appraisals/sentences.html",
        {
            "unit": unit,
            "rows": behaviour.sentence_rows(behaviour.sentences_in(unit), now),
            "now": now,
            "form": form,
            "delete_form": delete_form,
            "may_manage": may_manage,
        },
    )


# ---------------------------------------------------------------- the leader's correction


@login_required
def correction(request: HttpRequest, employee_pk: int, year: int) -> HttpResponse:
    """The leader's correction of an employee's year, within the rule set's limit and with a reason; the
    earlier values stay in the history shown below."""
    employee = visible_or_404(request, _employees(), "appraisals.view_correction", pk=employee_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    params = behaviour.behaviour_rules(plan_year)
    current = behaviour.correction_of(employee, plan_year)
    may_set = request.user.has_perm("appraisals.add_correction", employee)
    initial = {"value": current.value, "reason": current.reason} if current else None
    form = CorrectionForm(initial=initial)
    if request.method == "POST":
        if not may_set:
            raise PermissionDenied
        form = CorrectionForm(request.POST)
        if form.is_valid():
            with service_errors_on(form):
                behaviour.set_correction(
                    employee=employee,
                    plan_year=plan_year,
                    value=form.cleaned_data["value"],
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                )
                messages.success(
                    request,
                    _("Koreksi pimpinan %(employee)s tahun %(year)s disimpan.")
                    % {"employee": employee.name, "year": plan_year.year},
                )
                return redirect("appraisals:correction", employee.pk, plan_year.year)
    return render(
        request,
        "appraisals/correction.html",
        {
            "employee": employee,
            "plan_year": plan_year,
            "params": params,
            "current": current,
            "history": history_of(current) if current else [],
            "form": form,
            "may_set": may_set,
        },
    )


# ---------------------------------------------------------------- peers' BerAKHLAK setting of a unit


@login_required
def behaviour_setting(request: HttpRequest, unit_pk: int) -> HttpResponse:
    """Whether colleagues score each other's BerAKHLAK in the unit's subtree (read by the appraisal readers,
    switched by the unit's performance manager)."""
    unit = visible_or_404(request, Unit.objects.all(), "appraisals.view_campaign", pk=unit_pk)
    may_change = request.user.has_perm("appraisals.change_behavioursetting", unit)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        peers = request.POST.get("peers") == "on"
        behaviour.set_peers(unit=unit, peers=peers, by=request.user)
        messages.success(
            request,
            _("Penilaian rekan kerja di %(unit)s diaktifkan.") % {"unit": unit.name}
            if peers
            else _("Penilaian rekan kerja di %(unit)s dimatikan.") % {"unit": unit.name},
        )
        return redirect("appraisals:behaviour-setting", unit.pk)
    setting = behaviour.peers_setting(unit)
    return render(
        request,
        "appraisals/behaviour_setting.html",
        {
            "unit": unit,
            "setting": setting,
            "inherited": setting is not None and setting.unit_id != unit.pk,
            "peers": setting is not None and setting.peers,
            "may_change": may_change,
            "history": history_of(setting) if setting is not None and setting.unit_id == unit.pk else [],
        },
    )
