"""The preferences form: for each kind, in the application and by e-mail; the e-mails' language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Kind


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Bahasa pemberitahuan dan surel"),
        required=False,
        choices=[("", _("Bahasa Indonesia (bawaan)")), *settings.LANGUAGES],
    )

    def __init__(self, *args: Any, initial_rows: list[dict[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rows = {row["kind"]: row for row in initial_rows or []}
        for kind in Kind:
            row = rows.get(kind.value, {})
            self.fields[f"{kind.value}-in_app"] = forms.BooleanField(
                label=_("Di aplikasi"), required=False, initial=row.get("in_app", True)
            )
            self.fields[f"{kind.value}-email"] = forms.BooleanField(
                label=_("Lewat surel"), required=False, initial=row.get("email", False)
            )

    def rows(self) -> list[dict[str, Any]]:
        """One row per kind for the template: the label and its two bound checkboxes."""
        return [
            {
                "label": kind.label,
                "in_app": self[f"{kind.value}-in_app"],
                "email": self[f"{kind.value}-email"],
            }
            for kind in Kind
        ]

    def choices(self) -> dict[str, tuple[bool, bool]]:
        data = self.cleaned_data
        return {kind.value: (data[f"{kind.value}-in_app"], data[f"{kind.value}-email"]) for kind in Kind}
