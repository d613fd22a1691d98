"""Moderation over the API: readers' reports and warnings, the desk's queues, decisions and sanctions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Annotated, Any

import msgspec
from litestar import Request, get, patch, post, put
from litestar.params import FromPath, JSONBody, PathParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage
from msgspec import Meta, Struct

from yoron.domain.accounts import Action
from yoron.domain.errors import Invalid
from yoron.domain.model import ThreadState
from yoron.domain.moderation import (
    AuditEntry,
    Decide,
    History,
    ModerationPolicy,
    Queue,
    QueueFilter,
    QueueItem,
    SanctionKind,
)
from yoron.services import moderation
from yoron.services.moderation import Moderator
from yoron.web.identity import ensure_device, viewer_of
from yoron.web.runtime import ctx_of
from yoron.web.schemas import MAX_ID, CommentOut, Id, ThreadOut, comment_out, thread_out, when

CommentId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A comment's id.")]
ThreadId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A thread's id.")]
AnyRequest = Request[Any, Any, Any]
COUNTS_POLL_SECONDS = 2.0


class ReportIn(Struct):
    reason: str
    note: str | None = None


class ReportOut(Struct):
    reports: int
    """Distinct readers who reported the comment (0 when this reader had reported it before)."""
    held: bool
    """The reports reached the site's threshold: the comment waits for a moderator."""


class AcknowledgedOut(Struct):
    acknowledged: int


class DecisionIn(Struct):
    ids: list[Id]
    action: Decide
    reason: str | None = None


class DecisionOut(Struct):
    ids: list[int]
    action: str


class SanctionIn(Struct):
    subject: Annotated[str, Meta(max_length=80)]
    kind: SanctionKind
    reason: str | None = None
    until: datetime | None = None
    reject_comments: bool = False


class SanctionOut(Struct):
    id: int
    subject: str
    kind: str
    reason: str
    until: datetime | None
    rejected_comments: int = 0


class LiftIn(Struct):
    subject: Annotated[str, Meta(max_length=80)]
    kind: SanctionKind
    reason: str | None = None


class NoteIn(Struct):
    body: str


class ThreadControlsIn(Struct):
    state: ThreadState | None = None
    premoderated: bool | None = None
    notice: str | None = None


class ReportLine(Struct):
    reason: str
    note: str
    created_at: datetime


class ReasonLine(Struct):
    check: str
    code: str
    detail: str


class QueueItemOut(Struct):
    comment: CommentOut
    author_key: str
    thread_title: str
    thread_url: str
    parent_html: str | None
    reasons: list[ReasonLine]
    reports: list[ReportLine]
    author_record: dict[str, int]
    """The author's comments on the site by state (published, pending, rejected, ...)."""


class QueueOut(Struct):
    items: list[QueueItemOut]
    next_after: int | None


class CountsOut(Struct):
    pending: int
    reported: int


class SanctionLine(Struct):
    id: int
    kind: str
    reason: str
    until: datetime | None
    by: str
    created_at: datetime
    active: bool
    acknowledged: bool


class NoteLine(Struct):
    author: str
    body: str
    created_at: datetime


class HistoryOut(Struct):
    subject: str
    published: int
    pending: int
    rejected: int
    reported: int
    first_seen: datetime | None
    reasons: dict[str, int]
    sanctions: list[SanctionLine]
    notes: list[NoteLine]


class AuditLine(Struct):
    id: int
    actor: str
    action: str
    target: str
    reason: str
    details: dict[str, Any]
    created_at: datetime


class AuditOut(Struct):
    items: list[AuditLine]
    next_before: int | None


