"""Contracts of a unit's subtree as an Excel workbook: the download, and the upload with its dry run
(issue 12 item 10; the pattern of the realization import page)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.common.web import require
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear

from .. import workbook


class ContractImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Berkas kontrak (.xlsx)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Uji coba saja (periksa tanpa menyimpan)"), required=False, initial=True
    )


def _scope(unit_pk: int, year: int) -> tuple[Unit, PlanYear]:
    return get_object_or_404(Unit, pk=unit_pk), get_object_or_404(PlanYear, year=year)


@login_required
def export_xlsx(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    unit, plan_year = _scope(unit_pk, year)
    require(request, "contracts.view_contract", unit)
    response = HttpResponse(
        workbook.export_contracts(unit, plan_year, request.user), content_type=workbook.XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="{workbook.file_name(unit, plan_year)}"'
    return response


@login_required
def import_view(request: HttpRequest, unit_pk: int, year: int) -> HttpResponse:
    """Upload → the dry run's errors (sheet, row, column) or its summary → the same file again to apply."""
    unit, plan_year = _scope(unit_pk, year)
    require(request, "contracts.add_contract", unit)
    form = ContractImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = workbook.import_contracts(
                source=upload.file if hasattr(upload, "file") else upload,
                name=upload.name,
                unit=unit,
                plan_year=plan_year,
                by=request.user,
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:  # a lost race: nothing written, try again
            for message in error.messages:
                messages.error(request, message)
            return redirect("contracts:import", unit.pk, plan_year.year)
        if result.written:
            messages.success(
                request,
                _(
                    "Impor selesai: %(new)d kontrak baru, %(changed)d kontrak diubah, %(kpis)d IKU baru, %(kchanged)d IKU diubah."
                )
                % {
                    "new": result.contracts_new,
                    "changed": result.contracts_changed,
                    "kpis": result.kpis_new,
                    "kchanged": result.kpis_changed,
                },
            )
            return redirect("contracts:import", unit.pk, plan_year.year)
    status = 400 if result is not None and result.problems else 200
    return render(
        request,
        "contracts/import.html",
        {"unit": unit, "plan_year": plan_year, "form": form, "result": result},
        status=status,
    )
