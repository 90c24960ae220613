"""The yearly evaluation of performance management (issue 14 item 7): services and selectors.

A performance manager opens a round for a year (a window within Q2–Q3) on units of their reach (by default
the map owners). Each unit answers the self-assessment (penilaian mandiri: an explanation, evidence and its
own score per criterion) and the strategy readiness check (8 statements 1–4), then submits; a performance
manager above the unit reviews it: a score 0–100 per criterion, the weighted total out of 100, findings and
recommendations (or returns it with a reason). The unit's own performance managers answer the SFO survey,
each once; the answers are shown only aggregated. A reviewed evaluation, and everything in a closed round,
is read-only. Every write keeps its history (django-simple-history).

The questionnaires are data (`evaluation_models.Questionnaire`), one version per kind in use per year: the
first round of a year takes the newest version of the latest earlier year, or the defaults below when there
is none; a questionnaire a round uses is locked and a change after that is a new version.

How the total is made (`weighted_total`): each aspect weighs its % of the total (the aspects' weights sum to
100); within an aspect each criterion counts by its weight relative to the aspect's others; a criterion is
scored 0–100. Readiness reads through the questionnaire's bands (`band_for`): the band with the highest
minimum not above the total.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Avg, Case, Count, F, IntegerField, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import Rank
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.accounts.rules import EVALUATION_MANAGE_ROLES, EVALUATION_READ_ROLES, ensure
from kinerja.accounts.scope import Viewer, unit_filter
from kinerja.common.history import Actor, author, recorded
from kinerja.common.workflow import locked
from kinerja.organisations.models import Unit
from kinerja.reporting.evidence import check_file
from kinerja.scoring import settle

from .evaluation_models import (
    CriterionAnswer,
    EvaluationRound,
    EvaluationState,
    Questionnaire,
    QuestionnaireAspect,
    QuestionnaireItem,
    QuestionnaireKind,
    ReadinessAnswer,
    RoundState,
    ScoreBand,
    SurveyAnswer,
    SurveyResponse,
    UnitEvaluation,
)

SCORE_MIN = Decimal(0)
SCORE_MAX = Decimal(100)
CENT = Decimal("0.01")
FIRST_MONTH, LAST_MONTH = 4, 9  # the round's window: within Q2–Q3 (1 April – 30 September)
KINDS = (QuestionnaireKind.SELF_ASSESSMENT, QuestionnaireKind.READINESS, QuestionnaireKind.SFO)


# =========================================================================== the arithmetic (pure)


def _q(value: Decimal) -> Decimal:
    return settle(value).quantize(CENT, rounding=ROUND_HALF_UP)


def weighted_total(aspects: Iterable[tuple[Decimal, Iterable[tuple[Decimal, Decimal | None]]]]) -> Decimal:
    """The total out of 100: Σ aspect weight × (Σ criterion weight × score / Σ criterion weight) / 100.

    `aspects` = [(aspect weight %, [(criterion weight, score 0–100 or None), …]), …]; an unscored criterion
    counts 0, an aspect without weighted criteria adds nothing. Rounded half up to 2 places."""
    total = Decimal(0)
    for aspect_weight, criteria in aspects:
        pairs = [(Decimal(w), Decimal(s or 0)) for w, s in criteria]
        weights = sum((w for w, _s in pairs), Decimal(0))
        if weights <= 0:
            continue
        mean = sum((w * s for w, s in pairs), Decimal(0)) / weights
        total += Decimal(aspect_weight) * mean / 100
    return _q(total)


@dataclass(frozen=True)
class BandView:
    label: str
    meaning: str
    tone: str
    minimum: Decimal


def band_for(total: int | Decimal | None, bands: Sequence[ScoreBand]) -> BandView | None:
    """The band of a total: the one with the highest minimum not above it (None for no total or no band)."""
    if total is None:
        return None
    found = None
    for band in sorted(bands, key=lambda b: b.minimum):
        if Decimal(total) >= band.minimum:
            found = band
    if found is None:
        return None
    return BandView(found.label, found.meaning, found.tone, found.minimum)


@dataclass(frozen=True)
class SurveySummary:
    respondents: int
    average: Decimal | None
    per_item: dict[int, Decimal]


def survey_summary(responses: Iterable[Mapping[int, int]]) -> SurveySummary:
    """The SFO survey of a unit, aggregated: the respondents, the mean per statement and the overall mean
    (the mean of the respondents' means, so each respondent weighs the same)."""
    rows = [r for r in responses if r]
    if not rows:
        return SurveySummary(0, None, {})
    per_item: dict[int, list[int]] = defaultdict(list)
    means = []
    for row in rows:
        for item_id, value in row.items():
            per_item[item_id].append(value)
        means.append(Decimal(sum(row.values())) / len(row))
    return SurveySummary(
        len(rows),
        _q(sum(means, Decimal(0)) / len(means)),
        {item_id: _q(Decimal(sum(v)) / len(v)) for item_id, v in per_item.items()},
    )


# =========================================================================== the default questionnaires

GUIDE_SCALE = (
    "100: terpenuhi seluruhnya dengan bukti lengkap dan konsisten; 75: sebagian besar terpenuhi; "
    "50: sebagian terpenuhi; 25: baru dimulai atau bukti sangat terbatas; 0: tidak ada bukti."
)

# (code, name, weight %, [(code, criterion, weight, guide), …])
SELF_ASSESSMENT_DEFAULT: tuple[tuple[str, str, int, tuple[tuple[str, str, int, str], ...]], ...] = (
    (
        "A",
        "Perencanaan kinerja",
        25,
        (
            (
                "A1",
                "Peta strategi dan IKU unit telah ditetapkan pimpinan dan selaras dengan peta strategi unit di "
                "atasnya (cascading dan alignment).",
                40,
                "100: peta dan IKU ditetapkan tepat waktu, seluruh SS unit atasan yang relevan diturunkan; "
                "50: ditetapkan, keselarasan sebagian; 0: belum ditetapkan.",
            ),
            (
                "A2",
                "Manual IKU lengkap (deskripsi, formula, sumber data, polaritas, periode pelaporan) dan target "
                "ditetapkan menantang berdasarkan baseline.",
                30,
                GUIDE_SCALE,
            ),
            (
                "A3",
                "Kontrak kinerja seluruh pejabat dan pegawai ditandatangani paling lambat akhir Januari.",
                30,
                "100: seluruh kontrak tepat waktu; 75: ≥ 90%; 50: ≥ 75%; 25: ≥ 50%; 0: < 50%.",
            ),
        ),
    ),
    (
        "B",
        "Pengukuran kinerja",
        25,
        (
            (
                "B1",
                "Capaian IKU diukur dan dilaporkan tepat waktu sesuai periode pelaporan pada aplikasi.",
                40,
                "100: seluruh capaian tepat waktu; 75: ≥ 90%; 50: ≥ 75%; 25: ≥ 50%; 0: < 50%.",
            ),
            (
                "B2",
                "Capaian didukung data dukung yang valid dan diverifikasi pengelola kinerja sebelum disetujui.",
                35,
                GUIDE_SCALE,
            ),
            (
                "B3",
                "Kemajuan inisiatif strategis dipantau dan risiko strategis dikelola serta dimutakhirkan.",
                25,
                GUIDE_SCALE,
            ),
        ),
    ),
    (
        "C",
        "Pelaporan kinerja",
        15,
        (
            (
                "C1",
                "Laporan kinerja bulanan/triwulanan disusun dan disampaikan kepada pimpinan tepat waktu.",
                50,
                "100: seluruh laporan tepat waktu; 50: terlambat atau tidak lengkap sebagian; 0: tidak disusun.",
            ),
            (
                "C2",
                "Analisis capaian memadai: penyebab target tidak tercapai, dampak, dan langkah perbaikan.",
                50,
                GUIDE_SCALE,
            ),
        ),
    ),
    (
        "D",
        "Evaluasi dan dialog kinerja",
        20,
        (
            (
                "D1",
                "Dialog kinerja organisasi diselenggarakan berkala dan dipimpin langsung oleh pimpinan unit.",
                50,
                "100: sesuai jadwal dan dipimpin pimpinan unit; 50: tidak sesuai jadwal atau diwakilkan; "
                "0: tidak diselenggarakan.",
            ),
            (
                "D2",
                "Keputusan dialog kinerja dituangkan dalam notula dan matriks tindak lanjut yang dipantau hingga "
                "selesai.",
                50,
                GUIDE_SCALE,
            ),
        ),
    ),
    (
        "E",
        "Pemanfaatan hasil",
        15,
        (
            (
                "E1",
                "Hasil pengukuran kinerja dimanfaatkan dalam pengambilan keputusan, perbaikan proses bisnis, dan "
                "perencanaan tahun berikutnya.",
                60,
                GUIDE_SCALE,
            ),
            (
                "E2",
                "Hasil penilaian kinerja dimanfaatkan dalam pengelolaan SDM: penghargaan, pengembangan, dan "
                "penempatan pegawai.",
                40,
                GUIDE_SCALE,
            ),
        ),
    ),
)

# Niven's strategy readiness statements (seed: bsc-public-sector-paper), scored 1–4.
READINESS_DEFAULT = (
    "Strategi yang ada telah memberikan gambaran yang jelas mengenai prioritas organisasi di masa yang akan "
    "datang.",
    "Strategi yang ada telah berperan sebagai pemersatu organisasi secara keseluruhan.",
    "Strategi yang ada telah dipandang oleh pimpinan-pimpinan dalam organisasi sebagai sesuatu yang berharga "
    "dan relevan.",
    "Strategi yang ada telah mampu memberikan pengetahuan kepada seluruh pegawai mengenai prioritas organisasi "
    "dan bagaimana organisasi akan memberikan pelayanan kepada setiap pemangku kepentingan.",
    "Strategi yang ada telah menjadi dasar dalam menyusun inisiatif-inisiatif organisasi untuk mengambil "
    "keuntungan dari setiap kesempatan yang ada atau untuk melindungi operasi yang telah berlangsung.",
    "Strategi yang ada, jika dilaksanakan, akan mampu meningkatkan efisiensi operasi organisasi.",
    "Strategi yang ada telah memberikan gambaran yang jelas mengenai pembagian wewenang dan tanggung jawab "
    "dalam organisasi dalam melaksanakan strategi tersebut.",
    "Strategi yang ada telah diwujudkan dalam ukuran kinerja untuk mengetahui perkembangan pelaksanaan "
    "strategi tersebut.",
)
READINESS_SCALE = ("Tidak sesuai", "Cukup sesuai", "Sesuai", "Sangat sesuai")
READINESS_BANDS = (
    (0, "Perlu perbaikan mendesak", "Strategi yang ada sangat perlu diperbaiki.", "red"),
    (16, "Cukup", "Strategi yang ada sudah cukup baik, tetapi masih perlu dikembangkan.", "yellow"),
    (25, "Sangat baik", "Organisasi telah menyusun strategi dengan sangat baik.", "green"),
)

# The five principles of a Strategy-Focused Organization (Kaplan & Norton), two statements each, 1–6.
SFO_DEFAULT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    (
        "P1",
        "Menggerakkan perubahan melalui kepemimpinan",
        (
            "Pimpinan unit secara aktif mengomunikasikan strategi dan memimpin dialog kinerja.",
            "Pimpinan unit memakai hasil pengukuran kinerja untuk mengambil keputusan.",
        ),
    ),
    (
        "P2",
        "Menerjemahkan strategi ke dalam ukuran operasional",
        (
            "Peta strategi unit menggambarkan dengan jelas apa yang ingin dicapai unit.",
            "IKU dan targetnya mengukur hal yang benar-benar penting bagi keberhasilan strategi.",
        ),
    ),
    (
        "P3",
        "Menyelaraskan organisasi dengan strategi",
        (
            "Strategi unit selaras dengan strategi unit di atasnya dan unit sejajar.",
            "Anggaran dan inisiatif strategis unit diarahkan untuk mencapai sasaran strategis.",
        ),
    ),
    (
        "P4",
        "Menjadikan strategi tugas setiap orang",
        (
            "Setiap pegawai memahami kontribusi kontrak kinerjanya terhadap sasaran strategis unit.",
            "Penghargaan dan pengembangan pegawai dikaitkan dengan capaian kinerja.",
        ),
    ),
    (
        "P5",
        "Menjadikan strategi proses yang berkelanjutan",
        (
            "Capaian kinerja dibahas secara berkala dan ditindaklanjuti hingga tuntas.",
            "Strategi ditinjau ulang setiap tahun berdasarkan hasil evaluasi dan perubahan lingkungan.",
        ),
    ),
)
SFO_SCALE = (
    "Sangat tidak setuju",
    "Tidak setuju",
    "Agak tidak setuju",
    "Agak setuju",
    "Setuju",
    "Sangat setuju",
)

