"""Moderation's vocabulary: verdicts and their reasons, site policy, reports, sanctions, queues."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from yoron.domain.model import Comment


class Verdict(enum.IntEnum):
    """Ordered by severity, so the strictest verdict of several checks wins with ``max``."""

    ALLOW = 0
    HOLD = 1
    REJECT = 2


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a check spoke: a stable code for filters, and words for the moderator (or the writer)."""

    check: str
    code: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one check says of a submission."""

    verdict: Verdict
    reason: Reason
    message: str = ""
    """For a reject: what the writer is told."""

    @classmethod
    def hold(cls, check: str, code: str, detail: str = "") -> Outcome:
        return cls(Verdict.HOLD, Reason(check, code, detail))

    @classmethod
    def reject(cls, check: str, code: str, message: str, detail: str = "") -> Outcome:
        return cls(Verdict.REJECT, Reason(check, code, detail), message)


@dataclass(frozen=True, slots=True)
class Decision:
    """The pipeline's answer: the strictest verdict and every reason given for it or below it."""

    verdict: Verdict = Verdict.ALLOW
    reasons: tuple[Reason, ...] = ()
    message: str = ""
    code: str = ""

    @classmethod
    def of(cls, outcomes: list[Outcome]) -> Decision:
        if not outcomes:
            return cls()
        worst = max(outcomes, key=lambda outcome: outcome.verdict)
        return cls(
            worst.verdict,
            tuple(outcome.reason for outcome in outcomes),
            worst.message,
            worst.reason.code,
        )


class DeletedAccounts(enum.StrEnum):
    """What happens to a deleted account's comments."""

    ANONYMISE = "anonymise"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class ModerationPolicy:
    """A site's moderation settings. Zero turns a numeric rule off."""

    banned_words: tuple[str, ...] = ()
    suspect_words: tuple[str, ...] = ()
    max_links: int = 3
    hold_link_only: bool = True
    hold_new_commenters: int = 0
    """Hold a commenter's comments until this many of theirs were approved."""
    repeat_window_minutes: int = 10
    min_length: int = 1
    report_threshold: int = 3
    auto_close_days: int = 0
    toxicity_threshold: float = 0.0
    """0 turns the offensive-language model off; 0.8 nudges at a score of 0.8."""
    check_url: str = ""
    check_timeout_ms: int = 1500
    premoderate_all: bool = False
    deleted_accounts: DeletedAccounts = DeletedAccounts.ANONYMISE


class ReportReason(enum.StrEnum):
    SPAM = "spam"
    ABUSE = "abuse"
    OFF_TOPIC = "off_topic"
    MISINFORMATION = "misinformation"
    OTHER = "other"


class SanctionKind(enum.StrEnum):
    WARN = "warn"
    SUSPEND = "suspend"
    PREMODERATE = "premoderate"
    BAN = "ban"
    SHADOW_BAN = "shadow_ban"


@dataclass(frozen=True, slots=True)
class Sanction:
    id: int
    site_id: int
    subject: str
    kind: SanctionKind
    reason: str
    until: int | None
    created_by: str
    created_at: int
    acknowledged_at: int | None = None
    lifted_at: int | None = None

    def active_at(self, now: int) -> bool:
        return self.lifted_at is None and (self.until is None or self.until > now)


@dataclass(frozen=True, slots=True)
class Standing:
    """What moderation knows of a writer when they post: their sanctions and their record."""

    sanctions: tuple[Sanction, ...] = ()
    approved: int = 0
    recent_bodies: tuple[str, ...] = ()

    def active(self, kind: SanctionKind, now: int) -> Sanction | None:
        return next((s for s in self.sanctions if s.kind is kind and s.active_at(now)), None)

    def unacknowledged_warning(self) -> Sanction | None:
        return next(
            (
                s
                for s in self.sanctions
                if s.kind is SanctionKind.WARN and s.acknowledged_at is None and s.lifted_at is None
            ),
            None,
        )


class Queue(enum.StrEnum):
    PENDING = "pending"
    REPORTED = "reported"
    APPROVED = "approved"
    REJECTED = "rejected"
    ALL = "all"


class Decide(enum.StrEnum):
    """What a moderator does to a comment."""

    APPROVE = "approve"
    REJECT = "reject"
    FEATURE = "feature"
    UNFEATURE = "unfeature"


@dataclass(frozen=True, slots=True)
class Report:
    reporter: str
    reason: ReportReason
    note: str
    created_at: int


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    site_id: int | None
    actor: str
    action: str
    target: str
    reason: str
    details: dict[str, object]
    created_at: int


@dataclass(frozen=True, slots=True)
class Note:
    id: int
    subject: str
    author: str
    body: str
    created_at: int


@dataclass(frozen=True, slots=True)
class QueueFilter:
    queue: Queue = Queue.PENDING
    thread_id: int | None = None
    owner: str | None = None
    reason: str | None = None
    search: str | None = None
    newest_first: bool = True


@dataclass(frozen=True, slots=True)
class History:
    """An author's record on a site, summarised for the desk."""

    subject: str
    published: int = 0
    pending: int = 0
    rejected: int = 0
    reported: int = 0
    first_seen: int | None = None
    sanctions: tuple[Sanction, ...] = ()
    notes: tuple[Note, ...] = ()
    reasons: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class QueueItem:
    """A comment as the desk shows it: with its thread, its parent, and the reports against it."""

    comment: Comment
    thread_title: str
    thread_url: str
    parent_html: str | None
    reports: tuple[Report, ...] = ()
    author_record: dict[str, int] = field(default_factory=dict)
    """The author's comments on the site by state: their history at a glance."""
