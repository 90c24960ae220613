"""Shared by the appraisal tests: the contracts' tax office (`office`: KPP-A map owner with an approved 2026
map → SEKSI-A; head of office, head of section, three executors, each a user; a manager on KPP-A).

Kept small and stable: other appraisal test modules build what they need on top of it.
"""

from __future__ import annotations

from tests.contracts.conftest import office  # noqa: F401  (the fixture, shared)
