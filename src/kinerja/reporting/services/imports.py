"""Importing realizations for many KPIs and periods at once, all or nothing (rules 20, 23)."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task
from simple_history.utils import bulk_update_with_history

from kinerja.accounts.rules import ensure
from kinerja.common import uploads
from kinerja.common.db import analyze_after_commit
from kinerja.common.history import HISTORY_REASON_MAX, Actor, author
from kinerja.common.races import Conflict, conflicts
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import Limits, check_size, check_zip, count_rows, detect_format, source_name
from kinerja.planning.models import (
    REPORTABLE_MAP_STATES,
    Frequency,
    Kpi,
    PlanYear,
    StrategyMap,
)

from ..bulk import insert_with_history
from ..importing import ImportProblem, converted, read_entries
from ..models import (
    ImportJob,
    ImportJobState,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)
from ..signals import realizations_changed
from .periods import ensure_periods
from .scores import final_snapshots, schedule_recompute

HISTORY_PERM = "reporting.import_history"


@dataclass(frozen=True)
class Historical:
    """The historical mode of an import (issue 15 item 5): an administrator brings in a closed year.

    The one exception to rule 23, and only with this explicit value: the rows go into periods that are
    *closed* (an open period is refused in this mode), the realizations are written *approved* — they were
    approved back then — each with a workflow step and a history row saying so with the reason, and the final
    snapshots of the year's closed periods are stored again. Needs `reporting.import_history`
    (administrators) and a reason.
    """

    reason: str

    @property
    def note(self) -> str:
        """What the history and the workflow step say about a row this import wrote."""
        return history_note(self.reason)


def history_note(reason: str) -> str:
    return _("Impor data tahun lalu (sudah disetujui pada masanya): %(reason)s") % {"reason": reason.strip()}


def check_historical(historical: Historical, by: Actor, obj: Any = None) -> None:
    """The historical mode's own gate: an administrator (on `obj`'s unit), and a reason."""
    if not historical.reason.strip():
        raise ValidationError(
            {"reason": _("Alasan impor data tahun lalu wajib diisi.")}, code="reason_required"
        )
    ensure(by, HISTORY_PERM, obj)


@dataclass
class ImportResult:
    """What an import found and did. Nothing is written when `problems` is not empty (or on a dry run)."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[Any] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def import_realizations(
    *,
    source: Any,
    by: Actor,
    name: str | None = None,
    strategy_map: StrategyMap | None = None,
    plan_year: PlanYear | None = None,
    dry_run: bool = False,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
    historical: Historical | None = None,
) -> ImportResult:
    """Import realizations for many KPIs and periods at once, all or nothing (rules 20, 23).

    `source` is a CSV or .xlsx file (path or binary stream) read by
    `importing.read_entries`. With `strategy_map`, every row is a KPI of that
    map (a `unit` column, when present, must name its unit); without it, the
    `unit` column names each row's unit and its map of `plan_year`. Every
    problem is listed — a text in a number cell, an unknown KPI code, a period
    of another year or of another frequency, a closed period, a realization
    already submitted, a row given twice — with its row and column, and then
    nothing is written. Otherwise new realizations are created as drafts and
    changed drafts updated, in one transaction with their history, and the
    scores recomputed after commit. `dry_run` checks everything and writes
    nothing.

    The file is refused before it is read when it is over the upload limits
    (`limits`, by default the `KINERJA_IMPORT_*` settings: size, unpacked size,
    compression ratio, rows); its rows are streamed and `progress` is told how
    many have been read. The rows written are locked in the order of their keys
    (periods, then realizations, each by pk), so an import and a workflow step
    or another import never deadlock; a writer that wins a race on the same
    (KPI, period) makes this import a `Conflict` (nothing written; run it again).

    `historical` (an administrator bringing in a closed year, see `Historical`) is the only way into closed
    periods: then only closed periods take rows, new realizations are written approved (an approved one with
    the same value is left as it is), and the final snapshots are stored instead of queued recomputes.
    """
    if strategy_map is None and plan_year is None:
        raise ValueError("import_realizations needs a strategy map or a plan year")
    perm = "reporting.import_realizations"
    if historical is not None:
        perm = HISTORY_PERM
        check_historical(historical, by, strategy_map)
    if strategy_map is not None:
        ensure(by, perm, strategy_map)
        plan_year = strategy_map.plan_year
    assert plan_year is not None
    result = ImportResult(dry_run=dry_run)
    table, problems = read_entries(
        source, name=name, limits=uploads.limits() if limits is None else limits, progress=progress
    )
    result.problems = list(problems)
    if table is None:
        return result
    result.rows = len(table.rows) + len({p.row for p in problems if p.row is not None})
    col = table.column
    if strategy_map is not None and strategy_map.state not in REPORTABLE_MAP_STATES:
        result.problems.insert(
            0,
            ImportProblem(
                None,
                None,
                _("Peta strategi %(map)s belum disetujui; realisasi dapat diisi setelah peta disetujui.")
                % {"map": str(strategy_map)},
            ),
        )
        return result
    with (
        conflicts(
            _(
                "Realisasi yang sama sedang diubah oleh pengguna lain; tidak ada yang disimpan. Jalankan impor lagi."
            )
        ),
        transaction.atomic(),
    ):
        ensure_periods(plan_year)
        periods = {
            p.label: p
            for p in ReportingPeriod.objects.select_for_update(of=("self",))
            .filter(plan_year=plan_year)
            .order_by("pk")
        }
        # the maps the rows may name, by unit code
        if strategy_map is not None:
            maps = {strategy_map.unit.code: strategy_map}
        else:
            codes = {r.unit for r in table.rows if r.unit}
            maps = {
                m.unit.code: m
                for m in StrategyMap.objects.filter(
                    plan_year=plan_year, unit__code__in=codes, state__in=REPORTABLE_MAP_STATES
                ).select_related("unit", "plan_year")
            }
        allowed = {code: (by is None or by.has_perm(perm, m)) for code, m in maps.items()}
        map_ids = [m.pk for m in maps.values()]
        kpis = {
            (map_id, code): (pk, frequency, rolled_up)
            for pk, code, frequency, map_id, rolled_up in Kpi.objects.filter(
                objective__map_id__in=map_ids
            ).values_list("pk", "code", "frequency", "objective__map_id", "rolled_up")
        }
        wanted_periods = {str(r.period) for r in table.rows if r.period is not None}
        period_ids = [p.pk for label, p in periods.items() if label in wanted_periods]
        # locked (their own rows, by pk) so that a step taken meanwhile is not overwritten by a stale draft
        existing = {
            (r.kpi_id, r.period_id): r
            for r in Realization.objects.select_for_update(of=("self",))
            .filter(kpi__objective__map_id__in=map_ids, kpi__holder__isnull=True, period_id__in=period_ids)
            .order_by("pk")
        }
        seen: dict[tuple[int, int], int] = {}
        new: list[tuple[int, int, Decimal, str]] = []
        changed: list[Realization] = []
        touched: set[tuple[int, int]] = set()
        found = result.problems
        single = strategy_map.unit.code if strategy_map is not None else None
        year = plan_year.year
        closed_problem: dict[int, str] = {}
        for row in table.rows:
            if row.realization is None:
                result.skipped += 1
                continue
            number = row.row
            if single is not None:
                if row.unit is not None and row.unit != single:
                    found.append(
                        ImportProblem(
                            number,
                            col("unit"),
                            _("unit %(unit)s bukan unit peta ini (%(map_unit)s)")
                            % {"unit": row.unit, "map_unit": single},
                        )
                    )
                    continue
                target_map = strategy_map
            else:
                if row.unit is None:
                    found.append(ImportProblem(number, col("unit"), _("wajib diisi")))
                    continue
                target_map = maps.get(row.unit)
                if target_map is None or not allowed.get(row.unit, False):
                    found.append(
                        ImportProblem(
                            number,
                            col("unit"),
                            _(
                                "unit %(unit)s tidak memiliki peta strategi %(year)s yang disetujui dan dapat Anda isi"
                            )
                            % {"unit": row.unit, "year": year},
                        )
                    )
                    continue
            assert target_map is not None and row.period is not None
            label = str(row.period)
            period = periods.get(label) if row.period.year == year else None
            if period is None:
                found.append(
                    ImportProblem(
                        number,
                        col("period"),
                        _("periode %(period)s bukan periode tahun rencana %(year)s")
                        % {"period": label, "year": year},
                    )
                )
                continue
            kpi = kpis.get((target_map.pk, row.kpi_code))
            if kpi is None:
                found.append(
                    ImportProblem(
                        number,
                        col("kpi_code"),
                        _("IKU %(code)s tidak ada pada peta %(map)s")
                        % {"code": row.kpi_code, "map": str(target_map)},
                    )
                )
                continue
            kpi_id, frequency, rolled_up = kpi
            if rolled_up:
                found.append(
                    ImportProblem(
                        number,
                        col("realization"),
                        _(
                            "IKU %(code)s diturunkan langsung ke bawahan: realisasinya dihitung dari IKU "
                            "turunannya (roll-up) dan tidak dapat diimpor"
                        )
                        % {"code": row.kpi_code},
                    )
                )
                continue
            if frequency != period.frequency:
                found.append(
                    ImportProblem(
                        number,
                        col("period"),
                        _("IKU %(code)s dilaporkan %(frequency)s; %(period)s bukan periode pelaporannya")
                        % {
                            "code": row.kpi_code,
                            "frequency": Frequency(frequency).label.lower(),
                            "period": label,
                        },
                    )
                )
                continue
            if historical is not None and period.state != PeriodState.CLOSED:
                found.append(
                    ImportProblem(
                        number,
                        col("period"),
                        _(
                            "periode %(period)s (%(label)s) masih terbuka; impor data tahun lalu hanya mengisi "
                            "periode yang sudah ditutup"
                        )
                        % {"period": period.display_name, "label": label},
                    )
                )
                continue
            if period.state == PeriodState.CLOSED and historical is None:
                message = closed_problem.get(period.pk)
                if message is None:
                    message = closed_problem[period.pk] = _(
                        "periode %(period)s (%(label)s) sudah ditutup; realisasinya tidak dapat diimpor"
                    ) % {"period": period.display_name, "label": label}
                found.append(ImportProblem(number, col("period"), message))
                continue
            key = (kpi_id, period.pk)
            other = seen.get(key)
            if other is not None:
                found.append(
                    ImportProblem(
                        number,
                        col("kpi_code"),
                        _("IKU %(code)s periode %(period)s muncul dua kali (juga baris %(other)d)")
                        % {"code": row.kpi_code, "period": label, "other": other},
                    )
                )
                continue
            seen[key] = number
            current = existing.get(key)
            if current is None:
                new.append((kpi_id, period.pk, row.realization, row.analysis))
                touched.add((target_map.pk, period.pk))
                continue
            analysis = row.analysis if table.has_analysis else current.analysis
            same = current.value == row.realization and current.analysis == analysis
            if historical is not None and current.state == RealizationState.APPROVED and same:
                result.unchanged += 1  # brought in before: a second import changes nothing
                continue
            if current.state != RealizationState.DRAFT:
                found.append(
                    ImportProblem(
                        number,
                        col("realization"),
                        _(
                            "realisasi IKU %(code)s periode %(period)s sudah berstatus %(state)s dan tidak dapat ditimpa"
                        )
                        % {"code": row.kpi_code, "period": label, "state": current.get_state_display()},
                    )
                )
                continue
            if same and historical is None:
                result.unchanged += 1
                continue
            current.value, current.analysis = row.realization, analysis
            changed.append(current)
            touched.add((target_map.pk, period.pk))
        if found:
            found.sort(key=lambda p: p.row or 0)
            return result
        result.created, result.updated = len(new), len(changed)
        if dry_run:
            return result
        now = timezone.now()
        by_pk = getattr(by, "pk", None)
        constant: dict[str, Any] = {"created_by_id": by_pk}
        if historical is not None:  # approved back then: written approved, and the history says so
            constant.update(state=RealizationState.APPROVED, approved_by_id=by_pk, approved_at=now)
        note = historical.note if historical is not None else None
        ids: dict[tuple[Any, ...], int] = {}
        if new:
            ids = insert_with_history(
                Realization,
                new,
                varying=("kpi_id", "period_id", "value", "analysis"),
                constant=constant,
                key=("kpi_id", "period_id"),
                user=by,
                now=now,
                reason=note,
            )
        fields = ["value", "analysis", "updated_at"]
        if historical is not None:
            fields += ["state", "approved_by", "approved_at"]
        if changed:
            for realization in changed:
                realization.updated_at = now
                if historical is not None:
                    realization.state = RealizationState.APPROVED
                    realization.approved_by_id, realization.approved_at = by_pk, now
            bulk_update_with_history(
                changed,
                Realization,
                fields,
                batch_size=1000,
                default_user=by,
                default_change_reason=(note or "")[:HISTORY_REASON_MAX],
            )
        if historical is not None:
            WorkflowEvent.objects.bulk_create(
                [
                    WorkflowEvent(
                        realization_id=pk,
                        from_state=RealizationState.DRAFT,
                        to_state=RealizationState.APPROVED,
                        actor_id=by_pk,
                        reason=historical.note,
                    )
                    for pk in [*ids.values(), *(r.pk for r in changed)]
                ],
                batch_size=1000,
            )
            final_snapshots(map_ids={m for m, _p in touched}, plan_year_id=plan_year.pk, by=by)
            analyze_after_commit(len(new) + len(changed), Realization, WorkflowEvent, ScoreSnapshot)
            result.written = True
            return result
        by_id = {p.pk: p for p in periods.values()}
        schedule_recompute([(map_id, by_id[period_id]) for map_id, period_id in touched], trigger="import")
        written = sorted({k for k, _p, _v, _a in new} | {r.kpi_id for r in changed})
        written_periods = sorted({p for _k, p, _v, _a in new} | {r.period_id for r in changed})
        # a bulk write sends no post_save per row: tell the layers above once, after commit (roll-ups)
        transaction.on_commit(
            lambda: realizations_changed.send(sender=Realization, kpi_ids=written, period_ids=written_periods)
        )
        analyze_after_commit(len(new) + len(changed), Realization)  # the planner's statistics (issue 16)
        result.written = True
    return result


