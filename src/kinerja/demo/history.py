"""The demo's second past year (issue 15 item 5): DJBC's 2025 brought in through the front door.

KPP Madya Malang's 2025 is built in Kinerja itself (`appraisals2014`); the Directorate General of Customs and
Excise (DJBC) ran 2025 in its old application. The administrator (`admin`) brings that year in as a ministry
would: `reporting.services.history.import_history` with DJBC's 2025 strategy map and targets as a planning
workbook (the same map as 2026, its targets unchanged) and the realizations of every period as a realization
file, into the closed 2025 periods, with a reason. The map is approved as it was, the realizations written
approved, the final snapshots of 2025 stored; the dashboard's "NKO per tahun" of DJBC then shows 2025.

Runs after `appraisals2014.YEAR_STEP` (which creates and closes 2025) and before the endorsements (which
enter DJP's and others' 2025 figures, not DJBC's).
"""

from __future__ import annotations

import csv
import io
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from kinerja.planning import workbook
from kinerja.planning.models import Kpi, StrategyMap
from kinerja.reporting.models import HistoricalImport, Realization, ReportingPeriod, ScoreSnapshot
from kinerja.reporting.services.history import import_history

from .steps import Counts, DemoRun, DemoStep, demo_user

UNIT = "DJBC"
YEAR = 2025
ADMIN = "admin"
REASON = (
    "Migrasi capaian kinerja DJBC 2025 dari aplikasi e-Performance lama (ND-41/SJ/2026); realisasi telah "
    "disetujui pada masanya."
)
CENT = Decimal("0.01")


def _workbook(source: StrategyMap) -> bytes:
    """DJBC's map as the planning workbook exports it, without initiatives and risks (dated 2026)."""
    book = load_workbook(io.BytesIO(workbook.export_map(source)))
    for name in ("inisiatif", "risiko"):
        if name in book.sheetnames:
            del book[name]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _realizations(source: StrategyMap) -> bytes:
    """Every period's realization of each KPI: its period target, a little above or below (seeded)."""
    rng = random.Random(f"{UNIT}-{YEAR}")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["kode_iku", "periode", "realisasi"])
    labels = {(p.frequency, p.number): p.label for p in ReportingPeriod.objects.filter(plan_year__year=YEAR)}
    for kpi in Kpi.objects.filter(objective__map=source).prefetch_related("period_targets").order_by("code"):
        factor_low, factor_high = (0.93, 1.05) if kpi.polarity != "min" else (0.96, 1.08)
        for target in kpi.period_targets.all():
            label = labels.get((kpi.frequency, target.period))
            if label is None:
                continue
            value = (target.target * Decimal(str(rng.uniform(factor_low, factor_high)))).quantize(
                CENT, ROUND_HALF_UP
            )
            writer.writerow([kpi.code, label, f"{value}"])
    return out.getvalue().encode()


def build(run: DemoRun) -> Counts:
    if StrategyMap.objects.filter(unit__code=UNIT, plan_year__year=YEAR).exists():
        return Counts(total=1)  # brought in already
    source = (
        StrategyMap.objects.select_related("unit", "plan_year")
        .filter(unit__code=UNIT, plan_year__year=YEAR + 1)
        .first()
    )
    if source is None or not ReportingPeriod.objects.filter(plan_year__year=YEAR).exists():
        return Counts()
    result = import_history(
        year=YEAR,
        reason=REASON,
        by=demo_user(ADMIN),
        unit=source.unit,
        workbook_content=_workbook(source),
        workbook_name=f"peta-strategi-{UNIT.lower()}-{YEAR}.xlsx",
        realizations=io.BytesIO(_realizations(source)),
        realizations_name=f"realisasi-{UNIT.lower()}-{YEAR}.csv",
        dry_run=False,
    )
    if not result.applied:  # the demo's own data: a problem here is a bug, said plainly
        raise RuntimeError(
            f"demo history import failed: {result.problems} {result.workbook} {result.realizations}"
        )
    written = result.realizations.created if result.realizations is not None else 0
    return Counts(total=written, created=written)


def clear(run: DemoRun) -> int:
    maps = StrategyMap.objects.filter(unit__code=UNIT, plan_year__year=YEAR)
    removed, _by_model = HistoricalImport.objects.filter(unit__code=UNIT, plan_year__year=YEAR).delete()
    snapshots, _by_model = ScoreSnapshot.objects.filter(strategy_map__in=maps).delete()
    realizations, _by_model = Realization.objects.filter(kpi__objective__map__in=maps).delete()
    gone, _by_model = maps.delete()
    return removed + snapshots + realizations + gone


STEP = DemoStep(
    "history",
    gettext_lazy("Impor data tahun lalu: capaian DJBC 2025 (periode ditutup)"),
    build,
    clear,
)
