"""The rule-sets page: each scoring parameter as a person reads it in the decree.

The scoring core keeps its parameters as data (`kinerja.scoring.rules`): numbers, bands, enums, tables
keyed by enum pairs, and limits per unit level (drawn on one line). This module turns each into one of three shapes the template draws: a sentence
(`text`), a two-column table (`table`) or a matrix (`matrix`), with bands as ranges, shares as percentages
and every keyword in the user's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kinerja.common.labels import PREDICATES, predicate_label
from kinerja.interchange.numbers import format_decimal
from kinerja.scoring import (
    DEFAULT_RULE_SET,
    RULE_SETS,
    CapOnTargetRule,
    Controllability,
    DisciplineCategory,
    MissingPolicy,
    NkpMethod,
    RaterGroup,
    Rating,
    StabilizeMethod,
    TargetCase,
    UnitLevel,
    Validity,
)
from kinerja.scoring.rules import Bands, PredicateLimit, RuleSet

# Keywords of the scoring core, in the user's language.
WORDS: Mapping[str, Promise] = {
    Validity.EXACT: gettext_lazy("Exact"),
    Validity.PROXY: gettext_lazy("Proxy"),
    Validity.ACTIVITY: gettext_lazy("Activity"),
    Validity.PROJECT: gettext_lazy("Project"),
    Controllability.LOW: gettext_lazy("kendali rendah"),
    Controllability.MODERATE: gettext_lazy("kendali sedang"),
    Controllability.HIGH: gettext_lazy("kendali tinggi"),
    MissingPolicy.NA: gettext_lazy("tidak dinilai (N/A); bobotnya dibagi ulang ke IKU lain"),
    MissingPolicy.ZERO_AFTER_DUE: gettext_lazy("dinilai 0 setelah lewat tanggal jatuh tempo"),
    StabilizeMethod.BAND: gettext_lazy("rumus rentang target (batas bawah dan atas)"),
    StabilizeMethod.SCALE: gettext_lazy("skala konversi penyimpangan ke indeks"),
    CapOnTargetRule.MET: gettext_lazy("setiap IKU yang targetnya tercapai diberi nilai batas atas"),
    CapOnTargetRule.MET_MAX_MIN: gettext_lazy(
        "IKU maksimal atau minimal yang targetnya tercapai diberi nilai batas atas"
    ),
    NkpMethod.CKP_NP: gettext_lazy("CKP (capaian kinerja pegawai) dan NP (nilai perilaku)"),
    NkpMethod.NHK_NPK: gettext_lazy("NHK (nilai hasil kerja) dan NPK (nilai perilaku kerja)"),
    RaterGroup.SUPERIOR: gettext_lazy("Atasan"),
    RaterGroup.PEER: gettext_lazy("Rekan kerja"),
    RaterGroup.SUBORDINATE: gettext_lazy("Bawahan"),
    RaterGroup.SELF: gettext_lazy("Diri sendiri"),
    DisciplineCategory.LIGHT: gettext_lazy("Ringan"),
    DisciplineCategory.MEDIUM: gettext_lazy("Sedang"),
    DisciplineCategory.SEVERE: gettext_lazy("Berat"),
    TargetCase.LOWERED: gettext_lazy("Target diturunkan (T < T₁)"),
    TargetCase.KEPT_EXCEEDED: gettext_lazy("Target tetap, realisasi lalu melampauinya (T = T₁, R₁ > T₁)"),
    TargetCase.KEPT_NOT_EXCEEDED: gettext_lazy(
        "Target tetap, realisasi lalu tidak melampauinya (T = T₁, R₁ ≤ T₁)"
    ),
    TargetCase.RAISED_BELOW_REALIZATION: gettext_lazy(
        "Target naik, di bawah realisasi lalu (T > T₁, T < R₁)"
    ),
    TargetCase.RAISED_TO_REALIZATION: gettext_lazy(
        "Target naik, sama dengan realisasi lalu (T > T₁, T = R₁)"
    ),
    TargetCase.RAISED_ABOVE_REALIZATION: gettext_lazy("Target naik, di atas realisasi lalu (T > T₁, T > R₁)"),
    Rating.ABOVE: gettext_lazy("Di atas ekspektasi"),
    Rating.MEETS: gettext_lazy("Sesuai ekspektasi"),
    Rating.BELOW: gettext_lazy("Di bawah ekspektasi"),
    UnitLevel.WIDE: gettext_lazy("Kemenkeu-Wide"),
    UnitLevel.ONE: gettext_lazy("Kemenkeu-One"),
    UnitLevel.TWO: gettext_lazy("Kemenkeu-Two"),
    UnitLevel.THREE: gettext_lazy("Kemenkeu-Three"),
    UnitLevel.FOUR: gettext_lazy("Kemenkeu-Four"),
    UnitLevel.FIVE: gettext_lazy("Kemenkeu-Five"),
}

# Predicate and band labels as the regulations write them (Indonesian), in the user's language: one
# mapping for every page and export (kinerja.common.labels).
LABELS: Mapping[str, Promise] = PREDICATES

# Parameters that are shares (0.25 = 25 %) rather than numbers or multipliers.
SHARES = frozenset(
    {
        "nkp2014.weight_ckp",
        "nkp2014.weight_np",
        "nkp2026.weight_nhk",
        "nkp2026.weight_npk",
        "nkp2026.discipline_rates",
        "nkp2026.impact_rate",
        "nkp2026.blend_tier1",
        "nkp2026.blend_tier2",
        "nkp2026.blend_below",
    }
)
# Parameters that multiply a value (shown as "× 1,20").
FACTORS = frozenset(
    {"nkp2014.quality_factors", "nkp2026.q_kpi", "nkp2026.q_target", "nkp2026.calibration_factor"}
)
FACTOR_PREFIX = "nkp2026.q_target_"


@dataclass
class Parameter:
    name: str
    label: str
    source: str
    kind: str  # "text", "table" or "matrix"
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def number(value: Decimal | int) -> str:
    """A number as the user's language writes it: `1.234,5` / `1,234.5`, no trailing zeros."""
    return format_decimal(value, decimals=None, lang=translation.get_language())


