"""Rule sets: every number of `scoring.md` as data, with its label and its source.

A `RuleSet` is a frozen dataclass of `Param`s. Each `Param` carries its value,
an Indonesian and an English label and the regulation it comes from, so the
web application can show *why* a figure is what it is
(`RuleSet.parameters()` lists them all). Formulas read their numbers from the
rule set and never from constants in code (`scoring.md`, preamble); so do the
planning and contract limits of `domain.md` §2 and §5 (KPI caps per unit level,
KPIs per SS and per map, the replacement-contract deadline: `RuleSet.kpi_cap`).

Two rule sets ship (`RULE_SETS`): `kmk-467-2014` (§1–§6, the default) and
`kmk-127-2026` (§7). Parameters used only by one employee-score method live in
the `nkp2014` (§6) or `nkp2026` (§7.2–§7.3) group; the other group is `None`.
A variant rule set is made with `dataclasses.replace`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from functools import cached_property
from itertools import pairwise
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from kinerja.scoring.enums import (
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
from kinerja.scoring.errors import ErrorCode, ScoringError
from kinerja.scoring.explain import settle

__all__ = [
    "DEFAULT_RULE_SET",
    "RULE_SETS",
    "AppraisalRules",
    "Bands",
    "ConversionScale",
    "Nkp2014Rules",
    "Nkp2026Rules",
    "Param",
    "PredicateLimit",
    "RuleSet",
    "Step",
    "get_rule_set",
]

T = TypeVar("T")

ConversionScale = tuple[tuple[Decimal, Decimal], ...]
"""Points ``(Ca, index)`` of a stabilize conversion scale (§7.1), ascending in ``Ca``."""

QualityMatrix = Mapping[tuple[Validity, Controllability], Decimal | None]
"""Factor per (validity, controllability); ``None`` marks a pair that is not allowed (§7.2)."""


@dataclass(frozen=True, slots=True)
class Param(Generic[T]):
    """One rule-set parameter: its value, labels (Indonesian, English) and source regulation."""

    value: T
    label_id: str
    label_en: str
    source: str

    def text(self) -> str:
        """The value as a person reads it (percent-free, decimals as written)."""
        return _value_text(self.value)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a `Bands` table: values ``≥ bound`` (``> bound`` when `strict`) get `label`."""

    bound: Decimal
    label: str
    strict: bool = False


@dataclass(frozen=True, slots=True)
class Bands:
    """A banded classification: the first step (highest first) the value reaches, else `otherwise`."""

    steps: tuple[Step, ...]
    otherwise: str

    def classify(self, value: Decimal) -> str:
        """The label of `value` (settled first, so an exact bound is met exactly: see `explain.settle`)."""
        value = settle(value)
        for step in self.steps:
            if value > step.bound or (value == step.bound and not step.strict):
                return step.label
        return self.otherwise

    def __str__(self) -> str:
        parts = [f"{'>' if s.strict else '≥'} {s.bound} {s.label}" for s in self.steps]
        parts.append(f"otherwise {self.otherwise}")
        return "; ".join(parts)


