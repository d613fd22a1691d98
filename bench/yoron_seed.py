"""Bulk-load seed threads into a yoron database (SQLite or PostgreSQL), bypassing HTTP.

The rows are what yoron itself would have written: HTML rendered once with
``yoron.domain.text.render``, counters (up, down, score, best, controversy,
reply_count, comment_count) consistent with the vote rows, ``root_id`` set
for replies. Secondary indexes are dropped during the load and rebuilt from
their own stored definitions afterwards, which keeps large loads fast
without restating the schema here.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg
from corpus import SeedComment, SeedThread, author_name

from yoron.domain.ranking import controversy, wilson_lower_bound
from yoron.domain.text import mention_key, render

SITE_SLUG = "bench"
SITE_ORIGIN = "http://127.0.0.1"
BULK_TABLES = ("comments", "votes")

COMMENT_COLUMNS = (
    "id", "thread_id", "parent_id", "root_id", "depth", "owner", "author_name", "name_key", "body", "html",
    "state", "listed", "up", "down", "score", "best", "controversy", "reply_count", "quote_source",
    "quote_comment_id", "quote_verified", "ip_hash", "created_at", "edited_at",
)  # fmt: skip
THREAD_COLUMNS = (
    "id", "site_id", "key", "title", "url", "lead", "state", "comment_count", "version", "created_at",
)  # fmt: skip
VOTE_COLUMNS = ("comment_id", "voter", "thread_id", "value", "updated_at")


def render_all(bodies: Sequence[str]) -> list[str]:
    """Each body's stored HTML, rendered exactly as yoron renders it on write."""
    return [render(body).html for body in bodies]


def voter_key(voter: int) -> str:
    return f"d:{voter:032x}"


@dataclass(frozen=True, slots=True)
class Rows:
    threads: list[tuple[Any, ...]]
    comments: list[tuple[Any, ...]]
    votes: list[tuple[Any, ...]]


def _ordered(values: dict[str, Any], columns: Sequence[str]) -> tuple[Any, ...]:
    return tuple(values[column] for column in columns)


def _comment_row(
    seed: SeedComment, thread_id: int, first_id: int, replies: int, body: str, html: str, created: int
) -> tuple[Any, ...]:
    name = author_name(seed.author)
    return _ordered(
        {
            "id": first_id + seed.position,
            "thread_id": thread_id,
            "parent_id": None if seed.parent is None else first_id + seed.parent,
            "root_id": None if seed.root is None else first_id + seed.root,
            "depth": seed.depth,
            "owner": f"seed:{seed.author}",
            "author_name": name,
            "name_key": mention_key(name),
            "body": body,
            "html": html,
            "state": "published",
            "listed": 1,
            "up": seed.up,
            "down": seed.down,
            "score": seed.up - seed.down,
            "best": wilson_lower_bound(seed.up, seed.down),
            "controversy": controversy(seed.up, seed.down),
            "reply_count": replies,
            "quote_source": None,
            "quote_comment_id": None,
            "quote_verified": None,
            "ip_hash": "",
            "created_at": created,
            "edited_at": None,
        },
        COMMENT_COLUMNS,
    )


def _thread_row(thread: SeedThread, thread_id: int, site_id: int, opened_at: int) -> tuple[Any, ...]:
    return _ordered(
        {
            "id": thread_id,
            "site_id": site_id,
            "key": thread.key,
            "title": thread.title,
            "url": f"{SITE_ORIGIN}/{thread.key}",
            "lead": "",
            "state": "open",
            "comment_count": len(thread.comments),
            "version": 1,
            "created_at": opened_at,
        },
        THREAD_COLUMNS,
    )


def thread_rows(
    threads: Iterable[SeedThread],
    site_id: int,
    first_thread_id: int,
    first_comment_id: int,
    bodies: Sequence[str],
    html: Sequence[str],
    opened_at: int,
) -> Rows:
    """The rows for ``threads``, numbered from the given first ids."""
    rows = Rows([], [], [])
    thread_id, first_id = first_thread_id, first_comment_id
    for thread in threads:
        rows.threads.append(_thread_row(thread, thread_id, site_id, opened_at))
        replies = thread.reply_counts()
        for seed in thread.comments:
            comment_id = first_id + seed.position
            created = opened_at + seed.offset_ms
            body, rendered = bodies[seed.body], html[seed.body]
            replies_to_it = replies[seed.position]
            rows.comments.append(
                _comment_row(seed, thread_id, first_id, replies_to_it, body, rendered, created)
            )
            # Voters are listed up-voters first; each vote lands a minute after its comment.
            rows.votes.extend(
                (comment_id, voter_key(voter), thread_id, 1 if rank < seed.up else -1, created + 60_000)
                for rank, voter in enumerate(seed.voters)
            )
        thread_id += 1
        first_id += len(thread.comments)
    return rows


class Sink(Protocol):
    """Where rows go: one open database, between ``start`` and ``finish``."""

    async def next_ids(self) -> tuple[int, int, int]: ...
    async def start(self) -> None: ...
    async def write(self, rows: Rows) -> None: ...
    async def finish(self) -> None: ...


def _placeholders(count: int, style: str) -> str:
    return ", ".join("?" * count) if style == "qmark" else ", ".join(f"${i + 1}" for i in range(count))


