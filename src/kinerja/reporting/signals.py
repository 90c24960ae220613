"""Hooks the reporting layer offers to the layers above it (docs/architecture.md, "Hooks").

`realizations_changed` is sent after a bulk write of realizations that sends no `post_save` per row (an
import), once the transaction has committed, with the ids of the KPIs and periods written:
``realizations_changed.send(sender=Realization, kpi_ids=[…], period_ids=[…])``. The contracts layer
listens to recompute the roll-up of the parents of those KPIs (`kinerja.contracts.rollup`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.dispatch import Signal

realizations_changed = Signal()


# The endorsed figure of a year-end snapshot (issue 14 item 6): the meetings layer, above this one, keeps the
# endorsements and registers a lookup in its `AppConfig.ready()`; the scorecard page asks it for its headline.
EndorsedLookup = Callable[[Any], Any]
_endorsed_lookups: list[EndorsedLookup] = []


def register_endorsed_lookup(lookup: EndorsedLookup) -> None:
    """Register `lookup(snapshot) -> endorsement or None` (once; registering again is a no-op)."""
    if lookup not in _endorsed_lookups:
        _endorsed_lookups.append(lookup)


def endorsed_figure(snapshot: Any) -> Any:
    """The endorsement in force for the snapshot's unit and year when it is of the year-end period, else None."""
    for lookup in _endorsed_lookups:
        found = lookup(snapshot)
        if found is not None:
            return found
    return None
