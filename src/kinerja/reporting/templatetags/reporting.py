"""Template filters of the reporting pages: scores rounded for display, N/A spelled out (never 0)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from kinerja.reporting.scorecard import shown

register = template.Library()


@register.filter
def score(value: Any, na: str = "") -> str:
    """A score rounded half-up to 2 decimals (localised), or "belum dilaporkan" when there is none."""
    try:
        rounded = shown(value)
    except (InvalidOperation, ValueError, TypeError):
        return str(value)
    if rounded is None:
        return na or _("belum dilaporkan")
    return str(floatformat(rounded, 2))


@register.filter
def number(value: Any) -> str:
    """A target or realization as entered: no trailing zeros, localised; blank when there is none."""
    if value is None or value == "":
        return "—"
    try:
        decimal = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return str(floatformat(decimal, -6))


@register.filter
def explained(value: Any) -> str:
    """An input of an explanation step: numbers rounded for display, N/A for a missing value."""
    if value is None:
        return _("N/A (belum dilaporkan)")
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return str(floatformat(Decimal(str(value)), 2))
    return str(value)


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
    from kinerja.reporting.models import RealizationState

    labels = {state.value: str(state.label) for state in RealizationState}
    return ", ".join(labels.get(str(code), str(code)) for code in codes or ())
