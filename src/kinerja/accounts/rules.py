"""Object-level permissions (django-rules). Pages, API, exports and imports all ask `user.has_perm`.

Permission names follow Django's `<app>.<action>_<model>`. Called with an object,
the rule checks the object's unit against the user's roles; called without one
(list pages, "may this user add anything at all"), it checks that the user holds
a suitable role somewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import rules
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from kinerja.common.history import Actor

from .models import Role
from .scope import READ_ROLES, Viewer, has_any_role, paths_for, reaches

EDIT_ORG_ROLES = (Role.ADMIN,)
EDIT_PEOPLE_ROLES = (Role.ADMIN, Role.MANAGER)


def _unit_path(obj: Any) -> str | None:
    """The materialised path of the unit an object belongs to."""
    if obj is None:
        return None
    path = getattr(obj, "path", None)
    if isinstance(path, str) and hasattr(obj, "depth"):
        return path
    unit = getattr(obj, "unit", None)
    return getattr(unit, "path", None)


def _role_predicate(
    name: str,
    roles: tuple[str, ...] | frozenset[str],
    path_of: Callable[[Any], str | None] = _unit_path,
) -> Any:
    """A predicate: without an object, the user holds one of `roles` somewhere; with one, a role among
    them reaches the unit whose path `path_of(obj)` gives."""

    @rules.predicate(name=name)
    def check(user: Viewer, obj: Any = None) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if obj is None:
            return has_any_role(user, roles)
        path = path_of(obj)
        return path is not None and reaches(user, path, roles)

    return check


reads_unit = _role_predicate("reads_unit", READ_ROLES)
edits_org = _role_predicate("edits_org", EDIT_ORG_ROLES)
edits_people = _role_predicate("edits_people", EDIT_PEOPLE_ROLES)
administers = _role_predicate("administers", (Role.ADMIN,))


@rules.predicate
def is_self(user: Viewer, obj: Any = None) -> bool:
    return obj is not None and getattr(user, "employee_id", None) == getattr(obj, "pk", object())


rules.add_perm("organisations.view_unit", reads_unit)
rules.add_perm("organisations.add_unit", edits_org)
rules.add_perm("organisations.change_unit", edits_org)
rules.add_perm("organisations.delete_unit", edits_org)
rules.add_perm("organisations.view_position", reads_unit)
rules.add_perm("organisations.add_position", edits_org)
rules.add_perm("organisations.change_position", edits_org)
rules.add_perm("organisations.delete_position", edits_org)
rules.add_perm("organisations.view_employee", reads_unit | is_self)
rules.add_perm("organisations.add_employee", edits_people)
rules.add_perm("organisations.change_employee", edits_people)
rules.add_perm("organisations.delete_employee", administers)
rules.add_perm("organisations.move_employee", edits_people)
rules.add_perm("accounts.manage_roles", administers)


# --------------------------------------------------------------------------- strategy planning (strategy, kpis)
# A strategy map, its objectives, links and KPIs all answer to the map's unit.
# Reading: any role reaching the unit, or — for an approved map — any role on a
# unit below it (offices read the maps they cascade from). Planning (editing,
# submitting, revising): the unit's performance manager or administrator, and
# only while the map is a draft (or under revision). Approving or returning:
# the unit's leader, once submitted.

PLAN_ROLES = (Role.MANAGER, Role.ADMIN)
LEAD_ROLES = (Role.LEADER,)
MAP_EDITABLE_STATES = frozenset({"draft", "revised"})


def _strategy_map(obj: Any) -> Any:
    """The strategy map an object belongs to: the map itself, or the map of an objective, link, KPI, target,
    initiative (and its milestones and progress reports), risk (and its monitoring entries) or theme."""
    if obj is None:
        return None
    if hasattr(obj, "plan_year_id") and hasattr(obj, "state"):
        return obj
    if hasattr(obj, "initiative_id"):
        obj = obj.initiative
    if hasattr(obj, "risk_id"):
        obj = obj.risk
    if hasattr(obj, "kpi_id"):
        obj = obj.kpi
    if hasattr(obj, "objective_id"):
        obj = obj.objective
    return getattr(obj, "map", None)


def _planning_path(obj: Any) -> str | None:
    """The unit path a planning permission is checked on: a Unit (to create its map) or the object's map."""
    if obj is not None and isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj.path
    strategy_map = _strategy_map(obj)
    return None if strategy_map is None else strategy_map.unit.path


