"""Demo appraisals for 2026 (`kmk-127-2026`, issue 13): BerAKHLAK scores, one sentence, one correction, the scores.

Two steps, on either side of the reporting demo (`kinerja.demo.build.STEPS`):

* `appraisals` runs after the contracts and *before* the reporting step, because the services refuse a
  BerAKHLAK score in a closed period and a sentence starting in a closed quarter (rule 23), and the reporting
  step closes January–September. Every active demo employee with a direct superior gets a score for each of
  the quarters the demo has reported (TW I–III), given by that superior through `save_behaviour_score` —
  acting as the superior's demo login where there is one, else as the system — with believable, somewhat
  lenient values: mostly 100–115, a few people lower (seeded per NIP, never random from run to run). Then
  one light disciplinary sentence on an executor of KPPBC Tanjung Perak, entered by its performance manager
  (`add_sentence`), and one leader's correction of +2 with its reason on an executor of KPP Madya Malang, by
  the office's head (`set_correction`).
* `appraisal-scores` runs *after* the reporting step: `compute_scores` for the ministry root and 2026 (as of
  the year), so every employee with a signed contract has a `ScoreRecord` (NHK, NPK, NKP, predicate).

The service section of KPP Madya Malang (`PEER_UNIT`) switches peers' BerAKHLAK on (by the office's
performance manager), and its executors score each other too (one voice beside the superior).

Idempotent: a score that exists is left alone (and a missing one in a closed quarter is skipped: the
service refuses it), the sentence and the correction are entered once, and the scores are computed only
while some demo employee has no record for the year (`compute_scores` always adds records).

No 360° campaign here: a campaign needs a plan year under `kmk-467-2014`; the demo's 2025 of KPP Madya Malang
(`kinerja.demo.appraisals2014`) has them.

`clear_appraisals_demo` removes it all for `kinerja demo --reset`; the `appraisal-scores` step clears it,
so it is gone before the reporting step deletes the periods the scores point to.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy

from kinerja.appraisals.behaviour import (
    add_sentence,
    behaviour_periods,
    save_behaviour_score,
    set_correction,
    set_peers,
)
from kinerja.appraisals.calibration import adjust, close_session, open_session
from kinerja.appraisals.models import (
    CORE_VALUE_FIELDS,
    BehaviourScore,
    BehaviourSetting,
    CalibrationAdjustment,
    CalibrationSession,
    Correction,
    DisciplinarySentence,
    Nomination,
    ScoreRecord,
)
from kinerja.appraisals.services import compute_scores
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.reporting import services as reporting_services
from kinerja.reporting.models import PeriodState

from . import organisation as org
from . import reporting as demo_reporting
from .steps import Counts, DemoRun, DemoStep, demo_user

DEMO_YEAR = demo_reporting.DEMO_YEAR
ROOT_UNIT = "KEMENKEU"
SCORED_QUARTERS = (1, 2, 3)  # the quarters the reporting demo reports and closes (TW I–III)
LOWER_SHARE = 0.1  # about one in ten scored below 100
# The service section of KPP Madya Malang switches peers' BerAKHLAK on: its executors also score each other.
PEER_UNIT = "DJP-KPP-MADYA-MALANG-PELAYANAN"
PEER_SWITCHED_BY = "pengelola.djp"


@dataclass(frozen=True)
class SentenceSpec:
    slot: str
    entered_by: str
    category: str
    severity: Decimal
    start_quarter: int
    decree: str
    note: str


@dataclass(frozen=True)
class CorrectionSpec:
    slot: str
    entered_by: str
    value: Decimal
    reason: str


# A light sentence (teguran tertulis) on an executor of KPPBC Tanjung Perak, from TW III: in force for the
# category's two quarters, so it still counts in the year's score.
SENTENCE = SentenceSpec(
    slot="DJBC-KPPBC-TANJUNG-PERAK-PERBENDAHARAAN-PELAKSANA#2",
    entered_by="pengelola.kppbc.perak",
    category=DisciplinarySentence.Category.LIGHT,
    severity=Decimal(20),
    start_quarter=3,
    decree="KEP-0147/WBC.11/KPP.MP.01/2026",
    note="Teguran tertulis: tidak masuk kerja tanpa keterangan yang sah selama tiga hari pada bulan Juli.",
)
CORRECTION = CorrectionSpec(
    slot="DJP-KPP-MADYA-MALANG-PENGAWASAN-I-PELAKSANA#1",
    entered_by="pimpinan.kpp.malang",
    value=Decimal(2),
    reason=(
        "Menjadi anggota inti tim penyelesaian SP2DK prioritas di luar IKI-nya dan membimbing dua pegawai "
        "baru sepanjang triwulan II–III."
    ),
)
# KPP Madya Malang's calibration session of 2026 (Sidang Kalibrasi), held by the head of office after TW III:
# two scores adjusted within the rule set's bound, each with its reason, then closed.
CALIBRATION_UNIT = "DJP-KPP-MADYA-MALANG"
CALIBRATION_BY = "pimpinan.kpp.malang"
CALIBRATION_HELD_ON = dt.date(2026, 10, 20)
CALIBRATION_NOTE = (
    "Sidang kalibrasi kinerja pegawai KPP Madya Malang TW III 2026, dihadiri kepala kantor, para kepala seksi "
    "dan pengelola kinerja; peringkat per kelompok jabatan dan atasan langsung ditelaah bersama."
)
ADJUSTMENTS = (
    (
        "DJP-KPP-MADYA-MALANG-FUNGSIONAL-2#1",
        Decimal("2.00"),
        "Menyelenggarakan 14 kegiatan edukasi perpajakan di luar target IKI bersama tim penyuluhan Kanwil; "
        "IKI-nya hanya mengukur jumlah peserta, sehingga kontribusinya belum tercermin dalam NKP.",
    ),
    (
        "DJP-KPP-MADYA-MALANG-PENGAWASAN-III-PELAKSANA#1",
        Decimal("-1.25"),
        "Dua SP2DK yang dilaporkan selesai pada TW III dikembalikan Kanwil untuk dilengkapi; capaian IKI "
        "belum mencerminkan mutu penyelesaian.",
    ),
)
LOW_NOTES = (
    "Perlu meningkatkan ketepatan waktu penyelesaian tugas dan koordinasi dengan rekan satu seksi.",
    "Masih perlu pendampingan dalam penggunaan aplikasi baru; sikap kerja sudah baik.",
)
HIGH_NOTES = (
    "",
    "",
    "Responsif terhadap permintaan wajib pajak/pengguna layanan dan aktif berbagi pengetahuan.",
    "Inisiatif perbaikan proses kerja di seksi patut dicontoh.",
)


def _draw(*parts: object) -> float:
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _slot_nip(slot: str) -> str:
    return next(p.nip for p in org.people() if p.slot == slot)


def _login_nips() -> set[str]:
    slots = {login.employee_slot for login in org.LOGINS if login.employee_slot}
    return {p.nip for p in org.people() if p.slot in slots}


def _lower(nip: str) -> bool:
    """Whether a person is among the few scored below 100: the sentenced executor, and about one in ten — never
    a demo login's person (their own page shows an ordinary year)."""
    if nip == _slot_nip(SENTENCE.slot):
        return True
    return nip not in _login_nips() and _draw(nip, "lower") < LOWER_SHARE


