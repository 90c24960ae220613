from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinerja.core.selectors import home_summary


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", home_summary(user=request.user))