def word(value: Any) -> str:
    found = WORDS.get(value)
    return str(found) if found is not None else str(value)


def _value(name: str, value: Decimal | int | None) -> str:
    if value is None:
        return _("tidak diperkenankan")
    if name in SHARES:
        return f"{number(Decimal(value) * 100)} %"
    if name in FACTORS or name.startswith(FACTOR_PREFIX):
        return f"× {number(value)}"
    return number(value)


def _ranges(bands: Bands) -> list[list[str]]:
    """Each band as a range of values: `≥ 110`, `≥ 100 dan < 110`, …, `< 80`."""
    rows: list[list[str]] = []
    above = ""
    for step in bands.steps:
        low = f"{'>' if step.strict else '≥'} {number(step.bound)}"
        rows.append(
            [
                _("%(low)s dan %(high)s") % {"low": low, "high": above} if above else low,
                predicate_label(word(step.label)),
            ]
        )
        above = f"{'≤' if step.strict else '<'} {number(step.bound)}"
    rows.append([above, predicate_label(word(bands.otherwise))])
    return rows


def _matrix(name: str, table: Mapping[tuple[Any, Any], Any], corner: str) -> Parameter:
    rows_keys = list(dict.fromkeys(k[0] for k in table))
    cols_keys = list(dict.fromkeys(k[1] for k in table))
    cell = (
        (lambda v: predicate_label(v))
        if isinstance(next(iter(table.values())), str)
        else (lambda v: _value(name, v))
    )
    return Parameter(
        name=name,
        label="",
        source="",
        kind="matrix",
        headers=[corner, *(word(c) for c in cols_keys)],
        rows=[[word(r), *(cell(table.get((r, c))) for c in cols_keys)] for r in rows_keys],
    )


