"""Votes: exact counters, re-votes, withdrawal, no self-votes, and no drift under concurrency."""

from __future__ import annotations

import asyncio
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_comment, make_site, make_thread, viewer
from yoron.domain.errors import Forbidden, Invalid
from yoron.domain.ranking import tally
from yoron.services import votes
from yoron.services.context import Context
from yoron.storage.repositories import open_database


async def _stored_tally(ctx: Context, comment_id: int) -> tuple[int, int, int]:
    async with ctx.db.read() as tx:
        comment = await tx.comments.get(comment_id)
        assert comment is not None
        up, down = await tx.votes.totals(comment_id)
    assert (comment.up, comment.down) == (up, down), "counters drifted from vote rows"
    return comment.up, comment.down, comment.score


async def test_vote_revote_and_withdraw(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    comment = await make_comment(ctx, thread)
    reader = viewer()
    assert await votes.do_vote(ctx, comment.id, reader, 1) == votes.VoteResult(1, 0, 1)
    assert await votes.do_vote(ctx, comment.id, reader, 1) == votes.VoteResult(1, 0, 1)
    assert await votes.do_vote(ctx, comment.id, reader, -1) == votes.VoteResult(0, 1, -1)
    await votes.do_vote(ctx, comment.id, viewer(), -1)
    assert await votes.do_vote(ctx, comment.id, reader, 0) == votes.VoteResult(0, 1, 0)
    assert await _stored_tally(ctx, comment.id) == (0, 1, -1)


async def test_no_self_votes_and_no_bad_values(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    author = viewer()
    comment = await make_comment(ctx, thread, by=author)
    with pytest.raises(Forbidden):
        await votes.do_vote(ctx, comment.id, author, 1)
    for bad in (2, -2, True):
        with pytest.raises(Invalid):
            await votes.do_vote(ctx, comment.id, viewer(), bad)
    assert await _stored_tally(ctx, comment.id) == (0, 0, 0)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, 5), st.sampled_from([-1, 0, 1])), max_size=30))
async def test_counters_follow_any_vote_sequence(ctx: Context, sequence: list[tuple[int, int]]) -> None:
    site = await make_site(ctx, slug=f"s{abs(hash(tuple(sequence))) % 10**9}")
    thread = await make_thread(ctx, site)
    comment = await make_comment(ctx, thread)
    model: dict[int, int] = {}
    for voter, value in sequence:
        await votes.do_vote(ctx, comment.id, viewer(f"h{site.id}-{voter}"), value)
        model[voter] = value
    up = sum(1 for v in model.values() if v == 1)
    down = sum(1 for v in model.values() if v == -1)
    assert await _stored_tally(ctx, comment.id) == (up, down, up - down)


async def test_concurrent_votes_never_drift(ctx: Context, database_url: str) -> None:
    """Many voters at once, each on its own connection: the counters equal the vote rows."""
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    comment = await make_comment(ctx, thread)
    voters = 40

    async def flip(database: object, index: int) -> None:
        worker = Context(db=database, clock=ctx.clock)  # type: ignore[arg-type]
        for value in (1, -1, 1 if index % 3 else -1, 0 if index % 5 == 0 else 1):
            await votes.do_vote(worker, comment.id, viewer(f"c{index}"), value)

    if database_url.startswith("sqlite"):
        # Separate connections in separate threads contend for SQLite's write lock.
        def run(index: int) -> None:
            async def go() -> None:
                database = await open_database(database_url)
                try:
                    await flip(database, index)
                finally:
                    await database.close()

            asyncio.run(go())

        workers = [threading.Thread(target=run, args=(i,)) for i in range(voters)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    else:
        database = await open_database(database_url, pg_pool_min=10, pg_pool_max=20)
        try:
            await asyncio.gather(*(flip(database, i) for i in range(voters)))
        finally:
            await database.close()
    up, down, score = await _stored_tally(ctx, comment.id)
    expected_up = sum(1 for i in range(voters) if i % 5 != 0)
    assert (up, down) == (expected_up, 0)
    assert tally(up, down) == f"{score} ( +{up} / -{down} )"
