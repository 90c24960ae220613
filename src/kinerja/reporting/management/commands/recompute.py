"""`kinerja recompute --period 2026-Q1 [--unit KPP-A …]`: recompute the scorecards of a period, set-based.

Every map of the period's plan year that is scored (approved, or under revision), or only those of the units
named, is recomputed as of the period in a fixed number of queries (`services.recompute_period`); a new
snapshot is stored only where the figures changed. A closed period keeps its final snapshots.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from kinerja.planning.models import StrategyMap
from kinerja.reporting import services
from kinerja.reporting.models import ReportingPeriod


def period_labelled(label: str) -> ReportingPeriod:
    """The reporting period written as the scorecard writes it: `2026-03`, `2026-Q1`, `2026-S1` or `2026`."""
    year = label.strip()[:4]
    if not year.isdigit():
        raise CommandError(_("Periode %(label)s tidak dikenal.") % {"label": label})
    found = [
        p
        for p in ReportingPeriod.objects.filter(plan_year__year=int(year)).select_related("plan_year")
        if p.label == label.strip()
    ]
    if not found:
        raise CommandError(_("Periode %(label)s tidak dikenal.") % {"label": label})
    return found[0]


class Command(BaseCommand):
    help = _(
        "Menghitung ulang potret skor semua peta strategi pada satu periode (sekaligus, berbasis himpunan)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period", required=True, help=_("Periode: 2026-03, 2026-Q1, 2026-S1 atau 2026.")
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            help=_("Kode unit yang petanya dihitung ulang (boleh berulang; bawaan: semua peta)."),
        )

    def handle(self, *args: Any, period: str, unit: list[str], **options: Any) -> None:
        found = period_labelled(period)
        maps: list[StrategyMap] | None = None
        if unit:
            maps = list(StrategyMap.objects.filter(plan_year_id=found.plan_year_id, unit__code__in=unit))
            if not maps:
                raise CommandError(_("Tidak ada peta strategi untuk unit tersebut pada tahun ini."))
        started = time.perf_counter()
        done = services.recompute_period(found, maps=maps, trigger="command")
        self.stdout.write(
            _(
                "%(maps)d peta dihitung ulang untuk %(period)s: %(new)d potret baru, %(same)d tidak berubah (%(s).1f detik)."
            )
            % {
                "maps": len(done.snapshots),
                "period": found.label,
                "new": len(done.created),
                "same": done.unchanged,
                "s": time.perf_counter() - started,
            }
        )
