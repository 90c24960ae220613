"""Forms of the rewards page (issue 14 item 8); the rules are `rewards.py`'s."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import NominationKind


class NominateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Jenis penghargaan"), choices=NominationKind.choices)
    employee = forms.IntegerField(label=_("Pegawai"), min_value=1, max_value=2**31 - 1)
    month = forms.IntegerField(label=_("Bulan"), required=False, min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(
        label=_("Alasan usulan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DecideForm(forms.Form):
    note = forms.CharField(
        label=_("Catatan (wajib bila ditolak)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