TITLES: dict[str, str] = {
    QuestionnaireKind.SELF_ASSESSMENT: "Penilaian Mandiri Pengelolaan Kinerja",
    QuestionnaireKind.READINESS: "Penilaian Kesiapan Strategi",
    QuestionnaireKind.SFO: "Survei Strategy Focused Organization (SFO)",
}
INSTRUCTIONS: dict[str, str] = {
    QuestionnaireKind.SELF_ASSESSMENT: (
        "Untuk setiap kriteria, jelaskan pelaksanaannya di unit Anda, lampirkan data dukung, dan beri nilai "
        "mandiri 0–100 menurut panduan penilaian. Reviu oleh pengelola kinerja unit atasan memberi nilai akhir."
    ),
    QuestionnaireKind.READINESS: (
        "Beri skor 1 (tidak sesuai) sampai 4 (sangat sesuai) untuk setiap pernyataan tentang strategi unit "
        "saat ini. Jumlah skor kurang dari 16 berarti perlu perbaikan mendesak, 16–24 cukup, lebih dari 24 "
        "sangat baik."
    ),
    QuestionnaireKind.SFO: (
        "Survei untuk pengelola kinerja unit. Nyatakan tingkat persetujuan Anda pada skala 1 (sangat tidak "
        "setuju) sampai 6 (sangat setuju). Jawaban perorangan tidak ditampilkan; hanya rata-rata unit."
    ),
}


