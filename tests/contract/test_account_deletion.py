"""Deleting an account: each site's policy for the comments, tombstones and counters kept exact,
votes withdrawn from the tallies, nothing left that points back at the person, an audit row."""

from __future__ import annotations

import pytest

from tests.factories import make_comment, make_site, make_thread
from yoron.domain.accounts import NewUser, Role
from yoron.domain.errors import Forbidden, Invalid
from yoron.domain.model import CommentState, Viewer
from yoron.domain.moderation import AuditEntry, DeletedAccounts, ModerationPolicy, SanctionKind
from yoron.services import accounts, comments, listing, moderation, profiles, votes
from yoron.services.account_deletion import do_delete_account
from yoron.services.context import Context

PASSWORD = "correct horse battery"


async def _member(ctx: Context, name: str, role: Role = Role.READER) -> Viewer:
    email = f"{name.split()[0].lower()}@example.org"
    user = await accounts.do_add_user(ctx, "news", email, name, PASSWORD, role)
    return Viewer(key=user.key, ip_hash="net", user=user)


async def _newest_audit(ctx: Context, site_id: int) -> AuditEntry:
    async with ctx.db.read() as tx:
        return (await tx.moderation.audit_log(site_id, None, 1))[0]


async def test_anonymised_comments_stay_without_a_trace_of_their_author(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    lea, otto = await _member(ctx, "Lea Leaver"), await _member(ctx, "Otto Other")
    mine = await make_comment(ctx, thread, "Close it, I say.", by=lea)
    answer = await make_comment(ctx, thread, "@Lea_Leaver why?", by=otto, parent=mine)
    assert 'class="mention"' in answer.html
    await votes.do_vote(ctx, answer.id, lea, 1)
    await votes.do_vote(ctx, mine.id, otto, -1)
    assert lea.user is not None
    session = await accounts.open_session(ctx, accounts.AccountSettings(), lea.user)

    done = await do_delete_account(ctx, lea, password=PASSWORD)

    assert (done.policy, done.comments, done.votes) == (DeletedAccounts.ANONYMISE, 1, 1)
    async with ctx.db.read() as tx:
        kept = await tx.comments.get(mine.id)
        counted = await tx.comments.get(answer.id)
        assert await tx.users.by_id(lea.user.id) is None
        assert await tx.votes.get(answer.id, lea.key or "") == 0
    assert kept is not None and counted is not None
    assert (kept.author_name, kept.owner, kept.user_id, kept.state) == (
        "deleted user",
        "",
        None,
        CommentState.PUBLISHED,
    )
    assert kept.body == "Close it, I say." and (kept.up, kept.down) == (0, 1)
    assert (counted.up, counted.down, counted.in_reply_to) == (0, 0, "deleted user")
    assert await accounts.access_session(ctx, session) is None
    page = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=None)
    assert page.thread.comment_count == 2 and [c.id for c in page.items] == [mine.id, answer.id]
    # A new mention of the old name stays text: it leads to nobody.
    later = await make_comment(ctx, thread, "@Lea_Leaver left", by=otto)
    assert "@Lea_Leaver" in later.html and "mention" not in later.html

    entry = await _newest_audit(ctx, site.id)
    assert (entry.action, entry.actor, entry.target) == ("account.deleted", lea.key, lea.key)
    assert entry.details == {"policy": "anonymise", "comments": 1, "votes": 1}
    assert "Lea" not in repr(entry) and "example.org" not in repr(entry)
    # Another reader's data is untouched.
    theirs = await profiles.export_my_data(ctx, otto)
    written, voted = theirs["comments"], theirs["votes"]
    assert isinstance(written, list) and isinstance(voted, list)
    assert [c["id"] for c in written] == [answer.id, later.id]
    assert [(v["comment_id"], v["value"]) for v in voted] == [(mine.id, -1)]


