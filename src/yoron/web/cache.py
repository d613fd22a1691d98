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
    """An LRU of encoded pages, bounded by count and by bytes.

    Pages of a thread's older versions can never be asked for again (versions only
    grow), so storing a newer version drops them at once instead of letting them
    wait for eviction.
    """

    def __init__(
        self, max_entries: int, max_bytes: int = 64 << 20, tally_lag: float = TALLY_LAG_SECONDS
    ) -> None:
        self._entries: OrderedDict[PageKey, CachedPage] = OrderedDict()
        self._newest: dict[int, int] = {}
        self._of_thread: dict[int, set[PageKey]] = {}
        self._max = max_entries
        self._max_bytes = max_bytes
        self._lag = tally_lag
        self.bytes = 0
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
        if self._max <= 0 or len(body) > self._max_bytes:
            return page
        thread_id, version = key[0], key[1]
        newest = self._newest.get(thread_id, 0)
        if version < newest:
            return page  # rendered from an older snapshot than pages already kept
        if version > newest:
            if len(self._newest) > 100_000:
                self._newest.clear()  # forgetting only loosens the guard against late renders
            self._newest[thread_id] = version
            for old_key in [k for k in self._of_thread.get(thread_id, ()) if k[1] < version]:
                self._remove(old_key)
        self._remove(key)
        self._entries[key] = page
        self._of_thread.setdefault(thread_id, set()).add(key)
        self.bytes += len(body)
        while len(self._entries) > self._max or self.bytes > self._max_bytes:
            self._remove(next(iter(self._entries)))
        return page

    def _remove(self, key: PageKey) -> None:
        old = self._entries.pop(key, None)
        if old is None:
            return
        self.bytes -= len(old.body)
        keys = self._of_thread[key[0]]
        keys.discard(key)
        if not keys:
            del self._of_thread[key[0]]
