"""Posting, replying, quoting, editing and deleting, on every engine."""

from __future__ import annotations

import pytest

from tests.conftest import Clock
from tests.factories import make_comment, make_site, make_thread, viewer
from yoron.domain.errors import Conflict, Forbidden, Invalid, NotFound
from yoron.domain.model import CommentState, QuoteSource, ThreadState
from yoron.services import comments, listing, threads
from yoron.services.context import Context


async def test_post_renders_markdown_once_and_counts(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    comment = await make_comment(ctx, thread, "Hello *world* <b>x</b> http://a.example")
    assert comment.html.startswith("<p>Hello <em>world</em> &lt;b&gt;x&lt;/b&gt;")
    assert 'rel="nofollow ugc noopener"' in comment.html
    assert comment.state is CommentState.PUBLISHED
    assert (comment.up, comment.down, comment.score) == (0, 0, 0)
    assert (await threads.get_thread(ctx, thread.id)).comment_count == 1


async def test_reply_sets_depth_root_and_reply_count(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    root = await make_comment(ctx, thread, "root", name="Ann")
    child = await make_comment(ctx, thread, "child", parent=root)
    grandchild = await make_comment(ctx, thread, "grandchild", parent=child)
    assert (child.depth, child.root_id, child.in_reply_to) == (1, root.id, "Ann")
    assert (grandchild.depth, grandchild.root_id) == (2, root.id)
    page = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=None)
    assert [c.id for c in page.items] == [root.id, child.id, grandchild.id]
    assert page.items[0].reply_count == 1


async def test_reply_to_a_comment_of_another_thread_is_refused(ctx: Context) -> None:
    site = await make_site(ctx)
    one = await make_thread(ctx, site, "one")
    two = await make_thread(ctx, site, "two")
    elsewhere = await make_comment(ctx, one)
    with pytest.raises(NotFound) as caught:
        await make_comment(ctx, two, parent=elsewhere)
    assert caught.value.field == "parent_id"


async def test_quote_of_article_is_verified_only_when_faithful(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    faithful = await make_comment(
        ctx, thread, "> The council voted\n>   to close the old bridge\n\nWhy?", quote_of="article"
    )
    doctored = await make_comment(
        ctx, thread, "> The council voted to demolish the old bridge\n\nOutrageous", quote_of="article"
    )
    assert faithful.quote is not None and faithful.quote.verified
    assert faithful.quote.source is QuoteSource.ARTICLE
    assert "quote-verified" in faithful.html and thread.url in faithful.html
    assert doctored.quote is not None and not doctored.quote.verified
    assert "quote-unverified" in doctored.html


async def test_quote_of_comment_links_to_it(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    source = await make_comment(ctx, thread, "Taxes **will** rise next year, mark my words.", name="Bo")
    quoting = await make_comment(ctx, thread, "> Taxes will rise next year\n\nNo.", quote_of=source.id)
    assert quoting.quote is not None
    assert (quoting.quote.comment_id, quoting.quote.verified) == (source.id, True)
    assert f'href="#c{source.id}"' in quoting.html


async def test_quote_without_quote_lines_or_of_unknown_comment_is_refused(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    with pytest.raises(Invalid) as caught:
        await make_comment(ctx, thread, "no quote here", quote_of="article")
    assert caught.value.code == "quote_missing"
    with pytest.raises(NotFound):
        await make_comment(ctx, thread, "> words", quote_of=999)
    with pytest.raises(Invalid):
        await make_comment(ctx, thread, "> words", quote_of="nonsense")


async def test_mentions_link_to_participants_only(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    jane = await make_comment(ctx, thread, "first", name="Jane Doe")
    reply = await make_comment(ctx, thread, "@Jane_Doe agreed, but @nobody disagrees")
    assert f'<a href="#c{jane.id}" class="mention"' in reply.html
    assert "@nobody" in reply.html and reply.html.count("mention") == 1


async def test_edit_within_window_keeps_history_and_refuses_after(ctx: Context, clock: Clock) -> None:
    site = await make_site(ctx, edit_window_seconds=60)
    thread = await make_thread(ctx, site)
    author = viewer()
    comment = await make_comment(ctx, thread, "Frist", by=author)
    edited = await comments.do_edit_comment(ctx, comment.id, author, "First")
    assert edited.body == "First" and edited.edited_at is not None
    async with ctx.db.read() as tx:
        history = await tx.comments.revisions(comment.id)
    assert [revision.body for revision in history] == ["Frist"]
    with pytest.raises(Forbidden):
        await comments.do_edit_comment(ctx, comment.id, viewer(), "hijack")
    clock.advance(61)
    with pytest.raises(Conflict) as caught:
        await comments.do_edit_comment(ctx, comment.id, author, "Too late")
    assert caught.value.code == "edit_window_closed"


async def test_delete_leaves_tombstone_only_when_replied_to(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    author = viewer()
    lonely = await make_comment(ctx, thread, "lonely", by=author)
    parent = await make_comment(ctx, thread, "parent", by=author)
    await make_comment(ctx, thread, "reply", parent=parent)
    await comments.do_delete_comment(ctx, lonely.id, author)
    tomb = await comments.do_delete_comment(ctx, parent.id, author)
    assert tomb.state is CommentState.DELETED and tomb.html == "" and tomb.body == ""
    page = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=None)
    assert [c.body for c in page.items] == ["", "reply"]
    assert (await threads.get_thread(ctx, thread.id)).comment_count == 1
    async with ctx.db.read() as tx:
        assert [r.body for r in await tx.comments.revisions(parent.id)] == ["parent"]
    with pytest.raises(Conflict):
        await make_comment(ctx, thread, "to a tombstone", parent=tomb)


async def test_closed_thread_refuses_writes(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    await threads.do_set_thread_state(ctx, thread.id, ThreadState.CLOSED)
    with pytest.raises(Conflict) as caught:
        await make_comment(ctx, thread)
    assert caught.value.code == "thread_closed"


async def test_bad_bodies_and_names_are_refused_and_change_nothing(ctx: Context) -> None:
    site = await make_site(ctx)
    thread = await make_thread(ctx, site)
    for body, code in (("   ", "body_empty"), ("x" * 2001, "body_too_long"), ("a\x00b", "body_invalid")):
        with pytest.raises(Invalid) as caught:
            await make_comment(ctx, thread, body)
        assert caught.value.code == code
    with pytest.raises(Invalid):
        await comments.do_post_comment(ctx, thread.id, viewer(), "hi", author_name="")
    with pytest.raises(NotFound):
        await comments.do_post_comment(ctx, 12345, viewer(), "hi", author_name="A")
    assert (await threads.get_thread(ctx, thread.id)).comment_count == 0
