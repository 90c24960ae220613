"""Score pages: my appraisal (index, with the unit chooser and "Hitung ulang" for managers and leaders), a
person's year (work result, behaviour, NKP, predicate, explanation, history) and the unit recap (+ Excel)."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Exists, F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Length, Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kinerja.accounts.rules import APPRAISAL_COMPUTE_ROLES, APPRAISAL_READ_ROLES
from kinerja.accounts.scope import unit_filter
from kinerja.common.search import paged, unit_matches
from kinerja.common.templatetags.kinerja_numbers import shown
from kinerja.common.web import require
from kinerja.organisations import unit_picker
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.reporting.explaining import error_text
from kinerja.scoring import Rating, RuleSet, get_rule_set, predicate_of

from .. import campaigns, recaps, selectors, services
from ..inputs import units_below_if_crowded
from ..models import CampaignState, ScoreRecord
from ..standing import standings
from .curve import breach_list, curve_labels, member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RATING_ORDER = (Rating.ABOVE, Rating.MEETS, Rating.BELOW)


def predicate_matrix(rules: RuleSet) -> list[tuple[str, str, list[str]]]:
    """The predicate matrix of a rule set (§7.3): per work-result rating (key, label) the predicates for
    behaviour below, meeting and above expectations — read from the rule set, never copied here."""
    labels = {
        Rating.ABOVE: _("di atas ekspektasi"),
        Rating.MEETS: _("sesuai ekspektasi"),
        Rating.BELOW: _("di bawah ekspektasi"),
    }
    behaviour = (Rating.BELOW, Rating.MEETS, Rating.ABOVE)
    return [
        (work.value, str(labels[work]), [predicate_of(work, b, rules=rules) for b in behaviour])
        for work in RATING_ORDER
    ]


def np_bands(rules: RuleSet) -> list[tuple[str, str]]:
    """The NP bands of a kmk-467-2014 rule set (§6) as (range, label) rows, highest first."""
    if rules.nkp2014 is None:  # a rule set without the 360° method has no NP bands
        return []
    bands = rules.nkp2014.np_bands.value
    rows = [(f"{'>' if step.strict else '≥'} {shown(step.bound)}", step.label) for step in bands.steps]
    rows.append((_("lainnya"), bands.otherwise))
    return rows


def unit_or_404(request: HttpRequest, unit_pk: int, perm: str = "appraisals.view_scorerecord") -> Unit:
    """The unit, when the appraisal readers' reach holds it and the user has `perm` on it (else 404, as for a
    unit that does not exist)."""
    unit = Unit.objects.filter(unit_filter(request.user, "path", APPRAISAL_READ_ROLES), pk=unit_pk).first()
    if unit is None or not request.user.has_perm(perm, unit):
        raise Http404
    return unit


def units_below_page(
    request: HttpRequest,
    unit: Unit,
    plan_year: PlanYear,
    view_name: str,
    title: str,
    downloads: list[tuple[str, str]] | None = None,
) -> HttpResponse | None:
    """For a page reading every current score of a subtree (`standing.standings`): None when the subtree has at
    most `KINERJA_STANDINGS_MAX_PEOPLE` active people; else the page listing the units below (each linked to
    the same page, `view_name` with the unit and year), at the cost of a capped count."""
    below = units_below_if_crowded(unit, settings.KINERJA_STANDINGS_MAX_PEOPLE)
    if below is None:
        return None
    return render(
        request,
        "appraisals/units_below.html",
        {
            "unit": unit,
            "plan_year": plan_year,
            "title": title,
            "limit": settings.KINERJA_STANDINGS_MAX_PEOPLE,
            "below": [(child, reverse(view_name, args=[child.pk, plan_year.year])) for child in below],
            "downloads": downloads or [],
        },
    )


RECAP_UNIT_PICKER = "appraisals.recap-unit"


def recap_units(user: Any) -> Any:
    """The map-owning units whose appraisals the user reads (the index's units and its unit picker)."""
    return Unit.objects.filter(unit_filter(user, "path", APPRAISAL_READ_ROLES), owns_map=True).order_by(
        "path"
    )


unit_picker.register(RECAP_UNIT_PICKER, recap_units)

RECAP_PAGE_SIZE = 25


def _count_of(rows: Any) -> Subquery:
    """A correlated `COUNT(*)` of `rows` as a subquery (an annotation per unit of the page)."""
    return Subquery(rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1])


