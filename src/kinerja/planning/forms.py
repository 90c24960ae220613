"""Forms of the strategy pages. They collect input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kinerja.organisations.models import Position, Unit

from .models import (
    RISK_SCALE,
    Initiative,
    Milestone,
    Objective,
    Perspective,
    PlanYear,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StrategyMap,
    Theme,
    UnitPlan,
)


def limit(field: forms.Field, queryset: Any) -> None:
    """Narrow a model choice field's choices (typed: `form.fields[...]` is a plain `Field` to the checker)."""
    cast(forms.ModelChoiceField, field).queryset = queryset


class MapCreateForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Unit pemilik peta")
    )
    plan_year = forms.ModelChoiceField(queryset=PlanYear.objects.order_by("-year"), label=_("Tahun rencana"))

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self.fields["unit"], units)


class MapForm(forms.ModelForm):
    class Meta:
        model = StrategyMap
        fields = ["vision", "mission"]
        widgets = {"vision": forms.Textarea(attrs={"rows": 3}), "mission": forms.Textarea(attrs={"rows": 5})}


class PerspectivesForm(forms.Form):
    """Names and weights of a map's four perspectives, in one form (weights total 100 % or stay blank)."""

    def __init__(self, *args: Any, perspectives: list[Perspective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.perspectives = perspectives
        for p in perspectives:
            self.fields[f"name_id_{p.pk}"] = forms.CharField(
                label=_("Nama (Indonesia)"), max_length=255, initial=p.name_id
            )
            self.fields[f"name_en_{p.pk}"] = forms.CharField(
                label=_("Nama (Inggris)"), max_length=255, required=False, initial=p.name_en
            )
            self.fields[f"weight_{p.pk}"] = forms.DecimalField(
                label=_("Bobot (%)"),
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                decimal_places=2,
                initial=p.weight,
            )

    def rows(self) -> list[tuple[Perspective, Any, Any, Any]]:
        return [
            (p, self[f"name_id_{p.pk}"], self[f"name_en_{p.pk}"], self[f"weight_{p.pk}"])
            for p in self.perspectives
        ]

    def values(self) -> dict[int, dict[str, Any]]:
        return {
            p.pk: {
                "name_id": self.cleaned_data[f"name_id_{p.pk}"],
                "name_en": self.cleaned_data[f"name_en_{p.pk}"],
                "weight": self.cleaned_data[f"weight_{p.pk}"],
            }
            for p in self.perspectives
        }


class ObjectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = [
            "perspective",
            "code",
            "name_id",
            "name_en",
            "description",
            "theme",
            "owner_position",
            "weight",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self.fields["perspective"], strategy_map.perspectives.order_by("order"))
        limit(self.fields["theme"], Theme.objects.filter(map=strategy_map))
        limit(self.fields["owner_position"], Position.objects.filter(unit=strategy_map.unit_id))


class LinkForm(forms.Form):
    cause: forms.ModelChoiceField[Objective] = forms.ModelChoiceField(
        queryset=Objective.objects.none(), label=_("Sebab (SS pendorong)")
    )
    effect: forms.ModelChoiceField[Objective] = forms.ModelChoiceField(
        queryset=Objective.objects.none(), label=_("Akibat (SS yang didorong)")
    )

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objectives = Objective.objects.filter(map=strategy_map).order_by("perspective__order", "code")
        limit(self.fields["cause"], objectives)
        limit(self.fields["effect"], objectives)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("cause") is not None and data.get("cause") == data.get("effect"):
            raise forms.ValidationError(_("Sebab dan akibat harus SS yang berbeda."))
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), widget=forms.Textarea(attrs={"rows": 3}), required=True)


class CopyForm(forms.Form):
    to_year: forms.ModelChoiceField[PlanYear] = forms.ModelChoiceField(
        queryset=PlanYear.objects.none(), label=_("Tahun tujuan")
    )

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = StrategyMap.objects.filter(unit=strategy_map.unit_id).values("plan_year")
        limit(self.fields["to_year"], PlanYear.objects.exclude(pk__in=taken).order_by("-year"))


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = [
            "code",
            "name_id",
            "name_en",
            "description",
            "objectives",
            "owner_position",
            "owner_text",
            "budget",
            "start",
            "end",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.CheckboxSelectMultiple,
            "start": DATE,
            "end": DATE,
        }

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(
            self.fields["objectives"],
            Objective.objects.filter(map=strategy_map).order_by("perspective__order", "code"),
        )
        limit(self.fields["owner_position"], Position.objects.filter(unit=strategy_map.unit_id))


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["name", "due_date", "done", "done_on"]
        widgets = {"due_date": DATE, "done_on": DATE}


class ProgressForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["date", "percent", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class RiskForm(forms.ModelForm):
    likelihood = forms.TypedChoiceField(
        label=_("Kemungkinan (1–5)"), coerce=int, choices=[(n, n) for n in RISK_SCALE]
    )
    impact = forms.TypedChoiceField(label=_("Dampak (1–5)"), coerce=int, choices=[(n, n) for n in RISK_SCALE])

    class Meta:
        model = Risk
        fields = ["code", "description", "likelihood", "impact", "mitigation", "owner_position", "owner_text"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, strategy_map: StrategyMap, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit(self.fields["owner_position"], Position.objects.filter(unit=strategy_map.unit_id))


class MonitoringForm(forms.ModelForm):
    class Meta:
        model = RiskMonitoring
        fields = ["date", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class ThemeForm(forms.ModelForm):
    class Meta:
        model = Theme
        fields = ["code", "name_id", "name_en"]


class UnitPlanForm(forms.ModelForm):
    class Meta:
        model = UnitPlan
        fields = ["vision", "mission", "goals"]
        widgets = {
            "vision": forms.Textarea(attrs={"rows": 3}),
            "mission": forms.Textarea(attrs={"rows": 5}),
            "goals": forms.Textarea(attrs={"rows": 5}),
        }


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Berkas Excel (.xlsx)"),
        help_text=_(
            "Gunakan format hasil ekspor: satu lembar per entitas, baris pertama berisi judul kolom."
        ),
    )
