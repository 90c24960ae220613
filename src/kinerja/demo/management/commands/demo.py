"""`kinerja demo [--reset] [--export-maps DIR]`: load the demo ministry (idempotent) and print the demo logins.

`kinerja demo --scale ministry|N [--seed S] [--reset]`: instead, generate a ministry at the Ministry's size (or
the fraction N of it) into an empty database (`kinerja.demo.scale`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from kinerja.demo import build, maps, planning, scale
from kinerja.demo import organisation as demo


class Command(BaseCommand):
    help = _("Memuat kementerian demo: unit, jabatan, sekitar 200 pegawai, dan akun demo per peran.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help=_("Hapus data demo lebih dahulu, lalu bangun kembali."),
        )
        parser.add_argument(
            "--export-maps",
            metavar="DIR",
            help=_(
                "Setelah membangun, ekspor peta demo sebagai buku kerja Excel dan maps.json ke DIR "
                "(begitulah src/kinerja/demo/data/maps dibuat)."
            ),
        )

        parser.add_argument(
            "--scale",
            metavar="ministry|N",
            help=_(
                "Bangkitkan kementerian berukuran nyata (ministry: sekitar 3.000 unit, 80.000 pegawai, 1.000 peta, "
                "40.000 IKU) atau pecahan N darinya (mis. 0,1) pada basis data kosong, sebagai pengganti demo biasa."
            ),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=scale.DEFAULT_SEED,
            help=_("Seed pembangkit kementerian skala (seed dan skala yang sama: data yang sama)."),
        )

    def handle(
        self,
        *args: Any,
        reset: bool = False,
        export_maps: str | None = None,
        scale: str | None = None,
        seed: int = 0,
        **options: Any,
    ) -> None:
        if scale is not None:
            self.handle_scale(scale, seed, reset)
            return
        try:
            build.build_demo(reset=reset, report=self.stdout.write)
        except ProtectedError as exc:
            raise CommandError(
                _(
                    "Data demo tidak dapat dihapus karena masih dipakai data lain (%(count)d objek), misalnya "
                    "pegawai yang ditambahkan sendiri pada unit demo. Pindahkan atau hapus data itu dahulu."
                )
                % {"count": len(exc.protected_objects)}
            ) from exc
        if export_maps:
            units = [entry.unit for entry in planning.DEMO_MAPS]
            for path in maps.export_maps(Path(export_maps), units, planning.DEMO_YEAR):
                self.stdout.write(_("Diekspor: %(path)s") % {"path": path})
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Kementerian demo siap. Akun demo:")))
        self.stdout.write(self.format_table(demo.login_table()))

    def handle_scale(self, value: str, seed: int, reset: bool) -> None:
        try:
            fraction = scale.parse_scale(value)
        except ValueError as exc:
            raise CommandError(
                _("--scale menerima ministry atau pecahan antara 0 dan 1, bukan %(value)s.")
                % {"value": value}
            ) from exc
        try:
            result = scale.build_scale(scale=fraction, seed=seed, reset=reset, report=self.stdout.write)
        except scale.ScaleError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(scale.summary(result))
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(_("Kementerian skala siap. Akun:")))
        self.stdout.write(self.format_table(result.logins))

    @staticmethod
    def format_table(rows: list[dict[str, str]]) -> str:
        columns = [
            ("username", _("Nama pengguna")),
            ("password", _("Kata sandi")),
            ("role", _("Peran")),
            ("unit", _("Unit")),
            ("sees", _("Yang terlihat")),
        ]
        widths = {key: max(len(str(label)), *(len(row[key]) for row in rows)) for key, label in columns}
        lines = [
            "  ".join(str(label).ljust(widths[key]) for key, label in columns).rstrip(),
            "  ".join("-" * widths[key] for key, _label in columns),
        ]
        lines += ["  ".join(row[key].ljust(widths[key]) for key, _label in columns).rstrip() for row in rows]
        return "\n".join(lines)
