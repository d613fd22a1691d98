"""Thread versions without a query per read, kept right across processes by PostgreSQL NOTIFY.

Every transaction that bumps a thread's version or tally version also sends
``NOTIFY yoron_threads, '<thread id>'``; PostgreSQL delivers it when (and only
if) the transaction commits. Each process listens on one dedicated connection
and forgets the versions of notified threads, so the next read asks the
database again. A read that was already asking when a notification came does
not store its (possibly older) answer. When the listening connection drops,
every remembered version is forgotten and reads go to the database until it is
back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

log = logging.getLogger("yoron.versions")
CHANNEL = "yoron_threads"
MAX_REMEMBERED = 100_000
RECONNECT_SECONDS = 1.0

Versions = tuple[int, int]


class NotifiedVersions:
    """Remembers thread versions until PostgreSQL says a thread changed."""

    def __init__(self, dsn: str, read: Callable[[int], Awaitable[Versions | None]]) -> None:
        self._dsn = dsn
        self._read = read
        self._known: dict[int, Versions] = {}
        self._changes: dict[int, int] = {}
        self._connection: asyncpg.Connection | None = None
        self._reconnect: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def listening(self) -> bool:
        return self._connection is not None and not self._connection.is_closed()

    async def start(self) -> None:
        try:
            connection = await asyncpg.connect(self._dsn)
            await connection.add_listener(CHANNEL, self._on_notify)
            connection.add_termination_listener(self._on_lost)
        except (OSError, asyncpg.PostgresError):
            log.warning("cannot listen for thread changes; every read asks the database")
            self._schedule_reconnect()
            return
        self._connection = connection

    async def close(self) -> None:
        self._closed = True
        if self._reconnect:
            self._reconnect.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect
        if self._connection is not None and not self._connection.is_closed():
            await self._connection.close()

    async def get(self, thread_id: int) -> Versions | None:
        if self.listening:
            known = self._known.get(thread_id)
            if known is not None:
                return known
        changes = self._changes.get(thread_id, 0)
        versions = await self._read(thread_id)
        if versions is not None and self.listening and self._changes.get(thread_id, 0) == changes:
            if len(self._known) >= MAX_REMEMBERED:
                self._known.clear()
            self._known[thread_id] = versions
        return versions

    def _on_notify(self, connection: Any, pid: int, channel: str, payload: str) -> None:
        try:
            thread_id = int(payload)
        except ValueError:
            return
        self._changes[thread_id] = self._changes.get(thread_id, 0) + 1
        self._known.pop(thread_id, None)

    def _on_lost(self, connection: Any) -> None:
        self._connection = None
        self._known.clear()
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        if self._closed or (self._reconnect and not self._reconnect.done()):
            return

        async def again() -> None:
            await asyncio.sleep(RECONNECT_SECONDS)
            await self.start()

        self._reconnect = asyncio.get_running_loop().create_task(again())