def _build_default(kind: str, year: int, by: Actor) -> Questionnaire:
    scale: tuple[int, int, list[str]]
    if kind == QuestionnaireKind.SELF_ASSESSMENT:
        scale = (0, 100, [])
    elif kind == QuestionnaireKind.READINESS:
        scale = (1, 4, list(READINESS_SCALE))
    else:
        scale = (1, 6, list(SFO_SCALE))
    questionnaire = Questionnaire.objects.create(
        kind=kind,
        year=year,
        version=1,
        title=TITLES[kind],
        instructions=INSTRUCTIONS[kind],
        scale_min=scale[0],
        scale_max=scale[1],
        scale_labels=scale[2],
        created_by=author(by),
    )
    if kind == QuestionnaireKind.SELF_ASSESSMENT:
        for a_order, (a_code, a_name, a_weight, criteria) in enumerate(SELF_ASSESSMENT_DEFAULT, start=1):
            aspect = QuestionnaireAspect.objects.create(
                questionnaire=questionnaire, order=a_order, code=a_code, name=a_name, weight=Decimal(a_weight)
            )
            for order, (code, text, weight, guide) in enumerate(criteria, start=1):
                QuestionnaireItem.objects.create(
                    questionnaire=questionnaire,
                    aspect=aspect,
                    order=order,
                    code=code,
                    text=text,
                    weight=Decimal(weight),
                    guide=guide,
                )
    elif kind == QuestionnaireKind.READINESS:
        for order, text in enumerate(READINESS_DEFAULT, start=1):
            QuestionnaireItem.objects.create(
                questionnaire=questionnaire, order=order, code=str(order), text=text
            )
        for minimum, label, meaning, tone in READINESS_BANDS:
            ScoreBand.objects.create(
                questionnaire=questionnaire, minimum=Decimal(minimum), label=label, meaning=meaning, tone=tone
            )
    else:
        number = 0
        for a_order, (a_code, a_name, statements) in enumerate(SFO_DEFAULT, start=1):
            aspect = QuestionnaireAspect.objects.create(
                questionnaire=questionnaire, order=a_order, code=a_code, name=a_name, weight=Decimal(20)
            )
            for order, text in enumerate(statements, start=1):
                number += 1
                QuestionnaireItem.objects.create(
                    questionnaire=questionnaire, aspect=aspect, order=order, code=str(number), text=text
                )
    return questionnaire


def _copy(source: Questionnaire, *, year: int, version: int, by: Actor) -> Questionnaire:
    """A copy of `source` (aspects, items, bands) as `year` version `version`, unlocked."""
    copy = Questionnaire.objects.create(
        kind=source.kind,
        year=year,
        version=version,
        title=source.title,
        instructions=source.instructions,
        scale_min=source.scale_min,
        scale_max=source.scale_max,
        scale_labels=list(source.scale_labels or []),
        created_by=author(by),
    )
    aspects: dict[int, QuestionnaireAspect] = {}
    for aspect in source.aspects.all():
        aspects[aspect.pk] = QuestionnaireAspect.objects.create(
            questionnaire=copy,
            order=aspect.order,
            code=aspect.code,
            name=aspect.name,
            description=aspect.description,
            weight=aspect.weight,
        )
    for item in source.items.all():
        QuestionnaireItem.objects.create(
            questionnaire=copy,
            aspect=aspects.get(item.aspect_id) if item.aspect_id else None,
            order=item.order,
            code=item.code,
            text=item.text,
            guide=item.guide,
            weight=item.weight,
        )
    for band in source.bands.all():
        ScoreBand.objects.create(
            questionnaire=copy, minimum=band.minimum, label=band.label, meaning=band.meaning, tone=band.tone
        )
    return copy


def latest(kind: str, year: int) -> Questionnaire | None:
    return Questionnaire.objects.filter(kind=kind, year=year).order_by("-version").first()


def prepare_questionnaires(*, year: int, by: Actor) -> dict[str, Questionnaire]:
    """The newest version of each kind for `year`, made when missing: a copy of the latest earlier year's
    newest version, else the defaults. `by` must be allowed to add questionnaires (the system always is)."""
    found: dict[str, Questionnaire] = {}
    with transaction.atomic():
        for kind in KINDS:
            current = latest(kind, year)
            if current is None:
                ensure(by, "meetings.add_questionnaire")
                earlier = Questionnaire.objects.filter(kind=kind, year__lt=year).order_by("-year", "-version")
                source = earlier.first()
                current = (
                    _copy(source, year=year, version=1, by=by)
                    if source is not None
                    else _build_default(kind, year, by)
                )
            found[kind] = current
    return found


def new_version(*, questionnaire: Questionnaire, by: Actor) -> Questionnaire:
    """A new, editable version of a (locked) questionnaire for the same year; later rounds take it."""
    ensure(by, "meetings.add_questionnaire")
    with transaction.atomic():
        top = Questionnaire.objects.filter(kind=questionnaire.kind, year=questionnaire.year).order_by(
            "-version"
        )
        number = (top.values_list("version", flat=True).first() or 0) + 1
        return _copy(questionnaire, year=questionnaire.year, version=number, by=by)


# --------------------------------------------------------------------------- editing a questionnaire


@dataclass
class AspectInput:
    code: str
    name: str
    weight: Decimal
    description: str = ""
    pk: int | None = None
    delete: bool = False


@dataclass
class ItemInput:
    code: str
    text: str
    weight: Decimal = Decimal(1)
    guide: str = ""
    aspect_code: str = ""
    pk: int | None = None
    delete: bool = False


@dataclass
class BandInput:
    minimum: Decimal
    label: str
    meaning: str = ""
    tone: str = "yellow"
    pk: int | None = None
    delete: bool = False


