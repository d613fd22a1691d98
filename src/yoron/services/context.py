"""The ports and limits every use case is handed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from yoron.services.ports import Clock, Database, EventPublisher, RateLimiter

if TYPE_CHECKING:
    from yoron.services.pipeline import Pipeline


def _default_pipeline() -> Pipeline:
    from yoron.services.pipeline import Pipeline

    return Pipeline()


@dataclass(frozen=True, slots=True)
class Limits:
    comment_max_length: int = 10_000
    author_name_max_length: int = 64
    page_size_default: int = 50
    page_size_max: int = 200
    counts_max_keys: int = 100


class NoLimits:
    """Allows everything: for tools and tests that are not about rate limits."""

    def allow(self, action: str, key: str) -> bool:
        return True


class NoEvents:
    """A publisher that drops events, for tools that need none (the CLI, the demo)."""

    def publish(self, topic: str, payload: dict[str, object]) -> None:
        return None


@dataclass(frozen=True, slots=True)
class Context:
    db: Database
    clock: Clock
    events: EventPublisher = field(default_factory=NoEvents)
    limits: Limits = field(default_factory=Limits)
    limiter: RateLimiter = field(default_factory=NoLimits)
    pipeline: Pipeline = field(default_factory=_default_pipeline)
