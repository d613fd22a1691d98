"""Live updates over server-sent events, correct across worker processes and instances.

One watcher per thread per process polls the thread's version (a one-row
indexed read) once a second, and at once when this process itself wrote to the
thread. When the version moves, it reads the comments written since the last
one it saw and tells every subscriber. Writes made by other processes or
instances are therefore seen within a second, with no broker in between.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

from yoron.domain.errors import NotFound
from yoron.domain.model import Comment
from yoron.services import listing, threads
from yoron.services.context import Context

log = logging.getLogger("yoron.live")
POLL_SECONDS = 1.0
QUEUE_SIZE = 256


@dataclass
class _Watcher:
    thread_id: int
    subscribers: set[asyncio.Queue[dict[str, object]]] = field(default_factory=set)
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None


class LiveThreads:
    """Fans thread changes out to this process's SSE subscribers."""

    def __init__(self, ctx: Context, poll_seconds: float = POLL_SECONDS) -> None:
        self._ctx = ctx
        self._poll = poll_seconds
        self._watchers: dict[int, _Watcher] = {}

    def subscribe(self, thread_id: int) -> asyncio.Queue[dict[str, object]]:
        watcher = self._watchers.get(thread_id)
        if watcher is None:
            watcher = self._watchers[thread_id] = _Watcher(thread_id)
            watcher.task = asyncio.create_task(self._watch(watcher))
        queue: asyncio.Queue[dict[str, object]] = asyncio.Queue(QUEUE_SIZE)
        watcher.subscribers.add(queue)
        return queue

    def unsubscribe(self, thread_id: int, queue: asyncio.Queue[dict[str, object]]) -> None:
        watcher = self._watchers.get(thread_id)
        if watcher is None:
            return
        watcher.subscribers.discard(queue)
        if not watcher.subscribers:
            del self._watchers[thread_id]
            if watcher.task:
                watcher.task.cancel()

    def on_event(self, topic: str, payload: dict[str, object]) -> None:
        """Listener for this process's own writes: check the thread now, not at the next tick."""
        thread_id = payload.get("thread_id")
        watcher = self._watchers.get(thread_id) if isinstance(thread_id, int) else None
        if watcher is not None:
            watcher.wake.set()

    async def close(self) -> None:
        for watcher in list(self._watchers.values()):
            if watcher.task:
                watcher.task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher.task
        self._watchers.clear()

    async def _watch(self, watcher: _Watcher) -> None:
        try:
            version = await threads.thread_versions(self._ctx, watcher.thread_id)
            last = await listing.newest_comment(self._ctx, watcher.thread_id)
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(watcher.wake.wait(), self._poll)
                watcher.wake.clear()
                current = await threads.thread_versions(self._ctx, watcher.thread_id)
                if current == version:
                    continue
                version = current
                last = await self._announce(watcher, last)
        except asyncio.CancelledError:
            raise
        except NotFound:
            return
        except Exception:
            log.exception("live watcher for thread %s stopped", watcher.thread_id)

    async def _announce(self, watcher: _Watcher, last: Comment | None) -> Comment | None:
        if last is None:
            fresh = await listing.comments_after_start(self._ctx, watcher.thread_id)
        else:
            fresh = await listing.comments_after(self._ctx, watcher.thread_id, last)
        events: list[dict[str, object]] = [
            {"kind": "created", "thread_id": watcher.thread_id, "comment_id": c.id} for c in fresh
        ]
        events.append({"kind": "changed", "thread_id": watcher.thread_id, "comment_id": None})
        for queue in list(watcher.subscribers):
            for event in events:
                with contextlib.suppress(asyncio.QueueFull):
                    queue.put_nowait(event)
        return fresh[-1] if fresh else last