def _check_questionnaire(
    questionnaire: Questionnaire,
    header: Mapping[str, Any],
    aspects: Sequence[AspectInput],
    items: Sequence[ItemInput],
    bands: Sequence[BandInput],
) -> None:
    errors: dict[str, list[str]] = defaultdict(list)
    kind = questionnaire.kind
    title = str(header.get("title", "")).strip()
    if not title:
        errors["title"].append(_("Judul kuesioner wajib diisi."))
    low, high = header.get("scale_min"), header.get("scale_max")
    if kind != QuestionnaireKind.SELF_ASSESSMENT:
        if low is None or high is None or int(low) >= int(high):
            errors["scale_max"].append(_("Skala tertinggi harus lebih besar daripada skala terendah."))
        labels = header.get("scale_labels") or []
        if labels and low is not None and high is not None and len(labels) != int(high) - int(low) + 1:
            errors["scale_labels"].append(
                _("Label skala harus satu per titik skala: %(n)d label untuk skala %(low)s–%(high)s.")
                % {"n": int(high) - int(low) + 1, "low": low, "high": high}
            )
    kept_aspects = [a for a in aspects if not a.delete]
    kept_items = [i for i in items if not i.delete]
    codes = [a.code.strip() for a in kept_aspects]
    for a in kept_aspects:
        if not a.code.strip() or not a.name.strip():
            errors["aspects"].append(_("Setiap aspek perlu kode dan nama."))
        if a.weight is None or a.weight < 0 or a.weight > 100:
            errors["aspects"].append(
                _("Bobot aspek %(code)s harus di antara 0 dan 100.") % {"code": a.code or "?"}
            )
    if len(set(codes)) != len(codes):
        errors["aspects"].append(_("Kode aspek harus unik."))
    if not kept_items:
        errors["items"].append(_("Kuesioner perlu sedikitnya satu butir."))
    item_codes = [i.code.strip() for i in kept_items]
    if len(set(item_codes)) != len(item_codes):
        errors["items"].append(_("Kode butir harus unik."))
    for i in kept_items:
        if not i.code.strip() or not i.text.strip():
            errors["items"].append(_("Setiap butir perlu kode dan teks."))
        if i.weight is None or i.weight < 0:
            errors["items"].append(_("Bobot butir %(code)s tidak boleh negatif.") % {"code": i.code or "?"})
        if i.aspect_code and i.aspect_code not in codes:
            errors["items"].append(
                _("Butir %(code)s menunjuk aspek %(aspect)s yang tidak ada.")
                % {"code": i.code, "aspect": i.aspect_code}
            )
    if kind == QuestionnaireKind.SELF_ASSESSMENT:
        total = sum((a.weight or Decimal(0) for a in kept_aspects), Decimal(0))
        if total != 100:
            errors["aspects"].append(
                _("Jumlah bobot aspek harus 100; sekarang %(total)s.") % {"total": f"{total.normalize():f}"}
            )
        for i in kept_items:
            if not i.aspect_code:
                errors["items"].append(
                    _("Kriteria %(code)s belum masuk aspek mana pun.") % {"code": i.code or "?"}
                )
        for a in kept_aspects:
            weight = sum((i.weight or Decimal(0) for i in kept_items if i.aspect_code == a.code), Decimal(0))
            if a.weight and weight <= 0:
                errors["aspects"].append(
                    _("Aspek %(code)s berbobot, tetapi belum punya kriteria berbobot.") % {"code": a.code}
                )
    if kind == QuestionnaireKind.READINESS:
        kept_bands = [b for b in bands if not b.delete]
        if not kept_bands:
            errors["bands"].append(_("Kesiapan strategi perlu sedikitnya satu klasifikasi nilai."))
        minima = [b.minimum for b in kept_bands]
        if len(set(minima)) != len(minima):
            errors["bands"].append(_("Nilai terendah setiap klasifikasi harus berbeda."))
        for b in kept_bands:
            if not b.label.strip():
                errors["bands"].append(_("Setiap klasifikasi perlu nama."))
    if errors:
        raise ValidationError({k: list(dict.fromkeys(v)) for k, v in errors.items()}, code="invalid")


def update_questionnaire(
    *,
    questionnaire: Questionnaire,
    header: Mapping[str, Any],
    aspects: Sequence[AspectInput],
    items: Sequence[ItemInput],
    bands: Sequence[BandInput] = (),
    by: Actor,
) -> Questionnaire:
    """Save a questionnaire's header, aspects, items and bands at once (all or nothing). A locked questionnaire
    (used by a round) is refused: make a new version."""
    ensure(by, "meetings.change_questionnaire", questionnaire)
    with transaction.atomic():
        questionnaire = locked(questionnaire)
        if questionnaire.locked:
            raise ValidationError(
                _("Kuesioner ini sudah dipakai putaran evaluasi dan tidak dapat diubah; buat versi baru."),
                code="questionnaire_locked",
            )
        _check_questionnaire(questionnaire, header, aspects, items, bands)
        for name in ("title", "instructions", "scale_min", "scale_max", "scale_labels"):
            if name in header:
                setattr(questionnaire, name, header[name])
        recorded(questionnaire, by).save()
        by_code: dict[str, QuestionnaireAspect] = {}
        own_aspects = {a.pk: a for a in questionnaire.aspects.all()}
        for order, a in enumerate(aspects, start=1):
            row = own_aspects.get(a.pk) if a.pk else None
            if a.delete:
                if row is not None:
                    recorded(row, by).delete()
                continue
            row = row or QuestionnaireAspect(questionnaire=questionnaire)
            row.order, row.code, row.name = order, a.code.strip(), a.name.strip()
            row.weight, row.description = a.weight, a.description
            recorded(row, by).save()
            by_code[row.code] = row
        own_items = {i.pk: i for i in questionnaire.items.all()}
        for order, i in enumerate(items, start=1):
            item = own_items.get(i.pk) if i.pk else None
            if i.delete:
                if item is not None:
                    recorded(item, by).delete()
                continue
            item = item or QuestionnaireItem(questionnaire=questionnaire)
            item.order, item.code, item.text = order, i.code.strip(), i.text.strip()
            item.weight, item.guide = i.weight, i.guide
            item.aspect = by_code.get(i.aspect_code) if i.aspect_code else None
            recorded(item, by).save()
        own_bands = {b.pk: b for b in questionnaire.bands.all()}
        for b in bands:
            band = own_bands.get(b.pk) if b.pk else None
            if b.delete:
                if band is not None:
                    recorded(band, by).delete()
                continue
        for b in bands:  # minima are unique: delete first, then save
            if b.delete:
                continue
            band = own_bands.get(b.pk) if b.pk else None
            band = band or ScoreBand(questionnaire=questionnaire)
            band.minimum, band.label, band.meaning, band.tone = b.minimum, b.label.strip(), b.meaning, b.tone
            try:
                with transaction.atomic():
                    recorded(band, by).save()
            except IntegrityError:
                raise ValidationError(
                    {"bands": [_("Nilai terendah setiap klasifikasi harus berbeda.")]}, code="invalid"
                ) from None
    return questionnaire


# =========================================================================== selectors


def questionnaires() -> QuerySet[Questionnaire]:
    return Questionnaire.objects.annotate(n_items=Count("items")).order_by("-year", "kind", "-version")


def questionnaire_detail(pk: int) -> Questionnaire:
    return Questionnaire.objects.prefetch_related(
        Prefetch("aspects", queryset=QuestionnaireAspect.objects.order_by("order", "pk")),
        Prefetch("items", queryset=QuestionnaireItem.objects.select_related("aspect")),
        Prefetch("bands", queryset=ScoreBand.objects.order_by("minimum")),
    ).get(pk=pk)


def rounds_readable_by(user: Viewer) -> QuerySet[EvaluationRound]:
    """Rounds whose organiser unit the user reaches, or with a unit the user reaches."""
    units = Unit.objects.filter(unit_filter(user, "path", EVALUATION_READ_ROLES)).values("pk")
    return (
        EvaluationRound.objects.filter(
            Q(unit__in=units) | Q(pk__in=UnitEvaluation.objects.filter(unit__in=units).values("round_id"))
        )
        .select_related("unit", "self_assessment", "readiness", "survey")
        .distinct()
    )


def evaluations_readable_by(user: Viewer) -> QuerySet[UnitEvaluation]:
    return UnitEvaluation.objects.filter(
        unit_filter(user, "unit__path", EVALUATION_READ_ROLES)
    ).select_related(
        "unit", "round", "round__unit", "round__self_assessment", "round__readiness", "round__survey"
    )


def units_for_rounds(user: Viewer) -> QuerySet[Unit]:
    """Units the user may open a round on (performance manager or administrator)."""
    return Unit.objects.filter(unit_filter(user, "path", EVALUATION_MANAGE_ROLES), is_active=True).order_by(
        "path"
    )


