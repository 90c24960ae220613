"""The reporting world (tests/reporting/conftest.py) and the contracts office (tests/contracts/conftest.py),
shared here: producers are tested on the real workflows."""

from tests.contracts.conftest import office  # noqa: F401
from tests.reporting.conftest import World, enter, pdf, world  # noqa: F401
