"""The NIP (Nomor Induk Pegawai) rule, in one place: pure Python, for the files and for the application.

Layout (PP 2000 / BKN): `yyyymmdd` birth date, `yyyymm` appointment (TMT CPNS),
one sex digit (1 male, 2 female), three digits of sequence, e.g. `198001012005011001`.
The dates must be real dates, the appointment year at least 15 years after the
birth year, the sequence not `000`.

`nip_error(value)` names the first rule the value breaks by a key; the
interchange catalogue (`messages.CATALOGUE`, keys `nip_*`) words it for files in
English and Indonesian, `kinerja.organisations.validators` for forms and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Final, Literal

NipError = Literal[
    "nip_length", "nip_birth_date", "nip_appointment", "nip_too_young", "nip_sex", "nip_sequence"
]

MIN_AGE_AT_APPOINTMENT: Final = 15


def nip_error(value: str) -> NipError | None:
    """The key of the first rule `value` breaks, or None for a valid NIP."""
    if len(value) != 18 or not value.isascii() or not value.isdigit():
        return "nip_length"
    try:
        born = dt.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return "nip_birth_date"
    year, month = int(value[8:12]), int(value[12:14])
    if not 1 <= month <= 12 or year < 1:
        return "nip_appointment"
    if year < born.year + MIN_AGE_AT_APPOINTMENT:
        return "nip_too_young"
    if value[14] not in "12":
        return "nip_sex"
    if value[15:] == "000":
        return "nip_sequence"
    return None
