"""OpenID Connect sign-in pages: send the reader to the provider, and take them back signed in."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, Response, get
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect

from yoron.domain.errors import DomainError
from yoron.services import oidc
from yoron.web.auth import link_base
from yoron.web.identity import set_session_cookie
from yoron.web.pages_auth import auth_page, safe_next
from yoron.web.runtime import cookie_secure, runtime_of

CALLBACK_PATH = "/auth/oidc/callback"
# The state of the sign-in under way, so that only the browser that started it can finish it.
STATE_COOKIE = "yoron_oidc"
AnyRequest = Request[Any, Any, Any]


def _failed(error: DomainError, next: str = "") -> Response[Any]:
    return auth_page("Sign-in did not work", "failed", error=error, next=next)


@get("/auth/oidc/{site:str}/{provider:str}/start", include_in_schema=False)
async def start(
    request: AnyRequest, site: FromPath[str], provider: FromPath[str], next: FromQuery[str] = "/"
) -> Response[Any]:
    try:
        started = await oidc.do_start_sign_in(
            runtime_of(request).ctx,
            site,
            provider,
            redirect_uri=link_base(request) + CALLBACK_PATH,
            next=safe_next(next),
        )
    except DomainError as error:
        return _failed(error)
    response = Redirect(started.url, status_code=303)
    response.set_cookie(
        STATE_COOKIE,
        started.state,
        max_age=oidc.LOGIN_MINUTES * 60,
        httponly=True,
        secure=cookie_secure(request),
        samesite="lax",  # sent on the provider's redirect back, a top-level navigation
        path="/auth/oidc",
    )
    return response


@get(CALLBACK_PATH, include_in_schema=False)
async def callback(
    request: AnyRequest,
    oauth_state: Annotated[str, QueryParameter(name="state")] = "",  # "state" is Litestar's own
    code: FromQuery[str] = "",
    error: FromQuery[str] = "",
) -> Response[Any]:
    runtime = runtime_of(request)
    try:
        finished = await oidc.do_finish_sign_in(
            runtime.ctx,
            runtime.accounts,
            state=oauth_state,
            browser_state=request.cookies.get(STATE_COOKIE),
            code=code,
            error=error,
            redirect_uri=link_base(request) + CALLBACK_PATH,
        )
    except DomainError as failure:
        response = _failed(failure)
    else:
        response = set_session_cookie(
            Redirect(safe_next(finished.next), status_code=303), finished.session_token, request
        )
    response.delete_cookie(STATE_COOKIE, path="/auth/oidc")
    return response


ROUTES = [start, callback]
