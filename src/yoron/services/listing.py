"""Reading a thread: pages of comments in any sort, and the viewer's own state."""

from __future__ import annotations

from dataclasses import dataclass, field

from yoron.domain.checks import as_seen
from yoron.domain.errors import Invalid
from yoron.domain.model import Comment, Display, Site, Sort, Thread, Viewer
from yoron.domain.paging import Cursor, decode_cursor, encode_cursor
from yoron.services.context import Context
from yoron.services.threads import access_thread


@dataclass(frozen=True, slots=True)
class Page:
    """One page: in flat display, comments in sort order; nested, each root then its replies."""

    thread: Thread
    site: Site
    sort: Sort
    display: Display
    items: list[Comment]
    next_cursor: str | None


@dataclass(frozen=True, slots=True)
class ViewerState:
    votes: dict[int, int]
    editable: dict[int, int]
    """Comment id -> the moment (Unix ms) its edit window closes."""
    held: list[Comment] = field(default_factory=list)
    """The viewer's own comments that others do not see: waiting for a moderator, or shadowed."""


def check_sort(value: str | None, default: Sort) -> Sort:
    if value is None or value == "":
        return default
    try:
        return Sort(value)
    except ValueError:
        choices = ", ".join(sort.value for sort in Sort)
        raise Invalid("sort_invalid", f"sort is one of: {choices}.", "sort") from None


def check_limit(ctx: Context, value: int | None) -> int:
    if value is None:
        return ctx.limits.page_size_default
    if not 1 <= value <= ctx.limits.page_size_max:
        raise Invalid("limit_invalid", f"limit is 1 to {ctx.limits.page_size_max}.", "limit")
    return value


def _sort_key(comment: Comment, sort: Sort) -> float | int:
    """The stored key the listing ordered by (never recomputed: it must match the index)."""
    if sort in (Sort.OLDEST, Sort.NEWEST):
        return comment.created_at
    if sort is Sort.TOP:
        return comment.score
    return comment.best if sort is Sort.BEST else comment.controversy


def tree_order(roots: list[Comment], replies: list[Comment]) -> list[Comment]:
    """Each root followed by its replies, depth first, siblings oldest first."""
    children: dict[int, list[Comment]] = {}
    for reply in replies:
        children.setdefault(reply.parent_id or 0, []).append(reply)
    ordered: list[Comment] = []

    def walk(comment: Comment) -> None:
        ordered.append(comment)
        for child in children.get(comment.id, ()):
            walk(child)

    for root in roots:
        walk(root)
    return ordered


async def list_comments(
    ctx: Context, thread_id: int, *, sort: str | None, cursor: str | None, limit: int | None
) -> Page:
    async with ctx.db.read() as tx:
        thread = await access_thread(tx, thread_id)
        site = await tx.sites.by_id(thread.site_id)
        assert site is not None
        display = site.policy.display
        chosen = check_sort(sort, site.policy.default_sort)
        size = check_limit(ctx, limit)
        after = decode_cursor(cursor, chosen, display) if cursor else None
        rows = await tx.comments.page(thread.id, chosen, display, after, size + 1)
        more = len(rows) > size
        rows = rows[:size]
        if display is Display.NESTED:
            items = tree_order(rows, await tx.comments.replies([row.id for row in rows]))
        else:
            items = rows
    next_cursor = None
    if more and rows:
        last = rows[-1]
        next_cursor = encode_cursor(Cursor(chosen, display, _sort_key(last, chosen), last.id))
    return Page(as_seen(site, thread, ctx.clock()), site, chosen, display, items, next_cursor)


async def viewer_state(ctx: Context, thread_id: int, viewer: Viewer) -> ViewerState:
    """The viewer's votes in the thread and the comments they may still change."""
    if viewer.key is None:
        async with ctx.db.read() as tx:
            await access_thread(tx, thread_id)
        return ViewerState({}, {})
    now = ctx.clock()
    async with ctx.db.read() as tx:
        thread = await access_thread(tx, thread_id)
        site = await tx.sites.by_id(thread.site_id)
        assert site is not None
        window = site.policy.edit_window_seconds * 1000
        votes = await tx.votes.for_viewer(thread.id, viewer.key)
        # The query applies may_edit's rules (owner, state, window) itself: one read, not one per comment.
        written = await tx.comments.editable(thread.id, viewer.key, now - window)
        held = await tx.comments.held_for_owner(thread.id, viewer.key)
    return ViewerState(votes, {comment_id: at + window for comment_id, at in written.items()}, held)


async def newest_comment(ctx: Context, thread_id: int) -> Comment | None:
    """The thread's most recent listed comment, if any."""
    async with ctx.db.read() as tx:
        found = await tx.comments.page(thread_id, Sort.NEWEST, Display.FLAT, None, 1)
    return found[0] if found else None


async def comments_after(ctx: Context, thread_id: int, after: Comment, limit: int = 100) -> list[Comment]:
    """Listed comments written after ``after``, oldest first (what live readers have not seen)."""
    cursor = Cursor(Sort.OLDEST, Display.FLAT, after.created_at, after.id)
    async with ctx.db.read() as tx:
        return await tx.comments.page(thread_id, Sort.OLDEST, Display.FLAT, cursor, limit)


async def comments_after_start(ctx: Context, thread_id: int, limit: int = 100) -> list[Comment]:
    """The first listed comments of a thread that had none when a reader arrived."""
    async with ctx.db.read() as tx:
        return await tx.comments.page(thread_id, Sort.OLDEST, Display.FLAT, None, limit)
