"""A unit's strategy map and KPI manuals as an Excel workbook (openpyxl): export, and import with a dry run.

One sheet per entity — `perspektif`, `tema`, `sasaran`, `hubungan`, `iku`,
`target_periode`, `inisiatif`, `risiko` — with Indonesian column headers in
the first row (the English field names are accepted as aliases). Export then
import round-trips: rows are matched by their codes, existing objects are
updated, new ones created; nothing is deleted (a row missing from the file
leaves its object alone).

The import applies every row through the same services the pages use
(`strategy.services`, `kpis.services`), so it checks exactly the same rules
and permissions, inside ONE transaction. Every problem — a cell that does not
parse, a code that points nowhere, a rule a service refuses — is collected
with its sheet, row (as a spreadsheet numbers it: the header is row 1) and
column, and any problem rolls the whole import back: all or nothing. A dry
run always rolls back and reports what would happen. An approved map is
refused outright: it changes only through a recorded revision.
"""

from __future__ import annotations

import datetime
import io
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, Model
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from kinerja.common.history import Actor
from kinerja.common.workflow import locked
from kinerja.interchange.cells import CellError, NumberStyle, check_digits, parse_decimal
from kinerja.interchange.messages import Lang
from kinerja.organisations.models import Position
from kinerja.planning import kpi_services
from kinerja.planning.models import (
    ConsolidationChoice,
    ControllabilityChoice,
    Frequency,
    Kpi,
    LeadLag,
    PolarityChoice,
    ValidityChoice,
)

from . import services
from .models import (
    Initiative,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    Perspective,
    PerspectiveCode,
    Risk,
    StrategyMap,
    Theme,
)
from .selectors import load_map_data

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024

# --------------------------------------------------------------------------- the format


@dataclass(frozen=True)
class Column:
    """A column: the model field it fills (also its English alias), its Indonesian header, its type."""

    key: str
    header: str
    kind: str = "text"  # text | decimal | int | bool | date | choice | list
    required: bool = False
    choices: tuple[str, ...] = ()
    default: Any = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sheet:
    name: str
    alias: str  # the English sheet name, also accepted
    columns: tuple[Column, ...]
    model: type[Model] | None = None  # the model whose DecimalFields bound the sheet's decimal columns

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    def digits(self, column: Column) -> tuple[int, int] | None:
        """(max_digits, decimal_places) of the model field a decimal column fills, when it has one."""
        if column.kind != "decimal" or self.model is None:
            return None
        try:
            model_field = self.model._meta.get_field(column.key)
        except FieldDoesNotExist:
            return None
        if not isinstance(model_field, DecimalField):
            return None
        return int(model_field.max_digits or 0), int(model_field.decimal_places or 0)


def _values(choices: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in choices.values)


