"""The monthly report page's form: the period, the format, and (for managers) the batch of every unit below."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.reporting.models import ReportingPeriod

from .models import ReportFormat, ReportKind


class ReportForm(forms.Form):
    periode = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(),
        label=_("Periode"),
        error_messages={
            "required": _("Pilih periode laporan."),
            "invalid_choice": _("Periode itu tidak ada pada tahun rencana ini."),
        },
    )
    format = forms.ChoiceField(
        choices=ReportFormat.choices,
        initial=ReportFormat.PDF,
        label=_("Format"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Pilih format laporan."),
            "invalid_choice": _("Format harus PDF atau Excel."),
        },
    )
    jenis = forms.ChoiceField(
        choices=ReportKind.choices,
        initial=ReportKind.UNIT,
        label=_("Cakupan"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Cakupan laporan tidak dikenal.")},
    )

    def __init__(self, *args: Any, periods: Sequence[ReportingPeriod], batch: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["periode"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods])
        kind = self.fields["jenis"]
        assert isinstance(kind, forms.ChoiceField)
        if not batch:
            kind.choices = [(ReportKind.UNIT.value, ReportKind.UNIT.label)]
            kind.initial = ReportKind.UNIT
        self.fields["jenis"].required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("jenis") == ReportKind.BATCH and data.get("format") == ReportFormat.XLSX:
            self.add_error(
                "format", _("Laporan seluruh unit di bawahnya dibuat sebagai PDF (satu berkas zip).")
            )
        return data
