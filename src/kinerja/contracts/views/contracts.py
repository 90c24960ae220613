"""Contract pages: the list a person may see, one contract."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kinerja.common.web import object_for

from .. import selectors
from ..checks import findings, k3_rows
from ..workflow import CONTRACT_WORKFLOW


@login_required
def index(request: HttpRequest) -> HttpResponse:
    contracts = selectors.contracts_readable_by(request.user).select_related(
        "employee", "position", "unit", "plan_year", "superior"
    )[:200]
    return render(request, "contracts/index.html", {"contracts": contracts})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    contract = object_for(
        request,
        selectors.contracts_readable_by(request.user).select_related(
            "employee", "position", "unit", "plan_year", "superior"
        ),
        "contracts.view_contract",
        pk=pk,
    )
    return render(
        request,
        "contracts/detail.html",
        {
            "contract": contract,
            "entries": contract.kpis.select_related("kpi", "kpi__objective").order_by("order", "pk"),
            "findings": findings(contract),
            "k3": k3_rows(contract),
            "allowed": CONTRACT_WORKFLOW.allowed(contract, request.user),
        },
    )
