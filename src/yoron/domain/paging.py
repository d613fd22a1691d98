"""Opaque keyset cursors: the client hands back what the server gave it, nothing else."""

from __future__ import annotations

import base64
import binascii
import math

import msgspec

from yoron.domain.errors import Invalid
from yoron.domain.model import Display, Sort

MAX_CURSOR_CHARS = 512


class Cursor(msgspec.Struct, array_like=True, frozen=True):
    """Where the previous page stopped: the sort, the mode and the last row's key."""

    sort: Sort
    display: Display
    key: float | int
    id: int


def encode_cursor(cursor: Cursor) -> str:
    raw = msgspec.json.encode(cursor)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def decode_cursor(text: str, sort: Sort, display: Display) -> Cursor:
    """Decode a client's cursor, refusing anything the server did not make for this listing."""
    bad = Invalid("bad_cursor", "This cursor is not valid for this listing.", "cursor")
    if len(text) > MAX_CURSOR_CHARS:
        raise bad
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        cursor = msgspec.json.decode(raw, type=Cursor)
    except (binascii.Error, ValueError, msgspec.DecodeError):
        raise bad from None
    if cursor.sort is not sort or cursor.display is not display or not _in_range(cursor):
        raise bad
    return cursor


def _in_range(cursor: Cursor) -> bool:
    """Keys the storage can compare: finite, and within the column's integer width."""
    if not 0 <= cursor.id < 2**62:
        return False
    if cursor.sort in (Sort.BEST, Sort.CONTROVERSIAL):
        return math.isfinite(cursor.key)
    if not isinstance(cursor.key, int):
        return False
    if cursor.sort is Sort.TOP:
        return -(2**31) <= cursor.key < 2**31
    return 0 <= cursor.key < 2**62
