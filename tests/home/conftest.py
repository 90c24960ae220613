"""The home page tests use the reporting world (tests/reporting/conftest.py) for its work queue."""

from tests.reporting.conftest import world  # noqa: F401  (the fixture, shared)
