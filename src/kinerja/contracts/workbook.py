"""Contracts of a unit's subtree for a year as an Excel workbook, out and back in (issue 12 item 10).

Two sheets, a row per contract and a row per contract KPI:

* `kontrak`: `nip`, `nama`, `kode_jabatan`, `mulai`, `selesai`, `status`, `nip_atasan`;
* `iku`: `nip`, `mulai_kontrak` (which of the holder's contracts, when there are two), `kode_iku`, `asal`
  (map / cascaded / individual), `kode_ss`, `kode_iku_induk`, `nama`, `polaritas`, `konsolidasi`,
  `frekuensi`, `validitas`, `keterkendalian`, `bobot`, `target`, `p1`…`p12` (the trajectory), `jenis_k3`,
  `target_tetap`, `target_tahun_lalu`, `realisasi_tahun_lalu`.

`import_contracts` reads such a workbook (within the upload limits, `kinerja.common.uploads`), checks every
cell and row, and lists every problem with its sheet, row and column (`interchange.md`: the header is row 1)
— and then writes nothing. Otherwise it creates the new contracts (drafts) and KPIs and updates what changed,
in one transaction, with bulk writes and their history rows. A row that would change a contract no longer in
draft is refused (rule 19: a signed contract changes only through a revision); a row equal to what is stored
changes nothing, so a workbook exported and imported again writes nothing.

What an import may change: a contract's dates and superior; a contract KPI's weight, target and K3 inputs;
the manual and trajectory of the holder's own individual KPIs. It may add the holder's map KPIs and new
individual KPIs (on an SS of the nearest map above the holder). It does not cascade (that goes through the
cascade pages) nor remove KPIs a workbook leaves out. The rules the proposal checks (rules 6, 9, 11–13) are
checked there, as for a contract drafted on the pages.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from kinerja.accounts.rules import ensure
from kinerja.common import uploads
from kinerja.common.history import Actor
from kinerja.interchange.cells import YES_NO, CellError, NumberStyle, name_key, parse_decimal
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import open_workbook, source_name, write_xlsx_sheets, xlsx_sheet
from kinerja.organisations.models import Employee, Position, Unit
from kinerja.planning.models import (
    PERIODS_PER_YEAR,
    ConsolidationChoice,
    ControllabilityChoice,
    Frequency,
    Kpi,
    Objective,
    PeriodTarget,
    PlanYear,
    PolarityChoice,
    StrategyMap,
    ValidityChoice,
)

from .models import (
    EDITABLE_CONTRACT_STATES,
    CascadeLink,
    CascadeMode,
    Contract,
    ContractKpi,
    ContractKpiSource,
    ContractState,
    KpiKind,
)
from .selectors import contract_scope
from .services import default_commitment, default_deadline, year_bounds

CONTRACT_SHEET = "kontrak"
KPI_SHEET = "iku"
CONTRACT_COLUMNS = ("nip", "nama", "kode_jabatan", "mulai", "selesai", "status", "nip_atasan")
PERIOD_COLUMNS = tuple(f"p{i}" for i in range(1, 13))
KPI_COLUMNS = (
    "nip",
    "mulai_kontrak",
    "kode_iku",
    "asal",
    "kode_ss",
    "kode_iku_induk",
    "nama",
    "polaritas",
    "konsolidasi",
    "frekuensi",
    "validitas",
    "keterkendalian",
    "bobot",
    "target",
    *PERIOD_COLUMNS,
    "jenis_k3",
    "target_tetap",
    "target_tahun_lalu",
    "realisasi_tahun_lalu",
)
# manual columns of an individual KPI: column → Kpi field
MANUAL_COLUMNS = {
    "nama": "name_id",
    "polaritas": "polarity",
    "konsolidasi": "consolidation",
    "frekuensi": "frequency",
    "validitas": "validity",
    "keterkendalian": "controllability",
}
CHOICES: dict[str, Any] = {
    "asal": ContractKpiSource,
    "polaritas": PolarityChoice,
    "konsolidasi": ConsolidationChoice,
    "frekuensi": Frequency,
    "validitas": ValidityChoice,
    "keterkendalian": ControllabilityChoice,
    "jenis_k3": KpiKind,
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --------------------------------------------------------------------------- export


def _contracts(unit: Unit, plan_year: PlanYear, by: Actor) -> Any:
    found = Contract.objects.filter(plan_year=plan_year, unit__path__startswith=unit.path)
    if by is not None:
        found = found.filter(contract_scope(by))  # type: ignore[arg-type]
    return found


def _trajectories(kpi_ids: Iterable[int]) -> dict[int, list[Decimal]]:
    found: dict[int, list[Decimal]] = defaultdict(list)
    for kpi_id, target in (
        PeriodTarget.objects.filter(kpi_id__in=list(kpi_ids))
        .order_by("kpi_id", "period")
        .values_list("kpi_id", "target")
    ):
        found[kpi_id].append(target)
    return found


def _signed_trajectory(entry: ContractKpi) -> list[Decimal] | None:
    if not entry.trajectory:
        return None
    return [Decimal(entry.trajectory[k]) for k in sorted(entry.trajectory, key=int)]


def _parents(kpi_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """{child KPI: (parent code, cascade mode)}."""
    return {
        child: (code, mode)
        for child, code, mode in CascadeLink.objects.filter(child_id__in=list(kpi_ids)).values_list(
            "child_id", "cascade__parent__code", "cascade__mode"
        )
    }


def export_contracts(unit: Unit, plan_year: PlanYear, by: Actor) -> bytes:
    """The workbook of the contracts of `unit`'s subtree for `plan_year` that `by` may read."""
    ensure(by, "contracts.view_contract", unit)
    contracts = list(
        _contracts(unit, plan_year, by)
        .select_related("employee", "position", "superior")
        .order_by("unit__path", "employee__name", "start", "pk")
    )
    entries = list(
        ContractKpi.objects.filter(contract__in=[c.pk for c in contracts])
        .select_related("kpi", "kpi__objective", "contract__employee")
        .order_by("contract__unit__path", "contract__employee__name", "contract__start", "order", "pk")
    )
    kpi_ids = {e.kpi_id for e in entries}
    trajectories = _trajectories(kpi_ids)
    parents = _parents(kpi_ids)
    contract_rows = [
        (
            c.employee.nip,
            c.employee.name,
            c.position.code,
            c.start.isoformat(),
            c.end.isoformat(),
            c.state,
            c.superior.nip if c.superior is not None else "",
        )
        for c in contracts
    ]
    kpi_rows = []
    for e in entries:
        kpi = e.kpi
        trajectory = _signed_trajectory(e) or trajectories.get(kpi.pk, [])
        periods = [trajectory[i] if i < len(trajectory) else None for i in range(12)]
        kpi_rows.append(
            (
                e.contract.employee.nip,
                e.contract.start.isoformat(),
                kpi.code,
                e.source,
                kpi.objective.code,
                parents.get(kpi.pk, ("", ""))[0],
                kpi.name_id,
                kpi.polarity,
                kpi.consolidation,
                kpi.frequency,
                kpi.validity,
                kpi.controllability,
                e.weight,
                e.target,
                *periods,
                e.kind,
                "ya" if e.fixed_target else "tidak",
                e.target_prev,
                e.realization_prev,
            )
        )
    out = io.BytesIO()
    write_xlsx_sheets(
        out, [(CONTRACT_SHEET, CONTRACT_COLUMNS, contract_rows), (KPI_SHEET, KPI_COLUMNS, kpi_rows)]
    )
    return out.getvalue()


