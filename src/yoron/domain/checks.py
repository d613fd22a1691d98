"""The moderation checks that need nothing but the submission: each returns an outcome or None."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from yoron.domain.accounts import GuestPolicy
from yoron.domain.model import Site, Thread, ThreadState, Viewer
from yoron.domain.moderation import Outcome, SanctionKind, Standing
from yoron.domain.wordfilter import Matches

DAY_MS = 86_400_000
# Linear-time by construction: no nested quantifiers, so no input makes it backtrack.
_LINK = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+", re.IGNORECASE)
_WORDISH = re.compile(r"\w", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Submission:
    """A new or edited comment as the pipeline sees it, with what is known of its writer."""

    site: Site
    thread: Thread
    viewer: Viewer
    body: str
    standing: Standing
    now: int
    words: Matches
    """The site's banned and suspect words found in the body (found once, for both checks)."""
    editing: bool = False
    nudged: bool = False
    """The writer was asked to rephrase and chose to post anyway."""

    @property
    def is_guest(self) -> bool:
        return self.viewer.user is None


PureCheck = Callable[[Submission], Outcome | None]


def _day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M UTC")


def check_standing(s: Submission) -> Outcome | None:
    """Banned and suspended writers may not post; warned ones must acknowledge first."""
    if s.standing.active(SanctionKind.BAN, s.now):
        return Outcome.reject("standing", "banned", "You are banned from commenting on this site.")
    suspension = s.standing.active(SanctionKind.SUSPEND, s.now)
    if suspension:
        until = f" until {_day(suspension.until)}" if suspension.until else ""
        return Outcome.reject("standing", "suspended", f"Your commenting is suspended{until}.")
    warning = s.standing.unacknowledged_warning()
    if warning:
        return Outcome.reject(
            "standing",
            "warned",
            f"A moderator warned you: {warning.reason or 'please keep to the rules'}."
            " Acknowledge the warning to comment again.",
        )
    return None


def check_held_writer(s: Submission) -> Outcome | None:
    if s.standing.active(SanctionKind.SHADOW_BAN, s.now):
        return Outcome.hold("standing", "shadow_ban")
    if s.standing.active(SanctionKind.PREMODERATE, s.now):
        return Outcome.hold("standing", "user_premoderated")
    return None


def thread_is_open(site: Site, thread: Thread, now: int) -> bool:
    """Open, and not past the site's auto-close age."""
    days = site.moderation.auto_close_days
    if days and now - thread.created_at > days * DAY_MS:
        return False
    return thread.state is ThreadState.OPEN


def as_seen(site: Site, thread: Thread, now: int) -> Thread:
    """The thread with the state readers should see: closed once the site's auto-close age passed."""
    if thread.state is ThreadState.OPEN and not thread_is_open(site, thread, now):
        return replace(thread, state=ThreadState.CLOSED)
    return thread


def check_thread(s: Submission) -> Outcome | None:
    if not thread_is_open(s.site, s.thread, s.now):
        return Outcome.reject("thread", "thread_closed", "This discussion is closed.")
    return None


def check_length(s: Submission) -> Outcome | None:
    needed = s.site.moderation.min_length
    if needed and len(s.body) < needed:
        return Outcome.reject(
            "length", "too_short", f"Comments here are at least {needed} characters long.", str(len(s.body))
        )
    return None


def _fingerprint(body: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", body).casefold().split())


def check_repeats(s: Submission) -> Outcome | None:
    """The same text again from the same writer within the window: a flood, not a conversation."""
    if not s.site.moderation.repeat_window_minutes or s.editing:
        return None
    mine = _fingerprint(s.body)
    if any(_fingerprint(body) == mine for body in s.standing.recent_bodies):
        return Outcome.reject("repeats", "repeated", "You posted this same comment a moment ago.")
    return None


def check_banned_words(s: Submission) -> Outcome | None:
    found = s.words
    if found.banned:
        return Outcome.reject(
            "words",
            "banned_word",
            "Your comment uses words this site does not allow. Please rephrase it.",
            ", ".join(sorted(found.banned)),
        )
    return None


def check_suspect_words(s: Submission) -> Outcome | None:
    found = s.words
    if found.suspect:
        return Outcome.hold("words", "suspect_word", ", ".join(sorted(found.suspect)))
    return None


def count_links(body: str) -> int:
    return len(_LINK.findall(body))


def check_links(s: Submission) -> Outcome | None:
    policy = s.site.moderation
    links = count_links(s.body)
    if not links:
        return None
    if policy.max_links and links > policy.max_links:
        return Outcome.hold("links", "too_many_links", f"{links} links; the limit is {policy.max_links}")
    if policy.hold_link_only and not _WORDISH.search(_LINK.sub("", s.body)):
        return Outcome.hold("links", "link_only")
    return None


def check_new_commenter(s: Submission) -> Outcome | None:
    needed = s.site.moderation.hold_new_commenters
    if needed and s.standing.approved < needed and not s.editing:
        return Outcome.hold("history", "new_commenter", f"{s.standing.approved} of {needed} approved")
    return None


def check_premoderation(s: Submission) -> Outcome | None:
    """The site, the thread or the guest policy may hold everything for a moderator."""
    if s.site.moderation.premoderate_all:
        return Outcome.hold("premoderation", "site_premoderated")
    if s.thread.premoderated:
        return Outcome.hold("premoderation", "thread_premoderated")
    if s.is_guest and s.site.policy.guest_policy is GuestPolicy.PREMODERATED:
        return Outcome.hold("premoderation", "guest_premoderated")
    return None