def ms_of(moment: datetime) -> int:
    """Unix milliseconds; a moment without a zone is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def queue_item_out(item: QueueItem) -> QueueItemOut:
    comment = item.comment
    return QueueItemOut(
        comment=comment_out(comment, with_body=True),
        author_key=comment.owner,
        thread_title=item.thread_title,
        thread_url=item.thread_url,
        parent_html=item.parent_html,
        reasons=[ReasonLine(r.check, r.code, r.detail) for r in comment.reasons],
        reports=[ReportLine(r.reason.value, r.note, when(r.created_at)) for r in item.reports],
        author_record=item.author_record,
    )


def history_out(history: History, now: int) -> HistoryOut:
    return HistoryOut(
        subject=history.subject,
        published=history.published,
        pending=history.pending,
        rejected=history.rejected,
        reported=history.reported,
        first_seen=when(history.first_seen) if history.first_seen else None,
        reasons=history.reasons,
        sanctions=[
            SanctionLine(
                s.id,
                s.kind.value,
                s.reason,
                when(s.until) if s.until else None,
                s.created_by,
                when(s.created_at),
                s.active_at(now),
                s.acknowledged_at is not None,
            )
            for s in history.sanctions
        ],
        notes=[NoteLine(n.author, n.body, when(n.created_at)) for n in history.notes],
    )


def audit_line(entry: AuditEntry) -> AuditLine:
    return AuditLine(
        entry.id, entry.actor, entry.action, entry.target, entry.reason, entry.details, when(entry.created_at)
    )


async def moderator_of(request: AnyRequest, site: str, action: Action = Action.MODERATE) -> Moderator:
    return await moderation.access_moderator(ctx_of(request), await viewer_of(request), site, action)


def queue_filter(
    queue: str, thread: int | None, author: str | None, reason: str | None, q: str | None, order: str
) -> QueueFilter:
    try:
        which = Queue(queue)
    except ValueError:
        names = ", ".join(item.value for item in Queue)
        raise Invalid("queue_invalid", f"The queue is one of {names}.", "queue") from None
    if order not in ("newest", "oldest"):
        raise Invalid("order_invalid", "The order is newest or oldest.", "order")
    return QueueFilter(
        queue=which,
        thread_id=thread,
        owner=author or None,
        reason=reason or None,
        search=q or None,
        newest_first=order == "newest",
    )


# --- readers


@post(
    "/api/v1/comments/{comment_id:int}/report",
    status_code=200,
    summary="Report a comment",
    tags=["moderation"],
)
async def report(request: AnyRequest, comment_id: CommentId, data: JSONBody[ReportIn]) -> ReportOut:
    """Reasons: spam, abuse, off_topic, misinformation, other. Enough distinct reporters hold it."""
    viewer, _token = await ensure_device(request)
    count, held = await moderation.do_report(ctx_of(request), viewer, comment_id, data.reason, data.note)
    return ReportOut(count, held)


@post(
    "/api/v1/sites/{slug:str}/warnings/acknowledge",
    status_code=200,
    summary="Acknowledge a moderator's warning",
    tags=["moderation"],
)
async def acknowledge(request: AnyRequest, slug: FromPath[str]) -> AcknowledgedOut:
    viewer = await viewer_of(request)
    return AcknowledgedOut(await moderation.do_acknowledge(ctx_of(request), viewer, slug))


@get("/api/v1/threads/{thread_id:int}/featured", summary="Editors' picks of a thread", tags=["comments"])
async def featured(request: AnyRequest, thread_id: ThreadId) -> list[CommentOut]:
    return [comment_out(comment) for comment in await moderation.featured(ctx_of(request), thread_id)]


# --- the desk


@get("/api/v1/moderation/{slug:str}/queue", summary="A moderation queue", tags=["moderation"])
async def get_queue(
    request: AnyRequest,
    slug: FromPath[str],
    queue: Annotated[
        str, QueryParameter(description="pending, reported, approved, rejected or all")
    ] = "pending",
    thread: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    author: Annotated[str | None, QueryParameter(max_length=80)] = None,
    reason: Annotated[str | None, QueryParameter(max_length=40)] = None,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    order: Annotated[str, QueryParameter(description="newest or oldest")] = "newest",
    after: Annotated[int | None, QueryParameter(ge=0, le=MAX_ID)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
) -> QueueOut:
    moderator = await moderator_of(request, slug)
    where = queue_filter(queue, thread, author, reason, q, order)
    items = await moderation.queue(ctx_of(request), moderator, where, after, limit)
    return QueueOut([queue_item_out(i) for i in items], items[-1].comment.id if len(items) == limit else None)


@get("/api/v1/moderation/{slug:str}/counts", summary="Pending and reported counts", tags=["moderation"])
async def get_counts(request: AnyRequest, slug: FromPath[str]) -> CountsOut:
    found = await moderation.counts(ctx_of(request), await moderator_of(request, slug))
    return CountsOut(found.get("pending", 0), found.get("reported", 0))


@get(
    "/api/v1/moderation/{slug:str}/events",
    summary="Live queue counts (server-sent events)",
    tags=["moderation"],
)
async def count_events(request: AnyRequest, slug: FromPath[str]) -> ServerSentEvent:
    """``event: counts`` with ``{"pending", "reported"}`` whenever they change, from any worker."""
    ctx = ctx_of(request)
    moderator = await moderator_of(request, slug)

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        last: dict[str, int] | None = None
        while True:
            found = await moderation.counts(ctx, moderator)
            if found != last:
                last = found
                yield ServerSentEventMessage(data=msgspec.json.encode(found).decode(), event="counts")
            else:
                # Writing something each round is how a closed desk is noticed and its stream ended.
                yield ServerSentEventMessage(comment="ping")
            await asyncio.sleep(COUNTS_POLL_SECONDS)

    return ServerSentEvent(stream(), headers={"cache-control": "no-store", "x-accel-buffering": "no"})


@post(
    "/api/v1/moderation/{slug:str}/decisions",
    status_code=200,
    summary="Approve, reject or feature",
    tags=["moderation"],
)
async def decide(request: AnyRequest, slug: FromPath[str], data: JSONBody[DecisionIn]) -> DecisionOut:
    """All of ``ids`` or none: one unknown id refuses the whole batch."""
    moderator = await moderator_of(request, slug)
    ids = await moderation.do_decide(ctx_of(request), moderator, data.ids, data.action, data.reason)
    return DecisionOut(ids, data.action.value)


@post(
    "/api/v1/moderation/{slug:str}/sanctions",
    status_code=201,
    summary="Sanction a writer",
    tags=["moderation"],
)
async def sanction(request: AnyRequest, slug: FromPath[str], data: JSONBody[SanctionIn]) -> SanctionOut:
    """``subject`` is an author key from a queue item (``u:<id>`` or ``d:<device>``)."""
    moderator = await moderator_of(request, slug)
    made, rejected = await moderation.do_sanction(
        ctx_of(request),
        moderator,
        data.subject,
        data.kind,
        data.reason,
        ms_of(data.until) if data.until else None,
        reject_comments=data.reject_comments,
    )
    until = when(made.until) if made.until else None
    return SanctionOut(made.id, made.subject, made.kind.value, made.reason, until, rejected)


@post(
    "/api/v1/moderation/{slug:str}/sanctions/lift",
    status_code=200,
    summary="Lift sanctions",
    tags=["moderation"],
)
async def lift(request: AnyRequest, slug: FromPath[str], data: JSONBody[LiftIn]) -> HistoryOut:
    ctx = ctx_of(request)
    moderator = await moderator_of(request, slug)
    await moderation.do_lift(ctx, moderator, data.subject, data.kind, data.reason)
    return history_out(await moderation.history(ctx, moderator, data.subject), ctx.clock())


@get("/api/v1/moderation/{slug:str}/authors/{subject:str}", summary="An author's record", tags=["moderation"])
async def author_history(request: AnyRequest, slug: FromPath[str], subject: FromPath[str]) -> HistoryOut:
    ctx = ctx_of(request)
    found = await moderation.history(ctx, await moderator_of(request, slug), subject)
    return history_out(found, ctx.clock())


@post(
    "/api/v1/moderation/{slug:str}/authors/{subject:str}/notes",
    status_code=201,
    summary="Add a moderators' note on an author",
    tags=["moderation"],
)
async def add_note(
    request: AnyRequest, slug: FromPath[str], subject: FromPath[str], data: JSONBody[NoteIn]
) -> HistoryOut:
    ctx = ctx_of(request)
    moderator = await moderator_of(request, slug)
    await moderation.do_add_note(ctx, moderator, subject, data.body)
    return history_out(await moderation.history(ctx, moderator, subject), ctx.clock())


@patch(
    "/api/v1/moderation/{slug:str}/threads/{thread_id:int}", summary="Thread controls", tags=["moderation"]
)
async def thread_controls(
    request: AnyRequest, slug: FromPath[str], thread_id: ThreadId, data: JSONBody[ThreadControlsIn]
) -> ThreadOut:
    """Close or reopen, pre-moderate, and pin a notice above the discussion."""
    ctx = ctx_of(request)
    moderator = await moderator_of(request, slug)
    thread = await moderation.do_thread_controls(
        ctx, moderator, thread_id, state=data.state, premoderated=data.premoderated, notice=data.notice
    )
    return thread_out(thread)


@get("/api/v1/moderation/{slug:str}/audit", summary="The audit log", tags=["moderation"])
async def get_audit(
    request: AnyRequest,
    slug: FromPath[str],
    before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
) -> AuditOut:
    """Every decision: who, what, when, why. For the site's admins."""
    moderator = await moderator_of(request, slug, Action.MANAGE_USERS)
    entries = await moderation.audit_log(ctx_of(request), moderator, before, limit)
    return AuditOut([audit_line(e) for e in entries], entries[-1].id if len(entries) == limit else None)


