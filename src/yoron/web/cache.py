"""Comment pages kept as bytes, per thread version, with votes allowed to lag at most a second.

Every comment written, edited or deleted bumps a thread's ``version``, which is
part of the cache key: such changes show at once, in every process. Votes bump
a separate ``tally_version``: a page whose tallies are behind is still served
until it is ``TALLY_LAG_SECONDS`` old, then rendered again. A popular thread
under a storm of votes is thus rendered about once a second per process,
instead of once per vote.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from dataclasses import dataclass

PageKey = tuple[int, int, str | None, str | None, int | None]
PAGE_CACHE_CONTROL = "public, max-age=1"
TALLY_LAG_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class CachedPage:
    body: bytes
    etag: str
    tally_version: int
    rendered_at: float


def page_key(
    thread_id: int, version: int, sort: str | None, cursor: str | None, limit: int | None
) -> PageKey:
    """What identifies one encoded page: the thread's version and the listing asked for."""
    return (thread_id, version, sort, cursor, limit)


def etag_of(key: PageKey, tally_version: int) -> str:
    digest = hashlib.blake2b(repr((key, tally_version)).encode(), digest_size=12).hexdigest()
    return f'"{digest}"'


class PageCache:
    """A small LRU of encoded pages."""

    def __init__(self, max_entries: int, tally_lag: float = TALLY_LAG_SECONDS) -> None:
        self._entries: OrderedDict[PageKey, CachedPage] = OrderedDict()
        self._max = max_entries
        self._lag = tally_lag
        self.hits = 0
        self.misses = 0

    def get(self, key: PageKey, tally_version: int) -> CachedPage | None:
        """The cached page, unless missing or its tallies are behind for longer than allowed."""
        page = self._entries.get(key)
        if page is None or (
            page.tally_version != tally_version and time.monotonic() - page.rendered_at >= self._lag
        ):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return page

    def put(self, key: PageKey, tally_version: int, body: bytes) -> CachedPage:
        page = CachedPage(body, etag_of(key, tally_version), tally_version, time.monotonic())
        if self._max > 0:
            self._entries[key] = page
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return page
