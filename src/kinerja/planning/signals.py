"""What planning tells the layers above it, without importing them.

`plan_changed` is sent (inside the planning service's transaction) after a change that can move a scored
map's figures: a KPI, a target or a weight. Planning does not know who listens; reporting subscribes in
`ReportingConfig.ready()` and queues the recompute after the transaction commits.
"""

from __future__ import annotations

from django.dispatch import Signal

plan_changed = Signal()  # sender: StrategyMap; keyword: strategy_map
