from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinerja.home.rule_sets import rule_set_table
from kinerja.home.selectors import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home/home.html", home_summary(user=request.user))


@login_required
def rule_sets(request: HttpRequest) -> HttpResponse:
    """Every parameter of every rule set, with its label and the regulation it comes from."""
    return render(request, "home/rule_sets.html", {"rule_sets": rule_set_table()})
