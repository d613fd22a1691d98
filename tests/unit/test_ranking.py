"""The tally and the sort keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yoron.domain.ranking import controversy, tally, wilson_lower_bound


@pytest.mark.parametrize(
    ("up", "down", "shown"),
    [(0, 0, "0 ( +0 / -0 )"), (2, 6, "-4 ( +2 / -6 )"), (5, 2, "3 ( +5 / -2 )"), (3, 1, "2 ( +3 / -1 )")],
)
def test_tally_reads_exactly(up: int, down: int, shown: str) -> None:
    assert tally(up, down) == shown


def test_wilson_prefers_evidence() -> None:
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(40, 2) > wilson_lower_bound(3, 0) > wilson_lower_bound(1, 1)


@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_wilson_is_a_probability_below_the_observed_share(up: int, down: int) -> None:
    bound = wilson_lower_bound(up, down)
    assert 0.0 <= bound <= 1.0
    if up + down:
        assert bound <= up / (up + down) + 1e-12


def test_controversy_wants_both_sides_and_numbers() -> None:
    assert controversy(10, 0) == 0.0
    assert controversy(50, 50) > controversy(5, 5) > 0
    assert controversy(50, 50) > controversy(90, 10)