def _value_text(value: object) -> str:
    if isinstance(value, Mapping):
        return "; ".join(f"{_value_text(k)}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, tuple | frozenset):
        items = sorted(value, key=str) if isinstance(value, frozenset) else value
        return "(" + ", ".join(_value_text(v) for v in items) + ")"
    if value is None:
        return "not allowed"
    return str(value)


def _p(value: T, label_id: str, label_en: str, source: str) -> Param[T]:
    return Param(value, label_id, label_en, source)


def _d(text: str) -> Decimal:
    return Decimal(text)


@dataclass(frozen=True)
class Nkp2014Rules:
    """Employee-score parameters of `kmk-467-2014` (§6: CKP, NP, NKP, bands)."""

    quality_factors: Param[QualityMatrix]
    weight_ckp: Param[Decimal]
    weight_np: Param[Decimal]
    np_score_max: Param[Decimal]
    group_weights: Param[Mapping[RaterGroup, Decimal]]
    penalty_per_missed_assessment: Param[Decimal]
    penalty_per_subordinate_without_raters: Param[Decimal]
    penalty_subordinates_cap: Param[Decimal]
    penalty_no_raters_proposed: Param[Decimal]
    penalty_cap: Param[Decimal]
    np_bands: Param[Bands]


@dataclass(frozen=True)
class Nkp2026Rules:
    """Employee-score parameters of `kmk-127-2026` (§7.2 K3 and §7.3 NHK, NPK, NKP)."""

    q_kpi: Param[QualityMatrix]
    q_target: Param[Mapping[TargetCase, Decimal]]
    q_target_fixed: Param[Decimal]
    q_target_new: Param[Decimal]
    q_target_stabilize: Param[Decimal]
    q_target_mandatory_floor: Param[Decimal]
    core_value_max: Param[Decimal]
    calibration_threshold: Param[Decimal]
    calibration_factor: Param[Decimal]
    calibration_input_cap: Param[Decimal]
    weight_nhk: Param[Decimal]
    weight_npk: Param[Decimal]
    discipline_rates: Param[Mapping[DisciplineCategory, Decimal]]
    discipline_quarters: Param[Mapping[DisciplineCategory, int]]
    impact_rate: Param[Decimal]
    impact_cap: Param[Decimal]
    correction_limit: Param[Decimal]
    blend_tier1: Param[Decimal]
    blend_tier2: Param[Decimal]
    blend_below: Param[Decimal]
    ratings: Param[Bands]
    predicates: Param[Mapping[tuple[Rating, Rating], str]]


@dataclass(frozen=True, slots=True)
class PredicateLimit:
    """A distribution limit (`domain.md` rule 26; PermenPANRB 6/2022 as read): in a unit whose organisation
    rating is `rating`, the employees whose predicate is one of `predicates` are at most `most` percent and
    at least `least` percent of the unit (``None``: no such bound), and at least `least_count` people."""

    rating: str
    predicates: tuple[str, ...]
    most: Decimal | None = None
    least: Decimal | None = None
    least_count: int = 0

    def __str__(self) -> str:
        bounds = []
        if self.most is not None:
            bounds.append(f"≤ {self.most}%")
        if self.least is not None:
            bounds.append(f"≥ {self.least}%")
        if self.least_count:
            bounds.append(f"≥ {self.least_count}")
        return f"{self.rating}: {' / '.join(self.predicates)} {' '.join(bounds)}"


@dataclass(frozen=True)
class AppraisalRules:
    """Parameters of the appraisal tools of every rule set (§6 distribution and leniency, `domain.md` rule 26):
    the curve, the leniency checks, calibration-session bounds, predicate limits, allowance and talent pool."""

    distribution_best: Param[Decimal]
    distribution_average: Param[Decimal]
    distribution_below: Param[Decimal]
    leniency_high_score: Param[Decimal]
    leniency_mean: Param[Decimal]
    leniency_spread: Param[Decimal]
    leniency_share: Param[Decimal]
    leniency_min_scores: Param[int]
    calibration_limit: Param[Decimal]
    organisation_ratings: Param[Bands]
    predicate_limits: Param[tuple[PredicateLimit, ...]]
    predicate_limits_enforced: Param[bool]
    allowance_shares: Param[Mapping[str, Decimal]]
    talent_pool_periods: Param[int]


@dataclass(frozen=True)
class _Compiled:
    """Values the per-KPI hot path reads, unwrapped once per rule set."""

    floor: Decimal
    cap: Decimal
    green: Decimal
    yellow: Decimal
    stabilize_scale: bool
    scale: ConversionScale
    cap_rule_2026: bool
    zero_after_due: bool


@dataclass(frozen=True, eq=False)
class RuleSet:
    """A versioned set of scoring parameters (`scoring.md`); compare rule sets by `code`.

    Fields are `Param`s (see `parameters()`); `nkp2014` / `nkp2026` hold the
    parameters of the employee-score method named by `nkp_method` and are
    ``None`` when the rule set does not use that method.
    """

    code: str
    name: str
    source: str
    index_floor: Param[Decimal]
    index_cap: Param[Decimal]
    status_green: Param[Decimal]
    status_yellow: Param[Decimal]
    nko_predicates: Param[Bands]
    missing_policy: Param[MissingPolicy]
    stabilize_method: Param[StabilizeMethod]
    stabilize_scale: Param[ConversionScale]
    cap_on_target_rule: Param[CapOnTargetRule]
    avoid_pairs: Param[frozenset[tuple[Validity, Controllability]]]
    kpi_caps: Param[Mapping[UnitLevel, int]]
    kpi_cap_three_non_owner: Param[int]
    map_kpi_limit: Param[int]
    kpis_per_objective: Param[int]
    replacement_working_days: Param[int]
    nkp_method: Param[NkpMethod]
    appraisal: AppraisalRules
    nkp2014: Nkp2014Rules | None = field(default=None)
    nkp2026: Nkp2026Rules | None = field(default=None)

    def parameters(self) -> list[tuple[str, Param[Any]]]:
        """Every parameter as ``(name, Param)``, in declaration order; grouped ones as ``group.name``."""
        out: list[tuple[str, Param[Any]]] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Param):
                out.append((f.name, value))
            elif isinstance(value, Nkp2014Rules | Nkp2026Rules | AppraisalRules):
                out.extend((f"{f.name}.{g.name}", getattr(value, g.name)) for g in fields(value))
        return out

    def avoided(self, validity: Validity, controllability: Controllability) -> bool:
        """Whether a validity/controllability pair is on the avoid list (a warning, `domain.md` §5 rule 9)."""
        return (validity, controllability) in self.avoid_pairs.value

    def kpi_cap(self, level: str, *, owns_map: bool) -> int | None:
        """The KPI cap of a contract held at a unit of `level` (`domain.md` §2, rule 10: a warning).

        `level` is a `UnitLevel` value; a Kemenkeu-Three unit that owns no map has the non-owner cap.
        ``None`` means no cap (Kemenkeu-Wide, or a level the rule set does not name).
        """
        if level == UnitLevel.THREE and not owns_map:
            return self.kpi_cap_three_non_owner.value
        return self.kpi_caps.value.get(UnitLevel(level)) if level in _LEVELS else None

    @cached_property
    def compiled(self) -> _Compiled:
        """The hot-path values, unwrapped once (internal; read the `Param`s for display)."""
        scale = self.stabilize_scale.value
        uses_scale = self.stabilize_method.value is StabilizeMethod.SCALE
        if uses_scale and (not scale or any(b[0] <= a[0] for a, b in pairwise(scale))):
            raise ValueError(f"rule set {self.code}: the stabilize conversion scale needs ascending points")
        return _Compiled(
            floor=self.index_floor.value,
            cap=self.index_cap.value,
            green=self.status_green.value,
            yellow=self.status_yellow.value,
            stabilize_scale=uses_scale,
            scale=scale,
            cap_rule_2026=self.cap_on_target_rule.value is CapOnTargetRule.MET_MAX_MIN,
            zero_after_due=self.missing_policy.value is MissingPolicy.ZERO_AFTER_DUE,
        )

    def __repr__(self) -> str:
        return f"RuleSet({self.code!r})"


