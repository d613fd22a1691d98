"""The public JSON API, /api/v1: thin handlers that parse, call one service, serialize."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, delete, get, patch, post, put
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter
from litestar.response import ServerSentEvent, ServerSentEventMessage

from yoron.services import comments, listing, threads, votes
from yoron.services.comments import access_comment
from yoron.services.sites import access_site
from yoron.web.cache import PAGE_CACHE_CONTROL, etag_of, page_key
from yoron.web.identity import attach_device, ensure_device, viewer_of
from yoron.web.live import LiveThreads
from yoron.web.runtime import cache_of, ctx_of
from yoron.web.schemas import (
    MAX_ID,
    CommentIn,
    CommentOut,
    CountsOut,
    EditIn,
    PreviewIn,
    PreviewOut,
    SiteOut,
    ThreadIn,
    ThreadOut,
    ThreadStateIn,
    ViewerOut,
    VoteIn,
    VoteOut,
    as_author_sees,
    comment_out,
    page_bytes,
    site_out,
    thread_out,
    viewer_out,
    vote_out,
)

ThreadId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A thread's id.")]
CommentId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="A comment's id.")]
AnyRequest = Request[Any, Any, Any]
SSE_PING_SECONDS = 15.0


def _bearer(request: AnyRequest) -> str | None:
    header = request.headers.get("authorization", "")
    return header[7:].strip() if header.lower().startswith("bearer ") else None


def _json(payload: object, status: int = 200) -> Response[bytes]:
    return Response(msgspec.json.encode(payload), status_code=status, media_type="application/json")


@post("/api/v1/threads", status_code=200, summary="Find or create a thread", tags=["threads"])
async def find_or_create_thread(request: AnyRequest, data: JSONBody[ThreadIn]) -> Response[bytes]:
    """Return the site's thread for ``key``; create it when the site auto-creates threads
    or the request carries the site's API key (``Authorization: Bearer ...``). 201 when created."""
    viewer = await viewer_of(request)
    thread, created = await threads.do_find_or_create_thread(
        ctx_of(request), data.site, data.key, data.title, data.url, data.lead, _bearer(request), viewer.user
    )
    return _json(thread_out(thread), 201 if created else 200)


@get("/api/v1/threads", summary="Look a thread up by its key", tags=["threads"])
async def thread_by_key(request: AnyRequest, site: FromQuery[str], key: FromQuery[str]) -> ThreadOut:
    return thread_out(await threads.get_thread_by_key(ctx_of(request), site, key))


@get("/api/v1/threads/{thread_id:int}", summary="A thread", tags=["threads"])
async def thread_by_id(request: AnyRequest, thread_id: ThreadId) -> ThreadOut:
    return thread_out(await threads.get_thread(ctx_of(request), thread_id))


@patch("/api/v1/threads/{thread_id:int}", summary="Open, close or archive a thread", tags=["threads"])
async def update_thread(request: AnyRequest, thread_id: ThreadId, data: JSONBody[ThreadStateIn]) -> ThreadOut:
    """Needs the site's API key (``Authorization: Bearer ...``)."""
    ctx = ctx_of(request)
    await threads.check_site_admin_of_thread(ctx, thread_id, _bearer(request))
    return thread_out(await threads.do_set_thread_state(ctx, thread_id, data.state))


@get(
    "/api/v1/threads/{thread_id:int}/comments",
    summary="A page of a thread's comments",
    tags=["comments"],
    response_headers=[],
)
async def thread_comments(
    request: AnyRequest,
    thread_id: ThreadId,
    sort: Annotated[
        str | None, QueryParameter(description="oldest, newest, best, top or controversial")
    ] = None,
    cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
    limit: Annotated[int | None, QueryParameter(ge=1, le=1000)] = None,
) -> Response[bytes]:
    """The same bytes for every viewer, cached per thread version (tallies may lag a
    second behind votes); the viewer's own votes and editable comments come from ``/me``."""
    ctx = ctx_of(request)
    version, tally = await threads.thread_versions(ctx, thread_id)
    key = page_key(thread_id, version, sort, cursor, limit)
    cache = cache_of(request)
    cached = cache.get(key, tally)
    etag = cached.etag if cached else etag_of(key, tally)
    headers = {"etag": etag, "cache-control": PAGE_CACHE_CONTROL}
    if request.headers.get("if-none-match") == etag:
        return Response(b"", status_code=304, headers=headers)
    if cached is None:
        page = await listing.list_comments(ctx, thread_id, sort=sort, cursor=cursor, limit=limit)
        cached = cache.put(key, tally, page_bytes(page))
    return Response(cached.body, media_type="application/json", headers=headers)


@get("/api/v1/threads/{thread_id:int}/me", summary="The viewer's own state in a thread", tags=["comments"])
async def thread_me(request: AnyRequest, thread_id: ThreadId) -> Response[ViewerOut]:
    state = await listing.viewer_state(ctx_of(request), thread_id, await viewer_of(request))
    return Response(viewer_out(state), headers={"cache-control": "private, no-store"})


