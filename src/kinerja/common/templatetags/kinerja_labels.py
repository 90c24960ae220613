"""Stored Indonesian words shown in the user's language: `{% load kinerja_labels %}`, `{{ x|predicate }}`."""

from __future__ import annotations

from typing import Any

from django import template

from kinerja.common.labels import predicate_label

register = template.Library()


@register.filter
def predicate(value: Any) -> str:
    """A predicate of the scoring core ("Cukup") in the user's language; "" when there is none."""
    return predicate_label(value)
