"""Entities and states of a discussion."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from yoron.domain.accounts import GuestPolicy, User
from yoron.domain.moderation import ModerationPolicy, Reason


class ThreadState(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ARCHIVED = "archived"


class CommentState(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    DELETED = "deleted"
    SHADOW = "shadow"
    """Kept from everyone but its author: what a shadow-banned writer's comments become."""


class Display(enum.StrEnum):
    FLAT = "flat"
    NESTED = "nested"


class Sort(enum.StrEnum):
    OLDEST = "oldest"
    NEWEST = "newest"
    BEST = "best"
    TOP = "top"
    CONTROVERSIAL = "controversial"


class QuoteSource(enum.StrEnum):
    COMMENT = "comment"
    ARTICLE = "article"


@dataclass(frozen=True, slots=True)
class SitePolicy:
    """What a publisher decides for their site."""

    guest_policy: GuestPolicy = GuestPolicy.ALLOWED
    display: Display = Display.NESTED
    max_depth: int = 4
    default_sort: Sort = Sort.OLDEST
    edit_window_seconds: int = 15 * 60
    auto_create_threads: bool = True

    @property
    def guests_allowed(self) -> bool:
        return self.guest_policy is not GuestPolicy.SIGN_IN_REQUIRED


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    slug: str
    name: str
    origins: tuple[str, ...]
    policy: SitePolicy
    created_at: int
    moderation: ModerationPolicy = field(default_factory=ModerationPolicy)


@dataclass(frozen=True, slots=True)
class Thread:
    id: int
    site_id: int
    key: str
    title: str
    url: str
    lead: str
    state: ThreadState
    comment_count: int
    version: int
    created_at: int
    premoderated: bool = False
    notice: str = ""


@dataclass(frozen=True, slots=True)
class Quote:
    """Where a comment's quotes come from and whether they were found there."""

    source: QuoteSource
    comment_id: int | None
    verified: bool


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment as stored. Times are Unix milliseconds."""

    id: int
    thread_id: int
    parent_id: int | None
    root_id: int
    depth: int
    owner: str
    author_name: str
    body: str
    html: str
    state: CommentState
    up: int
    down: int
    reply_count: int
    created_at: int
    edited_at: int | None
    quote: Quote | None = None
    in_reply_to: str | None = field(default=None)
    best: float = 0.0
    controversy: float = 0.0
    user_id: int | None = None
    featured: bool = False
    report_count: int = 0
    reasons: tuple[Reason, ...] = ()

    @property
    def score(self) -> int:
        return self.up - self.down


@dataclass(frozen=True, slots=True)
class VoteTarget:
    """What a vote needs to know of its comment, read (and locked) in one go."""

    comment_id: int
    thread_id: int
    site_id: int
    owner: str
    state: CommentState
    thread_state: ThreadState
    up: int
    down: int


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a signed-in user, or a guest known by a signed device.

    ``key`` is the stable owner string stored on comments and votes (``u:<id>``
    for users, ``d:<hash>`` for devices); ``None`` means an anonymous reader
    with no device yet.
    """

    key: str | None
    ip_hash: str = ""
    user: User | None = None


@dataclass(frozen=True, slots=True)
class NewComment:
    thread_id: int
    parent_id: int | None
    root_id: int | None
    depth: int
    owner: str
    author_name: str
    name_key: str
    body: str
    html: str
    state: CommentState
    quote: Quote | None
    ip_hash: str
    created_at: int
    user_id: int | None = None
    reasons: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Revision:
    body: str
    html: str
    written_at: int
