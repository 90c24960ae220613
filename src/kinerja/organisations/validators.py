"""The NIP (Nomor Induk Pegawai): the 18-digit civil-servant number.

Layout (PP 2000 / BKN): YYYYMMDD birth date, YYYYMM appointment (TMT CPNS),
one gender digit (1 male, 2 female), three digits of sequence.
Example: 198001012005011001.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def nip_problem(value: str) -> str | None:
    """Return what is wrong with a NIP as a translatable message, or None when it is valid."""
    if len(value) != 18 or not value.isdigit():
        return str(_("NIP harus terdiri dari 18 angka."))
    try:
        born = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return str(_("8 angka pertama NIP harus tanggal lahir yang sah (TTTTBBHH)."))
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12:
        return str(_("Angka ke-9 s.d. 14 NIP harus tahun dan bulan pengangkatan yang sah (TTTTBB)."))
    if year < born.year + 15:
        return str(_("Tahun pengangkatan pada NIP terlalu dekat dengan tahun lahir."))
    if value[14] not in "12":
        return str(_("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    if value[15:] == "000":
        return str(_("Tiga angka terakhir NIP (nomor urut) tidak boleh 000."))
    return None


def validate_nip(value: str) -> None:
    problem = nip_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_nip")
