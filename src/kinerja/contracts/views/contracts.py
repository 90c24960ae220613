"""Contract pages (issue 12 items 1, 2, 4, 6): the list a person may see, one contract with its KPIs, K3
preview, findings and history, and the forms that draft it (map KPIs, individual KPIs, cascading, weights,
K3 inputs), move it through its workflow and replace it after a job change.

Every write goes through `services.py` (which checks the permission and the workflow again); the views look
the object up in the user's scope (404 outside it), ask the permission (403) and turn a service's refusal
into a message on the page, changing nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kinerja.accounts.rules import CONTRACT_PLAN_ROLES
from kinerja.accounts.scope import has_any_role, paths_for
from kinerja.common import picker
from kinerja.common.web import is_htmx, object_for, require, service_errors_on
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.organisations.selectors import scoped_employees
from kinerja.planning import scoring_bridge
from kinerja.planning.kpi_selectors import suggested_trajectory
from kinerja.planning.kpi_services import MANUAL_FIELDS
from kinerja.planning.models import Kpi, Objective, PeriodTarget, PlanYear, StrategyMap, period_label

from .. import personal, selectors, services
from ..checks import findings, k3_rows
from ..forms import (
    CascadeForm,
    CommitmentForm,
    ContractCreateForm,
    ContractFilterForm,
    EditManualForm,
    EntryForm,
    IndividualKpiForm,
    MapKpiForm,
    ReasonForm,
    ReplaceForm,
    ShareForm,
    WeightForm,
)
from ..models import (
    REPORTING_CONTRACT_STATES,
    CascadeLink,
    CascadeMode,
    Contract,
    ContractKpi,
    ContractState,
)
from ..support import ancestor_paths
from ..workflow import CONTRACT_WORKFLOW

PAGE_SIZE = 25
CONTRACT_RELATED = ("employee", "position", "unit", "plan_year", "superior")
ENTRY_RELATED = (
    "kpi",
    "kpi__objective",
    "kpi__objective__map__unit",
    "kpi__cascaded_from__cascade__parent",
)
# The workflow buttons: URL action → (workflow step, needs a reason).
ACTIONS: dict[str, tuple[str, bool]] = {
    "propose": ("propose", False),
    "agree": ("agree", False),
    "return": ("return", True),
    "sign": ("sign", False),
    "revise": ("revise", True),
}
_HUNDRED = Decimal(100)


# --------------------------------------------------------------------------- lookups


def _contracts(request: HttpRequest) -> QuerySet[Contract]:
    return selectors.contracts_readable_by(request.user).select_related(*CONTRACT_RELATED)


def _contract(request: HttpRequest, pk: int, perm: str = "contracts.view_contract") -> Contract:
    """A contract in the user's scope (else 404) on which the user holds `perm` (else 403)."""
    contract = object_for(request, _contracts(request), "contracts.view_contract", pk=pk)
    if perm != "contracts.view_contract":
        require(request, perm, contract)
    return contract


def _entry(request: HttpRequest, pk: int, perm: str = "contracts.change_contract") -> ContractKpi:
    entry = object_for(
        request,
        ContractKpi.objects.filter(contract__in=selectors.contracts_readable_by(request.user)).select_related(
            *[f"contract__{name}" for name in CONTRACT_RELATED], *ENTRY_RELATED
        ),
        None,
        pk=pk,
    )
    require(request, perm, entry.contract)
    return entry


