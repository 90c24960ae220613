"""Applying a read workbook to a map through the services the pages use, all or nothing.

The import applies every row through the same services the pages use
(`planning.services`, `planning.kpi_services`), so it checks exactly the same rules
and permissions, inside ONE transaction. Every problem — a cell that does not
parse, a code that points nowhere, a rule a service refuses — is collected
with its sheet, row (as a spreadsheet numbers it: the header is row 1) and
column, and any problem rolls the whole import back: all or nothing. A dry
run always rolls back and reports what would happen. An approved map is
refused outright: it changes only through a recorded revision.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kinerja.common import uploads
from kinerja.common.db import analyze_after_commit
from kinerja.common.history import Actor
from kinerja.common.workflow import locked
from kinerja.interchange.messages import InvalidFileError
from kinerja.interchange.sources import check_size, check_zip
from kinerja.organisations.models import Position
from kinerja.planning import kpi_services, services
from kinerja.planning.models import (
    Initiative,
    Kpi,
    Objective,
    ObjectiveLink,
    PeriodTarget,
    Risk,
    StrategyMap,
    Theme,
)

from .layout import (
    HUBUNGAN,
    IKU,
    INISIATIF,
    PERSPEKTIF,
    RISIKO,
    SASARAN,
    SHEETS,
    TARGET_PERIODE,
    TEMA,
    Sheet,
)
from .reading import ImportReport, Issue, Row, _language, read_workbook

T = TypeVar("T")  # an item a bulk service creates (`_create_together`)


class _Importer:
    """Applies the parsed rows through the services, sheet by sheet, collecting every problem."""

    def __init__(self, strategy_map: StrategyMap, by: Actor, report: ImportReport) -> None:
        self.map, self.by, self.report = strategy_map, by, report
        self.positions = {p.code: p for p in Position.objects.filter(unit=strategy_map.unit_id)}
        self.failed: dict[str, set[str]] = defaultdict(set)  # sheet -> codes whose row failed
        self._objectives: dict[str, Objective] | None = None  # the map's SS by code, read when first asked

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
        if self._objectives is None:  # read once, after the SS sheet: one query, not one per row
            self._objectives = {o.code: o for o in Objective.objects.filter(map=self.map)}
        found = self._objectives.get(code)
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
        """New SS are created together (`create_objectives`: the same checks, one bulk insert); an SS already
        on the map, or named again further down the sheet, is saved row by row (`save_objective`)."""
        perspectives = {p.code: p for p in self.map.perspectives.all()}
        themes = {t.code: t for t in Theme.objects.filter(map=self.map)}
        on_map = {o.code: o for o in Objective.objects.filter(map=self.map)}
        new: list[tuple[Row, services.NewObjective]] = []
        later: list[tuple[Row, Position | None, Theme | None]] = []
        for row in self._good(rows, SASARAN):
            v = row.values
            ok, owner = self.position(SASARAN, row, "owner_position")
            theme = None
            if v["theme"]:
                theme = themes.get(v["theme"])
                if theme is None:
                    if v["theme"] not in self.failed["tema"]:
                        self.issue(
                            SASARAN, row, "theme", _('tema "%(code)s" tidak ada') % {"code": v["theme"]}
                        )
                    ok = False
            if not ok:
                self.failed[SASARAN.name].add(v["code"])
                continue
            code = v["code"].strip()
            if code in on_map or any(item.code.strip() == code for _row, item in new):
                later.append((row, owner, theme))
                continue
            new.append(
                (
                    row,
                    services.NewObjective(
                        perspective=perspectives[v["perspective"]],
                        code=v["code"],
                        name_id=v["name_id"],
                        name_en=v["name_en"],
                        description=v["description"],
                        theme=theme,
                        owner_position=owner,
                        weight=v["weight"],
                    ),
                )
            )
        if new:
            self._create_together(
                SASARAN,
                new,
                lambda items: services.create_objectives(strategy_map=self.map, items=items, by=self.by),
                lambda item: item.code,
            )
        for row, owner, theme in later:
            self._save_objective(row, perspectives, owner, theme)
        self._objectives = None

    def _create_together(
        self,
        sheet: Any,
        new: Sequence[tuple[Row, T]],
        create: Callable[[list[T]], Sequence[object]],
        key: Callable[[T], str],
    ) -> list[tuple[Row, T]]:
        """Create the sheet's new rows in one service call (`create`: the same checks as one at a time, bulk
        writes, one result per item, a ValidationError for a refused one); report each row's problem and count
        the created ones. Returns the rows created."""
        items = [item for _row, item in new]
        try:
            with transaction.atomic():
                results = create(items)
        except PermissionDenied:
            self.issue(sheet, None, None, _("Anda tidak berwenang mengubah peta ini."))
            self.failed[sheet.name].update(key(item) for item in items)
            return []
        except ValidationError as error:  # the map itself (not editable, not a map owner's): not about a row
            self.service_error(sheet, None, error)
            self.failed[sheet.name].update(key(item) for item in items)
            return []
        created: list[tuple[Row, T]] = []
        for (row, item), result in zip(new, results, strict=True):
            if isinstance(result, ValidationError):
                self.service_error(sheet, row, result)
                self.failed[sheet.name].add(key(item))
            else:
                self.count(sheet, True)
                created.append((row, item))
        return created

    def _save_objective(
        self, row: Row, perspectives: dict[str, Any], owner: Position | None, theme: Theme | None
    ) -> None:
        v = row.values
        existing = Objective.objects.filter(map=self.map, code=v["code"]).first()

        def save_objective() -> Objective:
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
        """The links not yet on the map are added together (`add_links`: the same checks, one bulk insert)."""
        existing = set(ObjectiveLink.objects.filter(map=self.map).values_list("cause_id", "effect_id"))
        new: list[tuple[Row, tuple[Objective, Objective]]] = []
        for row in self._good(rows, HUBUNGAN):
            v = row.values
            cause = self.objective(HUBUNGAN, row, "cause", v["cause"])
            effect = self.objective(HUBUNGAN, row, "effect", v["effect"])
            if cause is None or effect is None:
                continue
            if (cause.pk, effect.pk) in existing:
                continue  # already on the map (or above in the sheet): an export imported back changes nothing
            existing.add((cause.pk, effect.pk))
            new.append((row, (cause, effect)))
        if not new:
            return
        self._create_together(
            HUBUNGAN,
            new,
            lambda pairs: services.add_links(strategy_map=self.map, pairs=pairs, by=self.by),
            lambda pair: f"{pair[0].code}>{pair[1].code}",
        )

    def kpis(self, rows: list[Row], target_rows: list[Row]) -> None:
        """Existing KPIs are updated one by one (`save_kpi`); new ones are created together
        (`create_kpis`: the same checks, bulk writes), so a map of many KPIs costs a handful of queries."""
        trajectories: dict[str, list[Row]] = defaultdict(list)
        bad_targets: set[str] = set()
        for row in target_rows:
            if row.values.get("_bad"):
                bad_targets.add(str(row.values.get("kpi") or ""))
            else:
                trajectories[row.values["kpi"]].append(row)
        codes = {r.values.get("code") for r in rows}
        on_map = {k.code: k for k in Kpi.objects.filter(objective__map=self.map).select_related("objective")}
        for code, listed in trajectories.items():
            if code not in codes and code not in on_map:
                for row in listed:
                    self.issue(TARGET_PERIODE, row, "kpi", _('IKU "%(code)s" tidak ada') % {"code": code})
        new: list[tuple[Row, kpi_services.NewKpi]] = []
        batched: set[str] = set()
        later: list[tuple[Row, Objective, dict[str, Any], list[Decimal] | None]] = []
        for row in self._good(rows, IKU):
            v = row.values
            objective = self.objective(IKU, row, "objective", v["objective"])
            ok, owner = self.position(IKU, row, "owner_position")
            if objective is None or not ok or v["code"] in bad_targets:
                continue
            trajectory = self._trajectory(trajectories.get(v["code"], []))
            if trajectory is False:
                continue
            existing = on_map.get(v["code"].strip())
            fields = {name: v[name] for name in kpi_services.MANUAL_FIELDS if name != "owner_position"}
            fields["owner_position"] = owner
            if existing is None:
                if v["code"].strip() in batched:  # named again: saved over the first, after it is written
                    later.append((row, objective, fields, trajectory))
                else:
                    batched.add(v["code"].strip())
                    new.append((row, kpi_services.NewKpi(objective, v["code"], fields, trajectory)))
                continue
            self._save_kpi(row, objective, fields, trajectory, trajectories, existing=existing)
        if new:
            created = self._create_together(
                IKU,
                new,
                lambda items: kpi_services.create_kpis(strategy_map=self.map, items=items, by=self.by),
                lambda item: item.code,
            )
            for _row, item in created:
                self.report.updated[TARGET_PERIODE.name] += len(trajectories.get(item.code, []))
        for row, objective, fields, trajectory in later:
            self._save_kpi(row, objective, fields, trajectory, trajectories)

    def _save_kpi(
        self,
        row: Row,
        objective: Objective,
        fields: dict[str, Any],
        trajectory: list[Decimal] | None,
        trajectories: dict[str, list[Row]],
        *,
        existing: Kpi | None = None,
    ) -> None:
        """Save one KPI through `save_kpi`: an update of `existing`, else of the one the map has by that code
        (written earlier in this import), else a new one."""
        v = row.values
        if existing is None:
            existing = Kpi.objects.filter(objective__map=self.map, code=v["code"]).first()

        def save_kpi() -> Kpi:
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
    limits = uploads.limits()
    try:  # the upload limits (KINERJA_IMPORT_*), before openpyxl opens the file
        source = io.BytesIO(content)
        check_size(source, "", limits)
        check_zip(source, "", limits)
    except InvalidFileError as error:
        report.issues.extend(Issue(_("berkas"), None, None, p.message(_language())) for p in error.problems)
        return report
    sheets = read_workbook(content, report, max_rows=limits.max_rows)
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
            written = sum(report.created.values()) + sum(report.updated.values())
            analyze_after_commit(written, Kpi, PeriodTarget, Objective, ObjectiveLink, Initiative, Risk)
    return report
