"""Forms of the 360° campaign pages: a new campaign, a rater added by hand, and the rater's answer.

The forms read and show; the rules (rule 25, the campaign's state, who may act) are the services' in
`campaigns.py`, whose refusals the views put back onto these forms.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.scope import Viewer
from kinerja.common import picker
from kinerja.common.forms import DecimalInputField
from kinerja.organisations import employee_picker, unit_picker
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear

from . import campaigns
from .models import ASPECT_FIELDS, Campaign, RaterAssignment, RaterGroup


class _UnitChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} — {obj.name}"


class _YearChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.year} ({obj.rule_set})"


CAMPAIGN_UNIT_PICKER = "appraisals.campaign-unit"
unit_picker.register(CAMPAIGN_UNIT_PICKER, campaigns.units_for_campaigns)


class CampaignForm(forms.Form):
    unit = _UnitChoice(label=_("Unit"), queryset=Unit.objects.none())
    plan_year = _YearChoice(label=_("Tahun rencana"), queryset=PlanYear.objects.none())
    semester = forms.TypedChoiceField(
        label=_("Semester"),
        coerce=int,
        choices=[(1, _("Semester I (Januari–Juni)")), (2, _("Semester II (Juli–Desember)"))],
    )
    allow_self = forms.BooleanField(
        label=_("Izinkan penilaian diri sendiri"),
        required=False,
        help_text=_("Hanya bila aturan penilaian tahun itu mengizinkannya (aturan 25)."),
    )
    due_date = forms.DateField(
        label=_("Batas waktu pengisian"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a search-as-you-type picker over campaigns.units_for_campaigns(user), the choices checked on save
        self.fields["unit"] = unit_picker.unit_field(CAMPAIGN_UNIT_PICKER, user, label=_("Unit"))
        self.order_fields(list(self.base_fields))
        year_field = self.fields["plan_year"]
        assert isinstance(year_field, forms.ModelChoiceField)
        year_field.queryset = campaigns.campaign_plan_years()


# the people of a rater added by hand, picked by search (a campaign's subtree can hold thousands): the scope is
# the campaign's pk, and nobody is listed for a user who may not manage that campaign
def _managed_campaign(user: Viewer, scope: str) -> Campaign | None:
    pk = picker.scope_pk(scope)
    if pk is None:
        return None
    campaign = campaigns.campaigns_readable_by(user).filter(pk=pk).first()
    return (
        campaign if campaign is not None and user.has_perm("appraisals.manage_campaign", campaign) else None
    )


def rateable_for(user: Viewer, scope: str) -> Any:
    campaign = _managed_campaign(user, scope)
    return campaigns.rateable_employees(campaign) if campaign is not None else Employee.objects.none()


def raters_for(user: Viewer, scope: str) -> Any:
    campaign = _managed_campaign(user, scope)
    return campaigns.candidate_raters(campaign) if campaign is not None else Employee.objects.none()


RATEABLE_PICKER = "appraisals.rateable"
employee_picker.register(RATEABLE_PICKER, rateable_for)
RATER_PICKER = "appraisals.rater"
employee_picker.register(RATER_PICKER, raters_for)


class RaterForm(forms.Form):
    """One rater added by hand to a draft campaign."""

    group = forms.ChoiceField(label=_("Kelompok penilai"), choices=RaterGroup.choices)

    def __init__(self, *args: Any, campaign: Campaign, user: Viewer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "employee": employee_picker.employee_field(
                RATEABLE_PICKER, user, campaign.pk, label=_("Pegawai yang dinilai")
            ),
            "rater": employee_picker.employee_field(RATER_PICKER, user, campaign.pk, label=_("Penilai")),
            **self.fields,
        }
        if not campaign.allow_self:
            group_field = self.fields["group"]
            assert isinstance(group_field, forms.ChoiceField)
            group_field.choices = [c for c in RaterGroup.choices if c[0] != RaterGroup.SELF]


class RatingForm(forms.Form):
    """The rater's answer: one score 0–100 per aspect asked (leadership only for a structural official)."""

    def __init__(self, *args: Any, assignment: RaterAssignment, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {name: getattr(assignment, name) for name in ASPECT_FIELDS})
        super().__init__(*args, **kwargs)
        labels = {
            f.name: f.verbose_name for f in RaterAssignment._meta.get_fields() if hasattr(f, "verbose_name")
        }
        for name in campaigns.aspects_for(assignment.employee):
            self.fields[name] = DecimalInputField(
                label=str(labels[name]).capitalize(),
                max_digits=5,
                decimal_places=2,
                min_value=Decimal(0),
                max_value=Decimal(100),
                help_text=campaigns.ASPECT_MEANINGS[name],
                error_messages={
                    "min_value": _("Nilai antara 0 dan 100 (aturan 25)."),
                    "max_value": _("Nilai antara 0 dan 100 (aturan 25)."),
                },
            )
            self.fields[name].widget.attrs.update({"autocomplete": "off", "size": 6})

    def scores(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in self.fields}
