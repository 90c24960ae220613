"""Model fields every app may use."""

from __future__ import annotations

import decimal
from functools import cached_property
from typing import Any

from django.db import models

# Enough digits to read back any number a database column has ever been given.
READ_PRECISION = 60


class StoredDecimalField(models.DecimalField):
    """A DecimalField whose stored rows always read back, even one with more digits than `max_digits`.

    Entry paths refuse a value outside the field's digits; a row written around them (an old
    import, a direct ORM write, SQLite's untyped columns) must still load, or every page that
    lists it fails (issue 10 item 5). Django's SQLite converter quantizes each value within a
    context of `max_digits` digits and raises `InvalidOperation` for a wider number; the context
    here is wide enough to read it, so pages can show it and the scoring can judge it.
    Migrations see a plain DecimalField: the column is the same.
    """

    @cached_property
    def context(self) -> decimal.Context:  # asked once per value read on SQLite: built once per field
        return decimal.Context(prec=max(int(self.max_digits or 0), READ_PRECISION))

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
