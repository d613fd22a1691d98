"""Who may do what, and what input is acceptable: ``check_*`` raise, ``may_*`` answer."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from yoron.domain.accounts import Action, Actor, GuestPolicy, may
from yoron.domain.errors import Conflict, Forbidden, Invalid, NotFound
from yoron.domain.model import Comment, CommentState, Site, Thread, ThreadState, Viewer, VoteTarget

THREAD_KEY_MAX = 512
TITLE_MAX = 300
URL_MAX = 2048
LEAD_MAX = 50_000
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
VOTE_VALUES = (-1, 0, 1)


# Unicode categories Cc (controls, but tab and newline), Cs (surrogates) and Co (private use).
_CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]"
)


def _has_control(text: str) -> bool:
    return _CONTROL.search(text) is not None


def check_text(value: str, *, field: str, max_len: int, required: bool = True) -> str:
    """A user string: NFC-normalised, trimmed, within ``max_len``, free of control characters."""
    text = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
    if required and not text:
        raise Invalid(f"{field}_empty", f"The {field.replace('_', ' ')} must not be empty.", field)
    if len(text) > max_len:
        raise Invalid(
            f"{field}_too_long",
            f"The {field.replace('_', ' ')} is {len(text)} characters; the limit is {max_len}.",
            field,
        )
    if _has_control(text):
        raise Invalid(f"{field}_invalid", f"The {field.replace('_', ' ')} has control characters.", field)
    return text


def check_author_name(name: str | None, max_len: int) -> str:
    if name is None:
        raise Invalid("author_name_empty", "Guests need a display name.", "author_name")
    text = check_text(name, field="author_name", max_len=max_len)
    if "\n" in text or "\t" in text:
        raise Invalid("author_name_invalid", "A display name is one line.", "author_name")
    return text


def check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise Invalid(
            "slug_invalid",
            "A site slug is 1-63 lowercase letters, digits or dashes, starting with a letter or digit.",
            "slug",
        )
    return slug


def check_url(url: str, *, field: str = "url") -> str:
    text = check_text(url, field=field, max_len=URL_MAX)
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(f"{field}_invalid", f"The {field} must be an absolute http(s) URL.", field)
    return text


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def check_url_on_site(url: str, site: Site) -> str:
    """An article URL must live on one of the site's origins (when it lists any)."""
    url = check_url(url)
    if site.origins and origin_of(url) not in site.origins:
        raise Invalid("url_not_on_site", "The article URL is not on one of the site's origins.", "url")
    return url


def check_vote_value(value: int) -> int:
    if value not in VOTE_VALUES or isinstance(value, bool):
        raise Invalid("vote_invalid", "A vote is -1, 0 (withdraw) or 1.", "value")
    return value


def check_thread_open(thread: Thread) -> None:
    if thread.state is not ThreadState.OPEN:
        raise Conflict("thread_closed", "This discussion is closed.", None)


def check_active(viewer: Viewer, site: Site, action: Action) -> None:
    """Suspended and banned accounts may read, nothing more; the table in accounts.py decides."""
    actor = viewer.user.actor_on(site.id) if viewer.user else Actor.GUEST
    if not may(actor, action):
        raise Forbidden(f"account_{actor.value}", f"Your account is {actor.value} on this site.", None)


def check_may_post(site: Site, thread: Thread, viewer: Viewer) -> None:
    """Raise unless the viewer may comment here (what becomes of the comment is moderation's call)."""
    check_thread_open(thread)
    if viewer.user is not None:
        check_active(viewer, site, Action.POST)
        if not viewer.user.email_verified:
            raise Forbidden("verify_email_first", "Confirm your email address before commenting.", None)
        return
    if site.policy.guest_policy is GuestPolicy.SIGN_IN_REQUIRED:
        raise Forbidden("sign_in_required", "This site asks you to sign in to comment.", None)
    if viewer.key is None:
        raise Forbidden("no_identity", "Your browser sent no device identity.", None)


def check_parent(parent: Comment | None, thread: Thread) -> None:
    if parent is None or parent.thread_id != thread.id:
        raise NotFound("parent_not_found", "The comment you reply to does not exist here.", "parent_id")
    if parent.state is not CommentState.PUBLISHED:
        raise Conflict("parent_unavailable", "The comment you reply to is not available.", "parent_id")


def may_edit(viewer: Viewer, comment: Comment, site: Site, now_ms: int) -> bool:
    """True when the viewer wrote the comment and the site's edit window is still open."""
    return (
        viewer.key is not None
        and viewer.key == comment.owner
        and comment.state in (CommentState.PUBLISHED, CommentState.PENDING)
        and now_ms - comment.created_at <= site.policy.edit_window_seconds * 1000
    )


def _duration(seconds: int) -> str:
    if seconds < 60 or seconds % 60:
        return f"{seconds} second{'' if seconds == 1 else 's'}"
    minutes = seconds // 60
    return f"{minutes} minute{'' if minutes == 1 else 's'}"


def check_may_edit(viewer: Viewer, comment: Comment, site: Site, thread: Thread, now_ms: int) -> None:
    if viewer.user is not None:
        check_active(viewer, site, Action.EDIT_OWN)
    if viewer.key is None or viewer.key != comment.owner:
        raise Forbidden("not_author", "Only the author may change this comment.", None)
    if comment.state not in (CommentState.PUBLISHED, CommentState.PENDING):
        raise Conflict("comment_gone", "This comment can no longer be changed.", None)
    if not may_edit(viewer, comment, site, now_ms):
        raise Conflict(
            "edit_window_closed",
            f"Comments can be changed for {_duration(site.policy.edit_window_seconds)} after posting;"
            " that time is over.",
            None,
        )
    check_thread_open(thread)


def check_may_vote(viewer: Viewer, target: VoteTarget) -> None:
    """The comment-side rules of a vote (the account's own standing is checked by the caller)."""
    if viewer.key is None:
        raise Forbidden("no_identity", "Your browser sent no device identity.", None)
    if target.state is not CommentState.PUBLISHED:
        raise Conflict("comment_unavailable", "This comment cannot be voted on.", None)
    if viewer.key == target.owner:
        raise Forbidden("self_vote", "You cannot vote on your own comment.", None)
    if target.thread_state is not ThreadState.OPEN:
        raise Conflict("thread_closed", "This discussion is closed.", None)
