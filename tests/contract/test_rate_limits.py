"""Rate limits count in memory per process, or in Redis across every worker and instance."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from yoron.storage.ratelimit import LimitsRateLimiter

REDIS = "redis://127.0.0.1:6379"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_url() -> str:
    if not _redis_answers():
        if os.environ.get("CI"):
            pytest.fail("Redis is required in CI and did not answer at 127.0.0.1:6379")
        pytest.skip("Redis is not running here")
    return REDIS


def test_memory_limits_count_per_process() -> None:
    one = LimitsRateLimiter({"post_writer": "2/minute"})
    other = LimitsRateLimiter({"post_writer": "2/minute"})
    assert [one.allow("post_writer", "d:a") for _ in range(3)] == [True, True, False]
    assert one.allow("post_writer", "d:b")  # another writer has their own count
    assert other.allow("post_writer", "d:a")  # another process knows nothing of the first
    assert one.allow("unlimited", "d:a") and one.allow("post_writer", "")


def test_redis_limits_are_shared_between_processes(redis_url: str) -> None:
    writer = f"d:{uuid.uuid4().hex}"
    one = LimitsRateLimiter({"post_writer": "3/minute"}, redis_url)
    other = LimitsRateLimiter({"post_writer": "3/minute"}, redis_url)
    answers = [
        one.allow("post_writer", writer),
        other.allow("post_writer", writer),
        one.allow("post_writer", writer),
    ]
    assert answers == [True, True, True]
    assert not other.allow("post_writer", writer)