async def test_removed_comments_leave_tombstones_only_where_replied_to(ctx: Context) -> None:
    site = await make_site(ctx, edit_window_seconds=600)
    await moderation.do_set_policy(
        ctx, "news", ModerationPolicy(deleted_accounts=DeletedAccounts.REMOVE), "op"
    )
    thread = await make_thread(ctx, site)
    lea, otto = await _member(ctx, "Lea Leaver"), await _member(ctx, "Otto Other")
    answered = await make_comment(ctx, thread, "Answered.", by=lea)
    await make_comment(ctx, thread, "An answer.", by=otto, parent=answered)
    alone = await make_comment(ctx, thread, "Alone.", by=lea)
    await comments.do_edit_comment(ctx, alone.id, lea, "Alone, edited.")
    others = await make_comment(ctx, thread, "Otto's root.", by=otto)
    await make_comment(ctx, thread, "Lea answers Otto.", by=lea, parent=others)
    chain = await make_comment(ctx, thread, "Lea's root.", by=lea)
    await make_comment(ctx, thread, "Lea answers herself.", by=lea, parent=chain)
    await votes.do_vote(ctx, others.id, lea, 1)
    before = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=None)
    assert before.thread.comment_count == 7

    done = await do_delete_account(ctx, lea, password=PASSWORD)

    assert (done.policy, done.comments, done.votes) == (DeletedAccounts.REMOVE, 5, 1)
    page = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=None)
    assert page.thread.comment_count == 2
    shown = {c.id: c for c in page.items}
    assert set(shown) == {answered.id, answered.id + 1, others.id}
    tombstone = shown[answered.id]
    assert (tombstone.state, tombstone.body, tombstone.html, tombstone.reply_count) == (
        CommentState.DELETED,
        "",
        "",
        1,
    )
    assert (tombstone.owner, tombstone.user_id, tombstone.author_name) == ("", None, "deleted user")
    assert (shown[others.id].reply_count, shown[others.id].up) == (0, 0)
    async with ctx.db.read() as tx:
        assert await tx.comments.revisions(alone.id) == []
        gone = await tx.comments.get(chain.id)
    assert gone is not None and gone.state is CommentState.DELETED and gone.reply_count == 0
    entry = await _newest_audit(ctx, site.id)
    assert entry.details == {"policy": "remove", "comments": 5, "votes": 1}


async def test_consent_is_checked_before_anything_changes(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    lea = await _member(ctx, "Lea Leaver")
    mine = await make_comment(ctx, thread, "Still here.", by=lea)
    with pytest.raises(Forbidden) as wrong:
        await do_delete_account(ctx, lea, password="not my password")
    assert wrong.value.code == "password_wrong"
    with pytest.raises(Invalid) as missing:
        await do_delete_account(ctx, lea, confirm="delete")
    assert missing.value.code == "password_required"
    with pytest.raises(Forbidden) as anonymous:
        await do_delete_account(ctx, Viewer(key="d:someone"), password=PASSWORD)
    assert anonymous.value.code == "not_signed_in"
    assert lea.user is not None
    async with ctx.db.read() as tx:
        assert await tx.users.by_id(lea.user.id) is not None
        kept = await tx.comments.get(mine.id)
    assert kept is not None and kept.owner == lea.key


async def test_accounts_without_a_password_confirm_with_a_word(ctx: Context) -> None:
    site = await make_site(ctx)
    async with ctx.db.write() as tx:
        user = await tx.users.add(
            NewUser(site.id, None, None, "Sam Sso", "samsso", Role.READER, ctx.clock(), sso_subject="cms-9")
        )
    sso_reader = Viewer(key=user.key, user=user)
    with pytest.raises(Invalid) as refused:
        await do_delete_account(ctx, sso_reader, password="anything at all")
    assert refused.value.code == "confirm_required"
    done = await do_delete_account(ctx, sso_reader, confirm=" Delete ")
    assert done.comments == 0
    async with ctx.db.read() as tx:
        assert await tx.users.by_sso(site.id, "cms-9") is None


async def test_a_later_account_inherits_nothing_of_a_deleted_one(ctx: Context) -> None:
    site = await make_site(ctx)
    mo, lea = await _member(ctx, "Mo Moderator", Role.MODERATOR), await _member(ctx, "Lea Leaver")
    assert mo.user is not None and lea.key is not None
    desk = moderation.Moderator(mo.user, site)
    await moderation.do_sanction(ctx, desk, lea.key, SanctionKind.WARN, "Be kind.")
    await moderation.do_add_note(ctx, desk, lea.key, "Watch this one.")
    await do_delete_account(ctx, lea, password=PASSWORD)
    # SQLite may hand the freed id to the next account: it must start clean.
    nova = await _member(ctx, "Nova Newcomer")
    async with ctx.db.read() as tx:
        for key in {lea.key, nova.key or ""}:
            assert await tx.moderation.sanctions(site.id, key) == []
            assert await tx.moderation.notes(site.id, key) == []


async def test_operators_are_not_deleted_from_here(ctx: Context) -> None:
    await make_site(ctx)
    operator = await accounts.do_add_user(ctx, None, "op@example.org", "Opal", PASSWORD, Role.OPERATOR)
    with pytest.raises(Forbidden):
        await do_delete_account(ctx, Viewer(key=operator.key, user=operator), password=PASSWORD)