def file_name(unit: Unit, plan_year: PlanYear) -> str:
    return f"kontrak-{unit.code}-{plan_year.year}.xlsx"


# --------------------------------------------------------------------------- import: reading


@dataclass(frozen=True)
class WorkbookProblem:
    """A problem of the workbook: its sheet, row (as the spreadsheet numbers it) and column, when known."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        place = [p for p in (self.sheet, _("baris %d") % self.row if self.row else None) if p]
        if self.column:
            place.append(_("kolom %s") % self.column)
        return f"{' '.join(place[:2])}{', ' + place[2] if len(place) > 2 else ''}: {self.message}"


@dataclass
class ImportResult:
    """What an import found and did; nothing is written when `problems` is not empty, nor on a dry run."""

    contracts_new: int = 0
    contracts_changed: int = 0
    kpis_new: int = 0
    kpis_changed: int = 0
    unchanged: int = 0
    problems: list[WorkbookProblem] = field(default_factory=list)
    dry_run: bool = False
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class _Row:
    sheet: str
    number: int
    values: dict[str, str]


class _Reader:
    """Cells of one sheet's rows → values, each refusal a problem naming sheet, row and column."""

    def __init__(self, problems: list[WorkbookProblem]) -> None:
        self.problems = problems

    def fail(self, row: _Row, column: str | None, message: str) -> None:
        self.problems.append(WorkbookProblem(row.sheet, row.number, column, message))

    def text(self, row: _Row, column: str, *, required: bool = False) -> str:
        value = row.values.get(column, "").strip()
        if required and not value:
            self.fail(row, column, _("wajib diisi"))
        return value

    def number(
        self, row: _Row, column: str, *, minimum: int | None = None, maximum: int | None = None
    ) -> Any:
        raw = row.values.get(column, "")
        try:
            value = parse_decimal(
                raw, style=NumberStyle.FILE, max_digits=24, decimal_places=6, min_value=minimum
            )
        except CellError as error:
            self.fail(row, column, _cell_message(error))
            return _BAD
        if value is not None and maximum is not None and value > maximum:
            self.fail(row, column, _("%(value)s lebih dari %(max)s") % {"value": raw.strip(), "max": maximum})
            return _BAD
        return value

    def date(self, row: _Row, column: str) -> Any:
        raw = row.values.get(column, "").strip()
        if not raw:
            self.fail(row, column, _("wajib diisi"))
            return _BAD
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            self.fail(row, column, _("%(value)s bukan tanggal (tttt-bb-hh)") % {"value": raw})
            return _BAD

    def choice(self, row: _Row, column: str, *, required: bool = True) -> Any:
        raw = row.values.get(column, "").strip()
        if not raw:
            if required:
                self.fail(row, column, _("wajib diisi"))
                return _BAD
            return None
        options = CHOICES[column]
        wanted = raw.lower()
        for value, label in options.choices:
            if wanted in (str(value).lower(), str(label).lower()):
                return value
        self.fail(
            row,
            column,
            _("%(value)s bukan salah satu dari: %(options)s")
            % {"value": raw, "options": ", ".join(str(v) for v in options.values)},
        )
        return _BAD

    def flag(self, row: _Row, column: str) -> Any:
        raw = row.values.get(column, "")
        try:
            found = YES_NO.parse(raw)
        except CellError:
            self.fail(row, column, _("%(value)s bukan ya/tidak") % {"value": raw.strip()})
            return _BAD
        return found == "yes"