# ---------------------------------------------------------------- large imports: a background job


def start_import(
    *, source: Any, by: Actor, strategy_map: StrategyMap, name: str | None = None, dry_run: bool = False
) -> ImportResult | ImportJob:
    """Import now, or — above `KINERJA_IMPORT_BACKGROUND_ROWS` rows — queue an `ImportJob` and return it.

    The upload limits are checked first either way (a refused file is an `ImportResult` with the problem,
    and no job). The job keeps the file until `run_import_job` has read it; its page shows the progress.
    """
    ensure(by, "reporting.import_realizations", strategy_map)
    label = source_name(source, name)
    limits = uploads.limits()
    try:
        check_size(source, label, limits)
        if detect_format(source, name) == "xlsx":
            check_zip(source, label, limits)
        rows = count_rows(source, name)
    except InvalidFileError as error:
        return ImportResult(problems=converted(error.problems), dry_run=dry_run)
    if rows <= uploads.background_rows():
        return import_realizations(
            source=source, name=name, strategy_map=strategy_map, dry_run=dry_run, by=by
        )
    if not isinstance(source, str | bytes):
        source.seek(0)
    content = source if isinstance(source, bytes) else _bytes_of(source)
    with transaction.atomic():
        job = ImportJob.objects.create(
            strategy_map=strategy_map,
            created_by=author(by),
            file_name=label,
            content=content,
            dry_run=dry_run,
            total=rows,
            result={"language": translation.get_language() or ""},
        )
        transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job


