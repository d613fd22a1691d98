"""A site's user management for its admins: the page /admin/{site}/users and its JSON API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Request, Response, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody, PathParameter, QueryParameter, URLEncodedBody
from litestar.response import Redirect, Template

from yoron.domain.accounts import SITE_ROLES, Role, UserStatus
from yoron.domain.errors import DomainError, Invalid
from yoron.services import user_admin
from yoron.web.identity import viewer_of
from yoron.web.pages import PAGE_HEADERS
from yoron.web.runtime import ctx_of
from yoron.web.schemas import MAX_ID, SiteUserOut, SiteUsersOut, UserChangeIn, site_user_out, when

UserId = Annotated[int, PathParameter(ge=1, le=MAX_ID, description="An account's id.")]
Search = Annotated[
    str | None, QueryParameter(max_length=user_admin.SEARCH_MAX, description="Part of a name or email.")
]
Cursor = Annotated[
    str | None, QueryParameter(max_length=40, description="The previous answer's next_cursor.")
]
AnyRequest = Request[Any, Any, Any]


@dataclass
class ChangeForm:
    role: str = ""
    status: str = ""
    q: str = ""


def _users_path(slug: str, **query: str) -> str:
    kept = {key: value for key, value in query.items() if value}
    return f"/admin/{slug}/users" + (f"?{urlencode(kept)}" if kept else "")


@get("/api/v1/sites/{slug:str}/users", summary="A site's accounts (admins)", tags=["sites"])
async def users_json(
    request: AnyRequest,
    slug: FromPath[str],
    q: Search = None,
    cursor: Cursor = None,
    limit: Annotated[int, QueryParameter(ge=1, le=200)] = user_admin.USERS_PAGE,
) -> Response[SiteUsersOut]:
    """Newest first; pass ``next_cursor`` back as ``cursor`` for the next page."""
    ctx = ctx_of(request)
    admin = await user_admin.access_user_admin(ctx, await viewer_of(request), slug)
    page = await user_admin.list_users(ctx, admin, q, cursor, limit)
    out = SiteUsersOut([site_user_out(user) for user in page.users], page.next_cursor)
    return Response(out, headers={"cache-control": "private, no-store"})


@patch(
    "/api/v1/sites/{slug:str}/users/{user_id:int}",
    summary="Change an account's role or status",
    tags=["sites"],
)
async def change_user_json(
    request: AnyRequest, slug: FromPath[str], user_id: UserId, data: JSONBody[UserChangeIn]
) -> SiteUserOut:
    """``{"role"?: "reader"|"moderator"|"admin", "status"?: "active"|"suspended"|"banned"}``; audited."""
    ctx = ctx_of(request)
    admin = await user_admin.access_user_admin(ctx, await viewer_of(request), slug)
    changed = await user_admin.do_change_user(ctx, admin, user_id, role=data.role, status=data.status)
    return site_user_out(changed)


async def _render(
    request: AnyRequest,
    slug: str,
    q: str = "",
    cursor: str | None = None,
    *,
    error: DomainError | None = None,
    notice: str | None = None,
) -> Template:
    ctx = ctx_of(request)
    viewer = await viewer_of(request)
    context: dict[str, Any] = {"title": "Accounts", "error": error, "notice": notice, "signin": None}
    try:
        admin = await user_admin.access_user_admin(ctx, viewer, slug)
        page = await user_admin.list_users(ctx, admin, q, cursor)
    except DomainError as refused:
        if viewer.user is None:
            context["signin"] = "/auth/signin?" + urlencode({"site": slug, "next": _users_path(slug)})
        return _template(context | {"error": refused, "page": None}, refused.status)
    next_url = _users_path(slug, q=q, cursor=page.next_cursor or "") if page.next_cursor else None
    context |= {
        "title": f"Accounts of {admin.site.name}",
        "site": admin.site,
        "admin": admin,
        "page": page,
        "q": q,
        "next_url": next_url,
        "roles": SITE_ROLES,
        "statuses": list(UserStatus),
        "when": when,
    }
    return _template(context, error.status if error else 200)


def _template(context: dict[str, Any], status: int) -> Template:
    return Template(
        template_name="admin_users.html", context=context, headers=PAGE_HEADERS, status_code=status
    )


@get("/admin/{slug:str}/users", include_in_schema=False)
async def users_page(
    request: AnyRequest,
    slug: FromPath[str],
    q: FromQuery[str] = "",
    cursor: FromQuery[str | None] = None,
    saved: FromQuery[str] = "",
) -> Template:
    notice = "Saved." if saved else None
    return await _render(request, slug, q, cursor, notice=notice)


def _choice(value: str, kind: type[Role] | type[UserStatus], field: str) -> Any:
    if not value:
        return None
    try:
        return kind(value)
    except ValueError:
        raise Invalid(f"{field}_invalid", f"There is no {field} {value!r}.", field) from None


@post("/admin/{slug:str}/users/{user_id:int}", include_in_schema=False)
async def change_user_form(
    request: AnyRequest, slug: FromPath[str], user_id: UserId, data: URLEncodedBody[ChangeForm]
) -> Response[Any]:
    ctx = ctx_of(request)
    try:
        admin = await user_admin.access_user_admin(ctx, await viewer_of(request), slug)
        role = _choice(data.role, Role, "role")
        status = _choice(data.status, UserStatus, "status")
        await user_admin.do_change_user(ctx, admin, user_id, role=role, status=status)
    except DomainError as error:
        return await _render(request, slug, data.q, error=error)
    return Redirect(_users_path(slug, q=data.q, saved=str(user_id)) + f"#u{user_id}", status_code=303)


ROUTES = [users_json, change_user_json, users_page, change_user_form]