KMK_2014 = "KMK 467/KMK.01/2014"
KMK_2026 = "KMK 127/2026"
PERMEN = "PermenPANRB 6/2022"
READING = "KMK 127/2026 (reading)"
KINERJA = "Kinerja default (not fixed by the decree)"

_V, _C = Validity, Controllability
_LEVELS = frozenset(UnitLevel)

_COMMON: dict[str, Any] = {
    "index_floor": _p(_d("0"), "Batas bawah indeks capaian", "Index floor", KMK_2014),
    "index_cap": _p(_d("120"), "Batas atas indeks capaian", "Index cap", KMK_2014),
    "status_green": _p(_d("100"), "Batas status hijau (≥)", "Green status from (≥)", KMK_2014),
    "status_yellow": _p(_d("80"), "Batas status kuning (≥)", "Yellow status from (≥)", KMK_2014),
    "nko_predicates": _p(
        Bands(
            (
                Step(_d("110"), "Sangat Baik"),
                Step(_d("100"), "Baik"),
                Step(_d("90"), "Cukup"),
                Step(_d("80"), "Kurang"),
            ),
            "Buruk",
        ),
        "Predikat NKO",
        "NKO predicate",
        KMK_2014,
    ),
    "missing_policy": _p(
        MissingPolicy.NA,
        "Realisasi kosong: tidak dinilai (N/A), bobot dinormalkan",
        "Missing realization: not scored (N/A), weights renormalised",
        KMK_2014,
    ),
    "avoid_pairs": _p(
        frozenset({(_V.ACTIVITY, _C.LOW), (_V.EXACT, _C.HIGH)}),
        "Pasangan jenis IKU dan tingkat kendali yang dihindari",
        "Validity/controllability pairs to avoid",
        KMK_2014,
    ),
    # domain.md §2 and §5 rules 7, 10 and 17: planning and contract limits (warnings).
    "kpi_caps": _p(
        MappingProxyType(
            {
                UnitLevel.ONE: 25,
                UnitLevel.TWO: 20,
                UnitLevel.THREE: 20,
                UnitLevel.FOUR: 10,
                UnitLevel.FIVE: 10,
            }
        ),
        "Batas IKU per kontrak menurut level, peringatan bila lebih (Kemenkeu-Three: pemilik peta; "
        "Kemenkeu-Wide: tanpa batas)",
        "KPI cap per contract by level, warn above (Kemenkeu-Three: map owners; Kemenkeu-Wide: no cap)",
        KMK_2014,
    ),
    "kpi_cap_three_non_owner": _p(
        10,
        "Batas IKU per kontrak Kemenkeu-Three yang bukan pemilik peta",
        "KPI cap per contract, Kemenkeu-Three not owning a map",
        KMK_2014,
    ),
    "map_kpi_limit": _p(
        30,
        "Batas IKU pada satu peta strategi, peringatan bila lebih",
        "KPIs on one map, warn above",
        KMK_2014,
    ),
    "kpis_per_objective": _p(
        3, "Batas IKU pada satu SS, peringatan bila lebih", "KPIs on one SS, warn above", KMK_2014
    ),
    "replacement_working_days": _p(
        15,
        "Batas pembuatan kontrak pengganti setelah perpindahan jabatan (hari kerja)",
        "Replacement contract due after a job change (working days)",
        KMK_2014 + " (about 15; varies by unit)",
    ),
}


