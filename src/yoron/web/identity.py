"""Who is asking: a signed, HttpOnly device cookie for guests (accounts come later)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from litestar import Request, Response

from yoron.domain.model import Viewer
from yoron.domain.privacy import ip_hash

DEVICE_COOKIE = "yoron_device"
DEVICE_HEADER = "x-yoron-device"
DEVICE_MAX_AGE = 400 * 24 * 3600


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


def request_token(request: Request) -> str | None:
    return request.headers.get(DEVICE_HEADER) or request.cookies.get(DEVICE_COOKIE)


def viewer_of(request: Request, secret: str, issued: str | None = None) -> Viewer:
    token = issued or request_token(request)
    address = request.client.host if request.client else ""
    return Viewer(key=device_key(secret, token), ip_hash=ip_hash(address, secret))


def ensure_device(request: Request, secret: str) -> tuple[Viewer, str | None]:
    """The viewer, with a new device token when the request carried no valid one."""
    viewer = viewer_of(request, secret)
    if viewer.key is not None:
        return viewer, None
    token = make_device_token(secret)
    return viewer_of(request, secret, issued=token), token


def attach_device(response: Response, token: str | None, secure: bool) -> Response:
    """Hand a newly issued device token to the browser (cookie) and to scripts (header)."""
    if token:
        response.set_cookie(
            DEVICE_COOKIE,
            token,
            max_age=DEVICE_MAX_AGE,
            httponly=True,
            secure=secure,
            samesite="lax",
            path="/",
        )
        response.headers[DEVICE_HEADER] = token
    return response