class SqliteSink:
    """Bulk writes to a yoron SQLite file: one connection, no fsync until the end."""

    def __init__(self, path: str) -> None:
        self._db = sqlite3.connect(path, isolation_level=None)
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("PRAGMA cache_size = -512000")
        self._indexes: list[str] = []

    async def next_ids(self) -> tuple[int, int, int]:
        site = self._db.execute("SELECT id FROM sites WHERE slug = ?", (SITE_SLUG,)).fetchone()[0]
        thread = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM threads").fetchone()[0]
        comment = self._db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM comments").fetchone()[0]
        return site, thread, comment

    async def start(self) -> None:
        marks = ", ".join("?" * len(BULK_TABLES))
        found = self._db.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            f" AND tbl_name IN ({marks})",
            BULK_TABLES,
        ).fetchall()
        self._indexes = [sql for _name, sql in found]
        for name, _sql in found:
            self._db.execute(f'DROP INDEX "{name}"')

    async def write(self, rows: Rows) -> None:
        self._db.execute("BEGIN")
        for table, columns, values in (
            ("threads", THREAD_COLUMNS, rows.threads),
            ("comments", COMMENT_COLUMNS, rows.comments),
            ("votes", VOTE_COLUMNS, rows.votes),
        ):
            self._db.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({_placeholders(len(columns), 'qmark')})",
                values,
            )
        self._db.execute("COMMIT")

    async def finish(self) -> None:
        for sql in self._indexes:
            self._db.execute(sql)
        self._db.execute("ANALYZE")
        self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._db.close()


class PostgresSink:
    """Bulk writes to a yoron PostgreSQL database with COPY."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._db = connection
        self._indexes: list[str] = []

    @classmethod
    async def connect(cls, url: str) -> PostgresSink:
        return cls(await asyncpg.connect(url))

    async def next_ids(self) -> tuple[int, int, int]:
        site = await self._db.fetchval("SELECT id FROM sites WHERE slug = $1", SITE_SLUG)
        thread = await self._db.fetchval("SELECT COALESCE(MAX(id), 0) + 1 FROM threads")
        comment = await self._db.fetchval("SELECT COALESCE(MAX(id), 0) + 1 FROM comments")
        return site, thread, comment

    async def start(self) -> None:
        found = await self._db.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.tablename = ANY($1::text[]) AND i.schemaname = current_schema()"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            list(BULK_TABLES),
        )
        self._indexes = [row["indexdef"] for row in found]
        for row in found:
            await self._db.execute(f'DROP INDEX "{row["indexname"]}"')

    async def write(self, rows: Rows) -> None:
        async with self._db.transaction():
            for table, columns, values in (
                ("threads", THREAD_COLUMNS, rows.threads),
                ("comments", COMMENT_COLUMNS, rows.comments),
                ("votes", VOTE_COLUMNS, rows.votes),
            ):
                await self._db.copy_records_to_table(table, records=values, columns=list(columns))

    async def finish(self) -> None:
        await self._db.execute("SET maintenance_work_mem = '512MB'")
        for sql in self._indexes:
            await self._db.execute(sql)
        for table in ("sites", "threads", "comments"):
            await self._db.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
        await self._db.execute("ANALYZE")
        await self._db.close()


async def open_sink(database_url: str) -> Sink:
    if database_url.startswith("sqlite:///"):
        return SqliteSink(database_url.split(":///", 1)[1])
    return await PostgresSink.connect(database_url)


def yoron_cli(*args: str, env: dict[str, str]) -> str:
    """Run the project's ``yoron`` command (from the interpreter running this file)."""
    command = [str(Path(sys.executable).with_name("yoron")), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def add_bench_site(env: dict[str, str]) -> None:
    """Migrate the database and create the bench site: flat display, so one page holds a whole thread."""
    yoron_cli("site", "add", SITE_SLUG, "--origin", SITE_ORIGIN, "--display", "flat", env=env)


def opened_at_ms(days_ago: float = 3.0) -> int:
    return int((time.time() - days_ago * 86_400) * 1000)


@dataclass(frozen=True, slots=True)
class Seeded:
    """Where a seeded thread landed: its id and the ids of its comments (consecutive)."""

    thread_id: int
    first_comment_id: int
    size: int

    @property
    def comment_ids(self) -> range:
        return range(self.first_comment_id, self.first_comment_id + self.size)


async def load(
    sink: Sink,
    batches: Iterable[list[SeedThread]],
    bodies: Sequence[str],
    html: Sequence[str],
    opened: int | None = None,
) -> dict[str, Seeded]:
    """Write every batch of threads through ``sink``; returns where each thread key landed."""
    site_id, thread_id, comment_id = await sink.next_ids()
    opened = opened_at_ms() if opened is None else opened
    seeded: dict[str, Seeded] = {}
    await sink.start()
    for batch in batches:
        rows = thread_rows(batch, site_id, thread_id, comment_id, bodies, html, opened)
        await sink.write(rows)
        for thread in batch:
            seeded[thread.key] = Seeded(thread_id, comment_id, len(thread.comments))
            thread_id += 1
            comment_id += len(thread.comments)
    await sink.finish()
    return seeded