def _curve_and_leniency(high: Decimal, mean: Decimal, source: str) -> dict[str, Any]:
    """The distribution curve (§6, 15/70/15) and the leniency checks; `high` and `mean` on the rule set's scale."""
    return {
        "distribution_best": _p(
            _d("15"), "Kurva distribusi: terbaik (%)", "Distribution: best (%)", KMK_2014
        ),
        "distribution_average": _p(
            _d("70"), "Kurva distribusi: rata-rata (%)", "Distribution: average (%)", KMK_2014
        ),
        "distribution_below": _p(
            _d("15"), "Kurva distribusi: di bawah rata-rata (%)", "Distribution: below average (%)", KMK_2014
        ),
        "leniency_high_score": _p(
            high, "Nilai tinggi untuk bias kemurahan", "High score for leniency checks", source
        ),
        "leniency_mean": _p(mean, "Bias kemurahan: rata-rata minimal", "Leniency: mean at least", KINERJA),
        "leniency_spread": _p(
            _d("5"), "Bias kemurahan: simpangan baku maksimal", "Leniency: spread at most", KINERJA
        ),
        "leniency_share": _p(
            _d("80"),
            "Bias kemurahan: porsi nilai tinggi minimal (%)",
            "Leniency: share of high scores at least (%)",
            KINERJA,
        ),
        "leniency_min_scores": _p(
            5, "Bias kemurahan: jumlah nilai minimal", "Leniency: fewest scores to judge", KINERJA
        ),
        "calibration_limit": _p(
            _d("5"),
            "Batas penyesuaian NKP dalam sidang kalibrasi (±)",
            "Calibration-session adjustment of the NKP (±)",
            KINERJA,
        ),
        "talent_pool_periods": _p(
            2,
            "Kandidat talent pool: terbaik berturut-turut (periode)",
            "Talent-pool candidate: best in a row (periods)",
            KINERJA,
        ),
    }


