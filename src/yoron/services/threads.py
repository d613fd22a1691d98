"""Threads: one per article, found by the publisher's key."""

from __future__ import annotations

from collections.abc import Sequence

from yoron.domain.accounts import Action, User, may
from yoron.domain.checks import as_seen
from yoron.domain.errors import Forbidden, Invalid, NotFound
from yoron.domain.model import Thread, ThreadState
from yoron.domain.rules import LEAD_MAX, THREAD_KEY_MAX, TITLE_MAX, check_text, check_url, check_url_on_site
from yoron.services.context import Context
from yoron.services.ports import Tx
from yoron.services.sites import access_site, is_site_admin


async def access_thread(tx: Tx, thread_id: int) -> Thread:
    """Fetch a thread, or raise NotFound."""
    thread = await tx.threads.by_id(thread_id)
    if thread is None:
        raise NotFound("thread_not_found", "There is no such thread.", "thread_id")
    return thread


async def get_thread(ctx: Context, thread_id: int) -> Thread:
    async with ctx.db.read() as tx:
        return await access_thread(tx, thread_id)


async def get_thread_by_key(ctx: Context, site_slug: str, key: str) -> Thread:
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
        thread = await tx.threads.by_key(site.id, key)
    if thread is None:
        raise NotFound("thread_not_found", "There is no thread with this key.", "key")
    return as_seen(site, thread, ctx.clock())


async def do_find_or_create_thread(
    ctx: Context,
    site_slug: str,
    key: str,
    title: str,
    url: str,
    lead: str | None,
    api_key: str | None = None,
    user: User | None = None,
) -> tuple[Thread, bool]:
    """Return the site's thread for ``key``, creating it if allowed; the flag says it was created.

    Anyone may create one where the site auto-creates threads (the URL must then be on
    one of the site's origins); otherwise only a caller holding the site's API key, or
    signed in as one of the site's admins.
    """
    key = check_text(key, field="key", max_len=THREAD_KEY_MAX)
    title = check_text(title, field="title", max_len=TITLE_MAX)
    lead_text = check_text(lead or "", field="lead", max_len=LEAD_MAX, required=False)
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
        existing = await tx.threads.by_key(site.id, key)
    if existing is not None:
        return as_seen(site, existing, ctx.clock()), False
    admin = await is_site_admin(ctx, site, api_key) or (
        user is not None and may(user.actor_on(site.id), Action.CREATE_THREAD)
    )
    if not (admin or site.policy.auto_create_threads):
        raise Forbidden("thread_creation_forbidden", "This site creates threads only with its API key.", None)
    url = check_url(url) if admin else check_url_on_site(url, site)
    async with ctx.db.write() as tx:
        thread = await tx.threads.add(site.id, key, title, url, lead_text, ctx.clock())
    return thread, True


async def check_site_admin_of_thread(ctx: Context, thread_id: int, api_key: str | None) -> None:
    """Raise unless ``api_key`` is the API key of the thread's site."""
    async with ctx.db.read() as tx:
        thread = await access_thread(tx, thread_id)
        site = await tx.sites.by_id(thread.site_id)
    assert site is not None
    if not await is_site_admin(ctx, site, api_key):
        raise Forbidden("site_admin_only", "Only the site's API key may change a thread.", None)


async def do_set_thread_state(ctx: Context, thread_id: int, state: ThreadState) -> Thread:
    """Open, close (read-only) or archive a thread."""
    async with ctx.db.write() as tx:
        await access_thread(tx, thread_id)
        await tx.threads.set_state(thread_id, state)
        return await access_thread(tx, thread_id)


async def thread_versions(ctx: Context, thread_id: int) -> tuple[int, int]:
    """Two counters of change: comments written, edited or deleted; and votes.

    Cached pages are keyed by the first; the second says their tallies may be behind.
    """
    versions = await ctx.db.thread_versions(thread_id)
    if versions is None:
        raise NotFound("thread_not_found", "There is no such thread.", "thread_id")
    return versions


async def comment_counts(ctx: Context, site_slug: str, keys: Sequence[str]) -> dict[str, int]:
    """Published comments per thread key; unknown keys count zero."""
    unique = list(dict.fromkeys(keys))
    if not unique:
        raise Invalid("keys_missing", "Name at least one thread key.", "key")
    if len(unique) > ctx.limits.counts_max_keys:
        raise Invalid("too_many_keys", f"Ask for at most {ctx.limits.counts_max_keys} keys.", "key")
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
        found = await tx.threads.counts(site.id, unique)
    return {key: found.get(key, 0) for key in unique}