@rules.predicate
def reads_map(user: Viewer, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return has_any_role(user, READ_ROLES)
    strategy_map = _strategy_map(obj)
    if strategy_map is None:
        return False
    path = strategy_map.unit.path
    if reaches(user, path, READ_ROLES):
        return True
    return strategy_map.state == "approved" and any(p.startswith(path) for p in paths_for(user))


plans_map = _role_predicate("plans_map", PLAN_ROLES, _planning_path)
leads_map = _role_predicate("leads_map", LEAD_ROLES, _planning_path)


@rules.predicate
def map_editable(user: Viewer, obj: Any = None) -> bool:
    strategy_map = _strategy_map(obj)
    return strategy_map is None or strategy_map.state in MAP_EDITABLE_STATES


@rules.predicate
def map_submitted(user: Viewer, obj: Any = None) -> bool:
    strategy_map = _strategy_map(obj)
    return strategy_map is not None and strategy_map.state == "submitted"


@rules.predicate
def map_approved(user: Viewer, obj: Any = None) -> bool:
    strategy_map = _strategy_map(obj)
    return strategy_map is not None and strategy_map.state == "approved"


rules.add_perm("planning.view_strategymap", reads_map)
rules.add_perm("planning.add_strategymap", plans_map)
rules.add_perm("planning.change_strategymap", plans_map & map_editable)
rules.add_perm("planning.submit_strategymap", plans_map & map_editable)
rules.add_perm("planning.approve_strategymap", leads_map & map_submitted)
rules.add_perm("planning.return_strategymap", leads_map & map_submitted)
rules.add_perm("planning.revise_strategymap", (plans_map | leads_map) & map_approved)
rules.add_perm("planning.copy_strategymap", plans_map)
rules.add_perm("planning.view_objective", reads_map)
rules.add_perm("planning.change_objective", plans_map & map_editable)
rules.add_perm("planning.manage_planyear", administers)
rules.add_perm("planning.view_kpi", reads_map)
rules.add_perm("planning.change_kpi", plans_map & map_editable)

# The same rules under the names the API asks (`<app>.<add|change|delete>_<model>` per HTTP method), and
# for initiatives, risks and themes: planning them needs an editable map. Progress reports, milestones
# marked done and risk monitoring entries are monitoring, not planning: the unit's performance manager
# (or administrator) records them whatever the map's state, approved maps included.
for _perm in (
    "planning.add_objective",
    "planning.delete_objective",
    "planning.add_objectivelink",
    "planning.change_objectivelink",
    "planning.delete_objectivelink",
    "planning.change_theme",
    "planning.add_initiative",
    "planning.change_initiative",
    "planning.delete_initiative",
    "planning.add_risk",
    "planning.change_risk",
    "planning.delete_risk",
    "planning.add_kpi",
    "planning.delete_kpi",
    "planning.import_strategymap",
):
    rules.add_perm(_perm, plans_map & map_editable)
for _perm in (
    "planning.view_objectivelink",
    "planning.view_theme",
    "planning.view_initiative",
    "planning.view_risk",
    "planning.export_strategymap",
):
    rules.add_perm(_perm, reads_map)
rules.add_perm("planning.monitor_initiative", plans_map)
rules.add_perm("planning.monitor_risk", plans_map)


# --------------------------------------------------------------------------- reporting cycle (reporting)
# Realizations, their evidence and the map's score snapshots answer to the unit
# of the KPI's strategy map, and only a role reaching that unit (its subtree)
# sees them. Entering and submitting: the unit's employees and performance
# managers. Verifying: the performance manager. Approving: the leader.
# Returning to draft: manager or leader. Reading: every role, auditors
# included. The rules say *who*; the services add *when* (state, period open,
# verifier ≠ submitter) with a message naming what is wrong.
# Reporting periods belong to a plan year, ministry-wide: closing and reopening
# them is for a performance manager or administrator on a root unit (the
# ministry's MKO), or a superuser.

REPORT_ENTRY_ROLES = (Role.EMPLOYEE, Role.MANAGER)
REPORT_VERIFY_ROLES = (Role.MANAGER,)
REPORT_APPROVE_ROLES = (Role.LEADER,)
REPORT_RETURN_ROLES = (Role.MANAGER, Role.LEADER)
REPORT_RECOMPUTE_ROLES = (Role.MANAGER, Role.LEADER, Role.ADMIN)
PERIOD_ROLES = (Role.MANAGER, Role.ADMIN)


def _reporting_path(obj: Any) -> str | None:
    """The unit path of a realization, evidence file, KPI, snapshot, strategy map or unit."""
    if obj is None:
        return None
    if isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj.path
    if hasattr(obj, "realization_id"):
        obj = obj.realization
    if hasattr(obj, "strategy_map_id"):
        obj = obj.strategy_map
    if hasattr(obj, "kpi_id"):
        obj = obj.kpi
    if getattr(obj, "holder_id", None) is not None:
        # an individual KPI (IKI) answers to its holder's unit: the holder's section reports it, the
        # managers above verify it
        return getattr(obj.holder.unit, "path", None)
    if hasattr(obj, "objective_id"):
        obj = obj.objective
    if hasattr(obj, "map_id"):
        obj = obj.map
    unit = getattr(obj, "unit", None)
    return getattr(unit, "path", None)


@rules.predicate
def manages_ministry(user: Viewer, obj: Any = None) -> bool:
    """A superuser, or a manager/administrator on a root unit (ministry-wide reach)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    root_length = apps.get_model("organisations", "Unit").steplen  # by name: organisations sits above
    return any(len(path) == root_length for path in paths_for(user, PERIOD_ROLES))


@rules.predicate
def has_some_role(user: Viewer, obj: Any = None) -> bool:
    return getattr(user, "is_authenticated", False) and has_any_role(user, READ_ROLES)


reads_report = _role_predicate("reads_report", READ_ROLES, _reporting_path)
enters_report = _role_predicate("enters_report", REPORT_ENTRY_ROLES, _reporting_path)
verifies_report = _role_predicate("verifies_report", REPORT_VERIFY_ROLES, _reporting_path)
approves_report = _role_predicate("approves_report", REPORT_APPROVE_ROLES, _reporting_path)
returns_report = _role_predicate("returns_report", REPORT_RETURN_ROLES, _reporting_path)
recomputes_report = _role_predicate("recomputes_report", REPORT_RECOMPUTE_ROLES, _reporting_path)

rules.add_perm("reporting.view_realization", reads_report)
rules.add_perm("reporting.add_realization", enters_report)
rules.add_perm("reporting.change_realization", enters_report)
rules.add_perm("reporting.submit_realization", enters_report)
rules.add_perm("reporting.verify_realization", verifies_report)
rules.add_perm("reporting.approve_realization", approves_report)
rules.add_perm("reporting.return_realization", returns_report)
rules.add_perm("reporting.import_realizations", enters_report)
rules.add_perm("reporting.view_evidence", reads_report)
rules.add_perm("reporting.add_evidence", enters_report)
rules.add_perm("reporting.view_scoresnapshot", reads_report)
rules.add_perm("reporting.compute_scoresnapshot", recomputes_report)
rules.add_perm("reporting.view_reportingperiod", has_some_role)
rules.add_perm("reporting.add_reportingperiod", manages_ministry)
rules.add_perm("reporting.close_reportingperiod", manages_ministry)
rules.add_perm("reporting.reopen_reportingperiod", manages_ministry)


# --------------------------------------------------------------------------- contracts and cascading (contracts)
# A contract answers to its holder's unit. Reading: the holder, the superior who agrees it, and any role
# reaching the unit (a person sees their own contract, their subordinates' and their role's subtree).
# Drafting (KPIs, weights, K3 inputs) and proposing: the holder or the unit's performance manager.
# Agreeing or returning: the superior named on the contract (the acting holder when the post is vacant,
# rule 18). Signing: the holder. Revising a signed contract, ending it for a replacement: a performance
# manager or the superior. Creating contracts: a performance manager or administrator of the unit (a person
# may start their own). Cascading a KPI down (its mode, its children, shares): a performance manager of the
# KPI's unit, or the holder of the KPI's contract.

CONTRACT_PLAN_ROLES = (Role.MANAGER, Role.ADMIN)


def _contract_path(obj: Any) -> str | None:
    """The unit path of a contract, a contract KPI, a cascade or link (its parent KPI), a KPI or a unit."""
    if obj is None:
        return None
    if isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj.path
    if hasattr(obj, "cascade_id"):
        obj = obj.cascade
    if hasattr(obj, "parent_id") and hasattr(obj, "mode"):
        obj = obj.parent
    if hasattr(obj, "contract_id"):
        obj = obj.contract
    if hasattr(obj, "employee_id") and hasattr(obj, "unit_id"):
        return getattr(obj.unit, "path", None)
    return _reporting_path(obj)


def _contract_of(obj: Any) -> Any:
    if obj is not None and hasattr(obj, "contract_id"):
        return obj.contract
    return obj


@rules.predicate
def holds_contract(user: Viewer, obj: Any = None) -> bool:
    contract = _contract_of(obj)
    employee_id = getattr(user, "employee_id", None)
    return employee_id is not None and getattr(contract, "employee_id", None) == employee_id


@rules.predicate
def agrees_contract(user: Viewer, obj: Any = None) -> bool:
    """The superior named on the contract; at the top of the line of command (the Minister's commitment,
    `Contract.is_top`), where nobody is above, the holder."""
    contract = _contract_of(obj)
    employee_id = getattr(user, "employee_id", None)
    if employee_id is None or contract is None:
        return False
    if not hasattr(contract, "superior_id"):  # a unit or another object: only a contract has a superior
        return False
    if contract.superior_id == employee_id:
        return True
    return contract.superior_id is None and contract.employee_id == employee_id and bool(contract.is_top)


@rules.predicate
def holds_kpi(user: Viewer, obj: Any = None) -> bool:
    """The user holds the position of an individual KPI (or of a cascade's parent KPI)."""
    if obj is not None and hasattr(obj, "cascade_id"):
        obj = obj.cascade
    if obj is not None and hasattr(obj, "parent_id") and hasattr(obj, "mode"):
        obj = obj.parent
    holder_id = getattr(obj, "holder_id", None)
    employee = getattr(user, "employee", None) if getattr(user, "employee_id", None) else None
    return holder_id is not None and employee is not None and employee.position_id == holder_id


reads_contract_unit = _role_predicate("reads_contract_unit", READ_ROLES, _contract_path)
plans_contract = _role_predicate("plans_contract", CONTRACT_PLAN_ROLES, _contract_path)
reads_contract = holds_contract | agrees_contract | reads_contract_unit

rules.add_perm("contracts.view_contract", reads_contract)
rules.add_perm("contracts.add_contract", plans_contract)
rules.add_perm("contracts.change_contract", holds_contract | plans_contract)
rules.add_perm("contracts.propose_contract", holds_contract | plans_contract)
rules.add_perm("contracts.agree_contract", agrees_contract)
rules.add_perm("contracts.return_contract", agrees_contract)
rules.add_perm("contracts.sign_contract", holds_contract)
rules.add_perm("contracts.revise_contract", agrees_contract | plans_contract)
rules.add_perm("contracts.manage_cascade", plans_contract | holds_kpi)
rules.add_perm("contracts.view_cascade", reads_contract_unit | holds_kpi)


# --------------------------------------------------------------------------- employee appraisal (appraisals)
# An employee's scores, behaviour scores, sentences and corrections answer to the employee's unit. Reading:
# the employee (their own only), their direct superior, and a manager, leader, auditor or administrator
# reaching the unit — a colleague with the plain employee role does not see another's scores. Behaviour
# (BerAKHLAK) is scored by the direct superior. Disciplinary sentences are entered by the performance
# manager; the correction is the leader's. A 360° campaign is run by the unit's performance manager; an
# answer is given by the rater the assignment names, and read back by nobody else but the managers' tallies.

APPRAISAL_READ_ROLES = (Role.MANAGER, Role.LEADER, Role.AUDITOR, Role.ADMIN)
APPRAISAL_MANAGE_ROLES = (Role.MANAGER, Role.ADMIN)
APPRAISAL_COMPUTE_ROLES = (Role.MANAGER, Role.LEADER, Role.ADMIN)


def _appraised(obj: Any) -> Any:
    """The employee an appraisal object is about (an Employee, or an object with `employee`)."""
    if obj is None:
        return None
    if hasattr(obj, "nip"):
        return obj
    return getattr(obj, "employee", None)


def _appraisal_path(obj: Any) -> str | None:
    """The unit path of an appraisal object: a unit, a campaign (its unit), an assignment (its campaign's unit),
    or the employee an object is about."""
    if obj is None:
        return None
    if isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj.path
    if hasattr(obj, "campaign_id"):
        obj = obj.campaign
    if hasattr(obj, "session_id"):  # a calibration adjustment answers to its session's unit
        obj = obj.session
    if hasattr(obj, "unit_id") and hasattr(obj, "plan_year_id") and not hasattr(obj, "nip"):
        return getattr(obj.unit, "path", None)  # a campaign, a calibration session
    employee = _appraised(obj)
    return getattr(getattr(employee, "unit", None), "path", None)


@rules.predicate
def is_appraised(user: Viewer, obj: Any = None) -> bool:
    employee = _appraised(obj)
    employee_id = getattr(user, "employee_id", None)
    return employee is not None and employee_id is not None and employee.pk == employee_id


@rules.predicate
def is_direct_superior(user: Viewer, obj: Any = None) -> bool:
    employee = _appraised(obj)
    employee_id = getattr(user, "employee_id", None)
    return employee is not None and employee_id is not None and employee.superior_id == employee_id


@rules.predicate
def is_colleague(user: Viewer, obj: Any = None) -> bool:
    """A colleague under the same direct superior (a peer rater where the unit switches peers on; the service
    checks the switch)."""
    employee = _appraised(obj)
    own = getattr(user, "employee", None) if getattr(user, "employee_id", None) is not None else None
    return (
        employee is not None
        and own is not None
        and own.pk != employee.pk
        and own.superior_id is not None
        and own.superior_id == employee.superior_id
    )


@rules.predicate
def is_rater(user: Viewer, obj: Any = None) -> bool:
    employee_id = getattr(user, "employee_id", None)
    return employee_id is not None and getattr(obj, "rater_id", None) == employee_id


reads_appraisal_unit = _role_predicate("reads_appraisal_unit", APPRAISAL_READ_ROLES, _appraisal_path)
manages_appraisal = _role_predicate("manages_appraisal", APPRAISAL_MANAGE_ROLES, _appraisal_path)
leads_appraisal = _role_predicate("leads_appraisal", LEAD_ROLES, _appraisal_path)
computes_appraisal = _role_predicate("computes_appraisal", APPRAISAL_COMPUTE_ROLES, _appraisal_path)

rules.add_perm("appraisals.view_scorerecord", is_appraised | is_direct_superior | reads_appraisal_unit)
rules.add_perm("appraisals.compute_scorerecord", computes_appraisal)
rules.add_perm("appraisals.view_behaviourscore", is_appraised | is_direct_superior | reads_appraisal_unit)
rules.add_perm("appraisals.add_behaviourscore", is_direct_superior | is_colleague)
rules.add_perm("appraisals.change_behavioursetting", manages_appraisal)
rules.add_perm(
    "appraisals.view_disciplinarysentence", is_appraised | is_direct_superior | reads_appraisal_unit
)
rules.add_perm("appraisals.add_disciplinarysentence", manages_appraisal)
rules.add_perm("appraisals.view_correction", is_appraised | is_direct_superior | reads_appraisal_unit)
rules.add_perm("appraisals.add_correction", leads_appraisal)
rules.add_perm("appraisals.view_campaign", reads_appraisal_unit)
rules.add_perm("appraisals.manage_campaign", manages_appraisal)
rules.add_perm("appraisals.answer_raterassignment", is_rater)
# Calibration, diagnostics and recaps of a unit: read by the appraisal readers of the unit (the leniency
# diagnostics name raters, so never by a plain employee); a calibration session is opened, adjusted and
# closed by the unit's leader or performance manager.
rules.add_perm("appraisals.view_calibrationsession", reads_appraisal_unit)
rules.add_perm("appraisals.manage_calibrationsession", leads_appraisal | manages_appraisal)
rules.add_perm("appraisals.view_diagnostics", reads_appraisal_unit)
rules.add_perm("appraisals.view_recap", reads_appraisal_unit)


# --------------------------------------------------------------------------- audit trail (dashboards)
# Who changed what and when (dashboards/audit.py): auditors and administrators, each on their subtree.

reads_audit = _role_predicate("reads_audit", (Role.AUDITOR, Role.ADMIN))
rules.add_perm("dashboards.view_audit", reads_audit)


# ---------------------------------------------------------------- the one check services make


def ensure(by: Actor, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless the rules above grant `perm` (on `obj`) to `by`.

    `by=None` is a system action (the demo, a scheduled job, an import run by an administrator
    from the command line): it is not a user, so there is nothing to check.
    """
    if by is not None and not by.has_perm(perm, obj):
        raise PermissionDenied(_("Anda tidak berwenang melakukan tindakan ini."))


# --- monthly performance report (issue 14) ---
# The monthly (quarterly) report of a unit (dashboards/monthly_report.py): every role reaching the unit
# (its subtree) reads it and asks for one; the batch of the reports of every unit below, in one job, is for
# performance managers and administrators on the unit. A report job's page and file: users whose roles
# reach the job's unit.

reads_monthly_report = _role_predicate("reads_monthly_report", READ_ROLES)
builds_batch_reports = _role_predicate("builds_batch_reports", (Role.MANAGER, Role.ADMIN))
rules.add_perm("dashboards.view_monthly_report", reads_monthly_report)
rules.add_perm("dashboards.build_batch_reports", builds_batch_reports)
rules.add_perm("dashboards.view_reportjob", reads_monthly_report)