_APPRAISAL_2014 = AppraisalRules(
    **_curve_and_leniency(_d("91"), _d("90"), KMK_2014),
    organisation_ratings=_p(
        Bands((), "-"), "Rating organisasi (tidak dipakai)", "Organisation rating (not used)", KMK_2014
    ),
    predicate_limits=_p(
        (), "Batas sebaran predikat (tidak ada)", "Predicate distribution limits (none)", KMK_2014
    ),
    predicate_limits_enforced=_p(
        False, "Batas sebaran predikat ditegakkan", "Predicate distribution limits enforced", KMK_2014
    ),
    allowance_shares=_p(
        MappingProxyType(
            {
                "sangat baik": _d("100"),
                "baik": _d("100"),
                "cukup": _d("95"),
                "sedang": _d("90"),
                "kurang": _d("80"),
            }
        ),
        "Tunjangan kinerja yang dibayarkan menurut kategori nilai perilaku (%)",
        "Performance allowance paid by behaviour band (%)",
        KINERJA + "; set by the payroll rules",
    ),
)

_ORG = ("Istimewa", "Baik", "Butuh Perbaikan", "Kurang", "Sangat Kurang")
_LOW_LIMITS = tuple(
    limit
    for rating, own in (
        ("Butuh Perbaikan", "Butuh Perbaikan"),
        ("Kurang", "Kurang"),
        ("Sangat Kurang", "Sangat Kurang"),
    )
    for limit in (
        PredicateLimit(rating, (own,), least=_d("60")),
        PredicateLimit(rating, ("Sangat Baik",), most=_d("10")),
    )
)

_APPRAISAL_2026 = AppraisalRules(
    **_curve_and_leniency(_d("110"), _d("105"), KINERJA),
    organisation_ratings=_p(
        Bands(
            (
                Step(_d("100"), _ORG[0], strict=True),
                Step(_d("90"), _ORG[1]),
                Step(_d("80"), _ORG[2]),
                Step(_d("70"), _ORG[3]),
            ),
            _ORG[4],
        ),
        "Rating organisasi menurut NKO unit",
        "Organisation rating by the unit's NKO",
        PERMEN + " (reading: above 100 exceeds expectations, as the employee ratings)",
    ),
    predicate_limits=_p(
        (
            PredicateLimit("Istimewa", ("Sangat Baik",), most=_d("70")),
            PredicateLimit("Baik", ("Baik",), most=_d("70")),
            PredicateLimit("Baik", ("Butuh Perbaikan", "Kurang", "Sangat Kurang"), least_count=1),
            *_LOW_LIMITS,
        ),
        "Batas sebaran predikat menurut rating organisasi",
        "Predicate distribution limits by the organisation's rating",
        PERMEN + " (secondary summaries)",
    ),
    predicate_limits_enforced=_p(
        False,
        "Batas sebaran predikat ditegakkan (menutup sidang kalibrasi)",
        "Predicate distribution limits enforced (closing a calibration session)",
        KINERJA,
    ),
    allowance_shares=_p(
        MappingProxyType(
            {
                "Sangat Baik": _d("100"),
                "Baik": _d("100"),
                "Butuh Perbaikan": _d("95"),
                "Kurang": _d("90"),
                "Sangat Kurang": _d("80"),
            }
        ),
        "Tunjangan kinerja yang dibayarkan menurut predikat (%)",
        "Performance allowance paid by predicate (%)",
        KINERJA + "; set by the payroll rules",
    ),
)

