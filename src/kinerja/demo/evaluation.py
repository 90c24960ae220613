"""Demo: the 2026 evaluation of performance management (issue 14 item 7), through the product's services.

The ministry's central performance manager (`pengelola.kemenkeu`) opened the round on 13 April 2026 (Q2) for
four units: Direktorat Jenderal Pajak (echelon I), Kanwil DJP Jawa Timur III, KPP Madya Malang and KPPBC TMP
Tanjung Perak. Each unit's own performance managers (demo accounts `pengelola.kpp.malang`, `pengelola.kanwil.
jatim3`, `pengelola.djp` and colleagues, password `kinerja-demo`) answered the self-assessment with evidence and
the strategy readiness check, submitted it, and answered the SFO survey (1–6), each once. Reviews: KPP Madya
Malang and the Kanwil by `pengelola.djp` (the DJP manager above them), DJP by `pengelola.kemenkeu`; KPPBC
Tanjung Perak is submitted and waits for `pengelola.kemenkeu`'s review, so the demo shows every state.

The figures are plausible for a good year: review totals 84–93, readiness 22–29 (fair to very good), SFO
averages 4.4–5.1 on 1–6 (the DJPb history in the seeds reports 4.45–4.89). Dates are set as they happened.
Idempotent: a round of the ministry for 2026 that exists is left as it is; `clear` removes the round, the
demo respondents' accounts and the year's questionnaires no other round uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.accounts.models import Role, RoleAssignment
from kinerja.meetings import evaluation as ev
from kinerja.meetings.evaluation_models import (
    CriterionAnswer,
    EvaluationRound,
    Questionnaire,
    SurveyResponse,
    UnitEvaluation,
)
from kinerja.organisations.models import Unit

from .organisation import DEMO_PASSWORD, EMAIL_DOMAIN
from .steps import Counts, DemoRun, DemoStep

YEAR = 2026
ORGANISER = "KEMENKEU"
ORGANISER_LOGIN = "pengelola.kemenkeu"
OPENS, CLOSES = dt.date(2026, 4, 13), dt.date(2026, 8, 28)
D = Decimal


@dataclass(frozen=True)
class Respondent:
    username: str
    first_name: str
    last_name: str


@dataclass(frozen=True)
class UnitPlan:
    code: str
    respondents: tuple[Respondent, ...]  # the unit's own managers; the first submits (unless `submitter`)
    self_scores: dict[str, int]
    review_scores: dict[str, int] | None  # None: submitted, waiting for review
    readiness: tuple[int, ...]
    sfo: tuple[tuple[int, ...], ...]  # one row of 10 answers per respondent
    findings: str
    recommendations: str
    reviewer: str
    submitted: dt.date
    reviewed: dt.date | None
    existing_respondents: tuple[str, ...] = ()  # demo logins that are the unit's managers already


CODES = ("A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "D1", "D2", "E1", "E2")

EXPLANATIONS = {
    "A1": "Peta strategi dan IKU {unit} tahun 2026 ditetapkan dengan keputusan pimpinan unit pada minggu pertama "
    "Januari; seluruh sasaran strategis unit atasan yang relevan telah diturunkan dan diselaraskan.",
    "A2": "Manual IKU disusun untuk seluruh IKU, memuat formula, sumber data, polaritas, dan periode pelaporan; "
    "target ditetapkan dari realisasi 2025 dengan kenaikan yang disepakati dalam rapat penetapan target.",
    "A3": "Kontrak kinerja pejabat dan pegawai ditandatangani melalui aplikasi; beberapa kontrak pegawai mutasi "
    "diganti dalam 15 hari kerja setelah pelantikan.",
    "B1": "Capaian IKU triwulan I dan II dilaporkan melalui aplikasi sebelum batas waktu; keterlambatan tercatat "
    "pada sebagian kecil IKU yang datanya bersumber dari unit lain.",
    "B2": "Setiap capaian dilampiri data dukung (laporan aplikasi, berita acara, rekapitulasi) dan diverifikasi "
    "pengelola kinerja sebelum disetujui pimpinan.",
    "B3": "Kemajuan inisiatif strategis dipantau bulanan; register risiko dimutakhirkan setiap triwulan bersama "
    "Unit Kepatuhan Internal.",
    "C1": "Laporan kinerja bulanan disampaikan kepada pimpinan paling lambat tanggal 10 bulan berikutnya.",
    "C2": "Analisis capaian memuat penyebab IKU merah, dampaknya, dan langkah perbaikan beserta penanggung "
    "jawabnya; sebagian analisis masih bersifat deskriptif.",
    "D1": "Dialog kinerja organisasi diselenggarakan setiap bulan dan dipimpin langsung oleh pimpinan unit.",
    "D2": "Keputusan DKO dicatat dalam notula dan matriks tindak lanjut; tindak lanjut terbuka dibawa ke rapat "
    "berikutnya sampai selesai.",
    "E1": "Hasil pengukuran dipakai dalam penetapan prioritas kegiatan dan revisi anggaran semester II.",
    "E2": "Nilai kinerja pegawai dipakai dalam usulan pegawai teladan, pengembangan kompetensi, dan penempatan.",
}
EVIDENCE = {
    "A1": "KEP-penetapan-peta-strategi-2026.pdf",
    "A3": "rekap-kontrak-kinerja-2026.pdf",
    "B2": "contoh-verifikasi-capaian-TW-II.pdf",
    "D2": "notula-DKO-dan-matriks-tindak-lanjut.pdf",
}

PLANS: tuple[UnitPlan, ...] = (
    UnitPlan(
        code="DJP",
        respondents=(
            Respondent("pengelola.djp.2", "Hendra", "Gunawan"),
            Respondent("pengelola.djp.3", "Ratna", "Sari Dewi"),
            Respondent("pengelola.djp.4", "Joko", "Susilo"),
            Respondent("pengelola.djp.5", "Maya", "Anggraini"),
        ),
        existing_respondents=("pengelola.djp",),
        self_scores=dict(zip(CODES, (100, 95, 95, 95, 95, 90, 95, 90, 100, 95, 90, 85), strict=True)),
        review_scores=dict(zip(CODES, (100, 95, 90, 95, 95, 85, 95, 85, 100, 95, 90, 80), strict=True)),
        readiness=(4, 4, 3, 4, 3, 4, 3, 4),
        sfo=(
            (6, 5, 5, 5, 5, 5, 5, 4, 5, 5),
            (5, 5, 6, 5, 5, 4, 5, 5, 5, 6),
            (5, 5, 5, 6, 5, 5, 4, 5, 5, 5),
            (6, 6, 5, 5, 5, 5, 5, 4, 5, 5),
            (5, 5, 5, 5, 4, 5, 5, 5, 6, 5),
        ),
        findings=(
            "1. Pengelolaan kinerja DJP berjalan tertib: peta strategi, IKU dan kontrak kinerja ditetapkan tepat "
            "waktu dan selaras dengan peta Kemenkeu-Wide.\n"
            "2. Register risiko strategis belum seluruhnya dimutakhirkan pada triwulan II (3 dari 11 risiko).\n"
            "3. Pemanfaatan nilai kinerja dalam pengembangan pegawai belum terdokumentasi di seluruh unit vertikal."
        ),
        recommendations=(
            "1. Mutakhirkan register risiko strategis setiap triwulan bersama Unit Kepatuhan Internal.\n"
            "2. Susun pedoman pemanfaatan hasil penilaian kinerja untuk pengembangan pegawai di unit vertikal."
        ),
        reviewer=ORGANISER_LOGIN,
        submitted=dt.date(2026, 6, 19),
        reviewed=dt.date(2026, 7, 24),
    ),
    UnitPlan(
        code="DJP-KANWIL-JATIM3",
        respondents=(
            Respondent("pengelola.kanwil.jatim3", "Bambang", "Hermawan"),
            Respondent("pengelola.kanwil.jatim3.2", "Siti", "Nurjanah"),
            Respondent("pengelola.kanwil.jatim3.3", "Yoga", "Pratama"),
            Respondent("pengelola.kanwil.jatim3.4", "Fitri", "Handayani"),
        ),
        self_scores=dict(zip(CODES, (90, 85, 90, 85, 85, 80, 90, 80, 90, 85, 80, 75), strict=True)),
        review_scores=dict(zip(CODES, (90, 80, 85, 80, 85, 75, 85, 70, 90, 80, 75, 70), strict=True)),
        readiness=(3, 3, 2, 3, 3, 3, 2, 3),
        sfo=(
            (5, 4, 5, 4, 4, 4, 5, 4, 5, 4),
            (4, 4, 5, 5, 4, 4, 4, 4, 5, 5),
            (5, 5, 4, 4, 4, 3, 5, 4, 4, 4),
            (5, 4, 4, 5, 5, 4, 4, 4, 5, 5),
        ),
        findings=(
            "1. Analisis capaian IKU merah pada laporan bulanan belum menguraikan akar masalah dan rencana "
            "perbaikan yang terukur.\n"
            "2. Dua dari dua belas dialog kinerja semester I dipimpin oleh pejabat yang mewakili.\n"
            "3. Strategi kanwil belum sepenuhnya dipahami sebagai dasar pembagian tanggung jawab antarbidang "
            "(skor kesiapan strategi pernyataan 3 dan 7)."
        ),
        recommendations=(
            "1. Gunakan format analisis capaian (penyebab, dampak, langkah perbaikan, penanggung jawab, batas "
            "waktu) untuk setiap IKU merah.\n"
            "2. Jadwalkan DKO pada agenda tetap pimpinan agar dipimpin langsung oleh Kepala Kanwil.\n"
            "3. Sosialisasikan peta strategi dan pembagian peran antarbidang pada rapat koordinasi triwulanan."
        ),
        reviewer="pengelola.djp",
        submitted=dt.date(2026, 6, 12),
        reviewed=dt.date(2026, 7, 10),
    ),
    UnitPlan(
        code="DJP-KPP-MADYA-MALANG",
        respondents=(
            Respondent("pengelola.kpp.malang", "Rina", "Wulandari"),
            Respondent("pengelola.kpp.malang.2", "Agus", "Setiawan"),
            Respondent("pengelola.kpp.malang.3", "Dewi", "Lestari"),
        ),
        self_scores=dict(zip(CODES, (95, 90, 95, 90, 90, 85, 90, 85, 95, 90, 85, 80), strict=True)),
        review_scores=dict(zip(CODES, (95, 85, 90, 90, 85, 80, 90, 80, 90, 80, 85, 75), strict=True)),
        readiness=(4, 3, 3, 3, 4, 3, 3, 4),
        sfo=(
            (5, 5, 5, 5, 5, 4, 5, 5, 5, 5),
            (6, 5, 5, 4, 5, 5, 5, 4, 5, 5),
            (5, 5, 4, 5, 5, 4, 5, 5, 4, 5),
        ),
        findings=(
            "1. Capaian IKU dilaporkan tepat waktu dengan data dukung lengkap; verifikasi oleh pengelola kinerja "
            "berjalan sebelum persetujuan Kepala Kantor.\n"
            "2. Matriks tindak lanjut DKO memuat tindak lanjut yang melewati batas waktu tanpa pembaruan "
            "perkembangan.\n"
            "3. Register risiko belum dikaitkan dengan IKU penerimaan pajak yang berstatus merah."
        ),
        recommendations=(
            "1. Tetapkan penanggung jawab dan batas waktu pada setiap keputusan DKO, dan perbarui perkembangannya "
            "sebelum rapat berikutnya.\n"
            "2. Kaitkan risiko strategis dengan IKU penerimaan dan pantau mitigasinya setiap bulan."
        ),
        reviewer="pengelola.djp",
        submitted=dt.date(2026, 6, 5),
        reviewed=dt.date(2026, 7, 3),
    ),
    UnitPlan(
        code="DJBC-KPPBC-TANJUNG-PERAK",
        respondents=(),
        existing_respondents=("pengelola.kppbc.perak",),
        self_scores=dict(zip(CODES, (90, 85, 90, 90, 85, 80, 85, 80, 90, 85, 80, 80), strict=True)),
        review_scores=None,
        readiness=(3, 3, 3, 4, 3, 3, 3, 3),
        sfo=((5, 4, 5, 5, 4, 4, 5, 4, 5, 4),),
        findings="",
        recommendations="",
        reviewer="",
        submitted=dt.date(2026, 8, 21),
        reviewed=None,
    ),
)


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _evidence_pdf(title: str, unit: str) -> bytes:
    """A one-page evidence document (WeasyPrint, as the product's own PDFs)."""
    import logging

    from weasyprint import HTML

    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.WARNING)
    html = (
        f"<html><body style='font-family: DejaVu Sans; font-size: 11pt'><h2>{unit}</h2><p>{title}</p>"
        "<p>Data dukung evaluasi pengelolaan kinerja 2026.</p></body></html>"
    )
    return bytes(HTML(string=html).write_pdf() or b"")


