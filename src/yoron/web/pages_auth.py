"""Account pages that work without JavaScript: sign in, sign up, and the targets of emailed links."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.params import FromQuery, URLEncodedBody
from litestar.response import Redirect, Template

from yoron.domain.errors import DomainError
from yoron.domain.oidc import OidcProvider
from yoron.services import accounts, oidc
from yoron.web.auth import link_base, sign_up_from
from yoron.web.identity import SESSION_COOKIE, session_token, set_session_cookie
from yoron.web.pages import PAGE_HEADERS
from yoron.web.runtime import ctx_of, runtime_of

AnyRequest = Request[Any, Any, Any]
POPUP_PATH = "/auth/popup"


@dataclass
class AuthForm:
    site: str = ""
    next: str = ""
    email: str = ""
    display_name: str = ""
    password: str = ""
    token: str = ""


def safe_next(target: str) -> str:
    """Only same-site paths: never send a reader to another host after signing in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


def popup_next(site: str, origin: str) -> str:
    """Where signing in inside the widget's window ends: the page that hands the session over."""
    return f"{POPUP_PATH}?{urlencode({'site': site, 'origin': origin})}"


def is_popup(next: str) -> bool:
    return next.startswith(POPUP_PATH + "?")


def _done(title: str, notice: str, next: str = "") -> Template:
    """A page that only reports what happened (and links back to the discussion)."""
    page = auth_page(title, "done", next=next)
    page.context["notice"] = notice
    return page


def auth_page(title: str, form: str, *, error: DomainError | None = None, **context: Any) -> Template:
    values = context.pop("values", AuthForm())
    return Template(
        template_name="auth.html",
        context={
            "title": title,
            "form": form,
            "error": error,
            "values": values,
            "notice": None,
            "popup": is_popup(context.get("next", "")),
            "providers": [],
            **context,
        },
        headers=PAGE_HEADERS,
        status_code=error.status if error else 200,
    )


async def _next_and_providers(
    request: AnyRequest, site: str, next: str, popup: bool, origin: str
) -> tuple[str, list[OidcProvider]]:
    """Where the page leads once signed in (the widget's window has its own end), and the
    OpenID Connect providers it offers."""
    target = popup_next(site, origin) if popup else safe_next(next)
    return target, await oidc.sign_in_choices(ctx_of(request), site)


@get("/auth/signin", include_in_schema=False)
async def signin_page(
    request: AnyRequest,
    site: FromQuery[str] = "",
    next: FromQuery[str] = "/",
    popup: FromQuery[bool] = False,
    origin: FromQuery[str] = "",
) -> Response[Any]:
    target, providers = await _next_and_providers(request, site, next, popup, origin)
    if popup:
        try:
            signed_in = await accounts.access_session_for_origin(
                ctx_of(request), site, origin, session_token(request)
            )
        except DomainError as error:
            return auth_page("Sign in", "failed", error=error)
        if signed_in:  # already signed in here: hand the session over at once
            return Redirect(target, status_code=303)
    return auth_page("Sign in", "signin", site=site, next=target, providers=providers)


@post("/auth/signin", include_in_schema=False)
async def signin_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Response[Any]:
    runtime = runtime_of(request)
    try:
        _user, token = await accounts.do_sign_in(
            runtime.ctx, runtime.accounts, data.site or None, data.email, data.password
        )
    except DomainError as error:
        back = safe_next(data.next)
        providers = await oidc.sign_in_choices(runtime.ctx, data.site)
        return auth_page(
            "Sign in", "signin", error=error, site=data.site, next=back, values=data, providers=providers
        )
    return set_session_cookie(Redirect(safe_next(data.next), status_code=303), token, request)


@post("/auth/signout", include_in_schema=False)
async def signout_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Response[Any]:
    token = session_token(request)
    if token:
        await accounts.do_sign_out(ctx_of(request), token)
    response = Redirect(safe_next(data.next), status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@get("/auth/signup", include_in_schema=False)
async def signup_page(
    request: AnyRequest,
    site: FromQuery[str] = "",
    next: FromQuery[str] = "/",
    popup: FromQuery[bool] = False,
    origin: FromQuery[str] = "",
) -> Template:
    target, providers = await _next_and_providers(request, site, next, popup, origin)
    return auth_page("Create an account", "signup", site=site, next=target, providers=providers)


@post("/auth/signup", include_in_schema=False)
async def signup_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Template:
    try:
        await sign_up_from(request, data.site, data.email, data.display_name, data.password)
    except DomainError as error:
        return auth_page(
            "Create an account", "signup", error=error, site=data.site, next=data.next, values=data
        )
    return _done(
        "Check your email",
        f"We sent a link to {data.email}. Open it to confirm your address, then sign in.",
        next=safe_next(data.next),
    )


@get("/auth/verify", include_in_schema=False)
async def verify_page(token: FromQuery[str] = "") -> Template:
    # Confirming takes a click (a POST): mail scanners that open links must not confirm for the reader.
    return auth_page("Confirm your email", "verify", token=token)


@post("/auth/verify", include_in_schema=False)
async def verify_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Template:
    try:
        user = await accounts.do_verify_email(ctx_of(request), data.token)
    except DomainError as error:
        return auth_page("Confirm your email", "verify", error=error, token=data.token)
    return _done("Email confirmed", f"Thank you, {user.display_name}: you can sign in and comment now.")


@get("/auth/forgot", include_in_schema=False)
async def forgot_page(site: FromQuery[str] = "") -> Template:
    return auth_page("Forgot your password?", "forgot", site=site)


@post("/auth/forgot", include_in_schema=False)
async def forgot_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Template:
    runtime = runtime_of(request)
    try:
        await accounts.do_request_password_reset(
            runtime.ctx, runtime.mailer, runtime.accounts, data.site, data.email, link_base(request)
        )
    except DomainError as error:
        return auth_page("Forgot your password?", "forgot", error=error, site=data.site)
    return _done("Check your email", "If an account uses that address, a reset link is on its way.")


@get("/auth/reset", include_in_schema=False)
async def reset_page(token: FromQuery[str] = "") -> Template:
    return auth_page("Choose a new password", "reset", token=token)


@post("/auth/reset", include_in_schema=False)
async def reset_form(request: AnyRequest, data: URLEncodedBody[AuthForm]) -> Template:
    try:
        await accounts.do_reset_password(ctx_of(request), data.token, data.password)
    except DomainError as error:
        return auth_page("Choose a new password", "reset", error=error, token=data.token)
    return _done(
        "Password changed", "Your password is changed and every other session is signed out. Sign in again."
    )


ROUTES = [
    signin_page,
    signin_form,
    signout_form,
    signup_page,
    signup_form,
    verify_page,
    verify_form,
    forgot_page,
    forgot_form,
    reset_page,
    reset_form,
]