PERSPEKTIF = Sheet(
    "perspektif",
    "perspectives",
    (
        Column("code", "kode", "choice", True, _values(PerspectiveCode)),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("weight", "bobot", "decimal"),
    ),
    model=Perspective,
)
TEMA = Sheet(
    "tema",
    "themes",
    (
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
    ),
)
SASARAN = Sheet(
    "sasaran",
    "objectives",
    (
        Column("code", "kode", required=True),
        Column("perspective", "perspektif", "choice", True, _values(PerspectiveCode)),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("theme", "tema"),
        Column("owner_position", "penanggung_jawab"),
        Column("weight", "bobot", "decimal"),
    ),
    model=Objective,
)
HUBUNGAN = Sheet(
    "hubungan",
    "links",
    (Column("cause", "sebab", required=True), Column("effect", "akibat", required=True)),
)
IKU = Sheet(
    "iku",
    "kpis",
    (
        Column("objective", "kode_ss", required=True),
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("formula", "formula"),
        Column("unit_of_measure", "satuan"),
        Column("validity", "jenis", "choice", True, _values(ValidityChoice)),
        Column("controllability", "kendali", "choice", True, _values(ControllabilityChoice)),
        Column("lead_lag", "leading_lagging", "choice", False, _values(LeadLag), LeadLag.LAG.value),
        Column("polarity", "polaritas", "choice", True, _values(PolarityChoice)),
        Column("consolidation", "konsolidasi", "choice", True, _values(ConsolidationChoice)),
        Column("frequency", "periode_pelaporan", "choice", True, _values(Frequency)),
        Column("data_source", "sumber_data"),
        Column("measured_by", "pihak_pengukur"),
        Column("owner_position", "penanggung_jawab"),
        Column("owner_text", "penanggung_jawab_teks"),
        Column("baseline", "baseline", "decimal"),
        Column("worst", "nilai_terburuk", "decimal"),
        Column("cap_on_target", "target_maksimal", "bool", default=False),
        Column("mandatory", "mandatory", "bool", default=False),
        Column("weight", "bobot", "decimal"),
        Column("target", "target", "decimal"),
        Column("target_low", "target_bawah", "decimal"),
        Column("target_high", "target_atas", "decimal"),
    ),
    model=Kpi,
)
TARGET_PERIODE = Sheet(
    "target_periode",
    "period_targets",
    (
        Column("kpi", "kode_iku", required=True),
        Column("period", "periode", "int", True),
        Column("target", "target", "decimal", True),
    ),
    model=PeriodTarget,
)
INISIATIF = Sheet(
    "inisiatif",
    "initiatives",
    (
        Column("code", "kode", required=True),
        Column("name_id", "nama", required=True),
        Column("name_en", "nama_inggris"),
        Column("description", "deskripsi"),
        Column("objectives", "sasaran", "list"),
        Column("owner_position", "penanggung_jawab"),
        Column("owner_text", "penanggung_jawab_teks"),
        Column("budget", "anggaran", "decimal"),
        Column("start", "mulai", "date"),
        Column("end", "selesai", "date"),
    ),
    model=Initiative,
)
RISIKO = Sheet(
    "risiko",
    "risks",
    (
        Column("objective", "kode_ss", required=True),
        Column("code", "kode", required=True),
        Column("description", "uraian", required=True),
        Column("likelihood", "kemungkinan", "int", True),
        Column("impact", "dampak", "int", True),
        Column("mitigation", "mitigasi"),
        Column("owner_position", "pemilik", aliases=("penanggung_jawab",)),
        Column("owner_text", "pemilik_teks", aliases=("penanggung_jawab_teks",)),
    ),
)
SHEETS: tuple[Sheet, ...] = (PERSPEKTIF, TEMA, SASARAN, HUBUNGAN, IKU, TARGET_PERIODE, INISIATIF, RISIKO)


# --------------------------------------------------------------------------- export


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, Decimal):
        if value == value.to_integral():
            return int(value)
        as_float = float(value)
        # A number cell when a float holds the value exactly enough to read back the same; else text.
        return as_float if Decimal(str(as_float)) == value else f"{value.normalize():f}"
    return value


