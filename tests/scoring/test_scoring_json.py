"""`_json.json_number` writes what `json.dumps(display_float(value))` writes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.scoring import _json
from kinerja.scoring._json import json_number, json_shared_number, json_strings, json_text
from kinerja.scoring.explain import display_float


@given(st.decimals(allow_nan=False, allow_infinity=False, min_value=-(10**20), max_value=10**20, places=None))
def test_json_number_is_json_dumps_of_display_float(value: Decimal) -> None:
    assert json_number(value) == json.dumps(display_float(value))


def test_json_number_edges() -> None:
    for text in ["0", "-0.001", "0.005", "-0.005", "100", "99.999", "1e15", "1e16", "123456789012345.675"]:
        value = Decimal(text)
        assert json_number(value) == json.dumps(display_float(value)), text
    assert json_number(None) == "null"


def test_json_strings() -> None:
    assert json_strings(["a", 'b"', "ü"]) == json.dumps(["a", 'b"', "ü"], ensure_ascii=False)
    assert json_strings([]) == "[]"
    assert json_text(None) == "null"
    assert json_text("x\n") == json.dumps("x\n")


def test_json_shared_number_is_json_number(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found again by identity, or written directly once the cache is full: always `json_number`'s text."""
    monkeypatch.setattr(_json, "_SHARED", {})
    monkeypatch.setattr(_json, "_SHARED_MAX", 5)
    shared = Decimal("1.175")
    values = [
        shared,
        Decimal("0"),
        None,
        shared,
        *(Decimal(n) / 7 for n in range(20)),
        shared,
        Decimal("-0.005"),
    ]
    assert [json_shared_number(v) for v in values] == [json_number(v) for v in values]
    assert len(_json._SHARED) == 5
    assert all(value is not None and _json._SHARED[id(value)][0] is value for value in values[:2])
