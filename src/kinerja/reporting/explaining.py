"""The scoring core's explanation text and error messages in the user's language, at display time.

The scoring core (no Django) writes its explanation tree in English — subjects ("KPI S1.a index"), formulas,
input names and notes — and every snapshot and score record stores it so: the scorecard's (KPI → objective →
perspective → NKO, `scoring.md` §1–§5) and the employee's (`Nkp2014Result.explain`, §6: CKP, NP per semester
and aspect, participation penalty, band; `Nkp2026Result.explain`, §7: NHK with each KPI's quality value and
K3, NPK, calibration, NKP before adjustment, discipline / impact / correction, blend, ratings, predicate).
The pages translate it here, never in the core: each formula or fixed text the core writes is a key of
`FORMULAS`, each pattern of a subject, input name or note one of `PATTERNS`, mapped to an Indonesian msgid
(the English catalogue gives the English wording back); an input whose meaning depends on its step (the
aspect "discipline" of an NP semester, not the discipline penalty) is read with `explain_input`. Numbers in
a note are rewritten in the user's number format. Text matching nothing is shown as it is (a symbolic
formula such as "R / T × 100" needs no translation).

The core's errors carry an English message and a stable `code` (`kinerja.scoring.ErrorCode`): `error_text`
shows the code's Indonesian msgid (`ERRORS`) with the indicator or employee the error names.
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
from kinerja.scoring import ErrorCode

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
    # the employee score under kmk-467-2014 (kinerja.scoring.nkp2014, scoring.md §6)
    "clamp(index before clamping × quality factor)": _(
        "batasi(indeks sebelum pembatasan × faktor kualitas kontrak)"
    ),
    "Σ wᵢ × valueᵢ / Σ wᵢ over reported KPIs": _("Σ wᵢ × nilaiᵢ / Σ wᵢ atas IKI yang dilaporkan"),
    "mean over aspects of the rater-group-weighted mean of the raters' scores": _(
        "rata-rata atas aspek perilaku dari rata-rata nilai para penilai yang dibobot per kelompok penilai"
    ),
    "max(0, mean of semester NPs − participation penalty)": _(
        "max(0, rata-rata NP semester − pengurang partisipasi)"
    ),
    "index before clamping": _("indeks sebelum pembatasan"),
    "factor": _("faktor kualitas kontrak"),
    "weight": _("bobot"),
    "NP before penalty": _("NP sebelum pengurang"),
    "penalty": _("pengurang partisipasi"),
    # the employee score under kmk-127-2026 (kinerja.scoring.nkp2026, scoring.md §7)
    "min(cap, index × K3)": _("min(batas atas, indeks × K3)"),
    "min(cap, Σ vᵢ × wᵢ), wᵢ = K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ": _(
        "min(batas atas, Σ vᵢ × wᵢ), wᵢ = K3ᵢ × dᵢ / Σ K3ⱼ × dⱼ"
    ),
    "K3 given directly": _("K3 diberikan langsung"),
    "mean over periods of the mean of the seven core values": _(
        "rata-rata atas periode dari rata-rata tujuh nilai BerAKHLAK"
    ),
    "x ≤ 100: x; else 100 + (min(x, 120) − 100) × 0.75": _(
        "x ≤ 100: x; selain itu 100 + (min(x, 120) − 100) × 0,75"
    ),
    "w_nhk × NHK calibrated + w_npk × NPK calibrated": _(
        "w_nhk × NHK terkalibrasi + w_npk × NPK terkalibrasi"
    ),
    "clamp(NKP before − discipline − impact + correction, 0, 120)": _(
        "batasi(NKP sebelum penyesuaian − pengurang hukuman disiplin − dampak hukuman bawahan + koreksi pimpinan, "
        "0, 120)"
    ),
    "clamp((1 − w) × result + w × NKO, 0, 120)": _("batasi((1 − w) × hasil + w × NKO, 0, 120)"),
    "index": _("indeks"),
    "NHK calibrated": _("NHK terkalibrasi"),
    "NPK calibrated": _("NPK terkalibrasi"),
    "NKP before adjustment": _("NKP sebelum penyesuaian"),
    "NKP before": _("NKP sebelum penyesuaian"),
    "result": _("hasil"),
    "discipline": _("pengurang hukuman disiplin"),
    "impact": _("dampak hukuman bawahan"),
    "correction": _("koreksi pimpinan"),
    "no index in the period: left out": _("tidak ada indeks pada periode ini: tidak dihitung"),
    "not calibrated (top two levels)": _("tidak dikalibrasi (dua jenjang jabatan tertinggi)"),
    "mandatory KPI: Q_target raised to its minimum": _("IKI wajib: Q_target dinaikkan ke nilai minimumnya"),
    "T = T1 = R1: the decree is silent; scored as T = T1 and R1 ≤ T1 (flagged)": _(
        "T = T1 = R1: keputusan menteri tidak mengaturnya; dinilai sebagai T = T1 dan R1 ≤ T1 (ditandai)"
    ),
}

# The behaviour aspects of kmk-467-2014 (§6), the input names of an "NP semester" step; the same msgids as
# the 360° assessment's fields (appraisals.models.RaterAssignment).
ASPECTS: Mapping[str, Promise] = {
    "service_orientation": _("orientasi pelayanan"),
    "integrity": _("integritas"),
    "commitment": _("komitmen"),
    "discipline": _("disiplin"),
    "cooperation": _("kerja sama"),
    "leadership": _("kepemimpinan"),
}

# Ratings of NHK and NPK (§7.3), the NP distribution labels (§6), and what an incomplete score lacks.
RATINGS: Mapping[str, Promise] = {
    "above": _("di atas ekspektasi"),
    "meets": _("sesuai ekspektasi"),
    "below": _("di bawah ekspektasi"),
}
DISTRIBUTION: Mapping[str, Promise] = {
    "best": _("kelompok terbaik"),
    "average": _("kelompok rata-rata"),
    "below": _("kelompok di bawah rata-rata"),
}
MISSING: Mapping[str, Promise] = {"behaviour": _("nilai perilaku"), "nko": _("NKO unit")}

# Why a KPI's Q_target (§7.2) is what it is: an override, or the case of the table.
TARGET_CASES: Mapping[str, Promise] = {
    "fixed": _("target ditetapkan peraturan atau otoritas, atau IKI stabil secara alamiah"),
    "new": _("IKI baru tanpa riwayat"),
    "stabilize": _("IKI berpolarisasi stabil"),
    "lowered": _("target diturunkan (T < T1)"),
    "kept_exceeded": _("target tetap, realisasi lalu melampauinya (T = T1, R1 > T1)"),
    "kept_not_exceeded": _("target tetap, realisasi lalu tidak melampauinya (T = T1, R1 ≤ T1)"),
    "raised_below_realization": _("target naik, di bawah realisasi lalu (T > T1, T < R1)"),
    "raised_to_realization": _("target naik, sama dengan realisasi lalu (T > T1, T = R1)"),
    "raised_above_realization": _("target naik, di atas realisasi lalu (T > T1, T > R1)"),
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


def _word(words: Mapping[str, Promise]) -> Callable[[str], str]:
    """A keyword of the core through `words`; one not there shown as it is."""

    def rewrite(text: str) -> str:
        found = words.get(text)
        return str(found) if found is not None else text

    return rewrite


def _missing(text: str) -> str:
    """ "IKI-3, behaviour" → "IKI-3, nilai perilaku": KPI codes as they are, the other items in words."""
    return ", ".join(_word(MISSING)(item) for item in text.split(", "))


_SILENT = re.compile(r"^q_target_silent:(?P<code>.+)$")


def _flag(text: str) -> str:
    """A finding of the employee score (`Nkp2026Result.flags`) in words."""
    if text == "not_calibrated":
        return str(_("tidak dikalibrasi (dua jenjang jabatan tertinggi)"))
    silent = _SILENT.match(text)
    if silent:
        return str(_("IKI %(code)s: T = T1 = R1, keputusan menteri tidak mengaturnya")) % {
            "code": silent["code"]
        }
    return text


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
    # employee scores (§6, §7): subjects and input names
    (re.compile(r"^KPI (?P<code>.+) quality value$"), _("Nilai mutu IKI %(code)s"), {}),
    (re.compile(r"^KPI (?P<code>.+) value$"), _("Nilai IKI %(code)s"), {}),
    (re.compile(r"^value (?P<code>\S+)$"), _("nilai %(code)s"), {}),
    (re.compile(r"^period (?P<period>\S+)$"), _("periode %(period)s"), {}),
    (re.compile(r"^NP semester (?P<semester>\S+)$"), _("NP semester %(semester)s"), {}),
    # employee scores: notes
    (
        re.compile(r"^band (?P<band>.+)$"),
        _("kategori nilai perilaku %(band)s"),
        {"band": predicate_label},
    ),
    (
        re.compile(r"^distribution (?P<label>\S+)$"),
        _("distribusi: %(label)s"),
        {"label": _word(DISTRIBUTION)},
    ),
    (
        re.compile(r"^incomplete: missing (?P<items>.+)$"),
        _("belum lengkap: belum ada %(items)s"),
        {"items": _missing},
    ),
    (
        re.compile(r"^Q_target case: (?P<case>\S+)$"),
        _("kasus Q_target: %(case)s"),
        {"case": _word(TARGET_CASES)},
    ),
    (
        re.compile(r"^work result (?P<value>\S+) \((?P<rating>\w+), NKO weight (?P<weight>\S+)\)$"),
        _("hasil kerja %(value)s (%(rating)s, bobot NKO %(weight)s)"),
        {"value": _number, "rating": _word(RATINGS), "weight": _number},
    ),
    (
        re.compile(r"^behaviour (?P<value>\S+) \((?P<rating>\w+), NKO weight (?P<weight>\S+)\)$"),
        _("perilaku %(value)s (%(rating)s, bobot NKO %(weight)s)"),
        {"value": _number, "rating": _word(RATINGS), "weight": _number},
    ),
    (re.compile(r"^flag (?P<flag>.+)$"), _("penanda: %(flag)s"), {"flag": _flag}),
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


_NP_SEMESTER = re.compile(r"^NP semester ")


def explain_input(name: Any, subject: Any = None) -> str:
    """An input name of the step `subject` in the active language: a behaviour aspect of an NP semester
    (§6) by its name ("discipline" → "disiplin"), any other input as `explain_text` reads it."""
    if subject is not None and _NP_SEMESTER.match(str(subject)):
        found = ASPECTS.get(str(name))
        if found is not None:
            return str(found)
    return explain_text(name)


def explain_value(value: Any) -> Any:
    """A text input value of an explanation (a polarity: "max") in the active language; others unchanged."""
    if isinstance(value, str):
        from kinerja.planning.models import PolarityChoice

        try:
            return str(PolarityChoice(value).label)
        except ValueError:
            return value
    return value


# The scoring core's errors by code (kinerja.scoring.ErrorCode): what is wrong, in the user's language. The
# indicator (IKU or IKI) or employee the error is about is put in front by `error_text`.
ERRORS: Mapping[str, Promise] = {
    ErrorCode.UNKNOWN_RULE_SET: _("aturan penilaian tidak dikenal"),
    ErrorCode.TARGET_MISSING: _("target belum diisi (untuk polarisasi stabil: batas bawah dan batas atas)"),
    ErrorCode.MAX_ZERO_TARGET: _("polarisasi maksimal dengan target 0 tidak dapat dihitung (R / 0)"),
    ErrorCode.MIN_ZERO_TARGET_NO_WORST: _(
        "polarisasi minimal dengan target 0 memerlukan nilai terburuk yang dapat ditoleransi"
    ),
    ErrorCode.WORST_NOT_POSITIVE: _("nilai terburuk yang dapat ditoleransi harus positif"),
    ErrorCode.BAND_INVERTED: _("batas bawah rentang target lebih besar daripada batas atasnya"),
    ErrorCode.BAND_NOT_POSITIVE: _("batas rentang target harus positif"),
    ErrorCode.STABILIZE_TARGET_NOT_POSITIVE: _(
        "target polarisasi stabil harus positif (tidak dapat dibagi nol)"
    ),
    ErrorCode.PERIOD_INVALID: _("periode tidak dikenal (tahun, triwulan, semester, atau bulan)"),
    ErrorCode.PERIOD_TARGET_MISSING: _("ada realisasi pada periode yang belum memiliki target"),
    ErrorCode.DUPLICATE_CODE: _("kode atau periode dipakai dua kali"),
    ErrorCode.WEIGHT_INVALID: _("bobot tidak valid (kosong, negatif, atau semuanya 0)"),
    ErrorCode.WEIGHTS_PARTIAL: _("bobot baru diisi sebagian: isi semuanya atau kosongkan semuanya"),
    ErrorCode.WEIGHTS_INCONSISTENT: _("bobot sasaran strategis atau perspektif berbeda antar-IKU-nya"),
    ErrorCode.WEIGHTS_TOTAL: _("jumlah bobot perspektif bukan 100"),
    ErrorCode.OBJECTIVE_PERSPECTIVE: _("sasaran strategisnya tercatat pada dua perspektif"),
    ErrorCode.CASCADE_NO_CHILDREN: _("tidak ada IKU turunan untuk menurunkan realisasinya"),
    ErrorCode.CASCADE_NOT_ROLLED_UP: _("IKU yang tidak diturunkan tidak dihitung dari turunannya"),
    ErrorCode.QUALITY_MISSING: _(
        "jenis IKI (validitas) dan tingkat kendali wajib diisi untuk faktor kualitas kontrak (K3)"
    ),
    ErrorCode.QUALITY_NOT_ALLOWED: _(
        "pasangan jenis IKI (validitas) dan tingkat kendali ini tidak diperkenankan"
    ),
    ErrorCode.QUALITY_UNKNOWN: _(
        "aturan penilaian tidak memiliki Q_kpi untuk pasangan jenis IKI dan tingkat kendali ini (isi K3)"
    ),
    ErrorCode.HISTORY_MISSING: _(
        "target dan realisasi tahun lalu wajib diisi untuk Q_target (atau tandai sebagai IKI baru)"
    ),
    ErrorCode.SCORE_OUT_OF_RANGE: _("nilai di luar rentang yang diperkenankan"),
    ErrorCode.LEADERSHIP_NOT_STRUCTURAL: _("aspek kepemimpinan hanya dinilai untuk pejabat struktural"),
    ErrorCode.CORRECTION_OUT_OF_RANGE: _("koreksi pimpinan di luar batas yang diperkenankan"),
    ErrorCode.DISCIPLINE_SCORE_INVALID: _("nilai berat hukuman disiplin tidak boleh negatif"),
    ErrorCode.TIER_INVALID: _("kelompok jabatan (tier 1 atau 2) diperlukan untuk memadukan nilai dengan NKO"),
    ErrorCode.DAYS_INVALID: _("jumlah hari dalam kontrak tidak valid (diisi sebagian atau negatif)"),
    ErrorCode.RULE_SET_MISMATCH: _("aturan penilaian ini tidak memakai metode nilai pegawai tersebut"),
    ErrorCode.SCALE_INVALID: _("skala konversi memerlukan titik-titik yang berurutan naik"),
}

# "KPI S1.1: ..." or "employee 1980...: KPI S1.1: ..." — the indicator when the error does not carry it.
_KPI_IN_MESSAGE = re.compile(r"^(?:employee \S+: )?KPI (?P<kpi>\S+?):")


def _field(error: Any, name: str) -> Any:
    return error.get(name) if isinstance(error, Mapping) else getattr(error, name, None)


def error_text(error: Any, *, name_employee: bool = True) -> str:
    """A scoring-core error — a `ScoringError` or its stored form (a dict with `code`, `message`, `kpi`,
    `employee`) — in the active language: "Indikator IKI-1: target belum diisi ...". The text comes from
    the error's `code`; an unknown code names itself, never the core's English message. The employee the
    error is about is named unless `name_employee` is false (a page about that one person)."""
    code = str(_field(error, "code") or "")
    problem = ERRORS.get(code)
    text = (
        str(problem)
        if problem is not None
        else str(_("masukan tidak dapat dihitung (kode %(code)s)")) % {"code": code or "?"}
    )
    kpi = _field(error, "kpi")
    if not kpi:
        found = _KPI_IN_MESSAGE.match(str(_field(error, "message") or ""))
        kpi = found["kpi"] if found else None
    if kpi:
        text = str(_("Indikator %(kpi)s: %(problem)s")) % {"kpi": kpi, "problem": text}
    employee = _field(error, "employee") if name_employee else None
    if employee:
        text = str(_("Pegawai %(nip)s: %(problem)s")) % {"nip": employee, "problem": text}
    return text[:1].upper() + text[1:]
