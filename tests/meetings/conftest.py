"""Shared by the meetings tests: an office with a dialogue (`office`, tests/meetings/builders.py) and the
reporting world (tests/reporting/conftest.py)."""

from __future__ import annotations

import pytest

from tests.reporting.conftest import world  # noqa: F401  (the fixture, shared)

from .builders import Office, build_office


@pytest.fixture
def office(db: None) -> Office:
    return build_office()