def recap_page_rows(units: Any, year: PlanYear | None) -> Any:
    """`units` with, per unit, the active employees of its subtree and those of them with a score of `year`:
    two correlated counts, evaluated for the page's rows only."""
    active = Employee.objects.filter(unit__path__startswith=OuterRef("path"), is_active=True)
    rows = units.annotate(active_count=_count_of(active))
    if year is not None:
        scored = active.filter(Exists(ScoreRecord.objects.filter(employee=OuterRef("pk"), plan_year=year)))
        rows = rows.annotate(scored_count=_count_of(scored))
    return rows


def recap_totals(units: Any, year: PlanYear | None) -> dict[str, int]:
    """The whole selection's figures, in the database: its units, and the active employees under any of
    them (each once, however many listed units they sit under) with those scored in `year`. Two queries."""
    ancestor = units.filter(path=Substr(OuterRef("path"), 1, Length("path")))
    covered = Unit.objects.filter(Exists(ancestor)).values("pk")
    counts: dict[str, Any] = {"employees": Count("pk")}
    if year is not None:
        scored = Exists(ScoreRecord.objects.filter(employee=OuterRef("pk"), plan_year=year))
        counts["scored"] = Count("pk", filter=Q(scored))
    figures = Employee.objects.filter(unit__in=covered, is_active=True).aggregate(**counts)
    return {"units": units.count(), "employees": figures["employees"], "scored": figures.get("scored") or 0}


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The signed-in person's latest score card (after calibration), their 360° forms and, for managers and
    leaders, the units to recompute and the ways to the campaigns, calibration and diagnostics."""
    employee = getattr(request.user, "employee", None)
    own = recaps.person_years(employee)[:1] if employee is not None else []
    forms = campaigns.assignments_of_rater(request.user).aggregate(
        total=Count("pk"),
        waiting=Count("pk", filter=Q(campaign__state=CampaignState.OPEN, submitted_at__isnull=True)),
    )
    if request.method == "POST":
        unit = unit_or_404(request, int(request.POST.get("unit") or 0))
        plan_year = get_object_or_404(PlanYear, year=int(request.POST.get("tahun") or 0))
        require(request, "appraisals.compute_scorerecord", unit)
        records = services.compute_scores(unit=unit, plan_year=plan_year, by=request.user)
        messages.success(request, _("Nilai %(n)d pegawai dihitung ulang.") % {"n": len(records)})
        return redirect("appraisals:unit", unit.pk, plan_year.year)
    years = list(PlanYear.objects.order_by("-year").values_list("year", flat=True))
    asked = request.GET.get("tahun", "")
    year = int(asked) if asked.isdigit() and int(asked) in years else (years[0] if years else None)
    chosen_year = PlanYear.objects.filter(year=year).first() if year is not None else None
    q = request.GET.get("q", "").strip()[:100]
    units = recap_units(request.user)
    if q:
        units = units.filter(unit_matches(q, prefix=""))
    page, query = paged(request, recap_page_rows(units, chosen_year), RECAP_PAGE_SIZE, tahun=year)
    shown_units = list(page.object_list)
    first_unit = shown_units[0] if shown_units else recap_units(request.user).first()
    may_compute = any(request.user.has_perm("appraisals.compute_scorerecord", u) for u in shown_units)
    return render(
        request,
        "appraisals/index.html",
        {
            "employee": employee,
            "record": own[0].record if own else None,
            "mine": own[0] if own else None,
            "forms": forms,
            "may_run_campaigns": request.user.has_perm("appraisals.view_campaign"),
            "units": shown_units,
            "has_units": first_unit is not None,
            "page": page,
            "query": query,
            "q": q,
            "year": year,
            "totals": recap_totals(units, chosen_year) if first_unit is not None else None,
            # a search-as-you-type picker for the recompute form, holding the first unit only
            "unit_form": unit_picker.unit_form(
                RECAP_UNIT_PICKER,
                request.user,
                data=request.GET,
                unit=first_unit,
                auto_id="f-%s",
                empty_label=None,
            ),
            "years": years,
            "may_compute": may_compute,
            "roles": APPRAISAL_COMPUTE_ROLES,
        },
    )


@login_required
def employee(request: HttpRequest, employee_pk: int, year: int) -> HttpResponse:
    """A person's year: only the person, their direct superior and the roles reaching their unit (else 404)."""
    person = (
        selectors.visible_employees(request.user)
        .select_related("unit", "position")
        .filter(pk=employee_pk)
        .first()
    )
    if person is None or not request.user.has_perm("appraisals.view_scorerecord", person):
        raise Http404
    plan_year = get_object_or_404(PlanYear, year=year)
    record = selectors.latest(person, plan_year)
    rules = get_rule_set(record.rule_set if record is not None else plan_year.rule_set)
    years = recaps.person_years(person)
    place = recaps.person_standing(person, plan_year) if record is not None else None
    adjustment = place.adjustment if place is not None else None
    return render(
        request,
        "appraisals/employee.html",
        {
            "person": person,
            "plan_year": plan_year,
            "record": record,
            "result": record.result if record is not None else {},
            "node": (record.result or {}).get("explanation") if record is not None else None,
            "history": years,
            "chart": recaps.history_chart(years),
            "place": place,
            "adjustment": adjustment,
            "adjusted_by": _who(adjustment.by) if adjustment is not None else "",
            "improve": recaps.improvements(record, person, plan_year) if record is not None else None,
            "matrix": predicate_matrix(rules) if rules.nkp2026 is not None else [],
            "bands": np_bands(rules),
        },
    )