def default_units(user: Viewer, organiser: Unit) -> QuerySet[Unit]:
    """The map owners in the organiser's subtree that the user reaches as manager or administrator."""
    return Unit.objects.filter(
        unit_filter(user, "path", EVALUATION_MANAGE_ROLES),
        path__startswith=organiser.path,
        owns_map=True,
        is_active=True,
    ).order_by("path")


def units_for_scope(user: Viewer) -> QuerySet[Unit]:
    """Units the user may root a round's chosen subtree at: any active unit they manage (the form also asks
    that it lie under the organiser)."""
    return Unit.objects.filter(unit_filter(user, "path", EVALUATION_MANAGE_ROLES), is_active=True).order_by(
        "path"
    )


def scoped_units(
    user: Viewer,
    organiser: Unit,
    *,
    root: Unit | None = None,
    levels: Iterable[str] = (),
    kinds: Iterable[str] = (),
    map_owners: bool = True,
) -> QuerySet[Unit]:
    """The units a round of `organiser` evaluates, chosen by rule: active units the user manages in `root`'s
    subtree (the organiser's when None; a root outside the organiser's subtree gives none), of `levels` and
    `kinds` (empty: any), map owners only when `map_owners`. One queryset: the page counts it, the round
    reads it."""
    root = root or organiser
    units = Unit.objects.filter(
        unit_filter(user, "path", EVALUATION_MANAGE_ROLES),
        path__startswith=root.path,
        is_active=True,
    )
    if not root.path.startswith(organiser.path):
        units = units.none()
    levels, kinds = list(levels), list(kinds)
    if levels:
        units = units.filter(level__in=levels)
    if kinds:
        units = units.filter(kind__in=kinds)
    if map_owners:
        units = units.filter(owns_map=True)
    return units.order_by("path")


@dataclass
class RankRow:
    evaluation: UnitEvaluation
    rank: int | None
    sfo_average: Decimal | None
    respondents: int
    band: BandView | None


def _scored_q() -> Q:
    return Q(state=EvaluationState.REVIEWED, total_score__isnull=False)


def ranked(round_: EvaluationRound, user: Viewer | None = None) -> QuerySet[UnitEvaluation]:
    """The round's evaluations (those `user` reaches; all for None) in ranking order — reviewed ones by review
    score, best first, then the rest in the tree's order — each with `rank_place` (the standard competition
    rank among the reviewed ones, computed by the database over the whole set, so a page of it is still
    ranked against all). Page it, then `rank_rows` the page."""
    rows = UnitEvaluation.objects.filter(round=round_)
    if user is not None:
        rows = rows.filter(unit_filter(user, "unit__path", EVALUATION_READ_ROLES))
    unscored = Case(When(_scored_q(), then=Value(0)), default=Value(1), output_field=IntegerField())
    return (
        rows.select_related("unit", "reviewed_by")
        .annotate(
            unscored=unscored,
            rank_place=Window(Rank(), partition_by=[unscored], order_by=F("total_score").desc()),
        )
        .order_by("unscored", F("total_score").desc(nulls_last=True), "unit__path", "pk")
    )


def rank_rows(round_: EvaluationRound, evaluations: Iterable[UnitEvaluation]) -> list[RankRow]:
    """`RankRow`s for evaluations read from `ranked` (a page or all): their SFO averages and respondents in one
    query over just these evaluations, the readiness bands in one more."""
    evaluations = list(evaluations)
    survey: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in UnitEvaluation.objects.filter(pk__in=[e.pk for e in evaluations])
        .order_by()
        .values("pk")
        .annotate(
            sfo_average=Avg("survey_responses__answers__value"),
            respondents=Count("survey_responses", distinct=True),
        )
    }
    bands = list(round_.readiness.bands.all()) if evaluations else []
    out: list[RankRow] = []
    for e in evaluations:
        found = survey.get(e.pk, {})
        out.append(
            RankRow(
                e,
                e.rank_place if not e.unscored else None,  # type: ignore[attr-defined]
                _avg(found.get("sfo_average")),
                int(found.get("respondents") or 0),
                band_for(e.readiness_total, bands),
            )
        )
    return out


def ranking(round_: EvaluationRound, user: Viewer | None = None) -> list[RankRow]:
    """Every unit of the round `user` reaches, ranked (the round's report: the page shows it a page at a
    time). Three queries."""
    return rank_rows(round_, ranked(round_, user))


def _avg(value: Any) -> Decimal | None:
    return None if value is None else _q(Decimal(str(value)))


@dataclass
class CriterionRow:
    item: QuestionnaireItem
    answer: CriterionAnswer | None
    effective_weight: Decimal  # % of the total this criterion carries


@dataclass
class AspectBlock:
    aspect: QuestionnaireAspect
    rows: list[CriterionRow]
    score: Decimal | None  # the aspect's weighted mean 0–100 of review scores, when all are scored
    self_score: Decimal | None


@dataclass
class EvaluationView:
    """Everything the unit's page, the PDF and the API show of one evaluation."""

    evaluation: UnitEvaluation
    aspects: list[AspectBlock]
    readiness_items: list[tuple[QuestionnaireItem, int | None]]
    readiness_total: int | None
    readiness_complete: bool
    band: BandView | None
    bands: list[ScoreBand]
    survey: SurveySummary
    survey_items: list[tuple[QuestionnaireItem, Decimal | None]]
    self_total: Decimal | None
    total: Decimal | None
    readiness_max: int = 0
    scale_labels: list[str] = field(default_factory=list)


def _mean(pairs: list[tuple[Decimal, Decimal | None]]) -> Decimal | None:
    if not pairs or any(s is None for _w, s in pairs):
        return None
    weights = sum((w for w, _s in pairs), Decimal(0))
    if weights <= 0:
        return None
    return _q(sum((w * Decimal(s or 0) for w, s in pairs), Decimal(0)) / weights)


def evaluation_view(evaluation: UnitEvaluation) -> EvaluationView:
    """The evaluation with its questionnaires, answers and aggregates (a fixed number of queries)."""
    round_ = evaluation.round
    aspects = list(round_.self_assessment.aspects.order_by("order", "pk"))
    items = list(round_.self_assessment.items.order_by("order", "pk"))
    answers = {a.item_id: a for a in evaluation.answers.all()}
    blocks: list[AspectBlock] = []
    review_input = []
    self_input = []
    for aspect in aspects:
        own = [i for i in items if i.aspect_id == aspect.pk]
        weights = sum((i.weight for i in own), Decimal(0))
        rows = [
            CriterionRow(
                i, answers.get(i.pk), _q(aspect.weight * i.weight / weights) if weights else Decimal(0)
            )
            for i in own
        ]
        review = [(r.item.weight, r.answer.review_score if r.answer else None) for r in rows]
        own_scores = [(r.item.weight, r.answer.self_score if r.answer else None) for r in rows]
        review_input.append((aspect.weight, review))
        self_input.append((aspect.weight, own_scores))
        blocks.append(AspectBlock(aspect, rows, _mean(review), _mean(own_scores)))
    all_self = all(s is not None for _w, scores in self_input for _x, s in scores)
    readiness_items = list(round_.readiness.items.order_by("order", "pk"))
    readiness = {a.item_id: a.score for a in evaluation.readiness_answers.all()}
    readiness_pairs = [(i, readiness.get(i.pk)) for i in readiness_items]
    complete = bool(readiness_items) and all(s is not None for _i, s in readiness_pairs)
    readiness_total = sum(s for _i, s in readiness_pairs if s is not None) if complete else None
    bands = list(round_.readiness.bands.order_by("minimum"))
    survey_items = list(round_.survey.items.order_by("aspect__order", "order", "pk"))
    responses: dict[int, dict[int, int]] = defaultdict(dict)
    for response_id, item_id, value in SurveyAnswer.objects.filter(
        response__evaluation=evaluation
    ).values_list("response_id", "item_id", "value"):
        responses[response_id][item_id] = value
    summary = survey_summary(responses.values())
    return EvaluationView(
        evaluation=evaluation,
        aspects=blocks,
        readiness_items=readiness_pairs,
        readiness_total=readiness_total,
        readiness_complete=complete,
        band=band_for(readiness_total, bands),
        bands=bands,
        survey=summary,
        survey_items=[(i, summary.per_item.get(i.pk)) for i in survey_items],
        self_total=weighted_total(self_input) if all_self and items else None,
        total=evaluation.total_score,
        readiness_max=len(readiness_items) * round_.readiness.scale_max,
        scale_labels=list(round_.readiness.scale_labels or []),
    )


