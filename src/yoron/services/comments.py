"""Writing comments: post, edit, delete, preview."""

from __future__ import annotations

from dataclasses import dataclass

from yoron.domain import text
from yoron.domain.errors import Invalid, NotFound
from yoron.domain.model import (
    Comment,
    CommentState,
    NewComment,
    Quote,
    QuoteSource,
    Revision,
    Site,
    Thread,
    Viewer,
)
from yoron.domain.moderation import Decision, Verdict
from yoron.domain.rules import (
    check_author_name,
    check_may_edit,
    check_may_post,
    check_parent,
    check_text,
)
from yoron.services import moderation
from yoron.services.context import Context
from yoron.services.pipeline import rejection
from yoron.services.ports import Tx
from yoron.services.threads import access_thread


@dataclass(frozen=True, slots=True)
class QuoteOf:
    """What a new comment says it quotes: the article, or a comment of the thread."""

    source: QuoteSource
    comment_id: int | None = None

    @classmethod
    def parse(cls, value: int | str | None) -> QuoteOf | None:
        if value is None:
            return None
        if value == "article":
            return cls(QuoteSource.ARTICLE)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return cls(QuoteSource.COMMENT, value)
        if isinstance(value, str) and value.isdigit() and 0 < int(value) < 2**62:
            return cls(QuoteSource.COMMENT, int(value))
        raise Invalid("quote_of_invalid", "quote_of is 'article' or a comment id.", "quote_of")


async def access_comment(tx: Tx, comment_id: int) -> Comment:
    """Fetch a comment, or raise NotFound."""
    comment = await tx.comments.get(comment_id)
    if comment is None:
        raise NotFound("comment_not_found", "There is no such comment.", "comment_id")
    return comment


async def _site_of(tx: Tx, thread: Thread) -> Site:
    site = await tx.sites.by_id(thread.site_id)
    assert site is not None, "threads always belong to a site"
    return site


def check_body(ctx: Context, body: str) -> str:
    return check_text(body, field="body", max_len=ctx.limits.comment_max_length)


async def _quote_context(tx: Tx, thread: Thread, quote_of: QuoteOf) -> text.QuoteContext:
    if quote_of.source is QuoteSource.ARTICLE:
        if not thread.lead:
            raise Invalid("quote_source_missing", "This article has no text to quote.", "quote_of")
        return text.QuoteContext(thread.lead, thread.url, "from the article")
    source = await tx.comments.get(quote_of.comment_id or 0)
    if source is None or source.thread_id != thread.id or source.state is not CommentState.PUBLISHED:
        raise NotFound("quote_source_not_found", "The quoted comment is not in this thread.", "quote_of")
    return text.QuoteContext(
        text.plain_text(source.body), f"#c{source.id}", f"from {source.author_name} (#{source.id})"
    )


async def _render(
    tx: Tx, thread: Thread, body: str, quote_of: QuoteOf | None
) -> tuple[text.Rendered, Quote | None]:
    draft = text.analyze(body)
    if quote_of is not None and not draft.quotes:
        raise Invalid(
            "quote_missing", "quote_of needs a quote (lines starting with >) in the body.", "quote_of"
        )
    context = await _quote_context(tx, thread, quote_of) if quote_of else None
    mentions = await tx.comments.participants(thread.id, sorted(draft.mention_keys))
    rendered = text.render(draft, mentions, context)
    quote = Quote(quote_of.source, quote_of.comment_id, bool(rendered.quote_verified)) if quote_of else None
    return rendered, quote


async def _screen(
    ctx: Context, thread_id: int, viewer: Viewer, body: str, *, editing: bool, nudged: bool
) -> Decision:
    """Run moderation's pipeline before the write, so a slow check never holds the write lock."""
    async with ctx.db.read() as tx:
        thread = await access_thread(tx, thread_id)
        site = await _site_of(tx, thread)
        if not editing:
            check_may_post(site, thread, viewer)
        submission = await moderation.submission(ctx, tx, site, thread, viewer, body, editing, nudged)
    decision = await ctx.pipeline.run(submission, ctx)
    if decision.verdict is Verdict.REJECT:
        await moderation.record_rejection(ctx, site, thread, viewer, decision)
        raise rejection(decision)
    return decision


