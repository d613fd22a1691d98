"""The moderators' desk, /desk/{site}: queues, the author drawer and the audit log, server-rendered.

Every action is a form that works without JavaScript; desk.js adds the keyboard (j/k, a, r, b, f,
u, x and bulk) on top, calling the same services through the JSON API.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromPath, FromQuery, PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from yoron.domain.accounts import Action, may
from yoron.domain.errors import DomainError, Invalid
from yoron.domain.model import Site, Thread, ThreadState
from yoron.domain.moderation import Decide, DeletedAccounts, ModerationPolicy, QueueFilter, SanctionKind
from yoron.services import moderation, sites, threads
from yoron.services.context import Context
from yoron.services.moderation import Moderator
from yoron.web.identity import viewer_of
from yoron.web.moderation import moderator_of, ms_of, queue_filter
from yoron.web.pages import PAGE_HEADERS
from yoron.web.runtime import ctx_of
from yoron.web.schemas import MAX_ID, when

ThreadId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]

AnyRequest = Request[Any, Any, Any]
DESK_PAGE = 100
# desk.js calls the JSON API and the live counts on this origin.
DESK_HEADERS = {
    **PAGE_HEADERS,
    "content-security-policy": PAGE_HEADERS["content-security-policy"] + "; connect-src 'self'",
}
REASONS = (
    "banned_word",
    "suspect_word",
    "too_many_links",
    "link_only",
    "new_commenter",
    "toxic_after_nudge",
    "guest_premoderated",
    "thread_premoderated",
    "spam",
    "abuse",
    "off_topic",
    "misinformation",
)


@dataclass
class ActForm:
    ids: str = ""
    action: str = ""
    reason: str = ""
    back: str = ""


@dataclass
class ThreadForm:
    state: str = ""
    premoderated: str = ""
    notice: str = ""


@dataclass
class PolicyForm:
    banned_words: str = ""
    suspect_words: str = ""
    max_links: str = "3"
    hold_link_only: str = ""
    hold_new_commenters: str = "0"
    repeat_window_minutes: str = "10"
    min_length: str = "1"
    report_threshold: str = "3"
    auto_close_days: str = "0"
    toxicity_threshold: str = "0"
    check_url: str = ""
    check_timeout_ms: str = "1500"
    premoderate_all: str = ""
    deleted_accounts: str = "anonymise"


@dataclass
class AuthorForm:
    kind: str = ""
    reason: str = ""
    until: str = ""
    note: str = ""
    reject_comments: str = ""


def _back(target: str, slug: str) -> str:
    return target if target.startswith(f"/desk/{slug}") and "//" not in target else f"/desk/{slug}"


def _refused(error: DomainError, slug: str) -> Template:
    return Template(
        template_name="desk_refused.html",
        context={"error": error, "slug": slug},
        headers=DESK_HEADERS,
        status_code=error.status,
    )


def _ids(value: str) -> list[int]:
    parts = [p for p in value.replace(",", " ").split() if p]
    if not parts or not all(p.isdigit() and 0 < int(p) <= MAX_ID for p in parts):
        raise Invalid("ids_invalid", "Choose comments by their ids.", "ids")
    return [int(p) for p in parts]


@get("/desk", include_in_schema=False)
async def desk_index(request: AnyRequest) -> Template:
    """The sites this account moderates, with their pending counts."""
    ctx = ctx_of(request)
    viewer = await viewer_of(request)
    mine = []
    if viewer.user is not None:
        for site in await sites.list_sites(ctx):
            if may(viewer.user.actor_on(site.id), Action.MODERATE):
                counts = await moderation.counts(ctx, moderation.Moderator(viewer.user, site))
                mine.append((site, counts))
    return Template(
        template_name="desk_index.html",
        context={"sites": mine, "user": viewer.user},
        headers=DESK_HEADERS,
        status_code=200 if viewer.user else 403,
    )


@get("/desk/{slug:str}", include_in_schema=False)
async def desk(
    request: AnyRequest,
    slug: FromPath[str],
    queue: Annotated[str, QueryParameter()] = "pending",
    thread: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    author: Annotated[str | None, QueryParameter(max_length=80)] = None,
    reason: Annotated[str | None, QueryParameter(max_length=40)] = None,
    q: Annotated[str | None, QueryParameter(max_length=200)] = None,
    order: Annotated[str, QueryParameter()] = "newest",
    after: Annotated[int | None, QueryParameter(ge=0, le=MAX_ID)] = None,
) -> Template:
    try:
        moderator = await moderator_of(request, slug)
        where = queue_filter(queue, thread, author, reason, q, order)
    except DomainError as error:
        return _refused(error, slug)
    ctx = ctx_of(request)
    items = await moderation.queue(ctx, moderator, where, after, DESK_PAGE)
    thread_shown = await _thread_of(ctx, moderator, where.thread_id)
    counts = await moderation.counts(ctx, moderator)
    filters = _filters(where)
    next_url = None
    if len(items) == DESK_PAGE:
        next_url = f"/desk/{slug}?" + urlencode({**filters, "after": items[-1].comment.id})
    return Template(
        template_name="desk.html",
        context={
            "site": moderator.site,
            "moderator": moderator,
            "items": items,
            "where": where,
            "counts": counts,
            "queues": ("pending", "reported", "approved", "rejected", "all"),
            "reasons": REASONS,
            "here": f"/desk/{slug}?" + urlencode({**filters, **({"after": after} if after else {})}),
            "next_url": next_url,
            "when": when,
            "may_audit": _may_audit(moderator),
            "may_set_policy": may(moderator.user.actor_on(moderator.site.id), Action.MANAGE_SITE),
            "thread": thread_shown,
        },
        headers=DESK_HEADERS,
    )


async def _thread_of(ctx: Context, moderator: Moderator, thread_id: int | None) -> Thread | None:
    """The thread the queue is filtered to, when it is one of this site's: its controls are shown."""
    if thread_id is None:
        return None
    try:
        thread = await threads.get_thread(ctx, thread_id)
    except DomainError:
        return None
    return thread if thread.site_id == moderator.site.id else None


