"""360° campaign pages (issue 13 item 3): the managers' list and campaign page (raters, progress per unit,
launch, reminders, closing), and the raters' own pages (the forms to fill, one form).

Every write goes through `campaigns.py` (which asks the permission and the workflow again). Lookups: a
campaign outside the user's reading scope does not exist for them (404); in scope without the right to act,
403. An assignment exists only for its own rater: anyone else gets 404, a manager included — nobody reads
another rater's answer, and the person rated never learns who rated them as a peer or subordinate.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kinerja.common import picker
from kinerja.common.web import get_visible_or_404, object_for, require, service_errors_on

from .. import campaigns
from ..campaign_forms import CampaignForm, RaterForm, RatingForm
from ..campaign_workflow import CAMPAIGN_WORKFLOW
from ..models import Campaign, CampaignState, RaterAssignment

ROWS_PER_PAGE = 100


def _campaign(request: HttpRequest, pk: int, perm: str = "appraisals.view_campaign") -> Campaign:
    campaign = object_for(
        request, campaigns.campaigns_readable_by(request.user), "appraisals.view_campaign", pk=pk
    )
    if perm != "appraisals.view_campaign":
        require(request, perm, campaign)
    return campaign


def _back(campaign: Campaign, anchor: str = "") -> HttpResponse:
    return redirect(reverse("appraisals:campaign", args=[campaign.pk]) + anchor)


def _say(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- managers


@login_required
@require_GET
def campaign_list(request: HttpRequest) -> HttpResponse:
    """The campaigns of the user's units with their progress (answered / assigned forms)."""
    if not request.user.has_perm("appraisals.view_campaign"):
        return redirect("appraisals:my-ratings")  # a plain employee: their own forms are their 360° page
    rows = list(
        campaigns.campaigns_readable_by(request.user).order_by("-plan_year__year", "-semester", "unit__path")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    progress = campaigns.campaign_progress(c.pk for c in page.object_list)
    context = {
        "page": page,
        "rows": [(c, progress.get(c.pk, campaigns.Progress())) for c in page.object_list],
        "can_create": request.user.has_perm("appraisals.manage_campaign"),
    }
    return render(request, "appraisals/campaigns.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HttpRequest) -> HttpResponse:
    require(request, "appraisals.manage_campaign")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_on(form):
            campaign = campaigns.create_campaign(
                unit=data["unit"],
                plan_year=data["plan_year"],
                semester=data["semester"],
                allow_self=data["allow_self"],
                due_date=data["due_date"],
                by=request.user,
            )
            messages.success(request, _("Penilaian 360° dibuat. Susun penilainya, lalu mulai penilaian."))
            return _back(campaign)
    context = {
        "form": form,
        "title": _("Penilaian perilaku 360° baru"),
        "cancel_url": reverse("appraisals:campaigns"),
        "submit": _("Buat"),
    }
    return render(request, "appraisals/campaign_form.html", context, status=400 if form.errors else 200)


def _detail_context(
    request: HttpRequest, campaign: Campaign, rater_form: RaterForm | None = None
) -> dict[str, Any]:
    allowed = CAMPAIGN_WORKFLOW.allowed(campaign, request.user)
    rows = campaigns.rater_rows(campaign, request.user)
    pending_only = request.GET.get("belum") == "1"
    if pending_only:
        rows = [r for r in rows if not r.answered]
    totals = campaigns.campaign_progress([campaign.pk]).get(campaign.pk, campaigns.Progress())
    may_manage = request.user.has_perm("appraisals.manage_campaign", campaign)
    if rater_form is None and allowed["change"]:
        rater_form = RaterForm(campaign=campaign, user=request.user)
    return {
        "campaign": campaign,
        "allowed": allowed,
        "may_manage": may_manage,
        "totals": totals,
        "units": campaigns.progress_by_unit(campaign),
        "page": Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page")),
        "pending_only": pending_only,
        "rater_form": rater_form if allowed["change"] else None,
        "self_allowed": campaigns.self_rating_allowed(campaign.plan_year),
        "peer_cap": campaigns.peer_cap(campaign.plan_year),
    }


@login_required
@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    return render(request, "appraisals/campaign.html", _detail_context(request, campaign))


@login_required
@require_POST
def campaign_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """generate (the raters from the organisation), launch, remind, close."""
    campaign = _campaign(request, pk, "appraisals.manage_campaign")
    try:
        if action == "generate":
            added = campaigns.generate_raters(campaign, request.user)
            messages.success(request, _("%(n)d penilai ditambahkan dari struktur organisasi.") % {"n": added})
        elif action == "launch":
            campaigns.launch(campaign=campaign, by=request.user)
            messages.success(request, _("Penilaian dimulai: para penilai dapat mengisi formulirnya."))
        elif action == "remind":
            sent = campaigns.send_reminders(campaign, by=request.user)
            messages.success(
                request, _("%(n)d pengingat dikirim kepada penilai yang belum mengisi.") % {"n": sent}
            )
        elif action == "close":
            campaigns.close(campaign=campaign, by=request.user)
            messages.success(request, _("Penilaian ditutup; jawaban tidak dapat diubah lagi."))
    except ValidationError as error:
        _say(request, error)
    return _back(campaign)


@login_required
@require_POST
def rater_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, "appraisals.manage_campaign")
    form = RaterForm(request.POST, campaign=campaign, user=request.user)
    if picker.searching(request.POST):  # a people search without JavaScript: show the matches, add nobody
        form.errors.clear()
        return render(request, "appraisals/campaign.html", _detail_context(request, campaign, form))
    if form.is_valid():
        with service_errors_on(form):
            campaigns.add_rater(campaign=campaign, by=request.user, **form.cleaned_data)
            messages.success(request, _("Penilai ditambahkan."))
            return _back(campaign, "#penilai")
    else:
        try:
            CAMPAIGN_WORKFLOW.ensure(campaign, "change", request.user)
        except ValidationError as error:
            _say(request, error)
            return _back(campaign)
    context = _detail_context(request, campaign, form)
    return render(request, "appraisals/campaign.html", context, status=400)


@login_required
@require_POST
def rater_remove(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_visible_or_404(
        RaterAssignment.objects.filter(
            campaign__in=campaigns.campaigns_readable_by(request.user)
        ).select_related("campaign", "campaign__unit"),
        pk=pk,
    )
    require(request, "appraisals.manage_campaign", assignment.campaign)
    try:
        campaigns.remove_rater(assignment=assignment, by=request.user)
        messages.success(request, _("Penilai dihapus."))
    except ValidationError as error:
        _say(request, error)
    return _back(assignment.campaign, "#penilai")


# --------------------------------------------------------------------------- raters


@login_required
@require_GET
def my_ratings(request: HttpRequest) -> HttpResponse:
    """The forms the signed-in person must fill (open campaigns) and those of closed campaigns."""
    mine = list(campaigns.assignments_of_rater(request.user))
    open_forms = [a for a in mine if a.campaign.state == CampaignState.OPEN]
    context = {
        "todo": [a for a in open_forms if not a.answered],
        "done": [a for a in open_forms if a.answered],
        "closed": [a for a in mine if a.campaign.state == CampaignState.CLOSED],
        "has_employee": getattr(request.user, "employee_id", None) is not None,
    }
    return render(request, "appraisals/ratings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def rating(request: HttpRequest, assignment_pk: int) -> HttpResponse:
    """One form: each aspect with the score bands and their meaning; only its rater ever sees it."""
    assignment = get_visible_or_404(campaigns.assignments_of_rater(request.user), pk=assignment_pk)
    require(request, "appraisals.answer_raterassignment", assignment)
    campaign = assignment.campaign
    problem = CAMPAIGN_WORKFLOW.problem(campaign, "answer", request.user)
    # A campaign closed (or not open) takes no answer: the page says why once, above the form, and the form
    # shows what is on record — not the refused values as if a field were wrong.
    form = RatingForm(None if problem else request.POST or None, assignment=assignment)
    status = 200
    if request.method == "POST":
        if not problem and form.is_valid():
            with service_errors_on(form):
                campaigns.save_answer(assignment=assignment, scores=form.scores(), by=request.user)
                messages.success(
                    request, _("Jawaban untuk %(name)s disimpan.") % {"name": assignment.employee.name}
                )
                return redirect("appraisals:my-ratings")
        status = 400
    context = {
        "assignment": assignment,
        "campaign": campaign,
        "form": form,
        "problem": problem,
        "bands": campaigns.score_bands(campaign.plan_year),
        "structural": campaigns.holds_structural(assignment.employee),
    }
    return render(request, "appraisals/rating.html", context, status=status)