async def do_post_comment(
    ctx: Context,
    thread_id: int,
    viewer: Viewer,
    body: str,
    *,
    author_name: str | None,
    parent_id: int | None = None,
    quote_of: int | str | None = None,
    nudged: bool = False,
) -> Comment:
    """Post a comment or a reply: published at once, or held for a moderator when the pipeline says so.

    Signed-in users post under their account's display name; guests give one. ``nudged`` says the
    writer was asked to rephrase and posts anyway.
    """
    body = check_body(ctx, body)
    user = viewer.user
    name = user.display_name if user else check_author_name(author_name, ctx.limits.author_name_max_length)
    quote = QuoteOf.parse(quote_of)
    decision = await _screen(ctx, thread_id, viewer, body, editing=False, nudged=nudged)
    state = moderation.state_for(decision)
    async with ctx.db.write() as tx:
        thread = await access_thread(tx, thread_id)
        site = await _site_of(tx, thread)
        check_may_post(site, thread, viewer)
        parent = None
        if parent_id is not None:
            parent = await tx.comments.get(parent_id)
            check_parent(parent, thread)
        rendered, quote_info = await _render(tx, thread, body, quote)
        comment_id = await tx.comments.add(
            NewComment(
                thread_id=thread.id,
                parent_id=parent.id if parent else None,
                root_id=parent.root_id if parent else None,
                depth=parent.depth + 1 if parent else 0,
                owner=viewer.key or "",
                author_name=name,
                name_key=text.mention_key(name),
                body=body,
                html=rendered.html,
                state=state,
                quote=quote_info,
                ip_hash=viewer.ip_hash,
                created_at=ctx.clock(),
                user_id=user.id if user else None,
                reasons=decision.reasons,
            )
        )
        published = state is CommentState.PUBLISHED
        if parent is not None and published:
            await tx.comments.add_replies(parent.id, 1)
        await tx.threads.touch(thread.id, 1 if published else 0)
        comment = await access_comment(tx, comment_id)
    ctx.events.publish(
        "comment.created",
        {
            "thread_id": thread.id,
            "site_id": site.id,
            "comment_id": comment.id,
            "state": state.value,
            "mentioned": list(rendered.mentioned),
        },
    )
    return comment


async def do_edit_comment(
    ctx: Context, comment_id: int, viewer: Viewer, body: str, *, nudged: bool = False
) -> Comment:
    """Replace a comment's body within the edit window, keeping the old one as a revision.

    The new text passes moderation again: a published comment the pipeline would hold goes back
    to the queue.
    """
    body = check_body(ctx, body)
    async with ctx.db.read() as tx:
        found = await access_comment(tx, comment_id)
    decision = await _screen(ctx, found.thread_id, viewer, body, editing=True, nudged=nudged)
    async with ctx.db.write() as tx:
        comment = await access_comment(tx, comment_id)
        thread = await access_thread(tx, comment.thread_id)
        check_may_edit(viewer, comment, await _site_of(tx, thread), thread, ctx.clock())
        if body == comment.body:
            return comment
        quote_of = QuoteOf(comment.quote.source, comment.quote.comment_id) if comment.quote else None
        rendered, quote_info = await _render(tx, thread, body, quote_of)
        written_at = comment.edited_at or comment.created_at
        await tx.comments.add_revision(comment.id, Revision(comment.body, comment.html, written_at))
        await tx.comments.update_body(comment.id, body, rendered.html, quote_info, ctx.clock())
        if decision.verdict is Verdict.HOLD and comment.state is CommentState.PUBLISHED:
            await moderation.hold_edited(tx, comment, moderation.state_for(decision), decision)
        else:
            await tx.threads.touch(thread.id)
        edited = await access_comment(tx, comment.id)
    ctx.events.publish(
        "comment.edited", {"thread_id": thread.id, "site_id": thread.site_id, "comment_id": comment.id}
    )
    return edited


async def do_delete_comment(ctx: Context, comment_id: int, viewer: Viewer) -> Comment:
    """Delete one's own comment; one with replies stays as a tombstone so the thread reads on."""
    async with ctx.db.write() as tx:
        comment = await access_comment(tx, comment_id)
        thread = await access_thread(tx, comment.thread_id)
        check_may_edit(viewer, comment, await _site_of(tx, thread), thread, ctx.clock())
        tombstone = comment.reply_count > 0
        written_at = comment.edited_at or comment.created_at
        await tx.comments.add_revision(comment.id, Revision(comment.body, comment.html, written_at))
        await tx.comments.set_state(comment.id, CommentState.DELETED, listed=tombstone, blank=True)
        was_published = comment.state is CommentState.PUBLISHED
        if comment.parent_id is not None and was_published and not tombstone:
            await tx.comments.add_replies(comment.parent_id, -1)
        await tx.threads.touch(thread.id, -1 if was_published else 0)
        deleted = await access_comment(tx, comment.id)
    ctx.events.publish("comment.deleted", {"thread_id": thread.id, "comment_id": comment.id})
    return deleted


def preview(ctx: Context, body: str) -> str:
    """The HTML a body would render to (mentions and quote checks happen on posting)."""
    return text.render(check_body(ctx, body)).html
