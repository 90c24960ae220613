"""Forms of the NKO endorsement pages (issue 14 item 6). The rules are the services' (`endorsement.py`)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.scoring import RULE_SETS


class PrepareForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan untuk pengesah"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EndorseForm(forms.Form):
    acknowledge = forms.BooleanField(
        label=_("Saya mengesahkan NKO ini meskipun datanya belum lengkap (aturan 26)."), required=False
    )
    note = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan revisi"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class EnterForm(forms.Form):
    nko = forms.CharField(label=_("NKO yang disahkan"), required=False, max_length=32)
    rule_set = forms.ChoiceField(label=_("Aturan penilaian"), choices=[], required=False)
    predicate = forms.CharField(
        label=_("Predikat"),
        required=False,
        max_length=32,
        help_text=_("Kosongkan untuk predikat menurut aturan penilaian."),
    )
    endorser_name = forms.CharField(label=_("Nama pengesah"), required=False, max_length=255)
    endorser_title = forms.CharField(label=_("Jabatan pengesah"), required=False, max_length=255)
    endorsed_on = forms.DateField(
        label=_("Tanggal pengesahan"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Alasan dimasukkan langsung"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["rule_set"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, code) for code in RULE_SETS]
