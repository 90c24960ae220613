"""The pages of issue 16's benchmarks (the load mix and tests/bench/bench_pages.py) and where to find them.

Needs Django set up on the database in question. A user's addresses are found with the application's own
selectors: the scorecard and the strategy map of the reportable map of the highest unit the user reaches
(with its latest scored period); the employee search for the first word of the name of an employee in the
user's reach (the middle one by id), as a person looking for a colleague would type it.
"""

from __future__ import annotations

PAGES = (
    "home",
    "dashboard",
    "ranking",
    "completeness",
    "scorecard",
    "organisation tree",
    "employee search",
    "strategy map",
    "reporting queue",
    "verification queue",
    "healthz",
)


def addresses(username: str) -> dict[str, str]:
    """The address of every page of the mix for `username` (a page without a map or employee in reach is left out)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from kinerja.organisations.selectors import scoped_employees
    from kinerja.planning.selectors import maps_reportable_by
    from kinerja.reporting.models import ScoreSnapshot

    user = get_user_model().objects.get(username=username)
    pages = {
        "home": reverse("home:home"),
        "dashboard": reverse("dashboards:dashboard"),
        "ranking": reverse("dashboards:ranking"),
        "completeness": reverse("dashboards:completeness"),
        "organisation tree": reverse("organisations:unit-list"),
        "reporting queue": reverse("reporting:index"),
        "verification queue": reverse("reporting:index") + "?menunggu=verifikasi",
        "healthz": reverse("healthz"),
    }
    maps = maps_reportable_by(user).order_by("unit__depth", "-plan_year__year", "unit__path")
    for strategy_map in maps[:50]:
        snapshot = (
            ScoreSnapshot.objects.filter(strategy_map=strategy_map).order_by("-period__end", "-pk").first()
        )
        if snapshot is not None:
            pages["scorecard"] = reverse("reporting:scorecard", args=[strategy_map.pk, snapshot.period_id])
            pages["strategy map"] = reverse("strategy:map", args=[strategy_map.pk])
            break
    employees = scoped_employees(user).order_by("pk")
    total = employees.count()
    if total:
        name = employees[total // 2].name
        pages["employee search"] = reverse("organisations:employee-list") + "?q=" + name.split()[0].lower()
    return pages