_QUALITY_2014: QualityMatrix = MappingProxyType({(v, c): _d("1") for v in Validity for c in Controllability})

KMK_467_2014 = RuleSet(
    code="kmk-467-2014",
    name="KMK 467/KMK.01/2014",
    source=KMK_2014 + " with the contract-quality decrees of 2016-2017",
    stabilize_method=_p(
        StabilizeMethod.BAND, "Metode IKU stabilisasi: rentang", "Stabilize method: band formulas", KMK_2014
    ),
    stabilize_scale=_p(
        (), "Skala konversi stabilisasi (tidak dipakai)", "Stabilize conversion scale (not used)", KMK_2014
    ),
    cap_on_target_rule=_p(
        CapOnTargetRule.MET,
        "Target maksimal: target tercapai diberi nilai batas atas",
        "Cap on target: a met target scores the cap",
        KMK_2014,
    ),
    nkp_method=_p(NkpMethod.CKP_NP, "Metode NKP: CKP dan NP", "NKP method: CKP and NP", KMK_2014),
    appraisal=_APPRAISAL_2014,
    nkp2014=Nkp2014Rules(
        quality_factors=_p(
            _QUALITY_2014,
            "Faktor kualitas kontrak (jenis × kendali)",
            "Contract-quality factor (validity × controllability)",
            KMK_2014,
        ),
        weight_ckp=_p(_d("0.60"), "Bobot CKP dalam NKP", "CKP weight in NKP", KMK_2014 + " (unconfirmed)"),
        weight_np=_p(_d("0.40"), "Bobot NP dalam NKP", "NP weight in NKP", KMK_2014 + " (unconfirmed)"),
        np_score_max=_p(_d("100"), "Nilai perilaku tertinggi", "Highest behaviour score", KMK_2014),
        group_weights=_p(
            MappingProxyType({g: _d("1") for g in RaterGroup}),
            "Bobot kelompok penilai (relatif)",
            "Rater-group weights (relative)",
            KMK_2014,
        ),
        penalty_per_missed_assessment=_p(
            _d("2"), "Pengurang per penilaian tidak diisi", "Penalty per missed assessment", KMK_2014
        ),
        penalty_per_subordinate_without_raters=_p(
            _d("2"),
            "Pengurang per bawahan tanpa penilai",
            "Penalty per subordinate with no raters set",
            KMK_2014,
        ),
        penalty_subordinates_cap=_p(
            _d("10"),
            "Batas pengurang bawahan tanpa penilai",
            "Cap on the subordinates-without-raters penalty",
            KMK_2014,
        ),
        penalty_no_raters_proposed=_p(
            _d("5"), "Pengurang tidak mengusulkan penilai", "Penalty for proposing no raters", KMK_2014
        ),
        penalty_cap=_p(_d("10"), "Batas seluruh pengurang", "Cap on all participation penalties", KMK_2014),
        np_bands=_p(
            Bands(
                (
                    Step(_d("90"), "sangat baik", strict=True),
                    Step(_d("75"), "baik", strict=True),
                    Step(_d("60"), "cukup", strict=True),
                    Step(_d("50"), "sedang", strict=True),
                ),
                "kurang",
            ),
            "Kategori nilai perilaku",
            "Behaviour score bands",
            KMK_2014,
        ),
    ),
    **_COMMON,
)

