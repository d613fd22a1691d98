"""The people who act for a site: its moderators and admins (and operators), checked once."""

from __future__ import annotations

from dataclasses import dataclass

from yoron.domain.accounts import Action, User, may
from yoron.domain.errors import Forbidden
from yoron.domain.model import Site, Viewer
from yoron.services.context import Context
from yoron.services.sites import access_site


@dataclass(frozen=True, slots=True)
class Staff:
    """A signed-in account allowed to act for one site (moderate it, or manage its accounts)."""

    user: User
    site: Site

    @property
    def name(self) -> str:
        """How the audit log names them."""
        return f"{self.user.display_name} (u:{self.user.id})"


_REFUSALS = {
    Action.MODERATE: ("not_moderator", "You do not moderate {site}."),
    Action.MANAGE_USERS: ("not_site_admin", "Only {site}'s admins manage its accounts."),
    Action.MANAGE_SITE: ("not_site_admin", "Only {site}'s admins change its settings."),
}


def check_staff(viewer: Viewer, site: Site, action: Action) -> Staff:
    """The viewer as someone who may take ``action`` on the site, or Forbidden."""
    if viewer.user is None:
        raise Forbidden("not_signed_in", f"Sign in to {site.name} first.", None)
    if not may(viewer.user.actor_on(site.id), action):
        code, message = _REFUSALS.get(action, ("forbidden", "You may not do that on {site}."))
        raise Forbidden(code, message.format(site=site.name), None)
    return Staff(viewer.user, site)


async def access_staff(ctx: Context, viewer: Viewer, site_slug: str, action: Action) -> Staff:
    """The site (NotFound if unknown), and the viewer allowed to take ``action`` on it."""
    async with ctx.db.read() as tx:
        site = await access_site(tx, site_slug)
    return check_staff(viewer, site, action)
