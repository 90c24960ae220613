"""The access matrix's world and expectation table (issue 11, "Tests that stay").

`tests/test_access_matrix.py` walks the URL conf (pages and the API router) and asks this table, for every
route, who may read (GET) and who may write (POST/PUT/PATCH/DELETE) at three scopes relative to the signed-in
user's unit: `own` (KPP-A, where every unit role sits), `other` (KPP-B, a sibling subtree) and `parent` (DJP,
above the user's reach). The administrator holds the role on the ministry root and so reaches all three.

A route without an entry here fails the test: add it to PAGES (pages, by URL name) or API (the API, by URL
name of the router route) below, saying which object its URL is built from and who may do what.
A known hole is an entry in HOLES: the case is then `xfail(strict=True)` until the fix lands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

ROLES = ("admin", "manager", "leader", "employee", "auditor")
SCOPES = ("own", "other", "parent")

Rule = Callable[[str, "str | None"], bool]


def reach(*roles: str, cascade: bool = False) -> Rule:
    """Allowed for `roles` on the object's unit subtree. Unit roles sit on KPP-A (scope `own`); the
    administrator sits on the root and reaches `other` and `parent` too. `cascade`: an approved map is
    read by every role on a unit below it, so `parent` is allowed as well."""

    def rule(role: str, scope: str | None) -> bool:
        if role not in roles:
            return False
        if scope in (None, "own") or role == "admin":
            return True
        return cascade and scope == "parent"

    rule.__doc__ = f"reach{roles}{' cascade' if cascade else ''}"
    return rule


ANY = reach(*ROLES)  # every signed-in role (a page without an object, or a ministry-wide object)
NOBODY = reach()  # nobody: e.g. planning edits on an approved map (the rules ask for a draft)
READ_ORG = reach(*ROLES)  # units, positions, employees: the role's subtree
READ_MAP = reach(*ROLES, cascade=True)  # approved maps and what hangs from them: subtree + cascade down
READ_REPORT = reach(*ROLES)  # realizations, evidence, score snapshots: the role's subtree only
PLAN = reach("manager", "admin")
MONITOR = reach("manager", "admin")
ENTER = reach("employee", "manager")
VERIFY = reach("manager")
APPROVE = reach("leader")
RETURN = reach("manager", "leader")
PEOPLE = reach("admin", "manager")
ORG = reach("admin")
AUDIT = reach("auditor", "admin")  # the audit trail: auditors and administrators, rows of their subtree
MINISTRY = reach("admin")  # manages_ministry: a manager/administrator on a root unit
READ_APPRAISAL = reach("manager", "leader", "auditor", "admin")  # appraisals.view_campaign
CALIBRATE = reach("manager", "leader", "admin")  # appraisals.manage_calibrationsession
READ_FOLLOW_UPS = reach("manager", "leader", "auditor", "admin")  # meetings.view_followups (issue 14)
CHANGE_FOLLOW_UPS = reach("manager", "leader", "admin")  # meetings.change_action, besides the action's owner
ORGANISE_MEETING = reach("leader", "manager")  # meetings.add/change/minute_meeting, change_action
CLOSE_MEETING = reach("leader")  # meetings.close_meeting (or the chair, who is no matrix user)

READ_EVAL = reach("manager", "leader", "auditor", "admin")  # meetings.view_unitevaluation (issue 14)
# reviewing: a manager or administrator strictly above the unit, i.e. only the root's administrator here
REVIEW_EVAL = reach("admin")
RESPOND_EVAL = reach("manager")  # the SFO survey: a manager role on the unit itself


def every_scope(*roles: str) -> Rule:
    """Allowed for `roles` whatever the scope: a ministry-wide object (a questionnaire)."""

    def rule(role: str, scope: str | None) -> bool:
        return role in roles

    rule.__doc__ = f"every_scope{roles}"
    return rule


@dataclass(frozen=True)
class Page:
    """A page route. `target` names the world object whose unit is the scope (None: no object, one case per
    role). `get`: who may GET (None: GET refused, 405). `post`: who may POST (None: POST is not a write
    here — it is answered like GET or with 405, and changes nothing). `variants`: extra fixed URL kwargs
    (one case set per variant), each with its own rules via `by_variant`."""

    target: str | None
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}
    get: Rule | None = ANY
    post: Rule | None = None
    variants: dict[str, dict[str, Any]] = field(default_factory=lambda: {"": {}})
    by_variant: dict[str, tuple[Rule | None, Rule | None]] = field(default_factory=dict)
    public: bool = False  # reachable without signing in (login, password reset)
    body: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}  # the POST body (else empty)


@dataclass(frozen=True)
class Api:
    """An API route (methods from the router). `read`: GET; `write`: every other method.
    `body`: the JSON body of a write, built from the scope's objects (a create names its parent in the body,
    so the scope travels there: a refusal may then also be a 400 naming the field)."""

    target: str | None
    kwargs: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}
    read: Rule = ANY
    write: Rule = NOBODY
    body: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}
    query: Callable[[dict[str, Any]], dict[str, Any]] = lambda o: {}
    public: bool = False
    multipart: bool = False  # a file upload: the body goes as a form


pk = lambda name: lambda o: {"pk": o[name].pk}  # noqa: E731
code = lambda name: lambda o: {"code": o[name].code}  # noqa: E731

# Routes not in the matrix: framework routes, and those checked for their login answer only.
FRAMEWORK = {
    "set_language": "Django i18n: a public POST that sets a cookie",
    "javascript-catalog": "Django's JS translation catalogue: public",
    "healthz": "health check: public by design",
    "readyz": "health check: public by design",
}
FRAMEWORK_PREFIXES = ("admin/",)  # Django admin: its own staff check
LOGIN_ONLY = ("api-schema", "api-docs", "api-redoc")  # documentation: anonymous refused, signed-in 200

PAGES: dict[str, Page] = {
    # --- accounts: public authentication pages (no unit scope)
    "accounts:login": Page(None, public=True),
    "accounts:logout": Page(None, public=True, get=None),
    "accounts:password_reset": Page(None, public=True),
    "accounts:password_reset_done": Page(None, public=True),
    "accounts:password_reset_confirm": Page(
        None, lambda o: {"uidb64": "MQ", "token": "set-password"}, public=True
    ),
    "accounts:password_reset_complete": Page(None, public=True),
    "accounts:profile": Page(None),
    # my API tokens: every signed-in user sees and makes their own (an empty POST re-renders the form)
    "accounts:tokens": Page(None, post=ANY),
    # revoking names a token id; nobody in the world owns this one, so it does not exist for anyone (404);
    # revoking one's own token is tests/accounts/test_tokens.py
    "accounts:token-revoke": Page(None, lambda o: {"pk": 2**31 - 1}, get=None, post=NOBODY),
    # --- home
    "home:home": Page(None),
    "home:rule-sets": Page(None),
    # --- organisations
    "organisations:unit-list": Page(None),
    "organisations:unit-detail": Page("unit", code("unit"), get=READ_ORG),
    "organisations:unit-children": Page("unit", code("unit"), get=READ_ORG),
    "organisations:unit-create": Page("unit", code("unit"), get=ORG, post=ORG),
    "organisations:unit-update": Page("unit", code("unit"), get=ORG, post=ORG),
    "organisations:unit-move": Page("unit", code("unit"), get=ORG, post=ORG),
    "organisations:position-create": Page("unit", code("unit"), get=ORG, post=ORG),
    "organisations:position-options": Page(None),
    "organisations:position-picker-options": Page(
        None
    ),  # the positions listed are the named field's for the user
    "organisations:unit-options": Page(None),  # the units listed are the named field's for the user
    "organisations:employee-options": Page(None),  # the people listed are the named field's for the user
    "organisations:position-update": Page("position", code("position"), get=ORG, post=ORG),
    "organisations:employee-list": Page(None),
    "organisations:employee-create": Page(None, get=PEOPLE, post=PEOPLE),
    "organisations:employee-detail": Page("employee", lambda o: {"nip": o["employee"].nip}, get=READ_ORG),
    "organisations:employee-update": Page(
        "employee", lambda o: {"nip": o["employee"].nip}, get=PEOPLE, post=PEOPLE
    ),
    "organisations:role-list": Page(None, get=ORG, post=ORG),
    "organisations:role-revoke": Page("role", pk("role"), get=None, post=ORG),
    # --- strategy maps (all maps in the world are approved: planning edits are refused to everybody)
    "strategy:index": Page(None),
    "strategy:map-create": Page(None, get=PLAN, post=PLAN),
    "strategy:map": Page("map", pk("map"), get=READ_MAP),
    "strategy:map-download": Page(
        "map",
        pk("map"),
        get=READ_MAP,
        variants={"svg": {"fmt": "svg"}, "png": {"fmt": "png"}, "pdf": {"fmt": "pdf"}},
    ),
    "strategy:map-edit": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:perspectives": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:objective-add": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:link-add": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:map-copy": Page("map", pk("map"), get=PLAN, post=PLAN),
    # 404 for everybody: a map never revised has no earlier version to compare with
    "strategy:map-compare": Page("map", pk("map"), get=NOBODY),
    "strategy:themes": Page("map", pk("map"), get=READ_MAP, post=NOBODY),
    "strategy:unit-plan": Page("map", pk("map"), get=PLAN, post=PLAN),  # asks planning.add_strategymap
    "strategy:map-export": Page("map", pk("map"), get=READ_MAP),
    "strategy:map-import": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:initiative-add": Page("map", pk("map"), get=NOBODY, post=NOBODY),
    "strategy:map-transition": Page(
        "map",
        pk("map"),
        get=None,
        variants={k: {"action": k} for k in ("ajukan", "setujui", "kembalikan", "revisi")},
        by_variant={
            "ajukan": (None, NOBODY),
            "setujui": (None, NOBODY),
            "kembalikan": (None, NOBODY),
            "revisi": (None, reach("manager", "leader", "admin")),
        },
    ),
    "strategy:objective": Page("objective", pk("objective"), get=READ_MAP),
    "strategy:objective-edit": Page("objective", pk("objective"), get=NOBODY, post=NOBODY),
    "strategy:objective-delete": Page("objective", pk("objective"), get=NOBODY, post=NOBODY),
    "strategy:link-delete": Page("link", pk("link"), get=None, post=NOBODY),
    "strategy:theme-delete": Page("theme", pk("theme"), get=None, post=NOBODY),
    "strategy:initiative": Page("initiative", pk("initiative"), get=READ_MAP),
    "strategy:initiative-edit": Page("initiative", pk("initiative"), get=NOBODY, post=NOBODY),
    "strategy:initiative-delete": Page("initiative", pk("initiative"), get=NOBODY, post=NOBODY),
    "strategy:progress-add": Page("initiative", pk("initiative"), get=None, post=MONITOR),
    "strategy:milestone-add": Page("initiative", pk("initiative"), get=NOBODY, post=NOBODY),
    "strategy:milestone-edit": Page("milestone", pk("milestone"), get=NOBODY, post=NOBODY),
    "strategy:milestone-delete": Page("milestone", pk("milestone"), get=None, post=NOBODY),
    "strategy:milestone-done": Page("milestone", pk("milestone"), get=None, post=MONITOR),
    "strategy:risk-add": Page("objective", pk("objective"), get=NOBODY, post=NOBODY),
    "strategy:risk": Page("risk", pk("risk"), get=READ_MAP),
    "strategy:risk-edit": Page("risk", pk("risk"), get=NOBODY, post=NOBODY),
    "strategy:risk-delete": Page("risk", pk("risk"), get=NOBODY, post=NOBODY),
    "strategy:monitoring-add": Page("risk", pk("risk"), get=None, post=MONITOR),
    # --- KPIs
    "kpis:index": Page(None),
    "kpis:kpi": Page("kpi", pk("kpi"), get=READ_MAP),
    "kpis:kpi-edit": Page("kpi", pk("kpi"), get=NOBODY, post=NOBODY),
    "kpis:kpi-delete": Page("kpi", pk("kpi"), get=NOBODY, post=NOBODY),
    "kpis:kpi-add": Page("objective", pk("objective"), get=NOBODY, post=NOBODY),
    "kpis:trajectory-fields": Page(None),
    # --- reporting
    "reporting:index": Page(None),
    "reporting:map": Page("map", pk("map"), get=READ_REPORT),
    # --- contracts: the new year in one action, the workbook (issue 12 item 10; contracts.add_contract /
    # view_contract on the unit: a performance manager or administrator; reading, every role of the subtree)
    "contracts:bulk": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=PLAN, post=PLAN),
    "contracts:bulk-job": Page("contract_job", pk("contract_job"), get=PLAN),  # its starter, or who may add
    "contracts:export-xlsx": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_REPORT),
    "contracts:import": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=PLAN, post=PLAN
    ),  # an empty POST re-renders the form
    "reporting:bulk": Page("map", pk("map"), get=None, post=ENTER),
    "reporting:import": Page("map", pk("map"), get=ENTER, post=ENTER),
    "reporting:import-job": Page("import_job", pk("import_job"), get=ENTER),  # its starter, or who may import
    "reporting:template": Page(
        "map", pk("map"), get=READ_REPORT, variants={"csv": {"fmt": "csv"}, "xlsx": {"fmt": "xlsx"}}
    ),
    "reporting:scorecard": Page(
        "map",
        lambda o: {"pk": o["map"].pk, "period": o["period"].pk},
        get=READ_REPORT,
        post=reach("manager", "leader", "admin"),
    ),  # POST recomputes
    "reporting:export": Page(
        "map",
        lambda o: {"pk": o["map"].pk, "period": o["period"].pk},
        get=READ_REPORT,
        variants={"csv": {"fmt": "csv"}, "xlsx": {"fmt": "xlsx"}},
    ),
    "reporting:snapshot": Page("snapshot", pk("snapshot"), get=READ_REPORT),
    "reporting:explanation": Page("snapshot", pk("snapshot"), get=READ_REPORT),
    "reporting:entry": Page(
        "kpi",
        lambda o: {"kpi": o["kpi2"].pk, "period": o["period"].pk},
        get=READ_REPORT,
        post=ENTER,
        body=lambda o: {"value": "7", "analysis": "uji"},
    ),
    "reporting:realization": Page("realization", pk("realization"), get=READ_REPORT),
    "reporting:evidence-upload": Page("realization", pk("realization"), get=None, post=ENTER),
    "reporting:realization-action": Page(
        "realization",
        pk("realization"),
        get=None,
        variants={k: {"action": k} for k in ("ajukan", "verifikasi", "setujui", "kembalikan")},
        by_variant={
            "ajukan": (None, ENTER),
            "verifikasi": (None, VERIFY),
            "setujui": (None, APPROVE),
            "kembalikan": (None, RETURN),
        },
    ),
    "reporting:evidence": Page("evidence", pk("evidence"), get=READ_REPORT),
    "reporting:periods": Page(None),
    "reporting:periods-generate": Page(None, lambda o: {"year": 2026}, get=None, post=MINISTRY),
    "reporting:period-close": Page(None, lambda o: {"pk": o["period"].pk}, get=None, post=MINISTRY),
    "reporting:period-reopen": Page(
        None,
        lambda o: {"pk": o["closed_period"].pk},
        get=None,
        post=MINISTRY,
        body=lambda o: {"reason": "koreksi"},
    ),
    # --- contracts (a contract answers to its holder's unit: its holder, its superior and any role there read it)
    "contracts:document": Page("contract", pk("contract"), get=READ_REPORT),
    # --- cascading matrix, alignment panel and SS supports (contracts.view_cascade: readers of the unit's
    # subtree; supports are managed by the unit's performance manager, contracts.manage_cascade)
    "contracts:matrix-index": Page(None),
    "contracts:matrix": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_REPORT),
    "contracts:matrix-xlsx": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_REPORT),
    "contracts:alignment": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_REPORT),
    "contracts:supports": Page("map", lambda o: {"map_pk": o["map"].pk}, get=READ_REPORT, post=PLAN),
    # --- contracts (the world's contract is a draft of a non-head employee with no superior: drafting is the
    # unit's performance manager's; agreeing, returning and signing nobody's here; every role reads it)
    "contracts:index": Page(None),
    "contracts:create": Page(None, get=PLAN, post=PLAN),
    "contracts:detail": Page("contract", pk("contract"), get=READ_REPORT, post=PLAN),  # POST: the commitment
    "contracts:kpi-add-map": Page("contract", pk("contract"), get=PLAN, post=PLAN),
    "contracts:kpi-add-individual": Page("contract", pk("contract"), get=PLAN, post=PLAN),
    "contracts:replace": Page("contract", pk("contract"), get=PLAN, post=PLAN),
    "contracts:action": Page(
        "contract",
        pk("contract"),
        get=None,
        variants={k: {"action": k} for k in ("propose", "agree", "return", "sign", "revise")},
        by_variant={
            "propose": (None, PLAN),
            "agree": (None, NOBODY),
            "return": (None, NOBODY),
            "sign": (None, NOBODY),
            "revise": (None, PLAN),
        },
    ),
    "contracts:kpi-edit": Page("contract", pk("contract_kpi"), get=PLAN, post=PLAN),
    "contracts:kpi-remove": Page("contract", pk("contract_kpi"), get=None, post=PLAN),
    "contracts:cascade": Page("contract", pk("contract_kpi"), get=PLAN, post=PLAN),
    "contracts:share": Page(
        "contract", pk("cascade_link"), get=None, post=PLAN, body=lambda o: {"share": "3"}
    ),
    # --- dashboards (ministry-wide pages whose numbers the selectors limit to the user's reach)
    # --- contracts: a person's scorecard (the person, a superior who agrees their contract, roles reaching
    # their unit); "my scorecard" redirects the signed-in person, or says why not (no employee, no contract)
    "contracts:personal": Page(
        "employee",
        lambda o: {"employee_pk": o["employee"].pk, "period_pk": o["period"].pk},
        get=READ_ORG,
    ),
    "contracts:my-scorecard": Page(None),
    # --- appraisals: scores (an employee sees only their own, the direct superior their subordinates, managers,
    # leaders, auditors and administrators their subtree); an empty "Hitung ulang" names no unit: 404 for all
    "appraisals:index": Page(None, post=NOBODY),
    "appraisals:employee": Page(
        "employee",
        lambda o: {"employee_pk": o["employee"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:unit": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:unit-xlsx": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    # the distribution curve of a unit's year (issue 13 item 5): the appraisal readers of the unit; GET only
    "appraisals:distribution": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    # --- appraisals, recaps (appraisals.view_recap: the managers, leaders, auditors and administrators reaching
    # the unit; 404 outside, and for a plain employee): the performance-allowance recap (page, Excel, PDF)
    # and the talent-pool candidates
    "appraisals:allowance": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:allowance-xlsx": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:allowance-pdf": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:talent": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk}, get=reach("manager", "leader", "auditor", "admin")
    ),
    # --- appraisals, behaviour (kmk-127-2026; the world's 2026 is kmk-467-2014, so the pages say so and take
    # nothing): the team form is every signed-in user's own (only their direct subordinates; the world's users
    # have none, so a POST saves nothing); an employee's behaviour and correction pages are read by the person,
    # their direct superior and the manager/leader/auditor/administrator reaching the unit; a unit's sentences
    # likewise, added (or deleted with a reason) by its performance manager or administrator; the correction
    # is set by the unit's leader
    "appraisals:team": Page(None, lambda o: {"year": 2026}, post=ANY),
    "appraisals:behaviour": Page(
        "employee",
        lambda o: {"employee_pk": o["employee"].pk},
        get=reach("manager", "leader", "auditor", "admin"),
    ),
    "appraisals:sentences": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk},
        get=reach("manager", "leader", "auditor", "admin"),
        post=reach("manager", "admin"),
    ),
    "appraisals:behaviour-setting": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk},
        get=reach("manager", "leader", "auditor", "admin"),
        post=reach("manager", "admin"),
    ),
    "appraisals:correction": Page(
        "employee",
        lambda o: {"employee_pk": o["employee"].pk, "year": 2026},
        get=reach("manager", "leader", "auditor", "admin"),
        post=reach("leader"),
    ),
    # --- appraisals, the 360° assessment (issue 13 item 3; a draft campaign of the scope's unit with one
    # rater assignment, the scope's employee rating themselves): campaigns are read by managers, leaders,
    # auditors and administrators of the unit (appraisals.view_campaign; outside it 404), run by its
    # performance manager or administrator (manage_campaign; a leader or auditor gets 403). The list sends a
    # plain employee to their own forms (302). A form exists only for its rater, who is no matrix user: 404
    # for every role (and the campaign is not launched).
    "appraisals:campaigns": Page(None),
    "appraisals:campaign-create": Page(None, get=PLAN, post=PLAN),  # an empty POST re-renders the form
    "appraisals:campaign": Page("campaign", pk("campaign"), get=READ_APPRAISAL),
    "appraisals:campaign-action": Page(
        "campaign",
        pk("campaign"),
        get=None,
        post=PLAN,  # in the wrong state (remind, close a draft): a message and a redirect, nothing changed
        variants={a: {"action": a} for a in ("generate", "launch", "remind", "close")},
    ),
    "appraisals:rater-add": Page("campaign", pk("campaign"), get=None, post=PLAN),  # empty POST: 400
    "appraisals:rater-remove": Page("rater_assignment", pk("rater_assignment"), get=None, post=PLAN),
    "appraisals:my-ratings": Page(None),
    "appraisals:rating": Page(
        "rater_assignment", lambda o: {"assignment_pk": o["rater_assignment"].pk}, get=NOBODY, post=NOBODY
    ),
    # --- appraisals, leniency diagnostics and calibration (issue 13 items 6, 7; an open calibration session of
    # the scope's unit, which owns a 2026 map): read by managers, leaders, auditors and administrators of the
    # unit (view_diagnostics, view_calibrationsession; outside it 404); a session is opened, adjusted and closed
    # by the unit's leader or performance manager or an administrator (an auditor gets 403). The scope's unit
    # already holds its session: opening again is a message and a redirect, nothing changed; an empty adjustment
    # re-renders the page (400); removing names nobody adjusted (a message and a redirect)
    "appraisals:diagnostics": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_APPRAISAL
    ),
    "appraisals:calibrations": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_APPRAISAL
    ),
    "appraisals:calibration-open": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=None, post=CALIBRATE
    ),
    "appraisals:calibration": Page("calibration_session", pk("calibration_session"), get=READ_APPRAISAL),
    "appraisals:calibration-adjust": Page(
        "calibration_session", pk("calibration_session"), get=None, post=CALIBRATE
    ),
    "appraisals:calibration-remove": Page(
        "calibration_session", pk("calibration_session"), get=None, post=CALIBRATE
    ),
    "appraisals:calibration-close": Page(
        "calibration_session", pk("calibration_session"), get=None, post=CALIBRATE
    ),
    "dashboards:index": Page(None),
    "dashboards:dashboard": Page(None),
    "dashboards:ranking": Page(None),
    "dashboards:ranking-export": Page(None, variants={"csv": {"fmt": "csv"}, "xlsx": {"fmt": "xlsx"}}),
    "dashboards:completeness": Page(None),
    "dashboards:completeness-export": Page(None, variants={"csv": {"fmt": "csv"}, "xlsx": {"fmt": "xlsx"}}),
    "dashboards:audit": Page(None, get=AUDIT),
    "dashboards:audit-export": Page(
        None, get=AUDIT, variants={"csv": {"fmt": "csv"}, "xlsx": {"fmt": "xlsx"}}
    ),
    # --- the monthly performance report (issue 14): every role on the unit's subtree reads and asks for one
    # (the POST queues a unit report of the world's quarter); a job's page and file: roles reaching its unit
    "dashboards:monthly-index": Page(None),
    "dashboards:monthly": Page(
        "unit",
        lambda o: {"unit_pk": o["unit"].pk},
        get=READ_REPORT,
        post=READ_REPORT,
        body=lambda o: {"periode": o["period"].pk, "format": "xlsx", "jenis": "unit"},
    ),
    "dashboards:report-job": Page("report_job", pk("report_job"), get=READ_REPORT),
    "dashboards:report-download": Page("report_job", pk("report_job"), get=READ_REPORT),
    # --- the KPI manual booklet and the map coloured by status (issue 14 items 4 and 5) ---
    "dashboards:kpi-booklet": Page("map", pk("map"), get=READ_MAP),  # the map's read rule
    "dashboards:status-map": Page("map", pk("map"), get=READ_REPORT),  # the map's and the scorecard's
    "dashboards:status-map-download": Page(
        "map",
        lambda o: {"pk": o["map"].pk, "period": o["period"].pk},
        get=READ_REPORT,
        variants={"pdf": {"fmt": "pdf"}, "png": {"fmt": "png"}},
    ),
    # --- follow-up matrix (issue 14): a unit's matrix and its Excel file are read by the leaders, managers,
    # auditors and administrators reaching the unit (else 404); "my follow-ups" by every signed-in user
    "meetings:follow-ups": Page("unit", lambda o: {"unit_pk": o["unit"].pk}, get=READ_FOLLOW_UPS),
    "meetings:follow-ups-xlsx": Page("unit", lambda o: {"unit_pk": o["unit"].pk}, get=READ_FOLLOW_UPS),
    "meetings:my-follow-ups": Page(None),
    # --- notifications (issue 14): "self" pages, every signed-in user's own (like accounts:tokens)
    "notifications:index": Page(None),
    # following names a notification id; nobody in the world owns this one, so it is a 404 for everyone
    # (following one's own, and another's being a 404, is tests/notifications/test_pages.py)
    "notifications:follow": Page(None, lambda o: {"pk": 2**31 - 1}, get=NOBODY),
    "notifications:read-all": Page(None, get=None, post=ANY),
    "notifications:preferences": Page(None, post=ANY),
    # --- performance dialogues (issue 14) ---
    "meetings:index": Page(None),
    "meetings:create": Page(None, get=ORGANISE_MEETING, post=ORGANISE_MEETING),
    "meetings:meeting-options": Page(None),  # the meetings listed are the named field's for the user
    "meetings:schedule": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk}, get=READ_REPORT, post=ORGANISE_MEETING
    ),
    "meetings:detail": Page("meeting", pk("meeting"), get=READ_REPORT),
    "meetings:edit": Page("meeting", pk("meeting"), get=ORGANISE_MEETING, post=ORGANISE_MEETING),
    "meetings:propose": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:agenda-add": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:attendance": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:summary": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:invite": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:close": Page("meeting", pk("meeting"), get=None, post=CLOSE_MEETING),
    "meetings:cancel": Page("meeting", pk("meeting"), get=None, post=ORGANISE_MEETING),
    "meetings:minutes": Page("meeting", pk("meeting"), get=READ_REPORT),
    "meetings:agenda-remove": Page("agenda_item", pk("agenda_item"), get=None, post=ORGANISE_MEETING),
    "meetings:agenda-move": Page("agenda_item", pk("agenda_item"), get=None, post=ORGANISE_MEETING),
    "meetings:agenda-minutes": Page("agenda_item", pk("agenda_item"), get=None, post=ORGANISE_MEETING),
    "meetings:action-add": Page("agenda_item", pk("agenda_item"), get=None, post=ORGANISE_MEETING),
    # an action: read by the leaders, managers, auditors and administrators reaching its unit and by its owner
    # (who is no matrix user); its state changed by the owner or a leader, manager or administrator of the unit
    "meetings:action-detail": Page("action", pk("action"), get=READ_FOLLOW_UPS, post=CHANGE_FOLLOW_UPS),
    "meetings:action-evidence": Page("action", pk("action"), get=READ_FOLLOW_UPS),
    # --- NKO endorsement and rewards inputs (issue 14 items 6, 8). An endorsement is read by every role reaching
    # the unit; prepared by its performance manager; endorsed, reopened (with a reason) by the leader of the level
    # above (the world's unit roles sit on the unit itself, so only the administrator) and entered by an
    # administrator. The scope's 2026 year-end figure is not computed: preparing and endorsing answer 400 naming
    # it; the scope's entered 2025 figure is reopened only with a reason (an empty one: 400). Nominations are read
    # by the appraisal readers of the unit, made by a leader (an empty form: 400), decided by a leader who did not
    # make it (the world's was made by nobody) or an administrator.
    "meetings:endorsements": Page(None),
    "meetings:endorsement": Page("unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_REPORT),
    "meetings:endorsement-prepare": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=None, post=reach("manager", "admin")
    ),
    "meetings:endorsement-endorse": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=None, post=reach("admin")
    ),
    "meetings:endorsement-enter": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2025}, get=None, post=reach("admin")
    ),
    "meetings:endorsement-reopen": Page("endorsement", pk("endorsement"), get=None, post=reach("admin")),
    "appraisals:nominations": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=READ_APPRAISAL
    ),
    "appraisals:nomination-create": Page(
        "unit", lambda o: {"unit_pk": o["unit"].pk, "year": 2026}, get=None, post=reach("leader", "admin")
    ),
    "appraisals:nomination-decide": Page(
        "nomination",
        pk("nomination"),
        get=None,
        post=reach("leader", "admin"),
        variants={a: {"action": a} for a in ("accept", "reject")},
    ),
    # --- evaluation of performance management (issue 14)
    "meetings:evaluation-rounds": Page(None, get=READ_EVAL),
    "meetings:evaluation-round-create": Page(None, get=PLAN, post=PLAN),  # an empty POST re-renders the form
    "meetings:evaluation-round": Page("evaluation_round", pk("evaluation_round"), get=READ_EVAL),
    "meetings:evaluation-round-action": Page(
        "evaluation_round",
        pk("evaluation_round"),
        get=None,
        post=PLAN,  # an empty units or window form: a message and a redirect, nothing changed
        variants={a: {"action": a} for a in ("close", "units", "window")},
    ),
    "meetings:evaluation-round-pdf": Page("evaluation_round", pk("evaluation_round"), get=READ_EVAL),
    "meetings:evaluation": Page("unit_evaluation", pk("unit_evaluation"), get=READ_EVAL),
    "meetings:evaluation-answer": Page("unit_evaluation", pk("unit_evaluation"), get=PLAN, post=PLAN),
    "meetings:evaluation-action": Page(
        "unit_evaluation",
        pk("unit_evaluation"),
        get=None,
        variants={"submit": {"action": "submit"}, "return": {"action": "return"}},
        # submitting an incomplete draft, returning a draft: a message and a redirect, nothing changed
        by_variant={"submit": (None, PLAN), "return": (None, REVIEW_EVAL)},
    ),
    # a draft: GET redirects to the evaluation, POST is a 400 naming the state
    "meetings:evaluation-review": Page(
        "unit_evaluation", pk("unit_evaluation"), get=REVIEW_EVAL, post=REVIEW_EVAL
    ),
    # the unit's own performance managers; an empty POST is a 400 naming each statement
    "meetings:evaluation-survey": Page(
        "unit_evaluation", pk("unit_evaluation"), get=RESPOND_EVAL, post=RESPOND_EVAL
    ),
    "meetings:evaluation-pdf": Page("unit_evaluation", pk("unit_evaluation"), get=READ_EVAL),
    "meetings:evaluation-evidence": Page("criterion_answer", pk("criterion_answer"), get=READ_EVAL),
    "meetings:questionnaires": Page(None, get=READ_EVAL, post=MINISTRY),  # POST: prepare a year's set
    "meetings:questionnaire": Page(
        "questionnaire",
        pk("questionnaire"),
        get=every_scope("manager", "leader", "auditor", "admin"),
        post=every_scope("admin"),  # in use, so locked: the edit is refused with a 400
    ),
    # --- the organisation import (issue 15): administrators, the import's unit in their reach
    "organisations:import": Page(None, get=ORG, post=ORG),  # an empty POST re-renders the form
    "organisations:import-detail": Page("org_import", pk("org_import"), get=ORG),
    # the world's import has no file left: an administrator's apply or new preview is refused with a message
    "organisations:import-apply": Page("org_import", pk("org_import"), get=None, post=ORG),
    "organisations:import-repreview": Page("org_import", pk("org_import"), get=None, post=ORG),
    # --- reorganisation (issue 15): administrators only, within their subtree; an empty POST re-renders the
    # form (400-free), applying the world's empty plan is refused with a message (nothing written)
    "organisations:reorg-list": Page(None, get=ORG),
    "organisations:reorg-create": Page(
        None,
        get=ORG,
        post=ORG,
        variants={"pindah": {"kind": "pindah"}, "gabung": {"kind": "gabung"}, "pecah": {"kind": "pecah"}},
    ),
    "organisations:reorg-detail": Page("reorganisation", pk("reorganisation"), get=ORG),
    "organisations:reorg-apply": Page("reorganisation", pk("reorganisation"), get=None, post=ORG),
    "organisations:reorg-discard": Page("reorganisation", pk("reorganisation"), get=None, post=ORG),
    # --- past years' data (issue 15): administrators only; an empty POST is a 400 naming the fields
    "reporting:history-import": Page(None, get=reach("admin"), post=reach("admin")),
    # --- everyone can log in: set-your-password e-mails (issue 15); an empty POST re-renders the form
    "organisations:password-mails": Page(None, get=ORG, post=ORG),
    "organisations:password-mail-job": Page("password_mail_job", pk("password_mail_job"), get=ORG),
}

API: dict[str, Api] = {
    "api-me": Api(None),
    "api-token": Api(None, public=True),
    # organisation
    "api-unit-list": Api(None),
    "api-unit-detail": Api("unit", code("unit"), read=READ_ORG),
    "api-unit-children": Api("unit", code("unit"), read=READ_ORG),
    "api-unit-tree": Api("unit", code("unit"), read=READ_ORG),
    "api-position-list": Api(None),
    "api-position-detail": Api("position", code("position"), read=READ_ORG),
    "api-employee-list": Api(
        "unit",
        write=PEOPLE,
        body=lambda o: {"nip": o["new_nip"], "name": "Pegawai Baru", "unit": o["unit"].code},
    ),
    "api-employee-detail": Api("employee", lambda o: {"nip": o["employee"].nip}, read=READ_ORG, write=PEOPLE),
    # reporting periods (ministry-wide)
    "api-reporting-period-list": Api(None),
    "api-reporting-period-detail": Api(None, lambda o: {"pk": o["period"].pk}),
    "api-reporting-period-close": Api(None, lambda o: {"pk": o["period"].pk}, write=MINISTRY),
    "api-reporting-period-reopen": Api(
        None, lambda o: {"pk": o["closed_period"].pk}, write=MINISTRY, body=lambda o: {"reason": "koreksi"}
    ),
    # realizations
    "api-realization-list": Api(
        "kpi", write=ENTER, body=lambda o: {"kpi": o["kpi2"].pk, "period": o["period"].pk, "value": "5"}
    ),
    "api-realization-bulk-submit": Api(
        "realization", write=ENTER, body=lambda o: {"ids": [o["realization"].pk]}
    ),
    "api-realization-bulk-verify": Api(
        "realization", write=VERIFY, body=lambda o: {"ids": [o["realization"].pk]}
    ),
    "api-realization-bulk-approve": Api(
        "realization", write=APPROVE, body=lambda o: {"ids": [o["realization"].pk]}
    ),
    "api-realization-detail": Api("realization", pk("realization"), read=READ_REPORT, write=ENTER),
    "api-realization-submit": Api("realization", pk("realization"), write=ENTER),
    "api-realization-verify": Api("realization", pk("realization"), write=VERIFY),
    "api-realization-approve": Api("realization", pk("realization"), write=APPROVE),
    "api-realization-return": Api(
        "realization", pk("realization"), write=RETURN, body=lambda o: {"reason": "perbaiki"}
    ),
    "api-realization-evidence": Api(
        "realization",
        pk("realization"),
        read=READ_REPORT,
        write=ENTER,
        multipart=True,
        body=lambda o: {"name": "x"},
    ),
    "api-realization-import-list": Api(
        "map", write=ENTER, multipart=True, body=lambda o: {"map": o["map"].pk}
    ),
    "api-import-job-detail": Api("import_job", pk("import_job"), read=ENTER),
    # score snapshots
    "api-scorecard-list": Api(None),
    "api-scorecard-latest": Api(
        "map", read=READ_REPORT, query=lambda o: {"map": o["map"].pk, "period": o["period"].pk}
    ),
    "api-scorecard-detail": Api("snapshot", pk("snapshot"), read=READ_REPORT),
    # strategy maps and what hangs from them (approved maps: planning writes refused to everybody)
    "api-strategy-map-list": Api(None),
    "api-strategy-map-detail": Api("map", pk("map"), read=READ_MAP),
    "api-strategy-map-findings": Api("map", pk("map"), read=READ_MAP),
    "api-strategy-map-svg": Api("map", pk("map"), read=READ_MAP),
    "api-strategy-map-submit": Api("map", pk("map")),
    "api-strategy-map-approve": Api("map", pk("map")),
    "api-strategy-map-return": Api("map", pk("map"), body=lambda o: {"reason": "perbaiki"}),
    "api-strategy-map-revise": Api(
        "map", pk("map"), write=reach("manager", "leader", "admin"), body=lambda o: {"reason": "revisi"}
    ),
    "api-objective-list": Api(
        "map", body=lambda o: {"map": o["map"].pk, "perspective": "customer", "code": "C9", "name_id": "Baru"}
    ),
    "api-objective-detail": Api("objective", pk("objective"), read=READ_MAP),
    "api-objective-link-list": Api(
        "map", body=lambda o: {"map": o["map"].pk, "cause": o["objective2"].pk, "effect": o["objective"].pk}
    ),
    "api-objective-link-detail": Api("link", pk("link"), read=READ_MAP),
    "api-kpi-list": Api(
        "objective", body=lambda o: {"objective": o["objective"].pk, "code": "S1.9", "name_id": "Baru"}
    ),
    "api-kpi-detail": Api("kpi", pk("kpi"), read=READ_MAP),
    "api-initiative-list": Api("map", body=lambda o: {"map": o["map"].pk, "code": "I9", "name_id": "Baru"}),
    "api-initiative-detail": Api("initiative", pk("initiative"), read=READ_MAP),
    "api-initiative-milestones": Api(
        "initiative", pk("initiative"), body=lambda o: {"name": "T", "due_date": "2026-12-31"}
    ),
    "api-initiative-progress": Api(
        "initiative", pk("initiative"), write=MONITOR, body=lambda o: {"date": "2026-12-01", "percent": "50"}
    ),
    "api-risk-list": Api(
        "objective",
        body=lambda o: {
            "objective": o["objective"].pk,
            "code": "R9",
            "description": "x",
            "likelihood": 2,
            "impact": 2,
        },
    ),
    "api-risk-detail": Api("risk", pk("risk"), read=READ_MAP),
    "api-risk-monitoring": Api(
        "risk", pk("risk"), write=MONITOR, body=lambda o: {"date": "2026-12-01", "note": "dipantau"}
    ),
    # contracts (a draft contract of the scope's employee, with a KPI cascaded "direct shared" from a map KPI):
    # read by every role on the unit's subtree (and by its holder and superior); drafted by its performance
    # manager or administrator; agreed, returned and signed by nobody here (no superior or holder signs in, and
    # the draft is in no state for it); replaced by a manager or administrator
    "api-contract-list": Api(
        "contract", write=PLAN, body=lambda o: {"employee": o["employee"].nip, "year": 2026}
    ),
    "api-contract-detail": Api(
        "contract", pk("contract"), read=READ_ORG, write=PLAN, body=lambda o: {"commitment": "Saya berjanji."}
    ),
    "api-contract-propose": Api("contract", pk("contract"), read=READ_ORG, write=PLAN),
    "api-contract-agree": Api("contract", pk("contract"), read=READ_ORG),
    "api-contract-return": Api(
        "contract", pk("contract"), read=READ_ORG, body=lambda o: {"reason": "perbaiki"}
    ),
    "api-contract-sign": Api("contract", pk("contract"), read=READ_ORG),
    "api-contract-revise": Api(
        "contract", pk("contract"), read=READ_ORG, body=lambda o: {"reason": "revisi"}
    ),
    "api-contract-replace": Api(
        "contract", pk("contract"), read=READ_ORG, write=PLAN, body=lambda o: {"change_date": "2026-07-01"}
    ),
    # the cascading matrix and the alignment findings of a unit and year (the query): as their pages,
    # contracts.view_cascade on the unit (every role of its subtree), else 404
    "api-contract-matrix": Api(
        "unit", read=READ_REPORT, query=lambda o: {"unit": o["unit"].code, "year": 2026}
    ),
    "api-contract-alignment": Api(
        "unit", read=READ_REPORT, query=lambda o: {"unit": o["unit"].code, "year": 2026}
    ),
    "api-contract-kpi-list": Api(
        "contract",
        write=PLAN,
        body=lambda o: {
            "contract": o["contract"].pk,
            "source": "individual",
            "objective": o["objective"].pk,
            "code": "IKI-9",
            "manual": {
                "name_id": "IKI baru",
                "validity": "proxy",
                "controllability": "moderate",
                "polarity": "max",
                "consolidation": "last",
                "frequency": "yearly",
                "target": "90",
            },
        },
    ),
    "api-contract-kpi-detail": Api(
        "contract_kpi", pk("contract_kpi"), read=READ_ORG, write=PLAN, body=lambda o: {"weight": "10"}
    ),
    "api-cascade-list": Api(None),
    "api-cascade-detail": Api(
        "cascade", pk("cascade"), read=READ_ORG, write=PLAN, body=lambda o: {"mode": "direct_shared"}
    ),
    "api-cascade-link-list": Api(None),
    "api-cascade-link-detail": Api(
        "cascade_link", pk("cascade_link"), read=READ_ORG, write=PLAN, body=lambda o: {"share": "40"}
    ),
    # appraisals (issue 13 item 9; the world's draft campaign of the scope's unit with its employee rating
    # themselves, a score record, a BerAKHLAK score, a sentence, a correction and a calibration session with
    # one adjustment of the scope's employee, who is no matrix user). Campaigns and calibration sessions are
    # read by the unit's managers, leaders, auditors and administrators (else 403 for a list, 404 for one);
    # campaigns are run by its performance manager or administrator (a leader or auditor gets 403; a create
    # naming a unit outside the reach is a 400 on the field). A form exists only for its rater: the list is
    # everybody's own (empty here), one form is a 404 for every matrix user. Scores, BerAKHLAK scores,
    # sentences and corrections: a list is everybody's (their own, their subordinates', their units'), one
    # object is read by the roles reaching the employee's unit. The recap: the unit's appraisal readers.
    "api-appraisal-campaign-list": Api(
        "campaign",
        read=READ_APPRAISAL,
        write=PLAN,
        body=lambda o: {"unit": o["unit"].code, "year": 2026, "semester": 2},
    ),
    "api-appraisal-campaign-detail": Api("campaign", pk("campaign"), read=READ_APPRAISAL),
    "api-appraisal-campaign-generate": Api("campaign", pk("campaign"), write=PLAN),
    "api-appraisal-campaign-launch": Api("campaign", pk("campaign"), write=PLAN),
    # reminding and closing a draft: a 400 naming the state, nothing sent or changed
    "api-appraisal-campaign-remind": Api("campaign", pk("campaign"), write=PLAN),
    "api-appraisal-campaign-close": Api("campaign", pk("campaign"), write=PLAN),
    "api-appraisal-campaign-raters": Api("campaign", pk("campaign"), read=READ_APPRAISAL),
    "api-appraisal-campaign-add-rater": Api(
        "campaign",
        pk("campaign"),
        write=PLAN,  # the pair is there already: a 400 naming the rater, nothing added
        body=lambda o: {"employee": o["employee"].nip, "rater": o["employee"].nip, "rater_group": "self"},
    ),
    "api-appraisal-campaign-remove-rater": Api(
        "campaign", pk("campaign"), write=PLAN, body=lambda o: {"assignment": o["rater_assignment"].pk}
    ),
    "api-appraisal-assignment-list": Api(None),
    "api-appraisal-assignment-detail": Api("rater_assignment", pk("rater_assignment"), read=NOBODY),
    "api-appraisal-assignment-answer": Api(
        "rater_assignment", pk("rater_assignment"), body=lambda o: {"service_orientation": "80"}
    ),
    "api-appraisal-score-list": Api(None),
    "api-appraisal-score-detail": Api("score_record", pk("score_record"), read=READ_APPRAISAL),
    "api-appraisal-behaviour-score-list": Api(None),
    "api-appraisal-behaviour-score-detail": Api(
        "behaviour_score", pk("behaviour_score"), read=READ_APPRAISAL
    ),
    "api-appraisal-sentence-list": Api(None),
    "api-appraisal-sentence-detail": Api("sentence", pk("sentence"), read=READ_APPRAISAL),
    "api-appraisal-correction-list": Api(None),
    "api-appraisal-correction-detail": Api("correction", pk("correction"), read=READ_APPRAISAL),
    "api-appraisal-calibration-list": Api("calibration_session", read=READ_APPRAISAL),
    "api-appraisal-calibration-detail": Api(
        "calibration_session", pk("calibration_session"), read=READ_APPRAISAL
    ),
    "api-appraisal-calibration-adjustment-list": Api("calibration_session", read=READ_APPRAISAL),
    "api-appraisal-calibration-adjustment-detail": Api(
        "calibration_adjustment", pk("calibration_adjustment"), read=READ_APPRAISAL
    ),
    "api-appraisal-recap-list": Api(
        "unit", read=READ_APPRAISAL, query=lambda o: {"unit": o["unit"].code, "year": 2026}
    ),
    # --- follow-up matrix (issue 14; the world's open action of the scope's unit, owned by the scope's employee,
    # who is no matrix user): the list is everybody's (the actions of the units their leader, manager, auditor
    # or administrator roles reach, and their own); one action is read by those roles on its unit (else 404);
    # its state is changed by its owner or a leader, manager or administrator of the unit (an auditor: 403)
    "api-action-list": Api(None),
    "api-action-detail": Api("action", pk("action"), read=READ_FOLLOW_UPS),
    "api-action-state": Api(
        "action", pk("action"), write=CHANGE_FOLLOW_UPS, body=lambda o: {"state": "in_progress"}
    ),
    # --- notifications (issue 14): each signed-in user's own; another's notification is a 404
    "api-notification-list": Api(None),
    "api-notification-detail": Api(None, lambda o: {"pk": 2**31 - 1}, read=NOBODY),
    "api-notification-read": Api(None, lambda o: {"pk": 2**31 - 1}, read=NOBODY),
    "api-notification-unread-count": Api(None),
    "api-notification-read-all": Api(None, write=ANY),
    "api-notification-preferences": Api(
        None, write=ANY, body=lambda o: {"kinds": [{"kind": "waiting", "in_app": True, "email": False}]}
    ),
    # --- performance dialogues (issue 14) ---
    "api-meeting-list": Api(
        "unit",
        write=ORGANISE_MEETING,
        body=lambda o: {
            "unit": o["unit"].code,
            "period": o["closed_period"].label,
            "starts_at": "2026-04-15T09:00:00+07:00",
            "chair": o["employee"].nip,
        },
    ),
    "api-meeting-detail": Api(
        "meeting",
        pk("meeting"),
        read=READ_REPORT,
        write=ORGANISE_MEETING,
        body=lambda o: {"place": "Aula"},
    ),
    "api-meeting-close": Api("meeting", pk("meeting"), read=READ_REPORT, write=CLOSE_MEETING),
    "api-meeting-minutes": Api("meeting", pk("meeting"), read=READ_REPORT),
    # --- NKO endorsement and rewards inputs (issue 14 items 6, 8, 10): see the pages above
    "api-nko-endorsement-list": Api(None),
    "api-nko-endorsement-detail": Api("endorsement", pk("endorsement"), read=READ_REPORT),
    "api-nko-endorsement-prepare": Api(
        "unit", write=reach("manager", "admin"), body=lambda o: {"unit": o["unit"].code, "year": 2026}
    ),
    "api-nko-endorsement-endorse": Api(
        "unit",
        write=reach("admin"),
        body=lambda o: {"unit": o["unit"].code, "year": 2026, "acknowledge": True},
    ),
    "api-nko-endorsement-enter": Api(
        "unit",
        write=reach("admin"),
        body=lambda o: {"unit": o["unit"].code, "year": 2024, "nko": "101.5", "reason": "arsip LAKIN"},
    ),
    "api-nko-endorsement-reopen": Api(
        "endorsement", pk("endorsement"), write=reach("admin"), body=lambda o: {"reason": "revisi uji"}
    ),
    "api-appraisal-nomination-list": Api(
        "nomination",
        read=READ_APPRAISAL,
        write=reach("leader", "admin"),
        body=lambda o: {
            "unit": o["unit"].code,
            "year": 2026,
            "kind": "employee_of_month",
            "month": 3,
            "employee": o["employee"].nip,
            "reason": "uji",
        },
    ),
    "api-appraisal-nomination-detail": Api("nomination", pk("nomination"), read=READ_APPRAISAL),
    "api-appraisal-nomination-accept": Api("nomination", pk("nomination"), write=reach("leader", "admin")),
    "api-appraisal-nomination-reject": Api(
        "nomination", pk("nomination"), write=reach("leader", "admin"), body=lambda o: {"note": "uji"}
    ),
    # --- evaluation of performance management (issue 14)
    "api-evaluation-questionnaire-list": Api(None, read=READ_EVAL),
    "api-evaluation-questionnaire-detail": Api(
        "questionnaire", pk("questionnaire"), read=every_scope("manager", "leader", "auditor", "admin")
    ),
    "api-evaluation-round-list": Api(
        "evaluation_round",
        read=READ_EVAL,
        write=PLAN,  # a unit outside the user's reach: a 400 naming it
        body=lambda o: {
            "unit": o["unit"].code,
            "year": 2027,
            "opens_on": "2027-04-01",
            "closes_on": "2027-08-31",
            "units": [o["unit"].code],
        },
    ),
    "api-evaluation-round-detail": Api("evaluation_round", pk("evaluation_round"), read=READ_EVAL),
    "api-evaluation-round-close": Api("evaluation_round", pk("evaluation_round"), write=PLAN),
    "api-unit-evaluation-list": Api("unit_evaluation", read=READ_EVAL),
    "api-unit-evaluation-detail": Api("unit_evaluation", pk("unit_evaluation"), read=READ_EVAL),
    # an incomplete draft: a 400 naming what is missing
    "api-unit-evaluation-submit": Api("unit_evaluation", pk("unit_evaluation"), write=PLAN),
    # a draft: a 400 naming the state
    "api-unit-evaluation-return": Api(
        "unit_evaluation",
        pk("unit_evaluation"),
        write=REVIEW_EVAL,
        body=lambda o: {"reason": "Belum lengkap"},
    ),
    "api-unit-evaluation-review": Api(
        "unit_evaluation",
        pk("unit_evaluation"),
        write=REVIEW_EVAL,
        body=lambda o: {"scores": {}, "findings": "", "recommendations": ""},
    ),
    # --- the organisation import (issue 15): an empty upload is a 400 for an administrator
    "api-organisation-import-list": Api(None, write=ORG, multipart=True),
    "api-organisation-import-detail": Api("org_import", pk("org_import"), read=ORG),
}

# Known holes: (route name, variant, method, role, scope) -> reason. Each becomes xfail(strict=True).
HOLES: dict[tuple[str, str, str, str, str], str] = {}


# --------------------------------------------------------------------------- the world


D = Decimal


def _report_job(unit: Any, period: Any, maker: Any) -> Any:
    """A finished monthly report of `unit` with its file (issue 14)."""
    from django.core.files.base import ContentFile

    from kinerja.dashboards.models import ReportJob, ReportJobState

    job = ReportJob(
        unit=unit, period=period, created_by=maker, state=ReportJobState.DONE, total=1, processed=1
    )
    job.file.save("laporan.pdf", ContentFile(b"%PDF-1.4 laporan"), save=False)
    job.file_name = "laporan.pdf"
    job.save()
    return job


def build_world() -> dict[str, Any]:
    """KEMENKEU (root) → DJP (parent) → KPP-A (own), KPP-B (other). One approved 2026 map per unit with two
    objectives and a link, a theme, two KPIs, an initiative with a milestone, a risk, a draft realization with
    evidence in an open quarter, and a score snapshot; a position, an employee and a granted role per unit; the
    employee's draft 2026 contract holding a KPI cascaded "direct shared" from a third map KPI (S1.2);
    users holding each role (admin on the root, the others on KPP-A)."""

    from django.core.files.uploadedfile import SimpleUploadedFile

    from kinerja.accounts.models import RoleAssignment
    from kinerja.appraisals.models import (
        CORE_VALUE_FIELDS,
        BehaviourScore,
        CalibrationAdjustment,
        CalibrationSession,
        Campaign,
        Correction,
        DisciplinarySentence,
        Nomination,
        RaterAssignment,
        ScoreRecord,
    )
    from kinerja.contracts import services as contract_services
    from kinerja.contracts.models import ContractBulkJob
    from kinerja.meetings import evaluation
    from kinerja.meetings.evaluation_models import CriterionAnswer
    from kinerja.meetings.models import NkoEndorsement
    from kinerja.organisations.models import UnitKind, UnitLevel
    from kinerja.planning.models import Initiative, MapState, Milestone, Risk, Theme
    from kinerja.reporting import services
    from kinerja.reporting.models import ImportJob, PeriodState, ReportingPeriod
    from tests.factories import EmployeeFactory, PositionFactory, UserFactory, grant, make_nip, make_unit
    from tests.planning import builders as b

    pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
    root = make_unit("KEMENKEU", level=UnitLevel.WIDE, kind=UnitKind.MINISTRY)
    djp = make_unit("DJP", parent=root, level=UnitLevel.ONE, kind=UnitKind.ECHELON_1)
    kpp_a = make_unit("KPP-A", parent=djp)
    kpp_b = make_unit("KPP-B", parent=djp)
    year = b.plan_year(2026, "kmk-467-2014")
    services.generate_periods(plan_year=year)
    periods = ReportingPeriod.objects.filter(plan_year=year, frequency="quarterly")
    period = periods.get(number=4)
    closed = periods.get(number=1)
    closed.state = PeriodState.CLOSED
    closed.save()
    users = {"admin": UserFactory(username="am-admin")}
    grant(users["admin"], root, "admin")
    for role in ROLES[1:]:
        users[role] = UserFactory(username=f"am-{role}")
        grant(users[role], kpp_a, role)
    maker = UserFactory(username="am-maker")  # enters the realizations, so every role may act on them
    for unit in (djp, kpp_a, kpp_b):
        grant(maker, unit, "employee")
    scopes: dict[str, dict[str, Any]] = {}
    for scope, unit in (("own", kpp_a), ("other", kpp_b), ("parent", djp)):
        unit.refresh_from_db()
        m = b.bare_map(unit, 2026, MapState.APPROVED)
        s1 = b.objective(m, "stakeholder", "S1")
        c1 = b.objective(m, "customer", "C1")
        link = b.link(c1, s1)
        theme = Theme.objects.create(map=m, code="T1", name_id="Tema")
        kpi = b.kpi(s1, "S1.1", frequency="quarterly")
        kpi2 = b.kpi(c1, "C1.1", frequency="quarterly")
        initiative = Initiative.objects.create(map=m, code="I1", name_id="Inisiatif")
        milestone = Milestone.objects.create(initiative=initiative, name="Tonggak", due_date="2026-12-31")
        risk = Risk.objects.create(objective=s1, code="R1", description="Risiko", likelihood=3, impact=3)
        realization = services.save_realization(kpi=kpi, period=period, value=D(90), by=None)
        evidence = services.add_evidence(
            realization=realization,
            upload=SimpleUploadedFile("bukti.pdf", pdf, content_type="application/pdf"),
            by=maker,
        )
        realization.refresh_from_db()
        snapshot = services.compute_scorecard(strategy_map=m, period=period)
        import_job = ImportJob.objects.create(strategy_map=m, created_by=maker, file_name="besar.csv")
        contract_job = ContractBulkJob.objects.create(unit=unit, plan_year=year, created_by=maker)
        report_job = _report_job(unit, period, maker)
        position = PositionFactory(unit=unit)
        employee = EmployeeFactory(unit=unit, position=position)
        # a draft contract of the employee holding a KPI cascaded "direct shared" from a third map KPI
        contract = contract_services.create_contract(employee=employee, plan_year=year, by=None)
        shared = b.kpi(s1, "S1.2", frequency="quarterly")
        contract_kpi = contract_services.cascade_to(
            parent=shared, contract=contract, mode="direct_shared", share=D(50), by=None
        )
        cascade_link = contract_kpi.kpi.cascaded_from
        campaign = Campaign.objects.create(unit=unit, plan_year=year, semester=1, allow_self=True)
        rater_assignment = RaterAssignment.objects.create(
            campaign=campaign, employee=employee, rater=employee, group="self"
        )
        score_record = ScoreRecord.objects.create(
            employee=employee, plan_year=year, rule_set=year.rule_set, nkp=D(80), predicate="baik"
        )
        behaviour_score = BehaviourScore.objects.create(
            employee=employee,
            period=period,
            rater=employee,
            group="self",
            **dict.fromkeys(CORE_VALUE_FIELDS, D(100)),
        )
        sentence = DisciplinarySentence.objects.create(
            employee=employee, category="light", severity=D(10), start_year=2026, start_quarter=1
        )
        correction = Correction.objects.create(employee=employee, plan_year=year, value=D(1), reason="uji")
        calibration_session = CalibrationSession.objects.create(unit=unit, plan_year=year)
        # adjusted by nobody: its author's account was deleted (`by` is SET_NULL); the pages still show it
        calibration_adjustment = CalibrationAdjustment.objects.create(
            session=calibration_session,
            employee=employee,
            record=score_record,
            original=D(80),
            adjusted=D(81),
            reason="uji",
        )
        endorsement = NkoEndorsement.objects.create(
            unit=unit,
            year=2025,
            source="entered",
            state="endorsed",
            nko=D(101),
            rule_set="kmk-467-2014",
            reason="uji",
        )
        nomination = Nomination.objects.create(
            kind="exemplary_employee",
            unit=unit,
            plan_year=year,
            employee=employee,
            score_record=score_record,
            figure_kind="nkp",
            figure=D(80),
            reason="uji",
        )
        spare = UserFactory(username=f"am-spare-{scope}")
        role = RoleAssignment.objects.create(user=spare, unit=unit, role="employee")
        # the yearly evaluation (issue 14): a round of the unit evaluating itself, one answer with evidence
        evaluation_round = evaluation.open_round(
            unit=unit,
            year=2026,
            opens_on=dt.date(2026, 4, 1),
            closes_on=dt.date(2026, 9, 30),
            units=[unit],
            by=None,
        )
        unit_evaluation = evaluation_round.evaluations.get()
        criterion_answer = CriterionAnswer(
            evaluation=unit_evaluation,
            item=evaluation_round.self_assessment.items.first(),
            explanation="Peta strategi ditetapkan.",
            evidence_name="bukti.pdf",
        )
        criterion_answer.evidence.save("bukti.pdf", SimpleUploadedFile("bukti.pdf", pdf), save=True)
        scopes[scope] = {
            "unit": unit,
            "map": m,
            "objective": s1,
            "objective2": c1,
            "link": link,
            "theme": theme,
            "kpi": kpi,
            "kpi2": kpi2,
            "initiative": initiative,
            "milestone": milestone,
            "risk": risk,
            "realization": realization,
            "evidence": evidence,
            "snapshot": snapshot,
            "import_job": import_job,
            "contract_job": contract_job,
            "report_job": report_job,
            "position": position,
            "employee": employee,
            "contract": contract,
            "contract_kpi": contract_kpi,
            "cascade": cascade_link.cascade,
            "cascade_link": cascade_link,
            "role": role,
            "period": period,
            "closed_period": closed,
            "new_nip": make_nip(),
            "campaign": campaign,
            "rater_assignment": rater_assignment,
            "calibration_session": calibration_session,
            "score_record": score_record,
            "behaviour_score": behaviour_score,
            "sentence": sentence,
            "correction": correction,
            "calibration_adjustment": calibration_adjustment,
            "evaluation_round": evaluation_round,
            "unit_evaluation": unit_evaluation,
            "criterion_answer": criterion_answer,
            "questionnaire": evaluation_round.self_assessment,
            "endorsement": endorsement,
            "nomination": nomination,
        }
        scopes[scope].update(dialogue_objects(unit, employee, period, kpi))
        scopes[scope]["org_import"] = _org_import(unit, maker)  # issue 15
        scopes[scope].update(reorganisation_objects(unit))
        scopes[scope]["password_mail_job"] = password_mail_job(unit, maker)
    return {"users": users, "scopes": scopes}


def _org_import(unit: Any, maker: Any) -> Any:
    """An organisation import made in the unit, previewed, its file gone (issue 15)."""
    from kinerja.organisations.models import OrganisationImport

    return OrganisationImport.objects.create(
        unit=unit, created_by=maker, file_name="organisasi.xlsx", sha256="0" * 64, state="previewed"
    )


def reorganisation_objects(unit: Any) -> dict[str, Any]:
    """A draft reorganisation scoped to the unit, with an empty plan (applying it is refused) (issue 15)."""
    from kinerja.organisations.models import Reorganisation

    draft = Reorganisation.objects.create(
        kind="move", effective_date=dt.date(2026, 7, 1), reason="Uji", unit=unit, plan={}
    )
    return {"reorganisation": draft}


def dialogue_objects(unit: Any, employee: Any, period: Any, kpi: Any) -> dict[str, Any]:
    """A scheduled dialogue of the unit (chaired by its employee), one agenda item on the KPI and one open action
    with an evidence file (issue 14)."""
    import datetime as dt

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from kinerja.meetings.models import Action, AgendaItem, Meeting, Participant

    meeting = Meeting.objects.create(
        unit=unit,
        period=period,
        title=f"Dialog {unit.code}",
        starts_at=timezone.make_aware(dt.datetime(2026, 12, 15, 9, 0)),
        chair=employee,
    )
    Participant.objects.create(meeting=meeting, employee=employee, role="chair")
    item = AgendaItem.objects.create(meeting=meeting, order=1, kind="red_kpi", title="IKU merah", kpi=kpi)
    action = Action.objects.create(
        unit=unit,
        meeting=meeting,
        agenda_item=item,
        description="Tindak lanjut",
        owner=employee,
        due_date=dt.date(2026, 12, 31),
    )
    action.evidence.save("bukti.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    action.evidence_name = "bukti.pdf"
    action.save()
    return {"meeting": meeting, "agenda_item": item, "action": action}


def password_mail_job(unit: Any, by: Any) -> Any:
    """A finished sending of set-your-password e-mails on the unit (issue 15)."""
    from kinerja.accounts.models import PasswordMailJob

    return PasswordMailJob.objects.create(unit=unit, created_by=by, state="done")
