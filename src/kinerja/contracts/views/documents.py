"""The contract document as PDF (`document.py`): `/kontrak/<pk>/dokumen.pdf`, `?lang=en` for English."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe

from kinerja.common.web import object_for

from .. import document, selectors


def _language(request: HttpRequest) -> str:
    """`?lang=` when it names a language of the interface, else the request's (the user's choice)."""
    asked = request.GET.get("lang", "")
    if asked in dict(settings.LANGUAGES):
        return asked
    return translation.get_language() or settings.LANGUAGE_CODE


@login_required
@require_safe
def contract_document(request: HttpRequest, pk: int) -> HttpResponse:
    contract = object_for(
        request,
        selectors.contracts_readable_by(request.user).select_related(
            "employee",
            "position",
            "position__superior",
            "position__superior__unit",
            "unit",
            "plan_year",
            "superior",
            "superior__position",
            "superior__position__unit",
            "superior__unit",
        ),
        "contracts.view_contract",
        pk=pk,
    )
    with translation.override(_language(request)):
        body = document.render_pdf(contract)
        name = document.filename(contract)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
