"""Last year's target and realization of a KPI, the K3 inputs (`scoring.md` §7.2), read from last year's data.

Two links from this year's KPI to last year's, both by code, as the app carries KPIs from year to year:

* an individual KPI (IKI) carried from the holder's contract of last year in the same position
  (`bulk._carried`): last year's contract KPI and its KPI;
* a map KPI (IKU) of a map owner's head: the KPI with the same code on the same unit's map of the year before
  (`planning.services.copy_year` copies a map with its codes; a historical import, `reporting.services.history`,
  brings a closed year's map in with them).

Last year's target is that KPI's yearly target; its realization is the yearly figure of its *approved*
realizations, consolidated under its consolidation (sum, average or the last), when the last period of the
year is reported (else None: the year is incomplete, the K3 inputs stay to be typed in).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import F

from kinerja.planning.models import Kpi, PlanYear
from kinerja.reporting.models import Realization, RealizationState

Inputs = tuple[Decimal | None, Decimal | None]  # (target_prev, realization_prev)


def yearly_realizations(kpis: Iterable[Kpi], previous: PlanYear) -> dict[int, Decimal]:
    """{KPI id: last year's yearly realization} of the KPIs (KPIs of the year `previous`). One query."""
    by_id = {k.pk: k for k in kpis}
    if not by_id:
        return {}
    values: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for kpi_id, number, frequency, value in (
        Realization.objects.filter(
            kpi_id__in=list(by_id), period__plan_year=previous, state=RealizationState.APPROVED
        )
        .order_by("kpi_id", "period__number")
        .values_list("kpi_id", "period__number", "period__frequency", "value")
    ):
        if frequency == by_id[kpi_id].frequency and value is not None:
            values[kpi_id].append((number, value))
    found: dict[int, Decimal] = {}
    for kpi_id, reported in values.items():
        kpi = by_id[kpi_id]
        if not reported or reported[-1][0] != kpi.period_count:
            continue
        numbers = [v for _n, v in reported]
        if kpi.consolidation == "sum":
            found[kpi_id] = sum(numbers, Decimal(0))
        elif kpi.consolidation == "average":
            found[kpi_id] = sum(numbers, Decimal(0)) / len(numbers)
        else:
            found[kpi_id] = numbers[-1]
    return found


def map_kpi_inputs(keys: Iterable[tuple[int, str]], year: int) -> dict[tuple[int, str], Inputs]:
    """{(unit id, KPI code): (last year's target, last year's realization)} for map KPIs of `year`.

    Found on the same unit's map of `year - 1` by the KPI's code; a key with no such KPI is left out. Three
    queries, whatever the number of keys.
    """
    wanted = set(keys)
    if not wanted:
        return {}
    last = list(
        Kpi.objects.filter(
            objective__map__plan_year__year=year - 1,
            objective__map__unit_id__in={unit for unit, _code in wanted},
            code__in={code for _unit, code in wanted},
        )
        .annotate(map_unit_id=F("objective__map__unit_id"))
        .order_by("pk")
    )
    last = [k for k in last if (k.map_unit_id, k.code) in wanted]
    if not last:
        return {}
    previous = PlanYear.objects.filter(year=year - 1).first()
    realized = yearly_realizations(last, previous) if previous is not None else {}
    return {(k.map_unit_id, k.code): (k.target, realized.get(k.pk)) for k in last}
