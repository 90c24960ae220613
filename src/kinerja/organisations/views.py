from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kinerja.accounts.scope import unit_filter

from .models import Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    units = Unit.objects.filter(unit_filter(request.user)).order_by("path")
    return render(request, "organisations/unit_list.html", {"units": units})


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = get_object_or_404(Unit.objects.filter(unit_filter(request.user)), code=code)
    return render(request, "organisations/unit_detail.html", {"unit": unit})