class _Bad:
    """A cell already reported as a problem."""

    def __repr__(self) -> str:
        return "<bad>"


_BAD: Any = _Bad()


def _cell_message(error: CellError) -> str:
    from django.utils import translation

    lang = "id" if (translation.get_language() or "id").startswith("id") else "en"
    return error.message(lang)  # type: ignore[arg-type]


def _rows(
    workbook: Any,
    label: str,
    name: str,
    columns: Sequence[str],
    problems: list[WorkbookProblem],
    max_rows: int | None,
) -> list[_Row]:
    sheets = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    worksheet = sheets.get(name)
    if worksheet is None:
        problems.append(WorkbookProblem(name, None, None, _("lembar %(sheet)s tidak ada") % {"sheet": name}))
        return []
    sheet = xlsx_sheet(worksheet, label, name, max_rows=max_rows)
    header = [name_key(h) for h in sheet.header]
    missing = [c for c in columns if c not in header and c not in PERIOD_COLUMNS]
    for column in missing:
        problems.append(WorkbookProblem(name, 1, column, _("kolom tidak ada")))
    if missing:
        return []
    at = {c: header.index(c) for c in columns if c in header}
    rows = []
    for number, cells in enumerate(sheet.records, start=2):
        if not any(c.strip() for c in cells):
            continue
        rows.append(_Row(name, number, {c: (cells[i] if i < len(cells) else "") for c, i in at.items()}))
    return rows


# --------------------------------------------------------------------------- import: checking and writing