_Q_KPI_2026: QualityMatrix = MappingProxyType(
    {
        (_V.EXACT, _C.LOW): _d("1.20"),
        (_V.EXACT, _C.MODERATE): _d("1.15"),
        (_V.EXACT, _C.HIGH): None,
        (_V.PROXY, _C.LOW): _d("1.10"),
        (_V.PROXY, _C.MODERATE): _d("1.00"),
        (_V.PROXY, _C.HIGH): _d("0.90"),
        (_V.ACTIVITY, _C.LOW): None,
        (_V.ACTIVITY, _C.MODERATE): _d("0.80"),
        (_V.ACTIVITY, _C.HIGH): _d("0.60"),
    }
)

_Q_TARGET_2026: Mapping[TargetCase, Decimal] = MappingProxyType(
    {
        TargetCase.LOWERED: _d("0.80"),
        TargetCase.KEPT_EXCEEDED: _d("0.90"),
        TargetCase.KEPT_NOT_EXCEEDED: _d("1.00"),
        TargetCase.RAISED_BELOW_REALIZATION: _d("1.00"),
        TargetCase.RAISED_TO_REALIZATION: _d("1.10"),
        TargetCase.RAISED_ABOVE_REALIZATION: _d("1.20"),
    }
)

_R = Rating
_PREDICATES_2026: Mapping[tuple[Rating, Rating], str] = MappingProxyType(
    {
        (_R.ABOVE, _R.BELOW): "Kurang",
        (_R.ABOVE, _R.MEETS): "Baik",
        (_R.ABOVE, _R.ABOVE): "Sangat Baik",
        (_R.MEETS, _R.BELOW): "Kurang",
        (_R.MEETS, _R.MEETS): "Baik",
        (_R.MEETS, _R.ABOVE): "Baik",
        (_R.BELOW, _R.BELOW): "Sangat Kurang",
        (_R.BELOW, _R.MEETS): "Butuh Perbaikan",
        (_R.BELOW, _R.ABOVE): "Butuh Perbaikan",
    }
)

