"""Compact JSON text written directly, for the big `kinerja score` / `kinerja nkp` outputs.

`json.dumps(result.to_dict(), ensure_ascii=False)` builds a dict and a float per
figure and then walks them again to encode them; for 100 000 KPIs that is a
third of the command's time. The `to_json()` methods of the results write the
same text in one pass with these helpers, byte for byte what `json.dumps` gives
for `to_dict()` (default separators `", "` and `": "`, non-ASCII kept): a test
compares the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from json.encoder import encode_basestring

from kinerja.scoring.explain import _SETTLE_ABOVE, _settle  # settle() inlined: 3.6 million calls for nkp

__all__ = ["json_number", "json_shared_number", "json_string", "json_strings", "json_text"]

_CENT = Decimal("0.01")
_float_repr = float.__repr__  # what `json.dumps` writes for a finite float


def json_number(value: Decimal | None) -> str:
    """`display_float(value)` as `json.dumps` writes it (``null`` for ``None``)."""
    if value is None:
        return "null"
    # A value quantized to 2 decimals prints in plain notation ("100.00", "-0.50"). With at most
    # 15 significant digits (DBL_DIG) the float's shortest repr has the same digits, and repr keeps
    # plain notation below 1e16: so it is the text without trailing zeros ("100.0", "-0.5"), got
    # without making the float and running repr's shortest-digits search (3× slower).
    # Of the two decimals only a trailing 0 goes ("100.00" → "100.0", "95.50" → "95.5"): one slice,
    # no rstrip and no second test (this runs 3.6 million times for 80 000 employees).
    if value.adjusted() <= _SETTLE_ABOVE:  # `explain.settle`, inlined: an exact half cent rounds up
        value = _settle(value)
    text = str(value.quantize(_CENT, ROUND_HALF_UP))
    if len(text) > 16:  # maybe more than 15 digits: let float and repr do it
        return _float_repr(float(text))
    return text[:-1] if text[-1] == "0" else text


# id → (the value, its text): the value is kept with its text, so that its id cannot be reused meanwhile
_SHARED: dict[int, tuple[Decimal, str]] = {}
_SHARED_MAX = 4096


def json_shared_number(value: Decimal | None) -> str:
    """`json_number` of a value that many results share: one object each (a rule-set constant, a K3 of
    one `Q_target` case, a correction parsed once for its column). Its text is made once and found again
    by the object's identity, which costs a dictionary lookup (a Decimal's own hash costs more than the
    text). Values that are not shared may be given too: they fill the cache up to `_SHARED_MAX` entries,
    after which they are written directly."""
    if value is None:
        return "null"
    found = _SHARED.get(id(value))
    if found is not None and found[0] is value:
        return found[1]
    text = json_number(value)
    if len(_SHARED) < _SHARED_MAX:
        _SHARED[id(value)] = (value, text)
    return text


def json_string(value: str) -> str:
    """A JSON string, non-ASCII kept (`json.dumps(..., ensure_ascii=False)`)."""
    return encode_basestring(value)


def json_text(value: str | None) -> str:
    """A JSON string, or ``null``."""
    return "null" if value is None else encode_basestring(value)


def json_strings(values: Iterable[str]) -> str:
    """A JSON array of strings."""
    return "[" + ", ".join(map(encode_basestring, values)) + "]"
