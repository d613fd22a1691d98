"""Moderation's use cases: screening comments, reports, the desk's queues and decisions, sanctions,
notes, thread controls, and the audit log that records every decision."""

from __future__ import annotations

from yoron.domain.accounts import Action, User, may
from yoron.domain.checks import Submission
from yoron.domain.errors import Conflict, Forbidden, Invalid, NotFound
from yoron.domain.model import Comment, CommentState, Site, Thread, ThreadState, Viewer
from yoron.domain.moderation import (
    AuditEntry,
    Decide,
    Decision,
    History,
    ModerationPolicy,
    QueueFilter,
    QueueItem,
    ReportReason,
    Sanction,
    SanctionKind,
    Verdict,
)
from yoron.domain.rules import check_active, check_text
from yoron.services.context import Context
from yoron.services.pipeline import word_list
from yoron.services.ports import Tx
from yoron.services.sites import access_site
from yoron.services.staff import Staff, access_staff

REASON_MAX = 500
NOTE_MAX = 2000
BULK_MAX = 500
MINUTE_MS = 60_000


Moderator = Staff
"""A signed-in user allowed to moderate one site."""


async def access_moderator(
    ctx: Context, viewer: Viewer, site_slug: str, action: Action = Action.MODERATE
) -> Moderator:
    return await access_staff(ctx, viewer, site_slug, action)


# --- screening


async def submission(
    ctx: Context,
    tx: Tx,
    site: Site,
    thread: Thread,
    viewer: Viewer,
    body: str,
    editing: bool,
    nudged: bool,
) -> Submission:
    """What the pipeline needs to judge a comment, read in one go."""
    now = ctx.clock()
    policy = site.moderation
    standing = await tx.moderation.standing(
        site.id, viewer.key or "", now - policy.repeat_window_minutes * MINUTE_MS, policy.hold_new_commenters
    )
    return Submission(
        site=site,
        thread=thread,
        viewer=viewer,
        body=body,
        standing=standing,
        now=now,
        words=word_list(policy.banned_words, policy.suspect_words).find(body),
        editing=editing,
        nudged=nudged,
    )


async def hold_edited(tx: Tx, comment: Comment, state: CommentState, decision: Decision) -> None:
    """An edit the pipeline holds takes a published comment back to the queue."""
    await tx.moderation.hold(comment.id, state, decision.reasons)
    await _move(tx, comment, state, 0, keep_reports=True)


def state_for(decision: Decision) -> CommentState:
    if decision.verdict is Verdict.ALLOW:
        return CommentState.PUBLISHED
    if any(reason.code == "shadow_ban" for reason in decision.reasons):
        return CommentState.SHADOW
    return CommentState.PENDING


async def record_rejection(
    ctx: Context, site: Site, thread: Thread, viewer: Viewer, decision: Decision
) -> None:
    """Rejected comments are not stored, but the verdict is (floods and nudges excepted: they
    would let one writer fill the log)."""
    if decision.code in ("rate_limited", "nudge"):
        return
    async with ctx.db.write() as tx:
        await tx.moderation.audit(
            site.id,
            "pipeline",
            "comment.rejected",
            viewer.key or "",
            decision.code,
            {"thread_id": thread.id, "reasons": [r.code for r in decision.reasons]},
            ctx.clock(),
        )


# --- reports