def behaviour_values(nip: str, quarter: int) -> dict[str, Decimal]:
    """The seven core values of an employee in a quarter: a personal level (mostly 103–111, a few 88–97), a
    little drift per quarter and per value, whole numbers within 80–118."""
    level = 88 + 9 * _draw(nip, "level") if _lower(nip) else 103 + 8 * _draw(nip, "level")
    rng = random.Random(f"{nip}|TW{quarter}")
    drift = rng.uniform(-2, 2.5)
    return {
        field: Decimal(max(80, min(118, round(level + drift + rng.uniform(-4, 4)))))
        for field in CORE_VALUE_FIELDS
    }


def _note(nip: str, quarter: int) -> str:
    notes = LOW_NOTES if _lower(nip) else HIGH_NOTES
    return notes[int(_draw(nip, quarter, "note") * len(notes))]


def _users_by_employee(employee_ids: set[int]) -> dict[int, Any]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(employee_id__in=employee_ids, is_active=True).order_by("pk")
    found: dict[int, Any] = {}
    for user in users:
        if user.employee_id is not None:
            found.setdefault(user.employee_id, user)
    return found


@dataclass
class AppraisalDemoCounts:
    total: int = 0
    created: int = 0
    skipped: int = 0
    sentences: int = 0
    corrections: int = 0
    peer_scores: int = 0