def export_map(strategy_map: StrategyMap) -> bytes:
    """The map (perspectives, themes, SS, links, KPIs with manuals and trajectories, initiatives, risks) as XLSX."""
    data = load_map_data(strategy_map)
    objectives = {o.pk: o for o in data.objectives}
    positions = dict(Position.objects.filter(unit=strategy_map.unit_id).values_list("pk", "code"))

    def position(pk: int | None) -> str:
        return positions.get(pk, "") if pk else ""

    rows: dict[str, list[list[Any]]] = defaultdict(list)
    for p in data.perspectives:
        rows["perspektif"].append([p.code, p.name_id, p.name_en, p.weight])
    for t in strategy_map.themes.order_by("code"):
        rows["tema"].append([t.code, t.name_id, t.name_en])
    for o in data.objectives:
        rows["sasaran"].append(
            [
                o.code,
                o.perspective.code,
                o.name_id,
                o.name_en,
                o.description,
                o.theme.code if o.theme is not None else "",
                position(o.owner_position_id),
                o.weight,
            ]
        )
    for link in data.links:
        rows["hubungan"].append([objectives[link.cause_id].code, objectives[link.effect_id].code])
    for kpi in data.kpis:
        rows["iku"].append(
            [
                kpi.objective.code,
                kpi.code,
                *[getattr(kpi, c.key) for c in IKU.columns[2:15]],
                position(kpi.owner_position_id),
                *[getattr(kpi, c.key) for c in IKU.columns[16:]],
            ]
        )
        for period_target in data.trajectory(kpi):
            rows["target_periode"].append([kpi.code, period_target.period, period_target.target])
    for i in Initiative.objects.filter(map=strategy_map).prefetch_related("objectives").order_by("code"):
        rows["inisiatif"].append(
            [
                i.code,
                i.name_id,
                i.name_en,
                i.description,
                ", ".join(o.code for o in sorted(i.objectives.all(), key=lambda o: o.code)),
                position(i.owner_position_id),
                i.owner_text,
                i.budget,
                i.start,
                i.end,
            ]
        )
    for r in (
        Risk.objects.filter(objective__map=strategy_map)
        .select_related("objective")
        .order_by("objective__perspective__order", "objective__code", "code")
    ):
        rows["risiko"].append(
            [
                r.objective.code,
                r.code,
                r.description,
                r.likelihood,
                r.impact,
                r.mitigation,
                position(r.owner_position_id),
                r.owner_text,
            ]
        )
    book = Workbook()
    book.remove(book.active)
    for sheet in SHEETS:
        ws = book.create_sheet(sheet.name)
        ws.append([c.header for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows[sheet.name]:
            ws.append([_cell(v) for v in row])
        for column in ws.columns:
            width = max((len(str(c.value)) for c in column if c.value is not None), default=8)
            ws.column_dimensions[column[0].column_letter].width = min(60, max(10, width + 2))
        ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class Issue:
    """One problem of an import: where (sheet, row, column) and what, in Indonesian."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return _("%(sheet)s: %(message)s") % {"sheet": self.sheet, "message": self.message}
        if self.column is None:
            return _("%(sheet)s, baris %(row)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.row,
                "message": self.message,
            }
        return _("%(sheet)s, baris %(row)s, kolom %(column)s: %(message)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Row:
    number: int
    values: dict[str, Any]


@dataclass
class ImportReport:
    issues: list[Issue] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    updated: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues

    def counts(self) -> list[tuple[str, int, int]]:
        return [(s.name, self.created.get(s.name, 0), self.updated.get(s.name, 0)) for s in SHEETS]


def _norm(text: Any) -> str:
    return str(text or "").strip().lower().replace(" ", "_").replace("-", "_")


class _Bad(Exception):
    pass


def _decimal(raw: Any, digits: tuple[int, int] | None) -> Decimal:
    """A number cell, or a number as people type it (`85,5`, `1.234,5`, `85%`: the shared parser), within
    the model field's digits."""
    max_digits, places = digits if digits is not None else (None, None)
    try:
        if isinstance(raw, int | float | Decimal):
            number = Decimal(str(raw))
            return number if digits is None else check_digits(number, max_digits or 0, places or 0)
        value = parse_decimal(str(raw), style=NumberStyle.HUMAN, max_digits=max_digits, decimal_places=places)
    except CellError as error:
        if error.key in {"not_a_number", "misplaced_separator", "decimal_comma"}:
            raise _Bad(_('"%(value)s" bukan angka') % {"value": raw}) from None
        raise _Bad(error.message(_language())) from None
    if value is None:  # pragma: no cover - blanks never reach here
        raise _Bad(_('"%(value)s" bukan angka') % {"value": raw})
    return value


def _language() -> Lang:
    return "en" if (get_language() or "id").startswith("en") else "id"


def _parse(column: Column, raw: Any, digits: tuple[int, int] | None = None) -> Any:
    """The typed value of a cell, or _Bad with the Indonesian message."""
    if isinstance(raw, str):
        raw = raw.strip()
    if raw is None or raw == "":
        if column.required:
            raise _Bad(_("wajib diisi"))
        if column.kind in ("text",):
            return ""
        if column.kind == "list":
            return []
        return column.default
    if column.kind == "text":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        return str(raw)
    if column.kind == "list":
        return [part.strip() for part in str(raw).replace(";", ",").split(",") if part.strip()]
    if column.kind == "decimal":
        if isinstance(raw, bool):
            raise _Bad(_('"%(value)s" bukan angka') % {"value": raw})
        return _decimal(raw, digits)
    if column.kind == "int":
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            raise _Bad(_('"%(value)s" bukan bilangan bulat') % {"value": raw}) from None
        if not number.is_finite() or number != number.to_integral():
            raise _Bad(_('"%(value)s" bukan bilangan bulat') % {"value": raw})
        return int(number)
    if column.kind == "bool":
        if isinstance(raw, bool):
            return raw
        text = _norm(raw)
        if text in {"ya", "y", "yes", "true", "1", "benar"}:
            return True
        if text in {"tidak", "t", "no", "n", "false", "0", "salah"}:
            return False
        raise _Bad(_('"%(value)s" bukan nilai ya/tidak') % {"value": raw})
    if column.kind == "date":
        if isinstance(raw, datetime.datetime):
            return raw.date()
        if isinstance(raw, datetime.date):
            return raw
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            raise _Bad(_('"%(value)s" bukan tanggal (TTTT-BB-HH)') % {"value": raw}) from None
    # choice
    text = str(raw).strip()
    for choice in column.choices:
        if text.lower() == choice.lower():
            return choice
    raise _Bad(
        _('"%(value)s" bukan nilai yang dikenal (%(choices)s)')
        % {"value": text, "choices": ", ".join(column.choices)}
    )


def read_workbook(content: bytes, report: ImportReport) -> dict[str, list[Row]]:
    """Every sheet's rows, typed; cell problems go to `report` (the row is then left out)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not an XLSX workbook
        report.issues.append(
            Issue(_("berkas"), None, None, _("Berkas bukan buku kerja Excel (.xlsx) yang valid."))
        )
        return {}
    by_name = {_norm(ws.title): ws for ws in book.worksheets}
    out: dict[str, list[Row]] = {}
    known = {s.name for s in SHEETS} | {s.alias for s in SHEETS}
    for title in by_name:
        if title not in known:
            report.issues.append(
                Issue(
                    title,
                    None,
                    None,
                    _("lembar tidak dikenal; lembar yang dikenal: %(names)s")
                    % {"names": ", ".join(s.name for s in SHEETS)},
                )
            )
    for sheet in SHEETS:
        ws = by_name.get(sheet.name) or by_name.get(sheet.alias)
        if ws is None:
            continue
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            continue
        lookup = {}
        for c in sheet.columns:
            for name in (c.header, c.key, *c.aliases):
                lookup[_norm(name)] = c
        positions: dict[int, Column] = {}
        for index, title in enumerate(header):
            if title is None or str(title).strip() == "":
                continue
            column = lookup.get(_norm(title))
            if column is None:
                report.issues.append(Issue(sheet.name, 1, str(title), _("judul kolom tidak dikenal")))
            else:
                positions[index] = column
        present = set(positions.values())
        missing = [c.header for c in sheet.columns if c.required and c not in present]
        if missing:
            report.issues.append(
                Issue(
                    sheet.name, 1, None, _("kolom wajib tidak ada: %(names)s") % {"names": ", ".join(missing)}
                )
            )
            continue
        parsed: list[Row] = []
        for number, values in enumerate(rows, start=2):
            if values is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                continue
            typed: dict[str, Any] = {
                c.key: _parse(c, None) if not c.required else None for c in sheet.columns if c not in present
            }
            bad = False
            for index, column in positions.items():
                raw = values[index] if index < len(values) else None
                try:
                    typed[column.key] = _parse(column, raw, sheet.digits(column))
                except _Bad as problem:
                    report.issues.append(Issue(sheet.name, number, column.header, str(problem)))
                    bad = True
            if not bad:
                parsed.append(Row(number, typed))
            else:
                parsed.append(Row(number, {**typed, "_bad": True}))
        out[sheet.name] = parsed
    return out


# --------------------------------------------------------------------------- applying


class _Importer:
    """Applies the parsed rows through the services, sheet by sheet, collecting every problem."""

    def __init__(self, strategy_map: StrategyMap, by: Actor, report: ImportReport) -> None:
        self.map, self.by, self.report = strategy_map, by, report
        self.positions = {p.code: p for p in Position.objects.filter(unit=strategy_map.unit_id)}
        self.failed: dict[str, set[str]] = defaultdict(set)  # sheet -> codes whose row failed

    def issue(self, sheet: Sheet, row: Row | None, column: str | None, message: str) -> None:
        header = None
        if column is not None:
            found = sheet.column(column)
            header = found.header if found else column
        self.report.issues.append(Issue(sheet.name, row.number if row else None, header, message))

    def service_error(self, sheet: Sheet, row: Row | None, error: ValidationError) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.message_dict.items():
                column = name if sheet.column(name) else None
                for message in errors:
                    self.issue(sheet, row, column, message)
        else:
            for message in error.messages:
                self.issue(sheet, row, None, message)

    def run(self, sheet: Sheet, row: Row | None, key: str, action: Callable[[], Any]) -> Any:
        """Run one service call in a savepoint; a refusal becomes an issue and marks `key` as failed."""
        try:
            with transaction.atomic():
                return action()
        except ValidationError as error:
            self.service_error(sheet, row, error)
        except PermissionDenied:
            self.issue(sheet, row, None, _("Anda tidak berwenang mengubah peta ini."))
        self.failed[sheet.name].add(key)
        return None

    def position(self, sheet: Sheet, row: Row, column: str) -> tuple[bool, Position | None]:
        code = row.values.get(column) or ""
        if not code:
            return True, None
        found = self.positions.get(code)
        if found is None:
            self.issue(
                sheet,
                row,
                column,
                _('jabatan "%(code)s" tidak ada pada unit %(unit)s')
                % {"code": code, "unit": self.map.unit.code},
            )
            return False, None
        return True, found

    def objective(self, sheet: Sheet, row: Row, column: str, code: str) -> Objective | None:
        found = Objective.objects.filter(map=self.map, code=code).first()
        if found is None and code not in self.failed["sasaran"]:
            self.issue(sheet, row, column, _('SS "%(code)s" tidak ada pada peta ini') % {"code": code})
        return found

    def count(self, sheet: Sheet, created: bool) -> None:
        (self.report.created if created else self.report.updated)[sheet.name] += 1

    # ---------------------------------------------------------------- sheets

    def themes(self, rows: list[Row]) -> None:
        for row in self._good(rows, TEMA):
            v = row.values
            created = not Theme.objects.filter(map=self.map, code=v["code"]).exists()

            def save_theme(v: dict[str, Any] = v) -> Theme:
                return services.save_theme(
                    strategy_map=self.map,
                    code=v["code"],
                    name_id=v["name_id"],
                    name_en=v["name_en"],
                    by=self.by,
                )

            saved = self.run(TEMA, row, v["code"], save_theme)
            if saved is not None:
                self.count(TEMA, created)

    def perspectives(self, rows: list[Row]) -> None:
        good = list(self._good(rows, PERSPEKTIF))
        if not good:
            return
        by_code = {p.code: p for p in self.map.perspectives.all()}
        values = {}
        for row in good:
            v = row.values
            values[by_code[v["code"]].pk] = {
                "name_id": v["name_id"],
                "name_en": v["name_en"],
                "weight": v["weight"],
            }
        # Weights are checked together (rule 2), so a refusal is about the sheet, not one row.
        saved = self.run(
            PERSPEKTIF,
            None,
            "*",
            lambda: services.update_perspectives(strategy_map=self.map, values=values, by=self.by),
        )
        if saved is not None:
            self.report.updated[PERSPEKTIF.name] += len(good)

    def objectives(self, rows: list[Row]) -> None:
        perspectives = {p.code: p for p in self.map.perspectives.all()}
        for row in self._good(rows, SASARAN):
            v = row.values
            ok, owner = self.position(SASARAN, row, "owner_position")
            theme = None
            if v["theme"]:
                theme = Theme.objects.filter(map=self.map, code=v["theme"]).first()
                if theme is None:
                    if v["theme"] not in self.failed["tema"]:
                        self.issue(
                            SASARAN, row, "theme", _('tema "%(code)s" tidak ada') % {"code": v["theme"]}
                        )
                    ok = False
            if not ok:
                self.failed[SASARAN.name].add(v["code"])
                continue
            existing = Objective.objects.filter(map=self.map, code=v["code"]).first()

            def save_objective(
                v: dict[str, Any] = v,
                existing: Objective | None = existing,
                owner: Position | None = owner,
                theme: Theme | None = theme,
            ) -> Objective:
                return services.save_objective(
                    strategy_map=self.map,
                    objective=existing,
                    perspective=perspectives[v["perspective"]],
                    code=v["code"],
                    name_id=v["name_id"],
                    name_en=v["name_en"],
                    description=v["description"],
                    theme=theme,
                    owner_position=owner,
                    weight=v["weight"],
                    by=self.by,
                )

            saved = self.run(SASARAN, row, v["code"], save_objective)
            if saved is not None:
                self.count(SASARAN, existing is None)

    def links(self, rows: list[Row]) -> None:
        for row in self._good(rows, HUBUNGAN):
            v = row.values
            cause = self.objective(HUBUNGAN, row, "cause", v["cause"])
            effect = self.objective(HUBUNGAN, row, "effect", v["effect"])
            if cause is None or effect is None:
                continue
            if ObjectiveLink.objects.filter(cause=cause, effect=effect).exists():
                continue  # already on the map: an export imported back changes nothing

            def add_link(cause: Objective = cause, effect: Objective = effect) -> ObjectiveLink:
                return services.add_link(cause=cause, effect=effect, by=self.by)

            saved = self.run(HUBUNGAN, row, f"{cause.code}>{effect.code}", add_link)
            if saved is not None:
                self.count(HUBUNGAN, True)

    def kpis(self, rows: list[Row], target_rows: list[Row]) -> None:
        trajectories: dict[str, list[Row]] = defaultdict(list)
        bad_targets: set[str] = set()
        for row in target_rows:
            if row.values.get("_bad"):
                bad_targets.add(str(row.values.get("kpi") or ""))
            else:
                trajectories[row.values["kpi"]].append(row)
        codes = {r.values.get("code") for r in rows}
        for code, listed in trajectories.items():
            if code not in codes and not Kpi.objects.filter(objective__map=self.map, code=code).exists():
                for row in listed:
                    self.issue(TARGET_PERIODE, row, "kpi", _('IKU "%(code)s" tidak ada') % {"code": code})
        for row in self._good(rows, IKU):
            v = row.values
            objective = self.objective(IKU, row, "objective", v["objective"])
            ok, owner = self.position(IKU, row, "owner_position")
            if objective is None or not ok or v["code"] in bad_targets:
                continue
            trajectory = self._trajectory(trajectories.get(v["code"], []))
            if trajectory is False:
                continue
            existing = Kpi.objects.filter(objective__map=self.map, code=v["code"]).first()
            fields = {name: v[name] for name in kpi_services.MANUAL_FIELDS if name != "owner_position"}
            fields["owner_position"] = owner

            def save_kpi(
                objective: Objective = objective,
                existing: Kpi | None = existing,
                fields: dict[str, Any] = fields,
                trajectory: list[Decimal] | None = trajectory,
                v: dict[str, Any] = v,
            ) -> Kpi:
                return kpi_services.save_kpi(
                    objective=objective,
                    kpi=existing,
                    code=v["code"],
                    fields=fields,
                    trajectory=trajectory,
                    by=self.by,
                )

            saved = self.run(IKU, row, v["code"], save_kpi)
            if saved is not None:
                self.count(IKU, existing is None)
                self.report.updated[TARGET_PERIODE.name] += len(trajectories.get(v["code"], []))

    def _trajectory(self, rows: list[Row]) -> list[Decimal] | Literal[False] | None:
        """The period targets in order, None when the file gives none, False (with issues) when they have gaps."""
        if not rows:
            return None
        by_period: dict[int, Row] = {}
        ok = True
        for row in rows:
            period = row.values["period"]
            if period in by_period:
                self.issue(
                    TARGET_PERIODE, row, "period", _("periode %(n)s tercantum dua kali") % {"n": period}
                )
                ok = False
            by_period[period] = row
        expected = list(range(1, len(by_period) + 1))
        if sorted(by_period) != expected:
            self.issue(
                TARGET_PERIODE,
                rows[0],
                "period",
                _("periode harus berurutan mulai 1 (tertulis: %(found)s)")
                % {"found": ", ".join(str(p) for p in sorted(by_period))},
            )
            ok = False
        if not ok:
            return False
        return [by_period[p].values["target"] for p in expected]

    def initiatives(self, rows: list[Row]) -> None:
        for row in self._good(rows, INISIATIF):
            v = row.values
            ok, owner = self.position(INISIATIF, row, "owner_position")
            supported = []
            for code in v["objectives"]:
                found = self.objective(INISIATIF, row, "objectives", code)
                if found is None:
                    ok = False
                else:
                    supported.append(found)
            if not ok:
                continue
            existing = Initiative.objects.filter(map=self.map, code=v["code"]).first()

            def save_initiative(
                v: dict[str, Any] = v,
                existing: Initiative | None = existing,
                owner: Position | None = owner,
                supported: list[Objective] = supported,
            ) -> Initiative:
                return services.save_initiative(
                    strategy_map=self.map,
                    initiative=existing,
                    code=v["code"],
                    name_id=v["name_id"],
                    name_en=v["name_en"],
                    description=v["description"],
                    owner_position=owner,
                    owner_text=v["owner_text"],
                    budget=v["budget"],
                    start=v["start"],
                    end=v["end"],
                    objectives=supported,
                    by=self.by,
                )

            saved = self.run(INISIATIF, row, v["code"], save_initiative)
            if saved is not None:
                self.count(INISIATIF, existing is None)

    def risks(self, rows: list[Row]) -> None:
        for row in self._good(rows, RISIKO):
            v = row.values
            objective = self.objective(RISIKO, row, "objective", v["objective"])
            ok, owner = self.position(RISIKO, row, "owner_position")
            if objective is None or not ok:
                continue
            existing = Risk.objects.filter(objective=objective, code=v["code"]).first()

            def save_risk(
                v: dict[str, Any] = v,
                objective: Objective = objective,
                existing: Risk | None = existing,
                owner: Position | None = owner,
            ) -> Risk:
                return services.save_risk(
                    objective=objective,
                    risk=existing,
                    code=v["code"],
                    description=v["description"],
                    likelihood=v["likelihood"],
                    impact=v["impact"],
                    mitigation=v["mitigation"],
                    owner_position=owner,
                    owner_text=v["owner_text"],
                    by=self.by,
                )

            saved = self.run(RISIKO, row, f"{objective.code}/{v['code']}", save_risk)
            if saved is not None:
                self.count(RISIKO, existing is None)

    def _good(self, rows: Iterable[Row], sheet: Sheet) -> Iterable[Row]:
        for row in rows:
            if row.values.get("_bad"):
                code = row.values.get("code")
                if code:
                    self.failed[sheet.name].add(str(code))
                continue
            yield row


def import_map(*, strategy_map: StrategyMap, content: bytes, by: Actor, dry_run: bool = True) -> ImportReport:
    """Import a workbook into the map: all or nothing, in one transaction; a dry run never writes.

    Raises ValidationError (the map is approved or submitted: change it through
    a revision) or PermissionDenied before reading anything; every other problem
    is listed in the report.
    """
    services.ensure_editable(strategy_map, by)
    report = ImportReport()
    if len(content) > MAX_BYTES:
        report.issues.append(
            Issue(
                _("berkas"),
                None,
                None,
                _("Berkas lebih dari %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)},
            )
        )
        return report
    sheets = read_workbook(content, report)
    with transaction.atomic():
        current = locked(strategy_map, related=("unit", "plan_year"))
        services.ensure_editable(current, by)
        importer = _Importer(current, by, report)
        importer.themes(sheets.get("tema", []))
        importer.perspectives(sheets.get("perspektif", []))
        importer.objectives(sheets.get("sasaran", []))
        importer.links(sheets.get("hubungan", []))
        importer.kpis(sheets.get("iku", []), sheets.get("target_periode", []))
        importer.initiatives(sheets.get("inisiatif", []))
        importer.risks(sheets.get("risiko", []))
        order = {s.name: i for i, s in enumerate(SHEETS)}
        report.issues.sort(key=lambda i: (order.get(i.sheet, -1), i.row or 0))
        if dry_run or report.issues:
            transaction.set_rollback(True)
        else:
            report.applied = True
    return report
