"""Deleting one's own account: comments removed or anonymised as each site says, votes withdrawn,
the account and its sessions gone, and the deletion audited."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from yoron.domain.accounts import DELETED_AUTHOR, Role, User
from yoron.domain.errors import Forbidden, Invalid, NotFound
from yoron.domain.model import Comment, CommentState, Viewer
from yoron.domain.moderation import DeletedAccounts
from yoron.services.accounts import password_matches
from yoron.services.context import Context
from yoron.services.ports import Tx
from yoron.services.votes import drop_votes

CONFIRM_WORD = "delete"
"""What an account without a password types to confirm (it has nothing else to prove itself with)."""


@dataclass(frozen=True, slots=True)
class DeletionTerms:
    """What deleting an account asks for, and what becomes of its comments on its own site."""

    needs_password: bool
    policy: DeletedAccounts


@dataclass(frozen=True, slots=True)
class AccountDeleted:
    policy: DeletedAccounts
    """The account's own site's policy (comments on other sites follow theirs)."""
    comments: int
    votes: int


@dataclass
class _Settled:
    """What became of an account's comments: per site, its policy and how many; per thread, the
    change in its comment count."""

    policies: dict[int, DeletedAccounts]
    comments: Counter[int]
    threads: dict[int, int]


def _signed_in(viewer: Viewer) -> tuple[User, int]:
    """The account asking, and its site (operators belong to none, and are not deleted here)."""
    user = viewer.user
    if user is None:
        raise Forbidden("not_signed_in", "Sign in first.", None)
    if user.role is Role.OPERATOR or user.site_id is None:
        raise Forbidden("operator_account", "An operator's account is not deleted from here.", None)
    return user, user.site_id


async def deletion_terms(ctx: Context, viewer: Viewer) -> DeletionTerms:
    user, home = _signed_in(viewer)
    async with ctx.db.read() as tx:
        stored = await tx.users.password_hash(user.id)
        policy = await _policy(tx, home)
    return DeletionTerms(bool(stored), policy)


async def check_consent(ctx: Context, user: User, password: str | None, confirm: str | None) -> None:
    """An account with a password proves it is its owner; one without types the confirmation word."""
    async with ctx.db.read() as tx:
        stored = await tx.users.password_hash(user.id)
    if stored:
        if not password:
            raise Invalid("password_required", "Type your password to delete your account.", "password")
        if not await password_matches(stored, password):
            raise Forbidden("password_wrong", "That password is not right; nothing was deleted.", "password")
    elif (confirm or "").strip().lower() != CONFIRM_WORD:
        raise Invalid("confirm_required", f'Type "{CONFIRM_WORD}" to confirm.', "confirm")


async def do_delete_account(
    ctx: Context, viewer: Viewer, *, password: str | None = None, confirm: str | None = None
) -> AccountDeleted:
    """Delete the signed-in account for good.

    Each comment follows the policy of the site it was written on: kept with the author
    "deleted user", or removed (a tombstone where replies hang on it). Either way nothing on
    the row points back at the person. Votes are withdrawn and the tallies corrected. One
    audit row per site concerned records the policy and the counts, never a name or email."""
    user, home = _signed_in(viewer)
    await check_consent(ctx, user, password, confirm)
    async with ctx.db.read() as tx:
        # No index leads with the voter: scan on a reader rather than inside the write.
        voted = await tx.votes.voted_on(user.key)
    now = ctx.clock()
    async with ctx.db.write() as tx:
        if await tx.users.by_id(user.id) is None:
            raise NotFound("user_not_found", "This account is deleted already.", None)
        settled = await _settle_comments(tx, user)
        votes, tallied = await drop_votes(tx, user.key, voted)
        await tx.users.delete(user)
        if home not in settled.policies:
            settled.policies[home] = await _policy(tx, home)
        for site_id, policy in settled.policies.items():
            details: dict[str, object] = {"policy": policy.value, "comments": settled.comments[site_id]}
            if site_id == home:
                details["votes"] = votes
            await tx.moderation.audit(site_id, user.key, "account.deleted", user.key, "", details, now)
    for thread_id in sorted(set(settled.threads) | tallied):
        ctx.events.publish("account.deleted", {"thread_id": thread_id})
    return AccountDeleted(settled.policies[home], sum(settled.comments.values()), votes)


async def _policy(tx: Tx, site_id: int) -> DeletedAccounts:
    site = await tx.sites.by_id(site_id)
    return site.moderation.deleted_accounts if site else DeletedAccounts.ANONYMISE


async def _settle_comments(tx: Tx, user: User) -> _Settled:
    settled = _Settled({}, Counter(), {})
    # Newest first: a reply goes before the comment it answers, so that comment's reply count
    # is already right when deciding whether it must stay as a tombstone.
    for comment_id, site_id in await tx.users.comment_sites(user.id):
        if site_id not in settled.policies:
            settled.policies[site_id] = await _policy(tx, site_id)
        comment = await tx.comments.get(comment_id)
        assert comment is not None
        delta = 0
        if comment.state is CommentState.DELETED:
            await tx.comments.drop_revisions(comment.id)  # words its author took down already
        elif settled.policies[site_id] is DeletedAccounts.REMOVE:
            delta = await _remove(tx, comment)
        await tx.comments.anonymise(comment.id, DELETED_AUTHOR)
        settled.comments[site_id] += 1
        settled.threads[comment.thread_id] = settled.threads.get(comment.thread_id, 0) + delta
    for thread_id, delta in settled.threads.items():
        await tx.threads.touch(thread_id, delta)
    return settled


async def _remove(tx: Tx, comment: Comment) -> int:
    """Take a comment down as its author deleting it would (see comments.do_delete_comment), but
    keep no revision: the words leave with the account. Returns the change to the thread's count."""
    await tx.comments.drop_revisions(comment.id)
    tombstone = comment.reply_count > 0
    await tx.comments.set_state(comment.id, CommentState.DELETED, listed=tombstone, blank=True)
    was_published = comment.state is CommentState.PUBLISHED
    if comment.parent_id is not None and was_published and not tombstone:
        await tx.comments.add_replies(comment.parent_id, -1)
    return -1 if was_published else 0
