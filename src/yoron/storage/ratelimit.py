"""Rate limits with the ``limits`` library: counters in memory, or shared (e.g. Redis) by URI."""

from __future__ import annotations

from limits import RateLimitItem, parse, storage, strategies


class LimitsRateLimiter:
    """``allow(action, key)`` counts one event and says whether it stays within the limit.

    Fixed windows, not moving ones: the memory storage expires moving-window events from
    a timer thread that scans every key a hundred times a second, which under a vote storm
    from many networks cost the whole process about half its throughput.
    """

    def __init__(self, rules: dict[str, str], storage_uri: str = "memory://") -> None:
        self._limiter = strategies.FixedWindowRateLimiter(storage.storage_from_string(storage_uri))
        self._rules: dict[str, RateLimitItem] = {action: parse(rule) for action, rule in rules.items()}

    def allow(self, action: str, key: str) -> bool:
        rule = self._rules.get(action)
        return rule is None or not key or self._limiter.hit(rule, action, key)