def build_behaviour_demo(stdout: Callable[[str], Any] | None = None) -> AppraisalDemoCounts:
    """BerAKHLAK scores for TW I–III by each demo employee's direct superior, the sentence and the correction."""
    counts = AppraisalDemoCounts()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} belum ada: lewati")
        return counts
    with transaction.atomic():
        reporting_services.ensure_periods(plan_year)
        periods = [p for p in behaviour_periods(plan_year) if p.number in SCORED_QUARTERS]
        employees = list(
            Employee.objects.filter(
                nip__in=[p.nip for p in org.people()], is_active=True, superior__isnull=False
            )
            .select_related("superior")
            .order_by("nip")
        )
        users = _users_by_employee({e.superior_id for e in employees if e.superior_id is not None})
        given = set(
            BehaviourScore.objects.filter(period__in=periods, employee__in=employees).values_list(
                "employee_id", "period_id", "rater_id"
            )
        )
        for period in periods:
            for employee in employees:
                rater = employee.superior
                assert rater is not None
                counts.total += 1
                if (employee.pk, period.pk, rater.pk) in given:
                    continue
                if period.state != PeriodState.OPEN:  # refused by the service (rule 23): left out
                    counts.skipped += 1
                    continue
                save_behaviour_score(
                    employee=employee,
                    period=period,
                    rater=rater,
                    values=behaviour_values(employee.nip, period.number),
                    note=_note(employee.nip, period.number),
                    by=users.get(rater.pk),
                )
                counts.created += 1
        counts.peer_scores = _build_peers(periods, given)
        counts.sentences = _build_sentence(plan_year)
        counts.corrections = _build_correction(plan_year)
        if stdout:
            stdout(
                f"  {counts.total} nilai BerAKHLAK TW I–III ({counts.created} baru, {counts.skipped} dilewati: "
                f"periode ditutup), {counts.sentences} hukuman disiplin baru, {counts.corrections} koreksi "
                f"pimpinan baru; penilaian rekan kerja di {PEER_UNIT}: {counts.peer_scores} nilai baru"
            )
    return counts


def _build_peers(periods: list[Any], given: set[tuple[int, int, int]]) -> int:
    """Peers on for the service section; each executor scores their colleagues (same superior) in the open
    quarters, a little more generously than the superior (as peers do)."""
    unit = Unit.objects.filter(code=PEER_UNIT).first()
    if unit is None:
        return 0
    if not BehaviourSetting.objects.filter(unit=unit, peers=True).exists():
        set_peers(unit=unit, peers=True, by=demo_user(PEER_SWITCHED_BY))
    team = list(
        Employee.objects.filter(unit=unit, is_active=True, superior__isnull=False, position__is_head=False)
        .select_related("unit")
        .order_by("nip")
    )
    users = _users_by_employee({e.pk for e in team})
    made = 0
    for period in periods:
        if period.state != PeriodState.OPEN:
            continue
        for rater in team:
            for employee in team:
                if employee.pk == rater.pk or employee.superior_id != rater.superior_id:
                    continue
                if (employee.pk, period.pk, rater.pk) in given:
                    continue
                values = behaviour_values(employee.nip + rater.nip, period.number)
                save_behaviour_score(
                    employee=employee,
                    period=period,
                    rater=rater,
                    values={k: min(Decimal(120), v + 2) for k, v in values.items()},
                    by=users.get(rater.pk),
                )
                made += 1
    return made


def _build_sentence(plan_year: PlanYear) -> int:
    employee = Employee.objects.filter(nip=_slot_nip(SENTENCE.slot)).first()
    if (
        employee is None
        or DisciplinarySentence.objects.filter(employee=employee, decree=SENTENCE.decree).exists()
    ):
        return 0
    period = next((p for p in behaviour_periods(plan_year) if p.number == SENTENCE.start_quarter), None)
    if period is not None and period.state != PeriodState.OPEN:
        return 0  # the service refuses a sentence starting in a closed quarter
    add_sentence(
        employee=employee,
        category=SENTENCE.category,
        severity=SENTENCE.severity,
        start_year=plan_year.year,
        start_quarter=SENTENCE.start_quarter,
        decree=SENTENCE.decree,
        note=SENTENCE.note,
        by=demo_user(SENTENCE.entered_by),
    )
    return 1


