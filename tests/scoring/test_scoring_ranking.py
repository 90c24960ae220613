"""`rank`: highest first, competition ranks (1, 2, 2, 4), N/A last and unranked."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kinerja.scoring import Ranked, rank

D = Decimal
EXAMPLES = settings(max_examples=300, deadline=None)


@dataclass(frozen=True)
class Unit:
    path: str
    nko: Decimal | None


def nko(unit: Unit) -> Decimal | None:
    return unit.nko


def path(unit: Unit) -> str:
    return unit.path


def test_competition_ranking() -> None:
    units = [Unit("a", D(90)), Unit("b", D(95)), Unit("c", D(90)), Unit("d", D(80))]
    ranked = rank(units, nko)
    assert [(r.rank, r.item.path, r.key) for r in ranked] == [
        (1, "b", D(95)),
        (2, "a", D(90)),
        (2, "c", D(90)),
        (4, "d", D(80)),
    ]


def test_na_is_never_ranked_and_comes_last() -> None:
    units = [Unit("z", None), Unit("a", D(1)), Unit("m", None), Unit("b", D(-5))]
    ranked = rank(units, nko, tie_break=path)
    assert ranked == [
        Ranked(1, units[1], D(1)),
        Ranked(2, units[3], D(-5)),
        Ranked(None, units[2], None),
        Ranked(None, units[0], None),
    ]


def test_tie_break_orders_ties_and_na() -> None:
    units = [Unit("c", D(90)), Unit("a", D(90)), Unit("y", None), Unit("b", D(90)), Unit("x", None)]
    assert [r.item.path for r in rank(units, nko, tie_break=path)] == ["a", "b", "c", "x", "y"]
    # without a tie-break: the input order
    assert [r.item.path for r in rank(units, nko)] == ["c", "a", "b", "y", "x"]
    assert [r.rank for r in rank(units, nko)] == [1, 1, 1, None, None]


def test_equal_values_tie_whatever_their_writing() -> None:
    ranked = rank([D("85.0"), D(85), D("85.00"), D("-0"), D(0)], lambda d: d)
    assert [r.rank for r in ranked] == [1, 1, 1, 4, 4]


def test_edge_cases() -> None:
    assert rank([], nko) == []
    assert rank([Unit("a", None)], nko) == [Ranked(None, Unit("a", None), None)]
    with pytest.raises(ValueError, match="NaN"):
        rank([Unit("a", D("NaN"))], nko)


def test_key_is_called_once_per_item() -> None:
    calls: list[str] = []

    def counted(unit: Unit) -> Decimal | None:
        calls.append(unit.path)
        return unit.nko

    units = [Unit(p, D(n)) for p, n in zip("abcde", [3, 1, 4, 1, 5], strict=True)]
    rank(units, counted, tie_break=path)
    assert sorted(calls) == list("abcde")


def test_same_as_rank_maps_of_the_reports() -> None:
    """What `reports.selectors.rank_maps` does inline: sort by (-nko, path), N/A last by path."""
    units = [Unit("1.2", D(80)), Unit("1", D(90)), Unit("1.1", None), Unit("1.3", D(90)), Unit("0", None)]
    scored = sorted((u for u in units if u.nko is not None), key=lambda u: (-(u.nko or 0), u.path))
    expected: list[tuple[int | None, str]] = []
    current, last = 0, None
    for position, unit in enumerate(scored, start=1):
        if unit.nko != last:
            current, last = position, unit.nko
        expected.append((current, unit.path))
    expected += [(None, u.path) for u in sorted(units, key=path) if u.nko is None]
    assert [(r.rank, r.item.path) for r in rank(units, nko, tie_break=path)] == expected


# ---------------------------------------------------------------- properties

keys = st.one_of(
    st.none(),
    st.decimals(min_value=-100, max_value=100, places=1, allow_nan=False, allow_infinity=False),
    st.sampled_from([D(0), D("50"), D("50.0"), D("-0")]),  # ties, written differently
)
units = st.lists(st.builds(Unit, st.text(alphabet="abc", max_size=3), keys), max_size=30)


@EXAMPLES
@given(units)
def test_rank_properties(items: list[Unit]) -> None:
    ranked = rank(items, nko, tie_break=path)
    # every item once
    assert sorted(map(id, (r.item for r in ranked))) == sorted(map(id, items))
    scored = [r for r in ranked if r.rank is not None]
    # None is never ranked, and comes last
    assert all(r.key is not None for r in scored)
    assert all(r.key is None for r in ranked[len(scored) :])
    assert len(scored) == sum(u.nko is not None for u in items)
    all_keys = [u.nko for u in items if u.nko is not None]
    for earlier, later in pairwise(scored):
        assert earlier.rank is not None and later.rank is not None
        assert earlier.rank <= later.rank  # ranks non-decreasing
        assert earlier.key is not None and later.key is not None
        assert earlier.key >= later.key  # highest first
        assert (earlier.rank == later.rank) == (earlier.key == later.key)  # equal keys, equal ranks
        if earlier.key == later.key:
            assert earlier.item.path <= later.item.path  # ties in tie-break order
    for r in scored:
        assert r.key is not None
        assert r.rank == 1 + sum(k > r.key for k in all_keys)  # competition ranking
    na = [r.item.path for r in ranked[len(scored) :]]
    assert na == sorted(na)


@EXAMPLES
@given(units)
def test_rank_is_stable_without_a_tie_break(items: list[Unit]) -> None:
    ranked = rank(items, nko)
    position = {id(u): i for i, u in enumerate(items)}
    for earlier, later in pairwise(ranked):
        if earlier.key == later.key:  # equal keys, or both N/A
            assert position[id(earlier.item)] < position[id(later.item)]


@EXAMPLES
@given(units)
def test_rank_ignores_the_input_order_with_a_total_tie_break(items: list[Unit]) -> None:
    def total(unit: Unit) -> tuple[str, str]:
        return (unit.path, str(unit.nko))

    forwards = [(r.rank, r.item) for r in rank(items, nko, tie_break=total)]
    backwards = [(r.rank, r.item) for r in rank(items[::-1], nko, tie_break=total)]
    assert forwards == backwards
