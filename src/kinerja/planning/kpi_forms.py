"""The KPI manual form with its trajectory (one input per reporting period of the chosen frequency)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from kinerja.organisations.models import Position
from kinerja.planning.forms import limit
from kinerja.planning.models import Objective

from .kpi_services import MANUAL_FIELDS
from .models import PERIODS_PER_YEAR, Frequency, Kpi, period_label

MAX_PERIODS = max(PERIODS_PER_YEAR.values())

TEXTAREA = forms.Textarea(attrs={"rows": 3})
DECIMAL_FIELDS = ("target", "target_low", "target_high", "baseline", "worst", "weight")


def plain(value: Any) -> Any:
    """A Decimal as typed by a person: no trailing zeros, no exponent, a dot (inputs are not localised)."""
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["code", *MANUAL_FIELDS]
        widgets = {"description": TEXTAREA, "formula": TEXTAREA}

    def __init__(self, *args: Any, objective: Objective, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objective = objective
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
            for name in DECIMAL_FIELDS:
                self.initial[name] = plain(getattr(self.instance, name))
        for number in range(1, MAX_PERIODS + 1):
            self.fields[f"period_{number}"] = forms.DecimalField(
                required=False, max_digits=24, decimal_places=6, initial=existing.get(number)
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
                    "value": plain(bound.value()),
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
    target = forms.DecimalField(required=False)