@post("/api/v1/threads/{thread_id:int}/comments", summary="Post a comment or reply", tags=["comments"])
async def post_comment(
    request: AnyRequest, thread_id: ThreadId, data: JSONBody[CommentIn]
) -> Response[CommentOut]:
    viewer, token = await ensure_device(request)
    comment = await comments.do_post_comment(
        ctx_of(request),
        thread_id,
        viewer,
        data.body,
        author_name=data.author_name,
        parent_id=data.parent_id,
        quote_of=data.quote_of,
        nudged=data.nudged,
    )
    return attach_device(Response(comment_out(as_author_sees(comment)), status_code=201), token, request)


@get("/api/v1/comments/{comment_id:int}", summary="One comment", tags=["comments"])
async def comment_by_id(request: AnyRequest, comment_id: CommentId) -> CommentOut:
    async with ctx_of(request).db.read() as tx:
        return comment_out(await access_comment(tx, comment_id), with_body=True)


@patch("/api/v1/comments/{comment_id:int}", summary="Edit one's comment", tags=["comments"])
async def edit_comment(request: AnyRequest, comment_id: CommentId, data: JSONBody[EditIn]) -> CommentOut:
    viewer = await viewer_of(request)
    edited = await comments.do_edit_comment(
        ctx_of(request), comment_id, viewer, data.body, nudged=data.nudged
    )
    return comment_out(as_author_sees(edited), with_body=True)


@delete(
    "/api/v1/comments/{comment_id:int}", status_code=200, summary="Delete one's comment", tags=["comments"]
)
async def delete_comment(request: AnyRequest, comment_id: CommentId) -> CommentOut:
    viewer = await viewer_of(request)
    return comment_out(await comments.do_delete_comment(ctx_of(request), comment_id, viewer))


@put("/api/v1/comments/{comment_id:int}/vote", summary="Vote +1, -1 or 0", tags=["votes"])
async def vote(request: AnyRequest, comment_id: CommentId, data: JSONBody[VoteIn]) -> Response[VoteOut]:
    viewer, token = await ensure_device(request)
    result = await votes.do_vote(ctx_of(request), comment_id, viewer, data.value)
    return attach_device(Response(vote_out(result)), token, request)


@post("/api/v1/preview", status_code=200, summary="Render a body without posting it", tags=["comments"])
async def preview(request: AnyRequest, data: JSONBody[PreviewIn]) -> PreviewOut:
    return PreviewOut(comments.preview(ctx_of(request), data.body))


@get("/api/v1/counts", summary="Comment counts for thread keys", tags=["threads"])
async def counts(
    request: AnyRequest,
    site: FromQuery[str],
    key: Annotated[list[str], QueryParameter(description="Repeat for each thread key.")],
) -> CountsOut:
    return CountsOut(await threads.comment_counts(ctx_of(request), site, key))


@get("/api/v1/sites/{slug:str}", summary="A site's public settings", tags=["sites"])
async def site_by_slug(request: AnyRequest, slug: FromPath[str]) -> SiteOut:
    async with ctx_of(request).db.read() as tx:
        return site_out(await access_site(tx, slug))


@get("/api/v1/threads/{thread_id:int}/events", summary="Live changes (server-sent events)", tags=["comments"])
async def thread_events(request: AnyRequest, thread_id: ThreadId) -> ServerSentEvent:
    """``event: comment`` with ``{"kind": "created"|"changed", "thread_id", "comment_id"}``;
    a ``: ping`` comment every 15 seconds keeps proxies from closing the stream."""
    await threads.get_thread(ctx_of(request), thread_id)
    live: LiveThreads = request.app.state.live
    queue = live.subscribe(thread_id)

    async def stream() -> AsyncIterator[ServerSentEventMessage]:
        try:
            while True:
                try:
                    event = await asyncio.wait_for(queue.get(), SSE_PING_SECONDS)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="ping")
                    continue
                yield ServerSentEventMessage(data=msgspec.json.encode(event).decode(), event="comment")
        finally:
            live.unsubscribe(thread_id, queue)

    return ServerSentEvent(stream(), headers={"cache-control": "no-store", "x-accel-buffering": "no"})


@get("/healthz", summary="200 when the database answers", tags=["operations"])
async def healthz(request: AnyRequest) -> Response[bytes]:
    try:
        alive = await ctx_of(request).db.ping()
    except Exception:
        alive = False
    return _json({"status": "ok" if alive else "unavailable"}, 200 if alive else 503)


ROUTES = [
    find_or_create_thread,
    thread_by_key,
    thread_by_id,
    update_thread,
    thread_comments,
    thread_me,
    post_comment,
    comment_by_id,
    edit_comment,
    delete_comment,
    vote,
    preview,
    counts,
    site_by_slug,
    thread_events,
    healthz,
]

__all__ = ["ROUTES"]
