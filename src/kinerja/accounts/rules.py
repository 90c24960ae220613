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
from .scope import READ_ROLES, Viewer, has_any_role, paths_for, reaches, reaches_everything

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
    if reaches_everything(user):
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


# --- follow-up matrix (issue 14) ---
# The follow-up matrix of a unit (its subtree's actions, the rule 24 warnings, the Excel file): read by a leader,
# performance manager, auditor or administrator reaching the unit. One action: those, and its owner (a person
# sees their own follow-ups, "my follow-ups"). Its state (in progress, done with evidence, dropped with a
# reason) is changed by its owner or by a leader, performance manager or administrator of the unit — never by
# an auditor; the service refuses a closed (done or dropped) action whatever the role.

FOLLOW_UP_READ_ROLES = (Role.LEADER, Role.MANAGER, Role.AUDITOR, Role.ADMIN)
FOLLOW_UP_CHANGE_ROLES = (Role.LEADER, Role.MANAGER, Role.ADMIN)
# --- performance dialogues (issue 14) ---
# A dialogue (meeting), its agenda, participants and follow-up actions answer to the meeting's unit. Reading:
# any role reaching the unit (auditors included), and whoever takes part in the meeting (chair, secretary,
# participant) — an employee sees the dialogues they sit in. Scheduling and editing (agenda, participants,
# time): the unit's leader or performance manager. Attendance and minutes (discussion, decisions, actions):
# the secretary, the chair and the participants of the meeting, and the unit's leader or manager. Closing:
# the chair, or a leader of the unit. A follow-up action: read like its unit (and by its owner); its status
# is moved by its owner or the unit's leader or manager. The services add *when* (a closed meeting, a done
# or dropped action is read-only) with a message naming what is wrong.

MEETING_ORGANISE_ROLES = (Role.LEADER, Role.MANAGER)


def _meeting_of(obj: Any) -> Any:
    """The meeting an object belongs to: the meeting itself, or the meeting of an agenda item or participant."""
    if obj is not None and hasattr(obj, "meeting_id") and not hasattr(obj, "unit_id"):
        return obj.meeting
    return obj


def _meeting_path(obj: Any) -> str | None:
    """The unit path of a unit, a schedule, a meeting (or its agenda item, participant) or an action."""
    return _unit_path(_meeting_of(obj))


def _employee_id(user: Viewer) -> int | None:
    return getattr(user, "employee_id", None) if getattr(user, "is_authenticated", False) else None


@rules.predicate
def chairs_meeting(user: Viewer, obj: Any = None) -> bool:
    meeting = _meeting_of(obj)
    employee_id = _employee_id(user)
    return employee_id is not None and getattr(meeting, "chair_id", None) == employee_id


@rules.predicate
def takes_part_in_meeting(user: Viewer, obj: Any = None) -> bool:
    """Chair, secretary or invited participant of the meeting (one query when not chair or secretary)."""
    meeting = _meeting_of(obj)
    employee_id = _employee_id(user)
    if employee_id is None or meeting is None or not hasattr(meeting, "chair_id"):
        return False
    if employee_id in (meeting.chair_id, getattr(meeting, "secretary_id", None)):
        return True
    if meeting.pk is None:
        return False
    return bool(meeting.participants.filter(employee_id=employee_id).exists())


@rules.predicate
def owns_action(user: Viewer, obj: Any = None) -> bool:
    """The user's employee owns the action; without an object, the user is an employee (may own some)."""
    employee_id = _employee_id(user)
    if employee_id is None:
        return False
    if obj is None:
        return True
    return hasattr(obj, "owner_id") and obj.owner_id == employee_id


@rules.predicate
def lists_actions(user: Viewer, obj: Any = None) -> bool:
    """A list of actions (no object) is anybody's with a role: it holds what they may read, maybe nothing."""
    return obj is None and has_some_role(user)


