"""Forms of the reporting pages: entering a realization, evidence, reasons, imports, bulk steps."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.common.forms import DecimalInputField

from .models import Realization


class RealizationForm(forms.Form):
    value = DecimalInputField(
        label=_("Realisasi"),
        max_digits=Realization._meta.get_field("value").max_digits,
        decimal_places=Realization._meta.get_field("value").decimal_places,
        help_text=_("Angka; gunakan titik atau koma sebagai pemisah desimal (mis. 85.5 atau 85,5)."),
    )
    analysis = forms.CharField(label=_("Analisis"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


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
