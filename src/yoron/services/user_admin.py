"""A site's admins (and operators) list and search the site's accounts and change their roles and
statuses; every change is audited."""

from __future__ import annotations

from dataclasses import dataclass

from yoron.domain.accounts import Action, Role, User, UserStatus, check_user_change
from yoron.domain.errors import Invalid, NotFound
from yoron.domain.model import Viewer
from yoron.domain.rules import check_text
from yoron.services.context import Context
from yoron.services.staff import Staff, access_staff

USERS_PAGE = 50
SEARCH_MAX = 100


SiteAdmin = Staff
"""A signed-in account allowed to manage one site's users."""


@dataclass(frozen=True, slots=True)
class UserPage:
    users: list[User]
    next_cursor: str | None


async def access_user_admin(ctx: Context, viewer: Viewer, site_slug: str) -> SiteAdmin:
    """The site, and the viewer as one of its admins; NotFound or Forbidden otherwise."""
    return await access_staff(ctx, viewer, site_slug, Action.MANAGE_USERS)


def parse_cursor(cursor: str | None) -> int | None:
    """The list's keyset cursor: the id of the last account of the previous page."""
    if not cursor:
        return None
    if not cursor.isdigit() or len(cursor) > 18:
        raise Invalid("bad_cursor", "This cursor is not valid for this list.", "cursor")
    return int(cursor)


async def list_users(
    ctx: Context, admin: SiteAdmin, search: str | None, cursor: str | None, limit: int = USERS_PAGE
) -> UserPage:
    """The site's accounts, newest first; ``search`` matches part of a display name or email."""
    text = check_text(search or "", field="search", max_len=SEARCH_MAX, required=False) or None
    before = parse_cursor(cursor)
    async with ctx.db.read() as tx:
        users = await tx.users.of_site(admin.site.id, text, before, limit + 1)
    page = users[:limit]
    return UserPage(page, str(page[-1].id) if len(users) > limit else None)


async def do_change_user(
    ctx: Context, admin: SiteAdmin, user_id: int, *, role: Role | None, status: UserStatus | None
) -> User:
    """Give an account of the site a new role, status, or both; each change is audited with its
    old and new value. An account suspended or banned is signed out everywhere."""
    site = admin.site
    async with ctx.db.write() as tx:
        target = await tx.users.by_id(user_id)
        if target is None or target.site_id != site.id:
            raise NotFound("user_not_found", f"{site.name} has no such account.", "user_id")
        check_user_change(admin.user, target, role, status)
        now = ctx.clock()
        if role is not None and role is not target.role:
            await tx.users.set_role(target.id, role)
            change: dict[str, object] = {"old": target.role.value, "new": role.value}
            await tx.moderation.audit(site.id, admin.name, "user.role", target.key, "", change, now)
        if status is not None and status is not target.status:
            await tx.users.set_status(target.id, status)
            if status is not UserStatus.ACTIVE:
                await tx.users.drop_sessions(target.id)
            change = {"old": target.status.value, "new": status.value}
            await tx.moderation.audit(site.id, admin.name, "user.status", target.key, "", change, now)
        changed = await tx.users.by_id(target.id)
    assert changed is not None
    return changed
