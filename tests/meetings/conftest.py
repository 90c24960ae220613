"""Shared by the meetings tests: the reporting world (tests/reporting/conftest.py)."""

from __future__ import annotations

from tests.reporting.conftest import world  # noqa: F401  (the fixture, shared)
