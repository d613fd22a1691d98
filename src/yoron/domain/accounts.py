"""People with accounts, their roles, and the one table that says who may do what."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from yoron.domain.errors import Forbidden, Invalid


class Role(enum.StrEnum):
    READER = "reader"
    MODERATOR = "moderator"
    ADMIN = "admin"
    OPERATOR = "operator"


class UserStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    BANNED = "banned"


class GuestPolicy(enum.StrEnum):
    """What a site lets readers without an account do."""

    ALLOWED = "allowed"
    PREMODERATED = "premoderated"
    SIGN_IN_REQUIRED = "sign_in_required"


class Action(enum.StrEnum):
    POST = "post"
    EDIT_OWN = "edit_own"
    VOTE = "vote"
    REPORT = "report"
    CREATE_THREAD = "create_thread"
    MODERATE = "moderate"
    MANAGE_USERS = "manage_users"
    MANAGE_SITE = "manage_site"


class Actor(enum.StrEnum):
    """Everyone the permission table has a row for."""

    GUEST = "guest"
    READER = "reader"
    MODERATOR = "moderator"
    ADMIN = "admin"
    OPERATOR = "operator"
    SUSPENDED = "suspended"
    BANNED = "banned"


_READER = frozenset({Action.POST, Action.EDIT_OWN, Action.VOTE, Action.REPORT})
_MODERATOR = _READER | {Action.MODERATE}
_ADMIN = _MODERATOR | {Action.CREATE_THREAD, Action.MANAGE_USERS, Action.MANAGE_SITE}

PERMISSIONS: dict[Actor, frozenset[Action]] = {
    Actor.GUEST: _READER,
    Actor.READER: _READER,
    Actor.MODERATOR: _MODERATOR,
    Actor.ADMIN: _ADMIN,
    Actor.OPERATOR: _ADMIN,
    Actor.SUSPENDED: frozenset(),
    Actor.BANNED: frozenset(),
}
"""Who may do what. Guests are further limited by the site's guest policy, and
everything that changes a comment is limited to its author unless the actor
may moderate."""


@dataclass(frozen=True, slots=True)
class User:
    """An account on one site (operators belong to no site)."""

    id: int
    site_id: int | None
    email: str | None
    email_verified: bool
    display_name: str
    role: Role
    status: UserStatus
    created_at: int
    avatar_url: str = ""
    badges: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The owner key stored on this user's comments and votes."""
        return f"u:{self.id}"

    def actor_on(self, site_id: int) -> Actor:
        if self.status is UserStatus.BANNED:
            return Actor.BANNED
        if self.status is UserStatus.SUSPENDED:
            return Actor.SUSPENDED
        if self.role is Role.OPERATOR:
            return Actor.OPERATOR
        if self.site_id != site_id:
            return Actor.READER
        return Actor(self.role.value)


@dataclass(frozen=True, slots=True)
class NewUser:
    site_id: int | None
    email: str | None
    password_hash: str | None
    display_name: str
    name_key: str
    role: Role
    created_at: int
    sso_subject: str | None = None
    avatar_url: str = ""
    badges: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProfileComment:
    """One line of a public profile: a published comment and where it was written."""

    id: int
    thread_id: int
    thread_title: str
    thread_url: str
    html: str
    up: int
    down: int
    created_at: int


def may(actor: Actor, action: Action) -> bool:
    return action in PERMISSIONS[actor]


DELETED_AUTHOR = "deleted user"
"""The author name a comment keeps when its account is deleted and the site anonymises."""

SITE_ROLES = (Role.READER, Role.MODERATOR, Role.ADMIN)
"""The roles a site's admins may give; operators are made only by ``yoron user add --operator``."""


def check_user_change(by: User, target: User, role: Role | None, status: UserStatus | None) -> None:
    """Raise unless ``by`` (who may manage the site's users) may give ``target`` this role and status.

    Nobody changes their own role or status here: an admin cannot lock themselves (and with
    them, perhaps, the site's last admin) out by a slip of the mouse."""
    if role is None and status is None:
        raise Invalid("nothing_to_change", "Give a role, a status, or both.", None)
    if role is not None and role not in SITE_ROLES:
        raise Invalid("role_invalid", "A site role is reader, moderator or admin.", "role")
    if target.role is Role.OPERATOR:
        raise Forbidden("operator_account", "Operators are managed with the command line.", None)
    if target.id == by.id and (role not in (None, target.role) or status not in (None, target.status)):
        raise Forbidden("own_account", "You cannot change your own role or status; ask another admin.", None)
