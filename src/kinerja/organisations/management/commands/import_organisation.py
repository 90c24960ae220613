"""`kinerja import-organisation PATH [--apply] [--partial] [--format table|json] [--by USERNAME]`.

Units, positions and employees from the HR system's organisation file (interchange.md, "The organisation
file"): a dry run by default; `--apply` writes every change in one transaction; `--partial` syncs only the
rows given (without it, what the file does not list is closed or deactivated). Exit status 0 when the file
is valid (applied or not), 2 when it has errors (all of them listed, nothing written).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinerja.organisations.importing import ImportResult, import_organisation

BAD_FILE = 2


class Command(BaseCommand):
    help = _(
        "Mengimpor unit, jabatan, dan pegawai dari berkas organisasi (.xlsx dengan lembar unit, jabatan, "
        "pegawai, atau folder berisi unit.csv, jabatan.csv, pegawai.csv). Tanpa --apply hanya uji coba."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help=_("buku kerja .xlsx atau folder berkas CSV"))
        parser.add_argument(
            "--apply",
            action="store_true",
            help=_("simpan perubahan (dalam satu transaksi); bawaan: uji coba"),
        )
        parser.add_argument(
            "--partial",
            action="store_true",
            help=_("hanya baris yang ada di berkas; yang tidak tercantum tidak ditutup atau dinonaktifkan"),
        )
        parser.add_argument("--format", choices=("table", "json"), default="table", dest="output")
        parser.add_argument(
            "--by", metavar="USERNAME", help=_("pengguna yang tercatat di riwayat (bawaan: sistem)")
        )
        parser.add_argument("--lang", choices=("en", "id"), default="en", help=_("bahasa pesan (bawaan: en)"))
        parser.add_argument(
            "--date", type=dt.date.fromisoformat, help=_("tanggal impor (bawaan: hari ini), TTTT-BB-HH")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        by = None
        if options["by"]:
            by = get_user_model().objects.filter(username=options["by"]).first()
            if by is None:
                raise CommandError(_("Pengguna %(name)s tidak ada.") % {"name": options["by"]})
        lang = options["lang"]
        result = import_organisation(
            options["path"], apply=options["apply"], partial=options["partial"], by=by, today=options["date"]
        )
        if options["output"] == "json":
            indent = 2 if self.stdout.isatty() else None
            self.stdout.write(json.dumps(result.to_dict(lang), ensure_ascii=False, indent=indent))
        else:
            self.stdout.write(self._table(result, options["path"], lang))
            for problem in result.problems:
                self.stderr.write(problem.text(lang))
        if not result.valid:
            count = len(result.problems)
            summary = (
                f"{count} errors; nothing written"
                if lang == "en"
                else f"{count} kesalahan; tidak ada yang disimpan"
            )
            raise CommandError(summary, returncode=BAD_FILE)

    def _table(self, result: ImportResult, path: str, lang: str) -> str:
        words = TABLE_WORDS["id" if lang == "id" else "en"]
        state = words["invalid"] if not result.valid else words["applied" if result.applied else "dry_run"]
        header = ["", words["new"], words["changed"], words["moved"], words["gone"], words["unchanged"]]
        cells = [header]
        for label, counts, moves in (
            (words["units"], result.units, False),
            (words["positions"], result.positions, False),
            (words["employees"], result.employees, True),
        ):
            moved = str(counts.moved) if moves else "-"
            cells.append(
                [label, str(counts.new), str(counts.changed), moved, str(counts.gone), str(counts.unchanged)]
            )
        widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
        lines = [f"{path}: {state}"]
        for row in cells:
            lines.append(
                "  ".join(
                    c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(row)
                ).rstrip()
            )
        if result.valid and not result.changes:
            lines.append(words["nothing"])
        return "\n".join(lines)


# the table's words, in the language of `--lang` like the problems (`interchange.messages`)
TABLE_WORDS = {
    "en": {
        "invalid": "the file has errors: nothing written",
        "applied": "applied",
        "dry_run": "dry run: nothing written (add --apply to write)",
        "new": "new",
        "changed": "changed",
        "moved": "moved",
        "gone": "closed/deactivated",
        "unchanged": "unchanged",
        "units": "units",
        "positions": "positions",
        "employees": "employees",
        "nothing": "Nothing to change: the database already matches the file.",
    },
    "id": {
        "invalid": "berkas mengandung kesalahan: tidak ada yang disimpan",
        "applied": "disimpan",
        "dry_run": "uji coba: tidak ada yang disimpan (tambahkan --apply untuk menyimpan)",
        "new": "baru",
        "changed": "berubah",
        "moved": "pindah",
        "gone": "ditutup/nonaktif",
        "unchanged": "tetap",
        "units": "unit",
        "positions": "jabatan",
        "employees": "pegawai",
        "nothing": "Tidak ada perubahan: basis data sudah sama dengan berkas.",
    },
}