def _build_correction(plan_year: PlanYear) -> int:
    employee = Employee.objects.filter(nip=_slot_nip(CORRECTION.slot)).first()
    if employee is None or Correction.objects.filter(employee=employee, plan_year=plan_year).exists():
        return 0
    set_correction(
        employee=employee,
        plan_year=plan_year,
        value=CORRECTION.value,
        reason=CORRECTION.reason,
        by=demo_user(CORRECTION.entered_by),
    )
    return 1


def build_scores_demo(stdout: Callable[[str], Any] | None = None) -> Counts:
    """`compute_scores` for the ministry and 2026, unless every active demo employee has a record already."""
    counts = Counts()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    root = Unit.objects.filter(code=ROOT_UNIT).first()
    if plan_year is None or root is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} atau unit {ROOT_UNIT} belum ada: lewati")
        return counts
    people = Employee.objects.filter(nip__in=[p.nip for p in org.people()], is_active=True)
    scored = ScoreRecord.objects.filter(plan_year=plan_year, employee__in=people)
    if not people.exclude(pk__in=scored.values("employee_id")).exists():
        counts.total = scored.values("employee_id").distinct().count()
        if stdout:
            stdout(f"  nilai {counts.total} pegawai sudah dihitung: tidak dihitung ulang")
        return counts
    with transaction.atomic():
        records = compute_scores(unit=root, plan_year=plan_year, by=demo_user("pengelola.kemenkeu"))
        calibrated = _build_calibration(plan_year)
    counts.total = counts.created = len(records)
    if stdout:
        complete = sum(r.nkp is not None for r in records)
        stdout(
            f"  {len(records)} nilai kinerja {DEMO_YEAR} dihitung ({complete} lengkap dengan NKP dan predikat); "
            f"sidang kalibrasi {CALIBRATION_UNIT}: {calibrated} penyesuaian, ditutup"
        )
    return counts


def _build_calibration(plan_year: PlanYear) -> int:
    """KPP Madya Malang's closed calibration session with its two adjustments (once)."""
    unit = Unit.objects.filter(code=CALIBRATION_UNIT).first()
    if unit is None or CalibrationSession.objects.filter(unit=unit, plan_year=plan_year).exists():
        return 0
    leader = demo_user(CALIBRATION_BY)
    session = open_session(unit, plan_year, leader, held_on=CALIBRATION_HELD_ON, note=CALIBRATION_NOTE)
    made = 0
    for slot, change, reason in ADJUSTMENTS:
        employee = Employee.objects.filter(nip=_slot_nip(slot)).first()
        record = (
            ScoreRecord.objects.filter(employee=employee, plan_year=plan_year)
            .order_by("-computed_at", "-pk")
            .first()
        )
        if employee is None or record is None or record.nkp is None:
            continue
        adjust(session, employee, record.nkp + change, reason, leader)
        made += 1
    close_session(session, leader)
    return made


def clear_appraisals_demo() -> int:
    """Remove the demo's score records, BerAKHLAK scores, sentences and corrections (all years)."""
    nips = [p.nip for p in org.people()]
    removed = 0
    with transaction.atomic():
        removed += BehaviourSetting.objects.filter(unit__code=PEER_UNIT).delete()[0]
        removed += CalibrationAdjustment.objects.filter(employee__nip__in=nips).delete()[0]
        removed += CalibrationSession.objects.filter(unit__code=CALIBRATION_UNIT).delete()[0]
        # the rewards nominations cite score records (protected): they go with them
        removed += Nomination.objects.filter(employee__nip__in=nips).delete()[0]
        for model in (ScoreRecord, BehaviourScore, DisciplinarySentence, Correction):
            count, _detail = model._default_manager.filter(employee__nip__in=nips).delete()
            removed += count
        removed += BehaviourScore.objects.filter(rater__nip__in=nips).delete()[0]
    return removed


def _build_behaviour(run: DemoRun) -> Counts:
    made = build_behaviour_demo(stdout=run.report)
    return Counts(
        total=made.total, created=made.created + made.peer_scores + made.sentences + made.corrections
    )


STEP = DemoStep(
    "appraisals",
    gettext_lazy("Nilai BerAKHLAK TW I–III, hukuman disiplin dan koreksi pimpinan 2026"),
    _build_behaviour,
    lambda run: clear_appraisals_demo(),
)
SCORES_STEP = DemoStep(
    "appraisal-scores",
    gettext_lazy("Nilai kinerja pegawai (NKP) 2026"),
    lambda run: build_scores_demo(stdout=run.report),
    lambda run: clear_appraisals_demo(),
)
