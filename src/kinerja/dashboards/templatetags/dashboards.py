"""Template helpers of the reports pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

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


_TRENDS = {"up": gettext_lazy("naik"), "down": gettext_lazy("turun"), "same": gettext_lazy("tetap")}
_NOT_COMPARABLE = gettext_lazy("tidak dapat dibandingkan")
_TREND_MARKS = {
    "up": ("trend trend-up", "▲"),
    "down": ("trend trend-down", "▼"),
    "same": ("trend trend-same", "▬"),
}


@register.filter
def trend_label(trend: str | None) -> str:
    return str(_TRENDS.get(trend or "", _NOT_COMPARABLE))


@register.simple_tag
def trend_mark(trend: str | None) -> SafeString:
    """The trend of a row beside the previous period: an arrow titled with its label (or a dash), and the label
    for screen readers. A tag, not an include: it is drawn once per row of a ranking."""
    label = trend_label(trend)
    mark = _TREND_MARKS.get(trend or "")
    if mark is None:
        shown = mark_safe('<span class="muted" aria-hidden="true">–</span>')  # a constant
    else:
        shown = format_html(
            '<span class="{}" title="{}" aria-hidden="true">{}</span>', mark[0], label, mark[1]
        )
    return format_html('{}<span class="visually-hidden">{}</span>', shown, label)


@register.filter
def completeness_state(state: str) -> str:
    return state_label(state)
