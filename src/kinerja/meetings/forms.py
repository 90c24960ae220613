"""Forms of the dialogue pages. They read and check the input's shape; the rules are in `services.py`."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.scope import Viewer
from kinerja.common import picker
from kinerja.organisations import employee_picker, unit_picker
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import Kpi
from kinerja.reporting.models import ReportingPeriod

from . import selectors
from .models import Attendance, Frequency

# the unit pick on 'new dialogue': the units the user schedules dialogues for (a search-as-you-type picker)
ORGANISE_UNIT_PICKER = "meetings.organise-unit"
unit_picker.register(ORGANISE_UNIT_PICKER, selectors.organisable_units)


# the people of a dialogue and of a unit's schedule, picked by search (never the whole subtree on the page);
# the scope is the unit's pk, and nobody is listed for a user who does not organise the unit's dialogues
def _organised_unit(user: Viewer, scope: str) -> Unit | None:
    pk = picker.scope_pk(scope)
    unit = Unit.objects.filter(pk=pk).first() if pk is not None else None
    return unit if unit is not None and user.has_perm("meetings.add_meeting", unit) else None


def officials_for(user: Viewer, scope: str) -> QuerySet[Employee]:
    """Chair and secretary: the active people of the unit and of the units directly below it."""
    unit = _organised_unit(user, scope)
    return selectors.candidates(unit) if unit is not None else Employee.objects.none()


def participants_for(user: Viewer, scope: str) -> QuerySet[Employee]:
    """Participants: the active people of the unit's subtree."""
    unit = _organised_unit(user, scope)
    return selectors.people_of(unit) if unit is not None else Employee.objects.none()


def action_owners_for(user: Viewer, scope: str) -> QuerySet[Employee]:
    """An action's owner: the dialogue's candidates and participants; the scope is the meeting's pk, listed for
    whoever may minute the meeting."""
    pk = picker.scope_pk(scope)
    meeting = selectors.meetings_visible_to(user).filter(pk=pk).first() if pk is not None else None
    if meeting is None or not user.has_perm("meetings.minute_meeting", meeting):
        return Employee.objects.none()
    current = list(meeting.participants.values_list("employee_id", flat=True))
    return selectors.candidates(meeting.unit, keep=current)


OFFICIALS_PICKER = "meetings.officials"
employee_picker.register(OFFICIALS_PICKER, officials_for)
PARTICIPANTS_PICKER = "meetings.participants"
employee_picker.register(PARTICIPANTS_PICKER, participants_for)
ACTION_OWNER_PICKER = "meetings.action-owner"
employee_picker.register(ACTION_OWNER_PICKER, action_owners_for)


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
    # chair, secretary and participants: employee pickers, set in __init__ for the user and the unit
    extra_nips = forms.CharField(
        label=_("Peserta lain (NIP)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "NIP pegawai unit ini atau unit di bawahnya, dipisah koma atau baris: cara cepat menambahkan banyak "
            "peserta sekaligus."
        ),
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[Unit],
        periods: QuerySet[ReportingPeriod],
        user: Viewer,
        unit: Unit,
        keep: list[int] | None = None,
        fixed_unit: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["period"].queryset = periods  # type: ignore[attr-defined]
        people = _people_fields(user, unit, keep or [])
        people["participants"] = employee_picker.employee_field(
            PARTICIPANTS_PICKER,
            user,
            unit.pk,
            multiple=True,
            keep=keep or [],
            label=_("Peserta"),
            help_text=_("Pimpinan rapat dan notulis selalu ikut sebagai peserta."),
        )
        fields = list(self.fields.items())
        at = [name for name, _f in fields].index("place") + 1
        self.fields = dict([*fields[:at], *people.items(), *fields[at:]])
        if fixed_unit:
            self.fields["unit"].disabled = True
            self.fields["period"].disabled = True

    def nips(self) -> list[str]:
        raw = self.cleaned_data.get("extra_nips") or ""
        return [n.strip() for n in raw.replace(",", "\n").splitlines() if n.strip()]


def _people_fields(
    user: Viewer, unit: Unit, keep: list[int], *, chair_required: bool = True
) -> dict[str, forms.Field]:
    """A dialogue's chair and secretary pickers (the unit's officials; `keep`: whoever is already chosen)."""
    return {
        "chair": employee_picker.employee_field(
            OFFICIALS_PICKER, user, unit.pk, keep=keep, label=_("Pimpinan rapat"), required=chair_required
        ),
        "secretary": employee_picker.employee_field(
            OFFICIALS_PICKER, user, unit.pk, keep=keep, label=_("Notulis"), required=False
        ),
    }


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("Frekuensi"), choices=Frequency.choices)
    day_of_month = forms.IntegerField(
        label=_("Tanggal rapat setiap periode"), min_value=1, max_value=28, initial=15
    )

    def __init__(self, *args: Any, user: Viewer, unit: Unit, keep: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(_people_fields(user, unit, keep, chair_required=False))


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
    # owner: an employee picker, set in __init__ for the user and the meeting
    due_date = forms.DateField(
        label=_("Batas waktu"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    kpi = forms.ModelChoiceField(label=_("IKU terkait"), queryset=Kpi.objects.none(), required=False)

    def __init__(self, *args: Any, user: Viewer, meeting_pk: int, kpis: QuerySet[Kpi], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = employee_picker.employee_field(
            ACTION_OWNER_PICKER, user, meeting_pk, label=_("Penanggung jawab")
        )
        fields = list(self.fields.items())
        self.fields = dict([*fields[:1], ("owner", owner), *fields[1:]])
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
