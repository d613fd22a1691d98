"""Page bytes kept per thread version: every write bumps the version, so entries never go stale."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Hashable


class PageCache:
    """A small LRU of encoded pages; correct across processes because keys carry the version."""

    def __init__(self, max_entries: int) -> None:
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._max = max_entries
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        body = self._entries.get(key)
        if body is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if self._max <= 0:
            return
        self._entries[key] = body
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)


PageKey = tuple[int, int, str | None, str | None, int | None]
PAGE_CACHE_CONTROL = "public, max-age=1"


def page_key(
    thread_id: int, version: int, sort: str | None, cursor: str | None, limit: int | None
) -> PageKey:
    """What identifies one encoded page: the thread's version and the listing asked for."""
    return (thread_id, version, sort, cursor, limit)


def etag_of(key: PageKey) -> str:
    return '"' + hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest() + '"'