def has_responded(evaluation: UnitEvaluation, user: Viewer) -> SurveyResponse | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return SurveyResponse.objects.filter(evaluation=evaluation, respondent_id=user.pk).first()


def respondents(unit: Unit) -> QuerySet[Any]:
    """The unit's performance managers (the SFO survey's respondents): users with a manager role on the unit."""
    from django.contrib.auth import get_user_model

    ids = RoleAssignment.objects.filter(role=Role.MANAGER, unit=unit).values("user_id")
    return get_user_model().objects.filter(pk__in=ids, is_active=True)


# =========================================================================== services: rounds


def check_window(*, year: int, opens_on: dt.date | None, closes_on: dt.date | None) -> None:
    """The round's window lies within Q2–Q3 of its year (1 April – 30 September), start before end."""
    errors: dict[str, list[str]] = {}
    first, last = dt.date(year, FIRST_MONTH, 1), dt.date(year, LAST_MONTH, 30)
    window = {"first": first.strftime("%d-%m-%Y"), "last": last.strftime("%d-%m-%Y"), "year": year}
    if opens_on is None:
        errors["opens_on"] = [_("Tanggal mulai wajib diisi.")]
    elif not first <= opens_on <= last:
        errors["opens_on"] = [
            _("Tanggal mulai harus dalam triwulan II–III %(year)s (%(first)s s.d. %(last)s).") % window
        ]
    if closes_on is None:
        errors["closes_on"] = [_("Tanggal berakhir wajib diisi.")]
    elif not first <= closes_on <= last:
        errors["closes_on"] = [
            _("Tanggal berakhir harus dalam triwulan II–III %(year)s (%(first)s s.d. %(last)s).") % window
        ]
    elif opens_on is not None and closes_on < opens_on:
        errors["closes_on"] = [_("Tanggal berakhir tidak boleh sebelum tanggal mulai.")]
    if errors:
        raise ValidationError(errors, code="invalid_window")


def _check_units(
    round_unit: Unit, units: Sequence[Unit], year: int, by: Actor, exclude_round: int | None
) -> None:
    if not units:
        raise ValidationError({"units": [_("Pilih sedikitnya satu unit yang dievaluasi.")]}, code="no_units")
    outside = [u for u in units if not u.path.startswith(round_unit.path)]
    if outside:
        raise ValidationError(
            {
                "units": [
                    _("Unit %(units)s berada di luar %(organiser)s.")
                    % {"units": ", ".join(u.code for u in outside), "organiser": round_unit.code}
                ]
            },
            code="unit_outside",
        )
    for unit in units:
        ensure(by, "meetings.answer_unitevaluation", unit)
    taken = (
        UnitEvaluation.objects.filter(round__year=year, unit__in=units)
        .exclude(round_id=exclude_round)
        .select_related("unit", "round")
    )
    clash = list(taken)
    if clash:
        raise ValidationError(
            {
                "units": [
                    _("Unit %(units)s sudah dievaluasi dalam putaran lain tahun %(year)s.")
                    % {"units": ", ".join(e.unit.code for e in clash), "year": year}
                ]
            },
            code="unit_taken",
        )


def open_round(
    *,
    unit: Unit,
    year: int,
    opens_on: dt.date | None,
    closes_on: dt.date | None,
    units: Sequence[Unit],
    title: str = "",
    by: Actor,
) -> EvaluationRound:
    """Open a round for `year` on `unit`'s subtree, evaluating `units`; it takes (and locks) the year's newest
    questionnaire of each kind, made from last year's or the defaults when missing."""
    ensure(by, "meetings.add_evaluationround", unit)
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": [_("Tahun harus di antara 2000 dan 2100.")]}, code="invalid_year")
    check_window(year=year, opens_on=opens_on, closes_on=closes_on)
    assert opens_on is not None and closes_on is not None
    if EvaluationRound.objects.filter(unit=unit, year=year).exists():
        raise ValidationError(
            {
                "year": [
                    _("%(unit)s sudah membuka putaran evaluasi tahun %(year)s.")
                    % {"unit": unit.code, "year": year}
                ]
            },
            code="round_exists",
        )
    units = list(dict.fromkeys(units))
    _check_units(unit, units, year, by, None)
    with transaction.atomic():
        found = prepare_questionnaires(
            year=year, by=None
        )  # the round's own need: no questionnaire right asked
        now = timezone.now()
        for questionnaire in found.values():
            if questionnaire.locked_at is None:
                questionnaire.locked_at = now
                recorded(questionnaire, by).save(update_fields=["locked_at", "updated_at"])
        round_ = EvaluationRound(
            unit=unit,
            year=year,
            title=title.strip()
            or _("Evaluasi Pengelolaan Kinerja %(year)s — %(unit)s") % {"year": year, "unit": unit.name},
            opens_on=opens_on,
            closes_on=closes_on,
            self_assessment=found[QuestionnaireKind.SELF_ASSESSMENT],
            readiness=found[QuestionnaireKind.READINESS],
            survey=found[QuestionnaireKind.SFO],
            created_by=author(by),
        )
        recorded(round_, by).save()
        # one INSERT per 500 units (and their history), not one per unit: a ministry-wide round has 1,000
        bulk_create_with_history(
            [UnitEvaluation(round=round_, unit=evaluated) for evaluated in units],
            UnitEvaluation,
            batch_size=500,
            default_user=author(by),
        )
    return round_


def add_units(*, round_: EvaluationRound, units: Sequence[Unit], by: Actor) -> int:
    ensure(by, "meetings.change_evaluationround", round_)
    with transaction.atomic():
        round_ = locked(round_, related=("unit",))
        _open(round_)
        present = set(round_.evaluations.values_list("unit_id", flat=True))
        new = [u for u in dict.fromkeys(units) if u.pk not in present]
        _check_units(round_.unit, new, round_.year, by, round_.pk)
        bulk_create_with_history(
            [UnitEvaluation(round=round_, unit=unit) for unit in new],
            UnitEvaluation,
            batch_size=500,
            default_user=author(by),
        )
    return len(new)


