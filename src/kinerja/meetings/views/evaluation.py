"""Pages of the yearly evaluation of performance management (issue 14 item 7): rounds (list, open, overview
ranking, close), a unit's evaluation (read, answer, submit, review, return, SFO survey, evidence, PDF) and the
questionnaires (list, edit, new version).

Thin: every write goes through `evaluation.py`, which asks the permission and the state again. Lookups: what
is outside the user's reading scope does not exist for them (404); in scope without the right to act, 403.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from kinerja.common.search import paged
from kinerja.common.web import form_errors, object_for, require, service_errors_on

from .. import evaluation as ev
from .. import evaluation_pdf
from ..evaluation_forms import (
    AddUnitsForm,
    AnswerForm,
    QuestionnaireEditor,
    ReasonForm,
    ReviewForm,
    RoundForm,
    SurveyForm,
    WindowForm,
)
from ..evaluation_models import (
    CriterionAnswer,
    EvaluationRound,
    EvaluationState,
    Questionnaire,
    RoundState,
    UnitEvaluation,
)

RANK_PAGE_SIZE = 50  # units of the ranking a page shows (a ministry-wide round has 1,000)


def _round(request: HttpRequest, pk: int, perm: str = "") -> EvaluationRound:
    round_ = object_for(request, ev.rounds_readable_by(request.user), "meetings.view_evaluationround", pk=pk)
    if perm:
        require(request, perm, round_)
    return round_


def _evaluation(request: HttpRequest, pk: int, perm: str = "") -> UnitEvaluation:
    evaluation = object_for(
        request, ev.evaluations_readable_by(request.user), "meetings.view_unitevaluation", pk=pk
    )
    if perm:
        require(request, perm, evaluation)
    return evaluation


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _to_evaluation(evaluation: UnitEvaluation) -> HttpResponse:
    return redirect("meetings:evaluation", pk=evaluation.pk)


def _language(request: HttpRequest) -> str:
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


# --------------------------------------------------------------------------- rounds


@login_required
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    require(request, "meetings.view_evaluationround")
    rounds = list(ev.rounds_readable_by(request.user).order_by("-year", "unit__path"))
    return render(
        request,
        "meetings/evaluation/rounds.html",
        {
            "rounds": rounds,
            "can_open": request.user.has_perm("meetings.add_evaluationround"),
            "can_read_questionnaires": request.user.has_perm("meetings.view_questionnaire"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    """Open a round. The evaluated units are chosen by rule (subtree, level, kind, map owners, a few codes
    excluded) and shown as a COUNT of that rule; `hitung` (the button, or htmx on every change) only counts.
    """
    require(request, "meetings.add_evaluationround")
    form = RoundForm(request.POST or None, user=request.user)
    counting = request.method == "POST" and "hitung" in request.POST
    if request.method == "POST" and form.is_valid() and not counting:
        data = form.cleaned_data
        chosen = form.selection()
        assert chosen is not None
        units = list(chosen)
        with service_errors_on(form):
            round_ = ev.open_round(
                unit=data["unit"],
                year=data["year"],
                title=data["title"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=units,
                by=request.user,
            )
            messages.success(request, _("Putaran evaluasi dibuka untuk %(n)d unit.") % {"n": len(units)})
            return redirect("meetings:evaluation-round", pk=round_.pk)
    chosen = form.selection()
    return render(
        request,
        "meetings/evaluation/round_form.html",
        {"form": form, "covered": chosen.count() if chosen is not None else None, "counting": counting},
        status=400 if form.errors and not counting else 200,
    )


@login_required
@require_GET
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    may_manage = (
        request.user.has_perm("meetings.change_evaluationround", round_) and round_.state == RoundState.OPEN
    )
    context: dict[str, Any] = {
        "round": round_,
        "may_manage": may_manage,
    }
    page, query = paged(request, ev.ranked(round_, request.user), RANK_PAGE_SIZE)
    context.update(rows=ev.rank_rows(round_, page.object_list), page=page, query=query)
    if may_manage:
        present = round_.evaluations.values("unit_id")
        candidates = ev.default_units(request.user, round_.unit).exclude(pk__in=present)
        addable = candidates.count()
        context["add_form"] = AddUnitsForm(candidates=candidates) if addable else None
        context["addable"] = addable
        context["window_form"] = WindowForm(
            initial={"opens_on": round_.opens_on, "closes_on": round_.closes_on}
        )
    return render(request, "meetings/evaluation/round.html", context)


@login_required
@require_POST
def round_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """close, units (add), window (change the dates)."""
    round_ = _round(request, pk, "meetings.change_evaluationround")
    try:
        if action == "close":
            ev.close_round(round_=round_, by=request.user)
            messages.success(request, _("Putaran evaluasi ditutup; seluruh isinya kini hanya dapat dibaca."))
        elif action == "units":
            present = round_.evaluations.values("unit_id")
            form = AddUnitsForm(
                request.POST, candidates=ev.default_units(request.user, round_.unit).exclude(pk__in=present)
            )
            if not form.is_valid():
                for problems in form.errors.values():
                    for problem in problems:
                        messages.error(request, str(problem))
            else:
                added = ev.add_units(round_=round_, units=form.cleaned_data["codes"], by=request.user)
                messages.success(request, _("%(n)d unit ditambahkan.") % {"n": added})
        else:
            window = WindowForm(request.POST)
            window.is_valid()
            ev.update_window(
                round_=round_,
                opens_on=window.cleaned_data.get("opens_on"),
                closes_on=window.cleaned_data.get("closes_on"),
                by=request.user,
            )
            messages.success(request, _("Jadwal putaran evaluasi diperbarui."))
    except ValidationError as exc:
        _say(request, exc)
    return redirect("meetings:evaluation-round", pk=round_.pk)


@login_required
@require_safe
def round_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    with translation.override(_language(request)):
        body = evaluation_pdf.render_round_pdf(round_, user=request.user)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="evaluasi-{round_.year}-{slugify(round_.unit.code)}.pdf"'
    )
    return response


# --------------------------------------------------------------------------- a unit's evaluation


def _evaluation_context(request: HttpRequest, evaluation: UnitEvaluation) -> dict[str, Any]:
    user = request.user
    open_round = evaluation.round.state == RoundState.OPEN
    state = evaluation.state
    view = ev.evaluation_view(evaluation)
    may_answer = (
        open_round
        and state == EvaluationState.DRAFT
        and user.has_perm("meetings.answer_unitevaluation", evaluation)
    )
    may_review = (
        open_round
        and state == EvaluationState.SUBMITTED
        and user.has_perm("meetings.review_unitevaluation", evaluation)
        and evaluation.submitted_by_id != user.pk
    )
    responded = ev.has_responded(evaluation, user)
    may_respond = (
        open_round
        and state != EvaluationState.REVIEWED
        and responded is None
        and user.has_perm("meetings.respond_unitevaluation", evaluation)
    )
    return {
        "evaluation": evaluation,
        "round": evaluation.round,
        "view": view,
        "may_answer": may_answer,
        "may_review": may_review,
        "may_respond": may_respond,
        "responded": responded,
        "missing": ev.missing_for_submit(evaluation) if may_answer else [],
        "reason_form": ReasonForm() if may_review else None,
        "read_only": not open_round or state == EvaluationState.REVIEWED,
    }


@login_required
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    return render(request, "meetings/evaluation/unit.html", _evaluation_context(request, evaluation))


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "meetings.answer_unitevaluation")
    view = ev.evaluation_view(evaluation)
    form = AnswerForm(request.POST or None, request.FILES or None, evaluation=evaluation, view=view)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            ev.save_answers(
                evaluation=evaluation, answers=form.answers(), readiness=form.readiness(), by=request.user
            )
            messages.success(request, _("Jawaban disimpan."))
            return _to_evaluation(evaluation)
    elif request.method == "GET" and (
        evaluation.round.read_only or evaluation.state != EvaluationState.DRAFT
    ):
        messages.info(request, _("Evaluasi ini tidak dapat diisi lagi."))
        return _to_evaluation(evaluation)
    context = {"evaluation": evaluation, "round": evaluation.round, "view": view, "form": form}
    return render(request, "meetings/evaluation/answer.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def evaluation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """submit (the unit), return (the reviewer, with a reason)."""
    if action == "submit":
        evaluation = _evaluation(request, pk, "meetings.answer_unitevaluation")
    else:
        evaluation = _evaluation(request, pk, "meetings.review_unitevaluation")
    try:
        if action == "submit":
            ev.submit(evaluation=evaluation, by=request.user)
            messages.success(request, _("Evaluasi diajukan untuk direviu."))
        else:
            ev.return_evaluation(
                evaluation=evaluation, reason=request.POST.get("reason", ""), by=request.user
            )
            messages.success(request, _("Evaluasi dikembalikan kepada unit."))
    except ValidationError as exc:
        _say(request, exc)
    return _to_evaluation(evaluation)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_review(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "meetings.review_unitevaluation")
    if request.method == "GET" and (
        evaluation.round.read_only or evaluation.state != EvaluationState.SUBMITTED
    ):
        messages.info(request, _("Evaluasi ini tidak menunggu reviu."))
        return _to_evaluation(evaluation)
    view = ev.evaluation_view(evaluation)
    form = ReviewForm(request.POST or None, view=view)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            ev.review(
                evaluation=evaluation,
                scores=form.scores(),
                notes=form.notes(),
                findings=form.cleaned_data["findings"],
                recommendations=form.cleaned_data["recommendations"],
                by=request.user,
            )
            messages.success(request, _("Reviu disimpan; nilai akhir dihitung."))
            return _to_evaluation(evaluation)
    context = {"evaluation": evaluation, "round": evaluation.round, "view": view, "form": form}
    return render(request, "meetings/evaluation/review.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_survey(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk, "meetings.respond_unitevaluation")
    survey = evaluation.round.survey
    items = list(survey.items.select_related("aspect").order_by("aspect__order", "order", "pk"))
    form = SurveyForm(request.POST or None, survey=survey, items=items)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            ev.respond_survey(evaluation=evaluation, values=form.values(), by=request.user)
            messages.success(request, _("Terima kasih; jawaban survei SFO Anda tersimpan."))
            return _to_evaluation(evaluation)
    responded = ev.has_responded(evaluation, request.user)
    context = {"evaluation": evaluation, "survey": survey, "form": form, "responded": responded}
    return render(request, "meetings/evaluation/survey.html", context, status=400 if form.errors else 200)


@login_required
@require_safe
def evaluation_evidence(request: HttpRequest, pk: int) -> FileResponse:
    answer = CriterionAnswer.objects.select_related("evaluation__unit").filter(pk=pk).first()
    if (
        answer is None
        or not answer.evidence
        or not request.user.has_perm("meetings.view_unitevaluation", answer)
    ):
        raise Http404
    return FileResponse(
        answer.evidence.open("rb"), as_attachment=True, filename=answer.evidence_name or "data-dukung"
    )


@login_required
@require_safe
def evaluation_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    with translation.override(_language(request)):
        body = evaluation_pdf.render_unit_pdf(evaluation)
    response = HttpResponse(body, content_type="application/pdf")
    name = f"evaluasi-{evaluation.round.year}-{slugify(evaluation.unit.code)}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --------------------------------------------------------------------------- questionnaires


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    """The questionnaires by year; POST `year` prepares a year's set (copied from the year before, or the
    defaults) for a ministry-level manager."""
    require(request, "meetings.view_questionnaire")
    if request.method == "POST":
        require(request, "meetings.add_questionnaire")
        try:
            year = int(request.POST.get("year", ""))
            if not 2000 <= year <= 2100:
                raise ValueError
        except ValueError:
            messages.error(request, _("Tahun harus di antara 2000 dan 2100."))
        else:
            ev.prepare_questionnaires(year=year, by=request.user)
            messages.success(request, _("Kuesioner tahun %(year)d siap.") % {"year": year})
        return redirect("meetings:questionnaires")
    return render(
        request,
        "meetings/evaluation/questionnaires.html",
        {
            "questionnaires": ev.questionnaires(),
            "can_add": request.user.has_perm("meetings.add_questionnaire"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request, "meetings.view_questionnaire")
    try:
        questionnaire = ev.questionnaire_detail(pk)
    except Questionnaire.DoesNotExist:
        raise Http404 from None
    may_edit = (
        request.user.has_perm("meetings.change_questionnaire", questionnaire) and not questionnaire.locked
    )
    if request.method == "POST":
        require(request, "meetings.change_questionnaire", questionnaire)
        if request.POST.get("action") == "version":
            copy = ev.new_version(questionnaire=questionnaire, by=request.user)
            messages.success(request, _("Versi baru dibuat; ubah versi ini untuk putaran berikutnya."))
            return redirect("meetings:questionnaire", pk=copy.pk)
    editor = QuestionnaireEditor(questionnaire, request.POST if request.method == "POST" else None)
    if request.method == "POST" and editor.is_valid():
        try:
            ev.update_questionnaire(questionnaire=questionnaire, **editor.inputs(), by=request.user)
        except ValidationError as exc:
            form_errors(editor.form, exc)
        else:
            messages.success(request, _("Kuesioner disimpan."))
            return redirect("meetings:questionnaire", pk=questionnaire.pk)
    errors = request.method == "POST"
    context = {
        "q": questionnaire,
        "editor": editor if may_edit else None,
        "may_version": request.user.has_perm("meetings.add_questionnaire"),
    }
    effective = _effective_weights(questionnaire)
    for item in questionnaire.items.all():  # the prefetched rows the template reads
        item.effective = effective.get(item.pk)  # type: ignore[attr-defined]
    return render(request, "meetings/evaluation/questionnaire.html", context, status=400 if errors else 200)


def _effective_weights(q: Questionnaire) -> dict[int, Any]:
    """Each criterion's share of the total (%) for the self-assessment: aspect weight × own weight / aspect's."""
    aspects = {a.pk: a for a in q.aspects.all()}
    sums: dict[int, Any] = {}
    for item in q.items.all():
        if item.aspect_id:
            sums[item.aspect_id] = sums.get(item.aspect_id, 0) + item.weight
    out = {}
    for item in q.items.all():
        if item.aspect_id and sums.get(item.aspect_id):
            out[item.pk] = ev._q(aspects[item.aspect_id].weight * item.weight / sums[item.aspect_id])
    return out
