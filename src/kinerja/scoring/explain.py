"""Score explanations and display rounding.

Every computed figure can say why it is what it is: an `Explanation` is a tree
node with the formula in words, its named inputs, its result and the
explanations it was built from (KPI → objective → perspective → NKO; and every
step of an employee score). Results build their explanation on demand
(`ScorecardResult.explain`, `Nkp2014Result.explain`, `Nkp2026Result.explain`),
so scoring 100 000 KPIs builds none.

Figures are never rounded while computing; `display` rounds half-up to two
decimals for showing only (`scoring.md`, preamble).

Exact half cents. `Decimal` computes with 28 significant digits, so a quotient
that does not terminate (``R / T`` with ``T = 23``, a mean of seven values) is
cut at its 28th digit, and a figure built from it whose exact value is a half
cent or a threshold can land one unit of the 28th digit below it:
``17.523 / 23 × 100 × 1.15`` is exactly 87.615 but computes as
87.6149999…97, which would show as 87.61. `settle` takes a figure to 22
significant digits before it is shown or compared with a threshold or another
figure: the error of the 28-digit arithmetic (a few units of the 28th digit)
is gone, and every figure whose exact value has at most 22 significant digits
— every half cent, every threshold — is its exact value again. Figures keep
their 28 digits while computing (settling an input of a product would enlarge
the product's error).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal
from typing import Any

__all__ = ["Explanation", "display", "display_float", "settle"]

_CENT = Decimal("0.01")
_SETTLE_DIGITS = 22
_settle = Context(prec=_SETTLE_DIGITS, rounding=ROUND_HALF_EVEN).plus
_SETTLE_ABOVE = 12  # figures from 10^13 up are sums of inputs (exact), never quotients of scores


def settle(value: Decimal) -> Decimal:
    """`value` at 22 significant digits: its exact value where that has at most 22 (see the module).

    Used wherever a computed figure is shown, compared with a threshold or with another figure.
    Values from 10^13 up are returned as they are (they are consolidated inputs, not quotients).
    """
    if value.adjusted() > _SETTLE_ABOVE:
        return value
    return _settle(value)


_PRECISION = 28
_CONTEXT = Context(prec=_PRECISION)  # the usual precision's context, made once (a map's snapshot rounds 700)

InputValue = Decimal | str | None


def display(value: Decimal) -> Decimal:
    """`value` rounded half-up to 2 decimals, as every figure is shown (preamble of `scoring.md`).

    The precision grows with the number, so a realization far wider than any field (a row stored
    around the entry checks) still shows instead of raising `InvalidOperation`.
    """
    digits = max(_PRECISION, value.adjusted() + 4) if value.is_finite() else _PRECISION
    context = _CONTEXT if digits == _PRECISION else Context(prec=digits)
    return settle(value).quantize(_CENT, ROUND_HALF_UP, context=context)


def display_float(value: Decimal | None) -> float | None:
    """`display(value)` as a float for JSON output (``None`` stays ``None``)."""
    return None if value is None else float(display(value))


def _show(value: InputValue, exact: bool) -> str:
    if value is None:
        return "N/A"
    if isinstance(value, Decimal):
        return str(value) if exact else str(display(value))
    return value


def _json(value: InputValue, exact: bool) -> float | str | None:
    if isinstance(value, Decimal):
        if exact:
            return str(value)
        if value.is_finite() and value.adjusted() <= _PRECISION - 4:  # `display_float`, without two calls
            return float(settle(value).quantize(_CENT, ROUND_HALF_UP, context=_CONTEXT))
        return display_float(value)
    return value


@dataclass(frozen=True, slots=True)
class Explanation:
    """One step of a computation: ``subject = formula`` applied to ``inputs`` gives ``result``.

    `subject` names the figure ("KPI S1.a index", "NKO"), `code` the thing it
    belongs to (a KPI, objective or perspective code, an NIP) for `find`,
    `formula` says how it is computed in the notation of `scoring.md`,
    `inputs` are the named values that went in, `notes` remarks such as
    "130.00 clamped to 120.00", and `children` the explanations of inputs that
    are themselves computed.
    """

    subject: str
    formula: str
    result: InputValue
    inputs: Mapping[str, InputValue] = field(default_factory=dict)
    children: tuple[Explanation, ...] = ()
    notes: tuple[str, ...] = ()
    code: str = ""

    def walk(self) -> Iterator[Explanation]:
        """This node and every descendant, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()

    def find(self, code: str) -> Explanation | None:
        """The first node (depth first) whose `code` is `code`, or ``None``."""
        for node in self.walk():
            if node.code == code:
                return node
        return None

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """A plain, JSON-serialisable dict; numbers rounded for display (``exact``: full strings)."""
        return {
            "subject": self.subject,
            "code": self.code,
            "formula": self.formula,
            "inputs": {name: _json(value, exact) for name, value in self.inputs.items()},
            "result": _json(self.result, exact),
            "notes": list(self.notes),
            "children": [child.to_dict(exact=exact) for child in self.children],
        }

    def to_text(self, *, exact: bool = False, indent: str = "  ") -> str:
        """Indented plain text, one node per block, for the CLI's ``--explain``."""
        lines: list[str] = []
        self._text(lines, 0, exact, indent)
        return "\n".join(lines)

    def _text(self, lines: list[str], depth: int, exact: bool, indent: str) -> None:
        pad = indent * depth
        lines.append(f"{pad}{self.subject} = {_show(self.result, exact)}    [{self.formula}]")
        if self.inputs:
            shown = ", ".join(f"{name} = {_show(value, exact)}" for name, value in self.inputs.items())
            lines.append(f"{pad}{indent}where {shown}")
        for note in self.notes:
            lines.append(f"{pad}{indent}note: {note}")
        for child in self.children:
            child._text(lines, depth + 1, exact, indent)