def update_window(
    *, round_: EvaluationRound, opens_on: dt.date | None, closes_on: dt.date | None, by: Actor
) -> EvaluationRound:
    ensure(by, "meetings.change_evaluationround", round_)
    check_window(year=round_.year, opens_on=opens_on, closes_on=closes_on)
    with transaction.atomic():
        round_ = locked(round_)
        _open(round_)
        round_.opens_on, round_.closes_on = opens_on, closes_on  # type: ignore[assignment]
        recorded(round_, by).save(update_fields=["opens_on", "closes_on"])
    return round_


def close_round(*, round_: EvaluationRound, by: Actor) -> EvaluationRound:
    """Close a round: everything in it becomes read-only (an evaluation not reviewed stays as it is)."""
    ensure(by, "meetings.change_evaluationround", round_)
    with transaction.atomic():
        round_ = locked(round_)
        _open(round_)
        round_.state = RoundState.CLOSED
        round_.closed_at = timezone.now()
        round_.closed_by = author(by)
        recorded(round_, by).save(update_fields=["state", "closed_at", "closed_by"])
    return round_


def _open(round_: EvaluationRound) -> None:
    if round_.state == RoundState.CLOSED:
        raise ValidationError(
            _("Putaran evaluasi %(year)s telah ditutup; tidak ada lagi yang dapat diubah.")
            % {"year": round_.year},
            code="round_closed",
        )


# =========================================================================== services: a unit's evaluation


def _evaluation(evaluation: UnitEvaluation) -> UnitEvaluation:
    return locked(evaluation, related=("unit", "round", "round__self_assessment", "round__readiness"))


def _in_state(evaluation: UnitEvaluation, *states: str) -> None:
    _open(evaluation.round)
    if evaluation.state not in states:
        messages = {
            EvaluationState.DRAFT: _("Evaluasi ini masih konsep; unit belum mengajukannya."),
            EvaluationState.SUBMITTED: _(
                "Evaluasi ini sudah diajukan dan menunggu reviu; jawaban tidak dapat diubah."
            ),
            EvaluationState.REVIEWED: _("Evaluasi ini sudah direviu dan tidak dapat diubah lagi."),
        }
        raise ValidationError(messages[EvaluationState(evaluation.state)], code="wrong_state")


@dataclass
class AnswerInput:
    explanation: str | None = None
    self_score: Decimal | None = None
    upload: File | None = None
    remove_evidence: bool = False


def _score(value: Any, key: str, low: Decimal = SCORE_MIN, high: Decimal = SCORE_MAX) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise ValidationError({key: [_("Isi dengan angka.")]}, code="invalid") from None
    if not low <= number <= high:
        raise ValidationError(
            {
                key: [
                    _("Nilai harus di antara %(low)s dan %(high)s.")
                    % {"low": f"{low.normalize():f}", "high": f"{high.normalize():f}"}
                ]
            },
            code="out_of_range",
        )
    return _q(number)


def save_answers(
    *,
    evaluation: UnitEvaluation,
    answers: Mapping[int, AnswerInput] | None = None,
    readiness: Mapping[int, int | None] | None = None,
    by: Actor,
) -> UnitEvaluation:
    """Save the unit's self-assessment answers (keyed by criterion id) and readiness scores (by statement id)
    while the evaluation is a draft. Errors name the field: `self_score_<id>`, `evidence_<id>`,
    `readiness_<id>`. All or nothing."""
    ensure(by, "meetings.answer_unitevaluation", evaluation)
    with transaction.atomic():
        evaluation = _evaluation(evaluation)
        _in_state(evaluation, EvaluationState.DRAFT)
        round_ = evaluation.round
        criteria = {i.pk: i for i in round_.self_assessment.items.all()}
        statements = {i.pk: i for i in round_.readiness.items.all()}
        errors: dict[str, list[str]] = {}
        checked: dict[int, tuple[AnswerInput, Decimal | None]] = {}
        for item_id, given in (answers or {}).items():
            if item_id not in criteria:
                errors[f"self_score_{item_id}"] = [_("Kriteria ini bukan bagian kuesioner putaran ini.")]
                continue
            try:
                score = _score(given.self_score, f"self_score_{item_id}")
                if given.upload is not None:
                    check_file(given.upload.name or "", given.upload, given.upload.size)
            except ValidationError as exc:
                for key, messages in (
                    exc.message_dict.items()
                    if hasattr(exc, "error_dict")
                    else [(f"evidence_{item_id}", exc.messages)]
                ):
                    errors.setdefault(key, []).extend(messages)
                continue
            checked[item_id] = (given, score)
        readiness_scores: dict[int, int | None] = {}
        low, high = round_.readiness.scale_min, round_.readiness.scale_max
        for item_id, value in (readiness or {}).items():
            key = f"readiness_{item_id}"
            if item_id not in statements:
                errors[key] = [_("Pernyataan ini bukan bagian kuesioner putaran ini.")]
                continue
            if value is None or value == "":
                readiness_scores[item_id] = None
                continue
            try:
                number = int(value)
            except (TypeError, ValueError):
                errors[key] = [_("Isi dengan bilangan bulat.")]
                continue
            if not low <= number <= high:
                errors[key] = [_("Skor harus di antara %(low)d dan %(high)d.") % {"low": low, "high": high}]
                continue
            readiness_scores[item_id] = number
        if errors:
            raise ValidationError(errors, code="invalid")
        existing = {a.item_id: a for a in evaluation.answers.all()}
        for item_id, (given, score) in checked.items():
            answer = existing.get(item_id) or CriterionAnswer(evaluation=evaluation, item_id=item_id)
            if given.explanation is not None:
                answer.explanation = given.explanation.strip()
            answer.self_score = score
            if given.remove_evidence and answer.evidence:
                answer.evidence.delete(save=False)
                answer.evidence, answer.evidence_name = "", ""
            if given.upload is not None:
                answer.evidence_name = (given.upload.name or "")[:255]
                answer.evidence.save(given.upload.name or "data-dukung", given.upload, save=False)
            recorded(answer, by).save()
        present = {a.item_id: a for a in evaluation.readiness_answers.all()}
        for item_id, given_score in readiness_scores.items():
            row = present.get(item_id)
            if given_score is None:
                if row is not None:
                    recorded(row, by).delete()
                continue
            row = row or ReadinessAnswer(evaluation=evaluation, item_id=item_id, score=given_score)
            row.score = given_score
            recorded(row, by).save()
        _store_readiness_total(evaluation, by)
    return evaluation


def _store_readiness_total(evaluation: UnitEvaluation, by: Actor) -> None:
    statements = set(evaluation.round.readiness.items.values_list("pk", flat=True))
    scores = dict(evaluation.readiness_answers.values_list("item_id", "score"))
    total = sum(scores.values()) if statements and statements <= set(scores) else None
    if evaluation.readiness_total != total:
        evaluation.readiness_total = total
        recorded(evaluation, by).save(update_fields=["readiness_total"])


