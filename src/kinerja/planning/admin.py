"""Django admin for the planning calendar (Renstra periods, plan years and their rule sets, unit plans).

Maps, objectives and KPIs are edited on Kinerja's own pages, where the workflow and the validation rules
apply; the admin only sets up the years they belong to. Superusers only, as for the organisation.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kinerja.common.admin import SuperuserOnly

from .models import PlanPeriod, PlanYear, UnitPlan
from .scoring_bridge import rule_set_codes


class PlanYearForm(forms.ModelForm):
    """The rule set is picked from those the scoring core ships (the model validates the code too)."""

    class Meta:
        model = PlanYear
        fields = ["year", "plan_period", "rule_set"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule_set"] = forms.ChoiceField(
            choices=[(code, code) for code in rule_set_codes()], label=self.fields["rule_set"].label
        )


class PlanYearInline(SuperuserOnly, admin.TabularInline):
    model = PlanYear
    form = PlanYearForm
    extra = 0
    fields = ["year", "rule_set"]


@admin.register(PlanPeriod)
class PlanPeriodAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["name", "start_year", "end_year"]
    inlines = [PlanYearInline]


@admin.register(PlanYear)
class PlanYearAdmin(SuperuserOnly, SimpleHistoryAdmin):
    form = PlanYearForm
    list_display = ["year", "plan_period", "rule_set"]
    list_select_related = ["plan_period"]


@admin.register(UnitPlan)
class UnitPlanAdmin(SuperuserOnly, SimpleHistoryAdmin):
    list_display = ["unit", "plan_period"]
    list_select_related = ["unit", "plan_period"]
    autocomplete_fields = ["unit"]
