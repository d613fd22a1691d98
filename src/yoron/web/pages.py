"""The discussion page, /t/{id}: server-rendered, usable without JavaScript, forms with CSRF."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

import msgspec
from litestar import Request, Response, get, post
from litestar.params import FromQuery, PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from yoron.domain import text
from yoron.domain.errors import DomainError, Invalid
from yoron.domain.model import Comment, CommentState, Sort
from yoron.domain.moderation import ReportReason
from yoron.domain.ranking import tally
from yoron.services import comments, listing, moderation, sites, threads, votes
from yoron.web.identity import attach_device, ensure_device, viewer_of
from yoron.web.runtime import ctx_of, runtime_of
from yoron.web.schemas import MAX_ID, when

ThreadId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
CommentId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]
AnyRequest = Request[Any, Any, Any]
NAME_COOKIE = "yoron_name"
CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; script-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "content-security-policy": CSP,
    "cache-control": "private, no-store",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@dataclass
class CommentForm:
    body: str = ""
    author_name: str = ""
    parent_id: str = ""
    quote_of: str = ""
    nudged: str = ""


@dataclass
class ReportForm:
    reason: str = ""
    note: str = ""


@dataclass
class VoteForm:
    value: str = ""


@dataclass
class EditForm:
    body: str = ""


def _optional_id(value: str, field: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) <= MAX_ID:
        raise Invalid(f"{field}_invalid", f"{field} must be a comment id.", field)
    return int(value)


def _quote_text(comment: Comment) -> str:
    words = text.plain_text(comment.body)
    return "> " + (words[:400] + " ..." if len(words) > 400 else words) + "\n\n"


def _json_ld(page: listing.Page, base: str) -> str:
    thread = page.thread
    data = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": thread.title,
        "url": f"{base}/t/{thread.id}",
        "sharedContent": thread.url,
        "commentCount": thread.comment_count,
        "comment": [
            {
                "@type": "Comment",
                "text": text.plain_text(item.body),
                "author": {"@type": "Person", "name": item.author_name},
                "dateCreated": when(item.created_at).isoformat(),
                "upvoteCount": item.up,
                "downvoteCount": item.down,
            }
            for item in page.items
            if item.state is CommentState.PUBLISHED
        ],
    }
    # Escaping "<" keeps the JSON from closing its script element.
    return msgspec.json.encode(data).decode().replace("<", "\\u003c")


async def _render_page(
    request: AnyRequest,
    thread_id: int,
    *,
    sort: str | None = None,
    cursor: str | None = None,
    error: DomainError | None = None,
    form: CommentForm | None = None,
    notice: str | None = None,
) -> Template:
    ctx = ctx_of(request)
    viewer = await viewer_of(request)
    page = await listing.list_comments(ctx, thread_id, sort=sort, cursor=cursor, limit=None)
    picks = await moderation.featured(ctx, thread_id) if cursor is None else []
    mine = await listing.viewer_state(ctx, thread_id, viewer)
    base = runtime_of(request).settings.public_url or str(request.base_url)
    base = base.rstrip("/")
    next_url = None
    if page.next_cursor:
        next_url = f"/t/{thread_id}?" + urlencode({"sort": page.sort.value, "cursor": page.next_cursor})
    return Template(
        template_name="thread.html",
        context={
            "thread": page.thread,
            "site": page.site,
            "page": page,
            "sorts": list(Sort),
            "mine": mine,
            "tally": tally,
            "when": when,
            "quote_text": _quote_text,
            "next_url": next_url,
            "error": error,
            "form": form or CommentForm(author_name=request.cookies.get(NAME_COOKIE, "")),
            "json_ld": _json_ld(page, base),
            "max_depth": page.site.policy.max_depth,
            "nested": page.display.value == "nested",
            "user": viewer.user,
            "picks": picks,
            "notice": notice,
            "report_reasons": [reason.value for reason in ReportReason],
        },
        headers=PAGE_HEADERS,
        status_code=error.status if error else 200,
    )


@get("/t/{thread_id:int}", include_in_schema=False)
async def thread_page(
    request: AnyRequest,
    thread_id: ThreadId,
    sort: FromQuery[str | None] = None,
    cursor: Annotated[str | None, QueryParameter(max_length=512)] = None,
    held: FromQuery[bool] = False,
    reported: FromQuery[bool] = False,
) -> Template:
    notice = None
    if held:
        notice = "Thank you: your comment waits for a moderator and appears once approved."
    elif reported:
        notice = "Thank you: the moderators will look at that comment."
    return await _render_page(request, thread_id, sort=sort, cursor=cursor, notice=notice)


def _back(thread_id: int, anchor: str = "") -> Redirect:
    return Redirect(f"/t/{thread_id}{anchor}", status_code=303)


@post("/t/{thread_id:int}/comments", include_in_schema=False)
async def post_from_page(
    request: AnyRequest, thread_id: ThreadId, data: URLEncodedBody[CommentForm]
) -> Response[Any]:
    viewer, token = await ensure_device(request)
    try:
        comment = await comments.do_post_comment(
            ctx_of(request),
            thread_id,
            viewer,
            data.body,
            author_name=data.author_name,
            parent_id=_optional_id(data.parent_id, "parent_id"),
            quote_of=(data.quote_of.strip() or None),
            nudged=bool(data.nudged),
        )
    except DomainError as error:
        return await _render_page(request, thread_id, error=error, form=data)
    if comment.state is CommentState.PUBLISHED:
        back = _back(thread_id, f"#c{comment.id}")
    else:
        back = Redirect(f"/t/{thread_id}?held=true", status_code=303)
    response = attach_device(back, token, request)
    response.set_cookie(NAME_COOKIE, comment.author_name, max_age=400 * 24 * 3600, samesite="lax")
    return response


@post("/t/{thread_id:int}/vote/{comment_id:int}", include_in_schema=False)
async def vote_from_page(
    request: AnyRequest, thread_id: ThreadId, comment_id: CommentId, data: URLEncodedBody[VoteForm]
) -> Response[Any]:
    viewer, token = await ensure_device(request)
    try:
        value = int(data.value) if data.value.strip().lstrip("-").isdigit() else 99
        await votes.do_vote(ctx_of(request), comment_id, viewer, value)
    except DomainError as error:
        return await _render_page(request, thread_id, error=error)
    return attach_device(_back(thread_id, f"#c{comment_id}"), token, request)


@post("/t/{thread_id:int}/edit/{comment_id:int}", include_in_schema=False)
async def edit_from_page(
    request: AnyRequest, thread_id: ThreadId, comment_id: CommentId, data: URLEncodedBody[EditForm]
) -> Response[Any]:
    try:
        await comments.do_edit_comment(ctx_of(request), comment_id, await viewer_of(request), data.body)
    except DomainError as error:
        return await _render_page(request, thread_id, error=error)
    return _back(thread_id, f"#c{comment_id}")


@post("/t/{thread_id:int}/delete/{comment_id:int}", include_in_schema=False)
async def delete_from_page(request: AnyRequest, thread_id: ThreadId, comment_id: CommentId) -> Response[Any]:
    try:
        await comments.do_delete_comment(ctx_of(request), comment_id, await viewer_of(request))
    except DomainError as error:
        return await _render_page(request, thread_id, error=error)
    return _back(thread_id)


@post("/t/{thread_id:int}/report/{comment_id:int}", include_in_schema=False)
async def report_from_page(
    request: AnyRequest, thread_id: ThreadId, comment_id: CommentId, data: URLEncodedBody[ReportForm]
) -> Response[Any]:
    viewer, token = await ensure_device(request)
    try:
        await moderation.do_report(ctx_of(request), viewer, comment_id, data.reason, data.note)
    except DomainError as error:
        return await _render_page(request, thread_id, error=error)
    return attach_device(Redirect(f"/t/{thread_id}?reported=true", status_code=303), token, request)


@post("/t/{thread_id:int}/acknowledge", include_in_schema=False)
async def acknowledge_from_page(request: AnyRequest, thread_id: ThreadId) -> Response[Any]:
    """The writer has read a moderator's warning and may comment again."""
    ctx = ctx_of(request)
    try:
        thread = await threads.get_thread(ctx, thread_id)
        site = await sites.get_site_by_id(ctx, thread.site_id)
        await moderation.do_acknowledge(ctx, await viewer_of(request), site.slug)
    except DomainError as error:
        return await _render_page(request, thread_id, error=error)
    return _back(thread_id, "#new-comment-title")


ROUTES = [
    thread_page,
    post_from_page,
    vote_from_page,
    edit_from_page,
    delete_from_page,
    report_from_page,
    acknowledge_from_page,
]
