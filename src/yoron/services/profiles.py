"""Public profiles, guests claiming what they wrote before signing up, and account status."""

from __future__ import annotations

from dataclasses import dataclass

from yoron.domain.accounts import ProfileComment, User, UserStatus
from yoron.domain.errors import Forbidden, Invalid, NotFound
from yoron.domain.model import Viewer
from yoron.services.accounts import check_email
from yoron.services.context import Context
from yoron.services.sites import access_site

CLAIM_DAYS = 30
PROFILE_PAGE = 30


@dataclass(frozen=True, slots=True)
class Profile:
    user: User
    comments: list[ProfileComment]
    next_before: tuple[int, int] | None


async def get_profile(ctx: Context, user_id: int, before: tuple[int, int] | None = None) -> Profile:
    """A user's public face: name, badges, member since, published comments newest first."""
    async with ctx.db.read() as tx:
        user = await tx.users.by_id(user_id)
        if user is None or user.site_id is None:
            raise NotFound("user_not_found", "There is no such reader.", "user_id")
        comments = await tx.users.comments_of(user.id, before, PROFILE_PAGE + 1)
    more = len(comments) > PROFILE_PAGE
    comments = comments[:PROFILE_PAGE]
    next_before = (comments[-1].created_at, comments[-1].id) if more else None
    return Profile(user, comments, next_before)


async def do_claim_device_comments(ctx: Context, viewer: Viewer, device_key: str | None) -> int:
    """Put the recent comments written as a guest on this device under the signed-in account."""
    if viewer.user is None:
        raise Forbidden("not_signed_in", "Sign in first.", None)
    if not device_key:
        return 0
    since = ctx.clock() - CLAIM_DAYS * 86_400_000
    async with ctx.db.write() as tx:
        return await tx.users.claim_device(viewer.user, device_key, since)


async def do_set_status(ctx: Context, site_slug: str, email: str, status: UserStatus) -> User:
    """Suspend, ban or reinstate an account; a banned or suspended one is signed out everywhere."""
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        found = await tx.users.by_email(site.id, check_email(email))
        if found is None:
            raise NotFound("user_not_found", "No account on this site has that email.", "email")
        user = found[0]
        await tx.users.set_status(user.id, status)
        details: dict[str, object] = {"from": user.status.value, "to": status.value}
        await tx.moderation.audit(site.id, "cli", "user.status", user.key, "", details, ctx.clock())
        if status is not UserStatus.ACTIVE:
            await tx.users.drop_sessions(user.id)
        updated = await tx.users.by_id(user.id)
    assert updated is not None
    return updated


async def export_my_data(ctx: Context, viewer: Viewer) -> dict[str, object]:
    """A signed-in reader's data, as they may take it away: account, comments, votes."""
    if viewer.user is None:
        raise Forbidden("not_signed_in", "Sign in first.", None)
    user = viewer.user
    async with ctx.db.read() as tx:
        stored = await tx.users.export(user)
    account = {
        "id": user.id,
        "site_id": user.site_id,
        "email": user.email,
        "email_verified": user.email_verified,
        "display_name": user.display_name,
        "role": user.role.value,
        "status": user.status.value,
        "badges": list(user.badges),
        "avatar_url": user.avatar_url,
        "created_at": user.created_at,
    }
    return {"account": account, **stored}


def parse_before(text: str | None) -> tuple[int, int] | None:
    """The profile's "older comments" cursor: ``<created_at>-<id>``."""
    if not text:
        return None
    at, _, comment_id = text.partition("-")
    if not (at.isdigit() and comment_id.isdigit() and len(at) < 19 and len(comment_id) < 19):
        raise Invalid("bad_cursor", "This cursor is not valid for this profile.", "before")
    return int(at), int(comment_id)
