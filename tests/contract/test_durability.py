"""Writes commit in groups without mixing their fates, and acknowledged writes survive a kill."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sqlite3
import sys
import time
from pathlib import Path

from tests.factories import make_comment, make_site, make_thread, viewer
from yoron.domain.errors import DomainError
from yoron.services import comments, votes
from yoron.services.context import Context
from yoron.storage.drivers import SqliteDriver
from yoron.storage.repositories import SqlDatabase, open_database


async def test_concurrent_writes_share_commits_and_fail_alone(ctx: Context, db: SqlDatabase) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    target = await make_comment(ctx, thread)

    async def post(n: int) -> object:
        body = "" if n % 10 == 0 else f"comment {n}"  # every tenth is invalid
        return await comments.do_post_comment(ctx, thread.id, viewer(), body, author_name="A")

    async def vote(n: int) -> object:
        return await votes.do_vote(ctx, target.id, viewer(f"v{n}"), 1)

    results = await asyncio.gather(
        *(post(n) for n in range(100)), *(vote(n) for n in range(100)), return_exceptions=True
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert len(failures) == 10 and all(isinstance(f, DomainError) for f in failures)
    async with db.read() as tx:
        stored = await tx.threads.by_id(thread.id)
        tallied = await tx.comments.get(target.id)
    assert stored is not None and stored.comment_count == 1 + 90
    assert tallied is not None and (tallied.up, tallied.down) == (100, 0)
    if isinstance(db.driver, SqliteDriver):
        assert db.driver.commits < db.driver.writes / 5, "concurrent writes were not grouped"


WRITER = """
import asyncio, sys
from yoron.services import comments
from yoron.services.context import Context
from yoron.domain.model import Viewer
from yoron.storage.repositories import open_database
import time

async def main():
    db = await open_database(sys.argv[1])
    ctx = Context(db=db, clock=lambda: time.time_ns() // 1_000_000)
    n = 0
    while True:
        batch = [comments.do_post_comment(ctx, int(sys.argv[2]), Viewer("d:w"), f"c{n + i}", author_name="W")
                 for i in range(20)]
        for done in await asyncio.gather(*batch):
            print(done.id, flush=True)
        n += 20

asyncio.run(main())
"""


async def test_a_killed_writer_loses_no_acknowledged_comment(
    ctx: Context, database_url: str, tmp_path: Path
) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    out = tmp_path / "acknowledged.txt"
    with out.open("w") as sink:
        writer = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            database_url,
            str(thread.id),
            stdout=sink,
            stderr=asyncio.subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        # Polling a file the child writes: there is no event to wait on.
        while time.monotonic() < deadline and out.stat().st_size < 2000:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        os.kill(writer.pid, signal.SIGKILL)
        await writer.wait()
    acknowledged = [int(line) for line in out.read_text().split()]
    assert len(acknowledged) > 100, "the writer never got going"
    fresh = await open_database(database_url)
    try:
        async with fresh.read() as tx:
            for comment_id in acknowledged:
                assert await tx.comments.get(comment_id) is not None, comment_id
    finally:
        await fresh.close()


async def test_waiting_for_another_writer_does_not_block_reads(tmp_path: Path, sqlite_template: Path) -> None:
    """While another process holds SQLite's write lock, this one still answers reads."""
    path = tmp_path / "locked.db"
    shutil.copy(sqlite_template, path)
    database = await open_database(f"sqlite:///{path}")
    other = sqlite3.connect(path, isolation_level=None)
    order: list[str] = []
    try:
        ctx = Context(db=database, clock=lambda: 1)
        other.execute("BEGIN IMMEDIATE")

        async def write() -> None:
            await make_site(ctx, slug="waited")
            order.append("write")

        async def read() -> None:
            async with database.read() as tx:
                await tx.sites.all()
            order.append("read")

        writing = asyncio.create_task(write())
        await asyncio.sleep(0.05)
        await read()
        other.execute("COMMIT")
        await writing
    finally:
        other.close()
        await database.close()
    assert order == ["read", "write"]
