"""Template helpers of the reports pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.translation import gettext as _

from kinerja.dashboards.selectors import state_label
from kinerja.planning.models import Frequency

register = template.Library()


@register.filter
def indent(unit: Any, top: int = 1) -> str:
    """Non-breaking spaces showing a unit's depth in a <select> (options cannot be nested)."""
    return "\u00a0\u00a0\u00a0" * max(int(getattr(unit, "depth", 1)) - int(top), 0)


@register.filter
def by_frequency(periods: Sequence[Any]) -> list[tuple[str, list[Any]]]:
    """Periods grouped for <optgroup>s: monthly, quarterly, semester, yearly, each in time order."""
    groups: list[tuple[str, list[Any]]] = []
    for frequency in Frequency:
        found = [p for p in periods if p.frequency == frequency.value]
        if found:
            groups.append((str(frequency.label), found))
    return groups


@register.filter
def min_depth(maps: Sequence[Any]) -> int:
    return min((m.unit.depth for m in maps), default=1)


@register.filter
def trend_label(trend: str | None) -> str:
    return {"up": _("naik"), "down": _("turun"), "same": _("tetap")}.get(
        trend or "", _("tidak dapat dibandingkan")
    )


@register.filter
def completeness_state(state: str) -> str:
    return state_label(state)
