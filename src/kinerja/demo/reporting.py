"""Demo realizations for 2026: `build_reporting_demo` fills the approved demo maps with a year of reporting.

Runs after the strategy demo (`kinerja.demo.planning`), on every map of plan
year 2026 that takes realizations (approved or under revision). For each KPI
and each of its periods that ended by 30 September, and for October for the
monthly KPIs, it writes a realization with a value near the period's target
and a small evidence file, in a workflow state chosen deterministically per
KPI and period: mostly approved, some verified or submitted, some returned to
draft with a reason, some left missing. Then the periods up to the end of
the third quarter (January–September, Q1–Q3, S1) are closed — which stores
each map's final snapshot — and the open periods that have ended get a
snapshot too.

Everything goes through reporting's services, acting as the demo logins whose
roles allow each step (`ACTORS`): `save_realization` enters the value,
`add_evidence` attaches the PDF, then `submit_realization`,
`verify_realization` (never by the submitter), `approve_realization` or
`return_realization` with a reason; `close_period` closes the periods (and
stores the final snapshots) and `compute_scorecard` scores the open ones.

Idempotent: a realization that exists is left as it is, a closed period stays
closed, and an unchanged score adds no snapshot. `clear_reporting_demo`
removes it all for `kinerja demo --reset`. It runs after the strategy maps
(`kinerja.demo.build.STEPS`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy

from kinerja.planning.models import Kpi, PeriodTarget, PlanYear, StrategyMap
from kinerja.reporting import services
from kinerja.reporting.models import (
    Evidence,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
)

from .steps import Counts, DemoRun, DemoStep, demo_user

DEMO_YEAR = 2026
CLOSED_THROUGH = dt.date(DEMO_YEAR, 9, 30)
OPEN_MONTH_END = dt.date(DEMO_YEAR, 10, 31)
RETURN_REASONS = (
    "Angka belum sesuai dengan laporan sumber; mohon dicek ulang dan lampirkan rekapitulasi.",
    "Data dukung belum ditandatangani pejabat yang berwenang.",
    "Analisis capaian belum menjelaskan penyebab deviasi dari target.",
)
ANALYSES = (
    "Capaian sesuai rencana; kegiatan pendukung berjalan tepat waktu.",
    "Capaian di atas target berkat percepatan layanan dan koordinasi dengan unit terkait.",
    "Capaian di bawah target karena keterlambatan data dari mitra; langkah perbaikan telah disusun.",
)


@dataclass
class ReportingDemoCounts:
    total: int = 0
    created: int = 0
    updated: int = 0


def _draw(*parts: str) -> float:
    """A number in [0, 1) fixed by the parts (same run after run)."""
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _state_for(unit: str, kpi: str, period: str, closed: bool) -> str | None:
    """The demo state of a realization, or None for a missing one."""
    draw = _draw(unit, kpi, period)
    bands: tuple[tuple[float, str], ...]
    if closed:
        bands = (
            (0.78, RealizationState.APPROVED),
            (0.84, RealizationState.VERIFIED),
            (0.90, RealizationState.SUBMITTED),
            (0.93, "returned"),
        )
    else:
        bands = (
            (0.30, RealizationState.APPROVED),
            (0.45, RealizationState.VERIFIED),
            (0.65, RealizationState.SUBMITTED),
            (0.80, "returned"),
            (0.88, RealizationState.DRAFT),
        )
    for bound, state in bands:
        if draw < bound:
            return state
    return None


# Believable figures (issue 10 item 16): most KPIs on or a little above their trajectory, a few yellow and
# a few red all year (the dashboard has something to show), each value within its unit's bounds.
RED: frozenset[tuple[str, str]] = frozenset(
    {
        ("KEMENKEU", "C4.2"),  # BMN land certification lags
        ("DJP", "P3.1"),
        ("DJP-KPP-MADYA-MALANG", "P2.2"),  # tax arrears collection
        ("DJBC", "P2.1"),
        ("DJBC-KPPBC-TANJUNG-PERAK", "P2.1"),
        ("DJPB", "L1.1"),
    }
)
YELLOW: frozenset[tuple[str, str]] = frozenset(
    {
        ("KEMENKEU", "S3.1"),  # K/L spending behind plan, as every year
        ("KEMENKEU", "L4.1"),
        ("DJP", "C1.2"),
        ("DJP-KPP-MADYA-MALANG", "P1.2"),
        ("DJP-KPP-MADYA-MALANG", "C1.2"),
        ("DJBC", "C1.1"),
        ("DJBC-KPPBC-TANJUNG-PERAK", "L4.1"),
        ("DJPB", "P2.1"),
    }
)
COUNT_UNITS = frozenset({"kegiatan", "kali", "dokumen", "wajib pajak", "orang", "unit", "laporan"})


def unit_bounds(kpi: Kpi) -> tuple[Decimal | None, Decimal]:
    """The highest value a KPI's unit allows (None: no bound) and the step its values are written in."""
    unit = kpi.unit_of_measure.strip().lower()
    if unit in COUNT_UNITS:
        return None, Decimal("1")
    if "wtp = 4" in unit:
        return Decimal(4), Decimal("1")
    if "skala" in unit:
        scale = next((Decimal(part) for part in unit.replace(")", " ").split() if part.isdigit()), Decimal(5))
        return scale, Decimal("0.01")
    if unit in ("%", "indeks", "nilai"):
        return Decimal(100), Decimal("0.01")
    return None, Decimal("0.01")


