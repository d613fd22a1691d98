"""Sites: created and tuned by the operator, read by everything else."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from urllib.parse import urlsplit

from yoron.domain.errors import Conflict, Invalid, NotFound
from yoron.domain.model import Site, SitePolicy
from yoron.domain.rules import check_slug, check_text
from yoron.services.context import Context
from yoron.services.ports import Tx

MAX_DEPTH_LIMIT = 16


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def check_origin(origin: str) -> str:
    parts = urlsplit(origin.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
        raise Invalid("origin_invalid", f"{origin!r} is not an origin like https://news.example.", "origin")
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_policy(policy: SitePolicy) -> SitePolicy:
    if not 0 <= policy.max_depth <= MAX_DEPTH_LIMIT:
        raise Invalid("max_depth_invalid", f"max depth is 0 to {MAX_DEPTH_LIMIT}.", "max_depth")
    if not 0 <= policy.edit_window_seconds <= 7 * 24 * 3600:
        raise Invalid("edit_window_invalid", "The edit window is 0 seconds to 7 days.", "edit_window")
    return policy


async def do_add_site(
    ctx: Context, slug: str, name: str, origins: Sequence[str], policy: SitePolicy
) -> tuple[Site, str]:
    """Create a site; returns it with its admin API key (shown once, stored hashed)."""
    slug = check_slug(slug)
    name = check_text(name, field="name", max_len=200)
    clean_origins = [check_origin(origin) for origin in origins]
    api_key = "yk_" + secrets.token_urlsafe(24)
    async with ctx.db.write() as tx:
        if await tx.sites.by_slug(slug) is not None:
            raise Conflict("site_exists", f"A site named {slug!r} exists already.", "slug")
        site = await tx.sites.add(
            slug, name, clean_origins, check_policy(policy), hash_api_key(api_key), ctx.clock()
        )
    return site, api_key


async def do_update_site(
    ctx: Context, slug: str, *, name: str | None, origins: Sequence[str] | None, policy: SitePolicy
) -> Site:
    async with ctx.db.write() as tx:
        site = await access_site(tx, slug)
        new_name = site.name if name is None else check_text(name, field="name", max_len=200)
        new_origins = site.origins if origins is None else tuple(check_origin(o) for o in origins)
        await tx.sites.update(site.id, new_name, new_origins, check_policy(policy))
        updated = await tx.sites.by_id(site.id)
    assert updated is not None
    return updated


async def access_site(tx: Tx, slug: str) -> Site:
    """Fetch a site by slug, or raise NotFound."""
    site = await tx.sites.by_slug(slug)
    if site is None:
        raise NotFound("site_not_found", f"There is no site {slug!r}.", "site")
    return site


async def get_site(ctx: Context, slug: str) -> Site:
    async with ctx.db.read() as tx:
        return await access_site(tx, slug)


async def get_site_by_id(ctx: Context, site_id: int) -> Site:
    async with ctx.db.read() as tx:
        site = await tx.sites.by_id(site_id)
    if site is None:
        raise NotFound("site_not_found", "There is no such site.", "site")
    return site


async def list_sites(ctx: Context) -> list[Site]:
    async with ctx.db.read() as tx:
        return await tx.sites.all()


async def is_site_admin(ctx: Context, site: Site, api_key: str | None) -> bool:
    if not api_key:
        return False
    async with ctx.db.read() as tx:
        stored = await tx.sites.api_key_hash(site.id)
    return bool(stored) and hmac.compare_digest(stored, hash_api_key(api_key))
