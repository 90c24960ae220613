"""Demo step `endorsement` (issue 14 items 6 and 8), last in `kinerja.demo.build.STEPS`:

* KPP Madya Malang's 2025 NKO (the closed year of `appraisals2014.YEAR_STEP`) prepared by `pengelola.djp` and
  endorsed one level up by the head of Kanwil DJP Jawa Timur III (`pimpinan.kanwil.jatim3`), through
  `kinerja.meetings.endorsement` — with the rule 26 acknowledgement when the year's data is not complete;
* the 2025 endorsed NKO of the ministry, DJP and the Kanwil, which have no 2025 data in Kinerja, entered by
  `admin` as figures known from the 2025 performance reports (source "entered", with the reason);
* two nominations at KPP Madya Malang by its head (`pimpinan.kpp.malang`), drawn from the scores: the employee
  of the month for the last closed month of 2026 (the best work result as of that month), and the exemplary
  employee of 2025 (the best NKP of the year), accepted by the Kanwil head.

Idempotent: what exists is left alone. `clear` removes the step's endorsements and nominations.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy

from kinerja.accounts.rules import endorsing_unit
from kinerja.appraisals import rewards
from kinerja.appraisals.models import Nomination, NominationKind, NominationState
from kinerja.meetings import endorsement
from kinerja.meetings.models import EndorsementState, NkoEndorsement
from kinerja.organisations.models import Employee, Unit
from kinerja.planning.models import PlanYear
from kinerja.reporting.models import PeriodState

from .steps import Counts, DemoRun, DemoStep, demo_user

OFFICE = "DJP-KPP-MADYA-MALANG"
YEAR = 2025
# (unit code, NKO, the day, the reason); the predicate is the rule set's, the endorser the head one level up
ENTERED = (
    (
        "KEMENKEU",
        Decimal("103.12"),
        dt.date(2026, 2, 27),
        "NKO Kemenkeu-Wide 2025 sebagaimana dimuat dalam Laporan Kinerja Kementerian Keuangan 2025; tahun 2025 "
        "belum dikelola di Kinerja untuk tingkat kementerian.",
    ),
    (
        "DJP",
        Decimal("101.87"),
        dt.date(2026, 2, 20),
        "NKO DJP 2025 hasil pengesahan Menteri (Laporan Kinerja DJP 2025); data capaian 2025 DJP tidak "
        "dimigrasikan ke Kinerja.",
    ),
    (
        "DJP-KANWIL-JATIM3",
        Decimal("102.45"),
        dt.date(2026, 2, 13),
        "NKO Kanwil DJP Jawa Timur III 2025 disahkan Direktur Jenderal Pajak; angka dari Laporan Kinerja Kanwil "
        "2025.",
    ),
)
MONTH_REASON = (
    "Hasil kerja tertinggi di kantor sampai bulan ini; menuntaskan tindak lanjut pemeriksaan dan pelayanan "
    "wajib pajak strategis tepat waktu."
)
YEAR_REASON = (
    "NKP 2025 tertinggi di KPP Madya Malang; konsisten melampaui target IKI dan menjadi teladan "
    "dalam pembinaan rekan kerja."
)


def _head_of(unit: Unit) -> tuple[str, str]:
    """The name and position of the unit's head in the demo organisation ("", "" when vacant)."""
    head = (
        Employee.objects.filter(position__unit=unit, position__is_head=True)
        .select_related("position")
        .first()
    )
    if head is None or head.position is None:
        return "", ""
    return head.name, head.position.title_id


