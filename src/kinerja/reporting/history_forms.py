"""The form of the "Impor data tahun lalu" page (issue 15 item 5)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kinerja.organisations.models import Unit


class HistoryImportForm(forms.Form):
    year = forms.IntegerField(
        label=_("Tahun"), min_value=1990, help_text=_("Tahun yang sudah lewat; periodenya tetap ditutup.")
    )
    unit = forms.ModelChoiceField(
        label=_("Unit pemilik peta"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_(
            "Wajib untuk workbook peta strategi; tanpa unit, berkas realisasi memakai kolom unit_kerja."
        ),
    )
    reason = forms.CharField(
        label=_("Alasan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Dicatat pada impor dan pada riwayat setiap target dan realisasi yang ditulis."),
    )
    workbook = forms.FileField(label=_("Workbook peta strategi dan target (.xlsx)"), required=False)
    realizations = forms.FileField(label=_("Berkas realisasi (.xlsx atau .csv)"), required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["year"].widget.attrs["max"] = timezone.localdate().year - 1
        if not self.is_bound:
            self.initial.setdefault("year", timezone.localdate().year - 1)

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if year >= timezone.localdate().year:
            raise forms.ValidationError(_("Tahun harus tahun yang sudah lewat."))
        return year

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("workbook") and not data.get("realizations"):
            raise forms.ValidationError(_("Pilih workbook peta strategi, berkas realisasi, atau keduanya."))
        if data.get("workbook") and not data.get("unit"):
            self.add_error("unit", _("Pilih unit pemilik peta strategi dalam workbook."))
        return data
