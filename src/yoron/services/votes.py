"""Votes: one per voter per comment, counters kept exact in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass

from yoron.domain.errors import TooMany
from yoron.domain.model import Viewer
from yoron.domain.rules import check_may_vote, check_vote_value
from yoron.services.comments import access_comment
from yoron.services.context import Context
from yoron.services.threads import access_thread


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

    The comment row is locked first (``FOR UPDATE`` on PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE`` already serializes writers), so concurrent votes apply
    one after another and the counters match the vote rows.
    """
    value = check_vote_value(value)
    if not ctx.limiter.allow("vote", viewer.ip_hash):
        # One machine (or one network) must not be able to stuff a tally.
        raise TooMany("too_many_votes", "Too many votes from your network; try again in a minute.", None)
    async with ctx.db.write() as tx:
        tally = await tx.comments.lock_tally(comment_id)
        comment = await access_comment(tx, comment_id)
        thread = await access_thread(tx, comment.thread_id)
        site = await tx.sites.by_id(thread.site_id)
        assert site is not None
        check_may_vote(viewer, comment, thread, site)
        assert viewer.key is not None and tally is not None
        up, down = tally
        old = await tx.votes.get(comment.id, viewer.key)
        if old == value:
            return VoteResult(up, down, value)
        up += (value == 1) - (old == 1)
        down += (value == -1) - (old == -1)
        await tx.votes.put(comment.id, viewer.key, thread.id, value, ctx.clock())
        await tx.comments.set_tally(comment.id, up, down)
        await tx.threads.touch_tally(thread.id)
    ctx.events.publish("comment.voted", {"thread_id": thread.id, "comment_id": comment.id})
    return VoteResult(up, down, value)
