"""The map as a Kinerja planning workbook: export and import."""

from __future__ import annotations

import base64

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kinerja.common import uploads
from kinerja.common.web import require

from .. import workbook
from ..forms import (
    ImportForm,
)
from .access import download_name, visible_map

IMPORT_SESSION_KEY = "strategy-import-%s"


@login_required
def map_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The map and its KPI manuals as an Excel workbook (one sheet per entity)."""
    strategy_map = visible_map(request, pk)
    response = HttpResponse(workbook.export_map(strategy_map), content_type=workbook.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{download_name(strategy_map, "xlsx")}"'
    return response


@login_required
def map_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload → dry run report (every problem by sheet, row and column) → confirm: all or nothing."""
    strategy_map = visible_map(request, pk)
    require(request, "planning.import_strategymap", strategy_map)
    key = IMPORT_SESSION_KEY % strategy_map.pk
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    confirmed = request.method == "POST" and request.POST.get("confirm") == "1"
    try:
        if confirmed:
            stored = request.session.get(key)
            if stored is None:
                messages.error(request, _("Unggah berkas lagi: uji coba impor sudah kedaluwarsa."))
                return redirect("strategy:map-import", pk)
            report = workbook.import_map(
                strategy_map=strategy_map, content=base64.b64decode(stored), by=request.user, dry_run=False
            )
            if report.applied:
                del request.session[key]
                messages.success(request, _("Impor selesai: peta diperbarui dari berkas Excel."))
                return redirect("strategy:map", pk)
        elif request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            limit = uploads.limits().max_bytes
            if limit is not None and upload.size > limit:
                form.add_error(
                    "file",
                    _("Berkas berukuran %(size)d bita; batasnya %(limit)d bita (KINERJA_IMPORT_MAX_BYTES).")
                    % {"size": upload.size, "limit": limit},
                )
            else:
                content = upload.read()
                report = workbook.import_map(strategy_map=strategy_map, content=content, by=request.user)
                if report.ok:
                    request.session[key] = base64.b64encode(content).decode("ascii")
                else:
                    request.session.pop(key, None)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("strategy:map", pk)
    return render(
        request,
        "planning/import.html",
        {"map": strategy_map, "form": form, "report": report, "sheets": workbook.SHEETS},
        status=400 if report is not None and not report.ok else 200,
    )