def _index(unit: str, kpi: Kpi, period: str) -> float:
    """The intended index of a realization: the KPI's level this year plus a little month-to-month noise."""
    rng = random.Random(f"{unit}|{kpi.code}|{period}")
    if (unit, kpi.code) in RED:
        return rng.uniform(66, 77)
    if (unit, kpi.code) in YELLOW:
        return rng.uniform(86, 96)
    level = 99 + 7 * _draw(unit, kpi.code, "level")  # 99–106: on track, some just below
    return level + rng.uniform(-2.5, 2.5)


def _value(kpi: Kpi, target: Decimal, period: str) -> Decimal:
    """A realization near the period's target at the intended index, whole for counts, within the unit's scale."""
    unit = kpi.objective.map.unit.code
    index = Decimal(str(round(_index(unit, kpi, period), 2))) / 100
    high, step = unit_bounds(kpi)
    if high is not None and target >= high * Decimal("0.95") and index > 1:
        index = 1 + (index - 1) / 10  # near the top of the scale there is little room above the target
    value = target * index if kpi.polarity != "min" else target * (2 - index)
    if step == 1 and value < 1:
        value = Decimal(1) if kpi.polarity != "min" else Decimal(0)
    value = max(Decimal(0), value)
    if high is not None:
        value = min(high, value)
    return value.quantize(step)


def _pdf(title: str) -> bytes:
    """A tiny, valid one-page PDF naming the realization it supports."""
    text = title.encode("latin-1", "replace")[:80].replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 11 Tf 40 780 Td (Data dukung: " + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


# Who enters and submits, verifies, approves and returns the realizations of a map's unit: three different
# people for every realization (separation of duties), each in a role that allows the step. None is the
# system: KEMENKEU's and DJBC's figures arrive as a system entry (an import from the source applications).
ACTORS: dict[str, tuple[str | None, str, str, str]] = {
    "DJP": ("pengelola.djp", "pengelola.kemenkeu", "pimpinan.djp", "pimpinan.djp"),
    "DJP-KPP-MADYA-MALANG": (
        "pegawai.kpp.malang",
        "pengelola.djp",
        "pimpinan.kpp.malang",
        "pimpinan.kpp.malang",
    ),
}
DEFAULT_ACTORS: tuple[str | None, str, str, str] = (None, "pengelola.kemenkeu", "admin", "admin")


@dataclass(frozen=True)
class Actors:
    enters: Any
    verifies: Any
    approves: Any
    returns: Any


def _actors(unit: str) -> Actors:
    enters, verifies, approves, returns = ACTORS.get(unit, DEFAULT_ACTORS)
    return Actors(demo_user(enters), demo_user(verifies), demo_user(approves), demo_user(returns))


def build_reporting_demo(stdout: Callable[[str], Any] | None = None) -> ReportingDemoCounts:
    """Build the 2026 demo realizations, evidence, closed periods and snapshots (idempotent)."""
    counts = ReportingDemoCounts()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} belum ada: lewati (jalankan demo strategi lebih dahulu)")
        return counts
    closer = demo_user("pengelola.kemenkeu")
    with transaction.atomic():
        services.ensure_periods(plan_year)
        periods = list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))
        maps = services.reportable_maps(plan_year.pk)
        for strategy_map in maps:
            made = _build_map(strategy_map, periods, _actors(strategy_map.unit.code))
            counts.total += made[0]
            counts.created += made[1]
            if stdout:
                stdout(f"  {strategy_map.unit.code} {DEMO_YEAR}: {made[0]} realisasi ({made[1]} baru)")
        for period in periods:
            if period.end <= CLOSED_THROUGH and period.state == PeriodState.OPEN:
                services.close_period(period=period, by=closer)
                counts.updated += 1
        before = ScoreSnapshot.objects.filter(period__plan_year=plan_year).count()
        for period in periods:
            period.refresh_from_db()
            if period.state == PeriodState.OPEN and CLOSED_THROUGH < period.end <= OPEN_MONTH_END:
                for strategy_map in maps:
                    services.compute_scorecard(strategy_map=strategy_map, period=period, trigger="demo")
        created = ScoreSnapshot.objects.filter(period__plan_year=plan_year).count() - before
        if stdout:
            closed = sum(p.end <= CLOSED_THROUGH for p in periods)
            stdout(f"  {closed} periode ditutup s.d. triwulan III; {created} potret skor baru")
    return counts


