"""Writes of the appraisals app that compute scores: `compute_scores` scores a unit's employees for a plan
year with the scoring core and stores one `ScoreRecord` per employee (never changed: a recompute adds
records, the latest is current). The formulas are the core's; this gathers inputs (`inputs.gather`) and keeps
the results, set-based: a fixed number of queries and one `bulk_create` whatever the number of employees.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear
from kinerja.reporting.models import ReportingPeriod
from kinerja.scoring import Employee as CoreEmployee
from kinerja.scoring import EmployeeResult, Nkp2014Result, ScoringError, display, score_employees
from kinerja.scoring._batch import paused_gc

from .inputs import Gathered, gather
from .models import ScoreRecord

__all__ = ["compute_scores", "score_gathered"]


def _cents(value: Decimal | None) -> Decimal | None:
    return None if value is None else display(value)


def _error(error: ScoringError) -> dict[str, Any]:
    """An input error as stored (`ScoreRecord.errors`): the core's code, message, KPI and field."""
    return {"code": str(error.code), "message": error.message, "kpi": error.kpi, "field": error.field}


def score_gathered(
    gathered: Gathered,
) -> tuple[dict[str, EmployeeResult], dict[str, list[dict[str, Any]]]]:
    """The core's result per NIP, and the input errors per NIP of those it could not score.

    One call of the core over the whole set; when some employees' inputs are wrong the core reports them all
    at once, and the others are scored again without them (so one wrong contract does not fail the unit).
    Under `kmk-127-2026` an employee left out also leaves their discipline out of their superior's impact.
    """
    rules = gathered.rules
    pending: Sequence[CoreEmployee] = gathered.inputs
    errors: dict[str, list[dict[str, Any]]] = {}
    for _attempt in range(2):
        try:
            results = score_employees(pending, rules=rules, as_of_period=gathered.as_of)
        except ScoringError as failure:
            for error in failure.errors:
                errors.setdefault(error.employee or "", []).append(_error(error))
            untagged = errors.pop("", None)
            if untagged:  # an error the core did not tag with a NIP: nobody of this set can be trusted
                for person in pending:
                    errors.setdefault(person.nip, []).extend(untagged)
                return {}, errors
            pending = [p for p in pending if p.nip not in errors]
            continue
        return {r.nip: r for r in results}, errors
    for person in pending:
        errors.setdefault(person.nip, [])
    return {}, errors


def _figures(result: EmployeeResult) -> tuple[Decimal | None, Decimal | None, str]:
    """(work, behaviour, predicate) as stored: CKP / NP and the NP band (§6), or NHK / NPK and the predicate (§7)."""
    if isinstance(result, Nkp2014Result):
        return result.ckp, result.np, result.np_band or ""
    return result.nhk, result.npk, result.predicate or ""


def compute_scores(
    *, unit: Unit, plan_year: PlanYear, by: Actor, as_of: ReportingPeriod | None = None
) -> list[ScoreRecord]:
    """Score every active employee of `unit`'s subtree for `plan_year` (as of `as_of`, the year when None) and
    store a new `ScoreRecord` each, in one transaction. Permission: `appraisals.compute_scorerecord` on the unit.
    """
    ensure(by, "appraisals.compute_scorerecord", unit)
    # Paused as the scoring core pauses it (`kinerja.scoring._batch`): the inputs, the results and their
    # explanations are many small acyclic objects alive until the write, and the cyclic collector's re-scans
    # of that growing heap cost a fifth of a ministry's computation (80,000 employees, `bench_appraisals`).
    with paused_gc():
        return _compute(unit, plan_year, by, as_of)


def _compute(unit: Unit, plan_year: PlanYear, by: Actor, as_of: ReportingPeriod | None) -> list[ScoreRecord]:
    gathered = gather(unit, plan_year, as_of=as_of)
    results, errors = score_gathered(gathered)
    records = []
    for person in gathered.people:
        result = results.get(person.nip)
        if result is None:
            records.append(
                ScoreRecord(
                    employee=person,
                    plan_year=plan_year,
                    as_of=gathered.as_of,
                    rule_set=gathered.rules.code,
                    errors=errors.get(person.nip, []),
                    computed_by=author(by),
                )
            )
            continue
        work, behaviour, predicate = _figures(result)
        records.append(
            ScoreRecord(
                employee=person,
                plan_year=plan_year,
                as_of=gathered.as_of,
                rule_set=gathered.rules.code,
                work=_cents(work),
                behaviour=_cents(behaviour),
                nkp=_cents(result.nkp),
                predicate=predicate,
                result={**result.to_dict(), "explanation": result.explain().to_dict()},
                computed_by=author(by),
            )
        )
    with transaction.atomic():
        return ScoreRecord.objects.bulk_create(records, batch_size=2000)
