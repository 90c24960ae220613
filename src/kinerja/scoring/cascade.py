"""Cascading roll-up: a parent KPI's realization derived from its children (`scoring.md` §5).

A *direct* (whole or shared) or *indirect* KPI may take its realization from
lower units' KPIs, combined by its aggregation (sum, average, weighted
average, minimum, maximum). A child that has not reported makes the parent
incomplete — its derived realization is N/A — never silently lower.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from kinerja.scoring.enums import Aggregation, CascadeType
from kinerja.scoring.errors import ErrorCode, ScoringError
from kinerja.scoring.explain import Explanation

__all__ = ["ChildValue", "RollUp", "roll_up"]

_ZERO = Decimal(0)

_FORMULAS = {
    Aggregation.SUM: "Σ child realizations",
    Aggregation.AVERAGE: "mean of child realizations",
    Aggregation.WEIGHTED_AVERAGE: "Σ wᵢ × Rᵢ / Σ wᵢ",
    Aggregation.MIN: "minimum of child realizations",
    Aggregation.MAX: "maximum of child realizations",
}


@dataclass(frozen=True, slots=True)
class ChildValue:
    """A child KPI's realization for the period (``None`` = not reported) and its weight (weighted average)."""

    code: str
    realization: Decimal | None
    weight: Decimal | None = None


@dataclass(slots=True)
class RollUp:
    """A derived realization: ``None`` (N/A) whenever a child has not reported; `missing` names them."""

    parent: str
    aggregation: Aggregation
    realization: Decimal | None
    children: tuple[ChildValue, ...]
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        """True when every child reported (then `realization` is set)."""
        return not self.missing

    def explain(self) -> Explanation:
        """The aggregation with every child's value."""
        inputs: dict[str, Decimal | str | None] = {}
        for child in self.children:
            inputs[f"R {child.code}"] = child.realization
            if self.aggregation is Aggregation.WEIGHTED_AVERAGE:
                inputs[f"w {child.code}"] = child.weight
        notes = tuple(f"child {code} not reported: parent incomplete (N/A)" for code in self.missing)
        return Explanation(
            subject=f"KPI {self.parent} derived realization",
            formula=_FORMULAS[self.aggregation],
            result=self.realization,
            inputs=inputs,
            notes=notes,
            code=self.parent,
        )


def roll_up(
    children: Sequence[ChildValue],
    aggregation: Aggregation,
    *,
    parent: str = "",
    cascade_type: CascadeType = CascadeType.DIRECT,
) -> RollUp:
    """Derive a parent KPI's realization from its children's (§5).

    Errors (`ScoringError`): a non-cascading KPI (``cascade_not_rolled_up``),
    no children (``cascade_no_children``), a weighted average with a missing,
    negative or all-zero weight (``weight_invalid``).
    """
    if cascade_type is CascadeType.NON_CASCADING:
        raise ScoringError(
            ErrorCode.CASCADE_NOT_ROLLED_UP, f"KPI {parent}: a non-cascading KPI is not rolled up", kpi=parent
        )
    if not children:
        raise ScoringError(
            ErrorCode.CASCADE_NO_CHILDREN,
            f"KPI {parent}: no child KPIs to derive the realization from",
            kpi=parent,
        )
    kids = tuple(children)
    if aggregation is Aggregation.WEIGHTED_AVERAGE:
        for child in kids:
            if child.weight is None or child.weight < _ZERO:
                raise ScoringError(
                    ErrorCode.WEIGHT_INVALID,
                    f"KPI {parent}: child {child.code} needs a non-negative weight for a weighted average",
                    kpi=parent,
                    field="weight",
                )
        if all(child.weight == _ZERO for child in kids):
            raise ScoringError(
                ErrorCode.WEIGHT_INVALID,
                f"KPI {parent}: the children's weights are all 0",
                kpi=parent,
                field="weight",
            )
    missing = tuple(child.code for child in kids if child.realization is None)
    if missing:
        return RollUp(parent, aggregation, None, kids, missing)
    values = [child.realization for child in kids if child.realization is not None]
    value: Decimal
    if aggregation is Aggregation.SUM:
        value = sum(values, _ZERO)
    elif aggregation is Aggregation.AVERAGE:
        value = sum(values, _ZERO) / len(values)
    elif aggregation is Aggregation.MIN:
        value = min(values)
    elif aggregation is Aggregation.MAX:
        value = max(values)
    else:
        num = sum(((c.weight or _ZERO) * (c.realization or _ZERO) for c in kids), _ZERO)
        den = sum((c.weight or _ZERO for c in kids), _ZERO)
        value = num / den
    return RollUp(parent, aggregation, value, kids, ())