def missing_for_submit(evaluation: UnitEvaluation) -> list[str]:
    """What the unit must still fill before submitting (codes of criteria and statements), named."""
    round_ = evaluation.round
    answers = {a.item_id: a for a in evaluation.answers.all()}
    problems = []
    for item in round_.self_assessment.items.order_by("aspect__order", "order"):
        answer = answers.get(item.pk)
        if answer is None or not answer.explanation.strip():
            problems.append(_("kriteria %(code)s: penjelasan belum diisi") % {"code": item.code})
        if answer is None or answer.self_score is None:
            problems.append(_("kriteria %(code)s: nilai mandiri belum diisi") % {"code": item.code})
    scored = set(evaluation.readiness_answers.values_list("item_id", flat=True))
    for item in round_.readiness.items.order_by("order"):
        if item.pk not in scored:
            problems.append(_("kesiapan strategi %(code)s: skor belum diisi") % {"code": item.code})
    return problems


def submit(*, evaluation: UnitEvaluation, by: Actor) -> UnitEvaluation:
    """The unit submits its answers for review: every criterion explained and self-scored, every readiness
    statement scored."""
    ensure(by, "meetings.answer_unitevaluation", evaluation)
    with transaction.atomic():
        evaluation = _evaluation(evaluation)
        _in_state(evaluation, EvaluationState.DRAFT)
        problems = missing_for_submit(evaluation)
        if problems:
            raise ValidationError(
                _("Belum dapat diajukan: %(problems)s.") % {"problems": "; ".join(problems)},
                code="incomplete",
            )
        evaluation.state = EvaluationState.SUBMITTED
        evaluation.submitted_at = timezone.now()
        evaluation.submitted_by = author(by)
        evaluation.return_reason = ""
        recorded(evaluation, by).save(
            update_fields=["state", "submitted_at", "submitted_by", "return_reason"]
        )
    return evaluation


def return_evaluation(*, evaluation: UnitEvaluation, reason: str, by: Actor) -> UnitEvaluation:
    """The reviewer sends a submitted evaluation back to the unit, with a reason."""
    ensure(by, "meetings.review_unitevaluation", evaluation)
    with transaction.atomic():
        evaluation = _evaluation(evaluation)
        _in_state(evaluation, EvaluationState.SUBMITTED)
        if not reason.strip():
            raise ValidationError({"reason": [_("Tuliskan alasan pengembalian.")]}, code="reason_required")
        evaluation.state = EvaluationState.DRAFT
        evaluation.return_reason = reason.strip()
        recorded(evaluation, by, reason).save(update_fields=["state", "return_reason"])
    return evaluation


def review(
    *,
    evaluation: UnitEvaluation,
    scores: Mapping[int, Any],
    notes: Mapping[int, str] | None = None,
    findings: str,
    recommendations: str,
    by: Actor,
) -> UnitEvaluation:
    """The reviewer scores every criterion 0–100 (errors name `review_score_<id>`), writes findings and
    recommendations; the weighted total out of 100 is stored and the evaluation is reviewed (read-only).
    The reviewer may not be the one who submitted it."""
    ensure(by, "meetings.review_unitevaluation", evaluation)
    with transaction.atomic():
        evaluation = _evaluation(evaluation)
        _in_state(evaluation, EvaluationState.SUBMITTED)
        if by is not None and evaluation.submitted_by_id is not None and evaluation.submitted_by_id == by.pk:
            raise PermissionDenied(_("Evaluasi tidak dapat direviu oleh yang mengajukannya."))
        items = list(evaluation.round.self_assessment.items.select_related("aspect"))
        errors: dict[str, list[str]] = {}
        checked: dict[int, Decimal] = {}
        for item in items:
            key = f"review_score_{item.pk}"
            try:
                value = _score(scores.get(item.pk), key)
            except ValidationError as exc:
                errors.update(exc.message_dict)
                continue
            if value is None:
                errors[key] = [_("Nilai reviu kriteria %(code)s wajib diisi.") % {"code": item.code}]
                continue
            checked[item.pk] = value
        if not findings.strip():
            errors["findings"] = [_("Tuliskan temuan reviu.")]
        if not recommendations.strip():
            errors["recommendations"] = [_("Tuliskan rekomendasi.")]
        if errors:
            raise ValidationError(errors, code="invalid")
        existing = {a.item_id: a for a in evaluation.answers.all()}
        for item in items:
            answer = existing.get(item.pk) or CriterionAnswer(evaluation=evaluation, item=item)
            answer.review_score = checked[item.pk]
            answer.review_note = (notes or {}).get(item.pk, "").strip()
            recorded(answer, by).save()
        aspects = list(evaluation.round.self_assessment.aspects.all())
        evaluation.total_score = weighted_total(
            (a.weight, [(i.weight, checked[i.pk]) for i in items if i.aspect_id == a.pk]) for a in aspects
        )
        evaluation.findings = findings.strip()
        evaluation.recommendations = recommendations.strip()
        evaluation.state = EvaluationState.REVIEWED
        evaluation.reviewed_at = timezone.now()
        evaluation.reviewed_by = author(by)
        recorded(evaluation, by).save()
    return evaluation


def respond_survey(*, evaluation: UnitEvaluation, values: Mapping[int, Any], by: Actor) -> SurveyResponse:
    """One performance manager of the unit answers its SFO survey, once, every statement (errors name
    `sfo_<id>`); taken while the evaluation is not yet reviewed and the round is open."""
    ensure(by, "meetings.respond_unitevaluation", evaluation)
    if by is None:
        raise ValidationError(
            _("Survei SFO diisi oleh pengelola kinerja, bukan oleh sistem."), code="no_respondent"
        )
    with transaction.atomic():
        evaluation = _evaluation(evaluation)
        _in_state(evaluation, EvaluationState.DRAFT, EvaluationState.SUBMITTED)
        survey = evaluation.round.survey
        if SurveyResponse.objects.filter(evaluation=evaluation, respondent_id=by.pk).exists():
            raise ValidationError(
                _("Anda sudah mengisi survei SFO unit ini; setiap pengelola kinerja mengisi sekali."),
                code="already_answered",
            )
        errors: dict[str, list[str]] = {}
        checked: dict[int, int] = {}
        for item in survey.items.order_by("aspect__order", "order"):
            key = f"sfo_{item.pk}"
            raw = values.get(item.pk)
            try:
                number = int(raw) if raw not in (None, "") else None
            except (TypeError, ValueError):
                number = -1
            if number is None:
                errors[key] = [_("Pernyataan %(code)s belum dijawab.") % {"code": item.code}]
            elif not survey.scale_min <= number <= survey.scale_max:
                errors[key] = [
                    _("Jawaban harus di antara %(low)d dan %(high)d.")
                    % {"low": survey.scale_min, "high": survey.scale_max}
                ]
            else:
                checked[item.pk] = number
        if errors:
            raise ValidationError(errors, code="invalid")
        response = SurveyResponse(evaluation=evaluation, respondent_id=by.pk, submitted_at=timezone.now())
        try:
            with transaction.atomic():
                recorded(response, by).save()
        except IntegrityError:
            raise ValidationError(
                _("Anda sudah mengisi survei SFO unit ini; setiap pengelola kinerja mengisi sekali."),
                code="already_answered",
            ) from None
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, item_id=item_id, value=value)
            for item_id, value in checked.items()
        )
    return response
