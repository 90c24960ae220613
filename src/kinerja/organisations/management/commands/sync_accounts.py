"""`kinerja sync-accounts`: an account for every active employee and the roles the organisation gives.

The organisation import does this after every applied import; this command does it for a database whose
employees came another way (the pages, the API, an older version). Idempotent: a second run changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from kinerja.organisations.accounts_sync import sync_accounts


class Command(BaseCommand):
    help = _(
        "Membuat akun bagi setiap pegawai aktif (nama pengguna = NIP) dan menyelaraskan peran otomatis "
        "(pegawai pada unitnya, pimpinan pada unit yang dikepalainya); menonaktifkan akun pegawai yang keluar."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = sync_accounts()
        self.stdout.write(
            _(
                "Akun dibuat: %(created)d, ditautkan: %(linked)d, dinonaktifkan: %(deactivated)d, "
                "diaktifkan kembali: %(reactivated)d; peran diberikan: %(granted)d, dicabut: %(revoked)d."
            )
            % result.as_dict()
        )
        for number in result.conflicts:
            self.stderr.write(
                _("NIP %(nip)s: nama pengguna ini sudah dipakai akun pegawai lain; tidak ada akun dibuat.")
                % {"nip": number}
            )
