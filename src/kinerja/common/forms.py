"""The form fields every app's forms share: a number as people write it.

`DecimalInputField` is the one way a page reads a number typed by a person (a realization,
a target, a weight, a trajectory value, a budget): `kinerja.interchange.cells.parse_decimal`
in its human style, with the decimal mark of the user's language as the hint for the one
ambiguous case (`1.234`), the model field's digits as the limit, and the messages in the
user's language. The API reads the same way (`common.api.HumanDecimalField`).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinerja.interchange.cells import DECIMAL_MARK, CellError, NumberStyle, parse_decimal
from kinerja.interchange.messages import Lang

# The messages of `parse_decimal`'s refusals, in the user's language (msgids in Indonesian).
NUMBER_MESSAGES: dict[str, Any] = {
    "not_a_number": _("Isian ini harus berupa angka; “%(value)s” bukan angka."),
    "decimal_comma": _("“%(value)s” bukan angka (gunakan titik sebagai pemisah desimal)."),
    "misplaced_separator": _("“%(value)s” bukan angka (pemisah ribuan atau desimal salah tempat)."),
    "too_many_digits": _(
        "%(value)s terlalu besar: paling banyak %(whole_digits)s digit sebelum tanda desimal."
    ),
    "too_many_decimals": _(
        "%(value)s memiliki terlalu banyak angka desimal (paling banyak %(decimal_places)s)."
    ),
    "negative": _("%(value)s tidak boleh negatif."),
    "below_minimum": _("%(value)s tidak boleh kurang dari %(minimum)s."),
}


def user_lang() -> Lang:
    """The active language as the interchange knows it: `"en"` or `"id"` (the default)."""
    return "en" if (get_language() or "").lower().startswith("en") else "id"


def number_error(exc: CellError) -> ValidationError:
    """A `parse_decimal` refusal as a Django ValidationError in the user's language."""
    template = NUMBER_MESSAGES.get(exc.key)
    if template is None:  # a refusal without a Django message: the interchange's own text
        return ValidationError(exc.message(user_lang()), code=exc.key)
    return ValidationError(template, code=exc.key, params=dict(exc.params))


def read_number(
    raw: Any,
    *,
    max_digits: int | None = None,
    decimal_places: int | None = None,
    min_value: Decimal | int | None = None,
) -> Decimal | None:
    """A number typed by a person (or a JSON number) → Decimal; blank → None; else a ValidationError.

    The one reading behind `DecimalInputField` and `common.api.HumanDecimalField`.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise ValidationError(NUMBER_MESSAGES["not_a_number"], code="not_a_number", params={"value": raw})
    mark = DECIMAL_MARK[user_lang()]
    if isinstance(raw, int | float | Decimal):  # a number, not text: written with a decimal point
        number = raw if isinstance(raw, Decimal) else Decimal(str(raw))
        raw, mark = (format(number, "f") if number.is_finite() else str(number)), "."
    try:
        return parse_decimal(
            str(raw),
            style=NumberStyle.HUMAN,
            decimal_mark=mark,
            max_digits=max_digits if decimal_places is not None else None,
            decimal_places=decimal_places if max_digits is not None else None,
            min_value=min_value,
        )
    except CellError as exc:
        raise number_error(exc) from None


_AMBIGUOUS = re.compile(r"-?[1-9][0-9]{0,2}\.[0-9]{3}")


def shown_number(value: Any) -> Any:
    """A Decimal as an input shows it: a decimal point, no trailing zeros, no exponent; else unchanged.

    Read back in any language as the same number: `1.234` (which an Indonesian reading takes for
    1234) is shown `1.2340`. `Decimal("85.500000")` → `"85.5"`.
    """
    if not isinstance(value, Decimal) or not value.is_finite():
        return value
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text + "0" if _AMBIGUOUS.fullmatch(text) else text


class DecimalInputField(forms.DecimalField):
    """A number as people write it (`85,5`, `1.234,5`, `85%`), limited by the model field's digits.

    A text input (a browser's number input refuses a decimal comma) with `inputmode="decimal"`;
    a value is shown by `shown_number`, so it reads back the same in any language.
    """

    widget = forms.TextInput

    def __init__(
        self, *, max_digits: int | None = None, decimal_places: int | None = None, **kwargs: Any
    ) -> None:
        kwargs.pop("localize", None)
        super().__init__(max_digits=max_digits, decimal_places=decimal_places, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        return read_number(
            value,
            max_digits=self.max_digits,
            decimal_places=self.decimal_places,
            min_value=self.min_value if isinstance(self.min_value, Decimal | int) else None,
        )

    def validate(self, value: Any) -> None:
        forms.Field.validate(self, value)  # finiteness and digits are checked by the reading

    def prepare_value(self, value: Any) -> Any:
        return shown_number(value)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = forms.Field.widget_attrs(self, widget)
        attrs.setdefault("inputmode", "decimal")
        return attrs


def human_formfield(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A ModelForm's `formfield_callback`: every model DecimalField becomes a `DecimalInputField`."""
    if isinstance(field, models.DecimalField):
        kwargs.setdefault("form_class", DecimalInputField)
    return field.formfield(**kwargs)