@dataclass
class _Plan:
    new_contracts: list[Contract] = field(default_factory=list)
    changed_contracts: list[Contract] = field(default_factory=list)
    new_kpis: list[tuple[Kpi, list[Decimal]]] = field(default_factory=list)
    changed_kpis: list[Kpi] = field(default_factory=list)
    trajectories: dict[int, list[Decimal]] = field(default_factory=dict)  # changed KPI → its new trajectory
    new_entries: list[tuple[ContractKpi, Contract, Kpi | None]] = field(default_factory=list)
    changed_entries: list[ContractKpi] = field(default_factory=list)


def import_contracts(
    *,
    source: Any,
    unit: Unit,
    plan_year: PlanYear,
    by: Actor,
    name: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Check the workbook whole, then (unless a dry run or a problem) write it in one transaction."""
    ensure(by, "contracts.add_contract", unit)
    result = ImportResult(dry_run=dry_run)
    limits = uploads.limits()
    label = source_name(source, name)
    try:
        workbook = open_workbook(source, name, limits=limits)
        try:
            contract_rows = _rows(
                workbook, label, CONTRACT_SHEET, CONTRACT_COLUMNS, result.problems, limits.max_rows
            )
            kpi_rows = _rows(workbook, label, KPI_SHEET, KPI_COLUMNS, result.problems, limits.max_rows)
        finally:
            workbook.close()
    except InvalidFileError as error:
        result.problems += [
            WorkbookProblem(p.sheet, p.row, p.column, p.message("id")) for p in error.problems
        ]
        return result
    if result.problems:
        return result
    with transaction.atomic():
        plan = _check(contract_rows, kpi_rows, unit, plan_year, by, result)
        result.problems.sort(key=lambda p: (p.sheet != CONTRACT_SHEET, p.row or 0))
        if result.problems or dry_run:
            return result
        _write(plan, by)
        result.written = True
    return result


def _check(
    contract_rows: list[_Row],
    kpi_rows: list[_Row],
    unit: Unit,
    plan_year: PlanYear,
    by: Actor,
    result: ImportResult,
) -> _Plan:
    read = _Reader(result.problems)
    plan = _Plan()
    first, last = year_bounds(plan_year)
    nips = {r.values["nip"].strip() for r in contract_rows} | {
        r.values.get("nip_atasan", "").strip() for r in contract_rows
    }
    employees = {
        e.nip: e
        for e in Employee.objects.filter(nip__in=[n for n in nips if n]).select_related(
            "unit", "position__unit"
        )
    }
    codes = {r.values["kode_jabatan"].strip() for r in contract_rows if r.values["kode_jabatan"].strip()}
    positions = {p.code: p for p in Position.objects.filter(code__in=codes).select_related("unit")}
    existing: dict[int, list[Contract]] = defaultdict(list)
    for contract in (
        Contract.objects.filter(plan_year=plan_year, employee__nip__in=[n for n in nips if n])
        .select_related("position")
        .select_for_update(of=("self",))
        .order_by("pk")
    ):
        existing[contract.employee_id].append(contract)
    # --- kontrak
    by_key: dict[tuple[str, dt.date | None], Contract] = {}
    seen: dict[tuple[str, Any], int] = {}
    for row in contract_rows:
        nip = read.text(row, "nip", required=True)
        start, end = read.date(row, "mulai"), read.date(row, "selesai")
        superior_nip = read.text(row, "nip_atasan")
        position_code = read.text(row, "kode_jabatan")
        employee = employees.get(nip)
        if nip and employee is None:
            read.fail(row, "nip", _("pegawai %(nip)s tidak ada") % {"nip": nip})
            continue
        if employee is None:
            continue
        if not str(employee.unit.path).startswith(unit.path) and not (
            employee.position is not None and str(employee.position.unit.path).startswith(unit.path)
        ):
            read.fail(row, "nip", _("pegawai %(nip)s bukan pegawai unit ini") % {"nip": nip})
            continue
        position = positions.get(position_code) if position_code else employee.position
        if position is None:
            read.fail(row, "kode_jabatan", _("jabatan %(code)s tidak ada") % {"code": position_code or "—"})
            continue
        superior = employees.get(superior_nip) if superior_nip else None
        if superior_nip and superior is None:
            read.fail(row, "nip_atasan", _("pegawai %(nip)s tidak ada") % {"nip": superior_nip})
            continue
        if start is _BAD or end is _BAD:
            continue
        if not (first <= start <= end <= last):
            read.fail(
                row,
                "selesai" if first <= start <= last else "mulai",
                _("masa kontrak harus berada dalam tahun %(year)d dan selesai tidak sebelum mulai")
                % {"year": plan_year.year},
            )
            continue
        key = (nip, start)
        if key in seen:
            read.fail(
                row,
                "nip",
                _("kontrak %(nip)s mulai %(start)s muncul dua kali (juga baris %(other)d)")
                % {"nip": nip, "start": start.isoformat(), "other": seen[key]},
            )
            continue
        seen[key] = row.number
        mine = existing.get(employee.pk, [])
        current = next((c for c in mine if c.start == start), None)
        overlap = [c for c in mine if c is not current and c.start <= end and c.end >= start] + [
            c for c in by_key.values() if c.employee_id == employee.pk and c.start <= end and c.end >= start
        ]
        if overlap:
            read.fail(
                row,
                "mulai",
                _("%(name)s sudah memiliki kontrak yang berlaku %(start)s–%(end)s (aturan 16)")
                % {"name": employee.name, "start": overlap[0].start, "end": overlap[0].end},
            )
            continue
        superior_id = superior.pk if superior is not None else None
        if current is None:
            contract = Contract(
                employee=employee,
                position=position,
                unit_id=position.unit_id,
                plan_year=plan_year,
                superior_id=superior_id,
                start=start,
                end=end,
                commitment=default_commitment(employee, position, plan_year),
                deadline=default_deadline(plan_year),
            )
            if by is not None and not by.has_perm("contracts.add_contract", contract):
                read.fail(row, "nip", _("Anda tidak berwenang membuat kontrak pegawai ini"))
                continue
            plan.new_contracts.append(contract)
            result.contracts_new += 1
        else:
            contract = current
            if by is not None and not by.has_perm("contracts.view_contract", contract):
                read.fail(row, "nip", _("Anda tidak berwenang mengubah kontrak ini"))
                continue
            changes = {
                "end": end,
                "superior_id": superior_id,
                "position_id": position.pk,
            }
            changed = {k: v for k, v in changes.items() if getattr(contract, k) != v}
            if changed:
                if not _editable(read, row, contract, next(iter(changed)).removesuffix("_id"), by):
                    continue
                for k, v in changed.items():
                    setattr(contract, k, v)
                contract.unit_id = position.unit_id
                plan.changed_contracts.append(contract)
                result.contracts_changed += 1
            else:
                result.unchanged += 1
        by_key[key] = contract
    # --- iku
    _check_kpis(kpi_rows, by_key, plan, plan_year, read, result, by)
    return plan


def _editable(read: _Reader, row: _Row, contract: Contract, column: str, by: Actor) -> bool:
    if contract.state in (ContractState.SIGNED, ContractState.ENDED):
        read.fail(row, _column(column), _("kontrak sudah ditandatangani; ubah melalui revisi (aturan 19)"))
        return False
    if contract.state not in EDITABLE_CONTRACT_STATES:
        read.fail(
            row,
            _column(column),
            _("kontrak berstatus %(state)s; hanya konsep yang dapat diubah")
            % {"state": contract.get_state_display()},
        )
        return False
    if by is not None and not by.has_perm("contracts.change_contract", contract):
        read.fail(row, None, _("Anda tidak berwenang mengubah kontrak ini"))
        return False
    return True


_FIELD_COLUMNS = {
    "end": "selesai",
    "superior": "nip_atasan",
    "position": "kode_jabatan",
    "weight": "bobot",
    "target": "target",
    "kind": "jenis_k3",
    "fixed_target": "target_tetap",
    "target_prev": "target_tahun_lalu",
    "realization_prev": "realisasi_tahun_lalu",
    "trajectory": "p1",
    **{f: c for c, f in MANUAL_COLUMNS.items()},
}


def _column(name: str) -> str:
    return _FIELD_COLUMNS.get(name, name)


def _objectives_above(units: Iterable[Unit], plan_year: PlanYear) -> dict[int, dict[str, Objective]]:
    """For each unit, the SS of the nearest map of the year at or above it, by code (two queries)."""
    units = list(units)
    if not units:
        return {}
    prefixes = {u.path[: i * Unit.steplen] for u in units for i in range(1, len(u.path) // Unit.steplen + 1)}
    maps = {
        m.unit.path: m
        for m in StrategyMap.objects.filter(plan_year=plan_year, unit__path__in=prefixes).select_related(
            "unit"
        )
    }
    objectives: dict[int, dict[str, Objective]] = defaultdict(dict)
    for objective in Objective.objects.filter(map__in=list(maps.values())):
        objectives[objective.map_id][objective.code] = objective
    found: dict[int, dict[str, Objective]] = {}
    for u in units:
        for i in range(len(u.path) // Unit.steplen, 0, -1):
            m = maps.get(u.path[: i * Unit.steplen])
            if m is not None:
                found[u.pk] = objectives.get(m.pk, {})
                break
        else:
            found[u.pk] = {}
    return found


def _check_kpis(
    rows: list[_Row],
    contracts: dict[tuple[str, dt.date | None], Contract],
    plan: _Plan,
    plan_year: PlanYear,
    read: _Reader,
    result: ImportResult,
    by: Actor,
) -> None:
    saved = [c for c in contracts.values() if c.pk is not None]
    entries: dict[tuple[int, str], ContractKpi] = {}
    for entry in ContractKpi.objects.filter(contract__in=[c.pk for c in saved]).select_related(
        "contract", "kpi", "kpi__objective"
    ):
        entries[(entry.contract_id, entry.kpi.code)] = entry
    kpi_ids = {e.kpi_id for e in entries.values()}
    trajectories = _trajectories(kpi_ids)
    parents = _parents(kpi_ids)
    positions = {c.position_id for c in contracts.values()}
    units = {p.pk: p.unit for p in Position.objects.filter(pk__in=positions).select_related("unit")}
    objectives = _objectives_above({u.pk: u for u in units.values()}.values(), plan_year)
    map_units = {
        c.position_id: units[c.position_id]
        for c in contracts.values()
        if c.position.is_head and units[c.position_id].owns_map
    }
    map_kpis: dict[tuple[int, str], Kpi] = {}
    if map_units:
        for kpi in Kpi.objects.filter(
            objective__map__plan_year=plan_year, objective__map__unit__in=[u.pk for u in map_units.values()]
        ).select_related("objective__map"):
            map_kpis[(kpi.objective.map.unit_id, kpi.code)] = kpi
    holder_codes = {
        (holder, code)
        for holder, code in Kpi.all_kpis.filter(
            holder_id__in=positions, objective__map__plan_year=plan_year
        ).values_list("holder_id", "code")
    }
    by_nip: dict[str, list[Contract]] = defaultdict(list)
    for (nip, _start), contract in contracts.items():
        by_nip[nip].append(contract)
    seen: dict[tuple[int, str], int] = {}
    for row in rows:
        nip = read.text(row, "nip", required=True)
        code = read.text(row, "kode_iku", required=True)
        start_raw = read.text(row, "mulai_kontrak")
        mine = by_nip.get(nip, [])
        if start_raw:
            start = read.date(row, "mulai_kontrak")
            mine = [c for c in mine if c.start == start]
        if not nip or not code:
            continue
        if len(mine) != 1:
            read.fail(
                row,
                "mulai_kontrak" if len(mine) > 1 else "nip",
                _("isi mulai_kontrak: %(nip)s memiliki lebih dari satu kontrak") % {"nip": nip}
                if len(mine) > 1
                else _("kontrak %(nip)s tidak ada pada lembar kontrak") % {"nip": nip},
            )
            continue
        contract = mine[0]
        key = (id(contract), code)
        if key in seen:
            read.fail(
                row,
                "kode_iku",
                _("IKU %(code)s muncul dua kali (juga baris %(other)d)") % {"code": code, "other": seen[key]},
            )
            continue
        seen[key] = row.number
        source = read.choice(row, "asal")
        values = {
            "weight": read.number(row, "bobot", minimum=0, maximum=100),
            "target": read.number(row, "target"),
            "kind": read.choice(row, "jenis_k3", required=False) or KpiKind.EXISTING,
            "fixed_target": read.flag(row, "target_tetap"),
            "target_prev": read.number(row, "target_tahun_lalu"),
            "realization_prev": read.number(row, "realisasi_tahun_lalu"),
        }
        manual = {
            "name_id": read.text(row, "nama", required=True),
            **{f: read.choice(row, c) for c, f in MANUAL_COLUMNS.items() if c != "nama"},
        }
        periods = [read.number(row, c) for c in PERIOD_COLUMNS]
        bad = any(v is _BAD for v in (source, *values.values(), *manual.values(), *periods))
        if bad:
            continue
        trajectory = [p for p in periods if p is not None]
        if trajectory and (
            periods[: len(trajectory)] != trajectory
            or len(trajectory) != PERIODS_PER_YEAR[manual["frequency"]]
        ):
            read.fail(
                row,
                "p1",
                _("target per periode %(frequency)s berisi %(n)d periode berurutan mulai p1")
                % {
                    "frequency": Frequency(manual["frequency"]).label.lower(),
                    "n": PERIODS_PER_YEAR[manual["frequency"]],
                },
            )
            continue
        stored = entries.get((contract.pk, code)) if contract.pk is not None else None
        if stored is not None:
            _check_change(
                read, row, stored, source, values, manual, trajectory, trajectories, parents, plan, result, by
            )
            continue
        # a new KPI of the contract
        if contract.pk is not None and not _editable(read, row, contract, "kode_iku", by):
            continue
        if source == ContractKpiSource.CASCADED:
            read.fail(
                row,
                "asal",
                _("IKU turunan dibuat melalui cascading dari kontrak atasan, bukan melalui impor"),
            )
            continue
        if source == ContractKpiSource.MAP:
            unit = map_units.get(contract.position_id)
            map_kpi = map_kpis.get((unit.pk, code)) if unit is not None else None
            if map_kpi is None:
                read.fail(
                    row,
                    "kode_iku",
                    _("IKU %(code)s bukan IKU peta strategi unit pemegang kontrak tahun ini")
                    % {"code": code},
                )
                continue
            plan.new_entries.append(
                (
                    ContractKpi(
                        kpi=map_kpi,
                        source=source,
                        target=values["target"] if values["target"] is not None else map_kpi.target,
                        order=row.number,
                        **{k: v for k, v in values.items() if k != "target"},
                    ),
                    contract,
                    None,
                )
            )
            result.kpis_new += 1
            continue
        objective = objectives.get(units[contract.position_id].pk, {}).get(read.text(row, "kode_ss"))
        if objective is None:
            read.fail(
                row,
                "kode_ss",
                _("SS %(code)s tidak ada pada peta strategi di atas pemegang kontrak tahun ini")
                % {"code": read.text(row, "kode_ss") or "—"},
            )
            continue
        if (contract.position_id, code) in holder_codes:
            read.fail(
                row, "kode_iku", _("Kode IKI %(code)s sudah dipakai pemegang jabatan ini") % {"code": code}
            )
            continue
        holder_codes.add((contract.position_id, code))
        kpi = Kpi(
            objective=objective, holder_id=contract.position_id, code=code, **manual, target=values["target"]
        )
        plan.new_kpis.append((kpi, trajectory))
        plan.new_entries.append((ContractKpi(source=source, order=row.number, **values), contract, kpi))
        result.kpis_new += 1


def _check_change(
    read: _Reader,
    row: _Row,
    entry: ContractKpi,
    source: str,
    values: dict[str, Any],
    manual: dict[str, Any],
    trajectory: list[Decimal],
    trajectories: dict[int, list[Decimal]],
    parents: dict[int, tuple[str, str]],
    plan: _Plan,
    result: ImportResult,
    by: Actor,
) -> None:
    kpi = entry.kpi
    changed = [k for k, v in values.items() if getattr(entry, k) != v]
    current = _signed_trajectory(entry) or trajectories.get(kpi.pk, [])
    manual_changed = [k for k, v in manual.items() if getattr(kpi, k) != v]
    if trajectory != current:
        manual_changed.append("trajectory")
    if source != entry.source:
        read.fail(row, "asal", _("asal IKU %(code)s tidak dapat diubah") % {"code": kpi.code})
        return
    if not changed and not manual_changed:
        result.unchanged += 1
        return
    if not _editable(read, row, entry.contract, (changed + manual_changed)[0], by):
        return
    direct_full = parents.get(kpi.pk, ("", ""))[1] == CascadeMode.DIRECT_FULL
    if kpi.holder_id is None and manual_changed:
        read.fail(row, _column(manual_changed[0]), _("IKU peta strategi diubah melalui peta strateginya"))
        return
    if direct_full and (manual_changed or "target" in changed):
        read.fail(
            row,
            _column((manual_changed or ["target"])[0]),
            _("IKU %(code)s diturunkan langsung penuh: manual dan targetnya mengikuti IKU induk (aturan 14)")
            % {"code": kpi.code},
        )
        return
    for k in changed:
        setattr(entry, k, values[k])
    if changed:
        plan.changed_entries.append(entry)
    if manual_changed:
        for k, v in manual.items():
            setattr(kpi, k, v)
        if "target" in changed:
            kpi.target = values["target"]
        plan.changed_kpis.append(kpi)
        plan.trajectories[kpi.pk] = trajectory
    elif "target" in changed and kpi.holder_id is not None:
        kpi.target = values["target"]
        plan.changed_kpis.append(kpi)
    result.kpis_changed += 1


def _write(plan: _Plan, by: Actor) -> None:
    created = (
        bulk_create_with_history(plan.new_contracts, Contract, default_user=by) if plan.new_contracts else []
    )
    for contract, made in zip(plan.new_contracts, created, strict=True):
        contract.pk = made.pk
    if plan.changed_contracts:
        bulk_update_with_history(
            plan.changed_contracts, Contract, ["end", "superior", "position", "unit"], default_user=by
        )
    if plan.new_kpis:
        kpis = bulk_create_with_history([k for k, _t in plan.new_kpis], Kpi, default_user=by)
        for (kpi, _trajectory), made in zip(plan.new_kpis, kpis, strict=True):
            kpi.pk = made.pk
        bulk_create_with_history(
            [
                PeriodTarget(kpi_id=k.pk, period=i + 1, target=v)
                for k, t in plan.new_kpis
                for i, v in enumerate(t)
            ],
            PeriodTarget,
            default_user=by,
        )
    if plan.changed_kpis:
        bulk_update_with_history(
            plan.changed_kpis,
            Kpi,
            ["target", *MANUAL_COLUMNS.values()],
            default_user=by,
            manager=Kpi.all_kpis,
        )
    if plan.trajectories:
        PeriodTarget.objects.filter(kpi_id__in=list(plan.trajectories)).delete()
        bulk_create_with_history(
            [
                PeriodTarget(kpi_id=k, period=i + 1, target=v)
                for k, t in plan.trajectories.items()
                for i, v in enumerate(t)
            ],
            PeriodTarget,
            default_user=by,
        )
    if plan.new_entries:
        orders: dict[int, int] = {}
        last = dict(
            ContractKpi.objects.filter(contract_id__in={c.pk for _e, c, _k in plan.new_entries})
            .values_list("contract_id")
            .annotate(top=_max_order())
            .values_list("contract_id", "top")
        )
        rows = []
        for new_entry, owner, new_kpi in plan.new_entries:
            new_entry.contract_id = owner.pk
            if new_kpi is not None:
                new_entry.kpi_id = new_kpi.pk
            orders[owner.pk] = orders.get(owner.pk, last.get(owner.pk) or 0) + 1
            new_entry.order = orders[owner.pk]
            rows.append(new_entry)
        bulk_create_with_history(rows, ContractKpi, default_user=by)
    if plan.changed_entries:
        bulk_update_with_history(
            plan.changed_entries,
            ContractKpi,
            ["weight", "target", "kind", "fixed_target", "target_prev", "realization_prev"],
            default_user=by,
        )


def _max_order() -> Any:
    from django.db.models import Max

    return Max("order")


__all__ = ["XLSX", "ImportResult", "WorkbookProblem", "export_contracts", "file_name", "import_contracts"]