def _who(user: Any) -> str:
    """A user as the pages name them: the linked employee's name, else the full name, else the user name."""
    if user is None:
        return ""
    employee = getattr(user, "employee", None)
    if employee is not None:
        return str(employee.name)
    return str(user.get_full_name() or user.username)


@login_required
def unit(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """The unit recap: per employee the work result, behaviour, NKP (after calibration, the original beside
    it), predicate, distribution label and errors, paginated; a compact rule 26 panel (`standing.standings`:
    four queries for any unit) links to the distribution page."""
    found = unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    crowded = units_below_page(
        request,
        found,
        plan_year,
        "appraisals:unit",
        _("Rekap nilai pegawai"),
        downloads=[(_("Unduh Excel"), reverse("appraisals:unit-xlsx", args=[found.pk, plan_year.year]))],
    )
    if crowded is not None:
        return crowded
    ranked = standings(found, plan_year)
    page = Paginator(ranked.rows, 50).get_page(request.GET.get("page"))
    labels = curve_labels(ranked.rules)
    breaches = breach_list(ranked)
    return render(
        request,
        "appraisals/unit.html",
        {
            "unit": found,
            "plan_year": plan_year,
            "page": page,
            "rows": [member(None, s, labels) for s in page.object_list],
            "rules": ranked.rules,
            "has_limits": bool(ranked.rules.appraisal.predicate_limits.value),
            "enforced": ranked.enforced,
            "breaches": breaches[:5],
            "breaches_more": max(0, len(breaches) - 5),
            "may_compute": request.user.has_perm("appraisals.compute_scorerecord", found),
        },
    )


@login_required
def unit_xlsx(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    found = unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Rekap nilai")[:31]
    sheet.append(
        [
            _("NIP"),
            _("Nama"),
            _("Unit"),
            _("Hasil kerja (CKP/NHK)"),
            _("Perilaku (NP/NPK)"),
            _("NKP"),
            _("Predikat"),
            _("Kesalahan masukan"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in selectors.unit_records(found, plan_year).iterator():
        sheet.append(
            [
                r.employee.nip,
                r.employee.name,
                r.employee.unit.code,
                None if r.work is None else float(r.work),
                None if r.behaviour is None else float(r.behaviour),
                None if r.nkp is None else float(r.nkp),
                r.predicate,
                "; ".join(error_text(e) for e in r.errors),
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    response = HttpResponse(out.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="nilai-pegawai-{slugify(found.code)}-{year}.xlsx"'
    )
    return response


__all__ = ["Employee", "employee", "index", "unit", "unit_xlsx"]
