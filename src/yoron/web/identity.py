"""Who is asking: a signed-in user (session), or a guest known by a signed device cookie."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Any

from litestar import Request, Response

from yoron.domain.model import Viewer
from yoron.domain.privacy import client_address, ip_hash
from yoron.services.accounts import access_session
from yoron.web.runtime import cookie_secure, runtime_of

DEVICE_COOKIE = "yoron_device"
DEVICE_HEADER = "x-yoron-device"
DEVICE_MAX_AGE = 400 * 24 * 3600
SESSION_COOKIE = "yoron_session"
SESSION_HEADER = "x-yoron-session"
AnyRequest = Request[Any, Any, Any]


def _sign(secret: str, device_id: str) -> str:
    mac = hmac.new(secret.encode(), b"device:" + device_id.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:18]).decode().rstrip("=")


def make_device_token(secret: str) -> str:
    device_id = secrets.token_urlsafe(18)
    return f"{device_id}.{_sign(secret, device_id)}"


def device_key(secret: str, token: str | None) -> str | None:
    """The owner key a valid device token stands for; None for a missing or forged one."""
    if not token or len(token) > 100 or "." not in token:
        return None
    device_id, signature = token.rsplit(".", 1)
    if not hmac.compare_digest(signature, _sign(secret, device_id)):
        return None
    return "d:" + hashlib.sha256(device_id.encode()).hexdigest()[:32]


def request_token(request: AnyRequest) -> str | None:
    return request.headers.get(DEVICE_HEADER) or request.cookies.get(DEVICE_COOKIE)


def session_token(request: AnyRequest) -> str | None:
    """The session a request carries: the header form (widgets) or the HttpOnly cookie."""
    return request.headers.get(SESSION_HEADER) or request.cookies.get(SESSION_COOKIE)


async def viewer_of(request: AnyRequest, issued: str | None = None) -> Viewer:
    runtime = runtime_of(request)
    secret = runtime.settings.secret_key
    peer = request.client.host if request.client else ""
    address = client_address(peer, request.headers.get("x-forwarded-for", ""), runtime.trusted_proxies)
    network = ip_hash(address, secret)
    user = await access_session(runtime.ctx, session_token(request))
    if user is not None:
        return Viewer(key=user.key, ip_hash=network, user=user)
    return Viewer(key=device_key(secret, issued or request_token(request)), ip_hash=network)


async def ensure_device(request: AnyRequest) -> tuple[Viewer, str | None]:
    """The viewer, with a new device token when a guest's request carried no valid one."""
    viewer = await viewer_of(request)
    if viewer.key is not None:
        return viewer, None
    token = make_device_token(runtime_of(request).settings.secret_key)
    return await viewer_of(request, issued=token), token


def set_session_cookie(response: Response[Any], token: str, request: AnyRequest) -> Response[Any]:
    days = runtime_of(request).accounts.session_days
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=days * 86_400,
        httponly=True,
        secure=cookie_secure(request),
        samesite="lax",
        path="/",
    )
    return response


def attach_device(response: Response[Any], token: str | None, request: AnyRequest) -> Response[Any]:
    """Hand a newly issued device token to the browser (cookie) and to scripts (header)."""
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            secure=cookie_secure(request),
            samesite="lax",
            path="/",
        )
        response.headers[DEVICE_HEADER] = token
    return response
