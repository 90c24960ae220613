"""Forms of the planning pages (maps, objectives, KPIs and their manual, initiatives, risks). They collect input; the services decide.

Every number a person types is read by `common.forms.DecimalInputField` (`85,5`, `1.234,5`, `85%`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kinerja.accounts.rules import PLAN_ROLES
from kinerja.common.forms import DecimalInputField, human_formfield, shown_number
from kinerja.organisations import unit_picker
from kinerja.organisations.models import Position, Unit

from . import selectors
from .kpi_services import MANUAL_FIELDS
from .models import (
    PERIODS_PER_YEAR,
    RISK_SCALE,
    Frequency,
    Initiative,
    Kpi,
    Milestone,
    Objective,
    PeriodTarget,
    Perspective,
    PlanYear,
    ProgressReport,
    Risk,
    RiskMonitoring,
    StrategyMap,
    Theme,
    UnitPlan,
    period_label,
)


def limit(field: forms.Field, queryset: Any) -> None:
    """Narrow a model choice field's choices (typed: `form.fields[...]` is a plain `Field` to the checker)."""
    cast(forms.ModelChoiceField, field).queryset = queryset


MAP_OWNER_PICKER = "planning.map-owner"
unit_picker.register(MAP_OWNER_PICKER, lambda user: selectors.map_owner_units(user, PLAN_ROLES))


class MapCreateForm(forms.Form):
    unit: forms.ModelChoiceField[Unit] = forms.ModelChoiceField(
        queryset=Unit.objects.none(), label=_("Unit pemilik peta")
    )
    plan_year = forms.ModelChoiceField(queryset=PlanYear.objects.order_by("-year"), label=_("Tahun rencana"))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # a search-as-you-type picker: the page holds the chosen unit only, not every map owner in reach
        self.fields["unit"] = unit_picker.unit_field(MAP_OWNER_PICKER, user, label=_("Unit pemilik peta"))
        self.order_fields(["unit", "plan_year"])


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
            self.fields[f"weight_{p.pk}"] = DecimalInputField(
                label=_("Bobot (%)"),
                required=False,
                min_value=Decimal(0),
                max_value=Decimal(100),
                max_digits=6,
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
        formfield_callback = human_formfield
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
        formfield_callback = human_formfield
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
        formfield_callback = human_formfield
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


# ---------------------------------------------------------------- KPIs: the manual and its trajectory

MAX_PERIODS = max(PERIODS_PER_YEAR.values())

TEXTAREA = forms.Textarea(attrs={"rows": 3})


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        formfield_callback = human_formfield
        fields = ["code", *MANUAL_FIELDS]
        widgets = {"description": TEXTAREA, "formula": TEXTAREA}

    # Rule 21 per KPI: a nullable flag shown as three named choices (blank = the global setting).
    evidence_required = forms.TypedChoiceField(
        label=_("Wajib data dukung"),
        choices=(
            ("", _("Ikuti pengaturan umum")),
            ("true", _("Wajib: pengajuan tanpa data dukung ditolak")),
            ("false", _("Tidak wajib: hanya peringatan")),
        ),
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
        if not self.is_bound and self.instance.evidence_required is not None:
            self.initial["evidence_required"] = "true" if self.instance.evidence_required else "false"
        limit(self.fields["owner_position"], Position.objects.filter(unit=objective.map.unit_id))
        self.fields["frequency"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("kpis:trajectory-fields"),
                "hx-target": "#trajectory",
                "hx-include": "closest form",
                "hx-swap": "innerHTML",
            }
        )
        existing: dict[int, Decimal] = {}
        if self.instance.pk is not None:
            existing = {t.period: t.target for t in self.instance.period_targets.all()}
        for number in range(1, MAX_PERIODS + 1):
            self.fields[f"period_{number}"] = DecimalInputField(
                required=False,
                max_digits=PeriodTarget._meta.get_field("target").max_digits,
                decimal_places=PeriodTarget._meta.get_field("target").decimal_places,
                initial=existing.get(number),
            )

    GROUPS = (
        (_("Identitas"), ("code", "name_id", "name_en")),
        (
            _("Manual IKU"),
            (
                "description",
                "formula",
                "unit_of_measure",
                "validity",
                "controllability",
                "lead_lag",
                "data_source",
                "measured_by",
                "owner_position",
                "owner_text",
                "mandatory",
                "evidence_required",
            ),
        ),
        (
            _("Target"),
            (
                "polarity",
                "consolidation",
                "frequency",
                "target",
                "target_low",
                "target_high",
                "baseline",
                "worst",
                "cap_on_target",
                "weight",
            ),
        ),
    )

    def groups(self) -> list[tuple[Any, list[Any]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def current_frequency(self) -> str:
        value = self.data.get(self.add_prefix("frequency")) if self.is_bound else None
        if value in PERIODS_PER_YEAR:
            return str(value)
        return self.instance.frequency if self.instance.pk else str(Frequency.QUARTERLY)

    def trajectory_rows(self) -> list[dict[str, Any]]:
        """The trajectory inputs of the current frequency: label, input name and id, value."""
        frequency = self.current_frequency()
        rows = []
        for n in range(1, PERIODS_PER_YEAR[frequency] + 1):
            bound = self[f"period_{n}"]
            rows.append(
                {
                    "label": period_label(frequency, n),
                    "name": bound.html_name,
                    "id": bound.id_for_label,
                    "value": shown_number(bound.value()),
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        frequency = data.get("frequency")
        if frequency in PERIODS_PER_YEAR:
            values = [data.get(f"period_{n}") for n in range(1, PERIODS_PER_YEAR[frequency] + 1)]
            if all(v is None for v in values):
                data["trajectory"] = None
            elif any(v is None for v in values):
                raise forms.ValidationError(
                    _("Isi target untuk setiap periode pelaporan."), code="trajectory"
                )
            else:
                data["trajectory"] = values
        return data

    def manual_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in MANUAL_FIELDS}


class TrajectoryProbeForm(forms.Form):
    """Reads the frequency, consolidation and target an htmx request sends to redraw the trajectory inputs."""

    frequency = forms.ChoiceField(choices=Frequency.choices, required=False)
    consolidation = forms.CharField(required=False)
    target = DecimalInputField(
        required=False,
        max_digits=Kpi._meta.get_field("target").max_digits,
        decimal_places=Kpi._meta.get_field("target").decimal_places,
    )
