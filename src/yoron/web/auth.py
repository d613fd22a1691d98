"""Accounts over the API, /api/v1/auth: sign up, verify, sign in and out, reset a password."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get, post
from litestar.params import JSONBody

from yoron.domain.accounts import User
from yoron.domain.errors import Forbidden
from yoron.services import account_deletion, accounts, sso
from yoron.web.identity import SESSION_COOKIE, session_token, set_session_cookie, viewer_of
from yoron.web.runtime import ctx_of, runtime_of
from yoron.web.schemas import (
    AccountDeletedOut,
    AccountDeleteIn,
    MeOut,
    NewPasswordIn,
    ResetIn,
    SessionOut,
    SignInIn,
    SignUpIn,
    SsoIn,
    TokenIn,
    UserOut,
    user_out,
)

AnyRequest = Request[Any, Any, Any]


def link_base(request: AnyRequest) -> str:
    """Where emailed links point: the configured public address, else this request's."""
    return (runtime_of(request).settings.public_url or str(request.base_url)).rstrip("/")


@post("/api/v1/auth/signup", status_code=201, summary="Create an account", tags=["accounts"])
async def sign_up(request: AnyRequest, data: JSONBody[SignUpIn]) -> UserOut:
    """Emails a single-use link that confirms the address; commenting waits for it."""
    return user_out(await sign_up_from(request, data.site, data.email, data.display_name, data.password))


async def sign_up_from(request: AnyRequest, site: str, email: str, display_name: str, password: str) -> User:
    """Sign up with this process's mailer and settings; emailed links point back here."""
    runtime = runtime_of(request)
    return await accounts.do_sign_up(
        runtime.ctx,
        runtime.mailer,
        runtime.accounts,
        site,
        email=email,
        display_name=display_name,
        password=password,
        link_base=link_base(request),
    )


@post("/api/v1/auth/verify", status_code=200, summary="Confirm an email address", tags=["accounts"])
async def verify(request: AnyRequest, data: JSONBody[TokenIn]) -> UserOut:
    return user_out(await accounts.do_verify_email(ctx_of(request), data.token))


@post("/api/v1/auth/signin", status_code=200, summary="Sign in", tags=["accounts"])
async def sign_in(request: AnyRequest, data: JSONBody[SignInIn]) -> Response[SessionOut]:
    """Sets an HttpOnly session cookie, and returns the same session as a token for widgets
    on other origins (sent back in the ``X-Yoron-Session`` header)."""
    runtime = runtime_of(request)
    user, token = await accounts.do_sign_in(
        runtime.ctx, runtime.accounts, data.site, data.email, data.password
    )
    return set_session_cookie(Response(SessionOut(user_out(user), token)), token, request)


@post("/api/v1/auth/sso", status_code=200, summary="Sign in with the news site's token", tags=["accounts"])
async def sso_sign_in(request: AnyRequest, data: JSONBody[SsoIn]) -> Response[SessionOut]:
    """Exchange a JWT signed by the host site (see docs/sso.md) for a yoron session."""
    runtime = runtime_of(request)
    user, token = await sso.do_sso_sign_in(runtime.ctx, runtime.accounts, data.site, data.token)
    return set_session_cookie(Response(SessionOut(user_out(user), token)), token, request)


@post("/api/v1/auth/signout", status_code=200, summary="Sign out this session", tags=["accounts"])
async def sign_out(request: AnyRequest) -> Response[MeOut]:
    token = session_token(request)
    if token:
        await accounts.do_sign_out(ctx_of(request), token)
    response = Response(MeOut(None))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@post("/api/v1/auth/signout-everywhere", status_code=200, summary="Close every session", tags=["accounts"])
async def sign_out_everywhere(request: AnyRequest) -> Response[MeOut]:
    viewer = await viewer_of(request)
    if viewer.user is None:
        raise Forbidden("not_signed_in", "Sign in first.", None)
    await accounts.do_sign_out_everywhere(ctx_of(request), viewer.user)
    response = Response(MeOut(None))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@post("/api/v1/auth/password-reset", status_code=202, summary="Email a reset link", tags=["accounts"])
async def request_reset(request: AnyRequest, data: JSONBody[ResetIn]) -> MeOut:
    """Answers the same whether or not the account exists."""
    runtime = runtime_of(request)
    await accounts.do_request_password_reset(
        runtime.ctx, runtime.mailer, runtime.accounts, data.site, data.email, link_base(request)
    )
    return MeOut(None)


@post("/api/v1/auth/password-reset/confirm", status_code=200, summary="Set a new password", tags=["accounts"])
async def confirm_reset(request: AnyRequest, data: JSONBody[NewPasswordIn]) -> UserOut:
    return user_out(await accounts.do_reset_password(ctx_of(request), data.token, data.password))


@get("/api/v1/auth/me", summary="Who this request is signed in as", tags=["accounts"])
async def me(request: AnyRequest) -> Response[MeOut]:
    viewer = await viewer_of(request)
    user = user_out(viewer.user) if viewer.user else None
    return Response(MeOut(user), headers={"cache-control": "private, no-store"})


@delete("/api/v1/auth/account", status_code=200, summary="Delete my account", tags=["accounts"])
async def delete_account(request: AnyRequest, data: JSONBody[AccountDeleteIn]) -> Response[AccountDeletedOut]:
    """For good: ``{"password"}`` for an account with one, ``{"confirm": "delete"}`` for one without.
    The site's policy says whether the comments stay, as "deleted user", or go."""
    done = await account_deletion.do_delete_account(
        ctx_of(request), await viewer_of(request), password=data.password, confirm=data.confirm
    )
    response = Response(AccountDeletedOut(True, done.policy.value, done.comments, done.votes))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


ROUTES = [
    sign_up,
    verify,
    sign_in,
    sso_sign_in,
    sign_out,
    sign_out_everywhere,
    request_reset,
    confirm_reset,
    me,
    delete_account,
]
