"""Writes of the reporting cycle: periods, realizations, evidence, the workflow, locks, snapshots, imports.

One module per purpose; this package re-exports the public names, so callers keep
`from kinerja.reporting import services` / `services.submit_realization(...)`:

- `periods`: period dates and creation, `ensure_period_open`;
- `closing`: closing (final snapshots) and reopening periods;
- `scores`: `compute_scorecard` / `compute_scorecards` / `recompute_period` (set-based), queued recomputes,
  `plan_changed` / `on_plan_changed`;
- `realizations`: entry and the workflow steps (the table is `reporting.workflow`), one by one or in bulk;
- `evidence`: attaching evidence files;
- `reminders`: e-mailing managers about missing realizations;
- `imports`: importing realizations from CSV / .xlsx (and, `Historical`, into a closed past year);
- `history`: bringing a closed past year in (`import_history`: plan year, map, targets, realizations).

Reads live in `reporting.selectors` (`reportable_maps`, `missing_items` moved there).

Every function takes keyword-only, typed arguments and runs in one
transaction. Who may act is asked of the one permission layer
(`accounts/rules.py` through `user.has_perm`, raising `PermissionDenied`);
what stops an action (a closed period, the wrong state, a verifier who
submitted, missing evidence) raises a `ValidationError` whose message says so
in Indonesian. `by=None` means the system itself (a management command or a
task) and skips the permission check.

Scores are recomputed after the transaction commits (`transaction.on_commit`
→ the `recompute_scorecards_of` task, one per transaction, with every map and period to recompute), explicitly from the services that change
what a score reads — a realization's value or state, a period reopening — and
from `plan_changed`, which reporting subscribes to planning's `plan_changed` signal
(`ReportingConfig.ready`).

Rules (domain.md §5): 20 (realizations are numbers, for periods of the KPI's
frequency, on an approved map — or, for an individual KPI, of a signed
contract — and never typed for a rolled-up KPI), 21 (evidence before
submission), 22 (the workflow), 23 (a closed period takes no edits or imports;
reopening needs a reason and keeps the old snapshot), 24 (reminders about
missing realizations).

Individual KPIs (IKI, `Kpi.holder` set) report here like map KPIs: the same
periods, evidence, workflow and locks; they answer to their holder's unit and
never move a map's score. Realizations derived from lower units (scoring.md
§5, a directly cascaded KPI) are written by `kinerja.contracts.rollup`, which
listens to realization saves and to `reporting.signals.realizations_changed`
(sent after a bulk write such as an import).
"""

from kinerja.planning.models import REPORTABLE_MAP_STATES

from ..selectors import ReminderItem, missing_items, reportable_maps
from .closing import close_due_periods, close_period, reopen_period
from .evidence import add_evidence
from .imports import Historical, ImportResult, import_realizations, run_import_job, start_import
from .periods import ensure_period_open, ensure_periods, generate_periods
from .realizations import (
    BulkResult,
    approve_realization,
    as_number,
    bulk_approve,
    bulk_step,
    bulk_submit,
    bulk_verify,
    check_reportable,
    reportable_problem,
    return_realization,
    save_realization,
    submit_realization,
    verify_realization,
)
from .reminders import ReminderReport, send_reminders
from .scores import (
    NKO_PLACES,
    Recomputed,
    affected_periods,
    compute_scorecard,
    compute_scorecards,
    compute_scorecards_as_of,
    final_snapshots,
    on_plan_changed,
    plan_changed,
    recompute_once,
    recompute_period,
    schedule_map_recompute,
    schedule_recompute,
)

__all__ = [
    "NKO_PLACES",
    "REPORTABLE_MAP_STATES",
    "BulkResult",
    "Historical",
    "ImportResult",
    "Recomputed",
    "ReminderItem",
    "ReminderReport",
    "add_evidence",
    "affected_periods",
    "approve_realization",
    "as_number",
    "bulk_approve",
    "bulk_step",
    "bulk_submit",
    "bulk_verify",
    "check_reportable",
    "close_due_periods",
    "close_period",
    "compute_scorecard",
    "compute_scorecards",
    "compute_scorecards_as_of",
    "ensure_period_open",
    "ensure_periods",
    "final_snapshots",
    "generate_periods",
    "import_realizations",
    "missing_items",
    "on_plan_changed",
    "plan_changed",
    "recompute_once",
    "recompute_period",
    "reopen_period",
    "reportable_maps",
    "reportable_problem",
    "return_realization",
    "run_import_job",
    "save_realization",
    "schedule_map_recompute",
    "schedule_recompute",
    "send_reminders",
    "start_import",
    "submit_realization",
    "verify_realization",
]