def _respondent_users(plan: UnitPlan, unit: Unit, password: str) -> list[Any]:
    user_model = get_user_model()
    users = []
    for person in plan.respondents:
        user, _created = user_model.objects.get_or_create(
            username=person.username,
            defaults={
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": f"{person.username}@{EMAIL_DOMAIN}",
                "password": password,
            },
        )
        RoleAssignment.objects.get_or_create(user=user, unit=unit, role=Role.MANAGER)
        users.append(user)
    users += list(user_model.objects.filter(username__in=plan.existing_respondents))
    return users


def build(run: DemoRun) -> Counts:
    counts = Counts(total=len(PLANS))
    organiser = Unit.objects.get(code=ORGANISER)
    if EvaluationRound.objects.filter(unit=organiser, year=YEAR).exists():
        return counts
    user_model = get_user_model()
    logins = {
        u.username: u for u in user_model.objects.filter(username__in=[ORGANISER_LOGIN, "pengelola.djp"])
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=[p.code for p in PLANS])}
    password = make_password(DEMO_PASSWORD)
    round_ = ev.open_round(
        unit=organiser,
        year=YEAR,
        opens_on=OPENS,
        closes_on=CLOSES,
        units=[units[p.code] for p in PLANS],
        title="Evaluasi Pengelolaan Kinerja 2026 — Kementerian Keuangan",
        by=logins[ORGANISER_LOGIN],
    )
    EvaluationRound.objects.filter(pk=round_.pk).update(created_at=_at(OPENS, 9))
    items = {i.code: i for i in round_.self_assessment.items.all()}
    statements = list(round_.readiness.items.order_by("order"))
    survey_items = list(round_.survey.items.order_by("aspect__order", "order"))
    for plan in PLANS:
        unit = units[plan.code]
        evaluation = round_.evaluations.get(unit=unit)
        respondents = _respondent_users(plan, unit, password)
        submitter = respondents[0] if plan.respondents else respondents[-1]
        answers = {}
        for code, item in items.items():
            upload = None
            if code in EVIDENCE:
                upload = ContentFile(_evidence_pdf(EVIDENCE[code], unit.name), name=EVIDENCE[code])
            answers[item.pk] = ev.AnswerInput(
                explanation=EXPLANATIONS[code].format(unit=unit.name),
                self_score=D(plan.self_scores[code]),
                upload=upload,
            )
        ev.save_answers(
            evaluation=evaluation,
            answers=answers,
            readiness={s.pk: score for s, score in zip(statements, plan.readiness, strict=True)},
            by=submitter,
        )
        for n, (user, row) in enumerate(zip(respondents, plan.sfo, strict=False)):
            response = ev.respond_survey(
                evaluation=evaluation,
                values={item.pk: value for item, value in zip(survey_items, row, strict=True)},
                by=user,
            )
            SurveyResponse.objects.filter(pk=response.pk).update(
                submitted_at=_at(plan.submitted - dt.timedelta(days=7 - n), 9 + n)
            )
        ev.submit(evaluation=evaluation, by=submitter)
        UnitEvaluation.objects.filter(pk=evaluation.pk).update(submitted_at=_at(plan.submitted, 15))
        if plan.review_scores is not None and plan.reviewed is not None:
            ev.review(
                evaluation=evaluation,
                scores={items[c].pk: D(v) for c, v in plan.review_scores.items()},
                notes={
                    items["C2"].pk: "Analisis perlu memuat akar masalah dan tenggat perbaikan.",
                },
                findings=plan.findings,
                recommendations=plan.recommendations,
                by=logins[plan.reviewer],
            )
            UnitEvaluation.objects.filter(pk=evaluation.pk).update(reviewed_at=_at(plan.reviewed, 14))
        counts.created += 1
    return counts


def clear(run: DemoRun) -> int:
    rounds = EvaluationRound.objects.filter(unit__code=ORGANISER, year=YEAR)
    removed = 0
    for round_ in rounds:
        for answer in CriterionAnswer.objects.filter(evaluation__round=round_).exclude(evidence=""):
            answer.evidence.delete(save=False)
        removed += 1
    rounds.delete()
    usernames = [r.username for p in PLANS for r in p.respondents]
    get_user_model().objects.filter(username__in=usernames).delete()
    used = set()
    for a, b, c in EvaluationRound.objects.values_list("self_assessment_id", "readiness_id", "survey_id"):
        used |= {a, b, c}
    Questionnaire.objects.filter(year=YEAR).exclude(pk__in=used).delete()
    return removed


STEP = DemoStep("evaluation", gettext_lazy("Evaluasi pengelolaan kinerja 2026"), build, clear)
