"""The scoring core's explanation text in the user's language, at display time.

The scoring core (no Django) writes its explanation tree in English — subjects ("KPI S1.a index"), formulas,
input names and notes — and every snapshot stores it so. The pages translate it here, never in the core:
each formula the core writes is a key of `FORMULAS`, each pattern of a subject, input name or note one of
`PATTERNS`, mapped to an Indonesian msgid (the English catalogue gives the English wording back). Numbers
in a note are rewritten in the user's number format. Text matching nothing is shown as it is (a symbolic
formula such as "R / T × 100" needs no translation).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from kinerja.common.labels import predicate_label
from kinerja.interchange.numbers import SCORE_DECIMALS, format_decimal

# Every formula of the scoring core that contains words (kinerja.scoring.kpi, .scorecard, .cascade).
FORMULAS: Mapping[str, Promise] = {
    "conversion scale(Ca), Ca = R / T × 100 when R ≤ T, else 200 − R / T × 100": _(
        "skala konversi(Ca), Ca = R / T × 100 bila R ≤ T, selain itu 200 − R / T × 100"
    ),
    "index_cap (cap_on_target: the target is met)": _("batas atas indeks (target tercapai)"),
    "index given directly": _("indeks diberikan langsung"),
    "index_floor (not reported after its due date)": _(
        "batas bawah indeks (belum dilaporkan setelah batas waktu)"
    ),
    "not reported (N/A)": _("belum dilaporkan (N/A)"),
    "sum over the periods reported so far (targets of the same periods)": _(
        "jumlah atas periode yang sudah dilaporkan (dengan target periode yang sama)"
    ),
    "mean over the periods reported so far (targets of the same periods)": _(
        "rata-rata atas periode yang sudah dilaporkan (dengan target periode yang sama)"
    ),
    "latest period with data and that period's target": _(
        "periode terakhir yang berisi data, dengan targetnya"
    ),
    "Σ wᵢ × indexᵢ / Σ wᵢ over reported KPIs": _("Σ wᵢ × indeksᵢ / Σ wᵢ atas IKU yang dilaporkan"),
    "mean of reported KPI indices": _("rata-rata indeks IKU yang dilaporkan"),
    "Σ wⱼ × indexⱼ / Σ wⱼ over objectives": _("Σ wⱼ × indeksⱼ / Σ wⱼ atas sasaran strategis"),
    "mean of objective indices": _("rata-rata indeks sasaran strategis"),
    "Σ perspective weight × perspective index / Σ weights of perspectives with an index": _(
        "Σ bobot perspektif × indeks perspektif / Σ bobot perspektif yang memiliki indeks"
    ),
    "Σ child realizations": _("Σ realisasi IKU turunan"),
    "mean of child realizations": _("rata-rata realisasi IKU turunan"),
    "minimum of child realizations": _("nilai terkecil realisasi IKU turunan"),
    "maximum of child realizations": _("nilai terbesar realisasi IKU turunan"),
    # input names without a code
    "polarity": _("polarisasi"),
    "index given": _("indeks yang diberikan"),
}

STATUSES: Mapping[str, Promise] = {"green": _("hijau"), "yellow": _("kuning"), "red": _("merah")}


def _number(text: str) -> str:
    """A number the core wrote with a point ("130.00") in the user's format ("130,00"); other text unchanged."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    return format_decimal(value, decimals=SCORE_DECIMALS, lang=get_language(), trim=False)


def _perspective(code: str) -> str:
    from kinerja.planning.models import PerspectiveCode

    try:
        return str(PerspectiveCode(code).label)
    except ValueError:
        return code


Rewrite = Callable[[str], str]
_same: Rewrite = str

# (pattern over the core's English, Indonesian msgid, how each named group is shown)
PATTERNS: list[tuple[re.Pattern[str], Promise, Mapping[str, Rewrite]]] = [
    (re.compile(r"^KPI (?P<code>.+) index$"), _("Indeks IKU %(code)s"), {}),
    (
        re.compile(r"^KPI (?P<code>.+) consolidated realization$"),
        _("Realisasi terkonsolidasi IKU %(code)s"),
        {},
    ),
    (re.compile(r"^KPI (?P<code>.+) derived realization$"), _("Realisasi turunan IKU %(code)s"), {}),
    (re.compile(r"^objective (?P<code>.+) index$"), _("Indeks SS %(code)s"), {}),
    (
        re.compile(r"^perspective (?P<code>.+) index$"),
        _("Indeks perspektif %(code)s"),
        {"code": _perspective},
    ),
    (re.compile(r"^index (?P<code>\S+)$"), _("indeks %(code)s"), {}),
    (re.compile(r"^weight (?P<code>\S+)$"), _("bobot %(code)s"), {}),
    (
        re.compile(r"^(?P<raw>-?[\d.]+) clamped to (?P<index>-?[\d.]+)$"),
        _("%(raw)s dibatasi menjadi %(index)s"),
        {"raw": _number, "index": _number},
    ),
    (
        re.compile(r"^status (?P<status>green|yellow|red)$"),
        _("status %(status)s"),
        {"status": lambda s: str(STATUSES[s])},
    ),
    (
        re.compile(r"^consolidated target (?P<value>-?[\d.]+)$"),
        _("target terkonsolidasi %(value)s"),
        {"value": _number},
    ),
    (
        re.compile(r"^objective (?P<code>.+) has no reported KPI: left out$"),
        _("SS %(code)s tidak memiliki IKU yang dilaporkan: tidak dihitung"),
        {},
    ),
    (
        re.compile(r"^perspective (?P<code>.+) has no reported KPI: left out, weights renormalised$"),
        _("Perspektif %(code)s tidak memiliki IKU yang dilaporkan: tidak dihitung, bobot dibagi ulang"),
        {"code": _perspective},
    ),
    (
        re.compile(r"^(?P<code>.+) not reported: left out, weights renormalised$"),
        _("%(code)s belum dilaporkan: tidak dihitung, bobot dibagi ulang"),
        {},
    ),
    (
        re.compile(r"^predicate (?P<predicate>.+)$"),
        _("predikat %(predicate)s"),
        {"predicate": predicate_label},
    ),
    (
        re.compile(r"^incomplete: not reported (?P<codes>.+)$"),
        _("belum lengkap: belum dilaporkan %(codes)s"),
        {},
    ),
    (
        re.compile(r"^child (?P<code>.+) not reported: parent incomplete \(N/A\)$"),
        _("IKU turunan %(code)s belum dilaporkan: IKU induk belum lengkap (N/A)"),
        {},
    ),
]


def explain_text(text: Any) -> str:
    """One subject, formula, input name or note of a stored explanation, in the active language."""
    if text is None:
        return ""
    text = str(text)
    found = FORMULAS.get(text)
    if found is not None:
        return str(found)
    for regex, msgid, rewrite in PATTERNS:
        match = regex.match(text)
        if match:
            values = {k: rewrite.get(k, _same)(v) for k, v in match.groupdict().items()}
            return str(msgid) % values
    return text


def explain_value(value: Any) -> Any:
    """A text input value of an explanation (a polarity: "max") in the active language; others unchanged."""
    if isinstance(value, str):
        from kinerja.planning.models import PolarityChoice

        try:
            return str(PolarityChoice(value).label)
        except ValueError:
            return value
    return value
