from __future__ import annotations

import pytest

from .builders import Office, build_office


@pytest.fixture
def office(db: None) -> Office:
    return build_office()
