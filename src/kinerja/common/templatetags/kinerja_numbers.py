"""Numbers on pages, as people write them in the user's language: `{% load kinerja_numbers %}`.

Every filter calls `kinerja.interchange.numbers.format_decimal` with the active language
(`1.234.567,5` in Indonesian, `1,234,567.5` in English). The rule:

- `kpi_value` — a KPI's target, realization, baseline: the KPI's own precision from the unit of
  its manual (`unit_decimals`: counts whole, anything else at most 2 decimals), trailing zeros
  dropped: `6`, `92,5`, `1.234.567,5`.
- `score` — an index, NKO or weight: always 2 decimals, `92,50`; N/A spelled out, never 0.
- `percent` — a share as a percentage: at most 2 decimals (or the argument), trimmed, then `%`:
  `92,5%`.
- `num` — any other number: at most the argument's decimals (none: as stored), trimmed.

A blank value shows `—`, except `score`, which says what is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kinerja.interchange.numbers import SCORE_DECIMALS, UNIT_DECIMALS, format_decimal, unit_decimals

register = template.Library()

BLANK = "—"


def _decimals(arg: Any) -> int | None:
    if arg is None or arg == "":
        return None
    return int(arg)


def shown(value: Any, decimals: int | None = None, *, trim: bool = True) -> str:
    """A number in the active language at `decimals` places (None: as many as it has), blank → `—`; the one
    reading of `format_decimal` for pages, documents and messages built in Python."""
    if value is None or value == "":
        return BLANK
    return format_decimal(value, decimals=decimals, lang=get_language(), trim=trim)


def kpi_unit(kpi: Any) -> str:
    """The unit of a KPI's manual, from a Kpi, a scorecard line's data (a dict) or the unit itself."""
    if kpi is None:
        return ""
    if isinstance(kpi, str):
        return kpi
    if isinstance(kpi, Mapping):
        return str(kpi.get("unit_of_measure") or kpi.get("unit") or "")
    return str(getattr(kpi, "unit_of_measure", "") or "")


@register.filter
def num(value: Any, decimals: Any = None) -> str:
    """`{{ x|num }}` as stored, `{{ x|num:2 }}` at most 2 decimals; trailing zeros dropped."""
    return shown(value, _decimals(decimals))


@register.filter
def kpi_value(value: Any, kpi: Any = None) -> str:
    """`{{ r.value|kpi_value:kpi }}`: a KPI's value with the KPI's precision (`unit_decimals`)."""
    unit = kpi_unit(kpi)
    return shown(value, unit_decimals(unit) if unit else UNIT_DECIMALS)


@register.filter
def score(value: Any, na: str = "") -> str:
    """An index, NKO or weight: 2 decimals, half-up (`92,50`); none → `na` or "belum dilaporkan"."""
    if value is None or value == "":
        return na or _("belum dilaporkan")
    return format_decimal(value, decimals=SCORE_DECIMALS, lang=get_language(), trim=False)


@register.filter
def percent(value: Any, decimals: Any = UNIT_DECIMALS) -> str:
    """A percentage: `{{ 92.5|percent }}` → `92,5%`, `{{ x|percent:0 }}` whole; blank → `—`."""
    text = shown(value, _decimals(decimals))
    return text if text == BLANK else f"{text}%"
