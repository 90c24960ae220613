"""Background work of the contracts app (django-tasks; the database backend by default, no broker).

`recompute_rollups` (defined in `rollup.py`, beside the code that enqueues it) derives the realizations of
directly cascaded KPIs from their children's after a child's realization changed: enqueued after the
transaction commits by `rollup.on_realization_saved` (`post_save` of a realization) and
`rollup.on_realizations_changed` (an import's `reporting.signals.realizations_changed`).
"""

from __future__ import annotations

from .rollup import recompute_rollups

__all__ = ["recompute_rollups"]