KMK_127_2026 = RuleSet(
    code="kmk-127-2026",
    name="KMK 127/2026",
    source=KMK_2026 + " and " + PERMEN,
    stabilize_method=_p(
        StabilizeMethod.SCALE,
        "Metode IKU stabilisasi: skala konversi",
        "Stabilize method: conversion scale",
        KMK_2026,
    ),
    stabilize_scale=_p(
        ((_d("0"), _d("0")), (_d("90"), _d("100")), (_d("100"), _d("120"))),
        "Skala konversi stabilisasi (Ca → indeks), bawaan",
        "Stabilize conversion scale (Ca → index), default",
        KMK_2026,
    ),
    cap_on_target_rule=_p(
        CapOnTargetRule.MET_MAX_MIN,
        "Konversi 120: target maksimal tercapai diberi nilai batas atas",
        "Konversi 120: a met ceiling target scores the cap",
        KMK_2026,
    ),
    nkp_method=_p(NkpMethod.NHK_NPK, "Metode NKP: NHK dan NPK", "NKP method: NHK and NPK", KMK_2026),
    appraisal=_APPRAISAL_2026,
    nkp2026=Nkp2026Rules(
        q_kpi=_p(
            _Q_KPI_2026, "Kualitas IKI (jenis × kendali)", "KPI quality (validity × controllability)", READING
        ),
        q_target=_p(_Q_TARGET_2026, "Kualitas target", "Target quality", KMK_2026),
        q_target_fixed=_p(
            _d("1.20"),
            "Kualitas target: ditetapkan peraturan/otoritas atau stabil",
            "Target quality: fixed by law or authority, or stable by nature",
            KMK_2026,
        ),
        q_target_new=_p(
            _d("1.00"),
            "Kualitas target: IKI baru tanpa riwayat",
            "Target quality: new KPI, no history",
            KMK_2026,
        ),
        q_target_stabilize=_p(
            _d("1.00"), "Kualitas target: IKI stabilisasi", "Target quality: stabilize KPI", KMK_2026
        ),
        q_target_mandatory_floor=_p(
            _d("1.00"),
            "Kualitas target: IKI mandatori paling rendah",
            "Target quality: mandatory KPI at least",
            KMK_2026,
        ),
        core_value_max=_p(_d("120"), "Nilai BerAKHLAK tertinggi", "Highest core-value score", KMK_2026),
        calibration_threshold=_p(_d("100"), "Ambang kalibrasi", "Calibration threshold", READING),
        calibration_factor=_p(_d("0.75"), "Faktor kalibrasi", "Calibration factor", READING),
        calibration_input_cap=_p(
            _d("120"), "Batas nilai sebelum kalibrasi", "Cap on the calibrated value's input", READING
        ),
        weight_nhk=_p(_d("0.75"), "Bobot NHK", "NHK weight", KMK_2026),
        weight_npk=_p(_d("0.25"), "Bobot NPK", "NPK weight", KMK_2026),
        discipline_rates=_p(
            MappingProxyType(
                {
                    DisciplineCategory.LIGHT: _d("0.10"),
                    DisciplineCategory.MEDIUM: _d("0.25"),
                    DisciplineCategory.SEVERE: _d("0.40"),
                }
            ),
            "Pengurang hukuman disiplin (bagian dari skor)",
            "Discipline penalty (share of the severity score)",
            KMK_2026,
        ),
        discipline_quarters=_p(
            MappingProxyType(
                {DisciplineCategory.LIGHT: 2, DisciplineCategory.MEDIUM: 3, DisciplineCategory.SEVERE: 4}
            ),
            "Lama berlaku hukuman disiplin (triwulan)",
            "Discipline duration (quarters)",
            KMK_2026,
        ),
        impact_rate=_p(
            _d("0.05"),
            "Dampak hukdis bawahan (bagian)",
            "Impact of subordinates' penalties (share)",
            KMK_2026,
        ),
        impact_cap=_p(_d("5"), "Batas dampak hukdis bawahan", "Cap on the impact", KMK_2026),
        correction_limit=_p(_d("5"), "Batas koreksi pimpinan (±)", "Leader's correction limit (±)", KMK_2026),
        blend_tier1=_p(
            _d("0.5"), "Bobot NKO, tier 1 (hasil ≥ NKO)", "NKO weight, tier 1 (result ≥ NKO)", KMK_2026
        ),
        blend_tier2=_p(
            _d("0.3"), "Bobot NKO, tier 2 (hasil ≥ NKO)", "NKO weight, tier 2 (result ≥ NKO)", KMK_2026
        ),
        blend_below=_p(_d("0.1"), "Bobot NKO (hasil < NKO)", "NKO weight (result < NKO)", KMK_2026),
        ratings=_p(
            Bands((Step(_d("100"), Rating.ABOVE, strict=True), Step(_d("90"), Rating.MEETS)), Rating.BELOW),
            "Rating terhadap ekspektasi",
            "Rating against expectations",
            PERMEN,
        ),
        predicates=_p(
            _PREDICATES_2026,
            "Predikat kinerja (hasil kerja × perilaku)",
            "Performance predicate (work result × behaviour)",
            PERMEN,
        ),
    ),
    **_COMMON,
)

RULE_SETS: Mapping[str, RuleSet] = MappingProxyType(
    {KMK_467_2014.code: KMK_467_2014, KMK_127_2026.code: KMK_127_2026}
)
"""The rule sets that ship, by code."""

DEFAULT_RULE_SET = KMK_467_2014.code
"""The code of the default rule set (`kmk-467-2014`)."""


def get_rule_set(code: str | None = None) -> RuleSet:
    """The rule set named `code` (the default when ``None``); a `ScoringError` lists the known codes."""
    key = DEFAULT_RULE_SET if code is None else code.strip().lower()
    try:
        return RULE_SETS[key]
    except KeyError:
        known = ", ".join(RULE_SETS)
        raise ScoringError(
            ErrorCode.UNKNOWN_RULE_SET, f"unknown rule set {code!r}; known rule sets: {known}"
        ) from None