def _bytes_of(source: Any) -> bytes:
    if hasattr(source, "read"):
        return bytes(source.read())
    with open(source, "rb") as f:
        return f.read()


@task()
def run_import_job(job_id: int) -> str:
    """The background task: run a queued (or failed) import job, its progress saved as rows are read.

    All or nothing like every import: a failure (the database gone mid-way …) leaves no row written and the
    job `failed` with its file kept, so running the task again finishes it. Returns the job's final state.
    """
    job = ImportJob.objects.select_related("strategy_map", "created_by").filter(pk=job_id).first()
    if job is None or job.state == ImportJobState.DONE:
        return "" if job is None else str(job.state)
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.RUNNING, processed=0, updated_at=timezone.now()
    )

    def progress(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed=count, updated_at=timezone.now())

    language = str(job.result.get("language") or "") or None
    try:
        with translation.override(language):
            if job.created_by is None:
                raise Conflict(_("Pengguna yang memulai impor ini sudah tidak ada."))
            result = import_realizations(
                source=io.BytesIO(bytes(job.content)),
                name=job.file_name,
                strategy_map=job.strategy_map,
                dry_run=job.dry_run,
                by=job.created_by,
                progress=progress,
            )
    except Exception as error:  # recorded on the job for its page; the task runner logs it too
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJobState.FAILED,
            result={"language": language or "", "error": " ".join(getattr(error, "messages", [str(error)]))},
            updated_at=timezone.now(),
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJobState.DONE,
        content=b"",
        processed=result.rows,
        result={
            "language": language or "",
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "skipped": result.skipped,
            "dry_run": result.dry_run,
            "written": result.written,
            "problems": [{"row": p.row, "column": p.column, "message": p.message} for p in result.problems],
        },
        updated_at=timezone.now(),
    )
    return str(ImportJobState.DONE)
