"""The "Your account" page, /auth/account: download one's data or delete the account, without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Template

from yoron.domain.errors import DomainError
from yoron.domain.model import Viewer
from yoron.services import account_deletion
from yoron.web.identity import SESSION_COOKIE, viewer_of
from yoron.web.pages import PAGE_HEADERS
from yoron.web.runtime import ctx_of
from yoron.web.schemas import when

AnyRequest = Request[Any, Any, Any]
ACCOUNT_PATH = "/auth/account"
TITLE = "Your account"


@dataclass
class DeleteForm:
    password: str = ""
    confirm: str = ""


def _page(title: str, *, status: int = 200, **context: Any) -> Template:
    return Template(
        template_name="account.html",
        context={"title": title, "error": None, "notice": None, "user": None, "signin": None, "when": when}
        | context,
        headers=PAGE_HEADERS,
        status_code=status,
    )


async def _account_page(
    request: AnyRequest, viewer: Viewer, site: str, error: DomainError | None
) -> Template:
    try:
        terms = await account_deletion.deletion_terms(ctx_of(request), viewer)
    except DomainError as refused:
        signin = (
            "/auth/signin?" + urlencode({"site": site, "next": ACCOUNT_PATH}) if viewer.user is None else None
        )
        return _page(TITLE, status=refused.status, error=refused, signin=signin)
    return _page(TITLE, status=error.status if error else 200, error=error, user=viewer.user, terms=terms)


@get(ACCOUNT_PATH, include_in_schema=False)
async def account_page(request: AnyRequest, site: FromQuery[str] = "") -> Template:
    return await _account_page(request, await viewer_of(request), site, None)


@post(f"{ACCOUNT_PATH}/delete", include_in_schema=False)
async def delete_form(request: AnyRequest, data: URLEncodedBody[DeleteForm]) -> Template:
    viewer = await viewer_of(request)
    try:
        await account_deletion.do_delete_account(
            ctx_of(request), viewer, password=data.password or None, confirm=data.confirm or None
        )
    except DomainError as error:
        return await _account_page(request, viewer, "", error)
    page = _page("Account deleted", notice="Your account is deleted and you are signed out. Goodbye.")
    page.delete_cookie(SESSION_COOKIE, path="/")
    return page


ROUTES = [account_page, delete_form]
