"""Sorts, keyset pages, nested and flat display, the viewer's own state, and counts."""

from __future__ import annotations

import pytest

from tests.conftest import Clock
from tests.factories import make_comment, make_site, make_thread, viewer
from yoron.domain.errors import Invalid, NotFound
from yoron.domain.model import Display, Sort
from yoron.domain.ranking import controversy, wilson_lower_bound
from yoron.services import listing, threads, votes
from yoron.services.context import Context

VOTES = [(0, 0), (5, 1), (3, 3), (10, 0), (1, 4), (2, 2), (6, 5), (0, 1)]


async def _voted_thread(ctx: Context, display: Display) -> tuple[int, list[int]]:
    site = await make_site(ctx, display=display)
    thread = await make_thread(ctx, site)
    ids = []
    for index, (up, down) in enumerate(VOTES):
        comment = await make_comment(ctx, thread, f"comment {index}")
        for n in range(up):
            await votes.do_vote(ctx, comment.id, viewer(f"u{index}-{n}"), 1)
        for n in range(down):
            await votes.do_vote(ctx, comment.id, viewer(f"d{index}-{n}"), -1)
        ids.append(comment.id)
    return thread.id, ids


async def _walk(ctx: Context, thread_id: int, sort: str, limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = await listing.list_comments(ctx, thread_id, sort=sort, cursor=cursor, limit=limit)
        seen += [item.id for item in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def _expected(ids: list[int], sort: Sort) -> list[int]:
    pairs = list(zip(ids, VOTES, strict=True))
    key = {
        Sort.OLDEST: lambda p: (p[0],),
        Sort.NEWEST: lambda p: (-p[0],),
        Sort.TOP: lambda p: (-(p[1][0] - p[1][1]), -p[0]),
        Sort.BEST: lambda p: (-wilson_lower_bound(*p[1]), -p[0]),
        Sort.CONTROVERSIAL: lambda p: (-controversy(*p[1]), -p[0]),
    }[sort]
    return [p[0] for p in sorted(pairs, key=key)]


@pytest.mark.parametrize("display", list(Display))
async def test_every_sort_pages_through_all_comments_in_order(ctx: Context, display: Display) -> None:
    thread_id, ids = await _voted_thread(ctx, display)
    for sort in Sort:
        for limit in (1, 3, 50):
            assert await _walk(ctx, thread_id, sort.value, limit) == _expected(ids, sort), (sort, limit)


async def test_nested_pages_roots_with_their_replies(ctx: Context, clock: Clock) -> None:
    site = await make_site(ctx, display=Display.NESTED)
    thread = await make_thread(ctx, site)
    first = await make_comment(ctx, thread, "first")
    second = await make_comment(ctx, thread, "second")
    reply = await make_comment(ctx, thread, "reply", parent=first)
    deep = await make_comment(ctx, thread, "deep", parent=reply)
    late = await make_comment(ctx, thread, "late", parent=first)
    page = await listing.list_comments(ctx, thread.id, sort="oldest", cursor=None, limit=1)
    assert [c.id for c in page.items] == [first.id, reply.id, deep.id, late.id]
    page = await listing.list_comments(ctx, thread.id, sort="oldest", cursor=page.next_cursor, limit=1)
    assert [c.id for c in page.items] == [second.id] and page.next_cursor is None


async def test_flat_display_lists_replies_chronologically_with_parent(ctx: Context) -> None:
    site = await make_site(ctx, display=Display.FLAT)
    thread = await make_thread(ctx, site)
    first = await make_comment(ctx, thread, "first", name="Ann")
    second = await make_comment(ctx, thread, "second")
    reply = await make_comment(ctx, thread, "reply", parent=first)
    page = await listing.list_comments(ctx, thread.id, sort=None, cursor=None, limit=10)
    assert [c.id for c in page.items] == [first.id, second.id, reply.id]
    assert page.items[2].in_reply_to == "Ann"


async def test_bad_sort_cursor_and_limit_are_refused(ctx: Context) -> None:
    thread_id, _ids = await _voted_thread(ctx, Display.FLAT)
    page = await listing.list_comments(ctx, thread_id, sort="top", cursor=None, limit=2)
    for kwargs in (
        {"sort": "loudest", "cursor": None, "limit": 2},
        {"sort": "oldest", "cursor": page.next_cursor, "limit": 2},
        {"sort": "top", "cursor": "not-a-cursor!", "limit": 2},
        {"sort": "top", "cursor": "W10", "limit": 2},
        {"sort": "top", "cursor": None, "limit": 0},
        {"sort": "top", "cursor": None, "limit": 10_000},
    ):
        with pytest.raises(Invalid):
            await listing.list_comments(ctx, thread_id, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await listing.list_comments(ctx, 999_999, sort=None, cursor=None, limit=None)


async def test_viewer_state_shows_own_votes_and_edit_deadlines(ctx: Context, clock: Clock) -> None:
    site = await make_site(ctx, edit_window_seconds=600)
    thread = await make_thread(ctx, site)
    me, other = viewer(), viewer()
    mine = await make_comment(ctx, thread, by=me)
    theirs = await make_comment(ctx, thread, by=other)
    await votes.do_vote(ctx, theirs.id, me, -1)
    state = await listing.viewer_state(ctx, thread.id, me)
    assert state.votes == {theirs.id: -1}
    assert state.editable == {mine.id: mine.created_at + 600_000}
    clock.advance(601)
    assert (await listing.viewer_state(ctx, thread.id, me)).editable == {}


async def test_counts_by_key(ctx: Context) -> None:
    site = await make_site(ctx)
    one = await make_thread(ctx, site, "one")
    await make_thread(ctx, site, "two")
    await make_comment(ctx, one)
    await make_comment(ctx, one)
    counts = await threads.comment_counts(ctx, site.slug, ["one", "two", "missing", "one"])
    assert counts == {"one": 2, "two": 0, "missing": 0}
    with pytest.raises(Invalid):
        await threads.comment_counts(ctx, site.slug, [])
    with pytest.raises(NotFound):
        await threads.comment_counts(ctx, "nosuchsite", ["one"])