def _optional_url(name: str, *args: Any) -> str | None:
    """The URL of a route another part of the app may provide (the PDF, the personal scorecard), else None."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def _back(contract: Contract, anchor: str = "") -> HttpResponse:
    return redirect(reverse("contracts:detail", args=[contract.pk]) + anchor)


def _say_errors(request: HttpRequest, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        messages.error(request, str(error) or _("Anda tidak berwenang melakukan tindakan ini."))
        return
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- the list


def _filtered(request: HttpRequest, form: ContractFilterForm) -> QuerySet[Contract]:
    contracts = _contracts(request)
    if not form.is_valid():
        return contracts.none()
    data = form.cleaned_data
    if data.get("year") is not None:
        contracts = contracts.filter(plan_year=data["year"])
    code = (data.get("unit") or "").strip()
    if code:
        unit = Unit.objects.filter(code__iexact=code).only("path").first()
        contracts = contracts.filter(unit__path__startswith=unit.path) if unit else contracts.none()
    query = (data.get("q") or "").strip()
    if query:
        contracts = contracts.filter(
            Q(employee__name__icontains=query) | Q(employee__nip__startswith="".join(query.split()))
        )
    return contracts


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Own contracts first, then the ones the user agrees, then their roles' subtree; counts per state."""
    form = ContractFilterForm(request.GET)
    contracts = _filtered(request, form)
    counts = dict(contracts.order_by().values_list("state").annotate(n=Count("pk")))
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    if state:
        contracts = contracts.filter(state=state)
    me = getattr(request.user, "employee_id", None) or 0
    contracts = contracts.annotate(
        mine=Case(
            When(employee_id=me, then=Value(0)),
            When(superior_id=me, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("mine", "-plan_year__year", "unit__path", "employee__name", "start")
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    state_query = request.GET.copy()
    for name in ("page", "state"):
        state_query.pop(name, None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "state_query": state_query.urlencode(),
        "state": state,
        "states": [(value, label, counts.get(value, 0)) for value, label in ContractState.choices],
        "total": sum(counts.values()),
        "me": me,
        "can_create": _may_create(request),
    }
    if is_htmx(request, "contract-results"):
        return render(request, "contracts/_results.html", {**context, "oob": True})
    context["tools"] = unit_tools(request)
    return render(request, "contracts/index.html", context)


@dataclass
class UnitTools:
    """The contract pages of one unit and year the user may open from the index: the bulk creation and the
    workbook import (who plans contracts there), the workbook export, the cascading matrix and the alignment
    panel (who reads there); `units` and `years` feed the small chooser when there is more than one."""

    unit: Unit
    plan_year: PlanYear
    units: list[Unit]
    years: list[int]
    links: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, URL, a write)


def unit_tools(request: HttpRequest) -> UnitTools | None:
    """The units where the user holds a role (`?untuk_unit=<id>` picks one, else the first) and this year's
    plan year (`?tahun_unit=`, else the calendar year's, else the latest): the links the user may follow."""
    user = request.user
    units = list(Unit.objects.filter(path__in=paths_for(user), is_active=True).order_by("path"))
    years = list(PlanYear.objects.order_by("-year").values_list("year", flat=True))
    if not units or not years:
        return None
    chosen = request.GET.get("untuk_unit", "")
    unit = next((u for u in units if str(u.pk) == chosen), units[0])
    asked = request.GET.get("tahun_unit", "")
    this_year = dt.date.today().year
    year = next((y for y in years if str(y) == asked), this_year if this_year in years else years[0])
    plan_year = PlanYear.objects.get(year=year)
    tools = UnitTools(unit, plan_year, units, years)
    args = (unit.pk, year)
    if user.has_perm("contracts.add_contract", unit):
        label = (
            _("Buat kontrak tahun ini untuk unit (massal)")
            if year == this_year
            else _("Buat kontrak tahun %(year)d untuk unit (massal)") % {"year": year}
        )
        tools.links.append((label, reverse("contracts:bulk", args=args), True))
    if user.has_perm("contracts.view_contract", unit):
        tools.links.append((_("Unduh Excel"), reverse("contracts:export-xlsx", args=args), False))
    if user.has_perm("contracts.add_contract", unit):
        tools.links.append((_("Impor Excel"), reverse("contracts:import", args=args), True))
    if user.has_perm("contracts.view_cascade", unit):
        matrix = (
            reverse("contracts:matrix", args=args)
            if unit.owns_map
            else reverse("contracts:matrix-index") + f"?tahun={year}"
        )
        tools.links.append((_("Matriks cascading"), matrix, False))
        tools.links.append((_("Penyelarasan"), reverse("contracts:alignment", args=args), False))
    return tools if tools.links else None


def _may_create(request: HttpRequest) -> bool:
    return getattr(request.user, "employee_id", None) is not None or has_any_role(
        request.user, CONTRACT_PLAN_ROLES
    )


def _creatable(request: HttpRequest) -> QuerySet[Employee]:
    """Whom the user may create a contract for: the employees of their manager/administrator subtree, and
    themself."""
    employees = scoped_employees(request.user, roles=CONTRACT_PLAN_ROLES)
    own = getattr(request.user, "employee_id", None)
    if own is not None:
        employees = employees | Employee.objects.filter(pk=own)
    return employees


@login_required
def create(request: HttpRequest) -> HttpResponse:
    if not _may_create(request):
        raise PermissionDenied
    initial: dict[str, Any] = {"plan_year": PlanYear.objects.order_by("-year").first()}
    own = getattr(request.user, "employee", None) if getattr(request.user, "employee_id", None) else None
    if own is not None:
        initial["nip"] = own.nip
    if request.GET.get("nip"):
        initial["nip"] = request.GET["nip"]
    form = ContractCreateForm(request.POST or None, employees=_creatable(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        employee: Employee = form.cleaned_data["nip"]
        with service_errors_on(form):
            contract = services.create_contract(
                employee=employee, plan_year=form.cleaned_data["plan_year"], by=request.user
            )
            messages.success(
                request,
                _("Kontrak kinerja %(name)s tahun %(year)d dibuat sebagai konsep.")
                % {"name": employee.name, "year": contract.plan_year.year},
            )
            return _back(contract)
    return render(
        request,
        "contracts/form.html",
        {
            "form": form,
            "title": _("Buat kontrak kinerja"),
            "intro": _(
                "Kontrak baru berstatus konsep untuk seluruh tahun pada jabatan pegawai saat ini. Kepala unit "
                "pemilik peta strategi langsung mendapat seluruh IKU peta unitnya."
            ),
            "cancel_url": reverse("contracts:index"),
            "submit": _("Buat kontrak"),
        },
        status=400 if form.is_bound else 200,
    )


# --------------------------------------------------------------------------- one contract


def _entries(contract: Contract) -> list[ContractKpi]:
    entries = list(contract.kpis.select_related(*ENTRY_RELATED).order_by("order", "pk"))
    contract._entries = entries  # type: ignore[attr-defined]  # what checks.findings/k3_rows read
    return entries


def _children(entries: list[ContractKpi], user: Any) -> dict[int, list[dict[str, Any]]]:
    """Per parent KPI held by the contract: its children (the cascade's links) with the contract holding each."""
    links = list(
        CascadeLink.objects.filter(cascade__parent_id__in=[e.kpi_id for e in entries]).select_related(
            "cascade", "child", "child__holder"
        )
    )
    holders: dict[int, ContractKpi] = {}
    for child_entry in ContractKpi.objects.filter(
        kpi_id__in=[link.child_id for link in links]
    ).select_related("contract__employee"):
        holders.setdefault(child_entry.kpi_id, child_entry)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        held = holders.get(link.child_id)
        out[link.cascade.parent_id].append(
            {
                "link": link,
                "contract": held.contract if held else None,
                "editable": bool(
                    held
                    and held.contract.state == ContractState.DRAFT
                    and user.has_perm("contracts.change_contract", held.contract)
                ),
            }
        )
    return out


def _superior_kpis(contract: Contract, entries: list[ContractKpi]) -> list[ContractKpi]:
    """The KPIs of the superior's contract for the year that may still come down to this contract."""
    if contract.superior_id is None:
        return []
    parent = (
        Contract.objects.filter(employee_id=contract.superior_id, plan_year_id=contract.plan_year_id)
        .exclude(state=ContractState.ENDED)
        .order_by("-start")
        .first()
    )
    if parent is None:
        return []
    here = {e.kpi.cascaded_from.cascade.parent_id for e in entries if _link_of(e) is not None}
    return [
        e
        for e in parent.kpis.select_related("kpi", "kpi__cascade", "contract").order_by("order", "pk")
        if e.kpi_id not in here and getattr(getattr(e.kpi, "cascade", None), "mode", "") != CascadeMode.NONE
    ]


def _link_of(entry: ContractKpi) -> CascadeLink | None:
    try:
        return entry.kpi.cascaded_from
    except CascadeLink.DoesNotExist:
        return None


def _holder_map_kpis(contract: Contract, entries: list[ContractKpi]) -> QuerySet[Kpi]:
    strategy_map = services.holder_map(contract)
    if strategy_map is None:
        return Kpi.objects.none()
    return (
        Kpi.objects.filter(objective__map=strategy_map)
        .exclude(pk__in=[e.kpi_id for e in entries])
        .order_by("objective__code", "code")
    )


def _detail_context(request: HttpRequest, contract: Contract, **extra: Any) -> dict[str, Any]:
    entries = _entries(contract)
    allowed = CONTRACT_WORKFLOW.allowed(contract, request.user)
    can_change = allowed.get("change", False)
    k3 = k3_rows(contract)
    k3_by_entry = {row.entry.pk: row for row in k3} if k3 is not None else {}
    children = _children(entries, request.user)
    weights = [e.weight for e in entries]
    total = sum((w for w in weights if w is not None), Decimal(0))
    live: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    if contract.state not in (ContractState.SIGNED, ContractState.ENDED):
        for kpi_id, period, value in (
            PeriodTarget.objects.filter(kpi_id__in=[e.kpi_id for e in entries])
            .order_by("period")
            .values_list("kpi_id", "period", "target")
        ):
            live[kpi_id].append((period, value))
    rows = []
    for entry in entries:
        link = _link_of(entry)
        rows.append(
            {
                "entry": entry,
                "link": link,
                "k3": k3_by_entry.get(entry.pk),
                "children": children.get(entry.kpi_id, []),
                "direct_full": link is not None and link.cascade.mode == CascadeMode.DIRECT_FULL,
                "trajectory": _trajectory_of(entry, live),
            }
        )
    replaced_by = Contract.objects.filter(replaces=contract).select_related("employee").first()
    map_kpis = _holder_map_kpis(contract, entries) if can_change else Kpi.objects.none()
    context = {
        "contract": contract,
        "rows": rows,
        "entries": entries,
        "findings": findings(contract),
        "k3": k3,
        "allowed": allowed,
        "can_change": can_change,
        "can_replace": contract.state != ContractState.ENDED
        and replaced_by is None
        and request.user.has_perm("contracts.revise_contract", contract),
        "can_cascade": request.user.has_perm("contracts.manage_cascade", contract)
        or any(request.user.has_perm("contracts.manage_cascade", e.kpi) for e in entries if e.kpi.holder_id),
        "weight_total": total,
        "weights_missing": any(w is None for w in weights),
        "weights_ok": bool(entries) and all(w is not None for w in weights) and total == _HUNDRED,
        "events": contract.events.select_related("by").order_by("-at", "-pk")[:50],
        "replaced_by": replaced_by,
        "replaces": Contract.objects.filter(pk=contract.replaces_id).select_related("employee").first()
        if contract.replaces_id
        else None,
        "document_url": _optional_url("contracts:document", contract.pk),
        **_cascade_links(request, contract),
        "personal_url": _personal_url(request, contract),
        "commitment_form": CommitmentForm(instance=contract) if can_change else None,
        "reason_form": ReasonForm(),
        "map_kpi_form": MapKpiForm(kpis=map_kpis) if map_kpis.exists() else None,
        "superior_kpis": _superior_kpis(contract, entries) if can_change else [],
        "rule_set": contract.plan_year.rule_set,
    }
    context.update(extra)
    return context


def _cascade_links(request: HttpRequest, contract: Contract) -> dict[str, str | None]:
    """The contract's PDF in each language, the alignment panel of its unit and the cascading matrix it sits in
    (its nearest map owner's), each when the user may open it."""
    document = _optional_url("contracts:document", contract.pk)
    year = contract.plan_year.year
    user = request.user
    owner = (
        Unit.objects.filter(path__in=[*ancestor_paths(contract.unit.path), contract.unit.path], owns_map=True)
        .order_by("-depth")
        .first()
    )
    return {
        "document_url_id": f"{document}?lang=id" if document else None,
        "document_url_en": f"{document}?lang=en" if document else None,
        "alignment_url": reverse("contracts:alignment", args=[contract.unit_id, year])
        if user.has_perm("contracts.view_cascade", contract.unit)
        else None,
        "matrix_url": reverse("contracts:matrix", args=[owner.pk, year])
        if owner is not None and user.has_perm("contracts.view_cascade", owner)
        else None,
    }


def _personal_url(request: HttpRequest, contract: Contract) -> str | None:
    """The holder's personal scorecard, opened on the contract's latest period, once the contract is signed and
    when the user may see it."""
    if contract.state not in REPORTING_CONTRACT_STATES or not personal.may_view(
        request.user, contract.employee
    ):
        return None
    found = personal.contract_period(contract)
    return reverse("contracts:personal", args=[contract.employee_id, found.pk]) if found is not None else None


def _trajectory_of(entry: ContractKpi, live: dict[int, list[tuple[int, Decimal]]]) -> list[tuple[str, Any]]:
    """The trajectory as signed (frozen in the contract), else the KPI's current one: (period label, value)."""
    frequency = entry.kpi.frequency
    if entry.trajectory:
        pairs = sorted(((int(p), Decimal(v)) for p, v in entry.trajectory.items()), key=lambda pv: pv[0])
    else:
        pairs = live.get(entry.kpi_id, [])
    return [(period_label(frequency, period), value) for period, value in pairs]


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The contract; a POST saves the commitment statement (while a draft)."""
    contract = _contract(request, pk)
    if request.method == "POST":
        require(request, "contracts.change_contract", contract)
        form = CommitmentForm(request.POST, instance=Contract.objects.get(pk=contract.pk))
        if form.is_valid():
            try:
                services.update_contract(
                    contract=contract, commitment=form.cleaned_data["commitment"], by=request.user
                )
            except ValidationError as error:
                _say_errors(request, error)
                contract.refresh_from_db()
                context = _detail_context(request, contract)
                if context["commitment_form"] is not None:
                    context["commitment_form"] = form
                    form.add_error("commitment", error.messages)
                return render(request, "contracts/detail.html", context, status=400)
            messages.success(request, _("Pernyataan kesanggupan disimpan."))
            return _back(contract, "#komitmen")
        context = _detail_context(request, contract, commitment_form=form)
        return render(request, "contracts/detail.html", context, status=400)
    return render(request, "contracts/detail.html", _detail_context(request, contract))


# --------------------------------------------------------------------------- the workflow


@login_required
@require_POST
def action(request: HttpRequest, pk: int | str, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    step, needs_reason = ACTIONS[action]
    contract = _contract(request, int(pk), CONTRACT_WORKFLOW.step(step).perm)
    form = ReasonForm(request.POST)
    reason = request.POST.get("reason", "")
    try:
        if action == "propose":
            services.propose(contract=contract, by=request.user)
            messages.success(request, _("Kontrak diajukan kepada atasan untuk disetujui."))
        elif action == "agree":
            services.agree(contract=contract, by=request.user)
            messages.success(request, _("Kontrak disetujui; pemegang kontrak dapat menandatanganinya."))
        elif action == "return":
            services.return_to_draft(contract=contract, by=request.user, reason=reason)
            messages.success(request, _("Kontrak dikembalikan menjadi konsep untuk diperbaiki."))
        elif action == "sign":
            services.sign(contract=contract, by=request.user)
            messages.success(
                request, _("Kontrak ditandatangani; target dan target per periode kini dibekukan.")
            )
        else:
            services.revise(contract=contract, by=request.user, reason=reason)
            messages.success(request, _("Revisi kontrak dimulai; kontrak kembali menjadi konsep."))
    except ValidationError as error:
        if needs_reason and not form.is_valid():
            contract.refresh_from_db()
            context = _detail_context(request, contract, reason_form=form, open_reason=action)
            return render(request, "contracts/detail.html", context, status=400)
        contract.refresh_from_db()
        context = _detail_context(request, contract, action_errors=error.messages)
        return render(request, "contracts/detail.html", context, status=400)
    return _back(contract)


# --------------------------------------------------------------------------- KPIs of the contract


def _form_page(
    request: HttpRequest,
    contract: Contract,
    form: Any,
    title: str,
    *,
    template: str = "contracts/form.html",
    status: int | None = None,
    **extra: Any,
) -> HttpResponse:
    context = {
        "form": form,
        "contract": contract,
        "title": title,
        "cancel_url": reverse("contracts:detail", args=[contract.pk]) + "#iku",
        **extra,
    }
    return render(request, template, context, status=status or (400 if form.is_bound else 200))


@login_required
def kpi_add_map(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "contracts.change_contract")
    entries = list(contract.kpis.all())
    form = MapKpiForm(request.POST or None, kpis=_holder_map_kpis(contract, entries))
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            entry = services.add_map_kpi(
                contract=contract,
                kpi=form.cleaned_data["kpi"],
                weight=form.cleaned_data["weight"],
                by=request.user,
            )
            messages.success(request, _("IKU %(code)s ditambahkan ke kontrak.") % {"code": entry.kpi.code})
            return _back(contract, "#iku")
    return _form_page(
        request,
        contract,
        form,
        _("Tambah IKU peta strategi"),
        intro=None
        if services.holder_map(contract)
        else _(
            "Pemegang kontrak ini bukan kepala unit pemilik peta strategi; tambahkan IKI atau IKU turunan."
        ),
    )


def _iki_objectives(contract: Contract) -> QuerySet[Objective]:
    """The SS an individual KPI may support: those of the maps of the holder's unit and the units above it
    for the year."""
    path = contract.unit.path
    ancestors = [path[:n] for n in range(Unit.steplen, len(path) + 1, Unit.steplen)]
    maps = StrategyMap.objects.filter(plan_year_id=contract.plan_year_id, unit__path__in=ancestors)
    return (
        Objective.objects.filter(map__in=maps)
        .select_related("map__unit")
        .order_by("-map__unit__depth", "perspective__order", "code")
    )


@login_required
def kpi_add_individual(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "contracts.change_contract")
    objectives = _iki_objectives(contract)
    if not objectives.exists():
        messages.error(
            request,
            _(
                "Belum ada peta strategi tahun %(year)d pada unit ini atau unit di atasnya; IKI harus mendukung "
                "sebuah SS."
            )
            % {"year": contract.plan_year.year},
        )
        return _back(contract, "#iku")
    form = IndividualKpiForm(request.POST or None, contract=contract, objectives=objectives)
    if request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            entry = services.add_individual_kpi(
                contract=contract,
                objective=form.cleaned_data["supports"],
                code=form.cleaned_data["code"],
                fields=form.manual_fields(),
                trajectory=form.cleaned_data.get("trajectory"),
                entry_fields={"weight": form.cleaned_data.get("contract_weight")},
                by=request.user,
            )
            messages.success(request, _("IKI %(code)s ditambahkan ke kontrak.") % {"code": entry.kpi.code})
            return _back(contract, f"#kpi-{entry.pk}")
    return _form_page(
        request,
        contract,
        form,
        _("Tambah IKI (indikator kinerja individu)"),
        template="contracts/kpi_form.html",
    )


def _table_response(request: HttpRequest, contract: Contract, status: int = 200) -> HttpResponse:
    """htmx: the KPI table again (weights and their total, K3) with the findings panel out of band."""
    contract.refresh_from_db()
    context = _detail_context(request, contract)
    return render(request, "contracts/_kpi_table.html", {**context, "oob": True}, status=status)


@login_required
def kpi_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A contract KPI: its weight (also typed in the table, htmx), its K3 inputs, its year target when the
    holder sets it, and the manual of an IKI or an indirect child."""
    entry = _entry(request, pk)
    contract = entry.contract
    link = _link_of(entry)
    direct_full = link is not None and link.cascade.mode == CascadeMode.DIRECT_FULL
    own_manual = entry.kpi.holder_id is not None and not direct_full
    shared = link is not None and link.cascade.mode == CascadeMode.DIRECT_SHARED
    part = request.POST.get("part", "entry") if request.method == "POST" else ""
    entry_form = EntryForm(request.POST if part == "entry" else None, instance=entry, target_editable=False)
    manual_form = (
        EditManualForm(
            request.POST if part == "manual" else None,
            instance=entry.kpi,
            contract=contract,
            objectives=Objective.objects.filter(pk=entry.kpi.objective_id).select_related("map__unit"),
            objective=entry.kpi.objective,
        )
        if own_manual and not shared
        else None
    )
    if part == "weight":
        form = WeightForm(request.POST)
        ok = form.is_valid()
        if ok:
            try:
                services.update_contract_kpi(
                    entry=entry, fields={"weight": form.cleaned_data["weight"]}, by=request.user
                )
            except ValidationError as error:
                ok = False
                for message in error.messages:
                    form.add_error("weight", message)
        if is_htmx(request):
            return _table_response(request, contract) if ok else _weight_error(request, entry, form)
        if ok:
            messages.success(request, _("Bobot IKU %(code)s disimpan.") % {"code": entry.kpi.code})
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"{entry.kpi.code}: {text}")
        return _back(contract, "#iku")
    if part == "entry" and entry_form.is_valid():
        fields = {name: entry_form.cleaned_data[name] for name in entry_form.fields}
        with service_errors_on(entry_form):
            services.update_contract_kpi(entry=entry, fields=fields, by=request.user)
            messages.success(request, _("IKU %(code)s dalam kontrak disimpan.") % {"code": entry.kpi.code})
            return _back(contract, f"#kpi-{entry.pk}")
    if part == "manual" and manual_form is not None and manual_form.is_valid():
        fields = manual_form.manual_fields()
        fields.pop("weight", None)
        with service_errors_on(manual_form):
            services.update_individual_kpi(
                entry=entry,
                fields=fields,
                trajectory=manual_form.cleaned_data.get("trajectory"),
                by=request.user,
            )
            messages.success(request, _("Manual IKI %(code)s disimpan.") % {"code": entry.kpi.code})
            return _back(contract, f"#kpi-{entry.pk}")
    bound = (part == "entry" and entry_form.is_bound) or (part == "manual" and manual_form is not None)
    return render(
        request,
        "contracts/kpi_edit.html",
        {
            "contract": contract,
            "entry": entry,
            "link": link,
            "direct_full": direct_full,
            "shared": shared,
            "entry_form": entry_form,
            "manual_form": manual_form,
            "form": manual_form,
            "share_form": ShareForm(initial={"share": link.share})
            if shared and link and request.user.has_perm("contracts.manage_cascade", link.cascade.parent)
            else None,
            "title": _("IKU %(code)s dalam kontrak") % {"code": entry.kpi.code},
            "cancel_url": reverse("contracts:detail", args=[contract.pk]) + f"#kpi-{entry.pk}",
        },
        status=400 if bound else 200,
    )


def _weight_error(request: HttpRequest, entry: ContractKpi, form: WeightForm) -> HttpResponse:
    """htmx: a weight refused — the row's message, swapped in place of the row's error slot."""
    response = render(request, "contracts/_weight_error.html", {"entry": entry, "form": form}, status=200)
    response["HX-Retarget"] = f"#weight-error-{entry.pk}"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
@require_POST
def kpi_remove(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _entry(request, pk)
    contract = entry.contract
    code = entry.kpi.code
    try:
        services.remove_contract_kpi(entry=entry, by=request.user)
    except ValidationError as error:
        _say_errors(request, error)
        return _back(contract, "#iku")
    messages.success(request, _("IKU %(code)s dikeluarkan dari kontrak.") % {"code": code})
    return _back(contract, "#iku")


# --------------------------------------------------------------------------- cascading


def _child_candidates(parent: Contract, only: Contract | None) -> list[Contract]:
    """The subordinates' contracts of the year a KPI of `parent` may go down to: those the holder of `parent`
    agrees, or held in a position directly under `parent`'s."""
    if only is not None:
        return [only]
    return list(
        Contract.objects.filter(plan_year_id=parent.plan_year_id)
        .filter(Q(superior_id=parent.employee_id) | Q(position__superior_id=parent.position_id))
        .exclude(pk=parent.pk)
        .exclude(employee_id=parent.employee_id)
        .exclude(state=ContractState.ENDED)
        .select_related("employee", "position", "unit")
        .order_by("unit__path", "employee__name")
    )


def _cascade_source(request: HttpRequest, pk: int) -> tuple[ContractKpi, Contract | None]:
    """The parent KPI (an entry of the superior's contract) and, from the child's side, the one contract it goes
    to. Visible when the user sees the parent contract, or may change the child contract that parent agrees."""
    entry = (
        ContractKpi.objects.select_related(
            *[f"contract__{n}" for n in CONTRACT_RELATED], "kpi", "kpi__objective"
        )
        .filter(pk=pk)
        .first()
    )
    if entry is None:
        raise Http404
    only: Contract | None = None
    to = request.GET.get("ke") or request.POST.get("ke")
    if to:
        if not str(to).isdigit():
            raise Http404
        only = _contracts(request).filter(pk=int(to)).first()
        if only is None or only.superior_id != entry.contract.employee_id:
            raise Http404
    sees_parent = request.user.has_perm("contracts.view_contract", entry.contract)
    if not sees_parent and not (only and request.user.has_perm("contracts.change_contract", only)):
        raise Http404
    if not (
        request.user.has_perm("contracts.manage_cascade", entry.kpi)
        or (only is not None and request.user.has_perm("contracts.change_contract", only))
    ):
        raise PermissionDenied
    return entry, only


def _indirect_fields(parent: Kpi, name: str, target: Decimal, position: Position) -> dict[str, Any]:
    """An indirect child's own manual: the parent's as a start, with its own name and target (editable after)."""
    fields = {field: getattr(parent, field) for field in MANUAL_FIELDS}
    fields.update(
        name_id=name,
        name_en="",
        target=target,
        target_low=None,
        target_high=None,
        weight=None,
        owner_position=position,
        owner_text="",
    )
    return fields


@login_required
def cascade(request: HttpRequest, pk: int) -> HttpResponse:
    """One KPI of a contract down to several subordinates' contracts at once (or, from the child's side, to one)."""
    source, only = _cascade_source(request, pk)
    parent = source.kpi
    existing = getattr(parent, "cascade", None)
    children = _child_candidates(source.contract, only)
    initial = {"mode": existing.mode if existing is not None else CascadeMode.DIRECT_FULL}
    for child in children:
        initial[f"to_{child.pk}"] = only is not None
    holding = frozenset(
        ContractKpi.objects.filter(
            kpi__cascaded_from__cascade__parent=parent, contract__in=[c.pk for c in children]
        ).values_list("contract_id", flat=True)
    )
    form = CascadeForm(
        request.POST or None, children=children, parent=parent, holding=holding, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        mode = form.cleaned_data["mode"]
        try:
            with transaction.atomic():
                done = []
                for child in form.cleaned_data["chosen"]:
                    kwargs: dict[str, Any] = {}
                    if mode == CascadeMode.DIRECT_SHARED:
                        kwargs["share"] = form.cleaned_data[f"share_{child.pk}"]
                    elif mode == CascadeMode.INDIRECT:
                        target = form.cleaned_data[f"target_{child.pk}"]
                        kwargs["code"] = form.cleaned_data[f"code_{child.pk}"]
                        kwargs["fields"] = _indirect_fields(
                            parent, form.cleaned_data[f"name_{child.pk}"], target, child.position
                        )
                        kwargs["trajectory"] = (
                            suggested_trajectory(
                                frequency=parent.frequency, consolidation=parent.consolidation, target=target
                            )
                            or None
                        )
                    services.cascade_to(parent=parent, contract=child, mode=mode, by=request.user, **kwargs)
                    done.append(child.employee.name)
        except (ValidationError, PermissionDenied) as error:
            texts = (
                error.messages
                if isinstance(error, ValidationError)
                else [str(error) or _("Anda tidak berwenang menurunkan IKU ini.")]
            )
            for text in texts:
                form.add_error(None, text)
        else:
            messages.success(
                request,
                _("IKU %(code)s diturunkan ke: %(names)s.") % {"code": parent.code, "names": ", ".join(done)},
            )
            return _back(only or source.contract, "#iku")
    return render(
        request,
        "contracts/cascade.html",
        {
            "form": form,
            "source": source,
            "parent": parent,
            "existing": existing,
            "only": only,
            "contract": only or source.contract,
            "title": _("Turunkan IKU %(code)s") % {"code": parent.code},
            "cancel_url": reverse("contracts:detail", args=[(only or source.contract).pk]) + "#iku",
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def share(request: HttpRequest, pk: int) -> HttpResponse:
    """A direct-shared child's share of the parent's target (`services.set_share`)."""
    readable = selectors.contracts_readable_by(request.user)
    link = object_for(
        request,
        CascadeLink.objects.filter(
            Q(child__contract_entries__contract__in=readable)
            | Q(cascade__parent__contract_entries__contract__in=readable)
        )
        .select_related("cascade__parent", "child")
        .distinct(),
        None,
        pk=pk,
    )
    held = (
        Contract.objects.filter(kpis__kpi=link.child)
        .select_related(*CONTRACT_RELATED)
        .order_by("-start")
        .first()
    )
    if held is None:
        raise Http404
    require(request, "contracts.change_contract", held)
    back = request.POST.get("next", "")
    target = held
    if back.isdigit():
        target = _contracts(request).filter(pk=int(back)).first() or held
    form = ShareForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"{link.child.code}: {message}")
        return _back(target, "#iku")
    try:
        services.set_share(link=link, share=form.cleaned_data["share"], by=request.user)
    except (ValidationError, PermissionDenied) as error:
        _say_errors(request, error)
        return _back(target, "#iku")
    messages.success(
        request,
        _("Porsi target IKU %(code)s untuk %(name)s disimpan.")
        % {"code": link.child.code, "name": held.employee.name},
    )
    return _back(target, "#iku")


# --------------------------------------------------------------------------- replacement (rules 16–17)


@login_required
def replace(request: HttpRequest, pk: int) -> HttpResponse:
    contract = _contract(request, pk, "contracts.revise_contract")
    # the new position: a picker over the holder's current position and the contract's unit subtree
    form = ReplaceForm(request.POST or None, user=request.user, contract=contract)
    days = scoring_bridge.replacement_working_days(contract.plan_year.rule_set)
    if request.method == "POST" and picker.searching(request.POST):
        form.errors.clear()  # a position search without JavaScript: show the matches, save nothing
    elif request.method == "POST" and form.is_valid():
        with service_errors_on(form):
            new = services.replace_contract(
                contract=contract,
                change_date=form.cleaned_data["change_date"],
                position=form.cleaned_data.get("position"),
                copy_kpis=form.cleaned_data["copy_kpis"],
                by=request.user,
            )
            messages.success(
                request,
                _("Kontrak pengganti dibuat; tandatangani paling lambat %(date)s (aturan 17).")
                % {"date": new.deadline.isoformat() if new.deadline else "—"},
            )
            return _back(new)
    return _form_page(
        request,
        contract,
        form,
        _("Kontrak pengganti karena perpindahan jabatan"),
        template="contracts/replace.html",
        days=days,
    )