def _limits(name: str, limits: tuple[PredicateLimit, ...]) -> Parameter:
    """Rule 26's predicate limits: one row per limit (organisation rating, predicates, bound)."""
    rows = []
    for limit in limits:
        bounds = []
        if limit.most is not None:
            bounds.append(_("paling banyak %(p)s%%") % {"p": number(limit.most)})
        if limit.least is not None:
            bounds.append(_("paling sedikit %(p)s%%") % {"p": number(limit.least)})
        if limit.least_count:
            bounds.append(_("paling sedikit %(n)s orang") % {"n": limit.least_count})
        rows.append(
            [
                predicate_label(limit.rating),
                " / ".join(str(predicate_label(p)) for p in limit.predicates),
                "; ".join(str(b) for b in bounds),
            ]
        )
    return Parameter(
        name, "", "", "table", headers=[_("Rating organisasi"), _("Predikat pegawai"), _("Batas")], rows=rows
    )


def describe(name: str, value: Any) -> Parameter:
    """One parameter in the shape a person reads it."""
    if isinstance(value, bool):
        return Parameter(name, "", "", "text", text=_("ya") if value else _("tidak"))
    if isinstance(value, Bands) and not value.steps:
        return Parameter(name, "", "", "text", text=_("tidak dipakai"))
    if isinstance(value, tuple) and value and all(isinstance(v, PredicateLimit) for v in value):
        return _limits(name, value)
    if name.endswith("allowance_shares") and isinstance(value, Mapping):
        return Parameter(
            name,
            "",
            "",
            "table",
            headers=[_("Predikat"), _("Tunjangan dibayarkan (%)")],
            rows=[[predicate_label(k), number(v)] for k, v in value.items()],
        )
    if isinstance(value, Bands):
        return Parameter(name, "", "", "table", headers=[_("Rentang nilai"), _("Hasil")], rows=_ranges(value))
    if isinstance(value, Mapping) and value and all(isinstance(k, tuple) for k in value):
        first = next(iter(value))
        corner = (
            _("Jenis IKU \\ tingkat kendali")
            if isinstance(first[0], Validity)
            else _("Hasil kerja \\ perilaku")
        )
        return _matrix(name, value, corner)
    if isinstance(value, Mapping) and value and all(isinstance(k, UnitLevel) for k in value):
        # a limit per unit level, on one line: "Kemenkeu-One 25 · Kemenkeu-Two 20 · …"
        return Parameter(
            name, "", "", "text", text=" · ".join(f"{word(k)} {number(v)}" for k, v in value.items())
        )
    if isinstance(value, Mapping):
        return Parameter(
            name,
            "",
            "",
            "table",
            headers=[_("Keadaan"), _("Nilai")],
            rows=[
                [word(k), _value(name, v) if isinstance(v, Decimal) else number(v)] for k, v in value.items()
            ],
        )
    if isinstance(value, frozenset):
        pairs = sorted(value, key=lambda p: (list(Validity).index(p[0]), list(Controllability).index(p[1])))
        return Parameter(name, "", "", "text", text="; ".join(f"{word(v)} — {word(c)}" for v, c in pairs))
    if isinstance(value, tuple):
        if not value:
            return Parameter(name, "", "", "text", text=_("tidak dipakai"))
        return Parameter(
            name,
            "",
            "",
            "table",
            headers=[_("Penyimpangan dari target (Ca)"), _("Indeks")],
            rows=[[number(point[0]), number(point[1])] for point in value],
        )
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return Parameter(name, "", "", "text", text=_value(name, value))
    return Parameter(name, "", "", "text", text=word(value))


def _parameters(rules: RuleSet, english: bool) -> Iterable[Parameter]:
    for name, param in rules.parameters():
        shown = describe(name, param.value)
        shown.label = param.label_en if english else param.label_id
        shown.source = param.source
        yield shown


def rule_set_table() -> list[dict[str, Any]]:
    """The rule sets the scoring core ships, each parameter labelled and shaped in the active language."""
    english = translation.get_language() == "en"
    return [
        {
            "code": code,
            "name": rules.name,
            "default": code == DEFAULT_RULE_SET,
            "parameters": list(_parameters(rules, english)),
        }
        for code, rules in RULE_SETS.items()
    ]