reads_follow_ups = _role_predicate("reads_follow_ups", FOLLOW_UP_READ_ROLES)
changes_follow_ups = _role_predicate("changes_follow_ups", FOLLOW_UP_CHANGE_ROLES)

rules.add_perm("meetings.view_followups", reads_follow_ups)
rules.add_perm("meetings.view_action", reads_follow_ups | owns_action | lists_actions)
rules.add_perm("meetings.change_action", changes_follow_ups | owns_action)
# --- notifications (issue 14) ---
# A notification is read and marked read by the user it was sent to, nobody else (not even an
# administrator: pages and the API look it up among the user's own, so another's is a 404). Preferences are
# each signed-in user's own.


@rules.predicate
def is_recipient(user: Viewer, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return obj is None or getattr(obj, "user_id", None) == user.pk


@rules.predicate
def is_signed_in(user: Viewer, obj: Any = None) -> bool:
    return bool(getattr(user, "is_authenticated", False))


rules.add_perm("notifications.view_notification", is_recipient)
rules.add_perm("notifications.change_notification", is_recipient)
rules.add_perm("notifications.view_preference", is_signed_in)
rules.add_perm("notifications.change_preference", is_signed_in)


reads_meeting_unit = _role_predicate("reads_meeting_unit", READ_ROLES, _meeting_path)
organises_meeting = _role_predicate("organises_meeting", MEETING_ORGANISE_ROLES, _meeting_path)
leads_meeting_unit = _role_predicate("leads_meeting_unit", LEAD_ROLES, _meeting_path)

rules.add_perm("meetings.view_meeting", reads_meeting_unit | takes_part_in_meeting)
rules.add_perm("meetings.add_meeting", organises_meeting)
rules.add_perm("meetings.change_meeting", organises_meeting)
rules.add_perm("meetings.minute_meeting", organises_meeting | takes_part_in_meeting)
rules.add_perm("meetings.close_meeting", leads_meeting_unit | chairs_meeting)
rules.add_perm("meetings.view_dialogueschedule", reads_meeting_unit)
rules.add_perm("meetings.change_dialogueschedule", organises_meeting)
# --- NKO endorsement and rewards inputs (issue 14) ---
# An endorsement answers to its unit. Read by every role reaching the unit (as its score snapshots are);
# prepared by the unit's performance manager (or one above); endorsed — and reopened with a reason — by the
# level above: a leader role held on the unit's endorsing unit (the nearest map-owning ancestor, else the
# parent: the Minister for an echelon I, the director general for their units, the regional head for the
# offices), or an administrator reaching the unit. A figure of a past year is entered by an administrator.
# Nominations (employee of the month, exemplary employee) cite scores: read by the appraisal readers of the
# unit, proposed by a leader reaching it, accepted or rejected by a leader or administrator reaching it who
# did not propose it (an administrator may decide any).


def _endorsed_unit(obj: Any) -> Any:
    """The unit an endorsement object is about: a Unit, or an object with `unit`."""
    if obj is None:
        return None
    if isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj
    return getattr(obj, "unit", None)


def endorsing_unit(unit: Any) -> Any:
    """The unit one level up that endorses `unit`'s NKO: the nearest ancestor owning a map, else the parent;
    None for a root."""
    if unit is None or not getattr(unit, "path", None):
        return None
    unit_model = apps.get_model("organisations", "Unit")  # by name: organisations sits above
    step = unit_model.steplen
    prefixes = [unit.path[:end] for end in range(step, len(unit.path), step)]
    if not prefixes:
        return None
    ancestors = list(unit_model.objects.filter(path__in=prefixes).order_by("-depth"))
    return next((a for a in ancestors if a.owns_map), ancestors[0] if ancestors else None)


@rules.predicate
def leads_level_above(user: Viewer, obj: Any = None) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return has_any_role(user, LEAD_ROLES)
    above = endorsing_unit(_endorsed_unit(obj))
    if above is None:
        return False
    roles = getattr(user, "roles", None)
    return roles is not None and roles.filter(role=Role.LEADER, unit_id=above.pk).exists()


@rules.predicate
def proposed_nomination(user: Viewer, obj: Any = None) -> bool:
    return obj is not None and getattr(obj, "nominated_by_id", None) == getattr(user, "pk", object())


reads_endorsement = _role_predicate("reads_endorsement", READ_ROLES)
prepares_endorsement = _role_predicate("prepares_endorsement", (Role.MANAGER, Role.ADMIN))
administers_endorsement = _role_predicate("administers_endorsement", (Role.ADMIN,))

rules.add_perm("meetings.view_nkoendorsement", reads_endorsement)
rules.add_perm("meetings.prepare_nkoendorsement", prepares_endorsement)
rules.add_perm("meetings.endorse_nkoendorsement", leads_level_above | administers_endorsement)
rules.add_perm("meetings.reopen_nkoendorsement", leads_level_above | administers_endorsement)
rules.add_perm("meetings.enter_nkoendorsement", administers_endorsement)

rules.add_perm("appraisals.view_nomination", reads_appraisal_unit)
rules.add_perm("appraisals.add_nomination", leads_appraisal | administers)
rules.add_perm("appraisals.decide_nomination", (leads_appraisal & ~proposed_nomination) | administers)


# --- evaluation of performance management (issue 14) ---
# The yearly evaluation (meetings/evaluation.py). A round answers to its organiser's unit; a unit's evaluation
# to the unit. Reading: a manager, leader, auditor or administrator reaching the unit (a round also to those
# reaching one of its units). Opening and closing a round: a performance manager or administrator of the
# organiser's unit. Answering the self-assessment and readiness check: a performance manager or administrator
# reaching the unit. Reviewing: a performance manager or administrator on a unit strictly above it (the
# service adds: not the one who submitted it). The SFO survey: the unit's own performance managers (a manager
# role on the unit itself). Questionnaires are ministry-wide data: read by every role, edited by a
# ministry-level performance manager or administrator.

EVALUATION_READ_ROLES = (Role.MANAGER, Role.LEADER, Role.AUDITOR, Role.ADMIN)
EVALUATION_MANAGE_ROLES = (Role.MANAGER, Role.ADMIN)


def _evaluation_unit(obj: Any) -> Any:
    """The unit an evaluation object answers to: a unit, a round's organiser, an evaluation's unit, or the unit
    of the evaluation an answer or survey response belongs to."""
    if obj is None:
        return None
    if isinstance(getattr(obj, "path", None), str) and hasattr(obj, "depth"):
        return obj
    if hasattr(obj, "response_id"):
        obj = obj.response
    if hasattr(obj, "evaluation_id"):
        obj = obj.evaluation
    return getattr(obj, "unit", None)


def _evaluation_path(obj: Any) -> str | None:
    return getattr(_evaluation_unit(obj), "path", None)


reads_evaluation = _role_predicate("reads_evaluation", EVALUATION_READ_ROLES, _evaluation_path)
manages_evaluation = _role_predicate("manages_evaluation", EVALUATION_MANAGE_ROLES, _evaluation_path)


@rules.predicate
def reads_evaluation_round(user: Viewer, obj: Any = None) -> bool:
    """Reaches the round's organiser unit, or one of the units evaluated in it."""
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return has_any_role(user, EVALUATION_READ_ROLES)
    if reaches(user, obj.unit.path, EVALUATION_READ_ROLES):
        return True
    paths = paths_for(user, EVALUATION_READ_ROLES)
    if not paths:
        return False
    unit_paths = obj.evaluations.values_list("unit__path", flat=True)
    return any(p.startswith(own) for p in unit_paths for own in paths)


@rules.predicate
def reviews_evaluation(user: Viewer, obj: Any = None) -> bool:
    """A performance manager or administrator on a unit strictly above the evaluated unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return has_any_role(user, EVALUATION_MANAGE_ROLES)
    unit = _evaluation_unit(obj)
    if unit is None:
        return False
    parent_path = unit.path[: -unit.steplen]
    if not parent_path:  # the ministry itself: only a superuser stands above it
        return reaches_everything(user)
    return reaches(user, parent_path, EVALUATION_MANAGE_ROLES)


@rules.predicate
def responds_survey(user: Viewer, obj: Any = None) -> bool:
    """One of the unit's own performance managers: a manager role on the unit itself (a manager above it
    reviews; a manager of an office below answers that office's survey)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if obj is None:
        return has_any_role(user, (Role.MANAGER,))
    unit = _evaluation_unit(obj)
    if unit is None:
        return False
    return bool(user.roles.filter(role=Role.MANAGER, unit_id=unit.pk).exists())  # type: ignore[union-attr]


@rules.predicate
def reads_questionnaires(user: Viewer, obj: Any = None) -> bool:
    return getattr(user, "is_authenticated", False) and has_any_role(user, EVALUATION_READ_ROLES)


rules.add_perm("meetings.view_questionnaire", reads_questionnaires)
rules.add_perm("meetings.add_questionnaire", manages_ministry)
rules.add_perm("meetings.change_questionnaire", manages_ministry)
rules.add_perm("meetings.view_evaluationround", reads_evaluation_round)
rules.add_perm("meetings.add_evaluationround", manages_evaluation)
rules.add_perm("meetings.change_evaluationround", manages_evaluation)
rules.add_perm("meetings.view_unitevaluation", reads_evaluation)
rules.add_perm("meetings.answer_unitevaluation", manages_evaluation)
rules.add_perm("meetings.review_unitevaluation", reviews_evaluation)
rules.add_perm("meetings.respond_unitevaluation", responds_survey)


# --- organisation import page and API (issue 15) ---
# Importing the organisation file (organisations/import_jobs.py): administrators only. Without an object,
# an administrator role anywhere; the service then asks for the role on the ministry's root for a
# whole-organisation import (it closes and deactivates what the file does not list) and checks that every
# unit a partial import changes is in the administrator's subtree. An import (kept between preview and
# apply) is read and applied by administrators reaching the unit it was made in.

rules.add_perm("organisations.import_organisation", administers)
rules.add_perm("organisations.view_organisationimport", administers)
rules.add_perm("organisations.change_organisationimport", administers)


# --- reorganisation (issue 15) ---
# Moving, merging and splitting units changes the structure, so, like every unit edit, it belongs to an
# administrator whose subtree holds every unit involved (the units closed, created, moved and their new
# parents): the services ask `reorganise` on each of them. A reorganisation record is seen, applied or
# discarded by an administrator reaching its scope unit (the lowest unit above everything it touched).
rules.add_perm("organisations.reorganise", edits_org)
rules.add_perm("organisations.view_reorganisation", edits_org)
rules.add_perm("organisations.apply_reorganisation", edits_org)


# --- past years' data (issue 15) ---
# Bringing a closed past year in (reporting/services/history.py, the "Impor data tahun lalu" page and
# `kinerja import-history`): the one way into a closed period (rule 23), so administrators only — an
# administrator role reaching the unit (without an object: an administrator role anywhere).

imports_history = _role_predicate("imports_history", (Role.ADMIN,))
rules.add_perm("reporting.import_history", imports_history)
rules.add_perm("reporting.view_historicalimport", imports_history)


# --- everyone can log in: set-your-password e-mails (issue 15) ---
# Sending set-your-password e-mails to the accounts of a unit's subtree, and reading a sending's report: an
# administrator whose role reaches the unit (organisations/password_mails.py). Without an object: an
# administrator somewhere (the page's unit list is limited to the units they reach).

sends_password_mails = _role_predicate("sends_password_mails", (Role.ADMIN,))
rules.add_perm("accounts.send_password_mails", sends_password_mails)
rules.add_perm("accounts.view_passwordmailjob", sends_password_mails)