def _endorse_office(counts: Counts) -> None:
    unit = Unit.objects.filter(code=OFFICE).first()
    if unit is None or NkoEndorsement.objects.filter(unit=unit, year=YEAR).exists():
        return
    case = endorsement.case_for(unit, YEAR)
    if case.blocker:
        return
    endorsement.prepare(
        unit=unit,
        year=YEAR,
        by=demo_user("pengelola.djp"),
        note="NKO akhir tahun 2025 dari potret final periode Tahun 2025; siap disahkan Kepala Kanwil.",
    )
    endorsement.endorse(
        unit=unit,
        year=YEAR,
        by=demo_user("pimpinan.kanwil.jatim3") or demo_user("admin"),
        acknowledge=bool(case.warnings),
        note="Disahkan pada rapat evaluasi kinerja akhir tahun Kanwil DJP Jawa Timur III.",
    )
    # dated as it happened (the demo is built today): prepared and endorsed in February after the year closed
    NkoEndorsement.objects.filter(unit=unit, year=YEAR).update(
        prepared_at=timezone.make_aware(dt.datetime(2026, 2, 9, 10)),
        endorsed_at=timezone.make_aware(dt.datetime(2026, 2, 16, 14)),
    )
    counts.created += 1


def _enter_known(counts: Counts) -> None:
    admin = demo_user("admin")
    for code, nko, day, reason in ENTERED:
        unit = Unit.objects.filter(code=code).first()
        if unit is None or NkoEndorsement.objects.filter(unit=unit, year=YEAR).exists():
            continue
        name, title = _head_of(endorsing_unit(unit) or unit)
        endorsement.enter(
            unit=unit,
            year=YEAR,
            nko=nko,
            reason=reason,
            rule_set="kmk-467-2014",
            endorser_name=name,
            endorser_title=title,
            endorsed_on=day,
            by=admin,
        )
        counts.created += 1


def _nominate(counts: Counts) -> None:
    unit = Unit.objects.filter(code=OFFICE).first()
    if unit is None:
        return
    head = demo_user("pimpinan.kpp.malang")
    kanwil = demo_user("pimpinan.kanwil.jatim3") or demo_user("admin")
    current = PlanYear.objects.filter(year=2026).first()
    if (
        current is not None
        and not Nomination.objects.filter(
            unit=unit, plan_year=current, kind=NominationKind.EMPLOYEE_OF_MONTH
        ).exists()
    ):
        closed = [m for m in rewards.months_of(current) if m.state == PeriodState.CLOSED]
        month = closed[-1] if closed else None
        candidates = rewards.month_candidates(unit, current, month) if month is not None else []
        if candidates:
            rewards.nominate(
                unit=unit,
                plan_year=current,
                kind=NominationKind.EMPLOYEE_OF_MONTH,
                employee=candidates[0].employee,
                reason=MONTH_REASON,
                month=month,
                by=head,
            )
            counts.created += 1
    last = PlanYear.objects.filter(year=YEAR).first()
    if (
        last is not None
        and not Nomination.objects.filter(
            unit=unit, plan_year=last, kind=NominationKind.EXEMPLARY_EMPLOYEE
        ).exists()
    ):
        candidates = rewards.year_candidates(unit, last)
        if candidates:
            made = rewards.nominate(
                unit=unit,
                plan_year=last,
                kind=NominationKind.EXEMPLARY_EMPLOYEE,
                employee=candidates[0].employee,
                reason=YEAR_REASON,
                by=head,
            )
            if made.state == NominationState.PROPOSED:
                rewards.decide(
                    nomination=made,
                    accept=True,
                    by=kanwil,
                    note="Diterima; diteruskan ke panitia penghargaan Kanwil.",
                )
            counts.created += 1


def build(run: DemoRun) -> Counts:
    counts = Counts()
    _endorse_office(counts)
    _enter_known(counts)
    _nominate(counts)
    counts.total = (
        NkoEndorsement.objects.filter(year=YEAR, state=EndorsementState.ENDORSED).count()
        + Nomination.objects.filter(unit__code=OFFICE).count()
    )
    run.report(str(gettext_lazy("Pengesahan NKO 2025 dan usulan penghargaan siap.")))
    return counts


def clear(run: DemoRun) -> int:
    codes = [OFFICE, *(code for code, *_rest in ENTERED)]
    removed, _by_model = Nomination.objects.filter(unit__code=OFFICE).delete()
    ends, _by_model = NkoEndorsement.objects.filter(unit__code__in=codes, year=YEAR).delete()
    return removed + ends


STEP = DemoStep(
    "endorsement",
    gettext_lazy("Pengesahan NKO 2025 satu tingkat di atas dan usulan penghargaan KPP Madya Malang"),
    build,
    clear,
)
