"""The distribution curve of a unit's year (issue 13 item 5, `domain.md` rule 26, `scoring.md` §6).

One page per unit and plan year, read by the appraisal readers of the unit (`appraisals.view_scorerecord`,
else 404), built on `standing.standings`:

- a server-rendered SVG bar chart of the actual distribution (best / average / below) against the expected
  curve, with the same numbers as a table (the chart's text alternative);
- per map owner its NKO, organisation rating, predicate counts and the rule 26 checks (warnings; whether the
  rule set enforces them is said on the page);
- the groups (map owner × job category × direct superior), each ranked by NKP with its label, the original
  NKP beside the calibrated one.

The page costs what it shows: `standings` reads the unit in four queries whatever its size, the superiors'
names of the groups shown are one more; a page holds at most `GROUPS_PER_PAGE` groups of at most
`INLINE_MEMBERS` people (a group opened alone: `MEMBERS_PER_PAGE` a page) and `OWNERS_PER_PAGE` map owners.
Filters: map owner, job category, only the groups off the curve; the largest groups first or in tree order.

`curve_labels`, `limit_rows` and `rating_label` also serve the unit recap (`scores.unit`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kinerja.planning.models import PlanYear

from ..standing import standings
from . import curve
from .scores import unit_or_404, units_below_page

GROUPS_PER_PAGE = 10
MEMBERS_PER_PAGE = 50
OWNERS_PER_PAGE = 25
BREACHES_LISTED = 10


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def distribution(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """The distribution curve of the unit's subtree in the year, per map owner and group (filters in GET)."""
    unit = unit_or_404(request, unit_pk)
    plan_year = get_object_or_404(PlanYear, year=year)
    crowded = units_below_page(request, unit, plan_year, "appraisals:distribution", _("Kurva distribusi"))
    if crowded is not None:
        return crowded
    found = standings(unit, plan_year)
    rules = found.rules
    labels = curve.curve_labels(rules)

    owner_pk = _int(request.GET.get("pemilik"))
    category = request.GET.get("kategori") or ""
    only_off = request.GET.get("kelompok") == "menyimpang"
    wanted = request.GET.get("grup") or ""

    chosen = next((o for o in found.owners if o.unit.pk == owner_pk), None)
    groups = [
        g
        for g in found.groups
        if (chosen is None or (g.owner is not None and g.owner.pk == chosen.unit.pk))
        and (not category or g.category == category)
    ]
    filtered = chosen is not None or bool(category)
    actual, expected = curve.counts(groups) if filtered else (found.actual, found.expected)
    if only_off:
        groups = [g for g in groups if curve.off_curve(g)]
    largest_first = request.GET.get("urut") != "unit"  # the groups with the most people scored first
    if largest_first:
        groups.sort(key=lambda g: (-sum(1 for m in g.members if m.nkp is not None), -len(g.members)))
    opened = next((g for g in found.groups if curve.group_key(g) == wanted), None) if wanted else None

    known = found.by_employee()
    group_page = member_page = None
    if opened is not None:
        member_page = Paginator(curve.ranked(opened.members), MEMBERS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        views = [
            curve.group_view(opened, labels, curve.superiors([opened], known), list(member_page.object_list))
        ]
    else:
        group_page = Paginator(groups, GROUPS_PER_PAGE).get_page(request.GET.get("page"))
        superiors = curve.superiors(group_page.object_list, known)
        views = [curve.group_view(g, labels, superiors) for g in group_page.object_list]

    owner_page = Paginator([chosen] if chosen else found.owners, OWNERS_PER_PAGE).get_page(
        request.GET.get("hal_pemilik")
    )
    breaches = curve.breach_list(found)
    query = request.GET.copy()
    for name in ("page", "grup"):
        query.pop(name, None)
    owner_query = request.GET.copy()
    owner_query.pop("hal_pemilik", None)
    group_query = request.GET.copy()
    group_query.pop("page", None)
    return render(
        request,
        "appraisals/distribution.html",
        {
            "unit": unit,
            "plan_year": plan_year,
            "rules": rules,
            "standings": found,
            "chart": curve.chart(actual, expected, rules),
            "filtered": filtered,
            "scored": sum(1 for s in found.rows if s.nkp is not None),
            "unscored": sum(1 for s in found.rows if s.nkp is None),
            "has_limits": bool(rules.appraisal.predicate_limits.value),
            "owners": found.owners,
            "owner_page": owner_page,
            "owner_views": [curve.owner_view(o, rules) for o in owner_page.object_list],
            "breaches": breaches[:BREACHES_LISTED],
            "breaches_more": max(0, len(breaches) - BREACHES_LISTED),
            "breach_owners": len({o.unit.pk for o, _rating, _row in breaches}),
            "chosen": chosen,
            "category": category,
            "categories": [(c, curve.category_label(c)) for c in sorted({g.category for g in found.groups})],
            "only_off": only_off,
            "largest_first": largest_first,
            "group_page": group_page,
            "group_count": len(groups),
            "group_views": views,
            "opened": opened,
            "member_page": member_page,
            "query": query.urlencode(),
            "owner_query": owner_query.urlencode(),
            "group_query": group_query.urlencode(),
        },
    )


__all__ = ["distribution"]