@put("/api/v1/moderation/{slug:str}/policy", summary="Set the site's moderation policy", tags=["moderation"])
async def set_policy(
    request: AnyRequest, slug: FromPath[str], data: JSONBody[dict[str, Any]]
) -> dict[str, Any]:
    """The whole policy (fields left out take their defaults); for the site's admins."""
    moderator = await moderator_of(request, slug, Action.MANAGE_SITE)
    try:
        policy = msgspec.convert(data, ModerationPolicy)
    except msgspec.ValidationError as error:
        raise Invalid("policy_invalid", str(error), None) from None
    site = await moderation.do_set_policy(ctx_of(request), slug, policy, moderator.name)
    return msgspec.to_builtins(site.moderation)


@get("/api/v1/moderation/{slug:str}/policy", summary="The site's moderation policy", tags=["moderation"])
async def get_policy(request: AnyRequest, slug: FromPath[str]) -> dict[str, Any]:
    moderator = await moderator_of(request, slug)
    return msgspec.to_builtins(moderator.site.moderation)


ROUTES = [
    report,
    acknowledge,
    featured,
    get_queue,
    get_counts,
    count_events,
    decide,
    sanction,
    lift,
    author_history,
    add_note,
    thread_controls,
    get_audit,
    set_policy,
    get_policy,
]
