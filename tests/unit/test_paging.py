"""Cursors round-trip, and anything the server did not make is refused."""

from __future__ import annotations

import pytest

from yoron.domain.errors import Invalid
from yoron.domain.model import Display, Sort
from yoron.domain.paging import Cursor, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(Sort.OLDEST, Display.FLAT, 1_790_000_000_000, 12),
        Cursor(Sort.TOP, Display.NESTED, -7, 3),
        Cursor(Sort.BEST, Display.FLAT, 0.4231, 99),
        Cursor(Sort.CONTROVERSIAL, Display.FLAT, 0.0, 1),
    ],
)
def test_round_trip(cursor: Cursor) -> None:
    assert decode_cursor(encode_cursor(cursor), cursor.sort, cursor.display) == cursor


@pytest.mark.parametrize(
    "cursor",
    [
        Cursor(Sort.TOP, Display.FLAT, 2**40, 1),
        Cursor(Sort.OLDEST, Display.FLAT, -1, 1),
        Cursor(Sort.OLDEST, Display.FLAT, 1.5, 1),
        Cursor(Sort.NEWEST, Display.FLAT, 10, 2**70),
    ],
)
def test_out_of_range_keys_are_refused(cursor: Cursor) -> None:
    with pytest.raises(Invalid):
        decode_cursor(encode_cursor(cursor), cursor.sort, cursor.display)


@pytest.mark.parametrize("text", ["", "!!!", "bnVsbA", "W10", "WyJ0b3AiXQ", "x" * 600])
def test_garbage_is_refused(text: str) -> None:
    with pytest.raises(Invalid):
        decode_cursor(text, Sort.TOP, Display.FLAT)


def test_cursor_of_another_sort_or_display_is_refused() -> None:
    text = encode_cursor(Cursor(Sort.TOP, Display.FLAT, 3, 1))
    with pytest.raises(Invalid):
        decode_cursor(text, Sort.NEWEST, Display.FLAT)
    with pytest.raises(Invalid):
        decode_cursor(text, Sort.TOP, Display.NESTED)
