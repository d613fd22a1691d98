"""The page cache: newer versions push out older ones, memory stays within bounds, tallies lag briefly."""

from __future__ import annotations

import time

from yoron.web.cache import PageCache, page_key


def test_a_newer_version_drops_the_older_pages_of_its_thread() -> None:
    cache = PageCache(max_entries=100)
    cache.put(page_key(1, 1, None, None, None), 0, b"v1 page")
    cache.put(page_key(1, 1, "top", None, None), 0, b"v1 top")
    cache.put(page_key(2, 7, None, None, None), 0, b"other thread")
    cache.put(page_key(1, 2, None, None, None), 0, b"v2 page")
    assert cache.get(page_key(1, 1, None, None, None), 0) is None
    assert cache.get(page_key(1, 1, "top", None, None), 0) is None
    assert cache.get(page_key(2, 7, None, None, None), 0) is not None
    assert cache.bytes == len(b"other thread") + len(b"v2 page")
    cache.put(page_key(1, 1, None, None, None), 0, b"late render of an old snapshot")
    assert cache.get(page_key(1, 1, None, None, None), 0) is None


def test_bounded_by_entries_and_bytes() -> None:
    cache = PageCache(max_entries=3, max_bytes=25)
    for thread in range(1, 6):
        cache.put(page_key(thread, 1, None, None, None), 0, b"x" * 10)
    assert cache.bytes <= 25
    assert cache.get(page_key(5, 1, None, None, None), 0) is not None
    assert cache.get(page_key(1, 1, None, None, None), 0) is None


def test_tallies_may_lag_only_briefly() -> None:
    cache = PageCache(max_entries=10, tally_lag=0.05)
    key = page_key(1, 1, None, None, None)
    first = cache.put(key, 0, b"before the vote")
    assert cache.get(key, 1) is first, "a fresh page may show tallies behind by a moment"
    time.sleep(0.06)
    assert cache.get(key, 1) is None, "then it is rendered again"
    assert cache.put(key, 1, b"after").etag != first.etag