async def do_report(
    ctx: Context, viewer: Viewer, comment_id: int, reason: str, note: str | None
) -> tuple[int, bool]:
    """Report a comment; returns the count of distinct reporters and whether it is now held."""
    try:
        why = ReportReason(reason)
    except ValueError:
        choices = ", ".join(r.value for r in ReportReason)
        raise Invalid("report_reason_invalid", f"A report's reason is one of {choices}.", "reason") from None
    text = check_text(note or "", field="note", max_len=REASON_MAX, required=False)
    if viewer.key is None:
        raise Forbidden("no_identity", "Your browser sent no device identity.", None)
    async with ctx.db.write() as tx:
        comment = await tx.comments.get(comment_id)
        if comment is None or comment.state is not CommentState.PUBLISHED:
            raise NotFound("comment_not_found", "There is no such comment.", "comment_id")
        if comment.owner == viewer.key:
            raise Forbidden("self_report", "You cannot report your own comment.", None)
        thread = await tx.threads.by_id(comment.thread_id)
        site = await tx.sites.by_id(thread.site_id) if thread else None
        assert thread is not None and site is not None
        check_active(viewer, site, Action.REPORT)
        count = await tx.moderation.add_report(comment.id, viewer.key, why, text, ctx.clock())
        held = bool(count) and count >= site.moderation.report_threshold > 0
        if held:
            await _move(tx, comment, CommentState.PENDING, ctx.clock(), keep_reports=True)
            await tx.moderation.audit(
                site.id,
                "reports",
                "comment.held",
                f"c:{comment.id}",
                why.value,
                {"reports": count},
                ctx.clock(),
            )
    if count:
        ctx.events.publish("comment.reported", {"site_id": site.id, "comment_id": comment.id, "held": held})
    if held:
        ctx.events.publish("comment.deleted", {"thread_id": thread.id, "comment_id": comment.id})
    return count, held


async def featured(ctx: Context, thread_id: int, limit: int = 50) -> list[Comment]:
    """A thread's editors' picks, newest pick first."""
    async with ctx.db.read() as tx:
        thread = await tx.threads.by_id(thread_id)
        if thread is None:
            raise NotFound("thread_not_found", "There is no such thread.", "thread_id")
        return await tx.moderation.featured(thread_id, None, limit)


# --- the desk


async def queue(
    ctx: Context, moderator: Moderator, where: QueueFilter, after_id: int | None, limit: int
) -> list[QueueItem]:
    async with ctx.db.read() as tx:
        return await tx.moderation.queue(moderator.site.id, where, after_id, limit)


async def counts(ctx: Context, moderator: Moderator) -> dict[str, int]:
    async with ctx.db.read() as tx:
        return await tx.moderation.counts(moderator.site.id)


async def history(ctx: Context, moderator: Moderator, subject: str) -> History:
    async with ctx.db.read() as tx:
        return await tx.moderation.history(moderator.site.id, subject)


def _listed(state: CommentState, comment: Comment) -> bool:
    # A removed comment that others answered stays as a tombstone, so the replies keep their place.
    return state is CommentState.PUBLISHED or (state is CommentState.REJECTED and comment.reply_count > 0)


async def _move(
    tx: Tx, comment: Comment, state: CommentState, now: int, *, keep_reports: bool = False
) -> None:
    """Change a comment's state and keep the thread's and the parent's counts true."""
    was = comment.state is CommentState.PUBLISHED
    becomes = state is CommentState.PUBLISHED
    if keep_reports:
        await tx.comments.set_state(comment.id, state, listed=_listed(state, comment), blank=False)
    else:
        await tx.moderation.decide(comment.id, state, _listed(state, comment), now)
    delta = int(becomes) - int(was)
    if delta and comment.parent_id is not None:
        await tx.comments.add_replies(comment.parent_id, delta)
    await tx.threads.touch(comment.thread_id, delta)


_TARGET = {Decide.APPROVE: CommentState.PUBLISHED, Decide.REJECT: CommentState.REJECTED}
_DECIDABLE = {CommentState.PENDING, CommentState.PUBLISHED, CommentState.REJECTED, CommentState.SHADOW}


def check_ids(comment_ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(comment_ids))
    if not unique:
        raise Invalid("ids_empty", "Choose at least one comment.", "ids")
    if len(unique) > BULK_MAX:
        raise Invalid("ids_too_many", f"At most {BULK_MAX} comments at once.", "ids")
    return unique


