"""`kinerja import-history --year 2025 [--unit CODE] [--workbook FILE] [--realizations FILE] --reason "..."`.

Brings a closed past year in (issue 15 item 5, `reporting.services.history.import_history`): the unit's
strategy map and targets from a planning workbook, realizations (approved, as they were) from a realization
file, into the year's closed periods, whose final snapshots are stored again; recorded as a historical import
with the reason. All or nothing. `--dry-run` checks everything and writes nothing. Exit status 0 when
imported (or the dry run found nothing wrong), 2 when the files have errors (all listed, nothing written).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinerja.organisations.models import Unit
from kinerja.reporting.services.history import HistoryResult, import_history

BAD_FILE = 2


class Command(BaseCommand):
    help = _(
        "Mengimpor data tahun yang sudah ditutup (peta strategi dan target dari workbook peta, realisasi dari "
        "berkas realisasi) sebagai impor data tahun lalu, dengan alasan; periodenya tetap ditutup."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help=_("tahun yang sudah lewat, mis. 2025"))
        parser.add_argument("--reason", required=True, help=_("alasan impor (dicatat di riwayat)"))
        parser.add_argument(
            "--unit", metavar="CODE", help=_("kode unit pemilik peta (wajib dengan --workbook)")
        )
        parser.add_argument("--workbook", metavar="FILE", help=_("workbook peta strategi (.xlsx)"))
        parser.add_argument("--realizations", metavar="FILE", help=_("berkas realisasi (.xlsx atau .csv)"))
        parser.add_argument("--dry-run", action="store_true", help=_("periksa tanpa menyimpan"))
        parser.add_argument(
            "--by", metavar="USERNAME", help=_("administrator yang tercatat (bawaan: sistem)")
        )
        parser.add_argument("--format", choices=("table", "json"), default="table", dest="output")

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(_("Pengguna %(name)s tidak ada.") % {"name": options["by"]})
        unit = None
        if options["unit"]:
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(_("Unit %(code)s tidak ada.") % {"code": options["unit"]})
        workbook = self._read(options["workbook"])
        realizations = options["realizations"]
        if realizations and not Path(realizations).is_file():
            raise CommandError(_("Berkas %(path)s tidak ada.") % {"path": realizations})
        try:
            result = import_history(
                year=options["year"],
                reason=options["reason"],
                by=by,
                unit=unit,
                workbook_content=workbook,
                workbook_name=Path(options["workbook"]).name if options["workbook"] else "",
                realizations=realizations or None,
                realizations_name=Path(realizations).name if realizations else None,
                dry_run=options["dry_run"],
            )
        except ValidationError as error:
            messages = (
                [m for ms in error.message_dict.values() for m in ms]
                if hasattr(error, "error_dict")
                else error.messages
            )
            raise CommandError("; ".join(messages), returncode=BAD_FILE) from error
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        problems = self._problems(result)
        if options["output"] == "json":
            body = {
                **result.summary(),
                "applied": result.applied,
                "dry_run": result.dry_run,
                "problems": problems,
            }
            if result.record is not None:
                body["record"] = result.record.pk
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        else:
            self.stdout.write(self._table(result))
            for problem in problems:
                self.stderr.write(problem)
        if problems:
            raise CommandError(
                _("%(n)d kesalahan; tidak ada yang disimpan") % {"n": len(problems)}, returncode=BAD_FILE
            )

    def _read(self, path: str | None) -> bytes | None:
        if not path:
            return None
        try:
            return Path(path).read_bytes()
        except OSError as error:
            raise CommandError(_("Berkas %(path)s tidak dapat dibaca.") % {"path": path}) from error

    def _problems(self, result: HistoryResult) -> list[str]:
        found = list(result.problems)
        if result.workbook is not None:
            found += [str(issue) for issue in result.workbook.issues]
        if result.realizations is not None:
            found += [p.text() for p in result.realizations.problems]
        return found

    def _table(self, result: HistoryResult) -> str:
        summary = result.summary()
        state = (
            _("ada kesalahan: tidak ada yang disimpan")
            if not result.ok
            else (_("uji coba: tidak ada yang disimpan") if result.dry_run else _("diimpor"))
        )
        lines = [f"{result.year}: {state}"]
        if result.plan_year_created:
            lines.append(
                _("tahun rencana dibuat; %(n)d periode dibuat dan ditutup") % {"n": result.periods_closed}
            )
        if "map" in summary:
            lines.append(_("peta strategi: %(map)s") % {"map": summary["map"]})
        for name, counts in summary.get("workbook", {}).get("created", {}).items():
            lines.append(f"  {name}: +{counts}")
        if "realizations" in summary:
            r = summary["realizations"]
            lines.append(
                _("realisasi: %(c)d baru, %(u)d diperbarui, %(s)d tidak berubah (disetujui)")
                % {"c": r["created"], "u": r["updated"], "s": r["unchanged"]}
            )
        lines.append(_("potret skor final: %(n)d") % {"n": summary["snapshots"]})
        for code, nko in summary["nko"].items():
            lines.append(f"  NKO {code}: {nko if nko is not None else '-'}")
        return "\n".join(lines)
