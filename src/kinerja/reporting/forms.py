"""Forms of the reporting pages: entering a realization, evidence, reasons, imports, bulk steps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _


class RealizationForm(forms.Form):
    value = forms.CharField(
        label=_("Realisasi"),
        max_length=40,
        help_text=_("Angka; gunakan titik atau koma sebagai pemisah desimal (mis. 85.5 atau 85,5)."),
    )
    analysis = forms.CharField(label=_("Analisis"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def clean_value(self) -> Decimal:
        text = self.cleaned_data["value"].strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("Realisasi harus berupa angka.")) from None
        if not value.is_finite():
            raise forms.ValidationError(_("Realisasi harus berupa angka."))
        return value


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Berkas data dukung"))
    description = forms.CharField(label=_("Keterangan"), max_length=255, required=False)
    replaces = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Berkas realisasi (.xlsx atau .csv)"))
    dry_run = forms.BooleanField(
        label=_("Uji coba saja (periksa tanpa menyimpan)"), required=False, initial=True
    )


class BulkForm(forms.Form):
    ACTIONS = (("submit", _("Ajukan")), ("verify", _("Verifikasi")), ("approve", _("Setujui")))

    action = forms.ChoiceField(choices=ACTIONS)
