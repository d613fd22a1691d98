"""The two database drivers behind one small interface.

SQLite runs synchronously on the event loop: its statements take microseconds
and a thread bridge costs more than the query (DESIGN.md has the figures).
One writer connection takes ``BEGIN IMMEDIATE`` transactions; reads use their
own ``query_only`` connection. PostgreSQL goes through an asyncpg pool.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol

import asyncpg

from yoron.domain.errors import Conflict
from yoron.storage.sql import DialectName, Statement, StatementCache

Row = Any  # sqlite3.Row or asyncpg.Record: both index by column name


class Session(Protocol):
    """One connection inside (or outside) a transaction."""

    dialect: DialectName

    async def one(self, statement: Statement, **params: Any) -> Row | None: ...
    async def all(self, statement: Statement, **params: Any) -> list[Row]: ...
    async def value(self, statement: Statement, **params: Any) -> Any: ...
    async def run(self, statement: Statement, **params: Any) -> None: ...


class Driver(Protocol):
    dialect: DialectName

    def read(self) -> Any: ...
    def write(self) -> Any: ...
    async def close(self) -> None: ...


class SqliteSession:
    def __init__(self, connection: sqlite3.Connection, statements: StatementCache) -> None:
        self.dialect: DialectName = "sqlite"
        self._connection = connection
        self._statements = statements

    def _execute(self, statement: Statement, params: Mapping[str, Any]) -> sqlite3.Cursor:
        compiled = self._statements[statement]
        args = tuple(
            json.dumps(value) if isinstance(value, list | tuple) else value for value in compiled.args(params)
        )
        return self._connection.execute(compiled.sql, args)

    async def one(self, statement: Statement, **params: Any) -> Row | None:
        return self._execute(statement, params).fetchone()

    async def all(self, statement: Statement, **params: Any) -> list[Row]:
        return self._execute(statement, params).fetchall()

    async def value(self, statement: Statement, **params: Any) -> Any:
        row = self._execute(statement, params).fetchone()
        return None if row is None else row[0]

    async def run(self, statement: Statement, **params: Any) -> None:
        self._execute(statement, params)


def _sqlite_connect(path: str, *, synchronous: str, busy_timeout_ms: int, reader: bool) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.row_factory = sqlite3.Row
    connection.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute(f"PRAGMA synchronous = {synchronous}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA cache_size = -32000")
    if reader:
        connection.execute("PRAGMA query_only = ON")
    return connection


class SqliteDriver:
    """One writer and one reader connection per process, used without threads.

    Writes commit in groups: the first write of a loop turn opens a transaction
    and schedules its commit for the end of the turn; every write in between runs
    in its own savepoint (a failure rolls back only its own changes). Each caller
    is answered only after the group's commit, so an acknowledged write is as
    durable as ``synchronous`` makes it, and one disk sync serves many writes.
    """

    def __init__(self, path: str, *, synchronous: str = "FULL", busy_timeout_ms: int = 5000) -> None:
        self.dialect: DialectName = "sqlite"
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._statements = StatementCache("sqlite")
        # The writer never sleeps inside SQLite: when another process holds the write lock,
        # it waits with asyncio.sleep, so this process keeps answering reads meanwhile.
        # (It waits inside SQLite only while setting the connection up, e.g. switching to WAL.)
        options = {"synchronous": synchronous, "busy_timeout_ms": busy_timeout_ms}
        self._writer = _sqlite_connect(path, reader=False, **options)  # type: ignore[arg-type]
        self._writer.execute("PRAGMA busy_timeout = 0")
        self._reader = _sqlite_connect(path, reader=True, **options)  # type: ignore[arg-type]
        self._lock_wait = busy_timeout_ms / 1000
        self._opening: asyncio.Future[None] | None = None
        self._write_session = SqliteSession(self._writer, self._statements)
        self.read_session = SqliteSession(self._reader, self._statements)
        self._in_write = False
        self._group: asyncio.Future[None] | None = None
        self.commits = 0
        self.writes = 0

    async def _join_group(self) -> asyncio.Future[None]:
        """The open group transaction, opening one (and waiting for the write lock) if needed."""
        while self._group is None:
            if self._opening is not None:
                await asyncio.shield(self._opening)
                continue
            loop = asyncio.get_running_loop()
            self._opening = opening = loop.create_future()
            try:
                await self._begin_immediate()
                self._group = loop.create_future()
                loop.call_soon(self._commit_group)
            finally:
                self._opening = None
                opening.set_result(None)
        return self._group

    async def _begin_immediate(self) -> None:
        deadline = time.monotonic() + self._lock_wait
        pause = 0.0002
        while True:
            try:
                self._writer.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.005)

    def _commit_group(self) -> None:
        group, self._group = self._group, None
        if group is None:
            return
        try:
            self._writer.execute("COMMIT")
        except sqlite3.Error as exc:
            if self._writer.in_transaction:
                self._writer.execute("ROLLBACK")
            group.set_exception(exc)
        else:
            self.commits += 1
            group.set_result(None)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[SqliteSession]:
        # Nothing inside a write suspends, so writes never interleave in a savepoint;
        # the flag turns a violation of that rule into a loud error.
        if self._in_write:
            raise RuntimeError("nested SQLite write transaction")
        group = await self._join_group()
        self._in_write = True
        self._writer.execute("SAVEPOINT write")
        try:
            yield self._write_session
        except BaseException:
            self._writer.execute("ROLLBACK TO write")
            self._writer.execute("RELEASE write")
            raise
        else:
            self._writer.execute("RELEASE write")
            self.writes += 1
        finally:
            self._in_write = False
        await asyncio.shield(group)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[SqliteSession]:
        yield self.read_session

    async def close(self) -> None:
        self._commit_group()
        self._reader.close()
        self._writer.close()


class PgSession:
    def __init__(self, connection: asyncpg.Connection, statements: StatementCache) -> None:
        self.dialect: DialectName = "postgresql"
        self._connection = connection
        self._statements = statements

    async def one(self, statement: Statement, **params: Any) -> Row | None:
        compiled = self._statements[statement]
        return await self._connection.fetchrow(compiled.sql, *compiled.args(params))

    async def all(self, statement: Statement, **params: Any) -> list[Row]:
        compiled = self._statements[statement]
        return list(await self._connection.fetch(compiled.sql, *compiled.args(params)))

    async def value(self, statement: Statement, **params: Any) -> Any:
        compiled = self._statements[statement]
        return await self._connection.fetchval(compiled.sql, *compiled.args(params))

    async def run(self, statement: Statement, **params: Any) -> None:
        compiled = self._statements[statement]
        await self._connection.execute(compiled.sql, *compiled.args(params))


def asyncpg_dsn(database_url: str) -> str:
    for prefix in ("postgresql+asyncpg://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix) :]
    return database_url


class PgDriver:
    """An asyncpg pool; writes run in a transaction, reads on a pooled connection."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.dialect: DialectName = "postgresql"
        self._pool = pool
        self._statements = StatementCache("postgresql")

    @classmethod
    async def connect(cls, database_url: str, *, min_size: int = 2, max_size: int = 10) -> PgDriver:
        pool = await asyncpg.create_pool(asyncpg_dsn(database_url), min_size=min_size, max_size=max_size)
        return cls(pool)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[PgSession]:
        try:
            async with self._pool.acquire() as connection, connection.transaction():
                yield PgSession(connection, self._statements)
        except asyncpg.UniqueViolationError as error:
            # Two writers creating the same thing at once (an account on a first sign-in, say):
            # the loser is told to try again, which then finds what the winner made.
            raise Conflict(
                "write_conflict", "That changed at the same moment; please try again.", None
            ) from error

    @asynccontextmanager
    async def read(self) -> AsyncIterator[PgSession]:
        async with self._pool.acquire() as connection:
            yield PgSession(connection, self._statements)

    async def close(self) -> None:
        await self._pool.close()
