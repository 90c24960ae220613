"""A new year's contracts made in the background (`bulk.py`), the way a large realization import runs
(`reporting/services/imports.py`): the page queues a `ContractBulkJob` after its transaction commits, the task
plans again (the subtree may have changed since the preview) and writes, saving its progress on the job.

Locally the ImmediateBackend runs the task at once, inside the request (docs/decisions/0006); in production
`kinerja db_worker` runs it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from kinerja.accounts.rules import ensure
from kinerja.common.history import Actor, author
from kinerja.common.races import Conflict
from kinerja.organisations.models import Unit
from kinerja.planning.models import PlanYear

from .bulk import apply_plan, plan_year_contracts
from .models import BulkJobState, ContractBulkJob


def start_bulk(*, unit: Unit, plan_year: PlanYear, by: Actor, total: int = 0) -> ContractBulkJob:
    """Queue the creation of `unit`'s subtree's contracts for `plan_year`; the task runs after the commit."""
    ensure(by, "contracts.add_contract", unit)
    with transaction.atomic():
        job = ContractBulkJob.objects.create(
            unit=unit,
            plan_year=plan_year,
            created_by=author(by),
            total=total,
            result={"language": translation.get_language() or ""},
        )
        transaction.on_commit(lambda: run_bulk_job.enqueue(job.pk))
    return job


@task()
def run_bulk_job(job_id: int) -> str:
    """Plan and write a queued (or failed) job's contracts, all or nothing; returns the job's final state."""
    job = ContractBulkJob.objects.select_related("unit", "plan_year", "created_by").filter(pk=job_id).first()
    if job is None or job.state == BulkJobState.DONE:
        return "" if job is None else str(job.state)
    ContractBulkJob.objects.filter(pk=job.pk).update(
        state=BulkJobState.RUNNING, processed=0, updated_at=timezone.now()
    )

    def progress(done: int, total: int) -> None:
        ContractBulkJob.objects.filter(pk=job.pk).update(
            processed=done, total=total, updated_at=timezone.now()
        )

    language = str(job.result.get("language") or "") or None
    try:
        with translation.override(language):
            if job.created_by is None:
                raise Conflict(_("Pengguna yang memulai pembuatan kontrak ini sudah tidak ada."))
            plan = plan_year_contracts(job.unit, job.plan_year, job.created_by)
            applied = apply_plan(plan, job.created_by, progress=progress)
    except Exception as error:  # recorded on the job for its page; the task runner logs it too
        ContractBulkJob.objects.filter(pk=job.pk).update(
            state=BulkJobState.FAILED,
            result={"language": language or "", "error": " ".join(getattr(error, "messages", [str(error)]))},
            updated_at=timezone.now(),
        )
        raise
    ContractBulkJob.objects.filter(pk=job.pk).update(
        state=BulkJobState.DONE,
        processed=len(plan.contracts),
        total=len(plan.contracts),
        result={
            "language": language or "",
            "contracts": applied.contracts,
            "kpis": applied.kpis,
            "individual_kpis": applied.individual_kpis,
            "skipped": applied.skipped + plan.already,
            "warnings": plan.warning_count,
        },
        updated_at=timezone.now(),
    )
    return str(BulkJobState.DONE)
