"""Small factories that build test data through the real services."""

from __future__ import annotations

import itertools

from yoron.domain.model import Comment, Site, SitePolicy, Thread, Viewer
from yoron.services import comments, sites, threads
from yoron.services.context import Context

_serial = itertools.count(1)


def viewer(name: str | None = None) -> Viewer:
    return Viewer(key=f"d:{name or next(_serial)}", ip_hash="")


async def make_site(ctx: Context, slug: str = "news", **policy: object) -> Site:
    site, _key = await sites.do_add_site(
        ctx,
        slug,
        slug.title(),
        ["https://news.example"],
        SitePolicy(**policy),  # type: ignore[arg-type]
    )
    return site


async def make_thread(
    ctx: Context,
    site: Site,
    key: str = "article-1",
    lead: str = "The council voted to close the old bridge on Monday.",
) -> Thread:
    thread, _created = await threads.do_find_or_create_thread(
        ctx, site.slug, key, "Bridge to close", f"https://news.example/{key}", lead
    )
    return thread


async def make_comment(
    ctx: Context,
    thread: Thread,
    body: str = "A comment.",
    *,
    by: Viewer | None = None,
    name: str = "Reader",
    parent: Comment | None = None,
    quote_of: int | str | None = None,
) -> Comment:
    return await comments.do_post_comment(
        ctx,
        thread.id,
        by or viewer(),
        body,
        author_name=name,
        parent_id=parent.id if parent else None,
        quote_of=quote_of,
    )