async def do_decide(
    ctx: Context, moderator: Moderator, comment_ids: list[int], decide: Decide, reason: str | None
) -> list[int]:
    """Approve, reject, feature or unfeature comments of the moderator's site, all or none."""
    ids = check_ids(comment_ids)
    why = check_text(reason or "", field="reason", max_len=REASON_MAX, required=False)
    now = ctx.clock()
    threads: set[int] = set()
    async with ctx.db.write() as tx:
        for comment_id in ids:
            comment = await tx.comments.get(comment_id)
            thread = await tx.threads.by_id(comment.thread_id) if comment else None
            if comment is None or thread is None or thread.site_id != moderator.site.id:
                raise NotFound("comment_not_found", f"Comment {comment_id} is not on this site.", "ids")
            if comment.state not in _DECIDABLE:
                raise Conflict("comment_gone", f"Comment {comment_id} was deleted by its author.", "ids")
            if decide in _TARGET:
                await _move(tx, comment, _TARGET[decide], now)
            elif comment.state is not CommentState.PUBLISHED:
                raise Conflict("not_published", f"Comment {comment_id} is not published.", "ids")
            else:
                await tx.moderation.set_featured(comment.id, decide is Decide.FEATURE)
                await tx.threads.touch(comment.thread_id)
            await tx.moderation.audit(
                moderator.site.id,
                moderator.name,
                f"comment.{decide.value}",
                f"c:{comment.id}",
                why,
                {"thread_id": comment.thread_id, "author": comment.owner, "was": comment.state.value},
                now,
            )
            threads.add(comment.thread_id)
    for thread_id in threads:
        ctx.events.publish("comment.moderated", {"thread_id": thread_id, "site_id": moderator.site.id})
    return ids


async def do_sanction(
    ctx: Context,
    moderator: Moderator,
    subject: str,
    kind: SanctionKind,
    reason: str | None,
    until: int | None = None,
    *,
    reject_comments: bool = False,
) -> tuple[Sanction, int]:
    """Warn, suspend, pre-moderate, ban or shadow-ban a writer; returns the sanction and how
    many of their comments it rejected."""
    why = check_text(reason or "", field="reason", max_len=REASON_MAX, required=False)
    now = ctx.clock()
    if until is not None and until <= now:
        raise Invalid("until_past", "A suspension ends in the future.", "until")
    if kind is SanctionKind.SUSPEND and until is None:
        raise Invalid("until_missing", "A suspension needs an end date; ban to exclude for good.", "until")
    site = moderator.site
    rejected = 0
    async with ctx.db.write() as tx:
        user = await _account_of(tx, subject, site)
        if user is not None and user.id == moderator.user.id:
            raise Forbidden("self_sanction", "You cannot sanction yourself.", None)
        if user is not None and may(user.actor_on(site.id), Action.MODERATE):
            raise Forbidden("sanction_moderator", "Change a moderator's role before sanctioning them.", None)
        sanction = await tx.moderation.add_sanction(site.id, subject, kind, why, until, moderator.name, now)
        if reject_comments:
            for comment_id in await tx.moderation.open_comments(site.id, subject):
                comment = await tx.comments.get(comment_id)
                if comment is not None:
                    await _move(tx, comment, CommentState.REJECTED, now)
                    await tx.moderation.audit(
                        site.id,
                        moderator.name,
                        "comment.reject",
                        f"c:{comment.id}",
                        why or kind.value,
                        {"thread_id": comment.thread_id, "author": subject, "was": comment.state.value},
                        now,
                    )
                    rejected += 1
        details: dict[str, object] = {"until": until, "rejected_comments": rejected}
        await tx.moderation.audit(site.id, moderator.name, f"user.{kind.value}", subject, why, details, now)
    ctx.events.publish("user.sanctioned", {"site_id": site.id, "subject": subject, "kind": kind.value})
    return sanction, rejected


async def do_lift(
    ctx: Context, moderator: Moderator, subject: str, kind: SanctionKind, reason: str | None
) -> None:
    why = check_text(reason or "", field="reason", max_len=REASON_MAX, required=False)
    async with ctx.db.write() as tx:
        await tx.moderation.lift(moderator.site.id, subject, kind, ctx.clock())
        await tx.moderation.audit(
            moderator.site.id, moderator.name, f"user.lift_{kind.value}", subject, why, {}, ctx.clock()
        )