def _build_map(strategy_map: StrategyMap, periods: list[ReportingPeriod], actors: Actors) -> tuple[int, int]:
    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map)
        .select_related("objective__map__unit", "objective__map__plan_year")
        .order_by("objective__code", "code")
    )
    targets = {(t.kpi_id, t.period): t.target for t in PeriodTarget.objects.filter(kpi__in=kpis)}
    existing = set(
        Realization.objects.filter(kpi__in=kpis, period__in=periods).values_list("kpi_id", "period_id")
    )
    unit = strategy_map.unit.code
    total = created = 0
    for kpi in kpis:
        if kpi.rolled_up:  # cascaded directly: derived from its children's (the contracts demo reports them)
            continue
        for period in periods:
            if period.frequency != kpi.frequency or period.end > OPEN_MONTH_END:
                continue
            if period.end > CLOSED_THROUGH and period.frequency != "monthly":
                continue
            state = _state_for(unit, kpi.code, period.label, period.end <= CLOSED_THROUGH)
            if state is None:
                continue
            total += 1
            if (kpi.pk, period.pk) in existing:
                continue
            target = targets.get((kpi.pk, period.number), kpi.target)
            if target is None:
                continue
            _report(kpi, period, target, state, actors)
            created += 1
    return total, created


def _report(kpi: Kpi, period: ReportingPeriod, target: Decimal, state: str, actors: Actors) -> Realization:
    """One realization taken from entry to its demo state, step by step through the workflow services."""
    unit = kpi.objective.map.unit.code
    realization = services.save_realization(
        kpi=kpi,
        period=period,
        value=_value(kpi, target, period.label),
        analysis=ANALYSES[int(_draw(unit, kpi.code, period.label, "a") * len(ANALYSES))],
        by=actors.enters,
    )
    name = f"data-dukung-{kpi.code}-{period.label}.pdf"
    services.add_evidence(
        realization=realization,
        upload=ContentFile(_pdf(f"{kpi.code} {period.label}"), name=name),
        name=name,
        by=actors.enters,
    )
    if state == RealizationState.DRAFT:
        return realization
    services.submit_realization(realization=realization, by=actors.enters)
    if state == RealizationState.SUBMITTED:
        return realization
    services.verify_realization(realization=realization, by=actors.verifies)
    if state == RealizationState.APPROVED:
        services.approve_realization(realization=realization, by=actors.approves)
    elif state == "returned":
        reason = RETURN_REASONS[int(_draw(unit, kpi.code, period.label, "r") * 3)]
        services.return_realization(realization=realization, reason=reason, by=actors.returns)
    return realization


def clear_reporting_demo() -> int:
    """Remove the 2026 realizations (with evidence files), snapshots and periods of the demo maps."""
    removed = 0
    with transaction.atomic():
        plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
        if plan_year is None:
            return 0
        for item in Evidence.objects.filter(realization__period__plan_year=plan_year):
            item.file.delete(save=False)
        ScoreSnapshot.objects.filter(period__plan_year=plan_year).delete()
        removed, _detail = Realization.objects.filter(period__plan_year=plan_year).delete()
        ReportingPeriod.objects.filter(plan_year=plan_year).delete()
    return removed


def _build(run: DemoRun) -> Counts:
    made = build_reporting_demo(stdout=run.report)
    return Counts(total=made.total, created=made.created, updated=made.updated)


STEP = DemoStep(
    "reporting",
    gettext_lazy("Capaian, data dukung dan skor 2026"),
    _build,
    lambda run: clear_reporting_demo(),
)
