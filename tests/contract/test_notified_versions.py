"""On PostgreSQL, processes remember thread versions and forget them when told a thread changed."""

from __future__ import annotations

import asyncio

from tests.conftest import Clock, reset_pg
from tests.factories import make_comment, make_site, make_thread, viewer
from yoron.services import threads, votes
from yoron.services.context import Context
from yoron.storage.repositories import open_database


async def test_a_write_elsewhere_reaches_a_listening_process(pg_url: str) -> None:
    """SQLite readers ask the database on every read; PostgreSQL ones remember until notified."""
    await reset_pg(pg_url)
    database_url = pg_url
    writer = await open_database(database_url)
    ctx = Context(db=writer, clock=Clock())
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    listening = await open_database(database_url, listen=True)
    try:
        reader = Context(db=listening, clock=ctx.clock)
        before = await threads.thread_versions(reader, thread.id)
        assert await threads.thread_versions(reader, thread.id) == before  # remembered
        comment = await make_comment(ctx, thread)  # written through another pool
        await votes.do_vote(ctx, comment.id, viewer(), 1)
        for _ in range(100):
            after = await threads.thread_versions(reader, thread.id)
            if after == (before[0] + 1, before[1] + 1):
                break
            await asyncio.sleep(0.02)
        assert after == (before[0] + 1, before[1] + 1)
    finally:
        await listening.close()
        await writer.close()
