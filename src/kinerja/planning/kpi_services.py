"""Writes of KPIs: the KPI manual, the yearly target and the trajectory, in one transaction.

A KPI belongs to an SS of a map that is still being edited; the polarity must
fit the target (rule 11) and the trajectory must cover every reporting period
and consolidate to the yearly target (rule 12) — both *block*, checked by
`kinerja.planning.validation` with the scoring core's own rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, recorded
from kinerja.planning import validation
from kinerja.planning.models import Objective, StrategyMap
from kinerja.planning.services import ensure_editable, scores_may_change

from .models import Kpi, PeriodTarget

# The manual fields a form or an import may set (everything but the objective, code and trajectory).
MANUAL_FIELDS = (
    "name_id",
    "name_en",
    "description",
    "formula",
    "unit_of_measure",
    "validity",
    "controllability",
    "lead_lag",
    "polarity",
    "consolidation",
    "frequency",
    "data_source",
    "measured_by",
    "owner_position",
    "owner_text",
    "baseline",
    "worst",
    "cap_on_target",
    "mandatory",
    "evidence_required",
    "weight",
    "target",
    "target_low",
    "target_high",
)


KpiGuard = Callable[[Kpi, Mapping[str, Any], "Sequence[Decimal] | None"], None]
"""`guard(kpi, fields, trajectory)`: raise `ValidationError` when a change to a saved KPI breaks a rule kept by
a layer above planning (e.g. rule 14: a direct-full cascaded KPI keeps its parent's manual and target). The
upper layer registers it at start-up (`register_kpi_guard`); planning never imports it."""

_KPI_GUARDS: list[KpiGuard] = []


def register_kpi_guard(guard: KpiGuard) -> None:
    if guard not in _KPI_GUARDS:
        _KPI_GUARDS.append(guard)


def save_kpi(
    *,
    objective: Objective,
    code: str,
    fields: Mapping[str, Any],
    trajectory: Sequence[Decimal] | None,
    by: Actor,
    kpi: Kpi | None = None,
) -> Kpi:
    """Create (or, given `kpi`, update) an IKU with its manual, yearly target and trajectory.

    `trajectory` lists the period targets in order (B1…B12, TW1…TW4, S1–S2 or
    the year); None keeps a yearly KPI's single period equal to its target and
    otherwise leaves the stored trajectory, which must still fit (rule 12).
    """
    strategy_map = objective.map
    ensure_editable(strategy_map, by)
    target = kpi or Kpi(objective=objective)
    if target.pk is not None and target.objective.map_id != strategy_map.pk:
        raise ValidationError(_("IKU tidak dapat dipindahkan ke peta lain."), code="kpi_other_map")
    unknown = set(fields) - set(MANUAL_FIELDS)
    if unknown:
        raise ValueError(f"unknown KPI fields: {sorted(unknown)}")
    if target.pk is not None:
        for guard in _KPI_GUARDS:
            guard(target, fields, trajectory)
    target.objective = objective
    target.code = code.strip()
    for name, value in fields.items():
        setattr(target, name, value)
    target.full_clean(exclude=["objective"], validate_unique=False, validate_constraints=False)
    duplicate = (
        Kpi.objects.filter(objective__map=strategy_map, code=target.code).exclude(pk=target.pk).exists()
    )
    if duplicate:
        raise ValidationError(
            _("Kode IKU %(code)s sudah dipakai pada peta ini.") % {"code": target.code}, code="duplicate_code"
        )
    if trajectory is None:
        if target.period_count == 1 and target.target is not None:
            values = [target.target]
        elif target.pk is not None:
            values = list(target.period_targets.order_by("period").values_list("target", flat=True))
        else:
            values = []
    else:
        values = list(trajectory)
    periods = [PeriodTarget(kpi=target, period=i + 1, target=v) for i, v in enumerate(values)]
    rule_set = strategy_map.plan_year.rule_set
    blocking = [f for f in validation.check_kpi(target, periods, rule_set) if f.blocks]
    validation.raise_blocking(blocking)
    with transaction.atomic():
        recorded(target, by).save()
        PeriodTarget.objects.filter(kpi=target).delete()
        bulk_create_with_history(periods, PeriodTarget, default_user=by)
        scores_may_change(strategy_map)
    return target


@dataclass(frozen=True)
class NewKpi:
    """One IKU for `create_kpis`: what `save_kpi` takes for a new one."""

    objective: Objective
    code: str
    fields: Mapping[str, Any]
    trajectory: Sequence[Decimal] | None


def create_kpis(
    *, strategy_map: StrategyMap, items: Sequence[NewKpi], by: Actor
) -> list[Kpi | ValidationError]:
    """Create many new IKU of one map at once, each checked exactly as `save_kpi` checks a new one.

    The set-based form of `save_kpi` for an import: the map is checked once, the codes already on the map
    are read in one query, every KPI is cleaned and checked (rules 11 and 12) in Python, and the good ones
    are written with their trajectories in two bulk inserts, each with its history rows (`by`). Returns,
    in the order of `items`, the saved KPI or the `ValidationError` that refused it (nothing of a refused
    one is written; the others are). `items` must belong to `strategy_map`.
    """
    ensure_editable(strategy_map, by)
    rule_set = strategy_map.plan_year.rule_set
    taken = set(Kpi.objects.filter(objective__map=strategy_map).values_list("code", flat=True))
    out: list[Kpi | ValidationError] = []
    good: list[tuple[Kpi, list[PeriodTarget]]] = []
    for item in items:
        if item.objective.map_id != strategy_map.pk:
            raise ValueError("create_kpis: an objective of another map")
        unknown = set(item.fields) - set(MANUAL_FIELDS)
        if unknown:
            raise ValueError(f"unknown KPI fields: {sorted(unknown)}")
        target = Kpi(objective=item.objective, code=item.code.strip())
        for name, value in item.fields.items():
            setattr(target, name, value)
        try:
            target.full_clean(exclude=["objective"], validate_unique=False, validate_constraints=False)
            if target.code in taken:
                raise ValidationError(
                    _("Kode IKU %(code)s sudah dipakai pada peta ini.") % {"code": target.code},
                    code="duplicate_code",
                )
            if item.trajectory is not None:
                values = list(item.trajectory)
            elif target.period_count == 1 and target.target is not None:
                values = [target.target]
            else:
                values = []
            periods = [PeriodTarget(kpi=target, period=i + 1, target=v) for i, v in enumerate(values)]
            validation.raise_blocking(
                [f for f in validation.check_kpi(target, periods, rule_set) if f.blocks]
            )
        except ValidationError as error:
            out.append(error)
            continue
        taken.add(target.code)
        good.append((target, periods))
        out.append(target)
    if good:
        with transaction.atomic():
            bulk_create_with_history([kpi for kpi, _periods in good], Kpi, batch_size=500, default_user=by)
            trajectories = []
            for kpi, periods in good:
                for period in periods:
                    period.kpi = kpi  # the pk is known now
                    trajectories.append(period)
            bulk_create_with_history(trajectories, PeriodTarget, batch_size=1000, default_user=by)
            scores_may_change(strategy_map)
    return out


def delete_kpi(*, kpi: Kpi, by: Actor) -> None:
    ensure_editable(kpi.objective.map, by)
    ensure(by, "planning.change_kpi", kpi)
    with transaction.atomic():
        recorded(kpi, by).delete()
        scores_may_change(kpi.objective.map)
