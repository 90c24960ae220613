"""Hooks the reporting layer offers to the layers above it (docs/architecture.md, "Hooks").

`realizations_changed` is sent after a bulk write of realizations that sends no `post_save` per row (an
import), once the transaction has committed, with the ids of the KPIs and periods written:
``realizations_changed.send(sender=Realization, kpi_ids=[…], period_ids=[…])``. The contracts layer
listens to recompute the roll-up of the parents of those KPIs (`kinerja.contracts.rollup`).
"""

from __future__ import annotations

from django.dispatch import Signal

realizations_changed = Signal()