async def do_add_note(ctx: Context, moderator: Moderator, subject: str, body: str) -> None:
    text = check_text(body, field="note", max_len=NOTE_MAX)
    async with ctx.db.write() as tx:
        await tx.moderation.add_note(moderator.site.id, subject, moderator.name, text, ctx.clock())
        await tx.moderation.audit(
            moderator.site.id, moderator.name, "user.note", subject, "", {}, ctx.clock()
        )


async def do_acknowledge(ctx: Context, viewer: Viewer, site_slug: str) -> int:
    """The writer has read their warnings; they may comment again."""
    if viewer.key is None:
        raise Forbidden("no_identity", "Your browser sent no device identity.", None)
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        count = await tx.moderation.acknowledge(site.id, viewer.key, ctx.clock())
        if count:
            await tx.moderation.audit(
                site.id, viewer.key, "user.acknowledged", viewer.key, "", {}, ctx.clock()
            )
    return count


async def audit_log(ctx: Context, moderator: Moderator, before: int | None, limit: int) -> list[AuditEntry]:
    async with ctx.db.read() as tx:
        return await tx.moderation.audit_log(moderator.site.id, before, limit)


async def _account_of(tx: Tx, subject: str, site: Site) -> User | None:
    kind, _, ident = subject.partition(":")
    if kind == "u" and ident.isdigit():
        return await tx.users.by_id(int(ident))
    if kind != "d" or not ident:
        raise Invalid("subject_invalid", "A subject is u:<user id> or d:<device>.", "subject")
    return None


# --- threads and sites


async def do_thread_controls(
    ctx: Context,
    moderator: Moderator,
    thread_id: int,
    *,
    state: ThreadState | None = None,
    premoderated: bool | None = None,
    notice: str | None = None,
) -> Thread:
    """Close or reopen a thread, pre-moderate it, pin a notice above the discussion."""
    async with ctx.db.write() as tx:
        thread = await tx.threads.by_id(thread_id)
        if thread is None or thread.site_id != moderator.site.id:
            raise NotFound("thread_not_found", "There is no such thread on this site.", "thread_id")
        new_notice = (
            thread.notice
            if notice is None
            else check_text(notice, field="notice", max_len=NOTE_MAX, required=False)
        )
        held = thread.premoderated if premoderated is None else premoderated
        await tx.moderation.set_thread_controls(thread.id, held, new_notice)
        if state is not None and state is not thread.state:
            await tx.threads.set_state(thread.id, state)
        await tx.moderation.audit(
            moderator.site.id,
            moderator.name,
            "thread.controls",
            f"t:{thread.id}",
            "",
            {"state": (state or thread.state).value, "premoderated": held, "notice": new_notice},
            ctx.clock(),
        )
        updated = await tx.threads.by_id(thread.id)
    assert updated is not None
    ctx.events.publish("thread.changed", {"thread_id": thread.id})
    return updated


def check_policy(policy: ModerationPolicy) -> ModerationPolicy:
    if policy.max_links < 0 or policy.hold_new_commenters < 0 or policy.report_threshold < 0:
        raise Invalid("policy_invalid", "Counts in a moderation policy are zero or more.", None)
    if not 0 <= policy.toxicity_threshold <= 1:
        raise Invalid("policy_invalid", "The toxicity threshold is between 0 and 1.", "toxicity_threshold")
    if policy.check_url and not policy.check_url.startswith(("http://", "https://")):
        raise Invalid("policy_invalid", "The check URL must be an http(s) URL.", "check_url")
    if not 50 <= policy.check_timeout_ms <= 10_000:
        raise Invalid("policy_invalid", "The check timeout is 50 to 10,000 ms.", "check_timeout_ms")
    return policy


async def do_set_policy(ctx: Context, site_slug: str, policy: ModerationPolicy, actor: str) -> Site:
    check_policy(policy)
    async with ctx.db.write() as tx:
        site = await access_site(tx, site_slug)
        await tx.moderation.set_policy(site.id, policy)
        await tx.moderation.audit(site.id, actor, "site.moderation", f"s:{site.id}", "", {}, ctx.clock())
        return await access_site(tx, site_slug)
