"""Template filters of the reporting pages: scores rounded for display, N/A spelled out (never 0).

The numbers go through `kinerja.common.templatetags.kinerja_numbers` (one rule, in the user's
language: `1.234.567,5` / `1,234,567.5`); these names stay for the templates that load them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.common.templatetags import kinerja_numbers
from kinerja.interchange.numbers import SCORE_DECIMALS, format_decimal
from kinerja.reporting import explaining
from kinerja.reporting.models import RealizationState

register = template.Library()


@register.filter
def score(value: Any, na: str = "") -> str:
    """A score rounded half-up to 2 decimals (localised), or "belum dilaporkan" when there is none."""
    return kinerja_numbers.score(value, na)


@register.filter
def number(value: Any, kpi: Any = None) -> str:
    """A target or realization: the KPI's precision when given (`|number:kpi`), else as entered
    without trailing zeros; localised; "—" when there is none."""
    if kpi is None:
        return kinerja_numbers.num(value)
    return kinerja_numbers.kpi_value(value, kpi)


@register.filter
def explained(value: Any) -> str:
    """An input of an explanation step: numbers rounded for display, N/A for a missing value."""
    if value is None:
        return _("N/A (belum dilaporkan)")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, decimals=SCORE_DECIMALS, lang=get_language(), trim=False)
    return str(explaining.explain_value(value))


@register.filter
def explain(text: Any) -> str:
    """A subject, formula, input name or note of a stored explanation in the user's language
    (`kinerja.reporting.explaining`: the scoring core writes them in English)."""
    return explaining.explain_text(text)


@register.filter
def explain_input(name: Any, subject: Any = None) -> str:
    """An input name of an explanation step in the user's language (`name|explain_input:node.subject`): the
    step decides what a name means (an NP semester's "discipline" is the behaviour aspect)."""
    return explaining.explain_input(name, subject)


@register.filter
def scoring_error(error: Any) -> str:
    """A scoring-core error (a `ScoringError` or its stored dict) in the user's language, from its code."""
    return explaining.error_text(error)


@register.filter
def status_class(status: Any) -> str:
    return f"status-{status}" if status else "status-na"


@register.filter
def status_label(status: Any) -> str:
    return {
        "green": _("hijau"),
        "yellow": _("kuning"),
        "red": _("merah"),
    }.get(str(status), _("N/A"))


@register.filter
def state_labels(codes: Any) -> str:
    """Realization state codes as the user reads them: "approved" → "Disetujui"."""
    labels = {state.value: str(state.label) for state in RealizationState}
    return ", ".join(labels.get(str(code), str(code)) for code in codes or ())
