"""What the JSON API accepts and returns."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Annotated

import msgspec
from msgspec import Meta, Struct

from yoron.domain.accounts import Role, User, UserStatus
from yoron.domain.model import Comment, CommentState, Site, Thread, ThreadState
from yoron.domain.ranking import tally
from yoron.services.listing import Page, ViewerState
from yoron.services.profiles import Profile
from yoron.services.votes import VoteResult

MAX_ID = 2**62
Id = Annotated[int, Meta(ge=1, le=MAX_ID)]


class ThreadIn(Struct):
    site: str
    key: str
    title: str
    url: str
    lead: str | None = None


class ThreadStateIn(Struct):
    state: ThreadState


class CommentIn(Struct):
    body: str
    parent_id: Id | None = None
    author_name: str | None = None
    quote_of: Annotated[int, Meta(ge=1, le=MAX_ID)] | str | None = None
    nudged: bool = False
    """Post anyway after the site asked to rephrase (the ``nudge`` error): a moderator reviews it."""


class EditIn(Struct):
    body: str
    nudged: bool = False


class VoteIn(Struct):
    value: int


class PreviewIn(Struct):
    body: str


class ThreadOut(Struct):
    id: int
    site_id: int
    key: str
    title: str
    url: str
    lead: str
    state: str
    comment_count: int
    created_at: datetime
    notice: str = ""
    """A moderators' notice to pin above the discussion (plain text)."""
    premoderated: bool = False
    """New comments wait for a moderator."""


class AuthorOut(Struct, omit_defaults=True):
    name: str | None
    user_id: int | None = None
    """Present for account holders: their profile is at /u/{user_id}."""


class ParentOut(Struct):
    id: int
    name: str | None


class QuoteOut(Struct):
    source: str
    comment_id: int | None
    verified: bool


class CommentOut(Struct, omit_defaults=True):
    id: int
    thread_id: int
    parent_id: int | None
    depth: int
    author: AuthorOut
    html: str
    state: str
    up: int
    down: int
    score: int
    tally: str
    reply_count: int
    created_at: datetime
    edited_at: datetime | None
    in_reply_to: ParentOut | None
    quote: QuoteOut | None
    body: str | None = None
    """The Markdown source; only in answers about one comment, never in pages."""
    featured: bool = False
    """An editors' pick."""


class PageOut(Struct):
    thread_id: int
    sort: str
    display: str
    max_depth: int
    items: list[CommentOut]
    next_cursor: str | None


class ViewerOut(Struct):
    votes: dict[str, int]
    editable: dict[str, datetime]
    held: list[CommentOut] = msgspec.field(default_factory=list)
    """The viewer's own comments waiting for a moderator (state "pending"), oldest first."""


class VoteOut(Struct):
    up: int
    down: int
    score: int
    tally: str
    my_vote: int


class PreviewOut(Struct):
    html: str


class CountsOut(Struct):
    counts: dict[str, int]


class SiteOut(Struct):
    slug: str
    name: str
    display: str
    max_depth: int
    default_sort: str
    edit_window_seconds: int
    guests_allowed: bool
    guest_policy: str
    auto_create_threads: bool


class ErrorBody(Struct):
    code: str
    message: str
    field: str | None


class ErrorOut(Struct):
    error: ErrorBody


def when(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, UTC)


def site_out(site: Site) -> SiteOut:
    policy = site.policy
    return SiteOut(
        slug=site.slug,
        name=site.name,
        display=policy.display.value,
        max_depth=policy.max_depth,
        default_sort=policy.default_sort.value,
        edit_window_seconds=policy.edit_window_seconds,
        guests_allowed=policy.guests_allowed,
        guest_policy=policy.guest_policy.value,
        auto_create_threads=policy.auto_create_threads,
    )


def thread_out(thread: Thread) -> ThreadOut:
    return ThreadOut(
        id=thread.id,
        site_id=thread.site_id,
        key=thread.key,
        title=thread.title,
        url=thread.url,
        lead=thread.lead,
        state=thread.state.value,
        comment_count=thread.comment_count,
        created_at=when(thread.created_at),
        notice=thread.notice,
        premoderated=thread.premoderated,
    )


