"""Forms of the dialogue pages. They read and check the input's shape; the rules are in `services.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.organisations import unit_picker
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Kpi
from kinerja.reporting.models import ReportingPeriod

from . import selectors
from .models import Attendance, Frequency

# the unit pick on 'new dialogue': the units the user schedules dialogues for (a search-as-you-type picker)
ORGANISE_UNIT_PICKER = "meetings.organise-unit"
unit_picker.register(ORGANISE_UNIT_PICKER, selectors.organisable_units)


class EmployeeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = obj.position.title if obj.position_id else obj.unit.name
        return f"{obj.name} — {position}"


class EmployeesChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        position = obj.position.title if obj.position_id else obj.unit.name
        return f"{obj.name} — {position}"


class PeriodChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name}"


class MeetingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    period = PeriodChoice(label=_("Periode yang dibahas"), queryset=ReportingPeriod.objects.none())
    title = forms.CharField(
        label=_("Judul"),
        max_length=255,
        required=False,
        help_text=_("Kosongkan untuk judul baku: «Dialog Kinerja Organisasi <unit> — <periode>»."),
    )
    starts_at = forms.DateTimeField(
        label=_("Waktu"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
    )
    place = forms.CharField(label=_("Tempat"), max_length=255, required=False)
    chair = EmployeeChoice(label=_("Pimpinan rapat"), queryset=Employee.objects.none())
    secretary = EmployeeChoice(label=_("Notulis"), queryset=Employee.objects.none(), required=False)
    participants = EmployeesChoice(
        label=_("Peserta"),
        queryset=Employee.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Pimpinan rapat dan notulis selalu ikut sebagai peserta."),
    )
    extra_nips = forms.CharField(
        label=_("Peserta lain (NIP)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "NIP pegawai unit ini atau unit di bawahnya yang tidak ada dalam daftar, dipisah koma atau baris."
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        periods: QuerySet[ReportingPeriod],
        people: QuerySet[Employee],
        fixed_unit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        for name in ("chair", "secretary", "participants"):
            self.fields[name].queryset = people  # type: ignore[attr-defined]
        if fixed_unit:
            self.fields["unit"].disabled = True
            self.fields["period"].disabled = True

    def nips(self) -> list[str]:
        raw = self.cleaned_data.get("extra_nips") or ""
        return [n.strip() for n in raw.replace(",", "\n").splitlines() if n.strip()]


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frekuensi"), choices=Frequency.choices)
    day_of_month = forms.IntegerField(
        label=_("Tanggal rapat setiap periode"), min_value=1, max_value=28, initial=15
    )
    chair = EmployeeChoice(label=_("Pimpinan rapat"), queryset=Employee.objects.none(), required=False)
    secretary = EmployeeChoice(label=_("Notulis"), queryset=Employee.objects.none(), required=False)

    def __init__(self, *args: Any, people: QuerySet[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["chair"].queryset = people  # type: ignore[attr-defined]
        self.fields["secretary"].queryset = people  # type: ignore[attr-defined]


class AgendaItemForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Jenis"),
        choices=[("strategic_issue", _("Isu strategis")), ("other", _("Lainnya"))],
    )
    title = forms.CharField(label=_("Pokok bahasan"), max_length=500)


class MinutesForm(forms.Form):
    discussion = forms.CharField(
        label=_("Pembahasan"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decision = forms.CharField(label=_("Keputusan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Ringkasan / catatan umum"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionForm(forms.Form):
    description = forms.CharField(label=_("Tindak lanjut"), widget=forms.Textarea(attrs={"rows": 2}))
    owner = EmployeeChoice(label=_("Penanggung jawab"), queryset=Employee.objects.none())
    due_date = forms.DateField(
        label=_("Batas waktu"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kpi = forms.ModelChoiceField(label=_("IKU terkait"), queryset=Kpi.objects.none(), required=False)

    def __init__(self, *args: Any, people: QuerySet[Employee], kpis: QuerySet[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["kpi"].queryset = kpis  # type: ignore[attr-defined]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembatalan"), widget=forms.Textarea(attrs={"rows": 2}))


ACTION_STEPS = (
    ("start", _("Mulai dikerjakan (dalam proses)")),
    ("progress", _("Perbarui catatan perkembangan")),
    ("done", _("Selesai (lampirkan bukti)")),
    ("drop", _("Batalkan (dengan alasan)")),
)


class ActionStatusForm(forms.Form):
    step = forms.ChoiceField(label=_("Ubah status"), choices=ACTION_STEPS, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("Catatan perkembangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence = forms.FileField(label=_("Bukti penyelesaian"), required=False)
    reason = forms.CharField(
        label=_("Alasan pembatalan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


ATTENDANCE_CHOICES = [(k, v) for k, v in Attendance.choices]
