"""The NIP (Nomor Induk Pegawai) as the application checks it: the rule of `kinerja.interchange.nip`, in words.

Layout (PP 2000 / BKN): YYYYMMDD birth date, YYYYMM appointment (TMT CPNS),
one gender digit (1 male, 2 female), three digits of sequence.
Example: 198001012005011001.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kinerja.interchange.nip import nip_error

# the words of each rule of `kinerja.interchange.nip` (the rule itself lives there, for files and forms alike)
NIP_MESSAGES = {
    "nip_length": _("NIP harus terdiri dari 18 angka."),
    "nip_birth_date": _("8 angka pertama NIP harus tanggal lahir yang sah (TTTTBBHH)."),
    "nip_appointment": _("Angka ke-9 s.d. 14 NIP harus tahun dan bulan pengangkatan yang sah (TTTTBB)."),
    "nip_too_young": _("Tahun pengangkatan pada NIP terlalu dekat dengan tahun lahir."),
    "nip_sex": _("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."),
    "nip_sequence": _("Tiga angka terakhir NIP (nomor urut) tidak boleh 000."),
}


def nip_problem(value: str) -> str | None:
    """Return what is wrong with a NIP as a translatable message, or None when it is valid."""
    error = nip_error(value)
    return None if error is None else str(NIP_MESSAGES[error])


def validate_nip(value: str) -> None:
    problem = nip_problem(value)
    if problem:
        raise ValidationError(problem, code="invalid_nip")
