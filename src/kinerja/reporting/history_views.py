"""The "Impor data tahun lalu" page (issue 15 item 5): an administrator brings a closed year in.

Upload → preview (the whole import run and rolled back: the workbook's and the realization file's own checks,
every problem by sheet/row/column, the counts and the year's final NKO) → apply, from the files kept in the
session since the preview. Thin: `services.history.import_history` does the work.
"""

from __future__ import annotations

import base64
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinerja.accounts.models import Role
from kinerja.accounts.scope import unit_filter
from kinerja.common import uploads
from kinerja.common.web import require
from kinerja.organisations.models import Unit

from .history_forms import HistoryImportForm
from .models import HistoricalImport
from .services.history import HistoryResult, import_history
from .services.imports import HISTORY_PERM

SESSION_KEY = "reporting-history-import"
RECENT = 20


def _units(request: HttpRequest) -> Any:
    return Unit.objects.filter(unit_filter(request.user, "path", (Role.ADMIN,)), owns_map=True).order_by(
        "path"
    )


def _run(request: HttpRequest, stored: dict[str, Any], *, dry_run: bool) -> HistoryResult:
    unit = Unit.objects.filter(pk=stored["unit"]).first() if stored.get("unit") else None
    workbook = base64.b64decode(stored["workbook"]) if stored.get("workbook") else None
    realizations = base64.b64decode(stored["realizations"]) if stored.get("realizations") else None
    return import_history(
        year=stored["year"],
        reason=stored["reason"],
        by=request.user,
        unit=unit,
        workbook_content=workbook,
        workbook_name=stored.get("workbook_name", ""),
        realizations=io.BytesIO(realizations) if realizations is not None else None,
        realizations_name=stored.get("realizations_name") or None,
        dry_run=dry_run,
    )


def _too_big(form: HistoryImportForm, name: str) -> bool:
    upload = form.cleaned_data.get(name)
    limit = uploads.limits().max_bytes
    if upload is not None and limit is not None and upload.size > limit:
        form.add_error(
            name,
            _("Berkas berukuran %(size)d bita; batasnya %(limit)d bita (KINERJA_IMPORT_MAX_BYTES).")
            % {"size": upload.size, "limit": limit},
        )
        return True
    return False


@login_required
def history_import(request: HttpRequest) -> HttpResponse:
    require(request, HISTORY_PERM)
    units = _units(request)
    form = HistoryImportForm(request.POST or None, request.FILES or None, units=units)
    result: HistoryResult | None = None
    stored: dict[str, Any] | None = None
    status = 200
    try:
        if request.method == "POST" and request.POST.get("confirm") == "1":
            stored = request.session.get(SESSION_KEY)
            if stored is None:
                messages.error(request, _("Unggah berkas lagi: pratinjau impor sudah kedaluwarsa."))
                return redirect("reporting:history-import")
            result = _run(request, stored, dry_run=False)
            if result.applied:
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    _("Data tahun %(year)d diimpor; periodenya tetap ditutup dan skornya final.")
                    % {"year": stored["year"]},
                )
                return redirect("reporting:history-import")
            status = 400
        elif request.method == "POST":
            if form.is_valid() and not (_too_big(form, "workbook") or _too_big(form, "realizations")):
                data = form.cleaned_data
                stored = {
                    "year": data["year"],
                    "unit": data["unit"].pk if data["unit"] else None,
                    "reason": data["reason"],
                }
                for name in ("workbook", "realizations"):
                    upload = data.get(name)
                    if upload is not None:
                        stored[name] = base64.b64encode(upload.read()).decode("ascii")
                        stored[f"{name}_name"] = upload.name
                result = _run(request, stored, dry_run=True)
                if result.ok:
                    request.session[SESSION_KEY] = stored
                else:
                    request.session.pop(SESSION_KEY, None)
                    status = 400
            else:
                status = 400
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error.messages)
        request.session.pop(SESSION_KEY, None)
        result, status = None, 400
    recent = (
        (HistoricalImport.objects.filter(unit__isnull=True) | HistoricalImport.objects.filter(unit__in=units))
        .select_related("plan_year", "unit", "by")
        .prefetch_related("periods")[:RECENT]
    )
    return render(
        request,
        "reporting/history_import.html",
        {
            "form": form,
            "result": result,
            "stored": stored,
            "unit": Unit.objects.filter(pk=stored["unit"]).first() if stored and stored.get("unit") else None,
            "recent": recent,
        },
        status=status,
    )