def comment_out(comment: Comment, *, with_body: bool = False) -> CommentOut:
    # A comment removed by its author or a moderator shows as a tombstone where replies keep it listed.
    deleted = comment.state in (CommentState.DELETED, CommentState.REJECTED)
    quote = comment.quote
    return CommentOut(
        id=comment.id,
        thread_id=comment.thread_id,
        parent_id=comment.parent_id,
        depth=comment.depth,
        author=AuthorOut(None, None) if deleted else AuthorOut(comment.author_name, comment.user_id),
        html="" if deleted else comment.html,
        state=comment.state.value,
        up=comment.up,
        down=comment.down,
        score=comment.score,
        tally=tally(comment.up, comment.down),
        reply_count=comment.reply_count,
        created_at=when(comment.created_at),
        edited_at=when(comment.edited_at) if comment.edited_at else None,
        in_reply_to=ParentOut(comment.parent_id, comment.in_reply_to) if comment.parent_id else None,
        quote=QuoteOut(quote.source.value, quote.comment_id, quote.verified)
        if quote and not deleted
        else None,
        featured=comment.featured,
    )


def page_bytes(page: Page) -> bytes:
    return msgspec.json.encode(
        PageOut(
            thread_id=page.thread.id,
            sort=page.sort.value,
            display=page.display.value,
            max_depth=page.site.policy.max_depth,
            items=[comment_out(item) for item in page.items],
            next_cursor=page.next_cursor,
        )
    )


def viewer_out(state: ViewerState) -> ViewerOut:
    return ViewerOut(
        votes={str(key): value for key, value in state.votes.items()},
        editable={str(key): when(deadline) for key, deadline in state.editable.items()},
        held=[comment_out(as_author_sees(comment)) for comment in state.held],
    )


def as_author_sees(comment: Comment) -> Comment:
    """A shadow-banned writer is not told: their comment looks published to them."""
    if comment.state is CommentState.SHADOW:
        return dataclasses.replace(comment, state=CommentState.PUBLISHED)
    return comment


def vote_out(result: VoteResult) -> VoteOut:
    return VoteOut(result.up, result.down, result.score, tally(result.up, result.down), result.my_vote)


class SignUpIn(Struct):
    site: str
    email: str
    display_name: str
    password: str


class SignInIn(Struct):
    email: str
    password: str
    site: str | None = None


class TokenIn(Struct):
    token: str


class SsoIn(Struct):
    site: str
    token: str


class ResetIn(Struct):
    site: str
    email: str


class NewPasswordIn(Struct):
    token: str
    password: str


class UserOut(Struct):
    id: int
    site_id: int | None
    display_name: str
    role: str
    status: str
    email_verified: bool
    badges: list[str]
    created_at: datetime


class SessionOut(Struct):
    user: UserOut
    session_token: str


class MeOut(Struct):
    user: UserOut | None


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        site_id=user.site_id,
        display_name=user.display_name,
        role=user.role.value,
        status=user.status.value,
        email_verified=user.email_verified,
        badges=list(user.badges),
        created_at=when(user.created_at),
    )


class ProfileCommentOut(Struct):
    id: int
    thread_id: int
    thread_title: str
    thread_url: str
    html: str
    tally: str
    created_at: datetime


class ProfileOut(Struct):
    user: UserOut
    avatar: str
    comments: list[ProfileCommentOut]
    next_before: str | None


class ClaimedOut(Struct):
    claimed: int


def profile_out(profile: Profile) -> ProfileOut:
    user = profile.user
    return ProfileOut(
        user=user_out(user),
        avatar=user.avatar_url or f"/avatars/{user.id}",
        comments=[
            ProfileCommentOut(
                c.id,
                c.thread_id,
                c.thread_title,
                c.thread_url,
                c.html,
                tally(c.up, c.down),
                when(c.created_at),
            )
            for c in profile.comments
        ],
        next_before=f"{profile.next_before[0]}-{profile.next_before[1]}" if profile.next_before else None,
    )


# --- deleting one's account, and the admins' user management


class AccountDeleteIn(Struct):
    password: str | None = None
    """Required for an account that has a password."""
    confirm: str | None = None
    """``"delete"``, for an account without a password (signed in by SSO or OpenID Connect)."""


class AccountDeletedOut(Struct):
    deleted: bool
    policy: str
    comments: int
    votes: int


class SiteUserOut(Struct):
    id: int
    display_name: str
    email: str | None
    email_verified: bool
    role: str
    status: str
    created_at: datetime


class SiteUsersOut(Struct):
    items: list[SiteUserOut]
    next_cursor: str | None


class UserChangeIn(Struct):
    role: Role | None = None
    status: UserStatus | None = None


def site_user_out(user: User) -> SiteUserOut:
    return SiteUserOut(
        id=user.id,
        display_name=user.display_name,
        email=user.email,
        email_verified=user.email_verified,
        role=user.role.value,
        status=user.status.value,
        created_at=when(user.created_at),
    )
