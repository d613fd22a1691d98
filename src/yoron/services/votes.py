"""Votes: one per voter per comment, counters kept exact in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from yoron.domain.accounts import Action
from yoron.domain.errors import NotFound, TooMany
from yoron.domain.model import Viewer
from yoron.domain.rules import check_active, check_may_vote, check_vote_value
from yoron.services.context import Context
from yoron.services.ports import Tx


def tally_after(up: int, down: int, old: int, new: int) -> tuple[int, int]:
    """The counters once one voter's vote goes from ``old`` to ``new``."""
    return up + (new == 1) - (old == 1), down + (new == -1) - (old == -1)


@dataclass(frozen=True, slots=True)
class VoteResult:
    up: int
    down: int
    my_vote: int

    @property
    def score(self) -> int:
        return self.up - self.down


async def do_vote(ctx: Context, comment_id: int, viewer: Viewer, value: int) -> VoteResult:
    """Set the viewer's vote to +1, -1 or 0 (withdrawn).

    The comment row is read and locked first (``FOR UPDATE`` on PostgreSQL;
    SQLite's ``BEGIN IMMEDIATE`` already serializes writers), so concurrent votes
    apply one after another and the counters match the vote rows.
    """
    value = check_vote_value(value)
    if not ctx.limiter.allow("vote", viewer.ip_hash):
        # One machine (or one network) must not be able to stuff a tally.
        raise TooMany("too_many_votes", "Too many votes from your network; try again in a minute.", None)
    async with ctx.db.write() as tx:
        target = await tx.comments.vote_target(comment_id)
        if target is None:
            raise NotFound("comment_not_found", "There is no such comment.", "comment_id")
        if viewer.user is not None:
            site = await tx.sites.by_id(target.site_id)
            assert site is not None
            check_active(viewer, site, Action.VOTE)
        check_may_vote(viewer, target)
        assert viewer.key is not None
        up, down = target.up, target.down
        old = await tx.votes.get(target.comment_id, viewer.key)
        if old == value:
            return VoteResult(up, down, value)
        up, down = tally_after(up, down, old, value)
        await tx.votes.put(target.comment_id, viewer.key, target.thread_id, value, ctx.clock())
        await tx.comments.set_tally(target.comment_id, up, down)
        await tx.threads.touch_tally(target.thread_id)
    ctx.events.publish("comment.voted", {"thread_id": target.thread_id, "comment_id": target.comment_id})
    return VoteResult(up, down, value)


async def drop_votes(tx: Tx, voter: str, comment_ids: Iterable[int]) -> tuple[int, set[int]]:
    """Remove ``voter``'s votes from these comments and their tallies, locking each comment row
    as ``do_vote`` does; returns how many counted votes went and the threads whose tallies moved."""
    dropped, threads = 0, set()
    for comment_id in sorted(set(comment_ids)):  # one lock order for every caller
        target = await tx.comments.vote_target(comment_id)
        if target is None:
            continue  # the comment is gone, and its votes with it
        old = await tx.votes.get(comment_id, voter)
        await tx.votes.drop(comment_id, voter)
        if old:
            await tx.comments.set_tally(comment_id, *tally_after(target.up, target.down, old, 0))
            dropped += 1
            threads.add(target.thread_id)
    for thread_id in threads:
        await tx.threads.touch_tally(thread_id)
    return dropped, threads
