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

Idempotent: a realization that exists is left as it is, a closed period stays
closed, and an unchanged score adds no snapshot. `clear_reporting_demo`
removes it all for `kinerja demo --reset`. The demo command calls
`build_reporting_demo(stdout=...)` after `build_strategy_demo`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kinerja.planning.models import Kpi, PeriodTarget, PlanYear
from kinerja.reporting import services
from kinerja.reporting.models import (
    Evidence,
    EvidenceKind,
    PeriodState,
    Realization,
    RealizationState,
    ReportingPeriod,
    ScoreSnapshot,
    WorkflowEvent,
)

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


def _value(target: Decimal, polarity: str, unit: str, kpi: str, period: str) -> Decimal:
    rng = random.Random(f"{unit}|{kpi}|{period}")
    factor = Decimal(str(round(rng.uniform(0.86, 1.14), 3)))
    value = target * factor
    places = Decimal("1") if target == target.to_integral_value() and abs(target) >= 10 else Decimal("0.01")
    return value.quantize(places)


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


def _users() -> tuple[Any, Any, Any]:
    """Submitter, verifier (never the submitter) and approver of the demo realizations."""
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["admin", "pengelola.djp"])}
    admin = users.get("admin")
    manager = users.get("pengelola.djp")
    submitter = manager or admin
    verifier = admin if submitter is not admin else None
    return submitter, verifier, admin


def build_reporting_demo(stdout: Callable[[str], Any] | None = None) -> ReportingDemoCounts:
    """Build the 2026 demo realizations, evidence, closed periods and snapshots (idempotent)."""
    counts = ReportingDemoCounts()
    plan_year = PlanYear.objects.filter(year=DEMO_YEAR).first()
    if plan_year is None:
        if stdout:
            stdout(f"  tahun rencana {DEMO_YEAR} belum ada: lewati (jalankan demo strategi lebih dahulu)")
        return counts
    submitter, verifier, approver = _users()
    with transaction.atomic():
        services.ensure_periods(plan_year)
        periods = list(ReportingPeriod.objects.filter(plan_year=plan_year).order_by("end", "start"))
        maps = services.reportable_maps(plan_year.pk)
        for strategy_map in maps:
            made = _build_map(strategy_map, periods, submitter, verifier, approver)
            counts.total += made[0]
            counts.created += made[1]
            if stdout:
                stdout(f"  {strategy_map.unit.code} {DEMO_YEAR}: {made[0]} realisasi ({made[1]} baru)")
        for period in periods:
            if period.end <= CLOSED_THROUGH and period.state == PeriodState.OPEN:
                services.close_period(period=period)
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


def _build_map(
    strategy_map: Any, periods: list[ReportingPeriod], submitter: Any, verifier: Any, approver: Any
) -> tuple[int, int]:
    kpis = list(
        Kpi.objects.filter(objective__map=strategy_map)
        .select_related("objective")
        .order_by("objective__code", "code")
    )
    targets = {(t.kpi_id, t.period): t.target for t in PeriodTarget.objects.filter(kpi__in=kpis)}
    existing = set(
        Realization.objects.filter(kpi__in=kpis, period__in=periods).values_list("kpi_id", "period_id")
    )
    unit = strategy_map.unit.code
    new: list[Realization] = []
    states: list[str] = []
    total = 0
    for kpi in kpis:
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
            new.append(
                Realization(
                    kpi=kpi,
                    period=period,
                    value=_value(target, kpi.polarity, unit, kpi.code, period.label),
                    analysis=ANALYSES[int(_draw(unit, kpi.code, period.label, "a") * len(ANALYSES))],
                    created_by=submitter,
                )
            )
            states.append(state)
    if not new:
        return total, 0
    created = bulk_create_with_history(new, Realization, batch_size=500, default_user=submitter)
    events: list[WorkflowEvent] = []
    now = timezone.now()
    for realization, state in zip(created, states, strict=True):
        _evidence(realization, submitter)
        if state == RealizationState.DRAFT:
            continue
        path = [(RealizationState.DRAFT, RealizationState.SUBMITTED, submitter, "")]
        if state in (RealizationState.VERIFIED, RealizationState.APPROVED, "returned"):
            path.append((RealizationState.SUBMITTED, RealizationState.VERIFIED, verifier, ""))
        if state == RealizationState.APPROVED:
            path.append((RealizationState.VERIFIED, RealizationState.APPROVED, approver, ""))
        if state == "returned":
            reason = RETURN_REASONS[int(_draw(unit, realization.kpi.code, realization.period.label, "r") * 3)]
            path.append((RealizationState.VERIFIED, RealizationState.DRAFT, verifier, reason))
        for from_state, to_state, actor, reason in path:
            events.append(
                WorkflowEvent(
                    realization=realization,
                    from_state=from_state,
                    to_state=to_state,
                    actor=actor,
                    reason=reason,
                )
            )
        final = path[-1][1]
        realization.state = final
        realization.submitted_by, realization.submitted_at = submitter, now
        if final in (RealizationState.VERIFIED, RealizationState.APPROVED):
            realization.verified_by, realization.verified_at = verifier, now
        if final == RealizationState.APPROVED:
            realization.approved_by, realization.approved_at = approver, now
        if state == "returned":
            realization.return_reason = path[-1][3]
        realization.save()
    WorkflowEvent.objects.bulk_create(events)
    return total, len(created)


def _evidence(realization: Realization, by: Any) -> None:
    title = f"{realization.kpi.code} {realization.period.label}"
    content = _pdf(title)
    item = Evidence(
        realization=realization,
        original_name=f"data-dukung-{realization.kpi.code}-{realization.period.label}.pdf",
        kind=EvidenceKind.PDF,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=by,
    )
    item.file.save(item.original_name, ContentFile(content), save=False)
    item.save()


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


def _register() -> None:
    """Add the realizations and scores to `kinerja demo`, after the strategy maps they report on."""
    from django.utils.translation import gettext_lazy

    from kinerja.demo import organisation as core_demo

    def build(run: core_demo.DemoRun) -> core_demo.Counts:
        made = build_reporting_demo(stdout=run.report)
        return core_demo.Counts(total=made.total, created=made.created, updated=made.updated)

    core_demo.register(
        core_demo.DemoStep(
            "reporting",
            gettext_lazy("Capaian, data dukung dan skor 2026"),
            build,
            lambda run: clear_reporting_demo(),
            order=60,
        )
    )


_register()