@post("/desk/{slug:str}/threads/{thread_id:int}", include_in_schema=False)
async def thread_act(
    request: AnyRequest, slug: FromPath[str], thread_id: ThreadId, data: URLEncodedBody[ThreadForm]
) -> Response[Any]:
    """Close or reopen the thread, pre-moderate it, pin a notice."""
    try:
        moderator = await moderator_of(request, slug)
        state = ThreadState(data.state) if data.state else None
        await moderation.do_thread_controls(
            ctx_of(request),
            moderator,
            thread_id,
            state=state,
            premoderated=bool(data.premoderated),
            notice=data.notice,
        )
    except ValueError:
        return _refused(Invalid("state_invalid", "A thread is open, closed or archived.", "state"), slug)
    except DomainError as error:
        return _refused(error, slug)
    return Redirect(f"/desk/{slug}?queue=all&thread={thread_id}", status_code=303)


# The policy's whole-number fields, as the policy itself declares them.
WHOLE_NUMBERS = tuple(f.name for f in dataclasses.fields(ModerationPolicy) if f.type == "int")


def _words(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))


def _policy_from(form: PolicyForm) -> ModerationPolicy:
    """The form's fields as a policy; a field that is not a number is refused by name."""
    numbers: dict[str, Any] = {}
    for name in WHOLE_NUMBERS:
        value = getattr(form, name).strip()
        if not value.isdigit() or len(value) > 9:
            raise Invalid("policy_invalid", f"{name.replace('_', ' ')} is a whole number.", name)
        numbers[name] = int(value)
    try:
        threshold = float(form.toxicity_threshold or 0)
        deleted = DeletedAccounts(form.deleted_accounts)
    except ValueError:
        raise Invalid(
            "policy_invalid", "Check the toxicity threshold and the deletion policy.", None
        ) from None
    return ModerationPolicy(
        banned_words=_words(form.banned_words),
        suspect_words=_words(form.suspect_words),
        hold_link_only=bool(form.hold_link_only),
        toxicity_threshold=threshold,
        check_url=form.check_url.strip(),
        premoderate_all=bool(form.premoderate_all),
        deleted_accounts=deleted,
        **numbers,
    )


def _policy_page(site: Site, policy: ModerationPolicy, error: DomainError | None = None) -> Template:
    return Template(
        template_name="desk_policy.html",
        context={"site": site, "policy": policy, "error": error},
        headers=DESK_HEADERS,
        status_code=error.status if error else 200,
    )


@get("/desk/{slug:str}/policy", include_in_schema=False)
async def policy_page(request: AnyRequest, slug: FromPath[str]) -> Template:
    """The site's moderation policy as a form, for its admins."""
    try:
        admin = await moderator_of(request, slug, Action.MANAGE_SITE)
    except DomainError as error:
        return _refused(error, slug)
    return _policy_page(admin.site, admin.site.moderation)


