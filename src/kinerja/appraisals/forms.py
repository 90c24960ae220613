"""Forms of the appraisal pages. They collect input; the services decide (`behaviour.py`).

Numbers are read by `common.forms.DecimalInputField` (`85,5`, `1.234,5`). The bounds (a core value's
maximum, the correction limit) are the rule set's and checked by the services, whose per-field messages the
pages put on these fields (`common.web.service_errors_on`); a field here only says what it reads.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.common.forms import DecimalInputField
from kinerja.organisations.models import Employee

from .behaviour import CORE_VALUES
from .models import BehaviourScore, Correction, DisciplinarySentence

_CORE = BehaviourScore._meta.get_field("service")
_SEVERITY = DisciplinarySentence._meta.get_field("severity")
_CORRECTION = Correction._meta.get_field("value")


class BehaviourScoreForm(forms.Form):
    """One subordinate's seven core values and a note (one form per person, prefixed by the employee)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for cv in CORE_VALUES:
            self.fields[cv.field] = DecimalInputField(
                label=cv.name,
                required=False,
                max_digits=_CORE.max_digits,
                decimal_places=_CORE.decimal_places,
                widget=forms.TextInput(
                    attrs={"size": 4, "aria-describedby": f"meaning-{cv.field}", "title": str(cv.meaning)}
                ),
            )
        self.fields["note"] = forms.CharField(
            label=_("Catatan"), required=False, max_length=2000, widget=forms.TextInput(attrs={"size": 16})
        )

    def is_blank(self) -> bool:
        """Whether nothing was typed for this person (then they are skipped)."""
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in self.fields)

    def values(self) -> dict[str, Any]:
        return {cv.field: self.cleaned_data.get(cv.field) for cv in CORE_VALUES}


class PeriodChoiceForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Periode"), coerce=int, choices=())

    def __init__(self, *args: Any, periods: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(p.pk, p.display_name) for p in periods]


class SentenceForm(forms.Form):
    """A disciplinary sentence: whose (NIP, in the unit's subtree), which, from when, for how long."""

    nip = forms.CharField(
        label=_("NIP pegawai"), max_length=18, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    category = forms.ChoiceField(label=_("Tingkat hukuman"), choices=DisciplinarySentence.Category.choices)
    severity = DecimalInputField(
        label=_("Nilai hukuman"),
        max_digits=_SEVERITY.max_digits,
        decimal_places=_SEVERITY.decimal_places,
        help_text=_("Pengurang = persentase tingkat hukuman menurut aturan penilaian × nilai hukuman."),
    )
    start_year = forms.IntegerField(label=_("Tahun mulai"), min_value=2000, max_value=2100)
    start_quarter = forms.TypedChoiceField(
        label=_("Triwulan mulai"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)]
    )
    quarters = forms.IntegerField(
        label=_("Lama (triwulan)"),
        required=False,
        min_value=1,
        max_value=40,
        help_text=_("Kosongkan untuk lama menurut aturan penilaian."),
    )
    decree = forms.CharField(label=_("Nomor keputusan"), max_length=128)
    note = forms.CharField(label=_("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, employees: QuerySet[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.employees = employees

    def clean_nip(self) -> Employee:
        nip = (self.cleaned_data.get("nip") or "").strip()
        employee = self.employees.filter(nip=nip).first()
        if employee is None:
            raise forms.ValidationError(
                _("Tidak ada pegawai dengan NIP %(nip)s di unit ini."),
                code="unknown_nip",
                params={"nip": nip},
            )
        return employee


class SentenceDeleteForm(forms.Form):
    delete = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Alasan penghapusan"), max_length=500)


class CorrectionForm(forms.Form):
    value = DecimalInputField(
        label=_("Koreksi"),
        max_digits=_CORRECTION.max_digits,
        decimal_places=_CORRECTION.decimal_places,
    )
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}))
