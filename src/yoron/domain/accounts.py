"""People with accounts, their roles, and the one table that says who may do what."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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


_READER = frozenset({Action.POST, Action.EDIT_OWN, Action.VOTE})
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