@post("/desk/{slug:str}/policy", include_in_schema=False)
async def policy_save(
    request: AnyRequest, slug: FromPath[str], data: URLEncodedBody[PolicyForm]
) -> Response[Any]:
    try:
        admin = await moderator_of(request, slug, Action.MANAGE_SITE)
    except DomainError as error:
        return _refused(error, slug)
    try:
        await moderation.do_set_policy(ctx_of(request), slug, _policy_from(data), admin.name)
    except DomainError as error:
        return _policy_page(admin.site, admin.site.moderation, error)
    return Redirect(f"/desk/{slug}/policy", status_code=303)


def _may_audit(moderator: Moderator) -> bool:
    return may(moderator.user.actor_on(moderator.site.id), Action.MANAGE_USERS)


def _filters(where: QueueFilter) -> dict[str, str | int]:
    found: dict[str, str | int | None] = {
        "queue": where.queue.value,
        "thread": where.thread_id,
        "author": where.owner,
        "reason": where.reason,
        "q": where.search,
        "order": "newest" if where.newest_first else "oldest",
    }
    return {key: value for key, value in found.items() if value is not None}


@post("/desk/{slug:str}/act", include_in_schema=False)
async def act(request: AnyRequest, slug: FromPath[str], data: URLEncodedBody[ActForm]) -> Response[Any]:
    """Approve, reject, feature or unfeature the chosen comments, then back to the queue."""
    try:
        moderator = await moderator_of(request, slug)
        await moderation.do_decide(
            ctx_of(request), moderator, _ids(data.ids), Decide(data.action), data.reason
        )
    except ValueError:
        return _refused(Invalid("action_invalid", "Unknown action.", "action"), slug)
    except DomainError as error:
        return _refused(error, slug)
    return Redirect(_back(data.back, slug), status_code=303)


@get("/desk/{slug:str}/authors/{subject:str}", include_in_schema=False)
async def author_page(
    request: AnyRequest, slug: FromPath[str], subject: FromPath[str], fragment: FromQuery[bool] = False
) -> Template:
    """The author drawer: record, notes, sanctions, and the actions on them."""
    ctx = ctx_of(request)
    try:
        moderator = await moderator_of(request, slug)
        history = await moderation.history(ctx, moderator, subject)
    except DomainError as error:
        return _refused(error, slug)
    return Template(
        template_name="desk_author.html",
        context={
            "site": moderator.site,
            "history": history,
            "now": ctx.clock(),
            "kinds": [kind.value for kind in SanctionKind],
            "when": when,
            "fragment": fragment,
        },
        headers=DESK_HEADERS,
    )


def _until(value: str) -> int | None:
    if not value.strip():
        return None
    try:
        day = datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid("until_invalid", "Give the end as a date, like 2026-12-31.", "until") from None
    return ms_of(day)


@post("/desk/{slug:str}/authors/{subject:str}", include_in_schema=False)
async def author_act(
    request: AnyRequest, slug: FromPath[str], subject: FromPath[str], data: URLEncodedBody[AuthorForm]
) -> Response[Any]:
    """Add a note, sanction, or lift a sanction (kind ``lift_<kind>``)."""
    ctx = ctx_of(request)
    try:
        moderator = await moderator_of(request, slug)
        if data.kind == "note":
            await moderation.do_add_note(ctx, moderator, subject, data.note)
        elif data.kind.startswith("lift_"):
            await moderation.do_lift(ctx, moderator, subject, SanctionKind(data.kind[5:]), data.reason)
        else:
            await moderation.do_sanction(
                ctx,
                moderator,
                subject,
                SanctionKind(data.kind),
                data.reason,
                _until(data.until),
                reject_comments=bool(data.reject_comments),
            )
    except ValueError:
        return _refused(Invalid("action_invalid", "Unknown action.", "kind"), slug)
    except DomainError as error:
        return _refused(error, slug)
    return Redirect(f"/desk/{slug}/authors/{subject}", status_code=303)


@get("/desk/{slug:str}/audit", include_in_schema=False)
async def audit_page(
    request: AnyRequest,
    slug: FromPath[str],
    before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
) -> Template:
    try:
        moderator = await moderator_of(request, slug, Action.MANAGE_USERS)
    except DomainError as error:
        return _refused(error, slug)
    entries = await moderation.audit_log(ctx_of(request), moderator, before, DESK_PAGE)
    older = f"/desk/{slug}/audit?before={entries[-1].id}" if len(entries) == DESK_PAGE else None
    return Template(
        template_name="desk_audit.html",
        context={"site": moderator.site, "entries": entries, "older": older, "when": when},
        headers=DESK_HEADERS,
    )


ROUTES = [desk_index, desk, act, thread_act, policy_page, policy_save, author_page, author_act, audit_page]
