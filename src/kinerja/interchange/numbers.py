"""Numbers as people read them: the one rule for showing a figure on a page or a chart.

`format_decimal` writes a number the way `cells.parse_decimal(style=NumberStyle.HUMAN)` reads
it back: Indonesian `1.234.567,5` (`.` groups thousands, `,` marks decimals), English
`1,234,567.5`. `unit_decimals` gives a KPI's precision from the unit of its manual
(`satuan pengukuran`): counts are whole, everything else shows at most 2 decimals.

No Django here: the template filters (`kinerja.common.templatetags.kinerja_numbers`) pass the
active language in.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from typing import Final

__all__ = ["SCORE_DECIMALS", "UNIT_DECIMALS", "format_decimal", "separators", "unit_decimals"]

SCORE_DECIMALS: Final = 2
"""Indices, NKO and weights: always 2 decimals (`92,50`), as the scoring core rounds them."""

UNIT_DECIMALS: Final = 2
"""A KPI value whose unit is not a count: at most 2 decimals, trailing zeros dropped (`92,5`)."""

_SEPARATORS: Final = {"id": (".", ","), "en": (",", ".")}


def separators(lang: str | None) -> tuple[str, str]:
    """(thousands mark, decimal mark) of a language: `id` → (`.`, `,`), `en`/`en-gb` → (`,`, `.`).

    Any language other than English is written the Indonesian way (the default interface).
    """
    base = (lang or "id").lower().replace("_", "-").split("-")[0]
    return _SEPARATORS.get(base, _SEPARATORS["id"])


def format_decimal(
    value: Decimal | int | float | str | None,
    *,
    decimals: int | None,
    lang: str | None,
    thousands: bool = True,
    trim: bool = True,
) -> str:
    """A number as a person reads it in `lang`; None (or blank) → `""`.

    - `decimals`: rounded half-up to that many decimals (`2.345` → `2,35`, `-2.345` → `-2,35`);
      None keeps the value's own decimals (a stored `6.010000` is `6,01` with `trim`).
    - `trim`: trailing zeros after the decimal mark are dropped (`92.50` → `92,5`, `6.00` → `6`);
      without it a value shows exactly `decimals` decimals (`92,50`).
    - `thousands`: the whole part is grouped by threes (`1.234.567`); a 4-digit number too.
    - A negative number starts with `-`; one that rounds to zero is `0`, never `-0`.
    - A value that is not a number (text) comes back as its text; NaN and infinities likewise.
    """
    if value is None or value == "":
        return ""
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if decimals is not None:
        if decimals < 0:
            raise ValueError(f"decimals must be 0 or more, not {decimals}")
        # enough precision for any DecimalField(24, 6) and more: quantize never raises here
        context = Context(prec=max(number.adjusted(), 0) + decimals + 2)
        number = number.quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP, context)
    text = format(number, "f")
    negative = text.startswith("-")
    text = text.lstrip("-")
    whole, _, fraction = text.partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    if negative and not whole.strip("0") and not fraction.strip("0"):
        negative = False  # -0.001 to 2 decimals: 0, not -0
    group, point = separators(lang)
    if thousands and len(whole) > 3:
        head = len(whole) % 3 or 3
        whole = group.join([whole[:head], *(whole[i : i + 3] for i in range(head, len(whole), 3))])
    shown = f"{whole}{point}{fraction}" if fraction else whole
    return f"-{shown}" if negative else shown


# ---------------------------------------------------------------- a KPI's precision

# units that count things: a count is whole (`6 kegiatan`, never `6,01 kegiatan`)
_COUNT_WORDS: Final = frozenset(
    {
        # Indonesian
        "kegiatan", "dokumen", "orang", "unit", "laporan", "kali", "wajib", "wp", "pegawai",
        "berkas", "kasus", "perkara", "rekomendasi", "aplikasi", "satker", "pengguna", "peraturan",
        "buah", "paket", "kebijakan", "produk", "sistem", "kajian", "temuan",
        "lokasi", "kantor", "inovasi", "layanan", "permohonan", "surat", "satuan",
        # English
        "activity", "activities", "document", "documents", "person", "persons", "people",
        "units", "report", "reports", "times", "taxpayer", "taxpayers", "employee", "employees",
        "case", "cases", "item", "items", "count",
    }
)  # fmt: skip
# units that are not counts even when a count word follows (`% dokumen`, `indeks kepuasan`)
_MEASURE_WORDS: Final = frozenset(
    {
        "%", "persen", "persentase", "percent", "percentage", "indeks", "index", "skala", "scale",
        "nilai", "skor", "score", "rasio", "ratio", "rp", "rupiah", "ribu", "juta", "miliar",
        "milyar", "triliun", "idr", "thousand", "million", "billion", "trillion", "hari", "days",
        "jam", "hours", "bulan", "months", "tahun", "years",
    }
)  # fmt: skip
_WORDS = re.compile(r"%|[^\W\d_]+")


def unit_decimals(unit_of_measure: str | None) -> int:
    """The decimals a KPI's values show, from the unit of its manual (`satuan pengukuran`).

    A count (`kegiatan`, `dokumen`, `orang`, `unit`, `laporan`, `kali`, `wajib pajak`, ...) is
    whole: 0. Anything else, percentages (`%`, `persen`), indices and scales (`indeks`,
    `skala 5`, `nilai`), money (`Rp`, `juta`, `miliar`, `triliun`), durations and an unknown
    or blank unit: `UNIT_DECIMALS` (2, shown trimmed). A unit naming both a measure and a
    thing counted (`% dokumen`, `Rp per orang`) is not a count.

    A `decimals` field on the KPI manual would say this exactly; until the manual has one, the
    unit is the best guide there is.
    """
    words = _WORDS.findall((unit_of_measure or "").lower())
    if not words or any(word in _MEASURE_WORDS for word in words):
        return UNIT_DECIMALS
    return 0 if words[0] in _COUNT_WORDS else UNIT_DECIMALS
